/* aat-binance-core.c: the network-free half of the Binance spot adapter.
 *
 * - Signing: HMAC-SHA256 (GHmac) of the exact query string sent, hex (the `signature`
 *   parameter of SIGNED endpoints).
 * - Orders: aat order type / flag / time in force → Binance type and timeInForce, and
 *   the symbol's filters (PRICE_FILTER, LOT_SIZE, NOTIONAL) checked locally, so an
 *   impossible order is rejected with a reason before it costs request weight.
 * - Replies: HTTP status + {"code","msg"} → a GError in AAT_BINANCE_ERROR (429/418 with
 *   Retry-After, -1021 clock skew, -2010/-2011 refusals, 5xx unknown outcome).
 * - The book: the documented "manage a local order book" procedure: buffer diffs,
 *   take a snapshot, drop diffs with u <= lastUpdateId, the first applied diff must
 *   straddle lastUpdateId + 1, and each later one must start at the previous u + 1;
 *   otherwise the book is dropped and rebuilt from a new snapshot.
 */
#include "aat-binance-core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (aat-binance-error-quark, aat_binance_error)

/**
 * aat_binance_sign:
 * @secret: the API secret
 * @payload: the total parameters: query string and request body concatenated
 *
 * Returns: (transfer full): the lowercase hex HMAC-SHA256 of @payload keyed by @secret
 */
char *
aat_binance_sign (const char *secret, const char *payload)
{
  return g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret),
                                    payload, -1);
}

/**
 * aat_binance_redact:
 * @text: a text that may contain credentials (a URL, an answer)
 * @api_key: (nullable): the API key
 * @api_secret: (nullable): the API secret
 *
 * Returns: (transfer full): @text with the key, the secret and any `signature=` value
 *   replaced by `<redacted>`
 */
char *
aat_binance_redact (const char *text, const char *api_key, const char *api_secret)
{
  GString *s = g_string_new (text ? text : "");
  const char *secrets[] = { api_key, api_secret };
  char *sig;

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (secrets[i] && strlen (secrets[i]) >= 4)
      g_string_replace (s, secrets[i], "<redacted>", 0);
  if ((sig = strstr (s->str, "signature=")) != NULL)
    {
      gsize start = (gsize) (sig - s->str) + strlen ("signature=");
      gsize end = start;

      while (end < s->len && g_ascii_isxdigit (s->str[end]))
        end++;
      g_string_erase (s, (gssize) start, (gssize) (end - start));
      g_string_insert (s, (gssize) start, "<redacted>");
    }
  return g_string_free (s, FALSE);
}

void
aat_binance_symbol_free (AatBinanceSymbol *self)
{
  if (self == NULL)
    return;
  g_free (self->symbol);
  g_free (self->base);
  g_free (self->quote);
  g_free (self);
}

static double
number (JsonObject *o, const char *member)
{
  JsonNode *n = json_object_get_member (o, member);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return 0.0;
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return g_ascii_strtod (json_node_get_string (n), NULL);
  return json_node_get_double (n);
}

/**
 * aat_binance_parse_exchange_info:
 * @json: the body of GET /api/v3/exchangeInfo
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): symbol → #AatBinanceSymbol
 */
