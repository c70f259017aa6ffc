/* test-order-book.c: the limit order book: each order type and flag with its exact event
 * sequence and the exact book it leaves, change and cancel, stops, bad input, the
 * #AatOrder interface, and randomized replays against gen-orderbook-ops.py. */
#include "aat.h"
#include "aat-private.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define B AAT_SIDE_BUY
#define S AAT_SIDE_SELL
#define OPEN AAT_EVENT_TYPE_OPEN
#define FILL AAT_EVENT_TYPE_FILL
#define CHANGE AAT_EVENT_TYPE_CHANGE
#define TRADE AAT_EVENT_TYPE_TRADE
#define CANCEL AAT_EVENT_TYPE_CANCEL

typedef struct {
  AatOrderBook *book;
  GArray *events;             /* AatBookEvent */
} Fixture;

typedef struct {
  AatEventType type;
  AatSide side;
  guint64 id;
  guint64 maker_id;
  gint64 price;
  gint64 volume;
  gint64 remaining;
} Ev;

static void
record_event (const AatBookEvent *event, gpointer user_data)
{
  g_array_append_vals (user_data, event, 1);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->book = aat_order_book_new (NULL);
  f->events = g_array_new (FALSE, FALSE, sizeof (AatBookEvent));
  aat_order_book_set_event_func (f->book, record_event, f->events, NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  char *problem = aat_order_book_check_consistency (f->book);
  g_assert_null (problem);
  g_object_unref (f->book);
  g_array_unref (f->events);
}

static AatRejectReason
add_full (Fixture *f, guint64 id, AatSide side, AatOrderType type, AatOrderFlag flag,
          gint64 price, gint64 stop, gint64 volume, gint64 notional)
{
  AatBookOrder o = { 0 };

  o.id = id;
  o.side = side;
  o.type = type;
  o.flag = flag;
  o.price = price;
  o.stop_price = stop;
  o.volume = volume;
  o.notional = notional;
  o.user_data = GSIZE_TO_POINTER ((gsize) id * 16);
  return aat_order_book_add_raw (f->book, &o);
}

static void
limit (Fixture *f, guint64 id, AatSide side, gint64 price, gint64 volume)
{
  g_assert_cmpint (add_full (f, id, side, AAT_ORDER_TYPE_LIMIT, 0, price, 0, volume, 0), ==,
                   AAT_REJECT_REASON_NONE);
}

static void
market (Fixture *f, guint64 id, AatSide side, gint64 volume)
{
  g_assert_cmpint (add_full (f, id, side, AAT_ORDER_TYPE_MARKET, 0, 0, 0, volume, 0), ==,
                   AAT_REJECT_REASON_NONE);
}

static void
flagged (Fixture *f, guint64 id, AatSide side, AatOrderType type, AatOrderFlag flag,
         gint64 price, gint64 volume)
{
  g_assert_cmpint (add_full (f, id, side, type, flag, price, 0, volume, 0), ==,
                   AAT_REJECT_REASON_NONE);
}

static void
stop (Fixture *f, guint64 id, AatSide side, AatOrderType type, gint64 stop_price,
      gint64 price, gint64 volume)
{
  g_assert_cmpint (add_full (f, id, side, type, 0, price, stop_price, volume, 0), ==,
                   AAT_REJECT_REASON_NONE);
}

/* Asserts the recorded events are exactly @expected, then forgets them. */
static void
expect_events_ (Fixture *f, const Ev *expected, guint n)
{
  guint i;

  for (i = 0; i < MIN (n, f->events->len); i++)
    {
      const AatBookEvent *e = &g_array_index (f->events, AatBookEvent, i);
      const Ev *x = &expected[i];
      g_test_message ("event %u: type %d side %d id %" G_GUINT64_FORMAT " maker %" G_GUINT64_FORMAT
                      " price %" G_GINT64_FORMAT " volume %" G_GINT64_FORMAT " remaining %" G_GINT64_FORMAT,
                      i, e->type, e->side, e->id, e->maker_id, e->price, e->volume, e->remaining);
      g_assert_cmpint (e->type, ==, x->type);
      g_assert_cmpint (e->side, ==, x->side);
      g_assert_cmpuint (e->id, ==, x->id);
      g_assert_cmpuint (e->maker_id, ==, x->maker_id);
      g_assert_cmpint (e->price, ==, x->price);
      g_assert_cmpint (e->volume, ==, x->volume);
      g_assert_cmpint (e->remaining, ==, x->remaining);
      /* user pointers: id * 16 for the raw orders of these tests */
      g_assert_true (e->user_data == GSIZE_TO_POINTER ((gsize) e->id * 16));
      if (e->type == TRADE)
        g_assert_true (e->maker_user_data == GSIZE_TO_POINTER ((gsize) e->maker_id * 16));
      else
        g_assert_null (e->maker_user_data);
    }
  g_assert_cmpuint (f->events->len, ==, n);
  g_array_set_size (f->events, 0);
}

#define expect_events(f, ...) \
  do { \
    const Ev _ev[] = { __VA_ARGS__ }; \
    expect_events_ ((f), _ev, G_N_ELEMENTS (_ev)); \
  } while (0)

static void
expect_no_events (Fixture *f)
{
  g_assert_cmpuint (f->events->len, ==, 0);
}

/* "price:volume:count;..." for one side, best first. */
static char *
side_text (AatOrderBook *book, AatSide side)
{
  GString *s = g_string_new (NULL);
  gint64 price, volume;
  guint count, n;

  for (n = 0; aat_order_book_level_raw (book, side, n, &price, &volume, &count); n++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%u", n ? ";" : "",
                            price, volume, count);
  return g_string_free (s, FALSE);
}

static void
expect_book (Fixture *f, const char *bids, const char *asks)
{
  char *b = side_text (f->book, B);
  char *a = side_text (f->book, S);
  char *problem = aat_order_book_check_consistency (f->book);

  g_assert_cmpstr (problem, ==, NULL);
  g_assert_cmpstr (b, ==, bids);
  g_assert_cmpstr (a, ==, asks);
  g_free (b);
  g_free (a);
}

/* ---- limit orders ------------------------------------------------------------------ */

static void
test_limit_rests (Fixture *f, gconstpointer data)
{
  gint64 remaining;
  AatBookOrder o;

  limit (f, 1, B, 100, 5);
  expect_events (f, { OPEN, B, 1, 0, 100, 5, 5 });
  limit (f, 2, S, 102, 3);
  expect_events (f, { OPEN, S, 2, 0, 102, 3, 3 });
  limit (f, 3, B, 100, 2);
  expect_events (f, { OPEN, B, 3, 0, 100, 2, 2 });
  expect_book (f, "100:7:2", "102:3:1");
  g_assert_cmpuint (aat_order_book_get_order_count (f->book), ==, 3);
  g_assert_cmpint (aat_order_book_get_resting_volume (f->book), ==, 10);
  g_assert_true (aat_order_book_find_raw (f->book, 3, &o, &remaining));
  g_assert_cmpint (remaining, ==, 2);
  g_assert_cmpint (o.price, ==, 100);
  g_assert_cmpint (o.side, ==, B);
  g_assert_cmpint (o.type, ==, AAT_ORDER_TYPE_LIMIT);
  g_assert_true (o.user_data == GSIZE_TO_POINTER (3 * 16));
  g_assert_false (aat_order_book_find_raw (f->book, 4, NULL, NULL));
}

/* The original aat lost the TRADE of a marketable limit order whose remainder rests,
 * and the OPEN of that remainder. */
static void
test_limit_crosses_then_rests (Fixture *f, gconstpointer data)
{
  limit (f, 1, S, 101, 3);
  g_array_set_size (f->events, 0);
  limit (f, 2, B, 102, 5);
  expect_events (f,
                 { FILL, S, 1, 0, 101, 3, 0 },
                 { TRADE, B, 2, 1, 101, 3, 2 },
                 { OPEN, B, 2, 0, 102, 2, 2 });
  expect_book (f, "102:2:1", "");
}

static void
test_limit_price_time_priority (Fixture *f, gconstpointer data)
{
  limit (f, 1, S, 101, 2);
  limit (f, 2, S, 101, 2);
  limit (f, 3, S, 101, 2);
  limit (f, 4, S, 100, 1);
  limit (f, 5, S, 103, 1);
  g_array_set_size (f->events, 0);
  limit (f, 6, B, 101, 4);
  expect_events (f,
                 { FILL, S, 4, 0, 100, 1, 0 },
                 { TRADE, B, 6, 4, 100, 1, 3 },
                 { FILL, S, 1, 0, 101, 2, 0 },
                 { TRADE, B, 6, 1, 101, 2, 1 },
                 { CHANGE, S, 2, 0, 101, 1, 1 },
                 { TRADE, B, 6, 2, 101, 1, 0 },
                 { FILL, B, 6, 0, 101, 4, 0 });
  expect_book (f, "", "101:3:2;103:1:1");
  g_assert_cmpint (aat_order_book_get_traded_volume (f->book), ==, 4);
  g_assert_cmpuint (aat_order_book_get_trade_count (f->book), ==, 3);

  /* the sell side mirrors it */
  limit (f, 7, B, 99, 1);
  limit (f, 8, B, 98, 2);
  g_array_set_size (f->events, 0);
  limit (f, 9, S, 98, 4);
  expect_events (f,
                 { FILL, B, 7, 0, 99, 1, 0 },
                 { TRADE, S, 9, 7, 99, 1, 3 },
                 { FILL, B, 8, 0, 98, 2, 0 },
                 { TRADE, S, 9, 8, 98, 2, 1 },
                 { OPEN, S, 9, 0, 98, 1, 1 });
  expect_book (f, "", "98:1:1;101:3:2;103:1:1");
}

/* ---- market orders ----------------------------------------------------------------- */

static void
test_market_fills_and_cancels_rest (Fixture *f, gconstpointer data)
{
  limit (f, 1, S, 101, 2);
  limit (f, 2, S, 102, 2);
  g_array_set_size (f->events, 0);
  market (f, 3, B, 5);
  expect_events (f,
                 { FILL, S, 1, 0, 101, 2, 0 },
                 { TRADE, B, 3, 1, 101, 2, 3 },
                 { FILL, S, 2, 0, 102, 2, 0 },
                 { TRADE, B, 3, 2, 102, 2, 1 },
                 { CANCEL, B, 3, 0, 0, 1, 0 });
  expect_book (f, "", "");

  market (f, 4, S, 3);
  expect_events (f, { CANCEL, S, 4, 0, 0, 3, 0 });

  limit (f, 5, B, 99, 5);
  g_array_set_size (f->events, 0);
  market (f, 6, S, 5);
  expect_events (f, { FILL, B, 5, 0, 99, 5, 0 }, { TRADE, S, 6, 5, 99, 5, 0 },
                 { FILL, S, 6, 0, 0, 5, 0 });
  /* a market order never rests, and its id is free again */
  market (f, 6, S, 1);
  expect_events (f, { CANCEL, S, 6, 0, 0, 1, 0 });
}

static void
test_market_notional (Fixture *f, gconstpointer data)
{
  limit (f, 1, S, 100, 3);
  limit (f, 2, S, 110, 5);
  g_array_set_size (f->events, 0);
  /* 600: 3 lots at 100 (300), then 2 at 110 (220); 80 left buys no lot at 110 */
  g_assert_cmpint (add_full (f, 3, B, AAT_ORDER_TYPE_MARKET, 0, 0, 0, 0, 600), ==,
                   AAT_REJECT_REASON_NONE);
  expect_events (f,
                 { FILL, S, 1, 0, 100, 3, 0 },
                 { TRADE, B, 3, 1, 100, 3, 300 },
                 { CHANGE, S, 2, 0, 110, 2, 3 },
                 { TRADE, B, 3, 2, 110, 2, 80 },
                 { CANCEL, B, 3, 0, 0, 80, 0 });
  expect_book (f, "", "110:3:1");

  /* spent exactly: a fill for the lots bought */
  g_assert_cmpint (add_full (f, 4, B, AAT_ORDER_TYPE_MARKET, 0, 0, 0, 0, 220), ==,
                   AAT_REJECT_REASON_NONE);
  expect_events (f, { CHANGE, S, 2, 0, 110, 2, 1 }, { TRADE, B, 4, 2, 110, 2, 0 },
                 { FILL, B, 4, 0, 0, 2, 0 });
  /* too little for one lot */
  g_assert_cmpint (add_full (f, 5, B, AAT_ORDER_TYPE_MARKET, 0, 0, 0, 0, 109), ==,
                   AAT_REJECT_REASON_NONE);
  expect_events (f, { CANCEL, B, 5, 0, 0, 109, 0 });
  /* a sell for a notional */
  limit (f, 6, B, 50, 4);
  g_array_set_size (f->events, 0);
  g_assert_cmpint (add_full (f, 7, S, AAT_ORDER_TYPE_MARKET, AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL,
                             0, 0, 0, 120), ==, AAT_REJECT_REASON_NONE);
  expect_events (f, { CHANGE, B, 6, 0, 50, 2, 2 }, { TRADE, S, 7, 6, 50, 2, 20 },
                 { CANCEL, S, 7, 0, 0, 20, 0 });
  expect_book (f, "50:2:1", "110:1:1");
  g_assert_cmpint (add_full (f, 8, S, AAT_ORDER_TYPE_MARKET, AAT_ORDER_FLAG_FILL_OR_KILL,
                             0, 0, 0, 120), ==, AAT_REJECT_REASON_UNSUPPORTED);
  expect_no_events (f);
}

/* ---- flags ------------------------------------------------------------------------- */

static void
two_asks (Fixture *f)
{
  limit (f, 1, S, 101, 2);
  limit (f, 2, S, 102, 2);
  g_array_set_size (f->events, 0);
}

static void
test_flag_fok_kills (Fixture *f, gconstpointer data)
{
  two_asks (f);
  flagged (f, 3, B, AAT_ORDER_TYPE_LIMIT, AAT_ORDER_FLAG_FILL_OR_KILL, 101, 3);
  expect_events (f, { CANCEL, B, 3, 0, 101, 3, 0 });
  flagged (f, 4, B, AAT_ORDER_TYPE_MARKET, AAT_ORDER_FLAG_FILL_OR_KILL, 0, 5);
  expect_events (f, { CANCEL, B, 4, 0, 0, 5, 0 });
  expect_book (f, "", "101:2:1;102:2:1");
}

static void
test_flag_fok_fills (Fixture *f, gconstpointer data)
{
  two_asks (f);
  flagged (f, 3, B, AAT_ORDER_TYPE_LIMIT, AAT_ORDER_FLAG_FILL_OR_KILL, 102, 3);
  expect_events (f,
                 { FILL, S, 1, 0, 101, 2, 0 },
                 { TRADE, B, 3, 1, 101, 2, 1 },
                 { CHANGE, S, 2, 0, 102, 1, 1 },
                 { TRADE, B, 3, 2, 102, 1, 0 },
                 { FILL, B, 3, 0, 102, 3, 0 });
  expect_book (f, "", "102:1:1");
}

static void
test_flag_aon (Fixture *f, gconstpointer data)
{
  limit (f, 1, S, 101, 2);
  limit (f, 2, S, 101, 5);
  limit (f, 3, S, 102, 10);
  g_array_set_size (f->events, 0);
  /* skips the smaller order ahead of it in the queue */
  flagged (f, 4, B, AAT_ORDER_TYPE_LIMIT, AAT_ORDER_FLAG_ALL_OR_NONE, 101, 4);
  expect_events (f, { CHANGE, S, 2, 0, 101, 4, 1 }, { TRADE, B, 4, 2, 101, 4, 0 },
                 { FILL, B, 4, 0, 101, 4, 0 });
  expect_book (f, "", "101:3:2;102:10:1");
  /* nothing at 101 can fill 6 alone, and 102 is not acceptable */
  flagged (f, 5, B, AAT_ORDER_TYPE_LIMIT, AAT_ORDER_FLAG_ALL_OR_NONE, 101, 6);
  expect_events (f, { CANCEL, B, 5, 0, 101, 6, 0 });
  /* a market all-or-none finds the order at 102, which it exhausts */
  flagged (f, 6, B, AAT_ORDER_TYPE_MARKET, AAT_ORDER_FLAG_ALL_OR_NONE, 0, 10);
  expect_events (f, { FILL, S, 3, 0, 102, 10, 0 }, { TRADE, B, 6, 3, 102, 10, 0 },
                 { FILL, B, 6, 0, 0, 10, 0 });
  expect_book (f, "", "101:3:2");
  /* exhausting an order behind another keeps the level */
  flagged (f, 7, B, AAT_ORDER_TYPE_MARKET, AAT_ORDER_FLAG_ALL_OR_NONE, 0, 1);
  expect_events (f, { CHANGE, S, 1, 0, 101, 1, 1 }, { TRADE, B, 7, 1, 101, 1, 0 },
                 { FILL, B, 7, 0, 0, 1, 0 });
  limit (f, 8, S, 101, 3);
  g_array_set_size (f->events, 0);
  flagged (f, 9, B, AAT_ORDER_TYPE_LIMIT, AAT_ORDER_FLAG_ALL_OR_NONE, 101, 3);
  expect_events (f, { FILL, S, 8, 0, 101, 3, 0 }, { TRADE, B, 9, 8, 101, 3, 0 },
                 { FILL, B, 9, 0, 101, 3, 0 });
  expect_book (f, "", "101:2:2");
}

static void
test_flag_ioc (Fixture *f, gconstpointer data)
{
  two_asks (f);
  flagged (f, 3, B, AAT_ORDER_TYPE_LIMIT, AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL, 101, 5);
  expect_events (f, { FILL, S, 1, 0, 101, 2, 0 }, { TRADE, B, 3, 1, 101, 2, 3 },
                 { CANCEL, B, 3, 0, 101, 3, 0 });
  /* a flagged order never rests */
  flagged (f, 4, B, AAT_ORDER_TYPE_LIMIT, AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL, 99, 5);
  expect_events (f, { CANCEL, B, 4, 0, 99, 5, 0 });
  expect_book (f, "", "102:2:1");
}

/* ---- cancel and change --------------------------------------------------------------- */

static void
test_cancel (Fixture *f, gconstpointer data)
{
  limit (f, 1, B, 100, 5);
  limit (f, 2, B, 100, 3);
  limit (f, 3, B, 99, 1);
  g_array_set_size (f->events, 0);
  g_assert_cmpint (aat_order_book_cancel (f->book, 1), ==, AAT_REJECT_REASON_NONE);
  expect_events (f, { CANCEL, B, 1, 0, 100, 5, 0 });
  expect_book (f, "100:3:1;99:1:1", "");
  g_assert_cmpint (aat_order_book_cancel (f->book, 1), ==, AAT_REJECT_REASON_UNKNOWN_ID);
  g_assert_cmpint (aat_order_book_cancel (f->book, 0), ==, AAT_REJECT_REASON_UNKNOWN_ID);
  g_assert_cmpint (aat_order_book_cancel (f->book, 42), ==, AAT_REJECT_REASON_UNKNOWN_ID);
  expect_no_events (f);
  g_assert_cmpint (aat_order_book_cancel (f->book, 2), ==, AAT_REJECT_REASON_NONE);
  expect_events (f, { CANCEL, B, 2, 0, 100, 3, 0 });
  expect_book (f, "99:1:1", "");
  /* the id can be used again once the order is gone */
  limit (f, 1, S, 105, 1);
  expect_events (f, { OPEN, S, 1, 0, 105, 1, 1 });
  expect_book (f, "99:1:1", "105:1:1");
}

static void
test_change_decrease_keeps_priority (Fixture *f, gconstpointer data)
{
  limit (f, 1, B, 100, 5);
  limit (f, 2, B, 100, 5);
  g_array_set_size (f->events, 0);
  g_assert_cmpint (aat_order_book_change_raw (f->book, 1, 100, 3), ==, AAT_REJECT_REASON_NONE);
  expect_events (f, { CHANGE, B, 1, 0, 100, 3, 3 });
  expect_book (f, "100:8:2", "");
  market (f, 3, S, 3);
  expect_events (f, { FILL, B, 1, 0, 100, 3, 0 }, { TRADE, S, 3, 1, 100, 3, 0 },
                 { FILL, S, 3, 0, 0, 3, 0 });
  expect_book (f, "100:5:1", "");
}

static void
test_change_increase_loses_priority (Fixture *f, gconstpointer data)
{
  limit (f, 1, B, 100, 5);
  limit (f, 2, B, 100, 5);
  g_array_set_size (f->events, 0);
  g_assert_cmpint (aat_order_book_change_raw (f->book, 1, 100, 7), ==, AAT_REJECT_REASON_NONE);
  expect_events (f, { CHANGE, B, 1, 0, 100, 7, 7 });
  expect_book (f, "100:12:2", "");
  market (f, 3, S, 6);
  expect_events (f, { FILL, B, 2, 0, 100, 5, 0 }, { TRADE, S, 3, 2, 100, 5, 1 },
                 { CHANGE, B, 1, 0, 100, 1, 6 }, { TRADE, S, 3, 1, 100, 1, 0 },
                 { FILL, S, 3, 0, 0, 6, 0 });
  expect_book (f, "100:6:1", "");
}

static void
test_change_price_loses_priority (Fixture *f, gconstpointer data)
{
  limit (f, 1, B, 100, 5);
  limit (f, 2, B, 101, 5);
  limit (f, 3, S, 103, 3);
  g_array_set_size (f->events, 0);
  /* to the back of the 101 queue */
  g_assert_cmpint (aat_order_book_change_raw (f->book, 1, 101, 5), ==, AAT_REJECT_REASON_NONE);
  expect_events (f, { CHANGE, B, 1, 0, 101, 5, 5 });
  expect_book (f, "101:10:2", "103:3:1");
  market (f, 4, S, 6);
  expect_events (f, { FILL, B, 2, 0, 101, 5, 0 }, { TRADE, S, 4, 2, 101, 5, 1 },
                 { CHANGE, B, 1, 0, 101, 1, 4 }, { TRADE, S, 4, 1, 101, 1, 0 },
                 { FILL, S, 4, 0, 0, 6, 0 });
  /* marketable: matches as a taker, then rests silently */
  g_assert_cmpint (aat_order_book_change_raw (f->book, 1, 103, 5), ==, AAT_REJECT_REASON_NONE);
  expect_events (f, { CHANGE, B, 1, 0, 103, 5, 5 }, { FILL, S, 3, 0, 103, 3, 0 },
                 { TRADE, B, 1, 3, 103, 3, 2 });
  expect_book (f, "103:2:1", "");
  /* marketable and filled: a FILL for it */
  limit (f, 5, S, 104, 4);
  g_array_set_size (f->events, 0);
  g_assert_cmpint (aat_order_book_change_raw (f->book, 1, 104, 3), ==, AAT_REJECT_REASON_NONE);
  expect_events (f, { CHANGE, B, 1, 0, 104, 3, 3 }, { CHANGE, S, 5, 0, 104, 3, 1 },
                 { TRADE, B, 1, 5, 104, 3, 0 }, { FILL, B, 1, 0, 104, 3, 0 });
  expect_book (f, "", "104:1:1");
  g_assert_false (aat_order_book_find_raw (f->book, 1, NULL, NULL));
}

static void
test_change_rejects (Fixture *f, gconstpointer data)
{
  limit (f, 1, B, 100, 5);
  stop (f, 2, B, AAT_ORDER_TYPE_STOP_MARKET, 110, 0, 1);
  g_array_set_size (f->events, 0);
  g_assert_cmpint (aat_order_book_change_raw (f->book, 9, 100, 1), ==, AAT_REJECT_REASON_UNKNOWN_ID);
  g_assert_cmpint (aat_order_book_change_raw (f->book, 0, 100, 1), ==, AAT_REJECT_REASON_UNKNOWN_ID);
  g_assert_cmpint (aat_order_book_change_raw (f->book, 1, 100, 0), ==, AAT_REJECT_REASON_BAD_VOLUME);
  g_assert_cmpint (aat_order_book_change_raw (f->book, 1, 100, -2), ==, AAT_REJECT_REASON_BAD_VOLUME);
  g_assert_cmpint (aat_order_book_change_raw (f->book, 1, 0, 1), ==, AAT_REJECT_REASON_BAD_PRICE);
  g_assert_cmpint (aat_order_book_change_raw (f->book, 1, 100 + ((gint64) 1 << 23), 1), ==,
                   AAT_REJECT_REASON_OUT_OF_RANGE);
  g_assert_cmpint (aat_order_book_change_raw (f->book, 2, 100, 1), ==, AAT_REJECT_REASON_UNSUPPORTED);
  expect_no_events (f);
  expect_book (f, "100:5:1", "");
}

/* ---- stops --------------------------------------------------------------------------- */

static void
test_stop_market_triggers_on_trade (Fixture *f, gconstpointer data)
{
  limit (f, 1, S, 104, 1);
  limit (f, 2, S, 106, 5);
  g_array_set_size (f->events, 0);
  stop (f, 10, B, AAT_ORDER_TYPE_STOP_MARKET, 105, 0, 2);
  expect_no_events (f);
  g_assert_cmpuint (aat_order_book_get_stop_count (f->book), ==, 1);
  g_assert_cmpuint (aat_order_book_get_order_count (f->book), ==, 2);
  /* a trade below the trigger does nothing */
  market (f, 3, B, 1);
  expect_events (f, { FILL, S, 1, 0, 104, 1, 0 }, { TRADE, B, 3, 1, 104, 1, 0 },
                 { FILL, B, 3, 0, 0, 1, 0 });
  g_assert_cmpuint (aat_order_book_get_stop_count (f->book), ==, 1);
  /* a trade through it fires it after the taker's own events */
  limit (f, 4, B, 106, 1);
  expect_events (f,
                 { CHANGE, S, 2, 0, 106, 1, 4 },
                 { TRADE, B, 4, 2, 106, 1, 0 },
                 { FILL, B, 4, 0, 106, 1, 0 },
                 { CHANGE, S, 2, 0, 106, 2, 2 },
                 { TRADE, B, 10, 2, 106, 2, 0 },
                 { FILL, B, 10, 0, 0, 2, 0 });
  g_assert_cmpuint (aat_order_book_get_stop_count (f->book), ==, 0);
  g_assert_false (aat_order_book_find_raw (f->book, 10, NULL, NULL));
  expect_book (f, "", "106:2:1");
}

static void
test_stop_limit_triggers_on_trade (Fixture *f, gconstpointer data)
{
  AatBookOrder o;

  limit (f, 1, B, 99, 1);
  limit (f, 2, B, 97, 1);
  g_array_set_size (f->events, 0);
  stop (f, 10, S, AAT_ORDER_TYPE_STOP_LIMIT, 99, 98, 3);
  expect_no_events (f);
  g_assert_true (aat_order_book_find_raw (f->book, 10, &o, NULL));
  g_assert_cmpint (o.type, ==, AAT_ORDER_TYPE_STOP_LIMIT);
  g_assert_cmpint (o.stop_price, ==, 99);
  g_assert_cmpint (o.price, ==, 98);
  g_assert_cmpint (o.volume, ==, 3);
  market (f, 3, S, 1);
  expect_events (f,
                 { FILL, B, 1, 0, 99, 1, 0 },
                 { TRADE, S, 3, 1, 99, 1, 0 },
                 { FILL, S, 3, 0, 0, 1, 0 },
                 { OPEN, S, 10, 0, 98, 3, 3 });
  expect_book (f, "97:1:1", "98:3:1");
  g_assert_cmpuint (aat_order_book_get_stop_count (f->book), ==, 0);
  g_assert_true (aat_order_book_find_raw (f->book, 10, &o, NULL));
  g_assert_cmpint (o.type, ==, AAT_ORDER_TYPE_LIMIT);
}

/* Triggers are on trade prices: no volume needs to rest at the trigger price. */
static void
test_stop_triggers_without_volume_at_trigger (Fixture *f, gconstpointer data)
{
  limit (f, 1, B, 99, 1);
  limit (f, 2, B, 98, 5);
  stop (f, 10, S, AAT_ORDER_TYPE_STOP_MARKET, 100, 0, 2);
  g_array_set_size (f->events, 0);
  market (f, 3, S, 1);
  expect_events (f,
                 { FILL, B, 1, 0, 99, 1, 0 },
                 { TRADE, S, 3, 1, 99, 1, 0 },
                 { FILL, S, 3, 0, 0, 1, 0 },
                 { CHANGE, B, 2, 0, 98, 2, 3 },
                 { TRADE, S, 10, 2, 98, 2, 0 },
                 { FILL, S, 10, 0, 0, 2, 0 });
  expect_book (f, "98:3:1", "");
}

static void
test_stop_chained (Fixture *f, gconstpointer data)
{
  limit (f, 1, S, 101, 1);
  limit (f, 2, S, 103, 1);
  limit (f, 3, S, 105, 1);
  /* 10 fires at 101 and trades at 103, which fires 11 (and 12, later in arrival) */
  stop (f, 11, B, AAT_ORDER_TYPE_STOP_MARKET, 103, 0, 1);
  stop (f, 10, B, AAT_ORDER_TYPE_STOP_MARKET, 101, 0, 1);
  stop (f, 12, B, AAT_ORDER_TYPE_STOP_LIMIT, 102, 104, 1);
  stop (f, 13, S, AAT_ORDER_TYPE_STOP_MARKET, 90, 0, 1);
  g_array_set_size (f->events, 0);
  market (f, 4, B, 1);
  expect_events (f,
                 { FILL, S, 1, 0, 101, 1, 0 },
                 { TRADE, B, 4, 1, 101, 1, 0 },
                 { FILL, B, 4, 0, 0, 1, 0 },
                 /* stop 10, triggered by the trade at 101 */
                 { FILL, S, 2, 0, 103, 1, 0 },
                 { TRADE, B, 10, 2, 103, 1, 0 },
                 { FILL, B, 10, 0, 0, 1, 0 },
                 /* the trade at 103 triggered 11 and 12, in order of arrival */
                 { FILL, S, 3, 0, 105, 1, 0 },
                 { TRADE, B, 11, 3, 105, 1, 0 },
                 { FILL, B, 11, 0, 0, 1, 0 },
                 { OPEN, B, 12, 0, 104, 1, 1 });
  g_assert_cmpuint (aat_order_book_get_stop_count (f->book), ==, 1);
  expect_book (f, "104:1:1", "");
}

static void
test_stop_cancel_waiting (Fixture *f, gconstpointer data)
{
  limit (f, 1, S, 101, 5);
  stop (f, 10, B, AAT_ORDER_TYPE_STOP_LIMIT, 101, 102, 2);
  stop (f, 11, B, AAT_ORDER_TYPE_STOP_MARKET, 101, 0, 1);
  g_array_set_size (f->events, 0);
  g_assert_cmpint (add_full (f, 10, B, AAT_ORDER_TYPE_LIMIT, 0, 90, 0, 1, 0), ==,
                   AAT_REJECT_REASON_DUPLICATE_ID);
  g_assert_cmpint (aat_order_book_cancel (f->book, 10), ==, AAT_REJECT_REASON_NONE);
  expect_events (f, { CANCEL, B, 10, 0, 102, 2, 0 });
  g_assert_cmpint (aat_order_book_cancel (f->book, 10), ==, AAT_REJECT_REASON_UNKNOWN_ID);
  g_assert_cmpuint (aat_order_book_get_stop_count (f->book), ==, 1);
  market (f, 2, B, 1);
  expect_events (f, { CHANGE, S, 1, 0, 101, 1, 4 }, { TRADE, B, 2, 1, 101, 1, 0 },
                 { FILL, B, 2, 0, 0, 1, 0 },
                 { CHANGE, S, 1, 0, 101, 1, 3 }, { TRADE, B, 11, 1, 101, 1, 0 },
                 { FILL, B, 11, 0, 0, 1, 0 });
  g_assert_cmpuint (aat_order_book_get_stop_count (f->book), ==, 0);
  expect_book (f, "", "101:3:1");
}

static void
test_stop_market_notional (Fixture *f, gconstpointer data)
{
  AatBookOrder o;
  gint64 remaining;

  limit (f, 1, S, 106, 5);
  g_array_set_size (f->events, 0);
  g_assert_cmpint (add_full (f, 10, B, AAT_ORDER_TYPE_STOP_MARKET, 0, 0, 105, 0, 300), ==,
                   AAT_REJECT_REASON_NONE);
  g_assert_cmpint (add_full (f, 11, B, AAT_ORDER_TYPE_STOP_MARKET, 0, 0, 105, 0, 500), ==,
                   AAT_REJECT_REASON_NONE);
  expect_no_events (f);
  g_assert_true (aat_order_book_find_raw (f->book, 10, &o, &remaining));
  g_assert_cmpint (o.notional, ==, 300);
  g_assert_cmpint (o.volume, ==, 0);
  g_assert_cmpint (remaining, ==, 300);
  /* cancelling a notional stop reports the notional */
  g_assert_cmpint (aat_order_book_cancel (f->book, 11), ==, AAT_REJECT_REASON_NONE);
  expect_events (f, { CANCEL, B, 11, 0, 0, 500, 0 });
  /* 300 buys 2 lots at 106, 88 is left */
  limit (f, 2, B, 106, 1);
  expect_events (f,
                 { CHANGE, S, 1, 0, 106, 1, 4 },
                 { TRADE, B, 2, 1, 106, 1, 0 },
                 { FILL, B, 2, 0, 106, 1, 0 },
                 { CHANGE, S, 1, 0, 106, 2, 2 },
                 { TRADE, B, 10, 1, 106, 2, 88 },
                 { CANCEL, B, 10, 0, 0, 88, 0 });
  g_assert_cmpuint (aat_order_book_get_stop_count (f->book), ==, 0);
  expect_book (f, "", "106:2:1");
}

static void
test_stop_not_on_submit (Fixture *f, gconstpointer data)
{
  double last = 0;

  limit (f, 1, S, 110, 1);
  market (f, 2, B, 1);
  g_assert_true (aat_order_book_get_last_trade_price (f->book, &last));
  g_assert_cmpfloat (last, ==, 110.0);
  g_array_set_size (f->events, 0);
  /* the last trade is already through 105: the stop still waits for the next trade */
  stop (f, 10, B, AAT_ORDER_TYPE_STOP_MARKET, 105, 0, 1);
  expect_no_events (f);
  g_assert_cmpuint (aat_order_book_get_stop_count (f->book), ==, 1);
}

/* ---- bad input ---------------------------------------------------------------------- */

static void
test_bad_input_raw (Fixture *f, gconstpointer data)
{
  AatBookOrder o = { 0 };

  limit (f, 1, B, 100, 5);
  stop (f, 2, S, AAT_ORDER_TYPE_STOP_MARKET, 90, 0, 1);
  g_array_set_size (f->events, 0);
#define REJ(reason, ...) g_assert_cmpint (add_full (f, __VA_ARGS__), ==, AAT_REJECT_REASON_##reason)
  REJ (BAD_VOLUME, 3, B, AAT_ORDER_TYPE_LIMIT, 0, 100, 0, 0, 0);
  REJ (BAD_VOLUME, 3, B, AAT_ORDER_TYPE_LIMIT, 0, 100, 0, -1, 0);
  REJ (BAD_VOLUME, 3, B, AAT_ORDER_TYPE_MARKET, 0, 0, 0, 0, 0);
  REJ (BAD_VOLUME, 3, B, AAT_ORDER_TYPE_MARKET, 0, 0, 0, 0, -5);
  REJ (BAD_VOLUME, 3, B, AAT_ORDER_TYPE_MARKET, 0, 0, 0, 2, 5);
  REJ (BAD_VOLUME, 3, B, AAT_ORDER_TYPE_LIMIT, 0, 100, 0, G_MAXINT64, 0);
  REJ (BAD_PRICE, 3, B, AAT_ORDER_TYPE_LIMIT, 0, 0, 0, 1, 0);
  REJ (BAD_PRICE, 3, S, AAT_ORDER_TYPE_LIMIT, 0, -7, 0, 1, 0);
  REJ (BAD_PRICE, 3, S, AAT_ORDER_TYPE_STOP_MARKET, 0, 0, 0, 1, 0);
  REJ (BAD_PRICE, 3, S, AAT_ORDER_TYPE_STOP_LIMIT, 0, 0, 95, 1, 0);
  REJ (UNKNOWN_ID, 0, B, AAT_ORDER_TYPE_LIMIT, 0, 100, 0, 1, 0);
  REJ (DUPLICATE_ID, 1, S, AAT_ORDER_TYPE_LIMIT, 0, 200, 0, 1, 0);
  REJ (DUPLICATE_ID, 2, S, AAT_ORDER_TYPE_MARKET, 0, 0, 0, 1, 0);
  REJ (OUT_OF_RANGE, 3, S, AAT_ORDER_TYPE_LIMIT, 0, 100 + ((gint64) 1 << 22), 0, 1, 0);
  REJ (OUT_OF_RANGE, 3, S, AAT_ORDER_TYPE_LIMIT, 0, G_MAXINT64, 0, 1, 0);
  REJ (OUT_OF_RANGE, 3, S, AAT_ORDER_TYPE_STOP_LIMIT, 0, 100 + ((gint64) 1 << 22), 95, 1, 0);
  REJ (UNSUPPORTED, 3, 7, AAT_ORDER_TYPE_LIMIT, 0, 100, 0, 1, 0);
  REJ (UNSUPPORTED, 3, B, 9, 0, 100, 0, 1, 0);
  REJ (UNSUPPORTED, 3, B, AAT_ORDER_TYPE_LIMIT, 11, 100, 0, 1, 0);
#undef REJ
  expect_no_events (f);
  expect_book (f, "100:5:1", "");
  g_assert_cmpuint (aat_order_book_get_stop_count (f->book), ==, 1);
  /* the widest span fits: 2^22 ticks from the lowest to the highest price */
  limit (f, 4, S, 100 + ((gint64) 1 << 22) - 1, 1);
  /* an IOC far away cannot rest, so it is not out of range */
  flagged (f, 5, S, AAT_ORDER_TYPE_LIMIT, AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL, (gint64) 1 << 40, 1);
  expect_events (f, { OPEN, S, 4, 0, 100 + ((gint64) 1 << 22) - 1, 1, 1 },
                 { CANCEL, S, 5, 0, (gint64) 1 << 40, 1, 0 });
  /* the book now spans exactly 2^22 ticks: one tick lower is too far */
  o.id = 6;
  o.type = AAT_ORDER_TYPE_LIMIT;
  o.price = 99;
  o.volume = 1;
  o.user_data = GSIZE_TO_POINTER (6 * 16);
  g_assert_cmpint (aat_order_book_add_raw (f->book, &o), ==, AAT_REJECT_REASON_OUT_OF_RANGE);
  o.price = 100;
  g_assert_cmpint (aat_order_book_add_raw (f->book, &o), ==, AAT_REJECT_REASON_NONE);
  expect_events (f, { OPEN, B, 6, 0, 100, 1, 1 });
  expect_book (f, "100:6:2", "4194403:1:1");
  /* once the far order leaves, the near ones recentre the levels */
  g_assert_cmpint (aat_order_book_cancel (f->book, 4), ==, AAT_REJECT_REASON_NONE);
  o.id = 7;
  o.price = 50;
  o.user_data = GSIZE_TO_POINTER (7 * 16);
  g_assert_cmpint (aat_order_book_add_raw (f->book, &o), ==, AAT_REJECT_REASON_NONE);
  g_array_set_size (f->events, 0);
  expect_book (f, "100:6:2;50:1:1", "");
}

/* The level array grows and recentres as prices move. */
static void
test_levels_recentre (Fixture *f, gconstpointer data)
{
  gint64 i;
  guint64 id = 1;
  char *problem;

  for (i = 0; i < 50; i++)
    {
      gint64 mid = 1000 + i * 997;
      limit (f, id++, B, mid - 1, 1);
      limit (f, id++, S, mid + 1, 1);
      /* walk the market up: lift the ask, hit the bid, so the book empties and moves */
      market (f, id++, B, 1);
      market (f, id++, S, 1);
      problem = aat_order_book_check_consistency (f->book);
      g_assert_null (problem);
    }
  expect_book (f, "", "");
  limit (f, id++, B, 10, 1);
  limit (f, id++, S, 1000000, 1);
  limit (f, id++, B, 20, 1);
  limit (f, id++, S, 500000, 1);
  expect_book (f, "20:1:1;10:1:1", "500000:1:1;1000000:1:1");
  g_assert_cmpint (aat_order_book_cancel (f->book, id - 3), ==, AAT_REJECT_REASON_NONE);
  g_assert_cmpint (aat_order_book_cancel (f->book, id - 2), ==, AAT_REJECT_REASON_NONE);
  expect_book (f, "10:1:1", "500000:1:1");
  limit (f, id++, S, 3000000, 1);
  expect_book (f, "10:1:1", "500000:1:1;3000000:1:1");
}

/* ---- queries ------------------------------------------------------------------------ */

static void
test_queries (Fixture *f, gconstpointer data)
{
  AatInstrument *inst = aat_instrument_get ("OB-QUERIES", AAT_INSTRUMENT_TYPE_EQUITY);
  AatOrderBook *book;
  double bid, bidv, ask, askv, last;
  AatBookLevel level;
  GArray *levels;
  AatBookOrder o = { 0 };
  gint64 price, volume;
  guint count;

  aat_instrument_set_tick_size (inst, 0.01);
  aat_instrument_set_lot_size (inst, 10);
  book = aat_order_book_new (inst);
  g_assert_true (aat_order_book_get_instrument (book) == inst);
  g_assert_false (aat_order_book_top (book, &bid, &bidv, &ask, &askv));
  g_assert_true (isnan (bid) && isnan (ask));
  g_assert_cmpfloat (bidv, ==, 0.0);
  g_assert_true (isnan (aat_order_book_spread (book)));
  g_assert_false (aat_order_book_get_last_trade_price (book, &last));
  g_assert_false (aat_order_book_best_raw (book, B, NULL, NULL, NULL));

  o.type = AAT_ORDER_TYPE_LIMIT;
#define ADD(i, s, p, v) do { o.id = i; o.side = s; o.price = p; o.volume = v; \
    g_assert_cmpint (aat_order_book_add_raw (book, &o), ==, AAT_REJECT_REASON_NONE); } while (0)
  ADD (1, B, 2361, 2);
  ADD (2, B, 2361, 3);
  ADD (3, B, 2359, 1);
  g_assert_false (aat_order_book_top (book, &bid, &bidv, NULL, NULL));
  g_assert_cmpfloat (bid, ==, 23.61);
  g_assert_cmpfloat (bidv, ==, 50.0);
  g_assert_true (isnan (aat_order_book_spread (book)));
  ADD (4, S, 2365, 4);
  ADD (5, S, 2370, 1);
  g_assert_true (aat_order_book_top (book, &bid, &bidv, &ask, &askv));
  g_assert_cmpfloat (ask, ==, 23.65);
  g_assert_cmpfloat (askv, ==, 40.0);
  g_assert_cmpfloat_with_epsilon (aat_order_book_spread (book), 0.04, 1e-12);

  g_assert_true (aat_order_book_level (book, B, 1, &level));
  g_assert_cmpfloat (level.price, ==, 23.59);
  g_assert_cmpfloat (level.volume, ==, 10.0);
  g_assert_cmpuint (level.count, ==, 1);
  g_assert_false (aat_order_book_level (book, B, 2, &level));
  g_assert_true (aat_order_book_level_at (book, S, 23.70, &level));
  g_assert_cmpuint (level.count, ==, 1);
  g_assert_false (aat_order_book_level_at (book, S, 23.61, &level));
  g_assert_false (aat_order_book_level_at (book, B, 23.65, &level));
  g_assert_false (aat_order_book_level_at (book, B, 23.605, &level));
  g_assert_false (aat_order_book_level_at (book, B, 23.60, &level));
  g_assert_true (aat_order_book_level_at_raw (book, B, 2361, &volume, &count));
  g_assert_cmpint (volume, ==, 5);
  g_assert_cmpuint (count, ==, 2);
  g_assert_false (aat_order_book_level_at_raw (book, S, 2361, NULL, NULL));
  g_assert_false (aat_order_book_level_at_raw (book, S, -5, NULL, NULL));
  g_assert_true (aat_order_book_level_raw (book, S, 1, &price, &volume, &count));
  g_assert_cmpint (price, ==, 2370);

  levels = aat_order_book_levels (book, B, 0);
  g_assert_cmpuint (levels->len, ==, 2);
  g_assert_cmpfloat (g_array_index (levels, AatBookLevel, 0).price, ==, 23.61);
  g_assert_cmpfloat (g_array_index (levels, AatBookLevel, 0).volume, ==, 50.0);
  g_assert_cmpuint (g_array_index (levels, AatBookLevel, 0).count, ==, 2);
  g_assert_cmpfloat (g_array_index (levels, AatBookLevel, 1).price, ==, 23.59);
  g_array_unref (levels);
  levels = aat_order_book_levels (book, S, 1);
  g_assert_cmpuint (levels->len, ==, 1);
  g_assert_cmpfloat (g_array_index (levels, AatBookLevel, 0).price, ==, 23.65);
  g_array_unref (levels);

  o.id = 6; o.side = S; o.type = AAT_ORDER_TYPE_MARKET; o.volume = 1;
  g_assert_cmpint (aat_order_book_add_raw (book, &o), ==, AAT_REJECT_REASON_NONE);
  g_assert_true (aat_order_book_get_last_trade_price (book, &last));
  g_assert_cmpfloat (last, ==, 23.61);
  g_assert_cmpuint (aat_order_book_get_order_count (book), ==, 5);
  g_assert_cmpint (aat_order_book_get_resting_volume (book), ==, 10);
  g_assert_cmpuint (aat_order_book_get_memory_size (book), >, 0);

  aat_order_book_clear (book);
  g_assert_cmpuint (aat_order_book_get_order_count (book), ==, 0);
  g_assert_cmpint (aat_order_book_get_resting_volume (book), ==, 0);
  g_assert_false (aat_order_book_best_raw (book, B, NULL, NULL, NULL));
  g_assert_false (aat_order_book_best_raw (book, S, NULL, NULL, NULL));
  g_assert_true (aat_order_book_get_last_trade_price (book, &last));
  g_assert_null (aat_order_book_check_consistency (book));
  /* usable again, ids free */
  o.type = AAT_ORDER_TYPE_LIMIT;
  ADD (1, S, 5000, 1);
  g_assert_true (aat_order_book_best_raw (book, S, &price, NULL, NULL));
  g_assert_cmpint (price, ==, 5000);
#undef ADD
  g_object_unref (book);
}

