/* aat-order-book.c: a price-time-priority limit order book for one instrument.
 *
 * What it owns: every working order of one instrument (resting limit orders, and stop
 * orders waiting for their trigger), and nothing else. Orders come in through
 * aat_order_book_add_raw() (integer ticks and lots, the fast path) or
 * aat_order_book_add() (#AatOrder values, converted with the instrument's grid); every
 * change of state goes out, synchronously, as an #AatBookEvent to one C callback. The
 * book never touches an #AatOrder's status or fills: the exchange that owns the book does
 * that from the events.
 *
 * Data structures (see the order book section of doc/ARCHITECTURE.md for the reasoning):
 * - Order nodes live in one pool (an array of 48-byte #Node, addressed by uint32 index,
 *   with a free list). No allocation per order in steady state.
 * - Price levels are one flat array of #Level indexed by tick offset from a moving @base.
 *   Bids and asks share it: a book at rest is never crossed, so every level below the best
 *   ask holds bids and every level above the best bid holds asks. The array grows or
 *   recentres when a price falls outside it, up to a span of %MAX_SPAN ticks.
 * - A two-level bitmap of non-empty levels finds the next best level with ctz/clz.
 * - Each level is a FIFO: an intrusive doubly-linked list through the nodes.
 * - Orders are found by id through an open-addressing hash (linear probing, backward-shift
 *   deletion, power-of-two capacity, load at most 1/2).
 * - Stop orders wait in a small array in arrival order; the lowest buy trigger and the
 *   highest sell trigger are cached so a trade costs two comparisons when nothing fires.
 *   Triggered stops queue up and run as new takers once the operation that triggered them
 *   has delivered all its events.
 */
#include "config.h"
#include "aat-private.h"

#include <math.h>
#include <string.h>

/* The largest distance in ticks between the lowest and the highest price the level array
 * may have to hold at once: 2^22 levels of 24 bytes is 96 MiB, which is generous for any
 * real instrument and still bounded. */
#define MAX_SPAN ((gint64) 1 << 22)
#define MIN_SPAN 64
/* Per-order bounds that keep every sum (level volume, notional arithmetic) inside int64. */
#define MAX_VOLUME ((gint64) 1 << 40)
#define MAX_PRICE ((gint64) 1 << 53)
#define MAX_NOTIONAL ((gint64) 1 << 62)
#define NIL G_MAXUINT32

enum {
  NODE_OWNED = 1 << 0,     /* user_data is an #AatOrder the book holds a reference on */
  NODE_STOP = 1 << 1,      /* a stop order waiting (or just triggered) */
  NODE_NOTIONAL = 1 << 2,  /* a stop-market for a notional: remaining is the notional */
};

typedef struct {
  guint64 id;
  gint64 price;            /* ticks; a stop's limit price (0 for stop-market) */
  gint64 remaining;        /* lots (or notional, see NODE_NOTIONAL) */
  gpointer user_data;
  guint32 prev, next;      /* FIFO of the level; next is the free list link when free */
  guint8 side, type, flag, bits;
} Node;

typedef struct {
  gint64 volume;
  guint32 head, tail;
  guint32 count;
  guint32 pad;
} Level;

/* A hash slot: 32 bits of the id (folded) and the node. The home position is a function
 * of the tag alone, so deletion and resizing never read the nodes; a lookup reads the
 * node only when the tag matches, to confirm the full id. */
typedef struct {
  guint32 tag;
  guint32 node;            /* NIL: empty */
} Slot;

typedef struct {
  guint32 node;
  gint64 stop_price;
} Stop;

/* An order on its way through the matching engine. */
typedef struct {
  guint64 id;
  AatSide side;
  AatOrderType type;       /* MARKET or LIMIT */
  AatOrderFlag flag;
  gint64 price;
  gint64 volume;
  gint64 notional;         /* > 0 for a notional market order (volume is then 0) */
  gpointer user_data;
  guint32 node;            /* an existing node (triggered stop, changed order) or NIL */
  gboolean owned;          /* user_data is an #AatOrder to reference if it stays */
  gboolean silent;         /* rest without an OPEN event (re-submitted by a change) */
  guint32 slot;            /* the free hash slot for a new id, or NIL */
} Taker;

struct _AatOrderBook
{
  GObject parent_instance;

  AatInstrument *instrument;
  double tick_size;
  double lot_size;

  AatBookEventFunc func;
  gpointer func_data;
  GDestroyNotify func_notify;

  Node *nodes;
  guint32 nodes_alloc;
  guint32 nodes_used;      /* high-water mark */
  guint32 free_head;

  Slot *slots;
  guint32 slot_mask;
  guint32 slots_used;

  Level *levels;
  guint64 *bits0;          /* one bit per level: non-empty */
  guint64 *bits1;          /* one bit per word of bits0: non-zero */
  gint64 base;             /* the price of levels[0] */
  gint64 span;             /* number of levels, a power of two (0 before the first) */
  gint64 best_bid;         /* level index, or -1 */
  gint64 best_ask;

  guint n_orders;
  gint64 resting_volume;

  GArray *stops;           /* Stop, in arrival order */
  gint64 min_buy_stop;     /* conservative bounds over the waiting stops */
  gint64 max_sell_stop;
  GArray *triggered;       /* guint32 nodes, in order of triggering */
  guint n_stops;           /* stops->len, read on every trade without a pointer chase */
  gboolean have_triggered; /* triggered->len > 0 */
  gboolean draining;
  gboolean busy;           /* inside an operation: the event function must not call in */

  gboolean have_last_trade;
  gint64 last_trade;
  gint64 traded_volume;
  guint64 trade_count;
};

enum {
  PROP_0,
  PROP_INSTRUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AatOrderBook, aat_order_book, G_TYPE_OBJECT)

/* The hot entry points check their instance against the GType cached at class init:
 * the same inline test as AAT_IS_ORDER_BOOK() without calling aat_order_book_get_type()
 * (a g_once check) on every operation. Before the class exists, nothing is a book. */
static GType book_type;
#define IS_BOOK(obj) G_TYPE_CHECK_INSTANCE_TYPE ((obj), book_type)

/**
 * aat_book_event_copy:
 * @event: an event
 *
 * Returns: (transfer full): a copy of @event; the user pointers are copied as they are
 */
AatBookEvent *
aat_book_event_copy (const AatBookEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);
  return g_memdup2 (event, sizeof *event);
}

/**
 * aat_book_event_free:
 * @event: (transfer full): an event from aat_book_event_copy()
 *
 * Frees a copied event.
 */
void
aat_book_event_free (AatBookEvent *event)
{
  g_free (event);
}

G_DEFINE_BOXED_TYPE (AatBookEvent, aat_book_event, aat_book_event_copy, aat_book_event_free)

/**
 * aat_book_level_copy:
 * @level: a level
 *
 * Returns: (transfer full): a copy of @level
 */
AatBookLevel *
aat_book_level_copy (const AatBookLevel *level)
{
  g_return_val_if_fail (level != NULL, NULL);
  return g_memdup2 (level, sizeof *level);
}

/**
 * aat_book_level_free:
 * @level: (transfer full): a level from aat_book_level_copy()
 *
 * Frees a copied level.
 */
void
aat_book_level_free (AatBookLevel *level)
{
  g_free (level);
}

G_DEFINE_BOXED_TYPE (AatBookLevel, aat_book_level, aat_book_level_copy, aat_book_level_free)

/* ---- events ---------------------------------------------------------------------- */

/* Installed when no event function is set, so emitting never tests for NULL. */
static void
discard_event (const AatBookEvent *event, gpointer user_data)
{
}

static inline void
emit (AatOrderBook *self, AatEventType type, AatSide side, guint64 id, guint64 maker_id,
      gint64 price, gint64 volume, gint64 remaining, gpointer user_data,
      gpointer maker_user_data)
{
  AatBookEvent e;

  e.type = type;
  e.side = side;
  e.id = id;
  e.maker_id = maker_id;
  e.price = price;
  e.volume = volume;
  e.remaining = remaining;
  e.user_data = user_data;
  e.maker_user_data = maker_user_data;
  self->func (&e, self->func_data);
}

/* ---- node pool ------------------------------------------------------------------- */

static G_GNUC_NO_INLINE void
node_pool_grow (AatOrderBook *self)
{
  /* 1.5x: the pool is most of the book's memory, so keep the slack small. */
  guint32 cap = self->nodes_alloc ? (self->nodes_alloc + self->nodes_alloc / 2 + 15) & ~15u : 64;

  if (cap <= self->nodes_alloc || cap >= NIL)
    g_error ("AatOrderBook: too many working orders");
  self->nodes = g_renew (Node, self->nodes, cap);
  self->nodes_alloc = cap;
}

static inline guint32
node_alloc (AatOrderBook *self)
{
  guint32 n = self->free_head;

  if (n != NIL)
    {
      self->free_head = self->nodes[n].next;
      return n;
    }
  if (G_UNLIKELY (self->nodes_used == self->nodes_alloc))
    node_pool_grow (self);
  return self->nodes_used++;
}

static inline void
node_release (AatOrderBook *self, guint32 n)
{
  Node *node = &self->nodes[n];

  if (node->bits & NODE_OWNED)
    aat_order_unref (node->user_data);
  node->id = 0;
  node->bits = 0;
  node->next = self->free_head;
  self->free_head = n;
}

/* ---- id hash --------------------------------------------------------------------- */

