/* mock-alpaca.h: a loopback Alpaca (REST, market data websocket, trade_updates stream)
 * for tests. */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

typedef struct {
  /* counters the tests read */
  guint data_connections, stream_connections, auths, auth_failures, subscribes, listens, posts, deletes,
        rate_limited, lookups, open_gets, asset_gets, bad_keys, replayed;
  GPtrArray *post_client_ids;      /* char*: client_order_id of every POST /v2/orders, in order */
  /* behaviour the tests set */
  guint fail_status, fail_count;   /* the next fail_count POST /v2/orders get fail_status */
  gboolean create_on_fail;         /* …but the order is created anyway (a 5xx after the fact) */
  gboolean hold_events;            /* trade updates are kept back (the stream is down) */
  gboolean refuse_ws_auth;         /* websocket auth fails whatever the keys */
  gboolean replay_held;            /* after the next listen, send the held updates late (duplicates) */
  /* private */
  SoupServer *server;
  GPtrArray *data_conns, *stream_conns;
  GHashTable *orders;              /* id -> JsonObject */
  GPtrArray *held;                 /* char*: trade updates kept back */
  char *key, *secret;
  guint64 trade_seq, order_seq, exec_seq;
  guint tick_id, ticks, pending;
  guint port;
} MockAlpaca;

MockAlpaca *mock_alpaca_new (const char *key_id, const char *secret_key);
void mock_alpaca_free (MockAlpaca *self);
char *mock_alpaca_base_url (MockAlpaca *self);
char *mock_alpaca_data_url (MockAlpaca *self);
char *mock_alpaca_stream_url (MockAlpaca *self);
void mock_alpaca_send_data_raw (MockAlpaca *self, const char *text);
void mock_alpaca_send_stream_raw (MockAlpaca *self, const char *text);
void mock_alpaca_drop (MockAlpaca *self);
guint mock_alpaca_fill_open_orders (MockAlpaca *self);
guint mock_alpaca_open_count (MockAlpaca *self);
