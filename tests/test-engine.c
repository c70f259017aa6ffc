/* test-engine.c: the trading engine: merging, dispatch, the order path, the portfolio,
 * determinism, exit routines and strategy failures. */
#include "aat.h"
#include "aat-private.h"

#include <math.h>

/* ---- a pull exchange replaying an in-memory list of trades ---- */

typedef struct { AatTime ts; const char *symbol; double price, volume; } Tick;

#define TEST_TYPE_FEED (test_feed_get_type ())
G_DECLARE_FINAL_TYPE (TestFeed, test_feed, TEST, FEED, AatExchange)
struct _TestFeed
{
  AatExchange parent_instance;
  GArray *ticks;
  guint pos;
  AatEvent *event;
  /* for the manual order entry mode */
  gboolean manual;
  GPtrArray *orders;
  /* failure injection: start() fails, or next_event() fails after this many events */
  gboolean fail_start;
  guint fail_after;
};
G_DEFINE_FINAL_TYPE (TestFeed, test_feed, AAT_TYPE_EXCHANGE)

static gboolean
feed_start (AatExchange *ex, GError **error)
{
  if (TEST_FEED (ex)->fail_start)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no such file: ticks.csv");
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
feed_instruments (AatExchange *ex)
{
  TestFeed *self = TEST_FEED (ex);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->ticks->len; i++)
    {
      AatInstrument *inst = aat_instrument_get (g_array_index (self->ticks, Tick, i).symbol, AAT_INSTRUMENT_TYPE_EQUITY);
      if (!g_ptr_array_find (out, inst, NULL))
        g_ptr_array_add (out, inst);
    }
  return out;
}

static AatEvent *
feed_next (AatExchange *ex, GError **error)
{
  TestFeed *self = TEST_FEED (ex);
  Tick *t;
  g_autoptr (AatTrade) trade = NULL;

  if (self->fail_after > 0 && self->pos == self->fail_after)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "ticks.csv:%u: field 'price': not a number", self->pos + 2);
      return NULL;
    }
  if (self->pos >= self->ticks->len)
    return NULL;
  t = &g_array_index (self->ticks, Tick, self->pos++);
  trade = aat_trade_new (aat_instrument_get (t->symbol, AAT_INSTRUMENT_TYPE_EQUITY), AAT_SIDE_BUY, t->volume, t->price, t->ts);
  aat_trade_set_exchange (trade, aat_exchange_get_exchange_type (ex));
  g_clear_pointer (&self->event, aat_event_unref);
  self->event = aat_event_new_trade (trade);
  return self->event;
}

/* Manual order entry: orders wait until the test answers them by hand. */
static void
feed_new_order (AatExchange *ex, AatOrder *order)
{
  TestFeed *self = TEST_FEED (ex);

  if (!self->manual)
    {
      AAT_EXCHANGE_CLASS (test_feed_parent_class)->new_order (ex, order);
      return;
    }
  g_ptr_array_add (self->orders, aat_order_ref (order));
}

static void
test_feed_finalize (GObject *object)
{
  TestFeed *self = TEST_FEED (object);

  g_array_unref (self->ticks);
  g_ptr_array_unref (self->orders);
  g_clear_pointer (&self->event, aat_event_unref);
  G_OBJECT_CLASS (test_feed_parent_class)->finalize (object);
}

static void
test_feed_class_init (TestFeedClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_feed_finalize;
  AAT_EXCHANGE_CLASS (klass)->instruments = feed_instruments;
  AAT_EXCHANGE_CLASS (klass)->next_event = feed_next;
  AAT_EXCHANGE_CLASS (klass)->start = feed_start;
  AAT_EXCHANGE_CLASS (klass)->new_order = feed_new_order;
}

static void
test_feed_init (TestFeed *self)
{
  self->ticks = g_array_new (FALSE, FALSE, sizeof (Tick));
  self->orders = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref);
}

static TestFeed *
feed_new (const char *name, const Tick *ticks, guint n)
{
  TestFeed *self = g_object_new (TEST_TYPE_FEED, "name", name, NULL);

  g_array_append_vals (self->ticks, ticks, n);
  return self;
}

/* ---- a recording strategy with scripted behaviour ---- */

typedef void (*Script) (AatStrategy *s, AatTrade *trade, guint n);