static inline guint32
hash_tag (guint64 id)
{
  return (guint32) id ^ (guint32) (id >> 32);
}

static inline guint32
hash_home (guint32 tag, guint32 mask)
{
  return (guint32) (((guint64) tag * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32) & mask;
}

/* The slot holding @id, or the empty slot ending its probe sequence. */
static inline guint32
hash_probe (const AatOrderBook *self, guint64 id)
{
  guint32 mask = self->slot_mask;
  guint32 tag = hash_tag (id);
  guint32 i = hash_home (tag, mask);

  for (;;)
    {
      const Slot *s = &self->slots[i];
      if (s->node == NIL || (s->tag == tag && self->nodes[s->node].id == id))
        return i;
      i = (i + 1) & mask;
    }
}

static inline guint32
hash_lookup (const AatOrderBook *self, guint64 id)
{
  return self->slots[hash_probe (self, id)].node;
}

static void
hash_resize (AatOrderBook *self, guint32 cap)
{
  Slot *old = self->slots;
  guint32 old_cap = old ? self->slot_mask + 1 : 0;
  guint32 i;

  self->slots = g_new (Slot, cap);
  memset (self->slots, 0xff, cap * sizeof (Slot));
  self->slot_mask = cap - 1;
  for (i = 0; i < old_cap; i++)
    if (old[i].node != NIL)
      {
        guint32 j = hash_home (old[i].tag, self->slot_mask);
        while (self->slots[j].node != NIL)
          j = (j + 1) & self->slot_mask;
        self->slots[j] = old[i];
      }
  g_free (old);
}

/* Inserts an id known to be absent. */
static inline void
hash_insert (AatOrderBook *self, guint64 id, guint32 node)
{
  guint32 i, tag = hash_tag (id);

  if (G_UNLIKELY ((self->slots_used + 1) * 2 > self->slot_mask + 1))
    hash_resize (self, (self->slot_mask + 1) * 2);
  i = hash_home (tag, self->slot_mask);
  while (self->slots[i].node != NIL)
    i = (i + 1) & self->slot_mask;
  self->slots[i].tag = tag;
  self->slots[i].node = node;
  self->slots_used++;
}

/* Inserts an absent id at the empty slot its probe found, if nothing moved since. */
static inline void
hash_insert_at (AatOrderBook *self, guint32 slot, guint64 id, guint32 node)
{
  if (G_UNLIKELY (slot == NIL || (self->slots_used + 1) * 2 > self->slot_mask + 1))
    {
      hash_insert (self, id, node);
      return;
    }
  self->slots[slot].tag = hash_tag (id);
  self->slots[slot].node = node;
  self->slots_used++;
}

static inline void
hash_remove (AatOrderBook *self, guint64 id)
{
  guint32 mask = self->slot_mask;
  guint32 i = hash_probe (self, id);
  guint32 j;

  if (G_UNLIKELY (self->slots[i].node == NIL))
    return;
  /* Backward-shift deletion: pull later members of the cluster into the hole when their
   * home position does not lie cyclically in (hole, their slot]. */
  j = i;
  for (;;)
    {
      guint32 k;
      j = (j + 1) & mask;
      if (self->slots[j].node == NIL)
        break;
      k = hash_home (self->slots[j].tag, mask);
      if (((j - k) & mask) >= ((j - i) & mask))
        {
          self->slots[i] = self->slots[j];
          i = j;
        }
    }
  self->slots[i].node = NIL;
  self->slots_used--;
}

/* ---- bitmap of non-empty levels --------------------------------------------------- */

static inline void
bm_set (AatOrderBook *self, gint64 i)
{
  gint64 w = i >> 6;
  self->bits0[w] |= G_GUINT64_CONSTANT (1) << (i & 63);
  self->bits1[w >> 6] |= G_GUINT64_CONSTANT (1) << (w & 63);
}

static inline void
bm_clear (AatOrderBook *self, gint64 i)
{
  gint64 w = i >> 6;
  self->bits0[w] &= ~(G_GUINT64_CONSTANT (1) << (i & 63));
  if (self->bits0[w] == 0)
    self->bits1[w >> 6] &= ~(G_GUINT64_CONSTANT (1) << (w & 63));
}

/* The lowest non-empty level at or above @i, or -1. */
static gint64
bm_next_above (const AatOrderBook *self, gint64 i)
{
  gint64 words = self->span >> 6;
  gint64 w, w1, words1 = (words + 63) >> 6;
  guint64 x;

  if (i < 0)
    i = 0;
  if (i >= self->span)
    return -1;
  w = i >> 6;
  x = self->bits0[w] & (~G_GUINT64_CONSTANT (0) << (i & 63));
  if (x)
    return (w << 6) + __builtin_ctzll (x);
  w++;
  if (w >= words)
    return -1;
  w1 = w >> 6;
  x = self->bits1[w1] & (~G_GUINT64_CONSTANT (0) << (w & 63));
  while (!x)
    {
      if (++w1 >= words1)
        return -1;
      x = self->bits1[w1];
    }
  w = (w1 << 6) + __builtin_ctzll (x);
  return (w << 6) + __builtin_ctzll (self->bits0[w]);
}

/* The highest non-empty level at or below @i, or -1. */
static gint64
bm_next_below (const AatOrderBook *self, gint64 i)
{
  gint64 w, w1;
  guint64 x;

  if (i < 0)
    return -1;
  if (i >= self->span)
    i = self->span - 1;
  w = i >> 6;
  x = self->bits0[w] & (~G_GUINT64_CONSTANT (0) >> (63 - (i & 63)));
  if (x)
    return (w << 6) + 63 - __builtin_clzll (x);
  if (w == 0)
    return -1;
  w--;
  w1 = w >> 6;
  x = self->bits1[w1] & (~G_GUINT64_CONSTANT (0) >> (63 - (w & 63)));
  while (!x)
    {
      if (w1 == 0)
        return -1;
      x = self->bits1[--w1];
    }
  w = (w1 << 6) + 63 - __builtin_clzll (x);
  return (w << 6) + 63 - __builtin_clzll (self->bits0[w]);
}

/* ---- the level array -------------------------------------------------------------- */

/* The occupied range of the level array, as prices; FALSE if the book is empty. */
static gboolean
occupied_range (const AatOrderBook *self, gint64 *lo, gint64 *hi)
{
  gint64 l, h;

  if (self->n_orders == 0)
    return FALSE;
  l = bm_next_above (self, 0);
  h = bm_next_below (self, self->span - 1);
  *lo = self->base + l;
  *hi = self->base + h;
  return TRUE;
}

/* Whether a price could be placed in the level array (now, or after growing it). */
static inline gboolean
price_placeable (const AatOrderBook *self, gint64 price)
{
  gint64 lo, hi;

  if (G_LIKELY (price - self->base >= 0 && price - self->base < self->span))
    return TRUE;
  if (!occupied_range (self, &lo, &hi))
    return TRUE;
  return MAX (hi, price) - MIN (lo, price) + 1 <= MAX_SPAN;
}

/* Makes @price fit in the level array, growing or recentring it; FALSE if it cannot. */
static gboolean
level_array_fit (AatOrderBook *self, gint64 price)
{
  gint64 olo = 0, ohi = -1, lo, hi, need, span, new_base, shift, i;
  Level *levels;

  if (!occupied_range (self, &olo, &ohi))
    lo = hi = price;
  else
    {
      lo = MIN (olo, price);
      hi = MAX (ohi, price);
    }
  need = hi - lo + 1;
  if (need > MAX_SPAN)
    return FALSE;
  span = MAX (self->span, MIN_SPAN);
  while (span < need * 2 && span < MAX_SPAN)
    span *= 2;
  new_base = lo - (span - need) / 2;
  shift = self->base - new_base;

  levels = g_new0 (Level, span);
  if (self->n_orders > 0)
    memcpy (levels + (olo - new_base), self->levels + (olo - self->base),
            (gsize) (ohi - olo + 1) * sizeof (Level));
  g_free (self->levels);
  g_free (self->bits0);
  g_free (self->bits1);
  self->levels = levels;
  self->span = span;
  self->base = new_base;
  self->bits0 = g_new0 (guint64, span >> 6);
  self->bits1 = g_new0 (guint64, ((span >> 6) + 63) >> 6);
  if (self->n_orders > 0)
    for (i = olo - new_base; i <= ohi - new_base; i++)
      if (levels[i].count)
        bm_set (self, i);
  if (self->best_bid >= 0)
    self->best_bid += shift;
  if (self->best_ask >= 0)
    self->best_ask += shift;
  return TRUE;
}

/* Appends a node (price, side, remaining set) at the back of its level. */
static gboolean
level_push (AatOrderBook *self, guint32 n)
{
  Node *node;
  Level *lv;
  gint64 idx;

  idx = self->nodes[n].price - self->base;
  if (G_UNLIKELY (idx < 0 || idx >= self->span))
    {
      if (!level_array_fit (self, self->nodes[n].price))
        return FALSE;
      idx = self->nodes[n].price - self->base;
    }
  node = &self->nodes[n];
  lv = &self->levels[idx];
  node->next = NIL;
  if (lv->count == 0)
    {
      /* An empty level's head and tail are stale (or zero): never read them. */
      node->prev = NIL;
      lv->head = n;
      bm_set (self, idx);
      if (node->side == AAT_SIDE_BUY)
        {
          if (self->best_bid < idx)
            self->best_bid = idx;
        }
      else if (self->best_ask < 0 || self->best_ask > idx)
        self->best_ask = idx;
    }
  else
    {
      node->prev = lv->tail;
      self->nodes[lv->tail].next = n;
    }
  lv->tail = n;
  lv->count++;
  lv->volume += node->remaining;
  self->n_orders++;
  self->resting_volume += node->remaining;
  return TRUE;
}

/* Takes a resting node out of its level (not out of the hash). */
static void
level_unlink (AatOrderBook *self, guint32 n)
{
  Node *node = &self->nodes[n];
  gint64 idx = node->price - self->base;
  Level *lv = &self->levels[idx];

  if (node->prev != NIL)
    self->nodes[node->prev].next = node->next;
  else
    lv->head = node->next;
  if (node->next != NIL)
    self->nodes[node->next].prev = node->prev;
  else
    lv->tail = node->prev;
  lv->count--;
  lv->volume -= node->remaining;
  self->n_orders--;
  self->resting_volume -= node->remaining;
  if (lv->count == 0)
    {
      bm_clear (self, idx);
      if (idx == self->best_bid)
        self->best_bid = bm_next_below (self, idx - 1);
      else if (idx == self->best_ask)
        self->best_ask = bm_next_above (self, idx + 1);
    }
}

/* ---- stops ------------------------------------------------------------------------ */

static void
stops_check (AatOrderBook *self, gint64 trade_price)
{
  Stop *s = (Stop *) (gpointer) self->stops->data;
  guint i, j = 0;
  gint64 min_buy = G_MAXINT64, max_sell = G_MININT64;

  if (trade_price < self->min_buy_stop && trade_price > self->max_sell_stop)
    return;
  for (i = 0; i < self->stops->len; i++)
    {
      gboolean buy = self->nodes[s[i].node].side == AAT_SIDE_BUY;
      if (buy ? trade_price >= s[i].stop_price : trade_price <= s[i].stop_price)
        {
          g_array_append_val (self->triggered, s[i].node);
          self->have_triggered = TRUE;
          continue;
        }
      if (buy)
        min_buy = MIN (min_buy, s[i].stop_price);
      else
        max_sell = MAX (max_sell, s[i].stop_price);
      s[j++] = s[i];
    }
  g_array_set_size (self->stops, j);
  self->n_stops = j;
  self->min_buy_stop = min_buy;
  self->max_sell_stop = max_sell;
}

static gint
stops_find (AatOrderBook *self, guint32 n)
{
  guint i;

  for (i = 0; i < self->stops->len; i++)
    if (g_array_index (self->stops, Stop, i).node == n)
      return (gint) i;
  return -1;
}

/* ---- matching --------------------------------------------------------------------- */

static inline void
record_trade (AatOrderBook *self, gint64 price, gint64 volume)
{
  self->have_last_trade = TRUE;
  self->last_trade = price;
  self->traded_volume += volume;
  self->trade_count++;
  if (G_UNLIKELY (self->n_stops > 0))
    stops_check (self, price);
}

/* Fills @take lots of the maker at the head of level @idx against the taker, with the
 * maker's event then the trade. Returns the taker's remaining volume. */
static inline void
fill_maker (AatOrderBook *self, const Taker *t, gint64 idx, guint32 m, gint64 take,
            gint64 taker_remaining)
{
  Node *maker = &self->nodes[m];
  Level *lv = &self->levels[idx];
  gint64 price = maker->price;
  guint64 maker_id = maker->id;
  gpointer maker_data = maker->user_data;

  maker->remaining -= take;
  lv->volume -= take;
  self->resting_volume -= take;
  if (maker->remaining == 0)
    {
      /* Unlink first so the book is consistent; release after the trade event, which
       * still hands out the maker's user pointer. */
      lv->head = maker->next;
      if (maker->next != NIL)
        self->nodes[maker->next].prev = NIL;
      else
        lv->tail = NIL;
      lv->count--;
      self->n_orders--;
      hash_remove (self, maker_id);
      emit (self, AAT_EVENT_TYPE_FILL, maker->side, maker_id, 0, price, take, 0, maker_data,
            NULL);
      emit (self, AAT_EVENT_TYPE_TRADE, t->side, t->id, maker_id, price, take,
            taker_remaining, t->user_data, maker_data);
      node_release (self, m);
    }
  else
    {
      emit (self, AAT_EVENT_TYPE_CHANGE, maker->side, maker_id, 0, price, take,
            maker->remaining, maker_data, NULL);
      emit (self, AAT_EVENT_TYPE_TRADE, t->side, t->id, maker_id, price, take,
            taker_remaining, t->user_data, maker_data);
    }
  record_trade (self, price, take);
}

/* After a level was drained by matching: drop it from the bitmap and, if it was the
 * best (all-or-none can drain a deeper one), find the next. */
static inline void
level_drained (AatOrderBook *self, AatSide maker_side, gint64 idx)
{
  bm_clear (self, idx);
  if (maker_side == AAT_SIDE_SELL)
    {
      if (idx == self->best_ask)
        self->best_ask = bm_next_above (self, idx + 1);
    }
  else if (idx == self->best_bid)
    self->best_bid = bm_next_below (self, idx - 1);
}

static inline gint64
best_opposite (const AatOrderBook *self, AatSide side)
{
  return side == AAT_SIDE_BUY ? self->best_ask : self->best_bid;
}

static inline gboolean
acceptable (const Taker *t, gint64 maker_price)
{
  if (t->type == AAT_ORDER_TYPE_MARKET)
    return TRUE;
  return t->side == AAT_SIDE_BUY ? maker_price <= t->price : maker_price >= t->price;
}

/* Matches in price-time priority while marketable; returns what is left. Inlined once
 * per side, so that the side is a constant inside the loop. */
static inline gint64
match_side (AatOrderBook *self, const Taker *t, gint64 remaining, const AatSide side)
{
  AatSide maker_side = side == AAT_SIDE_BUY ? AAT_SIDE_SELL : AAT_SIDE_BUY;
  /* the worst acceptable maker price, as an index (market orders accept any) */
  gint64 limit = t->type == AAT_ORDER_TYPE_MARKET ? (side == AAT_SIDE_BUY ? G_MAXINT64 : G_MININT64)
                                                  : t->price - self->base;

  while (remaining > 0)
    {
      gint64 idx = side == AAT_SIDE_BUY ? self->best_ask : self->best_bid;
      Level *lv;

      if (idx < 0 || (side == AAT_SIDE_BUY ? idx > limit : idx < limit))
        break;
      lv = &self->levels[idx];
      while (remaining > 0 && lv->count > 0)
        {
          guint32 m = lv->head;
          gint64 take = MIN (remaining, self->nodes[m].remaining);
          remaining -= take;
          fill_maker (self, t, idx, m, take, remaining);
        }
      if (lv->count == 0)
        level_drained (self, maker_side, idx);
    }
  return remaining;
}

static gint64
match (AatOrderBook *self, const Taker *t, gint64 remaining)
{
  if (t->side == AAT_SIDE_BUY)
    return match_side (self, t, remaining, AAT_SIDE_BUY);
  return match_side (self, t, remaining, AAT_SIDE_SELL);
}

/* A notional market order: whole lots per level while the notional left buys one. */
static gint64
match_notional (AatOrderBook *self, const Taker *t, gint64 *lots)
{
  AatSide maker_side = t->side == AAT_SIDE_BUY ? AAT_SIDE_SELL : AAT_SIDE_BUY;
  gint64 notional = t->notional;

  *lots = 0;
  for (;;)
    {
      gint64 idx = best_opposite (self, t->side);
      gint64 price, affordable;
      Level *lv;

      if (idx < 0)
        break;
      price = self->base + idx;
      affordable = notional / price;
      if (affordable == 0)
        break;
      lv = &self->levels[idx];
      while (affordable > 0 && lv->count > 0)
        {
          guint32 m = lv->head;
          gint64 take = MIN (affordable, self->nodes[m].remaining);
          affordable -= take;
          notional -= take * price;
          *lots += take;
          fill_maker (self, t, idx, m, take, notional);
        }
      if (lv->count == 0)
        level_drained (self, maker_side, idx);
      else
        break;
    }
  return notional;
}

/* Fill-or-kill: is there enough at acceptable prices? */
static gboolean
can_fill (AatOrderBook *self, const Taker *t)
{
  gint64 need = t->volume;
  gint64 idx = best_opposite (self, t->side);

  while (idx >= 0 && acceptable (t, self->base + idx))
    {
      need -= self->levels[idx].volume;
      if (need <= 0)
        return TRUE;
      idx = t->side == AAT_SIDE_BUY ? bm_next_above (self, idx + 1)
                                    : bm_next_below (self, idx - 1);
    }
  return FALSE;
}

/* All-or-none: the first resting order, in priority, that can fill it alone. */
static guint32
find_single_maker (AatOrderBook *self, const Taker *t, gint64 *level_idx)
{
  gint64 idx = best_opposite (self, t->side);

  while (idx >= 0 && acceptable (t, self->base + idx))
    {
      guint32 m;
      for (m = self->levels[idx].head; m != NIL; m = self->nodes[m].next)
        if (self->nodes[m].remaining >= t->volume)
          {
            *level_idx = idx;
            return m;
          }
      idx = t->side == AAT_SIDE_BUY ? bm_next_above (self, idx + 1)
                                    : bm_next_below (self, idx - 1);
    }
  return NIL;
}

/* Fills a taker against one given maker (all-or-none). */
static void
match_single (AatOrderBook *self, const Taker *t, gint64 idx, guint32 m)
{
  Node *maker = &self->nodes[m];
  Level *lv = &self->levels[idx];
  AatSide maker_side = maker->side;

  if (m != lv->head)
    {
      /* fill_maker works on the head: move the maker's fill there only if it leaves, by
       * doing the bookkeeping here instead. */
      gint64 take = t->volume;
      guint64 maker_id = maker->id;
      gpointer maker_data = maker->user_data;
      gint64 price = maker->price;

      maker->remaining -= take;
      lv->volume -= take;
      self->resting_volume -= take;
      if (maker->remaining == 0)
        {
          level_unlink (self, m); /* the level keeps earlier orders, so it stays */
          hash_remove (self, maker_id);
          emit (self, AAT_EVENT_TYPE_FILL, maker_side, maker_id, 0, price, take, 0,
                maker_data, NULL);
          emit (self, AAT_EVENT_TYPE_TRADE, t->side, t->id, maker_id, price, take, 0,
                t->user_data, maker_data);
          node_release (self, m);
        }
      else
        {
          emit (self, AAT_EVENT_TYPE_CHANGE, maker_side, maker_id, 0, price, take,
                maker->remaining, maker_data, NULL);
          emit (self, AAT_EVENT_TYPE_TRADE, t->side, t->id, maker_id, price, take, 0,
                t->user_data, maker_data);
        }
      record_trade (self, price, take);
      return;
    }
  fill_maker (self, t, idx, m, t->volume, 0);
  if (lv->count == 0)
    level_drained (self, maker_side, idx);
}

/* Runs a taker through the book: match events, then exactly one of FILL, OPEN or CANCEL
 * (or nothing, for a changed order that rests again). Inlined into the add path, which
 * is most of the traffic; the other callers share one out-of-line copy. */
static inline G_GNUC_UNUSED __attribute__ ((always_inline)) void
execute_inline (AatOrderBook *self, const Taker *t)
{
  gint64 remaining = t->volume;
  guint64 trades_before = self->trade_count;
  gboolean rest = FALSE;
  guint32 n;

  if (t->notional > 0)
    {
      gint64 lots;
      gint64 left = match_notional (self, t, &lots);
      if (left == 0)
        emit (self, AAT_EVENT_TYPE_FILL, t->side, t->id, 0, 0, lots, 0, t->user_data, NULL);
      else
        emit (self, AAT_EVENT_TYPE_CANCEL, t->side, t->id, 0, 0, left, 0, t->user_data, NULL);
    }
  else
    {
      switch (t->flag)
        {
        case AAT_ORDER_FLAG_FILL_OR_KILL:
          if (can_fill (self, t))
            remaining = match (self, t, remaining);
          break;
        case AAT_ORDER_FLAG_ALL_OR_NONE:
          {
            gint64 idx = -1;
            guint32 m = find_single_maker (self, t, &idx);
            if (m != NIL)
              {
                match_single (self, t, idx, m);
                remaining = 0;
              }
          }
          break;
        case AAT_ORDER_FLAG_NONE:
        case AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL:
        default:
          remaining = match (self, t, remaining);
          break;
        }

      if (remaining == 0)
        emit (self, AAT_EVENT_TYPE_FILL, t->side, t->id, 0, t->price, t->volume, 0,
              t->user_data, NULL);
      else if (t->type == AAT_ORDER_TYPE_LIMIT && t->flag == AAT_ORDER_FLAG_NONE
               && price_placeable (self, t->price))
        rest = TRUE;
      else
        emit (self, AAT_EVENT_TYPE_CANCEL, t->side, t->id, 0, t->price, remaining, 0,
              t->user_data, NULL);
    }

  n = t->node;
  if (!rest)
    {
      if (n != NIL)
        {
          hash_remove (self, t->id);
          node_release (self, n);
        }
      return;
    }

  if (n == NIL)
    {
      n = node_alloc (self);
      self->nodes[n].id = t->id;
      self->nodes[n].user_data = t->user_data;
      self->nodes[n].bits = 0;
      if (t->owned)
        {
          aat_order_ref (t->user_data);
          self->nodes[n].bits = NODE_OWNED;
        }
      /* Matching deletes from the hash, which can move slots: reuse the probe's slot
       * only when nothing traded. */
      hash_insert_at (self, self->trade_count == trades_before ? t->slot : NIL, t->id, n);
    }
  else
    self->nodes[n].bits &= ~(NODE_STOP | NODE_NOTIONAL);
  self->nodes[n].side = t->side;
  self->nodes[n].type = AAT_ORDER_TYPE_LIMIT;
  self->nodes[n].flag = AAT_ORDER_FLAG_NONE;
  self->nodes[n].price = t->price;
  self->nodes[n].remaining = remaining;
  level_push (self, n); /* cannot fail: price_placeable() said it fits */
  if (!t->silent)
    emit (self, AAT_EVENT_TYPE_OPEN, t->side, t->id, 0, t->price, remaining, remaining,
          t->user_data, NULL);
}

static G_GNUC_NO_INLINE void
execute (AatOrderBook *self, const Taker *t)
{
  execute_inline (self, t);
}

/* Runs the stops triggered by the operation that just finished, and those they trigger. */
static G_GNUC_NO_INLINE void
drain_triggered_slow (AatOrderBook *self)
{
  guint i;

  if (self->draining)
    return;
  self->draining = TRUE;
  for (i = 0; i < self->triggered->len; i++)
    {
      guint32 n = g_array_index (self->triggered, guint32, i);
      Node *node = &self->nodes[n];
      Taker t;

      t.id = node->id;
      t.side = node->side;
      t.type = node->type == AAT_ORDER_TYPE_STOP_LIMIT ? AAT_ORDER_TYPE_LIMIT : AAT_ORDER_TYPE_MARKET;
      t.flag = node->flag;
      t.price = t.type == AAT_ORDER_TYPE_LIMIT ? node->price : 0;
      t.volume = (node->bits & NODE_NOTIONAL) ? 0 : node->remaining;
      t.notional = (node->bits & NODE_NOTIONAL) ? node->remaining : 0;
      t.user_data = node->user_data;
      t.node = n;
      t.owned = FALSE;
      t.silent = FALSE;
      t.slot = NIL;
      execute (self, &t);
    }
  g_array_set_size (self->triggered, 0);
  self->have_triggered = FALSE;
  self->draining = FALSE;
}

static inline void
drain_triggered (AatOrderBook *self)
{
  if (G_UNLIKELY (self->have_triggered))
    drain_triggered_slow (self);
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
release_all (AatOrderBook *self)
{
  guint32 i;

  for (i = 0; i < self->nodes_used; i++)
    if (self->nodes[i].id != 0 && (self->nodes[i].bits & NODE_OWNED))
      {
        aat_order_unref (self->nodes[i].user_data);
        self->nodes[i].bits = 0;
      }
}

static void
aat_order_book_finalize (GObject *object)
{
  AatOrderBook *self = AAT_ORDER_BOOK (object);

  release_all (self);
  if (self->func_notify)
    self->func_notify (self->func_data);
  g_free (self->nodes);
  g_free (self->slots);
  g_free (self->levels);
  g_free (self->bits0);
  g_free (self->bits1);
  g_array_unref (self->stops);
  g_array_unref (self->triggered);
  g_clear_object (&self->instrument);

  G_OBJECT_CLASS (aat_order_book_parent_class)->finalize (object);
}

static void
aat_order_book_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  AatOrderBook *self = AAT_ORDER_BOOK (object);

  switch (prop_id)
    {
    case PROP_INSTRUMENT:
      self->instrument = g_value_dup_object (value);
      if (self->instrument != NULL)
        {
          self->tick_size = aat_instrument_get_tick_size (self->instrument);
          self->lot_size = aat_instrument_get_lot_size (self->instrument);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aat_order_book_get_property (GObject *object, guint prop_id, GValue *value,
                             GParamSpec *pspec)
{
  AatOrderBook *self = AAT_ORDER_BOOK (object);

  switch (prop_id)
    {
    case PROP_INSTRUMENT:
      g_value_set_object (value, self->instrument);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aat_order_book_class_init (AatOrderBookClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  book_type = G_TYPE_FROM_CLASS (klass);
  object_class->finalize = aat_order_book_finalize;
  object_class->set_property = aat_order_book_set_property;
  object_class->get_property = aat_order_book_get_property;

  /**
   * AatOrderBook:instrument:
   *
   * The instrument the book trades; its tick and lot sizes convert the #AatOrder
   * interface. %NULL for a book used only through the integer interface.
   */
  properties[PROP_INSTRUMENT] =
    g_param_spec_object ("instrument", NULL, NULL, AAT_TYPE_INSTRUMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_order_book_init (AatOrderBook *self)
{
  self->func = discard_event;
  self->tick_size = 1.0;
  self->lot_size = 1.0;
  self->free_head = NIL;
  self->best_bid = -1;
  self->best_ask = -1;
  self->min_buy_stop = G_MAXINT64;
  self->max_sell_stop = G_MININT64;
  self->stops = g_array_new (FALSE, FALSE, sizeof (Stop));
  self->triggered = g_array_new (FALSE, FALSE, sizeof (guint32));
  hash_resize (self, 64);
}

/**
 * aat_order_book_new:
 * @instrument: (nullable): the instrument traded, or %NULL for a book used only through
 *   the integer interface (tick and lot size 1)
 *
 * Creates an empty book.
 *
 * Returns: (transfer full): a new book
 */
AatOrderBook *
aat_order_book_new (AatInstrument *instrument)
{
  g_return_val_if_fail (instrument == NULL || AAT_IS_INSTRUMENT (instrument), NULL);
  return g_object_new (AAT_TYPE_ORDER_BOOK, "instrument", instrument, NULL);
}

/**
 * aat_order_book_get_instrument:
 * @self: a book
 *
 * Returns: (transfer none) (nullable): the instrument the book trades
 */
AatInstrument *
aat_order_book_get_instrument (AatOrderBook *self)
{
  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), NULL);
  return self->instrument;
}

/**
 * aat_order_book_set_event_func:
 * @self: a book
 * @func: (nullable) (scope notified) (closure user_data) (destroy notify): receives every
 *   event, or %NULL to drop them
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data when the function is replaced or the book is freed
 *
 * Sets the one function that receives the book's events, synchronously, in the order
 * documented at aat_order_book_add_raw(). The function must not call back into the book.
 */
void
aat_order_book_set_event_func (AatOrderBook *self, AatBookEventFunc func, gpointer user_data,
                               GDestroyNotify notify)
{
  GDestroyNotify old_notify;
  gpointer old_data;

  g_return_if_fail (AAT_IS_ORDER_BOOK (self));
  g_return_if_fail (!self->busy);

  old_notify = self->func_notify;
  old_data = self->func_data;
  self->func = func ? func : discard_event;
  self->func_data = user_data;
  self->func_notify = notify;
  if (old_notify)
    old_notify (old_data);
}

/* ---- the integer interface -------------------------------------------------------- */

static inline __attribute__ ((always_inline)) AatRejectReason
add_internal (AatOrderBook *self, const AatBookOrder *order, gboolean owned)
{
  gboolean notional;
  gboolean stop;
  guint32 slot;
  Taker t;

  if (order->id == 0)
    return AAT_REJECT_REASON_UNKNOWN_ID;
  if ((guint) order->side > AAT_SIDE_SELL || (guint) order->type > AAT_ORDER_TYPE_STOP_LIMIT
      || (guint) order->flag > AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL)
    return AAT_REJECT_REASON_UNSUPPORTED;

  stop = order->type == AAT_ORDER_TYPE_STOP_MARKET || order->type == AAT_ORDER_TYPE_STOP_LIMIT;
  notional = (order->type == AAT_ORDER_TYPE_MARKET || order->type == AAT_ORDER_TYPE_STOP_MARKET)
             && order->volume == 0 && order->notional > 0;
  if (notional)
    {
      if (order->notional > MAX_NOTIONAL)
        return AAT_REJECT_REASON_BAD_VOLUME;
      if (order->flag != AAT_ORDER_FLAG_NONE && order->flag != AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL)
        return AAT_REJECT_REASON_UNSUPPORTED;
    }
  else if (order->volume <= 0 || order->volume > MAX_VOLUME || order->notional != 0)
    return AAT_REJECT_REASON_BAD_VOLUME;

  if (order->type == AAT_ORDER_TYPE_LIMIT || order->type == AAT_ORDER_TYPE_STOP_LIMIT)
    {
      if (order->price <= 0)
        return AAT_REJECT_REASON_BAD_PRICE;
      if (order->price > MAX_PRICE)
        return AAT_REJECT_REASON_OUT_OF_RANGE;
    }
  if (stop)
    {
      if (order->stop_price <= 0)
        return AAT_REJECT_REASON_BAD_PRICE;
      if (order->stop_price > MAX_PRICE)
        return AAT_REJECT_REASON_OUT_OF_RANGE;
    }

  slot = hash_probe (self, order->id);
  if (self->slots[slot].node != NIL)
    return AAT_REJECT_REASON_DUPLICATE_ID;

  if ((order->type == AAT_ORDER_TYPE_LIMIT || order->type == AAT_ORDER_TYPE_STOP_LIMIT)
      && order->flag == AAT_ORDER_FLAG_NONE && !price_placeable (self, order->price))
    return AAT_REJECT_REASON_OUT_OF_RANGE;

  if (stop)
    {
      guint32 n = node_alloc (self);
      Node *node = &self->nodes[n];
      Stop s;

      node->id = order->id;
      node->side = order->side;
      node->type = order->type;
      node->flag = order->flag;
      node->price = order->type == AAT_ORDER_TYPE_STOP_LIMIT ? order->price : 0;
      node->remaining = notional ? order->notional : order->volume;
      node->user_data = order->user_data;
      node->prev = node->next = NIL;
      node->bits = NODE_STOP | (notional ? NODE_NOTIONAL : 0);
      if (owned)
        {
          aat_order_ref (order->user_data);
          node->bits |= NODE_OWNED;
        }
      hash_insert_at (self, slot, order->id, n);
      s.node = n;
      s.stop_price = order->stop_price;
      g_array_append_val (self->stops, s);
      self->n_stops = self->stops->len;
      if (order->side == AAT_SIDE_BUY)
        self->min_buy_stop = MIN (self->min_buy_stop, order->stop_price);
      else
        self->max_sell_stop = MAX (self->max_sell_stop, order->stop_price);
      return AAT_REJECT_REASON_NONE;
    }

  t.id = order->id;
  t.side = order->side;
  t.type = order->type;
  t.flag = order->flag;
  t.price = order->type == AAT_ORDER_TYPE_LIMIT ? order->price : 0;
  t.volume = notional ? 0 : order->volume;
  t.notional = notional ? order->notional : 0;
  t.user_data = order->user_data;
  t.node = NIL;
  t.owned = owned;
  t.silent = FALSE;
  t.slot = slot;
  execute_inline (self, &t);
  drain_triggered (self);
  return AAT_REJECT_REASON_NONE;
}

/**
 * aat_order_book_add_raw:
 * @self: a book
 * @order: the order, in ticks and lots
 *
 * Submits an order. Market orders execute against the book and the rest is cancelled;
 * a notional market order (@volume 0, @notional > 0 in ticks × lots) takes whole lots,
 * level by level, while the notional left buys at least one lot there. Limit orders
 * execute while marketable and the rest rests. An order with a flag never rests:
 * fill-or-kill fills entirely against the current book or not at all; all-or-none fills
 * entirely against one resting order (the first in priority at an acceptable price that
 * is large enough) or not at all; immediate-or-cancel fills what it can. Stop orders
 * wait off the book until a trade in this book at or through @stop_price (a buy stop:
 * a trade at or above it; a sell stop: at or below it), then their target (a market
 * order, or a limit order at @price, with the same id and flag) is submitted as a new
 * taker. Stops fire on trade prices only, never on submission.
 *
 * Events, synchronously, in this order:
 * 1. for each match, in price-time priority: the maker's %AAT_EVENT_TYPE_FILL (it is
 *    exhausted and leaves the book) or %AAT_EVENT_TYPE_CHANGE (it rests with less), with
 *    @volume the amount matched and @remaining what the maker has left; then an
 *    %AAT_EVENT_TYPE_TRADE at the maker's price, with @id the taker, @maker_id the maker,
 *    @side the taker's side, @volume the amount matched, @remaining what the taker has
 *    left, and both user pointers;
 * 2. then exactly one event for the taker: %AAT_EVENT_TYPE_FILL if it filled completely
 *    (@volume: its whole volume), %AAT_EVENT_TYPE_OPEN if its remainder rests (@volume
 *    and @remaining: the resting volume), or %AAT_EVENT_TYPE_CANCEL if its remainder is
 *    cancelled (a market order, a flagged order, an all-or-none or fill-or-kill that
 *    cannot fill; @volume: the amount cancelled, @remaining 0). For a notional order
 *    @remaining in its trades is the notional not yet spent, and it ends with a FILL
 *    (@volume: the lots bought) when the notional is spent exactly, otherwise with a
 *    CANCEL whose @volume is the unspent notional in ticks × lots;
 * 3. then the stops that its trades triggered, in order of triggering (stops triggered
 *    by the same trade in order of arrival), each as a taker with the events above; their
 *    trades can trigger further stops, which run after them.
 *
 * A stop order emits nothing when it is accepted. The taker's event @price is its limit
 * price, 0 for a market order.
 *
 * Rejected orders emit nothing and leave the book unchanged. Reasons:
 * %AAT_REJECT_REASON_BAD_VOLUME (volume <= 0 or above 2^40 lots, or a notional with a
 * volume), %AAT_REJECT_REASON_BAD_PRICE (limit or stop price <= 0),
 * %AAT_REJECT_REASON_DUPLICATE_ID (a resting order or waiting stop has the id),
 * %AAT_REJECT_REASON_UNKNOWN_ID (id 0, which is reserved), %AAT_REJECT_REASON_OUT_OF_RANGE
 * (a price above 2^53 ticks, or a limit price that could rest so far from the book that
 * the levels would span more than 2^22 ticks), %AAT_REJECT_REASON_UNSUPPORTED (an
 * unknown side, type or flag, or a fill-or-kill or all-or-none notional order).
 *
 * Returns: %AAT_REJECT_REASON_NONE if the order was accepted
 */
AatRejectReason
aat_order_book_add_raw (AatOrderBook *self, const AatBookOrder *order)
{
  AatRejectReason r;

  g_return_val_if_fail (IS_BOOK (self), AAT_REJECT_REASON_UNSUPPORTED);
  g_return_val_if_fail (order != NULL, AAT_REJECT_REASON_UNSUPPORTED);
  g_return_val_if_fail (!self->busy, AAT_REJECT_REASON_UNSUPPORTED);

  self->busy = TRUE;
  r = add_internal (self, order, FALSE);
  self->busy = FALSE;
  return r;
}

/**
 * aat_order_book_cancel:
 * @self: a book
 * @id: a resting order or a waiting stop
 *
 * Cancels a working order. Emits %AAT_EVENT_TYPE_CANCEL with @volume the amount cancelled
 * (a notional stop: its notional), @remaining 0 and @price the order's limit price (0 for
 * a stop-market).
 *
 * Returns: %AAT_REJECT_REASON_NONE, or %AAT_REJECT_REASON_UNKNOWN_ID
 */
AatRejectReason
aat_order_book_cancel (AatOrderBook *self, guint64 id)
{
  guint32 n;
  Node *node;

  g_return_val_if_fail (IS_BOOK (self), AAT_REJECT_REASON_UNSUPPORTED);
  g_return_val_if_fail (!self->busy, AAT_REJECT_REASON_UNSUPPORTED);

  if (id == 0 || (n = hash_lookup (self, id)) == NIL)
    return AAT_REJECT_REASON_UNKNOWN_ID;
  node = &self->nodes[n];
  if (node->bits & NODE_STOP)
    {
      gint i = stops_find (self, n);
      if (i >= 0)
        g_array_remove_index (self->stops, (guint) i);
      self->n_stops = self->stops->len;
    }
  else
    level_unlink (self, n);
  hash_remove (self, id);
  self->busy = TRUE;
  emit (self, AAT_EVENT_TYPE_CANCEL, node->side, id, 0, node->price, node->remaining, 0,
        node->user_data, NULL);
  self->busy = FALSE;
  node_release (self, n);
  return AAT_REJECT_REASON_NONE;
}

/**
 * aat_order_book_change_raw:
 * @self: a book
 * @id: a resting order
 * @price: the new limit price in ticks
 * @volume: the new remaining volume in lots
 *
 * Amends a resting order. Emits %AAT_EVENT_TYPE_CHANGE first (@price: the new price,
 * @volume and @remaining: the new remaining volume). Keeping the price and reducing the
 * volume (or leaving it as it is) keeps the order's time priority. Any other change
 * (a new price, or more volume) loses it: the order leaves its level and is submitted
 * again as a taker with the same id, so if the new price is marketable it matches (maker
 * and trade events as in aat_order_book_add_raw()), then it either fills (a
 * %AAT_EVENT_TYPE_FILL for it, @volume the new volume) or rests at the back of its new
 * level without a further event (the last trade's @remaining says how much rests).
 *
 * Returns: %AAT_REJECT_REASON_NONE; %AAT_REJECT_REASON_UNKNOWN_ID if no order rests with
 *   @id, %AAT_REJECT_REASON_UNSUPPORTED for a waiting stop (cancel it and add it again),
 *   %AAT_REJECT_REASON_BAD_VOLUME, %AAT_REJECT_REASON_BAD_PRICE or
 *   %AAT_REJECT_REASON_OUT_OF_RANGE as for aat_order_book_add_raw()
 */
AatRejectReason
aat_order_book_change_raw (AatOrderBook *self, guint64 id, gint64 price, gint64 volume)
{
  guint32 n;
  Node *node;
  Taker t;

  g_return_val_if_fail (IS_BOOK (self), AAT_REJECT_REASON_UNSUPPORTED);
  g_return_val_if_fail (!self->busy, AAT_REJECT_REASON_UNSUPPORTED);

  if (id == 0 || (n = hash_lookup (self, id)) == NIL)
    return AAT_REJECT_REASON_UNKNOWN_ID;
  node = &self->nodes[n];
  if (node->bits & NODE_STOP)
    return AAT_REJECT_REASON_UNSUPPORTED;
  if (volume <= 0 || volume > MAX_VOLUME)
    return AAT_REJECT_REASON_BAD_VOLUME;
  if (price <= 0)
    return AAT_REJECT_REASON_BAD_PRICE;
  if (price > MAX_PRICE || !price_placeable (self, price))
    return AAT_REJECT_REASON_OUT_OF_RANGE;

  self->busy = TRUE;
  if (price == node->price && volume <= node->remaining)
    {
      gint64 delta = node->remaining - volume;
      self->levels[price - self->base].volume -= delta;
      self->resting_volume -= delta;
      node->remaining = volume;
      emit (self, AAT_EVENT_TYPE_CHANGE, node->side, id, 0, price, volume, volume,
            node->user_data, NULL);
      self->busy = FALSE;
      return AAT_REJECT_REASON_NONE;
    }

  emit (self, AAT_EVENT_TYPE_CHANGE, node->side, id, 0, price, volume, volume,
        node->user_data, NULL);
  level_unlink (self, n);
  node = &self->nodes[n];
  t.id = id;
  t.side = node->side;
  t.type = AAT_ORDER_TYPE_LIMIT;
  t.flag = AAT_ORDER_FLAG_NONE;
  t.price = price;
  t.volume = volume;
  t.notional = 0;
  t.user_data = node->user_data;
  t.node = n;
  t.owned = FALSE;
  t.silent = TRUE;
  t.slot = NIL;
  execute (self, &t);
  drain_triggered (self);
  self->busy = FALSE;
  return AAT_REJECT_REASON_NONE;
}

/**
 * aat_order_book_find_raw:
 * @self: a book
 * @id: an order id
 * @order: (out caller-allocates) (optional): the order as the book holds it: for a resting order a limit
 *   order with @volume its remaining volume; for a waiting stop, as it was submitted
 * @remaining: (out) (optional): the volume still working, in lots (a notional stop: its
 *   notional)
 *
 * Looks up a working order.
 *
 * Returns: %TRUE if a resting order or waiting stop has @id
 */
gboolean
aat_order_book_find_raw (AatOrderBook *self, guint64 id, AatBookOrder *order,
                         gint64 *remaining)
{
  guint32 n;
  const Node *node;

  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), FALSE);

  if (id == 0 || (n = hash_lookup (self, id)) == NIL)
    return FALSE;
  node = &self->nodes[n];
  if (order != NULL)
    {
      memset (order, 0, sizeof *order);
      order->id = id;
      order->side = node->side;
      order->type = node->type;
      order->flag = node->flag;
      order->price = node->price;
      order->user_data = node->user_data;
      if (node->bits & NODE_NOTIONAL)
        order->notional = node->remaining;
      else
        order->volume = node->remaining;
      if (node->bits & NODE_STOP)
        {
          gint i = stops_find (self, n);
          if (i >= 0)
            order->stop_price = g_array_index (self->stops, Stop, i).stop_price;
        }
    }
  if (remaining != NULL)
    *remaining = node->remaining;
  return TRUE;
}

/* The n-th best non-empty level index of a side, or -1. */
static gint64
nth_level (AatOrderBook *self, AatSide side, guint n)
{
  gint64 idx = side == AAT_SIDE_BUY ? self->best_bid : self->best_ask;

  while (idx >= 0 && n > 0)
    {
      idx = side == AAT_SIDE_BUY ? bm_next_below (self, idx - 1) : bm_next_above (self, idx + 1);
      n--;
    }
  return idx;
}

/**
 * aat_order_book_best_raw:
 * @self: a book
 * @side: which side
 * @price: (out) (optional): the best price in ticks
 * @volume: (out) (optional): the volume there in lots
 * @count: (out) (optional): how many orders rest there
 *
 * Returns: %FALSE if @side is empty
 */
gboolean
aat_order_book_best_raw (AatOrderBook *self, AatSide side, gint64 *price, gint64 *volume,
                         guint *count)
{
  return aat_order_book_level_raw (self, side, 0, price, volume, count);
}

/**
 * aat_order_book_level_raw:
 * @self: a book
 * @side: which side
 * @n: which level: 0 is the best
 * @price: (out) (optional): its price in ticks
 * @volume: (out) (optional): the volume there in lots
 * @count: (out) (optional): how many orders rest there
 *
 * Returns: %FALSE if @side has fewer than @n + 1 levels
 */
gboolean
aat_order_book_level_raw (AatOrderBook *self, AatSide side, guint n, gint64 *price,
                          gint64 *volume, guint *count)
{
  gint64 idx;

  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), FALSE);

  idx = nth_level (self, side, n);
  if (idx < 0)
    return FALSE;
  if (price)
    *price = self->base + idx;
  if (volume)
    *volume = self->levels[idx].volume;
  if (count)
    *count = self->levels[idx].count;
  return TRUE;
}

/**
 * aat_order_book_level_at_raw:
 * @self: a book
 * @side: which side
 * @price: a price in ticks
 * @volume: (out) (optional): the volume resting there in lots
 * @count: (out) (optional): how many orders rest there
 *
 * Returns: %FALSE if no order of @side rests at @price
 */
gboolean
aat_order_book_level_at_raw (AatOrderBook *self, AatSide side, gint64 price, gint64 *volume,
                             guint *count)
{
  gint64 idx;

  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), FALSE);

  idx = price - self->base;
  if (price <= 0 || idx < 0 || idx >= self->span || self->levels[idx].count == 0)
    return FALSE;
  if (side == AAT_SIDE_BUY ? idx > self->best_bid : (self->best_ask < 0 || idx < self->best_ask))
    return FALSE;
  if (volume)
    *volume = self->levels[idx].volume;
  if (count)
    *count = self->levels[idx].count;
  return TRUE;
}

