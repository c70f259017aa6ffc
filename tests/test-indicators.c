/* test-indicators.c: the indicator library against hand-computed values. */
#include "aat.h"

#include <math.h>

static void
test_exact_sum (void)
{
  double tenths[10], cancel[] = { 1e100, 1.0, -1e100 }, halfway[] = { 1.0, 1e-16, 1e-16 };
  double naive = 0.0;

  for (guint i = 0; i < 10; i++)
    {
      tenths[i] = 0.1;
      naive += 0.1;
    }
  /* a running sum drifts; the exact sum rounds once */
  g_assert_cmpfloat (naive, !=, 1.0);
  g_assert_cmpfloat (aat_exact_sum (tenths, 10), ==, 1.0);
  g_assert_cmpfloat (aat_exact_sum (cancel, 3), ==, 1.0);
  /* 1 + 2e-16 is nearer 1 + 2^-52 than 1 */
  g_assert_cmpfloat (aat_exact_sum (halfway, 3), ==, 1.0 + 2.220446049250313e-16);
  g_assert_cmpfloat (aat_exact_sum (NULL, 0), ==, 0.0);
}

static void
test_sma (void)
{
  g_autoptr (AatSma) sma = aat_sma_new (3);
  g_autoptr (AatSma) tenth = aat_sma_new (10);

  g_assert_cmpuint (aat_sma_get_period (sma), ==, 3);
  g_assert_false (aat_sma_update (sma, 1));
  g_assert_false (aat_sma_update (sma, 2));
  g_assert_false (aat_sma_is_ready (sma));
  g_assert_true (isnan (aat_sma_get_value (sma)));
  g_assert_true (aat_sma_update (sma, 3));
  g_assert_cmpfloat (aat_sma_get_value (sma), ==, 2.0);
  g_assert_true (aat_sma_update (sma, 4));
  g_assert_cmpfloat (aat_sma_get_value (sma), ==, 3.0);
  g_assert_true (aat_sma_update (sma, 8));
  g_assert_cmpfloat (aat_sma_get_value (sma), ==, 5.0);
  g_assert_true (aat_sma_is_ready (sma));

  aat_sma_reset (sma);
  g_assert_false (aat_sma_is_ready (sma));
  g_assert_false (aat_sma_update (sma, 10));
  g_assert_false (aat_sma_update (sma, 20));
  g_assert_true (aat_sma_update (sma, 60));
  g_assert_cmpfloat (aat_sma_get_value (sma), ==, 30.0);

  /* the mean of ten 0.1 is exactly 0.1, however long the run */
  for (guint i = 0; i < 1000; i++)
    aat_sma_update (tenth, i % 2 == 0 ? 0.1 : 0.7);
  for (guint i = 0; i < 10; i++)
    aat_sma_update (tenth, 0.1);
  g_assert_cmpfloat (aat_sma_get_value (tenth), ==, 0.1);
}

static void
test_ema (void)
{
  g_autoptr (AatEma) ema = aat_ema_new (3);   /* alpha = 0.5 */

  g_assert_cmpuint (aat_ema_get_period (ema), ==, 3);
  g_assert_false (aat_ema_update (ema, 1));
  g_assert_false (aat_ema_update (ema, 2));
  g_assert_true (aat_ema_update (ema, 3));
  g_assert_cmpfloat (aat_ema_get_value (ema), ==, 2.0);      /* seed: mean of 1, 2, 3 */
  g_assert_true (aat_ema_update (ema, 4));
  g_assert_cmpfloat (aat_ema_get_value (ema), ==, 3.0);      /* 2 × 0.5 + 4 × 0.5 */
  g_assert_true (aat_ema_update (ema, 10));
  g_assert_cmpfloat (aat_ema_get_value (ema), ==, 6.5);
  aat_ema_reset (ema);
  g_assert_false (aat_ema_is_ready (ema));
  g_assert_false (aat_ema_update (ema, 5));
}

static void
test_rsi (void)
{
  g_autoptr (AatRsi) rsi = aat_rsi_new (3);
  g_autoptr (AatRsi) flat = aat_rsi_new (2);
  g_autoptr (AatRsi) up = aat_rsi_new (2);

  /* changes +1 +1 -1: up 2/3, down 1/3, RS 2 */
  g_assert_false (aat_rsi_update (rsi, 10));
  g_assert_false (aat_rsi_update (rsi, 11));
  g_assert_false (aat_rsi_update (rsi, 12));
  g_assert_true (aat_rsi_update (rsi, 11));
  g_assert_cmpfloat_with_epsilon (aat_rsi_get_value (rsi), 100.0 - 100.0 / 3.0, 1e-9);
  /* +2: up 2/3 × 2/3 + 2/3 = 10/9, down 1/3 × 2/3 = 2/9, RS 5 */
  g_assert_true (aat_rsi_update (rsi, 13));
  g_assert_cmpfloat_with_epsilon (aat_rsi_get_value (rsi), 100.0 - 100.0 / 6.0, 1e-9);
  g_assert_cmpuint (aat_rsi_get_period (rsi), ==, 3);

  aat_rsi_update (flat, 5);
  aat_rsi_update (flat, 5);
  g_assert_true (aat_rsi_update (flat, 5));
  g_assert_cmpfloat (aat_rsi_get_value (flat), ==, 50.0);
  aat_rsi_update (up, 1);
  aat_rsi_update (up, 2);
  g_assert_true (aat_rsi_update (up, 3));
  g_assert_cmpfloat (aat_rsi_get_value (up), ==, 100.0);
  aat_rsi_reset (up);
  g_assert_false (aat_rsi_is_ready (up));
  g_assert_false (aat_rsi_update (up, 3));
}

