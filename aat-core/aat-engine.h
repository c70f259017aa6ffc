/* aat-engine.h: the trading engine. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include <gio/gio.h>
#include "aat-types.h"
#include "aat-risk-policy.h"
#include "aat-execution-policy.h"

G_BEGIN_DECLS

/**
 * AAT_ENGINE_ERROR:
 *
 * The error domain of the engine.
 */
#define AAT_ENGINE_ERROR (aat_engine_error_quark ())
AAT_AVAILABLE_IN_ALL
GQuark aat_engine_error_quark (void);

/**
 * AatEngineError:
 * @AAT_ENGINE_ERROR_FAILED: a generic failure
 * @AAT_ENGINE_ERROR_STRATEGY: a strategy failed during the run
 * @AAT_ENGINE_ERROR_EXCHANGE: an exchange failed to start or to produce its data
 * @AAT_ENGINE_ERROR_STATE: the call does not fit the engine's state (already running)
 * @AAT_ENGINE_ERROR_CANCELLED: the run was stopped before it finished
 *
 * Errors of the engine.
 */
typedef enum {
  AAT_ENGINE_ERROR_FAILED,
  AAT_ENGINE_ERROR_STRATEGY,
  AAT_ENGINE_ERROR_EXCHANGE,
  AAT_ENGINE_ERROR_STATE,
  AAT_ENGINE_ERROR_CANCELLED,
} AatEngineError;

#define AAT_TYPE_ENGINE (aat_engine_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AatEngine, aat_engine, AAT, ENGINE, GObject)

AAT_AVAILABLE_IN_ALL
AatEngine *aat_engine_new (AatTradingType trading_type);
AAT_AVAILABLE_IN_ALL
AatTradingType aat_engine_get_trading_type (AatEngine *self);
AAT_AVAILABLE_IN_ALL
void aat_engine_add_exchange (AatEngine *self, AatExchange *exchange);
AAT_AVAILABLE_IN_ALL
void aat_engine_add_strategy (AatEngine *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
void aat_engine_add_risk_policy (AatEngine *self, AatRiskPolicy *policy);
AAT_AVAILABLE_IN_ALL
void aat_engine_set_execution_policy (AatEngine *self, AatExecutionPolicy *policy);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_engine_get_exchanges (AatEngine *self);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_engine_get_strategies (AatEngine *self);
AAT_AVAILABLE_IN_ALL
AatExchange *aat_engine_get_exchange (AatEngine *self, AatExchangeType *type);
AAT_AVAILABLE_IN_ALL
AatPortfolio *aat_engine_get_portfolio (AatEngine *self);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_engine_get_instruments (AatEngine *self);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_engine_lookup_instrument (AatEngine *self, const char *name);

/* Running */
AAT_AVAILABLE_IN_ALL
gboolean aat_engine_run (AatEngine *self, GError **error);
AAT_AVAILABLE_IN_ALL
void aat_engine_run_async (AatEngine *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
AAT_AVAILABLE_IN_ALL
gboolean aat_engine_run_finish (AatEngine *self, GAsyncResult *result, GError **error);
AAT_AVAILABLE_IN_ALL
void aat_engine_stop (AatEngine *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_engine_is_running (AatEngine *self);
AAT_AVAILABLE_IN_ALL
AatTime aat_engine_now (AatEngine *self);
AAT_AVAILABLE_IN_ALL
guint64 aat_engine_get_event_count (AatEngine *self);
AAT_AVAILABLE_IN_ALL
AatTime aat_engine_get_first_event_time (AatEngine *self);  /* issue 7 */
AAT_AVAILABLE_IN_ALL
guint aat_engine_get_failure_count (AatEngine *self);

/* The order path */
AAT_AVAILABLE_IN_ALL
AatOrder *aat_engine_place_order (AatEngine *self, AatStrategy *strategy, AatOrder *order);
AAT_AVAILABLE_IN_ALL
gboolean aat_engine_cancel_order (AatEngine *self, AatOrder *order);
AAT_AVAILABLE_IN_ALL
void aat_engine_send_order (AatEngine *self, AatOrder *order);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_engine_get_orders (AatEngine *self, AatStrategy *strategy, gboolean open_only);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_engine_get_trades (AatEngine *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
double aat_engine_last_price (AatEngine *self, AatInstrument *instrument);

/* Controls */
AAT_AVAILABLE_IN_ALL
void aat_engine_halt_strategy (AatEngine *self, AatStrategy *strategy, const char *reason);
AAT_AVAILABLE_IN_ALL
void aat_engine_resume_strategy (AatEngine *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
guint aat_engine_cancel_all (AatEngine *self, AatStrategy *strategy, AatInstrument *instrument);
AAT_AVAILABLE_IN_ALL
guint aat_engine_close_all (AatEngine *self, AatStrategy *strategy, AatInstrument *instrument);
AAT_AVAILABLE_IN_ALL
void aat_engine_kill (AatEngine *self, const char *reason);

/* Reliability (issue 9): the order journal, and the bound on queued live events */
AAT_AVAILABLE_IN_ALL
void aat_engine_set_journal (AatEngine *self, AatJournal *journal);
AAT_AVAILABLE_IN_ALL
AatJournal *aat_engine_get_journal (AatEngine *self);
AAT_AVAILABLE_IN_ALL
void aat_engine_set_max_queued_events (AatEngine *self, guint max_events);
AAT_AVAILABLE_IN_ALL
guint64 aat_engine_get_dropped_event_count (AatEngine *self);
AAT_AVAILABLE_IN_ALL
AatTime aat_engine_get_max_lag (AatEngine *self);

G_END_DECLS
