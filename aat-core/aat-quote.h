/* aat-quote.h: a top-of-book quote or a quote bar, a ref-counted boxed value. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

#define AAT_TYPE_QUOTE (aat_quote_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_quote_get_type (void) G_GNUC_CONST;

AAT_AVAILABLE_IN_ALL
AatQuote *aat_quote_new (AatInstrument *instrument, AatTime timestamp, double bid,
                         double bid_size, double ask, double ask_size);
AAT_AVAILABLE_IN_ALL
AatQuote *aat_quote_ref (AatQuote *self);
AAT_AVAILABLE_IN_ALL
void aat_quote_unref (AatQuote *self);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_quote_get_instrument (const AatQuote *self);
AAT_AVAILABLE_IN_ALL
AatExchangeType *aat_quote_get_exchange (const AatQuote *self);
AAT_AVAILABLE_IN_ALL
void aat_quote_set_exchange (AatQuote *self, AatExchangeType *exchange);
AAT_AVAILABLE_IN_ALL
AatTime aat_quote_get_timestamp (const AatQuote *self);
AAT_AVAILABLE_IN_ALL
AatTime aat_quote_get_interval (const AatQuote *self);
AAT_AVAILABLE_IN_ALL
void aat_quote_set_interval (AatQuote *self, AatTime interval);
AAT_AVAILABLE_IN_ALL
double aat_quote_get_bid (const AatQuote *self);
AAT_AVAILABLE_IN_ALL
double aat_quote_get_bid_size (const AatQuote *self);
AAT_AVAILABLE_IN_ALL
double aat_quote_get_ask (const AatQuote *self);
AAT_AVAILABLE_IN_ALL
double aat_quote_get_ask_size (const AatQuote *self);
AAT_AVAILABLE_IN_ALL
double aat_quote_get_mid (const AatQuote *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatQuote, aat_quote_unref)

G_END_DECLS
