/* aat-risk-limits.c: `limits`, one risk policy with many optional limits.
 *
 * Every limit is a property; 0 means "no limit", so a config sets only the limits it
 * wants:
 *
 *   [risk]
 *   policies=limits
 *   [risk limits]
 *   max-position=10          |size| per instrument, worst case with working orders
 *   max-total-position=25    Σ |size| over instruments
 *   max-order-size=5         volume of one order (clip-order-size=true: clip, not refuse)
 *   max-notional=10000       price × volume × multiplier of one order
 *   max-gross-exposure=50000 Σ |size| × last × multiplier, worst case
 *   max-open-orders=4        working orders of the strategy
 *   max-order-rate=20        orders per second of engine time
 *   price-band=5             a priced order within ±5 % of the last trade (fat finger)
 *   max-daily-loss=500       loss since the first observation of the engine-time day
 *   max-drawdown=800         loss from the strategy's peak value
 *   flatten-on-loss=true     close the positions too when a loss limit is hit
 *
 * Limits apply per strategy (an order placed by the application, with no strategy, is
 * checked against the portfolio's totals). The engine calls check() for each order and
 * on_fill() after each fill has reached the portfolio; the policy keeps a small state per
 * strategy: its peak value, the value at the start of the engine-time day, the times of
 * its recent orders, and whether a loss limit has tripped.
 *
 * A loss limit is looked at on every order and every fill. When it trips, the strategy's
 * orders are cancelled, its positions closed (flatten-on-loss), and it is halted
 * (aat_engine_halt_strategy(): on_halt, then every new order is refused until it is
 * resumed; resuming re-arms the limit from the current value). The closing orders are
 * placed before the halt, since a halted strategy's orders are refused.
 *
 * Every refusal has a reason naming the limit, the value it would reach and the limit,
 * such as "max-position: SYN0 would reach 12 (limit 10)"; the engine prefixes "risk: "
 * and delivers it to on_rejected.
 */
#include <aat.h>
#include "aat-private.h"

#include <math.h>

#define AAT_TYPE_RISK_LIMITS (aat_risk_limits_get_type ())
G_DECLARE_FINAL_TYPE (AatRiskLimits, aat_risk_limits, AAT, RISK_LIMITS, AatRiskPolicy)

#define DAY (86400 * AAT_TIME_SECOND)

typedef struct {
  double peak;              /* highest value seen; NAN before the first look */
  double day_start;         /* value at the first look of the current day */
  gint64 day;
  GArray *recent;           /* AatTime of accepted orders in the last second */
  gboolean tripped;         /* a loss limit halted it; re-armed on resume */
} Book;

struct _AatRiskLimits
{
  AatRiskPolicy parent_instance;

  double max_position, max_total_position, max_order_size, max_notional;
  double max_gross_exposure, price_band, max_daily_loss, max_drawdown;
  guint max_open_orders, max_order_rate;
  gboolean clip_order_size, flatten_on_loss;

  GHashTable *books;        /* AatStrategy* (NULL: the application) -> Book* */
  gboolean acting;          /* inside a trip: the closing orders pass */
  guint refused, trips;
};

G_DEFINE_FINAL_TYPE (AatRiskLimits, aat_risk_limits, AAT_TYPE_RISK_POLICY)

