/* aat-indicators.h: a small library of streaming technical indicators.
 *
 * Each indicator is a ref-counted boxed value fed one number at a time with its
 * `_update()` function, which returns whether the indicator has a value yet. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

/**
 * AatSma:
 *
 * A simple moving average: the mean of the last n values.
 */
typedef struct _AatSma AatSma;

/**
 * AatEma:
 *
 * An exponential moving average with smoothing 2 / (n + 1), seeded with the simple
 * average of the first n values.
 */
typedef struct _AatEma AatEma;

/**
 * AatRsi:
 *
 * Wilder's relative strength index over n changes.
 */
typedef struct _AatRsi AatRsi;

/**
 * AatCrossOver:
 *
 * Detects one series crossing another (backtrader's `CrossOver`).
 */
typedef struct _AatCrossOver AatCrossOver;

/**
 * AatHighest:
 *
 * The highest of the last n values.
 */
typedef struct _AatHighest AatHighest;

/**
 * AatLowest:
 *
 * The lowest of the last n values.
 */
typedef struct _AatLowest AatLowest;

/**
 * AatStdDev:
 *
 * The population standard deviation of the last n values, and their mean (the two
 * parts of Bollinger bands).
 */
typedef struct _AatStdDev AatStdDev;

/* SMA */
#define AAT_TYPE_SMA (aat_sma_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_sma_get_type (void) G_GNUC_CONST;
AAT_AVAILABLE_IN_ALL
AatSma *aat_sma_new (guint period);
AAT_AVAILABLE_IN_ALL
AatSma *aat_sma_ref (AatSma *self);
AAT_AVAILABLE_IN_ALL
void aat_sma_unref (AatSma *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_sma_update (AatSma *self, double value);
AAT_AVAILABLE_IN_ALL
double aat_sma_get_value (const AatSma *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_sma_is_ready (const AatSma *self);
AAT_AVAILABLE_IN_ALL
guint aat_sma_get_period (const AatSma *self);
AAT_AVAILABLE_IN_ALL
void aat_sma_reset (AatSma *self);

/* EMA */
#define AAT_TYPE_EMA (aat_ema_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_ema_get_type (void) G_GNUC_CONST;
AAT_AVAILABLE_IN_ALL
AatEma *aat_ema_new (guint period);
AAT_AVAILABLE_IN_ALL
AatEma *aat_ema_ref (AatEma *self);
AAT_AVAILABLE_IN_ALL
void aat_ema_unref (AatEma *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_ema_update (AatEma *self, double value);
AAT_AVAILABLE_IN_ALL
double aat_ema_get_value (const AatEma *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_ema_is_ready (const AatEma *self);
AAT_AVAILABLE_IN_ALL
guint aat_ema_get_period (const AatEma *self);
AAT_AVAILABLE_IN_ALL
void aat_ema_reset (AatEma *self);

/* RSI */
#define AAT_TYPE_RSI (aat_rsi_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_rsi_get_type (void) G_GNUC_CONST;
AAT_AVAILABLE_IN_ALL
AatRsi *aat_rsi_new (guint period);
AAT_AVAILABLE_IN_ALL
AatRsi *aat_rsi_ref (AatRsi *self);
AAT_AVAILABLE_IN_ALL
void aat_rsi_unref (AatRsi *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_rsi_update (AatRsi *self, double value);
AAT_AVAILABLE_IN_ALL
double aat_rsi_get_value (const AatRsi *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_rsi_is_ready (const AatRsi *self);
AAT_AVAILABLE_IN_ALL
guint aat_rsi_get_period (const AatRsi *self);
AAT_AVAILABLE_IN_ALL
void aat_rsi_reset (AatRsi *self);

/* CrossOver */
#define AAT_TYPE_CROSS_OVER (aat_cross_over_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_cross_over_get_type (void) G_GNUC_CONST;
AAT_AVAILABLE_IN_ALL
AatCrossOver *aat_cross_over_new (void);
AAT_AVAILABLE_IN_ALL
AatCrossOver *aat_cross_over_ref (AatCrossOver *self);
AAT_AVAILABLE_IN_ALL
void aat_cross_over_unref (AatCrossOver *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_cross_over_update (AatCrossOver *self, double a, double b);
AAT_AVAILABLE_IN_ALL
int aat_cross_over_get_value (const AatCrossOver *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_cross_over_is_ready (const AatCrossOver *self);
AAT_AVAILABLE_IN_ALL
void aat_cross_over_reset (AatCrossOver *self);

/* Highest */
#define AAT_TYPE_HIGHEST (aat_highest_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_highest_get_type (void) G_GNUC_CONST;
AAT_AVAILABLE_IN_ALL
AatHighest *aat_highest_new (guint period);
AAT_AVAILABLE_IN_ALL
AatHighest *aat_highest_ref (AatHighest *self);
AAT_AVAILABLE_IN_ALL
void aat_highest_unref (AatHighest *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_highest_update (AatHighest *self, double value);
AAT_AVAILABLE_IN_ALL
double aat_highest_get_value (const AatHighest *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_highest_is_ready (const AatHighest *self);
AAT_AVAILABLE_IN_ALL
guint aat_highest_get_period (const AatHighest *self);
AAT_AVAILABLE_IN_ALL
void aat_highest_reset (AatHighest *self);

/* Lowest */
#define AAT_TYPE_LOWEST (aat_lowest_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_lowest_get_type (void) G_GNUC_CONST;
AAT_AVAILABLE_IN_ALL
AatLowest *aat_lowest_new (guint period);
AAT_AVAILABLE_IN_ALL
AatLowest *aat_lowest_ref (AatLowest *self);
AAT_AVAILABLE_IN_ALL
void aat_lowest_unref (AatLowest *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_lowest_update (AatLowest *self, double value);
AAT_AVAILABLE_IN_ALL
double aat_lowest_get_value (const AatLowest *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_lowest_is_ready (const AatLowest *self);
AAT_AVAILABLE_IN_ALL
guint aat_lowest_get_period (const AatLowest *self);
AAT_AVAILABLE_IN_ALL
void aat_lowest_reset (AatLowest *self);

/* StdDev */
#define AAT_TYPE_STD_DEV (aat_std_dev_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_std_dev_get_type (void) G_GNUC_CONST;
AAT_AVAILABLE_IN_ALL
AatStdDev *aat_std_dev_new (guint period);
AAT_AVAILABLE_IN_ALL
AatStdDev *aat_std_dev_ref (AatStdDev *self);
AAT_AVAILABLE_IN_ALL
void aat_std_dev_unref (AatStdDev *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_std_dev_update (AatStdDev *self, double value);
AAT_AVAILABLE_IN_ALL
double aat_std_dev_get_value (const AatStdDev *self);
AAT_AVAILABLE_IN_ALL
double aat_std_dev_get_mean (const AatStdDev *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_std_dev_is_ready (const AatStdDev *self);
AAT_AVAILABLE_IN_ALL
guint aat_std_dev_get_period (const AatStdDev *self);
AAT_AVAILABLE_IN_ALL
void aat_std_dev_reset (AatStdDev *self);

/* Exact summation */
AAT_AVAILABLE_IN_ALL
double aat_exact_sum (const double *values, gsize n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatSma, aat_sma_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatEma, aat_ema_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatRsi, aat_rsi_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatCrossOver, aat_cross_over_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatHighest, aat_highest_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatLowest, aat_lowest_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatStdDev, aat_std_dev_unref)

G_END_DECLS
