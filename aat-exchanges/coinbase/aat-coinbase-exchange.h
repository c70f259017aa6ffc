/* aat-coinbase-exchange.h: `coinbase`, the Coinbase Exchange live adapter: the
 * websocket feed (matches, level2, heartbeat, user) and signed REST order entry. */
#pragma once

#include <aat.h>

G_BEGIN_DECLS

#define AAT_TYPE_COINBASE_EXCHANGE (aat_coinbase_exchange_get_type ())
G_DECLARE_FINAL_TYPE (AatCoinbaseExchange, aat_coinbase_exchange, AAT, COINBASE_EXCHANGE, AatExchange)

AatOrderBook *aat_coinbase_exchange_get_book (AatCoinbaseExchange *self, const char *product_id);
gboolean aat_coinbase_exchange_is_connected (AatCoinbaseExchange *self);

G_END_DECLS