#define TEST_TYPE_REC (test_rec_get_type ())
G_DECLARE_FINAL_TYPE (TestRec, test_rec, TEST, REC, AatStrategy)
struct _TestRec
{
  AatStrategy parent_instance;
  GString *log;
  guint trades;
  const char *subscribe;
  Script script;
  gboolean fail;
  guint errors;
  GPtrArray *orders;
};
G_DEFINE_FINAL_TYPE (TestRec, test_rec, AAT_TYPE_STRATEGY)

static void
rec_start (AatStrategy *s)
{
  TestRec *self = TEST_REC (s);

  if (self->subscribe != NULL)
    aat_strategy_subscribe (s, aat_instrument_get (self->subscribe, AAT_INSTRUMENT_TYPE_EQUITY));
  g_string_append (self->log, "start;");
}

static void
rec_trade (AatStrategy *s, AatTrade *trade)
{
  TestRec *self = TEST_REC (s);

  g_string_append_printf (self->log, "trade %s %" G_GINT64_FORMAT " %.2f;",
                          aat_instrument_get_name (aat_trade_get_instrument (trade)),
                          aat_trade_get_timestamp (trade) / AAT_TIME_SECOND, aat_trade_get_price (trade));
  self->trades++;
  if (self->fail)
    g_critical ("strategy bug on trade %u", self->trades);
  if (self->script != NULL)
    self->script (s, trade, self->trades);
}

static void
rec_bought (AatStrategy *s, AatTrade *t)
{
  g_string_append_printf (TEST_REC (s)->log, "bought %g@%.2f;", aat_trade_get_volume (t), aat_trade_get_price (t));
}

static void
rec_sold (AatStrategy *s, AatTrade *t)
{
  g_string_append_printf (TEST_REC (s)->log, "sold %g@%.2f;", aat_trade_get_volume (t), aat_trade_get_price (t));
}

static void
rec_traded (AatStrategy *s, AatTrade *t)
{
  g_string_append (TEST_REC (s)->log, "traded;");
}

static void
rec_received (AatStrategy *s, AatOrder *o)
{
  g_string_append_printf (TEST_REC (s)->log, "received #%" G_GUINT64_FORMAT ";", aat_order_get_id (o));
}

static void
rec_rejected (AatStrategy *s, AatOrder *o, const char *reason)
{
  g_string_append_printf (TEST_REC (s)->log, "rejected #%" G_GUINT64_FORMAT " (%s);", aat_order_get_id (o), reason);
}

static void
rec_canceled (AatStrategy *s, AatOrder *o)
{
  g_string_append_printf (TEST_REC (s)->log, "canceled #%" G_GUINT64_FORMAT ";", aat_order_get_id (o));
}

static void
rec_error (AatStrategy *s, const GError *error)
{
  TEST_REC (s)->errors++;
}

static void
rec_exit (AatStrategy *s)
{
  g_string_append (TEST_REC (s)->log, "exit;");
}

static void
test_rec_finalize (GObject *object)
{
  TestRec *self = TEST_REC (object);

  g_string_free (self->log, TRUE);
  g_ptr_array_unref (self->orders);
  G_OBJECT_CLASS (test_rec_parent_class)->finalize (object);
}

static void
test_rec_class_init (TestRecClass *klass)
{
  AatStrategyClass *sc = AAT_STRATEGY_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_rec_finalize;
  sc->on_start = rec_start;
  sc->on_trade = rec_trade;
  sc->on_bought = rec_bought;
  sc->on_sold = rec_sold;
  sc->on_traded = rec_traded;
  sc->on_received = rec_received;
  sc->on_rejected = rec_rejected;
  sc->on_canceled = rec_canceled;
  sc->on_error = rec_error;
  sc->on_exit = rec_exit;
}

static void
test_rec_init (TestRec *self)
{
  self->log = g_string_new (NULL);
  self->orders = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref);
}

#define T(s) ((AatTime) (s) * AAT_TIME_SECOND)

static const Tick feed_a[] = {
  { T (1), "AAA", 10.00, 1 }, { T (3), "AAA", 10.10, 1 }, { T (5), "AAA", 10.20, 1 }, { T (7), "AAA", 10.30, 1 },
};
static const Tick feed_b[] = {
  { T (2), "BBB", 20.00, 1 }, { T (3), "BBB", 20.10, 1 }, { T (4), "BBB", 20.20, 1 }, { T (8), "BBB", 20.30, 1 },
};

