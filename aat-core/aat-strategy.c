/* aat-strategy.c: the strategy base class.
 *
 * A strategy is a GObject subclassed in C, Python, JavaScript or Vala. The engine calls
 * its virtual methods directly (no signals on the hot path). Everything a strategy can
 * ask or do goes through its engine; these methods are thin wrappers so that bindings
 * see one object.
 */
#include "config.h"
#include "aat-private.h"

G_DEFINE_TYPE_WITH_PRIVATE (AatStrategy, aat_strategy, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

AatStrategyPrivate *
_aat_strategy_get_private (AatStrategy *self)
{
  return aat_strategy_get_instance_private (self);
}

void
_aat_strategy_attach (AatStrategy *self, AatEngine *engine, guint index)
{
  AatStrategyPrivate *priv = aat_strategy_get_instance_private (self);

  priv->engine = engine;
  priv->index = index;
}

static void
aat_strategy_finalize (GObject *object)
{
  AatStrategyPrivate *priv = aat_strategy_get_instance_private (AAT_STRATEGY (object));

  g_free (priv->name);
  G_OBJECT_CLASS (aat_strategy_parent_class)->finalize (object);
}

static void
aat_strategy_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatStrategy *self = AAT_STRATEGY (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, aat_strategy_get_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aat_strategy_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatStrategy *self = AAT_STRATEGY (object);

  switch (prop_id)
    {
    case PROP_NAME:
      aat_strategy_set_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Default callbacks: each does nothing, so the engine can call every slot directly. */
static void noop0 (AatStrategy *self) { }
static void noop_trade (AatStrategy *self, AatTrade *trade) { }
static void noop_bar (AatStrategy *self, AatBar *bar) { }
static void noop_quote (AatStrategy *self, AatQuote *quote) { }
static void noop_event (AatStrategy *self, AatEvent *event) { }
static void noop_order (AatStrategy *self, AatOrder *order) { }
static void noop_rejected (AatStrategy *self, AatOrder *order, const char *reason) { }
static void noop_error (AatStrategy *self, const GError *error) { }

/* The default of on_trade_price: the engine compares against it to know whether a class
 * asked for the light form. */
void
_aat_strategy_default_on_trade_price (AatStrategy *self, guint instrument, double price,
                                      double volume, double time)
{
}

static void
aat_strategy_class_init (AatStrategyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  klass->on_start = noop0;
  klass->on_exit = noop0;
  klass->on_trade = noop_trade;
  klass->on_bar = noop_bar;
  klass->on_quote = noop_quote;
  klass->on_data = noop_event;
  klass->on_order = noop_event;
  klass->on_open = noop_event;
  klass->on_fill = noop_event;
  klass->on_cancel = noop_event;
  klass->on_change = noop_event;
  klass->on_halt = noop0;
  klass->on_continue = noop0;
  klass->on_error = noop_error;
  klass->on_bought = noop_trade;
  klass->on_sold = noop_trade;
  klass->on_traded = noop_trade;
  klass->on_received = noop_order;
  klass->on_rejected = noop_rejected;
  klass->on_canceled = noop_order;
  klass->on_trade_price = _aat_strategy_default_on_trade_price;

  object_class->finalize = aat_strategy_finalize;
  object_class->get_property = aat_strategy_get_property;
  object_class->set_property = aat_strategy_set_property;

  /**
   * AatStrategy:name:
   *
   * The strategy's name, used in logs, errors and reports. Defaults to its type name.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, "Name used in logs and reports", NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_strategy_init (AatStrategy *self)
{
}

/**
 * aat_strategy_get_name:
 * @self: a strategy
 *
 * Returns: (transfer none): its name
 */
const char *
aat_strategy_get_name (AatStrategy *self)
{
  AatStrategyPrivate *priv;

  g_return_val_if_fail (AAT_IS_STRATEGY (self), NULL);
  priv = aat_strategy_get_instance_private (self);
  return priv->name != NULL ? priv->name : G_OBJECT_TYPE_NAME (self);
}

/**
 * aat_strategy_set_name:
 * @self: a strategy
 * @name: (nullable): its name
 *
 * Sets the name.
 */
void
aat_strategy_set_name (AatStrategy *self, const char *name)
{
  AatStrategyPrivate *priv;

  g_return_if_fail (AAT_IS_STRATEGY (self));
  priv = aat_strategy_get_instance_private (self);
  if (g_strcmp0 (priv->name, name) == 0)
    return;
  g_free (priv->name);
  priv->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * aat_strategy_get_engine:
 * @self: a strategy
 *
 * Returns: (transfer none) (nullable): the engine it was added to
 */
AatEngine *
aat_strategy_get_engine (AatStrategy *self)
{
  g_return_val_if_fail (AAT_IS_STRATEGY (self), NULL);
  return ((AatStrategyPrivate *) aat_strategy_get_instance_private (self))->engine;
}

#define ENGINE_OR_RETURN(val)                                                   \
  AatEngine *engine;                                                            \
  g_return_val_if_fail (AAT_IS_STRATEGY (self), val);                           \
  engine = ((AatStrategyPrivate *) aat_strategy_get_instance_private (self))->engine; \
  if (engine == NULL)                                                           \
    {                                                                           \
      g_critical ("%s: strategy '%s' is not added to an engine", G_STRFUNC,     \
                  aat_strategy_get_name (self));                                \
      return val;                                                               \
    }

/**
 * aat_strategy_new_order:
 * @self: a strategy
 * @order: an order made with aat_order_new() or aat_order_new_stop()
 *
 * Places an order. It goes through the risk policies, the execution policy and on to
 * the exchange; the outcome arrives as on_received, on_rejected, on_bought/on_sold and
 * on_canceled, after the current callback returns.
 *
 * Returns: (transfer none) (nullable): the order, now with its id; the engine keeps it
 *   for the whole run. %NULL if the strategy is not in an engine
 */
AatOrder *
aat_strategy_new_order (AatStrategy *self, AatOrder *order)
{
  ENGINE_OR_RETURN (NULL);
  g_return_val_if_fail (order != NULL, NULL);
  return aat_engine_place_order (engine, self, order);
}

/**
 * aat_strategy_buy:
 * @self: a strategy
 * @instrument: what to buy
 * @volume: how much
 * @price: the limit price, or 0 for a market order
 *
 * Places a buy order: a limit order when @price is positive, a market order otherwise.
 *
 * Returns: (transfer none) (nullable): the order; the engine keeps it for the whole run
 */
AatOrder *
aat_strategy_buy (AatStrategy *self, AatInstrument *instrument, double volume, double price)
{
  g_autoptr (AatOrder) order = NULL;

  g_return_val_if_fail (AAT_IS_INSTRUMENT (instrument), NULL);
  order = aat_order_new (instrument, AAT_SIDE_BUY,
                         price > 0.0 ? AAT_ORDER_TYPE_LIMIT : AAT_ORDER_TYPE_MARKET, volume, price);
  return aat_strategy_new_order (self, order);
}

/**
 * aat_strategy_sell:
 * @self: a strategy
 * @instrument: what to sell
 * @volume: how much
 * @price: the limit price, or 0 for a market order
 *
 * Places a sell order: a limit order when @price is positive, a market order otherwise.
 *
 * Returns: (transfer none) (nullable): the order; the engine keeps it for the whole run
 */
AatOrder *
aat_strategy_sell (AatStrategy *self, AatInstrument *instrument, double volume, double price)
{
  g_autoptr (AatOrder) order = NULL;

  g_return_val_if_fail (AAT_IS_INSTRUMENT (instrument), NULL);
  order = aat_order_new (instrument, AAT_SIDE_SELL,
                         price > 0.0 ? AAT_ORDER_TYPE_LIMIT : AAT_ORDER_TYPE_MARKET, volume, price);
  return aat_strategy_new_order (self, order);
}

/**
 * aat_strategy_cancel_order:
 * @self: a strategy
 * @order: one of its working orders
 *
 * Asks for an order to be cancelled; on_canceled follows when it is.
 *
 * Returns: %TRUE if the request was sent (the order was working)
 */
gboolean
aat_strategy_cancel_order (AatStrategy *self, AatOrder *order)
{
  ENGINE_OR_RETURN (FALSE);
  g_return_val_if_fail (order != NULL, FALSE);
  return aat_engine_cancel_order (engine, order);
}

/**
 * aat_strategy_cancel_all:
 * @self: a strategy
 * @instrument: (nullable): only orders for this instrument, or %NULL for all
 *
 * Cancels the strategy's working orders.
 *
 * Returns: how many cancel requests were sent
 */
guint
aat_strategy_cancel_all (AatStrategy *self, AatInstrument *instrument)
{
  ENGINE_OR_RETURN (0);
  return aat_engine_cancel_all (engine, self, instrument);
}

/**
 * aat_strategy_close_all:
 * @self: a strategy
 * @instrument: (nullable): only this instrument, or %NULL for all
 *
 * Cancels the strategy's working orders and flattens its positions with market orders.
 *
 * Returns: how many closing orders were placed
 */
guint
aat_strategy_close_all (AatStrategy *self, AatInstrument *instrument)
{
  ENGINE_OR_RETURN (0);
  return aat_engine_close_all (engine, self, instrument);
}

static GPtrArray *
filter_orders (GPtrArray *orders, AatInstrument *instrument, AatExchangeType *exchange, int side)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref);

  for (guint i = 0; i < orders->len; i++)
    {
      AatOrder *o = orders->pdata[i];
      if ((instrument == NULL || o->instrument == instrument) &&
          (exchange == NULL || o->exchange == exchange) &&
          (side < 0 || (int) o->side == side))
        g_ptr_array_add (out, aat_order_ref (o));
    }
  return out;
}

/**
 * aat_strategy_orders:
 * @self: a strategy
 * @instrument: (nullable): filter by instrument
 * @exchange: (nullable): filter by exchange
 * @side: filter by side (an #AatSide), or -1 for both
 *
 * Returns: (transfer container) (element-type AatOrder): the strategy's working orders
 */
GPtrArray *
aat_strategy_orders (AatStrategy *self, AatInstrument *instrument, AatExchangeType *exchange, int side)
{
  g_autoptr (GPtrArray) all = NULL;
  ENGINE_OR_RETURN (g_ptr_array_new ());
  all = aat_engine_get_orders (engine, self, TRUE);
  return filter_orders (all, instrument, exchange, side);
}

/**
 * aat_strategy_past_orders:
 * @self: a strategy
 * @instrument: (nullable): filter by instrument
 * @exchange: (nullable): filter by exchange
 * @side: filter by side, or -1 for both
 *
 * Returns: (transfer container) (element-type AatOrder): the strategy's orders that are
 *   done (filled, cancelled, rejected or expired), oldest first
 */
GPtrArray *
aat_strategy_past_orders (AatStrategy *self, AatInstrument *instrument, AatExchangeType *exchange, int side)
{
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) done = NULL;
  ENGINE_OR_RETURN (g_ptr_array_new ());
  all = aat_engine_get_orders (engine, self, FALSE);
  done = g_ptr_array_new ();
  for (guint i = 0; i < all->len; i++)
    if (aat_order_is_done (all->pdata[i]))
      g_ptr_array_add (done, all->pdata[i]);
  return filter_orders (done, instrument, exchange, side);
}

/**
 * aat_strategy_trades:
 * @self: a strategy
 * @instrument: (nullable): filter by instrument
 * @exchange: (nullable): filter by exchange
 * @side: filter by side, or -1 for both
 *
 * Returns: (transfer container) (element-type AatTrade): the strategy's fills, oldest first
 */
GPtrArray *
aat_strategy_trades (AatStrategy *self, AatInstrument *instrument, AatExchangeType *exchange, int side)
{
  g_autoptr (GPtrArray) all = NULL;
  GPtrArray *out;
  ENGINE_OR_RETURN (g_ptr_array_new ());
  all = aat_engine_get_trades (engine, self);
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_trade_unref);
  for (guint i = 0; i < all->len; i++)
    {
      AatTrade *t = all->pdata[i];
      if ((instrument == NULL || t->instrument == instrument) &&
          (exchange == NULL || t->exchange == exchange) &&
          (side < 0 || (int) t->side == side))
        g_ptr_array_add (out, aat_trade_ref (t));
    }
  return out;
}

/**
 * aat_strategy_accounts:
 * @self: a strategy
 *
 * Returns: (transfer container) (element-type AatAccount): the accounts of every exchange
 */
GPtrArray *
aat_strategy_accounts (AatStrategy *self)
{
  GPtrArray *out, *exchanges;
  ENGINE_OR_RETURN (g_ptr_array_new ());
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_account_unref);
  exchanges = aat_engine_get_exchanges (engine);
  for (guint i = 0; i < exchanges->len; i++)
    {
      g_autoptr (GPtrArray) acc = aat_exchange_accounts (exchanges->pdata[i]);
      for (guint k = 0; acc != NULL && k < acc->len; k++)
        g_ptr_array_add (out, aat_account_ref (acc->pdata[k]));
    }
  return out;
}

