/* aat-coinbase-core.c: the network-free half of the Coinbase Exchange adapter.
 *
 * - Signing: CB-ACCESS-SIGN is base64 (HMAC-SHA256 (key = base64-decoded secret,
 *   timestamp + METHOD + requestPath + body)). requestPath includes the query string.
 * - Orders: aat type / flag / time in force → Coinbase type, stop (loss/entry),
 *   time_in_force (GTC, GTT + cancel_after, IOC, FOK), checked against the product
 *   (quote_increment, base_increment, min_market_funds, status flags) so an impossible
 *   order is refused with a reason before it costs a request.
 * - Replies: HTTP status + {"message"} → AAT_COINBASE_ERROR (429 with exponential
 *   backoff, "request timestamp expired" clock skew, 401 auth, 5xx unknown outcome).
 * - The book: level2 `snapshot` then `l2update` changes, each level one order of an
 *   #AatOrderBook (id from price and side), so users read it with the order-book API.
 * - Continuity: the level2 channel has no sequence numbers; gaps are detected on the
 *   trade ids of `match` and the heartbeat's `last_trade_id` (see AatCoinbaseSeq).
 */
#include "aat-coinbase-core.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (aat-coinbase-error-quark, aat_coinbase_error)

/**
 * aat_coinbase_sign:
 * @secret: the API secret, base64 as Coinbase issues it
 * @timestamp: the CB-ACCESS-TIMESTAMP value (seconds since the epoch)
 * @method: GET, POST or DELETE (upper case)
 * @request_path: the path with its query string, e.g. `/orders?status=open`
 * @body: (nullable): the request body exactly as sent
 *
 * Returns: (transfer full): the CB-ACCESS-SIGN value
 */
char *
aat_coinbase_sign (const char *secret, const char *timestamp, const char *method,
                   const char *request_path, const char *body)
{
  gsize key_len = 0;
  g_autofree guchar *key = g_base64_decode (secret, &key_len);
  g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_hmac_update (hmac, (const guchar *) timestamp, -1);
  g_hmac_update (hmac, (const guchar *) method, -1);
  g_hmac_update (hmac, (const guchar *) request_path, -1);
  if (body != NULL)
    g_hmac_update (hmac, (const guchar *) body, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);
  return g_base64_encode (digest, digest_len);
}

static void
redact_after (GString *s, const char *marker, const char *stop_chars)
{
  gsize from = 0;
  char *hit;

  while (from < s->len && (hit = strstr (s->str + from, marker)) != NULL)
    {
      gsize start = (gsize) (hit - s->str) + strlen (marker);
      gsize end = start;

      while (end < s->len && strchr (stop_chars, s->str[end]) == NULL)
        end++;
      g_string_erase (s, (gssize) start, (gssize) (end - start));
      g_string_insert (s, (gssize) start, "<redacted>");
      from = start + strlen ("<redacted>");
    }
}

/**
 * aat_coinbase_redact:
 * @text: a text that may contain credentials (headers, a message, an answer)
 * @api_key: (nullable): the API key
 * @api_secret: (nullable): the API secret
 * @passphrase: (nullable): the API passphrase
 *
 * Returns: (transfer full): @text with the key, the secret, the passphrase and any
 *   signature (a CB-ACCESS-SIGN header or a "signature" member) replaced by `<redacted>`
 */
char *
aat_coinbase_redact (const char *text, const char *api_key, const char *api_secret,
                     const char *passphrase)
{
  GString *s = g_string_new (text ? text : "");
  const char *secrets[] = { api_key, api_secret, passphrase };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (secrets[i] && strlen (secrets[i]) >= 4)
      g_string_replace (s, secrets[i], "<redacted>", 0);
  redact_after (s, "CB-ACCESS-SIGN: ", "\r\n");
  redact_after (s, "\"signature\":\"", "\"");
  return g_string_free (s, FALSE);
}

void
aat_coinbase_product_free (AatCoinbaseProduct *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->base);
  g_free (self->quote);
  g_free (self->status);
  g_free (self);
}

/**
 * aat_coinbase_number:
 * @o: an object
 * @member: a member holding a number or a decimal string (Coinbase sends strings)
 * @ok: (out) (optional): whether the member was a number
 *
 * Returns: the value, 0 when absent or not a number
 */
