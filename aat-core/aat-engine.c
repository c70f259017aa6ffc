/* aat-engine.c: the trading engine.
 *
 * The engine owns the run. It starts the exchanges and strategies, moves market data
 * from exchanges to strategies, and moves orders from strategies through the risk
 * policies and the execution policy to the exchanges, and their responses back.
 *
 * Market data:
 * - Pull sources (history) are merged by a binary heap keyed by (timestamp, exchange
 *   index, sequence), so equal timestamps break ties deterministically. Events are
 *   dispatched in batches inside an idle GSource on the engine's GMainContext, so a
 *   host's main loop (GTK) stays responsive during a backtest.
 * - Push sources (live) hand events over with aat_exchange_push_event() on the same
 *   context.
 * - Dispatch of one event: advance engine time, run due periodic callbacks, let the
 *   source's simulated broker fill pending orders against it (their responses are
 *   delivered first), mark the portfolio, then call each subscribed strategy's
 *   virtual method directly. Subscriptions are arrays indexed by the instrument's dense
 *   index.
 *
 * Orders: place_order assigns an id and owner, then risk policies, then the execution
 * policy, then exchange->new_order. Exchanges report through aat_exchange_emit_*();
 * responses are queued and delivered to the owning strategy after the callback that
 * caused them returns, never re-entrantly. A fill that arrives before its
 * acknowledgement is preceded by a synthesized on_received.
 *
 * Failures inside strategies (a g_critical while a strategy callback runs — a warning is logged, not counted —
 * or aat_strategy_report_error() from a language binding) are logged with the
 * strategy's name, delivered to on_error, counted, and make the run's result an error;
 * the other strategies go on.
 */
#include "config.h"
#include "aat-private.h"

#include <math.h>

typedef struct {
  AatTime ts;
  guint src;
  guint64 seq;
  AatEvent *ev;          /* borrowed from the source until it is dispatched */
} HeapItem;

typedef struct {
  AatExchange *exchange;
  gboolean pull;
  gboolean ended;
} Source;

typedef struct {
  AatStrategy **v;
  guint n, cap;
} StratList;

typedef struct {
  GPtrArray *orders;     /* every order, in placement order */
  GPtrArray *open;       /* working orders */
  GPtrArray *trades;     /* fills */
} StratState;

typedef struct {
  guint id;
  AatStrategy *strategy;
  AatTime interval, next;
  AatPeriodicFunc func;
  gpointer data;
  GDestroyNotify notify;
} Periodic;

typedef struct {
  AatEventType type;
  AatOrder *order;
  AatTrade *trade;
  char *reason;
} Response;

typedef struct {
  guint src;             /* index into the engine's sources */
  AatEvent *ev;
  gint64 at;             /* monotonic µs when pushed: the queueing lag (issue 9) */
} Pushed;

typedef struct {
  AatEquityPoint *v;
  guint len, head;       /* ring buffer */
} History;

struct _AatEngine
{
  GObject parent_instance;

  /* configuration */
  AatTradingType trading_type;
  guint64 seed;
  AatTime start_time, end_time;
  AatExitRoutine exit_routine;
  gboolean verbose;
  guint batch_size;
  double cash;
  guint history_limit;
  AatTime record_interval;

  GPtrArray *exchanges;
  GArray *sources;
  GPtrArray *strategies;
  GArray *strat_state;   /* StratState by strategy index */
  GPtrArray *risk;
  AatExecutionPolicy *execution;
  AatPortfolio *portfolio;
  GPtrArray *instruments;
  GArray *subs;          /* StratList by instrument index */
  StratList everyone;    /* strategies that never subscribed */

  /* run state */
  gboolean running, finished, stop_requested, killed, in_error;
  gboolean closing;      /* inside close_all: a halted strategy may flatten (issue 8) */
  AatTime now;
  guint64 events;
  guint failures;
  char *first_failure;
  HeapItem *heap;
  guint heap_len, heap_cap;
  guint64 seq;
  guint live_open;
  GQueue responses;
  GQueue pushed;
  GQueue failed;         /* Failure*: on_error still to deliver */
  gboolean draining;
  guint dispatching;      /* >0 inside dispatch: responses wait for a safe point */
  AatStrategy *current;
  gboolean emit_events;
  guint64 next_id;
  GPtrArray *trades;
  GPtrArray *unowned;     /* orders placed without a strategy (by the application) */
  GArray *periodics;
  AatTime next_due;
  guint next_periodic_id;
  GArray *history;       /* History by instrument index */
  GByteArray *priced;    /* by instrument index: 1 once a trade or bar was seen (issue 7) */
  AatTime bucket;
  AatTime first_event_time;  /* issue 7: where a report's equity curve starts */
  GTask *task;
  GSource *source;
  GMainContext *context;
  GLogFunc old_log_func;
  gpointer old_log_data;

  /* reliability (issue 9) */
  AatJournal *journal;    /* orders and responses are appended before they are acted on */
  gboolean journal_reported;
  guint max_queued;       /* bound of `pushed` */
  guint64 dropped;        /* market events dropped at the bound */
  gint64 max_lag;         /* µs an event waited in `pushed`, at most */
  gint64 last_drop_log;
};

G_DEFINE_FINAL_TYPE (AatEngine, aat_engine, G_TYPE_OBJECT)
G_DEFINE_QUARK (aat-engine-error-quark, aat_engine_error)

enum {
  PROP_0,
  PROP_TRADING_TYPE,
  PROP_SEED,
  PROP_START_TIME,
  PROP_END_TIME,
  PROP_EXIT_ROUTINE,
  PROP_VERBOSE,
  PROP_BATCH_SIZE,
  PROP_CASH,
  PROP_PRICE_HISTORY,
  PROP_RECORD_INTERVAL,
  N_PROPS
};

enum {
  SIGNAL_EVENT,
  SIGNAL_ORDER_UPDATED,
  SIGNAL_POSITION_UPDATED,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static AatEngine *log_engine;   /* the engine whose strategies the log handler watches */

static void drain (AatEngine *self);
static StratState *state_of (AatEngine *self, AatStrategy *s);
static void journal_failed (AatEngine *self, GError *error);
typedef struct _Failure Failure;
static void failure_free (Failure *f);
static void finish (AatEngine *self, GError *error);

/* ---- the heap ---- */

static inline gboolean
heap_less (const HeapItem *a, const HeapItem *b)
{
  if (a->ts != b->ts)
    return a->ts < b->ts;
  if (a->src != b->src)
    return a->src < b->src;
  return a->seq < b->seq;
}

static void
heap_sift_down (AatEngine *self, guint i)
{
  HeapItem *h = self->heap, tmp;
  guint n = self->heap_len;

  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;
      if (l < n && heap_less (&h[l], &h[m]))
        m = l;
      if (r < n && heap_less (&h[r], &h[m]))
        m = r;
      if (m == i)
        return;
      tmp = h[i];
      h[i] = h[m];
      h[m] = tmp;
      i = m;
    }
}

static void
heap_push (AatEngine *self, AatTime ts, guint src, AatEvent *ev)
{
  HeapItem *h, tmp;
  guint i;

  if (self->heap_len == self->heap_cap)
    {
      self->heap_cap = MAX (8, self->heap_cap * 2);
      self->heap = g_renew (HeapItem, self->heap, self->heap_cap);
    }
  h = self->heap;
  i = self->heap_len++;
  h[i] = (HeapItem) { ts, src, self->seq++, ev };
  while (i > 0 && heap_less (&h[i], &h[(i - 1) / 2]))
    {
      tmp = h[i];
      h[i] = h[(i - 1) / 2];
      h[(i - 1) / 2] = tmp;
      i = (i - 1) / 2;
    }
}

/* ---- GObject ---- */

static void
strat_state_clear (gpointer data)
{
  StratState *st = data;

  g_clear_pointer (&st->orders, g_ptr_array_unref);
  g_clear_pointer (&st->open, g_ptr_array_unref);
  g_clear_pointer (&st->trades, g_ptr_array_unref);
}

static void
periodic_clear (gpointer data)
{
  Periodic *p = data;

  if (p->notify != NULL)
    p->notify (p->data);
}

static void
history_clear (gpointer data)
{
  g_free (((History *) data)->v);
}

static void
stratlist_clear (gpointer data)
{
  g_free (((StratList *) data)->v);
}

static void
response_free (Response *r)
{
  if (r->order != NULL)
    aat_order_unref (r->order);
  if (r->trade != NULL)
    aat_trade_unref (r->trade);
  g_free (r->reason);
  g_free (r);
}

static void
pushed_free (Pushed *p)
{
  aat_event_unref (p->ev);
  g_free (p);
}

static void
aat_engine_dispose (GObject *object)
{
  AatEngine *self = AAT_ENGINE (object);

  for (guint i = 0; i < self->strategies->len; i++)
    _aat_strategy_attach (self->strategies->pdata[i], NULL, 0);
  for (guint i = 0; i < self->exchanges->len; i++)
    _aat_exchange_attach (self->exchanges->pdata[i], NULL, 0);
  g_ptr_array_set_size (self->strategies, 0);
  g_ptr_array_set_size (self->exchanges, 0);
  g_ptr_array_set_size (self->risk, 0);
  g_clear_object (&self->execution);
  g_clear_object (&self->journal);
  G_OBJECT_CLASS (aat_engine_parent_class)->dispose (object);
}

