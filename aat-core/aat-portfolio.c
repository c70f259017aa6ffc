/* aat-portfolio.c: positions, cash and P&L, per strategy and in total.
 *
 * Each strategy has a book of per-instrument position states in an array indexed by
 * the instrument's dense index, so marking and fills are array lookups. Sizes are
 * signed. Realized P&L is booked on the quantity closed, at the difference between the
 * fill price and the average price of the open size; a fill that flips the position
 * closes the old size and opens the rest at the fill price.
 *
 * Two accounting styles, chosen per instrument:
 * - stock-like (the default): a fill moves price × volume × multiplier through cash;
 *   value = cash + size × last × multiplier.
 * - futures-like (a margin was set for the instrument): opening holds margin per
 *   contract out of cash, closing releases it, and P&L is settled into cash every time
 *   the instrument is marked (daily settlement on daily bars);
 *   value = cash + margin × |size|.
 *
 * The NULL strategy stands for the total over all strategies.
 */
#include "config.h"
#include "aat-private.h"

#include <math.h>

typedef struct {
  double size;
  double avg;          /* average price of the open size */
  double realized;
  double settle;       /* futures-like: price P&L was last settled at */
} PosState;

typedef struct {
  AatStrategy *strategy;   /* weak; NULL for orders placed without a strategy */
  double initial_cash;
  double cash;
  double fees;
  double realized;
  double turnover;
  GArray *pos;             /* PosState by instrument index */
  GArray *curve;           /* AatEquityPoint */
} Book;

struct _AatPortfolio
{
  GObject parent_instance;
  GPtrArray *books;        /* Book* */
  GArray *last;            /* double by instrument index */
  GArray *margin;          /* double by instrument index; 0 = stock-like */
  double default_cash;
};

