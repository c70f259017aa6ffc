/* aat-instrument.c: interned instruments and exchange names.
 *
 * Instruments and exchange types are created once per process and never freed. Equal
 * instruments (same name and type) are the same object, so code compares them by
 * pointer. Each gets a dense index, which the engine and portfolio use to find
 * per-instrument state with an array lookup instead of a hash.
 */
#include "config.h"
#include "aat-private.h"

#include <math.h>

/**
 * aat_ticks_to_price:
 * @ticks: a whole number of ticks
 * @tick_size: the tick size
 *
 * Converts ticks to a price without drift: multiplying by a decimal tick (0.01) gives
 * 23.610000000000003 for 2361 ticks, while dividing by the tick's exact inverse (100)
 * gives the correctly rounded 23.61, so that is done whenever the inverse is whole.
 *
 * Returns: the price
 */
double
aat_ticks_to_price (double ticks, double tick_size)
{
  double inv = 1.0 / tick_size;
  double n = nearbyint (inv);

  if (n >= 1.0 && fabs (inv - n) < 1e-9 * n)
    return ticks / n;
  return ticks * tick_size;
}

struct _AatExchangeType
{
  GObject parent_instance;
  char *name;
  guint index;
};

G_DEFINE_FINAL_TYPE (AatExchangeType, aat_exchange_type, G_TYPE_OBJECT)


G_DEFINE_FINAL_TYPE (AatInstrument, aat_instrument, G_TYPE_OBJECT)

static GMutex intern_lock;
static GHashTable *instrument_table;   /* "type\x1fname" -> AatInstrument */
static GPtrArray *instrument_by_index;
static GHashTable *exchange_table;     /* name -> AatExchangeType */
static guint exchange_count;

static void
aat_exchange_type_class_init (AatExchangeTypeClass *klass)
{
}

static void
aat_exchange_type_init (AatExchangeType *self)
{
}

/**
 * aat_exchange_type_get:
 * @name: the exchange's name
 *
 * Returns the interned exchange type named @name, creating it on first use.
 *
 * Returns: (transfer none): the exchange type; it lives as long as the process
 */
AatExchangeType *
aat_exchange_type_get (const char *name)
{
  AatExchangeType *self;

  g_return_val_if_fail (name != NULL, NULL);

  g_mutex_lock (&intern_lock);
  if (exchange_table == NULL)
    exchange_table = g_hash_table_new (g_str_hash, g_str_equal);
  self = g_hash_table_lookup (exchange_table, name);
  if (self == NULL)
    {
      self = g_object_new (AAT_TYPE_EXCHANGE_TYPE, NULL);
      self->name = g_strdup (name);
      self->index = exchange_count++;
      g_hash_table_insert (exchange_table, self->name, self);
    }
  g_mutex_unlock (&intern_lock);
  return self;
}

/**
 * aat_exchange_type_get_name:
 * @self: an exchange type
 *
 * Returns: (transfer none): the exchange's name
 */
const char *
aat_exchange_type_get_name (AatExchangeType *self)
{
  g_return_val_if_fail (AAT_IS_EXCHANGE_TYPE (self), NULL);
  return self->name;
}

/**
 * aat_exchange_type_get_index:
 * @self: an exchange type
 *
 * Returns: a small dense number, unique to this exchange type in this process
 */
guint
aat_exchange_type_get_index (AatExchangeType *self)
{
  g_return_val_if_fail (AAT_IS_EXCHANGE_TYPE (self), 0);
  return self->index;
}

static void
aat_instrument_class_init (AatInstrumentClass *klass)
{
}

static void
aat_instrument_init (AatInstrument *self)
{
  self->tick_size = 0.01;
  self->lot_size = 1.0;
  self->multiplier = 1.0;
  self->currency = g_strdup ("USD");
  self->legs = g_ptr_array_new ();
  self->exchanges = g_ptr_array_new ();
}