static void
aat_engine_finalize (GObject *object)
{
  AatEngine *self = AAT_ENGINE (object);

  g_queue_clear_full (&self->responses, (GDestroyNotify) response_free);
  g_queue_clear_full (&self->pushed, (GDestroyNotify) pushed_free);
  g_queue_clear_full (&self->failed, (GDestroyNotify) failure_free);
  g_ptr_array_unref (self->exchanges);
  g_array_unref (self->sources);
  g_ptr_array_unref (self->strategies);
  g_array_unref (self->strat_state);
  g_ptr_array_unref (self->risk);
  g_object_unref (self->portfolio);
  g_ptr_array_unref (self->instruments);
  g_array_unref (self->subs);
  g_free (self->everyone.v);
  g_free (self->heap);
  g_ptr_array_unref (self->trades);
  g_ptr_array_unref (self->unowned);
  g_array_unref (self->periodics);
  g_array_unref (self->history);
  g_byte_array_unref (self->priced);
  g_free (self->first_failure);
  if (self->context != NULL)
    g_main_context_unref (self->context);
  G_OBJECT_CLASS (aat_engine_parent_class)->finalize (object);
}

static void
aat_engine_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatEngine *self = AAT_ENGINE (object);

  switch (prop_id)
    {
    case PROP_TRADING_TYPE: g_value_set_enum (value, self->trading_type); break;
    case PROP_SEED: g_value_set_uint64 (value, self->seed); break;
    case PROP_START_TIME: g_value_set_int64 (value, self->start_time); break;
    case PROP_END_TIME: g_value_set_int64 (value, self->end_time); break;
    case PROP_EXIT_ROUTINE: g_value_set_enum (value, self->exit_routine); break;
    case PROP_VERBOSE: g_value_set_boolean (value, self->verbose); break;
    case PROP_BATCH_SIZE: g_value_set_uint (value, self->batch_size); break;
    case PROP_CASH: g_value_set_double (value, self->cash); break;
    case PROP_PRICE_HISTORY: g_value_set_uint (value, self->history_limit); break;
    case PROP_RECORD_INTERVAL: g_value_set_int64 (value, self->record_interval); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aat_engine_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatEngine *self = AAT_ENGINE (object);

  switch (prop_id)
    {
    case PROP_TRADING_TYPE: self->trading_type = g_value_get_enum (value); break;
    case PROP_SEED: self->seed = g_value_get_uint64 (value); break;
    case PROP_START_TIME: self->start_time = g_value_get_int64 (value); break;
    case PROP_END_TIME: self->end_time = g_value_get_int64 (value); break;
    case PROP_EXIT_ROUTINE: self->exit_routine = g_value_get_enum (value); break;
    case PROP_VERBOSE: self->verbose = g_value_get_boolean (value); break;
    case PROP_BATCH_SIZE: self->batch_size = g_value_get_uint (value); break;
    case PROP_CASH:
      self->cash = g_value_get_double (value);
      aat_portfolio_set_initial_cash (self->portfolio, NULL, self->cash);
      break;
    case PROP_PRICE_HISTORY: self->history_limit = g_value_get_uint (value); break;
    case PROP_RECORD_INTERVAL: self->record_interval = g_value_get_int64 (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aat_engine_class_init (AatEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = aat_engine_dispose;
  object_class->finalize = aat_engine_finalize;
  object_class->get_property = aat_engine_get_property;
  object_class->set_property = aat_engine_set_property;

  /**
   * AatEngine:trading-type:
   *
   * Live, simulation, sandbox or backtest.
   */
  properties[PROP_TRADING_TYPE] =
    g_param_spec_enum ("trading-type", NULL, "How the run trades", AAT_TYPE_TRADING_TYPE,
                       AAT_TRADING_TYPE_BACKTEST, rw | G_PARAM_CONSTRUCT);
  /**
   * AatEngine:seed:
   *
   * The run's random seed; simulated exchanges derive theirs from it.
   */
  properties[PROP_SEED] = g_param_spec_uint64 ("seed", NULL, "Random seed of the run", 0, G_MAXUINT64, 0, rw);
  /**
   * AatEngine:start-time:
   *
   * Events before this time are not dispatched (0: no bound).
   */
  properties[PROP_START_TIME] = g_param_spec_int64 ("start-time", NULL, "First event time (ns since the epoch; 0: none)", 0, G_MAXINT64, 0, rw);
  /**
   * AatEngine:end-time:
   *
   * Events after this time are not dispatched (0: no bound).
   */
  properties[PROP_END_TIME] = g_param_spec_int64 ("end-time", NULL, "Last event time (ns since the epoch; 0: none)", 0, G_MAXINT64, 0, rw);
  /**
   * AatEngine:exit-routine:
   *
   * What to do with orders and positions when the run ends.
   */
  properties[PROP_EXIT_ROUTINE] =
    g_param_spec_enum ("exit-routine", NULL, "At the end: none, cancel-all or close-all", AAT_TYPE_EXIT_ROUTINE,
                       AAT_EXIT_ROUTINE_NONE, rw);
  /**
   * AatEngine:verbose:
   *
   * Log every order and fill.
   */
  properties[PROP_VERBOSE] = g_param_spec_boolean ("verbose", NULL, "Log orders and fills", FALSE, rw);
  /**
   * AatEngine:batch-size:
   *
   * How many events one main-loop iteration dispatches in a backtest.
   */
  properties[PROP_BATCH_SIZE] = g_param_spec_uint ("batch-size", NULL, "Events per main-loop iteration", 1, G_MAXUINT, 10000, rw);
  /**
   * AatEngine:cash:
   *
   * Starting cash of each strategy.
   */
  properties[PROP_CASH] = g_param_spec_double ("cash", NULL, "Starting cash of each strategy", 0, G_MAXDOUBLE, 100000.0, rw | G_PARAM_CONSTRUCT);
  /**
   * AatEngine:price-history:
   *
   * How many recent prices per instrument aat_strategy_price_history() keeps.
   */
  properties[PROP_PRICE_HISTORY] = g_param_spec_uint ("price-history", NULL, "Prices kept per instrument", 0, G_MAXUINT, 10000, rw);
  /**
   * AatEngine:record-interval:
   *
   * Equity curve resolution: one point per interval of engine time (ns).
   */
  properties[PROP_RECORD_INTERVAL] = g_param_spec_int64 ("record-interval", NULL, "Equity curve resolution (ns)", 1, G_MAXINT64, 86400 * AAT_TIME_SECOND, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AatEngine::event:
   * @engine: the engine
   * @event: a market event
   *
   * Emitted for every market event, for user interfaces. Strategies are called
   * directly, not through this signal; it costs nothing while nobody connects.
   */
  signals[SIGNAL_EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, AAT_TYPE_EVENT);
  /**
   * AatEngine::order-updated:
   * @engine: the engine
   * @order: an order whose state changed
   *
   * Emitted after each order response.
   */
  signals[SIGNAL_ORDER_UPDATED] = g_signal_new ("order-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 1, AAT_TYPE_ORDER);
  /**
   * AatEngine::position-updated:
   * @engine: the engine
   * @strategy: (nullable): the strategy whose position changed
   * @instrument: the instrument
   *
   * Emitted after each fill.
   */
  signals[SIGNAL_POSITION_UPDATED] = g_signal_new ("position-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                   NULL, NULL, NULL, G_TYPE_NONE, 2, AAT_TYPE_STRATEGY, AAT_TYPE_INSTRUMENT);
  /**
   * AatEngine::finished:
   * @engine: the engine
   *
   * Emitted when a run ends, after the exit routine and on_exit.
   */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
aat_engine_init (AatEngine *self)
{
  self->exchanges = g_ptr_array_new_with_free_func (g_object_unref);
  self->sources = g_array_new (FALSE, TRUE, sizeof (Source));
  self->strategies = g_ptr_array_new_with_free_func (g_object_unref);
  self->strat_state = g_array_new (FALSE, TRUE, sizeof (StratState));
  g_array_set_clear_func (self->strat_state, strat_state_clear);
  self->risk = g_ptr_array_new_with_free_func (g_object_unref);
  self->portfolio = aat_portfolio_new ();
  self->instruments = g_ptr_array_new ();
  self->subs = g_array_new (FALSE, TRUE, sizeof (StratList));
  g_array_set_clear_func (self->subs, stratlist_clear);
  self->trades = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_trade_unref);
  self->unowned = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref);
  self->periodics = g_array_new (FALSE, TRUE, sizeof (Periodic));
  g_array_set_clear_func (self->periodics, periodic_clear);
  self->history = g_array_new (FALSE, TRUE, sizeof (History));
  g_array_set_clear_func (self->history, history_clear);
  self->priced = g_byte_array_new ();
  self->batch_size = 10000;
  self->history_limit = 10000;
  self->record_interval = 86400 * AAT_TIME_SECOND;
  self->next_due = G_MAXINT64;
  self->bucket = G_MININT64;
  g_queue_init (&self->responses);
  g_queue_init (&self->pushed);
  g_queue_init (&self->failed);
  self->max_queued = 100000;
}

/**
 * aat_engine_new:
 * @trading_type: how to trade
 *
 * Returns: (transfer full): a new engine
 */
AatEngine *
aat_engine_new (AatTradingType trading_type)
{
  return g_object_new (AAT_TYPE_ENGINE, "trading-type", trading_type, NULL);
}

/**
 * aat_engine_get_trading_type:
 * @self: an engine
 *
 * Returns: how it trades
 */
AatTradingType
aat_engine_get_trading_type (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), AAT_TRADING_TYPE_BACKTEST);
  return self->trading_type;
}

/**
 * aat_engine_add_exchange:
 * @self: an engine
 * @exchange: an exchange
 *
 * Adds an exchange. Exchanges added earlier win ties between equal timestamps.
 */
void
aat_engine_add_exchange (AatEngine *self, AatExchange *exchange)
{
  Source src = { exchange, FALSE, FALSE };

  g_return_if_fail (AAT_IS_ENGINE (self));
  g_return_if_fail (AAT_IS_EXCHANGE (exchange));
  g_return_if_fail (!self->running);
  g_ptr_array_add (self->exchanges, g_object_ref (exchange));
  g_array_append_val (self->sources, src);
  _aat_exchange_attach (exchange, self, self->sources->len - 1);
}

/**
 * aat_engine_add_strategy:
 * @self: an engine
 * @strategy: a strategy
 *
 * Adds a strategy. Strategies are called in the order they were added.
 */
void
aat_engine_add_strategy (AatEngine *self, AatStrategy *strategy)
{
  StratState st = { NULL, NULL, NULL };

  g_return_if_fail (AAT_IS_ENGINE (self));
  g_return_if_fail (AAT_IS_STRATEGY (strategy));
  g_return_if_fail (!self->running);
  _aat_strategy_attach (strategy, self, self->strategies->len);
  g_ptr_array_add (self->strategies, g_object_ref (strategy));
  st.orders = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref);
  st.open = g_ptr_array_new ();
  st.trades = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_trade_unref);
  g_array_append_val (self->strat_state, st);
  _aat_portfolio_add_strategy (self->portfolio, strategy);
}

/**
 * aat_engine_add_risk_policy:
 * @self: an engine
 * @policy: a risk policy
 *
 * Adds a risk policy. Every order passes each policy in turn.
 */
void
aat_engine_add_risk_policy (AatEngine *self, AatRiskPolicy *policy)
{
  g_return_if_fail (AAT_IS_ENGINE (self));
  g_return_if_fail (AAT_IS_RISK_POLICY (policy));
  g_ptr_array_add (self->risk, g_object_ref (policy));
}

/**
 * aat_engine_set_execution_policy:
 * @self: an engine
 * @policy: (nullable): an execution policy, or %NULL for pass-through
 *
 * Sets the execution policy.
 */
void
aat_engine_set_execution_policy (AatEngine *self, AatExecutionPolicy *policy)
{
  g_return_if_fail (AAT_IS_ENGINE (self));
  g_set_object (&self->execution, policy);
}

/**
 * aat_engine_get_exchanges:
 * @self: an engine
 *
 * Returns: (transfer none) (element-type AatExchange): its exchanges
 */
GPtrArray *
aat_engine_get_exchanges (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), NULL);
  return self->exchanges;
}

