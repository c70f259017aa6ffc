/* test-alpaca-live.c: the `alpaca` exchange in an engine against tests/mock-alpaca.c
 * over loopback: market data, orders through the trade_updates stream, a 429, a 5xx,
 * a disconnect with reconciliation, malformed messages, bad credentials. */
#include <string.h>
#include <aat.h>
#include <glib/gstdio.h>
#include "aat-alpaca-core.h"
#include "aat-alpaca-exchange.h"
#include "mock-alpaca.h"
#include "aat-test-util.h"

#define KEY "PKTEST4ALPACA7KEY"
#define SECRET "mock-secret-9d8c7b6a5f4e3d2c1b0a"

#define TEST_TYPE_TRADER (test_trader_get_type ())
G_DECLARE_FINAL_TYPE (TestTrader, test_trader, TEST, TRADER, AatStrategy)

struct _TestTrader
{
  AatStrategy parent_instance;
  gboolean resting_only;
  guint trades, quotes, received, bought, canceled, rejected;
  double bought_volume, last_bid, last_ask;
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
  g_autoptr (AatOrder) late = NULL;

  t->trades++;
  if (t->placed || t->trades < 3)
    return;
  t->placed = TRUE;
  t->resting = aat_order_ref (aat_strategy_buy (s, inst, 10, 149.00));     /* rests */
  if (t->resting_only)
    return;
  aat_strategy_buy (s, inst, 10, 0.0);                                     /* market: two fills */
  big = aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 5000, 149.00);   /* the venue refuses */
  aat_strategy_new_order (s, big);
  late = aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 13, 149.00);    /* a `rejected` update */
  aat_strategy_new_order (s, late);
  aon = aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 149.00);      /* refused locally */
  aat_order_set_flag (aon, AAT_ORDER_FLAG_ALL_OR_NONE);
  aat_strategy_new_order (s, aon);
}

static void
trader_on_quote (AatStrategy *s, AatQuote *q)
{
  TestTrader *t = TEST_TRADER (s);

  t->quotes++;
  t->last_bid = aat_quote_get_bid (q);
  t->last_ask = aat_quote_get_ask (q);
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

typedef void (*Poke) (MockAlpaca *mock, TestTrader *t, AatExchange *ex, guint step);

static void
run (MockAlpaca *mock, AatExchange *ex, TestTrader *t, Poke poke)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_SIMULATION);
  gboolean done = FALSE;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64) (20 * test_time_scale ()) * G_USEC_PER_SEC;
  gint64 step_us = (gint64) (200000 * test_time_scale ());
  guint step = 0;

  aat_engine_add_exchange (engine, ex);
  aat_engine_add_strategy (engine, AAT_STRATEGY (t));
  aat_engine_run_async (engine, NULL, run_done, &done);
  while (!done && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      if (poke && g_get_monotonic_time () - start > (gint64) (step + 1) * step_us)
        poke (mock, t, ex, step++);
    }
  g_assert_true (done);
}

static AatExchange *
new_exchange (MockAlpaca *mock, double duration, const char *secret)
{
  g_autofree char *base = mock_alpaca_base_url (mock);
  g_autofree char *data = mock_alpaca_data_url (mock);
  g_autofree char *stream = mock_alpaca_stream_url (mock);

  /* slower builds (sanitizers, valgrind) stretch the run: AAT_TEST_TIME_SCALE */
  duration *= test_time_scale ();

  return g_object_new (AAT_TYPE_ALPACA_EXCHANGE, "name", "alpaca", "base-url", base, "data-url", data,
                       "stream-url", stream, "api-key-id", KEY, "api-secret-key", secret, "duration", duration,
                       "run-id", "t", "reconnect-min-ms", 20, "rate-limit", 100.0, NULL);
}