static void
test_boxed (void)
{
  AatBookEvent e = { AAT_EVENT_TYPE_TRADE, S, 3, 4, 100, 2, 1, NULL, NULL };
  AatBookLevel l = { 1.5, 2.0, 3 };
  AatBookEvent *ec;
  AatBookLevel *lc;

  g_assert_true (G_TYPE_IS_BOXED (AAT_TYPE_BOOK_EVENT));
  g_assert_true (G_TYPE_IS_BOXED (AAT_TYPE_BOOK_LEVEL));
  ec = g_boxed_copy (AAT_TYPE_BOOK_EVENT, &e);
  g_assert_cmpuint (ec->maker_id, ==, 4);
  g_assert_cmpint (ec->volume, ==, 2);
  g_boxed_free (AAT_TYPE_BOOK_EVENT, ec);
  lc = g_boxed_copy (AAT_TYPE_BOOK_LEVEL, &l);
  g_assert_cmpfloat (lc->price, ==, 1.5);
  g_assert_cmpuint (lc->count, ==, 3);
  g_boxed_free (AAT_TYPE_BOOK_LEVEL, lc);
}

static int notified;

/* The destroy notify of the event function: receives its user data, here the GArray. */
static void
count_notify (gpointer data)
{
  g_assert_nonnull (data);
  notified++;
}

