/* aat-reference-strategies.c: the strategies of the published reference results
 * (doc/REFERENCE.md), one strategy module.
 *
 * - `two-down-closes`: backtrader's quickstart (steps 06-08). Flat: buy after two
 *   falling closes. Long: sell once exit-bars bars have passed since the buy filled.
 * - `sma`: backtrader's quickstart step 09. Buy when the close is above its SMA, sell
 *   when it is below.
 * - `sma-crossover`: backtrader's regression strategy. Buy when the close crosses above
 *   its SMA, close the position when it crosses below.
 * - `set-holdings`: LEAN's BasicTemplateAlgorithm. When not invested, buy as many whole
 *   shares as a fraction of the portfolio value, less a cash buffer, buys.
 *
 * Each trades one instrument: the one named by `symbol`, or the first it sees. Each
 * places nothing while one of its orders is pending; the pending order is cleared when
 * it fills completely, is cancelled or is rejected. Fills on a bar are delivered before
 * that bar's on_bar, so a new order can go out on the bar on which the last one filled.
 * The indicators come from aat-core (aat-indicators.h).
 */
#include <aat.h>

#include <math.h>

/* ---- the base: one instrument, a pending order, a bar counter ---- */

#define AAT_TYPE_REFERENCE_STRATEGY (aat_reference_strategy_get_type ())
G_DECLARE_DERIVABLE_TYPE (AatReferenceStrategy, aat_reference_strategy, AAT, REFERENCE_STRATEGY, AatStrategy)

struct _AatReferenceStrategyClass
{
  AatStrategyClass parent_class;
  /* called for each bar of the strategy's instrument; index counts from 0 */
  void (*bar) (AatReferenceStrategy *self, AatBar *bar, guint64 index);
};

typedef struct {
  char *symbol;
  double stake;
  AatInstrument *instrument;   /* the instrument traded, once known */
  AatOrder *pending;           /* the order in flight, or NULL */
  guint64 bars;                /* bars of the instrument handled so far */
  gint64 filled_bar;           /* index of the bar on which the last buy filled, or -1 */
  guint orders;
} AatReferenceStrategyPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (AatReferenceStrategy, aat_reference_strategy, AAT_TYPE_STRATEGY)

enum {
  BASE_PROP_0,
  BASE_PROP_SYMBOL,
  BASE_PROP_STAKE,
  BASE_PROP_ORDERS,
  BASE_N_PROPS
};

static GParamSpec *base_properties[BASE_N_PROPS];

#define BASE_PRIV(self) ((AatReferenceStrategyPrivate *) aat_reference_strategy_get_instance_private (AAT_REFERENCE_STRATEGY (self)))

/* Is this the instrument the strategy trades? The first match decides. */
static gboolean
base_mine (AatReferenceStrategy *self, AatInstrument *instrument)
{
  AatReferenceStrategyPrivate *priv = BASE_PRIV (self);

  if (priv->instrument != NULL)
    return priv->instrument == instrument;
  if (priv->symbol != NULL && priv->symbol[0] != '\0' &&
      g_strcmp0 (aat_instrument_get_name (instrument), priv->symbol) != 0)
    return FALSE;
  priv->instrument = instrument;
  return TRUE;
}

static gboolean
base_has_pending (AatReferenceStrategy *self)
{
  return BASE_PRIV (self)->pending != NULL;
}

static double
base_position (AatReferenceStrategy *self)
{
  AatReferenceStrategyPrivate *priv = BASE_PRIV (self);

  return priv->instrument != NULL ? aat_strategy_position_size (AAT_STRATEGY (self), priv->instrument) : 0.0;
}

