/* aat-alpaca-exchange.h: `alpaca`, the Alpaca (US equities) live adapter: the market
 * data websocket (trades, quotes), REST orders and the trade_updates stream, paper
 * trading by default. */
#pragma once

#include <aat.h>

G_BEGIN_DECLS

#define AAT_TYPE_ALPACA_EXCHANGE (aat_alpaca_exchange_get_type ())
G_DECLARE_FINAL_TYPE (AatAlpacaExchange, aat_alpaca_exchange, AAT, ALPACA_EXCHANGE, AatExchange)

gboolean aat_alpaca_exchange_is_connected (AatAlpacaExchange *self);

G_END_DECLS
