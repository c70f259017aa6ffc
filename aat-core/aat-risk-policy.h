/* aat-risk-policy.h: a check that passes, changes or refuses each order. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

#define AAT_TYPE_RISK_POLICY (aat_risk_policy_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (AatRiskPolicy, aat_risk_policy, AAT, RISK_POLICY, GObject)

/**
 * AatRiskPolicyClass:
 * @parent_class: the parent class
 * @check: return %TRUE to pass @order (possibly changed in place: volume, price), or
 *   %FALSE with a reason to refuse it
 * @on_fill: told of every fill, to keep the policy's own state
 *
 * A risk policy sees every order before it reaches the execution policy.
 */
struct _AatRiskPolicyClass
{
  GObjectClass parent_class;

  gboolean (*check)   (AatRiskPolicy *self, AatEngine *engine, AatStrategy *strategy,
                       AatOrder *order, char **reason);
  void     (*on_fill) (AatRiskPolicy *self, AatEngine *engine, AatStrategy *strategy,
                       AatTrade *trade);

  /*< private >*/
  gpointer padding[8];
};

AAT_AVAILABLE_IN_ALL
gboolean aat_risk_policy_check (AatRiskPolicy *self, AatEngine *engine, AatStrategy *strategy,
                                AatOrder *order, char **reason);

G_END_DECLS