static void
poke_round_trip (MockAlpaca *mock, TestTrader *t, AatExchange *ex, guint step)
{
  if (step == 1)
    {
      /* malformed: not JSON, an object instead of an array, no "T", a bad price, an
       * unknown symbol; and on the trade stream, not JSON and an update without order */
      mock_alpaca_send_data_raw (mock, "this is not json");
      mock_alpaca_send_data_raw (mock, "{\"T\":\"t\",\"S\":\"AAPL\",\"p\":1,\"s\":1}");
      mock_alpaca_send_data_raw (mock, "[{\"S\":\"AAPL\"}]");
      mock_alpaca_send_data_raw (mock, "[{\"T\":\"t\",\"S\":\"AAPL\",\"p\":\"x\",\"s\":1}]");
      mock_alpaca_send_data_raw (mock, "[{\"T\":\"q\",\"S\":\"ZZZZ\",\"bp\":1,\"bs\":1,\"ap\":2,\"as\":1}]");
      mock_alpaca_send_stream_raw (mock, "garbage");
      mock_alpaca_send_stream_raw (mock, "{\"stream\":\"trade_updates\",\"data\":{\"event\":\"fill\"}}");
      /* a non-fatal error from the data socket: counted, the run goes on */
      mock_alpaca_send_data_raw (mock, "[{\"T\":\"error\",\"code\":405,\"msg\":\"symbol limit exceeded\"}]");
    }
}

static void
test_live_round_trip (void)
{
  MockAlpaca *mock = mock_alpaca_new (KEY, SECRET);
  g_autoptr (AatExchange) ex = new_exchange (mock, 2.0, SECRET);
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  guint errors = 0, rate_limited = 0, subscriptions = 0;
  guint64 fills = 0;
  g_autofree char *last_error = NULL;

  /* the first POST /v2/orders is throttled */
  mock->fail_status = 429;
  mock->fail_count = 1;
  run (mock, ex, t, poke_round_trip);
  g_object_get (ex, "errors", &errors, "rate-limited", &rate_limited, "subscriptions", &subscriptions,
                "fills", &fills, "last-error", &last_error, NULL);
  g_test_message ("trades %u quotes %u received %u bought %u canceled %u rejected %u errors %u",
                  t->trades, t->quotes, t->received, t->bought, t->canceled, t->rejected, errors);
  /* market data: auth, subscribe (trades and quotes), then both */
  g_assert_cmpuint (mock->auths, ==, 2);                           /* data and trade stream */
  g_assert_cmpuint (mock->auth_failures, ==, 0);
  g_assert_cmpuint (mock->subscribes, ==, 1);
  g_assert_cmpuint (subscriptions, ==, 1);
  g_assert_cmpuint (mock->listens, ==, 1);
  g_assert_cmpuint (t->trades, >, 10);
  g_assert_cmpuint (t->quotes, >, 10);
  g_assert_cmpfloat_with_epsilon (t->last_bid, 149.99, 1e-9);
  g_assert_cmpfloat_with_epsilon (t->last_ask, 150.01, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_instrument_get_tick_size (aat_instrument_get ("AAPL", AAT_INSTRUMENT_TYPE_EQUITY)),
                                  0.01, 1e-12);
  /* malformed messages counted and skipped (7), plus the 405 error */
  g_assert_cmpuint (errors, >=, 8);
  g_assert_null (last_error);
  /* the throttled POST went through after a backoff, with the same client_order_id */
  g_assert_cmpuint (rate_limited, ==, 1);
  g_assert_cmpuint (mock->rate_limited, ==, 1);
  g_assert_cmpuint (mock->post_client_ids->len, ==, 5);            /* resting ×2, market, big, late */
  g_assert_cmpstr (mock->post_client_ids->pdata[0], ==, mock->post_client_ids->pdata[1]);
  g_assert_cmpstr (mock->post_client_ids->pdata[0], ==, aat_order_get_client_id (t->resting));
  /* the market order: new, partial_fill, fill */
  g_assert_cmpuint (t->bought, ==, 2);
  g_assert_cmpfloat_with_epsilon (t->bought_volume, 10, 1e-9);
  g_assert_cmpuint (fills, ==, 2);
  g_assert_cmpuint (t->received, >=, 2);
  /* the resting limit: cancelled (DELETE, then the `canceled` update) */
  g_assert_cmpuint (mock->deletes, ==, 1);
  g_assert_cmpuint (t->canceled, ==, 1);
  /* rejections: the venue's reason, a `rejected` update, and the local refusal */
  g_assert_cmpuint (t->rejected, ==, 3);
  g_assert_true (has_reason (t, "insufficient buying power"));
  g_assert_true (has_reason (t, "rejected by the venue"));       /* the `rejected` update */
  g_assert_true (has_reason (t, "all-or-none"));
  g_assert_cmpuint (mock_alpaca_open_count (mock), ==, 0);
  g_assert_cmpuint (mock->bad_keys, ==, 0);
  g_clear_object (&ex);
  mock_alpaca_free (mock);
}

