/* test-binance-live.c: the `binance` exchange against mock-binance over loopback.
 *
 * Each test starts a mock (tests/mock-binance.c) on an ephemeral port and runs an engine
 * with the exchange (its source compiled in) and a small strategy on the default main
 * context: book synchronisation and a sequence gap, the order life cycle, a reject, a
 * 429 with Retry-After, a disconnect mid-run, malformed messages, and the request
 * signature against Binance's published example.
 */
#include <aat.h>
#include <glib/gstdio.h>
#include <string.h>

#include "aat-binance-core.h"
#include "aat-binance-exchange.h"
#include "mock-binance.h"
#include "aat-test-util.h"

/* Binance's "SIGNED Endpoint Examples for POST /api/v3/order" */
#define DOC_KEY "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
#define DOC_SECRET "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
#define DOC_PARAMS "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
#define DOC_QUERY DOC_PARAMS "&recvWindow=5000&timestamp=1499827319559"
#define DOC_SIGNATURE "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"

/* ---- a strategy that records what it is told ---- */

typedef enum { PLAN_NONE, PLAN_LIFECYCLE, PLAN_ONE_CROSSING, PLAN_ONE_RESTING } Plan;

#define TEST_TYPE_TRADER (test_trader_get_type ())
G_DECLARE_FINAL_TYPE (TestTrader, test_trader, TEST, TRADER, AatStrategy)

struct _TestTrader
{
  AatStrategy parent_instance;
  Plan plan;
  gboolean placed;
  guint trades, quotes, received, canceled, rejected;
  AatOrder *a, *b;               /* crossing, resting (refs) */
  guint a_fills, b_fills;
  double a_filled, b_filled;
  char *reject_reason;
};

G_DEFINE_FINAL_TYPE (TestTrader, test_trader, AAT_TYPE_STRATEGY)

static void
trader_on_trade (AatStrategy *s, AatTrade *trade)
{
  TestTrader *t = TEST_TRADER (s);
  AatInstrument *inst = aat_trade_get_instrument (trade);
  g_autoptr (AatOrder) c = NULL;

  t->trades++;
  if (t->placed || t->plan == PLAN_NONE)
    return;
  t->placed = TRUE;
  if (t->plan == PLAN_LIFECYCLE || t->plan == PLAN_ONE_CROSSING)
    t->a = aat_order_ref (aat_strategy_buy (s, inst, 0.5, 101.0));
  if (t->plan == PLAN_LIFECYCLE || t->plan == PLAN_ONE_RESTING)
    t->b = aat_order_ref (aat_strategy_buy (s, inst, 0.5, 99.0));
  if (t->plan == PLAN_LIFECYCLE)
    {
      c = aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 200.0, 90.0);
      aat_strategy_new_order (s, c);
    }
}

static void
trader_on_quote (AatStrategy *s, AatQuote *quote)
{
  TEST_TRADER (s)->quotes++;
}

static void
trader_on_received (AatStrategy *s, AatOrder *order)
{
  TEST_TRADER (s)->received++;
}

static void
trader_on_bought (AatStrategy *s, AatTrade *trade)
{
  TestTrader *t = TEST_TRADER (s);
  AatOrder *o = aat_trade_get_taker_order (trade);

  if (o == t->a)
    {
      t->a_fills++;
      t->a_filled += aat_trade_get_volume (trade);
    }
  else if (o == t->b)
    {
      t->b_fills++;
      t->b_filled += aat_trade_get_volume (trade);
      /* the life cycle: the resting order is cancelled after its partial fill */
      if (t->plan == PLAN_LIFECYCLE && !aat_order_is_done (o))
        aat_strategy_cancel_order (s, o);
    }
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
  g_clear_pointer (&t->a, aat_order_unref);
  g_clear_pointer (&t->b, aat_order_unref);
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
}

/* ---- the fixture ---- */

