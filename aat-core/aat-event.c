/* aat-event.c: events, the unit that flows from exchanges through the engine.
 *
 * An event owns one payload, chosen by what it carries (a trade, an order, a bar or a
 * quote). Exchanges that produce many events reuse an event whose only reference is
 * their own (see aat_value_is_exclusive()), so the steady state allocates nothing.
 */
#include "config.h"
#include "aat-private.h"

G_DEFINE_BOXED_TYPE (AatEvent, aat_event, aat_event_ref, aat_event_unref)

static AatEvent *
event_alloc (AatEventType type, AatTime timestamp, AatPayloadKind kind, gpointer payload)
{
  AatEvent *self = g_slice_new0 (AatEvent);

  self->ref_count = 1;
  self->type = type;
  self->timestamp = timestamp;
  self->kind = kind;
  self->payload = payload;
  return self;
}

/**
 * aat_event_new_trade:
 * @trade: a trade on the market
 *
 * Returns: (transfer full): a %AAT_EVENT_TYPE_TRADE event carrying @trade
 */
AatEvent *
aat_event_new_trade (AatTrade *trade)
{
  g_return_val_if_fail (trade != NULL, NULL);
  return event_alloc (AAT_EVENT_TYPE_TRADE, trade->timestamp, AAT_PAYLOAD_TRADE, aat_trade_ref (trade));
}

/**
 * aat_event_new_fill:
 * @type: %AAT_EVENT_TYPE_BOUGHT, %AAT_EVENT_TYPE_SOLD or %AAT_EVENT_TYPE_TRADE
 * @trade: the fill
 *
 * Returns: (transfer full): an event carrying the fill @trade
 */
AatEvent *
aat_event_new_fill (AatEventType type, AatTrade *trade)
{
  g_return_val_if_fail (trade != NULL, NULL);
  return event_alloc (type, trade->timestamp, AAT_PAYLOAD_TRADE, aat_trade_ref (trade));
}

/**
 * aat_event_new_bar:
 * @bar: a bar
 *
 * Returns: (transfer full): a %AAT_EVENT_TYPE_BAR event
 */
AatEvent *
aat_event_new_bar (AatBar *bar)
{
  g_return_val_if_fail (bar != NULL, NULL);
  return event_alloc (AAT_EVENT_TYPE_BAR, bar->timestamp + bar->interval, AAT_PAYLOAD_BAR, aat_bar_ref (bar));
}

/**
 * aat_event_new_quote:
 * @quote: a quote
 *
 * Returns: (transfer full): a %AAT_EVENT_TYPE_QUOTE event
 */
AatEvent *
aat_event_new_quote (AatQuote *quote)
{
  g_return_val_if_fail (quote != NULL, NULL);
  return event_alloc (AAT_EVENT_TYPE_QUOTE, quote->timestamp + quote->interval, AAT_PAYLOAD_QUOTE,
                      aat_quote_ref (quote));
}

/**
 * aat_event_new_order:
 * @type: what happened to the order (open, cancel, change, fill, received, rejected, canceled)
 * @order: the order
 * @timestamp: when
 *
 * Returns: (transfer full): an event carrying @order
 */
AatEvent *
aat_event_new_order (AatEventType type, AatOrder *order, AatTime timestamp)
{
  g_return_val_if_fail (order != NULL, NULL);
  return event_alloc (type, timestamp, AAT_PAYLOAD_ORDER, aat_order_ref (order));
}

/**
 * aat_event_new_message:
 * @type: usually %AAT_EVENT_TYPE_DATA, %AAT_EVENT_TYPE_ERROR, %AAT_EVENT_TYPE_HEARTBEAT,
 *   %AAT_EVENT_TYPE_HALT or %AAT_EVENT_TYPE_CONTINUE
 * @timestamp: when
 * @message: (nullable): text
 *
 * Returns: (transfer full): an event with no payload but a message
 */
