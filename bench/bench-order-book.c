/* bench-order-book.c: `aat-bench order-book FILE.csv [--runs N]`.
 *
 * Replays a workload written by ../shared/bench/gen-orderbook-ops.py against the integer
 * interface of #AatOrderBook, with every event delivered to a no-op callback.
 *
 * 1. The whole CSV is parsed into an array first (not timed); a malformed line stops the
 *    benchmark with `FILE:LINE: message` and exit status 1.
 * 2. A checking pass on a fresh book counts the events (TRADE count and volume) and
 *    compares them with the book's own counters, and records the book's allocated bytes
 *    at the peak number of resting orders (aat_order_book_get_memory_size(): capacity of
 *    its arrays, not their use), cross-checked by glibc's mallinfo2() in-use delta. It prints the final state in exactly the
 *    generator's format (the generator prints the expected line).
 * 3. N timed replays (default 11), each on a fresh book: only the replay loop is inside
 *    the clock; ops/s = ops / replay time. RESULT is the median run (wall clock); the
 *    best run and the median by thread CPU time (blind to preemption) are shown too.
 * 4. A separate latency pass on a fresh book times every operation on its own (rdtsc on
 *    x86-64, calibrated against CLOCK_MONOTONIC; clock_gettime elsewhere), so the timer
 *    cost never enters the throughput figure. The timer's own overhead (the minimum of
 *    back-to-back reads) is reported and not subtracted.
 */
#include "config.h"
#include "aat.h"
#include "aat-bench.h"

#include <errno.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

typedef struct {
  char kind;                /* 'A', 'M' or 'C' */
  AatSide side;
  guint64 id;               /* the order, or the target of a cancel */
  gint64 price;
  gint64 volume;
} Op;

typedef struct {
  guint64 trades;
  gint64 traded;
  guint64 events;
} Counts;

static void
noop_event (const AatBookEvent *event, gpointer user_data)
{
  (void) event;
  (void) user_data;
}

static void
count_event (const AatBookEvent *event, gpointer user_data)
{
  Counts *c = user_data;

  c->events++;
  if (event->type == AAT_EVENT_TYPE_TRADE)
    {
      c->trades++;
      c->traded += event->volume;
    }
}

/* Parses an unsigned decimal field ending at ',' or end of line. */
static gboolean
parse_field (const char **p, const char *end, gboolean allow_empty, gboolean *empty,
             guint64 *value)
{
  const char *s = *p;
  guint64 v = 0;
  int digits = 0;

  while (s < end && *s >= '0' && *s <= '9')
    {
      if (v > (G_MAXUINT64 - 9) / 10)
        return FALSE;
      v = v * 10 + (guint64) (*s - '0');
      s++;
      digits++;
    }
  if (digits == 0 && !allow_empty)
    return FALSE;
  if (empty)
    *empty = digits == 0;
  *value = v;
  *p = s;
  return TRUE;
}

static gboolean
expect_comma (const char **p, const char *end)
{
  if (*p >= end || **p != ',')
    return FALSE;
  (*p)++;
  return TRUE;
}

static const char header[] = "seq,kind,id,side,price_ticks,volume,target_id";