typedef struct {
  MockBinance *mock;
  char *rest, *ws;
} Fixture;

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  fx->mock = mock_binance_new (DOC_KEY, DOC_SECRET);
  fx->rest = mock_binance_get_rest_url (fx->mock);
  fx->ws = mock_binance_get_ws_url (fx->mock);
  g_assert_true (g_str_has_prefix (fx->rest, "http://127.0.0.1:"));
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  mock_binance_free (fx->mock);
  /* let cancelled requests and closed connections finish */
  for (int i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  g_free (fx->rest);
  g_free (fx->ws);
}

static AatExchange *
new_exchange (Fixture *fx, double duration, const char *run_id)
{
  /* slower builds (sanitizers, valgrind) stretch the run: AAT_TEST_TIME_SCALE */
  duration *= test_time_scale ();
  return g_object_new (AAT_TYPE_BINANCE_EXCHANGE, "name", "binance", "base-url", fx->rest, "ws-url", fx->ws,
                       "api-key", DOC_KEY, "api-secret", DOC_SECRET, "symbols", (const char *const[]) { "BTCUSDT", NULL },
                       "duration", duration, "run-id", run_id, "reconnect-min-ms", 50, "keepalive-interval", 0.3, NULL);
}

static void
run_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;

  aat_engine_run_finish (AAT_ENGINE (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

/* Called on every iteration of the run with the seconds elapsed. */
typedef void (*StepFunc) (Fixture *fx, AatExchange *ex, TestTrader *t, double elapsed, gpointer data);

static void
run (Fixture *fx, AatExchange *ex, TestTrader *t, StepFunc step, gpointer data)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_SANDBOX);
  gboolean done = FALSE;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + 30 * G_USEC_PER_SEC;

  mock_binance_start_market (fx->mock, 20);
  aat_engine_add_exchange (engine, ex);
  aat_engine_add_strategy (engine, AAT_STRATEGY (t));
  aat_engine_run_async (engine, NULL, run_done, &done);
  while (!done && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      if (step != NULL)
        step (fx, ex, t, (g_get_monotonic_time () - start) / 1e6, data);
    }
  g_assert_true (done);
}

static guint
uint_prop (AatExchange *ex, const char *name)
{
  guint v = 0;

  g_object_get (ex, name, &v, NULL);
  return v;
}

static guint64
uint64_prop (AatExchange *ex, const char *name)
{
  guint64 v = 0;

  g_object_get (ex, name, &v, NULL);
  return v;
}

/* ---- the signature, checked by the mock ---- */

static void
request_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;
  g_autofree char *body = aat_binance_exchange_request_finish (AAT_BINANCE_EXCHANGE (source), result, error);

  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "unexpected success");
}

static GError *
signed_request (Fixture *fx, const char *secret)
{
  g_autoptr (AatExchange) ex = g_object_new (AAT_TYPE_BINANCE_EXCHANGE, "name", "binance", "base-url", fx->rest,
                                             "ws-url", fx->ws, "api-key", DOC_KEY, "api-secret", secret,
                                             "fixed-timestamp", (guint64) 1499827319559, "recv-window", 5000, NULL);
  g_autoptr (GError) start_error = NULL;
  GError *error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_true (aat_exchange_start (ex, &start_error));
  g_assert_no_error (start_error);
  aat_binance_exchange_request_async (AAT_BINANCE_EXCHANGE (ex), "POST", "/api/v3/order", DOC_PARAMS, TRUE, NULL,
                                      request_done, &error);
  while (error == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  aat_exchange_stop (ex);
  return error;
}

static void
test_signature (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = signed_request (fx, DOC_SECRET);
  g_autoptr (GError) bad = NULL;

  /* the mock recomputed the HMAC of what it received with the secret: the query is the
   * documented one byte for byte, and so is the signature */
  g_assert_cmpstr (mock_binance_get_last_signed_query (fx->mock), ==, DOC_QUERY "&signature=" DOC_SIGNATURE);
  g_assert_true (mock_binance_get_last_signature_ok (fx->mock));
  /* a 2017 timestamp: the mock answers -1021, and the message says what to do */
  g_assert_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_CLOCK_SKEW);
  g_assert_nonnull (strstr (error->message, "-1021"));
  g_assert_nonnull (strstr (error->message, "synchronise the clock"));

  /* another secret: -1022, and neither credential nor signature in the message */
  bad = signed_request (fx, "not-the-secret-at-all");
  g_assert_false (mock_binance_get_last_signature_ok (fx->mock));
  g_assert_error (bad, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_AUTH);
  g_assert_nonnull (strstr (bad->message, "-1022"));
  g_assert_null (strstr (bad->message, DOC_KEY));
  g_assert_null (strstr (bad->message, "not-the-secret-at-all"));
  g_assert_cmpuint (mock_binance_count (fx->mock, "bad_signature"), ==, 1);
}

