/* One of two modules that provide the same strategy name. */
#include <aat.h>

#define TEST_TYPE_DUP_B (test_dup_b_get_type ())
G_DECLARE_FINAL_TYPE (TestDupB, test_dup_b, TEST, DUP_B, AatStrategy)
struct _TestDupB { AatStrategy parent_instance; };
G_DEFINE_FINAL_TYPE (TestDupB, test_dup_b, AAT_TYPE_STRATEGY)
static void test_dup_b_class_init (TestDupBClass *klass) { }
static void test_dup_b_init (TestDupB *self) { }

static gboolean
dup_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "test-dup",
                              "Provided twice", TEST_TYPE_DUP_B, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "test-only-b",
                              "Provided once", TEST_TYPE_DUP_B, error);
}

AAT_MODULE_DEFINE ("test-dup-b", "Provides test-dup", "1.0", dup_init);