/* Loads the file into an array of operations; on error prints FILE:LINE and returns NULL. */
static GArray *
load_ops (const char *path)
{
  char *text = NULL;
  gsize len = 0;
  GError *error = NULL;
  const char *p, *end;
  GArray *ops;
  guint line = 0;

  if (!g_file_get_contents (path, &text, &len, &error))
    {
      fprintf (stderr, "%s: %s\n", path, error->message);
      g_error_free (error);
      return NULL;
    }
  ops = g_array_sized_new (FALSE, FALSE, sizeof (Op), (guint) (len / 20));
  p = text;
  end = text + len;
  while (p < end)
    {
      const char *eol = memchr (p, '\n', (gsize) (end - p));
      const char *le, *s;
      const char *why = NULL;
      guint64 seq, id, price, volume, target;
      gboolean id_empty, target_empty;
      Op op;

      line++;
      if (eol == NULL)
        eol = end;
      le = eol;
      if (le > p && le[-1] == '\r')
        le--;
      s = p;
      p = eol + 1;

      if (line == 1)
        {
          if ((gsize) (le - s) != strlen (header) || memcmp (s, header, strlen (header)) != 0)
            {
              fprintf (stderr, "%s:%u: expected the header \"%s\"\n", path, line, header);
              goto fail;
            }
          continue;
        }
      if (le == s)
        continue;                      /* a blank line, e.g. at the end */

      memset (&op, 0, sizeof op);
      if (!parse_field (&s, le, FALSE, NULL, &seq) || !expect_comma (&s, le))
        why = "bad seq";
      else if (s >= le || (*s != 'A' && *s != 'M' && *s != 'C'))
        why = "kind must be A, M or C";
      else
        {
          op.kind = *s++;
          if (!expect_comma (&s, le) || !parse_field (&s, le, TRUE, &id_empty, &id)
              || !expect_comma (&s, le))
            why = "bad id";
          else
            {
              if (s < le && (*s == 'B' || *s == 'S'))
                {
                  op.side = *s == 'B' ? AAT_SIDE_BUY : AAT_SIDE_SELL;
                  s++;
                  if (op.kind == 'C')
                    why = "a cancel has no side";
                }
              else if (op.kind != 'C')
                why = "side must be B or S";
              if (why == NULL
                  && (!expect_comma (&s, le) || !parse_field (&s, le, FALSE, NULL, &price)
                      || !expect_comma (&s, le) || !parse_field (&s, le, FALSE, NULL, &volume)
                      || !expect_comma (&s, le)
                      || !parse_field (&s, le, TRUE, &target_empty, &target) || s != le))
                why = "expected seq,kind,id,side,price_ticks,volume,target_id";
              else if (why == NULL && price > G_MAXINT64 / 2)
                why = "price out of range";
              else if (why == NULL && volume > G_MAXINT64 / 2)
                why = "volume out of range";
              else if (why == NULL && op.kind == 'C')
                {
                  if (target_empty || !id_empty)
                    why = "a cancel needs target_id and no id";
                  op.id = target;
                }
              else if (why == NULL)
                {
                  if (id_empty || !target_empty)
                    why = "an add needs an id and no target_id";
                  else if (op.kind == 'A' && price == 0)
                    why = "a limit add needs a price";
                  else if (volume == 0)
                    why = "volume must be positive";
                  op.id = id;
                  op.price = (gint64) price;
                  op.volume = (gint64) volume;
                }
            }
        }
      if (why != NULL)
        {
          fprintf (stderr, "%s:%u: %s\n", path, line, why);
          goto fail;
        }
      g_array_append_val (ops, op);
    }
  if (line == 0)
    {
      fprintf (stderr, "%s:1: empty file\n", path);
      goto fail;
    }
  g_free (text);
  return ops;

fail:
  g_free (text);
  g_array_unref (ops);
  return NULL;
}

static inline AatRejectReason
apply (AatOrderBook *book, const Op *op)
{
  AatBookOrder o;

  if (op->kind == 'C')
    return aat_order_book_cancel (book, op->id);
  memset (&o, 0, sizeof o);
  o.id = op->id;
  o.side = op->side;
  o.type = op->kind == 'A' ? AAT_ORDER_TYPE_LIMIT : AAT_ORDER_TYPE_MARKET;
  o.price = op->price;
  o.volume = op->volume;
  return aat_order_book_add_raw (book, &o);
}

static guint
replay (AatOrderBook *book, const Op *ops, guint n)
{
  guint i, rejects = 0;

  for (i = 0; i < n; i++)
    rejects += apply (book, &ops[i]) != AAT_REJECT_REASON_NONE;
  return rejects;
}

