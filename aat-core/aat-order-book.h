/* aat-order-book.h: a price-time-priority limit order book for one instrument. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

/**
 * AatBookEvent:
 * @type: %AAT_EVENT_TYPE_OPEN, %AAT_EVENT_TYPE_FILL, %AAT_EVENT_TYPE_CHANGE,
 *   %AAT_EVENT_TYPE_TRADE or %AAT_EVENT_TYPE_CANCEL
 * @side: the side of the order concerned; for a trade, the taker's side
 * @id: the order concerned; for a trade, the taker
 * @maker_id: for a trade, the maker; otherwise 0
 * @price: in ticks: the order's limit price (0 for a market order); for a trade, the
 *   execution price (the maker's)
 * @volume: in lots: for a trade or a fill or change caused by a match, the volume
 *   matched; for open, the volume that rests; for cancel, the volume cancelled; for a
 *   change made by aat_order_book_change(), the new remaining volume
 * @remaining: in lots: what remains of the order after the event
 * @user_data: the user pointer of the order concerned (the taker, for a trade)
 * @maker_user_data: for a trade, the maker's user pointer
 *
 * One change of state of an #AatOrderBook, delivered synchronously to the book's event
 * function. See aat_order_book_add_raw() for the order in which events come.
 */
typedef struct {
  AatEventType type;
  AatSide side;
  guint64 id;
  guint64 maker_id;
  gint64 price;
  gint64 volume;
  gint64 remaining;
  gpointer user_data;
  gpointer maker_user_data;
} AatBookEvent;

/**
 * AatBookEventFunc:
 * @event: the event; valid only during the call
 * @user_data: the data given to aat_order_book_set_event_func()
 *
 * Receives every change of state of an order book. It must not call back into the book.
 */
typedef void (*AatBookEventFunc) (const AatBookEvent *event, gpointer user_data);

/**
 * AatBookOrder:
 * @id: a unique id among the book's working orders (not 0)
 * @side: buy or sell
 * @type: market, limit, stop-market or stop-limit
 * @flag: an execution condition
 * @price: the limit price in ticks (limit and stop-limit)
 * @stop_price: the trigger in ticks (stop orders)
 * @volume: in lots; for a notional market order, 0
 * @notional: for a notional market order, the value to trade in ticks × lots; otherwise 0
 * @user_data: a pointer handed back in every event about this order
 *
 * An order request in the book's integer units, for aat_order_book_add_raw().
 */
typedef struct {
  guint64 id;
  AatSide side;
  AatOrderType type;
  AatOrderFlag flag;
  gint64 price;
  gint64 stop_price;
  gint64 volume;
  gint64 notional;
  gpointer user_data;
} AatBookOrder;

/**
 * AatBookLevel:
 * @price: the level's price
 * @volume: the volume resting there
 * @count: how many orders rest there
 *
 * One price level of one side of a book.
 */
typedef struct {
  double price;
  double volume;
  guint count;
} AatBookLevel;

#define AAT_TYPE_BOOK_EVENT (aat_book_event_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_book_event_get_type (void) G_GNUC_CONST;
AAT_AVAILABLE_IN_ALL
AatBookEvent *aat_book_event_copy (const AatBookEvent *event);
AAT_AVAILABLE_IN_ALL
void aat_book_event_free (AatBookEvent *event);

#define AAT_TYPE_BOOK_LEVEL (aat_book_level_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_book_level_get_type (void) G_GNUC_CONST;
AAT_AVAILABLE_IN_ALL
AatBookLevel *aat_book_level_copy (const AatBookLevel *level);
AAT_AVAILABLE_IN_ALL
void aat_book_level_free (AatBookLevel *level);

#define AAT_TYPE_ORDER_BOOK (aat_order_book_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AatOrderBook, aat_order_book, AAT, ORDER_BOOK, GObject)