double
aat_coinbase_number (JsonObject *o, const char *member, gboolean *ok)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;
  GType t;
  double v = 0.0;
  gboolean good = FALSE;

  if (n != NULL && JSON_NODE_HOLDS_VALUE (n))
    {
      t = json_node_get_value_type (n);
      if (t == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (n);
          char *end = NULL;

          v = g_ascii_strtod (text, &end);
          good = end != text && *end == '\0' && isfinite (v);
          if (!good)
            v = 0.0;
        }
      else if (t == G_TYPE_INT64 || t == G_TYPE_DOUBLE)
        {
          v = json_node_get_double (n);
          good = TRUE;
        }
    }
  if (ok)
    *ok = good;
  return v;
}

static AatCoinbaseProduct *
parse_product (JsonObject *o)
{
  AatCoinbaseProduct *p;

  if (o == NULL || !json_object_has_member (o, "id") ||
      json_node_get_value_type (json_object_get_member (o, "id")) != G_TYPE_STRING)
    return NULL;
  p = g_new0 (AatCoinbaseProduct, 1);
  p->id = g_strdup (json_object_get_string_member (o, "id"));
  p->base = g_strdup (json_object_get_string_member_with_default (o, "base_currency", ""));
  p->quote = g_strdup (json_object_get_string_member_with_default (o, "quote_currency", ""));
  p->quote_increment = aat_coinbase_number (o, "quote_increment", NULL);
  p->base_increment = aat_coinbase_number (o, "base_increment", NULL);
  p->base_min_size = aat_coinbase_number (o, "base_min_size", NULL);
  p->base_max_size = aat_coinbase_number (o, "base_max_size", NULL);
  p->min_market_funds = aat_coinbase_number (o, "min_market_funds", NULL);
  p->status = g_strdup (json_object_get_string_member_with_default (o, "status", "online"));
  p->trading_disabled = json_object_get_boolean_member_with_default (o, "trading_disabled", FALSE);
  p->cancel_only = json_object_get_boolean_member_with_default (o, "cancel_only", FALSE);
  p->limit_only = json_object_get_boolean_member_with_default (o, "limit_only", FALSE);
  p->post_only = json_object_get_boolean_member_with_default (o, "post_only", FALSE);
  return p;
}

/**
 * aat_coinbase_parse_products:
 * @json: the body of GET /products (an array) or GET /products/<id> (one object)
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): product id → #AatCoinbaseProduct
 */
GHashTable *
aat_coinbase_parse_products (const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  GHashTable *out;

  if (!json_parser_load_from_data (parser, json, -1, error))
    {
      g_prefix_error (error, "coinbase: products: ");
      return NULL;
    }
  root = json_parser_get_root (parser);
  out = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) aat_coinbase_product_free);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      AatCoinbaseProduct *p = parse_product (json_node_get_object (root));
      if (p)
        g_hash_table_replace (out, p->id, p);
    }
  else if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *a = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *n = json_array_get_element (a, i);
          AatCoinbaseProduct *p = JSON_NODE_HOLDS_OBJECT (n) ? parse_product (json_node_get_object (n)) : NULL;
          if (p)
            g_hash_table_replace (out, p->id, p);
        }
    }
  if (g_hash_table_size (out) == 0)
    {
      g_hash_table_unref (out);
      g_set_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_FAILED,
                   "coinbase: products: no product with an \"id\" in the answer");
      return NULL;
    }
  return out;
}

/**
 * aat_coinbase_client_oid:
 * @seed: a text unique to the order (run id and order id)
 *
 * Coinbase wants client_oid to be a UUID. This derives one from @seed (a SHA-256 of it,
 * formatted as a version-4-shaped UUID), so the same order gets the same id after a
 * restart.
 *
 * Returns: (transfer full): the UUID
 */
char *
aat_coinbase_client_oid (const char *seed)
{
  g_autofree char *h = g_compute_checksum_for_string (G_CHECKSUM_SHA256, seed, -1);
  static const char variant[] = "89ab";

  return g_strdup_printf ("%.8s-%.4s-4%.3s-%c%.3s-%.12s", h, h + 8, h + 13, variant[g_ascii_xdigit_value (h[16]) & 3],
                          h + 17, h + 20);
}

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
add_decimal (JsonBuilder *b, const char *name, double value, double step)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *format = g_strdup_printf ("%%.%df", decimals (step));

  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, g_ascii_formatd (buf, sizeof buf, format, value));
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

