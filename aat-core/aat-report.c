/* aat-report.c: what a finished run did, as numbers, pictures and files.
 *
 * An AatReport holds an equity curve (time, value, cash), the fills and the orders of
 * one book (a strategy, or the total), filled either by hand (tests, embedding
 * applications) or from an engine after a run. From them it derives:
 *
 *   - round trips: per instrument, a trade opens when the position leaves zero and
 *     closes when it returns to zero (a fill that flips the sign closes one and opens
 *     the next, its volume and fee split pro rata); its P&L is the net cash it moved;
 *   - the statistics (AatReportStatistics), defined in doc/REPORTS.md;
 *   - a terminal summary, a JSON document, three plots drawn with cairo (equity with
 *     drawdown, positions, P&L per trade) as PNG or SVG, and a self-contained HTML page
 *     with the SVGs inline.
 *
 * Nothing here runs during a backtest; it reads the results once the run is over.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <cairo.h>
#include <cairo-svg.h>
#include <json-glib/json-glib.h>

#include "aat.h"

#define DAY (86400 * AAT_TIME_SECOND)
#define YEAR_DAYS 365.25

G_DEFINE_QUARK (aat-report-error-quark, aat_report_error)

/* ---------------------------------------------------------------- statistics box */

G_DEFINE_BOXED_TYPE (AatReportStatistics, aat_report_statistics, aat_report_statistics_copy,
                     aat_report_statistics_free)

/**
 * aat_report_statistics_copy:
 * @stats: statistics
 *
 * Returns: (transfer full): a copy of @stats
 */
AatReportStatistics *
aat_report_statistics_copy (const AatReportStatistics *stats)
{
  g_return_val_if_fail (stats != NULL, NULL);
  return g_memdup2 (stats, sizeof *stats);
}

/**
 * aat_report_statistics_free:
 * @stats: statistics
 *
 * Frees @stats.
 */
void
aat_report_statistics_free (AatReportStatistics *stats)
{
  g_free (stats);
}

typedef enum { F_DOUBLE, F_UINT, F_TIME } FieldKind;

/* Every statistic by its JSON name, in the order of the JSON file and the sweep table. */
static const struct {
  const char *name;
  FieldKind kind;
  gsize offset;
} fields[] = {
#define D(n) { #n, F_DOUBLE, G_STRUCT_OFFSET (AatReportStatistics, n) }
#define U(n) { #n, F_UINT, G_STRUCT_OFFSET (AatReportStatistics, n) }
#define T(n) { #n, F_TIME, G_STRUCT_OFFSET (AatReportStatistics, n) }
  D (start_value), D (end_value), D (total_return), D (cagr), D (volatility), D (sharpe),
  D (sortino), D (max_drawdown), D (max_drawdown_value), T (max_drawdown_duration),
  U (n_round_trips), U (n_winning), U (n_losing), D (win_rate), D (profit_factor),
  D (gross_profit), D (gross_loss), D (fees), D (turnover), D (turnover_ratio),
  D (exposure), U (n_orders), U (n_fills), T (start_time), T (end_time), U (n_points),
  D (periods_per_year), D (risk_free_rate),
#undef D
#undef U
#undef T
};

static const char * const field_names[] = {
  "start_value", "end_value", "total_return", "cagr", "volatility", "sharpe",
  "sortino", "max_drawdown", "max_drawdown_value", "max_drawdown_duration",
  "n_round_trips", "n_winning", "n_losing", "win_rate", "profit_factor",
  "gross_profit", "gross_loss", "fees", "turnover", "turnover_ratio",
  "exposure", "n_orders", "n_fills", "start_time", "end_time", "n_points",
  "periods_per_year", "risk_free_rate", NULL
};

G_STATIC_ASSERT (G_N_ELEMENTS (fields) + 1 == G_N_ELEMENTS (field_names));

/**
 * aat_report_statistics_list_names:
 *
 * The names of the statistics, as the JSON file and aat_report_statistics_get() spell
 * them (`sharpe`, `max_drawdown`, `n_round_trips`, …).
 *
 * Returns: (transfer none) (array zero-terminated=1): the names
 */
const char * const *
aat_report_statistics_list_names (void)
{
  return field_names;
}

/**
 * aat_report_statistics_get:
 * @stats: statistics
 * @name: a statistic's name, such as `sharpe` (see aat_report_statistics_list_names())
 * @found: (out) (optional): whether @name is a statistic
 *
 * Reads a statistic by name, as a double; times are nanoseconds.
 *
 * Returns: the value, or NaN when @name is unknown
 */
double
aat_report_statistics_get (const AatReportStatistics *stats, const char *name, gboolean *found)
{
  g_return_val_if_fail (stats != NULL, NAN);
  g_return_val_if_fail (name != NULL, NAN);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (strcmp (fields[i].name, name) == 0)
      {
        const char *p = (const char *) stats + fields[i].offset;

        if (found)
          *found = TRUE;
        switch (fields[i].kind)
          {
          case F_DOUBLE: return *(const double *) p;
          case F_UINT: return *(const guint *) p;
          case F_TIME: return (double) *(const AatTime *) p;
          default: break;
          }
      }
  if (found)
    *found = FALSE;
  return NAN;
}

/* ---------------------------------------------------------------- the report object */

typedef struct {
  AatInstrument *instrument;
  gboolean is_long;
  AatTime open_time, close_time;
  double volume;        /* the largest absolute size reached */
  double pnl;           /* net cash moved, fees included */
  double fees;
} RoundTrip;

typedef struct {
  AatInstrument *instrument;
  GArray *steps;        /* StepPoint: the size after each fill */
} PositionSeries;

typedef struct {
  AatTime time;
  double size;
} StepPoint;

typedef struct {
  char *name;
  AatReport *report;
} Child;

struct _AatReport
{
  GObject parent_instance;

  char *title;
  double risk_free_rate;
  double periods_per_year;      /* 0: from the spacing */

  GArray *curve;                /* AatEquityPoint */
  GPtrArray *fills;             /* AatTrade */
  GPtrArray *orders;            /* AatOrder */
  GPtrArray *children;          /* Child */

  /* derived from the fills; rebuilt when they change */
  gboolean analysed;
  GArray *trips;                /* RoundTrip */
  GPtrArray *positions;         /* PositionSeries */
};

G_DEFINE_FINAL_TYPE (AatReport, aat_report, G_TYPE_OBJECT)

static void
child_free (Child *c)
{
  g_free (c->name);
  g_object_unref (c->report);
  g_free (c);
}

static void
position_series_free (PositionSeries *s)
{
  g_array_unref (s->steps);
  g_free (s);
}

static void
aat_report_finalize (GObject *object)
{
  AatReport *self = AAT_REPORT (object);

  g_free (self->title);
  g_array_unref (self->curve);
  g_ptr_array_unref (self->fills);
  g_ptr_array_unref (self->orders);
  g_ptr_array_unref (self->children);
  g_clear_pointer (&self->trips, g_array_unref);
  g_clear_pointer (&self->positions, g_ptr_array_unref);
  G_OBJECT_CLASS (aat_report_parent_class)->finalize (object);
}

static void
aat_report_class_init (AatReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aat_report_finalize;
}

static void
aat_report_init (AatReport *self)
{
  self->title = g_strdup ("aat backtest");
  self->curve = g_array_new (FALSE, FALSE, sizeof (AatEquityPoint));
  self->fills = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_trade_unref);
  self->orders = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_order_unref);
  self->children = g_ptr_array_new_with_free_func ((GDestroyNotify) child_free);
}

/**
 * aat_report_new:
 *
 * Creates an empty report; give it points with aat_report_add_equity_point(), and
 * fills and orders with aat_report_add_fill() and aat_report_add_order().
 *
 * Returns: (transfer full): a new report
 */
AatReport *
aat_report_new (void)
{
  return g_object_new (AAT_TYPE_REPORT, NULL);
}

static void
fill_from_engine (AatReport *self, AatEngine *engine, AatStrategy *strategy)
{
  AatPortfolio *portfolio = aat_engine_get_portfolio (engine);
  g_autoptr (GArray) curve = aat_portfolio_get_equity_curve (portfolio, strategy);
  g_autoptr (GPtrArray) orders = aat_engine_get_orders (engine, strategy, FALSE);
  g_autoptr (GPtrArray) fills = aat_engine_get_trades (engine, strategy);
  double initial = aat_portfolio_get_initial_cash (portfolio, strategy);
  AatTime interval = DAY;
  guint i;

  g_object_get (engine, "record-interval", &interval, NULL);
  /* The engine records a point when a record interval ends, so its first point is the
   * value after the first interval; the curve starts at the first event (or one
   * interval before the first point), at the initial cash (doc/REPORTS.md). */
  if (curve->len > 0 && initial > 0.0)
    {
      AatTime first = g_array_index (curve, AatEquityPoint, 0).time;
      AatTime start = aat_engine_get_first_event_time (engine);

      if (start <= 0 || start >= first)
        start = first - interval;
      aat_report_add_equity_point (self, start, initial, initial);
    }
  for (i = 0; i < curve->len; i++)
    {
      const AatEquityPoint *p = &g_array_index (curve, AatEquityPoint, i);
      aat_report_add_equity_point (self, p->time, p->value, p->cash);
    }
  for (i = 0; i < orders->len; i++)
    aat_report_add_order (self, orders->pdata[i]);
  for (i = 0; i < fills->len; i++)
    aat_report_add_fill (self, fills->pdata[i]);
}