GHashTable *
aat_binance_parse_exchange_info (const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *symbols;
  GHashTable *out;

  if (!json_parser_load_from_data (parser, json, -1, error))
    {
      g_prefix_error (error, "exchangeInfo: ");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "symbols") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "symbols")))
    {
      g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED,
                   "exchangeInfo: no 'symbols' array in the answer");
      return NULL;
    }
  symbols = json_object_get_array_member (json_node_get_object (root), "symbols");
  out = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                               (GDestroyNotify) aat_binance_symbol_free);
  for (guint i = 0; i < json_array_get_length (symbols); i++)
    {
      JsonObject *o = json_array_get_object_element (symbols, i);
      AatBinanceSymbol *sym;
      JsonArray *filters, *types;

      if (o == NULL || !json_object_has_member (o, "symbol"))
        continue;
      sym = g_new0 (AatBinanceSymbol, 1);
      sym->symbol = g_strdup (json_object_get_string_member (o, "symbol"));
      sym->base = g_strdup (json_object_get_string_member_with_default (o, "baseAsset", ""));
      sym->quote = g_strdup (json_object_get_string_member_with_default (o, "quoteAsset", ""));
      filters = json_object_has_member (o, "filters") ? json_object_get_array_member (o, "filters") : NULL;
      for (guint k = 0; filters && k < json_array_get_length (filters); k++)
        {
          JsonObject *f = json_array_get_object_element (filters, k);
          const char *type = f ? json_object_get_string_member_with_default (f, "filterType", "") : "";

          if (strcmp (type, "PRICE_FILTER") == 0)
            {
              sym->tick_size = number (f, "tickSize");
              sym->min_price = number (f, "minPrice");
              sym->max_price = number (f, "maxPrice");
            }
          else if (strcmp (type, "LOT_SIZE") == 0)
            {
              sym->step_size = number (f, "stepSize");
              sym->min_qty = number (f, "minQty");
              sym->max_qty = number (f, "maxQty");
            }
          else if (strcmp (type, "NOTIONAL") == 0 || strcmp (type, "MIN_NOTIONAL") == 0)
            sym->min_notional = number (f, "minNotional");
        }
      types = json_object_has_member (o, "orderTypes") ? json_object_get_array_member (o, "orderTypes") : NULL;
      for (guint k = 0; types && k < json_array_get_length (types); k++)
        if (g_str_has_prefix (json_array_get_string_element (types, k), "STOP_LOSS"))
          sym->stop_orders = TRUE;
      g_hash_table_replace (out, sym->symbol, sym);
    }
  return out;
}

/* Decimals of a step such as 0.00100000 (3); 8 when unknown. */
static int
decimals (double step)
{
  int d = 0;

  if (step <= 0)
    return 8;
  while (d < 12 && fabs (step * pow (10, d) - round (step * pow (10, d))) > 1e-9)
    d++;
  return d;
}

static gboolean
on_grid (double value, double step)
{
  double n;

  if (step <= 0)
    return TRUE;
  n = value / step;
  return fabs (n - round (n)) < 1e-6;
}

static void
add_number (GString *q, const char *name, double value, double step)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *format = g_strdup_printf ("%%.%df", decimals (step));

  g_string_append_printf (q, "&%s=%s", name, g_ascii_formatd (buf, sizeof buf, format, value));
}

/**
 * aat_binance_order_query:
 * @order: the order
 * @symbol: the symbol's trading rules
 * @client_order_id: the newClientOrderId to send
 * @reason: (out) (optional) (transfer full): why the order cannot be sent
 *
 * Builds the parameters of POST /api/v3/order, without recvWindow, timestamp and
 * signature. Market, limit, stop (STOP_LOSS) and stop-limit (STOP_LOSS_LIMIT) orders;
 * limit orders are GTC, or IOC / FOK with the matching flag. Binance spot has no DAY or
 * GTD time in force and no all-or-none: such orders are refused here.
 *
 * Returns: (transfer full) (nullable): the query string, or %NULL with @reason set
 */
