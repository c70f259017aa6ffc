/* aat-synthetic-exchange.c: `synthetic`, a simulated market.
 *
 * What it owns: one #AatOrderBook per instrument, a seeded #GRand, and a queue of market
 * events waiting to be handed to the engine.
 *
 * Data flow:
 * - start() seeds each book with a ladder of maker orders around the start price.
 * - One step of the order flow picks an instrument, lets its fair value drift by a tick
 *   or not, then does one of: a maker adds a limit order a few ticks on its side of the
 *   fair value, a maker cancels one of its resting orders, or a taker sends a market
 *   order that crosses the spread. Simulated time advances by #AatSyntheticExchange:step
 *   per step.
 * - The book reports every change synchronously to book_event(). Trades (and, with
 *   #AatSyntheticExchange:book-events, opens, cancels, changes and fills) become records
 *   in a ring; next_event() turns one record into an #AatEvent. The event and its payload
 *   are reused while nobody else holds them (see aat_value_is_exclusive()), so a
 *   backtest allocates nothing per event in steady state.
 * - Strategy orders go into the same books with aat_order_book_add(), which keeps the
 *   #AatOrder as the order's user pointer; flow orders use the raw API with a %NULL user
 *   pointer. So an event whose user pointer is set concerns a strategy order; its fill
 *   (at the book's execution price) or cancel is queued as a Report and handed to the
 *   engine by flush_reports() once the book operation has returned, because the engine
 *   may deliver it at once and the strategy may then call back into the book.
 *
 * Modes. The engine treats an exchange as pull (history) when its class implements
 * next_event(), and counts the others as live sources that end with an EXIT event. So the
 * mode is a construct-only property and the constructor picks the class: backtest gives
 * an #AatSyntheticExchange (pull), simulation gives its subclass
 * AatSyntheticLiveExchange, whose class has no next_event() and which pushes events from
 * a timeout on the engine's context at #AatSyntheticExchange:rate, then EXIT.
 */
#include <aat.h>
#include "aat-private.h"
#include "aat-synthetic-exchange.h"

#include <math.h>
#include <string.h>

/* Flow order ids live far above the engine's ids, which count from 1. */
#define FLOW_ID_BASE (G_GUINT64_CONSTANT (1) << 62)

typedef struct {
  AatEventType type;
  AatSide side;
  guint inst;
  guint64 id;
  gint64 price;
  gint64 volume;
} Record;

/* A report about a strategy order, held until the book operation that caused it returns:
 * the engine may deliver a report at once, and its strategy may then call into the book. */
typedef struct {
  AatEventType type;        /* TRADE (a fill) or CANCEL */
  AatOrder *order;          /* owned */
  double volume, price;
  AatTime timestamp;
} Report;

typedef struct {
  AatSyntheticExchange *self;
  guint index;
  AatInstrument *instrument;
  AatOrderBook *book;
  gint64 fair;              /* ticks */
  GArray *makers;           /* guint64 ids of flow orders that may still rest */
} Market;

typedef struct {
  /* properties */
  int n_instruments;
  char **symbols;
  guint64 seed;
  guint64 events;
  double start_price;
  double tick_size;
  guint levels;
  guint orders_per_level;
  AatSyntheticMode mode;
  double rate;
  gboolean book_events;
  AatTime step;
  AatTime start_time;

  /* state */
  GRand *rand;
  GPtrArray *instruments;   /* AatInstrument*, borrowed (interned) */
  Market *markets;
  guint n_markets;
  guint64 next_flow_id;
  guint64 generated;        /* events handed out */
  AatTime now;
  gboolean seeding;
  gboolean started;
  Record *ring;
  guint ring_cap, ring_head, ring_len;
  AatEvent *trade_event;
  AatEvent *order_event;
  GQueue reports;           /* Report*, see flush_reports() */
  /* simulation mode */
  GSource *timer;
  gint64 sim_t0;
  gboolean exit_sent;
} AatSyntheticExchangePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (AatSyntheticExchange, aat_synthetic_exchange, AAT_TYPE_EXCHANGE)

#define PRIV(self) ((AatSyntheticExchangePrivate *) aat_synthetic_exchange_get_instance_private (AAT_SYNTHETIC_EXCHANGE (self)))

/* The simulation-mode class: the same exchange without next_event(). */
typedef struct { AatSyntheticExchange parent_instance; } AatSyntheticLiveExchange;
typedef struct { AatSyntheticExchangeClass parent_class; } AatSyntheticLiveExchangeClass;
static GType aat_synthetic_live_exchange_get_type (void);
G_DEFINE_TYPE (AatSyntheticLiveExchange, aat_synthetic_live_exchange, AAT_TYPE_SYNTHETIC_EXCHANGE)

