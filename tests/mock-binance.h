/* mock-binance.h: a loopback libsoup server that speaks Binance spot's documented REST
 * and websocket JSON, for the `binance` exchange's tests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MockBinance MockBinance;

typedef struct {
  char *client_order_id;
  gint64 at;            /* monotonic µs */
  guint status;         /* the HTTP status answered */
} MockAttempt;

MockBinance *mock_binance_new (const char *api_key, const char *api_secret);
void mock_binance_free (MockBinance *self);
char *mock_binance_get_rest_url (MockBinance *self);
char *mock_binance_get_ws_url (MockBinance *self);

/* the market: a trade and a depth update every @ms on the default main context */
void mock_binance_start_market (MockBinance *self, guint ms);
void mock_binance_stop_market (MockBinance *self);
void mock_binance_skip_updates (MockBinance *self, guint n);
void mock_binance_top (MockBinance *self, double *bid, double *bid_qty, double *ask, double *ask_qty);
guint64 mock_binance_get_update_id (MockBinance *self);

/* behaviours on demand */
void mock_binance_rate_limit_next (MockBinance *self, guint n, guint retry_after_s);
void mock_binance_disconnect (MockBinance *self);
gboolean mock_binance_fill (MockBinance *self, const char *client_order_id, double qty, gboolean report);
void mock_binance_send_market_raw (MockBinance *self, const char *text);
void mock_binance_send_user_raw (MockBinance *self, const char *text);
void mock_binance_set_auto_fill (MockBinance *self, gboolean on);

/* what happened */
guint mock_binance_count (MockBinance *self, const char *what);
GPtrArray *mock_binance_get_post_attempts (MockBinance *self);
const char *mock_binance_get_last_signed_query (MockBinance *self);
gboolean mock_binance_get_last_signature_ok (MockBinance *self);
const char *mock_binance_get_order_status (MockBinance *self, const char *client_order_id);
guint mock_binance_connections (MockBinance *self, gboolean user);

G_END_DECLS
