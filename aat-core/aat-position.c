/* aat-position.c: position and account snapshots handed to strategies and reports. */
#include "config.h"
#include "aat-private.h"

struct _AatPosition
{
  gint ref_count;
  AatInstrument *instrument;
  double size, average_price, last_price, realized_pnl, unrealized_pnl;
};

struct _AatAccount
{
  gint ref_count;
  char *id;
  AatExchangeType *exchange;
  char *currency;
  double balance;
};

G_DEFINE_BOXED_TYPE (AatPosition, aat_position, aat_position_ref, aat_position_unref)
G_DEFINE_BOXED_TYPE (AatAccount, aat_account, aat_account_ref, aat_account_unref)

/**
 * aat_position_new:
 * @instrument: the instrument
 * @size: signed size: positive long, negative short
 * @average_price: the average price of the open size
 * @last_price: the latest price seen
 * @realized_pnl: P&L realized on closed quantity
 * @unrealized_pnl: P&L of the open size marked at @last_price
 *
 * Returns: (transfer full): a new position snapshot
 */
AatPosition *
aat_position_new (AatInstrument *instrument, double size, double average_price,
                  double last_price, double realized_pnl, double unrealized_pnl)
{
  AatPosition *self = g_new0 (AatPosition, 1);

  self->ref_count = 1;
  self->instrument = instrument;
  self->size = size;
  self->average_price = average_price;
  self->last_price = last_price;
  self->realized_pnl = realized_pnl;
  self->unrealized_pnl = unrealized_pnl;
  return self;
}

/**
 * aat_position_ref:
 * @self: a position
 *
 * Returns: (transfer full): @self
 */
AatPosition *
aat_position_ref (AatPosition *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * aat_position_unref:
 * @self: (transfer full): a position
 *
 * Drops a reference.
 */
void
aat_position_unref (AatPosition *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_int_dec_and_test (&self->ref_count))
    g_free (self);
}

/**
 * aat_position_get_instrument:
 * @self: a position
 *
 * Returns: (transfer none): the instrument
 */
AatInstrument *
aat_position_get_instrument (const AatPosition *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->instrument;
}

/**
 * aat_position_get_size:
 * @self: a position
 *
 * Returns: the signed size
 */
double
aat_position_get_size (const AatPosition *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->size;
}

/**
 * aat_position_get_average_price:
 * @self: a position
 *
 * Returns: the average price of the open size (0 when flat)
 */
double
aat_position_get_average_price (const AatPosition *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->average_price;
}

/**
 * aat_position_get_last_price:
 * @self: a position
 *
 * Returns: the latest price seen
 */
double
aat_position_get_last_price (const AatPosition *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->last_price;
}

/**
 * aat_position_get_realized_pnl:
 * @self: a position
 *
 * Returns: P&L realized on the quantity closed so far
 */
double
aat_position_get_realized_pnl (const AatPosition *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->realized_pnl;
}

/**
 * aat_position_get_unrealized_pnl:
 * @self: a position
 *
 * Returns: P&L of the open size at the last price
 */
double
aat_position_get_unrealized_pnl (const AatPosition *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->unrealized_pnl;
}

/**
 * aat_position_get_notional:
 * @self: a position
 *
 * Returns: size × last price × multiplier
 */
double
aat_position_get_notional (const AatPosition *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->size * self->last_price * aat_instrument_get_multiplier (self->instrument);
}

/**
 * aat_account_new:
 * @id: the account's id at the exchange
 * @exchange: (nullable): the exchange
 * @currency: the currency of the balance
 * @balance: the balance
 *
 * Returns: (transfer full): a new account snapshot
 */
AatAccount *
aat_account_new (const char *id, AatExchangeType *exchange, const char *currency, double balance)
{
  AatAccount *self = g_new0 (AatAccount, 1);

  self->ref_count = 1;
  self->id = g_strdup (id);
  self->exchange = exchange;
  self->currency = g_strdup (currency);
  self->balance = balance;
  return self;
}

/**
 * aat_account_ref:
 * @self: an account
 *
 * Returns: (transfer full): @self
 */
AatAccount *
aat_account_ref (AatAccount *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * aat_account_unref:
 * @self: (transfer full): an account
 *
 * Drops a reference.
 */
void
aat_account_unref (AatAccount *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_int_dec_and_test (&self->ref_count))
    {
      g_free (self->id);
      g_free (self->currency);
      g_free (self);
    }
}

/**
 * aat_account_get_id:
 * @self: an account
 *
 * Returns: (transfer none) (nullable): its id
 */
const char *
aat_account_get_id (const AatAccount *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

/**
 * aat_account_get_exchange:
 * @self: an account
 *
 * Returns: (transfer none) (nullable): its exchange
 */
AatExchangeType *
aat_account_get_exchange (const AatAccount *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->exchange;
}

/**
 * aat_account_get_currency:
 * @self: an account
 *
 * Returns: (transfer none) (nullable): the balance's currency
 */
const char *
aat_account_get_currency (const AatAccount *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->currency;
}

/**
 * aat_account_get_balance:
 * @self: an account
 *
 * Returns: the balance
 */
double
aat_account_get_balance (const AatAccount *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->balance;
}