/**
 * aat_coinbase_order_body:
 * @order: the order
 * @product: the product's trading rules
 * @client_oid: the client_oid (a UUID)
 * @now: the current time, for a GTD order's remaining life
 * @reason: (out) (optional) (transfer full): why the order cannot be sent
 *
 * Builds the JSON body of POST /orders. Market orders (`size`, or `funds` for a notional
 * order), limit orders with time_in_force GTC, IOC (flag), FOK (flag) or GTT (a GTD
 * order whose expiry is one minute, one hour or one day away: `cancel_after` min, hour,
 * day); stop-market and stop-limit as `stop` = `loss` (sell) or `entry` (buy) with
 * `stop_price`. Refused here: all-or-none, DAY, other GTD expiries, flags on market or
 * stop orders, GTD with a flag, off-grid prices and sizes, a market order below
 * min_market_funds, products that are not online or take only some orders.
 *
 * Returns: (transfer full) (nullable): the body, or %NULL with @reason set
 */
char *
aat_coinbase_order_body (AatOrder *order, const AatCoinbaseProduct *product, const char *client_oid,
                         AatTime now, char **reason)
{
  AatOrderType type = aat_order_get_order_type (order);
  AatOrderFlag flag = aat_order_get_flag (order);
  AatTimeInForce tif = aat_order_get_time_in_force (order);
  double volume = aat_order_get_remaining (order);
  double notional = aat_order_get_notional (order);
  double price = aat_order_get_price (order);
  double stop = aat_order_get_stop_price (order);
  gboolean is_stop = type == AAT_ORDER_TYPE_STOP_MARKET || type == AAT_ORDER_TYPE_STOP_LIMIT;
  gboolean is_limit = type == AAT_ORDER_TYPE_LIMIT || type == AAT_ORDER_TYPE_STOP_LIMIT;
  const char *cb_tif = NULL, *cancel_after = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  g_autoptr (JsonGenerator) gen = NULL;
  g_autoptr (JsonNode) root = NULL;

#define REFUSE(...) G_STMT_START { if (reason) *reason = g_strdup_printf (__VA_ARGS__); return NULL; } G_STMT_END

  if (g_strcmp0 (product->status, "online") != 0 || product->trading_disabled)
    REFUSE ("coinbase: %s is not trading (status %s%s)", product->id, product->status,
            product->trading_disabled ? ", trading disabled" : "");
  if (product->cancel_only)
    REFUSE ("coinbase: %s is in cancel-only mode", product->id);
  if (flag == AAT_ORDER_FLAG_ALL_OR_NONE)
    REFUSE ("coinbase: all-or-none orders are not supported by Coinbase Exchange");
  if (type < AAT_ORDER_TYPE_MARKET || type > AAT_ORDER_TYPE_STOP_LIMIT)
    REFUSE ("coinbase: unknown order type %d", type);
  if (tif == AAT_TIME_IN_FORCE_DAY)
    REFUSE ("coinbase: time in force DAY is not supported by Coinbase Exchange (GTC, GTT, IOC, FOK; "
            "use GTD one day ahead for GTT cancel_after=day)");
  if (!is_limit && (flag != AAT_ORDER_FLAG_NONE || tif == AAT_TIME_IN_FORCE_GTD))
    REFUSE ("coinbase: a %s order takes no time in force or fill-or-kill / immediate-or-cancel flag",
            type == AAT_ORDER_TYPE_MARKET ? "market" : "stop-market");
  if (is_stop && flag != AAT_ORDER_FLAG_NONE)
    REFUSE ("coinbase: a stop-limit order rests until triggered: no fill-or-kill / immediate-or-cancel");
  if (tif == AAT_TIME_IN_FORCE_GTD && flag != AAT_ORDER_FLAG_NONE)
    REFUSE ("coinbase: GTD (GTT) and a fill-or-kill / immediate-or-cancel flag exclude each other");
  if ((type == AAT_ORDER_TYPE_MARKET || type == AAT_ORDER_TYPE_STOP_MARKET) && product->limit_only)
    REFUSE ("coinbase: %s is in limit-only mode: no market orders", product->id);
  if (product->post_only && (!is_limit || flag != AAT_ORDER_FLAG_NONE))
    REFUSE ("coinbase: %s is in post-only mode: resting limit orders only", product->id);

  if (is_limit)
    {
      if (flag == AAT_ORDER_FLAG_FILL_OR_KILL)
        cb_tif = "FOK";
      else if (flag == AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL)
        cb_tif = "IOC";
      else if (tif == AAT_TIME_IN_FORCE_GTD)
        {
          double life = (double) (aat_order_get_expire_time (order) - now) / 1e9;
          cb_tif = "GTT";
          if (fabs (life - 60) <= 2)
            cancel_after = "min";
          else if (fabs (life - 3600) <= 2)
            cancel_after = "hour";
          else if (fabs (life - 86400) <= 2)
            cancel_after = "day";
          else
            REFUSE ("coinbase: GTD expiry %.0f s away: Coinbase's GTT cancels after one minute, one hour or "
                    "one day only (cancel_after min, hour, day)", life);
        }
      else
        cb_tif = "GTC";
      if (price <= 0 || !on_grid (price, product->quote_increment))
        REFUSE ("coinbase: price %g is not a positive multiple of quote_increment %g of %s", price,
                product->quote_increment, product->id);
    }
  if (is_stop && (stop <= 0 || !on_grid (stop, product->quote_increment)))
    REFUSE ("coinbase: stop price %g is not a positive multiple of quote_increment %g of %s", stop,
            product->quote_increment, product->id);
  if (notional > 0 && volume <= 0)
    {
      if (type != AAT_ORDER_TYPE_MARKET)
        REFUSE ("coinbase: a notional (funds) order must be a market order");
      if (product->min_market_funds > 0 && notional < product->min_market_funds - 1e-9)
        REFUSE ("coinbase: funds %g are below min_market_funds %g of %s", notional, product->min_market_funds,
                product->id);
    }
  else
    {
      if (volume <= 0)
        REFUSE ("coinbase: size %g is not positive", volume);
      if (!on_grid (volume, product->base_increment))
        REFUSE ("coinbase: size %g is not a multiple of base_increment %g of %s", volume, product->base_increment,
                product->id);
      if (product->base_min_size > 0 && volume < product->base_min_size - 1e-12)
        REFUSE ("coinbase: size %g is below base_min_size %g of %s", volume, product->base_min_size, product->id);
      if (product->base_max_size > 0 && volume > product->base_max_size + 1e-12)
        REFUSE ("coinbase: size %g is above base_max_size %g of %s", volume, product->base_max_size, product->id);
      if (is_limit && product->min_market_funds > 0 && price * volume < product->min_market_funds - 1e-9)
        REFUSE ("coinbase: notional %g is below the minimum funds %g of %s", price * volume,
                product->min_market_funds, product->id);
    }
#undef REFUSE

  b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "client_oid", client_oid);
  add_string (b, "product_id", product->id);
  add_string (b, "side", aat_order_get_side (order) == AAT_SIDE_BUY ? "buy" : "sell");
  add_string (b, "type", is_limit ? "limit" : "market");
  if (notional > 0 && volume <= 0)
    add_decimal (b, "funds", notional, product->quote_increment);
  else
    add_decimal (b, "size", volume, product->base_increment);
  if (is_limit)
    add_decimal (b, "price", price, product->quote_increment);
  if (is_stop)
    {
      add_string (b, "stop", aat_order_get_side (order) == AAT_SIDE_BUY ? "entry" : "loss");
      add_decimal (b, "stop_price", stop, product->quote_increment);
    }
  if (cb_tif)
    add_string (b, "time_in_force", cb_tif);
  if (cancel_after)
    add_string (b, "cancel_after", cancel_after);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  gen = json_generator_new ();
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/**
 * aat_coinbase_check_reply:
 * @status: the HTTP status
 * @body: (nullable): the answer ({"message": …} on errors)
 * @attempt: how many times in a row this request was throttled before (for the backoff)
 * @retry_ms: (out) (optional): how long to wait before retrying (rate limits)
 * @error: a #GError
 *
 * Returns: %TRUE for a 2xx answer; %FALSE with @error naming the venue's message
 */
