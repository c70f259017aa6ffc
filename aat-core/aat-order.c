/* aat-order.c: the order value.
 *
 * An order is a small ref-counted boxed struct (no GObject per order). Its price and
 * stop price are snapped to the instrument's tick grid when it is created, so they
 * cannot drift; exchanges and order books reject anything off the grid.
 */
#include "config.h"
#include "aat-private.h"

#include <math.h>

G_DEFINE_BOXED_TYPE (AatOrder, aat_order, aat_order_ref, aat_order_unref)

static AatOrder *
order_alloc (AatInstrument *instrument, AatSide side, AatOrderType type, double volume)
{
  AatOrder *self = g_slice_new0 (AatOrder);

  self->ref_count = 1;
  self->instrument = instrument;
  self->side = side;
  self->type = type;
  self->volume = volume;
  self->status = AAT_ORDER_STATUS_NEW;
  self->stop_target = type == AAT_ORDER_TYPE_STOP_LIMIT ? AAT_ORDER_TYPE_LIMIT : AAT_ORDER_TYPE_MARKET;
  return self;
}

/**
 * aat_order_new:
 * @instrument: what to trade
 * @side: buy or sell
 * @type: market or limit (use aat_order_new_stop() for stops)
 * @volume: how much, in units of the instrument
 * @price: the limit price; ignored for market orders
 *
 * Creates an order. The price is snapped to the instrument's tick grid. Values are not
 * validated here: the risk engine and the exchange reject bad orders with a reason.
 *
 * Returns: (transfer full): a new order
 */
AatOrder *
aat_order_new (AatInstrument *instrument, AatSide side, AatOrderType type, double volume,
               double price)
{
  AatOrder *self;

  g_return_val_if_fail (AAT_IS_INSTRUMENT (instrument), NULL);

  self = order_alloc (instrument, side, type, volume);
  self->price = type == AAT_ORDER_TYPE_MARKET ? 0.0 : aat_instrument_round_price (instrument, price);
  return self;
}

/**
 * aat_order_new_stop:
 * @instrument: what to trade
 * @side: buy or sell
 * @type: %AAT_ORDER_TYPE_STOP_MARKET or %AAT_ORDER_TYPE_STOP_LIMIT
 * @volume: how much
 * @stop_price: the trigger: a trade at or through it submits the target order
 * @limit_price: the target's limit price (stop-limit only)
 *
 * Creates a stop order.
 *
 * Returns: (transfer full): a new order
 */
AatOrder *
aat_order_new_stop (AatInstrument *instrument, AatSide side, AatOrderType type, double volume,
                    double stop_price, double limit_price)
{
  AatOrder *self;

  g_return_val_if_fail (AAT_IS_INSTRUMENT (instrument), NULL);
  g_return_val_if_fail (type == AAT_ORDER_TYPE_STOP_MARKET || type == AAT_ORDER_TYPE_STOP_LIMIT, NULL);

  self = order_alloc (instrument, side, type, volume);
  self->stop_price = aat_instrument_round_price (instrument, stop_price);
  self->price = type == AAT_ORDER_TYPE_STOP_LIMIT ? aat_instrument_round_price (instrument, limit_price) : 0.0;
  return self;
}

/**
 * aat_order_new_notional:
 * @instrument: what to trade
 * @side: buy or sell
 * @notional: how much value to trade, in the instrument's currency
 *
 * Creates a market order for a value rather than a volume ("buy 10,000 worth"). It
 * executes against the book until the value is used up, in whole lots.
 *
 * Returns: (transfer full): a new order
 */
AatOrder *
aat_order_new_notional (AatInstrument *instrument, AatSide side, double notional)
{
  AatOrder *self;

  g_return_val_if_fail (AAT_IS_INSTRUMENT (instrument), NULL);

  self = order_alloc (instrument, side, AAT_ORDER_TYPE_MARKET, 0.0);
  self->notional = notional;
  return self;
}

/**
 * aat_order_ref:
 * @self: an order
 *
 * Returns: (transfer full): @self, with one more reference
 */
AatOrder *
aat_order_ref (AatOrder *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * aat_order_unref:
 * @self: (transfer full): an order
 *
 * Drops a reference; the last one frees the order.
 */
void
aat_order_unref (AatOrder *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_int_dec_and_test (&self->ref_count))
    {
      g_free (self->client_id);
      g_slice_free (AatOrder, self);
    }
}

/**
 * aat_order_copy:
 * @self: an order
 *
 * Returns: (transfer full): an independent copy of @self with the same id
 */
AatOrder *
aat_order_copy (const AatOrder *self)
{
  AatOrder *copy;

  g_return_val_if_fail (self != NULL, NULL);
  copy = g_slice_dup (AatOrder, self);
  copy->ref_count = 1;
  copy->client_id = g_strdup (self->client_id);
  return copy;
}