static void
poke_disconnect (MockAlpaca *mock, TestTrader *t, AatExchange *ex, guint step)
{
  if (t->received == 1 && !mock->replay_held)
    {
      /* the resting order fills while both sockets are down; the stream's copy of the
       * fill comes late, after reconciliation has reported it: a duplicate */
      mock->hold_events = TRUE;
      mock->replay_held = TRUE;
      mock_alpaca_drop (mock);
      g_assert_cmpuint (mock_alpaca_fill_open_orders (mock), ==, 1);
    }
}

static void
test_live_disconnect (void)
{
  MockAlpaca *mock = mock_alpaca_new (KEY, SECRET);
  g_autoptr (AatExchange) ex = new_exchange (mock, 2.0, SECRET);
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  guint reconnects = 0, subscriptions = 0;
  guint64 reconciled = 0, fills = 0;

  t->resting_only = TRUE;
  run (mock, ex, t, poke_disconnect);
  g_object_get (ex, "reconnects", &reconnects, "reconciled-fills", &reconciled, "fills", &fills,
                "subscriptions", &subscriptions, NULL);
  g_assert_cmpuint (reconnects, ==, 2);                            /* both sockets */
  g_assert_cmpuint (mock->data_connections, ==, 2);
  g_assert_cmpuint (mock->stream_connections, ==, 2);
  g_assert_cmpuint (mock->subscribes, ==, 2);                      /* resubscribed */
  g_assert_cmpuint (subscriptions, ==, 2);
  g_assert_cmpuint (mock->listens, ==, 2);
  g_assert_cmpuint (mock->open_gets, >=, 1);                       /* reconciled */
  g_assert_cmpuint (mock->lookups, >=, 1);
  g_assert_cmpuint (reconciled, ==, 1);
  g_assert_cmpuint (mock->replayed, ==, 1);                        /* the fill, sent again after the reconnect */
  g_assert_cmpuint (fills, ==, 1);                                 /* the replayed fill was not counted again */
  g_assert_cmpuint (t->bought, ==, 1);
  g_assert_cmpfloat_with_epsilon (t->bought_volume, 10, 1e-9);
  g_assert_cmpuint (t->canceled, ==, 0);
  g_assert_cmpuint (t->trades, >, 10);                             /* market data after the reconnect too */
  g_clear_object (&ex);
  mock_alpaca_free (mock);
}

static void
test_live_server_error (void)
{
  MockAlpaca *mock = mock_alpaca_new (KEY, SECRET);
  g_autoptr (AatExchange) ex = new_exchange (mock, 1.0, SECRET);
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);

  /* a 500, but the order exists: found by client_order_id, not sent twice */
  mock->fail_status = 500;
  mock->fail_count = 1;
  mock->create_on_fail = TRUE;
  t->resting_only = TRUE;
  run (mock, ex, t, NULL);
  g_assert_cmpuint (mock->posts, ==, 1);
  g_assert_cmpuint (mock->lookups, >=, 1);
  g_assert_cmpuint (t->received, ==, 1);
  g_assert_cmpuint (t->rejected, ==, 0);
  g_clear_object (&ex);
  mock_alpaca_free (mock);
}