gboolean
aat_coinbase_check_reply (guint status, const char *body, guint attempt, guint *retry_ms, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *msg = NULL;
  g_autofree char *lower = NULL;

  if (retry_ms)
    *retry_ms = 0;
  if (status >= 200 && status < 300)
    return TRUE;
  if (body && *body && json_parser_load_from_data (parser, body, -1, NULL) &&
      json_parser_get_root (parser) != NULL && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      const char *m = json_object_get_string_member_with_default (o, "message", NULL);
      if (m != NULL)
        msg = g_strdup (m);
    }
  if (msg == NULL)
    msg = g_strdup (body && *body ? body : "no message");
  lower = g_ascii_strdown (msg, -1);

  if (status == 429)
    {
      /* Coinbase sends no Retry-After: 1 s, doubling, at most 30 s */
      if (retry_ms)
        *retry_ms = (guint) MIN (1000u << MIN (attempt, 5u), 30000u);
      g_set_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_RATE_LIMITED,
                   "coinbase: request rate limit exceeded (HTTP 429): %s", msg);
      return FALSE;
    }
  if (strstr (lower, "timestamp") != NULL)
    {
      g_set_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_CLOCK_SKEW,
                   "coinbase: HTTP %u: %s: this machine's clock differs from Coinbase's by more than the "
                   "30 s the venue allows; synchronise the clock (NTP)", status, msg);
      return FALSE;
    }
  if (status >= 500)
    {
      g_set_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_SERVER,
                   "coinbase: server error HTTP %u (the request's outcome is unknown): %s", status, msg);
      return FALSE;
    }
  if (status == 401 || status == 403)
    {
      g_set_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_AUTH,
                   "coinbase: HTTP %u: %s (check api-key, api-secret, passphrase and the key's permissions)",
                   status, msg);
      return FALSE;
    }
  g_set_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_REJECTED, "coinbase: HTTP %u: %s", status, msg);
  return FALSE;
}

