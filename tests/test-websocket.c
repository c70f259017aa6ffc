/* test-websocket.c: the websocket server and the `websocket` exchange in one process,
 * over loopback.
 *
 * Each test runs a server engine (the synthetic exchange in simulation mode plus an
 * AatWsServer on an ephemeral port) on the default main context. The server tests talk
 * to it with a raw websocket client; the exchange tests run a second engine with the
 * websocket exchange and a small strategy.
 */
#include <string.h>
#include <aat.h>
#include "aat-synthetic-exchange.h"
#include "aat-websocket-exchange.h"
#include "aat-ws-server.h"
#include "ws-test-client.h"

typedef struct {
  AatEngine *engine;
  AatWsServer *server;
  char *url;
  gboolean done;
} Fixture;

static void
server_run_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *fx = data;
  g_autoptr (GError) error = NULL;

  aat_engine_run_finish (AAT_ENGINE (source), result, &error);
  g_assert_no_error (error);
  fx->done = TRUE;
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AatExchange) ex = NULL;

  fx->engine = aat_engine_new (AAT_TRADING_TYPE_SIMULATION);
  ex = g_object_new (AAT_TYPE_SYNTHETIC_EXCHANGE, "name", "synthetic", "mode", AAT_SYNTHETIC_MODE_SIMULATION,
                     "seed", (guint64) 3, "rate", 300.0, "events", G_MAXUINT64, NULL);
  fx->server = aat_ws_server_new ();
  g_object_set (fx->server, "heartbeat", 0.2, NULL);
  aat_engine_add_exchange (fx->engine, ex);
  aat_engine_add_strategy (fx->engine, AAT_STRATEGY (fx->server));
  g_assert_true (aat_ws_server_listen (fx->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  fx->url = aat_ws_server_get_url (fx->server);
  g_assert_true (g_str_has_prefix (fx->url, "ws://127.0.0.1:"));
  aat_engine_run_async (fx->engine, NULL, server_run_done, fx);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  aat_engine_stop (fx->engine);
  while (!fx->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (fx->done);
  aat_ws_server_shutdown (fx->server);
  g_clear_object (&fx->server);
  g_clear_object (&fx->engine);
  g_free (fx->url);
}

static WsTestClient *
connect_client (Fixture *fx)
{
  WsTestClient *c = ws_test_client_new (fx->url);
  g_autoptr (JsonObject) hello = NULL;

  g_assert_no_error (c->error);
  hello = ws_test_wait (c, "hello", 5);
  g_assert_nonnull (hello);
  g_assert_cmpint (json_object_get_int_member (hello, "protocol"), ==, 1);
  return c;
}

static JsonObject *
send_wait (WsTestClient *c, const char *text, const char *type)
{
  ws_test_send (c, text);
  return ws_test_wait (c, type, 5);
}

/* ---- the server, with a raw client ---- */

static void
test_subscribe_trades (Fixture *fx, gconstpointer data)
{
  WsTestClient *c = connect_client (fx);
  g_autoptr (JsonObject) sub = NULL;
  g_autoptr (JsonObject) snap = NULL;
  gint64 last = -1;

  sub = send_wait (c, "{\"type\":\"subscribe\",\"instruments\":[\"SYN0\"]}", "subscribed");
  g_assert_nonnull (sub);
  snap = ws_test_wait (c, "snapshot", 5);
  g_assert_nonnull (snap);
  g_assert_cmpstr (json_object_get_string_member (snap, "instrument"), ==, "SYN0");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snap, "bids")), >, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snap, "asks")), >, 0);
  last = json_object_get_int_member (snap, "seq");
  for (int i = 0; i < 5; i++)
    {
      g_autoptr (JsonObject) t = ws_test_wait (c, "trade", 5);
      g_assert_nonnull (t);
      g_assert_cmpfloat (json_object_get_double_member (t, "price"), >, 0);
      g_assert_cmpfloat (json_object_get_double_member (t, "volume"), >, 0);
      /* trades only (no book updates): consecutive per instrument */
      g_assert_cmpint (json_object_get_int_member (t, "seq"), ==, last + 1);
      last = json_object_get_int_member (t, "seq");
    }
  {
    g_autoptr (JsonObject) hb = ws_test_wait (c, "heartbeat", 5);
    g_assert_nonnull (hb);
  }
  {
    g_autoptr (JsonObject) err = send_wait (c, "{\"type\":\"subscribe\",\"instruments\":[\"NOPE\"]}", "error");
    g_assert_nonnull (err);
    g_assert_cmpstr (json_object_get_string_member (err, "field"), ==, "instruments");
  }
  ws_test_client_free (c);
}

