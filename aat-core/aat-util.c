/* aat-util.c: small shared helpers: reject reasons and time conversion. */
#include "config.h"
#include "aat-private.h"

/**
 * aat_reject_reason_to_string:
 * @reason: a reason
 *
 * Returns: (transfer none): a human-readable sentence for @reason
 */
const char *
aat_reject_reason_to_string (AatRejectReason reason)
{
  switch (reason)
    {
    case AAT_REJECT_REASON_NONE: return "not rejected";
    case AAT_REJECT_REASON_BAD_VOLUME: return "volume must be a positive, finite multiple of the lot size";
    case AAT_REJECT_REASON_BAD_PRICE: return "price must be positive and finite";
    case AAT_REJECT_REASON_OFF_TICK: return "price is not a multiple of the tick size";
    case AAT_REJECT_REASON_UNKNOWN_ID: return "no working order has this id";
    case AAT_REJECT_REASON_DUPLICATE_ID: return "a working order already has this id";
    case AAT_REJECT_REASON_WRONG_INSTRUMENT: return "the order is for another instrument";
    case AAT_REJECT_REASON_OUT_OF_RANGE: return "price is too far from the book";
    case AAT_REJECT_REASON_UNSUPPORTED: return "order type not supported here";
    case AAT_REJECT_REASON_RISK: return "refused by a risk policy";
    case AAT_REJECT_REASON_HALTED: return "trading is halted";
    case AAT_REJECT_REASON_NO_EXCHANGE: return "no such exchange";
    case AAT_REJECT_REASON_INSUFFICIENT_FUNDS: return "insufficient funds";
    case AAT_REJECT_REASON_EXCHANGE: return "refused by the exchange";
    }
  return "unknown reason";
}

/**
 * aat_time_from_date_time:
 * @dt: a date and time
 *
 * Returns: @dt as an #AatTime
 */
AatTime
aat_time_from_date_time (GDateTime *dt)
{
  g_return_val_if_fail (dt != NULL, 0);
  return g_date_time_to_unix (dt) * AAT_TIME_SECOND +
         (AatTime) g_date_time_get_microsecond (dt) * 1000;
}

/**
 * aat_time_to_date_time:
 * @t: a time
 *
 * Returns: (transfer full): @t as a UTC #GDateTime (to the microsecond)
 */
GDateTime *
aat_time_to_date_time (AatTime t)
{
  gint64 s = t / AAT_TIME_SECOND, ns = t % AAT_TIME_SECOND;
  g_autoptr (GDateTime) base = NULL;

  if (ns < 0)
    {
      s -= 1;
      ns += AAT_TIME_SECOND;
    }
  base = g_date_time_new_from_unix_utc (s);
  return g_date_time_add (base, ns / 1000);
}

/**
 * aat_time_format_iso8601:
 * @t: a time
 *
 * Returns: (transfer full): @t as ISO 8601 text in UTC, such as "2013-10-07T13:30:00Z"
 */
char *
aat_time_format_iso8601 (AatTime t)
{
  g_autoptr (GDateTime) dt = aat_time_to_date_time (t);

  if (t % AAT_TIME_SECOND == 0)
    return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S.%fZ");
}