G_DEFINE_FINAL_TYPE (AatPortfolio, aat_portfolio, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (AatEquityPoint, aat_equity_point, aat_equity_point_copy, aat_equity_point_free)

/**
 * aat_equity_point_copy:
 * @point: a point
 *
 * Returns: (transfer full): a copy
 */
AatEquityPoint *
aat_equity_point_copy (const AatEquityPoint *point)
{
  return g_memdup2 (point, sizeof *point);
}

/**
 * aat_equity_point_free:
 * @point: a point
 *
 * Frees a copy.
 */
void
aat_equity_point_free (AatEquityPoint *point)
{
  g_free (point);
}

static void
book_free (gpointer data)
{
  Book *b = data;

  g_array_unref (b->pos);
  g_array_unref (b->curve);
  g_free (b);
}

static void
aat_portfolio_finalize (GObject *object)
{
  AatPortfolio *self = AAT_PORTFOLIO (object);

  g_ptr_array_unref (self->books);
  g_array_unref (self->last);
  g_array_unref (self->margin);
  G_OBJECT_CLASS (aat_portfolio_parent_class)->finalize (object);
}

static void
aat_portfolio_class_init (AatPortfolioClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aat_portfolio_finalize;
}

static void
aat_portfolio_init (AatPortfolio *self)
{
  self->books = g_ptr_array_new_with_free_func (book_free);
  self->last = g_array_new (FALSE, TRUE, sizeof (double));
  self->margin = g_array_new (FALSE, TRUE, sizeof (double));
  self->default_cash = 0.0;
}

/**
 * aat_portfolio_new:
 *
 * Returns: (transfer full): an empty portfolio
 */
AatPortfolio *
aat_portfolio_new (void)
{
  return g_object_new (AAT_TYPE_PORTFOLIO, NULL);
}

static Book *
book_for (AatPortfolio *self, AatStrategy *strategy, gboolean create)
{
  Book *b;

  for (guint i = 0; i < self->books->len; i++)
    {
      b = self->books->pdata[i];
      if (b->strategy == strategy)
        return b;
    }
  if (!create)
    return NULL;
  b = g_new0 (Book, 1);
  b->strategy = strategy;
  b->initial_cash = b->cash = self->default_cash;
  b->pos = g_array_new (FALSE, TRUE, sizeof (PosState));
  b->curve = g_array_new (FALSE, FALSE, sizeof (AatEquityPoint));
  g_ptr_array_add (self->books, b);
  return b;
}

static inline PosState *
pos_for (Book *b, guint index)
{
  if (index >= b->pos->len)
    g_array_set_size (b->pos, index + 1);
  return &g_array_index (b->pos, PosState, index);
}

static inline double
last_of (AatPortfolio *self, guint index)
{
  return index < self->last->len ? g_array_index (self->last, double, index) : 0.0;
}

static inline double
margin_of (AatPortfolio *self, guint index)
{
  return index < self->margin->len ? g_array_index (self->margin, double, index) : 0.0;
}

/**
 * aat_portfolio_set_initial_cash:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL to set the default for every strategy
 *   not yet seen
 * @cash: its starting cash
 *
 * Sets starting cash. Call before any fill.
 */
void
aat_portfolio_set_initial_cash (AatPortfolio *self, AatStrategy *strategy, double cash)
{
  Book *b;

  g_return_if_fail (AAT_IS_PORTFOLIO (self));
  if (strategy == NULL)
    {
      self->default_cash = cash;
      for (guint i = 0; i < self->books->len; i++)
        {
          b = self->books->pdata[i];
          if (b->turnover == 0.0)
            b->initial_cash = b->cash = cash;
        }
      return;
    }
  b = book_for (self, strategy, TRUE);
  b->initial_cash = b->cash = cash;
}

/**
 * aat_portfolio_get_initial_cash:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL for the total
 *
 * Returns: the starting cash
 */
double
aat_portfolio_get_initial_cash (AatPortfolio *self, AatStrategy *strategy)
{
  double total = 0.0;
  Book *b;

  g_return_val_if_fail (AAT_IS_PORTFOLIO (self), 0.0);
  if (strategy != NULL)
    {
      b = book_for (self, strategy, FALSE);
      return b ? b->initial_cash : self->default_cash;
    }
  for (guint i = 0; i < self->books->len; i++)
    total += ((Book *) self->books->pdata[i])->initial_cash;
  return total;
}

/**
 * aat_portfolio_set_margin:
 * @self: a portfolio
 * @instrument: an instrument
 * @margin: cash held per open contract; 0 for stock-like accounting
 *
 * Makes an instrument futures-like: margin held out of cash and P&L settled into cash
 * at every mark.
 */
void
aat_portfolio_set_margin (AatPortfolio *self, AatInstrument *instrument, double margin)
{
  guint idx;

  g_return_if_fail (AAT_IS_PORTFOLIO (self));
  g_return_if_fail (AAT_IS_INSTRUMENT (instrument));
  idx = aat_instrument_get_index (instrument);
  if (idx >= self->margin->len)
    g_array_set_size (self->margin, idx + 1);
  g_array_index (self->margin, double, idx) = margin;
}

/**
 * aat_portfolio_apply_fill:
 * @self: a portfolio
 * @strategy: (nullable): the owner of the order
 * @instrument: what was traded
 * @side: buy or sell
 * @volume: how much (positive)
 * @price: at what price
 * @fee: the fee charged
 * @timestamp: when
 *
 * Books a fill: position, average price, realized P&L on the quantity closed, cash
 * and fees.
 */
void
aat_portfolio_apply_fill (AatPortfolio *self, AatStrategy *strategy, AatInstrument *instrument,
                          AatSide side, double volume, double price, double fee,
                          AatTime timestamp)
{
  Book *b;
  PosState *p;
  double q, mult, margin, old_abs, closed, pnl = 0.0;
  guint idx;

  g_return_if_fail (AAT_IS_PORTFOLIO (self));
  g_return_if_fail (AAT_IS_INSTRUMENT (instrument));

  idx = aat_instrument_get_index (instrument);
  b = book_for (self, strategy, TRUE);
  p = pos_for (b, idx);
  mult = aat_instrument_get_multiplier (instrument);
  margin = margin_of (self, idx);
  q = side == AAT_SIDE_BUY ? volume : -volume;
  old_abs = fabs (p->size);

  if (margin > 0.0 && p->size != 0.0)
    {
      /* settle the open size up to this fill's price first */
      b->cash += (price - p->settle) * p->size * mult;
      p->settle = price;
    }

  if (p->size == 0.0 || (p->size > 0.0) == (q > 0.0))
    {
      p->avg = (p->avg * fabs (p->size) + price * fabs (q)) / (fabs (p->size) + fabs (q));
      p->size += q;
    }
  else
    {
      closed = MIN (fabs (q), fabs (p->size));
      pnl = closed * (price - p->avg) * (p->size > 0.0 ? 1.0 : -1.0) * mult;
      p->realized += pnl;
      b->realized += pnl;
      p->size += q;
      if (fabs (p->size) < 1e-12)
        {
          p->size = 0.0;
          p->avg = 0.0;
        }
      else if ((p->size > 0.0) == (q > 0.0))
        p->avg = price;            /* flipped: the rest opened at the fill price */
    }

  if (margin > 0.0)
    {
      b->cash -= margin * (fabs (p->size) - old_abs);
      p->settle = price;
    }
  else
    b->cash -= q * price * mult;
  b->cash -= fee;
  b->fees += fee;
  b->turnover += fabs (q) * price * mult;

  if (idx >= self->last->len)
    g_array_set_size (self->last, idx + 1);
  if (g_array_index (self->last, double, idx) == 0.0)
    g_array_index (self->last, double, idx) = price;
}

/**
 * aat_portfolio_mark:
 * @self: a portfolio
 * @instrument: an instrument
 * @price: its latest price
 * @timestamp: when
 *
 * Marks an instrument at a price. For futures-like instruments this settles P&L into
 * cash.
 */
void
aat_portfolio_mark (AatPortfolio *self, AatInstrument *instrument, double price,
                    AatTime timestamp)
{
  guint idx = AAT_INSTRUMENT_INDEX (instrument);

  if (G_UNLIKELY (idx >= self->last->len))
    g_array_set_size (self->last, idx + 1);
  g_array_index (self->last, double, idx) = price;

  if (G_UNLIKELY (margin_of (self, idx) > 0.0))
    {
      double mult = aat_instrument_get_multiplier (instrument);
      for (guint i = 0; i < self->books->len; i++)
        {
          Book *b = self->books->pdata[i];
          if (idx < b->pos->len)
            {
              PosState *p = &g_array_index (b->pos, PosState, idx);
              if (p->size != 0.0)
                b->cash += (price - p->settle) * p->size * mult;
              p->settle = price;
            }
        }
    }
}

static double
book_unrealized (AatPortfolio *self, Book *b)
{
  double u = 0.0;

  for (guint i = 0; i < b->pos->len; i++)
    {
      PosState *p = &g_array_index (b->pos, PosState, i);
      AatInstrument *inst;
      if (p->size == 0.0)
        continue;
      inst = aat_instrument_get_by_index (i);
      u += (last_of (self, i) - p->avg) * p->size * aat_instrument_get_multiplier (inst);
    }
  return u;
}

static double
book_value (AatPortfolio *self, Book *b)
{
  double v = b->cash;

  for (guint i = 0; i < b->pos->len; i++)
    {
      PosState *p = &g_array_index (b->pos, PosState, i);
      double margin;
      if (p->size == 0.0)
        continue;
      margin = margin_of (self, i);
      if (margin > 0.0)
        v += margin * fabs (p->size);    /* P&L is already settled into cash */
      else
        v += p->size * last_of (self, i) * aat_instrument_get_multiplier (aat_instrument_get_by_index (i));
    }
  return v;
}

/**
 * aat_portfolio_record:
 * @self: a portfolio
 * @timestamp: when
 *
 * Appends a point to every equity curve (each strategy's and the total's).
 */
void
aat_portfolio_record (AatPortfolio *self, AatTime timestamp)
{
  g_return_if_fail (AAT_IS_PORTFOLIO (self));
  for (guint i = 0; i < self->books->len; i++)
    {
      Book *b = self->books->pdata[i];
      AatEquityPoint pt = { timestamp, book_value (self, b), b->cash };
      if (b->curve->len > 0 && g_array_index (b->curve, AatEquityPoint, b->curve->len - 1).time == timestamp)
        g_array_index (b->curve, AatEquityPoint, b->curve->len - 1) = pt;
      else
        g_array_append_val (b->curve, pt);
    }
}

/**
 * aat_portfolio_get_position:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL for the total
 * @instrument: an instrument
 *
 * Returns: (transfer full): a snapshot of the position (size 0 when there is none)
 */
AatPosition *
aat_portfolio_get_position (AatPortfolio *self, AatStrategy *strategy, AatInstrument *instrument)
{
  double size = 0.0, cost = 0.0, realized = 0.0, last, mult;
  guint idx;

  g_return_val_if_fail (AAT_IS_PORTFOLIO (self), NULL);
  g_return_val_if_fail (AAT_IS_INSTRUMENT (instrument), NULL);

  idx = aat_instrument_get_index (instrument);
  last = last_of (self, idx);
  mult = aat_instrument_get_multiplier (instrument);
  for (guint i = 0; i < self->books->len; i++)
    {
      Book *b = self->books->pdata[i];
      PosState *p;
      if ((strategy != NULL && b->strategy != strategy) || idx >= b->pos->len)
        continue;
      p = &g_array_index (b->pos, PosState, idx);
      size += p->size;
      cost += p->size * p->avg;
      realized += p->realized;
    }
  return aat_position_new (instrument, size, size != 0.0 ? cost / size : 0.0, last, realized,
                           (last * size - cost) * mult);
}

/**
 * aat_portfolio_get_size:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL for the total
 * @instrument: an instrument
 *
 * Returns: the signed position size
 */
double
aat_portfolio_get_size (AatPortfolio *self, AatStrategy *strategy, AatInstrument *instrument)
{
  double size = 0.0;
  guint idx;

  g_return_val_if_fail (AAT_IS_PORTFOLIO (self), 0.0);
  g_return_val_if_fail (AAT_IS_INSTRUMENT (instrument), 0.0);
  idx = aat_instrument_get_index (instrument);
  for (guint i = 0; i < self->books->len; i++)
    {
      Book *b = self->books->pdata[i];
      if ((strategy == NULL || b->strategy == strategy) && idx < b->pos->len)
        size += g_array_index (b->pos, PosState, idx).size;
    }
  return size;
}

/**
 * aat_portfolio_get_positions:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL for the total
 *
 * Returns: (transfer container) (element-type AatPosition): every instrument that was
 *   ever traded, with its position (possibly flat), in instrument order
 */
GPtrArray *
aat_portfolio_get_positions (AatPortfolio *self, AatStrategy *strategy)
{
  GPtrArray *out;
  guint n = 0;

  g_return_val_if_fail (AAT_IS_PORTFOLIO (self), NULL);
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_position_unref);
  for (guint i = 0; i < self->books->len; i++)
    {
      Book *b = self->books->pdata[i];
      if (strategy == NULL || b->strategy == strategy)
        n = MAX (n, b->pos->len);
    }
  for (guint idx = 0; idx < n; idx++)
    {
      gboolean traded = FALSE;
      for (guint i = 0; i < self->books->len && !traded; i++)
        {
          Book *b = self->books->pdata[i];
          if ((strategy == NULL || b->strategy == strategy) && idx < b->pos->len)
            {
              PosState *p = &g_array_index (b->pos, PosState, idx);
              traded = p->size != 0.0 || p->realized != 0.0 || p->avg != 0.0;
            }
        }
      if (traded)
        g_ptr_array_add (out, aat_portfolio_get_position (self, strategy, aat_instrument_get_by_index (idx)));
    }
  return out;
}