/**
 * aat_report_new_for_engine:
 * @engine: an engine whose run has finished
 * @strategy: (nullable): a strategy, or %NULL for the whole portfolio
 *
 * Creates the report of a run: the equity curve of @strategy (or the total), preceded
 * by a point at the initial cash at the time of the first event;
 * its orders and its fills. For the total of a run with more than one strategy, each
 * strategy's report is added as a child (aat_report_add_child()).
 *
 * Returns: (transfer full): a new report
 */
AatReport *
aat_report_new_for_engine (AatEngine *engine, AatStrategy *strategy)
{
  AatReport *self;
  GPtrArray *strategies;

  g_return_val_if_fail (AAT_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (strategy == NULL || AAT_IS_STRATEGY (strategy), NULL);

  self = aat_report_new ();
  fill_from_engine (self, engine, strategy);
  if (strategy != NULL)
    {
      g_free (self->title);
      self->title = g_strdup (aat_strategy_get_name (strategy));
      return self;
    }
  strategies = aat_engine_get_strategies (engine);
  for (guint i = 0; strategies != NULL && strategies->len > 1 && i < strategies->len; i++)
    {
      AatStrategy *s = strategies->pdata[i];
      g_autoptr (AatReport) child = aat_report_new_for_engine (engine, s);

      aat_report_add_child (self, aat_strategy_get_name (s), child);
    }
  return self;
}

/**
 * aat_report_set_title:
 * @self: a report
 * @title: a title for the summary, the plots and the HTML page
 *
 * Sets the title.
 */
void
aat_report_set_title (AatReport *self, const char *title)
{
  g_return_if_fail (AAT_IS_REPORT (self));
  g_return_if_fail (title != NULL);
  g_free (self->title);
  self->title = g_strdup (title);
}

/**
 * aat_report_get_title:
 * @self: a report
 *
 * Returns: (transfer none): the title
 */
const char *
aat_report_get_title (AatReport *self)
{
  g_return_val_if_fail (AAT_IS_REPORT (self), NULL);
  return self->title;
}

/**
 * aat_report_set_risk_free_rate:
 * @self: a report
 * @rate: the annual risk-free rate as a fraction (0.02 for 2 %), compounded over the
 *   periods of a year
 *
 * Sets the risk-free rate of the Sharpe and Sortino ratios. The default is 0.
 */
void
aat_report_set_risk_free_rate (AatReport *self, double rate)
{
  g_return_if_fail (AAT_IS_REPORT (self));
  g_return_if_fail (rate > -1.0);
  self->risk_free_rate = rate;
}

/**
 * aat_report_get_risk_free_rate:
 * @self: a report
 *
 * Returns: the annual risk-free rate
 */
double
aat_report_get_risk_free_rate (AatReport *self)
{
  g_return_val_if_fail (AAT_IS_REPORT (self), 0.0);
  return self->risk_free_rate;
}

/**
 * aat_report_set_periods_per_year:
 * @self: a report
 * @periods: the number of curve periods in a year, or 0 to derive it from the curve's
 *   spacing (doc/REPORTS.md)
 *
 * Sets the annualization factor.
 */
void
aat_report_set_periods_per_year (AatReport *self, double periods)
{
  g_return_if_fail (AAT_IS_REPORT (self));
  g_return_if_fail (periods >= 0.0);
  self->periods_per_year = periods;
}

/**
 * aat_report_get_periods_per_year:
 * @self: a report
 *
 * Returns: the annualization factor set, or 0 when it comes from the spacing
 */
double
aat_report_get_periods_per_year (AatReport *self)
{
  g_return_val_if_fail (AAT_IS_REPORT (self), 0.0);
  return self->periods_per_year;
}

/**
 * aat_report_add_equity_point:
 * @self: a report
 * @time: when
 * @value: the value (cash plus marked positions)
 * @cash: the cash
 *
 * Appends a point to the equity curve. Points must come in time order; a point at the
 * time of the last one replaces it.
 */
void
aat_report_add_equity_point (AatReport *self, AatTime time, double value, double cash)
{
  AatEquityPoint p = { time, value, cash };

  g_return_if_fail (AAT_IS_REPORT (self));
  if (self->curve->len > 0)
    {
      AatEquityPoint *last = &g_array_index (self->curve, AatEquityPoint, self->curve->len - 1);

      g_return_if_fail (time >= last->time);
      if (time == last->time)
        {
          *last = p;
          return;
        }
    }
  g_array_append_val (self->curve, p);
}

/**
 * aat_report_add_fill:
 * @self: a report
 * @fill: a fill (its side is the side of the order that filled)
 *
 * Appends a fill. Fills must come in the order they happened.
 */
void
aat_report_add_fill (AatReport *self, AatTrade *fill)
{
  g_return_if_fail (AAT_IS_REPORT (self));
  g_return_if_fail (fill != NULL);
  g_ptr_array_add (self->fills, aat_trade_ref (fill));
  self->analysed = FALSE;
}

/**
 * aat_report_add_order:
 * @self: a report
 * @order: an order
 *
 * Appends an order, for the JSON file and the order count.
 */
void
aat_report_add_order (AatReport *self, AatOrder *order)
{
  g_return_if_fail (AAT_IS_REPORT (self));
  g_return_if_fail (order != NULL);
  g_ptr_array_add (self->orders, aat_order_ref (order));
}

/**
 * aat_report_add_child:
 * @self: a report
 * @name: what to call the child, such as a strategy's name
 * @child: the report of a part of @self
 *
 * Adds the report of a part (a strategy of a run with several), whose statistics the
 * summary and the JSON file list after the total's.
 */
void
aat_report_add_child (AatReport *self, const char *name, AatReport *child)
{
  Child *c;

  g_return_if_fail (AAT_IS_REPORT (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (AAT_IS_REPORT (child));
  g_return_if_fail (child != self);
  c = g_new0 (Child, 1);
  c->name = g_strdup (name);
  c->report = g_object_ref (child);
  g_ptr_array_add (self->children, c);
}

/* ---------------------------------------------------------------- round trips */

typedef struct {
  AatInstrument *instrument;
  double size;
  RoundTrip trip;       /* the open one, when size != 0 */
  PositionSeries *series;
} InstrumentState;

static void
open_trip (InstrumentState *st, AatTime t, double q)
{
  memset (&st->trip, 0, sizeof st->trip);
  st->trip.instrument = st->instrument;
  st->trip.is_long = q > 0.0;
  st->trip.open_time = t;
}

/* Part of a fill: signed volume q at price, with its share of the fee. */
static void
apply_part (InstrumentState *st, GArray *trips, AatTime t, double q, double price, double mult,
            double fee)
{
  if (st->size == 0.0)
    open_trip (st, t, q);
  st->trip.pnl += -q * price * mult - fee;
  st->trip.fees += fee;
  st->size += q;
  if (fabs (st->size) < 1e-9)
    st->size = 0.0;
  if (fabs (st->size) > st->trip.volume)
    st->trip.volume = fabs (st->size);
  if (st->size == 0.0)
    {
      st->trip.close_time = t;
      g_array_append_val (trips, st->trip);
    }
}

static void
analyse (AatReport *self)
{
  g_autoptr (GHashTable) states = NULL;
  g_autoptr (GPtrArray) order = NULL;

  if (self->analysed)
    return;
  g_clear_pointer (&self->trips, g_array_unref);
  g_clear_pointer (&self->positions, g_ptr_array_unref);
  self->trips = g_array_new (FALSE, FALSE, sizeof (RoundTrip));
  self->positions = g_ptr_array_new_with_free_func ((GDestroyNotify) position_series_free);
  states = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  for (guint i = 0; i < self->fills->len; i++)
    {
      AatTrade *f = self->fills->pdata[i];
      AatInstrument *inst = aat_trade_get_instrument (f);
      InstrumentState *st = g_hash_table_lookup (states, inst);
      double q = aat_trade_get_volume (f) * (aat_trade_get_side (f) == AAT_SIDE_BUY ? 1.0 : -1.0);
      double price = aat_trade_get_price (f), fee = aat_trade_get_fee (f);
      double mult = aat_instrument_get_multiplier (inst);
      AatTime t = aat_trade_get_timestamp (f);
      StepPoint sp;

      if (mult <= 0.0)
        mult = 1.0;
      if (st == NULL)
        {
          st = g_new0 (InstrumentState, 1);
          st->instrument = inst;
          st->series = g_new0 (PositionSeries, 1);
          st->series->instrument = inst;
          st->series->steps = g_array_new (FALSE, FALSE, sizeof (StepPoint));
          g_ptr_array_add (self->positions, st->series);
          g_hash_table_insert (states, inst, st);
        }
      if (st->size != 0.0 && (st->size > 0.0) != (q > 0.0) && fabs (q) > fabs (st->size) + 1e-9)
        {
          /* a flip: close the open trip with part of the fill, open the next with the rest */
          double share = fabs (st->size) / fabs (q), close_q = -st->size;

          apply_part (st, self->trips, t, close_q, price, mult, fee * share);
          apply_part (st, self->trips, t, q - close_q, price, mult, fee * (1.0 - share));
        }
      else
        apply_part (st, self->trips, t, q, price, mult, fee);

      sp.time = t;
      sp.size = st->size;
      g_array_append_val (st->series->steps, sp);
    }
  self->analysed = TRUE;
}

/* ---------------------------------------------------------------- statistics */

static int
compare_time (gconstpointer a, gconstpointer b)
{
  AatTime x = *(const AatTime *) a, y = *(const AatTime *) b;
  return x < y ? -1 : x > y;
}

/* The annualization factor from the median spacing of the points (doc/REPORTS.md). */
static double
periods_from_spacing (GArray *curve)
{
  g_autofree AatTime *gaps = NULL;
  guint n = curve->len - 1;
  AatTime median;

  if (curve->len < 2)
    return NAN;
  gaps = g_new (AatTime, n);
  for (guint i = 0; i < n; i++)
    gaps[i] = g_array_index (curve, AatEquityPoint, i + 1).time - g_array_index (curve, AatEquityPoint, i).time;
  qsort (gaps, n, sizeof *gaps, compare_time);
  median = n % 2 ? gaps[n / 2] : (gaps[n / 2 - 1] + gaps[n / 2]) / 2;
  if (median <= 0)
    return NAN;
  if (median < DAY / 2)
    return 252.0 * ((double) DAY / (double) median);      /* intraday */
  if (median <= DAY + DAY / 2)
    return 252.0;                                         /* daily */
  return YEAR_DAYS * (double) DAY / (double) median;      /* weekly, monthly, ... */
}

/* Time with a non-zero position in any instrument, within [t0, t1]. */
static double
exposure_share (AatReport *self, AatTime t0, AatTime t1)
{
  g_autoptr (GHashTable) sizes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  guint open = 0;
  AatTime since = 0, held = 0;

  if (t1 <= t0)
    return NAN;
  for (guint i = 0; i < self->fills->len; i++)
    {
      AatTrade *f = self->fills->pdata[i];
      AatInstrument *inst = aat_trade_get_instrument (f);
      double *size = g_hash_table_lookup (sizes, inst);
      double q = aat_trade_get_volume (f) * (aat_trade_get_side (f) == AAT_SIDE_BUY ? 1.0 : -1.0);
      AatTime t = CLAMP (aat_trade_get_timestamp (f), t0, t1);
      gboolean was;

      if (size == NULL)
        {
          size = g_new0 (double, 1);
          g_hash_table_insert (sizes, inst, size);
        }
      was = *size != 0.0;
      *size += q;
      if (fabs (*size) < 1e-9)
        *size = 0.0;
      if (!was && *size != 0.0)
        {
          if (open++ == 0)
            since = t;
        }
      else if (was && *size == 0.0)
        {
          if (--open == 0)
            held += t - since;
        }
    }
  if (open > 0)
    held += t1 - since;
  return (double) held / (double) (t1 - t0);
}

/**
 * aat_report_compute:
 * @self: a report
 *
 * Computes the statistics of the curve and the fills, as doc/REPORTS.md defines them.
 *
 * Returns: (transfer full): the statistics
 */
AatReportStatistics *
aat_report_compute (AatReport *self)
{
  AatReportStatistics *s;
  GArray *c;
  guint n, i, nr;
  double sum = 0.0, sum_sq = 0.0, down_sq = 0.0, mean, var, rf, peak, mean_value = 0.0;
  AatTime peak_time;

  g_return_val_if_fail (AAT_IS_REPORT (self), NULL);
  analyse (self);
  c = self->curve;
  n = c->len;
  s = g_new0 (AatReportStatistics, 1);
  s->n_points = n;
  s->risk_free_rate = self->risk_free_rate;
  s->n_orders = self->orders->len;
  s->n_fills = self->fills->len;

  for (i = 0; i < self->fills->len; i++)
    {
      AatTrade *f = self->fills->pdata[i];
      double mult = aat_instrument_get_multiplier (aat_trade_get_instrument (f));

      s->fees += aat_trade_get_fee (f);
      s->turnover += fabs (aat_trade_get_volume (f)) * aat_trade_get_price (f) * (mult > 0.0 ? mult : 1.0);
    }
  for (i = 0; i < self->trips->len; i++)
    {
      const RoundTrip *t = &g_array_index (self->trips, RoundTrip, i);

      if (t->pnl > 0.0)
        {
          s->n_winning++;
          s->gross_profit += t->pnl;
        }
      else if (t->pnl < 0.0)
        {
          s->n_losing++;
          s->gross_loss -= t->pnl;
        }
    }
  s->n_round_trips = self->trips->len;
  s->win_rate = s->n_round_trips ? (double) s->n_winning / s->n_round_trips : NAN;
  s->profit_factor = s->gross_loss > 0.0 ? s->gross_profit / s->gross_loss
                     : s->gross_profit > 0.0 ? INFINITY : NAN;

  if (n == 0)
    {
      s->start_value = s->end_value = s->total_return = s->cagr = NAN;
      s->volatility = s->sharpe = s->sortino = s->periods_per_year = NAN;
      s->max_drawdown = s->max_drawdown_value = s->turnover_ratio = s->exposure = NAN;
      return s;
    }

  s->start_time = g_array_index (c, AatEquityPoint, 0).time;
  s->end_time = g_array_index (c, AatEquityPoint, n - 1).time;
  s->start_value = g_array_index (c, AatEquityPoint, 0).value;
  s->end_value = g_array_index (c, AatEquityPoint, n - 1).value;
  s->total_return = s->start_value > 0.0 ? s->end_value / s->start_value - 1.0 : NAN;
  {
    double years = (double) (s->end_time - s->start_time) / ((double) DAY * YEAR_DAYS);

    if (years <= 0.0 || !(s->start_value > 0.0))
      s->cagr = NAN;
    else if (s->end_value <= 0.0)
      s->cagr = -1.0;
    else
      s->cagr = pow (s->end_value / s->start_value, 1.0 / years) - 1.0;
  }

  s->periods_per_year = self->periods_per_year > 0.0 ? self->periods_per_year
                                                     : periods_from_spacing (c);
  rf = isfinite (s->periods_per_year) ? pow (1.0 + self->risk_free_rate, 1.0 / s->periods_per_year) - 1.0
                                      : 0.0;

  /* period returns and their excess over the risk-free rate */
  nr = 0;
  for (i = 1; i < n; i++)
    {
      double prev = g_array_index (c, AatEquityPoint, i - 1).value;
      double r = g_array_index (c, AatEquityPoint, i).value / prev - 1.0;
      double e = r - rf;

      if (!(prev > 0.0))
        continue;
      sum += e;
      sum_sq += e * e;
      if (e < 0.0)
        down_sq += e * e;
      nr++;
    }
  if (nr >= 2)
    {
      mean = sum / nr;
      var = (sum_sq - nr * mean * mean) / (nr - 1);
      if (var < 0.0)
        var = 0.0;
      s->volatility = sqrt (var) * sqrt (s->periods_per_year);
      s->sharpe = var > 0.0 ? mean / sqrt (var) * sqrt (s->periods_per_year) : NAN;
      s->sortino = down_sq > 0.0 ? mean / sqrt (down_sq / nr) * sqrt (s->periods_per_year) : NAN;
    }
  else
    s->volatility = s->sharpe = s->sortino = NAN;

  /* drawdown: the fall from the running peak, and the longest spell below a peak */
  peak = g_array_index (c, AatEquityPoint, 0).value;
  peak_time = s->start_time;
  for (i = 0; i < n; i++)
    {
      const AatEquityPoint *p = &g_array_index (c, AatEquityPoint, i);

      mean_value += p->value;
      if (p->value >= peak)
        {
          if (p->time - peak_time > s->max_drawdown_duration)
            s->max_drawdown_duration = p->time - peak_time;
          peak = p->value;
          peak_time = p->time;
          continue;
        }
      if (peak > 0.0 && (peak - p->value) / peak > s->max_drawdown)
        {
          s->max_drawdown = (peak - p->value) / peak;
          s->max_drawdown_value = peak - p->value;
        }
    }
  /* still below the last peak at the end: the spell runs to the last point */
  if (g_array_index (c, AatEquityPoint, n - 1).value < peak &&
      s->end_time - peak_time > s->max_drawdown_duration)
    s->max_drawdown_duration = s->end_time - peak_time;
  mean_value /= n;
  s->turnover_ratio = mean_value > 0.0 ? s->turnover / mean_value : NAN;
  s->exposure = exposure_share (self, s->start_time, s->end_time);
  return s;
}

/* ---------------------------------------------------------------- summary text */

static char *
format_duration (AatTime ns)
{
  double days = (double) ns / (double) DAY;

  if (days >= 1.0)
    return g_strdup_printf ("%.0f day%s", days, fabs (days - 1.0) < 0.5 ? "" : "s");
  if (ns >= 3600 * AAT_TIME_SECOND)
    return g_strdup_printf ("%.1f hours", (double) ns / (3600.0 * AAT_TIME_SECOND));
  return g_strdup_printf ("%.0f seconds", (double) ns / AAT_TIME_SECOND);
}

static char *
fmt_pct (double v)
{
  if (!isfinite (v))
    return g_strdup (isnan (v) ? "n/a" : v > 0 ? "inf" : "-inf");
  return g_strdup_printf ("%.2f %%", v * 100.0);
}

static char *
fmt_num (double v, int digits)
{
  if (!isfinite (v))
    return g_strdup (isnan (v) ? "n/a" : v > 0 ? "inf" : "-inf");
  return g_strdup_printf ("%.*f", digits, v);
}

static char *
format_date (AatTime t, const char *format)
{
  g_autoptr (GDateTime) dt = aat_time_to_date_time (t);

  return dt ? g_date_time_format (dt, format) : g_strdup ("?");
}

static void
append_statistics (GString *out, const AatReportStatistics *s, const char *indent)
{
  g_autofree char *from = format_date (s->start_time, "%Y-%m-%d %H:%M");
  g_autofree char *to = format_date (s->end_time, "%Y-%m-%d %H:%M");
  g_autofree char *span = format_duration (s->end_time - s->start_time);
  g_autofree char *sv = fmt_num (s->start_value, 2), *ev = fmt_num (s->end_value, 2);
  g_autofree char *tr = fmt_pct (s->total_return), *cagr = fmt_pct (s->cagr);
  g_autofree char *vol = fmt_pct (s->volatility), *rf = fmt_pct (s->risk_free_rate);
  g_autofree char *sh = fmt_num (s->sharpe, 3), *so = fmt_num (s->sortino, 3);
  g_autofree char *dd = fmt_pct (s->max_drawdown), *ddv = fmt_num (s->max_drawdown_value, 2);
  g_autofree char *ddd = format_duration (s->max_drawdown_duration);
  g_autofree char *wr = fmt_pct (s->win_rate), *pf = fmt_num (s->profit_factor, 3);
  g_autofree char *fees = fmt_num (s->fees, 2), *to_v = fmt_num (s->turnover, 2);
  g_autofree char *to_r = fmt_num (s->turnover_ratio, 2), *ex = fmt_pct (s->exposure);
  g_autofree char *ppy = fmt_num (s->periods_per_year, 1);

  if (s->n_points == 0)
    {
      g_string_append_printf (out, "%sno equity curve recorded\n", indent);
      return;
    }
  g_string_append_printf (out, "%speriod           %s .. %s UTC (%s, %u points, %s periods/year)\n",
                          indent, from, to, span, s->n_points, ppy);
  g_string_append_printf (out, "%sstart value      %s\n", indent, sv);
  g_string_append_printf (out, "%send value        %s\n", indent, ev);
  g_string_append_printf (out, "%stotal return     %s\n", indent, tr);
  g_string_append_printf (out, "%sCAGR             %s\n", indent, cagr);
  g_string_append_printf (out, "%svolatility       %s (annualized)\n", indent, vol);
  g_string_append_printf (out, "%sSharpe           %s (risk-free rate %s)\n", indent, sh, rf);
  g_string_append_printf (out, "%sSortino          %s\n", indent, so);
  g_string_append_printf (out, "%smax drawdown     %s (%s); longest %s\n", indent, dd, ddv, ddd);
  g_string_append_printf (out, "%strades           %u round trips, %u won, %u lost\n", indent,
                          s->n_round_trips, s->n_winning, s->n_losing);
  g_string_append_printf (out, "%swin rate         %s\n", indent, wr);
  g_string_append_printf (out, "%sprofit factor    %s\n", indent, pf);
  g_string_append_printf (out, "%sorders / fills   %u / %u\n", indent, s->n_orders, s->n_fills);
  g_string_append_printf (out, "%sfees             %s\n", indent, fees);
  g_string_append_printf (out, "%sturnover         %s (%s x mean value)\n", indent, to_v, to_r);
  g_string_append_printf (out, "%sexposure         %s of the time\n", indent, ex);
}

/**
 * aat_report_format_summary:
 * @self: a report
 *
 * Formats the statistics for a terminal: the total's, then each child's.
 *
 * Returns: (transfer full): the text, several lines ending in a newline
 */
char *
aat_report_format_summary (AatReport *self)
{
  g_autoptr (AatReportStatistics) s = NULL;
  GString *out;

  g_return_val_if_fail (AAT_IS_REPORT (self), NULL);
  s = aat_report_compute (self);
  out = g_string_new (NULL);
  g_string_append_printf (out, "Report: %s\n", self->title);
  append_statistics (out, s, "  ");
  for (guint i = 0; i < self->children->len; i++)
    {
      Child *c = self->children->pdata[i];
      g_autoptr (AatReportStatistics) cs = aat_report_compute (c->report);

      g_string_append_printf (out, "\n  strategy %s\n", c->name);
      append_statistics (out, cs, "    ");
    }
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------- JSON */

static void
add_double (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_time (JsonBuilder *b, const char *name, AatTime t)
{
  g_autofree char *iso = aat_time_format_iso8601 (t);

  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, iso);
}

static void
add_string (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  if (v)
    json_builder_add_string_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static const char *
enum_nick (GType type, int value)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  return v ? v->value_nick : "?";
}

static void
build_statistics (JsonBuilder *b, const AatReportStatistics *s)
{
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *p = (const char *) s + fields[i].offset;

      switch (fields[i].kind)
        {
        case F_DOUBLE:
          add_double (b, fields[i].name, *(const double *) p);
          break;
        case F_UINT:
          add_int (b, fields[i].name, *(const guint *) p);
          break;
        case F_TIME:
          /* durations are seconds; instants ISO 8601 */
          if (strcmp (fields[i].name, "max_drawdown_duration") == 0)
            add_double (b, "max_drawdown_duration", (double) *(const AatTime *) p / AAT_TIME_SECOND);
          else
            add_time (b, fields[i].name, *(const AatTime *) p);
          break;
        default:
          break;
        }
    }
  json_builder_end_object (b);
}

static char *
builder_to_string (JsonBuilder *b, gboolean pretty)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);

  json_generator_set_pretty (gen, pretty);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/**
 * aat_report_statistics_to_json:
 * @self: a report
 *
 * The statistics alone, as a compact JSON object (the `statistics` member of
 * aat_report_to_json()).
 *
 * Returns: (transfer full): JSON text
 */
char *
aat_report_statistics_to_json (AatReport *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (AatReportStatistics) s = NULL;

  g_return_val_if_fail (AAT_IS_REPORT (self), NULL);
  s = aat_report_compute (self);
  build_statistics (b, s);
  return builder_to_string (b, FALSE);
}

static void
build_order (JsonBuilder *b, AatOrder *o)
{
  AatStrategy *st = aat_order_get_strategy (o);
  AatOrderType type = aat_order_get_order_type (o);

  json_builder_begin_object (b);
  add_int (b, "id", aat_order_get_id (o));
  add_time (b, "time", aat_order_get_timestamp (o));
  add_string (b, "strategy", st ? aat_strategy_get_name (st) : NULL);
  add_string (b, "instrument", aat_instrument_get_name (aat_order_get_instrument (o)));
  add_string (b, "side", enum_nick (AAT_TYPE_SIDE, aat_order_get_side (o)));
  add_string (b, "type", enum_nick (AAT_TYPE_ORDER_TYPE, type));
  add_string (b, "flag", enum_nick (AAT_TYPE_ORDER_FLAG, aat_order_get_flag (o)));
  add_string (b, "time_in_force", enum_nick (AAT_TYPE_TIME_IN_FORCE, aat_order_get_time_in_force (o)));
  if (aat_order_get_time_in_force (o) == AAT_TIME_IN_FORCE_GTD)
    add_time (b, "expire_time", aat_order_get_expire_time (o));
  add_double (b, "volume", aat_order_get_volume (o));
  if (type != AAT_ORDER_TYPE_MARKET && type != AAT_ORDER_TYPE_STOP_MARKET)
    add_double (b, "price", aat_order_get_price (o));
  if (type == AAT_ORDER_TYPE_STOP_MARKET || type == AAT_ORDER_TYPE_STOP_LIMIT)
    add_double (b, "stop_price", aat_order_get_stop_price (o));
  if (aat_order_get_notional (o) > 0.0)
    add_double (b, "notional", aat_order_get_notional (o));
  add_string (b, "status", enum_nick (AAT_TYPE_ORDER_STATUS, aat_order_get_status (o)));
  add_double (b, "filled", aat_order_get_filled (o));
  add_double (b, "average_price", aat_order_get_filled (o) > 0.0 ? aat_order_get_average_price (o) : NAN);
  add_double (b, "fees", aat_order_get_fees (o));
  json_builder_end_object (b);
}

static void
build_fill (JsonBuilder *b, AatTrade *f)
{
  AatOrder *o = aat_trade_get_taker_order (f);

  json_builder_begin_object (b);
  add_int (b, "id", aat_trade_get_id (f));
  add_time (b, "time", aat_trade_get_timestamp (f));
  add_int (b, "order", o ? (gint64) aat_order_get_id (o) : -1);
  add_string (b, "instrument", aat_instrument_get_name (aat_trade_get_instrument (f)));
  add_string (b, "side", enum_nick (AAT_TYPE_SIDE, aat_trade_get_side (f)));
  add_double (b, "volume", aat_trade_get_volume (f));
  add_double (b, "price", aat_trade_get_price (f));
  add_double (b, "fee", aat_trade_get_fee (f));
  add_double (b, "slippage", aat_trade_get_slippage (f));
  json_builder_end_object (b);
}

/**
 * aat_report_to_json:
 * @self: a report
 *
 * The whole report as a JSON document: `title`, `statistics`, `equity_curve` (time,
 * value, cash), `orders`, `fills`, `round_trips`, and `strategies` (each child's name
 * and statistics). doc/REPORTS.md describes every member.
 *
 * Returns: (transfer full): indented JSON text
 */
char *
aat_report_to_json (AatReport *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (AatReportStatistics) s = NULL;
  guint i;

  g_return_val_if_fail (AAT_IS_REPORT (self), NULL);
  s = aat_report_compute (self);

  json_builder_begin_object (b);
  add_string (b, "title", self->title);
  add_string (b, "generator", "aat " AAT_VERSION);
  json_builder_set_member_name (b, "statistics");
  build_statistics (b, s);

  json_builder_set_member_name (b, "strategies");
  json_builder_begin_array (b);
  for (i = 0; i < self->children->len; i++)
    {
      Child *c = self->children->pdata[i];
      g_autoptr (AatReportStatistics) cs = aat_report_compute (c->report);

      json_builder_begin_object (b);
      add_string (b, "name", c->name);
      json_builder_set_member_name (b, "statistics");
      build_statistics (b, cs);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "equity_curve");
  json_builder_begin_array (b);
  for (i = 0; i < self->curve->len; i++)
    {
      const AatEquityPoint *p = &g_array_index (self->curve, AatEquityPoint, i);

      json_builder_begin_object (b);
      add_time (b, "time", p->time);
      add_double (b, "value", p->value);
      add_double (b, "cash", p->cash);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "orders");
  json_builder_begin_array (b);
  for (i = 0; i < self->orders->len; i++)
    build_order (b, self->orders->pdata[i]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "fills");
  json_builder_begin_array (b);
  for (i = 0; i < self->fills->len; i++)
    build_fill (b, self->fills->pdata[i]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "round_trips");
  json_builder_begin_array (b);
  for (i = 0; i < self->trips->len; i++)
    {
      const RoundTrip *t = &g_array_index (self->trips, RoundTrip, i);

      json_builder_begin_object (b);
      add_string (b, "instrument", aat_instrument_get_name (t->instrument));
      add_string (b, "direction", t->is_long ? "long" : "short");
      add_time (b, "open_time", t->open_time);
      add_time (b, "close_time", t->close_time);
      add_double (b, "volume", t->volume);
      add_double (b, "pnl", t->pnl);
      add_double (b, "fees", t->fees);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return builder_to_string (b, TRUE);
}

/* ---------------------------------------------------------------- plots */

#define PLOT_W 1000
#define PLOT_H 560
#define FONT "sans-serif"

typedef struct {
  double x, y, w, h;            /* the data area, in device units */
  double x0, x1, y0, y1;        /* the data range */
} Frame;

static const double palette[][3] = {
  { 0.12, 0.47, 0.71 }, { 1.00, 0.50, 0.05 }, { 0.17, 0.63, 0.17 }, { 0.84, 0.15, 0.16 },
  { 0.58, 0.40, 0.74 }, { 0.55, 0.34, 0.29 }, { 0.89, 0.47, 0.76 }, { 0.50, 0.50, 0.50 },
};

static double
fx (const Frame *f, double v)
{
  return f->x + (v - f->x0) / (f->x1 - f->x0) * f->w;
}

static double
fy (const Frame *f, double v)
{
  return f->y + f->h - (v - f->y0) / (f->y1 - f->y0) * f->h;
}

static void
text_at (cairo_t *cr, double x, double y, const char *text, double ax, double ay)
{
  cairo_text_extents_t e;

  cairo_text_extents (cr, text, &e);
  cairo_move_to (cr, x - e.x_advance * ax, y + e.height * (1.0 - ay));
  cairo_show_text (cr, text);
}

/* A step of 1, 2 or 5 × 10^k that cuts [lo, hi] into about n parts. */
static double
nice_step (double lo, double hi, int n)
{
  double raw = (hi - lo) / n, mag, f;

  if (!(raw > 0.0))
    return 1.0;
  mag = pow (10.0, floor (log10 (raw)));
  f = raw / mag;
  return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * mag;
}

static void
nice_range (double *lo, double *hi, gboolean zero)
{
  double step, pad;

  if (zero)
    {
      if (*lo > 0.0)
        *lo = 0.0;
      if (*hi < 0.0)
        *hi = 0.0;
    }
  if (!isfinite (*lo) || !isfinite (*hi))
    {
      *lo = 0.0;
      *hi = 1.0;
    }
  if (*hi - *lo < 1e-9 * MAX (1.0, fabs (*hi)))
    {
      pad = fabs (*hi) > 0.0 ? fabs (*hi) * 0.01 : 1.0;
      *lo -= pad;
      *hi += pad;
    }
  step = nice_step (*lo, *hi, 5);
  *lo = floor (*lo / step) * step;
  *hi = ceil (*hi / step) * step;
}

static char *
format_value (double v, double step, gboolean percent)
{
  int digits = step >= 1.0 ? 0 : (int) ceil (-log10 (step) - 1e-9);
  double av;

  if (fabs (v) < step * 1e-6)
    v = 0.0;            /* no "-0" */
  av = fabs (v);
  if (percent)
    return g_strdup_printf ("%.*f%%", MAX (0, digits - 2), v * 100.0);
  if (step >= 1e6 && av >= 1e6)
    return g_strdup_printf ("%gM", v / 1e6);
  if (step >= 1e3 && av >= 1e4)
    return g_strdup_printf ("%gk", v / 1e3);
  return g_strdup_printf ("%.*f", MIN (digits, 8), v);
}

static void
draw_y_axis (cairo_t *cr, const Frame *f, gboolean percent, const char *label)
{
  double step = nice_step (f->y0, f->y1, 5);

  cairo_set_font_size (cr, 12);
  for (double v = ceil (f->y0 / step - 1e-9) * step; v <= f->y1 + step * 1e-9; v += step)
    {
      g_autofree char *t = format_value (v, step, percent);
      double y = round (fy (f, v)) + 0.5;

      cairo_set_source_rgb (cr, 0.88, 0.88, 0.88);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, f->x, y);
      cairo_line_to (cr, f->x + f->w, y);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      text_at (cr, f->x - 6, y, t, 1.0, 0.5);
    }
  if (label)
    {
      cairo_save (cr);
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      cairo_set_font_size (cr, 13);
      cairo_move_to (cr, 16, f->y + f->h / 2);
      cairo_rotate (cr, -G_PI / 2);
      {
        cairo_text_extents_t e;
        cairo_text_extents (cr, label, &e);
        cairo_rel_move_to (cr, -e.x_advance / 2, 0);
      }
      cairo_show_text (cr, label);
      cairo_restore (cr);
    }
}

/* Calendar ticks for a time axis: seconds-based steps, then months and years. */
typedef struct {
  gint64 seconds;       /* 0 for months/years */
  int months;
  const char *format;
} TickUnit;

static const TickUnit tick_units[] = {
  { 60, 0, "%H:%M" }, { 300, 0, "%H:%M" }, { 900, 0, "%H:%M" }, { 1800, 0, "%H:%M" },
  { 3600, 0, "%m-%d %H:%M" }, { 7200, 0, "%m-%d %H:%M" }, { 3 * 3600, 0, "%m-%d %H:%M" },
  { 6 * 3600, 0, "%m-%d %H:%M" }, { 12 * 3600, 0, "%m-%d %H:%M" },
  { 86400, 0, "%Y-%m-%d" }, { 2 * 86400, 0, "%Y-%m-%d" }, { 7 * 86400, 0, "%Y-%m-%d" },
  { 14 * 86400, 0, "%Y-%m-%d" },
  { 0, 1, "%b %Y" }, { 0, 2, "%b %Y" }, { 0, 3, "%b %Y" }, { 0, 6, "%b %Y" },
  { 0, 12, "%Y" }, { 0, 24, "%Y" }, { 0, 60, "%Y" }, { 0, 120, "%Y" }, { 0, 240, "%Y" },
};

static void
draw_time_axis (cairo_t *cr, const Frame *f, gboolean labels)
{
  double span_s = (f->x1 - f->x0) / AAT_TIME_SECOND;
  const TickUnit *u = &tick_units[G_N_ELEMENTS (tick_units) - 1];
  guint i;
  int max_ticks = 9;

  for (i = 0; i < G_N_ELEMENTS (tick_units); i++)
    {
      double approx = tick_units[i].seconds ? tick_units[i].seconds : tick_units[i].months * 30.44 * 86400;

      if (span_s / approx <= max_ticks)
        {
          u = &tick_units[i];
          break;
        }
    }

  cairo_set_font_size (cr, 12);
  if (labels && u->seconds != 0 && u->seconds < 86400)
    {
      /* clock-time labels: the first day's date under the axis's left end */
      g_autofree char *day = format_date ((AatTime) f->x0, "%Y-%m-%d");

      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      text_at (cr, f->x - 4, f->y + f->h + 8, day, 1.0, 0.0);
    }
  for (i = 0; i < 400; i++)
    {
      AatTime t;
      double x;

      if (u->seconds)
        {
          gint64 step = u->seconds * AAT_TIME_SECOND;
          gint64 first = (gint64) ceil (f->x0 / step) * step;

          t = first + (gint64) i * step;
        }
      else
        {
          g_autoptr (GDateTime) d0 = aat_time_to_date_time ((AatTime) f->x0);
          int y = g_date_time_get_year (d0), m = g_date_time_get_month (d0) - 1;
          int months = y * 12 + m, idx;
          g_autoptr (GDateTime) dt = NULL;

          /* the first month boundary at or after x0, aligned to the step */
          if (g_date_time_get_day_of_month (d0) != 1 || g_date_time_get_hour (d0) != 0 ||
              g_date_time_get_minute (d0) != 0 || g_date_time_get_second (d0) != 0)
            months++;
          months = (months + u->months - 1) / u->months * u->months;
          idx = months + (int) i * u->months;
          dt = g_date_time_new_utc (idx / 12, idx % 12 + 1, 1, 0, 0, 0);
          if (dt == NULL)
            break;
          t = aat_time_from_date_time (dt);
        }
      if (t > f->x1)
        break;
      if (t < f->x0)
        continue;
      x = round (fx (f, (double) t)) + 0.5;
      cairo_set_source_rgb (cr, 0.88, 0.88, 0.88);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, x, f->y);
      cairo_line_to (cr, x, f->y + f->h);
      cairo_stroke (cr);
      if (labels)
        {
          g_autofree char *text = format_date (t, u->format);

          cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
          text_at (cr, x, f->y + f->h + 8, text, 0.5, 0.0);
        }
    }
}

static void
draw_frame_box (cairo_t *cr, const Frame *f)
{
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, round (f->x) + 0.5, round (f->y) + 0.5, round (f->w), round (f->h));
  cairo_stroke (cr);
}

