/* aat-exchange.c: the exchange base class and its simulated broker.
 *
 * An exchange is a market-data source and an order-entry sink. History sources
 * implement next_event() and are pulled by the engine in time order; live sources push
 * with aat_exchange_push_event().
 *
 * Order entry defaults to a simulated broker, so every history source gets realistic
 * fills without code of its own: the engine calls aat_exchange_simulate() with each
 * market event of this exchange *before* strategies see it, and pending orders fill
 * against it by the fill model below, then slippage and commission models apply.
 *
 * Bars (OHLCV):
 * - market: the next bar's open; or, with fill-timing=immediate, the current close.
 * - limit: the open if it is at or better than the limit; else the limit if the range
 *   reaches it.
 * - stop: the open if it is at or through the stop; else the stop if the range reaches it.
 * - stop-limit: triggers like a stop; on the trigger bar, a gap through the trigger
 *   applies the limit rule to the bar; otherwise the fill is at the trigger or the limit
 *   depending on the bar's direction (see fill_stop_limit()); later bars: a limit order.
 * - time in force is checked before the fill attempt on each bar.
 * Trades: an order fills against the next trade. Quotes: buys at the ask, sells at the bid.
 */
#include "config.h"
#include "aat-private.h"

#include <math.h>

typedef struct {
  double close, bid, ask, trade;
  gboolean have_bar, have_quote, have_trade;
} LastSeen;