static void
test_merge_two_exchanges (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestFeed) a = feed_new ("ex-a", feed_a, G_N_ELEMENTS (feed_a));
  g_autoptr (TestFeed) b = feed_new ("ex-b", feed_b, G_N_ELEMENTS (feed_b));
  g_autoptr (TestRec) sa = g_object_new (TEST_TYPE_REC, NULL);
  g_autoptr (TestRec) sb = g_object_new (TEST_TYPE_REC, NULL);
  g_autoptr (TestRec) all = g_object_new (TEST_TYPE_REC, NULL);
  g_autoptr (GError) error = NULL;

  sa->subscribe = "AAA";
  sb->subscribe = "BBB";
  /* b is added first, so at t=3 BBB (exchange index 0) comes before AAA */
  aat_engine_add_exchange (engine, AAT_EXCHANGE (b));
  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  aat_engine_add_strategy (engine, AAT_STRATEGY (sa));
  aat_engine_add_strategy (engine, AAT_STRATEGY (sb));
  aat_engine_add_strategy (engine, AAT_STRATEGY (all));
  g_assert_true (aat_engine_run (engine, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (sa->log->str, ==, "start;trade AAA 1 10.00;trade AAA 3 10.10;trade AAA 5 10.20;trade AAA 7 10.30;exit;");
  g_assert_cmpstr (sb->log->str, ==, "start;trade BBB 2 20.00;trade BBB 3 20.10;trade BBB 4 20.20;trade BBB 8 20.30;exit;");
  g_assert_cmpstr (all->log->str, ==,
                   "start;trade AAA 1 10.00;trade BBB 2 20.00;trade BBB 3 20.10;trade AAA 3 10.10;"
                   "trade BBB 4 20.20;trade AAA 5 10.20;trade AAA 7 10.30;trade BBB 8 20.30;exit;");
  /* the run ends after the last exchange's stream, not the first */
  g_assert_cmpuint (aat_engine_get_event_count (engine), ==, 8);
  g_assert_cmpint (aat_engine_now (engine), ==, T (8));
}

/* Buys 2 on the first trade, then sells 3 (flip to short 1) on the third. */
static void
script_buy_sell (AatStrategy *s, AatTrade *trade, guint n)
{
  AatInstrument *inst = aat_trade_get_instrument (trade);

  if (n == 1)
    g_ptr_array_add (TEST_REC (s)->orders, aat_order_ref (aat_strategy_buy (s, inst, 2, 0)));
  if (n == 3)
    g_ptr_array_add (TEST_REC (s)->orders, aat_order_ref (aat_strategy_sell (s, inst, 3, 0)));
}

static void
test_market_fills_next_trade (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestFeed) a = feed_new ("ex-a", feed_a, G_N_ELEMENTS (feed_a));
  g_autoptr (TestRec) s = g_object_new (TEST_TYPE_REC, NULL);
  g_autoptr (GError) error = NULL;
  AatInstrument *aaa = aat_instrument_get ("AAA", AAT_INSTRUMENT_TYPE_EQUITY);
  AatPortfolio *pf;
  g_autoptr (AatPosition) pos = NULL;
  g_autoptr (GPtrArray) trades = NULL;

  g_object_set (engine, "cash", 1000.0, NULL);
  s->script = script_buy_sell;
  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  aat_engine_add_strategy (engine, AAT_STRATEGY (s));
  g_assert_true (aat_engine_run (engine, &error));

  /* fills come before the strategy sees the trade they filled against */
  g_assert_cmpstr (s->log->str, ==,
                   "start;trade AAA 1 10.00;received #1;bought 2@10.10;traded;trade AAA 3 10.10;"
                   "trade AAA 5 10.20;received #2;sold 3@10.30;traded;trade AAA 7 10.30;exit;");
  pf = aat_engine_get_portfolio (engine);
  pos = aat_portfolio_get_position (pf, AAT_STRATEGY (s), aaa);
  g_assert_cmpfloat_with_epsilon (aat_position_get_size (pos), -1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (aat_position_get_average_price (pos), 10.30, 1e-9);
  /* realized on the 2 closed: 2 × (10.30 − 10.10) = 0.40 */
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_realized_pnl (pf, AAT_STRATEGY (s)), 0.40, 1e-9);
  /* cash: 1000 − 2×10.10 + 3×10.30 = 1010.70 */
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_cash (pf, AAT_STRATEGY (s)), 1010.70, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_value (pf, AAT_STRATEGY (s)), 1010.70 - 10.30, 1e-9);
  trades = aat_strategy_trades (AAT_STRATEGY (s), NULL, NULL, -1);
  g_assert_cmpuint (trades->len, ==, 2);
  g_assert_cmpint (aat_order_get_status (s->orders->pdata[0]), ==, AAT_ORDER_STATUS_FILLED);
}

