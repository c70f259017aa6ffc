/* aat-binance-core.h: the network-free half of the Binance spot adapter: request
 * signing, order parameters and local checks, exchangeInfo filters, error replies, and
 * the order-book snapshot + diff synchronisation. */
#pragma once

#include <aat.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Binance spot endpoints (https://developers.binance.com/docs/binance-spot-api-docs). */
#define AAT_BINANCE_REST_URL "https://api.binance.com"
#define AAT_BINANCE_WS_URL "wss://stream.binance.com:9443"
#define AAT_BINANCE_TESTNET_REST_URL "https://testnet.binance.vision"
#define AAT_BINANCE_TESTNET_WS_URL "wss://stream.testnet.binance.vision"

#define AAT_BINANCE_ERROR (aat_binance_error_quark ())
GQuark aat_binance_error_quark (void);

/**
 * AatBinanceError:
 * @AAT_BINANCE_ERROR_FAILED: another failure (a malformed answer, I/O)
 * @AAT_BINANCE_ERROR_REJECTED: the venue refused the request (a 4xx with a code)
 * @AAT_BINANCE_ERROR_RATE_LIMITED: 429 or 418: back off for the Retry-After time
 * @AAT_BINANCE_ERROR_CLOCK_SKEW: -1021: the request's timestamp is outside recvWindow
 * @AAT_BINANCE_ERROR_AUTH: the API key or signature was refused
 * @AAT_BINANCE_ERROR_SERVER: a 5xx: the outcome of the request is unknown
 * @AAT_BINANCE_ERROR_CONFIG: a wrong setting
 */
typedef enum {
  AAT_BINANCE_ERROR_FAILED,
  AAT_BINANCE_ERROR_REJECTED,
  AAT_BINANCE_ERROR_RATE_LIMITED,
  AAT_BINANCE_ERROR_CLOCK_SKEW,
  AAT_BINANCE_ERROR_AUTH,
  AAT_BINANCE_ERROR_SERVER,
  AAT_BINANCE_ERROR_CONFIG,
} AatBinanceError;

/* A symbol's trading rules from GET /api/v3/exchangeInfo. */
typedef struct {
  char *symbol;
  char *base;
  char *quote;
  double tick_size;       /* PRICE_FILTER tickSize */
  double min_price, max_price;
  double step_size;       /* LOT_SIZE stepSize */
  double min_qty, max_qty;
  double min_notional;    /* NOTIONAL (or the older MIN_NOTIONAL) minNotional */
  gboolean stop_orders;   /* orderTypes lists STOP_LOSS / STOP_LOSS_LIMIT */
} AatBinanceSymbol;

void aat_binance_symbol_free (AatBinanceSymbol *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatBinanceSymbol, aat_binance_symbol_free)

char *aat_binance_sign (const char *secret, const char *payload);
char *aat_binance_redact (const char *text, const char *api_key, const char *api_secret);
GHashTable *aat_binance_parse_exchange_info (const char *json, GError **error);
char *aat_binance_order_query (AatOrder *order, const AatBinanceSymbol *symbol,
                               const char *client_order_id, char **reason);
gboolean aat_binance_check_reply (guint status, const char *body, const char *retry_after,
                                  int *code, guint *retry_ms, GError **error);

/* ---- the order book: snapshot + buffered diffs ---------------------------------- */

/**
 * AatBinanceBookResult:
 * @AAT_BINANCE_BOOK_BUFFERED: no usable snapshot yet: the diff was kept
 * @AAT_BINANCE_BOOK_APPLIED: the book is in sync and changed
 * @AAT_BINANCE_BOOK_STALE: a diff the snapshot already contains (u <= lastUpdateId)
 * @AAT_BINANCE_BOOK_GAP: a diff does not follow the last one (U != previous u + 1):
 *   the book is cleared; take a new snapshot (diffs are buffered meanwhile)
 * @AAT_BINANCE_BOOK_RETRY: the snapshot is older than the first buffered diff: take
 *   another one
 *
 * What a diff or a snapshot did to the book.
 */
typedef enum {
  AAT_BINANCE_BOOK_BUFFERED,
  AAT_BINANCE_BOOK_APPLIED,
  AAT_BINANCE_BOOK_STALE,
  AAT_BINANCE_BOOK_GAP,
  AAT_BINANCE_BOOK_RETRY,
} AatBinanceBookResult;

typedef struct _AatBinanceBook AatBinanceBook;

AatBinanceBook *aat_binance_book_new (void);
void aat_binance_book_free (AatBinanceBook *self);
void aat_binance_book_reset (AatBinanceBook *self);
gboolean aat_binance_book_is_synced (AatBinanceBook *self);
guint64 aat_binance_book_get_update_id (AatBinanceBook *self);
guint aat_binance_book_get_gaps (AatBinanceBook *self);
AatBinanceBookResult aat_binance_book_diff (AatBinanceBook *self, JsonObject *event, GError **error);
AatBinanceBookResult aat_binance_book_snapshot (AatBinanceBook *self, JsonObject *snapshot,
                                                GError **error);
gboolean aat_binance_book_top (AatBinanceBook *self, double *bid, double *bid_size, double *ask,
                               double *ask_size);
guint aat_binance_book_depth (AatBinanceBook *self, AatSide side);
double aat_binance_book_volume_at (AatBinanceBook *self, AatSide side, double price);

typedef void (*AatBinanceLevelFunc) (double price, double quantity, gpointer user_data);
void aat_binance_book_foreach (AatBinanceBook *self, AatSide side, AatBinanceLevelFunc func,
                               gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatBinanceBook, aat_binance_book_free)

G_END_DECLS
