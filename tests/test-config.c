/* test-config.c: run configurations: the keyfile, flag overrides, every error message,
 * and turning a config into plugins and an engine (which is built, never run).
 *
 * Plugins come from the tests/plugins/good fixture, in a registry of its own.
 */
#include <string.h>
#include <aat.h>

static AatRegistry *registry;

static AatRunConfig *
load (const char *text)
{
  AatRunConfig *config = aat_run_config_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (aat_run_config_load_data (config, text, -1, "run.cfg", &error));
  g_assert_no_error (error);
  return config;
}

/* Loading @text fails with @code and exactly @message. */
static void
assert_load_error (const char *text, gint code, const char *message)
{
  g_autoptr (AatRunConfig) config = aat_run_config_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (aat_run_config_load_data (config, text, -1, "run.cfg", &error));
  g_assert_error (error, AAT_CONFIG_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

/* Loading @text succeeds and creating its strategies fails with exactly @message. */
static void
assert_create_error (const char *text, AatPluginKind kind, gint code, const char *message)
{
  g_autoptr (AatRunConfig) config = load (text);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) plugins = NULL;

  plugins = aat_run_config_create_plugins (config, registry, kind, &error);
  g_assert_null (plugins);
  g_assert_error (error, AAT_CONFIG_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static GObject *
create_one (AatRunConfig *config, AatPluginKind kind, guint index)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) plugins = aat_run_config_create_plugins (config, registry, kind, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (plugins->len, >, index);
  return g_object_ref (g_ptr_array_index (plugins, index));
}

/* ---------------------------------------------------------------- loading */

static void
test_general (void)
{
  g_autoptr (AatRunConfig) config = NULL;
  g_autoptr (AatRunConfig) empty = aat_run_config_new ();

  /* Defaults. */
  g_assert_false (aat_run_config_get_verbose (empty));
  g_assert_cmpint (aat_run_config_get_trading_type (empty), ==, AAT_TRADING_TYPE_BACKTEST);
  g_assert_cmpint (aat_run_config_get_exit_routine (empty), ==, AAT_EXIT_ROUTINE_NONE);
  g_assert_cmpint (aat_run_config_get_start_time (empty), ==, 0);
  g_assert_null (aat_run_config_get_path (empty));

  config = load ("# The original's shape\n"
                 "[general]\n"
                 "verbose=1\n"
                 "trading_type=simulation\n"
                 "seed=18446744073709551615\n"
                 "start_time=2024-01-02\n"
                 "end-time=2024-01-31T16:30:00Z\n"
                 "exit_routine=close_all\n"
                 "cash=25000.5\n");
  g_assert_cmpstr (aat_run_config_get_path (config), ==, "run.cfg");
  g_assert_true (aat_run_config_get_verbose (config));
  g_assert_cmpint (aat_run_config_get_trading_type (config), ==, AAT_TRADING_TYPE_SIMULATION);
  g_assert_cmpuint (aat_run_config_get_seed (config), ==, G_MAXUINT64);
  g_assert_cmpint (aat_run_config_get_start_time (config), ==,
                   G_GINT64_CONSTANT (1704153600) * AAT_TIME_SECOND);
  g_assert_cmpint (aat_run_config_get_end_time (config), ==,
                   G_GINT64_CONSTANT (1706718600) * AAT_TIME_SECOND);
  g_assert_cmpint (aat_run_config_get_exit_routine (config), ==, AAT_EXIT_ROUTINE_CLOSE_ALL);
  g_assert_cmpfloat (aat_run_config_get_cash (config), ==, 25000.5);
}

static void
test_lists (void)
{
  g_autoptr (AatRunConfig) config = NULL;
  g_auto (GStrv) s = NULL;
  g_auto (GStrv) e = NULL;
  g_auto (GStrv) r = NULL;
  g_auto (GStrv) x = NULL;

  config = load ("[exchange]\nexchanges=test-stream;other\n"
                 "[strategy]\nstrategies = test-props:a, test-props:b ,test-buyer\n"
                 "[risk]\npolicies=test-risk\n"
                 "[execution]\npolicy=test-exec\n");
  e = aat_run_config_get_plugins (config, AAT_PLUGIN_KIND_EXCHANGE);
  s = aat_run_config_get_plugins (config, AAT_PLUGIN_KIND_STRATEGY);
  r = aat_run_config_get_plugins (config, AAT_PLUGIN_KIND_RISK_POLICY);
  x = aat_run_config_get_plugins (config, AAT_PLUGIN_KIND_EXECUTION_POLICY);
  g_assert_cmpstrv (e, ((const char * const[]) { "test-stream", "other", NULL }));
  g_assert_cmpstrv (s, ((const char * const[]) { "test-props:a", "test-props:b", "test-buyer", NULL }));
  g_assert_cmpstrv (r, ((const char * const[]) { "test-risk", NULL }));
  g_assert_cmpstrv (x, ((const char * const[]) { "test-exec", NULL }));
}

static void
test_every_type (void)
{
  g_autoptr (AatRunConfig) config = NULL;
  g_autoptr (GObject) props = NULL;
  g_autoptr (GDateTime) when = NULL;
  g_auto (GStrv) symbols = NULL;
  g_autofree char *label = NULL;
  g_autofree char *name = NULL;
  gint count;
  guint level, options;
  gint64 big, start;
  guint64 ubig;
  double ratio;
  gboolean enabled;
  AatSide side;

  config = load ("[strategy]\nstrategies=test-props\n"
                 "[strategy test-props]\n"
                 "count=42\n"
                 "level=4000000000\n"
                 "big=-9000000000\n"
                 "ubig=18000000000000000000\n"
                 "ratio=0.25\n"
                 "enabled=yes\n"
                 "label=\"hello world\"\n"
                 "side=sell\n"
                 "options=fast|LOUD\n"
                 "start_time=2024-03-01T09:30:00Z\n"
                 "when=2024-03-01T09:30:00.5+01:00\n"
                 "symbols=AAPL; MSFT;\n");
  props = create_one (config, AAT_PLUGIN_KIND_STRATEGY, 0);
  g_object_get (props, "count", &count, "level", &level, "big", &big, "ubig", &ubig,
                "ratio", &ratio, "enabled", &enabled, "label", &label, "side", &side,
                "options", &options, "start-time", &start, "when", &when,
                "symbols", &symbols, "name", &name, NULL);
  g_assert_cmpint (count, ==, 42);
  g_assert_cmpuint (level, ==, 4000000000u);
  g_assert_cmpint (big, ==, G_GINT64_CONSTANT (-9000000000));
  g_assert_cmpuint (ubig, ==, G_GUINT64_CONSTANT (18000000000000000000));
  g_assert_cmpfloat (ratio, ==, 0.25);
  g_assert_true (enabled);
  g_assert_cmpstr (label, ==, "hello world");
  g_assert_cmpint (side, ==, AAT_SIDE_SELL);
  g_assert_cmpuint (options, ==, 1 | 4);
  g_assert_cmpint (start, ==, G_GINT64_CONSTANT (1709285400) * AAT_TIME_SECOND);
  g_assert_cmpint (g_date_time_to_unix (when), ==, 1709281800);
  g_assert_cmpint (g_date_time_get_microsecond (when), ==, 500000);
  g_assert_cmpstrv (symbols, ((const char * const[]) { "AAPL", "MSFT", NULL }));
  /* Named after its reference. */
  g_assert_cmpstr (name, ==, "test-props");
}

static void
test_values (void)
{
  struct { const char *type; const char *text; const char *expect; } ok[] = {
    { "int", "-7", "-7" },
    { "bool", "off", "false" },
    { "bool", "TRUE", "true" },
    { "double", "1e3", "1000" },
    { "double", "-0.5", "-0.5" },
    { "enum", "AAT_SIDE_SELL", "sell" },
    { "enum", "Buy", "buy" },
    { "flags", "", "(none)" },
    { "flags", "none", "(none)" },
    { "flags", "safe | fast", "fast|safe" },
    { "time", "2024-01-02", "2024-01-02T00:00:00Z" },
    { "time", "2024-01-02T03:04:05", "2024-01-02T03:04:05Z" },
    { "time", "1000000000", "1970-01-01T00:00:01Z" },
  };
  g_autoptr (GParamSpec) p_int = g_param_spec_ref_sink (g_param_spec_int ("i", NULL, NULL, G_MININT, G_MAXINT, 0, G_PARAM_READWRITE));
  g_autoptr (GParamSpec) p_bool = g_param_spec_ref_sink (g_param_spec_boolean ("b", NULL, NULL, FALSE, G_PARAM_READWRITE));
  g_autoptr (GParamSpec) p_double = g_param_spec_ref_sink (g_param_spec_double ("d", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, G_PARAM_READWRITE));
  g_autoptr (GParamSpec) p_enum = g_param_spec_ref_sink (g_param_spec_enum ("e", NULL, NULL, AAT_TYPE_SIDE, AAT_SIDE_BUY, G_PARAM_READWRITE));
  g_autoptr (GParamSpec) p_time = g_param_spec_ref_sink (g_param_spec_int64 ("end-time", NULL, NULL, G_MININT64, G_MAXINT64, 0, G_PARAM_READWRITE));
  GParamSpec *p_flags;
  GObjectClass *klass;
  guint i;

  klass = g_type_class_ref (aat_plugin_info_get_gtype (aat_registry_lookup (registry, AAT_PLUGIN_KIND_STRATEGY, "test-props")));
  p_flags = g_object_class_find_property (klass, "options");

  for (i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      GParamSpec *pspec = strcmp (ok[i].type, "int") == 0 ? p_int
                        : strcmp (ok[i].type, "bool") == 0 ? p_bool
                        : strcmp (ok[i].type, "double") == 0 ? p_double
                        : strcmp (ok[i].type, "enum") == 0 ? p_enum
                        : strcmp (ok[i].type, "flags") == 0 ? p_flags : p_time;
      GValue value = G_VALUE_INIT;
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;

      g_assert_true (aat_param_value_parse (pspec, ok[i].text, &value, &error));
      g_assert_no_error (error);
      if (pspec == p_time)
        text = aat_time_format_iso8601 (g_value_get_int64 (&value));
      else if (pspec == p_int)
        text = g_strdup_printf ("%d", g_value_get_int (&value));
      else if (pspec == p_bool)
        text = g_strdup (g_value_get_boolean (&value) ? "true" : "false");
      else if (pspec == p_double)
        text = g_strdup_printf ("%g", g_value_get_double (&value));
      else if (pspec == p_enum)
        text = g_strdup (g_value_get_enum (&value) == AAT_SIDE_SELL ? "sell" : "buy");
      else
        {
          guint f = g_value_get_flags (&value);
          text = f == 0 ? g_strdup ("(none)") : g_strdup_printf ("%s%s%s", f & 1 ? "fast" : "",
                                                                (f & 1) && (f & 2) ? "|" : "",
                                                                f & 2 ? "safe" : "");
        }
      g_assert_cmpstr (text, ==, ok[i].expect);
      g_value_unset (&value);
    }
  g_type_class_unref (klass);
}

static void
test_instances (void)
{
  g_autoptr (AatRunConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) plugins = NULL;
  g_autofree char *name_a = NULL;
  g_autofree char *name_b = NULL;
  gint count_a, count_b;

  /* One plugin twice, told apart by instance names; a name= key wins. */
  config = load ("[strategy]\nstrategies=test-props:fast;test-props:slow\n"
                 "[strategy test-props:fast]\ncount=1\n"
                 "[strategy test-props:slow]\ncount=99\nname=Slow one\n"
                 "[strategy test-buyer]\n# not listed: ignored\ncount=abc\n");
  plugins = aat_run_config_create_plugins (config, registry, AAT_PLUGIN_KIND_STRATEGY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plugins->len, ==, 2);
  g_object_get (plugins->pdata[0], "count", &count_a, "name", &name_a, NULL);
  g_object_get (plugins->pdata[1], "count", &count_b, "name", &name_b, NULL);
  g_assert_cmpint (count_a, ==, 1);
  g_assert_cmpint (count_b, ==, 99);
  g_assert_cmpstr (name_a, ==, "test-props:fast");
  g_assert_cmpstr (name_b, ==, "Slow one");
  g_assert_true (plugins->pdata[0] != plugins->pdata[1]);
}

/* ---------------------------------------------------------------- flags */

static void
test_flags_override (void)
{
  g_autoptr (AatRunConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GObject) props = NULL;
  g_auto (GStrv) list = NULL;
  g_autofree char *count = NULL;
  g_autofree char *label = NULL;
  g_autofree char *label_value = NULL;
  const char *specs[] = { "test-props,count=9, side = sell", "test-buyer", NULL };
  gint n;
  AatSide side;

  config = load ("[general]\ntrading_type=backtest\nverbose=false\n"
                 "[strategy]\nstrategies=test-fail\n"
                 "[strategy test-props]\ncount=5\nlabel=from the file\n");

  g_assert_true (aat_run_config_set_plugins_from_specs (config, AAT_PLUGIN_KIND_STRATEGY,
                                                        specs, "--strategies", &error));
  g_assert_no_error (error);
  /* The flag's list replaces the file's. */
  list = aat_run_config_get_plugins (config, AAT_PLUGIN_KIND_STRATEGY);
  g_assert_cmpstrv (list, ((const char * const[]) { "test-props", "test-buyer", NULL }));
  /* Its settings go over the file's group. */
  count = aat_run_config_get_setting (config, AAT_PLUGIN_KIND_STRATEGY, "test-props", "count");
  label = aat_run_config_get_setting (config, AAT_PLUGIN_KIND_STRATEGY, "test-props", "label");
  g_assert_cmpstr (count, ==, "9");
  g_assert_cmpstr (label, ==, "from the file");
  g_assert_null (aat_run_config_get_setting (config, AAT_PLUGIN_KIND_STRATEGY, "test-fail", "count"));

  props = create_one (config, AAT_PLUGIN_KIND_STRATEGY, 0);
  g_object_get (props, "count", &n, "side", &side, "label", &label_value, NULL);
  g_assert_cmpint (n, ==, 9);
  g_assert_cmpint (side, ==, AAT_SIDE_SELL);
  g_assert_cmpstr (label_value, ==, "from the file");

  g_assert_true (aat_run_config_parse_trading_type (config, "live", "--trading_type", &error));
  g_assert_cmpint (aat_run_config_get_trading_type (config), ==, AAT_TRADING_TYPE_LIVE);
  aat_run_config_set_verbose (config, TRUE);
  g_assert_true (aat_run_config_get_verbose (config));
}

static void
test_flag_errors (void)
{
  g_autoptr (AatRunConfig) config = load ("[exchange]\nexchanges=test-stream\n");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) list = NULL;
  g_autoptr (GPtrArray) plugins = NULL;
  struct { const char *spec; gint code; const char *message; } cases[] = {
    { ",count=1", AAT_CONFIG_ERROR_SPEC,
      "--exchanges ',count=1': no plugin name; expected NAME[:INSTANCE][,key=value...]" },
    { "test-stream,count", AAT_CONFIG_ERROR_SPEC,
      "--exchanges test-stream: expected key=value, got 'count'" },
    { "test stream", AAT_CONFIG_ERROR_SPEC,
      "--exchanges: bad plugin reference 'test stream'; expected NAME or NAME:INSTANCE "
      "(letters, digits, '-', '_' and '.')" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *specs[] = { cases[i].spec, NULL };

      g_assert_false (aat_run_config_set_plugins_from_specs (config, AAT_PLUGIN_KIND_EXCHANGE,
                                                             specs, "--exchanges", &error));
      g_assert_error (error, AAT_CONFIG_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_clear_error (&error);
    }
  /* A refused list leaves the previous one. */
  list = aat_run_config_get_plugins (config, AAT_PLUGIN_KIND_EXCHANGE);
  g_assert_cmpstrv (list, ((const char * const[]) { "test-stream", NULL }));

  {
    const char *specs[] = { "test-stream,count=lots", NULL };

    g_assert_true (aat_run_config_set_plugins_from_specs (config, AAT_PLUGIN_KIND_EXCHANGE,
                                                          specs, "--exchanges", &error));
    plugins = aat_run_config_create_plugins (config, registry, AAT_PLUGIN_KIND_EXCHANGE, &error);
    g_assert_null (plugins);
    g_assert_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_INVALID_VALUE);
    g_assert_cmpstr (error->message, ==, "--exchanges test-stream: count: invalid value "
                     "'lots'; expected a non-negative integer");
    g_clear_error (&error);
  }
  {
    const char *specs[] = { "test-strem", NULL };

    g_assert_true (aat_run_config_set_plugins_from_specs (config, AAT_PLUGIN_KIND_EXCHANGE,
                                                          specs, "--exchanges", &error));
    plugins = aat_run_config_create_plugins (config, registry, AAT_PLUGIN_KIND_EXCHANGE, &error);
    g_assert_null (plugins);
    g_assert_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_UNKNOWN_PLUGIN);
    g_assert_cmpstr (error->message, ==, "--exchanges: unknown exchange 'test-strem'; did you "
                     "mean 'test-stream'?");
    g_clear_error (&error);
  }

  g_assert_false (aat_run_config_parse_trading_type (config, "paper", "--trading_type", &error));
  g_assert_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "--trading_type: invalid value 'paper'; expected one "
                   "of live, simulation, sandbox, backtest");
}

