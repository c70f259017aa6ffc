/* test-risk.c: controls. Each limit of the `limits` risk policy (its trigger and the
 * reason on_rejected gets), the loss limits that halt, cancel and flatten a strategy,
 * the engine's manual controls (halt/resume, cancel-all, close-all, kill), and the
 * `twap` execution policy (slicing, routing of child fills to the owner, cancel).
 *
 * The policies' sources are compiled in without their module descriptors. The market is
 * an in-memory feed of trades, one per second; the exchange base class's simulated
 * broker fills market orders at the next trade. */
#include "aat.h"
#include "aat-private.h"

#include <math.h>
#include <string.h>

GType aat_test_risk_limits_get_type (void);
GType aat_test_twap_get_type (void);

#define T(s) ((AatTime) (s) * AAT_TIME_SECOND)

/* ---- a feed of trades: prices[i] at second i + 1 ---- */

#define TEST_TYPE_TICKS (test_ticks_get_type ())
G_DECLARE_FINAL_TYPE (TestTicks, test_ticks, TEST, TICKS, AatExchange)
struct _TestTicks
{
  AatExchange parent_instance;
  GArray *prices;          /* double */
  GPtrArray *symbols;      /* instrument of each tick, cycling */
  guint pos;
  AatEvent *event;
};
G_DEFINE_FINAL_TYPE (TestTicks, test_ticks, AAT_TYPE_EXCHANGE)

static GPtrArray *
ticks_instruments (AatExchange *ex)
{
  TestTicks *self = TEST_TICKS (ex);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->symbols->len; i++)
    g_ptr_array_add (out, aat_instrument_get (self->symbols->pdata[i], AAT_INSTRUMENT_TYPE_EQUITY));
  return out;
}

static AatEvent *
ticks_next (AatExchange *ex, GError **error)
{
  TestTicks *self = TEST_TICKS (ex);
  g_autoptr (AatTrade) trade = NULL;
  AatInstrument *inst;

  if (self->pos >= self->prices->len)
    return NULL;
  inst = aat_instrument_get (self->symbols->pdata[self->pos % self->symbols->len], AAT_INSTRUMENT_TYPE_EQUITY);
  trade = aat_trade_new (inst, AAT_SIDE_BUY, 1000, g_array_index (self->prices, double, self->pos), T (self->pos + 1));
  aat_trade_set_exchange (trade, aat_exchange_get_exchange_type (ex));
  self->pos++;
  g_clear_pointer (&self->event, aat_event_unref);
  self->event = aat_event_new_trade (trade);
  return self->event;
}

static void
test_ticks_finalize (GObject *object)
{
  TestTicks *self = TEST_TICKS (object);

  g_array_unref (self->prices);
  g_ptr_array_unref (self->symbols);
  g_clear_pointer (&self->event, aat_event_unref);
  G_OBJECT_CLASS (test_ticks_parent_class)->finalize (object);
}

static void
test_ticks_class_init (TestTicksClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_ticks_finalize;
  AAT_EXCHANGE_CLASS (klass)->instruments = ticks_instruments;
  AAT_EXCHANGE_CLASS (klass)->next_event = ticks_next;
}

static void
test_ticks_init (TestTicks *self)
{
  self->prices = g_array_new (FALSE, FALSE, sizeof (double));
  self->symbols = g_ptr_array_new ();
}

/* n ticks starting at @start, moving by @step each */
static TestTicks *
ticks_new (guint n, double start, double step, const char *sym1, const char *sym2)
{
  TestTicks *self = g_object_new (TEST_TYPE_TICKS, "name", "ticks", NULL);

  for (guint i = 0; i < n; i++)
    {
      double p = start + step * i;
      g_array_append_val (self->prices, p);
    }
  g_ptr_array_add (self->symbols, (gpointer) sym1);
  if (sym2 != NULL)
    g_ptr_array_add (self->symbols, (gpointer) sym2);
  return self;
}

/* ---- a scripted strategy that records what happens to it ---- */

typedef void (*Script) (AatStrategy *s, AatTrade *trade, guint n);