/* ---- market data: book sync and a gap ---- */

typedef struct {
  gboolean gap_made, stopped;
  double synced_at;
} BookSteps;

static void
book_steps (Fixture *fx, AatExchange *ex, TestTrader *t, double elapsed, gpointer data)
{
  BookSteps *st = data;

  if (!st->gap_made && aat_binance_exchange_book_synced (AAT_BINANCE_EXCHANGE (ex), "BTCUSDT") && elapsed > 0.5)
    {
      st->gap_made = TRUE;
      st->synced_at = elapsed;
      mock_binance_skip_updates (fx->mock, 2);
    }
  if (!st->stopped && elapsed > 1.5)
    {
      /* the last diffs arrive before the end, so the books can be compared */
      st->stopped = TRUE;
      mock_binance_stop_market (fx->mock);
    }
}

static void
test_book_gap (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatExchange) ex = new_exchange (fx, 2.0, "bk");
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  BookSteps st = { 0 };
  AatOrderBook *book;
  double bid, bid_qty, ask, ask_qty, mbid, mbid_qty, mask, mask_qty;

  run (fx, ex, t, book_steps, &st);
  g_assert_true (st.gap_made);
  g_assert_cmpuint (t->trades, >, 10);
  g_assert_cmpuint (t->quotes, >, 5);
  g_assert_cmpuint (uint_prop (ex, "gaps"), >=, 1);
  g_assert_cmpuint (uint_prop (ex, "snapshots"), >=, 2);
  g_assert_cmpuint (mock_binance_count (fx->mock, "depth"), >=, 2);
  g_assert_cmpuint (mock_binance_count (fx->mock, "exchangeInfo"), ==, 1);
  g_assert_true (aat_binance_exchange_book_synced (AAT_BINANCE_EXCHANGE (ex), "BTCUSDT"));
  /* the mirror book equals the mock's book (its market stopped before the end) */
  book = aat_binance_exchange_get_order_book (AAT_BINANCE_EXCHANGE (ex), "BTCUSDT");
  g_assert_nonnull (book);
  g_assert_true (aat_order_book_top (book, &bid, &bid_qty, &ask, &ask_qty));
  mock_binance_top (fx->mock, &mbid, &mbid_qty, &mask, &mask_qty);
  g_assert_true (st.stopped);
  g_assert_cmpfloat_with_epsilon (bid, mbid, 1e-9);
  g_assert_cmpfloat_with_epsilon (ask, mask, 1e-9);
  g_assert_cmpfloat_with_epsilon (bid_qty, mbid_qty, 1e-9);
  g_assert_cmpfloat_with_epsilon (ask_qty, mask_qty, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_instrument_get_tick_size (aat_order_book_get_instrument (book)), 0.01, 1e-12);
}

/* ---- order entry ---- */

