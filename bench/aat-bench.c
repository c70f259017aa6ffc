/* aat-bench: aat's benchmarks. `aat-bench NAME [ARGS]`. Each prints its headline figure
 * last, as `RESULT key=value`. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "aat-bench.h"

gint64
bench_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *usage;
} benches[] = {
#ifdef HAVE_BENCH_ORDER_BOOK
  { "order-book", bench_order_book, "order-book FILE.csv   replay a gen-orderbook-ops.py workload" },
#endif
#ifdef HAVE_BENCH_ENGINE
  { "engine", bench_engine, "engine [--events N] [--python FILE.py:Class] [TICKFILE]   backtest engine throughput" },
#endif
#ifdef HAVE_BENCH_SYNTHETIC
  { "synthetic", bench_synthetic, "synthetic [--events N]   synthetic exchange in backtest" },
#endif
#ifdef HAVE_BENCH_CSV
  { "csv", bench_csv, "csv [FILE]   CSV reader throughput on the SPY tick file" },
#endif
  { NULL, NULL, NULL },
};

int
main (int argc, char **argv)
{
  if (argc >= 2)
    for (gsize i = 0; benches[i].name != NULL; i++)
      if (strcmp (argv[1], benches[i].name) == 0)
        return benches[i].run (argc - 1, argv + 1);

  fprintf (stderr, "usage: aat-bench NAME [ARGS]\n");
  for (gsize i = 0; benches[i].name != NULL; i++)
    fprintf (stderr, "  %s\n", benches[i].usage);
  return 2;
}