/* ---- the order interface ---------------------------------------------------------- */

static AatRejectReason
to_ticks (AatOrderBook *self, double price, gint64 *ticks)
{
  if (!isfinite (price) || price <= 0.0)
    return AAT_REJECT_REASON_BAD_PRICE;
  if (self->instrument == NULL || !aat_instrument_price_to_ticks (self->instrument, price, ticks))
    return AAT_REJECT_REASON_OFF_TICK;
  if (*ticks <= 0)
    return AAT_REJECT_REASON_BAD_PRICE;
  return AAT_REJECT_REASON_NONE;
}

static AatRejectReason
to_lots (AatOrderBook *self, double volume, gint64 *lots)
{
  double x, r;

  if (!isfinite (volume) || volume <= 0.0 || self->lot_size <= 0.0)
    return AAT_REJECT_REASON_BAD_VOLUME;
  x = volume / self->lot_size;
  r = nearbyint (x);
  if (r < 1.0 || r > (double) MAX_VOLUME || fabs (x - r) > 1e-9 * r)
    return AAT_REJECT_REASON_BAD_VOLUME;
  *lots = (gint64) r;
  return AAT_REJECT_REASON_NONE;
}

/**
 * aat_order_book_add:
 * @self: a book
 * @order: an order for the book's instrument; its id is the book id
 *
 * Submits an #AatOrder: the price and stop price are converted to ticks (they must lie
 * on the tick grid) and the volume to lots (it must be a whole number of lots, to within
 * a relative 1e-9). A notional market order's notional is converted to ticks × lots,
 * rounded down. Then it is aat_order_book_add_raw(), with @order as the user pointer of
 * every event about it. The book holds a reference on @order while it rests or waits as a
 * stop, and aat_order_book_find() returns it.
 *
 * The book does not modify @order: its status, filled volume and price stay as they are;
 * the exchange that owns the book updates them from the events.
 *
 * Returns: %AAT_REJECT_REASON_NONE if accepted; otherwise the reasons of
 *   aat_order_book_add_raw(), and %AAT_REJECT_REASON_WRONG_INSTRUMENT (@order is for
 *   another instrument), %AAT_REJECT_REASON_OFF_TICK (a price off the tick grid),
 *   %AAT_REJECT_REASON_BAD_PRICE (a price that is not finite and positive),
 *   %AAT_REJECT_REASON_BAD_VOLUME (not finite, not positive, or not whole lots)
 */
