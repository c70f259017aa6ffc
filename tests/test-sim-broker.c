/* test-sim-broker.c: the simulated broker of aat-core/aat-exchange.c: each fill rule,
 * each time-in-force path, each commission and slippage model, against hand-computed
 * expectations.
 *
 * The broker is driven directly, without an engine: orders go in with
 * aat_exchange_new_order() and market events with aat_exchange_simulate(), as the
 * engine does before dispatching each event. */
#include "aat.h"

#include <math.h>

#define DAY (86400 * AAT_TIME_SECOND)
#define T0 ((AatTime) 1704067200 * AAT_TIME_SECOND)   /* 2024-01-01 00:00 UTC */

typedef struct {
  AatExchange *exchange;
  AatInstrument *inst;
  guint64 next_id;
} Fixture;

static void
fixture_set_up (Fixture *fx, gconstpointer data)
{
  const char *name = data != NULL ? data : "SIMB";

  fx->exchange = g_object_new (AAT_TYPE_EXCHANGE, "name", "sim", NULL);
  fx->inst = aat_instrument_get (name, AAT_INSTRUMENT_TYPE_EQUITY);
  fx->next_id = 0;
}

static void
fixture_tear_down (Fixture *fx, gconstpointer data)
{
  g_object_unref (fx->exchange);
}

/* Sends an order placed at time t; returns a new reference. */
static AatOrder *
send (Fixture *fx, AatOrder *order, AatTime t)
{
  aat_order_set_id (order, ++fx->next_id);
  aat_order_set_timestamp (order, t);
  aat_exchange_new_order (fx->exchange, order);
  return order;
}

static AatOrder *
market (Fixture *fx, AatSide side, double volume)
{
  return send (fx, aat_order_new (fx->inst, side, AAT_ORDER_TYPE_MARKET, volume, 0.0), T0);
}

static AatOrder *
limit (Fixture *fx, AatSide side, double volume, double price)
{
  return send (fx, aat_order_new (fx->inst, side, AAT_ORDER_TYPE_LIMIT, volume, price), T0);
}

static AatOrder *
stop (Fixture *fx, AatSide side, double stop_price)
{
  return send (fx, aat_order_new_stop (fx->inst, side, AAT_ORDER_TYPE_STOP_MARKET, 1, stop_price, 0.0), T0);
}

static AatOrder *
stop_limit (Fixture *fx, AatSide side, double stop_price, double limit_price)
{
  return send (fx, aat_order_new_stop (fx->inst, side, AAT_ORDER_TYPE_STOP_LIMIT, 1, stop_price, limit_price), T0);
}

/* A daily bar starting on day `day` after T0. */
static void
bar (Fixture *fx, int day, double o, double h, double l, double c, double volume)
{
  g_autoptr (AatBar) b = aat_bar_new (fx->inst, T0 + day * DAY, DAY, o, h, l, c, volume);
  g_autoptr (AatEvent) ev = aat_event_new_bar (b);

  aat_exchange_simulate (fx->exchange, ev);
}

static void
trade (Fixture *fx, AatTime t, double price, double volume)
{
  g_autoptr (AatTrade) tr = aat_trade_new (fx->inst, AAT_SIDE_BUY, volume, price, t);
  g_autoptr (AatEvent) ev = aat_event_new_trade (tr);

  aat_exchange_simulate (fx->exchange, ev);
}

static void
quote (Fixture *fx, AatTime t, double bid, double ask)
{
  g_autoptr (AatQuote) q = aat_quote_new (fx->inst, t, bid, 100, ask, 100);
  g_autoptr (AatEvent) ev = aat_event_new_quote (q);

  aat_exchange_simulate (fx->exchange, ev);
}

static void
assert_filled (AatOrder *order, double price)
{
  g_assert_cmpint (aat_order_get_status (order), ==, AAT_ORDER_STATUS_FILLED);
  g_assert_cmpfloat (aat_order_get_filled (order), ==, aat_order_get_volume (order));
  g_assert_cmpfloat_with_epsilon (aat_order_get_average_price (order), price, 1e-9);
}