AatEvent *
aat_event_new_message (AatEventType type, AatTime timestamp, const char *message)
{
  AatEvent *self = event_alloc (type, timestamp, AAT_PAYLOAD_NONE, NULL);

  self->message = g_strdup (message);
  return self;
}

/**
 * aat_event_ref:
 * @self: an event
 *
 * Returns: (transfer full): @self, with one more reference
 */
AatEvent *
aat_event_ref (AatEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

static void
payload_unref (AatPayloadKind kind, gpointer payload)
{
  switch (kind)
    {
    case AAT_PAYLOAD_TRADE: aat_trade_unref (payload); break;
    case AAT_PAYLOAD_ORDER: aat_order_unref (payload); break;
    case AAT_PAYLOAD_BAR: aat_bar_unref (payload); break;
    case AAT_PAYLOAD_QUOTE: aat_quote_unref (payload); break;
    case AAT_PAYLOAD_NONE: break;
    }
}

/**
 * aat_event_unref:
 * @self: (transfer full): an event
 *
 * Drops a reference; the last one frees the event and its payload reference.
 */
void
aat_event_unref (AatEvent *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_int_dec_and_test (&self->ref_count))
    {
      payload_unref (self->kind, self->payload);
      g_free (self->message);
      g_slice_free (AatEvent, self);
    }
}

/**
 * aat_event_get_event_type:
 * @self: an event
 *
 * Returns: what it carries
 */
AatEventType
aat_event_get_event_type (const AatEvent *self)
{
  g_return_val_if_fail (self != NULL, AAT_EVENT_TYPE_HEARTBEAT);
  return self->type;
}

/**
 * aat_event_get_timestamp:
 * @self: an event
 *
 * Returns: when it happened, in engine time. For a bar, this is the bar's end, the
 *   moment it became known.
 */
AatTime
aat_event_get_timestamp (const AatEvent *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->timestamp;
}

/**
 * aat_event_get_trade:
 * @self: an event
 *
 * Returns: (transfer none) (nullable): the trade it carries, if any
 */
AatTrade *
aat_event_get_trade (const AatEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->kind == AAT_PAYLOAD_TRADE ? self->payload : NULL;
}

/**
 * aat_event_get_bar:
 * @self: an event
 *
 * Returns: (transfer none) (nullable): the bar it carries, if any
 */
AatBar *
aat_event_get_bar (const AatEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->kind == AAT_PAYLOAD_BAR ? self->payload : NULL;
}

/**
 * aat_event_get_quote:
 * @self: an event
 *
 * Returns: (transfer none) (nullable): the quote it carries, if any
 */
AatQuote *
aat_event_get_quote (const AatEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->kind == AAT_PAYLOAD_QUOTE ? self->payload : NULL;
}

/**
 * aat_event_get_order:
 * @self: an event
 *
 * Returns: (transfer none) (nullable): the order it carries, or the taker order of the
 *   trade it carries
 */
AatOrder *
aat_event_get_order (const AatEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (self->kind == AAT_PAYLOAD_ORDER)
    return self->payload;
  if (self->kind == AAT_PAYLOAD_TRADE)
    return ((AatTrade *) self->payload)->taker;
  return NULL;
}

/**
 * aat_event_get_message:
 * @self: an event
 *
 * Returns: (transfer none) (nullable): its message, if any
 */
const char *
aat_event_get_message (const AatEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->message;
}

/**
 * aat_event_get_instrument:
 * @self: an event
 *
 * Returns: (transfer none) (nullable): the instrument its payload concerns
 */
AatInstrument *
aat_event_get_instrument (const AatEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  switch (self->kind)
    {
    case AAT_PAYLOAD_TRADE: return ((AatTrade *) self->payload)->instrument;
    case AAT_PAYLOAD_ORDER: return ((AatOrder *) self->payload)->instrument;
    case AAT_PAYLOAD_BAR: return ((AatBar *) self->payload)->instrument;
    case AAT_PAYLOAD_QUOTE: return ((AatQuote *) self->payload)->instrument;
    case AAT_PAYLOAD_NONE: break;
    }
  return NULL;
}
