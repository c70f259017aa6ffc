/* aat-synthetic-exchange.h: the synthetic exchange's few public functions.
 *
 * The synthetic exchange is a module; a strategy module that wants depth can either link
 * against these symbols (resolved at run time from the loaded module) or, without any
 * link-time dependency, emit the "get-book" action signal on the exchange:
 *
 *   AatOrderBook *book = NULL;
 *   g_signal_emit_by_name (exchange, "get-book", instrument, &book);
 */
#pragma once

#include <aat.h>

G_BEGIN_DECLS

#define AAT_TYPE_SYNTHETIC_EXCHANGE (aat_synthetic_exchange_get_type ())
G_MODULE_EXPORT
G_DECLARE_DERIVABLE_TYPE (AatSyntheticExchange, aat_synthetic_exchange, AAT, SYNTHETIC_EXCHANGE, AatExchange)

struct _AatSyntheticExchangeClass
{
  AatExchangeClass parent_class;
  /*< private >*/
  gpointer padding[4];
};

/**
 * AatSyntheticMode:
 * @AAT_SYNTHETIC_MODE_BACKTEST: simulated time, as fast as the engine pulls
 * @AAT_SYNTHETIC_MODE_SIMULATION: real time, pushed at #AatSyntheticExchange:rate
 *
 * How the synthetic exchange produces its events.
 */
typedef enum {
  AAT_SYNTHETIC_MODE_BACKTEST,
  AAT_SYNTHETIC_MODE_SIMULATION,
} AatSyntheticMode;

G_MODULE_EXPORT
AatOrderBook *aat_synthetic_exchange_get_book (AatSyntheticExchange *self,
                                               AatInstrument *instrument);
G_MODULE_EXPORT
guint64 aat_synthetic_exchange_get_generated (AatSyntheticExchange *self);

G_END_DECLS
