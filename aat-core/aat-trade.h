/* aat-trade.h: a trade (a match between a taker and makers), a ref-counted boxed value. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

#define AAT_TYPE_TRADE (aat_trade_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_trade_get_type (void) G_GNUC_CONST;

AAT_AVAILABLE_IN_ALL
AatTrade *aat_trade_new (AatInstrument *instrument, AatSide side, double volume, double price,
                         AatTime timestamp);
AAT_AVAILABLE_IN_ALL
AatTrade *aat_trade_ref (AatTrade *self);
AAT_AVAILABLE_IN_ALL
void aat_trade_unref (AatTrade *self);

AAT_AVAILABLE_IN_ALL
guint64 aat_trade_get_id (const AatTrade *self);
AAT_AVAILABLE_IN_ALL
void aat_trade_set_id (AatTrade *self, guint64 id);
AAT_AVAILABLE_IN_ALL
AatTime aat_trade_get_timestamp (const AatTrade *self);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_trade_get_instrument (const AatTrade *self);
AAT_AVAILABLE_IN_ALL
AatExchangeType *aat_trade_get_exchange (const AatTrade *self);
AAT_AVAILABLE_IN_ALL
void aat_trade_set_exchange (AatTrade *self, AatExchangeType *exchange);
AAT_AVAILABLE_IN_ALL
AatSide aat_trade_get_side (const AatTrade *self);
AAT_AVAILABLE_IN_ALL
double aat_trade_get_price (const AatTrade *self);
AAT_AVAILABLE_IN_ALL
double aat_trade_get_volume (const AatTrade *self);
AAT_AVAILABLE_IN_ALL
double aat_trade_get_notional (const AatTrade *self);
AAT_AVAILABLE_IN_ALL
double aat_trade_get_fee (const AatTrade *self);
AAT_AVAILABLE_IN_ALL
void aat_trade_set_fee (AatTrade *self, double fee);
AAT_AVAILABLE_IN_ALL
double aat_trade_get_slippage (const AatTrade *self);
AAT_AVAILABLE_IN_ALL
void aat_trade_set_slippage (AatTrade *self, double slippage);
AAT_AVAILABLE_IN_ALL
AatOrder *aat_trade_get_taker_order (const AatTrade *self);
AAT_AVAILABLE_IN_ALL
void aat_trade_set_taker_order (AatTrade *self, AatOrder *order);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_trade_get_maker_orders (AatTrade *self);
AAT_AVAILABLE_IN_ALL
void aat_trade_add_maker_order (AatTrade *self, AatOrder *order);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatTrade, aat_trade_unref)

G_END_DECLS
