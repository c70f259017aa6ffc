/* aat-instrument.h: interned tradable instruments and exchange names. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

#define AAT_TYPE_EXCHANGE_TYPE (aat_exchange_type_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AatExchangeType, aat_exchange_type, AAT, EXCHANGE_TYPE, GObject)

AAT_AVAILABLE_IN_ALL
AatExchangeType *aat_exchange_type_get (const char *name);
AAT_AVAILABLE_IN_ALL
const char *aat_exchange_type_get_name (AatExchangeType *self);
AAT_AVAILABLE_IN_ALL
guint aat_exchange_type_get_index (AatExchangeType *self);

#define AAT_TYPE_INSTRUMENT (aat_instrument_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AatInstrument, aat_instrument, AAT, INSTRUMENT, GObject)

AAT_AVAILABLE_IN_ALL
AatInstrument *aat_instrument_get (const char *name, AatInstrumentType type);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_instrument_lookup (const char *name, AatInstrumentType type);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_instrument_get_by_index (guint index);
AAT_AVAILABLE_IN_ALL
guint aat_instrument_count (void);

AAT_AVAILABLE_IN_ALL
const char *aat_instrument_get_name (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
AatInstrumentType aat_instrument_get_instrument_type (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
guint aat_instrument_get_index (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
const char *aat_instrument_get_currency (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
void aat_instrument_set_currency (AatInstrument *self, const char *currency);
AAT_AVAILABLE_IN_ALL
double aat_instrument_get_tick_size (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
void aat_instrument_set_tick_size (AatInstrument *self, double tick_size);
AAT_AVAILABLE_IN_ALL
double aat_instrument_get_lot_size (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
void aat_instrument_set_lot_size (AatInstrument *self, double lot_size);
AAT_AVAILABLE_IN_ALL
double aat_instrument_get_multiplier (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
void aat_instrument_set_multiplier (AatInstrument *self, double multiplier);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_instrument_get_underlying (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
void aat_instrument_set_underlying (AatInstrument *self, AatInstrument *underlying);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_instrument_get_legs (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
void aat_instrument_add_leg (AatInstrument *self, AatInstrument *leg);
AAT_AVAILABLE_IN_ALL
AatTime aat_instrument_get_expiry (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
void aat_instrument_set_expiry (AatInstrument *self, AatTime expiry);
AAT_AVAILABLE_IN_ALL
double aat_instrument_get_strike (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
void aat_instrument_set_strike (AatInstrument *self, double strike);
AAT_AVAILABLE_IN_ALL
AatOptionType aat_instrument_get_option_type (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
void aat_instrument_set_option_type (AatInstrument *self, AatOptionType option_type);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_instrument_get_exchanges (AatInstrument *self);
AAT_AVAILABLE_IN_ALL
void aat_instrument_add_exchange (AatInstrument *self, AatExchangeType *exchange);

AAT_AVAILABLE_IN_ALL
gboolean aat_instrument_price_to_ticks (AatInstrument *self, double price, gint64 *ticks);
AAT_AVAILABLE_IN_ALL
double aat_instrument_round_price (AatInstrument *self, double price);

G_END_DECLS
