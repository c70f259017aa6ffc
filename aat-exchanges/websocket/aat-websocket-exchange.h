/* aat-websocket-exchange.h: the `websocket` exchange, a client of aat-synthetic-server
 * (or of any server that speaks doc/PROTOCOL.md). */
#pragma once

#include <aat.h>

G_BEGIN_DECLS

#define AAT_TYPE_WEBSOCKET_EXCHANGE (aat_websocket_exchange_get_type ())
G_MODULE_EXPORT
G_DECLARE_FINAL_TYPE (AatWebsocketExchange, aat_websocket_exchange, AAT, WEBSOCKET_EXCHANGE, AatExchange)

/**
 * AatWebsocketUnknownOrderPolicy:
 * @AAT_WEBSOCKET_UNKNOWN_ORDER_RESEND: send the order again under the same client order
 *   id (for its remaining volume); the server's idempotency makes this safe
 * @AAT_WEBSOCKET_UNKNOWN_ORDER_CANCEL: report the order as cancelled
 *
 * What the exchange does, after a reconnection, with a working order that the server
 * does not know.
 */
typedef enum {
  AAT_WEBSOCKET_UNKNOWN_ORDER_RESEND,
  AAT_WEBSOCKET_UNKNOWN_ORDER_CANCEL,
} AatWebsocketUnknownOrderPolicy;

G_MODULE_EXPORT
gboolean aat_websocket_exchange_is_connected (AatWebsocketExchange *self);

G_END_DECLS
