/* test-binance.c: the Binance spot adapter's network-free core: the request signature
 * against Binance's published example, credential redaction, exchangeInfo filters,
 * order parameters and local refusals, error replies (rejects, 429 with Retry-After,
 * -1021 clock skew), and the depth book's snapshot + diff synchronisation including a
 * sequence gap and malformed messages. */
#include <aat.h>
#include "aat-binance-core.h"

#include <string.h>

/* The example of Binance's "SIGNED Endpoint Examples for POST /api/v3/order". */
#define DOC_KEY "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
#define DOC_SECRET "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
#define DOC_QUERY "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
#define DOC_SIGNATURE "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"

static const char *exchange_info =
  "{\"timezone\":\"UTC\",\"serverTime\":1565246363776,\"rateLimits\":[],\"symbols\":[{"
  "\"symbol\":\"BTCUSDT\",\"status\":\"TRADING\",\"baseAsset\":\"BTC\",\"quoteAsset\":\"USDT\","
  "\"orderTypes\":[\"LIMIT\",\"LIMIT_MAKER\",\"MARKET\",\"STOP_LOSS\",\"STOP_LOSS_LIMIT\","
  "\"TAKE_PROFIT\",\"TAKE_PROFIT_LIMIT\"],"
  "\"filters\":[{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"0.01000000\",\"maxPrice\":\"1000000.00000000\","
  "\"tickSize\":\"0.01000000\"},{\"filterType\":\"LOT_SIZE\",\"minQty\":\"0.00001000\","
  "\"maxQty\":\"9000.00000000\",\"stepSize\":\"0.00001000\"},{\"filterType\":\"NOTIONAL\","
  "\"minNotional\":\"5.00000000\",\"applyMinToMarket\":true,\"maxNotional\":\"9000000.00000000\","
  "\"applyMaxToMarket\":false,\"avgPriceMins\":5}]},{"
  "\"symbol\":\"LTCBTC\",\"status\":\"TRADING\",\"baseAsset\":\"LTC\",\"quoteAsset\":\"BTC\","
  "\"orderTypes\":[\"LIMIT\",\"MARKET\"],\"filters\":[{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"0.00000100\","
  "\"maxPrice\":\"100000.00000000\",\"tickSize\":\"0.00000100\"},{\"filterType\":\"LOT_SIZE\","
  "\"minQty\":\"0.00100000\",\"maxQty\":\"100000.00000000\",\"stepSize\":\"0.00100000\"},"
  "{\"filterType\":\"MIN_NOTIONAL\",\"minNotional\":\"0.00010000\"}]}]}";

static void
test_signature (void)
{
  g_autofree char *sig = aat_binance_sign (DOC_SECRET, DOC_QUERY);

  g_assert_cmpstr (sig, ==, DOC_SIGNATURE);
}

static void
test_redact (void)
{
  g_autofree char *text = g_strdup_printf ("POST /api/v3/order?" DOC_QUERY "&signature=" DOC_SIGNATURE
                                           " key " DOC_KEY " secret " DOC_SECRET);
  g_autofree char *r = aat_binance_redact (text, DOC_KEY, DOC_SECRET);

  g_assert_null (strstr (r, DOC_KEY));
  g_assert_null (strstr (r, DOC_SECRET));
  g_assert_null (strstr (r, DOC_SIGNATURE));
  g_assert_nonnull (strstr (r, "signature=<redacted> key <redacted> secret <redacted>"));
}

