/* aat-indicators.c: streaming indicators for strategies.
 *
 * Every indicator keeps the last n inputs in a ring (a Window) and recomputes from it,
 * so a value never drifts with the length of the run. Sums are exact (Shewchuk's
 * algorithm, as Python's math.fsum), so an SMA is the correctly rounded mean of its
 * inputs: the value backtrader computes, to the last bit. Recursive indicators (EMA,
 * RSI) are seeded with the simple average of their first n inputs, as backtrader and
 * TA-Lib do.
 */
#include "config.h"
#include "aat-private.h"

#include <math.h>

typedef struct {
  double *v;
  guint period;
  guint head;     /* where the next value goes */
  guint count;    /* values held, at most period */
  guint64 seen;   /* values pushed since the last reset */
} Window;

static void
window_init (Window *w, guint period)
{
  w->v = g_new0 (double, period);
  w->period = period;
  w->head = 0;
  w->count = 0;
  w->seen = 0;
}

static void
window_clear (Window *w)
{
  g_clear_pointer (&w->v, g_free);
}

static void
window_reset (Window *w)
{
  w->head = 0;
  w->count = 0;
  w->seen = 0;
}

static void
window_push (Window *w, double value)
{
  w->v[w->head] = value;
  w->head = (w->head + 1) % w->period;
  if (w->count < w->period)
    w->count++;
  w->seen++;
}

static gboolean
window_full (const Window *w)
{
  return w->count == w->period;
}

/**
 * aat_exact_sum:
 * @values: (array length=n): the numbers
 * @n: how many
 *
 * Sums doubles exactly and rounds once (Shewchuk's algorithm, the one behind Python's
 * `math.fsum`), so the result does not depend on the order of @values.
 *
 * Returns: the correctly rounded sum
 */
double
aat_exact_sum (const double *values, gsize n)
{
  double partials[128];
  gsize np = 0, i, j, k;
  double hi = 0.0, lo = 0.0, naive = 0.0;

  for (i = 0; i < n; i++)
    naive += values[i];
  if (!isfinite (naive))
    return naive;
  for (i = 0; i < n; i++)
    {
      double x = values[i];
      for (j = 0, k = 0; j < np; j++)
        {
          double y = partials[j], t;
          if (fabs (x) < fabs (y))
            {
              t = x;
              x = y;
              y = t;
            }
          hi = x + y;
          lo = y - (hi - x);
          if (lo != 0.0)
            partials[k++] = lo;
          x = hi;
        }
      /* at most ~40 non-overlapping partials exist for finite doubles */
      if (k >= G_N_ELEMENTS (partials))
        return naive;
      partials[k++] = x;
      np = k;
    }
  hi = 0.0;
  if (np > 0)
    {
      hi = partials[--np];
      lo = 0.0;
      while (np > 0)
        {
          double x = hi, y = partials[--np], yr;
          hi = x + y;
          yr = hi - x;
          lo = y - yr;
          if (lo != 0.0)
            break;
        }
      /* round half-way cases the way the exact sum lies */
      if (np > 0 && ((lo < 0.0 && partials[np - 1] < 0.0) || (lo > 0.0 && partials[np - 1] > 0.0)))
        {
          double y = lo * 2.0, x = hi + y, yr = x - hi;
          if (y == yr)
            hi = x;
        }
    }
  return hi;
}

static double
window_mean (const Window *w)
{
  return aat_exact_sum (w->v, w->count) / w->count;
}

struct _AatSma {
  gint ref_count;
  Window w;
  gboolean ready;
  double value;
};

struct _AatEma {
  gint ref_count;
  Window w;       /* only the first n values, for the seed */
  gboolean ready;
  double value;
  double alpha;
};

struct _AatRsi {
  gint ref_count;
  Window w;       /* up moves of the first n changes, for the seed */
  gboolean ready;
  double value;
  gboolean have_prev;
  double prev;
  double *down;   /* down moves of the first n changes */
  double avg_up, avg_down;
};

