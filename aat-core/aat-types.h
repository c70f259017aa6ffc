/* aat-types.h: basic typedefs shared by every aat header. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include <glib-object.h>
#include "aat-version-macros.h"
#include "aat-enums.h"

G_BEGIN_DECLS

/**
 * AatTime:
 *
 * A point in time: nanoseconds since 1970-01-01T00:00:00Z. In a backtest this is
 * event time.
 */
typedef gint64 AatTime;

/**
 * AAT_TIME_SECOND:
 *
 * One second in #AatTime units.
 */
#define AAT_TIME_SECOND G_GINT64_CONSTANT(1000000000)

typedef struct _AatInstrument AatInstrument;
typedef struct _AatExchangeType AatExchangeType;
typedef struct _AatOrder AatOrder;
typedef struct _AatTrade AatTrade;
typedef struct _AatBar AatBar;
typedef struct _AatQuote AatQuote;
typedef struct _AatEvent AatEvent;
typedef struct _AatPosition AatPosition;
typedef struct _AatAccount AatAccount;
typedef struct _AatEngine AatEngine;
typedef struct _AatStrategy AatStrategy;
typedef struct _AatExchange AatExchange;
typedef struct _AatPortfolio AatPortfolio;

AAT_AVAILABLE_IN_ALL
const char *aat_reject_reason_to_string (AatRejectReason reason);

AAT_AVAILABLE_IN_ALL
AatTime aat_time_from_date_time (GDateTime *dt);

AAT_AVAILABLE_IN_ALL
GDateTime *aat_time_to_date_time (AatTime t);

AAT_AVAILABLE_IN_ALL
char *aat_time_format_iso8601 (AatTime t);

G_END_DECLS
G_BEGIN_DECLS
AAT_AVAILABLE_IN_ALL
double aat_ticks_to_price (double ticks, double tick_size);
G_END_DECLS
