/* aat-order.h: an order, a small ref-counted boxed value. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

#define AAT_TYPE_ORDER (aat_order_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_order_get_type (void) G_GNUC_CONST;

AAT_AVAILABLE_IN_ALL
AatOrder *aat_order_new (AatInstrument *instrument, AatSide side, AatOrderType type,
                         double volume, double price);
AAT_AVAILABLE_IN_ALL
AatOrder *aat_order_new_stop (AatInstrument *instrument, AatSide side, AatOrderType type,
                              double volume, double stop_price, double limit_price);
AAT_AVAILABLE_IN_ALL
AatOrder *aat_order_new_notional (AatInstrument *instrument, AatSide side, double notional);
AAT_AVAILABLE_IN_ALL
AatOrder *aat_order_ref (AatOrder *self);
AAT_AVAILABLE_IN_ALL
void aat_order_unref (AatOrder *self);
AAT_AVAILABLE_IN_ALL
AatOrder *aat_order_copy (const AatOrder *self);

AAT_AVAILABLE_IN_ALL
guint64 aat_order_get_id (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
void aat_order_set_id (AatOrder *self, guint64 id);
AAT_AVAILABLE_IN_ALL
const char *aat_order_get_client_id (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
void aat_order_set_client_id (AatOrder *self, const char *client_id);
AAT_AVAILABLE_IN_ALL
AatTime aat_order_get_timestamp (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
void aat_order_set_timestamp (AatOrder *self, AatTime timestamp);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_order_get_instrument (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
AatExchangeType *aat_order_get_exchange (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
void aat_order_set_exchange (AatOrder *self, AatExchangeType *exchange);
AAT_AVAILABLE_IN_ALL
AatSide aat_order_get_side (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
AatOrderType aat_order_get_order_type (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
AatOrderFlag aat_order_get_flag (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
void aat_order_set_flag (AatOrder *self, AatOrderFlag flag);
AAT_AVAILABLE_IN_ALL
AatTimeInForce aat_order_get_time_in_force (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
AatTime aat_order_get_expire_time (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
void aat_order_set_time_in_force (AatOrder *self, AatTimeInForce tif, AatTime expire_time);
AAT_AVAILABLE_IN_ALL
double aat_order_get_volume (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
void aat_order_set_volume (AatOrder *self, double volume);
AAT_AVAILABLE_IN_ALL
double aat_order_get_price (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
void aat_order_set_price (AatOrder *self, double price);
AAT_AVAILABLE_IN_ALL
double aat_order_get_stop_price (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
AatOrderType aat_order_get_stop_target_type (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
double aat_order_get_notional (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
double aat_order_get_filled (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
double aat_order_get_remaining (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
double aat_order_get_average_price (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
double aat_order_get_fees (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
AatOrderStatus aat_order_get_status (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
void aat_order_set_status (AatOrder *self, AatOrderStatus status);
AAT_AVAILABLE_IN_ALL
gboolean aat_order_is_done (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
AatStrategy *aat_order_get_strategy (const AatOrder *self);
AAT_AVAILABLE_IN_ALL
void aat_order_record_fill (AatOrder *self, double volume, double price, double fee);
AAT_AVAILABLE_IN_ALL
char *aat_order_to_string (const AatOrder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatOrder, aat_order_unref)

G_END_DECLS
