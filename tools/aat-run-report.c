/* aat-run-report.c: what aat-run does around a run for issue 7.
 *
 *   --set GROUP.KEY=VALUE   a keyfile value over the config's (`strategy sma.period=20`,
 *                           `general.cash=50000`); applied to the file's text before it
 *                           is loaded, so errors name the file, group and key as usual
 *   --report DIR            after the run: report.json, summary.txt, report.html and the
 *                           equity/positions/trades plots as PNG and SVG (AatReport)
 *   --json FILE             the report as JSON into FILE ('-': stdout)
 *   --risk-free-rate R      for Sharpe and Sortino (default 0)
 *   --progress/--no-progress  the progress line on stderr (default: when it is a tty)
 *   --sweep GROUP.KEY=START:STOP:STEP (or =A,B,C), repeatable, with --jobs N and
 *                           --sort METRIC: one worker process per parameter set (this
 *                           same program, re-invoked with the same arguments plus --set
 *                           and --stats-json FILE), then a table sorted by METRIC,
 *                           saved as sweep.csv and sweep.json in --report DIR or the
 *                           current directory.
 *
 * A sweep row is the statistics JSON the worker wrote, so it is the single run's own
 * numbers: `aat-run ... --set K=V --json F` gives the same statistics.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "aat-run-report.h"

static char *opt_report;
static char *opt_json;
static char *opt_stats_json;
static char **opt_set;
static char **opt_sweep;
static int opt_jobs;
static char *opt_sort;
static double opt_risk_free;
static gboolean opt_progress, opt_no_progress;

static char **original_argv;
static AatProgress *progress;

/* Options that belong to the sweep driver and are not passed on to its workers; the
 * second member says whether the option takes a value. */
static const struct {
  const char *name;
  gboolean value;
} driver_options[] = {
  { "--sweep", TRUE }, { "--jobs", TRUE }, { "--sort", TRUE }, { "--report", TRUE },
  { "--json", TRUE }, { "--stats-json", TRUE }, { "--progress", FALSE },
};

static const GOptionEntry entries[] = {
  { "report", 0, 0, G_OPTION_ARG_FILENAME, &opt_report,
    "Write the report (JSON, plots, HTML) into DIR; with --sweep, the sweep table", "DIR" },
  { "json", 0, 0, G_OPTION_ARG_FILENAME, &opt_json,
    "Write the report as JSON into FILE ('-' for stdout)", "FILE" },
  { "stats-json", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &opt_stats_json,
    "Write the statistics as JSON into FILE (sweep workers)", "FILE" },
  { "risk-free-rate", 0, 0, G_OPTION_ARG_DOUBLE, &opt_risk_free,
    "Annual risk-free rate for Sharpe and Sortino, such as 0.02 (default 0)", "RATE" },
  { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_set,
    "Set a config value, as in 'strategy sma.period=20' (repeatable)", "GROUP.KEY=VALUE" },
  { "sweep", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_sweep,
    "Run once per value: START:STOP:STEP or A,B,C (repeatable: every combination)",
    "GROUP.KEY=RANGE" },
  { "jobs", 0, 0, G_OPTION_ARG_INT, &opt_jobs,
    "Sweep runs at once (default: the number of processors)", "N" },
  { "sort", 0, 0, G_OPTION_ARG_STRING, &opt_sort,
    "Sort the sweep table by METRIC (default sharpe; '+METRIC' ascending, '-METRIC' "
    "descending)", "METRIC" },
  { "progress", 0, 0, G_OPTION_ARG_NONE, &opt_progress,
    "Show the progress line even when stderr is not a terminal", NULL },
  { "no-progress", 0, 0, G_OPTION_ARG_NONE, &opt_no_progress,
    "Never show the progress line", NULL },
  { NULL }
};

/**
 * aat_run_report_add_options:
 * @context: aat-run's option context
 * @argc: main's argc, before parsing
 * @argv: main's argv, before parsing (kept, to re-invoke the program for sweeps)
 *
 * Adds the options of reports, overrides, sweeps and progress to the main group.
 */
