/* aat-risk-policy.c: the risk policy base class. The default passes every order. */
#include "config.h"
#include "aat-private.h"

G_DEFINE_TYPE (AatRiskPolicy, aat_risk_policy, G_TYPE_OBJECT)

static gboolean
default_check (AatRiskPolicy *self, AatEngine *engine, AatStrategy *strategy, AatOrder *order,
               char **reason)
{
  return TRUE;
}

static void
aat_risk_policy_class_init (AatRiskPolicyClass *klass)
{
  klass->check = default_check;
}

static void
aat_risk_policy_init (AatRiskPolicy *self)
{
}

/**
 * aat_risk_policy_check:
 * @self: a risk policy
 * @engine: the engine
 * @strategy: (nullable): the strategy placing the order
 * @order: the order; the policy may change its volume or price
 * @reason: (out) (optional) (nullable) (transfer full): why it was refused
 *
 * Returns: %TRUE to pass the order on, %FALSE to refuse it
 */
gboolean
aat_risk_policy_check (AatRiskPolicy *self, AatEngine *engine, AatStrategy *strategy,
                       AatOrder *order, char **reason)
{
  char *why = NULL;
  gboolean ok;

  g_return_val_if_fail (AAT_IS_RISK_POLICY (self), FALSE);
  ok = AAT_RISK_POLICY_GET_CLASS (self)->check (self, engine, strategy, order, &why);
  if (!ok && why == NULL)
    why = g_strdup_printf ("refused by %s", G_OBJECT_TYPE_NAME (self));
  if (reason != NULL)
    *reason = why;
  else
    g_free (why);
  return ok;
}