char *
aat_binance_order_query (AatOrder *order, const AatBinanceSymbol *symbol,
                         const char *client_order_id, char **reason)
{
  AatOrderType type = aat_order_get_order_type (order);
  AatOrderFlag flag = aat_order_get_flag (order);
  AatTimeInForce tif = aat_order_get_time_in_force (order);
  double volume = aat_order_get_volume (order);
  double price = aat_order_get_price (order);
  double stop = aat_order_get_stop_price (order);
  const char *btype, *btif = NULL;
  GString *q;

#define REFUSE(...) G_STMT_START { if (reason) *reason = g_strdup_printf (__VA_ARGS__); return NULL; } G_STMT_END

  if (flag == AAT_ORDER_FLAG_ALL_OR_NONE)
    REFUSE ("binance: all-or-none orders are not supported by Binance spot");
  if (tif == AAT_TIME_IN_FORCE_DAY || tif == AAT_TIME_IN_FORCE_GTD)
    REFUSE ("binance: time in force %s is not supported by Binance spot (GTC, IOC, FOK only)",
            tif == AAT_TIME_IN_FORCE_DAY ? "DAY" : "GTD");
  switch (type)
    {
    case AAT_ORDER_TYPE_MARKET:
      if (flag != AAT_ORDER_FLAG_NONE)
        REFUSE ("binance: a market order takes no fill-or-kill / immediate-or-cancel flag");
      btype = "MARKET";
      break;
    case AAT_ORDER_TYPE_LIMIT:
      btype = "LIMIT";
      btif = flag == AAT_ORDER_FLAG_FILL_OR_KILL ? "FOK"
           : flag == AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL ? "IOC" : "GTC";
      break;
    case AAT_ORDER_TYPE_STOP_MARKET:
      if (flag != AAT_ORDER_FLAG_NONE)
        REFUSE ("binance: a stop-market order takes no fill-or-kill / immediate-or-cancel flag");
      btype = "STOP_LOSS";
      break;
    case AAT_ORDER_TYPE_STOP_LIMIT:
      btype = "STOP_LOSS_LIMIT";
      btif = flag == AAT_ORDER_FLAG_FILL_OR_KILL ? "FOK"
           : flag == AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL ? "IOC" : "GTC";
      break;
    default:
      REFUSE ("binance: unknown order type %d", type);
    }
  if ((type == AAT_ORDER_TYPE_STOP_MARKET || type == AAT_ORDER_TYPE_STOP_LIMIT) && !symbol->stop_orders)
    REFUSE ("binance: %s does not accept stop orders (orderTypes in exchangeInfo)", symbol->symbol);

  /* LOT_SIZE */
  if (volume <= 0 || (symbol->min_qty > 0 && volume < symbol->min_qty - 1e-12))
    REFUSE ("binance: quantity %g is below LOT_SIZE minQty %g of %s", volume, symbol->min_qty, symbol->symbol);
  if (symbol->max_qty > 0 && volume > symbol->max_qty + 1e-12)
    REFUSE ("binance: quantity %g is above LOT_SIZE maxQty %g of %s", volume, symbol->max_qty, symbol->symbol);
  if (!on_grid (volume, symbol->step_size))
    REFUSE ("binance: quantity %g is not a multiple of LOT_SIZE stepSize %g of %s", volume,
            symbol->step_size, symbol->symbol);
  /* PRICE_FILTER and NOTIONAL */
  if (type == AAT_ORDER_TYPE_LIMIT || type == AAT_ORDER_TYPE_STOP_LIMIT)
    {
      if (price <= 0 || !on_grid (price, symbol->tick_size))
        REFUSE ("binance: price %g is not a positive multiple of PRICE_FILTER tickSize %g of %s",
                price, symbol->tick_size, symbol->symbol);
      if (symbol->min_notional > 0 && price * volume < symbol->min_notional - 1e-9)
        REFUSE ("binance: notional %g is below the minimum notional %g of %s", price * volume,
                symbol->min_notional, symbol->symbol);
    }
  if (type == AAT_ORDER_TYPE_STOP_MARKET || type == AAT_ORDER_TYPE_STOP_LIMIT)
    {
      if (stop <= 0 || !on_grid (stop, symbol->tick_size))
        REFUSE ("binance: stop price %g is not a positive multiple of PRICE_FILTER tickSize %g of %s",
                stop, symbol->tick_size, symbol->symbol);
      if (type == AAT_ORDER_TYPE_STOP_MARKET && symbol->min_notional > 0 &&
          stop * volume < symbol->min_notional - 1e-9)
        REFUSE ("binance: notional %g is below the minimum notional %g of %s", stop * volume,
                symbol->min_notional, symbol->symbol);
    }
#undef REFUSE

  q = g_string_new (NULL);
  g_string_append_printf (q, "symbol=%s&side=%s&type=%s", symbol->symbol,
                          aat_order_get_side (order) == AAT_SIDE_BUY ? "BUY" : "SELL", btype);
  if (btif)
    g_string_append_printf (q, "&timeInForce=%s", btif);
  add_number (q, "quantity", volume, symbol->step_size);
  if (type == AAT_ORDER_TYPE_LIMIT || type == AAT_ORDER_TYPE_STOP_LIMIT)
    add_number (q, "price", price, symbol->tick_size);
  if (type == AAT_ORDER_TYPE_STOP_MARKET || type == AAT_ORDER_TYPE_STOP_LIMIT)
    add_number (q, "stopPrice", stop, symbol->tick_size);
  g_string_append_printf (q, "&newClientOrderId=%s&newOrderRespType=ACK", client_order_id);
  return g_string_free (q, FALSE);
}

