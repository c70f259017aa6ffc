/* aat-exchange.h: the base class of every exchange: a market-data source and an
 * order-entry sink. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include <gio/gio.h>
#include "aat-types.h"

G_BEGIN_DECLS

#define AAT_TYPE_EXCHANGE (aat_exchange_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (AatExchange, aat_exchange, AAT, EXCHANGE, GObject)

/**
 * AatExchangeClass:
 * @parent_class: the parent class
 * @start: open files or connect; called once before the run, on the engine's context
 * @stop: close; called once after the run
 * @instruments: the instruments the exchange offers
 * @subscribe: ask for market data of an instrument
 * @next_event: a backtest source's next market event in time order, or %NULL at the
 *   end. The event stays valid until the next call; the exchange may reuse it once the
 *   engine has dropped its reference. %NULL for sources that push (live).
 * @new_order: accept an order for execution. Report the outcome with
 *   aat_exchange_emit_received(), aat_exchange_emit_rejected(), aat_exchange_emit_fill()
 *   and aat_exchange_emit_canceled(). The default fills through the simulated broker.
 * @cancel_order: cancel a working order; the default cancels in the simulated broker
 * @accounts: the accounts held at the exchange
 * @connect_async: connect to a live venue; the default calls @start
 * @connect_finish: finish @connect_async
 * @open_orders: the orders working at the venue (issue 9, reliability), each with its
 *   client order id, as #AatOrder values the exchange keeps reporting on; for recovery
 *   (aat_journal_recover()). The default fails with %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Exchanges that replay history implement @next_event; the engine pulls from them and
 * merges their streams by time. Live exchanges push with aat_exchange_push_event() on
 * the engine's #GMainContext.
 */
struct _AatExchangeClass
{
  GObjectClass parent_class;

  gboolean    (*start)          (AatExchange *self, GError **error);
  void        (*stop)           (AatExchange *self);
  GPtrArray * (*instruments)    (AatExchange *self);
  void        (*subscribe)      (AatExchange *self, AatInstrument *instrument);
  AatEvent *  (*next_event)     (AatExchange *self, GError **error);
  void        (*new_order)      (AatExchange *self, AatOrder *order);
  void        (*cancel_order)   (AatExchange *self, AatOrder *order);
  GPtrArray * (*accounts)       (AatExchange *self);
  void        (*connect_async)  (AatExchange *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
  gboolean    (*connect_finish) (AatExchange *self, GAsyncResult *result, GError **error);
  /* reliability (issue 9): an optional query, from a padding slot */
  GPtrArray * (*open_orders)    (AatExchange *self, GError **error);

  /*< private >*/
  gpointer padding[11];
};

AAT_AVAILABLE_IN_ALL
const char *aat_exchange_get_name (AatExchange *self);
AAT_AVAILABLE_IN_ALL
AatExchangeType *aat_exchange_get_exchange_type (AatExchange *self);
AAT_AVAILABLE_IN_ALL
AatEngine *aat_exchange_get_engine (AatExchange *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_exchange_is_pull (AatExchange *self);

AAT_AVAILABLE_IN_ALL
gboolean aat_exchange_start (AatExchange *self, GError **error);
AAT_AVAILABLE_IN_ALL
void aat_exchange_stop (AatExchange *self);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_exchange_instruments (AatExchange *self);
AAT_AVAILABLE_IN_ALL
void aat_exchange_subscribe (AatExchange *self, AatInstrument *instrument);
AAT_AVAILABLE_IN_ALL
AatEvent *aat_exchange_next_event (AatExchange *self, GError **error);
AAT_AVAILABLE_IN_ALL
void aat_exchange_new_order (AatExchange *self, AatOrder *order);
AAT_AVAILABLE_IN_ALL
void aat_exchange_cancel_order (AatExchange *self, AatOrder *order);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_exchange_accounts (AatExchange *self);
AAT_AVAILABLE_IN_ALL
void aat_exchange_connect_async (AatExchange *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
AAT_AVAILABLE_IN_ALL
gboolean aat_exchange_connect_finish (AatExchange *self, GAsyncResult *result, GError **error);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_exchange_open_orders (AatExchange *self, GError **error);

/* For implementations: reporting to the engine. */
AAT_AVAILABLE_IN_ALL
void aat_exchange_push_event (AatExchange *self, AatEvent *event);
AAT_AVAILABLE_IN_ALL
void aat_exchange_emit_received (AatExchange *self, AatOrder *order);
AAT_AVAILABLE_IN_ALL
void aat_exchange_emit_rejected (AatExchange *self, AatOrder *order, const char *reason);
AAT_AVAILABLE_IN_ALL
void aat_exchange_emit_fill (AatExchange *self, AatOrder *order, double volume, double price,
                             double fee, double slippage, AatTime timestamp);
AAT_AVAILABLE_IN_ALL
void aat_exchange_emit_canceled (AatExchange *self, AatOrder *order);
AAT_AVAILABLE_IN_ALL
void aat_exchange_emit_error (AatExchange *self, const GError *error);

/* The simulated broker that backs the default order entry. */
AAT_AVAILABLE_IN_ALL
void aat_exchange_simulate (AatExchange *self, AatEvent *event);
AAT_AVAILABLE_IN_ALL
double aat_exchange_commission (AatExchange *self, AatInstrument *instrument, double volume,
                                double price);
AAT_AVAILABLE_IN_ALL
double aat_exchange_slip (AatExchange *self, AatInstrument *instrument, AatSide side,
                          double price);
AAT_AVAILABLE_IN_ALL
guint aat_exchange_get_pending_count (AatExchange *self);

G_END_DECLS
