/* aat-sample-strategies.c: the original aat's sample strategies, one module.
 *
 * - read-only: logs every event it receives and counts them.
 * - momentum: buys after #AatMomentum:rise rising trades in a row, sells the position
 *   after #AatMomentum:fall falling ones.
 * - golden-death: a moving-average crossover: long while the fast simple moving average
 *   of trade prices is above the slow one, flat otherwise.
 * - sell-plus-percent: buys, then places a sell limit #AatSellPlusPercent:percent above
 *   the fill and a sell stop the same distance below; whichever fills first cancels the
 *   other, then it buys again.
 *
 * Every strategy keeps its per-instrument state in a hash table keyed by the interned
 * #AatInstrument, and sends at most one order at a time per instrument (it checks its
 * working orders), so positions only move by whole decisions.
 */
#include <aat.h>

/* A strategy has an order in flight on @instrument. */
static gboolean
has_working (AatStrategy *strategy, AatInstrument *instrument)
{
  g_autoptr (GPtrArray) open = aat_strategy_orders (strategy, instrument, NULL, -1);
  return open != NULL && open->len > 0;
}

static void
send (AatStrategy *strategy, AatInstrument *instrument, AatSide side, double volume)
{
  if (side == AAT_SIDE_BUY)
    aat_strategy_buy (strategy, instrument, volume, 0.0);
  else
    aat_strategy_sell (strategy, instrument, volume, 0.0);
}

/* ---- read-only ---- */

#define AAT_TYPE_READ_ONLY (aat_read_only_get_type ())
G_DECLARE_FINAL_TYPE (AatReadOnly, aat_read_only, AAT, READ_ONLY, AatStrategy)

struct _AatReadOnly
{
  AatStrategy parent_instance;
  gboolean log;
  guint64 events;
};

G_DEFINE_FINAL_TYPE (AatReadOnly, aat_read_only, AAT_TYPE_STRATEGY)

enum { RO_PROP_0, RO_PROP_LOG, RO_PROP_EVENTS, RO_N_PROPS };
static GParamSpec *ro_properties[RO_N_PROPS];

static void
ro_log (AatStrategy *strategy, const char *what, AatInstrument *instrument, double price, double volume)
{
  AatReadOnly *self = AAT_READ_ONLY (strategy);

  self->events++;
  if (self->log)
    g_message ("%s: %s %s %g x %g", aat_strategy_get_name (strategy), what,
               instrument != NULL ? aat_instrument_get_name (instrument) : "-", volume, price);
  else
    g_debug ("%s: %s %s %g x %g", aat_strategy_get_name (strategy), what,
             instrument != NULL ? aat_instrument_get_name (instrument) : "-", volume, price);
}

static void
ro_on_trade (AatStrategy *s, AatTrade *t)
{
  ro_log (s, "trade", aat_trade_get_instrument (t), aat_trade_get_price (t), aat_trade_get_volume (t));
}

static void
ro_on_bar (AatStrategy *s, AatBar *b)
{
  ro_log (s, "bar", aat_bar_get_instrument (b), aat_bar_get_close (b), aat_bar_get_volume (b));
}

static void
ro_on_quote (AatStrategy *s, AatQuote *q)
{
  ro_log (s, "quote", aat_quote_get_instrument (q), aat_quote_get_mid (q), 0.0);
}

static void
ro_order_event (AatStrategy *s, AatEvent *e, const char *what)
{
  AatOrder *o = aat_event_get_order (e);

  ro_log (s, what, aat_event_get_instrument (e), o != NULL ? aat_order_get_price (o) : 0.0,
          o != NULL ? aat_order_get_volume (o) : 0.0);
}

static void ro_on_open (AatStrategy *s, AatEvent *e) { ro_order_event (s, e, "open"); }
static void ro_on_cancel (AatStrategy *s, AatEvent *e) { ro_order_event (s, e, "cancel"); }
static void ro_on_change (AatStrategy *s, AatEvent *e) { ro_order_event (s, e, "change"); }
static void ro_on_fill (AatStrategy *s, AatEvent *e) { ro_order_event (s, e, "fill"); }
static void ro_on_data (AatStrategy *s, AatEvent *e) { ro_log (s, "data", aat_event_get_instrument (e), 0.0, 0.0); }

static void
ro_on_exit (AatStrategy *s)
{
  g_message ("%s: %" G_GUINT64_FORMAT " events", aat_strategy_get_name (s), AAT_READ_ONLY (s)->events);
}