static GHashTable *
symbols (void)
{
  g_autoptr (GError) error = NULL;
  GHashTable *t = aat_binance_parse_exchange_info (exchange_info, &error);

  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

static void
test_exchange_info (void)
{
  g_autoptr (GHashTable) t = symbols ();
  AatBinanceSymbol *btc = g_hash_table_lookup (t, "BTCUSDT");
  AatBinanceSymbol *ltc = g_hash_table_lookup (t, "LTCBTC");
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (btc);
  g_assert_cmpfloat (btc->tick_size, ==, 0.01);
  g_assert_cmpfloat (btc->step_size, ==, 0.00001);
  g_assert_cmpfloat (btc->min_qty, ==, 0.00001);
  g_assert_cmpfloat (btc->min_notional, ==, 5.0);
  g_assert_true (btc->stop_orders);
  g_assert_cmpstr (btc->base, ==, "BTC");
  g_assert_cmpstr (btc->quote, ==, "USDT");
  g_assert_cmpfloat (ltc->min_notional, ==, 0.0001);
  g_assert_false (ltc->stop_orders);

  g_assert_null (aat_binance_parse_exchange_info ("{\"symbols\": 3}", &error));
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_null (aat_binance_parse_exchange_info ("{not json", &error));
  g_assert_nonnull (error);
}

static char *
query_for (AatOrder *order, const char *symbol, char **reason)
{
  g_autoptr (GHashTable) t = symbols ();

  return aat_binance_order_query (order, g_hash_table_lookup (t, symbol), "aat-1", reason);
}

static void
test_order_query (void)
{
  AatInstrument *btc = aat_instrument_get ("BTCUSDT", AAT_INSTRUMENT_TYPE_PAIR);
  AatInstrument *ltc = aat_instrument_get ("LTCBTC", AAT_INSTRUMENT_TYPE_PAIR);
  g_autoptr (AatOrder) limit = NULL, market = NULL, stop = NULL, stop_limit = NULL, ioc = NULL;
  g_autofree char *q1 = NULL, *q2 = NULL, *q3 = NULL, *q4 = NULL, *q5 = NULL;

  aat_instrument_set_tick_size (btc, 0.01);
  aat_instrument_set_lot_size (btc, 0.00001);
  aat_instrument_set_tick_size (ltc, 0.000001);
  aat_instrument_set_lot_size (ltc, 0.001);

  /* the published example's order */
  limit = aat_order_new (ltc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 0.1);
  q1 = query_for (limit, "LTCBTC", NULL);
  g_assert_cmpstr (q1, ==, "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1.000"
                           "&price=0.100000&newClientOrderId=aat-1&newOrderRespType=ACK");
  market = aat_order_new (btc, AAT_SIDE_SELL, AAT_ORDER_TYPE_MARKET, 0.5, 0);
  q2 = query_for (market, "BTCUSDT", NULL);
  g_assert_cmpstr (q2, ==, "symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.50000"
                           "&newClientOrderId=aat-1&newOrderRespType=ACK");
  stop = aat_order_new_stop (btc, AAT_SIDE_SELL, AAT_ORDER_TYPE_STOP_MARKET, 0.1, 25000.5, 0);
  q3 = query_for (stop, "BTCUSDT", NULL);
  g_assert_cmpstr (q3, ==, "symbol=BTCUSDT&side=SELL&type=STOP_LOSS&quantity=0.10000"
                           "&stopPrice=25000.50&newClientOrderId=aat-1&newOrderRespType=ACK");
  stop_limit = aat_order_new_stop (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_STOP_LIMIT, 0.1, 30000, 30010);
  q4 = query_for (stop_limit, "BTCUSDT", NULL);
  g_assert_cmpstr (q4, ==, "symbol=BTCUSDT&side=BUY&type=STOP_LOSS_LIMIT&timeInForce=GTC"
                           "&quantity=0.10000&price=30010.00&stopPrice=30000.00"
                           "&newClientOrderId=aat-1&newOrderRespType=ACK");
  ioc = aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.001, 20000);
  aat_order_set_flag (ioc, AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL);
  q5 = query_for (ioc, "BTCUSDT", NULL);
  g_assert_nonnull (strstr (q5, "&timeInForce=IOC&"));
}

static void
check_refused (AatOrder *order, const char *symbol, const char *fragment)
{
  g_autofree char *reason = NULL;
  g_autofree char *q = query_for (order, symbol, &reason);

  g_assert_null (q);
  g_assert_nonnull (reason);
  if (strstr (reason, fragment) == NULL)
    g_error ("reason '%s' lacks '%s'", reason, fragment);
  aat_order_unref (order);
}

static void
test_order_refused (void)
{
  AatInstrument *btc = aat_instrument_get ("BTCUSDT", AAT_INSTRUMENT_TYPE_PAIR);
  AatInstrument *ltc = aat_instrument_get ("LTCBTC", AAT_INSTRUMENT_TYPE_PAIR);
  AatOrder *o;

  aat_instrument_set_tick_size (btc, 0.001);   /* finer than Binance's, to test the filter */
  aat_instrument_set_lot_size (btc, 0.000001);

  o = aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.1, 100);
  aat_order_set_time_in_force (o, AAT_TIME_IN_FORCE_DAY, 0);
  check_refused (o, "BTCUSDT", "time in force DAY is not supported");
  o = aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.1, 100);
  aat_order_set_flag (o, AAT_ORDER_FLAG_ALL_OR_NONE);
  check_refused (o, "BTCUSDT", "all-or-none");
  o = aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 0.1, 0);
  aat_order_set_flag (o, AAT_ORDER_FLAG_FILL_OR_KILL);
  check_refused (o, "BTCUSDT", "market order takes no");
  o = aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.1, 100.005);
  check_refused (o, "BTCUSDT", "tickSize 0.01");
  o = aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.000005, 100);
  check_refused (o, "BTCUSDT", "below LOT_SIZE minQty");
  o = aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.000015, 100000);
  check_refused (o, "BTCUSDT", "stepSize");
  o = aat_order_new (btc, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 0.001, 100);
  check_refused (o, "BTCUSDT", "notional 0.1 is below the minimum notional 5");
  o = aat_order_new_stop (ltc, AAT_SIDE_SELL, AAT_ORDER_TYPE_STOP_MARKET, 1, 0.1, 0);
  check_refused (o, "LTCBTC", "does not accept stop orders");
}

