/* test-synthetic.c: the synthetic exchange: determinism, fills at book prices, book
 * events and the real-time mode. The exchange's source is compiled into this test. */
#include <aat.h>
#include "aat-synthetic-exchange.h"

/* A strategy that records the market and, optionally, trades on it. */
#define TEST_TYPE_RECORDER (test_recorder_get_type ())
G_DECLARE_FINAL_TYPE (TestRecorder, test_recorder, TEST, RECORDER, AatStrategy)

struct _TestRecorder
{
  AatStrategy parent_instance;
  GArray *prices;           /* double: every trade price, then volume */
  GArray *fills;            /* double: price, volume of each of our fills */
  guint trades;
  guint opens, cancels, changes, book_fills;
  gboolean trade;           /* place orders */
  /* fill-at-book-price check */
  AatSyntheticExchange *exchange;
  gboolean checked;
  double ask, ask_volume, bought_price, bought_volume;
  guint bought;
};

G_DEFINE_FINAL_TYPE (TestRecorder, test_recorder, AAT_TYPE_STRATEGY)

static void
recorder_on_trade (AatStrategy *strategy, AatTrade *trade)
{
  TestRecorder *self = TEST_RECORDER (strategy);
  double p = aat_trade_get_price (trade), v = aat_trade_get_volume (trade);

  g_array_append_val (self->prices, p);
  g_array_append_val (self->prices, v);
  self->trades++;
  if (self->trade && self->trades % 50 == 0)
    {
      AatOrder *o;
      if ((self->trades / 50) % 2 == 1)
        o = aat_strategy_buy (strategy, aat_trade_get_instrument (trade), 2, 0.0);
      else
        o = aat_strategy_sell (strategy, aat_trade_get_instrument (trade), 1, p + 0.02);
      g_assert_nonnull (o);
    }
  if (self->exchange != NULL && !self->checked && self->trades == 20)
    {
      AatOrderBook *book = aat_synthetic_exchange_get_book (self->exchange, aat_trade_get_instrument (trade));
      AatOrderBook *by_signal = NULL;
      AatBookLevel before, after;
      double bid, bid_volume;
      AatOrder *o;

      g_assert_nonnull (book);
      g_signal_emit_by_name (self->exchange, "get-book", aat_trade_get_instrument (trade), &by_signal);
      g_assert_true (book == by_signal);
      g_assert_true (aat_order_book_top (book, &bid, &bid_volume, &self->ask, &self->ask_volume));
      g_assert_cmpfloat (self->ask_volume, >=, 2.0);
      g_assert_true (aat_order_book_level (book, AAT_SIDE_SELL, 0, &before));
      self->checked = TRUE;
      /* a buy smaller than the best level takes only from it */
      o = aat_strategy_buy (strategy, aat_trade_get_instrument (trade), 1, 0.0);
      g_assert_nonnull (o);
      g_assert_true (aat_order_book_level (book, AAT_SIDE_SELL, 0, &after));
      g_assert_cmpfloat (after.price, ==, before.price);
      g_assert_cmpfloat (after.volume, ==, before.volume - 1.0);
    }
}

static void
recorder_on_traded (AatStrategy *strategy, AatTrade *trade)
{
  TestRecorder *self = TEST_RECORDER (strategy);
  double p = aat_trade_get_price (trade), v = aat_trade_get_volume (trade);

  g_array_append_val (self->fills, p);
  g_array_append_val (self->fills, v);
  if (aat_trade_get_side (trade) == AAT_SIDE_BUY)
    {
      self->bought++;
      self->bought_price = p;
      self->bought_volume = v;
    }
}

static void
recorder_on_open (AatStrategy *strategy, AatEvent *event)
{
  TEST_RECORDER (strategy)->opens++;
  g_assert_nonnull (aat_event_get_order (event));
}

static void
recorder_on_cancel (AatStrategy *strategy, AatEvent *event)
{
  TEST_RECORDER (strategy)->cancels++;
}

static void
recorder_on_change (AatStrategy *strategy, AatEvent *event)
{
  TEST_RECORDER (strategy)->changes++;
}

static void
recorder_on_fill (AatStrategy *strategy, AatEvent *event)
{
  TEST_RECORDER (strategy)->book_fills++;
}

static void
recorder_finalize (GObject *object)
{
  TestRecorder *self = TEST_RECORDER (object);

  g_array_unref (self->prices);
  g_array_unref (self->fills);
  G_OBJECT_CLASS (test_recorder_parent_class)->finalize (object);
}

static void
test_recorder_class_init (TestRecorderClass *klass)
{
  AatStrategyClass *s = AAT_STRATEGY_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = recorder_finalize;
  s->on_trade = recorder_on_trade;
  s->on_traded = recorder_on_traded;
  s->on_open = recorder_on_open;
  s->on_cancel = recorder_on_cancel;
  s->on_change = recorder_on_change;
  s->on_fill = recorder_on_fill;
}

static void
test_recorder_init (TestRecorder *self)
{
  self->prices = g_array_new (FALSE, FALSE, sizeof (double));
  self->fills = g_array_new (FALSE, FALSE, sizeof (double));
}

