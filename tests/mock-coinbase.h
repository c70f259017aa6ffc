/* mock-coinbase.h: a loopback Coinbase Exchange (REST + websocket feed) for tests. */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

typedef struct {
  /* counters the tests read */
  guint subscribes, unsubscribes, snapshots, posts, deletes, bad_signatures, rate_limited, fills_gets,
        orders_gets, products_gets, feed_connections;
  /* behaviour the tests set */
  guint fail_status, fail_count;   /* the next fail_count POST /orders get fail_status */
  gboolean skip_trade_id;          /* the next match jumps one trade_id (a gap) */
  gboolean hold_fills;             /* fills are recorded (GET /fills) but not sent on the feed */
  /* private */
  SoupServer *server;
  GPtrArray *conns;                /* SoupWebsocketConnection*, with per-connection state as data */
  GHashTable *orders;              /* id -> JsonObject */
  GPtrArray *fills;                /* JsonObject */
  char *key, *secret, *passphrase;
  guint64 trade_id, sequence, order_seq;
  guint tick_id, ticks, idle_pending;
  guint port;
} MockCoinbase;

MockCoinbase *mock_coinbase_new (const char *key, const char *secret, const char *passphrase);
void mock_coinbase_free (MockCoinbase *self);
char *mock_coinbase_rest_url (MockCoinbase *self);
char *mock_coinbase_ws_url (MockCoinbase *self);
void mock_coinbase_send_raw (MockCoinbase *self, const char *text);
void mock_coinbase_drop_feed (MockCoinbase *self);
guint mock_coinbase_fill_open_orders (MockCoinbase *self);
guint mock_coinbase_open_count (MockCoinbase *self);