static void
assert_working (AatOrder *order)
{
  g_assert_cmpint (aat_order_get_status (order), ==, AAT_ORDER_STATUS_OPEN);
  g_assert_cmpfloat (aat_order_get_filled (order), ==, 0.0);
}

/* ---- market ---- */

static void
test_market_next_open (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) buy = NULL;
  g_autoptr (AatOrder) sell = NULL;

  bar (fx, 0, 10, 12, 9, 11, 1000);
  buy = market (fx, AAT_SIDE_BUY, 5);
  sell = market (fx, AAT_SIDE_SELL, 2);
  assert_working (buy);                       /* nothing until the next bar */
  g_assert_cmpuint (aat_exchange_get_pending_count (fx->exchange), ==, 2);
  bar (fx, 1, 100, 105, 95, 102, 1000);
  assert_filled (buy, 100);
  assert_filled (sell, 100);
  g_assert_cmpuint (aat_exchange_get_pending_count (fx->exchange), ==, 0);
}

static void
test_market_immediate (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) early = NULL;
  g_autoptr (AatOrder) buy = NULL;

  g_object_set (fx->exchange, "fill-timing", AAT_FILL_TIMING_IMMEDIATE, NULL);
  /* no price seen yet: it waits for the next bar's open */
  early = market (fx, AAT_SIDE_BUY, 1);
  assert_working (early);
  bar (fx, 0, 100, 105, 95, 102, 1000);
  assert_filled (early, 100);
  /* market-on-close: the current bar's close */
  buy = market (fx, AAT_SIDE_BUY, 1);
  assert_filled (buy, 102);
}

/* ---- limit ---- */

static void
test_limit (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) b_open = limit (fx, AAT_SIDE_BUY, 1, 101);
  g_autoptr (AatOrder) b_touch = limit (fx, AAT_SIDE_BUY, 1, 97);
  g_autoptr (AatOrder) b_miss = limit (fx, AAT_SIDE_BUY, 1, 90);
  g_autoptr (AatOrder) s_open = limit (fx, AAT_SIDE_SELL, 1, 99);
  g_autoptr (AatOrder) s_touch = limit (fx, AAT_SIDE_SELL, 1, 103);
  g_autoptr (AatOrder) s_miss = limit (fx, AAT_SIDE_SELL, 1, 110);

  bar (fx, 0, 100, 105, 95, 102, 1000);
  assert_filled (b_open, 100);       /* the open is better than the limit */
  assert_filled (b_touch, 97);       /* the low reaches the limit */
  assert_working (b_miss);
  assert_filled (s_open, 100);
  assert_filled (s_touch, 103);
  assert_working (s_miss);
  /* GTC: still working on a later bar, which reaches it */
  bar (fx, 1, 92, 93, 88, 89, 1000);
  assert_filled (b_miss, 90);
  assert_working (s_miss);
}

/* ---- stop ---- */

static void
test_stop (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) b_gap = stop (fx, AAT_SIDE_BUY, 98);
  g_autoptr (AatOrder) b_touch = stop (fx, AAT_SIDE_BUY, 104);
  g_autoptr (AatOrder) b_miss = stop (fx, AAT_SIDE_BUY, 106);
  g_autoptr (AatOrder) s_gap = stop (fx, AAT_SIDE_SELL, 101);
  g_autoptr (AatOrder) s_touch = stop (fx, AAT_SIDE_SELL, 96);
  g_autoptr (AatOrder) s_miss = stop (fx, AAT_SIDE_SELL, 90);

  bar (fx, 0, 100, 105, 95, 102, 1000);
  assert_filled (b_gap, 100);        /* the open is through the stop */
  assert_filled (b_touch, 104);      /* the high reaches the stop */
  assert_working (b_miss);
  assert_filled (s_gap, 100);
  assert_filled (s_touch, 96);
  assert_working (s_miss);
}

/* ---- stop-limit ---- */