#define GETTER(rtype, name, field, fallback)                        \
  rtype aat_order_get_##name (const AatOrder *self)                  \
  {                                                                  \
    g_return_val_if_fail (self != NULL, fallback);                   \
    return self->field;                                              \
  }

/**
 * aat_order_get_id:
 * @self: an order
 *
 * Returns: the engine-assigned id, unique within a run (0 before it is placed)
 */
GETTER (guint64, id, id, 0)

/**
 * aat_order_set_id:
 * @self: an order
 * @id: the id
 *
 * Sets the id. The engine assigns ids when an order is placed; order books and
 * exchanges used directly take the id given.
 */
void
aat_order_set_id (AatOrder *self, guint64 id)
{
  g_return_if_fail (self != NULL);
  self->id = id;
}

/**
 * aat_order_get_client_id:
 * @self: an order
 *
 * Returns: (transfer none) (nullable): the client order id sent to the venue
 */
GETTER (const char *, client_id, client_id, NULL)

/**
 * aat_order_set_client_id:
 * @self: an order
 * @client_id: (nullable): the client order id
 *
 * Sets the client order id.
 */
void
aat_order_set_client_id (AatOrder *self, const char *client_id)
{
  g_return_if_fail (self != NULL);
  g_free (self->client_id);
  self->client_id = g_strdup (client_id);
}

/**
 * aat_order_get_timestamp:
 * @self: an order
 *
 * Returns: when it was placed, in engine time
 */
GETTER (AatTime, timestamp, timestamp, 0)

/**
 * aat_order_set_timestamp:
 * @self: an order
 * @timestamp: when it was placed
 *
 * Sets the time of placement.
 */
void
aat_order_set_timestamp (AatOrder *self, AatTime timestamp)
{
  g_return_if_fail (self != NULL);
  self->timestamp = timestamp;
}

/**
 * aat_order_get_instrument:
 * @self: an order
 *
 * Returns: (transfer none): what it trades
 */
GETTER (AatInstrument *, instrument, instrument, NULL)

/**
 * aat_order_get_exchange:
 * @self: an order
 *
 * Returns: (transfer none) (nullable): where it trades; %NULL lets the engine choose
 */
GETTER (AatExchangeType *, exchange, exchange, NULL)

/**
 * aat_order_set_exchange:
 * @self: an order
 * @exchange: (nullable): where it trades
 *
 * Sets the exchange.
 */
void
aat_order_set_exchange (AatOrder *self, AatExchangeType *exchange)
{
  g_return_if_fail (self != NULL);
  self->exchange = exchange;
}

/**
 * aat_order_get_side:
 * @self: an order
 *
 * Returns: buy or sell
 */
GETTER (AatSide, side, side, AAT_SIDE_BUY)

/**
 * aat_order_get_order_type:
 * @self: an order
 *
 * Returns: its type
 */
GETTER (AatOrderType, order_type, type, AAT_ORDER_TYPE_MARKET)

/**
 * aat_order_get_flag:
 * @self: an order
 *
 * Returns: its execution condition
 */
GETTER (AatOrderFlag, flag, flag, AAT_ORDER_FLAG_NONE)

/**
 * aat_order_set_flag:
 * @self: an order
 * @flag: an execution condition
 *
 * Sets the execution condition.
 */
void
aat_order_set_flag (AatOrder *self, AatOrderFlag flag)
{
  g_return_if_fail (self != NULL);
  self->flag = flag;
}

/**
 * aat_order_get_time_in_force:
 * @self: an order
 *
 * Returns: how long it stays working
 */
GETTER (AatTimeInForce, time_in_force, tif, AAT_TIME_IN_FORCE_GTC)

/**
 * aat_order_get_expire_time:
 * @self: an order
 *
 * Returns: the expiry of a GTD order, or 0
 */
GETTER (AatTime, expire_time, expire_time, 0)

/**
 * aat_order_set_time_in_force:
 * @self: an order
 * @tif: how long it stays working
 * @expire_time: the expiry, for %AAT_TIME_IN_FORCE_GTD
 *
 * Sets the time in force.
 */
void
aat_order_set_time_in_force (AatOrder *self, AatTimeInForce tif, AatTime expire_time)
{
  g_return_if_fail (self != NULL);
  self->tif = tif;
  self->expire_time = tif == AAT_TIME_IN_FORCE_GTD ? expire_time : 0;
}

/**
 * aat_order_get_volume:
 * @self: an order
 *
 * Returns: the volume ordered
 */
GETTER (double, volume, volume, 0.0)

/**
 * aat_order_set_volume:
 * @self: an order
 * @volume: the volume ordered
 *
 * Sets the volume (before the order is placed; use the order book's change afterwards).
 */
void
aat_order_set_volume (AatOrder *self, double volume)
{
  g_return_if_fail (self != NULL);
  self->volume = volume;
}