/**
 * aat_engine_get_strategies:
 * @self: an engine
 *
 * Returns: (transfer none) (element-type AatStrategy): its strategies
 */
GPtrArray *
aat_engine_get_strategies (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), NULL);
  return self->strategies;
}

/**
 * aat_engine_get_exchange:
 * @self: an engine
 * @type: an exchange type
 *
 * Returns: (transfer none) (nullable): the exchange with that name
 */
AatExchange *
aat_engine_get_exchange (AatEngine *self, AatExchangeType *type)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), NULL);
  for (guint i = 0; i < self->exchanges->len; i++)
    if (aat_exchange_get_exchange_type (self->exchanges->pdata[i]) == type)
      return self->exchanges->pdata[i];
  return NULL;
}

/**
 * aat_engine_get_portfolio:
 * @self: an engine
 *
 * Returns: (transfer none): its portfolio
 */
AatPortfolio *
aat_engine_get_portfolio (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), NULL);
  return self->portfolio;
}

/**
 * aat_engine_get_instruments:
 * @self: an engine
 *
 * Returns: (transfer none) (element-type AatInstrument): the instruments its exchanges
 *   offer (known once the run has started)
 */
GPtrArray *
aat_engine_get_instruments (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), NULL);
  return self->instruments;
}

/**
 * aat_engine_lookup_instrument:
 * @self: an engine
 * @name: an instrument's name
 *
 * Returns: (transfer none) (nullable): the instrument of that name among the engine's
 */
AatInstrument *
aat_engine_lookup_instrument (AatEngine *self, const char *name)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), NULL);
  for (guint i = 0; i < self->instruments->len; i++)
    if (g_strcmp0 (aat_instrument_get_name (self->instruments->pdata[i]), name) == 0)
      return self->instruments->pdata[i];
  return NULL;
}

static void
add_instrument (AatEngine *self, AatInstrument *instrument)
{
  if (!g_ptr_array_find (self->instruments, instrument, NULL))
    g_ptr_array_add (self->instruments, instrument);
}

/* ---- subscriptions ---- */

static void
stratlist_add (StratList *l, AatStrategy *s)
{
  for (guint i = 0; i < l->n; i++)
    if (l->v[i] == s)
      return;
  if (l->n == l->cap)
    {
      l->cap = MAX (4, l->cap * 2);
      l->v = g_renew (AatStrategy *, l->v, l->cap);
    }
  l->v[l->n++] = s;
}

static void
stratlist_remove (StratList *l, AatStrategy *s)
{
  for (guint i = 0; i < l->n; i++)
    if (l->v[i] == s)
      {
        memmove (&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof (AatStrategy *));
        l->n--;
        return;
      }
}

static inline StratList *
subs_for (AatEngine *self, guint idx)
{
  if (G_UNLIKELY (idx >= self->subs->len))
    g_array_set_size (self->subs, idx + 1);
  return &g_array_index (self->subs, StratList, idx);
}

void
_aat_engine_subscribe (AatEngine *self, AatStrategy *strategy, AatInstrument *instrument)
{
  AatStrategyPrivate *priv = _aat_strategy_get_private (strategy);

  if (!priv->subscribed_any)
    {
      priv->subscribed_any = TRUE;
      /* from now on it gets only what it subscribes to */
      stratlist_remove (&self->everyone, strategy);
    }
  stratlist_add (subs_for (self, aat_instrument_get_index (instrument)), strategy);
  for (guint i = 0; i < self->exchanges->len; i++)
    aat_exchange_subscribe (self->exchanges->pdata[i], instrument);
}

/* ---- periodic callbacks ---- */

static void
update_next_due (AatEngine *self)
{
  self->next_due = G_MAXINT64;
  for (guint i = 0; i < self->periodics->len; i++)
    self->next_due = MIN (self->next_due, g_array_index (self->periodics, Periodic, i).next);
}

guint
_aat_engine_add_periodic (AatEngine *self, AatStrategy *strategy, double seconds,
                          AatPeriodicFunc func, gpointer user_data, GDestroyNotify notify)
{
  Periodic p;
  AatTime interval = (AatTime) llround (seconds * AAT_TIME_SECOND);

  p.id = ++self->next_periodic_id;
  p.strategy = strategy;
  p.interval = MAX (interval, 1);
  /* aligned to the interval, so runs over the same data call at the same times */
  p.next = self->running ? (self->now / p.interval + 1) * p.interval : G_MININT64;
  p.func = func;
  p.data = user_data;
  p.notify = notify;
  g_array_append_val (self->periodics, p);
  update_next_due (self);
  return p.id;
}

void
_aat_engine_remove_periodic (AatEngine *self, guint id)
{
  for (guint i = 0; i < self->periodics->len; i++)
    if (g_array_index (self->periodics, Periodic, i).id == id)
      {
        g_array_remove_index (self->periodics, i);
        break;
      }
  update_next_due (self);
}

static void
run_periodics (AatEngine *self)
{
  for (guint i = 0; i < self->periodics->len; i++)
    {
      Periodic *p = &g_array_index (self->periodics, Periodic, i);
      if (p->next == G_MININT64)
        p->next = (self->now / p->interval + 1) * p->interval;
      else if (p->next <= self->now)
        {
          guint id = p->id;
          AatStrategy *s = p->strategy;
          AatPeriodicFunc func = p->func;
          gpointer data = p->data;
          /* skip missed periods in one step: a gap in the data calls once */
          p->next = (self->now / p->interval + 1) * p->interval;
          self->current = s;
          func (s, self->now, data);
          self->current = NULL;
          drain (self);
          /* the callback may have changed the array */
          if (i >= self->periodics->len || g_array_index (self->periodics, Periodic, i).id != id)
            i = 0;
        }
    }
  update_next_due (self);
}

