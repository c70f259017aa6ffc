/* aat-alpaca-core.h: the network-free half of the Alpaca (US equities) adapter:
 * redaction, assets, order bodies with local checks, error replies, and the market
 * data and trade-update messages. */
#pragma once

#include <aat.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Alpaca endpoints (https://docs.alpaca.markets). */
#define AAT_ALPACA_REST_URL "https://api.alpaca.markets"
#define AAT_ALPACA_PAPER_REST_URL "https://paper-api.alpaca.markets"
#define AAT_ALPACA_STREAM_URL "wss://api.alpaca.markets/stream"
#define AAT_ALPACA_PAPER_STREAM_URL "wss://paper-api.alpaca.markets/stream"
#define AAT_ALPACA_DATA_URL "wss://stream.data.alpaca.markets/v2/iex"

#define AAT_ALPACA_ERROR (aat_alpaca_error_quark ())
GQuark aat_alpaca_error_quark (void);

/**
 * AatAlpacaError:
 * @AAT_ALPACA_ERROR_FAILED: another failure (a malformed answer, I/O)
 * @AAT_ALPACA_ERROR_REJECTED: the venue refused the request (403, 422, other 4xx)
 * @AAT_ALPACA_ERROR_RATE_LIMITED: 429: back off and retry
 * @AAT_ALPACA_ERROR_AUTH: 401: the key id or secret was refused
 * @AAT_ALPACA_ERROR_SERVER: a 5xx: the outcome of the request is unknown
 */
typedef enum {
  AAT_ALPACA_ERROR_FAILED,
  AAT_ALPACA_ERROR_REJECTED,
  AAT_ALPACA_ERROR_RATE_LIMITED,
  AAT_ALPACA_ERROR_AUTH,
  AAT_ALPACA_ERROR_SERVER,
} AatAlpacaError;

/**
 * AatAlpacaAuction:
 * @AAT_ALPACA_AUCTION_NONE: continuous trading
 * @AAT_ALPACA_AUCTION_OPEN: time_in_force `opg`: the opening auction
 * @AAT_ALPACA_AUCTION_CLOSE: time_in_force `cls`: the closing auction
 */
typedef enum {
  AAT_ALPACA_AUCTION_NONE,
  AAT_ALPACA_AUCTION_OPEN,
  AAT_ALPACA_AUCTION_CLOSE,
} AatAlpacaAuction;

/* An asset from GET /v2/assets/{symbol}. */
typedef struct {
  char *symbol;
  char *status;            /* active / inactive */
  gboolean tradable, fractionable, shortable;
  double min_trade_increment;   /* 0 when absent (equities: whole shares unless fractionable) */
  double price_increment;       /* 0 when absent: the equity rule (0.01 at or above $1, 0.0001 below) */
} AatAlpacaAsset;

void aat_alpaca_asset_free (AatAlpacaAsset *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatAlpacaAsset, aat_alpaca_asset_free)

char *aat_alpaca_redact (const char *text, const char *key_id, const char *secret);
AatAlpacaAsset *aat_alpaca_parse_asset (const char *json, GError **error);
char *aat_alpaca_order_body (AatOrder *order, const AatAlpacaAsset *asset, const char *client_order_id,
                             AatAlpacaAuction auction, char **reason);
gboolean aat_alpaca_check_reply (guint status, const char *body, guint attempt, guint *retry_ms,
                                 GError **error);
double aat_alpaca_number (JsonObject *o, const char *member, gboolean *ok);
gboolean aat_alpaca_parse_time (const char *rfc3339, AatTime *out);

G_END_DECLS