static void
test_event_func (void)
{
  AatOrderBook *book = aat_order_book_new (NULL);
  GArray *events = g_array_new (FALSE, FALSE, sizeof (AatBookEvent));
  AatBookOrder o = { 1, B, AAT_ORDER_TYPE_LIMIT, 0, 100, 0, 5, 0, NULL };

  notified = 0;
  /* no function: events are dropped, the book still works */
  g_assert_cmpint (aat_order_book_add_raw (book, &o), ==, AAT_REJECT_REASON_NONE);
  aat_order_book_set_event_func (book, record_event, events, count_notify);
  o.id = 2;
  g_assert_cmpint (aat_order_book_add_raw (book, &o), ==, AAT_REJECT_REASON_NONE);
  g_assert_cmpuint (events->len, ==, 1);
  /* replacing it frees the old data */
  aat_order_book_set_event_func (book, NULL, NULL, NULL);
  g_assert_cmpint (notified, ==, 1);
  g_assert_cmpint (aat_order_book_cancel (book, 1), ==, AAT_REJECT_REASON_NONE);
  g_assert_cmpuint (events->len, ==, 1);
  aat_order_book_set_event_func (book, record_event, events, count_notify);
  g_assert_cmpint (aat_order_book_cancel (book, 2), ==, AAT_REJECT_REASON_NONE);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (g_array_index (events, AatBookEvent, 1).type, ==, CANCEL);
  /* so does finalizing the book */
  g_object_unref (book);
  g_assert_cmpint (notified, ==, 2);
  g_array_unref (events);
}

