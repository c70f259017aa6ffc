/* aat-execution-policy.c: the execution policy base class. The default sends each
 * approved order to its exchange unchanged. */
#include "config.h"
#include "aat-private.h"

G_DEFINE_TYPE (AatExecutionPolicy, aat_execution_policy, G_TYPE_OBJECT)

static void
default_execute (AatExecutionPolicy *self, AatEngine *engine, AatOrder *order)
{
  aat_engine_send_order (engine, order);
}

static void
aat_execution_policy_class_init (AatExecutionPolicyClass *klass)
{
  klass->execute = default_execute;
}

static void
aat_execution_policy_init (AatExecutionPolicy *self)
{
}

/**
 * aat_execution_policy_new:
 *
 * Returns: (transfer full): the pass-through policy
 */
AatExecutionPolicy *
aat_execution_policy_new (void)
{
  return g_object_new (AAT_TYPE_EXECUTION_POLICY, NULL);
}

/**
 * aat_execution_policy_execute:
 * @self: a policy
 * @engine: the engine
 * @order: an order the risk policies approved
 *
 * Sends @order (or child orders made from it) on with aat_engine_send_order().
 */
void
aat_execution_policy_execute (AatExecutionPolicy *self, AatEngine *engine, AatOrder *order)
{
  g_return_if_fail (AAT_IS_EXECUTION_POLICY (self));
  AAT_EXECUTION_POLICY_GET_CLASS (self)->execute (self, engine, order);
}