/**
 * aat_strategy_positions:
 * @self: a strategy
 *
 * Returns: (transfer container) (element-type AatPosition): the strategy's positions
 */
GPtrArray *
aat_strategy_positions (AatStrategy *self)
{
  ENGINE_OR_RETURN (g_ptr_array_new ());
  return aat_portfolio_get_positions (aat_engine_get_portfolio (engine), self);
}

/**
 * aat_strategy_position:
 * @self: a strategy
 * @instrument: an instrument
 *
 * Returns: (transfer full) (nullable): the strategy's position in @instrument
 */
AatPosition *
aat_strategy_position (AatStrategy *self, AatInstrument *instrument)
{
  ENGINE_OR_RETURN (NULL);
  return aat_portfolio_get_position (aat_engine_get_portfolio (engine), self, instrument);
}

/**
 * aat_strategy_position_size:
 * @self: a strategy
 * @instrument: an instrument
 *
 * Returns: the strategy's signed position size in @instrument
 */
double
aat_strategy_position_size (AatStrategy *self, AatInstrument *instrument)
{
  ENGINE_OR_RETURN (0.0);
  return aat_portfolio_get_size (aat_engine_get_portfolio (engine), self, instrument);
}

/**
 * aat_strategy_cash:
 * @self: a strategy
 *
 * Returns: the strategy's cash
 */