enum {
  PROP_0,
  PROP_INSTRUMENTS,
  PROP_SYMBOLS,
  PROP_SEED,
  PROP_EVENTS,
  PROP_START_PRICE,
  PROP_TICK_SIZE,
  PROP_LEVELS,
  PROP_ORDERS_PER_LEVEL,
  PROP_MODE,
  PROP_RATE,
  PROP_BOOK_EVENTS,
  PROP_STEP,
  PROP_START_TIME,
  PROP_GENERATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_GET_BOOK, N_SIGNALS };
static guint signals[N_SIGNALS];

static GType
synthetic_mode_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { AAT_SYNTHETIC_MODE_BACKTEST, "AAT_SYNTHETIC_MODE_BACKTEST", "backtest" },
    { AAT_SYNTHETIC_MODE_SIMULATION, "AAT_SYNTHETIC_MODE_SIMULATION", "simulation" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("AatSyntheticMode", values));
  return type;
}

/* ---- the record ring ---- */

static void
ring_push (AatSyntheticExchangePrivate *priv, AatEventType type, AatSide side, guint inst,
           guint64 id, gint64 price, gint64 volume)
{
  Record *r;

  if (priv->ring_len == priv->ring_cap)
    {
      guint cap = priv->ring_cap * 2;
      Record *ring = g_new (Record, cap);
      for (guint i = 0; i < priv->ring_len; i++)
        ring[i] = priv->ring[(priv->ring_head + i) % priv->ring_cap];
      g_free (priv->ring);
      priv->ring = ring;
      priv->ring_cap = cap;
      priv->ring_head = 0;
    }
  r = &priv->ring[(priv->ring_head + priv->ring_len) % priv->ring_cap];
  priv->ring_len++;
  r->type = type;
  r->side = side;
  r->inst = inst;
  r->id = id;
  r->price = price;
  r->volume = volume;
}

/* ---- the books ---- */

static void
queue_report (AatSyntheticExchangePrivate *priv, AatEventType type, AatOrder *order, double volume, double price)
{
  Report *r = g_new (Report, 1);

  r->type = type;
  r->order = aat_order_ref (order);
  r->volume = volume;
  r->price = price;
  r->timestamp = priv->now;
  g_queue_push_tail (&priv->reports, r);
}

/* Hands queued reports to the engine. Called after each book operation, never from the
 * book's callback; a strategy reacting to a report may place orders, which queue and
 * flush their own reports, so this pops before emitting. */
static void
flush_reports (AatSyntheticExchange *self)
{
  AatSyntheticExchangePrivate *priv = PRIV (self);
  Report *r;

  while ((r = g_queue_pop_head (&priv->reports)) != NULL)
    {
      if (r->type == AAT_EVENT_TYPE_TRADE)
        aat_exchange_emit_fill (AAT_EXCHANGE (self), r->order, r->volume, r->price, 0.0, 0.0, r->timestamp);
      else
        aat_exchange_emit_canceled (AAT_EXCHANGE (self), r->order);
      aat_order_unref (r->order);
      g_free (r);
    }
}

static void
report_free (gpointer data)
{
  Report *r = data;

  aat_order_unref (r->order);
  g_free (r);
}

static void
book_event (const AatBookEvent *e, gpointer user_data)
{
  Market *m = user_data;
  AatSyntheticExchange *self = m->self;
  AatSyntheticExchangePrivate *priv = PRIV (self);
  double tick = priv->tick_size;
  double lot = aat_instrument_get_lot_size (m->instrument);

  switch (e->type)
    {
    case AAT_EVENT_TYPE_TRADE:
      ring_push (priv, AAT_EVENT_TYPE_TRADE, e->side, m->index, e->id, e->price, e->volume);
      if (e->user_data != NULL)
        queue_report (priv, AAT_EVENT_TYPE_TRADE, e->user_data, (double) e->volume * lot,
                      aat_ticks_to_price ((double) e->price, tick));
      if (e->maker_user_data != NULL)
        queue_report (priv, AAT_EVENT_TYPE_TRADE, e->maker_user_data, (double) e->volume * lot,
                      aat_ticks_to_price ((double) e->price, tick));
      return;

    case AAT_EVENT_TYPE_CANCEL:
      /* a cancelled strategy order, or the unfilled rest of its market order */
      if (e->user_data != NULL)
        queue_report (priv, AAT_EVENT_TYPE_CANCEL, e->user_data, 0.0, 0.0);
      break;

    default:
      break;
    }
  if (priv->book_events && !priv->seeding)
    ring_push (priv, e->type, e->side, m->index, e->id, e->price,
               e->type == AAT_EVENT_TYPE_CANCEL ? e->volume : e->remaining);
}

