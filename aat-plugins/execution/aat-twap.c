/* aat-twap.c: `twap`, an execution policy that slices each parent order into child
 * orders spread evenly over a window of engine time.
 *
 *   [execution]
 *   policy=twap
 *   [execution twap]
 *   duration=60              seconds of engine time over which to spread a parent
 *   slices=6                 child orders per parent (one every duration/slices)
 *   min-volume=0             parents smaller than this are sent whole
 *
 * Data flow:
 * - execute(parent): the parent is held here, never sent. It is marked held
 *   (parent_id == id, which aat_engine_cancel_order() understands: cancelling it
 *   cancels it in the engine), acknowledged to its owner through its exchange, and the
 *   first slice is sent at once.
 * - on_time(now), called by the engine once per event: every parent whose next slice
 *   fell due sends it. A slice is the remaining volume divided by the remaining slices,
 *   snapped to the lot; the last slice takes the rest.
 * - A child is an #AatOrder of the parent's type, side, price and exchange, with
 *   strategy = the parent's owner and parent_id = the parent's id. The engine routes its
 *   responses by strategy, so the owner gets the child's on_received and each fill's
 *   on_bought/on_sold, and its portfolio moves; the engine also lists the child among the
 *   owner's orders, so cancel-all and close-all reach it.
 * - Each child's fills are added up into the parent (filled, average price, fees,
 *   status), through the engine's "order-updated" signal. A parent ends FILLED when its
 *   children filled it, or CANCELED when cancelled, its owner halted, or the engine
 *   stopped; then no more slices go out.
 */
#include <aat.h>
#include "aat-private.h"

#include <math.h>

#define AAT_TYPE_TWAP (aat_twap_get_type ())
G_DECLARE_FINAL_TYPE (AatTwap, aat_twap, AAT, TWAP, AatExecutionPolicy)

typedef struct {
  AatOrder *parent;         /* owned */
  GPtrArray *children;      /* owned AatOrder* */
  AatTime start, interval;
  guint sent;               /* slices sent */
  double sent_volume;
} Job;

struct _AatTwap
{
  AatExecutionPolicy parent_instance;
  double duration;
  guint slices;
  double min_volume;
  GPtrArray *jobs;          /* Job*, active */
  AatEngine *engine;        /* weak: the engine whose "order-updated" we watch */
  gulong handler;
  guint children_sent;
};

G_DEFINE_FINAL_TYPE (AatTwap, aat_twap, AAT_TYPE_EXECUTION_POLICY)

enum { PROP_0, PROP_DURATION, PROP_SLICES, PROP_MIN_VOLUME, PROP_CHILDREN, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
job_free (gpointer data)
{
  Job *job = data;

  aat_order_unref (job->parent);
  g_ptr_array_unref (job->children);
  g_free (job);
}

static AatExchange *
exchange_of (AatEngine *engine, AatOrder *order)
{
  AatExchange *ex = order->exchange != NULL ? aat_engine_get_exchange (engine, order->exchange) : NULL;
  GPtrArray *all = aat_engine_get_exchanges (engine);

  return ex != NULL ? ex : (all->len > 0 ? all->pdata[0] : NULL);
}

/* Adds the children's fills up into the parent. */
static void
sum_children (Job *job)
{
  AatOrder *p = job->parent;
  double filled = 0.0, value = 0.0, fees = 0.0;

  for (guint i = 0; i < job->children->len; i++)
    {
      AatOrder *c = job->children->pdata[i];
      filled += c->filled;
      value += c->fill_value;
      fees += c->fees;
    }
  p->filled = filled;
  p->fill_value = value;
  p->fees = fees;
  if (aat_order_is_done (p))
    return;
  if (filled + 1e-9 >= p->volume)
    p->status = AAT_ORDER_STATUS_FILLED;
  else if (filled > 0.0)
    p->status = AAT_ORDER_STATUS_PARTIAL;
}

static void
on_order_updated (AatEngine *engine, AatOrder *order, gpointer data)
{
  AatTwap *self = data;

  if (order->parent_id == 0 || order->parent_id == order->id)
    return;
  for (guint i = 0; i < self->jobs->len; i++)
    {
      Job *job = self->jobs->pdata[i];
      if (job->parent->id == order->parent_id)
        {
          sum_children (job);
          return;
        }
    }
}

static void
send_slice (AatTwap *self, AatEngine *engine, Job *job)
{
  AatOrder *p = job->parent;
  g_autoptr (AatOrder) child = NULL;
  guint left = self->slices - job->sent;
  double remaining = p->volume - job->sent_volume;
  double lot = aat_instrument_get_lot_size (p->instrument);
  double volume = remaining / MAX (left, 1);

  /* snapped down to the lot; the last slice takes the rest */
  if (left > 1 && lot > 0.0)
    volume = floor (volume / lot + 1e-9) * lot;
  else if (left <= 1)
    volume = remaining;

  job->sent++;
  if (volume <= 0.0)
    return;
  if (volume > remaining)
    volume = remaining;
  child = aat_order_new (p->instrument, p->side, p->type == AAT_ORDER_TYPE_LIMIT ? AAT_ORDER_TYPE_LIMIT : AAT_ORDER_TYPE_MARKET,
                         volume, p->type == AAT_ORDER_TYPE_LIMIT ? p->price : 0.0);
  child->exchange = p->exchange;
  child->strategy = p->strategy;
  child->parent_id = p->id;
  job->sent_volume += child->volume;
  g_ptr_array_add (job->children, aat_order_ref (child));
  self->children_sent++;
  aat_engine_send_order (engine, child);
}

static void
aat_twap_execute (AatExecutionPolicy *policy, AatEngine *engine, AatOrder *order)
{
  AatTwap *self = AAT_TWAP (policy);
  AatExchange *ex;
  Job *job;

  /* only plain market and limit orders with a volume are sliced */
  if (self->slices <= 1 || order->volume <= 0.0 || order->volume < self->min_volume ||
      (order->type != AAT_ORDER_TYPE_MARKET && order->type != AAT_ORDER_TYPE_LIMIT))
    {
      aat_engine_send_order (engine, order);
      return;
    }
  if (self->engine != engine)
    {
      if (self->engine != NULL)
        g_signal_handler_disconnect (self->engine, self->handler);
      g_set_weak_pointer (&self->engine, engine);
      self->handler = g_signal_connect (engine, "order-updated", G_CALLBACK (on_order_updated), self);
    }
  job = g_new0 (Job, 1);
  job->parent = aat_order_ref (order);
  job->children = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref);
  job->start = aat_engine_now (engine);
  job->interval = (AatTime) llround (self->duration * AAT_TIME_SECOND / self->slices);
  order->parent_id = order->id;       /* held here: see aat_engine_cancel_order() */
  g_ptr_array_add (self->jobs, job);
  ex = exchange_of (engine, order);
  if (ex != NULL)
    aat_exchange_emit_received (ex, order);
  send_slice (self, engine, job);
}

