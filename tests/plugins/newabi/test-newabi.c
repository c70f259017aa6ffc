/* A module built for a newer ABI minor than the library's. */
#include <aat.h>

static gboolean
newabi_init (AatModule *module, GError **error)
{
  return TRUE;
}

G_MODULE_EXPORT const AatModuleDescriptor aat_module_descriptor = {
  AAT_ABI_MAJOR, AAT_ABI_MINOR + 1, "test-newabi", "Built for a newer minor ABI", "1.0",
  newabi_init, { NULL }
};