static gint64
rand_volume (GRand *rand, gint32 max)
{
  return g_rand_int_range (rand, 1, max + 1);
}

static void
flow_limit (AatSyntheticExchangePrivate *priv, Market *m, AatSide side, gint64 price, gint64 volume)
{
  AatBookOrder o = { 0 };

  if (price <= 0)
    price = 1;
  o.id = priv->next_flow_id++;
  o.side = side;
  o.type = AAT_ORDER_TYPE_LIMIT;
  o.flag = AAT_ORDER_FLAG_NONE;
  o.price = price;
  o.volume = volume;
  if (aat_order_book_add_raw (m->book, &o) == AAT_REJECT_REASON_NONE)
    g_array_append_val (m->makers, o.id);
}

static void
flow_market (AatSyntheticExchangePrivate *priv, Market *m, AatSide side, gint64 volume)
{
  AatBookOrder o = { 0 };

  o.id = priv->next_flow_id++;
  o.side = side;
  o.type = AAT_ORDER_TYPE_MARKET;
  o.flag = AAT_ORDER_FLAG_NONE;
  o.volume = volume;
  aat_order_book_add_raw (m->book, &o);
}

static void
flow_cancel (AatSyntheticExchangePrivate *priv, Market *m)
{
  /* The list holds ids that may have filled since; drop those on the way. */
  for (guint tries = 0; tries < 4 && m->makers->len > 0; tries++)
    {
      guint k = g_rand_int_range (priv->rand, 0, (gint32) m->makers->len);
      guint64 id = g_array_index (m->makers, guint64, k);
      AatRejectReason r;

      g_array_remove_index_fast (m->makers, k);
      r = aat_order_book_cancel (m->book, id);
      if (r == AAT_REJECT_REASON_NONE)
        return;
    }
}

/* One step of the simulated order flow. */
static void
flow_step (AatSyntheticExchangePrivate *priv)
{
  Market *m;
  double u;
  guint32 cap;
  gint64 bid = 0, ask = 0;
  gboolean have_bid, have_ask;

  priv->now += priv->step;
  m = &priv->markets[priv->n_markets == 1 ? 0 : (guint) g_rand_int_range (priv->rand, 0, (gint32) priv->n_markets)];

  /* the fair value drifts by at most one tick a step */
  u = g_rand_double (priv->rand);
  if (u < 0.15)
    m->fair--;
  else if (u > 0.85)
    m->fair++;
  if (m->fair < (gint64) priv->levels + 2)
    m->fair = priv->levels + 2;

  have_bid = aat_order_book_best_raw (m->book, AAT_SIDE_BUY, &bid, NULL, NULL);
  have_ask = aat_order_book_best_raw (m->book, AAT_SIDE_SELL, &ask, NULL, NULL);
  cap = priv->levels * priv->orders_per_level * 4;

  u = g_rand_double (priv->rand);
  if (!have_bid || !have_ask || (u < 0.42 && m->makers->len < cap))
    {
      /* a maker joins a side, a few ticks from the fair value; an empty side first */
      AatSide side;
      gint64 offset = g_rand_int_range (priv->rand, 1, (gint32) priv->levels + 1);
      if (!have_bid)
        side = AAT_SIDE_BUY;
      else if (!have_ask)
        side = AAT_SIDE_SELL;
      else
        side = g_rand_boolean (priv->rand) ? AAT_SIDE_BUY : AAT_SIDE_SELL;
      flow_limit (priv, m, side, side == AAT_SIDE_BUY ? m->fair - offset : m->fair + offset,
                  rand_volume (priv->rand, 10));
    }
  else if (u < 0.70)
    flow_cancel (priv, m);
  else
    {
      /* a taker crosses the spread, leaning towards the fair value */
      AatSide side;
      gint64 mid2 = bid + ask;
      double p_buy = mid2 < 2 * m->fair ? 0.65 : mid2 > 2 * m->fair ? 0.35 : 0.5;
      side = g_rand_double (priv->rand) < p_buy ? AAT_SIDE_BUY : AAT_SIDE_SELL;
      flow_market (priv, m, side, rand_volume (priv->rand, 6));
    }
}