/* ---------------------------------------------------------------- file errors */

static void
test_missing_file (void)
{
  g_autoptr (AatRunConfig) config = aat_run_config_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (aat_run_config_load_file (config, "/nonexistent/run.cfg", &error));
  g_assert_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_FILE);
  g_assert_cmpstr (error->message, ==, "/nonexistent/run.cfg: no such file");
}

static void
test_load_errors (void)
{
  g_autoptr (AatRunConfig) config = aat_run_config_new ();
  g_autoptr (GError) error = NULL;

  /* GKeyFile's own message follows the file name. */
  g_assert_false (aat_run_config_load_data (config, "[general]\nthis is not a key\n", -1,
                                            "run.cfg", &error));
  g_assert_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "run.cfg: "));

  assert_load_error ("[strategies]\n", AAT_CONFIG_ERROR_GROUP,
                     "run.cfg: [strategies]: unknown group; expected [general], [exchange], "
                     "[strategy], [risk], [execution], or [KIND NAME] such as "
                     "[strategy buy-and-hold]");
  assert_load_error ("[strategy buy and hold]\n", AAT_CONFIG_ERROR_GROUP,
                     "run.cfg: [strategy buy and hold]: bad plugin reference 'buy and hold'; "
                     "expected NAME or NAME:INSTANCE (letters, digits, '-', '_' and '.')");
  assert_load_error ("[strategy buy-and-hold:]\n", AAT_CONFIG_ERROR_GROUP,
                     "run.cfg: [strategy buy-and-hold:]: bad plugin reference "
                     "'buy-and-hold:'; expected NAME or NAME:INSTANCE (letters, digits, '-', "
                     "'_' and '.')");
  assert_load_error ("[general]\ntrading_typ=live\n", AAT_CONFIG_ERROR_UNKNOWN_KEY,
                     "run.cfg: [general] trading_typ: unknown key; did you mean 'trading_type'?");
  assert_load_error ("[general]\napi=1\n", AAT_CONFIG_ERROR_UNKNOWN_KEY,
                     "run.cfg: [general] api: unknown key; [general] takes verbose, "
                     "trading_type, seed, start_time, end_time, exit_routine, cash, journal and reconcile");  /* issue 9 */
  assert_load_error ("[general]\ntrading_type=paper\n", AAT_CONFIG_ERROR_INVALID_VALUE,
                     "run.cfg: [general] trading_type: invalid value 'paper'; expected one of "
                     "live, simulation, sandbox, backtest");
  assert_load_error ("[general]\nexit_routine=flatten\n", AAT_CONFIG_ERROR_INVALID_VALUE,
                     "run.cfg: [general] exit_routine: invalid value 'flatten'; expected one "
                     "of none, cancel-all, close-all");
  assert_load_error ("[general]\nverbose=loud\n", AAT_CONFIG_ERROR_INVALID_VALUE,
                     "run.cfg: [general] verbose: invalid value 'loud'; expected true or false");
  assert_load_error ("[general]\nseed=-1\n", AAT_CONFIG_ERROR_INVALID_VALUE,
                     "run.cfg: [general] seed: invalid value '-1'; expected a non-negative "
                     "integer");
  assert_load_error ("[general]\nstart_time=yesterday\n", AAT_CONFIG_ERROR_INVALID_VALUE,
                     "run.cfg: [general] start_time: invalid value 'yesterday'; expected a "
                     "date-time (ISO 8601 or YYYY-MM-DD)");
  assert_load_error ("[general]\nend_time=2024-13-01\n", AAT_CONFIG_ERROR_INVALID_VALUE,
                     "run.cfg: [general] end_time: invalid value '2024-13-01'; expected a "
                     "date-time (ISO 8601 or YYYY-MM-DD)");
  assert_load_error ("[general]\ncash=-5\n", AAT_CONFIG_ERROR_INVALID_VALUE,
                     "run.cfg: [general] cash: invalid value '-5'; expected a non-negative "
                     "number");
  assert_load_error ("[strategy]\nstrategy=test-props\n", AAT_CONFIG_ERROR_UNKNOWN_KEY,
                     "run.cfg: [strategy] strategy: unknown key; the only key of [strategy] "
                     "is 'strategies'");
  assert_load_error ("[execution]\npolicies=x\n", AAT_CONFIG_ERROR_UNKNOWN_KEY,
                     "run.cfg: [execution] policies: unknown key; the only key of "
                     "[execution] is 'policy'");
  assert_load_error ("[strategy]\nstrategies=test-props;test-props\n", AAT_CONFIG_ERROR_DUPLICATE,
                     "run.cfg: [strategy] strategies: strategy 'test-props' is listed twice; "
                     "name each instance, as in 'test-props:a' and 'test-props:b'");
  assert_load_error ("[exchange]\nexchanges=csv:\n", AAT_CONFIG_ERROR_SPEC,
                     "run.cfg: [exchange] exchanges: bad plugin reference 'csv:'; expected "
                     "NAME or NAME:INSTANCE (letters, digits, '-', '_' and '.')");
}

