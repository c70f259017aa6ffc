/* aat-progress.c: how far a backtest has got, shown on a terminal.
 *
 * A timeout on the engine's main context samples the engine between two dispatch
 * batches (the engine dispatches from an idle source, so the timeout, at a higher
 * priority, runs as soon as it is due): the event count, the engine time, and each
 * pull exchange's share of its data done. The share comes, in order of preference,
 * from:
 *
 *   1. the exchange's own double property `progress` (0..1), if it has one;
 *   2. its `generated` and `events` properties (the synthetic exchange);
 *   3. time: the engine time between the first event's and the end of the data,
 *      which is the engine's `end-time`, or the exchange's `end` property (the csv
 *      exchange's date), with the exchange's `start` as the first time when it has one.
 *
 * The exchanges' shares are averaged. Nothing is written when stderr is not a
 * terminal (unless forced), so logs and pipes stay clean.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aat.h"

struct _AatProgress
{
  GObject parent_instance;

  AatEngine *engine;
  GSource *source;
  gboolean shown;

  gint64 wall_start;            /* monotonic µs of the first sample */
  AatTime first_time;           /* the engine's first event time */
  guint64 last_events;
  gint64 last_wall;
  double rate;                  /* events a second over the last interval */
  double fraction;              /* -1 when unknown */
};

G_DEFINE_FINAL_TYPE (AatProgress, aat_progress, G_TYPE_OBJECT)

static void
aat_progress_dispose (GObject *object)
{
  AatProgress *self = AAT_PROGRESS (object);

  aat_progress_stop (self);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (aat_progress_parent_class)->dispose (object);
}

static void
aat_progress_class_init (AatProgressClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = aat_progress_dispose;
}

static void
aat_progress_init (AatProgress *self)
{
  self->fraction = -1.0;
}

/**
 * aat_progress_new:
 * @engine: the engine to watch
 *
 * Creates a progress monitor for a run of @engine. Sample it with
 * aat_progress_update(), or let aat_progress_start() do it periodically and draw it.
 *
 * Returns: (transfer full): a new progress monitor
 */
AatProgress *
aat_progress_new (AatEngine *engine)
{
  AatProgress *self;

  g_return_val_if_fail (AAT_IS_ENGINE (engine), NULL);
  self = g_object_new (AAT_TYPE_PROGRESS, NULL);
  self->engine = g_object_ref (engine);
  return self;
}

static gboolean
read_double (GObject *obj, const char *name, double *out)
{
  GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (obj), name);

  if (p == NULL || !(p->flags & G_PARAM_READABLE) || p->value_type != G_TYPE_DOUBLE)
    return FALSE;
  g_object_get (obj, name, out, NULL);
  return TRUE;
}

static gboolean
read_uint64 (GObject *obj, const char *name, guint64 *out)
{
  GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (obj), name);

  if (p == NULL || !(p->flags & G_PARAM_READABLE) || p->value_type != G_TYPE_UINT64)
    return FALSE;
  g_object_get (obj, name, out, NULL);
  return TRUE;
}

/* A time from a string property: ISO 8601, or YYYY-MM-DD for midnight UTC (the next
 * midnight for an end date, which includes its whole day). */
static AatTime
read_time (GObject *obj, const char *name, gboolean end_of_day)
{
  GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (obj), name);
  g_autofree char *text = NULL;
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GTimeZone) utc = NULL;

  if (p == NULL || !(p->flags & G_PARAM_READABLE))
    return 0;
  if (p->value_type == G_TYPE_INT64)
    {
      gint64 v = 0;
      g_object_get (obj, name, &v, NULL);
      return v;
    }
  if (p->value_type != G_TYPE_STRING)
    return 0;
  g_object_get (obj, name, &text, NULL);
  if (text == NULL || *text == '\0')
    return 0;
  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL && strlen (text) == 10)
    {
      g_autofree char *full = g_strdup_printf ("%sT00:00:00Z", text);
      dt = g_date_time_new_from_iso8601 (full, utc);
      if (dt != NULL && end_of_day)
        {
          GDateTime *next = g_date_time_add_days (dt, 1);
          g_date_time_unref (dt);
          dt = next;
        }
    }
  return dt ? aat_time_from_date_time (dt) : 0;
}