/* ---- failures ---- */

struct _Failure {
  AatStrategy *strategy;
  GError *error;
};

static void
failure_free (Failure *f)
{
  g_clear_object (&f->strategy);
  g_error_free (f->error);
  g_free (f);
}

/* Counts a failure at once; on_error and the log line follow at the next safe point
 * (a failure may be reported from inside a log handler). */
void
_aat_engine_report_error (AatEngine *self, AatStrategy *strategy, const GError *error)
{
  Failure *f;

  self->failures++;
  if (self->first_failure == NULL)
    self->first_failure = strategy != NULL
      ? g_strdup_printf ("strategy '%s' failed: %s", aat_strategy_get_name (strategy), error->message)
      : g_strdup (error->message);
  if (strategy == NULL)
    return;
  _aat_strategy_get_private (strategy)->error_count++;
  f = g_new0 (Failure, 1);
  f->strategy = g_object_ref (strategy);
  f->error = g_error_copy (error);
  g_queue_push_tail (&self->failed, f);
  if (self->current == NULL && self->dispatching == 0 && !self->draining)
    drain (self);
}

static void
deliver_failure (AatEngine *self, Failure *f)
{
  AatStrategy *saved = self->current;

  g_log (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "strategy '%s' failed: %s", aat_strategy_get_name (f->strategy),
         f->error->message);
  self->in_error = TRUE;
  self->current = f->strategy;
  AAT_STRATEGY_GET_CLASS (f->strategy)->on_error (f->strategy, f->error);
  self->current = saved;
  self->in_error = FALSE;
}

static void
engine_log_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  AatEngine *self = log_engine;

  if (self != NULL && self->current != NULL && !self->in_error &&
      (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR)))
    {
      g_autoptr (GError) error = g_error_new (AAT_ENGINE_ERROR, AAT_ENGINE_ERROR_STRATEGY, "%s%s%s",
                                              domain ? domain : "", domain ? ": " : "", message);
      _aat_engine_report_error (self, self->current, error);
    }
  if (self != NULL && self->old_log_func != NULL)
    self->old_log_func (domain, level, message, self->old_log_data);
  else
    g_log_default_handler (domain, level, message, NULL);
}

/* ---- reliability (issue 9): the journal ---- */

/* A journal that cannot be written stops new orders (aat_engine_send_order() rejects
 * them); say so once, and make the run's outcome a failure. Takes @error. */
static void
journal_failed (AatEngine *self, GError *error)
{
  if (!self->journal_reported)
    {
      self->journal_reported = TRUE;
      g_message ("journal failure: %s; aat sends no new orders from now on", error->message);
      _aat_engine_report_error (self, NULL, error);
    }
  g_error_free (error);
}

/* Gives @order a client id unique across runs and journals it before it is sent.
 * FALSE: it must not be sent. */
static gboolean
journal_before_send (AatEngine *self, AatOrder *order)
{
  GError *error = NULL;

  if (aat_journal_is_failed (self->journal))
    return FALSE;
  if (order->client_id == NULL)
    order->client_id = aat_journal_next_client_id (self->journal);
  if (order->client_id != NULL && aat_journal_append_order (self->journal, "new", order, NULL, NULL, &error))
    return TRUE;
  if (error == NULL)
    error = g_error_new (AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_WRITE, "%s", aat_journal_get_failure (self->journal));
  journal_failed (self, error);
  return FALSE;
}

void
_aat_engine_adopt_order (AatEngine *self, AatStrategy *strategy, AatOrder *order)
{
  aat_order_ref (order);
  order->placed = TRUE;
  order->acked = TRUE;
  order->id = ++self->next_id;
  order->strategy = strategy;
  if (order->status < AAT_ORDER_STATUS_OPEN)
    order->status = AAT_ORDER_STATUS_OPEN;
  if (strategy != NULL)
    {
      StratState *st = state_of (self, strategy);
      g_ptr_array_add (st->orders, order);
      g_ptr_array_add (st->open, order);
    }
  else
    g_ptr_array_add (self->unowned, order);
}

/**
 * aat_engine_set_journal:
 * @self: an engine
 * @journal: (nullable): an order journal, or %NULL for none
 *
 * Attaches an order journal. Every order is then journaled (with a client order id
 * unique across runs) before it is sent, and every response and position change before
 * it is reported; when the journal cannot be written, new orders are rejected. In live,
 * sandbox and simulation runs the engine recovers from the journal when it starts
 * (aat_journal_recover()).
 *
 * Since: 0.1
 */
void
aat_engine_set_journal (AatEngine *self, AatJournal *journal)
{
  g_return_if_fail (AAT_IS_ENGINE (self));
  g_return_if_fail (journal == NULL || AAT_IS_JOURNAL (journal));
  g_return_if_fail (!self->running);
  g_set_object (&self->journal, journal);
}

/**
 * aat_engine_get_journal:
 * @self: an engine
 *
 * Since: 0.1
 *
 * Returns: (transfer none) (nullable): its journal
 */
AatJournal *
aat_engine_get_journal (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), NULL);
  return self->journal;
}

/**
 * aat_engine_set_max_queued_events:
 * @self: an engine
 * @max_events: how many pushed market events may wait for dispatch (at least 1)
 *
 * Bounds the queue of live market events that wait while a strategy is busy. Beyond
 * it the oldest market events are dropped, counted and logged; order responses are
 * never dropped. The default is 100000.
 *
 * Since: 0.1
 */
void
aat_engine_set_max_queued_events (AatEngine *self, guint max_events)
{
  g_return_if_fail (AAT_IS_ENGINE (self));
  self->max_queued = MAX (max_events, 1);
}

/**
 * aat_engine_get_dropped_event_count:
 * @self: an engine
 *
 * Since: 0.1
 *
 * Returns: how many live market events were dropped at the queue bound
 */
guint64
aat_engine_get_dropped_event_count (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), 0);
  return self->dropped;
}

/**
 * aat_engine_get_max_lag:
 * @self: an engine
 *
 * Since: 0.1
 *
 * Returns: the longest time a live market event waited in the queue before its
 *   dispatch, in nanoseconds
 */
AatTime
aat_engine_get_max_lag (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), 0);
  return self->max_lag * 1000;
}

/* ---- responses ---- */

void
_aat_engine_response (AatEngine *self, AatExchange *source, AatEventType type, AatOrder *order,
                      AatTrade *trade, const char *reason)
{
  Response *r;

  /* reliability (issue 9): journal the response before anyone is told of it */
  if (self->journal != NULL)
    {
      const char *kind = type == AAT_EVENT_TYPE_RECEIVED ? "received"
                         : type == AAT_EVENT_TYPE_CANCELED ? "canceled"
                         : type == AAT_EVENT_TYPE_REJECTED ? "rejected" : "fill";
      GError *error = NULL;
      if (!aat_journal_append_order (self->journal, kind, order, trade, reason, &error))
        journal_failed (self, error);
    }
  r = g_new0 (Response, 1);
  r->type = type;
  r->order = aat_order_ref (order);
  r->trade = trade != NULL ? aat_trade_ref (trade) : NULL;
  r->reason = g_strdup (reason);
  g_queue_push_tail (&self->responses, r);
  /* a live venue's answer from an I/O callback: deliver now */
  if (self->current == NULL && self->dispatching == 0 && !self->draining)
    drain (self);
}

static StratState *
state_of (AatEngine *self, AatStrategy *s)
{
  if (s == NULL)
    return NULL;
  return &g_array_index (self->strat_state, StratState, _aat_strategy_get_private (s)->index);
}

static void
order_closed (AatEngine *self, AatOrder *order)
{
  StratState *st = state_of (self, order->strategy);

  if (st != NULL)
    g_ptr_array_remove_fast (st->open, order);
}

static void
deliver_received (AatEngine *self, AatOrder *order)
{
  AatStrategy *s = order->strategy;

  if (order->acked)
    return;
  order->acked = TRUE;
  if (s != NULL)
    {
      self->current = s;
      AAT_STRATEGY_GET_CLASS (s)->on_received (s, order);
      self->current = NULL;
    }
}