/* ---- events ---- */

static gboolean
reusable (AatEvent *event)
{
  return event != NULL && aat_value_is_exclusive (&event->ref_count) &&
         aat_value_is_exclusive ((const gint *) event->payload);
}

static AatEvent *
make_event (AatSyntheticExchange *self, const Record *r)
{
  AatSyntheticExchangePrivate *priv = PRIV (self);
  Market *m = &priv->markets[r->inst];
  double price = aat_ticks_to_price ((double) r->price, priv->tick_size);
  double volume = (double) r->volume * aat_instrument_get_lot_size (m->instrument);

  if (r->type == AAT_EVENT_TYPE_TRADE)
    {
      AatTrade *trade;
      if (!reusable (priv->trade_event))
        {
          g_clear_pointer (&priv->trade_event, aat_event_unref);
          trade = aat_trade_new (m->instrument, r->side, volume, price, priv->now);
          aat_trade_set_exchange (trade, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
          priv->trade_event = aat_event_new_trade (trade);
          aat_trade_unref (trade);
        }
      trade = priv->trade_event->payload;
      trade->instrument = m->instrument;
      trade->side = r->side;
      trade->price = price;
      trade->volume = volume;
      trade->timestamp = priv->now;
      trade->id = r->id;
      priv->trade_event->timestamp = priv->now;
      return priv->trade_event;
    }
  else
    {
      AatOrder *order;
      if (!reusable (priv->order_event) || priv->order_event->type != r->type)
        {
          g_clear_pointer (&priv->order_event, aat_event_unref);
          order = aat_order_new (m->instrument, r->side, AAT_ORDER_TYPE_LIMIT, volume > 0 ? volume : 1.0,
                                 price > 0 ? price : priv->tick_size);
          aat_order_set_exchange (order, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
          priv->order_event = aat_event_new_order (r->type, order, priv->now);
          aat_order_unref (order);
        }
      order = priv->order_event->payload;
      order->instrument = m->instrument;
      order->side = r->side;
      order->type = r->price > 0 ? AAT_ORDER_TYPE_LIMIT : AAT_ORDER_TYPE_MARKET;
      order->id = r->id;
      order->price = price;
      order->volume = volume;
      order->timestamp = priv->now;
      priv->order_event->timestamp = priv->now;
      return priv->order_event;
    }
}

/* The next event, generating order flow as needed; NULL at the end. */
static AatEvent *
synthetic_generate (AatSyntheticExchange *self)
{
  AatSyntheticExchangePrivate *priv = PRIV (self);
  Record r;

  if (!priv->started || priv->generated >= priv->events)
    return NULL;
  while (priv->ring_len == 0)
    {
      flow_step (priv);
      if (G_UNLIKELY (priv->reports.length > 0))
        flush_reports (self);
    }
  r = priv->ring[priv->ring_head];
  priv->ring_head = (priv->ring_head + 1) % priv->ring_cap;
  priv->ring_len--;
  priv->generated++;
  return make_event (self, &r);
}

static AatEvent *
aat_synthetic_exchange_next_event (AatExchange *exchange, GError **error)
{
  return synthetic_generate (AAT_SYNTHETIC_EXCHANGE (exchange));
}

/* ---- simulation mode ---- */

static gboolean
simulation_tick (gpointer data)
{
  AatSyntheticExchange *self = data;
  AatSyntheticExchangePrivate *priv = PRIV (self);
  gint64 elapsed = g_get_monotonic_time () - priv->sim_t0;
  guint64 due = (guint64) ((double) elapsed * priv->rate / G_USEC_PER_SEC) + 1;

  if (due > priv->events)
    due = priv->events;
  while (priv->generated < due)
    {
      AatEvent *ev;
      /* simulated time follows the wall clock in this mode */
      priv->now = g_get_real_time () * 1000 - priv->step;
      ev = synthetic_generate (self);
      if (ev == NULL)
        break;
      aat_exchange_push_event (AAT_EXCHANGE (self), ev);
      if (priv->timer == NULL)
        return G_SOURCE_REMOVE;   /* stopped from a callback */
    }
  if (priv->generated >= priv->events && !priv->exit_sent)
    {
      g_autoptr (AatEvent) exit_event = aat_event_new_message (AAT_EVENT_TYPE_EXIT, priv->now, NULL);
      priv->exit_sent = TRUE;
      priv->timer = NULL;
      aat_exchange_push_event (AAT_EXCHANGE (self), exit_event);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* ---- the exchange ---- */

static guint64
synthetic_seed (AatSyntheticExchange *self)
{
  AatSyntheticExchangePrivate *priv = PRIV (self);
  AatEngine *engine = aat_exchange_get_engine (AAT_EXCHANGE (self));
  guint64 seed = priv->seed;

  if (seed == 0 && engine != NULL)
    g_object_get (engine, "seed", &seed, NULL);
  return seed != 0 ? seed : 42;
}

static void
synthetic_clear (AatSyntheticExchange *self)
{
  AatSyntheticExchangePrivate *priv = PRIV (self);

  if (priv->timer != NULL)
    {
      g_source_destroy (priv->timer);
      priv->timer = NULL;
    }
  for (guint i = 0; i < priv->n_markets; i++)
    {
      g_clear_object (&priv->markets[i].book);
      g_clear_pointer (&priv->markets[i].makers, g_array_unref);
    }
  g_clear_pointer (&priv->markets, g_free);
  priv->n_markets = 0;
  g_clear_pointer (&priv->rand, g_rand_free);
  g_clear_pointer (&priv->ring, g_free);
  g_queue_clear_full (&priv->reports, report_free);
  priv->ring_len = priv->ring_head = priv->ring_cap = 0;
  priv->started = FALSE;
}

static void
synthetic_make_instruments (AatSyntheticExchange *self)
{
  AatSyntheticExchangePrivate *priv = PRIV (self);
  guint n;

  if (priv->instruments->len > 0)
    return;
  n = priv->symbols != NULL && priv->symbols[0] != NULL ? g_strv_length (priv->symbols) : (guint) priv->n_instruments;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = priv->symbols != NULL && priv->symbols[0] != NULL ? g_strdup (priv->symbols[i])
                                                                                  : g_strdup_printf ("SYN%u", i);
      AatInstrument *inst = aat_instrument_get (name, AAT_INSTRUMENT_TYPE_EQUITY);
      aat_instrument_set_tick_size (inst, priv->tick_size);
      g_ptr_array_add (priv->instruments, inst);
    }
}

static gboolean
aat_synthetic_exchange_start (AatExchange *exchange, GError **error)
{
  AatSyntheticExchange *self = AAT_SYNTHETIC_EXCHANGE (exchange);
  AatSyntheticExchangePrivate *priv = PRIV (self);
  gint64 start;

  synthetic_clear (self);
  synthetic_make_instruments (self);
  if (priv->instruments->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "synthetic: no instruments");
      return FALSE;
    }
  if (!aat_instrument_price_to_ticks (priv->instruments->pdata[0], priv->start_price, &start) || start <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "synthetic: start-price %g is not on the tick grid %g", priv->start_price, priv->tick_size);
      return FALSE;
    }
  if (start <= (gint64) priv->levels + 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "synthetic: start-price %g is too close to 0 for %u levels", priv->start_price, priv->levels);
      return FALSE;
    }

  priv->rand = g_rand_new_with_seed_array ((const guint32[]) { (guint32) synthetic_seed (self),
                                                               (guint32) (synthetic_seed (self) >> 32) }, 2);
  priv->ring_cap = 64;
  priv->ring = g_new (Record, priv->ring_cap);
  priv->next_flow_id = FLOW_ID_BASE;
  priv->generated = 0;
  priv->exit_sent = FALSE;
  priv->now = priv->start_time;
  priv->n_markets = priv->instruments->len;
  priv->markets = g_new0 (Market, priv->n_markets);
  priv->seeding = TRUE;
  for (guint i = 0; i < priv->n_markets; i++)
    {
      Market *m = &priv->markets[i];
      m->self = self;
      m->index = i;
      m->instrument = priv->instruments->pdata[i];
      m->book = aat_order_book_new (m->instrument);
      m->fair = start;
      m->makers = g_array_new (FALSE, FALSE, sizeof (guint64));
      aat_order_book_set_event_func (m->book, book_event, m, NULL);
      for (guint l = 1; l <= priv->levels; l++)
        for (guint k = 0; k < priv->orders_per_level; k++)
          {
            flow_limit (priv, m, AAT_SIDE_BUY, start - l, rand_volume (priv->rand, 10));
            flow_limit (priv, m, AAT_SIDE_SELL, start + l, rand_volume (priv->rand, 10));
          }
    }
  priv->seeding = FALSE;
  priv->started = TRUE;

  if (G_TYPE_FROM_INSTANCE (self) == aat_synthetic_live_exchange_get_type ())
    {
      double interval = priv->rate > 0 ? 1000.0 / priv->rate : 1.0;
      priv->sim_t0 = g_get_monotonic_time ();
      priv->timer = g_timeout_source_new ((guint) CLAMP (interval, 1.0, 1000.0));
      g_source_set_callback (priv->timer, simulation_tick, self, NULL);
      g_source_set_static_name (priv->timer, "[aat] synthetic exchange");
      g_source_attach (priv->timer, g_main_context_get_thread_default ());
      g_source_unref (priv->timer);
    }
  return TRUE;
}

