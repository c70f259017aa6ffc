/* A module whose init function fails. */
#include <aat.h>

static gboolean
initfail_init (AatModule *module, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "the exchange credentials are missing");
  return FALSE;
}

AAT_MODULE_DEFINE ("test-initfail", "Fails to initialize", "1.0", initfail_init);
