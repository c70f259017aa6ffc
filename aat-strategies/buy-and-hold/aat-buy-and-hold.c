/* aat-buy-and-hold.c: `buy-and-hold`, the original aat example strategy.
 *
 * On the first trade or bar of each instrument it sees (or only of the instrument named
 * by #AatBuyAndHold:symbol), it buys #AatBuyAndHold:volume at market and holds. On exit it
 * reports each position and the strategy's P&L with g_message().
 */
#include <aat.h>

#define AAT_TYPE_BUY_AND_HOLD (aat_buy_and_hold_get_type ())
G_DECLARE_FINAL_TYPE (AatBuyAndHold, aat_buy_and_hold, AAT, BUY_AND_HOLD, AatStrategy)

struct _AatBuyAndHold
{
  AatStrategy parent_instance;
  char *symbol;
  double volume;
  GHashTable *seen;         /* AatInstrument* set: instruments already bought */
  guint orders;
  guint fills;
};

G_DEFINE_FINAL_TYPE (AatBuyAndHold, aat_buy_and_hold, AAT_TYPE_STRATEGY)

enum {
  PROP_0,
  PROP_SYMBOL,
  PROP_VOLUME,
  PROP_ORDERS,
  PROP_FILLS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
buy_once (AatBuyAndHold *self, AatInstrument *instrument)
{
  AatOrder *order;

  if (g_hash_table_contains (self->seen, instrument))
    return;
  if (self->symbol != NULL && self->symbol[0] != '\0' &&
      g_strcmp0 (aat_instrument_get_name (instrument), self->symbol) != 0)
    return;
  g_hash_table_add (self->seen, instrument);
  order = aat_strategy_buy (AAT_STRATEGY (self), instrument, self->volume, 0.0);
  if (order != NULL)
    self->orders++;
}

static void
aat_buy_and_hold_on_trade (AatStrategy *strategy, AatTrade *trade)
{
  buy_once (AAT_BUY_AND_HOLD (strategy), aat_trade_get_instrument (trade));
}

static void
aat_buy_and_hold_on_bar (AatStrategy *strategy, AatBar *bar)
{
  buy_once (AAT_BUY_AND_HOLD (strategy), aat_bar_get_instrument (bar));
}

static void
aat_buy_and_hold_on_bought (AatStrategy *strategy, AatTrade *trade)
{
  AatBuyAndHold *self = AAT_BUY_AND_HOLD (strategy);

  self->fills++;
  g_debug ("%s: bought %g %s @ %g", aat_strategy_get_name (strategy), aat_trade_get_volume (trade),
           aat_instrument_get_name (aat_trade_get_instrument (trade)), aat_trade_get_price (trade));
}

static void
aat_buy_and_hold_on_rejected (AatStrategy *strategy, AatOrder *order, const char *reason)
{
  g_message ("%s: order rejected: %s", aat_strategy_get_name (strategy), reason);
}

static void
aat_buy_and_hold_on_exit (AatStrategy *strategy)
{
  AatEngine *engine = aat_strategy_get_engine (strategy);
  AatPortfolio *portfolio = engine != NULL ? aat_engine_get_portfolio (engine) : NULL;
  g_autoptr (GPtrArray) positions = aat_strategy_positions (strategy);

  for (guint i = 0; positions != NULL && i < positions->len; i++)
    {
      AatPosition *p = positions->pdata[i];
      g_message ("%s: %s position %g @ %g, last %g, realized %.2f, unrealized %.2f",
                 aat_strategy_get_name (strategy), aat_instrument_get_name (aat_position_get_instrument (p)),
                 aat_position_get_size (p), aat_position_get_average_price (p), aat_position_get_last_price (p),
                 aat_position_get_realized_pnl (p), aat_position_get_unrealized_pnl (p));
    }
  if (portfolio != NULL)
    g_message ("%s: cash %.2f, value %.2f, P&L realized %.2f unrealized %.2f",
               aat_strategy_get_name (strategy), aat_strategy_cash (strategy), aat_strategy_value (strategy),
               aat_portfolio_get_realized_pnl (portfolio, strategy),
               aat_portfolio_get_unrealized_pnl (portfolio, strategy));
}

static void
aat_buy_and_hold_finalize (GObject *object)
{
  AatBuyAndHold *self = AAT_BUY_AND_HOLD (object);

  g_free (self->symbol);
  g_hash_table_unref (self->seen);
  G_OBJECT_CLASS (aat_buy_and_hold_parent_class)->finalize (object);
}

static void
aat_buy_and_hold_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatBuyAndHold *self = AAT_BUY_AND_HOLD (object);

  switch (prop_id)
    {
    case PROP_SYMBOL: g_value_set_string (value, self->symbol); break;
    case PROP_VOLUME: g_value_set_double (value, self->volume); break;
    case PROP_ORDERS: g_value_set_uint (value, self->orders); break;
    case PROP_FILLS: g_value_set_uint (value, self->fills); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_buy_and_hold_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatBuyAndHold *self = AAT_BUY_AND_HOLD (object);

  switch (prop_id)
    {
    case PROP_SYMBOL:
      g_free (self->symbol);
      self->symbol = g_value_dup_string (value);
      break;
    case PROP_VOLUME: self->volume = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_buy_and_hold_class_init (AatBuyAndHoldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatStrategyClass *strategy_class = AAT_STRATEGY_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = aat_buy_and_hold_finalize;
  object_class->get_property = aat_buy_and_hold_get_property;
  object_class->set_property = aat_buy_and_hold_set_property;
  strategy_class->on_trade = aat_buy_and_hold_on_trade;
  strategy_class->on_bar = aat_buy_and_hold_on_bar;
  strategy_class->on_bought = aat_buy_and_hold_on_bought;
  strategy_class->on_rejected = aat_buy_and_hold_on_rejected;
  strategy_class->on_exit = aat_buy_and_hold_on_exit;

  properties[PROP_SYMBOL] =
    g_param_spec_string ("symbol", NULL, "Only buy this instrument (default: every instrument seen)", NULL, rw);
  properties[PROP_VOLUME] =
    g_param_spec_double ("volume", NULL, "Volume to buy of each instrument", 1e-12, G_MAXDOUBLE, 1.0, rw);
  properties[PROP_ORDERS] = g_param_spec_uint ("orders", NULL, "Orders placed", 0, G_MAXUINT, 0, ro);
  properties[PROP_FILLS] = g_param_spec_uint ("fills", NULL, "Fills received", 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_buy_and_hold_init (AatBuyAndHold *self)
{
  self->volume = 1.0;
  self->seen = g_hash_table_new (NULL, NULL);
}

#ifndef AAT_BUY_AND_HOLD_NO_MODULE
static gboolean
buy_and_hold_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "buy-and-hold",
                              "Buys each instrument once at market and holds it", AAT_TYPE_BUY_AND_HOLD, error);
}

AAT_MODULE_DEFINE ("buy-and-hold", "The original aat example strategy: buy once, hold, report",
                   "0.1.0", buy_and_hold_module_init);
#endif
