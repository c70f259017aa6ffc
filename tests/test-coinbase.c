/* test-coinbase.c: the Coinbase Exchange adapter: the network-free core, then the
 * `coinbase` exchange in an engine against tests/mock-coinbase.c over loopback. */
#include <string.h>
#include <aat.h>
#include <glib/gstdio.h>
#include "aat-coinbase-core.h"
#include "aat-coinbase-exchange.h"
#include "mock-coinbase.h"
#include "aat-test-util.h"

#define KEY "mock-key-8f2a"
#define SECRET "YWF0LXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODk="  /* base64 ("aat-test-secret-0123456789") */
#define PASSPHRASE "mock-pass-77"

/* ---- signing ---- */

/* Coinbase documents the algorithm (base64 (HMAC-SHA256 (base64-decoded secret,
 * timestamp + method + requestPath + body))) but publishes no worked example with a
 * result. The expected values were computed outside aat with OpenSSL:
 *
 *   printf '%s' "1700000000POST/orders$BODY" |
 *     openssl dgst -sha256 -mac HMAC -macopt key:aat-test-secret-0123456789 -binary | base64
 *   → qRBjvpZdSWYJLYOfENmeC4aK0XJRSpTnSg8b6S21lAg=
 *   printf '%s' "1700000000GET/users/self/verify" | (same) → pt8DLJwlNrXodue3OO6thcK7Mj6LfXaBWC7xdkaNxpI=
 *
 * where the key is the base64 decoding of SECRET and BODY is the order body below. */
static void
test_sign (void)
{
  const char *body = "{\"client_oid\":\"0f0e0d0c-0b0a-4908-8706-050403020100\",\"product_id\":\"BTC-USD\","
                     "\"side\":\"buy\",\"type\":\"limit\",\"size\":\"0.01000000\",\"price\":\"100.00\","
                     "\"time_in_force\":\"GTC\"}";
  g_autofree char *post = aat_coinbase_sign (SECRET, "1700000000", "POST", "/orders", body);
  g_autofree char *verify = aat_coinbase_sign (SECRET, "1700000000", "GET", "/users/self/verify", NULL);
  g_autofree char *empty = aat_coinbase_sign (SECRET, "1700000000", "GET", "/users/self/verify", "");

  g_assert_cmpstr (post, ==, "qRBjvpZdSWYJLYOfENmeC4aK0XJRSpTnSg8b6S21lAg=");
  g_assert_cmpstr (verify, ==, "pt8DLJwlNrXodue3OO6thcK7Mj6LfXaBWC7xdkaNxpI=");
  g_assert_cmpstr (empty, ==, verify);
}

static void
test_redact (void)
{
  g_autofree char *r = aat_coinbase_redact ("CB-ACCESS-KEY: " KEY "\r\nCB-ACCESS-SIGN: abc+/=\r\n"
                                            "{\"signature\":\"xyz=\",\"passphrase\":\"" PASSPHRASE "\",\"s\":\"" SECRET "\"}",
                                            KEY, SECRET, PASSPHRASE);

  g_assert_null (strstr (r, KEY));
  g_assert_null (strstr (r, SECRET));
  g_assert_null (strstr (r, PASSPHRASE));
  g_assert_null (strstr (r, "abc+/="));
  g_assert_null (strstr (r, "xyz="));
  g_assert_nonnull (strstr (r, "CB-ACCESS-SIGN: <redacted>"));
}

/* ---- products and orders ---- */

static GHashTable *
products (void)
{
  g_autoptr (GError) error = NULL;
  GHashTable *t = aat_coinbase_parse_products (
    "[{\"id\":\"BTC-USD\",\"base_currency\":\"BTC\",\"quote_currency\":\"USD\",\"quote_increment\":\"0.01\","
    "\"base_increment\":\"0.00000001\",\"min_market_funds\":\"1\",\"status\":\"online\",\"trading_disabled\":false},"
    "{\"id\":\"LIM-USD\",\"quote_increment\":\"0.001\",\"base_increment\":\"0.1\",\"status\":\"online\",\"limit_only\":true},"
    "{\"id\":\"OFF-USD\",\"quote_increment\":\"0.01\",\"base_increment\":\"1\",\"status\":\"delisted\"},"
    "{\"no_id\":1}]", &error);

  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

static void
test_products (void)
{
  g_autoptr (GHashTable) t = products ();
  AatCoinbaseProduct *p = g_hash_table_lookup (t, "BTC-USD");
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) bad = aat_coinbase_parse_products ("{\"message\":\"NotFound\"}", &error);

  g_assert_cmpuint (g_hash_table_size (t), ==, 3);
  g_assert_cmpfloat_with_epsilon (p->quote_increment, 0.01, 1e-12);
  g_assert_cmpfloat_with_epsilon (p->base_increment, 1e-8, 1e-15);
  g_assert_cmpfloat_with_epsilon (p->min_market_funds, 1.0, 1e-12);
  g_assert_cmpstr (p->base, ==, "BTC");
  g_assert_true (((AatCoinbaseProduct *) g_hash_table_lookup (t, "LIM-USD"))->limit_only);
  g_assert_null (bad);
  g_assert_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_FAILED);
}

