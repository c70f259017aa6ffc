/* aat-report.h: statistics, plots and reports of a finished run. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include <gio/gio.h>
#include "aat-types.h"

G_BEGIN_DECLS

/**
 * AAT_REPORT_ERROR:
 *
 * The error domain of reports.
 */
#define AAT_REPORT_ERROR (aat_report_error_quark ())
AAT_AVAILABLE_IN_ALL
GQuark aat_report_error_quark (void);

/**
 * AatReportError:
 * @AAT_REPORT_ERROR_FAILED: a generic failure
 * @AAT_REPORT_ERROR_IO: a file could not be written
 * @AAT_REPORT_ERROR_PLOT: an unknown plot name, or the plot could not be drawn
 *
 * Errors of reports.
 */
typedef enum {
  AAT_REPORT_ERROR_FAILED,
  AAT_REPORT_ERROR_IO,
  AAT_REPORT_ERROR_PLOT,
} AatReportError;

/**
 * AatReportStatistics:
 * @start_time: the time of the curve's first point
 * @end_time: the time of the curve's last point
 * @n_points: how many points the curve has
 * @periods_per_year: the annualization factor used (given, or from the spacing)
 * @risk_free_rate: the annual risk-free rate used
 * @start_value: the value at the first point
 * @end_value: the value at the last point
 * @total_return: end / start - 1
 * @cagr: the compound annual growth rate
 * @volatility: the annualized standard deviation of the period returns
 * @sharpe: the annualized Sharpe ratio
 * @sortino: the annualized Sortino ratio
 * @max_drawdown: the largest fall from a running peak, as a fraction of the peak
 * @max_drawdown_value: that fall in money
 * @max_drawdown_duration: the longest time spent below a previous peak (ns)
 * @n_orders: orders placed
 * @n_fills: fills
 * @n_round_trips: closed round-trip trades (flat to flat, or flat to a flip)
 * @n_winning: round trips with a positive P&L
 * @n_losing: round trips with a negative P&L
 * @win_rate: winning / round trips
 * @profit_factor: gross profit / gross loss
 * @gross_profit: the sum of the positive round-trip P&Ls
 * @gross_loss: minus the sum of the negative round-trip P&Ls
 * @fees: the sum of the fills' fees
 * @turnover: the traded value, Σ |volume| × price × multiplier over the fills
 * @turnover_ratio: @turnover divided by the mean value of the curve
 * @exposure: the share of the curve's time with a non-zero position
 *
 * The statistics of a run. doc/REPORTS.md defines each one exactly. A value that is
 * not defined (a ratio over zero, a rate over no time) is NaN; the JSON file writes it
 * as `null`.
 */
typedef struct {
  AatTime start_time;
  AatTime end_time;
  guint n_points;
  double periods_per_year;
  double risk_free_rate;
  double start_value;
  double end_value;
  double total_return;
  double cagr;
  double volatility;
  double sharpe;
  double sortino;
  double max_drawdown;
  double max_drawdown_value;
  AatTime max_drawdown_duration;
  guint n_orders;
  guint n_fills;
  guint n_round_trips;
  guint n_winning;
  guint n_losing;
  double win_rate;
  double profit_factor;
  double gross_profit;
  double gross_loss;
  double fees;
  double turnover;
  double turnover_ratio;
  double exposure;
} AatReportStatistics;

#define AAT_TYPE_REPORT_STATISTICS (aat_report_statistics_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_report_statistics_get_type (void) G_GNUC_CONST;
AAT_AVAILABLE_IN_ALL
AatReportStatistics *aat_report_statistics_copy (const AatReportStatistics *stats);
AAT_AVAILABLE_IN_ALL
void aat_report_statistics_free (AatReportStatistics *stats);
AAT_AVAILABLE_IN_ALL
double aat_report_statistics_get (const AatReportStatistics *stats, const char *name,
                                  gboolean *found);
AAT_AVAILABLE_IN_ALL
const char * const *aat_report_statistics_list_names (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatReportStatistics, aat_report_statistics_free)

#define AAT_TYPE_REPORT (aat_report_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AatReport, aat_report, AAT, REPORT, GObject)

AAT_AVAILABLE_IN_ALL
AatReport *aat_report_new (void);
AAT_AVAILABLE_IN_ALL
AatReport *aat_report_new_for_engine (AatEngine *engine, AatStrategy *strategy);

AAT_AVAILABLE_IN_ALL
void aat_report_set_title (AatReport *self, const char *title);
AAT_AVAILABLE_IN_ALL
const char *aat_report_get_title (AatReport *self);
AAT_AVAILABLE_IN_ALL
void aat_report_set_risk_free_rate (AatReport *self, double rate);
AAT_AVAILABLE_IN_ALL
double aat_report_get_risk_free_rate (AatReport *self);
AAT_AVAILABLE_IN_ALL
void aat_report_set_periods_per_year (AatReport *self, double periods);
AAT_AVAILABLE_IN_ALL
double aat_report_get_periods_per_year (AatReport *self);

AAT_AVAILABLE_IN_ALL
void aat_report_add_equity_point (AatReport *self, AatTime time, double value, double cash);
AAT_AVAILABLE_IN_ALL
void aat_report_add_fill (AatReport *self, AatTrade *fill);
AAT_AVAILABLE_IN_ALL
void aat_report_add_order (AatReport *self, AatOrder *order);
AAT_AVAILABLE_IN_ALL
void aat_report_add_child (AatReport *self, const char *name, AatReport *child);

AAT_AVAILABLE_IN_ALL
AatReportStatistics *aat_report_compute (AatReport *self);
AAT_AVAILABLE_IN_ALL
char *aat_report_format_summary (AatReport *self);
AAT_AVAILABLE_IN_ALL
char *aat_report_to_json (AatReport *self);
AAT_AVAILABLE_IN_ALL
char *aat_report_statistics_to_json (AatReport *self);
AAT_AVAILABLE_IN_ALL
char *aat_report_plot_svg (AatReport *self, const char *plot, GError **error);
AAT_AVAILABLE_IN_ALL
gboolean aat_report_write_plot (AatReport *self, const char *plot, const char *path,
                                GError **error);
AAT_AVAILABLE_IN_ALL
char *aat_report_to_html (AatReport *self, GError **error);
AAT_AVAILABLE_IN_ALL
gboolean aat_report_write (AatReport *self, const char *dir, GError **error);

G_END_DECLS
