/* test-module.c: module loading and the registry.
 *
 * Every test that loads a module runs in a subprocess (modules stay resident and
 * types cannot be unregistered), over one fixture directory of tests/plugins/ at a
 * time, with a fresh registry and no AAT_MODULE_PATH.
 */
#include "config.h"

#include <string.h>
#include <aat.h>

static char *
fixture_dir (const char *name)
{
  const char *base = g_getenv ("AAT_TEST_PLUGINS_DIR");

  g_assert_nonnull (base);
  return g_build_filename (base, name, NULL);
}

static char *
fixture_file (const char *dir, const char *file)
{
  g_autofree char *d = fixture_dir (dir);

  return g_build_filename (d, file, NULL);
}

/* A fresh registry over the given fixture directories, scanned. */
static AatRegistry *
scan_fixtures (GPtrArray **errors, const char *first, ...)
{
  AatRegistry *registry = aat_registry_new ();
  const char *name;
  va_list ap;

  va_start (ap, first);
  for (name = first; name != NULL; name = va_arg (ap, const char *))
    {
      g_autofree char *dir = fixture_dir (name);
      aat_registry_add_dir (registry, dir);
    }
  va_end (ap);
  aat_registry_scan (registry, errors);
  return registry;
}

static void
assert_one_error (GPtrArray *errors, gint code, const char *expected)
{
  GError *error;

  g_assert_cmpuint (errors->len, ==, 1);
  error = g_ptr_array_index (errors, 0);
  g_assert_error (error, AAT_MODULE_ERROR, code);
  g_assert_cmpstr (error->message, ==, expected);
}

#define IN_SUBPROCESS()                                                   \
  if (!g_test_subprocess ())                                              \
    {                                                                     \
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR); \
      g_test_trap_assert_passed ();                                       \
      return;                                                             \
    }                                                                     \
  g_unsetenv ("AAT_MODULE_PATH")

/* ---------------------------------------------------------------- discovery */

static void
test_scan_good (void)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (AatRegistry) registry = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *path = NULL;
  AatPluginInfo *info;
  static const char * const expected[] = {
    "strategy test-buyer", "strategy test-fail", "strategy test-props",
    "exchange test-stream", "risk test-risk", "execution test-exec",
  };
  guint i;

  IN_SUBPROCESS ();

  registry = scan_fixtures (&errors, "good", NULL);
  g_assert_cmpuint (errors->len, ==, 0);
  g_assert_cmpuint (aat_registry_get_n_modules (registry), ==, 1);

  info = aat_registry_lookup (registry, AAT_PLUGIN_KIND_STRATEGY, "test-props");
  g_assert_nonnull (info);
  path = fixture_file ("good", "libtest-good.so");
  g_assert_cmpint (aat_plugin_info_get_kind (info), ==, AAT_PLUGIN_KIND_STRATEGY);
  g_assert_cmpstr (aat_plugin_info_get_name (info), ==, "test-props");
  g_assert_cmpstr (aat_plugin_info_get_description (info), ==, "A property of every type");
  g_assert_cmpstr (g_type_name (aat_plugin_info_get_gtype (info)), ==, "TestProps");
  g_assert_true (g_type_is_a (aat_plugin_info_get_gtype (info), AAT_TYPE_STRATEGY));
  g_assert_cmpstr (aat_plugin_info_get_module_name (info), ==, "test-good");
  g_assert_cmpstr (aat_plugin_info_get_module_version (info), ==, "1.0");
  g_assert_cmpstr (aat_plugin_info_get_module_path (info), ==, path);

  /* Kinds are separate name spaces. */
  g_assert_null (aat_registry_lookup (registry, AAT_PLUGIN_KIND_EXCHANGE, "test-props"));
  g_assert_nonnull (aat_registry_lookup (registry, AAT_PLUGIN_KIND_EXCHANGE, "test-stream"));

  list = aat_registry_list_plugins (registry);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (expected));
  for (i = 0; i < list->len; i++)
    {
      AatPluginInfo *p = g_ptr_array_index (list, i);
      g_autofree char *s = g_strdup_printf ("%s %s",
                                            aat_plugin_kind_to_string (aat_plugin_info_get_kind (p)),
                                            aat_plugin_info_get_name (p));
      g_assert_cmpstr (s, ==, expected[i]);
    }

  /* Scanning again finds nothing new and reports nothing. */
  g_clear_pointer (&errors, g_ptr_array_unref);
  g_assert_cmpuint (aat_registry_scan (registry, &errors), ==, 1);
  g_assert_cmpuint (errors->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = aat_registry_list_plugins (registry);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (expected));
}