enum {
  PROP_0,
  PROP_MAX_POSITION,
  PROP_MAX_TOTAL_POSITION,
  PROP_MAX_ORDER_SIZE,
  PROP_CLIP_ORDER_SIZE,
  PROP_MAX_NOTIONAL,
  PROP_MAX_GROSS_EXPOSURE,
  PROP_MAX_OPEN_ORDERS,
  PROP_MAX_ORDER_RATE,
  PROP_PRICE_BAND,
  PROP_MAX_DAILY_LOSS,
  PROP_MAX_DRAWDOWN,
  PROP_FLATTEN_ON_LOSS,
  PROP_REFUSED,
  PROP_TRIPS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
book_free (gpointer data)
{
  Book *b = data;

  g_array_unref (b->recent);
  g_free (b);
}

static Book *
book_for (AatRiskLimits *self, AatStrategy *strategy)
{
  Book *b = g_hash_table_lookup (self->books, strategy);

  if (b == NULL)
    {
      b = g_new0 (Book, 1);
      b->peak = NAN;
      b->day = G_MININT64;
      b->recent = g_array_new (FALSE, FALSE, sizeof (AatTime));
      g_hash_table_insert (self->books, strategy, b);
    }
  return b;
}

static double
signed_volume (AatOrder *order)
{
  return order->side == AAT_SIDE_BUY ? order->volume - order->filled : -(order->volume - order->filled);
}

/* The price an order is valued at: its limit (or stop) price, else the last trade. */
static double
order_price (AatEngine *engine, AatOrder *order)
{
  if (order->price > 0.0)
    return order->price;
  if (order->stop_price > 0.0)
    return order->stop_price;
  return aat_engine_last_price (engine, order->instrument);
}

/* The worst-case size of each instrument if every working order of @strategy on the
 * side of @order fills, @order included. Returns the projected size of @order's
 * instrument; *current gets its present size. */
static double
projected_size (AatEngine *engine, AatStrategy *strategy, AatOrder *order, AatInstrument *instrument,
                double *current)
{
  AatPortfolio *portfolio = aat_engine_get_portfolio (engine);
  g_autoptr (GPtrArray) open = aat_engine_get_orders (engine, strategy, TRUE);
  double size = aat_portfolio_get_size (portfolio, strategy, instrument);
  double worst = size;

  for (guint i = 0; i < open->len; i++)
    {
      AatOrder *o = open->pdata[i];
      if (o->instrument == instrument && o->side == order->side && o->parent_id != o->id)
        worst += signed_volume (o);
    }
  if (!g_ptr_array_find (open, order, NULL) && order->instrument == instrument)
    worst += signed_volume (order);
  if (current != NULL)
    *current = size;
  return worst;
}

/* A limit is crossed when the value grows past it; reducing is always allowed. */
static gboolean
grows_past (double after, double before, double limit)
{
  return limit > 0.0 && fabs (after) > limit + 1e-9 && fabs (after) > fabs (before) + 1e-9;
}

static gboolean
check_positions (AatRiskLimits *self, AatEngine *engine, AatStrategy *strategy, AatOrder *order,
                 char **reason)
{
  AatPortfolio *portfolio = aat_engine_get_portfolio (engine);
  g_autoptr (GPtrArray) positions = NULL;
  double current, after, total_before = 0.0, total_after = 0.0;
  double gross_before = 0.0, gross_after = 0.0;
  double mult = aat_instrument_get_multiplier (order->instrument);
  double last = order_price (engine, order);
  gboolean seen = FALSE;

  after = projected_size (engine, strategy, order, order->instrument, &current);
  if (self->max_position > 0.0 && grows_past (after, current, self->max_position))
    {
      *reason = g_strdup_printf ("max-position: %s would reach %g (limit %g)",
                                 aat_instrument_get_name (order->instrument), after, self->max_position);
      return FALSE;
    }
  if (self->max_total_position <= 0.0 && self->max_gross_exposure <= 0.0)
    return TRUE;

  positions = aat_portfolio_get_positions (portfolio, strategy);
  for (guint i = 0; i < positions->len; i++)
    {
      AatPosition *p = positions->pdata[i];
      AatInstrument *inst = aat_position_get_instrument (p);
      double size = aat_position_get_size (p);
      double px = aat_engine_last_price (engine, inst);
      double m = aat_instrument_get_multiplier (inst);
      double proj = size;

      if (inst == order->instrument)
        {
          proj = after;
          seen = TRUE;
          if (px <= 0.0)
            px = last;
        }
      total_before += fabs (size);
      total_after += fabs (proj);
      gross_before += fabs (size) * px * m;
      gross_after += fabs (proj) * px * m;
    }
  if (!seen)
    {
      total_after += fabs (after);
      gross_after += fabs (after) * last * mult;
    }
  if (grows_past (total_after, total_before, self->max_total_position))
    {
      *reason = g_strdup_printf ("max-total-position: the total position would reach %g (limit %g)",
                                 total_after, self->max_total_position);
      return FALSE;
    }
  if (grows_past (gross_after, gross_before, self->max_gross_exposure))
    {
      *reason = g_strdup_printf ("max-gross-exposure: gross exposure would reach %.2f (limit %.2f)",
                                 gross_after, self->max_gross_exposure);
      return FALSE;
    }
  return TRUE;
}

/* The loss limits: on a trip, cancel, flatten (optionally) and halt. Returns TRUE if the
 * strategy is (now) tripped. */
static gboolean
check_loss (AatRiskLimits *self, AatEngine *engine, AatStrategy *strategy, AatOrder *checking,
            char **reason)
{
  Book *b;
  double value, loss_day, drawdown;
  gint64 day;
  g_autofree char *why = NULL;

  if ((self->max_daily_loss <= 0.0 && self->max_drawdown <= 0.0) || strategy == NULL || self->acting)
    return FALSE;
  b = book_for (self, strategy);
  if (b->tripped)
    {
      /* resumed since the trip: re-arm from the current value */
      if (!aat_strategy_is_halted (strategy))
        {
          double now_value = aat_portfolio_get_value (aat_engine_get_portfolio (engine), strategy);
          b->tripped = FALSE;
          b->peak = now_value;
          b->day = aat_engine_now (engine) / DAY;
          b->day_start = now_value;
        }
      else
        {
          if (reason != NULL)
            *reason = g_strdup ("a loss limit halted the strategy");
          return TRUE;
        }
    }
  value = aat_portfolio_get_value (aat_engine_get_portfolio (engine), strategy);
  day = aat_engine_now (engine) / DAY;
  if (isnan (b->peak))
    {
      /* the first look: measure from the initial cash, not from where it is now */
      double initial = aat_portfolio_get_initial_cash (aat_engine_get_portfolio (engine), strategy);
      b->peak = MAX (initial, value);
      if (b->day == G_MININT64)
        {
          b->day = day;
          b->day_start = initial;
        }
    }
  if (value > b->peak)
    b->peak = value;
  if (day != b->day)
    {
      b->day = day;
      b->day_start = value;
    }
  loss_day = b->day_start - value;
  drawdown = b->peak - value;
  if (self->max_daily_loss > 0.0 && loss_day > self->max_daily_loss)
    why = g_strdup_printf ("max-daily-loss: lost %.2f today (limit %.2f)", loss_day, self->max_daily_loss);
  else if (self->max_drawdown > 0.0 && drawdown > self->max_drawdown)
    why = g_strdup_printf ("max-drawdown: %.2f below the peak of %.2f (limit %.2f)", drawdown, b->peak,
                           self->max_drawdown);
  if (why == NULL)
    return FALSE;

  b->tripped = TRUE;
  self->trips++;
  g_message ("risk limits: strategy '%s': %s: halting%s", aat_strategy_get_name (strategy), why,
             self->flatten_on_loss ? " and flattening" : "");
  self->acting = TRUE;
  {
    /* cancel its working orders, but not the one being checked: it is refused instead */
    g_autoptr (GPtrArray) open = aat_engine_get_orders (engine, strategy, TRUE);
    for (guint i = 0; i < open->len; i++)
      if (open->pdata[i] != checking)
        aat_engine_cancel_order (engine, open->pdata[i]);
  }
  if (self->flatten_on_loss)
    {
      /* as aat_engine_close_all(), which would also cancel the order being checked */
      g_autoptr (GPtrArray) positions = aat_portfolio_get_positions (aat_engine_get_portfolio (engine), strategy);
      for (guint i = 0; i < positions->len; i++)
        {
          double size = aat_position_get_size (positions->pdata[i]);
          g_autoptr (AatOrder) close = NULL;
          if (size == 0.0)
            continue;
          close = aat_order_new (aat_position_get_instrument (positions->pdata[i]),
                                 size > 0 ? AAT_SIDE_SELL : AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, fabs (size), 0.0);
          aat_engine_place_order (engine, strategy, close);   /* (transfer none) */
        }
    }
  self->acting = FALSE;
  aat_engine_halt_strategy (engine, strategy, why);
  if (reason != NULL)
    *reason = g_steal_pointer (&why);
  return TRUE;
}

static gboolean
aat_risk_limits_check (AatRiskPolicy *policy, AatEngine *engine, AatStrategy *strategy, AatOrder *order,
                       char **reason)
{
  AatRiskLimits *self = AAT_RISK_LIMITS (policy);
  AatTime now = aat_engine_now (engine);
  double price, notional, volume;
  Book *b;

  /* the closing orders of a trip; and a halted strategy's orders only get here from
   * aat_engine_close_all(), which flattens */
  if (self->acting || (strategy != NULL && aat_strategy_is_halted (strategy)))
    return TRUE;
  if (check_loss (self, engine, strategy, order, reason))
    goto refused;

  volume = order->volume;
  price = order_price (engine, order);
  if (volume <= 0.0 && order->notional > 0.0 && price > 0.0)
    volume = order->notional / price;

  if (self->max_order_size > 0.0 && volume > self->max_order_size + 1e-9)
    {
      if (self->clip_order_size && order->volume > 0.0)
        {
          aat_order_set_volume (order, self->max_order_size);
          volume = order->volume;
        }
      else
        {
          *reason = g_strdup_printf ("max-order-size: %g exceeds the limit of %g", volume, self->max_order_size);
          goto refused;
        }
    }

  notional = order->volume > 0.0 ? volume * price * aat_instrument_get_multiplier (order->instrument)
                                 : order->notional;
  if (self->max_notional > 0.0 && notional > self->max_notional + 1e-9)
    {
      *reason = g_strdup_printf ("max-notional: %.2f exceeds the limit of %.2f", notional, self->max_notional);
      goto refused;
    }

  if (self->price_band > 0.0 && order->price > 0.0)
    {
      double last = aat_engine_last_price (engine, order->instrument);
      if (last > 0.0 && fabs (order->price - last) / last * 100.0 > self->price_band + 1e-9)
        {
          *reason = g_strdup_printf ("price-band: price %g is %.2f%% from the last trade %g (band %g%%)",
                                     order->price, fabs (order->price - last) / last * 100.0, last,
                                     self->price_band);
          goto refused;
        }
    }

  if (self->max_open_orders > 0)
    {
      g_autoptr (GPtrArray) open = aat_engine_get_orders (engine, strategy, TRUE);
      guint n = 0;
      for (guint i = 0; i < open->len; i++)
        if (open->pdata[i] != order)
          n++;
      if (n >= self->max_open_orders)
        {
          *reason = g_strdup_printf ("max-open-orders: %u orders are working (limit %u)", n, self->max_open_orders);
          goto refused;
        }
    }

  if (!check_positions (self, engine, strategy, order, reason))
    goto refused;

  /* last, so only accepted orders count toward the rate */
  b = book_for (self, strategy);
  if (self->max_order_rate > 0)
    {
      guint keep = 0;
      for (guint i = 0; i < b->recent->len; i++)
        if (g_array_index (b->recent, AatTime, i) > now - AAT_TIME_SECOND)
          g_array_index (b->recent, AatTime, keep++) = g_array_index (b->recent, AatTime, i);
      g_array_set_size (b->recent, keep);
      if (keep >= self->max_order_rate)
        {
          *reason = g_strdup_printf ("max-order-rate: %u orders in the last second of engine time (limit %u/s)",
                                     keep, self->max_order_rate);
          goto refused;
        }
      g_array_append_val (b->recent, now);
    }
  return TRUE;

refused:
  self->refused++;
  return FALSE;
}

static void
aat_risk_limits_on_fill (AatRiskPolicy *policy, AatEngine *engine, AatStrategy *strategy, AatTrade *trade)
{
  AatRiskLimits *self = AAT_RISK_LIMITS (policy);

  if (strategy != NULL && !aat_strategy_is_halted (strategy))
    check_loss (self, engine, strategy, NULL, NULL);
}

static void
aat_risk_limits_finalize (GObject *object)
{
  g_hash_table_unref (AAT_RISK_LIMITS (object)->books);
  G_OBJECT_CLASS (aat_risk_limits_parent_class)->finalize (object);
}

static void
aat_risk_limits_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatRiskLimits *self = AAT_RISK_LIMITS (object);

