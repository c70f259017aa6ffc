/* aat-private.h: struct layouts of the boxed values, for the library's own hot paths.
 * Never installed. Public code goes through the accessors. */
#pragma once

#include "aat.h"

G_BEGIN_DECLS

struct _AatInstrument
{
  GObject parent_instance;
  char *name;
  AatInstrumentType type;
  guint index;
  char *currency;
  double tick_size;
  double lot_size;
  double multiplier;
  AatInstrument *underlying;
  GPtrArray *legs;
  GPtrArray *exchanges;
  AatTime expiry;
  double strike;
  AatOptionType option_type;
};

/* The dense index, without a type check: for the engine's per-event path. */
#define AAT_INSTRUMENT_INDEX(inst) (((const struct _AatInstrument *) (inst))->index)

struct _AatOrder
{
  gint ref_count;
  AatOrderType type;
  AatSide side;
  AatOrderFlag flag;
  AatTimeInForce tif;
  AatOrderStatus status;
  AatOrderType stop_target;    /* MARKET or LIMIT once a stop triggers */
  guint64 id;
  AatTime timestamp;
  AatTime expire_time;
  AatInstrument *instrument;
  AatExchangeType *exchange;
  double volume;
  double price;
  double stop_price;
  double notional;
  double filled;
  double fill_value;           /* sum of fill volume × price, for the average */
  double fees;
  char *client_id;
  AatStrategy *strategy;       /* owner, weak: set by the engine */
  guint64 parent_id;           /* execution-policy parent, or 0 */
  gboolean acked;              /* the engine has delivered on_received */
  gboolean placed;             /* the engine has assigned an id */
};

struct _AatTrade
{
  gint ref_count;
  AatSide side;                /* the taker's side */
  guint64 id;
  AatTime timestamp;
  AatInstrument *instrument;
  AatExchangeType *exchange;
  double price;
  double volume;
  double fee;
  double slippage;
  AatOrder *taker;             /* owned, nullable */
  GPtrArray *makers;           /* owned AatOrder*, nullable (lazily created) */
};

struct _AatBar
{
  gint ref_count;
  AatTime timestamp;           /* the bar's start */
  AatTime interval;            /* its length, 0 if unknown */
  AatInstrument *instrument;
  AatExchangeType *exchange;
  double open, high, low, close, volume;
};

struct _AatQuote
{
  gint ref_count;
  AatTime timestamp;
  AatTime interval;            /* 0 for a quote, the bar length for a quote bar */
  AatInstrument *instrument;
  AatExchangeType *exchange;
  double bid, bid_size, ask, ask_size;
  double bid_open, ask_open;   /* quote bars: the first quote of the bar */
};

typedef enum {
  AAT_PAYLOAD_NONE,
  AAT_PAYLOAD_TRADE,
  AAT_PAYLOAD_ORDER,
  AAT_PAYLOAD_BAR,
  AAT_PAYLOAD_QUOTE,
} AatPayloadKind;

struct _AatEvent
{
  gint ref_count;
  AatEventType type;
  AatTime timestamp;
  AatPayloadKind kind;
  gpointer payload;            /* owned: AatTrade, AatOrder, AatBar or AatQuote by kind */
  char *message;               /* DATA and ERROR */
};

void _aat_order_set_strategy (AatOrder *self, AatStrategy *strategy);

/* Mutable reuse: a value whose only reference is the producer's can be rewritten in place
 * instead of allocating a new one per event. */
static inline gboolean
aat_value_is_exclusive (const gint *ref_count)
{
  return g_atomic_int_get (ref_count) == 1;
}

G_END_DECLS

G_BEGIN_DECLS
/* Strategy internals, shared with the engine. */
typedef struct {
  char *name;
  AatEngine *engine;          /* weak: set while added to an engine */
  gboolean halted;
  guint error_count;
  gboolean subscribed_any;    /* FALSE: receives every instrument */
  guint index;                /* position in the engine's strategy array */
} AatStrategyPrivate;

AatStrategyPrivate *_aat_strategy_get_private (AatStrategy *self);
void _aat_strategy_attach (AatStrategy *self, AatEngine *engine, guint index);
void _aat_strategy_default_on_trade_price (AatStrategy *self, guint instrument, double price,
                                           double volume, double time);

/* Engine internals used by strategies and exchanges. */
void _aat_engine_subscribe (AatEngine *self, AatStrategy *strategy, AatInstrument *instrument);
guint _aat_engine_add_periodic (AatEngine *self, AatStrategy *strategy, double seconds,
                                AatPeriodicFunc func, gpointer user_data, GDestroyNotify notify);
void _aat_engine_remove_periodic (AatEngine *self, guint id);
void _aat_engine_report_error (AatEngine *self, AatStrategy *strategy, const GError *error);
void _aat_engine_push_event (AatEngine *self, AatExchange *source, AatEvent *event);
void _aat_engine_response (AatEngine *self, AatExchange *source, AatEventType type,
                           AatOrder *order, AatTrade *trade, const char *reason);
GArray *_aat_engine_price_history (AatEngine *self, AatInstrument *instrument);
void _aat_exchange_attach (AatExchange *self, AatEngine *engine, guint source_index);
guint _aat_exchange_get_source_index (AatExchange *self);
void _aat_portfolio_add_strategy (AatPortfolio *self, AatStrategy *strategy);
/* reliability (issue 9): journal recovery hands the engine orders it did not place */
void _aat_engine_adopt_order (AatEngine *self, AatStrategy *strategy, AatOrder *order);
G_END_DECLS