/* Portfolio arithmetic to the cent over a buy, sell, flip sequence, with fees. */
static void
test_portfolio_flip (void)
{
  g_autoptr (AatPortfolio) pf = aat_portfolio_new ();
  AatInstrument *inst = aat_instrument_get ("PNL", AAT_INSTRUMENT_TYPE_EQUITY);
  g_autoptr (AatPosition) p1 = NULL;
  g_autoptr (AatPosition) p2 = NULL;

  aat_portfolio_set_initial_cash (pf, NULL, 10000.0);
  aat_portfolio_apply_fill (pf, NULL, inst, AAT_SIDE_BUY, 10, 100.00, 1.00, 0);
  aat_portfolio_apply_fill (pf, NULL, inst, AAT_SIDE_BUY, 10, 110.00, 1.00, 0);   /* avg 105 */
  aat_portfolio_apply_fill (pf, NULL, inst, AAT_SIDE_SELL, 5, 120.00, 0.50, 0);   /* +75 on 5 */
  p1 = aat_portfolio_get_position (pf, NULL, inst);
  g_assert_cmpfloat_with_epsilon (aat_position_get_size (p1), 15, 1e-12);
  g_assert_cmpfloat_with_epsilon (aat_position_get_average_price (p1), 105.00, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_realized_pnl (pf, NULL), 75.00, 1e-9);
  aat_portfolio_apply_fill (pf, NULL, inst, AAT_SIDE_SELL, 25, 90.00, 2.50, 0);   /* −225 on 15, short 10 @ 90 */
  aat_portfolio_mark (pf, inst, 95.00, 0);
  p2 = aat_portfolio_get_position (pf, NULL, inst);
  g_assert_cmpfloat_with_epsilon (aat_position_get_size (p2), -10, 1e-12);
  g_assert_cmpfloat_with_epsilon (aat_position_get_average_price (p2), 90.00, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_realized_pnl (pf, NULL), -150.00, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_position_get_unrealized_pnl (p2), -50.00, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_fees (pf, NULL), 5.00, 1e-9);
  /* cash: 10000 −1000−1 −1100−1 +600−0.5 +2250−2.5 = 10745.00; value = cash − 10×95 */
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_cash (pf, NULL), 10745.00, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_value (pf, NULL), 9795.00, 1e-9);
  /* value − initial = realized + unrealized − fees */
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_value (pf, NULL) - 10000.0, -150.0 - 50.0 - 5.0, 1e-9);
}

/* Futures-like: margin held, P&L settled into cash at every mark. */
static void
test_portfolio_futures (void)
{
  g_autoptr (AatPortfolio) pf = aat_portfolio_new ();
  AatInstrument *inst = aat_instrument_get ("FUT", AAT_INSTRUMENT_TYPE_FUTURE);

  aat_instrument_set_multiplier (inst, 10);
  aat_portfolio_set_margin (pf, inst, 1000);
  aat_portfolio_set_initial_cash (pf, NULL, 10000.0);
  aat_portfolio_apply_fill (pf, NULL, inst, AAT_SIDE_BUY, 1, 3600.0, 2.0, 0);
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_cash (pf, NULL), 10000 - 1000 - 2, 1e-9);
  aat_portfolio_mark (pf, inst, 3610.0, 0);
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_cash (pf, NULL), 10000 - 1000 - 2 + 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_value (pf, NULL), 10000 - 2 + 100, 1e-9);
  aat_portfolio_apply_fill (pf, NULL, inst, AAT_SIDE_SELL, 1, 3605.0, 2.0, 0);
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_cash (pf, NULL), 10000 - 4 + 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_portfolio_get_realized_pnl (pf, NULL), 50, 1e-9);
}

/* Manual order entry: partial fills, and a fill that arrives before the acknowledgement. */
static void
script_limit (AatStrategy *s, AatTrade *trade, guint n)
{
  if (n == 1)
    g_ptr_array_add (TEST_REC (s)->orders, aat_order_ref (aat_strategy_buy (s, aat_trade_get_instrument (trade), 10, 9.50)));
}