/**
 * aat_binance_check_reply:
 * @status: the HTTP status
 * @body: (nullable): the answer
 * @retry_after: (nullable): the Retry-After header
 * @code: (out) (optional): Binance's error code, 0 when none
 * @retry_ms: (out) (optional): how long to wait before retrying (rate limits)
 * @error: a #GError
 *
 * Returns: %TRUE for a 2xx answer; %FALSE with @error naming the venue's code and msg
 */
gboolean
aat_binance_check_reply (guint status, const char *body, const char *retry_after, int *code,
                         guint *retry_ms, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *msg = NULL;
  int c = 0;

  if (code)
    *code = 0;
  if (retry_ms)
    *retry_ms = 0;
  if (status >= 200 && status < 300)
    return TRUE;
  if (body && *body && json_parser_load_from_data (parser, body, -1, NULL) &&
      json_parser_get_root (parser) != NULL && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      c = (int) json_object_get_int_member_with_default (o, "code", 0);
      msg = g_strdup (json_object_get_string_member_with_default (o, "msg", ""));
    }
  if (msg == NULL)
    msg = g_strdup (body && *body ? body : "no message");
  if (code)
    *code = c;

  if (status == 429 || status == 418)
    {
      guint64 seconds = retry_after ? g_ascii_strtoull (retry_after, NULL, 10) : 0;
      g_autofree char *with_code = c ? g_strdup_printf (", code %d", c) : g_strdup ("");

      if (retry_ms)
        *retry_ms = (guint) MIN (seconds ? seconds * 1000 : 1000, 600000);
      g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_RATE_LIMITED,
                   "binance: %s (HTTP %u%s, Retry-After %s s): %s", status == 418 ?
                   "IP banned for repeated rate-limit violations" : "request rate limit exceeded",
                   status, with_code, retry_after ? retry_after : "?", msg);
      return FALSE;
    }
  if (c == -1021)
    {
      g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_CLOCK_SKEW,
                   "binance: code -1021: %s: this machine's clock differs from Binance's by "
                   "more than recvWindow; synchronise the clock (NTP) or raise recv-window", msg);
      return FALSE;
    }
  if (status >= 500)
    {
      g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_SERVER,
                   "binance: server error HTTP %u (the request's outcome is unknown): %s", status, msg);
      return FALSE;
    }
  if (status == 401 || c == -2014 || c == -2015 || c == -1022)
    {
      g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_AUTH,
                   "binance: code %d: %s (check api-key / api-secret and the key's permissions)", c, msg);
      return FALSE;
    }
  g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_REJECTED, "binance: code %d: %s", c, msg);
  return FALSE;
}

/* ---- the book --------------------------------------------------------------------- */

struct _AatBinanceBook
{
  GTree *bids, *asks;          /* gint64 price in 1e-8 units → double quantity */
  gboolean synced;
  guint64 last;                /* the update id the book reflects */
  GQueue buffer;               /* JsonObject* diffs waiting for a snapshot */
  guint gaps;
};

static gint
cmp_price (gconstpointer a, gconstpointer b, gpointer data)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

AatBinanceBook *
aat_binance_book_new (void)
{
  AatBinanceBook *self = g_new0 (AatBinanceBook, 1);

  self->bids = g_tree_new_full (cmp_price, NULL, g_free, g_free);
  self->asks = g_tree_new_full (cmp_price, NULL, g_free, g_free);
  g_queue_init (&self->buffer);
  return self;
}

static void
clear_levels (AatBinanceBook *self)
{
  g_tree_destroy (self->bids);
  g_tree_destroy (self->asks);
  self->bids = g_tree_new_full (cmp_price, NULL, g_free, g_free);
  self->asks = g_tree_new_full (cmp_price, NULL, g_free, g_free);
}

void
aat_binance_book_reset (AatBinanceBook *self)
{
  clear_levels (self);
  self->synced = FALSE;
  self->last = 0;
  g_queue_clear_full (&self->buffer, (GDestroyNotify) json_object_unref);
}

void
aat_binance_book_free (AatBinanceBook *self)
{
  if (self == NULL)
    return;
  g_queue_clear_full (&self->buffer, (GDestroyNotify) json_object_unref);
  g_tree_destroy (self->bids);
  g_tree_destroy (self->asks);
  g_free (self);
}

gboolean
aat_binance_book_is_synced (AatBinanceBook *self)
{
  return self->synced;
}

guint64
aat_binance_book_get_update_id (AatBinanceBook *self)
{
  return self->last;
}