#define SUM_OVER_BOOKS(expr)                                            \
  double total = 0.0;                                                   \
  g_return_val_if_fail (AAT_IS_PORTFOLIO (self), 0.0);                  \
  for (guint i = 0; i < self->books->len; i++)                          \
    {                                                                   \
      Book *b = self->books->pdata[i];                                  \
      if (strategy == NULL || b->strategy == strategy)                  \
        total += (expr);                                                \
    }                                                                   \
  if (strategy != NULL && book_for (self, strategy, FALSE) == NULL)     \
    total = _default;                                                   \
  return total

/**
 * aat_portfolio_get_cash:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL for the total
 *
 * Returns: cash
 */
double
aat_portfolio_get_cash (AatPortfolio *self, AatStrategy *strategy)
{
  double _default = self->default_cash;
  SUM_OVER_BOOKS (b->cash);
}

/**
 * aat_portfolio_get_value:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL for the total
 *
 * Returns: cash plus the positions marked at their last prices
 */
double
aat_portfolio_get_value (AatPortfolio *self, AatStrategy *strategy)
{
  double _default = self->default_cash;
  SUM_OVER_BOOKS (book_value (self, b));
}

/**
 * aat_portfolio_get_realized_pnl:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL for the total
 *
 * Returns: realized P&L, before fees
 */