static void
aat_twap_on_time (AatExecutionPolicy *policy, AatEngine *engine, AatTime now)
{
  AatTwap *self = AAT_TWAP (policy);

  for (guint i = 0; i < self->jobs->len;)
    {
      Job *job = self->jobs->pdata[i];
      AatOrder *p = job->parent;
      gboolean stop = aat_order_is_done (p) || !aat_engine_is_running (engine) ||
                      (p->strategy != NULL && aat_strategy_is_halted (p->strategy));

      if (!stop && job->sent < self->slices && now >= job->start + (AatTime) job->sent * job->interval)
        send_slice (self, engine, job);
      if (!aat_order_is_done (p) && stop)
        {
          AatExchange *ex = exchange_of (engine, p);
          /* the rest will not be sent: the parent ends cancelled (after partial fills) */
          if (ex != NULL)
            aat_exchange_emit_canceled (ex, p);
          else
            p->status = AAT_ORDER_STATUS_CANCELED;
        }
      /* a job ends when nothing more will be sent and its children are all done */
      if (stop || job->sent >= self->slices)
        {
          gboolean working = FALSE;
          for (guint k = 0; k < job->children->len; k++)
            working |= !aat_order_is_done (job->children->pdata[k]);
          if (!working)
            {
              sum_children (job);
              if (!aat_order_is_done (p))
                p->status = AAT_ORDER_STATUS_CANCELED;
              g_ptr_array_remove_index (self->jobs, i);
              continue;
            }
        }
      i++;
    }
}

static void
aat_twap_dispose (GObject *object)
{
  AatTwap *self = AAT_TWAP (object);

  if (self->engine != NULL)
    {
      g_signal_handler_disconnect (self->engine, self->handler);
      g_clear_weak_pointer (&self->engine);
    }
  g_ptr_array_set_size (self->jobs, 0);
  G_OBJECT_CLASS (aat_twap_parent_class)->dispose (object);
}

static void
aat_twap_finalize (GObject *object)
{
  g_ptr_array_unref (AAT_TWAP (object)->jobs);
  G_OBJECT_CLASS (aat_twap_parent_class)->finalize (object);
}

static void
aat_twap_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatTwap *self = AAT_TWAP (object);

  switch (prop_id)
    {
    case PROP_DURATION: g_value_set_double (value, self->duration); break;
    case PROP_SLICES: g_value_set_uint (value, self->slices); break;
    case PROP_MIN_VOLUME: g_value_set_double (value, self->min_volume); break;
    case PROP_CHILDREN: g_value_set_uint (value, self->children_sent); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_twap_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatTwap *self = AAT_TWAP (object);

  switch (prop_id)
    {
    case PROP_DURATION: self->duration = g_value_get_double (value); break;
    case PROP_SLICES: self->slices = g_value_get_uint (value); break;
    case PROP_MIN_VOLUME: self->min_volume = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_twap_class_init (AatTwapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatExecutionPolicyClass *policy_class = AAT_EXECUTION_POLICY_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = aat_twap_dispose;
  object_class->finalize = aat_twap_finalize;
  object_class->get_property = aat_twap_get_property;
  object_class->set_property = aat_twap_set_property;
  policy_class->execute = aat_twap_execute;
  policy_class->on_time = aat_twap_on_time;

  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, "Seconds of engine time over which a parent order is spread", 0, G_MAXDOUBLE, 60.0, rw);
  properties[PROP_SLICES] =
    g_param_spec_uint ("slices", NULL, "Child orders per parent order", 1, 100000, 10, rw);
  properties[PROP_MIN_VOLUME] =
    g_param_spec_double ("min-volume", NULL, "Orders smaller than this are sent whole", 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_CHILDREN] =
    g_param_spec_uint ("children", NULL, "Child orders sent so far", 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_twap_init (AatTwap *self)
{
  self->duration = 60.0;
  self->slices = 10;
  self->jobs = g_ptr_array_new_with_free_func (job_free);
}

#ifndef AAT_EXECUTION_NO_MODULE
static gboolean
execution_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_EXECUTION_POLICY, "twap",
                              "Slices each order into equal child orders over a window of engine time",
                              AAT_TYPE_TWAP, error);
}

AAT_MODULE_DEFINE ("aat-execution", "Execution policies: TWAP", "0.1.0", execution_module_init);
#else
GType aat_test_twap_get_type (void);
GType
aat_test_twap_get_type (void)
{
  return AAT_TYPE_TWAP;
}
#endif