static void
test_two_registries (void)
{
  g_autoptr (GPtrArray) e1 = NULL;
  g_autoptr (GPtrArray) e2 = NULL;
  g_autoptr (AatRegistry) r1 = NULL;
  g_autoptr (AatRegistry) r2 = NULL;

  IN_SUBPROCESS ();

  /* A module is loaded once per process; a second registry sees the same plugins, and
   * the same init error for a broken one. */
  r1 = scan_fixtures (&e1, "good", "initfail", NULL);
  r2 = scan_fixtures (&e2, "good", "initfail", NULL);
  g_assert_nonnull (aat_registry_lookup (r2, AAT_PLUGIN_KIND_STRATEGY, "test-buyer"));
  g_assert_cmpuint (e1->len, ==, 1);
  g_assert_cmpuint (e2->len, ==, 1);
  g_assert_cmpstr (((GError *) e1->pdata[0])->message, ==, ((GError *) e2->pdata[0])->message);
}

static void
test_dirs_order (void)
{
  g_autoptr (AatRegistry) registry = NULL;
  const char * const *dirs;

  IN_SUBPROCESS ();

  g_setenv ("AAT_MODULE_PATH", "/tmp/aat-a:/tmp/aat-b", TRUE);
  registry = aat_registry_new ();
  g_assert_null (aat_registry_get_dirs (registry)[0]);
  aat_registry_add_dir (registry, "/tmp/aat-explicit");
  aat_registry_add_default_dirs (registry);
  aat_registry_add_dir (registry, "/tmp/aat-a");   /* already there: ignored */
  dirs = aat_registry_get_dirs (registry);
  g_assert_cmpstr (dirs[0], ==, "/tmp/aat-explicit");
  g_assert_cmpstr (dirs[1], ==, AAT_MODULEDIR);
  g_assert_cmpstr (dirs[2], ==, "/tmp/aat-a");
  g_assert_cmpstr (dirs[3], ==, "/tmp/aat-b");
  g_assert_null (dirs[4]);

  /* The default registry: built-in directory first, then the environment. */
  dirs = aat_registry_get_dirs (aat_registry_get_default ());
  g_assert_cmpstr (dirs[0], ==, AAT_MODULEDIR);
  g_assert_cmpstr (dirs[1], ==, "/tmp/aat-a");
  g_assert_cmpstr (dirs[2], ==, "/tmp/aat-b");
  g_assert_null (dirs[3]);
}

static void
test_missing_dirs (void)
{
  g_autoptr (AatRegistry) registry = NULL;
  g_autoptr (GPtrArray) errors = NULL;

  IN_SUBPROCESS ();

  /* A missing default directory is normal; a missing explicit one is reported. */
  g_setenv ("AAT_MODULE_PATH", "/nonexistent/aat-env", TRUE);
  registry = aat_registry_new ();
  aat_registry_add_default_dirs (registry);
  aat_registry_add_dir (registry, "/nonexistent/aat-explicit");
  aat_registry_scan (registry, &errors);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_error ((GError *) errors->pdata[0], AAT_MODULE_ERROR, AAT_MODULE_ERROR_OPEN);
  g_assert_true (g_str_has_prefix (((GError *) errors->pdata[0])->message,
                                   "/nonexistent/aat-explicit: cannot read the modules directory: "));
}

/* ---------------------------------------------------------------- broken modules */

static void
test_no_entry (void)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (AatRegistry) registry = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  IN_SUBPROCESS ();

  registry = scan_fixtures (&errors, "noentry", NULL);
  path = fixture_file ("noentry", "libtest-noentry.so");
  expected = g_strdup_printf ("%s: not an aat module: it has no 'aat_module_descriptor' "
                              "symbol (define one with AAT_MODULE_DEFINE)", path);
  assert_one_error (errors, AAT_MODULE_ERROR_NO_ENTRY, expected);
  g_assert_cmpuint (aat_registry_get_n_modules (registry), ==, 0);
}