/**
 * aat_coinbase_parse_time:
 * @iso8601: a time such as `2014-11-07T08:19:27.028459Z`
 * @out: (out): nanoseconds since the epoch
 *
 * Returns: whether @iso8601 was a time
 */
gboolean
aat_coinbase_parse_time (const char *iso8601, AatTime *out)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  const char *dot;

  if (iso8601 == NULL || (dt = g_date_time_new_from_iso8601 (iso8601, utc)) == NULL)
    return FALSE;
  *out = (AatTime) g_date_time_to_unix (dt) * 1000000000;
  /* GDateTime keeps microseconds; the feed has up to nanoseconds */
  if ((dot = strchr (iso8601, '.')) != NULL)
    {
      gint64 frac = 0;
      int digits = 0;
      for (dot++; g_ascii_isdigit (*dot) && digits < 9; dot++, digits++)
        frac = frac * 10 + (*dot - '0');
      for (; digits < 9; digits++)
        frac *= 10;
      *out += frac;
    }
  return TRUE;
}

/* ---- the book ------------------------------------------------------------------------- */

struct _AatCoinbaseBook
{
  AatInstrument *instrument;
  AatOrderBook *book;
  gboolean synced;
  guint crossed;
};

AatCoinbaseBook *
aat_coinbase_book_new (AatInstrument *instrument)
{
  AatCoinbaseBook *self = g_new0 (AatCoinbaseBook, 1);

  self->instrument = instrument;
  self->book = aat_order_book_new (instrument);
  return self;
}

void
aat_coinbase_book_free (AatCoinbaseBook *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->book);
  g_free (self);
}

void
aat_coinbase_book_reset (AatCoinbaseBook *self)
{
  aat_order_book_clear (self->book);
  self->synced = FALSE;
}

gboolean
aat_coinbase_book_is_synced (AatCoinbaseBook *self)
{
  return self->synced;
}

/**
 * aat_coinbase_book_get_book:
 * @self: a level2 book
 *
 * Returns: (transfer none): the book: one order per price level, its volume the level's size
 */
AatOrderBook *
aat_coinbase_book_get_book (AatCoinbaseBook *self)
{
  return self->book;
}

guint
aat_coinbase_book_get_crossed (AatCoinbaseBook *self)
{
  return self->crossed;
}

typedef struct {
  AatSide side;
  gint64 ticks;
  gint64 lots;
} Level;

static guint64
level_id (AatSide side, gint64 ticks)
{
  return (((guint64) ticks) << 1 | (side == AAT_SIDE_SELL)) + 1;
}