static void
test_plugin_errors (void)
{
  assert_create_error ("[strategy]\nstrategies=test-prop\n", AAT_PLUGIN_KIND_STRATEGY,
                       AAT_CONFIG_ERROR_UNKNOWN_PLUGIN,
                       "run.cfg: [strategy] strategies: unknown strategy 'test-prop'; did you "
                       "mean 'test-props'?");
  assert_create_error ("[strategy]\nstrategies=test-stream\n", AAT_PLUGIN_KIND_STRATEGY,
                       AAT_CONFIG_ERROR_UNKNOWN_PLUGIN,
                       "run.cfg: [strategy] strategies: unknown strategy 'test-stream'; "
                       "'test-stream' is an exchange");
  assert_create_error ("[risk]\npolicies=max-loss\n", AAT_PLUGIN_KIND_RISK_POLICY,
                       AAT_CONFIG_ERROR_UNKNOWN_PLUGIN,
                       "run.cfg: [risk] policies: unknown risk 'max-loss'; known: test-risk");
  assert_create_error ("[strategy]\nstrategies=test-props:x\n[strategy test-props:x]\ncont=1\n",
                       AAT_PLUGIN_KIND_STRATEGY, AAT_CONFIG_ERROR_UNKNOWN_KEY,
                       "run.cfg: [strategy test-props:x] cont: unknown key; strategy "
                       "'test-props' has no property 'cont'; did you mean 'count'?");

  /* No close name: the properties are listed (those of the base class too). */
  {
    g_autoptr (AatRunConfig) config = load ("[exchange]\nexchanges=test-stream\n"
                                            "[exchange test-stream]\nzzz=1\n");
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) plugins = NULL;

    plugins = aat_run_config_create_plugins (config, registry, AAT_PLUGIN_KIND_EXCHANGE, &error);
    g_assert_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_UNKNOWN_KEY);
    g_assert_true (g_str_has_prefix (error->message,
                                     "run.cfg: [exchange test-stream] zzz: unknown key; "
                                     "exchange 'test-stream' has no property 'zzz' (its "
                                     "properties: "));
    g_assert_nonnull (strstr (error->message, ", count, "));
    g_assert_nonnull (strstr (error->message, ", symbol"));
  }
}