static void
aat_synthetic_exchange_stop (AatExchange *exchange)
{
  AatSyntheticExchangePrivate *priv = PRIV (exchange);

  if (priv->timer != NULL)
    {
      g_source_destroy (priv->timer);
      priv->timer = NULL;
    }
}

static GPtrArray *
aat_synthetic_exchange_instruments (AatExchange *exchange)
{
  AatSyntheticExchangePrivate *priv = PRIV (exchange);
  GPtrArray *out = g_ptr_array_new ();

  synthetic_make_instruments (AAT_SYNTHETIC_EXCHANGE (exchange));
  for (guint i = 0; i < priv->instruments->len; i++)
    g_ptr_array_add (out, priv->instruments->pdata[i]);
  return out;
}

static Market *
market_for (AatSyntheticExchangePrivate *priv, AatInstrument *instrument)
{
  for (guint i = 0; i < priv->n_markets; i++)
    if (priv->markets[i].instrument == instrument)
      return &priv->markets[i];
  return NULL;
}

static void
aat_synthetic_exchange_new_order (AatExchange *exchange, AatOrder *order)
{
  AatSyntheticExchangePrivate *priv = PRIV (exchange);
  Market *m = market_for (priv, aat_order_get_instrument (order));
  AatRejectReason r;

  if (m == NULL)
    {
      aat_exchange_emit_rejected (exchange, order, aat_reject_reason_to_string (AAT_REJECT_REASON_WRONG_INSTRUMENT));
      return;
    }
  /* Fills are reported from book_event() as the order matches. */
  r = aat_order_book_add (m->book, order);
  if (r != AAT_REJECT_REASON_NONE)
    aat_exchange_emit_rejected (exchange, order, aat_reject_reason_to_string (r));
  else
    aat_exchange_emit_received (exchange, order);
  flush_reports (AAT_SYNTHETIC_EXCHANGE (exchange));
}