AAT_AVAILABLE_IN_ALL
AatOrderBook *aat_order_book_new (AatInstrument *instrument);
AAT_AVAILABLE_IN_ALL
AatInstrument *aat_order_book_get_instrument (AatOrderBook *self);
AAT_AVAILABLE_IN_ALL
void aat_order_book_set_event_func (AatOrderBook *self, AatBookEventFunc func,
                                    gpointer user_data, GDestroyNotify notify);

/* The integer interface: prices in ticks, volumes in lots. This is the fast path. */
AAT_AVAILABLE_IN_ALL
AatRejectReason aat_order_book_add_raw (AatOrderBook *self, const AatBookOrder *order);
AAT_AVAILABLE_IN_ALL
AatRejectReason aat_order_book_cancel (AatOrderBook *self, guint64 id);
AAT_AVAILABLE_IN_ALL
AatRejectReason aat_order_book_change_raw (AatOrderBook *self, guint64 id, gint64 price,
                                           gint64 volume);
AAT_AVAILABLE_IN_ALL
gboolean aat_order_book_find_raw (AatOrderBook *self, guint64 id, AatBookOrder *order,
                                  gint64 *remaining);
AAT_AVAILABLE_IN_ALL
gboolean aat_order_book_best_raw (AatOrderBook *self, AatSide side, gint64 *price,
                                  gint64 *volume, guint *count);
AAT_AVAILABLE_IN_ALL
gboolean aat_order_book_level_raw (AatOrderBook *self, AatSide side, guint n, gint64 *price,
                                   gint64 *volume, guint *count);
AAT_AVAILABLE_IN_ALL
gboolean aat_order_book_level_at_raw (AatOrderBook *self, AatSide side, gint64 price,
                                      gint64 *volume, guint *count);

/* The order interface: #AatOrder values, prices and volumes as doubles on the grid. */
AAT_AVAILABLE_IN_ALL
AatRejectReason aat_order_book_add (AatOrderBook *self, AatOrder *order);
AAT_AVAILABLE_IN_ALL
AatRejectReason aat_order_book_change (AatOrderBook *self, guint64 id, double price,
                                       double volume);
AAT_AVAILABLE_IN_ALL
AatOrder *aat_order_book_find (AatOrderBook *self, guint64 id);
AAT_AVAILABLE_IN_ALL
gboolean aat_order_book_top (AatOrderBook *self, double *bid, double *bid_volume,
                             double *ask, double *ask_volume);
AAT_AVAILABLE_IN_ALL
double aat_order_book_spread (AatOrderBook *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_order_book_level (AatOrderBook *self, AatSide side, guint n,
                               AatBookLevel *level);
AAT_AVAILABLE_IN_ALL
gboolean aat_order_book_level_at (AatOrderBook *self, AatSide side, double price,
                                  AatBookLevel *level);
AAT_AVAILABLE_IN_ALL
GArray *aat_order_book_levels (AatOrderBook *self, AatSide side, guint n);
AAT_AVAILABLE_IN_ALL
guint aat_order_book_get_order_count (AatOrderBook *self);
AAT_AVAILABLE_IN_ALL
gint64 aat_order_book_get_resting_volume (AatOrderBook *self);
AAT_AVAILABLE_IN_ALL
guint aat_order_book_get_stop_count (AatOrderBook *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_order_book_get_last_trade_price (AatOrderBook *self, double *price);
AAT_AVAILABLE_IN_ALL
void aat_order_book_clear (AatOrderBook *self);

/* Statistics and diagnostics. */
AAT_AVAILABLE_IN_ALL
gint64 aat_order_book_get_traded_volume (AatOrderBook *self);
AAT_AVAILABLE_IN_ALL
guint64 aat_order_book_get_trade_count (AatOrderBook *self);
AAT_AVAILABLE_IN_ALL
gsize aat_order_book_get_memory_size (AatOrderBook *self);
AAT_AVAILABLE_IN_ALL
char *aat_order_book_check_consistency (AatOrderBook *self);

G_END_DECLS