static void
test_stop_limit_gap (Fixture *fx, gconstpointer data)
{
  /* the open gapped through the trigger: the limit rule applies to the bar */
  g_autoptr (AatOrder) b = stop_limit (fx, AAT_SIDE_BUY, 98, 99);
  g_autoptr (AatOrder) b_open = stop_limit (fx, AAT_SIDE_BUY, 98, 101);
  g_autoptr (AatOrder) s = stop_limit (fx, AAT_SIDE_SELL, 101, 104);

  bar (fx, 0, 100, 105, 95, 102, 1000);
  assert_filled (b, 99);             /* open 100 above the limit, low reaches 99 */
  assert_filled (b_open, 100);       /* open at or better than the limit */
  assert_filled (s, 104);            /* open 100 below the limit, high reaches 104 */
}

static void
test_stop_limit_open_above_close (Fixture *fx, gconstpointer data)
{
  /* a falling bar (open 100 > close 97), triggered inside the range */
  g_autoptr (AatOrder) at_trigger = stop_limit (fx, AAT_SIDE_BUY, 103, 104);
  g_autoptr (AatOrder) at_limit = stop_limit (fx, AAT_SIDE_BUY, 103, 101);
  g_autoptr (AatOrder) below_close = stop_limit (fx, AAT_SIDE_BUY, 103, 96);

  bar (fx, 0, 100, 105, 95, 97, 1000);
  assert_filled (at_trigger, 103);   /* the limit is at or above the trigger */
  assert_filled (at_limit, 101);     /* the limit is below the trigger, at or above the close */
  assert_working (below_close);      /* triggered, but the limit is below the close */
  /* on later bars it is a limit order */
  bar (fx, 1, 98, 99, 95, 96, 1000);
  assert_filled (below_close, 96);
}

static void
test_stop_limit_otherwise (Fixture *fx, gconstpointer data)
{
  /* a rising bar (open 100 <= close 102), triggered inside the range */
  g_autoptr (AatOrder) at_trigger = stop_limit (fx, AAT_SIDE_BUY, 103, 104);
  g_autoptr (AatOrder) under = stop_limit (fx, AAT_SIDE_BUY, 103, 102);
  g_autoptr (AatOrder) never = stop_limit (fx, AAT_SIDE_BUY, 106, 107);
  g_autoptr (AatOrder) sell = stop_limit (fx, AAT_SIDE_SELL, 96, 95);
  g_autoptr (AatOrder) sell_above = stop_limit (fx, AAT_SIDE_SELL, 96, 97);

  bar (fx, 0, 100, 105, 95, 102, 1000);
  assert_filled (at_trigger, 103);
  assert_working (under);            /* triggered; the limit is below the trigger */
  assert_working (never);            /* not triggered */
  /* the sell side: open 100 < close 102 is its "open beyond the close" case */
  assert_filled (sell, 96);          /* the limit is at or below the trigger */
  assert_filled (sell_above, 97);    /* the limit is above the trigger, at or below the close */
  /* later bars: `under` is a limit buy at 102 (open 103, low 101); `never` is still a
   * stop: the high 104 does not reach 106 */
  bar (fx, 1, 103, 104, 101, 103, 1000);
  assert_filled (under, 102);
  assert_working (never);
}

/* ---- time in force ---- */

static void
test_tif_gtd (Fixture *fx, gconstpointer data)
{
  AatOrder *o = aat_order_new (fx->inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 90);
  g_autoptr (AatOrder) gtd = NULL;

  aat_order_set_time_in_force (o, AAT_TIME_IN_FORCE_GTD, T0 + 2 * DAY);
  gtd = send (fx, o, T0);
  bar (fx, 1, 100, 105, 95, 102, 1000);        /* before the expiry: works, no fill */
  assert_working (gtd);
  /* the bar reaches the expiry: it dies unfilled although the bar would fill it */
  bar (fx, 2, 89, 91, 85, 88, 1000);
  g_assert_cmpint (aat_order_get_status (gtd), ==, AAT_ORDER_STATUS_EXPIRED);
  g_assert_cmpfloat (aat_order_get_filled (gtd), ==, 0.0);
  g_assert_cmpuint (aat_exchange_get_pending_count (fx->exchange), ==, 0);
}