typedef struct {
  char *name;
  AatExchangeType *type;
  AatEngine *engine;          /* weak */
  guint source_index;         /* its place among the engine's sources */
  /* simulated broker */
  GPtrArray *pending;         /* AatOrder*, in arrival order */
  gboolean simulating;        /* inside simulate(): cancels leave removal to its sweep */
  GHashTable *triggered;      /* stop-limit orders whose trigger fired: id set */
  GArray *last;               /* LastSeen by instrument index */
  AatFillTiming fill_timing;
  AatCommissionModel commission_model;
  double commission_rate;
  double commission_per_share;
  double commission_minimum;
  double commission_maximum_percent;
  double commission_per_contract;
  AatSlippageModel slippage_model;
  double slippage_bps;
  double slippage_ticks;
  double volume_share;
  double margin;
  double multiplier;
} AatExchangePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (AatExchange, aat_exchange, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_FILL_TIMING,
  PROP_COMMISSION_MODEL,
  PROP_COMMISSION_RATE,
  PROP_COMMISSION_PER_SHARE,
  PROP_COMMISSION_MINIMUM,
  PROP_COMMISSION_MAXIMUM_PERCENT,
  PROP_COMMISSION_PER_CONTRACT,
  PROP_SLIPPAGE_MODEL,
  PROP_SLIPPAGE_BPS,
  PROP_SLIPPAGE_TICKS,
  PROP_VOLUME_SHARE,
  PROP_MARGIN,
  PROP_MULTIPLIER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define PRIV(self) ((AatExchangePrivate *) aat_exchange_get_instance_private (self))

void
_aat_exchange_attach (AatExchange *self, AatEngine *engine, guint source_index)
{
  PRIV (self)->engine = engine;
  PRIV (self)->source_index = source_index;
}

guint
_aat_exchange_get_source_index (AatExchange *self)
{
  return PRIV (self)->source_index;
}

static void sim_new_order (AatExchange *self, AatOrder *order);
static void sim_cancel_order (AatExchange *self, AatOrder *order);

static gboolean
default_start (AatExchange *self, GError **error)
{
  return TRUE;
}

static void
default_connect_async (AatExchange *self, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, default_connect_async);
  if (aat_exchange_start (self, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
default_connect_finish (AatExchange *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
aat_exchange_finalize (GObject *object)
{
  AatExchangePrivate *priv = PRIV (AAT_EXCHANGE (object));

  g_free (priv->name);
  g_ptr_array_unref (priv->pending);
  g_hash_table_unref (priv->triggered);
  g_array_unref (priv->last);
  G_OBJECT_CLASS (aat_exchange_parent_class)->finalize (object);
}

static void
aat_exchange_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatExchangePrivate *priv = PRIV (AAT_EXCHANGE (object));

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, aat_exchange_get_name (AAT_EXCHANGE (object))); break;
    case PROP_FILL_TIMING: g_value_set_enum (value, priv->fill_timing); break;
    case PROP_COMMISSION_MODEL: g_value_set_enum (value, priv->commission_model); break;
    case PROP_COMMISSION_RATE: g_value_set_double (value, priv->commission_rate); break;
    case PROP_COMMISSION_PER_SHARE: g_value_set_double (value, priv->commission_per_share); break;
    case PROP_COMMISSION_MINIMUM: g_value_set_double (value, priv->commission_minimum); break;
    case PROP_COMMISSION_MAXIMUM_PERCENT: g_value_set_double (value, priv->commission_maximum_percent); break;
    case PROP_COMMISSION_PER_CONTRACT: g_value_set_double (value, priv->commission_per_contract); break;
    case PROP_SLIPPAGE_MODEL: g_value_set_enum (value, priv->slippage_model); break;
    case PROP_SLIPPAGE_BPS: g_value_set_double (value, priv->slippage_bps); break;
    case PROP_SLIPPAGE_TICKS: g_value_set_double (value, priv->slippage_ticks); break;
    case PROP_VOLUME_SHARE: g_value_set_double (value, priv->volume_share); break;
    case PROP_MARGIN: g_value_set_double (value, priv->margin); break;
    case PROP_MULTIPLIER: g_value_set_double (value, priv->multiplier); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aat_exchange_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatExchangePrivate *priv = PRIV (AAT_EXCHANGE (object));

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (priv->name);
      priv->name = g_value_dup_string (value);
      priv->type = priv->name != NULL ? aat_exchange_type_get (priv->name) : NULL;
      break;
    case PROP_FILL_TIMING: priv->fill_timing = g_value_get_enum (value); break;
    case PROP_COMMISSION_MODEL: priv->commission_model = g_value_get_enum (value); break;
    case PROP_COMMISSION_RATE: priv->commission_rate = g_value_get_double (value); break;
    case PROP_COMMISSION_PER_SHARE: priv->commission_per_share = g_value_get_double (value); break;
    case PROP_COMMISSION_MINIMUM: priv->commission_minimum = g_value_get_double (value); break;
    case PROP_COMMISSION_MAXIMUM_PERCENT: priv->commission_maximum_percent = g_value_get_double (value); break;
    case PROP_COMMISSION_PER_CONTRACT: priv->commission_per_contract = g_value_get_double (value); break;
    case PROP_SLIPPAGE_MODEL: priv->slippage_model = g_value_get_enum (value); break;
    case PROP_SLIPPAGE_BPS: priv->slippage_bps = g_value_get_double (value); break;
    case PROP_SLIPPAGE_TICKS: priv->slippage_ticks = g_value_get_double (value); break;
    case PROP_VOLUME_SHARE: priv->volume_share = g_value_get_double (value); break;
    case PROP_MARGIN: priv->margin = g_value_get_double (value); break;
    case PROP_MULTIPLIER: priv->multiplier = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define DOUBLE_PROP(id, name, blurb, min, max, def)                                    \
  properties[id] = g_param_spec_double (name, NULL, blurb, min, max, def,              \
                                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)

static void
aat_exchange_class_init (AatExchangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aat_exchange_finalize;
  object_class->get_property = aat_exchange_get_property;
  object_class->set_property = aat_exchange_set_property;
  klass->start = default_start;
  klass->new_order = sim_new_order;
  klass->cancel_order = sim_cancel_order;
  klass->connect_async = default_connect_async;
  klass->connect_finish = default_connect_finish;

  /**
   * AatExchange:name:
   *
   * The exchange's name; orders and market data carry it as their #AatExchangeType.
   * Defaults to the type name.
   */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, "Name of the exchange", NULL,
                                               G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * AatExchange:fill-timing:
   *
   * When the simulated broker fills market orders.
   */
  properties[PROP_FILL_TIMING] =
    g_param_spec_enum ("fill-timing", NULL, "Simulated market fills: next (bar open, trade, quote) or immediate (current close or quote)",
                       AAT_TYPE_FILL_TIMING, AAT_FILL_TIMING_NEXT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * AatExchange:commission-model:
   *
   * How the simulated broker charges fees.
   */
  properties[PROP_COMMISSION_MODEL] =
    g_param_spec_enum ("commission-model", NULL, "Fee model: none, percent, per-share or per-contract",
                       AAT_TYPE_COMMISSION_MODEL, AAT_COMMISSION_MODEL_NONE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * AatExchange:commission-rate:
   *
   * For the percent model: the fee as a fraction of traded value (0.001 = 0.1 %).
   */
  DOUBLE_PROP (PROP_COMMISSION_RATE, "commission-rate", "Percent model: fee as a fraction of value", 0, 1, 0);
  /**
   * AatExchange:commission-per-share:
   *
   * For the per-share model: the fee per share.
   */
  DOUBLE_PROP (PROP_COMMISSION_PER_SHARE, "commission-per-share", "Per-share model: fee per share", 0, G_MAXDOUBLE, 0);
  /**
   * AatExchange:commission-minimum:
   *
   * For the per-share model: the minimum fee per fill.
   */
  DOUBLE_PROP (PROP_COMMISSION_MINIMUM, "commission-minimum", "Per-share model: minimum fee per order", 0, G_MAXDOUBLE, 0);
  /**
   * AatExchange:commission-maximum-percent:
   *
   * For the per-share model: the maximum fee as a fraction of traded value (0 = none).
   */
  DOUBLE_PROP (PROP_COMMISSION_MAXIMUM_PERCENT, "commission-maximum-percent", "Per-share model: maximum fee as a fraction of value (0: none)", 0, 1, 0);
  /**
   * AatExchange:commission-per-contract:
   *
   * For the per-contract model: the fee per contract per fill.
   */
  DOUBLE_PROP (PROP_COMMISSION_PER_CONTRACT, "commission-per-contract", "Per-contract model: fee per contract", 0, G_MAXDOUBLE, 0);
  /**
   * AatExchange:slippage-model:
   *
   * How the simulated broker models slippage.
   */
  properties[PROP_SLIPPAGE_MODEL] =
    g_param_spec_enum ("slippage-model", NULL, "Slippage model: none, bps, ticks or volume-share",
                       AAT_TYPE_SLIPPAGE_MODEL, AAT_SLIPPAGE_MODEL_NONE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * AatExchange:slippage-bps:
   *
   * For the bps model: basis points against the taker.
   */
  DOUBLE_PROP (PROP_SLIPPAGE_BPS, "slippage-bps", "Bps model: basis points against the taker", 0, 10000, 0);
  /**
   * AatExchange:slippage-ticks:
   *
   * For the ticks model: ticks against the taker.
   */
  DOUBLE_PROP (PROP_SLIPPAGE_TICKS, "slippage-ticks", "Ticks model: ticks against the taker", 0, G_MAXDOUBLE, 0);
  /**
   * AatExchange:volume-share:
   *
   * For the volume-share model: the largest share of a bar's volume one order takes.
   */
  DOUBLE_PROP (PROP_VOLUME_SHARE, "volume-share", "Volume-share model: largest share of a bar's volume per fill", 0, 1, 0.025);
  /**
   * AatExchange:margin:
   *
   * Cash held per open contract; a positive margin makes the exchange's instruments
   * futures-like in the portfolio.
   */
  DOUBLE_PROP (PROP_MARGIN, "margin", "Futures-like: cash held per open contract (0: stock-like)", 0, G_MAXDOUBLE, 0);
  /**
   * AatExchange:multiplier:
   *
   * The contract multiplier applied to the exchange's instruments.
   */
  DOUBLE_PROP (PROP_MULTIPLIER, "multiplier", "Contract multiplier of the exchange's instruments", 1e-9, G_MAXDOUBLE, 1);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_exchange_init (AatExchange *self)
{
  AatExchangePrivate *priv = PRIV (self);

  priv->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref);
  priv->triggered = g_hash_table_new (g_int64_hash, g_int64_equal);
  priv->last = g_array_new (FALSE, TRUE, sizeof (LastSeen));
  priv->volume_share = 0.025;
  priv->multiplier = 1.0;
}

/**
 * aat_exchange_get_name:
 * @self: an exchange
 *
 * Returns: (transfer none): its name
 */
const char *
aat_exchange_get_name (AatExchange *self)
{
  g_return_val_if_fail (AAT_IS_EXCHANGE (self), NULL);
  return PRIV (self)->name != NULL ? PRIV (self)->name : G_OBJECT_TYPE_NAME (self);
}

/**
 * aat_exchange_get_exchange_type:
 * @self: an exchange
 *
 * Returns: (transfer none): the interned #AatExchangeType of its name
 */
AatExchangeType *
aat_exchange_get_exchange_type (AatExchange *self)
{
  AatExchangePrivate *priv;

  g_return_val_if_fail (AAT_IS_EXCHANGE (self), NULL);
  priv = PRIV (self);
  if (priv->type == NULL)
    priv->type = aat_exchange_type_get (aat_exchange_get_name (self));
  return priv->type;
}

/**
 * aat_exchange_get_engine:
 * @self: an exchange
 *
 * Returns: (transfer none) (nullable): the engine it was added to
 */
AatEngine *
aat_exchange_get_engine (AatExchange *self)
{
  g_return_val_if_fail (AAT_IS_EXCHANGE (self), NULL);
  return PRIV (self)->engine;
}

/**
 * aat_exchange_is_pull:
 * @self: an exchange
 *
 * Returns: %TRUE if the exchange replays history through next_event
 */
gboolean
aat_exchange_is_pull (AatExchange *self)
{
  g_return_val_if_fail (AAT_IS_EXCHANGE (self), FALSE);
  return AAT_EXCHANGE_GET_CLASS (self)->next_event != NULL;
}

/**
 * aat_exchange_start:
 * @self: an exchange
 * @error: return location for an error
 *
 * Opens files or connects. The engine calls this before the run.
 *
 * Returns: %TRUE on success
 */
gboolean
aat_exchange_start (AatExchange *self, GError **error)
{
  g_return_val_if_fail (AAT_IS_EXCHANGE (self), FALSE);
  return AAT_EXCHANGE_GET_CLASS (self)->start (self, error);
}

/**
 * aat_exchange_stop:
 * @self: an exchange
 *
 * Closes. The engine calls this after the run.
 */
void
aat_exchange_stop (AatExchange *self)
{
  g_return_if_fail (AAT_IS_EXCHANGE (self));
  if (AAT_EXCHANGE_GET_CLASS (self)->stop != NULL)
    AAT_EXCHANGE_GET_CLASS (self)->stop (self);
}

/**
 * aat_exchange_instruments:
 * @self: an exchange
 *
 * Returns: (transfer container) (element-type AatInstrument): what it offers
 */
GPtrArray *
aat_exchange_instruments (AatExchange *self)
{
  g_return_val_if_fail (AAT_IS_EXCHANGE (self), NULL);
  if (AAT_EXCHANGE_GET_CLASS (self)->instruments == NULL)
    return g_ptr_array_new ();
  return AAT_EXCHANGE_GET_CLASS (self)->instruments (self);
}

/**
 * aat_exchange_subscribe:
 * @self: an exchange
 * @instrument: an instrument
 *
 * Asks for market data of @instrument.
 */
void
aat_exchange_subscribe (AatExchange *self, AatInstrument *instrument)
{
  g_return_if_fail (AAT_IS_EXCHANGE (self));
  if (AAT_EXCHANGE_GET_CLASS (self)->subscribe != NULL)
    AAT_EXCHANGE_GET_CLASS (self)->subscribe (self, instrument);
}

/**
 * aat_exchange_next_event:
 * @self: a pull exchange
 * @error: return location for an error
 *
 * Returns: (transfer none) (nullable): the next market event, or %NULL at the end (or
 *   on error, with @error set)
 */
AatEvent *
aat_exchange_next_event (AatExchange *self, GError **error)
{
  g_return_val_if_fail (AAT_IS_EXCHANGE (self), NULL);
  g_return_val_if_fail (AAT_EXCHANGE_GET_CLASS (self)->next_event != NULL, NULL);
  return AAT_EXCHANGE_GET_CLASS (self)->next_event (self, error);
}

/**
 * aat_exchange_new_order:
 * @self: an exchange
 * @order: an order, with its id and owner set by the engine
 *
 * Sends an order to the exchange.
 */
void
aat_exchange_new_order (AatExchange *self, AatOrder *order)
{
  g_return_if_fail (AAT_IS_EXCHANGE (self));
  g_return_if_fail (order != NULL);
  AAT_EXCHANGE_GET_CLASS (self)->new_order (self, order);
}

/**
 * aat_exchange_cancel_order:
 * @self: an exchange
 * @order: a working order
 *
 * Asks the exchange to cancel an order.
 */
void
aat_exchange_cancel_order (AatExchange *self, AatOrder *order)
{
  g_return_if_fail (AAT_IS_EXCHANGE (self));
  g_return_if_fail (order != NULL);
  AAT_EXCHANGE_GET_CLASS (self)->cancel_order (self, order);
}

/**
 * aat_exchange_accounts:
 * @self: an exchange
 *
 * Returns: (transfer container) (element-type AatAccount): the accounts held there
 */
GPtrArray *
aat_exchange_accounts (AatExchange *self)
{
  g_return_val_if_fail (AAT_IS_EXCHANGE (self), NULL);
  if (AAT_EXCHANGE_GET_CLASS (self)->accounts == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) aat_account_unref);
  return AAT_EXCHANGE_GET_CLASS (self)->accounts (self);
}

/**
 * aat_exchange_connect_async:
 * @self: an exchange
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async) (closure user_data): called when connected
 * @user_data: data for @callback
 *
 * Connects to a live venue.
 */
void
aat_exchange_connect_async (AatExchange *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (AAT_IS_EXCHANGE (self));
  AAT_EXCHANGE_GET_CLASS (self)->connect_async (self, cancellable, callback, user_data);
}

/**
 * aat_exchange_connect_finish:
 * @self: an exchange
 * @result: the result
 * @error: return location for an error
 *
 * Returns: %TRUE when connected
 */
gboolean
aat_exchange_connect_finish (AatExchange *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (AAT_IS_EXCHANGE (self), FALSE);
  return AAT_EXCHANGE_GET_CLASS (self)->connect_finish (self, result, error);
}

/* ---- reliability (issue 9): the open-orders query used by journal recovery ---- */

/**
 * aat_exchange_open_orders:
 * @self: an exchange
 * @error: return location for an error
 *
 * Asks the venue which orders are working there, for recovery after a restart. Each
 * order carries its client order id; the exchange keeps reporting fills and cancels on
 * these same values, so the engine adopts them. Exchanges that cannot tell fail with
 * %G_IO_ERROR_NOT_SUPPORTED (the default).
 *
 * Since: 0.1
 *
 * Returns: (transfer container) (element-type AatOrder) (nullable): the working orders,
 *   or %NULL with @error set
 */
GPtrArray *
aat_exchange_open_orders (AatExchange *self, GError **error)
{
  AatExchangeClass *klass;

  g_return_val_if_fail (AAT_IS_EXCHANGE (self), NULL);
  klass = AAT_EXCHANGE_GET_CLASS (self);
  if (klass->open_orders == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "exchange '%s' cannot list its open orders",
                   aat_exchange_get_name (self));
      return NULL;
    }
  return klass->open_orders (self, error);
}
/* ---- end reliability ---- */

/**
 * aat_exchange_push_event:
 * @self: an exchange
 * @event: a market event, or an %AAT_EVENT_TYPE_EXIT event when the stream ends
 *
 * Hands a market event to the engine. Call it on the engine's #GMainContext.
 */
void
aat_exchange_push_event (AatExchange *self, AatEvent *event)
{
  g_return_if_fail (AAT_IS_EXCHANGE (self));
  g_return_if_fail (event != NULL);
  if (PRIV (self)->engine != NULL)
    _aat_engine_push_event (PRIV (self)->engine, self, event);
}

/**
 * aat_exchange_emit_received:
 * @self: an exchange
 * @order: the order it acknowledged
 *
 * Reports that an order was accepted.
 */
void
aat_exchange_emit_received (AatExchange *self, AatOrder *order)
{
  g_return_if_fail (AAT_IS_EXCHANGE (self));
  if (order->status < AAT_ORDER_STATUS_OPEN)
    order->status = AAT_ORDER_STATUS_OPEN;
  if (PRIV (self)->engine != NULL)
    _aat_engine_response (PRIV (self)->engine, self, AAT_EVENT_TYPE_RECEIVED, order, NULL, NULL);
}

/**
 * aat_exchange_emit_rejected:
 * @self: an exchange
 * @order: the order it refused
 * @reason: why
 *
 * Reports that an order was refused.
 */
void
aat_exchange_emit_rejected (AatExchange *self, AatOrder *order, const char *reason)
{
  g_return_if_fail (AAT_IS_EXCHANGE (self));
  order->status = AAT_ORDER_STATUS_REJECTED;
  if (PRIV (self)->engine != NULL)
    _aat_engine_response (PRIV (self)->engine, self, AAT_EVENT_TYPE_REJECTED, order, NULL, reason);
}

/**
 * aat_exchange_emit_fill:
 * @self: an exchange
 * @order: the order that filled
 * @volume: the volume of this fill
 * @price: its price
 * @fee: the fee charged
 * @slippage: the price moved against the order by slippage (0 for none)
 * @timestamp: when
 *
 * Reports a fill: updates the order and tells the engine, which books it in the
 * portfolio and calls the owner's on_bought or on_sold.
 */
void
aat_exchange_emit_fill (AatExchange *self, AatOrder *order, double volume, double price,
                        double fee, double slippage, AatTime timestamp)
{
  g_autoptr (AatTrade) trade = NULL;

  g_return_if_fail (AAT_IS_EXCHANGE (self));
  g_return_if_fail (order != NULL);
  aat_order_record_fill (order, volume, price, fee);
  trade = aat_trade_new (order->instrument, order->side, volume, price, timestamp);
  trade->exchange = aat_exchange_get_exchange_type (self);
  trade->fee = fee;
  trade->slippage = slippage;
  aat_trade_set_taker_order (trade, order);
  if (PRIV (self)->engine != NULL)
    _aat_engine_response (PRIV (self)->engine, self, order->side == AAT_SIDE_BUY ? AAT_EVENT_TYPE_BOUGHT : AAT_EVENT_TYPE_SOLD,
                          order, trade, NULL);
}

/**
 * aat_exchange_emit_canceled:
 * @self: an exchange
 * @order: the order that was cancelled or expired
 *
 * Reports that an order stopped working unfilled (or partly filled).
 */
void
aat_exchange_emit_canceled (AatExchange *self, AatOrder *order)
{
  g_return_if_fail (AAT_IS_EXCHANGE (self));
  if (order->status != AAT_ORDER_STATUS_EXPIRED)
    order->status = AAT_ORDER_STATUS_CANCELED;
  if (PRIV (self)->engine != NULL)
    _aat_engine_response (PRIV (self)->engine, self, AAT_EVENT_TYPE_CANCELED, order, NULL, NULL);
}

/**
 * aat_exchange_emit_error:
 * @self: an exchange
 * @error: what went wrong
 *
 * Reports an exchange failure; the run's outcome becomes a failure.
 */
void
aat_exchange_emit_error (AatExchange *self, const GError *error)
{
  g_return_if_fail (AAT_IS_EXCHANGE (self));
  g_warning ("exchange '%s': %s", aat_exchange_get_name (self), error->message);
  if (PRIV (self)->engine != NULL)
    _aat_engine_report_error (PRIV (self)->engine, NULL, error);
}

/* ---- the simulated broker ---- */

/**
 * aat_exchange_commission:
 * @self: an exchange
 * @instrument: what was traded
 * @volume: how much
 * @price: at what price
 *
 * Returns: the fee the exchange's commission model charges for a fill
 */
double
aat_exchange_commission (AatExchange *self, AatInstrument *instrument, double volume, double price)
{
  AatExchangePrivate *priv = PRIV (self);
  double value = fabs (volume) * price * aat_instrument_get_multiplier (instrument), fee;

  switch (priv->commission_model)
    {
    case AAT_COMMISSION_MODEL_PERCENT:
      return value * priv->commission_rate;
    case AAT_COMMISSION_MODEL_PER_SHARE:
      fee = fabs (volume) * priv->commission_per_share;
      fee = MAX (fee, priv->commission_minimum);
      if (priv->commission_maximum_percent > 0.0)
        fee = MIN (fee, value * priv->commission_maximum_percent);
      return fee;
    case AAT_COMMISSION_MODEL_PER_CONTRACT:
      return fabs (volume) * priv->commission_per_contract;
    case AAT_COMMISSION_MODEL_NONE:
      break;
    }
  return 0.0;
}

/**
 * aat_exchange_slip:
 * @self: an exchange
 * @instrument: what is traded
 * @side: the taker's side
 * @price: the model's fill price
 *
 * Returns: @price moved against the taker by the slippage model
 */
double
aat_exchange_slip (AatExchange *self, AatInstrument *instrument, AatSide side, double price)
{
  AatExchangePrivate *priv = PRIV (self);
  double dir = side == AAT_SIDE_BUY ? 1.0 : -1.0;

  switch (priv->slippage_model)
    {
    case AAT_SLIPPAGE_MODEL_BPS:
      return price * (1.0 + dir * priv->slippage_bps / 10000.0);
    case AAT_SLIPPAGE_MODEL_TICKS:
      return price + dir * priv->slippage_ticks * aat_instrument_get_tick_size (instrument);
    case AAT_SLIPPAGE_MODEL_NONE:
    case AAT_SLIPPAGE_MODEL_VOLUME_SHARE:
      break;
    }
  return price;
}

/**
 * aat_exchange_get_pending_count:
 * @self: an exchange
 *
 * Returns: how many orders wait in the simulated broker
 */
guint
aat_exchange_get_pending_count (AatExchange *self)
{
  g_return_val_if_fail (AAT_IS_EXCHANGE (self), 0);
  return PRIV (self)->pending->len;
}

static LastSeen *
last_for (AatExchangePrivate *priv, AatInstrument *instrument)
{
  guint idx = AAT_INSTRUMENT_INDEX (instrument);

  if (idx >= priv->last->len)
    g_array_set_size (priv->last, idx + 1);
  return &g_array_index (priv->last, LastSeen, idx);
}

static void
sim_fill (AatExchange *self, AatOrder *order, double price, double available, AatTime ts)
{
  AatExchangePrivate *priv = PRIV (self);
  double volume = aat_order_get_remaining (order), fill_price;

  if (order->notional > 0.0 && order->volume == 0.0)
    {
      /* a notional market order becomes whole lots at the fill price */
      double lot = aat_instrument_get_lot_size (order->instrument);
      volume = floor (order->notional / (price * lot) + 1e-9) * lot;
      order->volume = volume;
      if (volume <= 0.0)
        {
          aat_exchange_emit_rejected (self, order, "notional is worth less than one lot");
          return;
        }
    }
  if (priv->slippage_model == AAT_SLIPPAGE_MODEL_VOLUME_SHARE && available > 0.0)
    {
      double lot = aat_instrument_get_lot_size (order->instrument);
      double cap = floor (available * priv->volume_share / lot + 1e-9) * lot;
      volume = MIN (volume, cap);
      if (volume <= 0.0)
        return;
    }
  fill_price = aat_exchange_slip (self, order->instrument, order->side, price);
  aat_exchange_emit_fill (self, order, volume, fill_price,
                          aat_exchange_commission (self, order->instrument, volume, fill_price),
                          fabs (fill_price - price), ts);
}

static gboolean
sim_validate (AatExchange *self, AatOrder *order, const char **reason)
{
  gboolean notional = order->type == AAT_ORDER_TYPE_MARKET && order->notional > 0.0 && order->volume == 0.0;

  if (!notional && (!(order->volume > 0.0) || !isfinite (order->volume)))
    {
      *reason = aat_reject_reason_to_string (AAT_REJECT_REASON_BAD_VOLUME);
      return FALSE;
    }
  if ((order->type == AAT_ORDER_TYPE_LIMIT || order->type == AAT_ORDER_TYPE_STOP_LIMIT) &&
      (!(order->price > 0.0) || !isfinite (order->price)))
    {
      *reason = aat_reject_reason_to_string (AAT_REJECT_REASON_BAD_PRICE);
      return FALSE;
    }
  if ((order->type == AAT_ORDER_TYPE_STOP_MARKET || order->type == AAT_ORDER_TYPE_STOP_LIMIT) &&
      (!(order->stop_price > 0.0) || !isfinite (order->stop_price)))
    {
      *reason = "stop price must be positive and finite";
      return FALSE;
    }
  if (order->flag != AAT_ORDER_FLAG_NONE)
    {
      *reason = "execution flags need an order book; the simulated broker does not support them";
      return FALSE;
    }
  return TRUE;
}

static void
sim_new_order (AatExchange *self, AatOrder *order)
{
  AatExchangePrivate *priv = PRIV (self);
  const char *reason = NULL;
  LastSeen *last;

  if (!sim_validate (self, order, &reason))
    {
      aat_exchange_emit_rejected (self, order, reason);
      return;
    }
  aat_exchange_emit_received (self, order);
  last = last_for (priv, order->instrument);
  if (order->type == AAT_ORDER_TYPE_MARKET && priv->fill_timing == AAT_FILL_TIMING_IMMEDIATE)
    {
      AatTime now = priv->engine != NULL ? aat_engine_now (priv->engine) : order->timestamp;
      if (last->have_quote)
        {
          sim_fill (self, order, order->side == AAT_SIDE_BUY ? last->ask : last->bid, 0.0, now);
          return;
        }
      if (last->have_bar)
        {
          sim_fill (self, order, last->close, 0.0, now);
          return;
        }
      if (last->have_trade)
        {
          sim_fill (self, order, last->trade, 0.0, now);
          return;
        }
    }
  g_ptr_array_add (priv->pending, aat_order_ref (order));
}

static void
sim_cancel_order (AatExchange *self, AatOrder *order)
{
  AatExchangePrivate *priv = PRIV (self);
  guint idx;

  if (g_ptr_array_find (priv->pending, order, &idx) && !aat_order_is_done (order))
    {
      aat_exchange_emit_canceled (self, order);
      if (!priv->simulating)
        {
          g_hash_table_remove (priv->triggered, &order->id);
          g_ptr_array_remove_index (priv->pending, idx);
        }
    }
  else
    aat_exchange_emit_rejected (self, order, "cannot cancel: the order is not working");
}

static gboolean
expired (AatOrder *order, AatTime bar_time)
{
  if (order->tif == AAT_TIME_IN_FORCE_GTD)
    return order->expire_time != 0 && bar_time >= order->expire_time;
  if (order->tif == AAT_TIME_IN_FORCE_DAY)
    return bar_time / (86400 * AAT_TIME_SECOND) > order->timestamp / (86400 * AAT_TIME_SECOND);
  return FALSE;
}

/* The limit rule on a bar; returns the fill price or NAN. */
static double
fill_limit (AatSide side, double limit, double open, double high, double low)
{
  if (side == AAT_SIDE_BUY)
    {
      if (open <= limit)
        return open;
      if (low <= limit)
        return limit;
    }
  else
    {
      if (open >= limit)
        return open;
      if (high >= limit)
        return limit;
    }
  return NAN;
}

static double
fill_stop (AatSide side, double stop, double open, double high, double low)
{
  if (side == AAT_SIDE_BUY)
    {
      if (open >= stop)
        return open;
      if (high >= stop)
        return stop;
    }
  else
    {
      if (open <= stop)
        return open;
      if (low <= stop)
        return stop;
    }
  return NAN;
}

/* Stop-limit on its trigger bar (the backtrader rule). *triggered is set when the trigger
 * fires, whether or not the order fills. */
static double
fill_stop_limit (AatSide side, double stop, double limit, const AatBar *bar, gboolean *triggered)
{
  if (side == AAT_SIDE_BUY)
    {
      if (bar->open >= stop)
        {
          *triggered = TRUE;
          return fill_limit (side, limit, bar->open, bar->high, bar->low);
        }
      if (bar->high >= stop)
        {
          *triggered = TRUE;
          if (bar->open > bar->close)
            {
              if (limit >= stop)
                return stop;
              if (limit >= bar->close)
                return limit;
              return NAN;
            }
          return limit >= stop ? stop : NAN;
        }
    }
  else
    {
      if (bar->open <= stop)
        {
          *triggered = TRUE;
          return fill_limit (side, limit, bar->open, bar->high, bar->low);
        }
      if (bar->low <= stop)
        {
          *triggered = TRUE;
          if (bar->open < bar->close)
            {
              if (limit <= stop)
                return stop;
              if (limit <= bar->close)
                return limit;
              return NAN;
            }
          return limit <= stop ? stop : NAN;
        }
    }
  return NAN;
}

static double
price_for_order (AatExchangePrivate *priv, AatOrder *order, AatEvent *event, double *available)
{
  gboolean buy = order->side == AAT_SIDE_BUY, trig = FALSE;
  double px;

  *available = 0.0;
  if (event->kind == AAT_PAYLOAD_BAR)
    {
      const AatBar *bar = event->payload;
      *available = bar->volume;
      switch (order->type)
        {
        case AAT_ORDER_TYPE_MARKET:
          return bar->open;
        case AAT_ORDER_TYPE_LIMIT:
          return fill_limit (order->side, order->price, bar->open, bar->high, bar->low);
        case AAT_ORDER_TYPE_STOP_MARKET:
          return fill_stop (order->side, order->stop_price, bar->open, bar->high, bar->low);
        case AAT_ORDER_TYPE_STOP_LIMIT:
          if (g_hash_table_contains (priv->triggered, &order->id))
            return fill_limit (order->side, order->price, bar->open, bar->high, bar->low);
          px = fill_stop_limit (order->side, order->stop_price, order->price, bar, &trig);
          if (trig)
            g_hash_table_add (priv->triggered, &order->id);
          return px;
        }
    }
  else
    {
      /* trades and quotes: one price to execute against per side */
      double p;
      if (event->kind == AAT_PAYLOAD_TRADE)
        {
          const AatTrade *t = event->payload;
          p = t->price;
          *available = t->volume;
        }
      else
        {
          const AatQuote *q = event->payload;
          p = buy ? q->ask : q->bid;
          *available = buy ? q->ask_size : q->bid_size;
          if (!(p > 0.0))
            return NAN;
        }
      switch (order->type)
        {
        case AAT_ORDER_TYPE_MARKET:
          return p;
        case AAT_ORDER_TYPE_LIMIT:
          return (buy ? p <= order->price : p >= order->price) ? p : NAN;
        case AAT_ORDER_TYPE_STOP_MARKET:
          return (buy ? p >= order->stop_price : p <= order->stop_price) ? p : NAN;
        case AAT_ORDER_TYPE_STOP_LIMIT:
          if (!g_hash_table_contains (priv->triggered, &order->id))
            {
              if (!(buy ? p >= order->stop_price : p <= order->stop_price))
                return NAN;
              g_hash_table_add (priv->triggered, &order->id);
            }
          return (buy ? p <= order->price : p >= order->price) ? p : NAN;
        }
    }
  return NAN;
}

/**
 * aat_exchange_simulate:
 * @self: an exchange
 * @event: a market event from this exchange, about to be dispatched
 *
 * Fills the simulated broker's pending orders against @event. The engine calls this
 * before strategies see the event, so a fill on a bar is reported before that bar's
 * on_bar.
 */
void
aat_exchange_simulate (AatExchange *self, AatEvent *event)
{
  AatExchangePrivate *priv = PRIV (self);
  AatInstrument *instrument;
  LastSeen *last;
  AatTime ts;

  if (event->kind != AAT_PAYLOAD_BAR && event->kind != AAT_PAYLOAD_TRADE && event->kind != AAT_PAYLOAD_QUOTE)
    return;
  instrument = aat_event_get_instrument (event);

  if (priv->pending->len > 0)
    {
      /* The orders pending now, in place: an order placed while this runs (if a response
       * is delivered at once) is appended and waits for the next event, and a cancel only
       * marks its order, which the sweep below removes. No copy, no allocation. */
      guint n = priv->pending->len;

      ts = event->kind == AAT_PAYLOAD_BAR ? ((AatBar *) event->payload)->timestamp : event->timestamp;
      priv->simulating = TRUE;
      for (guint i = 0; i < n; i++)
        {
          AatOrder *order = priv->pending->pdata[i];
          double px, available;
          if (order->instrument != instrument || aat_order_is_done (order))
            continue;
          if (event->kind == AAT_PAYLOAD_BAR && expired (order, ts))
            {
              order->status = AAT_ORDER_STATUS_EXPIRED;
              aat_exchange_emit_canceled (self, order);
              continue;
            }
          px = price_for_order (priv, order, event, &available);
          if (!isnan (px))
            sim_fill (self, order, px, available, event->kind == AAT_PAYLOAD_BAR ? ts : event->timestamp);
        }
      priv->simulating = FALSE;
      for (guint i = priv->pending->len; i > 0; i--)
        {
          AatOrder *order = priv->pending->pdata[i - 1];
          if (aat_order_is_done (order))
            {
              g_hash_table_remove (priv->triggered, &order->id);
              g_ptr_array_remove_index (priv->pending, i - 1);
            }
        }
    }

  last = last_for (priv, instrument);
  switch (event->kind)
    {
    case AAT_PAYLOAD_BAR:
      last->close = ((AatBar *) event->payload)->close;
      last->have_bar = TRUE;
      break;
    case AAT_PAYLOAD_QUOTE:
      last->bid = ((AatQuote *) event->payload)->bid;
      last->ask = ((AatQuote *) event->payload)->ask;
      last->have_quote = TRUE;
      break;
    case AAT_PAYLOAD_TRADE:
      last->trade = ((AatTrade *) event->payload)->price;
      last->have_trade = TRUE;
      break;
    default:
      break;
    }
}