static void
test_cross_over (void)
{
  g_autoptr (AatCrossOver) x = aat_cross_over_new ();

  g_assert_false (aat_cross_over_update (x, 1, 2));     /* seeds a - b = -1 */
  g_assert_false (aat_cross_over_is_ready (x));
  g_assert_cmpint (aat_cross_over_get_value (x), ==, 0);
  g_assert_true (aat_cross_over_update (x, 2, 2));      /* touching is not crossing */
  g_assert_cmpint (aat_cross_over_get_value (x), ==, 0);
  g_assert_true (aat_cross_over_update (x, 3, 2));      /* last non-zero was -1: up */
  g_assert_cmpint (aat_cross_over_get_value (x), ==, 1);
  g_assert_true (aat_cross_over_update (x, 3, 2));
  g_assert_cmpint (aat_cross_over_get_value (x), ==, 0);
  g_assert_true (aat_cross_over_update (x, 2, 2));
  g_assert_cmpint (aat_cross_over_get_value (x), ==, 0);
  g_assert_true (aat_cross_over_update (x, 1, 2));      /* last non-zero was +1: down */
  g_assert_cmpint (aat_cross_over_get_value (x), ==, -1);
  g_assert_true (aat_cross_over_update (x, 1, 2));
  g_assert_cmpint (aat_cross_over_get_value (x), ==, 0);

  /* a seed of exactly zero: the first non-zero difference decides, no cross */
  aat_cross_over_reset (x);
  g_assert_false (aat_cross_over_update (x, 2, 2));
  g_assert_true (aat_cross_over_update (x, 3, 2));
  g_assert_cmpint (aat_cross_over_get_value (x), ==, 0);
  g_assert_true (aat_cross_over_update (x, 1, 2));
  g_assert_cmpint (aat_cross_over_get_value (x), ==, -1);
}

static void
test_highest_lowest (void)
{
  g_autoptr (AatHighest) hi = aat_highest_new (3);
  g_autoptr (AatLowest) lo = aat_lowest_new (3);
  const double v[] = { 3, 1, 4, 1, 5, 9, 2 };
  const double want_hi[] = { 4, 4, 5, 9, 9 }, want_lo[] = { 1, 1, 1, 1, 2 };

  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    {
      gboolean h = aat_highest_update (hi, v[i]), l = aat_lowest_update (lo, v[i]);
      g_assert_cmpint (h, ==, i >= 2);
      g_assert_cmpint (l, ==, i >= 2);
      if (i >= 2)
        {
          g_assert_cmpfloat (aat_highest_get_value (hi), ==, want_hi[i - 2]);
          g_assert_cmpfloat (aat_lowest_get_value (lo), ==, want_lo[i - 2]);
        }
    }
  g_assert_cmpuint (aat_highest_get_period (hi), ==, 3);
  g_assert_cmpuint (aat_lowest_get_period (lo), ==, 3);
  aat_highest_reset (hi);
  aat_lowest_reset (lo);
  g_assert_false (aat_highest_is_ready (hi));
  g_assert_false (aat_lowest_is_ready (lo));
}

static void
test_std_dev (void)
{
  g_autoptr (AatStdDev) sd = aat_std_dev_new (8);
  const double v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };

  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    g_assert_cmpint (aat_std_dev_update (sd, v[i]), ==, i == 7);
  g_assert_cmpfloat (aat_std_dev_get_mean (sd), ==, 5.0);
  g_assert_cmpfloat (aat_std_dev_get_value (sd), ==, 2.0);
  /* window 4 4 4 5 5 7 9 11: mean 6.125 */
  g_assert_true (aat_std_dev_update (sd, 11));
  g_assert_cmpfloat (aat_std_dev_get_mean (sd), ==, 6.125);
  g_assert_cmpfloat_with_epsilon (aat_std_dev_get_value (sd), sqrt (48.875 / 8.0), 1e-12);
  aat_std_dev_reset (sd);
  g_assert_true (isnan (aat_std_dev_get_mean (sd)));
}

static void
test_boxed (void)
{
  AatSma *sma = aat_sma_new (2);
  AatSma *copy;

  g_assert_true (G_TYPE_IS_BOXED (AAT_TYPE_SMA));
  g_assert_true (G_TYPE_IS_BOXED (AAT_TYPE_EMA));
  g_assert_true (G_TYPE_IS_BOXED (AAT_TYPE_RSI));
  g_assert_true (G_TYPE_IS_BOXED (AAT_TYPE_CROSS_OVER));
  g_assert_true (G_TYPE_IS_BOXED (AAT_TYPE_HIGHEST));
  g_assert_true (G_TYPE_IS_BOXED (AAT_TYPE_LOWEST));
  g_assert_true (G_TYPE_IS_BOXED (AAT_TYPE_STD_DEV));
  copy = g_boxed_copy (AAT_TYPE_SMA, sma);
  g_assert_true (copy == sma);       /* a copy is a reference */
  aat_sma_update (copy, 1);
  aat_sma_update (copy, 3);
  g_assert_cmpfloat (aat_sma_get_value (sma), ==, 2.0);
  g_boxed_free (AAT_TYPE_SMA, copy);
  aat_sma_unref (sma);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/indicators/exact-sum", test_exact_sum);
  g_test_add_func ("/indicators/sma", test_sma);
  g_test_add_func ("/indicators/ema", test_ema);
  g_test_add_func ("/indicators/rsi", test_rsi);
  g_test_add_func ("/indicators/cross-over", test_cross_over);
  g_test_add_func ("/indicators/highest-lowest", test_highest_lowest);
  g_test_add_func ("/indicators/std-dev", test_std_dev);
  g_test_add_func ("/indicators/boxed", test_boxed);
  return g_test_run ();
}