/* ---- the AatOrder interface --------------------------------------------------------- */

typedef struct {
  GPtrArray *orders;         /* the user pointer of every event, with a reference */
  guint n;
} OrderEvents;

static void
record_order_event (const AatBookEvent *event, gpointer user_data)
{
  OrderEvents *oe = user_data;

  /* the pointer is a live AatOrder during the event: taking a reference proves it */
  g_ptr_array_add (oe->orders, aat_order_ref (event->user_data));
  if (event->maker_user_data)
    g_ptr_array_add (oe->orders, aat_order_ref (event->maker_user_data));
  oe->n++;
}

static void
test_order_api (void)
{
  AatInstrument *inst = aat_instrument_get ("OB-ORDERS", AAT_INSTRUMENT_TYPE_EQUITY);
  AatInstrument *other = aat_instrument_get ("OB-OTHER", AAT_INSTRUMENT_TYPE_EQUITY);
  AatOrderBook *book;
  AatOrder *bid, *ask, *o;
  OrderEvents oe = { g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref), 0 };
  AatBookOrder raw;
  gint64 remaining;

  aat_instrument_set_tick_size (inst, 0.05);
  aat_instrument_set_lot_size (inst, 100);
  book = aat_order_book_new (inst);
  aat_order_book_set_event_func (book, record_order_event, &oe, NULL);

  bid = aat_order_new (inst, B, AAT_ORDER_TYPE_LIMIT, 500, 10.05);
  aat_order_set_id (bid, 1);
  g_assert_cmpint (aat_order_book_add (book, bid), ==, AAT_REJECT_REASON_NONE);
  g_assert_cmpint (bid->ref_count, ==, 3);   /* ours, the book's, the recorder's */
  g_assert_true (aat_order_book_find (book, 1) == bid);
  g_assert_true (aat_order_book_find_raw (book, 1, &raw, &remaining));
  g_assert_cmpint (raw.price, ==, 201);
  g_assert_cmpint (remaining, ==, 5);
  g_assert_true (raw.user_data == bid);
  /* the book does not touch the order's state */
  g_assert_cmpint (aat_order_get_status (bid), ==, AAT_ORDER_STATUS_NEW);
  g_assert_cmpfloat (aat_order_get_filled (bid), ==, 0.0);

  /* duplicate id */
  o = aat_order_new (inst, S, AAT_ORDER_TYPE_LIMIT, 100, 11.00);
  aat_order_set_id (o, 1);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_DUPLICATE_ID);
  /* off the lot grid, bad volumes */
  aat_order_set_id (o, 2);
  aat_order_set_volume (o, 150);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_BAD_VOLUME);
  aat_order_set_volume (o, 0);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_BAD_VOLUME);
  aat_order_set_volume (o, NAN);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_BAD_VOLUME);
  aat_order_set_volume (o, INFINITY);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_BAD_VOLUME);
  aat_order_set_volume (o, -100);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_BAD_VOLUME);
  /* 1e-12 relative from a whole lot is still a lot */
  aat_order_set_volume (o, 300 * (1 + 1e-12));
  /* off the tick grid, bad prices */
  o->price = 11.03;                          /* the setter snaps to the grid */
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_OFF_TICK);
  o->price = NAN;
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_BAD_PRICE);
  o->price = -INFINITY;
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_BAD_PRICE);
  o->price = 0.0;
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_BAD_PRICE);
  aat_order_unref (o);
  o = aat_order_new (other, S, AAT_ORDER_TYPE_LIMIT, 100, 11.00);
  aat_order_set_id (o, 2);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_WRONG_INSTRUMENT);
  aat_order_unref (o);
  g_assert_cmpuint (oe.n, ==, 1);

  /* a sell for 3 lots at 10.00 against the bid of 5 lots at 10.05 */
  ask = aat_order_new (inst, S, AAT_ORDER_TYPE_LIMIT, 300 * (1 + 1e-12), 10.00);
  aat_order_set_id (ask, 2);
  g_assert_cmpint (aat_order_book_add (book, ask), ==, AAT_REJECT_REASON_NONE);
  g_assert_cmpuint (oe.n, ==, 4);            /* + CHANGE of the bid, TRADE, FILL of the ask */
  g_assert_true (g_ptr_array_index (oe.orders, 1) == bid);
  g_assert_true (g_ptr_array_index (oe.orders, 2) == ask);
  g_assert_true (g_ptr_array_index (oe.orders, 3) == bid);
  g_assert_true (g_ptr_array_index (oe.orders, 4) == ask);
  g_assert_null (aat_order_book_find (book, 2));
  g_ptr_array_set_size (oe.orders, 0);
  g_assert_cmpint (ask->ref_count, ==, 1);   /* never kept: it did not rest */
  g_assert_cmpint (bid->ref_count, ==, 2);

  /* change through the order interface */
  g_assert_cmpint (aat_order_book_change (book, 1, 10.10, 100), ==, AAT_REJECT_REASON_NONE);
  g_assert_true (aat_order_book_find_raw (book, 1, &raw, &remaining));
  g_assert_cmpint (raw.price, ==, 202);
  g_assert_cmpint (remaining, ==, 1);
  g_assert_cmpint (aat_order_book_change (book, 1, 10.12, 100), ==, AAT_REJECT_REASON_OFF_TICK);
  g_assert_cmpint (aat_order_book_change (book, 1, 10.10, 50), ==, AAT_REJECT_REASON_BAD_VOLUME);
  g_assert_cmpint (aat_order_book_change (book, 9, 10.10, 100), ==, AAT_REJECT_REASON_UNKNOWN_ID);
  g_ptr_array_set_size (oe.orders, 0);

  /* filled: the book lets go */
  o = aat_order_new (inst, S, AAT_ORDER_TYPE_MARKET, 100, 0);
  aat_order_set_id (o, 3);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_NONE);
  g_ptr_array_set_size (oe.orders, 0);
  g_assert_null (aat_order_book_find (book, 1));
  g_assert_cmpint (bid->ref_count, ==, 1);
  g_assert_cmpint (o->ref_count, ==, 1);
  aat_order_unref (o);

  /* a stop holds a reference while it waits; cancelling releases it */
  o = aat_order_new_stop (inst, B, AAT_ORDER_TYPE_STOP_LIMIT, 200, 10.50, 10.55);
  aat_order_set_id (o, 4);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_NONE);
  g_assert_cmpint (o->ref_count, ==, 2);
  g_assert_true (aat_order_book_find (book, 4) == o);
  g_assert_true (aat_order_book_find_raw (book, 4, &raw, NULL));
  g_assert_cmpint (raw.stop_price, ==, 210);
  g_assert_cmpint (raw.price, ==, 211);
  g_assert_cmpint (raw.volume, ==, 2);
  g_assert_cmpint (aat_order_book_cancel (book, 4), ==, AAT_REJECT_REASON_NONE);
  g_ptr_array_set_size (oe.orders, 0);
  g_assert_cmpint (o->ref_count, ==, 1);
  aat_order_unref (o);
  o = aat_order_new_stop (inst, B, AAT_ORDER_TYPE_STOP_MARKET, 200, 10.50, 0);
  aat_order_set_id (o, 5);
  o->stop_price = 10.52;                     /* the constructor snaps; force it off the grid */
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_OFF_TICK);
  aat_order_unref (o);

  /* a notional order: 1000.00 is 200 ticks x lots at tick 0.05 and lot 100 */
  o = aat_order_new (inst, S, AAT_ORDER_TYPE_LIMIT, 200, 5.00);
  aat_order_set_id (o, 6);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_NONE);
  aat_order_unref (o);
  o = aat_order_new_notional (inst, B, 1000.0);
  aat_order_set_id (o, 7);
  oe.n = 0;
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_NONE);
  g_assert_cmpuint (oe.n, ==, 3);            /* FILL of the ask, TRADE, FILL (spent exactly) */
  aat_order_unref (o);

  /* orders still working when the book goes are released */
  o = aat_order_new (inst, B, AAT_ORDER_TYPE_LIMIT, 100, 1.00);
  aat_order_set_id (o, 8);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_NONE);
  g_ptr_array_set_size (oe.orders, 0);
  g_assert_cmpint (o->ref_count, ==, 2);
  g_object_unref (book);
  g_assert_cmpint (o->ref_count, ==, 1);
  aat_order_unref (o);

  aat_order_unref (bid);
  aat_order_unref (ask);
  g_ptr_array_unref (oe.orders);
}