#define TEST_TYPE_BOT (test_bot_get_type ())
G_DECLARE_FINAL_TYPE (TestBot, test_bot, TEST, BOT, AatStrategy)
struct _TestBot
{
  AatStrategy parent_instance;
  Script script;
  guint trades;
  GPtrArray *rejections;   /* char* */
  GPtrArray *orders;       /* AatOrder* placed by the script */
  guint halts, continues, received, canceled;
  double bought, sold;
};
G_DEFINE_FINAL_TYPE (TestBot, test_bot, AAT_TYPE_STRATEGY)

static void
bot_trade (AatStrategy *s, AatTrade *trade)
{
  TestBot *self = TEST_BOT (s);

  self->trades++;
  if (self->script != NULL)
    self->script (s, trade, self->trades);
}

static void bot_rejected (AatStrategy *s, AatOrder *o, const char *reason) { g_ptr_array_add (TEST_BOT (s)->rejections, g_strdup (reason)); }
static void bot_halt (AatStrategy *s) { TEST_BOT (s)->halts++; }
static void bot_continue (AatStrategy *s) { TEST_BOT (s)->continues++; }
static void bot_received (AatStrategy *s, AatOrder *o) { TEST_BOT (s)->received++; }
static void bot_canceled (AatStrategy *s, AatOrder *o) { TEST_BOT (s)->canceled++; }
static void bot_bought (AatStrategy *s, AatTrade *t) { TEST_BOT (s)->bought += aat_trade_get_volume (t); }
static void bot_sold (AatStrategy *s, AatTrade *t) { TEST_BOT (s)->sold += aat_trade_get_volume (t); }

static void
test_bot_finalize (GObject *object)
{
  TestBot *self = TEST_BOT (object);

  g_ptr_array_unref (self->rejections);
  g_ptr_array_unref (self->orders);
  G_OBJECT_CLASS (test_bot_parent_class)->finalize (object);
}

static void
test_bot_class_init (TestBotClass *klass)
{
  AatStrategyClass *sc = AAT_STRATEGY_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_bot_finalize;
  sc->on_trade = bot_trade;
  sc->on_rejected = bot_rejected;
  sc->on_halt = bot_halt;
  sc->on_continue = bot_continue;
  sc->on_received = bot_received;
  sc->on_canceled = bot_canceled;
  sc->on_bought = bot_bought;
  sc->on_sold = bot_sold;
}

static void
test_bot_init (TestBot *self)
{
  self->rejections = g_ptr_array_new_with_free_func (g_free);
  self->orders = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref);
}

static void
bot_keep (AatStrategy *s, AatOrder *order)
{
  /* aat_strategy_buy() returns (transfer none) */
  g_ptr_array_add (TEST_BOT (s)->orders, order != NULL ? aat_order_ref (order) : NULL);
}

/* ---- a run ---- */

typedef struct {
  AatEngine *engine;
  TestTicks *feed;
  TestBot *bot;
  AatRiskPolicy *policy;
} Run;

static void
run_clear (Run *r)
{
  g_clear_object (&r->engine);
  g_clear_object (&r->feed);
  g_clear_object (&r->bot);
  g_clear_object (&r->policy);
}

/* Runs @script over @feed with a `limits` policy set from the NULL-terminated pairs. */
static void
run_with_limits (Run *r, TestTicks *feed, Script script, const char *first_property, ...)
{
  va_list args;
  g_autoptr (GError) error = NULL;

  r->engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  r->feed = feed;
  r->bot = g_object_new (TEST_TYPE_BOT, "name", "bot", NULL);
  r->bot->script = script;
  va_start (args, first_property);
  r->policy = AAT_RISK_POLICY (g_object_new_valist (aat_test_risk_limits_get_type (), first_property, args));
  va_end (args);
  aat_engine_add_exchange (r->engine, AAT_EXCHANGE (r->feed));
  aat_engine_add_strategy (r->engine, AAT_STRATEGY (r->bot));
  aat_engine_add_risk_policy (r->engine, r->policy);
  g_assert_true (aat_engine_run (r->engine, &error));
  g_assert_no_error (error);
}