static void
test_replies (void)
{
  g_autoptr (GError) error = NULL;
  int code;
  guint retry;

  g_assert_true (aat_binance_check_reply (200, "{}", NULL, &code, &retry, &error));
  g_assert_no_error (error);

  g_assert_false (aat_binance_check_reply (400, "{\"code\":-2010,\"msg\":\"Account has insufficient balance for requested action.\"}",
                                           NULL, &code, &retry, &error));
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_REJECTED);
  g_assert_cmpint (code, ==, -2010);
  g_assert_cmpstr (error->message, ==, "binance: code -2010: Account has insufficient balance for requested action.");
  g_clear_error (&error);

  g_assert_false (aat_binance_check_reply (429, "{\"code\":-1003,\"msg\":\"Too many requests.\"}", "7",
                                           &code, &retry, &error));
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_RATE_LIMITED);
  g_assert_cmpuint (retry, ==, 7000);
  g_clear_error (&error);
  g_assert_false (aat_binance_check_reply (418, "", "120", &code, &retry, &error));
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "IP banned"));
  g_assert_cmpuint (retry, ==, 120000);
  g_clear_error (&error);

  g_assert_false (aat_binance_check_reply (400, "{\"code\":-1021,\"msg\":\"Timestamp for this request is outside of the recvWindow.\"}",
                                           NULL, &code, &retry, &error));
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_CLOCK_SKEW);
  g_assert_nonnull (strstr (error->message, "clock"));
  g_assert_nonnull (strstr (error->message, "recv-window"));
  g_clear_error (&error);

  g_assert_false (aat_binance_check_reply (401, "{\"code\":-2015,\"msg\":\"Invalid API-key, IP, or permissions for action.\"}",
                                           NULL, &code, &retry, &error));
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_false (aat_binance_check_reply (503, "<html>", NULL, &code, &retry, &error));
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "unknown"));
}