static void
test_tif_day (Fixture *fx, gconstpointer data)
{
  AatOrder *o1 = aat_order_new (fx->inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 90);
  AatOrder *o2 = aat_order_new (fx->inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 90);
  g_autoptr (AatOrder) day = NULL;
  g_autoptr (AatOrder) gtc = NULL;

  aat_order_set_time_in_force (o1, AAT_TIME_IN_FORCE_DAY, 0);
  aat_order_set_time_in_force (o2, AAT_TIME_IN_FORCE_GTC, 0);
  day = send (fx, o1, T0 + 10 * 3600 * AAT_TIME_SECOND);    /* 10:00 on day 0 */
  gtc = send (fx, o2, T0 + 10 * 3600 * AAT_TIME_SECOND);
  /* the next day's bar would fill both: the DAY order expired first */
  bar (fx, 1, 89, 91, 85, 88, 1000);
  g_assert_cmpint (aat_order_get_status (day), ==, AAT_ORDER_STATUS_EXPIRED);
  g_assert_cmpfloat (aat_order_get_filled (day), ==, 0.0);
  assert_filled (gtc, 89);
}

static void
test_tif_day_same_day (Fixture *fx, gconstpointer data)
{
  AatOrder *o = aat_order_new (fx->inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 1, 0);
  g_autoptr (AatOrder) day = NULL;

  aat_order_set_time_in_force (o, AAT_TIME_IN_FORCE_DAY, 0);
  day = send (fx, o, T0 + 9 * 3600 * AAT_TIME_SECOND);
  /* a minute bar of the same day fills it */
  {
    g_autoptr (AatBar) b = aat_bar_new (fx->inst, T0 + 10 * 3600 * AAT_TIME_SECOND, 60 * AAT_TIME_SECOND,
                                        50, 51, 49, 50.5, 100);
    g_autoptr (AatEvent) ev = aat_event_new_bar (b);
    aat_exchange_simulate (fx->exchange, ev);
  }
  assert_filled (day, 50);
}

/* ---- trades and quotes ---- */

static void
test_trades (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) mkt = NULL;
  g_autoptr (AatOrder) lim = NULL;

  trade (fx, T0, 10.0, 100);
  mkt = market (fx, AAT_SIDE_BUY, 1);
  lim = limit (fx, AAT_SIDE_BUY, 1, 10.0);
  assert_working (mkt);             /* not against the trade already seen */
  trade (fx, T0 + 1, 10.5, 100);
  assert_filled (mkt, 10.5);        /* the next trade */
  assert_working (lim);             /* 10.5 is above the limit */
  trade (fx, T0 + 2, 9.9, 100);
  assert_filled (lim, 9.9);
}

static void
test_quotes (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) buy = market (fx, AAT_SIDE_BUY, 1);
  g_autoptr (AatOrder) sell = market (fx, AAT_SIDE_SELL, 1);
  g_autoptr (AatOrder) now = NULL;

  quote (fx, T0, 99.5, 100.5);
  assert_filled (buy, 100.5);       /* buys at the ask */
  assert_filled (sell, 99.5);       /* sells at the bid */
  /* immediate: the current quote */
  g_object_set (fx->exchange, "fill-timing", AAT_FILL_TIMING_IMMEDIATE, NULL);
  now = market (fx, AAT_SIDE_BUY, 1);
  assert_filled (now, 100.5);
}

/* ---- commissions ---- */

static void
test_commission_percent (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) buy = NULL;

  g_object_set (fx->exchange, "commission-model", AAT_COMMISSION_MODEL_PERCENT, "commission-rate", 0.001, NULL);
  g_assert_cmpfloat_with_epsilon (aat_exchange_commission (fx->exchange, fx->inst, 10, 100), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (aat_exchange_commission (fx->exchange, fx->inst, 1, 23.61), 0.02361, 1e-12);
  buy = market (fx, AAT_SIDE_BUY, 10);
  bar (fx, 0, 100, 105, 95, 102, 1000);
  g_assert_cmpfloat_with_epsilon (aat_order_get_fees (buy), 1.0, 1e-12);
}

