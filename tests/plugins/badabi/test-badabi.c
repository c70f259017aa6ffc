/* A module built for another ABI major. */
#include <aat.h>

static gboolean
badabi_init (AatModule *module, GError **error)
{
  return TRUE;
}

G_MODULE_EXPORT const AatModuleDescriptor aat_module_descriptor = {
  AAT_ABI_MAJOR + 1, 0, "test-badabi", "Built for the next major ABI", "1.0", badabi_init,
  { NULL }
};