static void
assert_rejected (TestBot *bot, guint index, const char *expected)
{
  g_assert_cmpuint (bot->rejections->len, >, index);
  g_assert_cmpstr (bot->rejections->pdata[index], ==, expected);
}

#define INST(name) aat_instrument_get ((name), AAT_INSTRUMENT_TYPE_EQUITY)

/* ---- each limit ---- */

static void
script_buy_10_once (AatStrategy *s, AatTrade *t, guint n)
{
  if (n == 1)
    bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 10, 0));
}

static void
test_max_order_size (void)
{
  Run r = { 0 };

  run_with_limits (&r, ticks_new (5, 100, 0, "RSK", NULL), script_buy_10_once, "max-order-size", 5.0, NULL);
  assert_rejected (r.bot, 0, "risk: max-order-size: 10 exceeds the limit of 5");
  g_assert_cmpint (aat_order_get_status (r.bot->orders->pdata[0]), ==, AAT_ORDER_STATUS_REJECTED);
  g_assert_cmpfloat (r.bot->bought, ==, 0);
  run_clear (&r);
}

static void
test_max_order_size_clip (void)
{
  Run r = { 0 };

  run_with_limits (&r, ticks_new (5, 100, 0, "RSK", NULL), script_buy_10_once,
                   "max-order-size", 4.0, "clip-order-size", TRUE, NULL);
  /* changed, not refused */
  g_assert_cmpuint (r.bot->rejections->len, ==, 0);
  g_assert_cmpfloat (aat_order_get_volume (r.bot->orders->pdata[0]), ==, 4);
  g_assert_cmpfloat (r.bot->bought, ==, 4);
  run_clear (&r);
}

static void
script_buy_3_each (AatStrategy *s, AatTrade *t, guint n)
{
  bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 3, 0));
}

static void
test_max_position (void)
{
  Run r = { 0 };

  run_with_limits (&r, ticks_new (4, 100, 0, "RSK", NULL), script_buy_3_each, "max-position", 5.0, NULL);
  /* t1: buy 3 (working); t2: 3 filled + 3 = 6 > 5 */
  assert_rejected (r.bot, 0, "risk: max-position: RSK would reach 6 (limit 5)");
  g_assert_cmpfloat (aat_strategy_position_size (AAT_STRATEGY (r.bot), INST ("RSK")), <=, 5);
  run_clear (&r);
}

static void
test_max_total_position (void)
{
  Run r = { 0 };

  /* ticks alternate RSK, RSL; each buys 3; a total of 7 is allowed */
  run_with_limits (&r, ticks_new (4, 100, 0, "RSK", "RSL"), script_buy_3_each, "max-total-position", 7.0, NULL);
  assert_rejected (r.bot, 0, "risk: max-total-position: the total position would reach 9 (limit 7)");
  run_clear (&r);
}

static void
test_max_notional (void)
{
  Run r = { 0 };

  /* 10 × 100 = 1000 > 999.99: the market order is valued at the last trade */
  run_with_limits (&r, ticks_new (3, 100, 0, "RSK", NULL), script_buy_10_once, "max-notional", 999.99, NULL);
  assert_rejected (r.bot, 0, "risk: max-notional: 1000.00 exceeds the limit of 999.99");
  run_clear (&r);
}

static void
test_max_gross_exposure (void)
{
  Run r = { 0 };

  /* 3 × 100 = 300 allowed, then 6 × 100 = 600 > 500 */
  run_with_limits (&r, ticks_new (3, 100, 0, "RSK", NULL), script_buy_3_each, "max-gross-exposure", 500.0, NULL);
  assert_rejected (r.bot, 0, "risk: max-gross-exposure: gross exposure would reach 600.00 (limit 500.00)");
  run_clear (&r);
}

static void
script_rest_far (AatStrategy *s, AatTrade *t, guint n)
{
  /* bids far below the market: they rest */
  bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 1, 50));
}