static void
test_order_ack_fill_cancel (Fixture *fx, gconstpointer data)
{
  WsTestClient *c = connect_client (fx);
  g_autoptr (JsonObject) ack = NULL;
  g_autoptr (JsonObject) fill = NULL;
  g_autoptr (JsonObject) ack2 = NULL;
  g_autoptr (JsonObject) canceled = NULL;
  g_autoptr (JsonObject) again = NULL;

  ack = send_wait (c, "{\"type\":\"new_order\",\"client_order_id\":\"t-1\",\"instrument\":\"SYN0\","
                      "\"side\":\"buy\",\"order_type\":\"market\",\"volume\":2}", "ack");
  g_assert_nonnull (ack);
  g_assert_cmpstr (json_object_get_string_member (ack, "client_order_id"), ==, "t-1");
  g_assert_false (json_object_get_boolean_member_with_default (ack, "duplicate", FALSE));
  fill = ws_test_wait (c, "fill", 5);
  g_assert_nonnull (fill);
  g_assert_cmpstr (json_object_get_string_member (fill, "client_order_id"), ==, "t-1");
  g_assert_cmpint (json_object_get_int_member (fill, "fill_id"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (fill, "price"), >, 0);

  /* far below the market: it rests, then is cancelled */
  ack2 = send_wait (c, "{\"type\":\"new_order\",\"client_order_id\":\"t-2\",\"instrument\":\"SYN0\","
                       "\"side\":\"buy\",\"order_type\":\"limit\",\"volume\":1,\"price\":50}", "ack");
  g_assert_nonnull (ack2);
  g_assert_cmpstr (json_object_get_string_member (ack2, "status"), ==, "open");
  canceled = send_wait (c, "{\"type\":\"cancel_order\",\"client_order_id\":\"t-2\"}", "canceled");
  g_assert_nonnull (canceled);
  g_assert_cmpstr (json_object_get_string_member (canceled, "status"), ==, "canceled");
  again = send_wait (c, "{\"type\":\"cancel_order\",\"client_order_id\":\"t-2\"}", "cancel_reject");
  g_assert_nonnull (again);
  g_assert_cmpstr (json_object_get_string_member (again, "reason"), ==, "order is canceled");
  ws_test_client_free (c);
}

static void
test_reject_reason (Fixture *fx, gconstpointer data)
{
  WsTestClient *c = connect_client (fx);
  g_autoptr (JsonObject) r1 = NULL;
  g_autoptr (JsonObject) r2 = NULL;
  g_autoptr (JsonObject) r3 = NULL;

  r1 = send_wait (c, "{\"type\":\"new_order\",\"client_order_id\":\"r-1\",\"instrument\":\"SYN0\","
                     "\"side\":\"sell\",\"order_type\":\"limit\",\"volume\":1,\"price\":-3}", "reject");
  g_assert_nonnull (r1);
  g_assert_cmpstr (json_object_get_string_member (r1, "client_order_id"), ==, "r-1");
  g_assert_nonnull (strstr (json_object_get_string_member (r1, "reason"), "price"));
  r2 = send_wait (c, "{\"type\":\"new_order\",\"client_order_id\":\"r-2\",\"instrument\":\"ZZZ\","
                     "\"side\":\"sell\",\"order_type\":\"market\",\"volume\":1}", "reject");
  g_assert_nonnull (r2);
  g_assert_cmpstr (json_object_get_string_member (r2, "reason"), !=, "");
  /* a retry gets the same answer, not a second order */
  r3 = send_wait (c, "{\"type\":\"new_order\",\"client_order_id\":\"r-1\",\"instrument\":\"SYN0\","
                     "\"side\":\"sell\",\"order_type\":\"limit\",\"volume\":1,\"price\":-3}", "reject");
  g_assert_nonnull (r3);
  g_assert_true (json_object_get_boolean_member (r3, "duplicate"));
  g_assert_cmpint (json_object_get_int_member (r3, "order_id"), ==, json_object_get_int_member (r1, "order_id"));
  ws_test_client_free (c);
}

static void
test_idempotent_status (Fixture *fx, gconstpointer data)
{
  WsTestClient *c = connect_client (fx);
  const char *order = "{\"type\":\"new_order\",\"client_order_id\":\"i-1\",\"instrument\":\"SYN0\","
                      "\"side\":\"sell\",\"order_type\":\"limit\",\"volume\":1,\"price\":500}";
  g_autoptr (JsonObject) a1 = NULL;
  g_autoptr (JsonObject) a2 = NULL;
  g_autoptr (JsonObject) st = NULL;
  JsonArray *orders;
  guint before;

  a1 = send_wait (c, order, "ack");
  g_assert_nonnull (a1);
  before = aat_ws_server_get_order_count (fx->server);
  a2 = send_wait (c, order, "ack");
  g_assert_nonnull (a2);
  g_assert_true (json_object_get_boolean_member (a2, "duplicate"));
  g_assert_cmpint (json_object_get_int_member (a2, "order_id"), ==, json_object_get_int_member (a1, "order_id"));
  g_assert_cmpuint (aat_ws_server_get_order_count (fx->server), ==, before);

  st = send_wait (c, "{\"type\":\"order_status\",\"client_order_ids\":[\"i-1\",\"nope\"]}", "order_status");
  g_assert_nonnull (st);
  orders = json_object_get_array_member (st, "orders");
  g_assert_cmpuint (json_array_get_length (orders), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (orders, 0), "status"), ==, "open");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (st, "unknown")), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (st, "unknown"), 0), ==, "nope");
  ws_test_client_free (c);
}

