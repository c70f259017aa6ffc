/* aat-progress.h: the progress of a running backtest, for a terminal. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include <gio/gio.h>
#include "aat-types.h"

G_BEGIN_DECLS

#define AAT_TYPE_PROGRESS (aat_progress_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AatProgress, aat_progress, AAT, PROGRESS, GObject)

AAT_AVAILABLE_IN_ALL
AatProgress *aat_progress_new (AatEngine *engine);
AAT_AVAILABLE_IN_ALL
double aat_progress_get_fraction (AatProgress *self);
AAT_AVAILABLE_IN_ALL
double aat_progress_get_rate (AatProgress *self);
AAT_AVAILABLE_IN_ALL
void aat_progress_update (AatProgress *self);
AAT_AVAILABLE_IN_ALL
char *aat_progress_format (AatProgress *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_progress_start (AatProgress *self, GMainContext *context, guint interval_ms,
                             gboolean force);
AAT_AVAILABLE_IN_ALL
void aat_progress_stop (AatProgress *self);

AAT_AVAILABLE_IN_ALL
double aat_progress_estimate_exchange (AatExchange *exchange, AatTime first_time,
                                        AatTime now);

G_END_DECLS