static void
process_response (AatEngine *self, Response *r)
{
  AatOrder *order = r->order;
  AatStrategy *s = order->strategy;
  AatStrategyClass *klass = s != NULL ? AAT_STRATEGY_GET_CLASS (s) : NULL;

  switch (r->type)
    {
    case AAT_EVENT_TYPE_RECEIVED:
      deliver_received (self, order);
      break;

    case AAT_EVENT_TYPE_BOUGHT:
    case AAT_EVENT_TYPE_SOLD:
      deliver_received (self, order);
      aat_portfolio_apply_fill (self->portfolio, s, order->instrument, order->side, r->trade->volume,
                                r->trade->price, r->trade->fee, r->trade->timestamp);
      /* reliability (issue 9): the position change, journaled before on_bought/on_sold */
      if (self->journal != NULL)
        {
          g_autoptr (AatPosition) pos = aat_portfolio_get_position (self->portfolio, s, order->instrument);
          GError *error = NULL;
          if (!aat_journal_append_position (self->journal, s, order->instrument,
                                            pos != NULL ? aat_position_get_size (pos) : 0.0,
                                            pos != NULL ? aat_position_get_average_price (pos) : 0.0,
                                            aat_portfolio_get_cash (self->portfolio, s), &error))
            journal_failed (self, error);
        }
      g_ptr_array_add (self->trades, aat_trade_ref (r->trade));
      if (s != NULL)
        g_ptr_array_add (state_of (self, s)->trades, aat_trade_ref (r->trade));
      for (guint i = 0; i < self->risk->len; i++)
        if (AAT_RISK_POLICY_GET_CLASS (self->risk->pdata[i])->on_fill != NULL)
          AAT_RISK_POLICY_GET_CLASS (self->risk->pdata[i])->on_fill (self->risk->pdata[i], self, s, r->trade);
      if (aat_order_is_done (order))
        order_closed (self, order);
      if (self->verbose)
        g_message ("%s %g %s @ %g (fee %g) for %s", r->type == AAT_EVENT_TYPE_BOUGHT ? "bought" : "sold",
                   r->trade->volume, aat_instrument_get_name (order->instrument), r->trade->price, r->trade->fee,
                   s != NULL ? aat_strategy_get_name (s) : "(none)");
      if (s != NULL)
        {
          self->current = s;
          if (r->type == AAT_EVENT_TYPE_BOUGHT)
            klass->on_bought (s, r->trade);
          else
            klass->on_sold (s, r->trade);
          klass->on_traded (s, r->trade);
          self->current = NULL;
        }
      g_signal_emit (self, signals[SIGNAL_POSITION_UPDATED], 0, s, order->instrument);
      break;

    case AAT_EVENT_TYPE_CANCELED:
      order_closed (self, order);
      if (s != NULL)
        {
          self->current = s;
          klass->on_canceled (s, order);
          self->current = NULL;
        }
      break;

    case AAT_EVENT_TYPE_REJECTED:
      order->status = AAT_ORDER_STATUS_REJECTED;
      order_closed (self, order);
      if (self->verbose)
        g_message ("rejected order #%" G_GUINT64_FORMAT ": %s", order->id, r->reason);
      if (s != NULL)
        {
          self->current = s;
          klass->on_rejected (s, order, r->reason != NULL ? r->reason : "rejected");
          self->current = NULL;
        }
      break;

    default:
      break;
    }
  g_signal_emit (self, signals[SIGNAL_ORDER_UPDATED], 0, order);
}

static void dispatch_market (AatEngine *self, guint src, AatEvent *ev);

/* Deliver queued responses, then queued pushed events, until both queues are empty.
 * Never re-entered: callbacks that cause more responses only queue them. */
static void
drain (AatEngine *self)
{
  Response *r;
  Pushed *p;

  if (self->draining)
    return;
  self->draining = TRUE;
  for (;;)
    {
      Failure *f;
      while ((f = g_queue_pop_head (&self->failed)) != NULL)
        {
          deliver_failure (self, f);
          failure_free (f);
        }
      while ((r = g_queue_pop_head (&self->responses)) != NULL)
        {
          process_response (self, r);
          response_free (r);
        }
      p = g_queue_pop_head (&self->pushed);
      if (p == NULL)
        break;
      self->max_lag = MAX (self->max_lag, g_get_monotonic_time () - p->at);   /* issue 9 */
      self->draining = FALSE;
      dispatch_market (self, p->src, p->ev);
      self->draining = TRUE;
      pushed_free (p);
    }
  self->draining = FALSE;
}

/* ---- the order path ---- */

static AatExchange *
exchange_for (AatEngine *self, AatOrder *order)
{
  if (order->exchange != NULL)
    return aat_engine_get_exchange (self, order->exchange);
  for (guint i = 0; i < self->exchanges->len; i++)
    {
      AatExchange *ex = self->exchanges->pdata[i];
      GPtrArray *where = aat_instrument_get_exchanges (order->instrument);
      if (g_ptr_array_find (where, aat_exchange_get_exchange_type (ex), NULL))
        return ex;
    }
  return self->exchanges->len > 0 ? self->exchanges->pdata[0] : NULL;
}

static void
reject (AatEngine *self, AatOrder *order, const char *reason)
{
  _aat_engine_response (self, NULL, AAT_EVENT_TYPE_REJECTED, order, NULL, reason);
}

/**
 * aat_engine_place_order:
 * @self: an engine
 * @strategy: (nullable): the owner, or %NULL for an order placed by the application
 * @order: a new order
 *
 * Places an order: assigns its id and owner, passes it through every risk policy and the
 * execution policy, and sends it to its exchange (or to the first exchange that lists
 * its instrument). Responses reach the owner after the current callback returns.
 *
 * Returns: (transfer none): @order; the engine keeps a reference for the whole run
 */
AatOrder *
aat_engine_place_order (AatEngine *self, AatStrategy *strategy, AatOrder *order)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), NULL);
  g_return_val_if_fail (order != NULL, NULL);

  if (order->placed)
    {
      g_critical ("%s: order #%" G_GUINT64_FORMAT " was already placed", G_STRFUNC, order->id);
      return order;
    }
  order->placed = TRUE;
  order->id = ++self->next_id;
  order->timestamp = self->now;
  order->strategy = strategy;
  order->status = AAT_ORDER_STATUS_PENDING;
  if (order->exchange == NULL)
    {
      AatExchange *ex = exchange_for (self, order);
      if (ex != NULL)
        order->exchange = aat_exchange_get_exchange_type (ex);
    }
  if (strategy != NULL)
    {
      StratState *st = state_of (self, strategy);
      g_ptr_array_add (st->orders, aat_order_ref (order));
      g_ptr_array_add (st->open, order);
    }
  else
    g_ptr_array_add (self->unowned, aat_order_ref (order));

  if (self->killed)
    reject (self, order, "halted: the engine's kill switch is on");
  else if (strategy != NULL && aat_strategy_is_halted (strategy) && !self->closing)
    reject (self, order, "halted: the strategy is halted");
  else
    {
      gboolean ok = TRUE;
      for (guint i = 0; i < self->risk->len && ok; i++)
        {
          g_autofree char *why = NULL;
          ok = aat_risk_policy_check (self->risk->pdata[i], self, strategy, order, &why);
          if (!ok)
            {
              g_autofree char *msg = g_strdup_printf ("risk: %s", why);
              reject (self, order, msg);
            }
        }
      if (ok)
        {
          if (self->execution != NULL)
            aat_execution_policy_execute (self->execution, self, order);
          else
            aat_engine_send_order (self, order);
        }
    }
  if (self->current == NULL)
    drain (self);
  return order;
}

/**
 * aat_engine_send_order:
 * @self: an engine
 * @order: an approved order (or a child order made by an execution policy)
 *
 * Sends an order to its exchange. Execution policies call this.
 */
void
aat_engine_send_order (AatEngine *self, AatOrder *order)
{
  AatExchange *ex;

  g_return_if_fail (AAT_IS_ENGINE (self));
  g_return_if_fail (order != NULL);
  if (!order->placed)
    {
      /* a child order: it inherits nothing but must have an id */
      order->placed = TRUE;
      order->id = ++self->next_id;
      order->timestamp = self->now;
      /* controls (issue 8): a child order whose execution policy set its owner
       * (order->strategy, as TWAP does) joins the owner's orders, so its fills are routed
       * to the owner and cancel-all / close-all / the order queries see it. */
      if (order->strategy != NULL)
        {
          StratState *st = state_of (self, order->strategy);
          order->status = AAT_ORDER_STATUS_PENDING;
          g_ptr_array_add (st->orders, aat_order_ref (order));
          g_ptr_array_add (st->open, order);
        }
    }
  ex = exchange_for (self, order);
  if (ex == NULL)
    {
      reject (self, order, aat_reject_reason_to_string (AAT_REJECT_REASON_NO_EXCHANGE));
      return;
    }
  /* reliability (issue 9): no journal record, no order */
  if (self->journal != NULL && !journal_before_send (self, order))
    {
      g_autofree char *why = g_strdup_printf ("journal: %s; no order is sent without a journal",
                                              aat_journal_get_failure (self->journal));
      reject (self, order, why);
      return;
    }
  if (self->verbose)
    {
      g_autofree char *text = aat_order_to_string (order);
      g_message ("send %s to %s", text, aat_exchange_get_name (ex));
    }
  aat_exchange_new_order (ex, order);
}

/**
 * aat_engine_cancel_order:
 * @self: an engine
 * @order: a working order
 *
 * Asks the order's exchange to cancel it.
 *
 * Returns: %TRUE if the request was sent
 */
