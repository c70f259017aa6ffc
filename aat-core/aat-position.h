/* aat-position.h: a position and an account, ref-counted boxed snapshots. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

#define AAT_TYPE_POSITION (aat_position_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_position_get_type (void) G_GNUC_CONST;

AAT_AVAILABLE_IN_ALL
AatPosition *aat_position_new (AatInstrument *instrument, double size, double average_price,
                               double last_price, double realized_pnl, double unrealized_pnl);
AAT_AVAILABLE_IN_ALL
AatPosition *aat_position_ref (AatPosition *self);
AAT_AVAILABLE_IN_ALL
void aat_position_unref (AatPosition *self);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_position_get_instrument (const AatPosition *self);
AAT_AVAILABLE_IN_ALL
double aat_position_get_size (const AatPosition *self);
AAT_AVAILABLE_IN_ALL
double aat_position_get_average_price (const AatPosition *self);
AAT_AVAILABLE_IN_ALL
double aat_position_get_last_price (const AatPosition *self);
AAT_AVAILABLE_IN_ALL
double aat_position_get_realized_pnl (const AatPosition *self);
AAT_AVAILABLE_IN_ALL
double aat_position_get_unrealized_pnl (const AatPosition *self);
AAT_AVAILABLE_IN_ALL
double aat_position_get_notional (const AatPosition *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatPosition, aat_position_unref)

#define AAT_TYPE_ACCOUNT (aat_account_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_account_get_type (void) G_GNUC_CONST;

AAT_AVAILABLE_IN_ALL
AatAccount *aat_account_new (const char *id, AatExchangeType *exchange, const char *currency,
                             double balance);
AAT_AVAILABLE_IN_ALL
AatAccount *aat_account_ref (AatAccount *self);
AAT_AVAILABLE_IN_ALL
void aat_account_unref (AatAccount *self);
AAT_AVAILABLE_IN_ALL
const char *aat_account_get_id (const AatAccount *self);
AAT_AVAILABLE_IN_ALL
AatExchangeType *aat_account_get_exchange (const AatAccount *self);
AAT_AVAILABLE_IN_ALL
const char *aat_account_get_currency (const AatAccount *self);
AAT_AVAILABLE_IN_ALL
double aat_account_get_balance (const AatAccount *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatAccount, aat_account_unref)

G_END_DECLS