static char *
body_of (AatOrder *o, GHashTable *t, const char *product, char **reason)
{
  return aat_coinbase_order_body (o, g_hash_table_lookup (t, product), "0f0e0d0c-0b0a-4908-8706-050403020100",
                                  1000 * (AatTime) 1000000000, reason);
}

static void
test_order_bodies (void)
{
  g_autoptr (GHashTable) t = products ();
  AatInstrument *btc = aat_instrument_get ("BTC-USD", AAT_INSTRUMENT_TYPE_PAIR);
  struct { AatOrder *o; const char *expect; } ok[] = {
    { aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 0.5, 0),
      "{\"client_oid\":\"0f0e0d0c-0b0a-4908-8706-050403020100\",\"product_id\":\"BTC-USD\",\"side\":\"buy\","
      "\"type\":\"market\",\"size\":\"0.50000000\"}" },
    { aat_order_new (btc, AAT_SIDE_SELL, AAT_ORDER_TYPE_LIMIT, 0.01, 100),
      "{\"client_oid\":\"0f0e0d0c-0b0a-4908-8706-050403020100\",\"product_id\":\"BTC-USD\",\"side\":\"sell\","
      "\"type\":\"limit\",\"size\":\"0.01000000\",\"price\":\"100.00\",\"time_in_force\":\"GTC\"}" },
    { aat_order_new_stop (btc, AAT_SIDE_SELL, AAT_ORDER_TYPE_STOP_LIMIT, 0.02, 95.5, 95),
      "{\"client_oid\":\"0f0e0d0c-0b0a-4908-8706-050403020100\",\"product_id\":\"BTC-USD\",\"side\":\"sell\","
      "\"type\":\"limit\",\"size\":\"0.02000000\",\"price\":\"95.00\",\"stop\":\"loss\",\"stop_price\":\"95.50\","
      "\"time_in_force\":\"GTC\"}" },
    { aat_order_new_stop (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_STOP_MARKET, 0.02, 110, 0),
      "{\"client_oid\":\"0f0e0d0c-0b0a-4908-8706-050403020100\",\"product_id\":\"BTC-USD\",\"side\":\"buy\","
      "\"type\":\"market\",\"size\":\"0.02000000\",\"stop\":\"entry\",\"stop_price\":\"110.00\"}" },
    { aat_order_new_notional (btc, AAT_SIDE_BUY, 25),
      "{\"client_oid\":\"0f0e0d0c-0b0a-4908-8706-050403020100\",\"product_id\":\"BTC-USD\",\"side\":\"buy\","
      "\"type\":\"market\",\"funds\":\"25.00\"}" },
  };
  AatOrder *ioc = aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.1, 100);
  AatOrder *fok = aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.1, 100);
  AatOrder *gtt = aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.1, 100);
  g_autofree char *b1 = NULL;
  g_autofree char *b2 = NULL;
  g_autofree char *b3 = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autofree char *reason = NULL;
      g_autofree char *body = body_of (ok[i].o, t, "BTC-USD", &reason);
      g_assert_null (reason);
      g_assert_cmpstr (body, ==, ok[i].expect);
      aat_order_unref (ok[i].o);
    }
  aat_order_set_flag (ioc, AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL);
  aat_order_set_flag (fok, AAT_ORDER_FLAG_FILL_OR_KILL);
  aat_order_set_time_in_force (gtt, AAT_TIME_IN_FORCE_GTD, (1000 + 3600) * (AatTime) 1000000000);
  b1 = body_of (ioc, t, "BTC-USD", NULL);
  b2 = body_of (fok, t, "BTC-USD", NULL);
  b3 = body_of (gtt, t, "BTC-USD", NULL);
  g_assert_nonnull (strstr (b1, "\"time_in_force\":\"IOC\""));
  g_assert_nonnull (strstr (b2, "\"time_in_force\":\"FOK\""));
  g_assert_nonnull (strstr (b3, "\"time_in_force\":\"GTT\",\"cancel_after\":\"hour\""));
  aat_order_unref (ioc);
  aat_order_unref (fok);
  aat_order_unref (gtt);
}