static void
expect_field (WsTestClient *c, const char *text, const char *field)
{
  g_autoptr (JsonObject) err = send_wait (c, text, "error");
  JsonNode *f;

  g_assert_nonnull (err);
  f = json_object_get_member (err, "field");
  g_assert_nonnull (f);
  if (field == NULL)
    g_assert_true (JSON_NODE_HOLDS_NULL (f));
  else
    g_assert_cmpstr (json_node_get_string (f), ==, field);
}

static void
test_malformed (Fixture *fx, gconstpointer data)
{
  WsTestClient *c = connect_client (fx);
  g_autoptr (JsonObject) pong = NULL;

  expect_field (c, "{{{", NULL);
  expect_field (c, "\"just a string\"", NULL);
  /* several top-level values: json-glib 1.6 would parse the last and leak the others */
  expect_field (c, "\"\"{\"type\":\"ping\",\"id\":\"x\"}", NULL);
  expect_field (c, "{\"type\":\"ping\"}{\"type\":\"ping\"}", NULL);
  expect_field (c, "{}", "type");
  expect_field (c, "{\"type\":null}", "type");
  expect_field (c, "{\"type\":\"what\"}", "type");
  expect_field (c, "{\"type\":\"new_order\"}", "client_order_id");
  expect_field (c, "{\"type\":\"new_order\",\"client_order_id\":\"\"}", "client_order_id");
  expect_field (c, "{\"type\":\"new_order\",\"client_order_id\":\"m\",\"instrument\":7}", "instrument");
  expect_field (c, "{\"type\":\"new_order\",\"client_order_id\":\"m\",\"instrument\":\"SYN0\",\"side\":\"buy\",\"volume\":\"1\"}", "volume");
  expect_field (c, "{\"type\":\"new_order\",\"client_order_id\":\"m\",\"instrument\":\"SYN0\",\"side\":\"buy\",\"volume\":1,\"order_type\":\"stop\"}", "order_type");
  expect_field (c, "{\"type\":\"new_order\",\"client_order_id\":\"m\",\"instrument\":\"SYN0\",\"side\":\"buy\",\"volume\":1,\"order_type\":\"limit\"}", "price");
  expect_field (c, "{\"type\":\"cancel_order\",\"client_order_id\":[1]}", "client_order_id");
  expect_field (c, "{\"type\":\"order_status\",\"client_order_ids\":[1,2]}", "client_order_ids");
  expect_field (c, "{\"type\":\"subscribe\"}", "instruments");
  /* none of those made an order; the connection is still up */
  g_assert_cmpuint (aat_ws_server_get_order_count (fx->server), ==, 0);
  pong = send_wait (c, "{\"type\":\"ping\",\"id\":\"x\"}", "pong");
  g_assert_nonnull (pong);
  g_assert_cmpstr (json_object_get_string_member (pong, "id"), ==, "x");
  g_assert_false (c->closed);
  ws_test_client_free (c);
}

/* ---- the exchange, in a client engine ---- */

#define TEST_TYPE_TRADER (test_trader_get_type ())
G_DECLARE_FINAL_TYPE (TestTrader, test_trader, TEST, TRADER, AatStrategy)