static void
test_raw_book_rejects_orders (void)
{
  AatInstrument *inst = aat_instrument_get ("OB-ORDERS", AAT_INSTRUMENT_TYPE_EQUITY);
  AatOrderBook *book = aat_order_book_new (NULL);
  AatOrder *o = aat_order_new (inst, B, AAT_ORDER_TYPE_LIMIT, 100, 1.00);

  aat_order_set_id (o, 1);
  g_assert_cmpint (aat_order_book_add (book, o), ==, AAT_REJECT_REASON_WRONG_INSTRUMENT);
  g_assert_null (aat_order_book_find (book, 1));
  aat_order_unref (o);
  g_object_unref (book);
}

/* ---- randomized replays against the generator --------------------------------------- */

typedef struct {
  gint64 opened;              /* volume that came to rest (OPEN) */
  gint64 traded;
  gint64 cancelled;           /* CANCEL volume: resting orders and taker remainders */
  gint64 filled_resting;      /* maker volume that left */
  GHashTable *live;           /* id -> id, resting according to the events */
} Tally;

static void
tally_event (const AatBookEvent *e, gpointer user_data)
{
  Tally *t = user_data;

  switch (e->type)
    {
    case AAT_EVENT_TYPE_OPEN:
      t->opened += e->volume;
      g_hash_table_add (t->live, GSIZE_TO_POINTER ((gsize) e->id));
      break;
    case AAT_EVENT_TYPE_TRADE:
      t->traded += e->volume;
      break;
    case AAT_EVENT_TYPE_CANCEL:
      t->cancelled += e->volume;
      g_hash_table_remove (t->live, GSIZE_TO_POINTER ((gsize) e->id));
      break;
    case AAT_EVENT_TYPE_FILL:
      g_hash_table_remove (t->live, GSIZE_TO_POINTER ((gsize) e->id));
      break;
    default:
      break;
    }
}