static JsonObject *
obj (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static AatBinanceBookResult
diff (AatBinanceBook *book, const char *json, GError **error)
{
  JsonObject *o = obj (json);
  AatBinanceBookResult r = aat_binance_book_diff (book, o, error);

  json_object_unref (o);
  return r;
}

static AatBinanceBookResult
snapshot (AatBinanceBook *book, const char *json)
{
  JsonObject *o = obj (json);
  g_autoptr (GError) error = NULL;
  AatBinanceBookResult r = aat_binance_book_snapshot (book, o, &error);

  g_assert_no_error (error);
  json_object_unref (o);
  return r;
}

#define DIFF(U, u, b, a) "{\"e\":\"depthUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"U\":" #U ",\"u\":" #u ",\"b\":" b ",\"a\":" a "}"

static void
test_book_sync (void)
{
  g_autoptr (AatBinanceBook) book = aat_binance_book_new ();
  g_autoptr (GError) error = NULL;
  double bid, bsz, ask, asz;

  /* diffs arrive before the snapshot: buffered */
  g_assert_cmpint (diff (book, DIFF (100, 105, "[[\"10.00\",\"1\"]]", "[]"), &error), ==, AAT_BINANCE_BOOK_BUFFERED);
  g_assert_cmpint (diff (book, DIFF (106, 110, "[[\"10.01\",\"2\"]]", "[[\"10.05\",\"0\"]]"), &error), ==, AAT_BINANCE_BOOK_BUFFERED);
  g_assert_cmpint (diff (book, DIFF (111, 112, "[]", "[[\"10.03\",\"4\"]]"), &error), ==, AAT_BINANCE_BOOK_BUFFERED);
  g_assert_false (aat_binance_book_is_synced (book));
  /* a snapshot older than the first buffered diff: take another */
  g_assert_cmpint (snapshot (book, "{\"lastUpdateId\":90,\"bids\":[],\"asks\":[]}"), ==, AAT_BINANCE_BOOK_RETRY);
  /* lastUpdateId 107: diff 100-105 dropped, 106-110 straddles 108, then 111-112 */
  g_assert_cmpint (snapshot (book, "{\"lastUpdateId\":107,\"bids\":[[\"9.99\",\"5\"],[\"10.00\",\"3\"]],"
                                   "\"asks\":[[\"10.05\",\"1\"],[\"10.06\",\"2\"]]}"), ==, AAT_BINANCE_BOOK_APPLIED);
  g_assert_true (aat_binance_book_is_synced (book));
  g_assert_cmpuint (aat_binance_book_get_update_id (book), ==, 112);
  g_assert_true (aat_binance_book_top (book, &bid, &bsz, &ask, &asz));
  g_assert_cmpfloat (bid, ==, 10.01);
  g_assert_cmpfloat (bsz, ==, 2);
  g_assert_cmpfloat (ask, ==, 10.03);
  g_assert_cmpfloat (asz, ==, 4);
  /* the 100-105 diff was not applied over the snapshot: 10.00 keeps the snapshot's 3 */
  g_assert_cmpfloat (aat_binance_book_volume_at (book, AAT_SIDE_BUY, 10.00), ==, 3);
  g_assert_cmpfloat (aat_binance_book_volume_at (book, AAT_SIDE_SELL, 10.05), ==, 0);
  g_assert_cmpuint (aat_binance_book_depth (book, AAT_SIDE_SELL), ==, 2);

  /* a stale diff, then a continuing one */
  g_assert_cmpint (diff (book, DIFF (110, 112, "[[\"1\",\"1\"]]", "[]"), &error), ==, AAT_BINANCE_BOOK_STALE);
  g_assert_cmpint (diff (book, DIFF (113, 113, "[[\"10.01\",\"0\"]]", "[]"), &error), ==, AAT_BINANCE_BOOK_APPLIED);
  g_assert_true (aat_binance_book_top (book, &bid, &bsz, &ask, &asz));
  g_assert_cmpfloat (bid, ==, 10.00);
  g_assert_no_error (error);

  /* a gap: 114 missing; the book is dropped, the diff kept for the next snapshot */
  g_assert_cmpint (diff (book, DIFF (115, 116, "[[\"10.02\",\"1\"]]", "[]"), &error), ==, AAT_BINANCE_BOOK_GAP);
  g_assert_false (aat_binance_book_is_synced (book));
  g_assert_cmpuint (aat_binance_book_get_gaps (book), ==, 1);
  g_assert_cmpint (diff (book, DIFF (117, 117, "[]", "[[\"10.04\",\"1\"]]"), &error), ==, AAT_BINANCE_BOOK_BUFFERED);
  g_assert_cmpint (snapshot (book, "{\"lastUpdateId\":115,\"bids\":[[\"10.00\",\"3\"]],\"asks\":[[\"10.06\",\"2\"]]}"),
                   ==, AAT_BINANCE_BOOK_APPLIED);
  g_assert_cmpuint (aat_binance_book_get_update_id (book), ==, 117);
  g_assert_true (aat_binance_book_top (book, &bid, &bsz, &ask, &asz));
  g_assert_cmpfloat (bid, ==, 10.02);
  g_assert_cmpfloat (ask, ==, 10.04);
}

static void
test_book_malformed (void)
{
  g_autoptr (AatBinanceBook) book = aat_binance_book_new ();
  g_autoptr (GError) error = NULL;
  double bid, bsz, ask, asz;

  g_assert_cmpint (snapshot (book, "{\"lastUpdateId\":10,\"bids\":[[\"1.00\",\"1\"]],\"asks\":[[\"2.00\",\"1\"]]}"),
                   ==, AAT_BINANCE_BOOK_APPLIED);
  /* no update ids */
  g_assert_cmpint (diff (book, "{\"e\":\"depthUpdate\",\"b\":[],\"a\":[]}", &error), ==, AAT_BINANCE_BOOK_STALE);
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED);
  g_clear_error (&error);
  /* a bad level: nothing of the diff applies, and its ids are not consumed */
  g_assert_cmpint (diff (book, DIFF (11, 11, "[[\"1.50\",\"1\"]]", "[[\"x\",\"1\"]]"), &error), ==, AAT_BINANCE_BOOK_STALE);
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "bad number"));
  g_clear_error (&error);
  g_assert_true (aat_binance_book_top (book, &bid, &bsz, &ask, &asz));
  g_assert_cmpfloat (bid, ==, 1.0);
  g_assert_cmpuint (aat_binance_book_get_update_id (book), ==, 10);
  g_assert_cmpint (diff (book, DIFF (11, 11, "[[1.5, 1]]", "[]"), &error), ==, AAT_BINANCE_BOOK_STALE);
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (diff (book, DIFF (12, 11, "[]", "[]"), &error), ==, AAT_BINANCE_BOOK_STALE);
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/binance/signature/published-example", test_signature);
  g_test_add_func ("/binance/signature/redact", test_redact);
  g_test_add_func ("/binance/exchange-info", test_exchange_info);
  g_test_add_func ("/binance/order/query", test_order_query);
  g_test_add_func ("/binance/order/refused-locally", test_order_refused);
  g_test_add_func ("/binance/replies", test_replies);
  g_test_add_func ("/binance/book/sync-and-gap", test_book_sync);
  g_test_add_func ("/binance/book/malformed", test_book_malformed);
  return g_test_run ();
}