AatRejectReason
aat_order_book_add (AatOrderBook *self, AatOrder *order)
{
  AatBookOrder o;
  AatRejectReason r;

  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), AAT_REJECT_REASON_UNSUPPORTED);
  g_return_val_if_fail (order != NULL, AAT_REJECT_REASON_UNSUPPORTED);
  g_return_val_if_fail (!self->busy, AAT_REJECT_REASON_UNSUPPORTED);

  if (self->instrument == NULL || order->instrument != self->instrument)
    return AAT_REJECT_REASON_WRONG_INSTRUMENT;

  memset (&o, 0, sizeof o);
  o.id = order->id;
  o.side = order->side;
  o.type = order->type;
  o.flag = order->flag;
  o.user_data = order;

  if ((order->type == AAT_ORDER_TYPE_MARKET || order->type == AAT_ORDER_TYPE_STOP_MARKET)
      && order->volume == 0.0 && order->notional != 0.0)
    {
      double x;
      if (!isfinite (order->notional) || order->notional < 0.0 || self->tick_size <= 0.0
          || self->lot_size <= 0.0)
        return AAT_REJECT_REASON_BAD_VOLUME;
      x = order->notional / (self->tick_size * self->lot_size);
      x = floor (x + 1e-9 * x);
      if (x < 1.0 || x > (double) MAX_NOTIONAL)
        return AAT_REJECT_REASON_BAD_VOLUME;
      o.notional = (gint64) x;
    }
  else if ((r = to_lots (self, order->volume, &o.volume)) != AAT_REJECT_REASON_NONE)
    return r;

  if (order->type == AAT_ORDER_TYPE_LIMIT || order->type == AAT_ORDER_TYPE_STOP_LIMIT)
    if ((r = to_ticks (self, order->price, &o.price)) != AAT_REJECT_REASON_NONE)
      return r;
  if (order->type == AAT_ORDER_TYPE_STOP_MARKET || order->type == AAT_ORDER_TYPE_STOP_LIMIT)
    if ((r = to_ticks (self, order->stop_price, &o.stop_price)) != AAT_REJECT_REASON_NONE)
      return r;

  self->busy = TRUE;
  r = add_internal (self, &o, TRUE);
  self->busy = FALSE;
  return r;
}