static void
test_max_open_orders (void)
{
  Run r = { 0 };

  run_with_limits (&r, ticks_new (4, 100, 0, "RSK", NULL), script_rest_far, "max-open-orders", 2u, NULL);
  assert_rejected (r.bot, 0, "risk: max-open-orders: 2 orders are working (limit 2)");
  g_assert_cmpuint (r.bot->rejections->len, ==, 2);
  run_clear (&r);
}

static void
script_burst (AatStrategy *s, AatTrade *t, guint n)
{
  /* 3 orders per second of engine time */
  for (guint i = 0; i < 3; i++)
    bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 1, 50));
}

static void
test_max_order_rate (void)
{
  Run r = { 0 };

  run_with_limits (&r, ticks_new (3, 100, 0, "RSK", NULL), script_burst, "max-order-rate", 2u, NULL);
  /* the third of each second is refused; a second later the window has moved on */
  assert_rejected (r.bot, 0, "risk: max-order-rate: 2 orders in the last second of engine time (limit 2/s)");
  g_assert_cmpuint (r.bot->rejections->len, ==, 3);
  g_assert_cmpint (aat_order_get_status (r.bot->orders->pdata[2]), ==, AAT_ORDER_STATUS_REJECTED);
  g_assert_cmpint (aat_order_get_status (r.bot->orders->pdata[3]), !=, AAT_ORDER_STATUS_REJECTED);
  run_clear (&r);
}

static void
script_fat_finger (AatStrategy *s, AatTrade *t, guint n)
{
  if (n == 2)
    {
      bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 1, 104));   /* inside ±5 % */
      bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 1, 1000));  /* a typo */
    }
}

static void
test_price_band (void)
{
  Run r = { 0 };

  run_with_limits (&r, ticks_new (3, 100, 0, "RSK", NULL), script_fat_finger, "price-band", 5.0, NULL);
  g_assert_cmpuint (r.bot->rejections->len, ==, 1);
  assert_rejected (r.bot, 0, "risk: price-band: price 1000 is 900.00% from the last trade 100 (band 5%)");
  run_clear (&r);
}

/* ---- loss limits: halt, cancel, flatten ---- */

static void
script_buy_then_rest (AatStrategy *s, AatTrade *t, guint n)
{
  if (n == 1)
    bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 10, 0));
  else if (n == 2)
    bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 1, 1));   /* rests */
  else if (n > 3)
    bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 1, 0));
}

static void
test_max_drawdown_halts_and_flattens (void)
{
  Run r = { 0 };
  guint trips = 0;
  g_autoptr (GPtrArray) open = NULL;

  /* bought 10 at 99 (the fill is at the second trade), then the price falls a dollar a
   * second: the drawdown passes 25 on the order of t=5 (10 × (99 − 96) = 30) */
  run_with_limits (&r, ticks_new (10, 100, -1, "RSK", NULL), script_buy_then_rest,
                   "max-drawdown", 25.0, "flatten-on-loss", TRUE, NULL);
  g_assert_true (aat_strategy_is_halted (AAT_STRATEGY (r.bot)));
  g_assert_cmpuint (r.bot->halts, ==, 1);
  g_assert_cmpuint (r.bot->rejections->len, >=, 1);
  g_assert_true (g_str_has_prefix (r.bot->rejections->pdata[0], "risk: max-drawdown: "));
  g_assert_nonnull (strstr (r.bot->rejections->pdata[0], "(limit 25.00)"));
  /* later orders: refused by the engine because the strategy is halted */
  assert_rejected (r.bot, r.bot->rejections->len - 1, "halted: the strategy is halted");
  /* the resting bid was cancelled and the position closed */
  g_assert_cmpuint (r.bot->canceled, ==, 1);
  g_assert_cmpfloat (aat_strategy_position_size (AAT_STRATEGY (r.bot), INST ("RSK")), ==, 0);
  g_assert_cmpfloat (r.bot->sold, ==, 10);
  open = aat_engine_get_orders (r.engine, AAT_STRATEGY (r.bot), TRUE);
  g_assert_cmpuint (open->len, ==, 0);
  g_object_get (r.policy, "trips", &trips, NULL);
  g_assert_cmpuint (trips, ==, 1);
  run_clear (&r);
}