struct _AatHighest {
  gint ref_count;
  Window w;
  gboolean ready;
  double value;
};

struct _AatLowest {
  gint ref_count;
  Window w;
  gboolean ready;
  double value;
};

struct _AatStdDev {
  gint ref_count;
  Window w;
  gboolean ready;
  double value;
  double mean;
};

struct _AatCrossOver {
  gint ref_count;
  gboolean seeded;   /* the first pair was seen */
  gboolean ready;
  double nzd;        /* the last non-zero a - b */
  int value;
};

G_DEFINE_BOXED_TYPE (AatSma, aat_sma, aat_sma_ref, aat_sma_unref)
G_DEFINE_BOXED_TYPE (AatEma, aat_ema, aat_ema_ref, aat_ema_unref)
G_DEFINE_BOXED_TYPE (AatRsi, aat_rsi, aat_rsi_ref, aat_rsi_unref)
G_DEFINE_BOXED_TYPE (AatHighest, aat_highest, aat_highest_ref, aat_highest_unref)
G_DEFINE_BOXED_TYPE (AatLowest, aat_lowest, aat_lowest_ref, aat_lowest_unref)
G_DEFINE_BOXED_TYPE (AatStdDev, aat_std_dev, aat_std_dev_ref, aat_std_dev_unref)
G_DEFINE_BOXED_TYPE (AatCrossOver, aat_cross_over, aat_cross_over_ref, aat_cross_over_unref)

/* What differs between the window indicators at creation, destruction and reset. */
static void sma_init_extra (AatSma *self) { }
static void sma_clear_extra (AatSma *self) { }
static void sma_reset_extra (AatSma *self) { }
static void ema_init_extra (AatEma *self) { self->alpha = 2.0 / (self->w.period + 1.0); }
static void ema_clear_extra (AatEma *self) { }
static void highest_init_extra (AatHighest *self) { }
static void highest_clear_extra (AatHighest *self) { }
static void lowest_init_extra (AatLowest *self) { }
static void lowest_clear_extra (AatLowest *self) { }
static void std_dev_init_extra (AatStdDev *self) { }
static void std_dev_clear_extra (AatStdDev *self) { }
static void rsi_init_extra (AatRsi *self) { self->down = g_new0 (double, self->w.period); }
static void rsi_clear_extra (AatRsi *self) { g_free (self->down); }
static void ema_reset_extra (AatEma *self) { }
static void highest_reset_extra (AatHighest *self) { }
static void lowest_reset_extra (AatLowest *self) { }
static void std_dev_reset_extra (AatStdDev *self) { self->mean = 0.0; }
static void
rsi_reset_extra (AatRsi *self)
{
  self->have_prev = FALSE;
  self->prev = self->avg_up = self->avg_down = 0.0;
}

/* The six window indicators share their life cycle and accessors; each type's doc
 * comments stand before its WINDOW_INDICATOR line, and its differences live in the
 * PREFIX_init_extra / _clear_extra / _reset_extra hooks above and in its update. */