/* Runs one backtest and returns the recorder (full). */
static TestRecorder *
run_once (guint64 engine_seed, guint64 exchange_seed, guint64 events, gboolean trade, gboolean check)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (AatExchange) exchange = NULL;
  TestRecorder *recorder = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr (GError) error = NULL;

  g_object_set (engine, "seed", engine_seed, NULL);
  exchange = g_object_new (AAT_TYPE_SYNTHETIC_EXCHANGE, "name", "synthetic", "seed", exchange_seed,
                           "events", events, NULL);
  recorder->trade = trade;
  if (check)
    recorder->exchange = AAT_SYNTHETIC_EXCHANGE (exchange);
  aat_engine_add_exchange (engine, exchange);
  aat_engine_add_strategy (engine, AAT_STRATEGY (recorder));
  g_assert_true (aat_engine_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aat_synthetic_exchange_get_generated (AAT_SYNTHETIC_EXCHANGE (exchange)), ==, events);
  recorder->exchange = NULL;
  return recorder;
}

static void
assert_same_doubles (GArray *a, GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpfloat (g_array_index (a, double, i), ==, g_array_index (b, double, i));
}

static void
test_deterministic (void)
{
  g_autoptr (TestRecorder) a = run_once (0, 7, 5000, TRUE, FALSE);
  g_autoptr (TestRecorder) b = run_once (0, 7, 5000, TRUE, FALSE);
  g_autoptr (TestRecorder) c = run_once (0, 8, 5000, TRUE, FALSE);
  gboolean differ = FALSE;

  g_assert_cmpuint (a->trades, ==, 5000);
  assert_same_doubles (a->prices, b->prices);
  assert_same_doubles (a->fills, b->fills);
  g_assert_cmpuint (a->fills->len, >, 0);
  /* another seed gives another market */
  for (guint i = 0; i < MIN (a->prices->len, c->prices->len) && !differ; i++)
    differ = g_array_index (a->prices, double, i) != g_array_index (c->prices, double, i);
  g_assert_true (differ);
}

static void
test_engine_seed (void)
{
  /* seed 0 derives from the engine's seed */
  g_autoptr (TestRecorder) a = run_once (11, 0, 2000, FALSE, FALSE);
  g_autoptr (TestRecorder) b = run_once (0, 11, 2000, FALSE, FALSE);
  g_autoptr (TestRecorder) c = run_once (12, 0, 2000, FALSE, FALSE);
  gboolean differ = FALSE;

  assert_same_doubles (a->prices, b->prices);
  for (guint i = 0; i < MIN (a->prices->len, c->prices->len) && !differ; i++)
    differ = g_array_index (a->prices, double, i) != g_array_index (c->prices, double, i);
  g_assert_true (differ);
}

static void
test_fill_at_book_price (void)
{
  g_autoptr (TestRecorder) r = run_once (0, 3, 1000, FALSE, TRUE);

  g_assert_true (r->checked);
  g_assert_cmpuint (r->bought, ==, 1);
  g_assert_cmpfloat (r->bought_price, ==, r->ask);
  g_assert_cmpfloat (r->bought_volume, ==, 1.0);
}

static void
test_book_events (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (AatExchange) exchange = NULL;
  g_autoptr (TestRecorder) r = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr (GError) error = NULL;

  exchange = g_object_new (AAT_TYPE_SYNTHETIC_EXCHANGE, "name", "synthetic", "seed", (guint64) 5,
                           "events", (guint64) 3000, "book-events", TRUE, "instruments", 2, NULL);
  aat_engine_add_exchange (engine, exchange);
  aat_engine_add_strategy (engine, AAT_STRATEGY (r));
  g_assert_true (aat_engine_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r->trades, >, 0);
  g_assert_cmpuint (r->opens, >, 0);
  g_assert_cmpuint (r->cancels, >, 0);
  g_assert_cmpuint (r->trades + r->opens + r->cancels + r->changes + r->book_fills, ==, 3000);
}

static void
test_simulation (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_SIMULATION);
  g_autoptr (AatExchange) exchange = NULL;
  g_autoptr (TestRecorder) r = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  exchange = g_object_new (AAT_TYPE_SYNTHETIC_EXCHANGE, "name", "synthetic", "seed", (guint64) 5,
                           "events", (guint64) 100, "mode", AAT_SYNTHETIC_MODE_SIMULATION, "rate", 1000.0, NULL);
  g_assert_false (aat_exchange_is_pull (exchange));
  r->trade = TRUE;
  aat_engine_add_exchange (engine, exchange);
  aat_engine_add_strategy (engine, AAT_STRATEGY (r));
  g_assert_true (aat_engine_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r->trades, ==, 100);
  g_assert_cmpuint (r->fills->len, >, 0);
  /* 100 events at 1000/s take about 0.1 s of wall time */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 80 * 1000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/synthetic/deterministic", test_deterministic);
  g_test_add_func ("/synthetic/seed-from-engine", test_engine_seed);
  g_test_add_func ("/synthetic/fill-at-book-price", test_fill_at_book_price);
  g_test_add_func ("/synthetic/book-events", test_book_events);
  g_test_add_func ("/synthetic/simulation", test_simulation);
  return g_test_run ();
}
