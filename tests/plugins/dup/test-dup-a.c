/* One of two modules that provide the same strategy name. */
#include <aat.h>

#define TEST_TYPE_DUP_A (test_dup_a_get_type ())
G_DECLARE_FINAL_TYPE (TestDupA, test_dup_a, TEST, DUP_A, AatStrategy)
struct _TestDupA { AatStrategy parent_instance; };
G_DEFINE_FINAL_TYPE (TestDupA, test_dup_a, AAT_TYPE_STRATEGY)
static void test_dup_a_class_init (TestDupAClass *klass) { }
static void test_dup_a_init (TestDupA *self) { }

static gboolean
dup_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "test-dup",
                              "Provided twice", TEST_TYPE_DUP_A, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "test-only-a",
                              "Provided once", TEST_TYPE_DUP_A, error);
}

AAT_MODULE_DEFINE ("test-dup-a", "Provides test-dup", "1.0", dup_init);