static void
test_max_daily_loss_halts (void)
{
  Run r = { 0 };

  run_with_limits (&r, ticks_new (10, 100, -1, "RSK", NULL), script_buy_then_rest, "max-daily-loss", 15.0, NULL);
  g_assert_true (aat_strategy_is_halted (AAT_STRATEGY (r.bot)));
  g_assert_true (g_str_has_prefix (r.bot->rejections->pdata[0], "risk: max-daily-loss: lost "));
  g_assert_nonnull (strstr (r.bot->rejections->pdata[0], "today (limit 15.00)"));
  /* without flatten-on-loss the position stays */
  g_assert_cmpfloat (aat_strategy_position_size (AAT_STRATEGY (r.bot), INST ("RSK")), ==, 10);
  run_clear (&r);
}

/* ---- manual controls ---- */

static AatEngine *control_engine;

static void
script_controls (AatStrategy *s, AatTrade *t, guint n)
{
  AatInstrument *inst = aat_trade_get_instrument (t);

  switch (n)
    {
    case 1:
      bot_keep (s, aat_strategy_buy (s, inst, 2, 0));      /* fills at t2 */
      bot_keep (s, aat_strategy_buy (s, inst, 1, 1));      /* rests */
      break;
    case 2:
      aat_engine_halt_strategy (control_engine, s, "by the test");
      bot_keep (s, aat_strategy_buy (s, inst, 1, 0));      /* refused: halted */
      break;
    case 3:
      aat_engine_resume_strategy (control_engine, s);
      bot_keep (s, aat_strategy_buy (s, inst, 1, 0));      /* fills at t4 */
      break;
    case 5:
      g_assert_cmpuint (aat_engine_cancel_all (control_engine, s, NULL), ==, 1);
      break;
    case 6:
      g_assert_cmpfloat (aat_strategy_position_size (s, inst), ==, 3);
      g_assert_cmpuint (aat_engine_close_all (control_engine, s, NULL), ==, 1);   /* fills at t7 */
      break;
    case 8:
      bot_keep (s, aat_strategy_buy (s, inst, 1, 1));      /* rests */
      aat_engine_kill (control_engine, "by the test");
      bot_keep (s, aat_strategy_buy (s, inst, 1, 0));      /* refused: killed */
      break;
    default:
      break;
    }
}

static void
test_manual_controls (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (TestTicks) feed = ticks_new (20, 100, 0, "CTL", NULL);
  g_autoptr (TestBot) bot = g_object_new (TEST_TYPE_BOT, "name", "bot", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) open = NULL;
  TestBot *b = bot;

  control_engine = engine;
  bot->script = script_controls;
  aat_engine_add_exchange (engine, AAT_EXCHANGE (feed));
  aat_engine_add_strategy (engine, AAT_STRATEGY (bot));
  g_assert_true (aat_engine_run (engine, &error));
  g_assert_no_error (error);

  /* halt: on_halt, and the order placed while halted is refused */
  g_assert_cmpuint (b->halts, ==, 1);
  g_assert_cmpint (aat_order_get_status (b->orders->pdata[2]), ==, AAT_ORDER_STATUS_REJECTED);
  assert_rejected (b, 0, "halted: the strategy is halted");
  /* resume: on_continue, and trading goes on */
  g_assert_cmpuint (b->continues, ==, 1);
  g_assert_cmpint (aat_order_get_status (b->orders->pdata[3]), ==, AAT_ORDER_STATUS_FILLED);
  /* cancel-all cancelled the resting bid */
  g_assert_cmpint (aat_order_get_status (b->orders->pdata[1]), ==, AAT_ORDER_STATUS_CANCELED);
  /* close-all sold the 3 */
  g_assert_cmpfloat (b->sold, ==, 3);
  /* the kill switch: the run stopped at t8, the resting order was cancelled, the next refused */
  g_assert_cmpint (aat_engine_now (engine), ==, T (8));
  g_assert_cmpint (aat_order_get_status (b->orders->pdata[4]), ==, AAT_ORDER_STATUS_CANCELED);
  assert_rejected (b, 1, "halted: the engine's kill switch is on");
  open = aat_engine_get_orders (engine, NULL, TRUE);
  g_assert_cmpuint (open->len, ==, 0);
  g_assert_false (aat_engine_is_running (engine));
  control_engine = NULL;
}

