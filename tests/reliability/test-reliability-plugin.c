/* Fixture strategies for the fault tests (issue 9), in a module of their own:
 * - rel-trader: every 10th trade a market order (alternately buy and sell, 1 lot), and
 *   every 50th a limit buy far below the market that rests (an open order to recover);
 * - rel-thrower: fails (g_critical) on every event, as an exception in a binding would;
 * - rel-slow: sleeps `delay-ms` in every callback. */
#include <math.h>
#include <aat.h>

/* ---- rel-trader */
#define REL_TYPE_TRADER (rel_trader_get_type ())
G_DECLARE_FINAL_TYPE (RelTrader, rel_trader, REL, TRADER, AatStrategy)
struct _RelTrader { AatStrategy parent_instance; guint n; gboolean sell; };
G_DEFINE_FINAL_TYPE (RelTrader, rel_trader, AAT_TYPE_STRATEGY)

static void
rel_trader_on_trade (AatStrategy *strategy, AatTrade *trade)
{
  RelTrader *self = REL_TRADER (strategy);
  AatInstrument *inst = aat_trade_get_instrument (trade);

  self->n++;
  if (self->n % 50 == 0)
    aat_strategy_buy (strategy, inst, 1, floor (aat_trade_get_price (trade) * 0.5));
  else if (self->n % 10 == 0)
    {
      if (self->sell)
        aat_strategy_sell (strategy, inst, 1, 0);
      else
        aat_strategy_buy (strategy, inst, 1, 0);
      self->sell = !self->sell;
    }
}

static void rel_trader_class_init (RelTraderClass *klass) { AAT_STRATEGY_CLASS (klass)->on_trade = rel_trader_on_trade; }
static void rel_trader_init (RelTrader *self) { }

/* ---- rel-thrower */
#define REL_TYPE_THROWER (rel_thrower_get_type ())
G_DECLARE_FINAL_TYPE (RelThrower, rel_thrower, REL, THROWER, AatStrategy)
struct _RelThrower { AatStrategy parent_instance; };
G_DEFINE_FINAL_TYPE (RelThrower, rel_thrower, AAT_TYPE_STRATEGY)

static void
rel_thrower_on_trade (AatStrategy *strategy, AatTrade *trade)
{
  g_critical ("rel-thrower throws on every event");
}

static void rel_thrower_class_init (RelThrowerClass *klass) { AAT_STRATEGY_CLASS (klass)->on_trade = rel_thrower_on_trade; }
static void rel_thrower_init (RelThrower *self) { }

/* ---- rel-slow */
#define REL_TYPE_SLOW (rel_slow_get_type ())
G_DECLARE_FINAL_TYPE (RelSlow, rel_slow, REL, SLOW, AatStrategy)
struct _RelSlow { AatStrategy parent_instance; guint delay_ms; };
G_DEFINE_FINAL_TYPE (RelSlow, rel_slow, AAT_TYPE_STRATEGY)

static void
rel_slow_on_trade (AatStrategy *strategy, AatTrade *trade)
{
  g_usleep (REL_SLOW (strategy)->delay_ms * 1000);
}

static void
rel_slow_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  g_value_set_uint (value, REL_SLOW (object)->delay_ms);
}

static void
rel_slow_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  REL_SLOW (object)->delay_ms = g_value_get_uint (value);
}

static void
rel_slow_class_init (RelSlowClass *klass)
{
  G_OBJECT_CLASS (klass)->get_property = rel_slow_get_property;
  G_OBJECT_CLASS (klass)->set_property = rel_slow_set_property;
  AAT_STRATEGY_CLASS (klass)->on_trade = rel_slow_on_trade;
  g_object_class_install_property (G_OBJECT_CLASS (klass), 1,
    g_param_spec_uint ("delay-ms", NULL, "Milliseconds per callback", 0, 10000, 1,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void rel_slow_init (RelSlow *self) { self->delay_ms = 1; }

static gboolean
rel_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "rel-trader",
                              "Trades every 10th trade, rests a limit every 50th", REL_TYPE_TRADER, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "rel-thrower",
                              "Fails on every event", REL_TYPE_THROWER, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "rel-slow",
                              "Sleeps in every callback", REL_TYPE_SLOW, error);
}

AAT_MODULE_DEFINE ("test-reliability", "Fixtures for the fault tests (issue 9)", "1.0", rel_init);