#define WINDOW_INDICATOR(T, t, prefix)                                        \
  T *                                                                         \
  t##_new (guint period)                                                      \
  {                                                                           \
    T *self;                                                                  \
                                                                              \
    g_return_val_if_fail (period > 0, NULL);                                  \
    self = g_new0 (T, 1);                                                     \
    self->ref_count = 1;                                                      \
    window_init (&self->w, period);                                           \
    prefix##_init_extra (self);                                               \
    return self;                                                              \
  }                                                                           \
                                                                              \
  T *                                                                         \
  t##_ref (T *self)                                                           \
  {                                                                           \
    g_return_val_if_fail (self != NULL, NULL);                                \
    g_atomic_int_inc (&self->ref_count);                                      \
    return self;                                                              \
  }                                                                           \
                                                                              \
  void                                                                        \
  t##_unref (T *self)                                                         \
  {                                                                           \
    g_return_if_fail (self != NULL);                                          \
    if (g_atomic_int_dec_and_test (&self->ref_count))                         \
      {                                                                       \
        window_clear (&self->w);                                              \
        prefix##_clear_extra (self);                                          \
        g_free (self);                                                        \
      }                                                                       \
  }                                                                           \
                                                                              \
  double                                                                      \
  t##_get_value (const T *self)                                               \
  {                                                                           \
    g_return_val_if_fail (self != NULL, NAN);                                 \
    return self->ready ? self->value : NAN;                                   \
  }                                                                           \
                                                                              \
  gboolean                                                                    \
  t##_is_ready (const T *self)                                                \
  {                                                                           \
    g_return_val_if_fail (self != NULL, FALSE);                               \
    return self->ready;                                                       \
  }                                                                           \
                                                                              \
  guint                                                                       \
  t##_get_period (const T *self)                                              \
  {                                                                           \
    g_return_val_if_fail (self != NULL, 0);                                   \
    return self->w.period;                                                    \
  }                                                                           \
                                                                              \
  void                                                                        \
  t##_reset (T *self)                                                         \
  {                                                                           \
    g_return_if_fail (self != NULL);                                          \
    window_reset (&self->w);                                                  \
    self->ready = FALSE;                                                      \
    self->value = 0.0;                                                        \
    prefix##_reset_extra (self);                                              \
  }

/**
 * aat_sma_new:
 * @period: how many values it spans (at least 1)
 *
 * Creates a simple moving average over @period values.
 *
 * Returns: (transfer full): a new indicator
 */

/**
 * aat_sma_ref:
 * @self: an indicator
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * aat_sma_unref:
 * @self: (transfer full): an indicator
 *
 * Drops a reference; the last one frees it.
 */

/**
 * aat_sma_get_value:
 * @self: an indicator
 *
 * Returns: its current value, or NaN while it is not ready
 */

/**
 * aat_sma_is_ready:
 * @self: an indicator
 *
 * Returns: %TRUE once it has a value
 */

/**
 * aat_sma_get_period:
 * @self: an indicator
 *
 * Returns: the number of values it spans
 */

/**
 * aat_sma_reset:
 * @self: an indicator
 *
 * Forgets every value, as if it were new.
 */
WINDOW_INDICATOR (AatSma, aat_sma, sma)

/**
 * aat_ema_new:
 * @period: how many values it spans (at least 1)
 *
 * Creates an exponential moving average over @period values.
 *
 * Returns: (transfer full): a new indicator
 */

/**
 * aat_ema_ref:
 * @self: an indicator
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * aat_ema_unref:
 * @self: (transfer full): an indicator
 *
 * Drops a reference; the last one frees it.
 */

/**
 * aat_ema_get_value:
 * @self: an indicator
 *
 * Returns: its current value, or NaN while it is not ready
 */

/**
 * aat_ema_is_ready:
 * @self: an indicator
 *
 * Returns: %TRUE once it has a value
 */

/**
 * aat_ema_get_period:
 * @self: an indicator
 *
 * Returns: the number of values it spans
 */

/**
 * aat_ema_reset:
 * @self: an indicator
 *
 * Forgets every value, as if it were new.
 */
WINDOW_INDICATOR (AatEma, aat_ema, ema)

/**
 * aat_rsi_new:
 * @period: how many values it spans (at least 1)
 *
 * Creates an RSI over @period values.
 *
 * Returns: (transfer full): a new indicator
 */

/**
 * aat_rsi_ref:
 * @self: an indicator
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * aat_rsi_unref:
 * @self: (transfer full): an indicator
 *
 * Drops a reference; the last one frees it.
 */

/**
 * aat_rsi_get_value:
 * @self: an indicator
 *
 * Returns: its current value, or NaN while it is not ready
 */

/**
 * aat_rsi_is_ready:
 * @self: an indicator
 *
 * Returns: %TRUE once it has a value
 */