static void
draw_title (cairo_t *cr, const char *title, const char *subtitle)
{
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_select_font_face (cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 16);
  cairo_move_to (cr, 70, 26);
  cairo_show_text (cr, title);
  cairo_select_font_face (cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  if (subtitle)
    {
      cairo_set_font_size (cr, 12);
      cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
      cairo_move_to (cr, 70, 44);
      cairo_show_text (cr, subtitle);
    }
}

/* A label in the top left corner of a panel, on a white box so that it stays legible
 * over the data. */
static void
draw_panel_label (cairo_t *cr, const Frame *f, const char *text)
{
  cairo_text_extents_t e;

  cairo_set_font_size (cr, 12);
  cairo_text_extents (cr, text, &e);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
  cairo_rectangle (cr, f->x + 3, f->y + 3, e.x_advance + 10, 18);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  text_at (cr, f->x + 8, f->y + 7, text, 0.0, 0.0);
}

static void
draw_empty (cairo_t *cr, const Frame *f, const char *text)
{
  cairo_set_font_size (cr, 14);
  cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
  text_at (cr, f->x + f->w / 2, f->y + f->h / 2, text, 0.5, 0.5);
}

static void
time_range (AatReport *self, double *t0, double *t1)
{
  if (self->curve->len > 0)
    {
      *t0 = g_array_index (self->curve, AatEquityPoint, 0).time;
      *t1 = g_array_index (self->curve, AatEquityPoint, self->curve->len - 1).time;
    }
  else if (self->fills->len > 0)
    {
      *t0 = aat_trade_get_timestamp (self->fills->pdata[0]);
      *t1 = aat_trade_get_timestamp (self->fills->pdata[self->fills->len - 1]);
    }
  else
    *t0 = *t1 = 0;
  if (*t1 <= *t0)
    {
      *t0 -= DAY / 2;
      *t1 += DAY / 2;
    }
}

static void
draw_equity (AatReport *self, cairo_t *cr, double w, double h)
{
  AatReportStatistics *s = aat_report_compute (self);
  g_autofree char *subtitle = NULL;
  g_autofree char *tr = fmt_pct (s->total_return), *dd = fmt_pct (s->max_drawdown);
  g_autofree char *sh = fmt_num (s->sharpe, 2);
  Frame top = { 80, 56, w - 100, (h - 56 - 40) * 0.68 - 10 };
  Frame bot = { 80, 0, w - 100, 0 };
  GArray *c = self->curve;
  double lo = INFINITY, hi = -INFINITY, peak = -INFINITY, worst = 0.0;
  guint i;

  subtitle = g_strdup_printf ("total return %s, max drawdown %s, Sharpe %s; all times UTC",
                              tr, dd, sh);
  draw_title (cr, "Equity and drawdown", subtitle);
  bot.y = top.y + top.h + 14;
  bot.h = h - bot.y - 40;
  time_range (self, &top.x0, &top.x1);
  bot.x0 = top.x0;
  bot.x1 = top.x1;

  for (i = 0; i < c->len; i++)
    {
      const AatEquityPoint *p = &g_array_index (c, AatEquityPoint, i);

      lo = MIN (lo, p->value);
      hi = MAX (hi, p->value);
      peak = MAX (peak, p->value);
      if (peak > 0.0)
        worst = MIN (worst, p->value / peak - 1.0);
    }
  top.y0 = lo;
  top.y1 = hi;
  nice_range (&top.y0, &top.y1, FALSE);
  bot.y0 = worst;
  bot.y1 = 0.0;
  nice_range (&bot.y0, &bot.y1, TRUE);
  bot.y1 = 0.0;

  draw_y_axis (cr, &top, FALSE, "value");
  draw_time_axis (cr, &top, FALSE);
  draw_y_axis (cr, &bot, TRUE, "drawdown");
  draw_time_axis (cr, &bot, TRUE);

  if (c->len == 0)
    draw_empty (cr, &top, "no equity curve recorded");
  else
    {
      /* the equity line */
      cairo_save (cr);
      cairo_rectangle (cr, top.x, top.y, top.w, top.h);
      cairo_clip (cr);
      cairo_set_source_rgb (cr, palette[0][0], palette[0][1], palette[0][2]);
      cairo_set_line_width (cr, 1.8);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      for (i = 0; i < c->len; i++)
        {
          const AatEquityPoint *p = &g_array_index (c, AatEquityPoint, i);
          cairo_line_to (cr, fx (&top, p->time), fy (&top, p->value));
        }
      cairo_stroke (cr);
      cairo_restore (cr);

      /* the drawdown area */
      cairo_save (cr);
      cairo_rectangle (cr, bot.x, bot.y, bot.w, bot.h);
      cairo_clip (cr);
      peak = -INFINITY;
      cairo_move_to (cr, fx (&bot, g_array_index (c, AatEquityPoint, 0).time), fy (&bot, 0.0));
      for (i = 0; i < c->len; i++)
        {
          const AatEquityPoint *p = &g_array_index (c, AatEquityPoint, i);
          double d;

          peak = MAX (peak, p->value);
          d = peak > 0.0 ? p->value / peak - 1.0 : 0.0;
          cairo_line_to (cr, fx (&bot, p->time), fy (&bot, d));
        }
      cairo_line_to (cr, fx (&bot, g_array_index (c, AatEquityPoint, c->len - 1).time), fy (&bot, 0.0));
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, 0.84, 0.15, 0.16, 0.35);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.70, 0.10, 0.10);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  draw_frame_box (cr, &top);
  draw_frame_box (cr, &bot);
  draw_panel_label (cr, &top, "value (cash + marked positions)");
  draw_panel_label (cr, &bot, "drawdown from the running peak");
  aat_report_statistics_free (s);
}