static void
aat_read_only_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatReadOnly *self = AAT_READ_ONLY (object);

  switch (prop_id)
    {
    case RO_PROP_LOG: g_value_set_boolean (value, self->log); break;
    case RO_PROP_EVENTS: g_value_set_uint64 (value, self->events); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_read_only_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case RO_PROP_LOG: AAT_READ_ONLY (object)->log = g_value_get_boolean (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_read_only_class_init (AatReadOnlyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatStrategyClass *s = AAT_STRATEGY_CLASS (klass);

  object_class->get_property = aat_read_only_get_property;
  object_class->set_property = aat_read_only_set_property;
  s->on_trade = ro_on_trade;
  s->on_bar = ro_on_bar;
  s->on_quote = ro_on_quote;
  s->on_open = ro_on_open;
  s->on_cancel = ro_on_cancel;
  s->on_change = ro_on_change;
  s->on_fill = ro_on_fill;
  s->on_data = ro_on_data;
  s->on_exit = ro_on_exit;

  ro_properties[RO_PROP_LOG] =
    g_param_spec_boolean ("log", NULL, "Log each event with g_message (otherwise g_debug)", FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  ro_properties[RO_PROP_EVENTS] =
    g_param_spec_uint64 ("events", NULL, "Events received", 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, RO_N_PROPS, ro_properties);
}

static void
aat_read_only_init (AatReadOnly *self)
{
}

/* ---- momentum ---- */

#define AAT_TYPE_MOMENTUM (aat_momentum_get_type ())
G_DECLARE_FINAL_TYPE (AatMomentum, aat_momentum, AAT, MOMENTUM, AatStrategy)

typedef struct {
  double last;
  guint ups, downs;
} MomentumState;

struct _AatMomentum
{
  AatStrategy parent_instance;
  guint rise, fall;
  double volume;
  GHashTable *state;        /* AatInstrument* -> MomentumState* */
};

G_DEFINE_FINAL_TYPE (AatMomentum, aat_momentum, AAT_TYPE_STRATEGY)

enum { MO_PROP_0, MO_PROP_RISE, MO_PROP_FALL, MO_PROP_VOLUME, MO_N_PROPS };
static GParamSpec *mo_properties[MO_N_PROPS];

static void
momentum_on_trade (AatStrategy *strategy, AatTrade *trade)
{
  AatMomentum *self = AAT_MOMENTUM (strategy);
  AatInstrument *inst = aat_trade_get_instrument (trade);
  MomentumState *st = g_hash_table_lookup (self->state, inst);
  double price = aat_trade_get_price (trade);
  double position;

  if (st == NULL)
    {
      st = g_new0 (MomentumState, 1);
      st->last = price;
      g_hash_table_insert (self->state, inst, st);
      return;
    }
  if (price > st->last)
    {
      st->ups++;
      st->downs = 0;
    }
  else if (price < st->last)
    {
      st->downs++;
      st->ups = 0;
    }
  st->last = price;
  if (has_working (strategy, inst))
    return;
  position = aat_strategy_position_size (strategy, inst);
  if (position <= 0.0 && st->ups >= self->rise)
    send (strategy, inst, AAT_SIDE_BUY, self->volume);
  else if (position > 0.0 && st->downs >= self->fall)
    send (strategy, inst, AAT_SIDE_SELL, position);
}

static void
aat_momentum_finalize (GObject *object)
{
  g_hash_table_unref (AAT_MOMENTUM (object)->state);
  G_OBJECT_CLASS (aat_momentum_parent_class)->finalize (object);
}

static void
aat_momentum_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatMomentum *self = AAT_MOMENTUM (object);

  switch (prop_id)
    {
    case MO_PROP_RISE: g_value_set_uint (value, self->rise); break;
    case MO_PROP_FALL: g_value_set_uint (value, self->fall); break;
    case MO_PROP_VOLUME: g_value_set_double (value, self->volume); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_momentum_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatMomentum *self = AAT_MOMENTUM (object);

  switch (prop_id)
    {
    case MO_PROP_RISE: self->rise = g_value_get_uint (value); break;
    case MO_PROP_FALL: self->fall = g_value_get_uint (value); break;
    case MO_PROP_VOLUME: self->volume = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_momentum_class_init (AatMomentumClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = aat_momentum_finalize;
  object_class->get_property = aat_momentum_get_property;
  object_class->set_property = aat_momentum_set_property;
  AAT_STRATEGY_CLASS (klass)->on_trade = momentum_on_trade;

  mo_properties[MO_PROP_RISE] = g_param_spec_uint ("rise", NULL, "Buy after this many rising trades in a row", 1, 10000, 3, rw);
  mo_properties[MO_PROP_FALL] = g_param_spec_uint ("fall", NULL, "Sell after this many falling trades in a row", 1, 10000, 2, rw);
  mo_properties[MO_PROP_VOLUME] = g_param_spec_double ("volume", NULL, "Volume of each buy", 1e-12, G_MAXDOUBLE, 1.0, rw);
  g_object_class_install_properties (object_class, MO_N_PROPS, mo_properties);
}

static void
aat_momentum_init (AatMomentum *self)
{
  self->rise = 3;
  self->fall = 2;
  self->volume = 1.0;
  self->state = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

/* ---- golden-death ---- */

#define AAT_TYPE_GOLDEN_DEATH (aat_golden_death_get_type ())
G_DECLARE_FINAL_TYPE (AatGoldenDeath, aat_golden_death, AAT, GOLDEN_DEATH, AatStrategy)

/* A running simple moving average over the last @n values. */
typedef struct {
  double *v;
  guint n, count, head;
  double sum;
} Sma;

static void
sma_init (Sma *s, guint n)
{
  s->v = g_new0 (double, n);
  s->n = n;
  s->count = s->head = 0;
  s->sum = 0.0;
}

static void
sma_push (Sma *s, double x)
{
  if (s->count == s->n)
    s->sum -= s->v[s->head];
  else
    s->count++;
  s->v[s->head] = x;
  s->sum += x;
  s->head = (s->head + 1) % s->n;
}

static double
sma_value (const Sma *s)
{
  return s->count > 0 ? s->sum / s->count : 0.0;
}

typedef struct {
  Sma fast, slow;
} CrossState;

static void
cross_state_free (gpointer data)
{
  CrossState *st = data;

  g_free (st->fast.v);
  g_free (st->slow.v);
  g_free (st);
}

struct _AatGoldenDeath
{
  AatStrategy parent_instance;
  guint fast, slow;
  double volume;
  GHashTable *state;        /* AatInstrument* -> CrossState* */
};

G_DEFINE_FINAL_TYPE (AatGoldenDeath, aat_golden_death, AAT_TYPE_STRATEGY)

enum { GD_PROP_0, GD_PROP_FAST, GD_PROP_SLOW, GD_PROP_VOLUME, GD_N_PROPS };
static GParamSpec *gd_properties[GD_N_PROPS];

static void
golden_death_price (AatStrategy *strategy, AatInstrument *inst, double price)
{
  AatGoldenDeath *self = AAT_GOLDEN_DEATH (strategy);
  CrossState *st = g_hash_table_lookup (self->state, inst);
  double position;

  if (st == NULL)
    {
      st = g_new0 (CrossState, 1);
      sma_init (&st->fast, MAX (self->fast, 1));
      sma_init (&st->slow, MAX (self->slow, 1));
      g_hash_table_insert (self->state, inst, st);
    }
  sma_push (&st->fast, price);
  sma_push (&st->slow, price);
  if (st->slow.count < st->slow.n || has_working (strategy, inst))
    return;
  position = aat_strategy_position_size (strategy, inst);
  if (sma_value (&st->fast) > sma_value (&st->slow))
    {
      if (position <= 0.0)
        send (strategy, inst, AAT_SIDE_BUY, self->volume);   /* golden cross */
    }
  else if (position > 0.0)
    send (strategy, inst, AAT_SIDE_SELL, position);        /* death cross */
}

static void
golden_death_on_trade (AatStrategy *s, AatTrade *t)
{
  golden_death_price (s, aat_trade_get_instrument (t), aat_trade_get_price (t));
}

static void
golden_death_on_bar (AatStrategy *s, AatBar *b)
{
  golden_death_price (s, aat_bar_get_instrument (b), aat_bar_get_close (b));
}

static void
aat_golden_death_finalize (GObject *object)
{
  g_hash_table_unref (AAT_GOLDEN_DEATH (object)->state);
  G_OBJECT_CLASS (aat_golden_death_parent_class)->finalize (object);
}

static void
aat_golden_death_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatGoldenDeath *self = AAT_GOLDEN_DEATH (object);

  switch (prop_id)
    {
    case GD_PROP_FAST: g_value_set_uint (value, self->fast); break;
    case GD_PROP_SLOW: g_value_set_uint (value, self->slow); break;
    case GD_PROP_VOLUME: g_value_set_double (value, self->volume); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_golden_death_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatGoldenDeath *self = AAT_GOLDEN_DEATH (object);

  switch (prop_id)
    {
    case GD_PROP_FAST: self->fast = g_value_get_uint (value); break;
    case GD_PROP_SLOW: self->slow = g_value_get_uint (value); break;
    case GD_PROP_VOLUME: self->volume = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_golden_death_class_init (AatGoldenDeathClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatStrategyClass *s = AAT_STRATEGY_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = aat_golden_death_finalize;
  object_class->get_property = aat_golden_death_get_property;
  object_class->set_property = aat_golden_death_set_property;
  s->on_trade = golden_death_on_trade;
  s->on_bar = golden_death_on_bar;

  gd_properties[GD_PROP_FAST] = g_param_spec_uint ("fast", NULL, "Period of the fast moving average", 1, 100000, 10, rw);
  gd_properties[GD_PROP_SLOW] = g_param_spec_uint ("slow", NULL, "Period of the slow moving average", 1, 100000, 50, rw);
  gd_properties[GD_PROP_VOLUME] = g_param_spec_double ("volume", NULL, "Volume held while long", 1e-12, G_MAXDOUBLE, 1.0, rw);
  g_object_class_install_properties (object_class, GD_N_PROPS, gd_properties);
}

static void
aat_golden_death_init (AatGoldenDeath *self)
{
  self->fast = 10;
  self->slow = 50;
  self->volume = 1.0;
  self->state = g_hash_table_new_full (NULL, NULL, NULL, cross_state_free);
}

/* ---- sell-plus-percent ---- */

#define AAT_TYPE_SELL_PLUS_PERCENT (aat_sell_plus_percent_get_type ())
G_DECLARE_FINAL_TYPE (AatSellPlusPercent, aat_sell_plus_percent, AAT, SELL_PLUS_PERCENT, AatStrategy)

struct _AatSellPlusPercent
{
  AatStrategy parent_instance;
  double percent;
  double volume;
  gboolean repeat;
  GHashTable *bought;       /* AatInstrument* set: a round trip has started there */
  guint round_trips;
};

G_DEFINE_FINAL_TYPE (AatSellPlusPercent, aat_sell_plus_percent, AAT_TYPE_STRATEGY)

enum { SP_PROP_0, SP_PROP_PERCENT, SP_PROP_VOLUME, SP_PROP_REPEAT, SP_PROP_ROUND_TRIPS, SP_N_PROPS };
static GParamSpec *sp_properties[SP_N_PROPS];

static void
sell_plus_percent_on_trade (AatStrategy *strategy, AatTrade *trade)
{
  AatSellPlusPercent *self = AAT_SELL_PLUS_PERCENT (strategy);
  AatInstrument *inst = aat_trade_get_instrument (trade);

  if (g_hash_table_contains (self->bought, inst) || has_working (strategy, inst))
    return;
  if (aat_strategy_position_size (strategy, inst) != 0.0)
    return;
  g_hash_table_add (self->bought, inst);
  send (strategy, inst, AAT_SIDE_BUY, self->volume);
}

static void
sell_plus_percent_on_bought (AatStrategy *strategy, AatTrade *trade)
{
  AatSellPlusPercent *self = AAT_SELL_PLUS_PERCENT (strategy);
  AatInstrument *inst = aat_trade_get_instrument (trade);
  AatOrder *buy = aat_trade_get_taker_order (trade);
  double base, up, down;
  g_autoptr (AatOrder) limit = NULL;
  g_autoptr (AatOrder) stop = NULL;

  /* bracket the whole position once the buy has completely filled */
  if (buy != NULL && !aat_order_is_done (buy))
    return;
  base = buy != NULL ? aat_order_get_average_price (buy) : aat_trade_get_price (trade);
  up = aat_instrument_round_price (inst, base * (1.0 + self->percent / 100.0));
  down = aat_instrument_round_price (inst, base * (1.0 - self->percent / 100.0));
  if (up <= base)
    up = base + aat_instrument_get_tick_size (inst);
  if (down >= base)
    down = base - aat_instrument_get_tick_size (inst);
  limit = aat_order_new (inst, AAT_SIDE_SELL, AAT_ORDER_TYPE_LIMIT, aat_strategy_position_size (strategy, inst), up);
  aat_strategy_new_order (strategy, limit);
  stop = aat_order_new_stop (inst, AAT_SIDE_SELL, AAT_ORDER_TYPE_STOP_MARKET,
                             aat_strategy_position_size (strategy, inst), down, 0.0);
  aat_strategy_new_order (strategy, stop);
}

static void
sell_plus_percent_on_sold (AatStrategy *strategy, AatTrade *trade)
{
  AatSellPlusPercent *self = AAT_SELL_PLUS_PERCENT (strategy);
  AatInstrument *inst = aat_trade_get_instrument (trade);

  if (aat_strategy_position_size (strategy, inst) > 0.0)
    return;
  /* one side of the bracket is done: drop the other, then start again */
  aat_strategy_cancel_all (strategy, inst);
  self->round_trips++;
  if (self->repeat)
    g_hash_table_remove (self->bought, inst);
}

static void
aat_sell_plus_percent_finalize (GObject *object)
{
  g_hash_table_unref (AAT_SELL_PLUS_PERCENT (object)->bought);
  G_OBJECT_CLASS (aat_sell_plus_percent_parent_class)->finalize (object);
}

static void
aat_sell_plus_percent_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatSellPlusPercent *self = AAT_SELL_PLUS_PERCENT (object);

  switch (prop_id)
    {
    case SP_PROP_PERCENT: g_value_set_double (value, self->percent); break;
    case SP_PROP_VOLUME: g_value_set_double (value, self->volume); break;
    case SP_PROP_REPEAT: g_value_set_boolean (value, self->repeat); break;
    case SP_PROP_ROUND_TRIPS: g_value_set_uint (value, self->round_trips); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_sell_plus_percent_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatSellPlusPercent *self = AAT_SELL_PLUS_PERCENT (object);

  switch (prop_id)
    {
    case SP_PROP_PERCENT: self->percent = g_value_get_double (value); break;
    case SP_PROP_VOLUME: self->volume = g_value_get_double (value); break;
    case SP_PROP_REPEAT: self->repeat = g_value_get_boolean (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_sell_plus_percent_class_init (AatSellPlusPercentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatStrategyClass *s = AAT_STRATEGY_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = aat_sell_plus_percent_finalize;
  object_class->get_property = aat_sell_plus_percent_get_property;
  object_class->set_property = aat_sell_plus_percent_set_property;
  s->on_trade = sell_plus_percent_on_trade;
  s->on_bought = sell_plus_percent_on_bought;
  s->on_sold = sell_plus_percent_on_sold;

  sp_properties[SP_PROP_PERCENT] =
    g_param_spec_double ("percent", NULL, "Take profit and stop loss, percent from the buy price", 1e-9, 1000.0, 1.0, rw);
  sp_properties[SP_PROP_VOLUME] = g_param_spec_double ("volume", NULL, "Volume of each buy", 1e-12, G_MAXDOUBLE, 1.0, rw);
  sp_properties[SP_PROP_REPEAT] =
    g_param_spec_boolean ("repeat", NULL, "Buy again once the position is closed", TRUE, rw);
  sp_properties[SP_PROP_ROUND_TRIPS] =
    g_param_spec_uint ("round-trips", NULL, "Positions opened and closed", 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, SP_N_PROPS, sp_properties);
}

static void
aat_sell_plus_percent_init (AatSellPlusPercent *self)
{
  self->percent = 1.0;
  self->volume = 1.0;
  self->repeat = TRUE;
  self->bought = g_hash_table_new (NULL, NULL);
}

#ifndef AAT_SAMPLES_NO_MODULE
static gboolean
samples_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "read-only",
                              "Logs the events it receives", AAT_TYPE_READ_ONLY, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "momentum",
                              "Buys after N rising trades, sells after M falling ones", AAT_TYPE_MOMENTUM, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "golden-death",
                              "Moving-average crossover: long while fast SMA > slow SMA", AAT_TYPE_GOLDEN_DEATH, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "sell-plus-percent",
                              "Buys, then sells at plus or minus a percentage", AAT_TYPE_SELL_PLUS_PERCENT, error);
}

AAT_MODULE_DEFINE ("samples", "The original aat's sample strategies", "0.1.0", samples_module_init);
#endif