guint
aat_binance_book_get_gaps (AatBinanceBook *self)
{
  return self->gaps;
}

static gboolean
apply_levels (GTree *tree, JsonArray *levels, const char *what, GError **error)
{
  /* tree == NULL: only check */
  for (guint i = 0; levels && i < json_array_get_length (levels); i++)
    {
      JsonNode *n = json_array_get_element (levels, i);
      JsonArray *pair = JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
      const char *p, *q;
      char *end1, *end2;
      double price, qty;
      gint64 key;

      if (pair == NULL || json_array_get_length (pair) < 2 ||
          json_node_get_value_type (json_array_get_element (pair, 0)) != G_TYPE_STRING ||
          json_node_get_value_type (json_array_get_element (pair, 1)) != G_TYPE_STRING)
        {
          g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED,
                       "binance: %s level %u is not a [\"price\", \"quantity\"] pair", what, i);
          return FALSE;
        }
      p = json_array_get_string_element (pair, 0);
      q = json_array_get_string_element (pair, 1);
      price = g_ascii_strtod (p, &end1);
      qty = g_ascii_strtod (q, &end2);
      if (*end1 || *end2 || end1 == p || end2 == q || price < 0 || qty < 0)
        {
          g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED,
                       "binance: %s level %u: bad number in [\"%s\", \"%s\"]", what, i, p, q);
          return FALSE;
        }
      key = (gint64) llround (price * 1e8);
      if (tree == NULL)
        continue;
      if (qty == 0)
        g_tree_remove (tree, &key);
      else
        {
          gint64 *k = g_new (gint64, 1);
          double *v = g_new (double, 1);
          *k = key;
          *v = qty;
          g_tree_replace (tree, k, v);
        }
    }
  return TRUE;
}

static gboolean
diff_ids (JsonObject *event, guint64 *first, guint64 *last, GError **error)
{
  if (!json_object_has_member (event, "U") || !json_object_has_member (event, "u") ||
      json_node_get_value_type (json_object_get_member (event, "U")) != G_TYPE_INT64 ||
      json_node_get_value_type (json_object_get_member (event, "u")) != G_TYPE_INT64)
    {
      g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED,
                   "binance: depthUpdate without integer 'U' and 'u' update ids");
      return FALSE;
    }
  *first = (guint64) json_object_get_int_member (event, "U");
  *last = (guint64) json_object_get_int_member (event, "u");
  if (*last < *first)
    {
      g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED,
                   "binance: depthUpdate with u (%" G_GUINT64_FORMAT ") < U (%" G_GUINT64_FORMAT ")",
                   *last, *first);
      return FALSE;
    }
  return TRUE;
}

static JsonArray *
array_member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

/* Applies a diff to a synced book. */
static AatBinanceBookResult
apply_diff (AatBinanceBook *self, JsonObject *event, GError **error)
{
  guint64 first, last;

  if (!diff_ids (event, &first, &last, error))
    return AAT_BINANCE_BOOK_STALE;
  if (last <= self->last)
    return AAT_BINANCE_BOOK_STALE;
  if (first > self->last + 1)
    {
      self->gaps++;
      aat_binance_book_reset (self);
      g_queue_push_tail (&self->buffer, json_object_ref (event));
      return AAT_BINANCE_BOOK_GAP;
    }
  if (!apply_levels (NULL, array_member (event, "b"), "bid", error) ||
      !apply_levels (NULL, array_member (event, "a"), "ask", error))
    return AAT_BINANCE_BOOK_STALE;
  apply_levels (self->bids, array_member (event, "b"), "bid", NULL);
  apply_levels (self->asks, array_member (event, "a"), "ask", NULL);
  self->last = last;
  return AAT_BINANCE_BOOK_APPLIED;
}

/**
 * aat_binance_book_diff:
 * @self: a book
 * @event: a depthUpdate event ({"e":"depthUpdate","U":…,"u":…,"b":[…],"a":[…]})
 * @error: a #GError, set for a malformed event (the book is unchanged)
 *
 * Returns: what the diff did
 */
AatBinanceBookResult
aat_binance_book_diff (AatBinanceBook *self, JsonObject *event, GError **error)
{
  guint64 first, last;

  if (!self->synced)
    {
      if (!diff_ids (event, &first, &last, error))
        return AAT_BINANCE_BOOK_STALE;
      g_queue_push_tail (&self->buffer, json_object_ref (event));
      return AAT_BINANCE_BOOK_BUFFERED;
    }
  return apply_diff (self, event, error);
}