static void
test_live_bad_credentials (void)
{
  MockAlpaca *mock = mock_alpaca_new (KEY, SECRET);
  g_autoptr (AatExchange) ex = new_exchange (mock, 5.0, "wrong-secret-0a1b2c3d");
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  g_autofree char *last_error = NULL;
  gint64 start = g_get_monotonic_time ();

  t->resting_only = TRUE;
  run (mock, ex, t, NULL);
  g_object_get (ex, "last-error", &last_error, NULL);
  g_test_message ("last-error: %s", last_error);
  /* the run ended early, on the auth failure, not on duration */
  g_assert_cmpint (g_get_monotonic_time () - start, <, (gint64) (4 * test_time_scale () * G_USEC_PER_SEC));
  g_assert_nonnull (last_error);
  g_assert_nonnull (strstr (last_error, "authentication failed"));
  g_assert_nonnull (strstr (last_error, "not authorized"));
  g_assert_nonnull (strstr (last_error, "<redacted>"));          /* the mock echoed the key id */
  g_assert_null (strstr (last_error, KEY));
  g_assert_null (strstr (last_error, "wrong-secret-0a1b2c3d"));
  g_assert_cmpuint (mock->bad_keys, >=, 1);
  g_assert_cmpuint (t->trades, ==, 0);
  g_clear_object (&ex);
  mock_alpaca_free (mock);
}

static void
test_live_websocket_auth_refused (void)
{
  MockAlpaca *mock = mock_alpaca_new (KEY, SECRET);
  g_autoptr (AatExchange) ex = new_exchange (mock, 5.0, SECRET);
  g_autoptr (TestTrader) t = g_object_new (TEST_TYPE_TRADER, NULL);
  g_autofree char *last_error = NULL;

  /* REST accepts the keys, the websockets refuse them (a key without market data) */
  mock->refuse_ws_auth = TRUE;
  run (mock, ex, t, NULL);
  g_object_get (ex, "last-error", &last_error, NULL);
  g_test_message ("last-error: %s", last_error);
  g_assert_nonnull (last_error);
  g_assert_nonnull (strstr (last_error, "authentication failed"));
  g_assert_true (strstr (last_error, "[402] auth failed") != NULL || strstr (last_error, "unauthorized") != NULL);
  g_assert_null (strstr (last_error, KEY));
  g_assert_null (strstr (last_error, SECRET));
  g_assert_cmpuint (mock->auth_failures, >=, 1);
  g_assert_cmpuint (t->trades, ==, 0);
  g_clear_object (&ex);
  mock_alpaca_free (mock);
}

static void
test_no_credentials (void)
{
  g_autoptr (AatExchange) ex = g_object_new (AAT_TYPE_ALPACA_EXCHANGE, "name", "alpaca", NULL);
  g_autoptr (GError) error = NULL;
  gboolean paper = FALSE;

  g_object_get (ex, "paper", &paper, NULL);
  g_assert_true (paper);                                          /* paper trading by default */
  g_assert_false (AAT_EXCHANGE_GET_CLASS (ex)->start (ex, &error));
  g_assert_error (error, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "APCA_API_KEY_ID"));
}

/* ---- aat-run with data/venue-alpaca.cfg pointed at the mock ---- */