static void
draw_positions (AatReport *self, cairo_t *cr, double w, double h)
{
  Frame f = { 80, 56, w - 100, h - 56 - 40 };
  double lo = 0.0, hi = 0.0, lx;
  guint i, j;

  analyse (self);
  draw_title (cr, "Positions", "signed size per instrument (long > 0, short < 0); all times UTC");
  time_range (self, &f.x0, &f.x1);
  for (i = 0; i < self->positions->len; i++)
    {
      PositionSeries *ps = self->positions->pdata[i];
      for (j = 0; j < ps->steps->len; j++)
        {
          lo = MIN (lo, g_array_index (ps->steps, StepPoint, j).size);
          hi = MAX (hi, g_array_index (ps->steps, StepPoint, j).size);
        }
    }
  f.y0 = lo;
  f.y1 = hi;
  nice_range (&f.y0, &f.y1, TRUE);
  draw_y_axis (cr, &f, FALSE, "size");
  draw_time_axis (cr, &f, TRUE);

  if (self->positions->len == 0)
    draw_empty (cr, &f, "no fills: never held a position");

  cairo_save (cr);
  cairo_rectangle (cr, f.x, f.y, f.w, f.h);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, f.x, round (fy (&f, 0.0)) + 0.5);
  cairo_line_to (cr, f.x + f.w, round (fy (&f, 0.0)) + 0.5);
  cairo_stroke (cr);
  for (i = 0; i < self->positions->len; i++)
    {
      PositionSeries *ps = self->positions->pdata[i];
      const double *col = palette[i % G_N_ELEMENTS (palette)];
      double size = 0.0;

      cairo_set_line_width (cr, 1.6);
      cairo_move_to (cr, fx (&f, f.x0), fy (&f, 0.0));
      for (j = 0; j < ps->steps->len; j++)
        {
          const StepPoint *sp = &g_array_index (ps->steps, StepPoint, j);

          cairo_line_to (cr, fx (&f, sp->time), fy (&f, size));
          cairo_line_to (cr, fx (&f, sp->time), fy (&f, sp->size));
          size = sp->size;
        }
      cairo_line_to (cr, fx (&f, f.x1), fy (&f, size));
      cairo_line_to (cr, fx (&f, f.x1), fy (&f, 0.0));
      cairo_set_source_rgba (cr, col[0], col[1], col[2], 0.18);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, col[0], col[1], col[2]);
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  /* legend */
  cairo_set_font_size (cr, 12);
  lx = f.x + f.w;
  for (i = self->positions->len; i-- > 0;)
    {
      PositionSeries *ps = self->positions->pdata[i];
      const double *col = palette[i % G_N_ELEMENTS (palette)];
      const char *name = aat_instrument_get_name (ps->instrument);
      cairo_text_extents_t e;

      cairo_text_extents (cr, name, &e);
      lx -= e.x_advance + 8;
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      text_at (cr, lx, 30, name, 0.0, 0.5);
      lx -= 22;
      cairo_set_source_rgb (cr, col[0], col[1], col[2]);
      cairo_rectangle (cr, lx, 26, 16, 4);
      cairo_fill (cr);
      lx -= 10;
    }
  draw_frame_box (cr, &f);
}

