/* aat-event.h: an event (a type and its payload), a ref-counted boxed value. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

#define AAT_TYPE_EVENT (aat_event_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_event_get_type (void) G_GNUC_CONST;

AAT_AVAILABLE_IN_ALL
AatEvent *aat_event_new_trade (AatTrade *trade);
AAT_AVAILABLE_IN_ALL
AatEvent *aat_event_new_bar (AatBar *bar);
AAT_AVAILABLE_IN_ALL
AatEvent *aat_event_new_quote (AatQuote *quote);
AAT_AVAILABLE_IN_ALL
AatEvent *aat_event_new_order (AatEventType type, AatOrder *order, AatTime timestamp);
AAT_AVAILABLE_IN_ALL
AatEvent *aat_event_new_fill (AatEventType type, AatTrade *trade);
AAT_AVAILABLE_IN_ALL
AatEvent *aat_event_new_message (AatEventType type, AatTime timestamp, const char *message);
AAT_AVAILABLE_IN_ALL
AatEvent *aat_event_ref (AatEvent *self);
AAT_AVAILABLE_IN_ALL
void aat_event_unref (AatEvent *self);

AAT_AVAILABLE_IN_ALL
AatEventType aat_event_get_event_type (const AatEvent *self);
AAT_AVAILABLE_IN_ALL
AatTime aat_event_get_timestamp (const AatEvent *self);
AAT_AVAILABLE_IN_ALL
AatTrade *aat_event_get_trade (const AatEvent *self);
AAT_AVAILABLE_IN_ALL
AatBar *aat_event_get_bar (const AatEvent *self);
AAT_AVAILABLE_IN_ALL
AatQuote *aat_event_get_quote (const AatEvent *self);
AAT_AVAILABLE_IN_ALL
AatOrder *aat_event_get_order (const AatEvent *self);
AAT_AVAILABLE_IN_ALL
const char *aat_event_get_message (const AatEvent *self);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_event_get_instrument (const AatEvent *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatEvent, aat_event_unref)

G_END_DECLS