static void
test_bad_abi (void)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (AatRegistry) registry = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  IN_SUBPROCESS ();

  registry = scan_fixtures (&errors, "badabi", NULL);
  path = fixture_file ("badabi", "libtest-badabi.so");
  expected = g_strdup_printf ("%s: module 'test-badabi' was built for aat ABI %d.0, but "
                              "this library has ABI %d.%d (the major version must be equal)",
                              path, AAT_ABI_MAJOR + 1, AAT_ABI_MAJOR, AAT_ABI_MINOR);
  assert_one_error (errors, AAT_MODULE_ERROR_ABI, expected);
}

static void
test_newer_abi (void)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (AatRegistry) registry = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  IN_SUBPROCESS ();

  registry = scan_fixtures (&errors, "newabi", NULL);
  path = fixture_file ("newabi", "libtest-newabi.so");
  expected = g_strdup_printf ("%s: module 'test-newabi' was built for aat ABI %d.%d, but "
                              "this library has ABI %d.%d (the module is newer than the "
                              "library)", path, AAT_ABI_MAJOR, AAT_ABI_MINOR + 1,
                              AAT_ABI_MAJOR, AAT_ABI_MINOR);
  assert_one_error (errors, AAT_MODULE_ERROR_ABI, expected);
}

static void
test_unresolved (void)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (AatRegistry) registry = NULL;
  g_autofree char *path = NULL;
  g_autofree char *prefix = NULL;
  GError *error;

  IN_SUBPROCESS ();

  registry = scan_fixtures (&errors, "unresolved", NULL);
  path = fixture_file ("unresolved", "libtest-unresolved.so");
  prefix = g_strdup_printf ("%s: cannot load module: ", path);
  g_assert_cmpuint (errors->len, ==, 1);
  error = errors->pdata[0];
  g_assert_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_OPEN);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  /* dlerror()'s text names the symbol. */
  g_assert_nonnull (strstr (error->message, "undefined symbol: aat_test_function_that_does_not_exist"));
}

static void
test_not_elf (void)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (AatRegistry) registry = NULL;
  g_autofree char *path = NULL;
  g_autofree char *prefix = NULL;
  GError *error;

  IN_SUBPROCESS ();

  registry = scan_fixtures (&errors, "notelf", NULL);
  path = fixture_file ("notelf", "x.so");
  prefix = g_strdup_printf ("%s: cannot load module: ", path);
  g_assert_cmpuint (errors->len, ==, 1);
  error = errors->pdata[0];
  g_assert_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_OPEN);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_assert_true (strstr (error->message, "invalid ELF header") != NULL ||
                 strstr (error->message, "file too short") != NULL);
}

static void
test_init_fails (void)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (AatRegistry) registry = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  IN_SUBPROCESS ();

  registry = scan_fixtures (&errors, "initfail", NULL);
  path = fixture_file ("initfail", "libtest-initfail.so");
  expected = g_strdup_printf ("%s: module 'test-initfail' failed to initialize: the "
                              "exchange credentials are missing", path);
  assert_one_error (errors, AAT_MODULE_ERROR_INIT, expected);
}

static void
test_duplicate (void)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (AatRegistry) registry = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *expected = NULL;
  AatPluginInfo *info;

  IN_SUBPROCESS ();

  registry = scan_fixtures (&errors, "dup", NULL);
  a = fixture_file ("dup", "libtest-dup-a.so");
  b = fixture_file ("dup", "libtest-dup-b.so");
  expected = g_strdup_printf ("duplicate strategy 'test-dup': provided by both '%s' and "
                              "'%s'; the second is ignored", a, b);
  assert_one_error (errors, AAT_MODULE_ERROR_DUPLICATE, expected);

  /* The first keeps the name; everything else of both modules is there. */
  info = aat_registry_lookup (registry, AAT_PLUGIN_KIND_STRATEGY, "test-dup");
  g_assert_cmpstr (aat_plugin_info_get_module_path (info), ==, a);
  g_assert_nonnull (aat_registry_lookup (registry, AAT_PLUGIN_KIND_STRATEGY, "test-only-a"));
  g_assert_nonnull (aat_registry_lookup (registry, AAT_PLUGIN_KIND_STRATEGY, "test-only-b"));
}