struct _TestTrader
{
  AatStrategy parent_instance;
  guint trades, received, bought, canceled, rejected;
  char *reject_reason;
  gboolean placed;
  gboolean sell_high;      /* only place one sell a dollar above the market */
  guint sold;
  AatOrder *resting;
};

G_DEFINE_FINAL_TYPE (TestTrader, test_trader, AAT_TYPE_STRATEGY)

static void
trader_on_trade (AatStrategy *s, AatTrade *trade)
{
  TestTrader *t = TEST_TRADER (s);
  AatInstrument *inst = aat_trade_get_instrument (trade);
  g_autoptr (AatOrder) request = NULL;

  t->trades++;
  if (t->placed)
    return;
  t->placed = TRUE;
  if (t->sell_high)
    {
      t->resting = aat_order_ref (aat_strategy_sell (s, inst, 1, 101.0));
      return;
    }
  /* the engine lends the orders it returns */
  aat_strategy_buy (s, inst, 1, 0.0);
  t->resting = aat_order_ref (aat_strategy_buy (s, inst, 1, 1.0));
  /* aat_strategy_sell() would make a market order of a non-positive price */
  request = aat_order_new (inst, AAT_SIDE_SELL, AAT_ORDER_TYPE_LIMIT, 1.0, -5.0);
  aat_strategy_new_order (s, request);
}

static void
trader_on_received (AatStrategy *s, AatOrder *order)
{
  TestTrader *t = TEST_TRADER (s);

  t->received++;
  if (order == t->resting && !t->sell_high)
    aat_strategy_cancel_order (s, order);
}

static void
trader_on_bought (AatStrategy *s, AatTrade *trade)
{
  TEST_TRADER (s)->bought++;
}

static void
trader_on_sold (AatStrategy *s, AatTrade *trade)
{
  TEST_TRADER (s)->sold++;
}

static void
trader_on_canceled (AatStrategy *s, AatOrder *order)
{
  TEST_TRADER (s)->canceled++;
}

static void
trader_on_rejected (AatStrategy *s, AatOrder *order, const char *reason)
{
  TestTrader *t = TEST_TRADER (s);

  t->rejected++;
  g_free (t->reject_reason);
  t->reject_reason = g_strdup (reason);
}

static void
test_trader_finalize (GObject *object)
{
  TestTrader *t = TEST_TRADER (object);

  g_free (t->reject_reason);
  g_clear_pointer (&t->resting, aat_order_unref);
  G_OBJECT_CLASS (test_trader_parent_class)->finalize (object);
}

static void
test_trader_class_init (TestTraderClass *klass)
{
  AatStrategyClass *s = AAT_STRATEGY_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_trader_finalize;
  s->on_trade = trader_on_trade;
  s->on_received = trader_on_received;
  s->on_bought = trader_on_bought;
  s->on_sold = trader_on_sold;
  s->on_canceled = trader_on_canceled;
  s->on_rejected = trader_on_rejected;
}

static void
test_trader_init (TestTrader *self)
{
}

static void
client_run_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;

  aat_engine_run_finish (AAT_ENGINE (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

typedef enum { NO_DROP, DROP, DROP_AND_SWEEP } Drop;

/* While every client is disconnected, another client buys everything up to 101, which
 * fills a resting sell at 101. */
static void
sweep (Fixture *fx)
{
  WsTestClient *c = connect_client (fx);
  g_autoptr (JsonObject) ack = NULL;

  ack = send_wait (c, "{\"type\":\"new_order\",\"client_order_id\":\"sweep\",\"instrument\":\"SYN0\","
                      "\"side\":\"buy\",\"order_type\":\"limit\",\"volume\":100000,\"price\":101}", "ack");
  g_assert_nonnull (ack);
  ws_test_client_free (c);
}

static void
run_client (Fixture *fx, AatExchange *ex, AatStrategy *strategy, Drop drop)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_SIMULATION);
  gboolean done = FALSE, restarted = FALSE;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gint64 restart_at = g_get_monotonic_time () + G_USEC_PER_SEC;

  aat_engine_add_exchange (engine, ex);
  aat_engine_add_strategy (engine, strategy);
  aat_engine_run_async (engine, NULL, client_run_done, &done);
  while (!done && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      if (drop != NO_DROP && !restarted && g_get_monotonic_time () > restart_at)
        {
          /* every connection drops; the server (and its orders) stays */
          g_autoptr (GError) error = NULL;
          g_autoptr (GUri) uri = g_uri_parse (fx->url, G_URI_FLAGS_NONE, NULL);
          restarted = TRUE;
          aat_ws_server_shutdown (fx->server);
          g_assert_true (aat_ws_server_listen (fx->server, "127.0.0.1", (guint) g_uri_get_port (uri), &error));
          g_assert_no_error (error);
          if (drop == DROP_AND_SWEEP)
            sweep (fx);
        }
    }
  g_assert_true (done);
}