static void
draw_trades (AatReport *self, cairo_t *cr, double w, double h)
{
  Frame f = { 80, 56, w - 100, h - 56 - 40 };
  double lo = 0.0, hi = 0.0, bw, step;
  g_autofree char *subtitle = NULL;
  guint i, n;

  analyse (self);
  n = self->trips->len;
  subtitle = g_strdup_printf ("%u round trips in closing order, fees included; "
                              "green a gain, red a loss", n);
  draw_title (cr, "P&L per trade", subtitle);
  for (i = 0; i < n; i++)
    {
      lo = MIN (lo, g_array_index (self->trips, RoundTrip, i).pnl);
      hi = MAX (hi, g_array_index (self->trips, RoundTrip, i).pnl);
    }
  f.x0 = 0.5;
  f.x1 = MAX (n, 1) + 0.5;
  f.y0 = lo;
  f.y1 = hi;
  nice_range (&f.y0, &f.y1, TRUE);
  draw_y_axis (cr, &f, FALSE, "P&L");

  /* x: trade numbers */
  step = MAX (1.0, nice_step (0, n, 10));
  cairo_set_font_size (cr, 12);
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  for (double k = step == 1.0 ? 1.0 : step; k <= n; k += step)
    {
      g_autofree char *t = g_strdup_printf ("%.0f", k);
      text_at (cr, fx (&f, k), f.y + f.h + 8, t, 0.5, 0.0);
    }
  text_at (cr, f.x + f.w, f.y + f.h + 24, "trade #", 1.0, 0.0);

  if (n == 0)
    draw_empty (cr, &f, "no round trips closed");

  cairo_save (cr);
  cairo_rectangle (cr, f.x, f.y, f.w, f.h);
  cairo_clip (cr);
  bw = MAX (1.0, f.w / MAX (n, 1) * 0.7);
  for (i = 0; i < n; i++)
    {
      const RoundTrip *t = &g_array_index (self->trips, RoundTrip, i);
      double x = fx (&f, i + 1), y0 = fy (&f, 0.0), y1 = fy (&f, t->pnl);

      if (t->pnl >= 0.0)
        cairo_set_source_rgb (cr, 0.17, 0.63, 0.17);
      else
        cairo_set_source_rgb (cr, 0.84, 0.15, 0.16);
      cairo_rectangle (cr, x - bw / 2, MIN (y0, y1), bw, MAX (fabs (y1 - y0), 0.5));
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, f.x, round (fy (&f, 0.0)) + 0.5);
  cairo_line_to (cr, f.x + f.w, round (fy (&f, 0.0)) + 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);
  draw_frame_box (cr, &f);
}