static char *
final_state (AatOrderBook *book)
{
  char *b = side_text (book, B), *a = side_text (book, S);
  char *text = g_strdup_printf ("B:%s|S:%s", b, a);
  char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  gint64 bp, bv, ap, av;
  char *bid, *ask, *line;

  bid = aat_order_book_best_raw (book, B, &bp, &bv, NULL)
        ? g_strdup_printf ("%" G_GINT64_FORMAT "@%" G_GINT64_FORMAT, bp, bv) : g_strdup ("none");
  ask = aat_order_book_best_raw (book, S, &ap, &av, NULL)
        ? g_strdup_printf ("%" G_GINT64_FORMAT "@%" G_GINT64_FORMAT, ap, av) : g_strdup ("none");
  line = g_strdup_printf ("resting_orders=%u resting_volume=%" G_GINT64_FORMAT " traded_volume=%"
                          G_GINT64_FORMAT " trades=%" G_GUINT64_FORMAT " bid=%s ask=%s book_sha256=%s",
                          aat_order_book_get_order_count (book),
                          aat_order_book_get_resting_volume (book),
                          aat_order_book_get_traded_volume (book),
                          aat_order_book_get_trade_count (book), bid, ask, sha);
  g_free (b);
  g_free (a);
  g_free (text);
  g_free (sha);
  g_free (bid);
  g_free (ask);
  return line;
}