/**
 * aat_rsi_get_period:
 * @self: an indicator
 *
 * Returns: the number of values it spans
 */

/**
 * aat_rsi_reset:
 * @self: an indicator
 *
 * Forgets every value, as if it were new.
 */
WINDOW_INDICATOR (AatRsi, aat_rsi, rsi)

/**
 * aat_highest_new:
 * @period: how many values it spans (at least 1)
 *
 * Creates a highest-value indicator over @period values.
 *
 * Returns: (transfer full): a new indicator
 */

/**
 * aat_highest_ref:
 * @self: an indicator
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * aat_highest_unref:
 * @self: (transfer full): an indicator
 *
 * Drops a reference; the last one frees it.
 */

/**
 * aat_highest_get_value:
 * @self: an indicator
 *
 * Returns: its current value, or NaN while it is not ready
 */

/**
 * aat_highest_is_ready:
 * @self: an indicator
 *
 * Returns: %TRUE once it has a value
 */

/**
 * aat_highest_get_period:
 * @self: an indicator
 *
 * Returns: the number of values it spans
 */

/**
 * aat_highest_reset:
 * @self: an indicator
 *
 * Forgets every value, as if it were new.
 */
WINDOW_INDICATOR (AatHighest, aat_highest, highest)

/**
 * aat_lowest_new:
 * @period: how many values it spans (at least 1)
 *
 * Creates a lowest-value indicator over @period values.
 *
 * Returns: (transfer full): a new indicator
 */

/**
 * aat_lowest_ref:
 * @self: an indicator
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * aat_lowest_unref:
 * @self: (transfer full): an indicator
 *
 * Drops a reference; the last one frees it.
 */

/**
 * aat_lowest_get_value:
 * @self: an indicator
 *
 * Returns: its current value, or NaN while it is not ready
 */

/**
 * aat_lowest_is_ready:
 * @self: an indicator
 *
 * Returns: %TRUE once it has a value
 */

/**
 * aat_lowest_get_period:
 * @self: an indicator
 *
 * Returns: the number of values it spans
 */

/**
 * aat_lowest_reset:
 * @self: an indicator
 *
 * Forgets every value, as if it were new.
 */
WINDOW_INDICATOR (AatLowest, aat_lowest, lowest)

/**
 * aat_std_dev_new:
 * @period: how many values it spans (at least 1)
 *
 * Creates a standard deviation over @period values.
 *
 * Returns: (transfer full): a new indicator
 */

/**
 * aat_std_dev_ref:
 * @self: an indicator
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * aat_std_dev_unref:
 * @self: (transfer full): an indicator
 *
 * Drops a reference; the last one frees it.
 */

/**
 * aat_std_dev_get_value:
 * @self: an indicator
 *
 * Returns: its current value, or NaN while it is not ready
 */

/**
 * aat_std_dev_is_ready:
 * @self: an indicator
 *
 * Returns: %TRUE once it has a value
 */

/**
 * aat_std_dev_get_period:
 * @self: an indicator
 *
 * Returns: the number of values it spans
 */

/**
 * aat_std_dev_reset:
 * @self: an indicator
 *
 * Forgets every value, as if it were new.
 */
WINDOW_INDICATOR (AatStdDev, aat_std_dev, std_dev)


/* ---- the update functions ---- */

/**
 * aat_sma_update:
 * @self: a simple moving average
 * @value: the next input
 *
 * Adds a value. The average is the exact mean of the last n inputs.
 *
 * Returns: %TRUE if the average has a value (n inputs were seen)
 */
gboolean
aat_sma_update (AatSma *self, double value)
{
  g_return_val_if_fail (self != NULL, FALSE);
  window_push (&self->w, value);
  if (window_full (&self->w))
    {
      self->value = window_mean (&self->w);
      self->ready = TRUE;
    }
  return self->ready;
}