static gboolean
parse_level (AatCoinbaseBook *self, AatSide side, const char *p, const char *q, Level *out,
             const char *what, guint i, GError **error)
{
  char *end1 = NULL, *end2 = NULL;
  double price = p ? g_ascii_strtod (p, &end1) : 0;
  double size = q ? g_ascii_strtod (q, &end2) : 0;
  double lot = aat_instrument_get_lot_size (self->instrument);

  if (p == NULL || q == NULL || *end1 || *end2 || end1 == p || end2 == q || !(price > 0) || size < 0 ||
      !isfinite (size) || !aat_instrument_price_to_ticks (self->instrument, price, &out->ticks))
    {
      g_set_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_FAILED,
                   "coinbase: %s level %u: not a price and size on the product's grid: [\"%s\", \"%s\"]", what, i,
                   p ? p : "(none)", q ? q : "(none)");
      return FALSE;
    }
  out->side = side;
  out->lots = (gint64) llround (size / (lot > 0 ? lot : 1e-8));
  return TRUE;
}

static const char *
string_at (JsonArray *a, guint i)
{
  JsonNode *n = i < json_array_get_length (a) ? json_array_get_element (a, i) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : NULL;
}

/* Sets a level; a level that would cross the other side means those levels are stale
 * (a level2 book never crosses): they are removed first, and counted. */
static void
set_level (AatCoinbaseBook *self, const Level *l)
{
  guint64 id = level_id (l->side, l->ticks);
  AatSide other = l->side == AAT_SIDE_BUY ? AAT_SIDE_SELL : AAT_SIDE_BUY;
  gint64 best, vol;
  guint count;

  if (l->lots <= 0)
    {
      aat_order_book_cancel (self->book, id);
      return;
    }
  if (aat_order_book_change_raw (self->book, id, l->ticks, l->lots) == AAT_REJECT_REASON_NONE)
    return;
  while (aat_order_book_best_raw (self->book, other, &best, &vol, &count) &&
         (l->side == AAT_SIDE_BUY ? best <= l->ticks : best >= l->ticks))
    {
      self->crossed++;
      aat_order_book_cancel (self->book, level_id (other, best));
    }
  {
    AatBookOrder o = { .id = id, .side = l->side, .type = AAT_ORDER_TYPE_LIMIT, .flag = AAT_ORDER_FLAG_NONE,
                       .price = l->ticks, .volume = l->lots };
    aat_order_book_add_raw (self->book, &o);
  }
}

static JsonArray *
array_member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

/**
 * aat_coinbase_book_snapshot:
 * @self: a book
 * @msg: a level2 `snapshot` message ({"type":"snapshot","bids":[[p,s],…],"asks":[…]})
 * @error: a #GError
 *
 * Replaces the book. A malformed snapshot is refused whole; the book is then empty and
 * not synced.
 *
 * Returns: %AAT_COINBASE_BOOK_APPLIED or %AAT_COINBASE_BOOK_MALFORMED
 */
AatCoinbaseBookResult
aat_coinbase_book_snapshot (AatCoinbaseBook *self, JsonObject *msg, GError **error)
{
  JsonArray *sides[2] = { array_member (msg, "bids"), array_member (msg, "asks") };
  g_autoptr (GArray) levels = g_array_new (FALSE, FALSE, sizeof (Level));

  aat_coinbase_book_reset (self);
  if (sides[0] == NULL || sides[1] == NULL)
    {
      g_set_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_FAILED,
                   "coinbase: snapshot without \"bids\" and \"asks\" arrays");
      return AAT_COINBASE_BOOK_MALFORMED;
    }
  for (guint s = 0; s < 2; s++)
    for (guint i = 0; i < json_array_get_length (sides[s]); i++)
      {
        JsonNode *n = json_array_get_element (sides[s], i);
        JsonArray *pair = JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
        Level l;

        if (!parse_level (self, s == 0 ? AAT_SIDE_BUY : AAT_SIDE_SELL, pair ? string_at (pair, 0) : NULL,
                          pair ? string_at (pair, 1) : NULL, &l, s == 0 ? "snapshot bid" : "snapshot ask", i, error))
          return AAT_COINBASE_BOOK_MALFORMED;
        g_array_append_val (levels, l);
      }
  for (guint i = 0; i < levels->len; i++)
    set_level (self, &g_array_index (levels, Level, i));
  self->synced = TRUE;
  return AAT_COINBASE_BOOK_APPLIED;
}

