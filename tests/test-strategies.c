/* test-strategies.c: buy-and-hold and each sample strategy trade on the synthetic
 * exchange. The modules' sources are compiled into this test. */
#include <aat.h>
#include "aat-synthetic-exchange.h"

GType aat_buy_and_hold_get_type (void);
GType aat_read_only_get_type (void);
GType aat_momentum_get_type (void);
GType aat_golden_death_get_type (void);
GType aat_sell_plus_percent_get_type (void);

/* Runs @strategy on a synthetic market; checks that its positions match its fills. */
static void
run_on_synthetic (AatStrategy *strategy, guint64 events, guint *n_orders,
                  guint *n_trades, double *position)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (AatExchange) exchange = g_object_new (AAT_TYPE_SYNTHETIC_EXCHANGE, "name", "synthetic",
                                                   "seed", (guint64) 42, "events", events, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) orders = NULL;
  g_autoptr (GPtrArray) trades = NULL;
  g_autoptr (GPtrArray) instruments = NULL;

  aat_engine_add_exchange (engine, exchange);
  aat_engine_add_strategy (engine, strategy);
  g_assert_true (aat_engine_run (engine, &error));
  g_assert_no_error (error);

  orders = aat_engine_get_orders (engine, strategy, FALSE);
  trades = aat_engine_get_trades (engine, strategy);
  instruments = aat_exchange_instruments (exchange);
  for (guint k = 0; k < instruments->len; k++)
    {
      AatInstrument *inst = instruments->pdata[k];
      double net = 0.0;
      for (guint i = 0; i < trades->len; i++)
        if (aat_trade_get_instrument (trades->pdata[i]) == inst)
          net += (aat_trade_get_side (trades->pdata[i]) == AAT_SIDE_BUY ? 1 : -1) * aat_trade_get_volume (trades->pdata[i]);
      g_assert_cmpfloat_with_epsilon (net, aat_strategy_position_size (strategy, inst), 1e-9);
    }
  for (guint i = 0; i < trades->len; i++)
    {
      AatOrder *o = aat_trade_get_taker_order (trades->pdata[i]);
      g_assert_nonnull (o);
      g_assert_true (aat_order_get_strategy (o) == strategy);
    }
  *position = aat_strategy_position_size (strategy, instruments->pdata[0]);
  *n_orders = orders->len;
  *n_trades = trades->len;
}

static void
test_buy_and_hold (void)
{
  g_autoptr (AatStrategy) s = g_object_new (aat_buy_and_hold_get_type (), "volume", 3.0, NULL);
  guint orders, trades;
  double position;

  run_on_synthetic (s, 2000, &orders, &trades, &position);
  g_assert_cmpuint (orders, ==, 1);
  g_assert_cmpuint (trades, >=, 1);
  g_assert_cmpfloat (position, ==, 3.0);
}

static void
test_read_only (void)
{
  g_autoptr (AatStrategy) s = g_object_new (aat_read_only_get_type (), NULL);
  guint orders, trades;
  double position;
  guint64 events = 0;

  run_on_synthetic (s, 500, &orders, &trades, &position);
  g_object_get (s, "events", &events, NULL);
  g_assert_cmpuint (events, ==, 500);
  g_assert_cmpuint (orders, ==, 0);
}

static void
test_momentum (void)
{
  g_autoptr (AatStrategy) s = g_object_new (aat_momentum_get_type (), "rise", 2u, "fall", 2u, NULL);
  guint orders, trades;
  double position;

  run_on_synthetic (s, 5000, &orders, &trades, &position);
  g_assert_cmpuint (orders, >=, 2);
  g_assert_cmpuint (trades, >=, 2);
}

static void
test_golden_death (void)
{
  g_autoptr (AatStrategy) s = g_object_new (aat_golden_death_get_type (), "fast", 5u, "slow", 20u, NULL);
  guint orders, trades;
  double position;

  run_on_synthetic (s, 5000, &orders, &trades, &position);
  g_assert_cmpuint (orders, >=, 2);
  g_assert_cmpuint (trades, >=, 2);
}

static void
test_sell_plus_percent (void)
{
  g_autoptr (AatStrategy) s = g_object_new (aat_sell_plus_percent_get_type (), "percent", 0.05, NULL);
  guint orders, trades, round_trips = 0;
  double position;

  run_on_synthetic (s, 20000, &orders, &trades, &position);
  g_object_get (s, "round-trips", &round_trips, NULL);
  g_assert_cmpuint (round_trips, >=, 1);
  g_assert_cmpuint (orders, >=, 3);
  g_assert_cmpuint (trades, >=, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/strategies/buy-and-hold", test_buy_and_hold);
  g_test_add_func ("/strategies/read-only", test_read_only);
  g_test_add_func ("/strategies/momentum", test_momentum);
  g_test_add_func ("/strategies/golden-death", test_golden_death);
  g_test_add_func ("/strategies/sell-plus-percent", test_sell_plus_percent);
  return g_test_run ();
}
