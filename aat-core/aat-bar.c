/* aat-bar.c: OHLCV bars and quotes, the market-data values besides trades. */
#include "config.h"
#include "aat-private.h"

G_DEFINE_BOXED_TYPE (AatBar, aat_bar, aat_bar_ref, aat_bar_unref)
G_DEFINE_BOXED_TYPE (AatQuote, aat_quote, aat_quote_ref, aat_quote_unref)

/**
 * aat_bar_new:
 * @instrument: the instrument
 * @timestamp: the start of the bar
 * @interval: its length (0 if unknown)
 * @open: first price
 * @high: highest price
 * @low: lowest price
 * @close: last price
 * @volume: volume traded
 *
 * Returns: (transfer full): a new bar
 */
AatBar *
aat_bar_new (AatInstrument *instrument, AatTime timestamp, AatTime interval, double open,
             double high, double low, double close, double volume)
{
  AatBar *self = g_slice_new0 (AatBar);

  self->ref_count = 1;
  self->instrument = instrument;
  self->timestamp = timestamp;
  self->interval = interval;
  self->open = open;
  self->high = high;
  self->low = low;
  self->close = close;
  self->volume = volume;
  return self;
}

/**
 * aat_bar_ref:
 * @self: a bar
 *
 * Returns: (transfer full): @self, with one more reference
 */
AatBar *
aat_bar_ref (AatBar *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * aat_bar_unref:
 * @self: (transfer full): a bar
 *
 * Drops a reference.
 */
void
aat_bar_unref (AatBar *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_int_dec_and_test (&self->ref_count))
    g_slice_free (AatBar, self);
}

#define GETTER(type, rtype, name, field, fallback)               \
  rtype aat_##type##_get_##name (const Aat##type##_t *self)      \
  {                                                              \
    g_return_val_if_fail (self != NULL, fallback);               \
    return self->field;                                          \
  }
typedef AatBar Aatbar_t;
typedef AatQuote Aatquote_t;

/**
 * aat_bar_get_instrument:
 * @self: a bar
 *
 * Returns: (transfer none): its instrument
 */
GETTER (bar, AatInstrument *, instrument, instrument, NULL)
/**
 * aat_bar_get_exchange:
 * @self: a bar
 *
 * Returns: (transfer none) (nullable): where it came from
 */
GETTER (bar, AatExchangeType *, exchange, exchange, NULL)
/**
 * aat_bar_get_timestamp:
 * @self: a bar
 *
 * Returns: its start
 */
GETTER (bar, AatTime, timestamp, timestamp, 0)
/**
 * aat_bar_get_interval:
 * @self: a bar
 *
 * Returns: its length, or 0 if unknown
 */
GETTER (bar, AatTime, interval, interval, 0)
/**
 * aat_bar_get_open:
 * @self: a bar
 *
 * Returns: the first price
 */
GETTER (bar, double, open, open, 0.0)
/**
 * aat_bar_get_high:
 * @self: a bar
 *
 * Returns: the highest price
 */
GETTER (bar, double, high, high, 0.0)
/**
 * aat_bar_get_low:
 * @self: a bar
 *
 * Returns: the lowest price
 */
GETTER (bar, double, low, low, 0.0)
/**
 * aat_bar_get_close:
 * @self: a bar
 *
 * Returns: the last price
 */
GETTER (bar, double, close, close, 0.0)
/**
 * aat_bar_get_volume:
 * @self: a bar
 *
 * Returns: the volume traded
 */
GETTER (bar, double, volume, volume, 0.0)

/**
 * aat_bar_set_exchange:
 * @self: a bar
 * @exchange: (nullable): where it came from
 *
 * Sets the exchange.
 */
void
aat_bar_set_exchange (AatBar *self, AatExchangeType *exchange)
{
  g_return_if_fail (self != NULL);
  self->exchange = exchange;
}

/**
 * aat_quote_new:
 * @instrument: the instrument
 * @timestamp: when
 * @bid: best bid
 * @bid_size: volume at the best bid
 * @ask: best ask
 * @ask_size: volume at the best ask
 *
 * Returns: (transfer full): a new quote
 */
AatQuote *
aat_quote_new (AatInstrument *instrument, AatTime timestamp, double bid, double bid_size,
               double ask, double ask_size)
{
  AatQuote *self = g_slice_new0 (AatQuote);

  self->ref_count = 1;
  self->instrument = instrument;
  self->timestamp = timestamp;
  self->bid = self->bid_open = bid;
  self->bid_size = bid_size;
  self->ask = self->ask_open = ask;
  self->ask_size = ask_size;
  return self;
}

/**
 * aat_quote_ref:
 * @self: a quote
 *
 * Returns: (transfer full): @self, with one more reference
 */
AatQuote *
aat_quote_ref (AatQuote *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * aat_quote_unref:
 * @self: (transfer full): a quote
 *
 * Drops a reference.
 */
void
aat_quote_unref (AatQuote *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_int_dec_and_test (&self->ref_count))
    g_slice_free (AatQuote, self);
}

/**
 * aat_quote_get_instrument:
 * @self: a quote
 *
 * Returns: (transfer none): its instrument
 */
GETTER (quote, AatInstrument *, instrument, instrument, NULL)
/**
 * aat_quote_get_exchange:
 * @self: a quote
 *
 * Returns: (transfer none) (nullable): where it came from
 */
GETTER (quote, AatExchangeType *, exchange, exchange, NULL)
/**
 * aat_quote_get_timestamp:
 * @self: a quote
 *
 * Returns: when (the start, for a quote bar)
 */
GETTER (quote, AatTime, timestamp, timestamp, 0)
/**
 * aat_quote_get_interval:
 * @self: a quote
 *
 * Returns: 0 for a quote, the bar length for a quote bar
 */
GETTER (quote, AatTime, interval, interval, 0)
/**
 * aat_quote_get_bid:
 * @self: a quote
 *
 * Returns: the best bid (the closing bid, for a quote bar)
 */
GETTER (quote, double, bid, bid, 0.0)
/**
 * aat_quote_get_bid_size:
 * @self: a quote
 *
 * Returns: the volume at the best bid
 */
GETTER (quote, double, bid_size, bid_size, 0.0)
/**
 * aat_quote_get_ask:
 * @self: a quote
 *
 * Returns: the best ask (the closing ask, for a quote bar)
 */
GETTER (quote, double, ask, ask, 0.0)
/**
 * aat_quote_get_ask_size:
 * @self: a quote
 *
 * Returns: the volume at the best ask
 */
GETTER (quote, double, ask_size, ask_size, 0.0)

#undef GETTER

/**
 * aat_quote_set_exchange:
 * @self: a quote
 * @exchange: (nullable): where it came from
 *
 * Sets the exchange.
 */
void
aat_quote_set_exchange (AatQuote *self, AatExchangeType *exchange)
{
  g_return_if_fail (self != NULL);
  self->exchange = exchange;
}

/**
 * aat_quote_set_interval:
 * @self: a quote
 * @interval: the bar length of a quote bar
 *
 * Marks the quote as a quote bar of this length.
 */
void
aat_quote_set_interval (AatQuote *self, AatTime interval)
{
  g_return_if_fail (self != NULL);
  self->interval = interval;
}

/**
 * aat_quote_get_mid:
 * @self: a quote
 *
 * Returns: the midpoint of bid and ask
 */
double
aat_quote_get_mid (const AatQuote *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return (self->bid + self->ask) / 2.0;
}