/**
 * aat_ema_update:
 * @self: an exponential moving average
 * @value: the next input
 *
 * Adds a value. The n-th input seeds the average with the mean of the first n; each
 * later one gives `previous × (1 − α) + value × α`, with α = 2 / (n + 1).
 *
 * Returns: %TRUE if the average has a value (n inputs were seen)
 */
gboolean
aat_ema_update (AatEma *self, double value)
{
  g_return_val_if_fail (self != NULL, FALSE);
  if (self->ready)
    {
      self->value = self->value * (1.0 - self->alpha) + value * self->alpha;
      return TRUE;
    }
  window_push (&self->w, value);
  if (window_full (&self->w))
    {
      self->value = window_mean (&self->w);
      self->ready = TRUE;
    }
  return self->ready;
}

/**
 * aat_rsi_update:
 * @self: a relative strength index
 * @value: the next input (usually a close)
 *
 * Adds a value. Up and down moves are smoothed with Wilder's average (α = 1 / n),
 * seeded with the simple mean of the first n moves; RSI = 100 − 100 / (1 + up / down).
 * With no down moves it is 100 (50 when there was no move at all).
 *
 * Returns: %TRUE if the index has a value (n + 1 inputs were seen)
 */
gboolean
aat_rsi_update (AatRsi *self, double value)
{
  double up, down, n;

  g_return_val_if_fail (self != NULL, FALSE);
  if (!self->have_prev)
    {
      self->have_prev = TRUE;
      self->prev = value;
      return FALSE;
    }
  up = MAX (value - self->prev, 0.0);
  down = MAX (self->prev - value, 0.0);
  self->prev = value;
  n = self->w.period;
  if (self->ready)
    {
      self->avg_up = self->avg_up * (1.0 - 1.0 / n) + up / n;
      self->avg_down = self->avg_down * (1.0 - 1.0 / n) + down / n;
    }
  else
    {
      self->down[self->w.head] = down;
      window_push (&self->w, up);
      if (!window_full (&self->w))
        return FALSE;
      self->avg_up = window_mean (&self->w);
      self->avg_down = aat_exact_sum (self->down, self->w.count) / self->w.count;
      self->ready = TRUE;
    }
  if (self->avg_down == 0.0)
    self->value = self->avg_up == 0.0 ? 50.0 : 100.0;
  else
    self->value = 100.0 - 100.0 / (1.0 + self->avg_up / self->avg_down);
  return TRUE;
}

/**
 * aat_highest_update:
 * @self: a highest-value indicator
 * @value: the next input
 *
 * Adds a value.
 *
 * Returns: %TRUE if it has a value (n inputs were seen)
 */
gboolean
aat_highest_update (AatHighest *self, double value)
{
  g_return_val_if_fail (self != NULL, FALSE);
  window_push (&self->w, value);
  if (window_full (&self->w))
    {
      double m = self->w.v[0];
      for (guint i = 1; i < self->w.count; i++)
        m = MAX (m, self->w.v[i]);
      self->value = m;
      self->ready = TRUE;
    }
  return self->ready;
}

/**
 * aat_lowest_update:
 * @self: a lowest-value indicator
 * @value: the next input
 *
 * Adds a value.
 *
 * Returns: %TRUE if it has a value (n inputs were seen)
 */
gboolean
aat_lowest_update (AatLowest *self, double value)
{
  g_return_val_if_fail (self != NULL, FALSE);
  window_push (&self->w, value);
  if (window_full (&self->w))
    {
      double m = self->w.v[0];
      for (guint i = 1; i < self->w.count; i++)
        m = MIN (m, self->w.v[i]);
      self->value = m;
      self->ready = TRUE;
    }
  return self->ready;
}

/**
 * aat_std_dev_update:
 * @self: a standard deviation
 * @value: the next input
 *
 * Adds a value. The deviation is the population one (divided by n), around the exact
 * mean of the window.
 *
 * Returns: %TRUE if it has a value (n inputs were seen)
 */