static void
test_lifecycle_fill_before_ack (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestFeed) a = feed_new ("ex-a", feed_a, 1);
  g_autoptr (TestRec) s = g_object_new (TEST_TYPE_REC, NULL);
  AatOrder *order;

  a->manual = TRUE;
  s->script = script_limit;
  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  aat_engine_add_strategy (engine, AAT_STRATEGY (s));
  g_assert_true (aat_engine_run (engine, NULL));
  g_assert_cmpuint (a->orders->len, ==, 1);
  order = a->orders->pdata[0];
  g_assert_cmpint (aat_order_get_status (order), ==, AAT_ORDER_STATUS_PENDING);

  /* the venue reports a partial fill first, then the ack, then the rest */
  g_string_truncate (s->log, 0);
  aat_exchange_emit_fill (AAT_EXCHANGE (a), order, 4, 9.50, 0.0, 0.0, T (2));
  aat_exchange_emit_received (AAT_EXCHANGE (a), order);
  aat_exchange_emit_fill (AAT_EXCHANGE (a), order, 6, 9.40, 0.0, 0.0, T (3));
  g_assert_cmpstr (s->log->str, ==, "received #1;bought 4@9.50;traded;bought 6@9.40;traded;");
  g_assert_cmpint (aat_order_get_status (order), ==, AAT_ORDER_STATUS_FILLED);
  g_assert_cmpfloat_with_epsilon (aat_order_get_average_price (order), (4 * 9.50 + 6 * 9.40) / 10, 1e-12);
  g_assert_cmpfloat_with_epsilon (aat_strategy_position_size (AAT_STRATEGY (s), aat_order_get_instrument (order)), 10, 1e-12);
}

/* ---- risk ---- */

#define TEST_TYPE_MAX_SIZE (test_max_size_get_type ())
G_DECLARE_FINAL_TYPE (TestMaxSize, test_max_size, TEST, MAX_SIZE, AatRiskPolicy)
struct _TestMaxSize { AatRiskPolicy parent_instance; };
G_DEFINE_FINAL_TYPE (TestMaxSize, test_max_size, AAT_TYPE_RISK_POLICY)

static gboolean
max_size_check (AatRiskPolicy *p, AatEngine *e, AatStrategy *s, AatOrder *o, char **reason)
{
  if (aat_order_get_volume (o) > 1)
    {
      *reason = g_strdup_printf ("volume %g is above the maximum of 1", aat_order_get_volume (o));
      return FALSE;
    }
  return TRUE;
}

static void test_max_size_class_init (TestMaxSizeClass *k) { AAT_RISK_POLICY_CLASS (k)->check = max_size_check; }
static void test_max_size_init (TestMaxSize *self) { }

static void
test_risk_rejects (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestFeed) a = feed_new ("ex-a", feed_a, G_N_ELEMENTS (feed_a));
  g_autoptr (TestRec) s = g_object_new (TEST_TYPE_REC, NULL);
  g_autoptr (AatRiskPolicy) risk = g_object_new (TEST_TYPE_MAX_SIZE, NULL);

  s->script = script_buy_sell;
  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  aat_engine_add_strategy (engine, AAT_STRATEGY (s));
  aat_engine_add_risk_policy (engine, risk);
  g_assert_true (aat_engine_run (engine, NULL));
  g_assert_cmpstr (s->log->str, ==,
                   "start;trade AAA 1 10.00;rejected #1 (risk: volume 2 is above the maximum of 1);trade AAA 3 10.10;"
                   "trade AAA 5 10.20;rejected #2 (risk: volume 3 is above the maximum of 1);trade AAA 7 10.30;exit;");
  g_assert_cmpint (aat_order_get_status (s->orders->pdata[0]), ==, AAT_ORDER_STATUS_REJECTED);
}

/* ---- determinism ---- */

static char *
run_log (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestFeed) a = feed_new ("ex-a", feed_a, G_N_ELEMENTS (feed_a));
  g_autoptr (TestFeed) b = feed_new ("ex-b", feed_b, G_N_ELEMENTS (feed_b));
  g_autoptr (TestRec) s = g_object_new (TEST_TYPE_REC, NULL);

  s->script = script_buy_sell;
  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  aat_engine_add_exchange (engine, AAT_EXCHANGE (b));
  aat_engine_add_strategy (engine, AAT_STRATEGY (s));
  g_assert_true (aat_engine_run (engine, NULL));
  return g_strdup_printf ("%s value=%.6f", s->log->str, aat_strategy_value (AAT_STRATEGY (s)));
}

static void
test_determinism (void)
{
  g_autofree char *one = run_log ();
  g_autofree char *two = run_log ();

  g_assert_cmpstr (one, ==, two);
  g_assert_nonnull (strstr (one, "bought"));
}