static void
test_commission_per_share (Fixture *fx, gconstpointer data)
{
  g_object_set (fx->exchange, "commission-model", AAT_COMMISSION_MODEL_PER_SHARE, "commission-per-share", 0.005,
                "commission-minimum", 1.0, "commission-maximum-percent", 0.005, NULL);
  /* 100 × 0.005 = 0.50, raised to the minimum */
  g_assert_cmpfloat (aat_exchange_commission (fx->exchange, fx->inst, 100, 100), ==, 1.0);
  /* 1000 × 0.005 = 5.00 */
  g_assert_cmpfloat_with_epsilon (aat_exchange_commission (fx->exchange, fx->inst, 1000, 100), 5.0, 1e-12);
  /* 688 × 0.005 = 3.44 (LEAN's BasicTemplateAlgorithm) */
  g_assert_cmpfloat_with_epsilon (aat_exchange_commission (fx->exchange, fx->inst, 688, 144.781724), 3.44, 1e-12);
  /* 1000 × 0.005 = 5.00, capped at 0.5 % of 500 = 2.50 */
  g_assert_cmpfloat_with_epsilon (aat_exchange_commission (fx->exchange, fx->inst, 1000, 0.5), 2.5, 1e-12);
  /* the cap wins over the minimum: 0.5 % of 10 × 1 = 0.05 */
  g_assert_cmpfloat_with_epsilon (aat_exchange_commission (fx->exchange, fx->inst, 10, 1.0), 0.05, 1e-12);
}

static void
test_commission_per_contract (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) buy = NULL;

  aat_instrument_set_multiplier (fx->inst, 10);
  g_object_set (fx->exchange, "commission-model", AAT_COMMISSION_MODEL_PER_CONTRACT,
                "commission-per-contract", 2.0, NULL);
  /* per contract, whatever the price or the multiplier */
  g_assert_cmpfloat (aat_exchange_commission (fx->exchange, fx->inst, 3, 3643.35), ==, 6.0);
  g_assert_cmpfloat (aat_exchange_commission (fx->exchange, fx->inst, 1, 10), ==, 2.0);
  buy = market (fx, AAT_SIDE_BUY, 2);
  bar (fx, 0, 100, 105, 95, 102, 1000);
  g_assert_cmpfloat (aat_order_get_fees (buy), ==, 4.0);
  /* the percent model counts the multiplier in the value */
  g_object_set (fx->exchange, "commission-model", AAT_COMMISSION_MODEL_PERCENT, "commission-rate", 0.001, NULL);
  g_assert_cmpfloat_with_epsilon (aat_exchange_commission (fx->exchange, fx->inst, 1, 100), 1.0, 1e-12);
}

/* ---- slippage ---- */

static void
test_slippage_bps (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) buy = NULL;
  g_autoptr (AatOrder) sell = NULL;

  g_object_set (fx->exchange, "slippage-model", AAT_SLIPPAGE_MODEL_BPS, "slippage-bps", 10.0, NULL);
  g_assert_cmpfloat_with_epsilon (aat_exchange_slip (fx->exchange, fx->inst, AAT_SIDE_BUY, 100), 100.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (aat_exchange_slip (fx->exchange, fx->inst, AAT_SIDE_SELL, 100), 99.9, 1e-9);
  buy = market (fx, AAT_SIDE_BUY, 1);
  sell = market (fx, AAT_SIDE_SELL, 1);
  bar (fx, 0, 100, 105, 95, 102, 1000);
  assert_filled (buy, 100.1);
  assert_filled (sell, 99.9);
}