static char *
instrument_key (const char *name, AatInstrumentType type)
{
  return g_strdup_printf ("%d\x1f%s", (int) type, name);
}

/**
 * aat_instrument_lookup:
 * @name: the instrument's symbol
 * @type: its type
 *
 * Finds an instrument that already exists.
 *
 * Returns: (transfer none) (nullable): the instrument, or %NULL
 */
AatInstrument *
aat_instrument_lookup (const char *name, AatInstrumentType type)
{
  AatInstrument *self = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  key = instrument_key (name, type);
  g_mutex_lock (&intern_lock);
  if (instrument_table != NULL)
    self = g_hash_table_lookup (instrument_table, key);
  g_mutex_unlock (&intern_lock);
  return self;
}

/**
 * aat_instrument_get:
 * @name: the instrument's symbol, such as "AAPL" or "BTC-USD"
 * @type: its type
 *
 * Returns the interned instrument with this name and type, creating it on first use
 * with a tick size of 0.01, a lot size of 1 and a multiplier of 1.
 *
 * Returns: (transfer none): the instrument; it lives as long as the process
 */
AatInstrument *
aat_instrument_get (const char *name, AatInstrumentType type)
{
  AatInstrument *self;
  char *key;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  key = instrument_key (name, type);
  g_mutex_lock (&intern_lock);
  if (instrument_table == NULL)
    {
      instrument_table = g_hash_table_new (g_str_hash, g_str_equal);
      instrument_by_index = g_ptr_array_new ();
    }
  self = g_hash_table_lookup (instrument_table, key);
  if (self == NULL)
    {
      self = g_object_new (AAT_TYPE_INSTRUMENT, NULL);
      self->name = g_strdup (name);
      self->type = type;
      self->index = instrument_by_index->len;
      g_ptr_array_add (instrument_by_index, self);
      g_hash_table_insert (instrument_table, key, self);
      key = NULL;
    }
  g_mutex_unlock (&intern_lock);
  g_free (key);
  return self;
}

/**
 * aat_instrument_get_by_index:
 * @index: an index from aat_instrument_get_index()
 *
 * Returns: (transfer none) (nullable): the instrument with that index, or %NULL
 */
AatInstrument *
aat_instrument_get_by_index (guint index)
{
  AatInstrument *self = NULL;

  g_mutex_lock (&intern_lock);
  if (instrument_by_index != NULL && index < instrument_by_index->len)
    self = instrument_by_index->pdata[index];
  g_mutex_unlock (&intern_lock);
  return self;
}

/**
 * aat_instrument_count:
 *
 * Returns: how many instruments exist in this process; every index is below it
 */
guint
aat_instrument_count (void)
{
  guint n;

  g_mutex_lock (&intern_lock);
  n = instrument_by_index != NULL ? instrument_by_index->len : 0;
  g_mutex_unlock (&intern_lock);
  return n;
}

/**
 * aat_instrument_get_name:
 * @self: an instrument
 *
 * Returns: (transfer none): its symbol
 */
const char *
aat_instrument_get_name (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), NULL);
  return self->name;
}

/**
 * aat_instrument_get_instrument_type:
 * @self: an instrument
 *
 * Returns: its type
 */
AatInstrumentType
aat_instrument_get_instrument_type (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), AAT_INSTRUMENT_TYPE_OTHER);
  return self->type;
}

/**
 * aat_instrument_get_index:
 * @self: an instrument
 *
 * Returns: a small dense number, unique to this instrument in this process
 */
guint
aat_instrument_get_index (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), 0);
  return self->index;
}

/**
 * aat_instrument_get_currency:
 * @self: an instrument
 *
 * Returns: (transfer none): the currency it is priced in (default "USD")
 */
const char *
aat_instrument_get_currency (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), NULL);
  return self->currency;
}

/**
 * aat_instrument_set_currency:
 * @self: an instrument
 * @currency: the currency it is priced in
 *
 * Sets the pricing currency.
 */