static void
test_order_refusals (void)
{
  g_autoptr (GHashTable) t = products ();
  AatInstrument *btc = aat_instrument_get ("BTC-USD", AAT_INSTRUMENT_TYPE_PAIR);
  AatInstrument *lim = aat_instrument_get ("LIM-USD", AAT_INSTRUMENT_TYPE_PAIR);
  AatInstrument *off = aat_instrument_get ("OFF-USD", AAT_INSTRUMENT_TYPE_PAIR);
  /* an instrument whose tick is finer than the product's (orders snap to their instrument's tick) */
  AatInstrument *fine = aat_instrument_get ("FINE-USD", AAT_INSTRUMENT_TYPE_PAIR);
  struct { AatOrder *o; const char *product; const char *needle; } bad[] = {
    { (aat_instrument_set_tick_size (fine, 0.0001), aat_order_new (fine, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.1, 100.005)),
      "BTC-USD", "quote_increment" },
    { aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.000000001, 100), "BTC-USD", "base_increment" },
    { aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.001, 100), "BTC-USD", "minimum funds" },
    { aat_order_new_notional (btc, AAT_SIDE_BUY, 0.5), "BTC-USD", "min_market_funds" },
    { aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 1, 0), "BTC-USD", "all-or-none" },
    { aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 1, 0), "BTC-USD", "fill-or-kill" },
    { aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 100), "BTC-USD", "DAY" },
    { aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 100), "BTC-USD", "one minute, one hour or one day" },
    { aat_order_new_stop (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_STOP_LIMIT, 1, 101, 102), "BTC-USD", "rests until triggered" },
    { aat_order_new (lim, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 1, 0), "LIM-USD", "limit-only" },
    { aat_order_new (off, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 1), "OFF-USD", "not trading" },
  };

  aat_order_set_flag (bad[4].o, AAT_ORDER_FLAG_ALL_OR_NONE);
  aat_order_set_flag (bad[5].o, AAT_ORDER_FLAG_FILL_OR_KILL);
  aat_order_set_time_in_force (bad[6].o, AAT_TIME_IN_FORCE_DAY, 0);
  aat_order_set_time_in_force (bad[7].o, AAT_TIME_IN_FORCE_GTD, (1000 + 600) * (AatTime) 1000000000);
  aat_order_set_flag (bad[8].o, AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *reason = NULL;
      g_autofree char *body = body_of (bad[i].o, t, bad[i].product, &reason);
      g_test_message ("%u: %s", i, reason);
      g_assert_null (body);
      g_assert_nonnull (reason);
      g_assert_nonnull (strstr (reason, bad[i].needle));
      aat_order_unref (bad[i].o);
    }
}

static void
test_replies (void)
{
  guint retry = 0;
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  g_autoptr (GError) e3 = NULL;
  g_autoptr (GError) e4 = NULL;
  g_autoptr (GError) e5 = NULL;

  g_assert_true (aat_coinbase_check_reply (200, "{}", 0, &retry, NULL));
  g_assert_false (aat_coinbase_check_reply (429, "{\"message\":\"Rate limit exceeded\"}", 2, &retry, &e1));
  g_assert_error (e1, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_RATE_LIMITED);
  g_assert_cmpuint (retry, ==, 4000);
  g_assert_false (aat_coinbase_check_reply (429, NULL, 9, &retry, NULL));
  g_assert_cmpuint (retry, ==, 30000);
  g_assert_false (aat_coinbase_check_reply (400, "{\"message\":\"request timestamp expired\"}", 0, NULL, &e2));
  g_assert_error (e2, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_CLOCK_SKEW);
  g_assert_nonnull (strstr (e2->message, "synchronise the clock"));
  g_assert_false (aat_coinbase_check_reply (401, "{\"message\":\"invalid signature\"}", 0, NULL, &e3));
  g_assert_error (e3, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_AUTH);
  g_assert_false (aat_coinbase_check_reply (503, "<html>", 0, NULL, &e4));
  g_assert_error (e4, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_SERVER);
  g_assert_nonnull (strstr (e4->message, "outcome is unknown"));
  g_assert_false (aat_coinbase_check_reply (400, "{\"message\":\"Insufficient funds\"}", 0, NULL, &e5));
  g_assert_error (e5, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_REJECTED);
  g_assert_nonnull (strstr (e5->message, "Insufficient funds"));
}