/**
 * aat_coinbase_book_update:
 * @self: a book
 * @msg: an `l2update` message ({"type":"l2update","changes":[["buy","price","size"],…]});
 *   a size of "0" removes the level
 * @error: a #GError, set for a malformed message (the book is unchanged)
 *
 * Returns: what the update did
 */
AatCoinbaseBookResult
aat_coinbase_book_update (AatCoinbaseBook *self, JsonObject *msg, GError **error)
{
  JsonArray *changes = array_member (msg, "changes");
  g_autoptr (GArray) levels = g_array_new (FALSE, FALSE, sizeof (Level));

  if (changes == NULL)
    {
      g_set_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_FAILED,
                   "coinbase: l2update without a \"changes\" array");
      return AAT_COINBASE_BOOK_MALFORMED;
    }
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonNode *n = json_array_get_element (changes, i);
      JsonArray *c = JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
      const char *side = c ? string_at (c, 0) : NULL;
      Level l;

      if (g_strcmp0 (side, "buy") != 0 && g_strcmp0 (side, "sell") != 0)
        {
          g_set_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_FAILED,
                       "coinbase: l2update change %u: side is not \"buy\" or \"sell\"", i);
          return AAT_COINBASE_BOOK_MALFORMED;
        }
      if (!parse_level (self, side[0] == 'b' ? AAT_SIDE_BUY : AAT_SIDE_SELL, string_at (c, 1), string_at (c, 2), &l,
                        "l2update", i, error))
        return AAT_COINBASE_BOOK_MALFORMED;
      g_array_append_val (levels, l);
    }
  if (!self->synced)
    return AAT_COINBASE_BOOK_WAITING;
  for (guint i = 0; i < levels->len; i++)
    set_level (self, &g_array_index (levels, Level, i));
  return AAT_COINBASE_BOOK_APPLIED;
}

/* ---- continuity ------------------------------------------------------------------------ */

static gboolean
uint_member (JsonObject *o, const char *name, guint64 *out)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 ||
      json_node_get_int (n) < 0)
    return FALSE;
  *out = (guint64) json_node_get_int (n);
  return TRUE;
}

/**
 * aat_coinbase_seq_check:
 * @seq: the product's continuity state
 * @msg: a feed message of the product (match, last_match, heartbeat, ticker, …)
 * @why: (out) (optional) (transfer full): what was missed
 *
 * Returns: %FALSE when messages were missed: a `match` whose trade_id is not the last
 *   one + 1, a heartbeat whose last_trade_id is ahead of the last match seen, or a
 *   `sequence` lower than one already seen. `last_match` (sent on subscription) only
 *   sets the starting point.
 */
gboolean
aat_coinbase_seq_check (AatCoinbaseSeq *seq, JsonObject *msg, char **why)
{
  const char *type = json_object_get_string_member_with_default (msg, "type", "");
  guint64 s = 0, trade = 0;
  gboolean ok = TRUE;

  if (uint_member (msg, "sequence", &s))
    {
      if (s < seq->last_sequence)
        {
          ok = FALSE;
          if (why)
            *why = g_strdup_printf ("sequence %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT, s, seq->last_sequence);
        }
      else
        seq->last_sequence = s;
    }
  if (!ok)
    return FALSE;
  if (strcmp (type, "last_match") == 0 && uint_member (msg, "trade_id", &trade))
    seq->last_trade_id = trade;
  else if (strcmp (type, "match") == 0 && uint_member (msg, "trade_id", &trade))
    {
      if (seq->last_trade_id != 0 && trade != seq->last_trade_id + 1)
        {
          if (trade <= seq->last_trade_id)
            return TRUE;  /* a repeat: nothing missed */
          ok = FALSE;
          if (why)
            *why = g_strdup_printf ("trade_id %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT, trade, seq->last_trade_id);
        }
      seq->last_trade_id = trade;
    }
  else if (strcmp (type, "heartbeat") == 0 && uint_member (msg, "last_trade_id", &trade))
    {
      if (seq->last_trade_id != 0 && trade > seq->last_trade_id)
        {
          ok = FALSE;
          if (why)
            *why = g_strdup_printf ("heartbeat last_trade_id %" G_GUINT64_FORMAT " after match %" G_GUINT64_FORMAT,
                                    trade, seq->last_trade_id);
        }
      if (trade > seq->last_trade_id)
        seq->last_trade_id = trade;
    }
  return ok;
}
