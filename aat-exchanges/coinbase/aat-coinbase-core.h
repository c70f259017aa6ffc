/* aat-coinbase-core.h: the network-free half of the Coinbase Exchange adapter: request
 * signing, redaction, products (tick, lot, minimum funds), order bodies with local
 * checks, error replies, and the level2 book (snapshot + l2update) kept in an
 * #AatOrderBook. */
#pragma once

#include <aat.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Coinbase Exchange endpoints (https://docs.cdp.coinbase.com/exchange/). */
#define AAT_COINBASE_REST_URL "https://api.exchange.coinbase.com"
#define AAT_COINBASE_WS_URL "wss://ws-feed.exchange.coinbase.com"
#define AAT_COINBASE_SANDBOX_REST_URL "https://api-public.sandbox.exchange.coinbase.com"
#define AAT_COINBASE_SANDBOX_WS_URL "wss://ws-feed-public.sandbox.exchange.coinbase.com"

#define AAT_COINBASE_ERROR (aat_coinbase_error_quark ())
GQuark aat_coinbase_error_quark (void);

/**
 * AatCoinbaseError:
 * @AAT_COINBASE_ERROR_FAILED: another failure (a malformed answer, I/O)
 * @AAT_COINBASE_ERROR_REJECTED: the venue refused the request (a 4xx with a message)
 * @AAT_COINBASE_ERROR_RATE_LIMITED: 429: back off and retry
 * @AAT_COINBASE_ERROR_CLOCK_SKEW: "request timestamp expired": the CB-ACCESS-TIMESTAMP
 *   is too far from the venue's clock
 * @AAT_COINBASE_ERROR_AUTH: the key, passphrase or signature was refused
 * @AAT_COINBASE_ERROR_SERVER: a 5xx: the outcome of the request is unknown
 * @AAT_COINBASE_ERROR_CONFIG: a wrong setting
 */
typedef enum {
  AAT_COINBASE_ERROR_FAILED,
  AAT_COINBASE_ERROR_REJECTED,
  AAT_COINBASE_ERROR_RATE_LIMITED,
  AAT_COINBASE_ERROR_CLOCK_SKEW,
  AAT_COINBASE_ERROR_AUTH,
  AAT_COINBASE_ERROR_SERVER,
  AAT_COINBASE_ERROR_CONFIG,
} AatCoinbaseError;

/* A product's trading rules from GET /products/<product_id>. */
typedef struct {
  char *id;                  /* BTC-USD */
  char *base, *quote;
  double quote_increment;    /* the tick */
  double base_increment;     /* the lot */
  double base_min_size, base_max_size;  /* older answers only; 0 when absent */
  double min_market_funds;   /* minimum notional of a market order (quote currency) */
  char *status;              /* "online", "offline", "delisted" */
  gboolean trading_disabled, cancel_only, limit_only, post_only;
} AatCoinbaseProduct;

void aat_coinbase_product_free (AatCoinbaseProduct *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatCoinbaseProduct, aat_coinbase_product_free)

char *aat_coinbase_sign (const char *secret, const char *timestamp, const char *method,
                         const char *request_path, const char *body);
char *aat_coinbase_redact (const char *text, const char *api_key, const char *api_secret,
                           const char *passphrase);
GHashTable *aat_coinbase_parse_products (const char *json, GError **error);
char *aat_coinbase_client_oid (const char *seed);
char *aat_coinbase_order_body (AatOrder *order, const AatCoinbaseProduct *product,
                               const char *client_oid, AatTime now, char **reason);
gboolean aat_coinbase_check_reply (guint status, const char *body, guint attempt,
                                   guint *retry_ms, GError **error);
gboolean aat_coinbase_parse_time (const char *iso8601, AatTime *out);
double aat_coinbase_number (JsonObject *o, const char *member, gboolean *ok);

/* ---- the level2 book ---------------------------------------------------------------- */

/**
 * AatCoinbaseBookResult:
 * @AAT_COINBASE_BOOK_WAITING: no snapshot yet: the update was dropped (the snapshot the
 *   feed sends on subscription contains it)
 * @AAT_COINBASE_BOOK_APPLIED: the book changed
 * @AAT_COINBASE_BOOK_MALFORMED: the message was refused whole; the book is unchanged
 *
 * What a level2 message did to the book.
 */
typedef enum {
  AAT_COINBASE_BOOK_WAITING,
  AAT_COINBASE_BOOK_APPLIED,
  AAT_COINBASE_BOOK_MALFORMED,
} AatCoinbaseBookResult;

typedef struct _AatCoinbaseBook AatCoinbaseBook;

AatCoinbaseBook *aat_coinbase_book_new (AatInstrument *instrument);
void aat_coinbase_book_free (AatCoinbaseBook *self);
void aat_coinbase_book_reset (AatCoinbaseBook *self);
gboolean aat_coinbase_book_is_synced (AatCoinbaseBook *self);
AatOrderBook *aat_coinbase_book_get_book (AatCoinbaseBook *self);
AatCoinbaseBookResult aat_coinbase_book_snapshot (AatCoinbaseBook *self, JsonObject *msg,
                                                  GError **error);
AatCoinbaseBookResult aat_coinbase_book_update (AatCoinbaseBook *self, JsonObject *msg,
                                                GError **error);
guint aat_coinbase_book_get_crossed (AatCoinbaseBook *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatCoinbaseBook, aat_coinbase_book_free)

/* ---- feed continuity ------------------------------------------------------------------ */

/**
 * AatCoinbaseSeq:
 * @last_trade_id: the last match's trade_id (0: none yet)
 * @last_sequence: the highest `sequence` seen
 *
 * Per product: the level2 messages of the Coinbase Exchange feed carry no sequence
 * number, so missed messages are detected on what does: trade ids of `match` messages
 * increase by one, a heartbeat's `last_trade_id` names the last match sent, and
 * `sequence` never goes back.
 */
typedef struct {
  guint64 last_trade_id;
  guint64 last_sequence;
} AatCoinbaseSeq;

gboolean aat_coinbase_seq_check (AatCoinbaseSeq *seq, JsonObject *msg, char **why);

G_END_DECLS