void
aat_run_report_add_options (GOptionContext *context, int argc, char **argv)
{
  int i;

  original_argv = g_new0 (char *, argc + 1);
  for (i = 0; i < argc; i++)
    original_argv[i] = g_strdup (argv[i]);
  g_option_context_add_main_entries (context, entries, NULL);
}

/* ---------------------------------------------------------------- --set */

/* GROUP.KEY=VALUE: GROUP may contain dots (plugin references may), KEY does not. */
static gboolean
parse_assignment (const char *text, const char *option, char **group, char **key,
                  char **value, GError **error)
{
  const char *eq = strchr (text, '=');
  const char *dot;
  g_autofree char *lhs = NULL;

  if (eq != NULL)
    {
      lhs = g_strndup (text, eq - text);
      dot = strrchr (lhs, '.');
    }
  if (eq == NULL || dot == NULL || dot == lhs || dot[1] == '\0')
    {
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_SPEC,
                   "%s %s: expected GROUP.KEY=VALUE, such as 'strategy sma.period=20' or "
                   "'general.cash=50000'", option, text);
      return FALSE;
    }
  *group = g_strstrip (g_strndup (lhs, dot - lhs));
  *key = g_strstrip (g_strdup (dot + 1));
  *value = g_strstrip (g_strdup (eq + 1));
  return TRUE;
}

/* Loads PATH (or nothing) with each GROUP.KEY=VALUE of SETS set over it. */
static gboolean
load_with_sets (AatRunConfig *config, const char *path, char **sets, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *contents = NULL, *data = NULL;
  gsize length = 0;

  if (sets == NULL || sets[0] == NULL)
    return path == NULL || aat_run_config_load_file (config, path, error);

  if (path != NULL)
    {
      /* on a missing or malformed file, the config's own error */
      if (!g_file_get_contents (path, &contents, &length, NULL) ||
          !g_key_file_load_from_data (kf, contents, length,
                                      G_KEY_FILE_KEEP_COMMENTS, NULL))
        return aat_run_config_load_file (config, path, error);
    }
  for (guint i = 0; sets[i]; i++)
    {
      g_autofree char *group = NULL, *key = NULL, *value = NULL;

      if (!parse_assignment (sets[i], "--set", &group, &key, &value, error))
        return FALSE;
      g_key_file_set_string (kf, group, key, value);
    }
  data = g_key_file_to_data (kf, &length, NULL);
  return aat_run_config_load_data (config, data, length, path ? path : "--set", error);
}

/**
 * aat_run_report_load_config:
 * @config: a new configuration
 * @path: (nullable): the --config file
 * @error: return location for an error
 *
 * Loads @path with the --set values over it.
 *
 * Returns: %TRUE on success
 */
gboolean
aat_run_report_load_config (AatRunConfig *config, const char *path, GError **error)
{
  return load_with_sets (config, path, opt_set, error);
}

/* ---------------------------------------------------------------- after the run */

static void
on_finished (AatEngine *engine, gpointer user_data)
{
  if (progress != NULL)
    aat_progress_stop (progress);
}

/**
 * aat_run_report_before_run:
 * @engine: the engine about to run
 *
 * Starts the progress line (when stderr is a terminal, or with --progress).
 */
void
aat_run_report_before_run (AatEngine *engine)
{
  if (opt_no_progress)
    return;
  progress = aat_progress_new (engine);
  aat_progress_start (progress, NULL, 1000, opt_progress);
  g_signal_connect (engine, "finished", G_CALLBACK (on_finished), NULL);
}

static gboolean
write_or_print (const char *path, const char *text, GError **error)
{
  if (strcmp (path, "-") == 0)
    {
      fputs (text, stdout);
      fputc ('\n', stdout);
      fflush (stdout);
      return TRUE;
    }
  return g_file_set_contents (path, text, -1, error);
}

/**
 * aat_run_report_after_run:
 * @engine: the engine whose run ended
 * @config: its configuration
 *
 * Prints the statistics, and writes --report DIR, --json FILE and --stats-json FILE.
 *
 * Returns: %FALSE if a file could not be written (the message is printed)
 */