/* The generator's final-state line. */
static char *
final_state (AatOrderBook *book)
{
  GString *text = g_string_new ("B:");
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  gint64 bp = 0, bv = 0, ap = 0, av = 0;
  gboolean have_bid, have_ask;
  char *bid, *ask, *line;
  int s;

  for (s = 0; s < 2; s++)
    {
      AatSide side = s == 0 ? AAT_SIDE_BUY : AAT_SIDE_SELL;
      gint64 price, volume;
      guint count, n;

      if (s == 1)
        g_string_append (text, "|S:");
      for (n = 0; aat_order_book_level_raw (book, side, n, &price, &volume, &count); n++)
        g_string_append_printf (text, "%s%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%u",
                                n ? ";" : "", price, volume, count);
    }
  g_checksum_update (sum, (const guchar *) text->str, (gssize) text->len);
  have_bid = aat_order_book_best_raw (book, AAT_SIDE_BUY, &bp, &bv, NULL);
  have_ask = aat_order_book_best_raw (book, AAT_SIDE_SELL, &ap, &av, NULL);
  bid = have_bid ? g_strdup_printf ("%" G_GINT64_FORMAT "@%" G_GINT64_FORMAT, bp, bv) : g_strdup ("none");
  ask = have_ask ? g_strdup_printf ("%" G_GINT64_FORMAT "@%" G_GINT64_FORMAT, ap, av) : g_strdup ("none");
  line = g_strdup_printf ("resting_orders=%u resting_volume=%" G_GINT64_FORMAT
                          " traded_volume=%" G_GINT64_FORMAT " trades=%" G_GUINT64_FORMAT
                          " bid=%s ask=%s book_sha256=%s",
                          aat_order_book_get_order_count (book),
                          aat_order_book_get_resting_volume (book),
                          aat_order_book_get_traded_volume (book),
                          aat_order_book_get_trade_count (book),
                          bid, ask, g_checksum_get_string (sum));
  g_free (bid);
  g_free (ask);
  g_checksum_free (sum);
  g_string_free (text, TRUE);
  return line;
}

/* A cycle counter for the latency pass, and its rate in ns per tick. */
static inline guint64
ticks_now (void)
{
#if defined(__x86_64__)
  return __rdtsc ();
#else
  return (guint64) bench_now_ns ();
#endif
}

static double
ns_per_tick (void)
{
#if defined(__x86_64__)
  gint64 t0 = bench_now_ns ();
  guint64 c0 = ticks_now ();
  gint64 t1;
  guint64 c1;

  do
    t1 = bench_now_ns ();
  while (t1 - t0 < 50000000);
  c1 = ticks_now ();
  return (double) (t1 - t0) / (double) (c1 - c0);
#else
  return 1.0;
#endif
}

/* CPU time of this thread: unlike the wall clock, it does not count time the scheduler
 * gave to other processes, which matters on a shared machine. */
static gint64
thread_cpu_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Bytes in use by malloc, for a cross-check of the book's own accounting. */
static gint64
heap_in_use (void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 mi = mallinfo2 ();
  return (gint64) mi.uordblks;
#else
  return -1;
#endif
}

