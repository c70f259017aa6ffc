/* aat-bar.h: an OHLCV bar, a ref-counted boxed value. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

#define AAT_TYPE_BAR (aat_bar_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_bar_get_type (void) G_GNUC_CONST;

AAT_AVAILABLE_IN_ALL
AatBar *aat_bar_new (AatInstrument *instrument, AatTime timestamp, AatTime interval,
                     double open, double high, double low, double close, double volume);
AAT_AVAILABLE_IN_ALL
AatBar *aat_bar_ref (AatBar *self);
AAT_AVAILABLE_IN_ALL
void aat_bar_unref (AatBar *self);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_bar_get_instrument (const AatBar *self);
AAT_AVAILABLE_IN_ALL
AatExchangeType *aat_bar_get_exchange (const AatBar *self);
AAT_AVAILABLE_IN_ALL
void aat_bar_set_exchange (AatBar *self, AatExchangeType *exchange);
AAT_AVAILABLE_IN_ALL
AatTime aat_bar_get_timestamp (const AatBar *self);
AAT_AVAILABLE_IN_ALL
AatTime aat_bar_get_interval (const AatBar *self);
AAT_AVAILABLE_IN_ALL
double aat_bar_get_open (const AatBar *self);
AAT_AVAILABLE_IN_ALL
double aat_bar_get_high (const AatBar *self);
AAT_AVAILABLE_IN_ALL
double aat_bar_get_low (const AatBar *self);
AAT_AVAILABLE_IN_ALL
double aat_bar_get_close (const AatBar *self);
AAT_AVAILABLE_IN_ALL
double aat_bar_get_volume (const AatBar *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatBar, aat_bar_unref)

G_END_DECLS