/* ---- exit routines ---- */

static void
script_rest_and_hold (AatStrategy *s, AatTrade *trade, guint n)
{
  AatInstrument *inst = aat_trade_get_instrument (trade);

  if (n == 1)
    {
      g_ptr_array_add (TEST_REC (s)->orders, aat_order_ref (aat_strategy_buy (s, inst, 1, 0)));      /* fills at 10.10 */
      g_ptr_array_add (TEST_REC (s)->orders, aat_order_ref (aat_strategy_buy (s, inst, 1, 1.00)));   /* never fills */
    }
}

static void
run_exit_routine (AatExitRoutine routine, double expect_size, AatOrderStatus expect_limit)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestFeed) a = feed_new ("ex-a", feed_a, G_N_ELEMENTS (feed_a));
  g_autoptr (TestRec) s = g_object_new (TEST_TYPE_REC, NULL);

  g_object_set (engine, "exit-routine", routine, "cash", 100.0, NULL);
  g_object_set (a, "fill-timing", AAT_FILL_TIMING_IMMEDIATE, NULL);
  s->script = script_rest_and_hold;
  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  aat_engine_add_strategy (engine, AAT_STRATEGY (s));
  g_assert_true (aat_engine_run (engine, NULL));
  g_assert_cmpfloat_with_epsilon (aat_strategy_position_size (AAT_STRATEGY (s), aat_instrument_get ("AAA", 0)), expect_size, 1e-12);
  g_assert_cmpint (aat_order_get_status (s->orders->pdata[1]), ==, expect_limit);
}

static void
test_exit_routines (void)
{
  /* immediate fills: the market buy fills at the current trade 10.00; close-all sells at the last 10.30 */
  run_exit_routine (AAT_EXIT_ROUTINE_NONE, 1, AAT_ORDER_STATUS_OPEN);
  run_exit_routine (AAT_EXIT_ROUTINE_CANCEL_ALL, 1, AAT_ORDER_STATUS_CANCELED);
  run_exit_routine (AAT_EXIT_ROUTINE_CLOSE_ALL, 0, AAT_ORDER_STATUS_CANCELED);
}

/* ---- a failing strategy beside a working one ---- */

static void
test_failing_strategy (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestFeed) a = feed_new ("ex-a", feed_a, G_N_ELEMENTS (feed_a));
  g_autoptr (TestRec) bad = g_object_new (TEST_TYPE_REC, "name", "bad-one", NULL);
  g_autoptr (TestRec) good = g_object_new (TEST_TYPE_REC, "name", "good-one", NULL);
  g_autoptr (GError) error = NULL;

  /* criticals are this test's subject: keep them non-fatal */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  bad->fail = TRUE;
  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  aat_engine_add_strategy (engine, AAT_STRATEGY (bad));
  aat_engine_add_strategy (engine, AAT_STRATEGY (good));
  g_assert_false (aat_engine_run (engine, &error));
  g_assert_error (error, AAT_ENGINE_ERROR, AAT_ENGINE_ERROR_STRATEGY);
  g_assert_nonnull (strstr (error->message, "strategy 'bad-one' failed: strategy bug on trade 1"));
  g_assert_cmpuint (aat_engine_get_failure_count (engine), ==, 4);
  g_assert_cmpuint (bad->errors, ==, 4);
  g_assert_cmpuint (aat_strategy_get_error_count (AAT_STRATEGY (bad)), ==, 4);
  g_assert_cmpuint (good->trades, ==, 4);
  g_assert_cmpuint (good->errors, ==, 0);
}

/* ---- periodic callbacks in engine time ---- */

static void
count_periodic (AatStrategy *s, AatTime now, gpointer data)
{
  GString *log = data;
  g_string_append_printf (log, "%" G_GINT64_FORMAT ";", now / AAT_TIME_SECOND);
}

static void
rec_start_periodic (AatStrategy *s)
{
  aat_strategy_add_periodic (s, 2.0, count_periodic, TEST_REC (s)->log, NULL);
}