/**
 * aat_binance_book_snapshot:
 * @self: a book
 * @snapshot: the answer of GET /api/v3/depth ({"lastUpdateId":…,"bids":[…],"asks":[…]})
 * @error: a #GError
 *
 * Returns: %AAT_BINANCE_BOOK_APPLIED when the book is in sync; %AAT_BINANCE_BOOK_RETRY
 *   when the snapshot predates the buffered diffs; %AAT_BINANCE_BOOK_GAP when the
 *   buffered diffs do not connect to it
 */
AatBinanceBookResult
aat_binance_book_snapshot (AatBinanceBook *self, JsonObject *snapshot, GError **error)
{
  guint64 id;
  JsonObject *head;
  guint64 first, last;

  if (!json_object_has_member (snapshot, "lastUpdateId") ||
      json_node_get_value_type (json_object_get_member (snapshot, "lastUpdateId")) != G_TYPE_INT64)
    {
      g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED,
                   "binance: depth snapshot without an integer 'lastUpdateId'");
      return AAT_BINANCE_BOOK_RETRY;
    }
  id = (guint64) json_object_get_int_member (snapshot, "lastUpdateId");
  head = g_queue_peek_head (&self->buffer);
  if (head && diff_ids (head, &first, &last, NULL) && id < first)
    return AAT_BINANCE_BOOK_RETRY;

  clear_levels (self);
  if (!apply_levels (self->bids, array_member (snapshot, "bids"), "snapshot bid", error) ||
      !apply_levels (self->asks, array_member (snapshot, "asks"), "snapshot ask", error))
    {
      clear_levels (self);
      return AAT_BINANCE_BOOK_RETRY;
    }
  self->last = id;
  self->synced = TRUE;

  while (!g_queue_is_empty (&self->buffer))
    {
      JsonObject *event = g_queue_pop_head (&self->buffer);
      AatBinanceBookResult r = apply_diff (self, event, NULL);

      json_object_unref (event);
      if (r == AAT_BINANCE_BOOK_GAP)
        return r;
    }
  return AAT_BINANCE_BOOK_APPLIED;
}

gboolean
aat_binance_book_top (AatBinanceBook *self, double *bid, double *bid_size, double *ask,
                      double *ask_size)
{
  GTreeNode *b = g_tree_node_last (self->bids);
  GTreeNode *a = g_tree_node_first (self->asks);

  *bid = b ? *(gint64 *) g_tree_node_key (b) / 1e8 : 0.0;
  *bid_size = b ? *(double *) g_tree_node_value (b) : 0.0;
  *ask = a ? *(gint64 *) g_tree_node_key (a) / 1e8 : 0.0;
  *ask_size = a ? *(double *) g_tree_node_value (a) : 0.0;
  return self->synced && (a || b);
}

guint
aat_binance_book_depth (AatBinanceBook *self, AatSide side)
{
  return (guint) g_tree_nnodes (side == AAT_SIDE_BUY ? self->bids : self->asks);
}

double
aat_binance_book_volume_at (AatBinanceBook *self, AatSide side, double price)
{
  gint64 key = (gint64) llround (price * 1e8);
  double *v = g_tree_lookup (side == AAT_SIDE_BUY ? self->bids : self->asks, &key);
  return v ? *v : 0.0;
}

typedef struct {
  AatBinanceLevelFunc func;
  gpointer data;
} ForeachData;

static gboolean
foreach_level (gpointer key, gpointer value, gpointer data)
{
  ForeachData *fd = data;

  fd->func (*(gint64 *) key / 1e8, *(double *) value, fd->data);
  return FALSE;
}

/**
 * aat_binance_book_foreach:
 * @self: a book
 * @side: which side
 * @func: (scope call): called with each level's price and quantity, in rising price order
 * @user_data: for @func
 *
 * Visits the levels of one side (to mirror the book elsewhere).
 */
void
aat_binance_book_foreach (AatBinanceBook *self, AatSide side, AatBinanceLevelFunc func,
                          gpointer user_data)
{
  ForeachData fd = { func, user_data };

  g_tree_foreach (side == AAT_SIDE_BUY ? self->bids : self->asks, foreach_level, &fd);
}