static void
aat_synthetic_exchange_cancel_order (AatExchange *exchange, AatOrder *order)
{
  AatSyntheticExchangePrivate *priv = PRIV (exchange);
  Market *m = market_for (priv, aat_order_get_instrument (order));

  /* the CANCEL book event reports it; an unknown id has already filled or gone */
  if (m != NULL)
    aat_order_book_cancel (m->book, aat_order_get_id (order));
  flush_reports (AAT_SYNTHETIC_EXCHANGE (exchange));
}

/**
 * aat_synthetic_exchange_get_book:
 * @self: a synthetic exchange
 * @instrument: one of its instruments
 *
 * The book of @instrument, to read its top of book and levels. Read only: orders go
 * through the engine. The same book is reachable without linking against this module
 * through the "get-book" action signal.
 *
 * Returns: (transfer none) (nullable): the book, or %NULL before start() or for another
 *   instrument
 */
AatOrderBook *
aat_synthetic_exchange_get_book (AatSyntheticExchange *self, AatInstrument *instrument)
{
  Market *m;

  g_return_val_if_fail (AAT_IS_SYNTHETIC_EXCHANGE (self), NULL);
  m = market_for (PRIV (self), instrument);
  return m != NULL ? m->book : NULL;
}

/**
 * aat_synthetic_exchange_get_generated:
 * @self: a synthetic exchange
 *
 * Returns: how many market events it has produced in this run
 */
guint64
aat_synthetic_exchange_get_generated (AatSyntheticExchange *self)
{
  g_return_val_if_fail (AAT_IS_SYNTHETIC_EXCHANGE (self), 0);
  return PRIV (self)->generated;
}

static AatOrderBook *
get_book_handler (AatSyntheticExchange *self, AatInstrument *instrument)
{
  return aat_synthetic_exchange_get_book (self, instrument);
}