/**
 * aat_order_book_change:
 * @self: a book
 * @id: a resting order
 * @price: the new limit price, on the tick grid
 * @volume: the new remaining volume, in whole lots
 *
 * aat_order_book_change_raw() with a price and volume converted as in
 * aat_order_book_add().
 *
 * Returns: %AAT_REJECT_REASON_NONE, or why the change was refused
 */
AatRejectReason
aat_order_book_change (AatOrderBook *self, guint64 id, double price, double volume)
{
  gint64 ticks, lots;
  AatRejectReason r;

  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), AAT_REJECT_REASON_UNSUPPORTED);
  g_return_val_if_fail (!self->busy, AAT_REJECT_REASON_UNSUPPORTED);

  if (id == 0 || hash_lookup (self, id) == NIL)
    return AAT_REJECT_REASON_UNKNOWN_ID;
  if ((r = to_lots (self, volume, &lots)) != AAT_REJECT_REASON_NONE)
    return r;
  if ((r = to_ticks (self, price, &ticks)) != AAT_REJECT_REASON_NONE)
    return r;
  return aat_order_book_change_raw (self, id, ticks, lots);
}

/**
 * aat_order_book_find:
 * @self: a book
 * @id: an order id
 *
 * Returns: (transfer none) (nullable): the #AatOrder working with @id, if it was
 *   submitted with aat_order_book_add()
 */
