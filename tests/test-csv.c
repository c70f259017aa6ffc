/* test-csv.c: the csv exchange: every dataset format of ../shared/data, bad rows, the
 * time-ordered merge, constant memory, and the exchange's events.
 *
 * Tests that need the real data find it at $AAT_DATA_DIR or
 * $AAT_SOURCE_ROOT/../shared/data, and skip with a message when it is absent. The other
 * tests write small files to a temporary directory.
 */
#include <aat.h>
#include "aat-private.h"
#include "aat-csv-reader.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#define NS G_GINT64_CONSTANT (1000000000)
#define DAY_NS (G_GINT64_CONSTANT (86400) * NS)
#define MINUTE_NS (G_GINT64_CONSTANT (60) * NS)

#ifdef AAT_CSV_TEST_EXCHANGE
GType aat_csv_exchange_get_type (void);
#endif

/* ---- helpers ----------------------------------------------------------------------- */

static char *
data_path (const char *relative)
{
  const char *env = g_getenv ("AAT_DATA_DIR");
  const char *root = g_getenv ("AAT_SOURCE_ROOT");
  g_autofree char *dir = NULL;
  char *path;

  if (env && *env)
    dir = g_strdup (env);
  else if (root && *root)
    dir = g_build_filename (root, "..", "shared", "data", NULL);
  else
    dir = g_build_filename ("..", "shared", "data", NULL);
  path = g_build_filename (dir, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *msg = g_strdup_printf ("real data absent: %s (set AAT_DATA_DIR)", path);
      g_test_skip (msg);
      g_free (path);
      return NULL;
    }
  return path;
}

static gint64
utc_ns (int y, int mo, int d, int h, int mi, double s)
{
  g_autoptr (GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, s);
  return g_date_time_to_unix (dt) * NS + (gint64) g_date_time_get_microsecond (dt) * 1000;
}

/* Reads every row of @path into an array of AatCsvRow (symbols are not kept). */
static GArray *
read_rows (const char *path, const AatCsvOptions *options, guint64 *skipped, GError **error)
{
  g_autoptr (AatCsvSource) source = aat_csv_source_open (path, options, error);
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (AatCsvRow));
  AatCsvRow row;

  if (source == NULL)
    return NULL;
  while (aat_csv_source_next (source, &row, error))
    {
      row.symbol = NULL;
      g_array_append_val (rows, row);
    }
  if (error && *error)
    return NULL;
  if (skipped)
    *skipped = aat_csv_source_get_skipped (source);
  return g_steal_pointer (&rows);
}

#define ROW(rows, i) (&g_array_index ((rows), AatCsvRow, (i)))
#define LAST(rows) ROW ((rows), (rows)->len - 1)

typedef struct {
  char *dir;
} TmpFixture;

static void
tmp_setup (TmpFixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fx->dir = g_dir_make_tmp ("aat-csv-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
tmp_teardown (TmpFixture *fx, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (fx->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fx->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fx->dir);
  g_free (fx->dir);
}

static char *
tmp_file (TmpFixture *fx, const char *name, const char *contents)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (fx->dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* ---- backtrader daily files -------------------------------------------------------- */

static void
test_backtrader_orcl (void)
{
  g_autofree char *path = data_path ("orcl-1995-2014.txt");
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) rows = NULL;
  g_autoptr (GArray) adjusted = NULL;
  AatCsvOptions options;
  const AatCsvRow *r;

  if (path == NULL)
    return;

  /* Raw: the header maps the columns, whatever their order. */
  aat_csv_options_init (&options);
  rows = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 5036);
  r = ROW (rows, 0);
  g_assert_cmpint (r->kind, ==, AAT_CSV_KIND_BARS);
  g_assert_cmpint (r->time, ==, utc_ns (1995, 1, 3, 0, 0, 0));
  g_assert_cmpint (r->interval, ==, DAY_NS);
  g_assert_cmpfloat (r->open, ==, 44.12);
  g_assert_cmpfloat (r->high, ==, 44.38);
  g_assert_cmpfloat (r->low, ==, 42.87);
  g_assert_cmpfloat (r->close, ==, 42.87);
  g_assert_cmpfloat (r->volume, ==, 36301200);
  g_assert_cmpuint (r->line, ==, 2);
  r = LAST (rows);
  g_assert_cmpint (r->time, ==, utc_ns (2014, 12, 31, 0, 0, 0));
  g_assert_cmpfloat (r->close, ==, 44.97);

  /* The Adj Close rule, inside 2000: 2000-01-03 is 124.62,125.19,111.62,118.12, adj
   * 27.85: f = 118.12/27.85; 124.62/f = 29.3823.. → 29.38; 125.19/f = 29.5167.. → 29.52;
   * 111.62/f = 26.3175.. → 26.32; close = 27.85. */
  options.adjust = AAT_CSV_ADJUST_ADJ_CLOSE;
  options.start = "2000-01-01";
  options.end = "2000-12-31";
  adjusted = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (adjusted->len, ==, 252);
  r = ROW (adjusted, 0);
  g_assert_cmpint (r->time, ==, utc_ns (2000, 1, 3, 0, 0, 0));
  g_assert_cmpfloat (r->open, ==, 29.38);
  g_assert_cmpfloat (r->high, ==, 29.52);
  g_assert_cmpfloat (r->low, ==, 26.32);
  g_assert_cmpfloat (r->close, ==, 27.85);
  g_assert_cmpfloat (r->volume, ==, 98114800);
  /* The last bar of 2000: 2000-12-29, close = adj close 27.41 (the Case 1 final mark). */
  r = LAST (adjusted);
  g_assert_cmpint (r->time, ==, utc_ns (2000, 12, 29, 0, 0, 0));
  g_assert_cmpfloat (r->close, ==, 27.41);

  /* The end bound is inclusive to the day: through 2001-01-02 adds that one bar. */
  g_clear_pointer (&adjusted, g_array_unref);
  options.end = "2001-01-02";
  adjusted = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (adjusted->len, ==, 253);
  g_assert_cmpfloat (LAST (adjusted)->close, ==, 24.87);
}

static void
test_backtrader_2006 (void)
{
  g_autofree char *path = data_path ("2006-day-001.txt");
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) rows = NULL;
  AatCsvOptions options;

  if (path == NULL)
    return;
  aat_csv_options_init (&options);
  rows = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 255);
  g_assert_cmpint (ROW (rows, 0)->time, ==, utc_ns (2006, 1, 2, 0, 0, 0));
  g_assert_cmpfloat (ROW (rows, 0)->open, ==, 3578.73);
  g_assert_cmpfloat (ROW (rows, 0)->high, ==, 3605.95);
  g_assert_cmpfloat (ROW (rows, 0)->close, ==, 3604.33);
  g_assert_cmpfloat (ROW (rows, 0)->volume, ==, 0);
  g_assert_cmpint (LAST (rows)->time, ==, utc_ns (2006, 12, 29, 0, 0, 0));
  g_assert_cmpfloat (LAST (rows)->open, ==, 4130.12);
  g_assert_cmpfloat (LAST (rows)->close, ==, 4119.94);
}