double
aat_strategy_cash (AatStrategy *self)
{
  ENGINE_OR_RETURN (0.0);
  return aat_portfolio_get_cash (aat_engine_get_portfolio (engine), self);
}

/**
 * aat_strategy_value:
 * @self: a strategy
 *
 * Returns: the strategy's cash plus its positions at their last prices
 */
double
aat_strategy_value (AatStrategy *self)
{
  ENGINE_OR_RETURN (0.0);
  return aat_portfolio_get_value (aat_engine_get_portfolio (engine), self);
}

/**
 * aat_strategy_risk:
 * @self: a strategy
 *
 * Returns: (transfer full): a dictionary (a{sv}) of the strategy's risk figures: cash,
 *   value, gross and net exposure, realized and unrealized P&L, fees, open orders,
 *   halted
 */
GVariant *
aat_strategy_risk (AatStrategy *self)
{
  GVariantBuilder b;
  AatPortfolio *pf;
  g_autoptr (GPtrArray) positions = NULL;
  g_autoptr (GPtrArray) open = NULL;
  double gross = 0.0, net = 0.0;
  ENGINE_OR_RETURN (g_variant_ref_sink (g_variant_new ("a{sv}", NULL)));

  pf = aat_engine_get_portfolio (engine);
  positions = aat_portfolio_get_positions (pf, self);
  for (guint i = 0; i < positions->len; i++)
    {
      double n = aat_position_get_notional (positions->pdata[i]);
      gross += n < 0 ? -n : n;
      net += n;
    }
  open = aat_engine_get_orders (engine, self, TRUE);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "cash", g_variant_new_double (aat_portfolio_get_cash (pf, self)));
  g_variant_builder_add (&b, "{sv}", "value", g_variant_new_double (aat_portfolio_get_value (pf, self)));
  g_variant_builder_add (&b, "{sv}", "gross-exposure", g_variant_new_double (gross));
  g_variant_builder_add (&b, "{sv}", "net-exposure", g_variant_new_double (net));
  g_variant_builder_add (&b, "{sv}", "realized-pnl", g_variant_new_double (aat_portfolio_get_realized_pnl (pf, self)));
  g_variant_builder_add (&b, "{sv}", "unrealized-pnl", g_variant_new_double (aat_portfolio_get_unrealized_pnl (pf, self)));
  g_variant_builder_add (&b, "{sv}", "fees", g_variant_new_double (aat_portfolio_get_fees (pf, self)));
  g_variant_builder_add (&b, "{sv}", "open-orders", g_variant_new_uint32 (open->len));
  g_variant_builder_add (&b, "{sv}", "halted", g_variant_new_boolean (aat_strategy_is_halted (self)));
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