double
aat_portfolio_get_realized_pnl (AatPortfolio *self, AatStrategy *strategy)
{
  double _default = 0.0;
  SUM_OVER_BOOKS (b->realized);
}

/**
 * aat_portfolio_get_unrealized_pnl:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL for the total
 *
 * Returns: unrealized P&L of the open positions at their last prices
 */
double
aat_portfolio_get_unrealized_pnl (AatPortfolio *self, AatStrategy *strategy)
{
  double _default = 0.0;
  SUM_OVER_BOOKS (book_unrealized (self, b));
}

/**
 * aat_portfolio_get_fees:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL for the total
 *
 * Returns: the fees paid
 */
double
aat_portfolio_get_fees (AatPortfolio *self, AatStrategy *strategy)
{
  double _default = 0.0;
  SUM_OVER_BOOKS (b->fees);
}

/**
 * aat_portfolio_get_turnover:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL for the total
 *
 * Returns: the total traded value
 */
double
aat_portfolio_get_turnover (AatPortfolio *self, AatStrategy *strategy)
{
  double _default = 0.0;
  SUM_OVER_BOOKS (b->turnover);
}

#undef SUM_OVER_BOOKS

/**
 * aat_portfolio_get_equity_curve:
 * @self: a portfolio
 * @strategy: (nullable): a strategy, or %NULL for the total
 *
 * Returns: (transfer full) (element-type AatEquityPoint): the recorded equity curve
 */