typedef struct {
  const char *name;
  const char *args[12];
} Workload;

static const Workload workloads[] = {
  { "seed-1", { "--seed", "1", "-n", "20000", NULL } },
  { "seed-2", { "--seed", "2", "-n", "20000", NULL } },
  { "seed-3", { "--seed", "3", "-n", "20000", NULL } },
  { "deep", { "--seed", "4", "--market-max", "20", "--k-max", "400", "-n", "20000", NULL } },
};

/* Slow checks with the public interface: the levels add up to the totals, and every
 * order the events say rests can be found. */
static void
walk_check (AatOrderBook *book, Tally *t, gboolean full)
{
  gint64 volume = 0, bid = 0, ask = 0;
  guint count = 0;
  int s;

  for (s = 0; s < 2; s++)
    {
      GArray *levels = aat_order_book_levels (book, s == 0 ? B : S, 0);
      guint i;
      for (i = 0; i < levels->len; i++)
        {
          volume += (gint64) g_array_index (levels, AatBookLevel, i).volume;
          count += g_array_index (levels, AatBookLevel, i).count;
        }
      g_array_unref (levels);
    }
  g_assert_cmpint (volume, ==, aat_order_book_get_resting_volume (book));
  g_assert_cmpuint (count, ==, aat_order_book_get_order_count (book));
  g_assert_cmpuint (g_hash_table_size (t->live), ==, count);
  if (aat_order_book_best_raw (book, B, &bid, NULL, NULL)
      && aat_order_book_best_raw (book, S, &ask, NULL, NULL))
    g_assert_cmpint (bid, <, ask);
  if (full)
    {
      GHashTableIter it;
      gpointer key;
      g_hash_table_iter_init (&it, t->live);
      while (g_hash_table_iter_next (&it, &key, NULL))
        g_assert_true (aat_order_book_find_raw (book, GPOINTER_TO_SIZE (key), NULL, NULL));
    }
}