/**
 * aat_strategy_price_history:
 * @self: a strategy
 * @instrument: an instrument
 *
 * Returns the recent prices of @instrument (trade prices, bar closes or quote mids),
 * oldest first; the engine keeps a bounded window (its "price-history" property).
 *
 * Returns: (transfer full) (element-type AatEquityPoint): points whose value is the price
 */
GArray *
aat_strategy_price_history (AatStrategy *self, AatInstrument *instrument)
{
  ENGINE_OR_RETURN (g_array_new (FALSE, FALSE, sizeof (AatEquityPoint)));
  return _aat_engine_price_history (engine, instrument);
}

/**
 * aat_strategy_last_price:
 * @self: a strategy
 * @instrument: an instrument
 *
 * Returns: the latest price of @instrument, or 0 if none was seen yet
 */
double
aat_strategy_last_price (AatStrategy *self, AatInstrument *instrument)
{
  ENGINE_OR_RETURN (0.0);
  return aat_engine_last_price (engine, instrument);
}

/**
 * aat_strategy_now:
 * @self: a strategy
 *
 * Returns: engine time: the current event's time in a backtest, the clock when live
 */
AatTime
aat_strategy_now (AatStrategy *self)
{
  ENGINE_OR_RETURN (0);
  return aat_engine_now (engine);
}

