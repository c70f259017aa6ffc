/* bench-csv.c: `aat-bench csv [--repeat N] [FILE]`: CSV reader throughput.
 *
 * Streams the SPY tick file (LEAN: ms since midnight, deci-cent prices, New York time)
 * through the csv exchange's row parser: records, times, prices and the merge, which is
 * everything the exchange does per row except building the event. The file is read
 * N times (default 20) and the best pass is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "aat-bench.h"
#include "aat-csv-reader.h"

#define TICK_FILE "lean/equity/usa/tick/spy/20131007_spy_Trade_Tick.csv"

static char *
default_tick_file (void)
{
  const char *env = g_getenv ("AAT_DATA_DIR");
  const char *root = g_getenv ("AAT_SOURCE_ROOT");
  char *candidates[4] = { NULL, NULL, NULL, NULL };
  char *found = NULL;

  if (env)
    candidates[0] = g_build_filename (env, TICK_FILE, NULL);
  if (root)
    candidates[1] = g_build_filename (root, "..", "shared", "data", TICK_FILE, NULL);
  candidates[2] = g_build_filename ("..", "shared", "data", TICK_FILE, NULL);
  candidates[3] = g_build_filename ("..", "..", "shared", "data", TICK_FILE, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      if (found == NULL && candidates[i] && g_file_test (candidates[i], G_FILE_TEST_IS_REGULAR))
        found = g_strdup (candidates[i]);
      g_free (candidates[i]);
    }
  return found;
}

int
bench_csv (int argc, char **argv)
{
  g_autofree char *path = NULL;
  AatCsvOptions options;
  guint repeat = 20;
  guint64 total_rows = 0, rows_per_pass = 0;
  gint64 best = G_MAXINT64, total_ns = 0;
  double checksum = 0.0;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--repeat") == 0 && i + 1 < argc)
        {
          int n = atoi (argv[++i]);
          repeat = (guint) MAX (1, n);
        }
      else if (argv[i][0] != '-' && path == NULL)
        path = g_strdup (argv[i]);
      else
        {
          fprintf (stderr, "usage: aat-bench csv [--repeat N] [FILE]\n");
          return 2;
        }
    }
  if (path == NULL)
    path = default_tick_file ();
  if (path == NULL)
    {
      fprintf (stderr, "csv: no tick file: set AAT_DATA_DIR or pass a path to %s\n", TICK_FILE);
      return 77;
    }

  aat_csv_options_init (&options);
  options.kind = AAT_CSV_KIND_TRADES;
  options.price_scale = 10000;
  options.timezone = "America/New_York";
  options.time_format = "ms-since-midnight";

  for (guint pass = 0; pass < repeat; pass++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AatCsvFeed) feed = aat_csv_feed_new ();
      const AatCsvRow *row;
      guint64 rows = 0;
      gint64 t0 = bench_now_ns (), dt;
      AatCsvSource *source = aat_csv_source_open (path, &options, &error);

      if (source == NULL || !aat_csv_feed_add (feed, source, &error))
        {
          fprintf (stderr, "csv: %s\n", error->message);
          return 1;
        }
      while ((row = aat_csv_feed_next (feed, NULL, &error)) != NULL)
        {
          checksum += row->close;
          rows++;
        }
      if (error)
        {
          fprintf (stderr, "csv: %s\n", error->message);
          return 1;
        }
      dt = bench_now_ns () - t0;
      best = MIN (best, dt);
      total_ns += dt;
      total_rows += rows;
      rows_per_pass = rows;
    }

  printf ("file: %s\n", path);
  printf ("rows: %" G_GUINT64_FORMAT " per pass, %u passes, %" G_GUINT64_FORMAT " total\n",
          rows_per_pass, repeat, total_rows);
  printf ("seconds: best pass %.6f, all passes %.6f (checksum %.2f)\n", best / 1e9,
          total_ns / 1e9, checksum);
  printf ("mean rows_per_s=%.0f\n", total_rows / (total_ns / 1e9));
  printf ("RESULT rows_per_s=%.0f\n", rows_per_pass / (best / 1e9));
  return 0;
}