gboolean
aat_std_dev_update (AatStdDev *self, double value)
{
  g_return_val_if_fail (self != NULL, FALSE);
  window_push (&self->w, value);
  if (window_full (&self->w))
    {
      double sq[64], *d = self->w.count <= G_N_ELEMENTS (sq) ? sq : g_new (double, self->w.count);
      self->mean = window_mean (&self->w);
      for (guint i = 0; i < self->w.count; i++)
        d[i] = (self->w.v[i] - self->mean) * (self->w.v[i] - self->mean);
      self->value = sqrt (aat_exact_sum (d, self->w.count) / self->w.count);
      if (d != sq)
        g_free (d);
      self->ready = TRUE;
    }
  return self->ready;
}

/**
 * aat_std_dev_get_mean:
 * @self: a standard deviation
 *
 * The middle of Bollinger bands; the bands are mean ± k × the deviation.
 *
 * Returns: the mean of the window, or NaN while it is not ready
 */
double
aat_std_dev_get_mean (const AatStdDev *self)
{
  g_return_val_if_fail (self != NULL, NAN);
  return self->ready ? self->mean : NAN;
}

/* ---- CrossOver ---- */

/**
 * aat_cross_over_new:
 *
 * Creates a cross detector with backtrader's `CrossOver` semantics: it remembers the
 * last non-zero value of a − b; a cross up at t means that value was negative before t
 * and a > b at t (a cross down is the mirror). The first pair only seeds it.
 *
 * Returns: (transfer full): a new detector
 */
AatCrossOver *
aat_cross_over_new (void)
{
  AatCrossOver *self = g_new0 (AatCrossOver, 1);

  self->ref_count = 1;
  return self;
}

/**
 * aat_cross_over_ref:
 * @self: a cross detector
 *
 * Returns: (transfer full): @self, with one more reference
 */
AatCrossOver *
aat_cross_over_ref (AatCrossOver *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * aat_cross_over_unref:
 * @self: (transfer full): a cross detector
 *
 * Drops a reference; the last one frees it.
 */
void
aat_cross_over_unref (AatCrossOver *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_int_dec_and_test (&self->ref_count))
    g_free (self);
}

/**
 * aat_cross_over_update:
 * @self: a cross detector
 * @a: the first series' current value (such as a close)
 * @b: the second series' current value (such as its moving average)
 *
 * Adds a pair of values and computes the cross at this step.
 *
 * Returns: %TRUE if it has a value (from the second pair on)
 */
gboolean
aat_cross_over_update (AatCrossOver *self, double a, double b)
{
  double d;

  g_return_val_if_fail (self != NULL, FALSE);
  d = a - b;
  if (!self->seeded)
    {
      self->seeded = TRUE;
      self->nzd = d;
      return FALSE;
    }
  if (self->nzd < 0.0 && a > b)
    self->value = 1;
  else if (self->nzd > 0.0 && a < b)
    self->value = -1;
  else
    self->value = 0;
  if (d != 0.0)
    self->nzd = d;
  self->ready = TRUE;
  return TRUE;
}

/**
 * aat_cross_over_get_value:
 * @self: a cross detector
 *
 * Returns: 1 for a cross up at the last update, -1 for a cross down, 0 otherwise
 */
int
aat_cross_over_get_value (const AatCrossOver *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->ready ? self->value : 0;
}

/**
 * aat_cross_over_is_ready:
 * @self: a cross detector
 *
 * Returns: %TRUE once it has a value
 */
gboolean
aat_cross_over_is_ready (const AatCrossOver *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->ready;
}

/**
 * aat_cross_over_reset:
 * @self: a cross detector
 *
 * Forgets every value, as if it were new.
 */
void
aat_cross_over_reset (AatCrossOver *self)
{
  g_return_if_fail (self != NULL);
  self->seeded = FALSE;
  self->ready = FALSE;
  self->nzd = 0.0;
  self->value = 0;
}
