/* aat-run: run a trading engine described by a keyfile and flags.
 *
 * A thin main over library calls: parse the options, scan the module registry, load
 * the config into an AatRunConfig, apply the flags over it, build the engine through
 * the registry, run it, print a summary, and map the outcome to an exit status:
 *
 *   0  the run completed (or was stopped by SIGINT/SIGTERM) and nothing failed
 *   1  a strategy or an exchange failed
 *   2  a usage or configuration error, reported before anything runs
 *
 * The first SIGINT or SIGTERM stops the engine gracefully (it runs its exit routine,
 * then the summary is printed); a second SIGINT exits at once with status 130.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib-unix.h>
#include <aat.h>
#include "aat-run-report.h"  /* issue 7: reports, --set, sweeps, progress */

#define EXIT_FAILED 1
#define EXIT_USAGE 2

static AatEngine *running_engine;
static gboolean stopping;

static void
exit_now (int signum)
{
  static const char msg[] = "aat-run: interrupted again, exiting at once\n";

  /* Only async-signal-safe calls here. */
  if (write (STDERR_FILENO, msg, sizeof msg - 1) < 0)
    _exit (130);
  _exit (130);
}

static gboolean
on_stop_signal (gpointer user_data)
{
  struct sigaction sa = { 0 };

  if (stopping)
    return G_SOURCE_CONTINUE;
  stopping = TRUE;
  g_printerr ("aat-run: %s received, stopping (interrupt again to exit at once)\n",
              (const char *) user_data);

  /* The next SIGINT must work even if the main loop is stuck in a strategy, so it is
   * handled by a plain handler rather than a main-loop source. */
  sa.sa_handler = exit_now;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);

  if (running_engine != NULL)
    aat_engine_stop (running_engine);
  return G_SOURCE_CONTINUE;
}

static int
usage_error (const char *message)
{
  g_printerr ("aat-run: %s\n", message);
  return EXIT_USAGE;
}