AatOrder *
aat_order_book_find (AatOrderBook *self, guint64 id)
{
  guint32 n;

  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), NULL);

  if (id == 0 || (n = hash_lookup (self, id)) == NIL || !(self->nodes[n].bits & NODE_OWNED))
    return NULL;
  return self->nodes[n].user_data;
}

static inline double
ticks_to_price (AatOrderBook *self, gint64 ticks)
{
  return aat_ticks_to_price ((double) ticks, self->tick_size);
}

/**
 * aat_order_book_top:
 * @self: a book
 * @bid: (out) (optional): the best bid, or NaN
 * @bid_volume: (out) (optional): the volume there, or 0
 * @ask: (out) (optional): the best ask, or NaN
 * @ask_volume: (out) (optional): the volume there, or 0
 *
 * The top of the book, in prices and volumes (lots × lot size).
 *
 * Returns: %TRUE if the book has both a bid and an ask
 */
gboolean
aat_order_book_top (AatOrderBook *self, double *bid, double *bid_volume, double *ask,
                    double *ask_volume)
{
  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), FALSE);

  if (bid)
    *bid = self->best_bid >= 0 ? ticks_to_price (self, self->base + self->best_bid) : NAN;
  if (bid_volume)
    *bid_volume = self->best_bid >= 0 ? self->levels[self->best_bid].volume * self->lot_size : 0.0;
  if (ask)
    *ask = self->best_ask >= 0 ? ticks_to_price (self, self->base + self->best_ask) : NAN;
  if (ask_volume)
    *ask_volume = self->best_ask >= 0 ? self->levels[self->best_ask].volume * self->lot_size : 0.0;
  return self->best_bid >= 0 && self->best_ask >= 0;
}