/**
 * aat_strategy_instruments:
 * @self: a strategy
 *
 * Returns: (transfer container) (element-type AatInstrument): every instrument the
 *   engine's exchanges offer
 */
GPtrArray *
aat_strategy_instruments (AatStrategy *self)
{
  ENGINE_OR_RETURN (g_ptr_array_new ());
  return g_ptr_array_ref (aat_engine_get_instruments (engine));
}

/**
 * aat_strategy_exchanges:
 * @self: a strategy
 *
 * Returns: (transfer container) (element-type AatExchangeType): the engine's exchanges
 */
GPtrArray *
aat_strategy_exchanges (AatStrategy *self)
{
  GPtrArray *out, *ex;
  ENGINE_OR_RETURN (g_ptr_array_new ());
  ex = aat_engine_get_exchanges (engine);
  out = g_ptr_array_new ();
  for (guint i = 0; i < ex->len; i++)
    g_ptr_array_add (out, aat_exchange_get_exchange_type (ex->pdata[i]));
  return out;
}

/**
 * aat_strategy_subscribe:
 * @self: a strategy
 * @instrument: an instrument
 *
 * Asks for market data of @instrument. A strategy that never subscribes receives the
 * market data of every instrument.
 */
void
aat_strategy_subscribe (AatStrategy *self, AatInstrument *instrument)
{
  AatStrategyPrivate *priv;

  g_return_if_fail (AAT_IS_STRATEGY (self));
  g_return_if_fail (AAT_IS_INSTRUMENT (instrument));
  priv = aat_strategy_get_instance_private (self);
  if (priv->engine == NULL)
    {
      g_critical ("%s: strategy '%s' is not added to an engine", G_STRFUNC, aat_strategy_get_name (self));
      return;
    }
  _aat_engine_subscribe (priv->engine, self, instrument);
}

