/* aat-execution-policy.h: turns an approved order into exchange orders. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

#define AAT_TYPE_EXECUTION_POLICY (aat_execution_policy_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (AatExecutionPolicy, aat_execution_policy, AAT, EXECUTION_POLICY, GObject)

/**
 * AatExecutionPolicyClass:
 * @parent_class: the parent class
 * @execute: send @order, or child orders made from it, with aat_engine_send_order().
 *   The default sends it unchanged.
 * @on_time: told of engine time advancing, for policies that slice over time
 *
 * The execution engine's policy.
 */
struct _AatExecutionPolicyClass
{
  GObjectClass parent_class;

  void (*execute) (AatExecutionPolicy *self, AatEngine *engine, AatOrder *order);
  void (*on_time) (AatExecutionPolicy *self, AatEngine *engine, AatTime now);

  /*< private >*/
  gpointer padding[8];
};

AAT_AVAILABLE_IN_ALL
AatExecutionPolicy *aat_execution_policy_new (void);
AAT_AVAILABLE_IN_ALL
void aat_execution_policy_execute (AatExecutionPolicy *self, AatEngine *engine, AatOrder *order);

G_END_DECLS