static void
test_random_replay (gconstpointer data)
{
  const Workload *w = data;
  const char *root = g_getenv ("AAT_SOURCE_ROOT");
  char *script, *dir, *csv, *out = NULL, *err = NULL, *text = NULL, *expected, *got;
  GPtrArray *argv;
  GError *error = NULL;
  int status = 0, i;
  char **lines;
  AatOrderBook *book;
  Tally t = { 0 };
  gint64 added = 0;
  guint li;

  script = g_build_filename (root ? root : AAT_TESTS_SRCDIR "/..", "..", "shared", "bench",
                             "gen-orderbook-ops.py", NULL);
  if (!g_file_test (script, G_FILE_TEST_EXISTS) || !g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      char *msg = g_strdup_printf ("the workload generator %s (or /usr/bin/python3) is absent", script);
      g_test_skip (msg);
      g_free (msg);
      g_free (script);
      return;
    }
  dir = g_dir_make_tmp ("aat-ob-XXXXXX", &error);
  g_assert_no_error (error);
  csv = g_build_filename (dir, "ops.csv", NULL);
  argv = g_ptr_array_new ();
  g_ptr_array_add (argv, "/usr/bin/python3");
  g_ptr_array_add (argv, script);
  for (i = 0; w->args[i]; i++)
    g_ptr_array_add (argv, (gpointer) w->args[i]);
  g_ptr_array_add (argv, csv);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  expected = g_strstrip (out);

  g_file_get_contents (csv, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "seq,kind,id,side,price_ticks,volume,target_id");

  book = aat_order_book_new (NULL);
  t.live = g_hash_table_new (NULL, NULL);
  aat_order_book_set_event_func (book, tally_event, &t, NULL);
  for (li = 1; lines[li] && lines[li][0]; li++)
    {
      char **fl = g_strsplit (lines[li], ",", -1);
      AatRejectReason r;
      char *problem;

      g_assert_cmpuint (g_strv_length (fl), ==, 7);
      if (fl[1][0] == 'C')
        r = aat_order_book_cancel (book, g_ascii_strtoull (fl[6], NULL, 10));
      else
        {
          AatBookOrder o = { 0 };
          o.id = g_ascii_strtoull (fl[2], NULL, 10);
          o.side = fl[3][0] == 'B' ? B : S;
          o.type = fl[1][0] == 'A' ? AAT_ORDER_TYPE_LIMIT : AAT_ORDER_TYPE_MARKET;
          o.price = g_ascii_strtoll (fl[4], NULL, 10);
          o.volume = g_ascii_strtoll (fl[5], NULL, 10);
          added += o.volume;
          r = aat_order_book_add_raw (book, &o);
        }
      g_assert_cmpint (r, ==, AAT_REJECT_REASON_NONE);
      g_strfreev (fl);

      /* invariants after every operation */
      problem = aat_order_book_check_consistency (book);
      if (problem)
        g_test_message ("after line %u: %s", li + 1, problem);
      g_assert_null (problem);
      g_assert_cmpint (t.traded, ==, aat_order_book_get_traded_volume (book));
      g_assert_cmpint (aat_order_book_get_resting_volume (book), ==, added - 2 * t.traded - t.cancelled);
      walk_check (book, &t, li % 500 == 0);
    }
  walk_check (book, &t, TRUE);
  got = final_state (book);
  g_assert_cmpstr (got, ==, expected);

  g_free (got);
  g_object_unref (book);
  g_hash_table_unref (t.live);
  g_strfreev (lines);
  g_free (text);
  g_remove (csv);
  g_rmdir (dir);
  g_free (csv);
  g_free (dir);
  g_free (out);
  g_free (err);
  g_free (script);
  g_ptr_array_unref (argv);
}

int
main (int argc, char **argv)
{
  guint i;

  g_test_init (&argc, &argv, NULL);

#define T(path, fn) g_test_add ("/order-book/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  T ("limit/rests", test_limit_rests);
  T ("limit/crosses-then-rests", test_limit_crosses_then_rests);
  T ("limit/price-time-priority", test_limit_price_time_priority);
  T ("market/fills-and-cancels-rest", test_market_fills_and_cancels_rest);
  T ("market/notional", test_market_notional);
  T ("flag/fok-kills", test_flag_fok_kills);
  T ("flag/fok-fills", test_flag_fok_fills);
  T ("flag/aon", test_flag_aon);
  T ("flag/ioc", test_flag_ioc);
  T ("cancel/resting", test_cancel);
  T ("change/decrease-keeps-priority", test_change_decrease_keeps_priority);
  T ("change/increase-loses-priority", test_change_increase_loses_priority);
  T ("change/price-loses-priority", test_change_price_loses_priority);
  T ("change/rejects", test_change_rejects);
  T ("stop-market/triggers-on-trade", test_stop_market_triggers_on_trade);
  T ("stop-limit/triggers-on-trade", test_stop_limit_triggers_on_trade);
  T ("stop/triggers-without-volume-at-trigger", test_stop_triggers_without_volume_at_trigger);
  T ("stop/chained", test_stop_chained);
  T ("stop/cancel-waiting", test_stop_cancel_waiting);
  T ("stop/not-on-submit", test_stop_not_on_submit);
  T ("stop-market/notional", test_stop_market_notional);
  T ("bad-input/raw", test_bad_input_raw);
  T ("levels/recentre", test_levels_recentre);
  T ("queries", test_queries);
#undef T
  g_test_add_func ("/order-book/boxed", test_boxed);
  g_test_add_func ("/order-book/event-func", test_event_func);
  g_test_add_func ("/order-book/order-api/lifecycle", test_order_api);
  g_test_add_func ("/order-book/order-api/raw-book", test_raw_book_rejects_orders);
  for (i = 0; i < G_N_ELEMENTS (workloads); i++)
    {
      char *path = g_strdup_printf ("/order-book/random/%s", workloads[i].name);
      g_test_add_data_func (path, &workloads[i], test_random_replay);
      g_free (path);
    }
  return g_test_run ();
}