/**
 * aat_progress_estimate_exchange:
 * @exchange: a pull exchange
 * @first_time: the first engine time of the run, or 0 if not known
 * @now: the engine time
 *
 * Estimates the share of its data an exchange has handed out: from its `progress`
 * property, its `generated` and `events` properties, or the engine time between the
 * start and the end of its data (its engine's `end-time`, or its `end` property).
 *
 * Returns: the share done, 0 to 1, or -1 when it cannot be told
 */
double
aat_progress_estimate_exchange (AatExchange *exchange, AatTime first_time, AatTime now)
{
  GObject *obj;
  AatEngine *engine;
  double d;
  guint64 done, total;
  AatTime start, end = 0;

  g_return_val_if_fail (AAT_IS_EXCHANGE (exchange), -1.0);
  obj = G_OBJECT (exchange);
  if (read_double (obj, "progress", &d))
    return CLAMP (d, 0.0, 1.0);
  if (read_uint64 (obj, "generated", &done) && read_uint64 (obj, "events", &total) && total > 0)
    return CLAMP ((double) done / (double) total, 0.0, 1.0);

  engine = aat_exchange_get_engine (exchange);
  if (engine != NULL)
    g_object_get (engine, "end-time", &end, NULL);
  if (end == 0)
    end = read_time (obj, "end", TRUE);
  start = read_time (obj, "start", FALSE);
  if (start == 0 || (first_time != 0 && first_time > start))
    start = first_time;
  if (end == 0 || start == 0 || end <= start || now == 0)
    return -1.0;
  return CLAMP ((double) (now - start) / (double) (end - start), 0.0, 1.0);
}

/**
 * aat_progress_update:
 * @self: a progress monitor
 *
 * Samples the engine: its event rate since the last sample and the share of the data
 * done.
 */
void
aat_progress_update (AatProgress *self)
{
  GPtrArray *exchanges;
  guint64 events;
  gint64 wall = g_get_monotonic_time ();
  AatTime now;
  double sum = 0.0;
  guint known = 0;

  g_return_if_fail (AAT_IS_PROGRESS (self));
  events = aat_engine_get_event_count (self->engine);
  now = aat_engine_now (self->engine);
  if (self->wall_start == 0)
    {
      self->wall_start = wall;
      self->last_wall = wall;
    }
  if (self->first_time == 0)
    self->first_time = aat_engine_get_first_event_time (self->engine);
  if (wall > self->last_wall)
    self->rate = (double) (events - self->last_events) * G_USEC_PER_SEC / (double) (wall - self->last_wall);
  self->last_events = events;
  self->last_wall = wall;

  exchanges = aat_engine_get_exchanges (self->engine);
  for (guint i = 0; exchanges != NULL && i < exchanges->len; i++)
    {
      AatExchange *ex = exchanges->pdata[i];
      double f;

      if (!aat_exchange_is_pull (ex))
        continue;
      f = aat_progress_estimate_exchange (ex, self->first_time, now);
      if (f >= 0.0)
        {
          sum += f;
          known++;
        }
    }
  self->fraction = known ? sum / known : -1.0;
}

/**
 * aat_progress_get_fraction:
 * @self: a progress monitor
 *
 * Returns: the share of the data done at the last sample, 0 to 1, or -1 if unknown
 */
double
aat_progress_get_fraction (AatProgress *self)
{
  g_return_val_if_fail (AAT_IS_PROGRESS (self), -1.0);
  return self->fraction;
}

/**
 * aat_progress_get_rate:
 * @self: a progress monitor
 *
 * Returns: events a second between the last two samples
 */
double
aat_progress_get_rate (AatProgress *self)
{
  g_return_val_if_fail (AAT_IS_PROGRESS (self), 0.0);
  return self->rate;
}

static void
append_count (GString *out, double v)
{
  if (v >= 1e9)
    g_string_append_printf (out, "%.2fG", v / 1e9);
  else if (v >= 1e6)
    g_string_append_printf (out, "%.2fM", v / 1e6);
  else if (v >= 1e4)
    g_string_append_printf (out, "%.1fk", v / 1e3);
  else
    g_string_append_printf (out, "%.0f", v);
}