/**
 * aat_order_book_spread:
 * @self: a book
 *
 * Returns: the best ask minus the best bid, or NaN if a side is empty
 */
double
aat_order_book_spread (AatOrderBook *self)
{
  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), NAN);

  if (self->best_bid < 0 || self->best_ask < 0)
    return NAN;
  return ticks_to_price (self, self->best_ask - self->best_bid);
}

static void
fill_level (AatOrderBook *self, gint64 idx, AatBookLevel *level)
{
  level->price = ticks_to_price (self, self->base + idx);
  level->volume = self->levels[idx].volume * self->lot_size;
  level->count = self->levels[idx].count;
}

/**
 * aat_order_book_level:
 * @self: a book
 * @side: which side
 * @n: which level: 0 is the best
 * @level: (out caller-allocates): the level
 *
 * Returns: %FALSE if @side has fewer than @n + 1 levels
 */
gboolean
aat_order_book_level (AatOrderBook *self, AatSide side, guint n, AatBookLevel *level)
{
  gint64 idx;

  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), FALSE);
  g_return_val_if_fail (level != NULL, FALSE);

  idx = nth_level (self, side, n);
  if (idx < 0)
    return FALSE;
  fill_level (self, idx, level);
  return TRUE;
}

/**
 * aat_order_book_level_at:
 * @self: a book
 * @side: which side
 * @price: a price on the tick grid
 * @level: (out caller-allocates): the level
 *
 * Returns: %FALSE if no order of @side rests at @price (or it is off the grid)
 */