/* ---- TWAP ---- */

static void
script_buy_10_twap (AatStrategy *s, AatTrade *t, guint n)
{
  if (n == 1)
    bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 10, 0));
}

static AatEngine *
twap_engine (TestTicks *feed, TestBot *bot, guint slices, double duration, AatExecutionPolicy **out)
{
  AatEngine *engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  AatExecutionPolicy *twap = g_object_new (aat_test_twap_get_type (), "slices", slices, "duration", duration, NULL);

  aat_engine_add_exchange (engine, AAT_EXCHANGE (feed));
  aat_engine_add_strategy (engine, AAT_STRATEGY (bot));
  aat_engine_set_execution_policy (engine, twap);
  *out = twap;
  return engine;
}

static void
test_twap_slices (void)
{
  g_autoptr (TestTicks) feed = ticks_new (20, 100, 1, "TWP", NULL);
  g_autoptr (TestBot) bot = g_object_new (TEST_TYPE_BOT, "name", "bot", NULL);
  g_autoptr (AatExecutionPolicy) twap = NULL;
  g_autoptr (AatEngine) engine = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) trades = NULL;
  g_autoptr (GPtrArray) orders = NULL;
  AatOrder *parent;
  guint children = 0;
  double value = 0;

  bot->script = script_buy_10_twap;
  engine = twap_engine (feed, bot, 5, 10.0, &twap);
  g_assert_true (aat_engine_run (engine, &error));
  g_assert_no_error (error);

  /* 5 children of 2, one every 2 s of engine time from t=1: sent at 1 (from the
   * strategy's callback, so filled by the next trade, at 2), then at 3, 5, 7, 9 from
   * on_time, which runs before the broker sees the trade of that time */
  g_object_get (twap, "children", &children, NULL);
  g_assert_cmpuint (children, ==, 5);
  trades = aat_engine_get_trades (engine, AAT_STRATEGY (bot));
  g_assert_cmpuint (trades->len, ==, 5);
  for (guint i = 0; i < trades->len; i++)
    {
      AatTrade *t = trades->pdata[i];
      g_assert_cmpfloat (aat_trade_get_volume (t), ==, 2);
      g_assert_cmpint (aat_trade_get_timestamp (t), ==, i == 0 ? T (2) : T (1 + 2 * i));
      value += aat_trade_get_price (t) * 2;
    }
  /* the owner got the fills, its position moved */
  g_assert_cmpfloat (bot->bought, ==, 10);
  g_assert_cmpfloat (aat_strategy_position_size (AAT_STRATEGY (bot), INST ("TWP")), ==, 10);
  /* the parent adds its children up */
  parent = bot->orders->pdata[0];
  g_assert_cmpint (aat_order_get_status (parent), ==, AAT_ORDER_STATUS_FILLED);
  g_assert_cmpfloat (aat_order_get_filled (parent), ==, 10);
  g_assert_cmpfloat_with_epsilon (aat_order_get_average_price (parent), value / 10, 1e-9);
  /* the children are the owner's orders, with their own ids */
  orders = aat_engine_get_orders (engine, AAT_STRATEGY (bot), FALSE);
  g_assert_cmpuint (orders->len, ==, 6);
  for (guint i = 1; i < orders->len; i++)
    g_assert_true (aat_order_get_strategy (orders->pdata[i]) == AAT_STRATEGY (bot));
}

static void
script_twap_cancel (AatStrategy *s, AatTrade *t, guint n)
{
  if (n == 1)
    bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 10, 0));
  else if (n == 4)
    g_assert_true (aat_strategy_cancel_order (s, TEST_BOT (s)->orders->pdata[0]));
}