gboolean
aat_engine_cancel_order (AatEngine *self, AatOrder *order)
{
  AatExchange *ex;

  g_return_val_if_fail (AAT_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (order != NULL, FALSE);
  if (aat_order_is_done (order) || !order->placed)
    return FALSE;
  /* controls (issue 8): a parent order held by an execution policy never reached an
   * exchange (TWAP marks it with parent_id == id): cancel it here; the policy sees the
   * status and stops slicing. */
  if (order->parent_id != 0 && order->parent_id == order->id)
    {
      order->status = AAT_ORDER_STATUS_CANCELED;
      _aat_engine_response (self, NULL, AAT_EVENT_TYPE_CANCELED, order, NULL, NULL);
      if (self->current == NULL)
        drain (self);
      return TRUE;
    }
  ex = exchange_for (self, order);
  if (ex == NULL)
    return FALSE;
  /* reliability (issue 9): journaled first, but a cancel still goes out without a
   * journal: it only reduces risk */
  if (self->journal != NULL)
    {
      GError *error = NULL;
      if (!aat_journal_append_order (self->journal, "cancel-request", order, NULL, NULL, &error))
        journal_failed (self, error);
    }
  aat_exchange_cancel_order (ex, order);
  if (self->current == NULL)
    drain (self);
  return TRUE;
}

/**
 * aat_engine_get_orders:
 * @self: an engine
 * @strategy: (nullable): a strategy, or %NULL for every strategy
 * @open_only: only working orders
 *
 * Returns: (transfer container) (element-type AatOrder): orders, oldest first
 */
GPtrArray *
aat_engine_get_orders (AatEngine *self, AatStrategy *strategy, gboolean open_only)
{
  GPtrArray *out;

  g_return_val_if_fail (AAT_IS_ENGINE (self), NULL);
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref);
  for (guint i = 0; i < self->strat_state->len; i++)
    {
      StratState *st = &g_array_index (self->strat_state, StratState, i);
      if (strategy != NULL && self->strategies->pdata[i] != strategy)
        continue;
      for (guint k = 0; k < st->orders->len; k++)
        {
          AatOrder *o = st->orders->pdata[k];
          if (!open_only || !aat_order_is_done (o))
            g_ptr_array_add (out, aat_order_ref (o));
        }
    }
  return out;
}

/**
 * aat_engine_get_trades:
 * @self: an engine
 * @strategy: (nullable): a strategy, or %NULL for every fill
 *
 * Returns: (transfer container) (element-type AatTrade): fills, oldest first
 */
GPtrArray *
aat_engine_get_trades (AatEngine *self, AatStrategy *strategy)
{
  GPtrArray *src, *out;

  g_return_val_if_fail (AAT_IS_ENGINE (self), NULL);
  src = strategy != NULL ? state_of (self, strategy)->trades : self->trades;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_trade_unref);
  for (guint i = 0; i < src->len; i++)
    g_ptr_array_add (out, aat_trade_ref (src->pdata[i]));
  return out;
}

/**
 * aat_engine_last_price:
 * @self: an engine
 * @instrument: an instrument
 *
 * Returns: its latest price, or 0
 */
double
aat_engine_last_price (AatEngine *self, AatInstrument *instrument)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), 0.0);
  return aat_portfolio_get_last_price (self->portfolio, instrument);
}

/* ---- controls ---- */

/**
 * aat_engine_halt_strategy:
 * @self: an engine
 * @strategy: a strategy
 * @reason: (nullable): why, for the log
 *
 * Halts a strategy: it keeps receiving data but its new orders are rejected until it is
 * resumed. Calls on_halt.
 */
void
aat_engine_halt_strategy (AatEngine *self, AatStrategy *strategy, const char *reason)
{
  AatStrategyPrivate *priv;
  AatStrategy *saved;

  g_return_if_fail (AAT_IS_ENGINE (self));
  g_return_if_fail (AAT_IS_STRATEGY (strategy));
  priv = _aat_strategy_get_private (strategy);
  if (priv->halted)
    return;
  priv->halted = TRUE;
  g_message ("strategy '%s' halted%s%s", aat_strategy_get_name (strategy), reason ? ": " : "", reason ? reason : "");
  saved = self->current;
  self->current = strategy;
  AAT_STRATEGY_GET_CLASS (strategy)->on_halt (strategy);
  self->current = saved;
}

/**
 * aat_engine_resume_strategy:
 * @self: an engine
 * @strategy: a halted strategy
 *
 * Lets a halted strategy trade again. Calls on_continue.
 */
void
aat_engine_resume_strategy (AatEngine *self, AatStrategy *strategy)
{
  AatStrategyPrivate *priv;
  AatStrategy *saved;

  g_return_if_fail (AAT_IS_ENGINE (self));
  g_return_if_fail (AAT_IS_STRATEGY (strategy));
  priv = _aat_strategy_get_private (strategy);
  if (!priv->halted)
    return;
  priv->halted = FALSE;
  saved = self->current;
  self->current = strategy;
  AAT_STRATEGY_GET_CLASS (strategy)->on_continue (strategy);
  self->current = saved;
}

/**
 * aat_engine_cancel_all:
 * @self: an engine
 * @strategy: (nullable): a strategy, or %NULL for every strategy
 * @instrument: (nullable): an instrument, or %NULL for all
 *
 * Cancels working orders.
 *
 * Returns: how many cancel requests were sent
 */
guint
aat_engine_cancel_all (AatEngine *self, AatStrategy *strategy, AatInstrument *instrument)
{
  g_autoptr (GPtrArray) open = NULL;
  guint n = 0;

  g_return_val_if_fail (AAT_IS_ENGINE (self), 0);
  open = aat_engine_get_orders (self, strategy, TRUE);
  for (guint i = 0; i < open->len; i++)
    {
      AatOrder *o = open->pdata[i];
      if ((instrument == NULL || o->instrument == instrument) && aat_engine_cancel_order (self, o))
        n++;
    }
  return n;
}

/**
 * aat_engine_close_all:
 * @self: an engine
 * @strategy: (nullable): a strategy, or %NULL for every strategy
 * @instrument: (nullable): an instrument, or %NULL for all
 *
 * Cancels working orders and flattens positions with market orders.
 *
 * Returns: how many closing orders were placed
 */
guint
aat_engine_close_all (AatEngine *self, AatStrategy *strategy, AatInstrument *instrument)
{
  guint n = 0;

  g_return_val_if_fail (AAT_IS_ENGINE (self), 0);
  aat_engine_cancel_all (self, strategy, instrument);
  /* issue 8: flattening is allowed while halted (halt, then flatten, is the operator's
   * sequence); the kill switch still refuses everything */
  self->closing = TRUE;
  for (guint i = 0; i < self->strategies->len; i++)
    {
      AatStrategy *s = self->strategies->pdata[i];
      g_autoptr (GPtrArray) positions = NULL;
      if (strategy != NULL && s != strategy)
        continue;
      positions = aat_portfolio_get_positions (self->portfolio, s);
      for (guint k = 0; k < positions->len; k++)
        {
          AatPosition *p = positions->pdata[k];
          double size = aat_position_get_size (p);
          AatInstrument *inst = aat_position_get_instrument (p);
          g_autoptr (AatOrder) order = NULL;
          if (size == 0.0 || (instrument != NULL && inst != instrument))
            continue;
          order = aat_order_new (inst, size > 0 ? AAT_SIDE_SELL : AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, fabs (size), 0.0);
          aat_engine_place_order (self, s, order);
          n++;
        }
    }
  self->closing = FALSE;
  return n;
}

/**
 * aat_engine_kill:
 * @self: an engine
 * @reason: (nullable): why, for the log
 *
 * The kill switch: rejects every new order, cancels every working order, and stops the
 * run.
 */
void
aat_engine_kill (AatEngine *self, const char *reason)
{
  g_return_if_fail (AAT_IS_ENGINE (self));
  if (self->killed)
    return;
  self->killed = TRUE;
  g_message ("kill switch: %s", reason != NULL ? reason : "no reason given");
  aat_engine_cancel_all (self, NULL, NULL);
  aat_engine_stop (self);
}

/* ---- market data ---- */

static void
record_price (AatEngine *self, guint idx, AatTime ts, double price)
{
  History *h;

  if (self->history_limit == 0)
    return;
  if (G_UNLIKELY (idx >= self->history->len))
    g_array_set_size (self->history, idx + 1);
  h = &g_array_index (self->history, History, idx);
  if (G_UNLIKELY (h->v == NULL))
    h->v = g_new (AatEquityPoint, self->history_limit);
  h->v[h->head] = (AatEquityPoint) { ts, price, 0.0 };
  h->head = (h->head + 1) % self->history_limit;
  if (h->len < self->history_limit)
    h->len++;
}

GArray *
_aat_engine_price_history (AatEngine *self, AatInstrument *instrument)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (AatEquityPoint));
  guint idx = aat_instrument_get_index (instrument);
  History *h;

  if (idx >= self->history->len)
    return out;
  h = &g_array_index (self->history, History, idx);
  for (guint i = 0; i < h->len; i++)
    {
      guint k = (h->head + self->history_limit - h->len + i) % self->history_limit;
      g_array_append_val (out, h->v[k]);
    }
  return out;
}

#define CALL(s, method, ...)                                  \
  G_STMT_START {                                              \
    self->current = (s);                                      \
    AAT_STRATEGY_GET_CLASS (s)->method ((s), __VA_ARGS__);    \
    self->current = NULL;                                     \
    if (G_UNLIKELY (self->responses.length > 0 ||             \
                    self->failed.length > 0))                 \
      drain (self);                                           \
  } G_STMT_END