static int
cmp_u64 (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;
  return x < y ? -1 : x > y;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
bench_order_book (int argc, char **argv)
{
  const char *path = NULL;
  int runs = 11;
  int i;
  GArray *ops;
  const Op *op;
  guint n, k, rejects, peak_orders = 0;
  gsize peak_bytes = 0;
  gint64 heap0, peak_heap = 0;
  AatOrderBook *book;
  Counts counts = { 0 };
  char *state;
  double *rate, *cpu_rate;
  guint64 *lat, overhead = G_MAXUINT64;
  double tick_ns;

  for (i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--runs") == 0 && i + 1 < argc)
        runs = atoi (argv[++i]);
      else if (path == NULL && argv[i][0] != '-')
        path = argv[i];
      else
        path = NULL, i = argc;
    }
  if (path == NULL || runs < 1)
    {
      fprintf (stderr, "usage: aat-bench order-book FILE.csv [--runs N]\n");
      return 2;
    }

  ops = load_ops (path);
  if (ops == NULL)
    return 1;
  op = (const Op *) (gpointer) ops->data;
  n = ops->len;

  /* Checking pass: events counted, memory at the peak of resting orders. */
  /* the first book registers the GType and its class: keep that out of the count */
  g_object_unref (aat_order_book_new (NULL));
  heap0 = heap_in_use ();
  book = aat_order_book_new (NULL);
  aat_order_book_set_event_func (book, count_event, &counts, NULL);
  rejects = 0;
  for (k = 0; k < n; k++)
    {
      rejects += apply (book, &op[k]) != AAT_REJECT_REASON_NONE;
      if (aat_order_book_get_order_count (book) > peak_orders)
        {
          peak_orders = aat_order_book_get_order_count (book);
          peak_bytes = aat_order_book_get_memory_size (book);
          peak_heap = heap_in_use () - heap0;
        }
    }
  state = final_state (book);
  printf ("%s\n", state);
  if (rejects > 0 || counts.trades != aat_order_book_get_trade_count (book)
      || counts.traded != aat_order_book_get_traded_volume (book))
    {
      fprintf (stderr, "%s: %u operations rejected; %" G_GUINT64_FORMAT " TRADE events for %"
               G_GINT64_FORMAT " lots, book counters %" G_GUINT64_FORMAT " / %" G_GINT64_FORMAT "\n",
               path, rejects, counts.trades, counts.traded,
               aat_order_book_get_trade_count (book), aat_order_book_get_traded_volume (book));
      return 1;
    }
  printf ("ops=%u events=%" G_GUINT64_FORMAT " (%.2f per op)\n", n, counts.events,
          (double) counts.events / n);
  printf ("memory: %" G_GSIZE_FORMAT " bytes at the peak of %u resting orders = %.1f bytes/order;"
          " at the end %" G_GSIZE_FORMAT " bytes for %u orders\n",
          peak_bytes, peak_orders, peak_orders ? (double) peak_bytes / peak_orders : 0.0,
          aat_order_book_get_memory_size (book), aat_order_book_get_order_count (book));
  if (heap0 >= 0)
    printf ("memory (malloc's count, book object included): %" G_GINT64_FORMAT " bytes at the"
            " peak = %.1f bytes/order\n", peak_heap, peak_orders ? (double) peak_heap / peak_orders : 0.0);
  g_object_unref (book);

  /* Timed runs: only the replay loop is timed. */
  rate = g_new (double, runs);
  cpu_rate = g_new (double, runs);
  for (i = 0; i < runs; i++)
    {
      gint64 t0, t1, c0, c1;
      char *again;

      book = aat_order_book_new (NULL);
      aat_order_book_set_event_func (book, noop_event, NULL, NULL);
      c0 = thread_cpu_ns ();
      t0 = bench_now_ns ();
      rejects = replay (book, op, n);
      t1 = bench_now_ns ();
      c1 = thread_cpu_ns ();
      rate[i] = n / ((double) (t1 - t0) * 1e-9);
      cpu_rate[i] = n / ((double) MAX (c1 - c0, 1) * 1e-9);
      again = final_state (book);
      if (rejects > 0 || strcmp (again, state) != 0)
        {
          fprintf (stderr, "run %d ended in another state: %s\n", i, again);
          return 1;
        }
      g_free (again);
      g_object_unref (book);
    }
  qsort (rate, (gsize) runs, sizeof *rate, cmp_double);
  qsort (cpu_rate, (gsize) runs, sizeof *cpu_rate, cmp_double);
  printf ("throughput: %d replays on fresh books, wall clock: median %.2f Mops/s, best %.2f Mops/s"
          " (%.1f ns/op median); thread CPU time: median %.2f Mops/s\n", runs,
          rate[runs / 2] / 1e6, rate[runs - 1] / 1e6, 1e9 / rate[runs / 2], cpu_rate[runs / 2] / 1e6);

  /* Latency pass: every operation timed on its own. */
  tick_ns = ns_per_tick ();
  for (k = 0; k < 1000; k++)
    {
      guint64 a = ticks_now (), b = ticks_now ();
      overhead = MIN (overhead, b - a);
    }
  lat = g_new (guint64, n);
  book = aat_order_book_new (NULL);
  aat_order_book_set_event_func (book, noop_event, NULL, NULL);
  for (k = 0; k < n; k++)
    {
      guint64 a = ticks_now ();
      apply (book, &op[k]);
      lat[k] = ticks_now () - a;
    }
  g_object_unref (book);
  qsort (lat, n, sizeof *lat, cmp_u64);
  printf ("latency: every op timed in a separate pass: p50=%.0f ns p99=%.0f ns p99.9=%.0f ns"
          " max=%.0f ns (timer overhead %.0f ns included)\n",
          lat[n / 2] * tick_ns, lat[(gsize) n * 99 / 100] * tick_ns,
          lat[(gsize) n * 999 / 1000] * tick_ns, lat[n - 1] * tick_ns, overhead * tick_ns);
  printf ("RESULT ops_per_s=%.0f\n", rate[runs / 2]);

  g_free (lat);
  g_free (rate);
  g_free (cpu_rate);
  g_free (state);
  g_array_unref (ops);
  return 0;
}