static JsonObject *
obj (const char *text)
{
  g_autoptr (JsonParser) p = json_parser_new ();

  g_assert_true (json_parser_load_from_data (p, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (p)));
}

static void
test_book (void)
{
  AatInstrument *inst = aat_instrument_get ("BOOK-USD", AAT_INSTRUMENT_TYPE_PAIR);
  g_autoptr (AatCoinbaseBook) b = NULL;
  g_autoptr (JsonObject) snap = obj ("{\"type\":\"snapshot\",\"product_id\":\"BOOK-USD\",\"bids\":[[\"10.10\",\"0.45\"],"
                                     "[\"10.05\",\"2\"]],\"asks\":[[\"10.20\",\"0.5\"]]}");
  g_autoptr (JsonObject) up = obj ("{\"type\":\"l2update\",\"product_id\":\"BOOK-USD\",\"changes\":[[\"buy\",\"10.10\",\"0\"],"
                                   "[\"sell\",\"10.15\",\"1.25\"]]}");
  g_autoptr (JsonObject) cross = obj ("{\"type\":\"l2update\",\"changes\":[[\"buy\",\"10.15\",\"3\"]]}");
  g_autoptr (JsonObject) bad1 = obj ("{\"type\":\"l2update\",\"changes\":[[\"buy\",\"abc\",\"1\"]]}");
  g_autoptr (JsonObject) bad2 = obj ("{\"type\":\"l2update\",\"changes\":[[\"up\",\"10.00\",\"1\"]]}");
  g_autoptr (JsonObject) bad3 = obj ("{\"type\":\"l2update\",\"changes\":[[\"buy\",\"10.001\",\"1\"]]}");
  g_autoptr (JsonObject) bad4 = obj ("{\"type\":\"snapshot\",\"bids\":[[\"10\"]],\"asks\":[]}");
  g_autoptr (GError) error = NULL;
  double bid, bv, ask, av;

  aat_instrument_set_tick_size (inst, 0.01);
  aat_instrument_set_lot_size (inst, 0.01);
  b = aat_coinbase_book_new (inst);
  g_assert_cmpint (aat_coinbase_book_update (b, up, NULL), ==, AAT_COINBASE_BOOK_WAITING);
  g_assert_cmpint (aat_coinbase_book_snapshot (b, snap, &error), ==, AAT_COINBASE_BOOK_APPLIED);
  g_assert_no_error (error);
  g_assert_true (aat_order_book_top (aat_coinbase_book_get_book (b), &bid, &bv, &ask, &av));
  g_assert_cmpfloat_with_epsilon (bid, 10.10, 1e-9);
  g_assert_cmpfloat_with_epsilon (bv, 0.45, 1e-9);
  g_assert_cmpfloat_with_epsilon (ask, 10.20, 1e-9);
  g_assert_cmpint (aat_coinbase_book_update (b, up, NULL), ==, AAT_COINBASE_BOOK_APPLIED);
  aat_order_book_top (aat_coinbase_book_get_book (b), &bid, &bv, &ask, &av);
  g_assert_cmpfloat_with_epsilon (bid, 10.05, 1e-9);
  g_assert_cmpfloat_with_epsilon (ask, 10.15, 1e-9);
  g_assert_cmpfloat_with_epsilon (av, 1.25, 1e-9);
  /* malformed: refused whole, the book unchanged */
  g_assert_cmpint (aat_coinbase_book_update (b, bad1, &error), ==, AAT_COINBASE_BOOK_MALFORMED);
  g_assert_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (aat_coinbase_book_update (b, bad2, &error), ==, AAT_COINBASE_BOOK_MALFORMED);
  g_clear_error (&error);
  g_assert_cmpint (aat_coinbase_book_update (b, bad3, &error), ==, AAT_COINBASE_BOOK_MALFORMED);
  g_clear_error (&error);
  aat_order_book_top (aat_coinbase_book_get_book (b), &bid, &bv, &ask, &av);
  g_assert_cmpfloat_with_epsilon (bid, 10.05, 1e-9);
  /* a bid through the ask: the stale asks go, nothing trades */
  g_assert_cmpint (aat_coinbase_book_update (b, cross, NULL), ==, AAT_COINBASE_BOOK_APPLIED);
  aat_order_book_top (aat_coinbase_book_get_book (b), &bid, &bv, &ask, &av);
  g_assert_cmpfloat_with_epsilon (bid, 10.15, 1e-9);
  g_assert_cmpfloat_with_epsilon (ask, 10.20, 1e-9);
  g_assert_cmpuint (aat_coinbase_book_get_crossed (b), ==, 1);
  g_assert_cmpuint (aat_order_book_get_trade_count (aat_coinbase_book_get_book (b)), ==, 0);
  g_assert_cmpint (aat_coinbase_book_snapshot (b, bad4, &error), ==, AAT_COINBASE_BOOK_MALFORMED);
  g_assert_false (aat_coinbase_book_is_synced (b));
}

