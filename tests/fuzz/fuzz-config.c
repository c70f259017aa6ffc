/* fuzz-config: a run configuration (AatRunConfig) from a keyfile string: the keyfile
 * syntax, group names, [general] values and plugin references; then the specs parser. */
#include <aat.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  AatRunConfig *config = aat_run_config_new ();
  GError *error = NULL;
  char *text = g_strndup ((const char *) data, size);
  char **specs;

  if (aat_run_config_load_data (config, (const char *) data, size, "fuzz.cfg", &error))
    {
      for (int k = 0; k <= AAT_PLUGIN_KIND_EXECUTION_POLICY; k++)
        g_strfreev (aat_run_config_get_plugins (config, k));
    }
  else
    g_assert_nonnull (error);
  g_clear_error (&error);

  /* each line as a --strategies spec */
  specs = g_strsplit (text, "\n", 8);
  if (!aat_run_config_set_plugins_from_specs (config, AAT_PLUGIN_KIND_STRATEGY, (const char * const *) specs,
                                              "--strategies", &error))
    g_assert_nonnull (error);
  g_clear_error (&error);
  g_strfreev (specs);
  g_free (text);
  g_object_unref (config);
  return 0;
}