gboolean
aat_run_report_after_run (AatEngine *engine, AatRunConfig *config)
{
  g_autoptr (AatReport) report = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *summary = NULL;
  const char *path = aat_run_config_get_path (config);

  if (progress != NULL)
    {
      aat_progress_stop (progress);
      g_clear_object (&progress);
    }
  report = aat_report_new_for_engine (engine, NULL);
  if (path != NULL)
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *title = g_strdup_printf ("aat-run %s", base);
      aat_report_set_title (report, title);
    }
  aat_report_set_risk_free_rate (report, opt_risk_free);

  summary = aat_report_format_summary (report);
  /* with --json -, stdout carries the JSON alone */
  if (opt_json == NULL || strcmp (opt_json, "-") != 0)
    g_print ("\n%s", summary);

  if (opt_report != NULL)
    {
      if (!aat_report_write (report, opt_report, &error))
        {
          g_printerr ("aat-run: --report %s: %s\n", opt_report, error->message);
          return FALSE;
        }
      g_print ("\nReport written to %s/ (report.html, report.json, summary.txt, "
               "equity/positions/trades .png and .svg)\n", opt_report);
    }
  if (opt_json != NULL)
    {
      g_autofree char *json = aat_report_to_json (report);

      if (!write_or_print (opt_json, json, &error))
        {
          g_printerr ("aat-run: --json %s: %s\n", opt_json, error->message);
          return FALSE;
        }
    }
  if (opt_stats_json != NULL)
    {
      g_autofree char *json = aat_report_statistics_to_json (report);

      if (!write_or_print (opt_stats_json, json, &error))
        {
          g_printerr ("aat-run: --stats-json %s: %s\n", opt_stats_json, error->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---------------------------------------------------------------- sweeps */

typedef struct {
  char *spec;           /* GROUP.KEY, as given */
  GPtrArray *values;    /* char* */
} SweepParam;

typedef struct {
  guint index;
  GPtrArray *sets;      /* char* GROUP.KEY=VALUE, one per parameter */
  char *stats_path;
  gboolean ok;
  int status;
  char *error;
  JsonObject *stats;
} SweepRun;

typedef struct {
  GPtrArray *runs;      /* SweepRun* */
  guint next, running, done, failed;
  guint jobs;
  char *exe;
  GPtrArray *base_args; /* the workers' arguments before the --set values */
  GMainLoop *loop;
  gboolean tty;
} Sweep;

static void
sweep_param_free (SweepParam *p)
{
  g_free (p->spec);
  g_ptr_array_unref (p->values);
  g_free (p);
}

static void
sweep_run_free (SweepRun *r)
{
  g_ptr_array_unref (r->sets);
  g_free (r->stats_path);
  g_free (r->error);
  g_clear_pointer (&r->stats, json_object_unref);
  g_free (r);
}

static gboolean
is_integer (const char *s)
{
  char *end;

  g_ascii_strtoll (s, &end, 10);
  return *s != '\0' && *end == '\0';
}

static gboolean
parse_number (const char *s, double *out)
{
  char *end;

  *out = g_ascii_strtod (s, &end);
  return *s != '\0' && *end == '\0' && isfinite (*out);
}

/* GROUP.KEY=START:STOP:STEP, or GROUP.KEY=A,B,C. */
static SweepParam *
parse_sweep (const char *text, GError **error)
{
  g_autofree char *group = NULL, *key = NULL, *value = NULL;
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  SweepParam *p;

  if (!parse_assignment (text, "--sweep", &group, &key, &value, error))
    return NULL;
  if (strchr (value, ':') != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (value, ":", -1);
      double start, stop, step;
      gboolean ints;
      gint64 n;

      if (g_strv_length (parts) != 3 || !parse_number (g_strstrip (parts[0]), &start) ||
          !parse_number (g_strstrip (parts[1]), &stop) || !parse_number (g_strstrip (parts[2]), &step))
        {
          g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_SPEC,
                       "--sweep %s: expected START:STOP:STEP numbers, such as 5:20:5", text);
          return NULL;
        }
      if (step == 0.0 || (stop - start) / step < 0.0)
        {
          g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_SPEC,
                       "--sweep %s: STEP must be non-zero and go from START towards STOP", text);
          return NULL;
        }
      n = (gint64) floor ((stop - start) / step + 1e-9) + 1;
      if (n > 100000)
        {
          g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_SPEC,
                       "--sweep %s: %" G_GINT64_FORMAT " values; at most 100000", text, n);
          return NULL;
        }
      ints = is_integer (parts[0]) && is_integer (parts[2]);
      for (gint64 i = 0; i < n; i++)
        {
          /* computed from the index, not accumulated, so 0.1 steps stay exact to print */
          double v = start + (double) i * step;
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          if (ints)
            g_ptr_array_add (values, g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) llround (v)));
          else
            g_ptr_array_add (values, g_strdup (g_ascii_formatd (buf, sizeof buf, "%.12g", v)));
        }
    }
  else
    {
      g_auto (GStrv) parts = g_strsplit (value, ",", -1);

      for (guint i = 0; parts[i]; i++)
        if (*g_strstrip (parts[i]) != '\0')
          g_ptr_array_add (values, g_strdup (parts[i]));
      if (values->len == 0)
        {
          g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_SPEC,
                       "--sweep %s: no values; expected START:STOP:STEP or A,B,C", text);
          return NULL;
        }
    }
  p = g_new0 (SweepParam, 1);
  p->spec = g_strdup_printf ("%s.%s", group, key);
  p->values = g_steal_pointer (&values);
  return p;
}