static void
test_slippage_ticks (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) buy = NULL;
  g_autoptr (AatOrder) sell = NULL;

  g_object_set (fx->exchange, "slippage-model", AAT_SLIPPAGE_MODEL_TICKS, "slippage-ticks", 2.0, NULL);
  buy = market (fx, AAT_SIDE_BUY, 1);
  sell = market (fx, AAT_SIDE_SELL, 1);
  bar (fx, 0, 100, 105, 95, 102, 1000);
  assert_filled (buy, 100.02);        /* 2 ticks of 0.01 */
  assert_filled (sell, 99.98);
}

static void
test_slippage_volume_share (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) buy = NULL;

  g_object_set (fx->exchange, "slippage-model", AAT_SLIPPAGE_MODEL_VOLUME_SHARE, "volume-share", 0.025, NULL);
  buy = market (fx, AAT_SIDE_BUY, 60);
  bar (fx, 0, 100, 105, 95, 102, 1000);          /* 2.5 % of 1000: 25 */
  g_assert_cmpint (aat_order_get_status (buy), ==, AAT_ORDER_STATUS_PARTIAL);
  g_assert_cmpfloat (aat_order_get_filled (buy), ==, 25);
  bar (fx, 1, 110, 115, 105, 112, 1000);
  g_assert_cmpfloat (aat_order_get_filled (buy), ==, 50);
  g_assert_cmpfloat_with_epsilon (aat_order_get_average_price (buy), 105, 1e-9);
  bar (fx, 2, 120, 125, 115, 122, 20);           /* 2.5 % of 20 is less than a lot */
  g_assert_cmpfloat (aat_order_get_filled (buy), ==, 50);
  bar (fx, 3, 120, 125, 115, 122, 1000);
  assert_filled (buy, (25 * 100 + 25 * 110 + 10 * 120) / 60.0);
}

/* ---- cancel and reject ---- */

static void
test_cancel_and_reject (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatOrder) lim = limit (fx, AAT_SIDE_BUY, 1, 90);
  g_autoptr (AatOrder) bad = send (fx, aat_order_new (fx->inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 0, 0), T0);

  g_assert_cmpint (aat_order_get_status (bad), ==, AAT_ORDER_STATUS_REJECTED);
  aat_exchange_cancel_order (fx->exchange, lim);
  g_assert_cmpint (aat_order_get_status (lim), ==, AAT_ORDER_STATUS_CANCELED);
  g_assert_cmpuint (aat_exchange_get_pending_count (fx->exchange), ==, 0);
  bar (fx, 0, 89, 91, 85, 88, 1000);
  g_assert_cmpfloat (aat_order_get_filled (lim), ==, 0.0);
}

#define ADD(path, func, name) \
  g_test_add ("/sim-broker/" path, Fixture, name, fixture_set_up, func, fixture_tear_down)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD ("market/next-open", test_market_next_open, "MKT1");
  ADD ("market/immediate", test_market_immediate, "MKT2");
  ADD ("limit/bar", test_limit, "LIM");
  ADD ("stop/bar", test_stop, "STP");
  ADD ("stop-limit/gap-through", test_stop_limit_gap, "SL1");
  ADD ("stop-limit/open-above-close", test_stop_limit_open_above_close, "SL2");
  ADD ("stop-limit/otherwise", test_stop_limit_otherwise, "SL3");
  ADD ("tif/gtd", test_tif_gtd, "GTD");
  ADD ("tif/day", test_tif_day, "DAY1");
  ADD ("tif/day-same-day", test_tif_day_same_day, "DAY2");
  ADD ("data/trades", test_trades, "TRD");
  ADD ("data/quotes", test_quotes, "QTE");
  ADD ("commission/percent", test_commission_percent, "CP");
  ADD ("commission/per-share", test_commission_per_share, "CS");
  ADD ("commission/per-contract", test_commission_per_contract, "CC");
  ADD ("slippage/bps", test_slippage_bps, "SB");
  ADD ("slippage/ticks", test_slippage_ticks, "ST");
  ADD ("slippage/volume-share", test_slippage_volume_share, "SV");
  ADD ("cancel-and-reject", test_cancel_and_reject, "CR");
  return g_test_run ();
}