static void
test_periodic (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestFeed) a = feed_new ("ex-a", feed_a, G_N_ELEMENTS (feed_a));
  g_autoptr (TestRec) s = g_object_new (TEST_TYPE_REC, NULL);
  AatStrategyClass *klass = AAT_STRATEGY_GET_CLASS (s);
  void (*saved) (AatStrategy *) = klass->on_start;

  klass->on_start = rec_start_periodic;
  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  aat_engine_add_strategy (engine, AAT_STRATEGY (s));
  g_assert_true (aat_engine_run (engine, NULL));
  klass->on_start = saved;
  /* events at 1,3,5,7 s; a 2 s period aligned to 0: due at 2, 4, 6 (called at 3, 5, 7) */
  g_assert_cmpstr (s->log->str, ==, "trade AAA 1 10.00;3;trade AAA 3 10.10;5;trade AAA 5 10.20;7;trade AAA 7 10.30;exit;");
}

/* ---- embedding: run_async on a caller's context, stop from outside ---- */

static void
async_done (GObject *src, GAsyncResult *res, gpointer data)
{
  gboolean *done = data;
  g_assert_true (aat_engine_run_finish (AAT_ENGINE (src), res, NULL));
  *done = TRUE;
}

static void
test_run_async_stop (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (GArray) many = g_array_new (FALSE, FALSE, sizeof (Tick));
  g_autoptr (TestFeed) a = NULL;
  g_autoptr (TestRec) s = g_object_new (TEST_TYPE_REC, NULL);
  gboolean done = FALSE;
  guint iterations = 0;

  for (guint i = 0; i < 100000; i++)
    {
      Tick t = { T (i + 1), "AAA", 10.0, 1 };
      g_array_append_val (many, t);
    }
  a = feed_new ("ex-a", (Tick *) many->data, many->len);
  g_object_set (engine, "batch-size", 1000, NULL);
  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  aat_engine_add_strategy (engine, AAT_STRATEGY (s));
  aat_engine_run_async (engine, NULL, async_done, &done);
  /* each iteration of the host's loop dispatches one batch */
  while (!done)
    {
      g_main_context_iteration (NULL, TRUE);
      if (++iterations == 5)
        aat_engine_stop (engine);
    }
  g_assert_cmpuint (aat_engine_get_event_count (engine), ==, 5000);
  g_assert_true (g_str_has_suffix (s->log->str, "exit;"));
}

/* ---- a slow strategy behind a live source: bounded queue, reported lag ---- */

#define TEST_TYPE_LIVE (test_live_get_type ())
G_DECLARE_FINAL_TYPE (TestLive, test_live, TEST, LIVE, AatExchange)
struct _TestLive { AatExchange parent_instance; };
G_DEFINE_FINAL_TYPE (TestLive, test_live, AAT_TYPE_EXCHANGE)

static GPtrArray *
live_instruments (AatExchange *ex)
{
  GPtrArray *out = g_ptr_array_new ();
  g_ptr_array_add (out, aat_instrument_get ("LIVE", AAT_INSTRUMENT_TYPE_EQUITY));
  return out;
}

static void test_live_class_init (TestLiveClass *k) { AAT_EXCHANGE_CLASS (k)->instruments = live_instruments; }
static void test_live_init (TestLive *self) { }

static void
live_push_trade (AatExchange *ex, AatTime ts)
{
  g_autoptr (AatTrade) trade = aat_trade_new (aat_instrument_get ("LIVE", AAT_INSTRUMENT_TYPE_EQUITY), AAT_SIDE_BUY, 1, 10.0, ts);
  g_autoptr (AatEvent) ev = aat_event_new_trade (trade);
  aat_exchange_push_event (ex, ev);
}

typedef struct { AatExchange *ex; guint seen; } Flood;

static void
script_flood (AatStrategy *s, AatTrade *trade, guint n)
{
  Flood *flood = g_object_get_data (G_OBJECT (s), "flood");

  flood->seen = n;
  if (n != 1)
    return;
  /* while this callback is slow, a burst of 5,000 events arrives */
  for (guint i = 0; i < 5000; i++)
    live_push_trade (flood->ex, T (2 + i));
  g_usleep (20000);
}