/**
 * aat_strategy_lookup:
 * @self: a strategy
 * @name: an instrument's name
 *
 * Returns: (transfer none) (nullable): the engine's instrument with that name
 */
AatInstrument *
aat_strategy_lookup (AatStrategy *self, const char *name)
{
  ENGINE_OR_RETURN (NULL);
  return aat_engine_lookup_instrument (engine, name);
}

/**
 * aat_strategy_trading_type:
 * @self: a strategy
 *
 * Returns: how the engine trades
 */
AatTradingType
aat_strategy_trading_type (AatStrategy *self)
{
  ENGINE_OR_RETURN (AAT_TRADING_TYPE_BACKTEST);
  return aat_engine_get_trading_type (engine);
}

/**
 * aat_strategy_add_periodic:
 * @self: a strategy
 * @seconds: the period in seconds of engine time
 * @func: (scope notified) (closure user_data) (destroy notify): what to call
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data
 *
 * Calls @func every @seconds of engine time, in backtests too (driven by event time).
 *
 * Returns: an id for aat_strategy_remove_periodic()
 */
guint
aat_strategy_add_periodic (AatStrategy *self, double seconds, AatPeriodicFunc func,
                           gpointer user_data, GDestroyNotify notify)
{
  ENGINE_OR_RETURN (0);
  g_return_val_if_fail (seconds > 0.0, 0);
  g_return_val_if_fail (func != NULL, 0);
  return _aat_engine_add_periodic (engine, self, seconds, func, user_data, notify);
}

/**
 * aat_strategy_remove_periodic:
 * @self: a strategy
 * @id: an id from aat_strategy_add_periodic()
 *
 * Stops a periodic call.
 */
void
aat_strategy_remove_periodic (AatStrategy *self, guint id)
{
  AatStrategyPrivate *priv;

  g_return_if_fail (AAT_IS_STRATEGY (self));
  priv = aat_strategy_get_instance_private (self);
  if (priv->engine != NULL)
    _aat_engine_remove_periodic (priv->engine, id);
}

/**
 * aat_strategy_is_halted:
 * @self: a strategy
 *
 * Returns: %TRUE while the strategy is halted and cannot place orders
 */
gboolean
aat_strategy_is_halted (AatStrategy *self)
{
  g_return_val_if_fail (AAT_IS_STRATEGY (self), FALSE);
  return ((AatStrategyPrivate *) aat_strategy_get_instance_private (self))->halted;
}

/**
 * aat_strategy_report_error:
 * @self: a strategy
 * @error: what failed
 *
 * Reports a failure inside the strategy (language bindings call this for exceptions
 * raised in callbacks). The engine logs it with the strategy's name, calls on_error,
 * goes on with the other strategies, and makes the run's outcome a failure.
 */
void
aat_strategy_report_error (AatStrategy *self, const GError *error)
{
  AatStrategyPrivate *priv;

  g_return_if_fail (AAT_IS_STRATEGY (self));
  g_return_if_fail (error != NULL);
  priv = aat_strategy_get_instance_private (self);
  if (priv->engine != NULL)
    _aat_engine_report_error (priv->engine, self, error);
  else
    {
      priv->error_count++;
      g_warning ("strategy '%s': %s", aat_strategy_get_name (self), error->message);
    }
}

/**
 * aat_strategy_get_error_count:
 * @self: a strategy
 *
 * Returns: how many failures were reported for this strategy
 */
guint
aat_strategy_get_error_count (AatStrategy *self)
{
  g_return_val_if_fail (AAT_IS_STRATEGY (self), 0);
  return ((AatStrategyPrivate *) aat_strategy_get_instance_private (self))->error_count;
}