static void
test_order_lifecycle (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatExchange) ex = new_exchange (fx, 1.5, "lc");
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);

  t->plan = PLAN_LIFECYCLE;
  run (fx, ex, t, NULL, NULL);
  /* A crosses: acknowledged, then a partial fill and the fill */
  g_assert_nonnull (t->a);
  g_assert_cmpstr (aat_order_get_client_id (t->a), ==, "lc-1");
  g_assert_cmpuint (t->a_fills, ==, 2);
  g_assert_cmpfloat_with_epsilon (t->a_filled, 0.5, 1e-9);
  g_assert_cmpint (aat_order_get_status (t->a), ==, AAT_ORDER_STATUS_FILLED);
  g_assert_cmpfloat_with_epsilon (aat_order_get_average_price (t->a), 100.10, 1e-9);
  /* B rests: acknowledged, partly filled, then cancelled */
  g_assert_cmpuint (t->b_fills, ==, 1);
  g_assert_cmpfloat_with_epsilon (t->b_filled, 0.2, 1e-9);
  g_assert_cmpuint (t->canceled, ==, 1);
  g_assert_cmpint (aat_order_get_status (t->b), ==, AAT_ORDER_STATUS_CANCELED);
  g_assert_cmpstr (mock_binance_get_order_status (fx->mock, "lc-2"), ==, "CANCELED");
  g_assert_cmpuint (t->received, ==, 2);
  /* C: -2010, with Binance's msg in the reason */
  g_assert_cmpuint (t->rejected, ==, 1);
  g_assert_nonnull (strstr (t->reject_reason, "-2010"));
  g_assert_nonnull (strstr (t->reject_reason, "insufficient balance"));
  g_assert_cmpuint (uint64_prop (ex, "fills"), ==, 3);
  /* the user stream was kept alive */
  g_assert_cmpuint (mock_binance_count (fx->mock, "keepalive"), >=, 1);
  g_assert_cmpuint (mock_binance_count (fx->mock, "bad_signature"), ==, 0);
}

static void
test_rate_limit (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatExchange) ex = new_exchange (fx, 2.5, "rl");
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  GPtrArray *attempts;
  MockAttempt *first, *second;

  t->plan = PLAN_ONE_CROSSING;
  mock_binance_rate_limit_next (fx->mock, 1, 1);
  run (fx, ex, t, NULL, NULL);
  attempts = mock_binance_get_post_attempts (fx->mock);
  g_assert_cmpuint (attempts->len, ==, 2);
  first = attempts->pdata[0];
  second = attempts->pdata[1];
  g_assert_cmpuint (first->status, ==, 429);
  g_assert_cmpuint (second->status, ==, 200);
  /* the same order, under the same client order id, after Retry-After (1 s) */
  g_assert_cmpstr (first->client_order_id, ==, "rl-1");
  g_assert_cmpstr (second->client_order_id, ==, "rl-1");
  g_assert_cmpint (second->at - first->at, >=, 990000);
  g_assert_cmpuint (uint_prop (ex, "rate-limited"), ==, 1);
  g_assert_cmpuint (uint_prop (ex, "used-weight"), >, 0);
  g_assert_cmpuint (t->rejected, ==, 0);
  g_assert_cmpuint (t->a_fills, ==, 2);
  g_assert_cmpfloat_with_epsilon (t->a_filled, 0.5, 1e-9);
}

typedef struct {
  gboolean dropped;
  guint snapshots_before;
} DropSteps;

static void
drop_steps (Fixture *fx, AatExchange *ex, TestTrader *t, double elapsed, gpointer data)
{
  DropSteps *st = data;

  if (!st->dropped && t->b_fills == 1)
    {
      /* everything drops; while the client is away the rest of B fills */
      st->dropped = TRUE;
      st->snapshots_before = mock_binance_count (fx->mock, "depth");
      mock_binance_disconnect (fx->mock);
      g_assert_true (mock_binance_fill (fx->mock, aat_order_get_client_id (t->b), 0.3, FALSE));
    }
}