void
aat_instrument_set_currency (AatInstrument *self, const char *currency)
{
  g_return_if_fail (AAT_IS_INSTRUMENT (self));
  g_return_if_fail (currency != NULL);
  g_free (self->currency);
  self->currency = g_strdup (currency);
}

/**
 * aat_instrument_get_tick_size:
 * @self: an instrument
 *
 * Returns: the price grid; 0 means prices are not restricted to a grid
 */
double
aat_instrument_get_tick_size (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), 0.0);
  return self->tick_size;
}

/**
 * aat_instrument_set_tick_size:
 * @self: an instrument
 * @tick_size: the price grid, or 0 for none
 *
 * Sets the price grid. Order books need a positive tick size.
 */
void
aat_instrument_set_tick_size (AatInstrument *self, double tick_size)
{
  g_return_if_fail (AAT_IS_INSTRUMENT (self));
  g_return_if_fail (tick_size >= 0.0 && isfinite (tick_size));
  self->tick_size = tick_size;
}

/**
 * aat_instrument_get_lot_size:
 * @self: an instrument
 *
 * Returns: the volume grid
 */
double
aat_instrument_get_lot_size (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), 0.0);
  return self->lot_size;
}

/**
 * aat_instrument_set_lot_size:
 * @self: an instrument
 * @lot_size: the volume grid, positive
 *
 * Sets the volume grid.
 */
void
aat_instrument_set_lot_size (AatInstrument *self, double lot_size)
{
  g_return_if_fail (AAT_IS_INSTRUMENT (self));
  g_return_if_fail (lot_size > 0.0 && isfinite (lot_size));
  self->lot_size = lot_size;
}

/**
 * aat_instrument_get_multiplier:
 * @self: an instrument
 *
 * Returns: the contract multiplier (1 for shares)
 */
double
aat_instrument_get_multiplier (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), 1.0);
  return self->multiplier;
}

/**
 * aat_instrument_set_multiplier:
 * @self: an instrument
 * @multiplier: the contract multiplier, positive
 *
 * Sets the contract multiplier.
 */
void
aat_instrument_set_multiplier (AatInstrument *self, double multiplier)
{
  g_return_if_fail (AAT_IS_INSTRUMENT (self));
  g_return_if_fail (multiplier > 0.0 && isfinite (multiplier));
  self->multiplier = multiplier;
}

/**
 * aat_instrument_get_underlying:
 * @self: an instrument
 *
 * Returns: (transfer none) (nullable): the underlying of an option or future
 */
AatInstrument *
aat_instrument_get_underlying (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), NULL);
  return self->underlying;
}

/**
 * aat_instrument_set_underlying:
 * @self: an instrument
 * @underlying: (nullable): its underlying
 *
 * Sets the underlying.
 */
void
aat_instrument_set_underlying (AatInstrument *self, AatInstrument *underlying)
{
  g_return_if_fail (AAT_IS_INSTRUMENT (self));
  self->underlying = underlying;
}

/**
 * aat_instrument_get_legs:
 * @self: an instrument
 *
 * Returns: (transfer none) (element-type AatInstrument): the legs of a pair or spread
 */
GPtrArray *
aat_instrument_get_legs (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), NULL);
  return self->legs;
}

/**
 * aat_instrument_add_leg:
 * @self: a pair or spread
 * @leg: one of its legs
 *
 * Adds a leg.
 */
void
aat_instrument_add_leg (AatInstrument *self, AatInstrument *leg)
{
  g_return_if_fail (AAT_IS_INSTRUMENT (self));
  g_return_if_fail (AAT_IS_INSTRUMENT (leg));
  g_ptr_array_add (self->legs, leg);
}

/**
 * aat_instrument_get_expiry:
 * @self: an instrument
 *
 * Returns: the expiry of an option or future, or 0
 */
AatTime
aat_instrument_get_expiry (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), 0);
  return self->expiry;
}

