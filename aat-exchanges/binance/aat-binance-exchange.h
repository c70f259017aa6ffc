/* aat-binance-exchange.h: the `binance` exchange, Binance spot over its public
 * websocket streams and signed REST API (testnet by default). */
#pragma once

#include <aat.h>

G_BEGIN_DECLS

#define AAT_TYPE_BINANCE_EXCHANGE (aat_binance_exchange_get_type ())
G_MODULE_EXPORT
G_DECLARE_FINAL_TYPE (AatBinanceExchange, aat_binance_exchange, AAT, BINANCE_EXCHANGE, AatExchange)

G_MODULE_EXPORT
AatOrderBook *aat_binance_exchange_get_order_book (AatBinanceExchange *self, const char *symbol);
G_MODULE_EXPORT
gboolean aat_binance_exchange_book_synced (AatBinanceExchange *self, const char *symbol);
G_MODULE_EXPORT
void aat_binance_exchange_request_async (AatBinanceExchange *self, const char *method,
                                         const char *path, const char *params, gboolean sign,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
G_MODULE_EXPORT
char *aat_binance_exchange_request_finish (AatBinanceExchange *self, GAsyncResult *result,
                                           GError **error);

G_END_DECLS
