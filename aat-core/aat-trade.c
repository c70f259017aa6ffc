/* aat-trade.c: the trade value. */
#include "config.h"
#include "aat-private.h"

G_DEFINE_BOXED_TYPE (AatTrade, aat_trade, aat_trade_ref, aat_trade_unref)

/**
 * aat_trade_new:
 * @instrument: what traded
 * @side: the taker's side
 * @volume: how much
 * @price: at what price
 * @timestamp: when
 *
 * Returns: (transfer full): a new trade
 */
AatTrade *
aat_trade_new (AatInstrument *instrument, AatSide side, double volume, double price,
               AatTime timestamp)
{
  AatTrade *self = g_slice_new0 (AatTrade);

  self->ref_count = 1;
  self->instrument = instrument;
  self->side = side;
  self->volume = volume;
  self->price = price;
  self->timestamp = timestamp;
  return self;
}

/**
 * aat_trade_ref:
 * @self: a trade
 *
 * Returns: (transfer full): @self, with one more reference
 */
AatTrade *
aat_trade_ref (AatTrade *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * aat_trade_unref:
 * @self: (transfer full): a trade
 *
 * Drops a reference; the last one frees the trade.
 */
void
aat_trade_unref (AatTrade *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_int_dec_and_test (&self->ref_count))
    {
      if (self->taker != NULL)
        aat_order_unref (self->taker);
      if (self->makers != NULL)
        g_ptr_array_unref (self->makers);
      g_slice_free (AatTrade, self);
    }
}

#define GETTER(rtype, name, field, fallback)                        \
  rtype aat_trade_get_##name (const AatTrade *self)                  \
  {                                                                  \
    g_return_val_if_fail (self != NULL, fallback);                   \
    return self->field;                                              \
  }

/**
 * aat_trade_get_id:
 * @self: a trade
 *
 * Returns: its id (0 if the source gave none)
 */
GETTER (guint64, id, id, 0)

/**
 * aat_trade_get_timestamp:
 * @self: a trade
 *
 * Returns: when it happened
 */
GETTER (AatTime, timestamp, timestamp, 0)

/**
 * aat_trade_get_instrument:
 * @self: a trade
 *
 * Returns: (transfer none): what traded
 */
GETTER (AatInstrument *, instrument, instrument, NULL)

/**
 * aat_trade_get_exchange:
 * @self: a trade
 *
 * Returns: (transfer none) (nullable): where it traded
 */
GETTER (AatExchangeType *, exchange, exchange, NULL)

/**
 * aat_trade_get_side:
 * @self: a trade
 *
 * Returns: the taker's side
 */
GETTER (AatSide, side, side, AAT_SIDE_BUY)

/**
 * aat_trade_get_price:
 * @self: a trade
 *
 * Returns: the price (after slippage, for simulated fills)
 */
GETTER (double, price, price, 0.0)

/**
 * aat_trade_get_volume:
 * @self: a trade
 *
 * Returns: the volume
 */
GETTER (double, volume, volume, 0.0)

/**
 * aat_trade_get_fee:
 * @self: a trade
 *
 * Returns: the fee charged
 */
GETTER (double, fee, fee, 0.0)

/**
 * aat_trade_get_slippage:
 * @self: a trade
 *
 * Returns: the price moved against the taker by the slippage model (0 for none)
 */
GETTER (double, slippage, slippage, 0.0)

/**
 * aat_trade_get_taker_order:
 * @self: a trade
 *
 * Returns: (transfer none) (nullable): the order that took liquidity
 */
GETTER (AatOrder *, taker_order, taker, NULL)

#undef GETTER

/**
 * aat_trade_set_id:
 * @self: a trade
 * @id: its id
 *
 * Sets the id.
 */
void
aat_trade_set_id (AatTrade *self, guint64 id)
{
  g_return_if_fail (self != NULL);
  self->id = id;
}

/**
 * aat_trade_set_exchange:
 * @self: a trade
 * @exchange: (nullable): where it traded
 *
 * Sets the exchange.
 */
void
aat_trade_set_exchange (AatTrade *self, AatExchangeType *exchange)
{
  g_return_if_fail (self != NULL);
  self->exchange = exchange;
}

/**
 * aat_trade_get_notional:
 * @self: a trade
 *
 * Returns: price × volume × the instrument's multiplier
 */
double
aat_trade_get_notional (const AatTrade *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->price * self->volume * aat_instrument_get_multiplier (self->instrument);
}

/**
 * aat_trade_set_fee:
 * @self: a trade
 * @fee: the fee charged
 *
 * Sets the fee.
 */
void
aat_trade_set_fee (AatTrade *self, double fee)
{
  g_return_if_fail (self != NULL);
  self->fee = fee;
}

/**
 * aat_trade_set_slippage:
 * @self: a trade
 * @slippage: the price moved against the taker
 *
 * Records slippage.
 */
void
aat_trade_set_slippage (AatTrade *self, double slippage)
{
  g_return_if_fail (self != NULL);
  self->slippage = slippage;
}

/**
 * aat_trade_set_taker_order:
 * @self: a trade
 * @order: (nullable): the order that took liquidity
 *
 * Sets the taker order.
 */
void
aat_trade_set_taker_order (AatTrade *self, AatOrder *order)
{
  g_return_if_fail (self != NULL);
  if (order != NULL)
    aat_order_ref (order);
  if (self->taker != NULL)
    aat_order_unref (self->taker);
  self->taker = order;
}

/**
 * aat_trade_get_maker_orders:
 * @self: a trade
 *
 * Returns: (transfer none) (element-type AatOrder): the resting orders it matched
 */
GPtrArray *
aat_trade_get_maker_orders (AatTrade *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (self->makers == NULL)
    self->makers = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref);
  return self->makers;
}

/**
 * aat_trade_add_maker_order:
 * @self: a trade
 * @order: a resting order it matched
 *
 * Adds a maker order.
 */
void
aat_trade_add_maker_order (AatTrade *self, AatOrder *order)
{
  g_return_if_fail (self != NULL && order != NULL);
  g_ptr_array_add (aat_trade_get_maker_orders (self), aat_order_ref (order));
}