/* Places a market order and remembers it as pending. */
static void
base_market (AatReferenceStrategy *self, AatSide side, double volume)
{
  AatReferenceStrategyPrivate *priv = BASE_PRIV (self);
  AatOrder *order;

  if (!(volume > 0.0))
    return;
  if (side == AAT_SIDE_BUY)
    order = aat_strategy_buy (AAT_STRATEGY (self), priv->instrument, volume, 0.0);
  else
    order = aat_strategy_sell (AAT_STRATEGY (self), priv->instrument, volume, 0.0);
  if (order == NULL)
    return;
  priv->orders++;
  /* the engine owns the order (transfer none); a rejection may already have been
   * delivered, and then nothing is pending */
  if (!aat_order_is_done (order))
    {
      g_clear_pointer (&priv->pending, aat_order_unref);
      priv->pending = aat_order_ref (order);
    }
}

static void
base_order_over (AatReferenceStrategy *self, AatOrder *order)
{
  AatReferenceStrategyPrivate *priv = BASE_PRIV (self);

  if (priv->pending == order)
    g_clear_pointer (&priv->pending, aat_order_unref);
}

static void
base_on_bar (AatStrategy *strategy, AatBar *bar)
{
  AatReferenceStrategy *self = AAT_REFERENCE_STRATEGY (strategy);
  AatReferenceStrategyPrivate *priv = BASE_PRIV (self);
  AatReferenceStrategyClass *klass = AAT_REFERENCE_STRATEGY_GET_CLASS (self);

  if (!base_mine (self, aat_bar_get_instrument (bar)))
    return;
  if (klass->bar != NULL)
    klass->bar (self, bar, priv->bars);
  priv->bars++;
}

static void
base_on_filled (AatStrategy *strategy, AatTrade *trade)
{
  AatReferenceStrategy *self = AAT_REFERENCE_STRATEGY (strategy);
  AatReferenceStrategyPrivate *priv = BASE_PRIV (self);
  AatOrder *order = aat_trade_get_taker_order (trade);

  /* fills on bar t arrive before on_bar (t): priv->bars is t's index */
  if (aat_trade_get_side (trade) == AAT_SIDE_BUY)
    priv->filled_bar = (gint64) priv->bars;
  g_debug ("%s: %s %g %s @ %.6f (fee %.2f)", aat_strategy_get_name (strategy),
           aat_trade_get_side (trade) == AAT_SIDE_BUY ? "bought" : "sold", aat_trade_get_volume (trade),
           aat_instrument_get_name (aat_trade_get_instrument (trade)), aat_trade_get_price (trade),
           aat_trade_get_fee (trade));
  if (order != NULL && aat_order_is_done (order))
    base_order_over (self, order);
}

static void
base_on_canceled (AatStrategy *strategy, AatOrder *order)
{
  base_order_over (AAT_REFERENCE_STRATEGY (strategy), order);
}

static void
base_on_rejected (AatStrategy *strategy, AatOrder *order, const char *reason)
{
  g_message ("%s: order rejected: %s", aat_strategy_get_name (strategy), reason);
  base_order_over (AAT_REFERENCE_STRATEGY (strategy), order);
}

static void
aat_reference_strategy_finalize (GObject *object)
{
  AatReferenceStrategyPrivate *priv = BASE_PRIV (object);

  g_free (priv->symbol);
  g_clear_pointer (&priv->pending, aat_order_unref);
  G_OBJECT_CLASS (aat_reference_strategy_parent_class)->finalize (object);
}