/* The parameter's group must be [general] or a plugin the run uses. */
static gboolean
check_group (AatRunConfig *config, const char *spec, GError **error)
{
  g_autofree char *group = g_strndup (spec, strrchr (spec, '.') - spec);
  const char *space = strchr (group, ' ');
  g_autofree char *word = space ? g_strndup (group, space - group) : g_strdup (group);
  AatPluginKind kind;
  g_auto (GStrv) refs = NULL;

  if (strcmp (group, "general") == 0)
    return TRUE;
  if (space == NULL || !aat_plugin_kind_from_string (word, &kind))
    {
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_GROUP,
                   "--sweep %s: the group must be 'general' or 'KIND NAME', such as "
                   "'strategy golden-death'", spec);
      return FALSE;
    }
  refs = aat_run_config_get_plugins (config, kind);
  if (!g_strv_contains ((const char * const *) refs, space + 1))
    {
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_UNKNOWN_PLUGIN,
                   "--sweep %s: the run has no %s '%s'", spec, word, space + 1);
      return FALSE;
    }
  return TRUE;
}

static void launch_next (Sweep *sw);

static void
print_sweep_progress (Sweep *sw)
{
  if (!sw->tty)
    return;
  fprintf (stderr, "\rsweep: %u/%u runs done, %u running, %u failed\033[K", sw->done,
           sw->runs->len, sw->running, sw->failed);
  fflush (stderr);
}

static char *
last_line (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text ? text : ""));
  const char *nl = strrchr (copy, '\n');

  return g_strdup (nl ? nl + 1 : copy);
}

typedef struct {
  Sweep *sweep;
  SweepRun *run;
} RunCtx;