static void
test_aat_run_config (void)
{
  const char *aat_run = g_getenv ("AAT_RUN");
  const char *root = g_getenv ("AAT_SOURCE_ROOT");
  MockAlpaca *mock = NULL;
  g_autofree char *path = NULL, *text = NULL, *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL, *dir = NULL;
  g_autofree char *cfg = NULL, *out = NULL, *base = NULL, *data = NULL, *stream = NULL, *b = NULL, *d = NULL;
  g_autofree char *s = NULL, *duration = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  gboolean done = FALSE;
  gint64 deadline = g_get_monotonic_time () + (gint64) (30 * test_time_scale ()) * G_USEC_PER_SEC;
  const char *summary;

  if (aat_run == NULL || root == NULL)
    {
      g_test_skip ("AAT_RUN and AAT_SOURCE_ROOT are not set");
      return;
    }
  mock = mock_alpaca_new (KEY, SECRET);
  base = mock_alpaca_base_url (mock);
  data = mock_alpaca_data_url (mock);
  stream = mock_alpaca_stream_url (mock);
  path = g_build_filename (root, "data", "venue-alpaca.cfg", NULL);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "paper=true"));                  /* paper trading by default */
  b = g_strdup_printf ("base-url=%s", base);
  d = g_strdup_printf ("data-url=%s", data);
  s = g_strdup_printf ("stream-url=%s", stream);
  duration = g_strdup_printf ("duration=%g", 1.5 * test_time_scale ());
  t1 = test_replace_once (text, "#base-url=http://127.0.0.1:PORT", b);
  t2 = test_replace_once (t1, "#data-url=ws://127.0.0.1:PORT/v2/iex", d);
  t3 = test_replace_once (t2, "#stream-url=ws://127.0.0.1:PORT/stream", s);
  t4 = test_replace_once (t3, "duration=60", duration);
  dir = g_dir_make_tmp ("alpaca-live-XXXXXX", &error);
  g_assert_no_error (error);
  cfg = g_build_filename (dir, "venue-alpaca.cfg", NULL);
  g_assert_true (g_file_set_contents (cfg, t4, -1, &error));
  out = g_build_filename (dir, "out.txt", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "APCA_API_KEY_ID", KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "APCA_API_SECRET_KEY", SECRET, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  g_subprocess_launcher_set_stdout_file_path (launcher, out);
  proc = g_subprocess_launcher_spawn (launcher, &error, aat_run, "--config", cfg, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (proc, NULL, test_subprocess_done, &done);
  while (!done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done);
  g_free (text);
  text = NULL;
  g_assert_true (g_file_get_contents (out, &text, NULL, &error));
  g_test_message ("%s", text);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  /* it read the market with the trade stream open, and ended on duration */
  g_assert_cmpuint (mock->asset_gets, ==, 1);
  g_assert_cmpuint (mock->subscribes, ==, 1);
  g_assert_cmpuint (mock->listens, ==, 1);
  summary = strstr (text, "Run summary: ");
  g_assert_nonnull (summary);
  g_assert_cmpint (g_ascii_strtoll (summary + strlen ("Run summary: "), NULL, 10), >, 10);
  /* the credentials appear nowhere in the output */
  g_assert_null (strstr (text, KEY));
  g_assert_null (strstr (text, SECRET));
  g_remove (out);
  g_remove (cfg);
  g_rmdir (dir);
  mock_alpaca_free (mock);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("APCA_API_KEY_ID");
  g_unsetenv ("APCA_API_SECRET_KEY");
  g_test_add_func ("/alpaca/live/no-credentials", test_no_credentials);
  g_test_add_func ("/alpaca/live/round-trip", test_live_round_trip);
  g_test_add_func ("/alpaca/live/disconnect-reconcile", test_live_disconnect);
  g_test_add_func ("/alpaca/live/server-error-lookup", test_live_server_error);
  g_test_add_func ("/alpaca/live/bad-credentials", test_live_bad_credentials);
  g_test_add_func ("/alpaca/live/websocket-auth-refused", test_live_websocket_auth_refused);
  g_test_add_func ("/alpaca/live/aat-run-config", test_aat_run_config);
  return g_test_run ();
}