static void
test_disconnect (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatExchange) ex = new_exchange (fx, 2.0, "dc");
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  DropSteps st = { 0 };

  t->plan = PLAN_ONE_RESTING;
  run (fx, ex, t, drop_steps, &st);
  g_assert_true (st.dropped);
  /* both links came back; the book was resynchronised */
  g_assert_cmpuint (uint_prop (ex, "reconnects"), >=, 2);
  g_assert_cmpuint (mock_binance_count (fx->mock, "depth"), >, st.snapshots_before);
  g_assert_cmpuint (mock_binance_count (fx->mock, "market_connect"), >=, 2);
  g_assert_cmpuint (mock_binance_count (fx->mock, "user_connect"), >=, 2);
  g_assert_true (aat_binance_exchange_book_synced (AAT_BINANCE_EXCHANGE (ex), "BTCUSDT"));
  /* reconciliation asked for the open orders and the order; the missed fill came once,
   * though the mock also replayed its report on reconnection */
  g_assert_cmpuint (mock_binance_count (fx->mock, "openOrders"), >=, 1);
  g_assert_cmpuint (t->b_fills, ==, 2);
  g_assert_cmpfloat_with_epsilon (t->b_filled, 0.5, 1e-9);
  g_assert_cmpint (aat_order_get_status (t->b), ==, AAT_ORDER_STATUS_FILLED);
  g_assert_cmpuint (uint64_prop (ex, "fills"), ==, 2);
  g_assert_cmpuint (t->received, ==, 1);
}

/* ---- malformed messages ---- */

static void
malformed_steps (Fixture *fx, AatExchange *ex, TestTrader *t, double elapsed, gpointer data)
{
  gboolean *sent = data;

  if (*sent || elapsed < 0.6 || !aat_binance_exchange_book_synced (AAT_BINANCE_EXCHANGE (ex), "BTCUSDT"))
    return;
  *sent = TRUE;
  mock_binance_send_market_raw (fx->mock, "not json {");
  mock_binance_send_market_raw (fx->mock, "[1,2,3]");
  mock_binance_send_market_raw (fx->mock, "{\"stream\":\"btcusdt@depth@100ms\",\"data\":{\"e\":\"depthUpdate\","
                                          "\"s\":\"BTCUSDT\",\"U\":\"x\",\"u\":5,\"b\":[],\"a\":[]}}");
  mock_binance_send_market_raw (fx->mock, "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"s\":\"BTCUSDT\","
                                          "\"t\":1,\"p\":\"abc\",\"q\":\"1\",\"T\":1,\"m\":true}}");
  mock_binance_send_market_raw (fx->mock, "{\"stream\":\"nope\",\"data\":{\"e\":\"trade\",\"s\":\"NOSUCH\"}}");
  mock_binance_send_user_raw (fx->mock, "\x01\x02garbage");
  mock_binance_send_user_raw (fx->mock, "{\"e\":\"executionReport\",\"c\":\"not-ours\",\"X\":\"FILLED\",\"z\":\"1\"}");
}

static void
test_malformed (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatExchange) ex = new_exchange (fx, 1.5, "mf");
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  gboolean sent = FALSE;
  guint trades_then;

  run (fx, ex, t, malformed_steps, &sent);
  g_assert_true (sent);
  g_assert_cmpuint (uint64_prop (ex, "errors"), >=, 6);
  /* the stream went on; the book stayed in sync without a resync */
  trades_then = t->trades;
  g_assert_cmpuint (trades_then, >, 20);
  g_assert_true (aat_binance_exchange_book_synced (AAT_BINANCE_EXCHANGE (ex), "BTCUSDT"));
  g_assert_cmpuint (uint_prop (ex, "gaps"), ==, 0);
}

/* ---- local checks, no network ---- */