GArray *
aat_portfolio_get_equity_curve (AatPortfolio *self, AatStrategy *strategy)
{
  GArray *out;
  Book *b;

  g_return_val_if_fail (AAT_IS_PORTFOLIO (self), NULL);
  out = g_array_new (FALSE, FALSE, sizeof (AatEquityPoint));
  if (strategy != NULL)
    {
      b = book_for (self, strategy, FALSE);
      if (b != NULL)
        g_array_append_vals (out, b->curve->data, b->curve->len);
      return out;
    }
  /* The total: books record together, so their points line up by index. */
  for (guint i = 0; i < self->books->len; i++)
    {
      b = self->books->pdata[i];
      if (i == 0)
        g_array_append_vals (out, b->curve->data, b->curve->len);
      else
        for (guint k = 0; k < MIN (out->len, b->curve->len); k++)
          {
            g_array_index (out, AatEquityPoint, k).value += g_array_index (b->curve, AatEquityPoint, k).value;
            g_array_index (out, AatEquityPoint, k).cash += g_array_index (b->curve, AatEquityPoint, k).cash;
          }
    }
  return out;
}

/**
 * aat_portfolio_get_last_price:
 * @self: a portfolio
 * @instrument: an instrument
 *
 * Returns: the last price it was marked at, or 0
 */
double
aat_portfolio_get_last_price (AatPortfolio *self, AatInstrument *instrument)
{
  g_return_val_if_fail (AAT_IS_PORTFOLIO (self), 0.0);
  g_return_val_if_fail (AAT_IS_INSTRUMENT (instrument), 0.0);
  return last_of (self, aat_instrument_get_index (instrument));
}

/* Internal: make sure a strategy has a book from the start, so curves line up. */
void _aat_portfolio_add_strategy (AatPortfolio *self, AatStrategy *strategy);
void
_aat_portfolio_add_strategy (AatPortfolio *self, AatStrategy *strategy)
{
  book_for (self, strategy, TRUE);
}