  switch (prop_id)
    {
    case PROP_MAX_POSITION: g_value_set_double (value, self->max_position); break;
    case PROP_MAX_TOTAL_POSITION: g_value_set_double (value, self->max_total_position); break;
    case PROP_MAX_ORDER_SIZE: g_value_set_double (value, self->max_order_size); break;
    case PROP_CLIP_ORDER_SIZE: g_value_set_boolean (value, self->clip_order_size); break;
    case PROP_MAX_NOTIONAL: g_value_set_double (value, self->max_notional); break;
    case PROP_MAX_GROSS_EXPOSURE: g_value_set_double (value, self->max_gross_exposure); break;
    case PROP_MAX_OPEN_ORDERS: g_value_set_uint (value, self->max_open_orders); break;
    case PROP_MAX_ORDER_RATE: g_value_set_uint (value, self->max_order_rate); break;
    case PROP_PRICE_BAND: g_value_set_double (value, self->price_band); break;
    case PROP_MAX_DAILY_LOSS: g_value_set_double (value, self->max_daily_loss); break;
    case PROP_MAX_DRAWDOWN: g_value_set_double (value, self->max_drawdown); break;
    case PROP_FLATTEN_ON_LOSS: g_value_set_boolean (value, self->flatten_on_loss); break;
    case PROP_REFUSED: g_value_set_uint (value, self->refused); break;
    case PROP_TRIPS: g_value_set_uint (value, self->trips); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_risk_limits_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatRiskLimits *self = AAT_RISK_LIMITS (object);

  switch (prop_id)
    {
    case PROP_MAX_POSITION: self->max_position = g_value_get_double (value); break;
    case PROP_MAX_TOTAL_POSITION: self->max_total_position = g_value_get_double (value); break;
    case PROP_MAX_ORDER_SIZE: self->max_order_size = g_value_get_double (value); break;
    case PROP_CLIP_ORDER_SIZE: self->clip_order_size = g_value_get_boolean (value); break;
    case PROP_MAX_NOTIONAL: self->max_notional = g_value_get_double (value); break;
    case PROP_MAX_GROSS_EXPOSURE: self->max_gross_exposure = g_value_get_double (value); break;
    case PROP_MAX_OPEN_ORDERS: self->max_open_orders = g_value_get_uint (value); break;
    case PROP_MAX_ORDER_RATE: self->max_order_rate = g_value_get_uint (value); break;
    case PROP_PRICE_BAND: self->price_band = g_value_get_double (value); break;
    case PROP_MAX_DAILY_LOSS: self->max_daily_loss = g_value_get_double (value); break;
    case PROP_MAX_DRAWDOWN: self->max_drawdown = g_value_get_double (value); break;
    case PROP_FLATTEN_ON_LOSS: self->flatten_on_loss = g_value_get_boolean (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_risk_limits_class_init (AatRiskLimitsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatRiskPolicyClass *policy_class = AAT_RISK_POLICY_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = aat_risk_limits_finalize;
  object_class->get_property = aat_risk_limits_get_property;
  object_class->set_property = aat_risk_limits_set_property;
  policy_class->check = aat_risk_limits_check;
  policy_class->on_fill = aat_risk_limits_on_fill;

  properties[PROP_MAX_POSITION] =
    g_param_spec_double ("max-position", NULL, "Largest |position| per instrument, working orders included (0: none)", 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_MAX_TOTAL_POSITION] =
    g_param_spec_double ("max-total-position", NULL, "Largest sum of |position| over instruments (0: none)", 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_MAX_ORDER_SIZE] =
    g_param_spec_double ("max-order-size", NULL, "Largest volume of one order (0: none)", 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_CLIP_ORDER_SIZE] =
    g_param_spec_boolean ("clip-order-size", NULL, "Reduce a too large order to max-order-size instead of refusing it", FALSE, rw);
  properties[PROP_MAX_NOTIONAL] =
    g_param_spec_double ("max-notional", NULL, "Largest price x volume x multiplier of one order (0: none)", 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_MAX_GROSS_EXPOSURE] =
    g_param_spec_double ("max-gross-exposure", NULL, "Largest sum of |position| x last price x multiplier (0: none)", 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_MAX_OPEN_ORDERS] =
    g_param_spec_uint ("max-open-orders", NULL, "Most working orders of a strategy (0: none)", 0, G_MAXUINT, 0, rw);
  properties[PROP_MAX_ORDER_RATE] =
    g_param_spec_uint ("max-order-rate", NULL, "Most orders per second of engine time (0: none)", 0, G_MAXUINT, 0, rw);
  properties[PROP_PRICE_BAND] =
    g_param_spec_double ("price-band", NULL, "Refuse a priced order further than this percent from the last trade (0: none)", 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_MAX_DAILY_LOSS] =
    g_param_spec_double ("max-daily-loss", NULL, "Halt a strategy that lost more than this since the start of the day (0: none)", 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_MAX_DRAWDOWN] =
    g_param_spec_double ("max-drawdown", NULL, "Halt a strategy whose value fell this much below its peak (0: none)", 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_FLATTEN_ON_LOSS] =
    g_param_spec_boolean ("flatten-on-loss", NULL, "Also close the positions of a strategy a loss limit halts", FALSE, rw);
  properties[PROP_REFUSED] = g_param_spec_uint ("refused", NULL, "Orders refused so far", 0, G_MAXUINT, 0, ro);
  properties[PROP_TRIPS] = g_param_spec_uint ("trips", NULL, "Loss limits hit so far", 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_risk_limits_init (AatRiskLimits *self)
{
  self->books = g_hash_table_new_full (NULL, NULL, NULL, book_free);
}

#ifndef AAT_RISK_NO_MODULE
static gboolean
risk_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_RISK_POLICY, "limits",
                              "Position, order size, notional, exposure, open order, rate, price band and loss limits",
                              AAT_TYPE_RISK_LIMITS, error);
}

AAT_MODULE_DEFINE ("aat-risk", "Risk limits that refuse orders and halt strategies", "0.1.0", risk_module_init);
#else
GType aat_test_risk_limits_get_type (void);
GType
aat_test_risk_limits_get_type (void)
{
  return AAT_TYPE_RISK_LIMITS;
}
#endif
