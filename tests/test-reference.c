/* test-reference.c: the published results of ../shared/reference/README.md, to the cent.
 *
 * The csv exchange and the reference strategies are compiled in (without their module
 * descriptors). The data is found at $AAT_DATA_DIR or $AAT_SOURCE_ROOT/../shared/data;
 * without it every case is skipped with a message. doc/REFERENCE.md lists the cases and
 * the rules they check. */
#include "aat.h"

#include <math.h>

GType aat_csv_exchange_get_type (void);
GType aat_reference_two_down_closes_type (void);
GType aat_reference_sma_type (void);
GType aat_reference_sma_crossover_type (void);
GType aat_reference_set_holdings_type (void);

#define assert_cents(value, expected)                                   \
  G_STMT_START {                                                        \
    char _buf[64];                                                      \
    g_snprintf (_buf, sizeof _buf, "%.2f", (double) (value));           \
    g_assert_cmpstr (_buf, ==, (expected));                             \
  } G_STMT_END

static char *
data_path (const char *relative)
{
  const char *env = g_getenv ("AAT_DATA_DIR");
  const char *root = g_getenv ("AAT_SOURCE_ROOT");
  g_autofree char *dir = NULL;
  char *path;

  if (env != NULL && *env != '\0')
    dir = g_strdup (env);
  else if (root != NULL && *root != '\0')
    dir = g_build_filename (root, "..", "shared", "data", NULL);
  else
    dir = g_build_filename ("..", "shared", "data", NULL);
  path = g_build_filename (dir, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *msg = g_strdup_printf ("reference data absent: %s (set AAT_DATA_DIR)", path);
      g_test_skip (msg);
      g_free (path);
      return NULL;
    }
  return path;
}

static char *
date_of (AatTime t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t / AAT_TIME_SECOND);

  return g_date_time_format (dt, "%Y-%m-%d");
}

/* Runs one backtest. It takes @exchange and @strategy: the engine keeps them alive
 * for as long as it lives. */
static AatEngine *
run_backtest (AatExchange *exchange, AatStrategy *strategy, double cash)
{
  g_autoptr (GError) error = NULL;
  AatEngine *engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);

  g_object_set (engine, "cash", cash, NULL);
  aat_engine_add_exchange (engine, exchange);
  aat_engine_add_strategy (engine, strategy);
  g_object_unref (exchange);
  g_object_unref (strategy);
  g_assert_true (aat_engine_run (engine, &error));
  g_assert_no_error (error);
  return engine;
}

static double
value_of (AatEngine *engine, AatStrategy *strategy)
{
  return aat_portfolio_get_value (aat_engine_get_portfolio (engine), strategy);
}

static double
cash_of (AatEngine *engine, AatStrategy *strategy)
{
  return aat_portfolio_get_cash (aat_engine_get_portfolio (engine), strategy);
}

/* ---- Case 1: the backtrader quickstart, ORCL 2000 ---- */

static AatExchange *
orcl_exchange (const char *path, const char *end, double commission)
{
  const char *files[] = { path, NULL };

  return g_object_new (aat_csv_exchange_get_type (), "name", "csv", "files", files, "symbol", "ORCL",
                       "kind", "bars", "adjust", "adj-close", "start", "2000-01-01", "end", end,
                       "commission-model", commission > 0.0 ? AAT_COMMISSION_MODEL_PERCENT : AAT_COMMISSION_MODEL_NONE,
                       "commission-rate", commission, NULL);
}

/* A closed round trip of one buy and one sell. */
typedef struct {
  char *date;       /* of the sell fill */
  double gross, net;
} Closed;

static GArray *
closed_trades (GPtrArray *trades)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (Closed));

  for (guint i = 0; i + 1 < trades->len; i += 2)
    {
      AatTrade *buy = trades->pdata[i], *sell = trades->pdata[i + 1];
      Closed c;
      g_assert_cmpint (aat_trade_get_side (buy), ==, AAT_SIDE_BUY);
      g_assert_cmpint (aat_trade_get_side (sell), ==, AAT_SIDE_SELL);
      g_assert_cmpfloat (aat_trade_get_volume (buy), ==, aat_trade_get_volume (sell));
      c.date = date_of (aat_trade_get_timestamp (sell));
      c.gross = (aat_trade_get_price (sell) - aat_trade_get_price (buy)) * aat_trade_get_volume (sell);
      c.net = c.gross - aat_trade_get_fee (buy) - aat_trade_get_fee (sell);
      g_array_append_val (out, c);
    }
  return out;
}

static void
closed_free (GArray *closed)
{
  for (guint i = 0; i < closed->len; i++)
    g_free (g_array_index (closed, Closed, i).date);
  g_array_unref (closed);
}