/* ---- LEAN -------------------------------------------------------------------------- */

static void
lean_options (AatCsvOptions *options)
{
  aat_csv_options_init (options);
  options->price_scale = 10000;
  options->timezone = "America/New_York";
}

static void
test_lean_daily (void)
{
  g_autofree char *path = data_path ("lean/equity/usa/daily/spy.csv");
  g_autofree char *factors = data_path ("lean/equity/usa/factor_files/spy.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) rows = NULL;
  g_autoptr (GArray) adjusted = NULL;
  AatCsvOptions options;
  const AatCsvRow *r;

  if (path == NULL || factors == NULL)
    return;
  lean_options (&options);
  rows = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 5849);
  r = ROW (rows, 0);
  /* 1998-01-02 00:00 New York (EST) is 05:00 UTC. */
  g_assert_cmpint (r->time, ==, utc_ns (1998, 1, 2, 5, 0, 0));
  g_assert_cmpint (r->interval, ==, DAY_NS);
  g_assert_cmpfloat (r->open, ==, 97.31);
  g_assert_cmpfloat (r->high, ==, 97.53);
  g_assert_cmpfloat (r->low, ==, 96.53);
  g_assert_cmpfloat (r->close, ==, 97.36);
  g_assert_cmpfloat (r->volume, ==, 2150000);
  /* The last row has no final newline and an absurd volume. */
  r = LAST (rows);
  g_assert_cmpint (r->time, ==, utc_ns (2021, 3, 31, 4, 0, 0));
  g_assert_cmpfloat (r->close, ==, 396.33);
  g_assert_cmpfloat (r->volume, ==, 90673494);

  /* The factor file: 2013-10-07 .. 2013-12-19 use 0.8646266. */
  options.factor_file = factors;
  options.start = "2013-10-11";
  options.end = "2013-10-11";
  adjusted = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (adjusted->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (ROW (adjusted, 0)->close, 170.30 * 0.8646266, 1e-9);
  g_assert_cmpfloat_with_epsilon (ROW (adjusted, 0)->open, 168.90 * 0.8646266, 1e-9);
  /* The first row, 1998-01-02, is on the first factor row's date: 0.6566606. */
  g_clear_pointer (&adjusted, g_array_unref);
  options.start = NULL;
  options.end = "1998-01-02";
  adjusted = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (adjusted->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (ROW (adjusted, 0)->close, 97.36 * 0.6566606, 1e-9);
}

static const char *const lean_days[] = { "20131007", "20131008", "20131009", "20131010", "20131011" };

static void
test_lean_minute_trade (void)
{
  g_autofree char *factors = data_path ("lean/equity/usa/factor_files/spy.csv");
  AatCsvOptions options;

  if (factors == NULL)
    return;
  lean_options (&options);
  options.session_start = "09:30";
  options.session_end = "15:59";

  for (guint d = 0; d < G_N_ELEMENTS (lean_days); d++)
    {
      g_autofree char *rel = g_strdup_printf ("lean/equity/usa/minute/spy/%s_spy_minute_trade.csv", lean_days[d]);
      g_autofree char *path = data_path (rel);
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) rows = NULL;

      if (path == NULL)
        return;
      rows = read_rows (path, &options, NULL, &error);
      g_assert_no_error (error);
      /* Regular hours: 09:30 .. the 15:59 bar, 390 bars each day. */
      g_assert_cmpuint (rows->len, ==, 390);
      g_assert_cmpint (ROW (rows, 0)->interval, ==, MINUTE_NS);
      g_assert_cmpint (ROW (rows, 0)->time, ==, utc_ns (2013, 10, 7 + d, 13, 30, 0));
      g_assert_cmpint (LAST (rows)->time, ==, utc_ns (2013, 10, 7 + d, 19, 59, 0));
      for (guint i = 1; i < rows->len; i++)
        g_assert_cmpint (ROW (rows, i)->time - ROW (rows, i - 1)->time, ==, MINUTE_NS);
      if (d == 0)
        {
          /* 34200000,1674300,1675200,1674100,1674400,816453 */
          g_assert_cmpfloat (ROW (rows, 0)->open, ==, 167.43);
          g_assert_cmpfloat (ROW (rows, 0)->high, ==, 167.52);
          g_assert_cmpfloat (ROW (rows, 0)->low, ==, 167.41);
          g_assert_cmpfloat (ROW (rows, 0)->close, ==, 167.44);
          g_assert_cmpfloat (ROW (rows, 0)->volume, ==, 816453);
        }
      if (d == 4)
        {
          g_autoptr (GArray) all = NULL;
          g_autoptr (GArray) adjusted = NULL;
          AatCsvOptions o;

          /* The 15:59 close of 2013-10-11 is the Case 3 final mark, 147.245910 adjusted. */
          g_assert_cmpfloat (LAST (rows)->close, ==, 170.30);
          o = options;
          o.factor_file = factors;
          adjusted = read_rows (path, &o, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpfloat_with_epsilon (LAST (adjusted)->close, 147.245910, 5e-7);

          /* Without the session filter: every row, extended hours included; the file
           * has no final newline. */
          o = options;
          o.session_start = o.session_end = NULL;
          all = read_rows (path, &o, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (all->len, ==, 776);
          g_assert_cmpint (ROW (all, 0)->time, ==, utc_ns (2013, 10, 11, 8, 0, 0));
          g_assert_cmpfloat (LAST (all)->close, ==, 170.41);
          g_assert_cmpfloat (LAST (all)->volume, ==, 525);
        }
    }
}

static void
test_lean_minute_quote (void)
{
  g_autofree char *path = data_path ("lean/equity/usa/minute/spy/20131007_spy_minute_quote.csv");
  g_autofree char *factors = data_path ("lean/equity/usa/factor_files/spy.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) rows = NULL;
  g_autoptr (GArray) all = NULL;
  AatCsvOptions options;
  const AatCsvRow *r;

  if (path == NULL || factors == NULL)
    return;
  lean_options (&options);
  all = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 908);
  g_assert_cmpint (ROW (all, 0)->kind, ==, AAT_CSV_KIND_QUOTES);

  options.session_start = "09:30";
  options.session_end = "15:59";
  options.factor_file = factors;
  rows = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 390);
  /* 34200000,1674100,1675200,1674100,1674400,4400,1674100,1675300,1674100,1674500,1400 */
  r = ROW (rows, 0);
  g_assert_cmpint (r->time, ==, utc_ns (2013, 10, 7, 13, 30, 0));
  g_assert_cmpint (r->interval, ==, MINUTE_NS);
  /* Case 3: the first buy fills at the 09:30 ask close, 144.781724 adjusted. */
  g_assert_cmpfloat_with_epsilon (r->ask, 144.781724, 5e-7);
  g_assert_cmpfloat (r->ask, ==, 167.45 * 0.8646266);
  g_assert_cmpfloat (r->bid, ==, 167.44 * 0.8646266);
  g_assert_cmpfloat (r->bid_open, ==, 167.41 * 0.8646266);
  g_assert_cmpfloat (r->ask_high, ==, 167.53 * 0.8646266);
  g_assert_cmpfloat (r->bid_size, ==, 4400);
  g_assert_cmpfloat (r->ask_size, ==, 1400);
}

static void
test_lean_tick (void)
{
  g_autofree char *path = data_path ("lean/equity/usa/tick/spy/20131007_spy_Trade_Tick.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) rows = NULL;
  AatCsvOptions options;

  if (path == NULL)
    return;
  lean_options (&options);
  rows = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 250601);
  g_assert_cmpint (ROW (rows, 0)->kind, ==, AAT_CSV_KIND_TRADES);
  g_assert_cmpint (ROW (rows, 0)->interval, ==, 0);
  /* 14400464,1674100,100,P,20002000,0: 04:00:00.464 New York. */
  g_assert_cmpint (ROW (rows, 0)->time, ==, utc_ns (2013, 10, 7, 8, 0, 0) + 464 * 1000000);
  g_assert_cmpfloat (ROW (rows, 0)->close, ==, 167.41);
  g_assert_cmpfloat (ROW (rows, 0)->volume, ==, 100);
  /* 71999536,1673000,100,K,2000,0: 19:59:59.536. */
  g_assert_cmpint (LAST (rows)->time, ==, utc_ns (2013, 10, 7, 23, 59, 59) + 536 * 1000000);
  g_assert_cmpfloat (LAST (rows)->close, ==, 167.30);
  g_assert_cmpfloat (LAST (rows)->volume, ==, 100);
  g_assert_cmpuint (LAST (rows)->line, ==, 250601);
}

/* A day's trade and quote bars merged: in time order, and at equal times the file
 * added first comes first. */
static void
test_lean_merge (void)
{
  g_autofree char *trades = data_path ("lean/equity/usa/minute/spy/20131008_spy_minute_trade.csv");
  g_autofree char *quotes = data_path ("lean/equity/usa/minute/spy/20131008_spy_minute_quote.csv");
  g_autoptr (GError) error = NULL;
  g_autoptr (AatCsvFeed) feed = aat_csv_feed_new ();
  const AatCsvRow *row;
  AatCsvOptions options;
  guint index, n = 0, count[2] = { 0, 0 };
  gint64 last_key = G_MININT64;
  guint last_index = 0;

  if (trades == NULL || quotes == NULL)
    return;
  lean_options (&options);
  options.session_start = "09:30";
  options.session_end = "15:59";
  g_assert_true (aat_csv_feed_add (feed, aat_csv_source_open (trades, &options, &error), &error));
  g_assert_no_error (error);
  g_assert_true (aat_csv_feed_add (feed, aat_csv_source_open (quotes, &options, &error), &error));
  g_assert_no_error (error);
  while ((row = aat_csv_feed_next (feed, &index, &error)) != NULL)
    {
      gint64 key = row->time + row->interval;

      g_assert_cmpint (key, >=, last_key);
      if (key == last_key)
        g_assert_cmpuint (index, >=, last_index);
      g_assert_cmpint (row->kind, ==, index == 0 ? AAT_CSV_KIND_BARS : AAT_CSV_KIND_QUOTES);
      last_key = key;
      last_index = index;
      count[index]++;
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (count[0], ==, 390);
  g_assert_cmpuint (count[1], ==, 390);
  g_assert_cmpuint (n, ==, 780);
}

/* ---- bad rows ---------------------------------------------------------------------- */

static void
expect_bad_row (TmpFixture *fx, const char *contents, const char *expected_suffix)
{
  g_autofree char *path = tmp_file (fx, "bad.csv", contents);
  g_autofree char *expected = g_strconcat (path, expected_suffix, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) rows = NULL;
  AatCsvOptions options;

  aat_csv_options_init (&options);
  rows = read_rows (path, &options, NULL, &error);
  g_assert_null (rows);
  g_assert_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_BAD_ROW);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_bad_row_missing_field (TmpFixture *fx, gconstpointer data)
{
  expect_bad_row (fx, "Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1.5,10\n2020-01-02,1,2,0.5\n",
                  ":3: field 'close': missing (the row has 4 fields)");
}

static void
test_bad_row_not_a_number (TmpFixture *fx, gconstpointer data)
{
  expect_bad_row (fx, "Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1.5,10\n2020-01-02,1,2,0.5,abc,10\n",
                  ":3: field 'close': not a number: 'abc'");
  expect_bad_row (fx, "Date,Open,High,Low,Close,Volume\n2020-01-01,1,,0.5,1.5,10\n",
                  ":2: field 'high': empty");
}

static void
test_bad_row_bad_date (TmpFixture *fx, gconstpointer data)
{
  expect_bad_row (fx, "Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1.5,10\n2020-13-01,1,2,0.5,1.5,10\n",
                  ":3: field 'time': bad date: '2020-13-01' (format '%Y-%m-%d')");
  expect_bad_row (fx, "Date,Open,High,Low,Close,Volume\n01/02/2020,1,2,0.5,1.5,10\n",
                  ":2: field 'time': bad date: '01/02/2020' (no known format; set 'time-format')");
}

static void
test_bad_row_quote (TmpFixture *fx, gconstpointer data)
{
  expect_bad_row (fx, "Date,Open,High,Low,Close\n2020-01-02,\"1,2,0.5,1.5\n",
                  ":2: field 2: unterminated quote");
}

static void
test_bad_row_backwards (TmpFixture *fx, gconstpointer data)
{
  expect_bad_row (fx, "Date,Open,High,Low,Close\n2020-01-02,1,2,0.5,1.5\n2020-01-02,1,2,0.5,1.5\n2020-01-01,1,2,0.5,1.5\n",
                  ":4: field 'time': time goes backwards: '2020-01-01' is before the previous row (2020-01-02T00:00:00Z)");
}

static void
test_bad_row_skip (TmpFixture *fx, gconstpointer data)
{
  g_autofree char *path = tmp_file (fx, "skip.csv",
                                    "Date,Open,High,Low,Close,Volume\n"
                                    "2020-01-01,1,2,0.5,1.5,10\n"
                                    "2020-01-02,1,2,0.5\n"
                                    "2020-01-03,1,2,0.5,abc,10\n"
                                    "2020-01-0x,1,2,0.5,1.5,10\n"
                                    "2020-01-04,\"1,2,0.5,1.5,10\n"
                                    "2020-01-06,1,2,0.5,2.5,10\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) rows = NULL;
  AatCsvOptions options;
  guint64 skipped = 0;

  aat_csv_options_init (&options);
  options.bad_rows = AAT_CSV_BAD_ROWS_SKIP;
  rows = read_rows (path, &options, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpuint (skipped, ==, 4);
  g_assert_cmpuint (ROW (rows, 1)->line, ==, 7);
  g_assert_cmpfloat (ROW (rows, 1)->close, ==, 2.5);
}

static void
test_missing_file (TmpFixture *fx, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "nope.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AatCsvSource) source = NULL;
  AatCsvOptions options;

  aat_csv_options_init (&options);
  source = aat_csv_source_open (path, &options, &error);
  g_assert_null (source);
  g_assert_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, path));
}

/* ---- formats ----------------------------------------------------------------------- */

static void
test_format_columns (TmpFixture *fx, gconstpointer data)
{
  /* No header, explicit roles by position, unix seconds, a skipped column. */
  g_autofree char *path = tmp_file (fx, "explicit.csv",
                                    "x,1577836800,10.5,10,11,9.75,100\n"
                                    "y,1577836860,10.25,10.5,10.75,10.0,200\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) rows = NULL;
  AatCsvOptions options;

  aat_csv_options_init (&options);
  options.columns = "-,time,close,open,high,low,volume";
  options.time_format = "unix";
  options.interval = "1m";
  rows = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (ROW (rows, 0)->time, ==, utc_ns (2020, 1, 1, 0, 0, 0));
  g_assert_cmpint (ROW (rows, 0)->interval, ==, MINUTE_NS);
  g_assert_cmpfloat (ROW (rows, 0)->close, ==, 10.5);
  g_assert_cmpfloat (ROW (rows, 0)->open, ==, 10);
  g_assert_cmpfloat (ROW (rows, 0)->low, ==, 9.75);
  g_assert_cmpfloat (ROW (rows, 1)->volume, ==, 200);
}

static void
test_format_quoting (TmpFixture *fx, gconstpointer data)
{
  /* A byte order mark, CRLF, quotes, a symbol column, Date and Time columns, and no
   * final newline. */
  g_autofree char *path = tmp_file (fx, "quoted.csv",
                                    "\xef\xbb\xbf\"Date\",\"Time\",Ticker,Price,Size\r\n"
                                    "2013-07-01,09:30:00.250,\"A,B\",\"1.5\",10\r\n"
                                    "\r\n"
                                    "2013-07-01,09:30:01,\"say \"\"hi\"\"\",2,20");
  g_autoptr (GError) error = NULL;
  g_autoptr (AatCsvSource) source = NULL;
  AatCsvOptions options;
  AatCsvRow row;

  aat_csv_options_init (&options);
  options.kind = AAT_CSV_KIND_TRADES;
  options.timezone = "America/New_York";
  options.symbol_column = "Ticker";
  source = aat_csv_source_open (path, &options, &error);
  g_assert_no_error (error);
  g_assert_true (aat_csv_source_next (source, &row, &error));
  /* 09:30 EDT is 13:30 UTC. */
  g_assert_cmpint (row.time, ==, utc_ns (2013, 7, 1, 13, 30, 0) + 250 * 1000000);
  g_assert_cmpstr (row.symbol, ==, "A,B");
  g_assert_cmpfloat (row.close, ==, 1.5);
  g_assert_cmpfloat (row.volume, ==, 10);
  g_assert_true (aat_csv_source_next (source, &row, &error));
  g_assert_cmpstr (row.symbol, ==, "say \"hi\"");
  g_assert_cmpuint (row.line, ==, 4);
  g_assert_false (aat_csv_source_next (source, &row, &error));
  g_assert_no_error (error);
}

static void
test_format_timezone (TmpFixture *fx, gconstpointer data)
{
  /* The same wall time in winter (EST, -5) and summer (EDT, -4). */
  g_autofree char *path = tmp_file (fx, "tz.csv",
                                    "20130102 09:30,1,1,1,1,1\n20130701 09:30,1,1,1,1,1\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) rows = NULL;
  AatCsvOptions options;

  aat_csv_options_init (&options);
  options.timezone = "America/New_York";
  rows = read_rows (path, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ROW (rows, 0)->time, ==, utc_ns (2013, 1, 2, 14, 30, 0));
  g_assert_cmpint (ROW (rows, 1)->time, ==, utc_ns (2013, 7, 1, 13, 30, 0));
  /* The format has a time of day not at midnight: the interval is unknown. */
  g_assert_cmpint (ROW (rows, 0)->interval, ==, 0);
}

static void
test_symbol_from_path (void)
{
  const struct { const char *path; const char *symbol; } cases[] = {
    { "/x/20131007_spy_minute_trade.csv", "SPY" },
    { "spy.csv", "SPY" },
    { "data/orcl-1995-2014.txt", "ORCL" },
    { "2006-day-001.txt", "2006-day-001" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *symbol = aat_csv_symbol_from_path (cases[i].path);
      g_assert_cmpstr (symbol, ==, cases[i].symbol);
    }
}

/* ---- the merge --------------------------------------------------------------------- */

static void
test_merge_interleaved (TmpFixture *fx, gconstpointer data)
{
  /* Three trade files, interleaved, with ties across files and within a file. */
  g_autofree char *a = tmp_file (fx, "a.csv", "time,price,size\n1000,1,1\n3000,3,1\n3000,31,1\n5000,5,1\n");
  g_autofree char *b = tmp_file (fx, "b.csv", "time,price,size\n1000,11,1\n2000,2,1\n3000,32,1\n");
  g_autofree char *c = tmp_file (fx, "c.csv", "time,price,size\n0,0,1\n3000,33,1\n6000,6,1\n");
  const char *files[] = { a, b, c };
  const double expected[] = { 0, 1, 11, 2, 3, 31, 32, 33, 5, 6 };
  const guint expected_source[] = { 2, 0, 1, 1, 0, 0, 1, 2, 0, 2 };
  g_autoptr (GError) error = NULL;
  g_autoptr (AatCsvFeed) feed = aat_csv_feed_new ();
  const AatCsvRow *row;
  AatCsvOptions options;
  guint n = 0, index;

  aat_csv_options_init (&options);
  options.kind = AAT_CSV_KIND_TRADES;
  options.time_format = "ms-since-midnight";
  options.date = "2020-01-01";
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_assert_true (aat_csv_feed_add (feed, aat_csv_source_open (files[i], &options, &error), &error));
      g_assert_no_error (error);
    }
  while ((row = aat_csv_feed_next (feed, &index, &error)) != NULL)
    {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (expected));
      g_assert_cmpfloat (row->close, ==, expected[n]);
      g_assert_cmpuint (index, ==, expected_source[n]);
      g_assert_cmpint (row->time, ==, utc_ns (2020, 1, 1, 0, 0, 0) + (gint64) (row->close >= 10 ? floor (row->close / 10) : row->close) * NS);
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
}

static void
test_merge_bars_by_end (TmpFixture *fx, gconstpointer data)
{
  /* A daily bar of 2020-01-01 becomes known at midnight of the 2nd, after the 23:58
   * minute bar. The 23:59 minute bar ends at midnight too: a tie, which the daily file,
   * added first, wins. */
  g_autofree char *daily = tmp_file (fx, "daily.csv", "Date,Open,High,Low,Close\n2020-01-01,1,1,1,1\n");
  g_autofree char *minute = tmp_file (fx, "minute.csv",
                                      "Date,Open,High,Low,Close\n2020-01-01 23:58,2,2,2,2\n2020-01-01 23:59,3,3,3,3\n2020-01-02 00:00,4,4,4,4\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (AatCsvFeed) feed = aat_csv_feed_new ();
  AatCsvOptions options;
  const double expected[] = { 2, 1, 3, 4 };
  const AatCsvRow *row;
  guint n = 0;

  aat_csv_options_init (&options);
  g_assert_true (aat_csv_feed_add (feed, aat_csv_source_open (daily, &options, &error), &error));
  options.interval = "1m";
  g_assert_true (aat_csv_feed_add (feed, aat_csv_source_open (minute, &options, &error), &error));
  g_assert_no_error (error);
  while ((row = aat_csv_feed_next (feed, NULL, &error)) != NULL)
    g_assert_cmpfloat (row->close, ==, expected[n++]);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 4);
}

/* ---- memory ------------------------------------------------------------------------ */

static gint64
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  p = strstr (status, "VmHWM:");
  return p ? g_ascii_strtoll (p + 6, NULL, 10) : -1;
}

static void
test_constant_memory (TmpFixture *fx, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "large.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AatCsvSource) source = NULL;
  AatCsvOptions options;
  AatCsvRow row;
  FILE *f = fopen (path, "w");
  const guint n_rows = 2000000;
  guint64 n = 0;
  gint64 before, after;
  gsize buffer;

  g_assert_nonnull (f);
  for (guint i = 0; i < n_rows; i++)
    fprintf (f, "%u,%u,%u,P,0,0\n", 14400000 + i * 20, 1670000 + i % 997, 100 + i % 13);
  g_assert_cmpint (fclose (f), ==, 0);

  aat_csv_options_init (&options);
  options.kind = AAT_CSV_KIND_TRADES;
  options.date = "2013-10-07";
  options.price_scale = 10000;
  before = peak_rss_kb ();
  source = aat_csv_source_open (path, &options, &error);
  g_assert_no_error (error);
  buffer = aat_csv_source_get_buffer_size (source);
  while (aat_csv_source_next (source, &row, &error))
    n++;
  g_assert_no_error (error);
  after = peak_rss_kb ();
  g_assert_cmpuint (n, ==, n_rows);
  g_assert_cmpfloat (row.close, ==, (1670000 + (n_rows - 1) % 997) / 10000.0);
  /* The buffer never grew, and the process's peak grew by far less than the file. */
  g_assert_cmpuint (aat_csv_source_get_buffer_size (source), ==, buffer);
  g_assert_cmpuint (buffer, <=, 128 * 1024);
  if (before > 0 && after > 0)
    g_assert_cmpint (after - before, <, 8 * 1024);
}

/* ---- the exchange ------------------------------------------------------------------ */

#ifdef AAT_CSV_TEST_EXCHANGE
static void
test_exchange_events (TmpFixture *fx, gconstpointer data)
{
  g_autofree char *bars = tmp_file (fx, "orcl.csv",
                                    "Date,Open,High,Low,Close,Volume,Adj Close\n"
                                    "2000-01-03,124.62,125.19,111.62,118.12,98114800,27.85\n"
                                    "2000-01-04,115.50,118.62,105.00,107.69,116824800,25.39\n"
                                    "2000-01-05,oops,118.62,105.00,107.69,116824800,25.39\n");
  g_autoptr (AatExchange) exchange = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) instruments = NULL;
  const char *files[] = { bars, NULL };
  AatEvent *event, *held;
  AatBar *bar;
  guint64 skipped = 0;

  exchange = g_object_new (aat_csv_exchange_get_type (), "name", "csv", "files", files,
                           "adjust", "adj-close", "bad-rows", "skip",
                           "instrument-type", AAT_INSTRUMENT_TYPE_INDEX, "tick-size", 0.05, NULL);
  g_assert_true (aat_exchange_is_pull (exchange));
  g_assert_true (aat_exchange_start (exchange, &error));
  g_assert_no_error (error);
  instruments = aat_exchange_instruments (exchange);
  g_assert_cmpuint (instruments->len, ==, 1);
  g_assert_cmpstr (aat_instrument_get_name (g_ptr_array_index (instruments, 0)), ==, "ORCL");
  g_assert_cmpint (aat_instrument_get_instrument_type (g_ptr_array_index (instruments, 0)), ==,
                   AAT_INSTRUMENT_TYPE_INDEX);
  g_assert_cmpfloat (aat_instrument_get_tick_size (g_ptr_array_index (instruments, 0)), ==, 0.05);

  event = aat_exchange_next_event (exchange, &error);
  g_assert_nonnull (event);
  g_assert_cmpint (aat_event_get_event_type (event), ==, AAT_EVENT_TYPE_BAR);
  bar = aat_event_get_bar (event);
  g_assert_cmpint (aat_bar_get_timestamp (bar), ==, utc_ns (2000, 1, 3, 0, 0, 0));
  g_assert_cmpint (aat_bar_get_interval (bar), ==, DAY_NS);
  g_assert_cmpint (aat_event_get_timestamp (event), ==, utc_ns (2000, 1, 4, 0, 0, 0));
  g_assert_cmpfloat (aat_bar_get_open (bar), ==, 29.38);
  g_assert_cmpfloat (aat_bar_get_close (bar), ==, 27.85);
  g_assert_true (aat_bar_get_exchange (bar) == aat_exchange_get_exchange_type (exchange));

  /* Someone keeps the first event: the second is a new one, and the first is intact. */
  held = aat_event_ref (event);
  event = aat_exchange_next_event (exchange, &error);
  g_assert_nonnull (event);
  g_assert_true (event != held);
  g_assert_cmpfloat (aat_bar_get_close (aat_event_get_bar (held)), ==, 27.85);
  g_assert_cmpfloat (aat_bar_get_close (aat_event_get_bar (event)), ==, 25.39);
  aat_event_unref (held);

  g_assert_null (aat_exchange_next_event (exchange, &error));
  g_assert_no_error (error);
  g_object_get (exchange, "skipped-rows", &skipped, NULL);
  g_assert_cmpuint (skipped, ==, 1);
  aat_exchange_stop (exchange);
}

static void
test_exchange_reuse (TmpFixture *fx, gconstpointer data)
{
  g_autofree char *a = tmp_file (fx, "20200101_aaa_tick.csv", "1000,10000,1\n2000,20000,2\n3000,30000,3\n");
  g_autofree char *q = tmp_file (fx, "20200101_bbb_quote.csv", "1000,1,1,1,1,5,2,2,2,2,6\n");
  g_autoptr (AatExchange) exchange = NULL;
  g_autoptr (GError) error = NULL;
  const char *files[] = { a, q, NULL };
  AatEvent *first, *event;
  AatQuote *quote;
  guint n = 0;

  exchange = g_object_new (aat_csv_exchange_get_type (), "files", files, "price-scale", 10000.0,
                           "timezone", "America/New_York", NULL);
  g_assert_true (aat_exchange_start (exchange, &error));
  g_assert_no_error (error);
  first = aat_exchange_next_event (exchange, &error);
  g_assert_cmpint (aat_event_get_event_type (first), ==, AAT_EVENT_TYPE_TRADE);
  g_assert_cmpfloat (aat_trade_get_price (aat_event_get_trade (first)), ==, 1.0);
  g_assert_cmpstr (aat_instrument_get_name (aat_event_get_instrument (first)), ==, "AAA");
  /* Nobody holds it: the next trade reuses the same objects. */
  event = aat_exchange_next_event (exchange, &error);
  g_assert_true (event == first);
  g_assert_cmpfloat (aat_trade_get_price (aat_event_get_trade (event)), ==, 2.0);
  /* The quote bar of 00:00:01 .. 00:01:01 comes after the trade of 00:00:03. */
  event = aat_exchange_next_event (exchange, &error);
  g_assert_cmpint (aat_event_get_event_type (event), ==, AAT_EVENT_TYPE_TRADE);
  event = aat_exchange_next_event (exchange, &error);
  g_assert_cmpint (aat_event_get_event_type (event), ==, AAT_EVENT_TYPE_QUOTE);
  quote = aat_event_get_quote (event);
  g_assert_cmpfloat (aat_quote_get_bid (quote), ==, 0.0001);
  g_assert_cmpfloat (aat_quote_get_ask (quote), ==, 0.0002);
  g_assert_cmpfloat (aat_quote_get_ask_size (quote), ==, 6);
  g_assert_cmpint (aat_quote_get_interval (quote), ==, MINUTE_NS);
  g_assert_cmpint (aat_event_get_timestamp (event), ==, utc_ns (2020, 1, 1, 5, 1, 1));
  while (aat_exchange_next_event (exchange, &error))
    n++;
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
}

static void
test_exchange_missing_file (TmpFixture *fx, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "absent.csv", NULL);
  g_autoptr (AatExchange) exchange = NULL;
  g_autoptr (GError) error = NULL;
  const char *files[] = { "absent.csv", NULL };

  exchange = g_object_new (aat_csv_exchange_get_type (), "files", files, "base-dir", fx->dir, NULL);
  g_assert_false (aat_exchange_start (exchange, &error));
  g_assert_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_OPEN);
  g_assert_true (g_str_has_prefix (error->message, path));
}
#endif

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/backtrader/orcl", test_backtrader_orcl);
  g_test_add_func ("/csv/backtrader/2006-day-001", test_backtrader_2006);
  g_test_add_func ("/csv/lean/daily", test_lean_daily);
  g_test_add_func ("/csv/lean/minute-trade", test_lean_minute_trade);
  g_test_add_func ("/csv/lean/minute-quote", test_lean_minute_quote);
  g_test_add_func ("/csv/lean/tick", test_lean_tick);
  g_test_add_func ("/csv/lean/merge-trade-quote", test_lean_merge);
  g_test_add ("/csv/bad-row/missing-field", TmpFixture, NULL, tmp_setup, test_bad_row_missing_field, tmp_teardown);
  g_test_add ("/csv/bad-row/not-a-number", TmpFixture, NULL, tmp_setup, test_bad_row_not_a_number, tmp_teardown);
  g_test_add ("/csv/bad-row/bad-date", TmpFixture, NULL, tmp_setup, test_bad_row_bad_date, tmp_teardown);
  g_test_add ("/csv/bad-row/unterminated-quote", TmpFixture, NULL, tmp_setup, test_bad_row_quote, tmp_teardown);
  g_test_add ("/csv/bad-row/backwards", TmpFixture, NULL, tmp_setup, test_bad_row_backwards, tmp_teardown);
  g_test_add ("/csv/bad-row/skip", TmpFixture, NULL, tmp_setup, test_bad_row_skip, tmp_teardown);
  g_test_add ("/csv/missing-file", TmpFixture, NULL, tmp_setup, test_missing_file, tmp_teardown);
  g_test_add ("/csv/format/columns", TmpFixture, NULL, tmp_setup, test_format_columns, tmp_teardown);
  g_test_add ("/csv/format/quoting", TmpFixture, NULL, tmp_setup, test_format_quoting, tmp_teardown);
  g_test_add ("/csv/format/timezone", TmpFixture, NULL, tmp_setup, test_format_timezone, tmp_teardown);
  g_test_add_func ("/csv/format/symbol-from-path", test_symbol_from_path);
  g_test_add ("/csv/merge/interleaved", TmpFixture, NULL, tmp_setup, test_merge_interleaved, tmp_teardown);
  g_test_add ("/csv/merge/bars-by-end", TmpFixture, NULL, tmp_setup, test_merge_bars_by_end, tmp_teardown);
  g_test_add ("/csv/constant-memory", TmpFixture, NULL, tmp_setup, test_constant_memory, tmp_teardown);
#ifdef AAT_CSV_TEST_EXCHANGE
  g_test_add ("/csv/exchange/events", TmpFixture, NULL, tmp_setup, test_exchange_events, tmp_teardown);
  g_test_add ("/csv/exchange/reuse", TmpFixture, NULL, tmp_setup, test_exchange_reuse, tmp_teardown);
  g_test_add ("/csv/exchange/missing-file", TmpFixture, NULL, tmp_setup, test_exchange_missing_file, tmp_teardown);
#endif

  return g_test_run ();
}