static void
test_seq (void)
{
  AatCoinbaseSeq s = { 0 };
  g_autoptr (JsonObject) lm = obj ("{\"type\":\"last_match\",\"trade_id\":10,\"sequence\":100}");
  g_autoptr (JsonObject) m11 = obj ("{\"type\":\"match\",\"trade_id\":11,\"sequence\":103}");
  g_autoptr (JsonObject) m13 = obj ("{\"type\":\"match\",\"trade_id\":13,\"sequence\":109}");
  g_autoptr (JsonObject) hb = obj ("{\"type\":\"heartbeat\",\"last_trade_id\":15,\"sequence\":120}");
  g_autoptr (JsonObject) old = obj ("{\"type\":\"heartbeat\",\"last_trade_id\":15,\"sequence\":90}");
  g_autofree char *why1 = NULL;
  g_autofree char *why2 = NULL;
  g_autofree char *why3 = NULL;

  g_assert_true (aat_coinbase_seq_check (&s, lm, NULL));
  g_assert_true (aat_coinbase_seq_check (&s, m11, NULL));
  g_assert_false (aat_coinbase_seq_check (&s, m13, &why1));
  g_assert_cmpstr (why1, ==, "trade_id 13 after 11");
  g_assert_false (aat_coinbase_seq_check (&s, hb, &why2));
  g_assert_cmpstr (why2, ==, "heartbeat last_trade_id 15 after match 13");
  g_assert_false (aat_coinbase_seq_check (&s, old, &why3));
  g_assert_cmpstr (why3, ==, "sequence 90 after 120");
}

static void
test_client_oid (void)
{
  g_autofree char *a = aat_coinbase_client_oid ("run-1");
  g_autofree char *b = aat_coinbase_client_oid ("run-1");
  g_autofree char *c = aat_coinbase_client_oid ("run-2");

  g_assert_true (g_uuid_string_is_valid (a));
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
}

/* ---- the exchange against the mock ---- */

#define TEST_TYPE_TRADER (test_trader_get_type ())
G_DECLARE_FINAL_TYPE (TestTrader, test_trader, TEST, TRADER, AatStrategy)

struct _TestTrader
{
  AatStrategy parent_instance;
  gboolean resting_only;
  guint trades, quotes, received, bought, canceled, rejected;
  double bought_volume;
  GPtrArray *reasons;
  gboolean placed;
  AatOrder *resting;
};

G_DEFINE_FINAL_TYPE (TestTrader, test_trader, AAT_TYPE_STRATEGY)

static void
trader_on_trade (AatStrategy *s, AatTrade *trade)
{
  TestTrader *t = TEST_TRADER (s);
  AatInstrument *inst = aat_trade_get_instrument (trade);
  g_autoptr (AatOrder) big = NULL;
  g_autoptr (AatOrder) aon = NULL;

  t->trades++;
  if (t->placed || t->trades < 3)
    return;
  t->placed = TRUE;
  t->resting = aat_order_ref (aat_strategy_buy (s, inst, 0.3, 90.0));
  if (t->resting_only)
    return;
  aat_strategy_buy (s, inst, 0.5, 0.0);                 /* market: two fills */
  big = aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 80, 90.0);   /* the venue refuses */
  aat_strategy_new_order (s, big);
  aon = aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 90.0);   /* refused locally */
  aat_order_set_flag (aon, AAT_ORDER_FLAG_ALL_OR_NONE);
  aat_strategy_new_order (s, aon);
}

static void
trader_on_quote (AatStrategy *s, AatQuote *q)
{
  TEST_TRADER (s)->quotes++;
}

static void
trader_on_received (AatStrategy *s, AatOrder *order)
{
  TestTrader *t = TEST_TRADER (s);

  t->received++;
  if (order == t->resting && !t->resting_only)
    aat_strategy_cancel_order (s, order);
}

static void
trader_on_bought (AatStrategy *s, AatTrade *trade)
{
  TEST_TRADER (s)->bought++;
  TEST_TRADER (s)->bought_volume += aat_trade_get_volume (trade);
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
  g_ptr_array_add (t->reasons, g_strdup (reason));
}