static void
test_twap_cancel (void)
{
  g_autoptr (TestTicks) feed = ticks_new (20, 100, 0, "TWQ", NULL);
  g_autoptr (TestBot) bot = g_object_new (TEST_TYPE_BOT, "name", "bot", NULL);
  g_autoptr (AatExecutionPolicy) twap = NULL;
  g_autoptr (AatEngine) engine = NULL;
  g_autoptr (GError) error = NULL;
  AatOrder *parent;
  guint children = 0;

  bot->script = script_twap_cancel;
  engine = twap_engine (feed, bot, 5, 10.0, &twap);
  g_assert_true (aat_engine_run (engine, &error));
  g_assert_no_error (error);
  parent = bot->orders->pdata[0];
  /* slices at 1 and 3 went out and filled; the cancel at 4 stopped the rest */
  g_object_get (twap, "children", &children, NULL);
  g_assert_cmpuint (children, ==, 2);
  g_assert_cmpint (aat_order_get_status (parent), ==, AAT_ORDER_STATUS_CANCELED);
  g_assert_cmpfloat (aat_order_get_filled (parent), ==, 4);
  g_assert_cmpfloat (bot->bought, ==, 4);
  g_assert_cmpuint (bot->canceled, ==, 1);
  g_assert_cmpuint (bot->rejections->len, ==, 0);
}

static void
script_twap_halt (AatStrategy *s, AatTrade *t, guint n)
{
  if (n == 1)
    bot_keep (s, aat_strategy_buy (s, aat_trade_get_instrument (t), 10, 0));
  else if (n == 4)
    aat_engine_halt_strategy (aat_strategy_get_engine (s), s, "test");
}

static void
test_twap_stops_when_halted (void)
{
  g_autoptr (TestTicks) feed = ticks_new (20, 100, 0, "TWR", NULL);
  g_autoptr (TestBot) bot = g_object_new (TEST_TYPE_BOT, "name", "bot", NULL);
  g_autoptr (AatExecutionPolicy) twap = NULL;
  g_autoptr (AatEngine) engine = NULL;
  g_autoptr (GError) error = NULL;
  guint children = 0;

  bot->script = script_twap_halt;
  engine = twap_engine (feed, bot, 5, 10.0, &twap);
  g_assert_true (aat_engine_run (engine, &error));
  g_object_get (twap, "children", &children, NULL);
  g_assert_cmpuint (children, ==, 2);
  g_assert_cmpint (aat_order_get_status (bot->orders->pdata[0]), ==, AAT_ORDER_STATUS_CANCELED);
  g_assert_cmpfloat (bot->bought, ==, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* the policies log a message when they halt a strategy */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_FATAL_MASK);

  g_test_add_func ("/risk/limits/max-order-size", test_max_order_size);
  g_test_add_func ("/risk/limits/max-order-size/clip", test_max_order_size_clip);
  g_test_add_func ("/risk/limits/max-position", test_max_position);
  g_test_add_func ("/risk/limits/max-total-position", test_max_total_position);
  g_test_add_func ("/risk/limits/max-notional", test_max_notional);
  g_test_add_func ("/risk/limits/max-gross-exposure", test_max_gross_exposure);
  g_test_add_func ("/risk/limits/max-open-orders", test_max_open_orders);
  g_test_add_func ("/risk/limits/max-order-rate", test_max_order_rate);
  g_test_add_func ("/risk/limits/price-band", test_price_band);
  g_test_add_func ("/risk/loss/max-drawdown-halts-cancels-flattens", test_max_drawdown_halts_and_flattens);
  g_test_add_func ("/risk/loss/max-daily-loss-halts", test_max_daily_loss_halts);
  g_test_add_func ("/controls/halt-resume-cancel-close-kill", test_manual_controls);
  g_test_add_func ("/execution/twap/slices-and-routes-fills", test_twap_slices);
  g_test_add_func ("/execution/twap/cancel-parent", test_twap_cancel);
  g_test_add_func ("/execution/twap/stops-when-halted", test_twap_stops_when_halted);
  return g_test_run ();
}