/**
 * aat_instrument_set_expiry:
 * @self: an instrument
 * @expiry: its expiry
 *
 * Sets the expiry.
 */
void
aat_instrument_set_expiry (AatInstrument *self, AatTime expiry)
{
  g_return_if_fail (AAT_IS_INSTRUMENT (self));
  self->expiry = expiry;
}

/**
 * aat_instrument_get_strike:
 * @self: an instrument
 *
 * Returns: the strike of an option, or 0
 */
double
aat_instrument_get_strike (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), 0.0);
  return self->strike;
}

/**
 * aat_instrument_set_strike:
 * @self: an instrument
 * @strike: its strike
 *
 * Sets the strike.
 */
void
aat_instrument_set_strike (AatInstrument *self, double strike)
{
  g_return_if_fail (AAT_IS_INSTRUMENT (self));
  self->strike = strike;
}

/**
 * aat_instrument_get_option_type:
 * @self: an instrument
 *
 * Returns: call, put, or none
 */
AatOptionType
aat_instrument_get_option_type (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), AAT_OPTION_TYPE_NONE);
  return self->option_type;
}

/**
 * aat_instrument_set_option_type:
 * @self: an instrument
 * @option_type: call or put
 *
 * Sets whether an option is a call or a put.
 */
void
aat_instrument_set_option_type (AatInstrument *self, AatOptionType option_type)
{
  g_return_if_fail (AAT_IS_INSTRUMENT (self));
  self->option_type = option_type;
}

/**
 * aat_instrument_get_exchanges:
 * @self: an instrument
 *
 * Returns: (transfer none) (element-type AatExchangeType): where it trades
 */
GPtrArray *
aat_instrument_get_exchanges (AatInstrument *self)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), NULL);
  return self->exchanges;
}

/**
 * aat_instrument_add_exchange:
 * @self: an instrument
 * @exchange: an exchange it trades on
 *
 * Records that the instrument trades on @exchange. Adding one twice has no effect.
 */
void
aat_instrument_add_exchange (AatInstrument *self, AatExchangeType *exchange)
{
  g_return_if_fail (AAT_IS_INSTRUMENT (self));
  g_return_if_fail (AAT_IS_EXCHANGE_TYPE (exchange));
  g_mutex_lock (&intern_lock);
  if (!g_ptr_array_find (self->exchanges, exchange, NULL))
    g_ptr_array_add (self->exchanges, exchange);
  g_mutex_unlock (&intern_lock);
}

/**
 * aat_instrument_price_to_ticks:
 * @self: an instrument with a positive tick size
 * @price: a price
 * @ticks: (out): the price in ticks
 *
 * Converts a price to a whole number of ticks. The price must lie on the grid to within
 * a millionth of a tick, which absorbs binary rounding of decimal prices.
 *
 * Returns: %FALSE if the price is not finite or not on the tick grid
 */
gboolean
aat_instrument_price_to_ticks (AatInstrument *self, double price, gint64 *ticks)
{
  double t, r;

  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), FALSE);
  g_return_val_if_fail (ticks != NULL, FALSE);

  if (!isfinite (price) || self->tick_size <= 0.0)
    return FALSE;
  t = price / self->tick_size;
  if (fabs (t) > 9.0e15)
    return FALSE;
  r = nearbyint (t);
  if (fabs (t - r) > 1e-6)
    return FALSE;
  *ticks = (gint64) r;
  return TRUE;
}

/**
 * aat_instrument_round_price:
 * @self: an instrument
 * @price: a price
 *
 * Returns: @price snapped to the nearest tick, or @price itself when there is no grid
 */
double
aat_instrument_round_price (AatInstrument *self, double price)
{
  g_return_val_if_fail (AAT_IS_INSTRUMENT (self), price);
  if (self->tick_size <= 0.0 || !isfinite (price))
    return price;
  return aat_ticks_to_price (nearbyint (price / self->tick_size), self->tick_size);
}