static void
test_trader_finalize (GObject *object)
{
  TestTrader *t = TEST_TRADER (object);

  g_ptr_array_unref (t->reasons);
  g_clear_pointer (&t->resting, aat_order_unref);
  G_OBJECT_CLASS (test_trader_parent_class)->finalize (object);
}

static void
test_trader_class_init (TestTraderClass *klass)
{
  AatStrategyClass *s = AAT_STRATEGY_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_trader_finalize;
  s->on_trade = trader_on_trade;
  s->on_quote = trader_on_quote;
  s->on_received = trader_on_received;
  s->on_bought = trader_on_bought;
  s->on_canceled = trader_on_canceled;
  s->on_rejected = trader_on_rejected;
}

static void
test_trader_init (TestTrader *self)
{
  self->reasons = g_ptr_array_new_with_free_func (g_free);
}

static gboolean
has_reason (TestTrader *t, const char *needle)
{
  for (guint i = 0; i < t->reasons->len; i++)
    if (strstr (t->reasons->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
run_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;

  aat_engine_run_finish (AAT_ENGINE (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

typedef void (*Poke) (MockCoinbase *mock, TestTrader *t, AatExchange *ex, guint step);

static void
run (MockCoinbase *mock, AatExchange *ex, TestTrader *t, Poke poke)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_SIMULATION);
  gboolean done = FALSE;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + 20 * G_USEC_PER_SEC;
  guint step = 0;

  aat_engine_add_exchange (engine, ex);
  aat_engine_add_strategy (engine, AAT_STRATEGY (t));
  aat_engine_run_async (engine, NULL, run_done, &done);
  while (!done && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      if (poke && g_get_monotonic_time () - start > (gint64) (step + 1) * 200000)
        poke (mock, t, ex, step++);
    }
  g_assert_true (done);
}

static AatExchange *
new_exchange (MockCoinbase *mock, double duration)
{
  g_autofree char *rest = mock_coinbase_rest_url (mock);
  g_autofree char *ws = mock_coinbase_ws_url (mock);

  /* slower builds (sanitizers, valgrind) stretch the run: AAT_TEST_TIME_SCALE */
  duration *= test_time_scale ();

  return g_object_new (AAT_TYPE_COINBASE_EXCHANGE, "name", "coinbase", "rest-url", rest, "ws-url", ws,
                       "api-key", KEY, "api-secret", SECRET, "passphrase", PASSPHRASE, "duration", duration,
                       "run-id", "t", "reconnect-min-ms", 20, "rate-limit", 100.0, NULL);
}

static void
poke_round_trip (MockCoinbase *mock, TestTrader *t, AatExchange *ex, guint step)
{
  if (step == 1)
    {
      /* malformed messages: not JSON, no type, a bad level, an unknown product */
      mock_coinbase_send_raw (mock, "this is not json");
      mock_coinbase_send_raw (mock, "{\"product_id\":\"BTC-USD\"}");
      mock_coinbase_send_raw (mock, "{\"type\":\"l2update\",\"product_id\":\"BTC-USD\",\"changes\":[[\"buy\",\"x\",\"1\"]]}");
      mock_coinbase_send_raw (mock, "{\"type\":\"match\",\"product_id\":\"ZZZ-USD\"}");
    }
  if (step == 2)
    mock->skip_trade_id = TRUE;   /* a gap: the next match skips a trade_id */
}

static void
test_live_round_trip (void)
{
  MockCoinbase *mock = mock_coinbase_new (KEY, SECRET, PASSPHRASE);
  g_autoptr (AatExchange) ex = new_exchange (mock, 2.5);
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  guint gaps = 0, resyncs = 0, errors = 0, rate_limited = 0;
  AatOrderBook *book;
  double bid, bv, ask, av;

  /* the first POST /orders is throttled */
  mock->fail_status = 429;
  mock->fail_count = 1;
  run (mock, ex, t, poke_round_trip);
  g_object_get (ex, "gaps", &gaps, "resyncs", &resyncs, "errors", &errors, "rate-limited", &rate_limited, NULL);
  g_test_message ("trades %u quotes %u received %u bought %u canceled %u rejected %u gaps %u resyncs %u errors %u",
                  t->trades, t->quotes, t->received, t->bought, t->canceled, t->rejected, gaps, resyncs, errors);
  /* market data: trades, and quotes from the book */
  g_assert_cmpuint (t->trades, >, 10);
  g_assert_cmpuint (t->quotes, >, 3);
  book = aat_coinbase_exchange_get_book (AAT_COINBASE_EXCHANGE (ex), "BTC-USD");
  g_assert_nonnull (book);
  g_assert_true (aat_order_book_top (book, &bid, &bv, &ask, &av));
  g_assert_cmpfloat_with_epsilon (bid, 100.00, 1e-9);
  g_assert_cmpfloat_with_epsilon (ask, 100.01, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_instrument_get_tick_size (aat_instrument_get ("BTC-USD", AAT_INSTRUMENT_TYPE_PAIR)),
                                  0.01, 1e-12);
  /* the gap: detected, level2 resubscribed, a second snapshot */
  g_assert_cmpuint (gaps, >=, 1);
  g_assert_cmpuint (resyncs, >=, 1);
  g_assert_cmpuint (mock->unsubscribes, >=, 1);
  g_assert_cmpuint (mock->snapshots, >=, 2);
  /* malformed messages counted, not fatal */
  g_assert_cmpuint (errors, >=, 4);
  /* orders: the throttled POST went through after a backoff */
  g_assert_cmpuint (rate_limited, ==, 1);
  g_assert_cmpuint (mock->rate_limited, ==, 1);
  g_assert_cmpuint (mock->bad_signatures, ==, 0);
  g_assert_cmpuint (t->bought, ==, 2);                           /* partial, then the rest */
  g_assert_cmpfloat_with_epsilon (t->bought_volume, 0.5, 1e-9);
  g_assert_cmpuint (t->received, >=, 2);                         /* the market and the resting limit */
  g_assert_cmpuint (t->canceled, ==, 1);                         /* the resting limit */
  g_assert_cmpuint (mock->deletes, ==, 1);
  g_assert_cmpuint (t->rejected, ==, 2);
  g_assert_true (has_reason (t, "Insufficient funds"));          /* the venue's */
  g_assert_true (has_reason (t, "all-or-none"));                 /* local */
  g_assert_cmpuint (mock_coinbase_open_count (mock), ==, 0);
  g_clear_object (&ex);
  mock_coinbase_free (mock);
}

static void
poke_disconnect (MockCoinbase *mock, TestTrader *t, AatExchange *ex, guint step)
{
  if (t->received == 1 && !mock->hold_fills)
    {
      /* the resting order fills while the feed is down: only GET /fills tells */
      mock->hold_fills = TRUE;
      mock_coinbase_drop_feed (mock);
      g_assert_cmpuint (mock_coinbase_fill_open_orders (mock), ==, 1);
    }
}

static void
test_live_disconnect (void)
{
  MockCoinbase *mock = mock_coinbase_new (KEY, SECRET, PASSPHRASE);
  g_autoptr (AatExchange) ex = new_exchange (mock, 2.0);
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  guint reconnects = 0;
  guint64 reconciled = 0;

  t->resting_only = TRUE;
  run (mock, ex, t, poke_disconnect);
  g_object_get (ex, "reconnects", &reconnects, "reconciled-fills", &reconciled, NULL);
  g_assert_cmpuint (reconnects, ==, 1);
  g_assert_cmpuint (mock->feed_connections, ==, 2);
  g_assert_cmpuint (mock->snapshots, >=, 2);                     /* the book rebuilt */
  g_assert_cmpuint (mock->fills_gets, >=, 1);
  g_assert_cmpuint (mock->orders_gets, >=, 1);
  g_assert_cmpuint (reconciled, ==, 1);
  g_assert_cmpuint (t->bought, ==, 1);
  g_assert_cmpfloat_with_epsilon (t->bought_volume, 0.3, 1e-9);
  g_assert_cmpuint (t->canceled, ==, 0);
  g_assert_cmpuint (mock->bad_signatures, ==, 0);
  g_assert_true (aat_coinbase_exchange_get_book (AAT_COINBASE_EXCHANGE (ex), "BTC-USD") != NULL);
  g_clear_object (&ex);
  mock_coinbase_free (mock);
}

static void
test_live_bad_credentials (void)
{
  MockCoinbase *mock = mock_coinbase_new (KEY, SECRET, PASSPHRASE);
  g_autofree char *rest = mock_coinbase_rest_url (mock);
  g_autofree char *ws = mock_coinbase_ws_url (mock);
  g_autoptr (AatExchange) ex = g_object_new (AAT_TYPE_COINBASE_EXCHANGE, "name", "coinbase", "rest-url", rest,
                                             "ws-url", ws, "api-key", KEY, "api-secret", "d3Jvbmctc2VjcmV0",
                                             "passphrase", PASSPHRASE, "duration", 1.0, "run-id", "bad", NULL);
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);

  t->resting_only = TRUE;
  run (mock, ex, t, NULL);
  g_assert_cmpuint (t->rejected, ==, 1);
  g_assert_true (has_reason (t, "invalid signature"));
  g_assert_true (has_reason (t, "check api-key"));
  /* never the secret or the key in a reason */
  g_assert_false (has_reason (t, "d3Jvbmctc2VjcmV0"));
  g_assert_false (has_reason (t, KEY));
  g_assert_cmpuint (mock->bad_signatures, >=, 1);
  g_clear_object (&ex);
  mock_coinbase_free (mock);
}

/* The sample config, pointed at the mock, run by aat-run as a separate process. */
static void
test_aat_run_config (void)
{
  const char *aat_run = g_getenv ("AAT_RUN");
  const char *root = g_getenv ("AAT_SOURCE_ROOT");
  MockCoinbase *mock = NULL;
  g_autofree char *path = NULL, *text = NULL, *t1 = NULL, *t2 = NULL, *dir = NULL, *cfg = NULL;
  g_autofree char *urls = NULL, *rest = NULL, *ws = NULL, *out = NULL, *output = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  gboolean done = FALSE;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  if (aat_run == NULL || root == NULL)
    {
      g_test_skip ("AAT_RUN and AAT_SOURCE_ROOT are not set");
      return;
    }
  mock = mock_coinbase_new (KEY, SECRET, PASSPHRASE);
  rest = mock_coinbase_rest_url (mock);
  ws = mock_coinbase_ws_url (mock);
  path = g_build_filename (root, "data", "venue-coinbase.cfg", NULL);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  urls = g_strdup_printf ("rest-url=%s\nws-url=%s\n", rest, ws);
  t1 = test_replace_once (text, "# rest-url / ws-url override the sandbox or live URLs (a local mock, a proxy)\n", urls);
  t2 = test_replace_once (t1, "duration=60", test_time_scale () > 1.0 ? "duration=6" : "duration=2");
  dir = g_dir_make_tmp ("coinbase-run-XXXXXX", &error);
  g_assert_no_error (error);
  cfg = g_build_filename (dir, "venue-coinbase.cfg", NULL);
  g_assert_true (g_file_set_contents (cfg, t2, -1, &error));
  out = g_build_filename (dir, "out.txt", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "COINBASE_API_KEY", KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "COINBASE_API_SECRET", SECRET, TRUE);
  g_subprocess_launcher_setenv (launcher, "COINBASE_API_PASSPHRASE", PASSPHRASE, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  g_subprocess_launcher_set_stdout_file_path (launcher, out);
  proc = g_subprocess_launcher_spawn (launcher, &error, aat_run, "--config", cfg, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (proc, NULL, test_subprocess_done, &done);
  while (!done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done);
  g_assert_true (g_file_get_contents (out, &output, NULL, &error));
  g_test_message ("%s", output);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  /* it read the market through the sample config, and said nothing of the credentials */
  g_assert_cmpuint (mock->subscribes, >=, 1);
  g_assert_cmpuint (mock->snapshots, >=, 1);
  g_assert_cmpuint (mock->bad_signatures, ==, 0);
  g_assert_nonnull (strstr (output, "Run summary:"));
  g_assert_null (strstr (output, KEY));
  g_assert_null (strstr (output, SECRET));
  g_assert_null (strstr (output, PASSPHRASE));
  g_remove (out);
  g_remove (cfg);
  g_rmdir (dir);
  mock_coinbase_free (mock);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("COINBASE_API_KEY");
  g_unsetenv ("COINBASE_API_SECRET");
  g_unsetenv ("COINBASE_API_PASSPHRASE");
  g_test_add_func ("/coinbase/sign/known-values", test_sign);
  g_test_add_func ("/coinbase/redact", test_redact);
  g_test_add_func ("/coinbase/products", test_products);
  g_test_add_func ("/coinbase/orders/bodies", test_order_bodies);
  g_test_add_func ("/coinbase/orders/local-refusals", test_order_refusals);
  g_test_add_func ("/coinbase/replies", test_replies);
  g_test_add_func ("/coinbase/book/snapshot-update-malformed-crossed", test_book);
  g_test_add_func ("/coinbase/feed/sequence-gaps", test_seq);
  g_test_add_func ("/coinbase/client-oid", test_client_oid);
  g_test_add_func ("/coinbase/live/round-trip", test_live_round_trip);
  g_test_add_func ("/coinbase/live/disconnect-reconcile", test_live_disconnect);
  g_test_add_func ("/coinbase/live/bad-credentials", test_live_bad_credentials);
  g_test_add_func ("/coinbase/aat-run/config", test_aat_run_config);
  return g_test_run ();
}
