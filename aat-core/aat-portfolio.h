/* aat-portfolio.h: positions, cash and P&L per strategy and in total. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"

G_BEGIN_DECLS

/**
 * AatEquityPoint:
 * @time: when
 * @value: cash plus the marked value of the positions
 * @cash: cash
 *
 * One point of an equity curve.
 */
typedef struct {
  AatTime time;
  double value;
  double cash;
} AatEquityPoint;

#define AAT_TYPE_EQUITY_POINT (aat_equity_point_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_equity_point_get_type (void) G_GNUC_CONST;
AAT_AVAILABLE_IN_ALL
AatEquityPoint *aat_equity_point_copy (const AatEquityPoint *point);
AAT_AVAILABLE_IN_ALL
void aat_equity_point_free (AatEquityPoint *point);

#define AAT_TYPE_PORTFOLIO (aat_portfolio_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AatPortfolio, aat_portfolio, AAT, PORTFOLIO, GObject)

AAT_AVAILABLE_IN_ALL
AatPortfolio *aat_portfolio_new (void);
AAT_AVAILABLE_IN_ALL
void aat_portfolio_set_initial_cash (AatPortfolio *self, AatStrategy *strategy, double cash);
AAT_AVAILABLE_IN_ALL
double aat_portfolio_get_initial_cash (AatPortfolio *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
void aat_portfolio_set_margin (AatPortfolio *self, AatInstrument *instrument, double margin);
AAT_AVAILABLE_IN_ALL
void aat_portfolio_apply_fill (AatPortfolio *self, AatStrategy *strategy,
                               AatInstrument *instrument, AatSide side, double volume,
                               double price, double fee, AatTime timestamp);
AAT_AVAILABLE_IN_ALL
void aat_portfolio_mark (AatPortfolio *self, AatInstrument *instrument, double price,
                         AatTime timestamp);
AAT_AVAILABLE_IN_ALL
void aat_portfolio_record (AatPortfolio *self, AatTime timestamp);
AAT_AVAILABLE_IN_ALL
AatPosition *aat_portfolio_get_position (AatPortfolio *self, AatStrategy *strategy,
                                         AatInstrument *instrument);
AAT_AVAILABLE_IN_ALL
double aat_portfolio_get_size (AatPortfolio *self, AatStrategy *strategy,
                               AatInstrument *instrument);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_portfolio_get_positions (AatPortfolio *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
double aat_portfolio_get_cash (AatPortfolio *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
double aat_portfolio_get_value (AatPortfolio *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
double aat_portfolio_get_realized_pnl (AatPortfolio *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
double aat_portfolio_get_unrealized_pnl (AatPortfolio *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
double aat_portfolio_get_fees (AatPortfolio *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
double aat_portfolio_get_turnover (AatPortfolio *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
GArray *aat_portfolio_get_equity_curve (AatPortfolio *self, AatStrategy *strategy);
AAT_AVAILABLE_IN_ALL
double aat_portfolio_get_last_price (AatPortfolio *self, AatInstrument *instrument);

G_END_DECLS