static void
test_broken_do_not_stop_the_scan (void)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (AatRegistry) registry = NULL;
  static const gint codes[] = {
    AAT_MODULE_ERROR_NO_ENTRY, AAT_MODULE_ERROR_ABI, AAT_MODULE_ERROR_ABI,
    AAT_MODULE_ERROR_OPEN, AAT_MODULE_ERROR_OPEN, AAT_MODULE_ERROR_INIT,
  };
  guint i;

  IN_SUBPROCESS ();

  /* The good module comes last: the broken ones before it must not stop the scan. */
  registry = scan_fixtures (&errors, "noentry", "badabi", "newabi", "unresolved", "notelf",
                            "initfail", "good", NULL);
  g_assert_cmpuint (errors->len, ==, G_N_ELEMENTS (codes));
  for (i = 0; i < errors->len; i++)
    g_assert_error ((GError *) errors->pdata[i], AAT_MODULE_ERROR, codes[i]);
  g_assert_nonnull (aat_registry_lookup (registry, AAT_PLUGIN_KIND_STRATEGY, "test-props"));
  g_assert_cmpuint (aat_registry_get_n_modules (registry), ==, 1);
}

static void
test_load_module (void)
{
  g_autoptr (AatRegistry) registry = aat_registry_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;

  IN_SUBPROCESS ();

  good = fixture_file ("good", "libtest-good.so");
  bad = fixture_file ("noentry", "libtest-noentry.so");
  g_assert_true (aat_registry_load_module (registry, good, &error));
  g_assert_no_error (error);
  g_assert_true (aat_registry_load_module (registry, good, &error));  /* again: no-op */
  g_assert_false (aat_registry_load_module (registry, bad, &error));
  g_assert_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_NO_ENTRY);
}

/* ---------------------------------------------------------------- lookups */

#define TEST_TYPE_LOCAL (test_local_get_type ())
G_DECLARE_FINAL_TYPE (TestLocal, test_local, TEST, LOCAL, AatStrategy)
struct _TestLocal { AatStrategy parent_instance; };
G_DEFINE_FINAL_TYPE (TestLocal, test_local, AAT_TYPE_STRATEGY)
static void test_local_class_init (TestLocalClass *klass) { }
static void test_local_init (TestLocal *self) { }

static void
test_register_type (void)
{
  g_autoptr (AatRegistry) registry = aat_registry_new ();
  g_autoptr (GError) error = NULL;
  AatPluginInfo *info;

  g_assert_true (aat_registry_register_type (registry, AAT_PLUGIN_KIND_STRATEGY, "local",
                                             "Defined by the test", TEST_TYPE_LOCAL, &error));
  g_assert_no_error (error);
  info = aat_registry_lookup (registry, AAT_PLUGIN_KIND_STRATEGY, "local");
  g_assert_nonnull (info);
  g_assert_null (aat_plugin_info_get_module_path (info));
  g_assert_null (aat_plugin_info_get_module_name (info));

  g_assert_false (aat_registry_register_type (registry, AAT_PLUGIN_KIND_STRATEGY, "local",
                                              NULL, TEST_TYPE_LOCAL, &error));
  g_assert_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_DUPLICATE);
  g_assert_cmpstr (error->message, ==, "duplicate strategy 'local': provided by both "
                   "'(registered by the application)' and '(registered by the application)'; "
                   "the second is ignored");
  g_clear_error (&error);

  g_assert_false (aat_registry_register_type (registry, AAT_PLUGIN_KIND_EXCHANGE, "local",
                                              NULL, TEST_TYPE_LOCAL, &error));
  g_assert_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "exchange 'local' has type 'TestLocal', which is "
                   "not a non-abstract subclass of AatExchange");
  g_clear_error (&error);

  g_assert_false (aat_registry_register_type (registry, AAT_PLUGIN_KIND_STRATEGY, "a b",
                                              NULL, TEST_TYPE_LOCAL, &error));
  g_assert_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "'a b' is not a valid plugin name (use letters, "
                   "digits, '-', '_' and '.')");
}

