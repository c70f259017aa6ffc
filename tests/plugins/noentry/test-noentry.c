/* A shared object with no aat_module_descriptor. */
#include <gmodule.h>

G_MODULE_EXPORT int test_noentry_something (void);

G_MODULE_EXPORT int
test_noentry_something (void)
{
  return 42;
}
