/* A module that calls a function no library defines: dlopen(RTLD_NOW) must refuse it. */
#include <aat.h>

extern int aat_test_function_that_does_not_exist (int x);

static gboolean
unresolved_init (AatModule *module, GError **error)
{
  return aat_test_function_that_does_not_exist (1) == 2;
}

AAT_MODULE_DEFINE ("test-unresolved", "Needs a symbol nobody has", "1.0", unresolved_init);