static void
test_find (void)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (AatRegistry) registry = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *s = NULL;

  IN_SUBPROCESS ();

  registry = scan_fixtures (&errors, "good", NULL);
  g_assert_nonnull (aat_registry_find (registry, AAT_PLUGIN_KIND_STRATEGY, "test-props", &error));
  g_assert_no_error (error);

  g_assert_null (aat_registry_find (registry, AAT_PLUGIN_KIND_STRATEGY, "test-prop", &error));
  g_assert_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "unknown strategy 'test-prop'; did you mean 'test-props'?");
  g_clear_error (&error);

  g_assert_null (aat_registry_find (registry, AAT_PLUGIN_KIND_STRATEGY, "test-stream", &error));
  g_assert_cmpstr (error->message, ==, "unknown strategy 'test-stream'; 'test-stream' is an exchange");
  g_clear_error (&error);

  g_assert_null (aat_registry_find (registry, AAT_PLUGIN_KIND_STRATEGY, "momentum", &error));
  g_assert_cmpstr (error->message, ==, "unknown strategy 'momentum'; known: test-buyer, "
                   "test-fail, test-props");
  g_clear_error (&error);

  g_assert_null (aat_registry_find (registry, AAT_PLUGIN_KIND_EXECUTION_POLICY, "test-risk", &error));
  g_assert_cmpstr (error->message, ==, "unknown execution 'test-risk'; 'test-risk' is a risk policy");
  g_clear_error (&error);

  s = aat_registry_suggest (registry, AAT_PLUGIN_KIND_EXCHANGE, "tset-stream");
  g_assert_cmpstr (s, ==, "test-stream");
}

static void
test_find_empty (void)
{
  g_autoptr (AatRegistry) registry = aat_registry_new ();
  g_autoptr (GError) error = NULL;

  g_assert_null (aat_registry_find (registry, AAT_PLUGIN_KIND_EXCHANGE, "synthetic", &error));
  g_assert_cmpstr (error->message, ==, "unknown exchange 'synthetic'; no exchange plugin is "
                   "installed (see aat-run --list)");
}

static void
test_edit_distance (void)
{
  static const char * const names[] = { "buy-and-hold", "synthetic", "csv", "momentum", NULL };

  g_assert_cmpuint (aat_string_edit_distance ("", ""), ==, 0);
  g_assert_cmpuint (aat_string_edit_distance ("abc", ""), ==, 3);
  g_assert_cmpuint (aat_string_edit_distance ("kitten", "sitting"), ==, 3);
  g_assert_cmpuint (aat_string_edit_distance ("synthetic", "sytnhetic"), ==, 1);  /* swap */
  g_assert_cmpuint (aat_string_edit_distance ("CSV", "csv"), ==, 0);

  g_assert_cmpstr (aat_string_closest ("buy-and-hol", names), ==, "buy-and-hold");
  g_assert_cmpstr (aat_string_closest ("buy_and_hold", names), ==, "buy-and-hold");
  g_assert_cmpstr (aat_string_closest ("synthtic", names), ==, "synthetic");
  g_assert_cmpstr (aat_string_closest ("cvs", names), ==, "csv");
  g_assert_cmpstr (aat_string_closest ("mom", names), ==, "momentum");      /* a prefix */
  g_assert_null (aat_string_closest ("xyz", names));
  g_assert_null (aat_string_closest ("binance", names));
}

/* ---------------------------------------------------------------- listing */