static void
on_worker_done (GObject *source, GAsyncResult *result, gpointer data)
{
  RunCtx *ctx = data;
  GSubprocess *proc = G_SUBPROCESS (source);
  SweepRun *run = ctx->run;
  Sweep *sw = ctx->sweep;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;

  if (!g_subprocess_communicate_utf8_finish (proc, result, &out, &err, &error))
    run->error = g_strdup (error->message);
  else if (!g_subprocess_get_if_exited (proc))
    run->error = g_strdup_printf ("killed by signal %d", g_subprocess_get_term_sig (proc));
  else
    {
      run->status = g_subprocess_get_exit_status (proc);
      if (run->status != 0)
        {
          g_autofree char *line = last_line (err);
          run->error = g_strdup_printf ("exit status %d: %s", run->status, line);
        }
      else
        {
          g_autoptr (JsonParser) parser = json_parser_new ();

          if (!json_parser_load_from_file (parser, run->stats_path, &error) ||
              !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
            run->error = g_strdup_printf ("no statistics: %s",
                                          error ? error->message : "not a JSON object");
          else
            {
              run->stats = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
              run->ok = TRUE;
            }
        }
    }
  g_unlink (run->stats_path);
  if (!run->ok)
    {
      g_autofree char *params = g_strjoinv (", ", (char **) run->sets->pdata);
      sw->failed++;
      if (sw->tty)
        fputs ("\r\033[K", stderr);
      g_printerr ("aat-run: sweep run %u (%s) failed: %s\n", run->index + 1, params, run->error);
    }
  sw->running--;
  sw->done++;
  print_sweep_progress (sw);
  g_free (ctx);
  g_object_unref (proc);
  launch_next (sw);
  if (sw->done == sw->runs->len)
    g_main_loop_quit (sw->loop);
}

static void
launch_next (Sweep *sw)
{
  while (sw->running < sw->jobs && sw->next < sw->runs->len)
    {
      SweepRun *run = sw->runs->pdata[sw->next++];
      g_autoptr (GPtrArray) args = g_ptr_array_new ();
      g_autoptr (GError) error = NULL;
      GSubprocess *proc;
      RunCtx *ctx;

      g_ptr_array_add (args, sw->exe);
      for (guint i = 0; i < sw->base_args->len; i++)
        g_ptr_array_add (args, sw->base_args->pdata[i]);
      for (guint i = 0; i < run->sets->len; i++)
        {
          g_ptr_array_add (args, (gpointer) "--set");
          g_ptr_array_add (args, run->sets->pdata[i]);
        }
      g_ptr_array_add (args, (gpointer) "--no-progress");
      g_ptr_array_add (args, (gpointer) "--stats-json");
      g_ptr_array_add (args, run->stats_path);
      g_ptr_array_add (args, NULL);

      proc = g_subprocess_newv ((const char * const *) args->pdata,
                                G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                &error);
      sw->running++;
      if (proc == NULL)
        {
          run->error = g_strdup (error->message);
          sw->running--;
          sw->done++;
          sw->failed++;
          g_printerr ("aat-run: sweep run %u failed to start: %s\n", run->index + 1, run->error);
          continue;
        }
      ctx = g_new0 (RunCtx, 1);
      ctx->sweep = sw;
      ctx->run = run;
      g_subprocess_communicate_utf8_async (proc, NULL, NULL, on_worker_done, ctx);
    }
  print_sweep_progress (sw);
}

/* ---- the table */

static const char *sort_metric;
static int sort_sign;           /* +1 descending, -1 ascending */

static double
stat_of (const SweepRun *r, const char *name)
{
  JsonNode *n;

  if (!r->ok || !json_object_has_member (r->stats, name))
    return NAN;
  n = json_object_get_member (r->stats, name);
  if (JSON_NODE_HOLDS_NULL (n) || json_node_get_value_type (n) == G_TYPE_STRING)
    return NAN;
  return json_node_get_double (n);
}

/* Sorted by the metric (failed runs and undefined values last), ties by run order. */
static int
compare_runs (gconstpointer a, gconstpointer b)
{
  const SweepRun *x = *(SweepRun * const *) a, *y = *(SweepRun * const *) b;
  double vx = stat_of (x, sort_metric), vy = stat_of (y, sort_metric);
  gboolean nx = isnan (vx), ny = isnan (vy);

  if (nx != ny)
    return nx ? 1 : -1;
  if (!nx && vx != vy)
    return (vx < vy ? 1 : -1) * sort_sign;
  return x->index < y->index ? -1 : x->index > y->index;
}

static const char * const table_metrics[] = {
  "total_return", "cagr", "sharpe", "sortino", "max_drawdown", "n_round_trips",
  "win_rate", "profit_factor", "end_value",
};

static gboolean
is_percent (const char *m)
{
  return strcmp (m, "total_return") == 0 || strcmp (m, "cagr") == 0 ||
         strcmp (m, "max_drawdown") == 0 || strcmp (m, "win_rate") == 0 ||
         strcmp (m, "volatility") == 0 || strcmp (m, "exposure") == 0;
}

static char *
format_cell (const SweepRun *r, const char *m)
{
  double v = stat_of (r, m);

  if (!r->ok)
    return g_strdup ("-");
  if (isnan (v))
    return g_strdup ("n/a");
  if (is_percent (m))
    return g_strdup_printf ("%.2f%%", v * 100.0);
  if (g_str_has_prefix (m, "n_"))
    return g_strdup_printf ("%.0f", v);
  if (fabs (v) >= 1000.0)
    return g_strdup_printf ("%.2f", v);
  return g_strdup_printf ("%.3f", v);
}

static char *
param_value (const SweepRun *r, guint i)
{
  const char *eq = strchr (g_ptr_array_index (r->sets, i), '=');
  return g_strdup (eq ? eq + 1 : "");
}

static void
print_table (Sweep *sw, GPtrArray *params)
{
  GPtrArray *rows = sw->runs;
  guint ncols = params->len + 1 + G_N_ELEMENTS (table_metrics);
  g_autofree guint *width = g_new0 (guint, ncols);
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  guint i, c;

  /* the header row, then one row per run */
  for (c = 0; c < params->len; c++)
    g_ptr_array_add (cells, g_strdup (((SweepParam *) params->pdata[c])->spec));
  g_ptr_array_add (cells, g_strdup ("status"));
  for (c = 0; c < G_N_ELEMENTS (table_metrics); c++)
    g_ptr_array_add (cells, g_strdup (table_metrics[c]));
  for (i = 0; i < rows->len; i++)
    {
      SweepRun *r = rows->pdata[i];

      for (c = 0; c < params->len; c++)
        g_ptr_array_add (cells, param_value (r, c));
      g_ptr_array_add (cells, g_strdup (r->ok ? "ok" : "FAILED"));
      for (c = 0; c < G_N_ELEMENTS (table_metrics); c++)
        g_ptr_array_add (cells, format_cell (r, table_metrics[c]));
    }
  for (i = 0; i < cells->len; i++)
    width[i % ncols] = MAX (width[i % ncols], g_utf8_strlen (cells->pdata[i], -1));

  g_print ("\nSweep: %u runs, %u failed, sorted by %s (%s)\n\n", rows->len, sw->failed,
           sort_metric, sort_sign > 0 ? "descending" : "ascending");
  for (i = 0; i < cells->len; i++)
    {
      c = i % ncols;
      if (c < params->len)
        g_print ("%-*s  ", (int) width[c], (char *) cells->pdata[i]);
      else
        g_print ("%*s%s", (int) width[c], (char *) cells->pdata[i], c + 1 == ncols ? "\n" : "  ");
    }
}

static char *
csv_quote (const char *s)
{
  if (strpbrk (s, ",\"\n") == NULL)
    return g_strdup (s);
  {
    GString *q = g_string_new ("\"");
    for (; *s; s++)
      {
        if (*s == '"')
          g_string_append_c (q, '"');
        g_string_append_c (q, *s);
      }
    g_string_append_c (q, '"');
    return g_string_free (q, FALSE);
  }
}

static gboolean
save_table (Sweep *sw, GPtrArray *params, const char *dir, GError **error)
{
  const char * const *names = aat_report_statistics_list_names ();
  g_autoptr (GString) csv = g_string_new (NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *csv_path = g_build_filename (dir, "sweep.csv", NULL);
  g_autofree char *json_path = g_build_filename (dir, "sweep.json", NULL);
  guint i, c;

  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", dir,
                   g_strerror (errno));
      return FALSE;
    }

  /* CSV: the parameters, the status, every statistic (raw JSON numbers) */
  for (c = 0; c < params->len; c++)
    {
      g_autofree char *q = csv_quote (((SweepParam *) params->pdata[c])->spec);
      g_string_append_printf (csv, "%s,", q);
    }
  g_string_append (csv, "status,error");
  for (c = 0; names[c]; c++)
    g_string_append_printf (csv, ",%s", names[c]);
  g_string_append_c (csv, '\n');

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sort");
  json_builder_add_string_value (b, sort_metric);
  json_builder_set_member_name (b, "descending");
  json_builder_add_boolean_value (b, sort_sign > 0);
  json_builder_set_member_name (b, "parameters");
  json_builder_begin_array (b);
  for (c = 0; c < params->len; c++)
    json_builder_add_string_value (b, ((SweepParam *) params->pdata[c])->spec);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);

  for (i = 0; i < sw->runs->len; i++)
    {
      SweepRun *r = sw->runs->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "run");
      json_builder_add_int_value (b, r->index + 1);
      json_builder_set_member_name (b, "parameters");
      json_builder_begin_object (b);
      for (c = 0; c < params->len; c++)
        {
          g_autofree char *v = param_value (r, c);
          g_autofree char *q = csv_quote (v);

          json_builder_set_member_name (b, ((SweepParam *) params->pdata[c])->spec);
          json_builder_add_string_value (b, v);
          g_string_append_printf (csv, "%s,", q);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, r->ok ? "ok" : "failed");
      json_builder_set_member_name (b, "error");
      if (r->error)
        json_builder_add_string_value (b, r->error);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "statistics");
      if (r->ok)
        {
          JsonNode *n = json_node_new (JSON_NODE_OBJECT);
          json_node_set_object (n, r->stats);
          json_builder_add_value (b, n);
        }
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);

      {
        g_autofree char *q = csv_quote (r->error ? r->error : "");
        g_string_append_printf (csv, "%s,%s", r->ok ? "ok" : "failed", q);
      }
      for (c = 0; names[c]; c++)
        {
          JsonNode *n = r->ok && json_object_has_member (r->stats, names[c])
                          ? json_object_get_member (r->stats, names[c]) : NULL;

          g_string_append_c (csv, ',');
          if (n != NULL && !JSON_NODE_HOLDS_NULL (n))
            {
              g_autofree char *text = json_to_string (n, FALSE);
              g_autofree char *unq = (text[0] == '"') ? g_strndup (text + 1, strlen (text) - 2)
                                                      : g_strdup (text);
              g_string_append (csv, unq);
            }
        }
      g_string_append_c (csv, '\n');
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json = json_generator_to_data (gen, NULL);
  return g_file_set_contents (csv_path, csv->str, csv->len, error) &&
         g_file_set_contents (json_path, json, -1, error);
}