typedef struct {
  const char *end;
  double stake, commission;
  const char *value;
} TwoDownCase;

static void
test_quickstart_two_down (gconstpointer data)
{
  const TwoDownCase *tc = data;
  g_autofree char *path = data_path ("orcl-1995-2014.txt");
  g_autoptr (AatEngine) engine = NULL;
  AatStrategy *strategy;

  if (path == NULL)
    return;
  strategy = g_object_new (aat_reference_two_down_closes_type (), "stake", tc->stake, NULL);
  engine = run_backtest (orcl_exchange (path, tc->end, tc->commission), strategy, 100000.0);
  assert_cents (value_of (engine, strategy), tc->value);
}

static const TwoDownCase step06 = { "2000-12-31", 1, 0.0, "100018.53" };
static const TwoDownCase step07 = { "2000-12-31", 1, 0.001, "100016.98" };
static const TwoDownCase step07_ext = { "2001-01-02", 1, 0.001, "100017.41" };
static const TwoDownCase step08 = { "2000-12-31", 10, 0.001, "100169.80" };

static void
test_quickstart_step07_trades (void)
{
  static const struct { const char *date, *gross, *net; } want[] = {
    { "2000-01-14", "2.09", "2.04" }, { "2000-02-07", "3.68", "3.63" }, { "2000-02-28", "4.48", "4.42" },
    { "2000-03-13", "3.48", "3.41" }, { "2000-03-22", "-0.41", "-0.49" }, { "2000-04-07", "2.45", "2.37" },
    { "2000-04-20", "-1.95", "-2.02" }, { "2000-05-02", "5.46", "5.39" }, { "2000-05-11", "-3.74", "-3.81" },
    { "2000-05-30", "-1.46", "-1.53" }, { "2000-07-05", "-1.62", "-1.69" }, { "2000-07-14", "2.08", "2.01" },
    { "2000-07-28", "0.14", "0.07" }, { "2000-08-08", "4.36", "4.29" }, { "2000-08-21", "1.03", "0.95" },
    { "2000-09-15", "-4.26", "-4.34" }, { "2000-09-27", "1.29", "1.22" }, { "2000-10-13", "-2.98", "-3.04" },
    { "2000-10-26", "3.01", "2.95" }, { "2000-11-06", "-3.59", "-3.65" }, { "2000-11-16", "1.28", "1.23" },
    { "2000-12-01", "2.59", "2.54" }, { "2000-12-18", "-0.06", "-0.12" },
  };
  g_autofree char *path = data_path ("orcl-1995-2014.txt");
  g_autoptr (AatEngine) engine = NULL;
  g_autoptr (GPtrArray) trades = NULL;
  g_autoptr (AatPosition) position = NULL;
  g_autofree char *first_buy = NULL, *first_sell = NULL, *last_buy = NULL;
  AatStrategy *strategy;
  AatTrade *t;
  GArray *closed;

  if (path == NULL)
    return;
  strategy = g_object_new (aat_reference_two_down_closes_type (), NULL);
  engine = run_backtest (orcl_exchange (path, "2000-12-31", 0.001), strategy, 100000.0);
  trades = aat_engine_get_trades (engine, strategy);
  g_assert_cmpuint (trades->len, ==, 2 * G_N_ELEMENTS (want) + 1);

  /* the first fills */
  t = trades->pdata[0];
  first_buy = date_of (aat_trade_get_timestamp (t));
  g_assert_cmpstr (first_buy, ==, "2000-01-06");
  assert_cents (aat_trade_get_price (t), "23.61");
  assert_cents (aat_trade_get_fee (t), "0.02");
  t = trades->pdata[1];
  first_sell = date_of (aat_trade_get_timestamp (t));
  g_assert_cmpstr (first_sell, ==, "2000-01-14");
  assert_cents (aat_trade_get_price (t), "25.70");
  assert_cents (aat_trade_get_fee (t), "0.03");

  closed = closed_trades (trades);
  g_assert_cmpuint (closed->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < closed->len; i++)
    {
      Closed *c = &g_array_index (closed, Closed, i);
      g_assert_cmpstr (c->date, ==, want[i].date);
      assert_cents (c->gross, want[i].gross);
      assert_cents (c->net, want[i].net);
    }
  closed_free (closed);

  /* one share bought on 2000-12-21 at 26.23 is still open, valued at 27.41 */
  t = trades->pdata[trades->len - 1];
  last_buy = date_of (aat_trade_get_timestamp (t));
  g_assert_cmpint (aat_trade_get_side (t), ==, AAT_SIDE_BUY);
  g_assert_cmpstr (last_buy, ==, "2000-12-21");
  assert_cents (aat_trade_get_price (t), "26.23");
  position = aat_strategy_position (strategy, aat_trade_get_instrument (t));
  g_assert_cmpfloat (aat_position_get_size (position), ==, 1.0);
  assert_cents (aat_position_get_last_price (position), "27.41");
  assert_cents (value_of (engine, strategy), "100016.98");
}