static void
append_clock (GString *out, double seconds)
{
  guint64 s = (guint64) MAX (0.0, seconds + 0.5);

  if (s >= 3600)
    g_string_append_printf (out, "%" G_GUINT64_FORMAT ":%02u:%02u", s / 3600,
                            (guint) (s / 60 % 60), (guint) (s % 60));
  else
    g_string_append_printf (out, "%u:%02u", (guint) (s / 60), (guint) (s % 60));
}

/**
 * aat_progress_format:
 * @self: a progress monitor
 *
 * Formats the last sample as one line: the share done, the events and their rate, the
 * engine time, the time spent and the time left.
 *
 * Returns: (transfer full): the line, without a newline
 */
char *
aat_progress_format (AatProgress *self)
{
  GString *out;
  double elapsed;
  AatTime now;

  g_return_val_if_fail (AAT_IS_PROGRESS (self), NULL);
  out = g_string_new (NULL);
  elapsed = self->wall_start ? (double) (g_get_monotonic_time () - self->wall_start) / G_USEC_PER_SEC : 0.0;
  now = aat_engine_now (self->engine);

  if (self->fraction >= 0.0)
    g_string_append_printf (out, "%5.1f%% ", self->fraction * 100.0);
  append_count (out, (double) aat_engine_get_event_count (self->engine));
  g_string_append (out, " events, ");
  append_count (out, self->rate);
  g_string_append (out, "/s");
  if (now != 0)
    {
      g_autoptr (GDateTime) dt = aat_time_to_date_time (now);
      g_autofree char *t = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : NULL;

      if (t)
        g_string_append_printf (out, ", at %s", t);
    }
  g_string_append (out, ", elapsed ");
  append_clock (out, elapsed);
  if (self->fraction > 0.0 && self->fraction < 1.0)
    {
      g_string_append (out, ", left ");
      append_clock (out, elapsed * (1.0 - self->fraction) / self->fraction);
    }
  return g_string_free (out, FALSE);
}

static gboolean
on_tick (gpointer data)
{
  AatProgress *self = data;
  g_autofree char *line = NULL;

  aat_progress_update (self);
  line = aat_progress_format (self);
  /* \r and erase-to-end-of-line: one line redrawn in place */
  fprintf (stderr, "\r%s\033[K", line);
  fflush (stderr);
  self->shown = TRUE;
  return G_SOURCE_CONTINUE;
}

/**
 * aat_progress_start:
 * @self: a progress monitor
 * @context: (nullable): the engine's main context, or %NULL for the thread-default one
 * @interval_ms: how often to redraw, in milliseconds (0 for once a second)
 * @force: draw even when stderr is not a terminal
 *
 * Draws the progress line on stderr periodically while the engine runs on @context.
 * Without @force, nothing happens when stderr is not a terminal.
 *
 * Returns: whether the progress is shown
 */
gboolean
aat_progress_start (AatProgress *self, GMainContext *context, guint interval_ms, gboolean force)
{
  g_return_val_if_fail (AAT_IS_PROGRESS (self), FALSE);
  if (self->source != NULL)
    return TRUE;
  if (!force && !isatty (STDERR_FILENO))
    return FALSE;
  aat_progress_update (self);
  self->source = g_timeout_source_new (interval_ms ? interval_ms : 1000);
  g_source_set_name (self->source, "aat-progress");
  g_source_set_callback (self->source, on_tick, self, NULL);
  g_source_attach (self->source, context ? context : g_main_context_get_thread_default ());
  return TRUE;
}

/**
 * aat_progress_stop:
 * @self: a progress monitor
 *
 * Stops drawing, and erases the progress line.
 */
void
aat_progress_stop (AatProgress *self)
{
  g_return_if_fail (AAT_IS_PROGRESS (self));
  if (self->source == NULL)
    return;
  g_source_destroy (self->source);
  g_clear_pointer (&self->source, g_source_unref);
  if (self->shown)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
    }
  self->shown = FALSE;
}