static void
print_summary (AatEngine *engine)
{
  GPtrArray *strategies = aat_engine_get_strategies (engine);
  AatPortfolio *portfolio = aat_engine_get_portfolio (engine);
  guint i, j;

  g_print ("\nRun summary: %" G_GUINT64_FORMAT " events, %u failure%s\n",
           aat_engine_get_event_count (engine), aat_engine_get_failure_count (engine),
           aat_engine_get_failure_count (engine) == 1 ? "" : "s");

  for (i = 0; strategies != NULL && i < strategies->len; i++)
    {
      AatStrategy *strategy = g_ptr_array_index (strategies, i);
      g_autoptr (GPtrArray) orders = aat_engine_get_orders (engine, strategy, FALSE);
      g_autoptr (GPtrArray) trades = aat_engine_get_trades (engine, strategy);
      g_autoptr (GPtrArray) positions = aat_portfolio_get_positions (portfolio, strategy);
      guint open = 0;

      g_print ("\nstrategy %s\n", aat_strategy_get_name (strategy));
      g_print ("  orders          %u\n", orders ? orders->len : 0);
      g_print ("  trades          %u\n", trades ? trades->len : 0);
      for (j = 0; positions != NULL && j < positions->len; j++)
        {
          AatPosition *p = g_ptr_array_index (positions, j);

          if (aat_position_get_size (p) == 0)
            continue;
          g_print ("  position        %s %g @ %.2f (last %.2f)\n",
                   aat_instrument_get_name (aat_position_get_instrument (p)),
                   aat_position_get_size (p), aat_position_get_average_price (p),
                   aat_position_get_last_price (p));
          open++;
        }
      if (open == 0)
        g_print ("  position        flat\n");
      g_print ("  cash            %.2f\n", aat_portfolio_get_cash (portfolio, strategy));
      g_print ("  realized P&L    %.2f\n", aat_portfolio_get_realized_pnl (portfolio, strategy));
      g_print ("  unrealized P&L  %.2f\n", aat_portfolio_get_unrealized_pnl (portfolio, strategy));
      g_print ("  fees            %.2f\n", aat_portfolio_get_fees (portfolio, strategy));
      g_print ("  value           %.2f\n", aat_portfolio_get_value (portfolio, strategy));
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *config_path = NULL;
  g_autofree char *api_address = NULL;                 /* control API (issue 8) */
  g_autoptr (AatControlServer) api = NULL;
  g_autofree char *trading_type = NULL;
  g_autofree char *journal_path = NULL;                /* reliability (issue 9) */
  gboolean replay = FALSE;                             /* reliability (issue 9) */
  g_auto (GStrv) strategies = NULL;
  g_auto (GStrv) exchanges = NULL;
  g_auto (GStrv) modules_dirs = NULL;
  gboolean verbose = FALSE, list = FALSE, version = FALSE;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "Read the run description from FILE (a keyfile)", "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log orders and fills", NULL },
    { "trading_type", 't', 0, G_OPTION_ARG_STRING, &trading_type,
      "How to trade: live, simulation, sandbox or backtest", "TYPE" },
    { "trading-type", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &trading_type,
      NULL, NULL },
    { "strategies", 's', 0, G_OPTION_ARG_STRING_ARRAY, &strategies,
      "Run this strategy instead of the file's (repeatable)", "NAME[,key=value...]" },
    { "exchanges", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &exchanges,
      "Use this exchange instead of the file's (repeatable)", "NAME[,key=value...]" },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list,
      "List every plugin with its properties, then exit", NULL },
    { "modules-dir", 'M', 0, G_OPTION_ARG_FILENAME_ARRAY, &modules_dirs,
      "Also load modules from DIR (repeatable)", "DIR" },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version, then exit", NULL },
    /* reliability (issue 9) */
    { "journal", 'j', 0, G_OPTION_ARG_FILENAME, &journal_path,
      "Journal every order to FILE and recover from it on start (doc/RELIABILITY.md)", "FILE" },
    { "replay", 0, 0, G_OPTION_ARG_NONE, &replay,
      "Print the history of the journal, then exit", NULL },
    /* control API (issue 8) */
    { "api", 0, 0, G_OPTION_ARG_STRING, &api_address,
      "Serve the control API and the live page on HOST:PORT (doc/API.md)", "HOST:PORT" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) load_errors = NULL;
  g_autoptr (AatRunConfig) config = NULL;
  g_autoptr (AatEngine) engine = NULL;
  AatRegistry *registry;
  gboolean ok;
  guint i, sigint_id, sigterm_id;

  context = g_option_context_new ("- run an aat trading engine");
  g_option_context_set_summary (context,
    "Runs the exchanges and strategies of a config file, or of the flags, which\n"
    "override the file. Plugins come from $libdir/aat-1.0/modules, $AAT_MODULE_PATH\n"
    "and --modules-dir. Exit status: 0 success, 1 a strategy or exchange failed,\n"
    "2 usage or config error.");
  g_option_context_add_main_entries (context, entries, NULL);
  aat_run_report_add_options (context, argc, argv);  /* issue 7: --report, --set, --sweep... */
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc > 1)
    {
      g_autofree char *msg = g_strdup_printf ("unexpected argument '%s' (see --help)", argv[1]);
      return usage_error (msg);
    }
  if (version)
    {
      g_print ("aat-run %s (module ABI %d.%d)\n", AAT_VERSION, AAT_ABI_MAJOR, AAT_ABI_MINOR);
      return EXIT_SUCCESS;
    }

  registry = aat_registry_get_default ();
  for (i = 0; modules_dirs && modules_dirs[i]; i++)
    {
      if (!g_file_test (modules_dirs[i], G_FILE_TEST_IS_DIR))
        {
          g_autofree char *msg = g_strdup_printf ("--modules-dir %s: not a directory",
                                                  modules_dirs[i]);
          return usage_error (msg);
        }
      aat_registry_add_dir (registry, modules_dirs[i]);
    }
  aat_registry_scan (registry, &load_errors);
  /* A broken module does not stop the others; say so, and go on. */
  for (i = 0; i < load_errors->len; i++)
    g_printerr ("aat-run: warning: %s\n", ((GError *) g_ptr_array_index (load_errors, i))->message);

  if (list)
    {
      g_autofree char *text = aat_registry_format_listing (registry);
      const char * const *dirs = aat_registry_get_dirs (registry);

      g_print ("%s\nModule directories, in search order:\n", text);
      for (i = 0; dirs[i]; i++)
        g_print ("  %s\n", dirs[i]);
      return EXIT_SUCCESS;
    }

  config = aat_run_config_new ();
  if (!aat_run_report_load_config (config, config_path, &error) ||  /* issue 7: with --set */
      (trading_type &&
       !aat_run_config_parse_trading_type (config, trading_type, "--trading_type", &error)) ||
      (strategies &&
       !aat_run_config_set_plugins_from_specs (config, AAT_PLUGIN_KIND_STRATEGY,
                                               (const char * const *) strategies,
                                               "--strategies", &error)) ||
      (exchanges &&
       !aat_run_config_set_plugins_from_specs (config, AAT_PLUGIN_KIND_EXCHANGE,
                                               (const char * const *) exchanges,
                                               "--exchanges", &error)))
    return usage_error (error->message);
  if (verbose)
    aat_run_config_set_verbose (config, TRUE);

  /* ---- reliability (issue 9): --journal FILE, --replay */
  if (journal_path != NULL)
    aat_run_config_set_journal (config, journal_path);
  if (replay)
    {
      const char *path = aat_run_config_get_journal (config);
      g_autoptr (AatJournal) journal = NULL;
      g_autoptr (GString) text = g_string_new (NULL);

      if (path == NULL)
        return usage_error ("--replay needs a journal: give --journal FILE or [general] journal=");
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *msg = g_strdup_printf ("--replay: %s: no such journal", path);
          return usage_error (msg);
        }
      journal = aat_journal_open (path, &error);
      if (journal == NULL || !aat_journal_print_history (journal, text, &error))
        return usage_error (error->message);
      fputs (text->str, stdout);
      return EXIT_SUCCESS;
    }
  /* ---- end reliability */

  {
    g_auto (GStrv) s = aat_run_config_get_plugins (config, AAT_PLUGIN_KIND_STRATEGY);
    g_auto (GStrv) e = aat_run_config_get_plugins (config, AAT_PLUGIN_KIND_EXCHANGE);

    if (e[0] == NULL || s[0] == NULL)
      return usage_error (e[0] == NULL && s[0] == NULL
                          ? "nothing to run: give --config FILE, or --exchanges and --strategies"
                          : e[0] == NULL ? "no exchange to run: list one in [exchange] exchanges= or give --exchanges"
                                         : "no strategy to run: list one in [strategy] strategies= or give --strategies");
  }

  /* ---- issue 7: a parameter sweep runs workers instead of the engine */
  if (aat_run_report_is_sweep ())
    return aat_run_report_sweep (config, registry);
  /* ---- end sweep */

  engine = aat_run_config_build_engine (config, registry, &error);
  if (engine == NULL)
    return usage_error (error->message);

  /* ---- control API (issue 8): the token comes from AAT_API_TOKEN, else [api] token= */
  if (api_address != NULL)
    {
      g_autofree char *uri = NULL;

      api = aat_control_server_new (engine);
      if (config_path != NULL && !aat_control_server_load_config (api, config_path, &error))
        return usage_error (error->message);
      if (g_getenv ("AAT_API_TOKEN") != NULL)
        aat_control_server_set_token (api, g_getenv ("AAT_API_TOKEN"));
      if (!aat_control_server_listen (api, api_address, &error))
        {
          g_autofree char *msg = g_strdup_printf ("--api %s", error->message);
          return usage_error (msg);
        }
      uri = aat_control_server_get_uri (api);
      g_printerr ("aat-run: control API on %s%s\n", uri,
                  aat_control_server_get_token (api) != NULL ? " (bearer token required)" : "");
    }
  /* ---- end control API */

  running_engine = engine;
  sigint_id = g_unix_signal_add (SIGINT, on_stop_signal, (gpointer) "SIGINT");
  sigterm_id = g_unix_signal_add (SIGTERM, on_stop_signal, (gpointer) "SIGTERM");

  aat_run_report_before_run (engine);  /* issue 7: progress */
  ok = aat_engine_run (engine, &error);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  running_engine = NULL;

  print_summary (engine);
  /* issue 7: statistics, --report DIR, --json FILE */
  if (!aat_run_report_after_run (engine, config))
    return EXIT_FAILED;
  /* ---- reliability (issue 9): a slow strategy's lag, and a journal that failed */
  if (aat_engine_get_trading_type (engine) != AAT_TRADING_TYPE_BACKTEST)
    g_print ("\nlive events: %" G_GUINT64_FORMAT " dropped at the queue bound, longest queue wait %.3f ms\n",
             aat_engine_get_dropped_event_count (engine), aat_engine_get_max_lag (engine) / 1e6);
  if (aat_engine_get_journal (engine) != NULL && aat_journal_is_failed (aat_engine_get_journal (engine)))
    g_printerr ("aat-run: %s; new orders were rejected from then on\n",
                aat_journal_get_failure (aat_engine_get_journal (engine)));
  /* ---- end reliability */

  if (!ok && !g_error_matches (error, AAT_ENGINE_ERROR, AAT_ENGINE_ERROR_CANCELLED))
    {
      g_printerr ("aat-run: the run failed: %s\n", error->message);
      return EXIT_FAILED;
    }
  if (aat_engine_get_failure_count (engine) > 0)
    {
      g_printerr ("aat-run: %u failure%s during the run\n", aat_engine_get_failure_count (engine),
                  aat_engine_get_failure_count (engine) == 1 ? "" : "s");
      return EXIT_FAILED;
    }
  return EXIT_SUCCESS;
}