static void
test_exchange_round_trip (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatExchange) ex = g_object_new (AAT_TYPE_WEBSOCKET_EXCHANGE, "name", "websocket", "url", fx->url,
                                             "max-events", (guint64) 40, "duration", 20.0, "run-id", "rt", NULL);
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  guint fills = 0;

  run_client (fx, ex, AAT_STRATEGY (t), NO_DROP);
  g_assert_cmpuint (t->trades, >=, 1);
  g_assert_cmpuint (t->bought, >=, 1);        /* the market buy */
  g_assert_cmpuint (t->received, >=, 2);      /* the market buy and the resting limit */
  g_assert_cmpuint (t->canceled, ==, 1);      /* the resting limit */
  g_assert_cmpuint (t->rejected, ==, 1);      /* the negative price, with the server's reason */
  g_assert_nonnull (strstr (t->reject_reason, "price"));
  g_assert_cmpstr (aat_order_get_client_id (t->resting), ==, "rt-2");
  g_assert_cmpuint (aat_ws_server_get_order_count (fx->server), ==, 3);
  g_object_get (ex, "orders-sent", &fills, NULL);
  g_assert_cmpuint (fills, ==, 3);
}

static void
test_exchange_reconnect (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatExchange) ex = g_object_new (AAT_TYPE_WEBSOCKET_EXCHANGE, "name", "websocket", "url", fx->url,
                                             "duration", 2.5, "run-id", "rc", "reconnect-min-ms", 20, NULL);
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  guint reconnects = 0;

  run_client (fx, ex, AAT_STRATEGY (t), DROP);
  g_object_get (ex, "reconnects", &reconnects, NULL);
  g_assert_cmpuint (reconnects, ==, 1);
  g_assert_true (aat_websocket_exchange_is_connected (AAT_WEBSOCKET_EXCHANGE (ex)) == FALSE);
  /* nothing was sent twice */
  g_assert_cmpuint (aat_ws_server_get_order_count (fx->server), ==, 3);
  g_assert_cmpuint (t->rejected, ==, 1);
  g_assert_cmpuint (t->canceled, ==, 1);
}

static void
test_exchange_reconcile_fill (Fixture *fx, gconstpointer data)
{
  /* the reconnection waits long enough for the sweep to happen while disconnected */
  g_autoptr (AatExchange) ex = g_object_new (AAT_TYPE_WEBSOCKET_EXCHANGE, "name", "websocket", "url", fx->url,
                                             "duration", 4.0, "run-id", "rf", "reconnect-min-ms", 1500, NULL);
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  guint reconnects = 0;
  guint64 reconciled = 0, fills = 0;

  t->sell_high = TRUE;
  run_client (fx, ex, AAT_STRATEGY (t), DROP_AND_SWEEP);
  g_object_get (ex, "reconnects", &reconnects, "reconciled-fills", &reconciled, "fills", &fills, NULL);
  g_assert_cmpuint (reconnects, ==, 1);
  /* the fill happened while disconnected: emitted once, by reconciliation */
  g_assert_cmpuint (reconciled, ==, 1);
  g_assert_cmpuint (fills, ==, 1);
  g_assert_cmpuint (t->sold, ==, 1);
  g_assert_cmpint (aat_order_get_status (t->resting), ==, AAT_ORDER_STATUS_FILLED);
  g_assert_cmpfloat (aat_order_get_average_price (t->resting), ==, 101.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/websocket/server/subscribe-snapshot-trades", test_subscribe_trades);
  ADD ("/websocket/server/order/ack-fill-cancel", test_order_ack_fill_cancel);
  ADD ("/websocket/server/order/reject-with-reason", test_reject_reason);
  ADD ("/websocket/server/order/idempotent-and-status", test_idempotent_status);
  ADD ("/websocket/server/malformed-names-the-field", test_malformed);
  ADD ("/websocket/exchange/round-trip", test_exchange_round_trip);
  ADD ("/websocket/exchange/reconnect", test_exchange_reconnect);
  ADD ("/websocket/exchange/reconcile-fill-while-disconnected", test_exchange_reconcile_fill);
#undef ADD
  return g_test_run ();
}