static void
test_quickstart_step09 (void)
{
  g_autofree char *path = data_path ("orcl-1995-2014.txt");
  g_autoptr (AatEngine) engine = NULL;
  g_autoptr (GPtrArray) trades = NULL;
  g_autoptr (AatPosition) position = NULL;
  g_autofree char *d0 = NULL, *d1 = NULL, *d2 = NULL, *d3 = NULL, *d4 = NULL;
  AatStrategy *strategy;
  AatTrade *b, *s;
  guint n;

  if (path == NULL)
    return;
  strategy = g_object_new (aat_reference_sma_type (), "stake", 10.0, "period", 15u, NULL);
  engine = run_backtest (orcl_exchange (path, "2000-12-31", 0.0), strategy, 1000.0);
  trades = aat_engine_get_trades (engine, strategy);
  n = trades->len;
  g_assert_cmpuint (n % 2, ==, 1);

  /* it opens with a buy on 2000-01-26 at 26.76, sold on 2000-01-28 at 24.28 */
  b = trades->pdata[0];
  s = trades->pdata[1];
  d0 = date_of (aat_trade_get_timestamp (b));
  d1 = date_of (aat_trade_get_timestamp (s));
  g_assert_cmpstr (d0, ==, "2000-01-26");
  assert_cents (aat_trade_get_price (b), "26.76");
  g_assert_cmpstr (d1, ==, "2000-01-28");
  assert_cents (aat_trade_get_price (s), "24.28");
  assert_cents ((aat_trade_get_price (s) - aat_trade_get_price (b)) * aat_trade_get_volume (s), "-24.80");

  /* its last closed trade: 2000-12-18 at 28.29 -> 2000-12-21 at 26.23 */
  b = trades->pdata[n - 3];
  s = trades->pdata[n - 2];
  d2 = date_of (aat_trade_get_timestamp (b));
  d3 = date_of (aat_trade_get_timestamp (s));
  g_assert_cmpstr (d2, ==, "2000-12-18");
  assert_cents (aat_trade_get_price (b), "28.29");
  g_assert_cmpstr (d3, ==, "2000-12-21");
  assert_cents (aat_trade_get_price (s), "26.23");

  /* 10 shares bought on 2000-12-22 at 28.65 are still open */
  b = trades->pdata[n - 1];
  d4 = date_of (aat_trade_get_timestamp (b));
  g_assert_cmpstr (d4, ==, "2000-12-22");
  assert_cents (aat_trade_get_price (b), "28.65");
  position = aat_strategy_position (strategy, aat_trade_get_instrument (b));
  g_assert_cmpfloat (aat_position_get_size (position), ==, 10.0);
  assert_cents (value_of (engine, strategy), "973.90");
}

/* ---- Case 2: backtrader's regression test, 2006-day-001.txt ---- */

static const char * const case2_buys[] = {
  "3643.35", "3801.03", "3872.37", "3863.57", "3845.32", "3656.43", "3542.65", "3639.65",
  "3799.86", "3840.20", "4047.63", "4052.55",
};
static const char * const case2_sells[] = {
  "3763.95", "3811.85", "3822.35", "3822.57", "3829.82", "3598.58", "3545.92", "3766.80",
  "3782.15", "3979.73", "4045.05",
};

static void
test_crossover (gconstpointer data)
{
  gboolean futures = GPOINTER_TO_INT (data);
  g_autofree char *path = data_path ("2006-day-001.txt");
  g_autoptr (AatEngine) engine = NULL;
  g_autoptr (GPtrArray) trades = NULL;
  const char *files[] = { path, NULL };
  AatExchange *exchange;
  AatStrategy *strategy;
  guint nb = 0, ns = 0;

  if (path == NULL)
    return;
  exchange = g_object_new (aat_csv_exchange_get_type (), "name", "csv", "files", files, "symbol", "STOXX50E",
                           "kind", "bars", NULL);
  if (futures)
    g_object_set (exchange, "commission-model", AAT_COMMISSION_MODEL_PER_CONTRACT, "commission-per-contract", 2.0,
                  "multiplier", 10.0, "margin", 1000.0, NULL);
  strategy = g_object_new (aat_reference_sma_crossover_type (), "period", 15u, "stake", 1.0, NULL);
  engine = run_backtest (exchange, strategy, 10000.0);

  trades = aat_engine_get_trades (engine, strategy);
  g_assert_cmpuint (trades->len, ==, G_N_ELEMENTS (case2_buys) + G_N_ELEMENTS (case2_sells));
  for (guint i = 0; i < trades->len; i++)
    {
      AatTrade *t = trades->pdata[i];
      g_assert_cmpfloat (aat_trade_get_volume (t), ==, 1.0);
      assert_cents (aat_trade_get_fee (t), futures ? "2.00" : "0.00");
      /* buys and sells alternate, starting with a buy */
      g_assert_cmpint (aat_trade_get_side (t), ==, i % 2 == 0 ? AAT_SIDE_BUY : AAT_SIDE_SELL);
      if (aat_trade_get_side (t) == AAT_SIDE_BUY)
        assert_cents (aat_trade_get_price (t), case2_buys[nb++]);
      else
        assert_cents (aat_trade_get_price (t), case2_sells[ns++]);
    }
  assert_cents (value_of (engine, strategy), futures ? "12795.00" : "10284.10");
  assert_cents (cash_of (engine, strategy), futures ? "11795.00" : "6164.16");
}