static inline void
deliver (AatEngine *self, StratList *l, AatEvent *ev)
{
  for (guint i = 0; i < l->n; i++)
    {
      AatStrategy *s = l->v[i];
      switch (ev->type)
        {
        case AAT_EVENT_TYPE_TRADE:
          if (G_UNLIKELY (AAT_STRATEGY_GET_CLASS (s)->on_trade_price != _aat_strategy_default_on_trade_price))
            {
              const AatTrade *t = ev->payload;
              CALL (s, on_trade_price, AAT_INSTRUMENT_INDEX (t->instrument), t->price, t->volume,
                    (double) t->timestamp / AAT_TIME_SECOND);
            }
          else
            CALL (s, on_trade, ev->payload);
          break;
        case AAT_EVENT_TYPE_BAR: CALL (s, on_bar, ev->payload); break;
        case AAT_EVENT_TYPE_QUOTE: CALL (s, on_quote, ev->payload); break;
        case AAT_EVENT_TYPE_OPEN: CALL (s, on_open, ev); break;
        case AAT_EVENT_TYPE_CANCEL: CALL (s, on_cancel, ev); break;
        case AAT_EVENT_TYPE_CHANGE: CALL (s, on_change, ev); break;
        case AAT_EVENT_TYPE_FILL: CALL (s, on_fill, ev); break;
        default: CALL (s, on_data, ev); break;
        }
    }
}

static void
dispatch_market (AatEngine *self, guint src, AatEvent *ev)
{
  Source *source = &g_array_index (self->sources, Source, src);
  AatInstrument *inst;
  AatTime bucket;

  if (ev->type == AAT_EVENT_TYPE_EXIT)
    {
      if (!source->pull && !source->ended)
        {
          source->ended = TRUE;
          self->live_open--;
        }
      return;
    }
  if (ev->timestamp > self->now)
    self->now = ev->timestamp;
  self->events++;
  self->dispatching++;

  bucket = self->now / self->record_interval;
  if (G_UNLIKELY (bucket != self->bucket))
    {
      if (self->bucket != G_MININT64)
        aat_portfolio_record (self->portfolio, self->now - 1);
      else
        self->first_event_time = self->now;  /* issue 7 */
      self->bucket = bucket;
    }
  if (G_UNLIKELY (self->now >= self->next_due))
    run_periodics (self);
  /* controls (issue 8): an execution policy that slices over time (TWAP) is told of engine
   * time once per event; one pointer test when there is none. Its child orders queue
   * responses like any order; they are delivered at the next drain below. */
  if (G_UNLIKELY (self->execution != NULL) && AAT_EXECUTION_POLICY_GET_CLASS (self->execution)->on_time != NULL)
    AAT_EXECUTION_POLICY_GET_CLASS (self->execution)->on_time (self->execution, self, self->now);

  if (ev->type == AAT_EVENT_TYPE_HALT || ev->type == AAT_EVENT_TYPE_CONTINUE)
    {
      for (guint i = 0; i < self->strategies->len; i++)
        {
          AatStrategy *s = self->strategies->pdata[i];
          self->current = s;
          if (ev->type == AAT_EVENT_TYPE_HALT)
            AAT_STRATEGY_GET_CLASS (s)->on_halt (s);
          else
            AAT_STRATEGY_GET_CLASS (s)->on_continue (s);
          self->current = NULL;
        }
      self->dispatching--;
      return;
    }

  inst = aat_event_get_instrument (ev);
  if (inst != NULL)
    {
      guint idx = AAT_INSTRUMENT_INDEX (inst);
      double price = 0.0;
      aat_exchange_simulate (source->exchange, ev);
      if (G_UNLIKELY (self->responses.length > 0))
        drain (self);
      /* issue 7: the mark is the last trade (or bar close) once there is one; a
       * quote's mid marks only instruments that have no trades (LEAN's rule, and
       * what its published equity is computed with) */
      if (G_UNLIKELY (idx >= self->priced->len))
        {
          guint had = self->priced->len;
          g_byte_array_set_size (self->priced, idx + 1);
          memset (self->priced->data + had, 0, idx + 1 - had);
        }
      switch (ev->kind)
        {
        case AAT_PAYLOAD_TRADE: price = ((AatTrade *) ev->payload)->price; self->priced->data[idx] = 1; break;
        case AAT_PAYLOAD_BAR: price = ((AatBar *) ev->payload)->close; self->priced->data[idx] = 1; break;
        case AAT_PAYLOAD_QUOTE: price = self->priced->data[idx] ? 0.0 : aat_quote_get_mid (ev->payload); break;
        default: break;
        }
      if (price > 0.0 && (ev->kind != AAT_PAYLOAD_ORDER))
        {
          aat_portfolio_mark (self->portfolio, inst, price, self->now);
          record_price (self, idx, self->now, price);
        }
      if (idx < self->subs->len)
        deliver (self, &g_array_index (self->subs, StratList, idx), ev);
    }
  deliver (self, &self->everyone, ev);
  if (G_UNLIKELY (self->emit_events))
    g_signal_emit (self, signals[SIGNAL_EVENT], 0, ev);
  self->dispatching--;
  if (G_UNLIKELY (self->responses.length > 0))
    drain (self);
}

void
_aat_engine_push_event (AatEngine *self, AatExchange *source, AatEvent *event)
{
  Pushed *p;

  if (!self->running)
    return;
  /* reliability (issue 9): a slow strategy must not make the queue grow without bound.
   * At the bound the oldest market event is dropped (never EXIT, HALT or CONTINUE;
   * order responses have their own queue and are never dropped), counted, and logged
   * at most once a second with the lag. */
  if (G_UNLIKELY (self->pushed.length >= self->max_queued))
    {
      for (GList *l = self->pushed.head; l != NULL; l = l->next)
        {
          Pushed *old = l->data;
          AatEventType t = old->ev->type;
          if (t != AAT_EVENT_TYPE_EXIT && t != AAT_EVENT_TYPE_HALT && t != AAT_EVENT_TYPE_CONTINUE)
            {
              gint64 now = g_get_monotonic_time ();
              self->dropped++;
              if (now - self->last_drop_log >= G_USEC_PER_SEC)
                {
                  self->last_drop_log = now;
                  g_message ("live events queue full (%u events, the oldest waited %.3f s): a strategy is "
                             "slower than its data; %" G_GUINT64_FORMAT " market event%s dropped so far",
                             self->pushed.length, (now - old->at) / 1e6, self->dropped, self->dropped == 1 ? "" : "s");
                }
              g_queue_delete_link (&self->pushed, l);
              pushed_free (old);
              break;
            }
        }
    }
  p = g_new (Pushed, 1);
  p->src = _aat_exchange_get_source_index (source);
  p->ev = aat_event_ref (event);
  p->at = g_get_monotonic_time ();
  g_queue_push_tail (&self->pushed, p);
  if (self->current == NULL && !self->draining)
    drain (self);
  if (self->live_open == 0 && self->heap_len == 0 && !self->finished && self->source == NULL)
    finish (self, NULL);
}

/* ---- running ---- */

static gboolean
pull_next (AatEngine *self, guint src, GError **error)
{
  Source *s = &g_array_index (self->sources, Source, src);
  AatEvent *ev;
  GError *local = NULL;

  for (;;)
    {
      ev = AAT_EXCHANGE_GET_CLASS (s->exchange)->next_event (s->exchange, &local);
      if (ev == NULL)
        {
          s->ended = TRUE;
          if (local != NULL)
            {
              g_propagate_prefixed_error (error, local, "exchange '%s': ", aat_exchange_get_name (s->exchange));
              return FALSE;
            }
          return TRUE;
        }
      if (self->start_time != 0 && ev->timestamp < self->start_time)
        continue;
      if (self->end_time != 0 && ev->timestamp > self->end_time)
        {
          s->ended = TRUE;
          return TRUE;
        }
      heap_push (self, ev->timestamp, src, ev);
      return TRUE;
    }
}

