/* aat.h: the umbrella header of libaat. Include only this one. */
#pragma once

#define __AAT_H_INSIDE__

#include "aat-version-macros.h"
#include "aat-types.h"
#include "aat-enums.h"
#include "aat-enum-types.h"
#include "aat-instrument.h"
#include "aat-order.h"
#include "aat-trade.h"
#include "aat-bar.h"
#include "aat-quote.h"
#include "aat-event.h"
#include "aat-order-book.h"
#include "aat-position.h"
#include "aat-portfolio.h"
#include "aat-strategy.h"
#include "aat-exchange.h"
#include "aat-risk-policy.h"
#include "aat-execution-policy.h"
#include "aat-journal.h"
#include "aat-engine.h"
#include "aat-indicators.h"
#include "aat-module.h"
#include "aat-registry.h"
#include "aat-config.h"
#include "aat-control-server.h"
#include "aat-report.h"
#include "aat-progress.h"

#undef __AAT_H_INSIDE__