static void
test_slow_strategy_bounded (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_SIMULATION);
  g_autoptr (AatExchange) live = g_object_new (TEST_TYPE_LIVE, "name", "live", NULL);
  g_autoptr (TestRec) s = g_object_new (TEST_TYPE_REC, NULL);
  g_autoptr (AatEvent) exit_ev = NULL;
  Flood flood = { live, 0 };
  gboolean done = FALSE;

  s->script = script_flood;
  g_object_set_data (G_OBJECT (s), "flood", &flood);
  aat_engine_set_max_queued_events (engine, 100);
  aat_engine_add_exchange (engine, live);
  aat_engine_add_strategy (engine, AAT_STRATEGY (s));
  aat_engine_run_async (engine, NULL, async_done, &done);
  live_push_trade (live, T (1));
  exit_ev = aat_event_new_message (AAT_EVENT_TYPE_EXIT, T (6000), NULL);
  aat_exchange_push_event (live, exit_ev);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* the queue held at most 100: the first event, then the newest 100 of the burst */
  g_assert_cmpuint (aat_engine_get_dropped_event_count (engine), ==, 4900);
  g_assert_cmpuint (s->trades, ==, 101);
  g_assert_cmpuint (aat_engine_get_event_count (engine), ==, 101);
  /* the newest survive: the last trade seen is the last one pushed */
  g_assert_true (g_str_has_suffix (s->log->str, "trade LIVE 5001 10.00;exit;"));
  /* the queued events waited at least as long as the slow callback */
  g_assert_cmpint (aat_engine_get_max_lag (engine), >=, 20 * 1000 * 1000);
}

/* ---- error paths of a run ---- */

static void
test_error_exchange_start (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestFeed) a = feed_new ("ex-a", feed_a, G_N_ELEMENTS (feed_a));
  g_autoptr (TestRec) s = g_object_new (TEST_TYPE_REC, NULL);
  g_autoptr (GError) error = NULL;

  a->fail_start = TRUE;
  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  aat_engine_add_strategy (engine, AAT_STRATEGY (s));
  g_assert_false (aat_engine_run (engine, &error));
  g_assert_error (error, AAT_ENGINE_ERROR, AAT_ENGINE_ERROR_EXCHANGE);
  g_assert_cmpstr (error->message, ==, "exchange 'ex-a' failed to start: no such file: ticks.csv");
  /* nothing was dispatched, but the strategy still got its exit */
  g_assert_cmpuint (aat_engine_get_event_count (engine), ==, 0);
  g_assert_cmpstr (s->log->str, ==, "exit;");
}

static void
test_error_next_event (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestFeed) a = feed_new ("ex-a", feed_a, G_N_ELEMENTS (feed_a));
  g_autoptr (TestRec) s = g_object_new (TEST_TYPE_REC, NULL);
  g_autoptr (GError) error = NULL;

  a->fail_after = 2;
  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  aat_engine_add_strategy (engine, AAT_STRATEGY (s));
  g_assert_false (aat_engine_run (engine, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "exchange 'ex-a': ticks.csv:4: field 'price': not a number");
  g_assert_cmpuint (aat_engine_get_event_count (engine), ==, 2);
  g_assert_true (g_str_has_suffix (s->log->str, "exit;"));
}

static void
test_error_run_twice (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestFeed) a = feed_new ("ex-a", feed_a, G_N_ELEMENTS (feed_a));
  g_autoptr (GError) error = NULL;

  aat_engine_add_exchange (engine, AAT_EXCHANGE (a));
  g_assert_true (aat_engine_run (engine, NULL));
  g_assert_false (aat_engine_run (engine, &error));
  g_assert_error (error, AAT_ENGINE_ERROR, AAT_ENGINE_ERROR_STATE);
  g_assert_cmpstr (error->message, ==, "an engine runs once; make a new one");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/merge/two-exchanges-two-strategies", test_merge_two_exchanges);
  g_test_add_func ("/engine/orders/market-fills-next-trade", test_market_fills_next_trade);
  g_test_add_func ("/engine/orders/fill-before-ack", test_lifecycle_fill_before_ack);
  g_test_add_func ("/engine/risk/rejects-with-reason", test_risk_rejects);
  g_test_add_func ("/engine/portfolio/buy-sell-flip", test_portfolio_flip);
  g_test_add_func ("/engine/portfolio/futures-like", test_portfolio_futures);
  g_test_add_func ("/engine/determinism", test_determinism);
  g_test_add_func ("/engine/exit-routines", test_exit_routines);
  g_test_add_func ("/engine/failures/strategy-isolated", test_failing_strategy);
  g_test_add_func ("/engine/periodic/engine-time", test_periodic);
  g_test_add_func ("/engine/embed/run-async-stop", test_run_async_stop);
  g_test_add_func ("/engine/live/slow-strategy-bounded-queue", test_slow_strategy_bounded);
  g_test_add_func ("/engine/errors/exchange-fails-to-start", test_error_exchange_start);
  g_test_add_func ("/engine/errors/exchange-data-error", test_error_next_event);
  g_test_add_func ("/engine/errors/run-twice", test_error_run_twice);
  return g_test_run ();
}