/* The program's own arguments without the driver's options. */
static GPtrArray *
worker_base_args (void)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 1; original_argv && original_argv[i]; i++)
    {
      const char *a = original_argv[i];
      gboolean skip = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (driver_options); k++)
        {
          gsize len = strlen (driver_options[k].name);

          if (strcmp (a, driver_options[k].name) == 0)
            {
              skip = TRUE;
              if (driver_options[k].value && original_argv[i + 1])
                i++;
            }
          else if (strncmp (a, driver_options[k].name, len) == 0 && a[len] == '=')
            skip = TRUE;
        }
      if (strcmp (a, "--") == 0)
        break;
      if (!skip)
        g_ptr_array_add (out, original_argv[i]);
    }
  return out;
}

/**
 * aat_run_report_is_sweep:
 *
 * Returns: whether --sweep was given
 */
gboolean
aat_run_report_is_sweep (void)
{
  return opt_sweep != NULL && opt_sweep[0] != NULL;
}

/**
 * aat_run_report_sweep:
 * @config: the loaded configuration (to check the parameters against)
 * @registry: the registry
 *
 * Runs the sweep, prints and saves its table.
 *
 * Returns: the exit status: 0, 1 if a run failed, 2 on a usage error
 */
int
aat_run_report_sweep (AatRunConfig *config, AatRegistry *registry)
{
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func ((GDestroyNotify) sweep_param_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree guint *idx = NULL;
  gboolean found;
  Sweep sw = { 0 };
  guint i, total = 1;
  const char *dir;

  for (i = 0; opt_sweep[i]; i++)
    {
      SweepParam *p = parse_sweep (opt_sweep[i], &error);

      if (p == NULL || !check_group (config, p->spec, &error))
        {
          g_printerr ("aat-run: %s\n", error->message);
          if (p)
            sweep_param_free (p);
          return 2;
        }
      g_ptr_array_add (params, p);
      if (total > 100000 / p->values->len)
        {
          g_printerr ("aat-run: --sweep: more than 100000 combinations\n");
          return 2;
        }
      total *= p->values->len;
    }

  sort_metric = opt_sort ? opt_sort : "sharpe";
  sort_sign = 1;
  if (sort_metric[0] == '+' || sort_metric[0] == '-')
    {
      sort_sign = sort_metric[0] == '+' ? -1 : 1;
      sort_metric++;
    }
  else if (g_str_has_prefix (sort_metric, "max_drawdown") || strcmp (sort_metric, "volatility") == 0 ||
           strcmp (sort_metric, "fees") == 0 || strcmp (sort_metric, "gross_loss") == 0 ||
           strcmp (sort_metric, "n_losing") == 0)
    sort_sign = -1;     /* smaller is better */
  {
    AatReportStatistics zero = { 0 };
    aat_report_statistics_get (&zero, sort_metric, &found);
  }
  if (!found)
    {
      g_autofree char *names = g_strjoinv (", ", (char **) aat_report_statistics_list_names ());
      g_printerr ("aat-run: --sort %s: not a statistic; one of %s\n", sort_metric, names);
      return 2;
    }
  if (opt_jobs < 0)
    {
      g_printerr ("aat-run: --jobs %d: must be positive\n", opt_jobs);
      return 2;
    }

  tmpdir = g_dir_make_tmp ("aat-sweep-XXXXXX", &error);
  if (tmpdir == NULL)
    {
      g_printerr ("aat-run: %s\n", error->message);
      return 1;
    }

  /* every combination, the first parameter varying slowest */
  sw.runs = g_ptr_array_new_with_free_func ((GDestroyNotify) sweep_run_free);
  idx = g_new0 (guint, params->len);
  for (i = 0; i < total; i++)
    {
      SweepRun *r = g_new0 (SweepRun, 1);
      guint rest = i;

      for (guint k = params->len; k-- > 0;)
        {
          SweepParam *p = params->pdata[k];
          idx[k] = rest % p->values->len;
          rest /= p->values->len;
        }
      r->index = i;
      r->sets = g_ptr_array_new_null_terminated (params->len, g_free, TRUE);
      for (guint k = 0; k < params->len; k++)
        {
          SweepParam *p = params->pdata[k];
          g_ptr_array_add (r->sets, g_strdup_printf ("%s=%s", p->spec,
                                                     (char *) p->values->pdata[idx[k]]));
        }
      r->stats_path = g_strdup_printf ("%s/run-%u.json", tmpdir, i + 1);
      g_ptr_array_add (sw.runs, r);
    }

  sw.jobs = opt_jobs > 0 ? (guint) opt_jobs : MAX (1u, g_get_num_processors ());
  sw.exe = g_file_read_link ("/proc/self/exe", NULL);
  if (sw.exe == NULL)
    sw.exe = g_strdup (original_argv[0]);
  sw.base_args = worker_base_args ();
  sw.loop = g_main_loop_new (NULL, FALSE);
  sw.tty = isatty (STDERR_FILENO);

  g_printerr ("aat-run: sweep of %u runs, %u at a time\n", total, MIN (sw.jobs, total));
  launch_next (&sw);
  if (sw.done < sw.runs->len)
    g_main_loop_run (sw.loop);
  if (sw.tty)
    fputs ("\r\033[K", stderr);

  g_ptr_array_sort (sw.runs, compare_runs);
  print_table (&sw, params);
  dir = opt_report ? opt_report : ".";
  if (!save_table (&sw, params, dir, &error))
    g_printerr ("aat-run: cannot save the sweep table: %s\n", error->message);
  else
    g_print ("\nSaved %s/sweep.csv and %s/sweep.json\n", dir, dir);

  g_rmdir (tmpdir);
  {
    int status = sw.failed ? 1 : (error ? 1 : 0);

    g_main_loop_unref (sw.loop);
    g_ptr_array_unref (sw.base_args);
    g_ptr_array_unref (sw.runs);
    g_free (sw.exe);
    return status;
  }
}