static GObject *
aat_synthetic_exchange_constructor (GType type, guint n_props, GObjectConstructParam *props)
{
  /* mode=simulation picks the push class; see the overview at the top */
  for (guint i = 0; i < n_props; i++)
    if (props[i].pspec == properties[PROP_MODE] &&
        g_value_get_enum (props[i].value) == AAT_SYNTHETIC_MODE_SIMULATION &&
        type == AAT_TYPE_SYNTHETIC_EXCHANGE)
      type = aat_synthetic_live_exchange_get_type ();
  return G_OBJECT_CLASS (aat_synthetic_exchange_parent_class)->constructor (type, n_props, props);
}

static void
aat_synthetic_exchange_finalize (GObject *object)
{
  AatSyntheticExchange *self = AAT_SYNTHETIC_EXCHANGE (object);
  AatSyntheticExchangePrivate *priv = PRIV (self);

  synthetic_clear (self);
  g_clear_pointer (&priv->trade_event, aat_event_unref);
  g_clear_pointer (&priv->order_event, aat_event_unref);
  g_ptr_array_unref (priv->instruments);
  g_strfreev (priv->symbols);
  G_OBJECT_CLASS (aat_synthetic_exchange_parent_class)->finalize (object);
}

static void
aat_synthetic_exchange_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatSyntheticExchangePrivate *priv = PRIV (object);

  switch (prop_id)
    {
    case PROP_INSTRUMENTS: g_value_set_int (value, priv->n_instruments); break;
    case PROP_SYMBOLS: g_value_set_boxed (value, priv->symbols); break;
    case PROP_SEED: g_value_set_uint64 (value, priv->seed); break;
    case PROP_EVENTS: g_value_set_uint64 (value, priv->events); break;
    case PROP_START_PRICE: g_value_set_double (value, priv->start_price); break;
    case PROP_TICK_SIZE: g_value_set_double (value, priv->tick_size); break;
    case PROP_LEVELS: g_value_set_uint (value, priv->levels); break;
    case PROP_ORDERS_PER_LEVEL: g_value_set_uint (value, priv->orders_per_level); break;
    case PROP_MODE: g_value_set_enum (value, priv->mode); break;
    case PROP_RATE: g_value_set_double (value, priv->rate); break;
    case PROP_BOOK_EVENTS: g_value_set_boolean (value, priv->book_events); break;
    case PROP_STEP: g_value_set_int64 (value, priv->step); break;
    case PROP_START_TIME: g_value_set_int64 (value, priv->start_time); break;
    case PROP_GENERATED: g_value_set_uint64 (value, priv->generated); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_synthetic_exchange_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatSyntheticExchangePrivate *priv = PRIV (object);

  switch (prop_id)
    {
    case PROP_INSTRUMENTS: priv->n_instruments = g_value_get_int (value); break;
    case PROP_SYMBOLS:
      g_strfreev (priv->symbols);
      priv->symbols = g_value_dup_boxed (value);
      break;
    case PROP_SEED: priv->seed = g_value_get_uint64 (value); break;
    case PROP_EVENTS: priv->events = g_value_get_uint64 (value); break;
    case PROP_START_PRICE: priv->start_price = g_value_get_double (value); break;
    case PROP_TICK_SIZE: priv->tick_size = g_value_get_double (value); break;
    case PROP_LEVELS: priv->levels = g_value_get_uint (value); break;
    case PROP_ORDERS_PER_LEVEL: priv->orders_per_level = g_value_get_uint (value); break;
    case PROP_MODE: priv->mode = g_value_get_enum (value); break;
    case PROP_RATE: priv->rate = g_value_get_double (value); break;
    case PROP_BOOK_EVENTS: priv->book_events = g_value_get_boolean (value); break;
    case PROP_STEP: priv->step = g_value_get_int64 (value); break;
    case PROP_START_TIME: priv->start_time = g_value_get_int64 (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_synthetic_exchange_class_init (AatSyntheticExchangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatExchangeClass *exchange_class = AAT_EXCHANGE_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->constructor = aat_synthetic_exchange_constructor;
  object_class->finalize = aat_synthetic_exchange_finalize;
  object_class->get_property = aat_synthetic_exchange_get_property;
  object_class->set_property = aat_synthetic_exchange_set_property;

  exchange_class->start = aat_synthetic_exchange_start;
  exchange_class->stop = aat_synthetic_exchange_stop;
  exchange_class->instruments = aat_synthetic_exchange_instruments;
  exchange_class->next_event = aat_synthetic_exchange_next_event;
  exchange_class->new_order = aat_synthetic_exchange_new_order;
  exchange_class->cancel_order = aat_synthetic_exchange_cancel_order;

  properties[PROP_INSTRUMENTS] =
    g_param_spec_int ("instruments", NULL, "Number of instruments (SYN0, SYN1, ...)", 1, 1000, 1, rw);
  properties[PROP_SYMBOLS] =
    g_param_spec_boxed ("symbols", NULL, "Instrument names (overrides instruments)", G_TYPE_STRV, rw);
  properties[PROP_SEED] =
    g_param_spec_uint64 ("seed", NULL, "Random seed (0: the engine's seed)", 0, G_MAXUINT64, 0, rw);
  properties[PROP_EVENTS] =
    g_param_spec_uint64 ("events", NULL, "Market events to generate before the stream ends", 0, G_MAXUINT64, 10000, rw);
  properties[PROP_START_PRICE] =
    g_param_spec_double ("start-price", NULL, "Initial fair value", 1e-9, G_MAXDOUBLE, 100.0, rw);
  properties[PROP_TICK_SIZE] =
    g_param_spec_double ("tick-size", NULL, "Tick size of the instruments", 1e-9, G_MAXDOUBLE, 0.01, rw);
  properties[PROP_LEVELS] =
    g_param_spec_uint ("levels", NULL, "Depth of the initial ladder per side, and how far makers quote", 1, 10000, 10, rw);
  properties[PROP_ORDERS_PER_LEVEL] =
    g_param_spec_uint ("orders-per-level", NULL, "Orders per level of the initial ladder", 1, 1000, 3, rw);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, "backtest (simulated time) or simulation (real time at rate)",
                       synthetic_mode_get_type (), AAT_SYNTHETIC_MODE_BACKTEST,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, "Simulation mode: events per second", 1e-3, 1e9, 10.0, rw);
  properties[PROP_BOOK_EVENTS] =
    g_param_spec_boolean ("book-events", NULL, "Also publish book updates (open, cancel, change, fill)", FALSE, rw);
  properties[PROP_STEP] =
    g_param_spec_int64 ("step", NULL, "Backtest: simulated nanoseconds per order-flow step", 1, G_MAXINT64,
                        100 * 1000 * 1000, rw);
  properties[PROP_START_TIME] =
    g_param_spec_int64 ("start-time", NULL, "Backtest: simulated time of the start, ns since the epoch", 0, G_MAXINT64,
                        G_GINT64_CONSTANT (1577977200) * AAT_TIME_SECOND, rw);
  properties[PROP_GENERATED] =
    g_param_spec_uint64 ("generated", NULL, "Market events produced so far", 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AatSyntheticExchange::get-book:
   * @self: the exchange
   * @instrument: one of its instruments
   *
   * An action signal returning the book of @instrument (transfer none), for strategies
   * that do not link against this module.
   *
   * Returns: (transfer none) (nullable): the book
   */
  signals[SIGNAL_GET_BOOK] =
    g_signal_new_class_handler ("get-book", G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                                G_CALLBACK (get_book_handler), NULL, NULL, NULL,
                                G_TYPE_POINTER, 1, AAT_TYPE_INSTRUMENT);
}

static void
aat_synthetic_exchange_init (AatSyntheticExchange *self)
{
  AatSyntheticExchangePrivate *priv = PRIV (self);

  priv->n_instruments = 1;
  priv->events = 10000;
  priv->start_price = 100.0;
  priv->tick_size = 0.01;
  priv->levels = 10;
  priv->orders_per_level = 3;
  priv->rate = 10.0;
  priv->step = 100 * 1000 * 1000;
  priv->start_time = G_GINT64_CONSTANT (1577977200) * AAT_TIME_SECOND;
  priv->instruments = g_ptr_array_new ();
}

static void
aat_synthetic_live_exchange_class_init (AatSyntheticLiveExchangeClass *klass)
{
  /* a push source: the engine waits for its EXIT event */
  AAT_EXCHANGE_CLASS (klass)->next_event = NULL;
}

static void
aat_synthetic_live_exchange_init (AatSyntheticLiveExchange *self)
{
}

#ifndef AAT_SYNTHETIC_NO_MODULE
static gboolean
synthetic_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_EXCHANGE, "synthetic",
                              "A simulated market: seeded order flow on real order books",
                              AAT_TYPE_SYNTHETIC_EXCHANGE, error);
}

AAT_MODULE_DEFINE ("synthetic", "A simulated market driven by seeded random order flow",
                   "0.1.0", synthetic_module_init);
#endif
