/* aat-strategy.h: the base class of every strategy, in any language. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

/**
 * AatPeriodicFunc:
 * @strategy: the strategy
 * @now: the engine time of the call
 * @user_data: the data given with the function
 *
 * Called every N seconds of engine time; see aat_strategy_add_periodic().
 */
typedef void (*AatPeriodicFunc) (AatStrategy *strategy, AatTime now, gpointer user_data);

#define AAT_TYPE_STRATEGY (aat_strategy_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (AatStrategy, aat_strategy, AAT, STRATEGY, GObject)

/**
 * AatStrategyClass:
 * @parent_class: the parent class
 * @on_start: the run started; place initial orders, subscribe
 * @on_exit: the run is ending
 * @on_trade: a trade printed on a subscribed instrument
 * @on_bar: an OHLCV bar closed
 * @on_quote: a quote or a quote bar
 * @on_data: any other data event
 * @on_order: an order-book event that concerns no order of this strategy
 * @on_open: an order rested on the book
 * @on_fill: an order on the book was completely filled
 * @on_cancel: an order left the book unfilled
 * @on_change: a resting order changed
 * @on_halt: the strategy was halted; it cannot place orders until it continues
 * @on_continue: the strategy may trade again
 * @on_error: something failed, in this strategy or on its behalf
 * @on_bought: one of its buy orders was (partly) filled
 * @on_sold: one of its sell orders was (partly) filled
 * @on_traded: one of its orders was (partly) filled; called after on_bought or on_sold
 * @on_received: the exchange acknowledged one of its orders
 * @on_rejected: one of its orders was refused, with a reason
 * @on_canceled: one of its orders was cancelled or expired
 * @on_trade_price: a light form of on_trade for language bindings: when a class
 *   overrides it, the engine calls it instead of on_trade, with the trade's instrument
 *   index (see aat_instrument_get_by_index()), price, volume, and time in seconds since
 *   the epoch as a double (exact to well under a microsecond; JavaScript numbers cannot
 *   hold nanoseconds since the epoch exactly). A Python or JavaScript callback then
 *   costs no wrapper object per event.
 *
 * Every callback has a default that does nothing. They run on the engine's
 * #GMainContext, one at a time.
 */
struct _AatStrategyClass
{
  GObjectClass parent_class;

  void (*on_start)     (AatStrategy *self);
  void (*on_exit)      (AatStrategy *self);
  void (*on_trade)     (AatStrategy *self, AatTrade *trade);
  void (*on_bar)       (AatStrategy *self, AatBar *bar);
  void (*on_quote)     (AatStrategy *self, AatQuote *quote);
  void (*on_data)      (AatStrategy *self, AatEvent *event);
  void (*on_order)     (AatStrategy *self, AatEvent *event);
  void (*on_open)      (AatStrategy *self, AatEvent *event);
  void (*on_fill)      (AatStrategy *self, AatEvent *event);
  void (*on_cancel)    (AatStrategy *self, AatEvent *event);
  void (*on_change)    (AatStrategy *self, AatEvent *event);
  void (*on_halt)      (AatStrategy *self);
  void (*on_continue)  (AatStrategy *self);
  void (*on_error)     (AatStrategy *self, const GError *error);
  void (*on_bought)    (AatStrategy *self, AatTrade *trade);
  void (*on_sold)      (AatStrategy *self, AatTrade *trade);
  void (*on_traded)    (AatStrategy *self, AatTrade *trade);
  void (*on_received)  (AatStrategy *self, AatOrder *order);
  void (*on_rejected)  (AatStrategy *self, AatOrder *order, const char *reason);
  void (*on_canceled)  (AatStrategy *self, AatOrder *order);
  void (*on_trade_price) (AatStrategy *self, guint instrument, double price,
                          double volume, double time);

  /*< private >*/
  gpointer padding[15];
};

AAT_AVAILABLE_IN_ALL
const char *aat_strategy_get_name (AatStrategy *self);
AAT_AVAILABLE_IN_ALL
void aat_strategy_set_name (AatStrategy *self, const char *name);
AAT_AVAILABLE_IN_ALL
AatEngine *aat_strategy_get_engine (AatStrategy *self);

/* Orders */
AAT_AVAILABLE_IN_ALL
AatOrder *aat_strategy_new_order (AatStrategy *self, AatOrder *order);
AAT_AVAILABLE_IN_ALL
AatOrder *aat_strategy_buy (AatStrategy *self, AatInstrument *instrument, double volume,
                            double price);
AAT_AVAILABLE_IN_ALL
AatOrder *aat_strategy_sell (AatStrategy *self, AatInstrument *instrument, double volume,
                             double price);
AAT_AVAILABLE_IN_ALL
gboolean aat_strategy_cancel_order (AatStrategy *self, AatOrder *order);
AAT_AVAILABLE_IN_ALL
guint aat_strategy_cancel_all (AatStrategy *self, AatInstrument *instrument);
AAT_AVAILABLE_IN_ALL
guint aat_strategy_close_all (AatStrategy *self, AatInstrument *instrument);

/* Queries */
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_strategy_orders (AatStrategy *self, AatInstrument *instrument,
                                AatExchangeType *exchange, int side);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_strategy_past_orders (AatStrategy *self, AatInstrument *instrument,
                                     AatExchangeType *exchange, int side);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_strategy_trades (AatStrategy *self, AatInstrument *instrument,
                                AatExchangeType *exchange, int side);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_strategy_accounts (AatStrategy *self);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_strategy_positions (AatStrategy *self);
AAT_AVAILABLE_IN_ALL
AatPosition *aat_strategy_position (AatStrategy *self, AatInstrument *instrument);
AAT_AVAILABLE_IN_ALL
double aat_strategy_position_size (AatStrategy *self, AatInstrument *instrument);
AAT_AVAILABLE_IN_ALL
double aat_strategy_cash (AatStrategy *self);
AAT_AVAILABLE_IN_ALL
double aat_strategy_value (AatStrategy *self);
AAT_AVAILABLE_IN_ALL
GVariant *aat_strategy_risk (AatStrategy *self);
AAT_AVAILABLE_IN_ALL
GArray *aat_strategy_price_history (AatStrategy *self, AatInstrument *instrument);
AAT_AVAILABLE_IN_ALL
double aat_strategy_last_price (AatStrategy *self, AatInstrument *instrument);

/* Context */
AAT_AVAILABLE_IN_ALL
AatTime aat_strategy_now (AatStrategy *self);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_strategy_instruments (AatStrategy *self);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_strategy_exchanges (AatStrategy *self);
AAT_AVAILABLE_IN_ALL
void aat_strategy_subscribe (AatStrategy *self, AatInstrument *instrument);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_strategy_lookup (AatStrategy *self, const char *name);
AAT_AVAILABLE_IN_ALL
AatTradingType aat_strategy_trading_type (AatStrategy *self);
AAT_AVAILABLE_IN_ALL
guint aat_strategy_add_periodic (AatStrategy *self, double seconds, AatPeriodicFunc func,
                                 gpointer user_data, GDestroyNotify notify);
AAT_AVAILABLE_IN_ALL
void aat_strategy_remove_periodic (AatStrategy *self, guint id);
AAT_AVAILABLE_IN_ALL
gboolean aat_strategy_is_halted (AatStrategy *self);
AAT_AVAILABLE_IN_ALL
void aat_strategy_report_error (AatStrategy *self, const GError *error);
AAT_AVAILABLE_IN_ALL
guint aat_strategy_get_error_count (AatStrategy *self);

G_END_DECLS