static gboolean
run_batch (gpointer data)
{
  AatEngine *self = data;
  GError *error = NULL;

  self->emit_events = g_signal_has_handler_pending (self, signals[SIGNAL_EVENT], 0, TRUE);
  for (guint n = 0; n < self->batch_size; n++)
    {
      HeapItem top;
      if (self->stop_requested || self->heap_len == 0)
        break;
      top = self->heap[0];
      /* replace the top with the source's next event, then restore the heap */
      self->heap[0] = self->heap[--self->heap_len];
      heap_sift_down (self, 0);
      dispatch_market (self, top.src, top.ev);
      if (!pull_next (self, top.src, &error))
        {
          finish (self, error);
          self->source = NULL;
          return G_SOURCE_REMOVE;
        }
    }
  if (self->stop_requested || (self->heap_len == 0 && self->live_open == 0))
    {
      self->source = NULL;
      finish (self, NULL);
      return G_SOURCE_REMOVE;
    }
  if (self->heap_len == 0)
    {
      /* only live sources remain: wait for their pushes */
      self->source = NULL;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
finish (AatEngine *self, GError *error)
{
  GTask *task;

  if (self->finished)
    {
      if (error != NULL)
        g_error_free (error);
      return;
    }
  self->finished = TRUE;

  if (self->exit_routine == AAT_EXIT_ROUTINE_CANCEL_ALL)
    aat_engine_cancel_all (self, NULL, NULL);
  else if (self->exit_routine == AAT_EXIT_ROUTINE_CLOSE_ALL)
    aat_engine_close_all (self, NULL, NULL);
  drain (self);
  for (guint i = 0; i < self->strategies->len; i++)
    {
      AatStrategy *s = self->strategies->pdata[i];
      self->current = s;
      AAT_STRATEGY_GET_CLASS (s)->on_exit (s);
      self->current = NULL;
      drain (self);
    }
  aat_portfolio_record (self->portfolio, self->now);
  for (guint i = 0; i < self->exchanges->len; i++)
    aat_exchange_stop (self->exchanges->pdata[i]);
  /* drop the events still borrowed from sources */
  self->heap_len = 0;

  if (log_engine == self)
    {
      g_log_set_default_handler (self->old_log_func, self->old_log_data);
      log_engine = NULL;
    }
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      self->source = NULL;
    }
  self->running = FALSE;
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);

  task = g_steal_pointer (&self->task);
  if (task == NULL)
    {
      if (error != NULL)
        g_error_free (error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else if (self->failures > 0)
    g_task_return_new_error (task, AAT_ENGINE_ERROR, AAT_ENGINE_ERROR_STRATEGY,
                             "%u failure%s during the run; the first: %s", self->failures,
                             self->failures == 1 ? "" : "s", self->first_failure);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
start (AatEngine *self, GError **error)
{
  for (guint i = 0; i < self->sources->len; i++)
    {
      Source *s = &g_array_index (self->sources, Source, i);
      AatExchange *ex = s->exchange;
      g_autoptr (GPtrArray) instruments = NULL;
      GError *local = NULL;
      double margin = 0.0, multiplier = 1.0;

      if (!aat_exchange_start (ex, &local))
        {
          g_set_error (error, AAT_ENGINE_ERROR, AAT_ENGINE_ERROR_EXCHANGE, "exchange '%s' failed to start: %s",
                       aat_exchange_get_name (ex), local != NULL ? local->message : "no reason given");
          g_clear_error (&local);
          return FALSE;
        }
      s->pull = aat_exchange_is_pull (ex);
      s->ended = FALSE;
      if (!s->pull)
        self->live_open++;
      g_object_get (ex, "margin", &margin, "multiplier", &multiplier, NULL);
      instruments = aat_exchange_instruments (ex);
      for (guint k = 0; k < instruments->len; k++)
        {
          AatInstrument *inst = instruments->pdata[k];
          add_instrument (self, inst);
          aat_instrument_add_exchange (inst, aat_exchange_get_exchange_type (ex));
          if (multiplier != 1.0)
            aat_instrument_set_multiplier (inst, multiplier);
          if (margin > 0.0)
            aat_portfolio_set_margin (self->portfolio, inst, margin);
        }
    }

  /* reliability (issue 9): live, sandbox and simulation runs recover the orders and
   * positions of earlier runs from the journal, before any strategy can act */
  if (self->journal != NULL && self->trading_type != AAT_TRADING_TYPE_BACKTEST &&
      !aat_journal_recover (self->journal, self, error))
    return FALSE;

  /* strategies that never subscribe get everything */
  for (guint i = 0; i < self->strategies->len; i++)
    if (!_aat_strategy_get_private (self->strategies->pdata[i])->subscribed_any)
      stratlist_add (&self->everyone, self->strategies->pdata[i]);

  for (guint i = 0; i < self->strategies->len; i++)
    {
      AatStrategy *s = self->strategies->pdata[i];
      self->current = s;
      AAT_STRATEGY_GET_CLASS (s)->on_start (s);
      self->current = NULL;
      drain (self);
    }

  for (guint i = 0; i < self->sources->len; i++)
    if (g_array_index (self->sources, Source, i).pull && !pull_next (self, i, error))
      return FALSE;
  return TRUE;
}

/**
 * aat_engine_run_async:
 * @self: an engine
 * @cancellable: (nullable): cancels the run (as aat_engine_stop() does)
 * @callback: (scope async) (closure user_data): called when the run ends
 * @user_data: data for @callback
 *
 * Runs the engine on the thread-default #GMainContext (a GTK application's, for
 * example). A backtest dispatches its events in batches from an idle source, so the
 * host's main loop stays responsive.
 */
void
aat_engine_run_async (AatEngine *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  GTask *task;
  GError *error = NULL;

  g_return_if_fail (AAT_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aat_engine_run_async);
  if (self->running || self->finished)
    {
      g_task_return_new_error (task, AAT_ENGINE_ERROR, AAT_ENGINE_ERROR_STATE,
                               self->running ? "the engine is already running" : "an engine runs once; make a new one");
      g_object_unref (task);
      return;
    }
  self->task = task;
  self->running = TRUE;
  if (self->context != NULL)
    g_main_context_unref (self->context);
  self->context = g_main_context_ref_thread_default ();
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (aat_engine_stop), self, NULL);

  if (log_engine == NULL)
    {
      log_engine = self;
      self->old_log_func = g_log_set_default_handler (engine_log_handler, NULL);
      self->old_log_data = NULL;
    }
  if (!start (self, &error))
    {
      finish (self, error);
      return;
    }
  self->source = g_idle_source_new ();
  g_source_set_priority (self->source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (self->source, run_batch, self, NULL);
  g_source_set_static_name (self->source, "[aat] engine dispatch");
  g_source_attach (self->source, self->context);
  g_source_unref (self->source);
}

/**
 * aat_engine_run_finish:
 * @self: an engine
 * @result: the result
 * @error: return location for an error
 *
 * Returns: %TRUE if the run completed (or was stopped) without failures
 */
gboolean
aat_engine_run_finish (AatEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
run_done (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/**
 * aat_engine_run:
 * @self: an engine
 * @error: return location for an error
 *
 * Runs the engine to the end, iterating the thread-default main context.
 *
 * Returns: %TRUE if the run completed without failures; %FALSE with @error when an
 *   exchange or strategy failed (the results are still available)
 */
gboolean
aat_engine_run (AatEngine *self, GError **error)
{
  GAsyncResult *result = NULL;
  GMainContext *context;
  gboolean ok;

  g_return_val_if_fail (AAT_IS_ENGINE (self), FALSE);
  context = g_main_context_ref_thread_default ();
  aat_engine_run_async (self, NULL, run_done, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  ok = aat_engine_run_finish (self, result, error);
  g_object_unref (result);
  g_main_context_unref (context);
  return ok;
}

static gboolean
stop_idle (gpointer data)
{
  AatEngine *self = data;

  if (self->running && !self->finished && self->source == NULL)
    finish (self, NULL);
  return G_SOURCE_REMOVE;
}

/**
 * aat_engine_stop:
 * @self: an engine
 *
 * Stops a run gracefully: the current batch ends, the exit routine runs, strategies get
 * on_exit, and the run completes.
 */
void
aat_engine_stop (AatEngine *self)
{
  g_return_if_fail (AAT_IS_ENGINE (self));
  if (!self->running || self->stop_requested)
    return;
  self->stop_requested = TRUE;
  /* when no batch is pending (live runs), finish from the main loop */
  if (self->source == NULL && self->context != NULL)
    {
      GSource *idle = g_idle_source_new ();
      g_source_set_callback (idle, stop_idle, g_object_ref (self), g_object_unref);
      g_source_attach (idle, self->context);
      g_source_unref (idle);
    }
}

/**
 * aat_engine_is_running:
 * @self: an engine
 *
 * Returns: %TRUE between the start of a run and its end
 */
gboolean
aat_engine_is_running (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), FALSE);
  return self->running;
}

/**
 * aat_engine_now:
 * @self: an engine
 *
 * Returns: engine time: in a backtest the time of the latest event; otherwise the clock
 */
AatTime
aat_engine_now (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), 0);
  if (self->trading_type == AAT_TRADING_TYPE_BACKTEST)
    return self->now;
  return g_get_real_time () * 1000;
}

/**
 * aat_engine_get_event_count:
 * @self: an engine
 *
 * Returns: how many market events were dispatched
 */
guint64
aat_engine_get_event_count (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), 0);
  return self->events;
}

/* ---- issue 7: reports */
/**
 * aat_engine_get_first_event_time:
 * @self: an engine
 *
 * The time of the first market event of the run: where the equity curve of a report
 * starts, at the initial cash (the engine records its first point only when the first
 * record interval ends).
 *
 * Returns: the time of the first event dispatched, or 0 before any
 */
AatTime
aat_engine_get_first_event_time (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), 0);
  return self->first_event_time;
}
/* ---- end issue 7 */

/**
 * aat_engine_get_failure_count:
 * @self: an engine
 *
 * Returns: how many failures strategies and exchanges reported during the run
 */
guint
aat_engine_get_failure_count (AatEngine *self)
{
  g_return_val_if_fail (AAT_IS_ENGINE (self), 0);
  return self->failures;
}