typedef void (*DrawFunc) (AatReport *self, cairo_t *cr, double w, double h);

static const struct {
  const char *name;
  DrawFunc draw;
} plots[] = {
  { "equity", draw_equity },
  { "positions", draw_positions },
  { "trades", draw_trades },
};

static DrawFunc
find_plot (const char *plot, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    if (strcmp (plots[i].name, plot) == 0)
      return plots[i].draw;
  g_set_error (error, AAT_REPORT_ERROR, AAT_REPORT_ERROR_PLOT,
               "unknown plot '%s'; the plots are equity, positions and trades", plot);
  return NULL;
}

static void
render (AatReport *self, DrawFunc draw, cairo_surface_t *surface)
{
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_select_font_face (cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  draw (self, cr, PLOT_W, PLOT_H);
  cairo_destroy (cr);
}

static cairo_status_t
append_to_string (void *closure, const unsigned char *data, unsigned int length)
{
  g_string_append_len (closure, (const char *) data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * aat_report_plot_svg:
 * @self: a report
 * @plot: `equity` (the equity curve with the drawdown underneath), `positions` (the
 *   size held per instrument over time) or `trades` (the P&L of each round trip)
 * @error: return location for an error
 *
 * Draws a plot as an SVG document.
 *
 * Returns: (transfer full) (nullable): the SVG text, or %NULL with @error set
 */
char *
aat_report_plot_svg (AatReport *self, const char *plot, GError **error)
{
  DrawFunc draw;
  GString *out;
  cairo_surface_t *surface;
  cairo_status_t status;

  g_return_val_if_fail (AAT_IS_REPORT (self), NULL);
  g_return_val_if_fail (plot != NULL, NULL);
  draw = find_plot (plot, error);
  if (draw == NULL)
    return NULL;
  out = g_string_new (NULL);
  surface = cairo_svg_surface_create_for_stream (append_to_string, out, PLOT_W, PLOT_H);
  cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
  render (self, draw, surface);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AAT_REPORT_ERROR, AAT_REPORT_ERROR_PLOT, "plot %s: %s", plot,
                   cairo_status_to_string (status));
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/**
 * aat_report_write_plot:
 * @self: a report
 * @plot: `equity`, `positions` or `trades` (see aat_report_plot_svg())
 * @path: (type filename): where to write; a name ending in `.svg` gets SVG, any other
 *   PNG
 * @error: return location for an error
 *
 * Draws a plot into a file.
 *
 * Returns: %TRUE on success
 */
gboolean
aat_report_write_plot (AatReport *self, const char *plot, const char *path, GError **error)
{
  DrawFunc draw;
  cairo_surface_t *surface;
  cairo_status_t status;

  g_return_val_if_fail (AAT_IS_REPORT (self), FALSE);
  g_return_val_if_fail (plot != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_str_has_suffix (path, ".svg"))
    {
      g_autofree char *svg = aat_report_plot_svg (self, plot, error);
      g_autoptr (GError) local = NULL;

      if (svg == NULL)
        return FALSE;
      if (!g_file_set_contents (path, svg, -1, &local))
        {
          g_set_error (error, AAT_REPORT_ERROR, AAT_REPORT_ERROR_IO, "%s", local->message);
          return FALSE;
        }
      return TRUE;
    }

  draw = find_plot (plot, error);
  if (draw == NULL)
    return FALSE;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, PLOT_W, PLOT_H);
  render (self, draw, surface);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AAT_REPORT_ERROR, AAT_REPORT_ERROR_IO, "%s: %s", path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- HTML */

/* An SVG document made fit to sit inline in a page beside others: no XML declaration;
 * every id (cairo names its glyphs glyph0-1, … in each document) prefixed so that the
 * references of one plot cannot resolve to the glyphs of another; and, as HTML5 allows
 * for inline SVG, no namespace declarations and plain href, so that the page holds no
 * URL at all. */
static char *
inline_svg (const char *svg, const char *prefix)
{
  const char *p = strstr (svg, "<svg");
  GString *out = g_string_new (NULL);
  static const char * const refs[] = { "id=\"", "href=\"#", "url(#" };
  static const char * const drop[] = {
    " xmlns=\"http://www.w3.org/2000/svg\"", " xmlns:xlink=\"http://www.w3.org/1999/xlink\"",
    "xlink:",
  };

  if (p == NULL)
    p = svg;
  while (*p)
    {
      gboolean matched = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (drop); i++)
        if (strncmp (p, drop[i], strlen (drop[i])) == 0)
          {
            p += strlen (drop[i]);
            matched = TRUE;
            break;
          }
      if (matched)
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (refs); i++)
        if (strncmp (p, refs[i], strlen (refs[i])) == 0)
          {
            g_string_append (out, refs[i]);
            g_string_append (out, prefix);
            p += strlen (refs[i]);
            matched = TRUE;
            break;
          }
      if (!matched)
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

static void
html_row (GString *h, const char *name, const char *value)
{
  g_autofree char *n = g_markup_escape_text (name, -1);
  g_autofree char *v = g_markup_escape_text (value, -1);

  g_string_append_printf (h, "<tr><th>%s</th><td>%s</td></tr>\n", n, v);
}

static void
html_statistics (GString *h, const AatReportStatistics *s)
{
  g_autofree char *from = format_date (s->start_time, "%Y-%m-%d %H:%M UTC");
  g_autofree char *to = format_date (s->end_time, "%Y-%m-%d %H:%M UTC");
  g_autofree char *sv = fmt_num (s->start_value, 2), *ev = fmt_num (s->end_value, 2);
  g_autofree char *tr = fmt_pct (s->total_return), *cagr = fmt_pct (s->cagr);
  g_autofree char *vol = fmt_pct (s->volatility), *rf = fmt_pct (s->risk_free_rate);
  g_autofree char *sh = fmt_num (s->sharpe, 3), *so = fmt_num (s->sortino, 3);
  g_autofree char *dd = fmt_pct (s->max_drawdown), *ddv = fmt_num (s->max_drawdown_value, 2);
  g_autofree char *ddd = format_duration (s->max_drawdown_duration);
  g_autofree char *wr = fmt_pct (s->win_rate), *pf = fmt_num (s->profit_factor, 3);
  g_autofree char *fees = fmt_num (s->fees, 2), *tov = fmt_num (s->turnover, 2);
  g_autofree char *tor = fmt_num (s->turnover_ratio, 2), *ex = fmt_pct (s->exposure);
  g_autofree char *ppy = fmt_num (s->periods_per_year, 2);
  g_autofree char *period = g_strdup_printf ("%s to %s", from, to);
  g_autofree char *points = g_strdup_printf ("%u (%s periods a year)", s->n_points, ppy);
  g_autofree char *dds = g_strdup_printf ("%s (%s), longest %s under a peak", dd, ddv, ddd);
  g_autofree char *trips = g_strdup_printf ("%u (%u won, %u lost)", s->n_round_trips,
                                            s->n_winning, s->n_losing);
  g_autofree char *of = g_strdup_printf ("%u / %u", s->n_orders, s->n_fills);
  g_autofree char *tos = g_strdup_printf ("%s (%s × mean value)", tov, tor);

  g_string_append (h, "<table class=\"stats\">\n");
  html_row (h, "Period", period);
  html_row (h, "Curve points", points);
  html_row (h, "Start value", sv);
  html_row (h, "End value", ev);
  html_row (h, "Total return", tr);
  html_row (h, "CAGR", cagr);
  html_row (h, "Volatility (annualized)", vol);
  html_row (h, "Sharpe ratio", sh);
  html_row (h, "Sortino ratio", so);
  html_row (h, "Risk-free rate", rf);
  html_row (h, "Maximum drawdown", dds);
  html_row (h, "Round trips", trips);
  html_row (h, "Win rate", wr);
  html_row (h, "Profit factor", pf);
  html_row (h, "Orders / fills", of);
  html_row (h, "Fees", fees);
  html_row (h, "Turnover", tos);
  html_row (h, "Exposure", ex);
  g_string_append (h, "</table>\n");
}

#define HTML_MAX_ROWS 1000

/**
 * aat_report_to_html:
 * @self: a report
 * @error: return location for an error
 *
 * The report as one self-contained HTML page: the statistics, the three plots as
 * inline SVG, the round trips and the fills. It refers to nothing outside itself, so
 * it opens offline.
 *
 * Returns: (transfer full) (nullable): the HTML text, or %NULL with @error set
 */
char *
aat_report_to_html (AatReport *self, GError **error)
{
  g_autoptr (AatReportStatistics) s = NULL;
  g_autofree char *title = NULL;
  GString *h;
  guint i;

  g_return_val_if_fail (AAT_IS_REPORT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  s = aat_report_compute (self);
  title = g_markup_escape_text (self->title, -1);

  h = g_string_new ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
  g_string_append_printf (h, "<title>%s</title>\n", title);
  g_string_append (h,
    "<style>\n"
    "body{font-family:sans-serif;margin:2em auto;max-width:1040px;color:#222}\n"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}\n"
    "table{border-collapse:collapse;font-size:.9em}\n"
    "th,td{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:right}\n"
    "table.stats th{text-align:left;font-weight:normal;color:#555}\n"
    "svg{max-width:100%;height:auto;display:block;margin:1em 0}\n"
    "</style>\n</head>\n<body>\n");
  g_string_append_printf (h, "<h1>%s</h1>\n", title);
  g_string_append (h, "<p>Generated by aat " AAT_VERSION ". Definitions of every "
                      "statistic: doc/REPORTS.md in the aat sources.</p>\n");
  html_statistics (h, s);
  for (i = 0; i < self->children->len; i++)
    {
      Child *c = self->children->pdata[i];
      g_autoptr (AatReportStatistics) cs = aat_report_compute (c->report);
      g_autofree char *name = g_markup_escape_text (c->name, -1);

      g_string_append_printf (h, "<h2>Strategy %s</h2>\n", name);
      html_statistics (h, cs);
    }

  for (i = 0; i < G_N_ELEMENTS (plots); i++)
    {
      g_autofree char *svg = aat_report_plot_svg (self, plots[i].name, error);
      g_autofree char *prefix = g_strdup_printf ("%s-", plots[i].name);
      g_autofree char *inl = NULL;

      if (svg == NULL)
        {
          g_string_free (h, TRUE);
          return NULL;
        }
      inl = inline_svg (svg, prefix);
      g_string_append_printf (h, "<h2 id=\"plot-%s\">%s</h2>\n", plots[i].name,
                              i == 0 ? "Equity and drawdown" : i == 1 ? "Positions" : "P&amp;L per trade");
      g_string_append (h, inl);
      g_string_append_c (h, '\n');
    }

  g_string_append (h, "<h2>Round trips</h2>\n<table>\n<tr><th>#</th><th>instrument</th>"
                      "<th>direction</th><th>opened (UTC)</th><th>closed (UTC)</th>"
                      "<th>volume</th><th>P&amp;L</th><th>fees</th></tr>\n");
  for (i = 0; i < self->trips->len && i < HTML_MAX_ROWS; i++)
    {
      const RoundTrip *t = &g_array_index (self->trips, RoundTrip, i);
      g_autofree char *name = g_markup_escape_text (aat_instrument_get_name (t->instrument), -1);
      g_autofree char *o = aat_time_format_iso8601 (t->open_time);
      g_autofree char *c = aat_time_format_iso8601 (t->close_time);

      g_string_append_printf (h, "<tr><td>%u</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                                 "<td>%g</td><td>%.2f</td><td>%.2f</td></tr>\n",
                              i + 1, name, t->is_long ? "long" : "short", o, c, t->volume,
                              t->pnl, t->fees);
    }
  g_string_append (h, "</table>\n");
  if (self->trips->len > HTML_MAX_ROWS)
    g_string_append_printf (h, "<p>… and %u more (all of them are in report.json).</p>\n",
                            self->trips->len - HTML_MAX_ROWS);

  g_string_append (h, "<h2>Fills</h2>\n<table>\n<tr><th>time (UTC)</th><th>order</th>"
                      "<th>instrument</th><th>side</th><th>volume</th><th>price</th>"
                      "<th>fee</th></tr>\n");
  for (i = 0; i < self->fills->len && i < HTML_MAX_ROWS; i++)
    {
      AatTrade *f = self->fills->pdata[i];
      AatOrder *o = aat_trade_get_taker_order (f);
      g_autofree char *name = g_markup_escape_text (aat_instrument_get_name (aat_trade_get_instrument (f)), -1);
      g_autofree char *t = aat_time_format_iso8601 (aat_trade_get_timestamp (f));

      g_string_append_printf (h, "<tr><td>%s</td><td>%" G_GINT64_FORMAT "</td><td>%s</td>"
                                 "<td>%s</td><td>%g</td><td>%.6g</td><td>%.2f</td></tr>\n",
                              t, o ? (gint64) aat_order_get_id (o) : (gint64) -1, name,
                              aat_trade_get_side (f) == AAT_SIDE_BUY ? "buy" : "sell",
                              aat_trade_get_volume (f), aat_trade_get_price (f),
                              aat_trade_get_fee (f));
    }
  g_string_append (h, "</table>\n");
  if (self->fills->len > HTML_MAX_ROWS)
    g_string_append_printf (h, "<p>… and %u more (all of them are in report.json).</p>\n",
                            self->fills->len - HTML_MAX_ROWS);
  g_string_append (h, "</body>\n</html>\n");
  return g_string_free (h, FALSE);
}

/* ---------------------------------------------------------------- files */

static gboolean
write_text (const char *dir, const char *name, const char *text, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) local = NULL;

  if (!g_file_set_contents (path, text, -1, &local))
    {
      g_set_error (error, AAT_REPORT_ERROR, AAT_REPORT_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * aat_report_write:
 * @self: a report
 * @dir: (type filename): a directory, created if missing
 * @error: return location for an error
 *
 * Writes the whole report into @dir: `report.json`, `summary.txt`, `report.html`, and
 * `equity`, `positions` and `trades` plots each as `.png` and `.svg`.
 *
 * Returns: %TRUE on success
 */
gboolean
aat_report_write (AatReport *self, const char *dir, GError **error)
{
  g_autofree char *json = NULL, *summary = NULL, *html = NULL;

  g_return_val_if_fail (AAT_IS_REPORT (self), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      int saved = errno;
      g_set_error (error, AAT_REPORT_ERROR, AAT_REPORT_ERROR_IO, "%s: %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  json = aat_report_to_json (self);
  summary = aat_report_format_summary (self);
  if (!write_text (dir, "report.json", json, error) ||
      !write_text (dir, "summary.txt", summary, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    {
      g_autofree char *png = g_strdup_printf ("%s/%s.png", dir, plots[i].name);
      g_autofree char *svg = g_strdup_printf ("%s/%s.svg", dir, plots[i].name);

      if (!aat_report_write_plot (self, plots[i].name, png, error) ||
          !aat_report_write_plot (self, plots[i].name, svg, error))
        return FALSE;
    }
  html = aat_report_to_html (self, error);
  if (html == NULL)
    return FALSE;
  return write_text (dir, "report.html", html, error);
}