/* ---- Case 3: LEAN BasicTemplateAlgorithm, SPY minutes, 2013-10-07 .. 11 ---- */

static void
test_lean_basic_template (void)
{
  g_autofree char *factors = data_path ("lean/equity/usa/factor_files/spy.csv");
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (AatEngine) engine = NULL;
  g_autoptr (GPtrArray) orders = NULL;
  g_autoptr (GPtrArray) trades = NULL;
  AatExchange *exchange;
  AatStrategy *strategy;
  AatTrade *t;
  char price[32];

  if (factors == NULL)
    return;
  for (guint day = 7; day <= 11; day++)
    for (guint k = 0; k < 2; k++)
      {
        g_autofree char *rel = g_strdup_printf ("lean/equity/usa/minute/spy/201310%02u_spy_minute_%s.csv", day,
                                                k == 0 ? "trade" : "quote");
        char *path = data_path (rel);
        if (path == NULL)
          return;
        g_ptr_array_add (files, path);
      }
  g_ptr_array_add (files, NULL);
  exchange = g_object_new (aat_csv_exchange_get_type (), "name", "csv", "files", files->pdata, "symbol", "SPY",
                           "kind", "auto", "time-format", "ms-since-midnight", "timezone", "America/New_York",
                           "price-scale", 10000.0, "factor-file", factors, "session-start", "09:30",
                           "session-end", "15:59", "fill-timing", AAT_FILL_TIMING_IMMEDIATE,
                           "commission-model", AAT_COMMISSION_MODEL_PER_SHARE, "commission-per-share", 0.005,
                           "commission-minimum", 1.0, "commission-maximum-percent", 0.005, NULL);
  strategy = g_object_new (aat_reference_set_holdings_type (), "on", "quote", NULL);
  engine = run_backtest (exchange, strategy, 100000.0);

  orders = aat_engine_get_orders (engine, strategy, FALSE);
  g_assert_cmpuint (orders->len, ==, 1);
  trades = aat_engine_get_trades (engine, strategy);
  g_assert_cmpuint (trades->len, ==, 1);
  t = trades->pdata[0];
  g_assert_cmpfloat (aat_trade_get_volume (t), ==, 688.0);
  g_snprintf (price, sizeof price, "%.6f", aat_trade_get_price (t));
  g_assert_cmpstr (price, ==, "144.781724");
  g_snprintf (price, sizeof price, "%.6f", aat_engine_last_price (engine, aat_trade_get_instrument (t)));
  g_assert_cmpstr (price, ==, "147.245910");
  assert_cents (aat_portfolio_get_fees (aat_engine_get_portfolio (engine), strategy), "3.44");
  assert_cents (value_of (engine, strategy), "101691.92");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/reference/quickstart/step06", &step06, test_quickstart_two_down);
  g_test_add_data_func ("/reference/quickstart/step07", &step07, test_quickstart_two_down);
  g_test_add_func ("/reference/quickstart/step07/trades", test_quickstart_step07_trades);
  g_test_add_data_func ("/reference/quickstart/step07-ext", &step07_ext, test_quickstart_two_down);
  g_test_add_data_func ("/reference/quickstart/step08", &step08, test_quickstart_two_down);
  g_test_add_func ("/reference/quickstart/step09", test_quickstart_step09);
  g_test_add_data_func ("/reference/crossover/a-stock", GINT_TO_POINTER (FALSE), test_crossover);
  g_test_add_data_func ("/reference/crossover/b-futures", GINT_TO_POINTER (TRUE), test_crossover);
  g_test_add_func ("/reference/lean/basic-template", test_lean_basic_template);
  return g_test_run ();
}