/**
 * aat_order_get_price:
 * @self: an order
 *
 * Returns: the limit price (0 for market orders)
 */
GETTER (double, price, price, 0.0)

/**
 * aat_order_set_price:
 * @self: an order
 * @price: the limit price
 *
 * Sets the limit price, snapped to the tick grid.
 */
void
aat_order_set_price (AatOrder *self, double price)
{
  g_return_if_fail (self != NULL);
  self->price = aat_instrument_round_price (self->instrument, price);
}

/**
 * aat_order_get_stop_price:
 * @self: an order
 *
 * Returns: the trigger of a stop order, or 0
 */
GETTER (double, stop_price, stop_price, 0.0)

/**
 * aat_order_get_stop_target_type:
 * @self: an order
 *
 * Returns: the type of the order a stop submits when triggered (market or limit)
 */
GETTER (AatOrderType, stop_target_type, stop_target, AAT_ORDER_TYPE_MARKET)

/**
 * aat_order_get_notional:
 * @self: an order
 *
 * Returns: the value of a notional market order, or 0
 */
GETTER (double, notional, notional, 0.0)

/**
 * aat_order_get_filled:
 * @self: an order
 *
 * Returns: the volume filled so far
 */
GETTER (double, filled, filled, 0.0)

/**
 * aat_order_get_fees:
 * @self: an order
 *
 * Returns: the fees charged on its fills so far
 */
GETTER (double, fees, fees, 0.0)

/**
 * aat_order_get_status:
 * @self: an order
 *
 * Returns: where it is in its life cycle
 */
GETTER (AatOrderStatus, status, status, AAT_ORDER_STATUS_NEW)

/**
 * aat_order_get_strategy:
 * @self: an order
 *
 * Returns: (transfer none) (nullable): the strategy that placed it
 */
GETTER (AatStrategy *, strategy, strategy, NULL)

#undef GETTER

void
_aat_order_set_strategy (AatOrder *self, AatStrategy *strategy)
{
  self->strategy = strategy;
}

/**
 * aat_order_set_status:
 * @self: an order
 * @status: its new status
 *
 * Sets the status. Exchanges call this as the order moves through its life cycle.
 */
void
aat_order_set_status (AatOrder *self, AatOrderStatus status)
{
  g_return_if_fail (self != NULL);
  self->status = status;
}

/**
 * aat_order_get_remaining:
 * @self: an order
 *
 * Returns: the volume still to fill
 */
double
aat_order_get_remaining (const AatOrder *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->volume - self->filled;
}

/**
 * aat_order_get_average_price:
 * @self: an order
 *
 * Returns: the volume-weighted average fill price, or 0 before any fill
 */
double
aat_order_get_average_price (const AatOrder *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->filled > 0.0 ? self->fill_value / self->filled : 0.0;
}

/**
 * aat_order_is_done:
 * @self: an order
 *
 * Returns: %TRUE once the order can no longer fill (filled, cancelled, rejected or expired)
 */
gboolean
aat_order_is_done (const AatOrder *self)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return self->status >= AAT_ORDER_STATUS_FILLED;
}

/**
 * aat_order_record_fill:
 * @self: an order
 * @volume: the volume of this fill
 * @price: its price
 * @fee: the fee charged on it
 *
 * Adds a fill to the order's totals and moves its status to partial or filled.
 * Exchanges call this.
 */
void
aat_order_record_fill (AatOrder *self, double volume, double price, double fee)
{
  g_return_if_fail (self != NULL);
  self->filled += volume;
  self->fill_value += volume * price;
  self->fees += fee;
  if (self->notional > 0.0 && self->volume == 0.0)
    self->status = AAT_ORDER_STATUS_PARTIAL;
  else
    self->status = self->filled + 1e-9 >= self->volume ? AAT_ORDER_STATUS_FILLED : AAT_ORDER_STATUS_PARTIAL;
}

/**
 * aat_order_to_string:
 * @self: an order
 *
 * Returns: (transfer full): a one-line description, for logs
 */
char *
aat_order_to_string (const AatOrder *self)
{
  g_autoptr (GEnumClass) sc = NULL;
  g_autoptr (GEnumClass) tc = NULL;
  g_autoptr (GEnumClass) stc = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  sc = g_type_class_ref (AAT_TYPE_SIDE);
  tc = g_type_class_ref (AAT_TYPE_ORDER_TYPE);
  stc = g_type_class_ref (AAT_TYPE_ORDER_STATUS);
  return g_strdup_printf ("order #%" G_GUINT64_FORMAT " %s %s %g %s @ %g (filled %g, %s)",
                          self->id,
                          g_enum_get_value (sc, self->side)->value_nick,
                          g_enum_get_value (tc, self->type)->value_nick,
                          self->volume,
                          aat_instrument_get_name (self->instrument),
                          self->price, self->filled,
                          g_enum_get_value (stc, self->status)->value_nick);
}