static void
test_value_errors (void)
{
  struct { const char *line; const char *message; } cases[] = {
    { "count=many", "count: invalid value 'many'; expected an integer from 0 to 100" },
    { "count=101", "count: invalid value '101'; expected an integer from 0 to 100" },
    { "count=1.5", "count: invalid value '1.5'; expected an integer from 0 to 100" },
    { "level=-1", "level: invalid value '-1'; expected a non-negative integer" },
    { "big=1e3", "big: invalid value '1e3'; expected an integer" },
    { "ratio=abc", "ratio: invalid value 'abc'; expected a number from 0 to 1" },
    { "ratio=1.5", "ratio: invalid value '1.5'; expected a number from 0 to 1" },
    { "ratio=nan", "ratio: invalid value 'nan'; expected a number from 0 to 1" },
    { "enabled=maybe", "enabled: invalid value 'maybe'; expected true or false" },
    { "side=up", "side: invalid value 'up'; expected one of buy, sell" },
    { "options=fast|slow", "options: invalid value 'fast|slow'; expected flags among fast, "
                           "safe, loud, joined with |" },
    { "start-time=tomorrow", "start-time: invalid value 'tomorrow'; expected a date-time "
                             "(ISO 8601 or YYYY-MM-DD)" },
    { "start-time=-5", "start-time: invalid value '-5'; expected a date-time (ISO 8601 or "
                       "YYYY-MM-DD)" },
    { "when=12:00", "when: invalid value '12:00'; expected a date-time (ISO 8601 or "
                    "YYYY-MM-DD)" },
    { "fills=3", "fills: property 'fills' of strategy 'test-props' is read-only" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("[strategy]\nstrategies=test-props\n"
                                               "[strategy test-props]\n%s\n", cases[i].line);
      g_autofree char *expected = g_strdup_printf ("run.cfg: [strategy test-props] %s",
                                                   cases[i].message);

      assert_create_error (text, AAT_PLUGIN_KIND_STRATEGY,
                           strstr (cases[i].message, "read-only") ? AAT_CONFIG_ERROR_UNKNOWN_KEY
                                                                   : AAT_CONFIG_ERROR_INVALID_VALUE,
                           expected);
    }
}

/* ---------------------------------------------------------------- the engine */

static void
test_build_engine (void)
{
  g_autoptr (AatRunConfig) config = NULL;
  g_autoptr (AatEngine) engine = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *strategies;
  guint64 seed;
  gint64 start, end;
  AatExitRoutine routine;
  gboolean verbose;

  config = load ("[general]\ntrading_type=backtest\nseed=7\nstart_time=2024-01-01\n"
                 "end_time=2024-01-02\nexit_routine=cancel-all\nverbose=true\ncash=5000\n"
                 "[exchange]\nexchanges=test-stream\n"
                 "[exchange test-stream]\ncount=10\nsymbol=XYZ\n"
                 "[strategy]\nstrategies=test-buyer:one;test-buyer:two\n"
                 "[risk]\npolicies=test-risk\n"
                 "[execution]\npolicy=test-exec\n");
  engine = aat_run_config_build_engine (config, registry, &error);
  g_assert_no_error (error);
  g_assert_nonnull (engine);
  g_assert_cmpint (aat_engine_get_trading_type (engine), ==, AAT_TRADING_TYPE_BACKTEST);
  g_object_get (engine, "seed", &seed, "start-time", &start, "end-time", &end,
                "exit-routine", &routine, "verbose", &verbose, NULL);
  g_assert_cmpuint (seed, ==, 7);
  g_assert_cmpint (start, ==, G_GINT64_CONSTANT (1704067200) * AAT_TIME_SECOND);
  g_assert_cmpint (end, ==, G_GINT64_CONSTANT (1704153600) * AAT_TIME_SECOND);
  g_assert_cmpint (routine, ==, AAT_EXIT_ROUTINE_CANCEL_ALL);
  g_assert_true (verbose);
  strategies = aat_engine_get_strategies (engine);
  g_assert_cmpuint (strategies->len, ==, 2);
  g_assert_cmpstr (aat_strategy_get_name (strategies->pdata[0]), ==, "test-buyer:one");
  g_assert_cmpstr (aat_strategy_get_name (strategies->pdata[1]), ==, "test-buyer:two");
  g_assert_cmpuint (aat_engine_get_exchanges (engine)->len, ==, 1);
  g_assert_cmpfloat (aat_portfolio_get_initial_cash (aat_engine_get_portfolio (engine),
                                                     strategies->pdata[0]), ==, 5000);
}

static void
test_build_engine_errors (void)
{
  g_autoptr (AatRunConfig) config = NULL;
  g_autoptr (GError) error = NULL;

  config = load ("[exchange]\nexchanges=test-stream\n"
                 "[strategy]\nstrategies=test-buyer\n"
                 "[execution]\npolicy=test-exec;test-exec:b\n");
  g_assert_null (aat_run_config_build_engine (config, registry, &error));
  g_assert_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_DUPLICATE);
  g_assert_cmpstr (error->message, ==, "run.cfg: [execution] policy: only one execution "
                   "policy can be given");
  g_clear_error (&error);
  g_clear_object (&config);

  config = load ("[exchange]\nexchanges=test-stream\n"
                 "[strategy]\nstrategies=test-buyer;nope\n");
  g_assert_null (aat_run_config_build_engine (config, registry, &error));
  g_assert_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_UNKNOWN_PLUGIN);
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autofree char *good = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  good = g_build_filename (g_getenv ("AAT_TEST_PLUGINS_DIR"), "good", NULL);
  registry = aat_registry_new ();
  aat_registry_add_dir (registry, good);
  aat_registry_scan (registry, &errors);
  g_assert_cmpuint (errors->len, ==, 0);

  g_test_add_func ("/config/load/general", test_general);
  g_test_add_func ("/config/load/lists", test_lists);
  g_test_add_func ("/config/load/missing-file", test_missing_file);
  g_test_add_func ("/config/load/errors", test_load_errors);
  g_test_add_func ("/config/values/every-type", test_every_type);
  g_test_add_func ("/config/values/parse", test_values);
  g_test_add_func ("/config/values/errors", test_value_errors);
  g_test_add_func ("/config/plugins/instances", test_instances);
  g_test_add_func ("/config/plugins/errors", test_plugin_errors);
  g_test_add_func ("/config/flags/override", test_flags_override);
  g_test_add_func ("/config/flags/errors", test_flag_errors);
  g_test_add_func ("/config/engine/build", test_build_engine);
  g_test_add_func ("/config/engine/errors", test_build_engine_errors);

  status = g_test_run ();
  g_object_unref (registry);
  return status;
}