gboolean
aat_order_book_level_at (AatOrderBook *self, AatSide side, double price, AatBookLevel *level)
{
  gint64 ticks;

  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), FALSE);
  g_return_val_if_fail (level != NULL, FALSE);

  if (to_ticks (self, price, &ticks) != AAT_REJECT_REASON_NONE
      || !aat_order_book_level_at_raw (self, side, ticks, NULL, NULL))
    return FALSE;
  fill_level (self, ticks - self->base, level);
  return TRUE;
}

/**
 * aat_order_book_levels:
 * @self: a book
 * @side: which side
 * @n: the most levels to return, 0 for all
 *
 * Returns: (transfer container) (element-type AatBookLevel): the levels of @side, best
 *   first, as structs inside the array (free it with g_array_unref())
 */
GArray *
aat_order_book_levels (AatOrderBook *self, AatSide side, guint n)
{
  GArray *out;
  gint64 idx;

  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), NULL);

  out = g_array_new (FALSE, FALSE, sizeof (AatBookLevel));
  idx = side == AAT_SIDE_BUY ? self->best_bid : self->best_ask;
  while (idx >= 0 && (n == 0 || out->len < n))
    {
      AatBookLevel l;
      fill_level (self, idx, &l);
      g_array_append_val (out, l);
      idx = side == AAT_SIDE_BUY ? bm_next_below (self, idx - 1) : bm_next_above (self, idx + 1);
    }
  return out;
}

/**
 * aat_order_book_get_order_count:
 * @self: a book
 *
 * Returns: how many orders rest on the book (waiting stops are not counted)
 */
guint
aat_order_book_get_order_count (AatOrderBook *self)
{
  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), 0);
  return self->n_orders;
}

/**
 * aat_order_book_get_resting_volume:
 * @self: a book
 *
 * Returns: the volume resting on both sides, in lots
 */
gint64
aat_order_book_get_resting_volume (AatOrderBook *self)
{
  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), 0);
  return self->resting_volume;
}

/**
 * aat_order_book_get_stop_count:
 * @self: a book
 *
 * Returns: how many stop orders wait for their trigger
 */
guint
aat_order_book_get_stop_count (AatOrderBook *self)
{
  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), 0);
  return self->stops->len;
}

/**
 * aat_order_book_get_last_trade_price:
 * @self: a book
 * @price: (out) (optional): the price of the last trade
 *
 * Returns: %FALSE if the book has not traded yet
 */
gboolean
aat_order_book_get_last_trade_price (AatOrderBook *self, double *price)
{
  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), FALSE);

  if (!self->have_last_trade)
    return FALSE;
  if (price)
    *price = ticks_to_price (self, self->last_trade);
  return TRUE;
}

/**
 * aat_order_book_get_traded_volume:
 * @self: a book
 *
 * Returns: the volume matched since the book was created, in lots (each match counted
 *   once)
 */
gint64
aat_order_book_get_traded_volume (AatOrderBook *self)
{
  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), 0);
  return self->traded_volume;
}

/**
 * aat_order_book_get_trade_count:
 * @self: a book
 *
 * Returns: how many trades (maker fills, one per %AAT_EVENT_TYPE_TRADE event) the book
 *   has made since it was created
 */
guint64
aat_order_book_get_trade_count (AatOrderBook *self)
{
  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), 0);
  return self->trade_count;
}

/**
 * aat_order_book_get_memory_size:
 * @self: a book
 *
 * The bytes the book has allocated for its own structures: the node pool, the id hash,
 * the level array and its bitmaps, and the stop arrays (allocated capacity, not use).
 *
 * Returns: a size in bytes
 */
gsize
aat_order_book_get_memory_size (AatOrderBook *self)
{
  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), 0);

  return sizeof *self
         + (gsize) self->nodes_alloc * sizeof (Node)
         + (gsize) (self->slot_mask + 1) * sizeof (Slot)
         + (gsize) self->span * sizeof (Level)
         + (gsize) (self->span >> 6) * sizeof (guint64)
         + (gsize) (((self->span >> 6) + 63) >> 6) * sizeof (guint64)
         + self->stops->len * sizeof (Stop) + self->triggered->len * sizeof (guint32);
}

/**
 * aat_order_book_check_consistency:
 * @self: a book
 *
 * Walks every structure of the book slowly and checks that they agree: level counts and
 * volumes against their lists, the bitmap against the levels, the best levels, the hash
 * against the nodes, the totals, and that the book is not crossed. For tests.
 *
 * Returns: (transfer full) (nullable): %NULL if consistent, else a description of the
 *   first problem found
 */
char *
aat_order_book_check_consistency (AatOrderBook *self)
{
  gint64 i, best_bid = -1, best_ask = -1, volume = 0;
  guint orders = 0, live = 0, ids = 0;
  guint32 k;

  g_return_val_if_fail (AAT_IS_ORDER_BOOK (self), NULL);

  for (i = 0; i < self->span; i++)
    {
      const Level *lv = &self->levels[i];
      gboolean bit = (self->bits0[i >> 6] >> (i & 63)) & 1;
      gint64 v = 0;
      guint c = 0;
      guint32 m, prev = NIL;

      if (bit != (lv->count > 0))
        return g_strdup_printf ("level %" G_GINT64_FORMAT ": bit %d, count %u", i, bit, lv->count);
      if (lv->count == 0)
        continue;
      if (((self->bits1[i >> 12] >> ((i >> 6) & 63)) & 1) == 0)
        return g_strdup_printf ("level %" G_GINT64_FORMAT ": summary bit clear", i);
      for (m = lv->head; m != NIL; m = self->nodes[m].next)
        {
          const Node *node = &self->nodes[m];
          if (node->prev != prev)
            return g_strdup_printf ("order %" G_GUINT64_FORMAT ": bad prev link", node->id);
          if (node->price != self->base + i || node->remaining <= 0 || (node->bits & NODE_STOP))
            return g_strdup_printf ("order %" G_GUINT64_FORMAT ": bad price/volume", node->id);
          if (node->side != self->nodes[lv->head].side)
            return g_strdup_printf ("level %" G_GINT64_FORMAT ": mixed sides", i);
          if (hash_lookup (self, node->id) != m)
            return g_strdup_printf ("order %" G_GUINT64_FORMAT ": not in the hash", node->id);
          v += node->remaining;
          c++;
          prev = m;
        }
      if (lv->tail != prev || c != lv->count || v != lv->volume)
        return g_strdup_printf ("level %" G_GINT64_FORMAT ": list has %u orders, %" G_GINT64_FORMAT
                                " lots; level says %u, %" G_GINT64_FORMAT, i, c, v, lv->count, lv->volume);
      if (self->nodes[lv->head].side == AAT_SIDE_BUY)
        {
          best_bid = i;
          if (best_ask >= 0)
            return g_strdup ("a bid rests above an ask: the book is crossed");
        }
      else if (best_ask < 0)
        best_ask = i;
      orders += c;
      volume += v;
    }
  if (best_bid != self->best_bid || best_ask != self->best_ask)
    return g_strdup_printf ("best bid/ask %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ", held as %"
                            G_GINT64_FORMAT "/%" G_GINT64_FORMAT, best_bid, best_ask,
                            self->best_bid, self->best_ask);
  if (orders != self->n_orders || volume != self->resting_volume)
    return g_strdup_printf ("walk found %u orders, %" G_GINT64_FORMAT " lots; totals say %u, %"
                            G_GINT64_FORMAT, orders, volume, self->n_orders, self->resting_volume);
  for (k = 0; k < self->nodes_used; k++)
    if (self->nodes[k].id != 0)
      live++;
  for (k = 0; k <= self->slot_mask; k++)
    if (self->slots[k].node != NIL)
      {
        guint32 m = self->slots[k].node;
        ids++;
        if (m >= self->nodes_used || self->nodes[m].id == 0
            || hash_tag (self->nodes[m].id) != self->slots[k].tag
            || hash_lookup (self, self->nodes[m].id) != m)
          return g_strdup_printf ("hash slot %u points at the wrong node", k);
      }
  if (ids != self->slots_used || live != orders + self->stops->len || ids != live)
    return g_strdup_printf ("%u ids hashed (%u counted), %u live nodes, %u orders + %u stops",
                            ids, self->slots_used, live, orders, self->stops->len);
  return NULL;
}

/**
 * aat_order_book_clear:
 * @self: a book
 *
 * Removes every resting order and waiting stop, without events, and releases the
 * references on their #AatOrder values. The last trade price and the trade counters are
 * kept.
 */
void
aat_order_book_clear (AatOrderBook *self)
{
  g_return_if_fail (AAT_IS_ORDER_BOOK (self));
  g_return_if_fail (!self->busy);

  release_all (self);
  self->nodes_used = 0;
  self->free_head = NIL;
  memset (self->slots, 0xff, (gsize) (self->slot_mask + 1) * sizeof (Slot));
  self->slots_used = 0;
  if (self->span > 0)
    {
      memset (self->levels, 0, (gsize) self->span * sizeof (Level));
      memset (self->bits0, 0, (gsize) (self->span >> 6) * sizeof (guint64));
      memset (self->bits1, 0, (gsize) (((self->span >> 6) + 63) >> 6) * sizeof (guint64));
    }
  self->best_bid = self->best_ask = -1;
  self->n_orders = 0;
  self->resting_volume = 0;
  g_array_set_size (self->stops, 0);
  self->n_stops = 0;
  self->min_buy_stop = G_MAXINT64;
  self->max_sell_stop = G_MININT64;
}