static void
test_listing (void)
{
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (AatRegistry) registry = NULL;
  g_autofree char *text = NULL;
  g_autofree char *one = NULL;
  g_autofree char *module_line = NULL;
  g_autofree char *path = NULL;
  static const char * const lines[] = {
    "strategy test-props: A property of every type\n",
    "  type        TestProps\n",
    "  properties\n",
    "    count               : How many\n"
    "                          int [0, 100], default: 3\n",
    "    level               : A level\n"
    "                          uint, default: 7\n",
    "    big                 : A big signed number\n"
    "                          int64, default: -5\n",
    "    ubig                : A big unsigned number\n"
    "                          uint64, default: 5\n",
    "    ratio               : A fraction\n"
    "                          double [0, 1], default: 0.5\n",
    "    enabled             : On or off\n"
    "                          boolean, default: false\n",
    "    label               : Some text\n"
    "                          string, default: \"none\"\n",
    "    side                : Which side\n"
    "                          enum AatSide (buy, sell), default: buy\n",
    "    options             : Some options\n"
    "                          flags TestOptions (fast, safe, loud; join with |), default: safe\n",
    "    start-time          : When to start (ns)\n"
    "                          date-time (ISO 8601 or YYYY-MM-DD), default: 0 (unset)\n",
    "    when                : A date-time\n"
    "                          date-time (ISO 8601 or YYYY-MM-DD), default: (none)\n",
    "    symbols             : Instruments\n"
    "                          string list (separated by ;), default: (none)\n",
    "    fills               : Read-only counter\n"
    "                          int >= 0, default: 0, read-only\n",
  };
  guint i;

  IN_SUBPROCESS ();

  registry = scan_fixtures (&errors, "good", NULL);
  one = aat_registry_describe_plugin (registry,
                                      aat_registry_lookup (registry, AAT_PLUGIN_KIND_STRATEGY,
                                                           "test-props"));
  for (i = 0; i < G_N_ELEMENTS (lines); i++)
    if (strstr (one, lines[i]) == NULL)
      g_error ("listing lacks:\n%s\nlisting:\n%s", lines[i], one);
  path = fixture_file ("good", "libtest-good.so");
  module_line = g_strdup_printf ("  module      test-good 1.0 (%s)\n", path);
  g_assert_nonnull (strstr (one, module_line));
  g_assert_true (g_str_has_prefix (one, lines[0]));

  text = aat_registry_format_listing (registry);
  g_assert_nonnull (strstr (text, one));
  g_assert_nonnull (strstr (text, "exchange test-stream: A stream of trades, endless with count=0\n"));
  g_assert_nonnull (strstr (text, "    count               : Trades to produce; 0 for an endless stream\n"
                                  "                          uint64, default: 100\n"));
  g_assert_nonnull (strstr (text, "risk test-risk: Passes every order\n"));
  g_assert_nonnull (strstr (text, "execution test-exec: Sends every order unchanged\n"));
  g_assert_true (g_str_has_suffix (text, "\n6 plugins from 1 module\n"));
  /* Strategies first, by name. */
  g_assert_true (g_str_has_prefix (text, "strategy test-buyer: "));
}

static void
test_kinds (void)
{
  AatPluginKind kind;

  g_assert_cmpstr (aat_plugin_kind_to_string (AAT_PLUGIN_KIND_STRATEGY), ==, "strategy");
  g_assert_cmpstr (aat_plugin_kind_to_string (AAT_PLUGIN_KIND_EXCHANGE), ==, "exchange");
  g_assert_cmpstr (aat_plugin_kind_to_string (AAT_PLUGIN_KIND_RISK_POLICY), ==, "risk");
  g_assert_cmpstr (aat_plugin_kind_to_string (AAT_PLUGIN_KIND_EXECUTION_POLICY), ==, "execution");
  g_assert_true (aat_plugin_kind_from_string ("risk", &kind));
  g_assert_cmpint (kind, ==, AAT_PLUGIN_KIND_RISK_POLICY);
  g_assert_false (aat_plugin_kind_from_string ("strategies", &kind));
  g_assert_true (aat_plugin_kind_get_base_type (AAT_PLUGIN_KIND_EXECUTION_POLICY) ==
                 AAT_TYPE_EXECUTION_POLICY);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/module/scan/good", test_scan_good);
  g_test_add_func ("/module/scan/two-registries", test_two_registries);
  g_test_add_func ("/module/scan/broken-do-not-stop-the-scan", test_broken_do_not_stop_the_scan);
  g_test_add_func ("/module/scan/load-one", test_load_module);
  g_test_add_func ("/module/dirs/order", test_dirs_order);
  g_test_add_func ("/module/dirs/missing", test_missing_dirs);
  g_test_add_func ("/module/broken/no-entry", test_no_entry);
  g_test_add_func ("/module/broken/other-major-abi", test_bad_abi);
  g_test_add_func ("/module/broken/newer-minor-abi", test_newer_abi);
  g_test_add_func ("/module/broken/unresolved-symbol", test_unresolved);
  g_test_add_func ("/module/broken/not-elf", test_not_elf);
  g_test_add_func ("/module/broken/init-fails", test_init_fails);
  g_test_add_func ("/module/broken/duplicate-name", test_duplicate);
  g_test_add_func ("/module/registry/register-type", test_register_type);
  g_test_add_func ("/module/registry/find", test_find);
  g_test_add_func ("/module/registry/find-empty", test_find_empty);
  g_test_add_func ("/module/registry/kinds", test_kinds);
  g_test_add_func ("/module/suggest/edit-distance", test_edit_distance);
  g_test_add_func ("/module/listing", test_listing);

  return g_test_run ();
}