static void
aat_reference_strategy_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatReferenceStrategyPrivate *priv = BASE_PRIV (object);

  switch (prop_id)
    {
    case BASE_PROP_SYMBOL: g_value_set_string (value, priv->symbol); break;
    case BASE_PROP_STAKE: g_value_set_double (value, priv->stake); break;
    case BASE_PROP_ORDERS: g_value_set_uint (value, priv->orders); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_reference_strategy_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatReferenceStrategyPrivate *priv = BASE_PRIV (object);

  switch (prop_id)
    {
    case BASE_PROP_SYMBOL:
      g_free (priv->symbol);
      priv->symbol = g_value_dup_string (value);
      break;
    case BASE_PROP_STAKE: priv->stake = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_reference_strategy_class_init (AatReferenceStrategyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatStrategyClass *strategy_class = AAT_STRATEGY_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = aat_reference_strategy_finalize;
  object_class->get_property = aat_reference_strategy_get_property;
  object_class->set_property = aat_reference_strategy_set_property;
  strategy_class->on_bar = base_on_bar;
  strategy_class->on_bought = base_on_filled;
  strategy_class->on_sold = base_on_filled;
  strategy_class->on_canceled = base_on_canceled;
  strategy_class->on_rejected = base_on_rejected;

  base_properties[BASE_PROP_SYMBOL] =
    g_param_spec_string ("symbol", NULL, "The instrument to trade (default: the first one seen)", NULL, rw);
  base_properties[BASE_PROP_STAKE] =
    g_param_spec_double ("stake", NULL, "Volume of each buy", 1e-12, G_MAXDOUBLE, 1.0, rw);
  base_properties[BASE_PROP_ORDERS] =
    g_param_spec_uint ("orders", NULL, "Orders placed", 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, BASE_N_PROPS, base_properties);
}

static void
aat_reference_strategy_init (AatReferenceStrategy *self)
{
  AatReferenceStrategyPrivate *priv = BASE_PRIV (self);

  priv->stake = 1.0;
  priv->filled_bar = -1;
}

/* ---- two-down-closes ---- */

#define AAT_TYPE_TWO_DOWN_CLOSES (aat_two_down_closes_get_type ())
G_DECLARE_FINAL_TYPE (AatTwoDownCloses, aat_two_down_closes, AAT, TWO_DOWN_CLOSES, AatReferenceStrategy)

struct _AatTwoDownCloses
{
  AatReferenceStrategy parent_instance;
  guint exit_bars;
  double close[3];      /* close[0] is the latest */
  guint have;
};

G_DEFINE_FINAL_TYPE (AatTwoDownCloses, aat_two_down_closes, AAT_TYPE_REFERENCE_STRATEGY)

enum { TDC_PROP_0, TDC_PROP_EXIT_BARS, TDC_N_PROPS };
static GParamSpec *tdc_properties[TDC_N_PROPS];

static void
two_down_closes_bar (AatReferenceStrategy *base, AatBar *bar, guint64 index)
{
  AatTwoDownCloses *self = AAT_TWO_DOWN_CLOSES (base);
  AatReferenceStrategyPrivate *priv = BASE_PRIV (base);
  double size;

  self->close[2] = self->close[1];
  self->close[1] = self->close[0];
  self->close[0] = aat_bar_get_close (bar);
  self->have = MIN (self->have + 1, 3);
  if (base_has_pending (base))
    return;
  size = base_position (base);
  if (size == 0.0)
    {
      if (self->have == 3 && self->close[0] < self->close[1] && self->close[1] < self->close[2])
        base_market (base, AAT_SIDE_BUY, priv->stake);
    }
  else if (size > 0.0 && priv->filled_bar >= 0 && (gint64) index >= priv->filled_bar + (gint64) self->exit_bars)
    base_market (base, AAT_SIDE_SELL, size);
}

static void
aat_two_down_closes_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case TDC_PROP_EXIT_BARS: g_value_set_uint (value, AAT_TWO_DOWN_CLOSES (object)->exit_bars); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_two_down_closes_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case TDC_PROP_EXIT_BARS: AAT_TWO_DOWN_CLOSES (object)->exit_bars = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_two_down_closes_class_init (AatTwoDownClosesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = aat_two_down_closes_get_property;
  object_class->set_property = aat_two_down_closes_set_property;
  AAT_REFERENCE_STRATEGY_CLASS (klass)->bar = two_down_closes_bar;
  tdc_properties[TDC_PROP_EXIT_BARS] =
    g_param_spec_uint ("exit-bars", NULL, "Sell this many bars after the bar on which the buy filled",
                       0, G_MAXUINT, 5, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, TDC_N_PROPS, tdc_properties);
}

static void
aat_two_down_closes_init (AatTwoDownCloses *self)
{
  self->exit_bars = 5;
}

/* ---- sma: close above / below its SMA ---- */

#define AAT_TYPE_SMA_PRICE (aat_sma_price_get_type ())
G_DECLARE_FINAL_TYPE (AatSmaPrice, aat_sma_price, AAT, SMA_PRICE, AatReferenceStrategy)

struct _AatSmaPrice
{
  AatReferenceStrategy parent_instance;
  guint period;
  AatSma *sma;
};

G_DEFINE_FINAL_TYPE (AatSmaPrice, aat_sma_price, AAT_TYPE_REFERENCE_STRATEGY)

enum { SMA_PROP_0, SMA_PROP_PERIOD, SMA_N_PROPS };
static GParamSpec *sma_properties[SMA_N_PROPS];

static void
sma_price_bar (AatReferenceStrategy *base, AatBar *bar, guint64 index)
{
  AatSmaPrice *self = AAT_SMA_PRICE (base);
  double close = aat_bar_get_close (bar), size, sma;

  if (self->sma == NULL)
    self->sma = aat_sma_new (self->period);
  if (!aat_sma_update (self->sma, close) || base_has_pending (base))
    return;
  sma = aat_sma_get_value (self->sma);
  size = base_position (base);
  if (size == 0.0 && close > sma)
    base_market (base, AAT_SIDE_BUY, BASE_PRIV (base)->stake);
  else if (size > 0.0 && close < sma)
    base_market (base, AAT_SIDE_SELL, size);
}

static void
aat_sma_price_finalize (GObject *object)
{
  g_clear_pointer (&AAT_SMA_PRICE (object)->sma, aat_sma_unref);
  G_OBJECT_CLASS (aat_sma_price_parent_class)->finalize (object);
}

static void
aat_sma_price_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case SMA_PROP_PERIOD: g_value_set_uint (value, AAT_SMA_PRICE (object)->period); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_sma_price_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case SMA_PROP_PERIOD: AAT_SMA_PRICE (object)->period = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_sma_price_class_init (AatSmaPriceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aat_sma_price_finalize;
  object_class->get_property = aat_sma_price_get_property;
  object_class->set_property = aat_sma_price_set_property;
  AAT_REFERENCE_STRATEGY_CLASS (klass)->bar = sma_price_bar;
  sma_properties[SMA_PROP_PERIOD] =
    g_param_spec_uint ("period", NULL, "Bars in the simple moving average", 1, 100000, 15,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, SMA_N_PROPS, sma_properties);
}

static void
aat_sma_price_init (AatSmaPrice *self)
{
  self->period = 15;
}

/* ---- sma-crossover: CrossOver (close, SMA (close)) ---- */

#define AAT_TYPE_SMA_CROSSOVER (aat_sma_crossover_get_type ())
G_DECLARE_FINAL_TYPE (AatSmaCrossover, aat_sma_crossover, AAT, SMA_CROSSOVER, AatReferenceStrategy)

struct _AatSmaCrossover
{
  AatReferenceStrategy parent_instance;
  guint period;
  AatSma *sma;
  AatCrossOver *cross;
};

G_DEFINE_FINAL_TYPE (AatSmaCrossover, aat_sma_crossover, AAT_TYPE_REFERENCE_STRATEGY)

enum { SMX_PROP_0, SMX_PROP_PERIOD, SMX_N_PROPS };
static GParamSpec *smx_properties[SMX_N_PROPS];

static void
sma_crossover_bar (AatReferenceStrategy *base, AatBar *bar, guint64 index)
{
  AatSmaCrossover *self = AAT_SMA_CROSSOVER (base);
  double close = aat_bar_get_close (bar), size;
  int cross;

  if (self->sma == NULL)
    {
      self->sma = aat_sma_new (self->period);
      self->cross = aat_cross_over_new ();
    }
  if (!aat_sma_update (self->sma, close))
    return;
  /* the cross needs one bar more than the average: the logic starts on bar period + 1 */
  if (!aat_cross_over_update (self->cross, close, aat_sma_get_value (self->sma)) || base_has_pending (base))
    return;
  cross = aat_cross_over_get_value (self->cross);
  size = base_position (base);
  if (size == 0.0)
    {
      if (cross > 0)
        base_market (base, AAT_SIDE_BUY, BASE_PRIV (base)->stake);
    }
  else if (cross < 0)
    base_market (base, size > 0.0 ? AAT_SIDE_SELL : AAT_SIDE_BUY, fabs (size));
}

static void
aat_sma_crossover_finalize (GObject *object)
{
  AatSmaCrossover *self = AAT_SMA_CROSSOVER (object);

  g_clear_pointer (&self->sma, aat_sma_unref);
  g_clear_pointer (&self->cross, aat_cross_over_unref);
  G_OBJECT_CLASS (aat_sma_crossover_parent_class)->finalize (object);
}

static void
aat_sma_crossover_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case SMX_PROP_PERIOD: g_value_set_uint (value, AAT_SMA_CROSSOVER (object)->period); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_sma_crossover_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case SMX_PROP_PERIOD: AAT_SMA_CROSSOVER (object)->period = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_sma_crossover_class_init (AatSmaCrossoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aat_sma_crossover_finalize;
  object_class->get_property = aat_sma_crossover_get_property;
  object_class->set_property = aat_sma_crossover_set_property;
  AAT_REFERENCE_STRATEGY_CLASS (klass)->bar = sma_crossover_bar;
  smx_properties[SMX_PROP_PERIOD] =
    g_param_spec_uint ("period", NULL, "Bars in the simple moving average", 1, 100000, 15,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, SMX_N_PROPS, smx_properties);
}

static void
aat_sma_crossover_init (AatSmaCrossover *self)
{
  self->period = 15;
}

/* ---- set-holdings ---- */

#define AAT_TYPE_SET_HOLDINGS (aat_set_holdings_get_type ())
G_DECLARE_FINAL_TYPE (AatSetHoldings, aat_set_holdings, AAT, SET_HOLDINGS, AatReferenceStrategy)

typedef enum { ON_ANY, ON_BAR, ON_QUOTE, ON_TRADE } OnWhat;

struct _AatSetHoldings
{
  AatReferenceStrategy parent_instance;
  double fraction;
  double buffer;
  OnWhat on;
};

G_DEFINE_FINAL_TYPE (AatSetHoldings, aat_set_holdings, AAT_TYPE_REFERENCE_STRATEGY)

enum { SH_PROP_0, SH_PROP_FRACTION, SH_PROP_BUFFER, SH_PROP_ON, SH_N_PROPS };
static GParamSpec *sh_properties[SH_N_PROPS];

static const char * const on_names[] = { "any", "bar", "quote", "trade", NULL };

/* price: what one share costs now (the ask of a quote, else the last price) */
static void
set_holdings_act (AatSetHoldings *self, AatInstrument *instrument, OnWhat what, double price)
{
  AatReferenceStrategy *base = AAT_REFERENCE_STRATEGY (self);
  double value, lot, volume;

  if ((self->on != ON_ANY && self->on != what) || !base_mine (base, instrument))
    return;
  if (base_has_pending (base) || base_position (base) != 0.0 || !(price > 0.0))
    return;
  value = aat_strategy_value (AAT_STRATEGY (self));
  lot = aat_instrument_get_lot_size (instrument);
  if (!(lot > 0.0))
    lot = 1.0;
  volume = floor (value * self->fraction * (1.0 - self->buffer) / price / lot) * lot;
  base_market (base, AAT_SIDE_BUY, volume);
}

static void
set_holdings_on_bar (AatStrategy *strategy, AatBar *bar)
{
  set_holdings_act (AAT_SET_HOLDINGS (strategy), aat_bar_get_instrument (bar), ON_BAR, aat_bar_get_close (bar));
  AAT_STRATEGY_CLASS (aat_set_holdings_parent_class)->on_bar (strategy, bar);
}

static void
set_holdings_on_quote (AatStrategy *strategy, AatQuote *quote)
{
  set_holdings_act (AAT_SET_HOLDINGS (strategy), aat_quote_get_instrument (quote), ON_QUOTE, aat_quote_get_ask (quote));
}

static void
set_holdings_on_trade (AatStrategy *strategy, AatTrade *trade)
{
  set_holdings_act (AAT_SET_HOLDINGS (strategy), aat_trade_get_instrument (trade), ON_TRADE, aat_trade_get_price (trade));
}

static void
aat_set_holdings_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatSetHoldings *self = AAT_SET_HOLDINGS (object);

  switch (prop_id)
    {
    case SH_PROP_FRACTION: g_value_set_double (value, self->fraction); break;
    case SH_PROP_BUFFER: g_value_set_double (value, self->buffer); break;
    case SH_PROP_ON: g_value_set_string (value, on_names[self->on]); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_set_holdings_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatSetHoldings *self = AAT_SET_HOLDINGS (object);
  const char *text;

  switch (prop_id)
    {
    case SH_PROP_FRACTION: self->fraction = g_value_get_double (value); break;
    case SH_PROP_BUFFER: self->buffer = g_value_get_double (value); break;
    case SH_PROP_ON:
      text = g_value_get_string (value);
      self->on = ON_ANY;
      for (guint i = 0; text != NULL && on_names[i] != NULL; i++)
        if (g_strcmp0 (text, on_names[i]) == 0)
          self->on = i;
      if (text != NULL && !g_strv_contains (on_names, text))
        g_warning ("set-holdings: on: '%s' is not one of any, bar, quote, trade; using any", text);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_set_holdings_class_init (AatSetHoldingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatStrategyClass *strategy_class = AAT_STRATEGY_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = aat_set_holdings_get_property;
  object_class->set_property = aat_set_holdings_set_property;
  strategy_class->on_bar = set_holdings_on_bar;
  strategy_class->on_quote = set_holdings_on_quote;
  strategy_class->on_trade = set_holdings_on_trade;
  sh_properties[SH_PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, "Target share of the portfolio value (1 = 100 %)", 0, 1, 1, rw);
  sh_properties[SH_PROP_BUFFER] =
    g_param_spec_double ("buffer", NULL, "Share of the target kept as a cash buffer (LEAN: 0.0025)", 0, 1, 0.0025, rw);
  sh_properties[SH_PROP_ON] =
    g_param_spec_string ("on", NULL, "Act on: any, bar, quote or trade events (quote: size and buy at the ask)", "any", rw);
  g_object_class_install_properties (object_class, SH_N_PROPS, sh_properties);
}

static void
aat_set_holdings_init (AatSetHoldings *self)
{
  self->fraction = 1.0;
  self->buffer = 0.0025;
  self->on = ON_ANY;
}

/* ---- the module ---- */

#ifndef AAT_REFERENCE_NO_MODULE
static gboolean
reference_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "two-down-closes",
                              "backtrader quickstart: buy after two falling closes, sell N bars after the fill",
                              AAT_TYPE_TWO_DOWN_CLOSES, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "sma",
                              "backtrader quickstart: long while the close is above its SMA",
                              AAT_TYPE_SMA_PRICE, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "sma-crossover",
                              "backtrader regression: buy when the close crosses above its SMA, close on the cross down",
                              AAT_TYPE_SMA_CROSSOVER, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "set-holdings",
                              "LEAN BasicTemplateAlgorithm: invest a share of the portfolio once",
                              AAT_TYPE_SET_HOLDINGS, error);
}

AAT_MODULE_DEFINE ("reference", "The strategies of the published reference results (doc/REFERENCE.md)",
                   "0.1.0", reference_module_init);
#else
/* Compiled into a test: the types, without the module descriptor. */
GType aat_reference_two_down_closes_type (void);
GType aat_reference_sma_type (void);
GType aat_reference_sma_crossover_type (void);
GType aat_reference_set_holdings_type (void);
GType aat_reference_two_down_closes_type (void) { return AAT_TYPE_TWO_DOWN_CLOSES; }
GType aat_reference_sma_type (void) { return AAT_TYPE_SMA_PRICE; }
GType aat_reference_sma_crossover_type (void) { return AAT_TYPE_SMA_CROSSOVER; }
GType aat_reference_set_holdings_type (void) { return AAT_TYPE_SET_HOLDINGS; }
#endif
