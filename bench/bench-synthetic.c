/* bench-synthetic.c: `aat-bench synthetic [--events N] [--instruments K] [--repeat R]`:
 * the synthetic exchange in backtest through an engine with a no-op strategy.
 *
 * Counts market events (trades; the default publishes no book events) per second of
 * wall time over the whole run: order-flow generation, matching in the order books,
 * event building and the engine's dispatch. The best of R runs is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <aat.h>
#include "aat-bench.h"
#include "aat-synthetic-exchange.h"

#define BENCH_TYPE_NOOP (bench_noop_get_type ())
G_DECLARE_FINAL_TYPE (BenchNoop, bench_noop, BENCH, NOOP, AatStrategy)
struct _BenchNoop { AatStrategy parent_instance; guint64 trades; };
G_DEFINE_FINAL_TYPE (BenchNoop, bench_noop, AAT_TYPE_STRATEGY)

static void
noop_on_trade (AatStrategy *strategy, AatTrade *trade)
{
  BENCH_NOOP (strategy)->trades++;
}

static void
bench_noop_class_init (BenchNoopClass *klass)
{
  AAT_STRATEGY_CLASS (klass)->on_trade = noop_on_trade;
}

static void
bench_noop_init (BenchNoop *self)
{
}

int
bench_synthetic (int argc, char **argv)
{
  gint64 events = 2000000;
  int instruments = 1, repeat = 3;
  gboolean book_events = FALSE;
  double best = 0.0;
  GOptionEntry entries[] = {
    { "events", 'n', 0, G_OPTION_ARG_INT64, &events, "Market events per run (default 2000000)", "N" },
    { "instruments", 'k', 0, G_OPTION_ARG_INT, &instruments, "Instruments (default 1)", "K" },
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Runs; the best is reported (default 3)", "R" },
    { "book-events", 'b', 0, G_OPTION_ARG_NONE, &book_events, "Also publish book events", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- the synthetic exchange in backtest");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "aat-bench synthetic: %s\n", error->message);
      return 2;
    }
  for (int r = 0; r < MAX (repeat, 1); r++)
    {
      g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
      g_autoptr (AatExchange) exchange = g_object_new (AAT_TYPE_SYNTHETIC_EXCHANGE, "name", "synthetic",
                                                       "seed", (guint64) 42, "events", (guint64) events,
                                                       "instruments", instruments, "book-events", book_events,
                                                       NULL);
      g_autoptr (BenchNoop) strategy = g_object_new (BENCH_TYPE_NOOP, NULL);
      gint64 t0, t1;
      guint64 n;
      double rate;

      aat_engine_add_exchange (engine, exchange);
      aat_engine_add_strategy (engine, AAT_STRATEGY (strategy));
      t0 = bench_now_ns ();
      if (!aat_engine_run (engine, &error))
        {
          fprintf (stderr, "aat-bench synthetic: %s\n", error->message);
          return 1;
        }
      t1 = bench_now_ns ();
      n = aat_engine_get_event_count (engine);
      rate = (double) n / ((double) (t1 - t0) / 1e9);
      printf ("run %d: %" G_GUINT64_FORMAT " events (%" G_GUINT64_FORMAT " trades) in %.3f s: %.0f events/s\n",
              r + 1, n, strategy->trades, (double) (t1 - t0) / 1e9, rate);
      if (rate > best)
        best = rate;
    }
  printf ("RESULT events_per_s=%.0f\n", best);
  return 0;
}