static void
test_no_credentials (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatExchange) ex = g_object_new (AAT_TYPE_BINANCE_EXCHANGE, "name", "binance", "base-url", fx->rest,
                                             "ws-url", fx->ws, "duration", 1.0, "run-id", "nc", NULL);
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);

  g_unsetenv ("BINANCE_API_KEY");
  g_unsetenv ("BINANCE_API_SECRET");
  t->plan = PLAN_ONE_CROSSING;
  run (fx, ex, t, NULL, NULL);
  /* market data still flows; the order is refused locally, with the way out */
  g_assert_cmpuint (t->trades, >, 0);
  g_assert_cmpuint (t->rejected, ==, 1);
  g_assert_nonnull (strstr (t->reject_reason, "BINANCE_API_KEY"));
  g_assert_cmpuint (mock_binance_count (fx->mock, "listenKey"), ==, 0);
  g_assert_cmpuint (mock_binance_get_post_attempts (fx->mock)->len, ==, 0);
}

/* ---- aat-run with data/venue-binance.cfg pointed at the mock ---- */

static void
test_aat_run_config (Fixture *fx, gconstpointer data)
{
  const char *aat_run = g_getenv ("AAT_RUN");
  const char *root = g_getenv ("AAT_SOURCE_ROOT");
  g_autofree char *path = NULL, *text = NULL, *t1 = NULL, *t2 = NULL, *t3 = NULL, *dir = NULL, *cfg = NULL;
  g_autofree char *base = NULL, *ws = NULL;
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  gboolean done = FALSE;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  if (aat_run == NULL || root == NULL)
    {
      g_test_skip ("AAT_RUN and AAT_SOURCE_ROOT are not set");
      return;
    }
  path = g_build_filename (root, "data", "venue-binance.cfg", NULL);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  base = g_strdup_printf ("base-url=%s", fx->rest);
  ws = g_strdup_printf ("ws-url=%s", fx->ws);
  t1 = test_replace_once (text, "#base-url=http://127.0.0.1:PORT", base);
  t2 = test_replace_once (t1, "#ws-url=ws://127.0.0.1:PORT", ws);
  t3 = test_replace_once (t2, "duration=60", "duration=1.5");
  dir = g_dir_make_tmp ("binance-live-XXXXXX", &error);
  g_assert_no_error (error);
  cfg = g_build_filename (dir, "venue-binance.cfg", NULL);
  g_assert_true (g_file_set_contents (cfg, t3, -1, &error));
  out = g_build_filename (dir, "out.txt", NULL);

  mock_binance_start_market (fx->mock, 20);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "BINANCE_API_KEY", DOC_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "BINANCE_API_SECRET", DOC_SECRET, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  g_subprocess_launcher_set_stdout_file_path (launcher, out);
  proc = g_subprocess_launcher_spawn (launcher, &error, aat_run, "--config", cfg, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (proc, NULL, test_subprocess_done, &done);
  while (!done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_free (text);
  text = NULL;
  g_assert_true (g_file_get_contents (out, &text, NULL, &error));
  /* it traded nothing but read the market, with the user stream open */
  g_assert_cmpuint (mock_binance_count (fx->mock, "exchangeInfo"), ==, 1);
  g_assert_cmpuint (mock_binance_count (fx->mock, "depth"), >=, 1);
  g_assert_cmpuint (mock_binance_count (fx->mock, "listenKey"), ==, 1);
  g_assert_nonnull (strstr (text, "order entry enabled"));
  /* the credentials appear nowhere in the output */
  g_assert_null (strstr (text, DOC_KEY));
  g_assert_null (strstr (text, DOC_SECRET));
  g_remove (out);
  g_remove (cfg);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/binance-live/signature/published-example", test_signature);
  ADD ("/binance-live/market/book-sync-gap", test_book_gap);
  ADD ("/binance-live/orders/lifecycle", test_order_lifecycle);
  ADD ("/binance-live/orders/rate-limit", test_rate_limit);
  ADD ("/binance-live/reconnect/disconnect", test_disconnect);
  ADD ("/binance-live/market/malformed", test_malformed);
  ADD ("/binance-live/orders/no-credentials", test_no_credentials);
  ADD ("/binance-live/aat-run/config", test_aat_run_config);
#undef ADD
  return g_test_run ();
}
