/* aat-alpaca-core.c: the network-free half of the Alpaca adapter.
 *
 * - Credentials travel as the APCA-API-KEY-ID / APCA-API-SECRET-KEY headers (and in the
 *   websocket `auth` messages); nothing is signed. aat_alpaca_redact() removes them.
 * - Orders: aat type / flag / time in force → Alpaca `type` (market, limit, stop,
 *   stop_limit) and `time_in_force` (day, gtc, ioc, fok, opg, cls), checked against the
 *   asset (tradable, fractionable, increments) and the equity price grid (no sub-penny
 *   prices at or above $1), so an impossible order is refused with a reason first.
 * - Replies: HTTP status + {"code","message"} → AAT_ALPACA_ERROR.
 */
#include "aat-alpaca-core.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (aat-alpaca-error-quark, aat_alpaca_error)

/**
 * aat_alpaca_redact:
 * @text: a text that may contain credentials
 * @key_id: (nullable): the API key id
 * @secret: (nullable): the API secret key
 *
 * Returns: (transfer full): @text with the key id and the secret replaced by `<redacted>`
 */
char *
aat_alpaca_redact (const char *text, const char *key_id, const char *secret)
{
  GString *s = g_string_new (text ? text : "");
  const char *secrets[] = { key_id, secret };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (secrets[i] && strlen (secrets[i]) >= 4)
      g_string_replace (s, secrets[i], "<redacted>", 0);
  return g_string_free (s, FALSE);
}

void
aat_alpaca_asset_free (AatAlpacaAsset *self)
{
  if (self == NULL)
    return;
  g_free (self->symbol);
  g_free (self->status);
  g_free (self);
}

/**
 * aat_alpaca_number:
 * @o: an object
 * @member: a member holding a number or a decimal string
 * @ok: (out) (optional): whether it was a number
 *
 * Returns: the value, 0 when absent or not a number
 */
double
aat_alpaca_number (JsonObject *o, const char *member, gboolean *ok)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;
  double v = 0.0;
  gboolean good = FALSE;

  if (n != NULL && JSON_NODE_HOLDS_VALUE (n))
    {
      GType t = json_node_get_value_type (n);
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
          good = isfinite (v);
        }
    }
  if (ok)
    *ok = good;
  return v;
}

/**
 * aat_alpaca_parse_asset:
 * @json: the body of GET /v2/assets/{symbol}
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): the asset
 */
AatAlpacaAsset *
aat_alpaca_parse_asset (const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o;
  AatAlpacaAsset *a;

  if (!json_parser_load_from_data (parser, json, -1, error))
    {
      g_prefix_error (error, "alpaca: asset: ");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !json_object_has_member ((o = json_node_get_object (json_parser_get_root (parser))), "symbol"))
    {
      g_set_error (error, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_FAILED, "alpaca: asset: no \"symbol\" in the answer");
      return NULL;
    }
  a = g_new0 (AatAlpacaAsset, 1);
  a->symbol = g_strdup (json_object_get_string_member (o, "symbol"));
  a->status = g_strdup (json_object_get_string_member_with_default (o, "status", "active"));
  a->tradable = json_object_get_boolean_member_with_default (o, "tradable", FALSE);
  a->fractionable = json_object_get_boolean_member_with_default (o, "fractionable", FALSE);
  a->shortable = json_object_get_boolean_member_with_default (o, "shortable", FALSE);
  a->min_trade_increment = aat_alpaca_number (o, "min_trade_increment", NULL);
  a->price_increment = aat_alpaca_number (o, "price_increment", NULL);
  return a;
}

static gboolean
on_grid (double value, double step)
{
  double n = value / step;
  return step <= 0 || fabs (n - round (n)) < 1e-6;
}

static double
tick_for (const AatAlpacaAsset *asset, double price)
{
  if (asset->price_increment > 0)
    return asset->price_increment;
  return price >= 1.0 ? 0.01 : 0.0001;
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_decimal (JsonBuilder *b, const char *name, double value, int decimals)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *format = g_strdup_printf ("%%.%df", decimals);

  add_string (b, name, g_ascii_formatd (buf, sizeof buf, format, value));
}

/**
 * aat_alpaca_order_body:
 * @order: the order
 * @asset: the asset's rules
 * @client_order_id: the client_order_id (at most 128 characters)
 * @auction: route market / limit orders to the opening (`opg`) or closing (`cls`) auction
 * @reason: (out) (optional) (transfer full): why the order cannot be sent
 *
 * Builds the JSON body of POST /v2/orders. time_in_force: the auction's opg / cls, else
 * fok / ioc from the flag, else day or gtc. Refused here: all-or-none, GTD, a flag on a
 * stop order, a flag with an auction, an auction for stop orders, fractional quantities
 * on assets that are not fractionable or with a time in force other than day, prices off
 * the grid (sub-penny at or above $1), inactive or untradable assets.
 *
 * Returns: (transfer full) (nullable): the body, or %NULL with @reason set
 */
char *
aat_alpaca_order_body (AatOrder *order, const AatAlpacaAsset *asset, const char *client_order_id,
                       AatAlpacaAuction auction, char **reason)
{
  AatOrderType type = aat_order_get_order_type (order);
  AatOrderFlag flag = aat_order_get_flag (order);
  AatTimeInForce tif = aat_order_get_time_in_force (order);
  double qty = aat_order_get_remaining (order);
  double price = aat_order_get_price (order);
  double stop = aat_order_get_stop_price (order);
  gboolean fractional = fabs (qty - round (qty)) > 1e-9;
  gboolean limit = type == AAT_ORDER_TYPE_LIMIT || type == AAT_ORDER_TYPE_STOP_LIMIT;
  gboolean is_stop = type == AAT_ORDER_TYPE_STOP_MARKET || type == AAT_ORDER_TYPE_STOP_LIMIT;
  const char *atype, *atif;
  g_autoptr (JsonBuilder) b = NULL;
  g_autoptr (JsonGenerator) gen = NULL;
  g_autoptr (JsonNode) root = NULL;

#define REFUSE(...) G_STMT_START { if (reason) *reason = g_strdup_printf (__VA_ARGS__); return NULL; } G_STMT_END

  if (!asset->tradable || g_strcmp0 (asset->status, "active") != 0)
    REFUSE ("alpaca: %s is not tradable (status %s)", asset->symbol, asset->status);
  if (flag == AAT_ORDER_FLAG_ALL_OR_NONE)
    REFUSE ("alpaca: all-or-none orders are not supported by Alpaca");
  if (tif == AAT_TIME_IN_FORCE_GTD)
    REFUSE ("alpaca: time in force GTD is not supported by Alpaca (day, gtc, ioc, fok, opg, cls)");
  if (is_stop && flag != AAT_ORDER_FLAG_NONE)
    REFUSE ("alpaca: a stop order takes no fill-or-kill / immediate-or-cancel flag");
  if (auction != AAT_ALPACA_AUCTION_NONE && (is_stop || flag != AAT_ORDER_FLAG_NONE))
    REFUSE ("alpaca: opg / cls (auction) orders must be market or limit orders without a flag");
  if (!(qty > 0))
    REFUSE ("alpaca: quantity %g is not positive", qty);
  if (fractional && !asset->fractionable)
    REFUSE ("alpaca: %s is not fractionable: quantity %g must be whole shares", asset->symbol, qty);
  if (fractional && (tif != AAT_TIME_IN_FORCE_DAY || flag != AAT_ORDER_FLAG_NONE || auction != AAT_ALPACA_AUCTION_NONE))
    REFUSE ("alpaca: fractional orders must be DAY orders (quantity %g)", qty);
  if (asset->min_trade_increment > 0 && !on_grid (qty, asset->min_trade_increment))
    REFUSE ("alpaca: quantity %g is not a multiple of min_trade_increment %g of %s", qty,
            asset->min_trade_increment, asset->symbol);
  if (limit && (!(price > 0) || !on_grid (price, tick_for (asset, price))))
    REFUSE ("alpaca: limit price %g is not a positive multiple of %g (no sub-penny prices at or above $1)", price,
            tick_for (asset, price));
  if (is_stop && (!(stop > 0) || !on_grid (stop, tick_for (asset, stop))))
    REFUSE ("alpaca: stop price %g is not a positive multiple of %g", stop, tick_for (asset, stop));
#undef REFUSE

  atype = type == AAT_ORDER_TYPE_MARKET ? "market" : type == AAT_ORDER_TYPE_LIMIT ? "limit"
        : type == AAT_ORDER_TYPE_STOP_MARKET ? "stop" : "stop_limit";
  if (auction == AAT_ALPACA_AUCTION_OPEN)
    atif = "opg";
  else if (auction == AAT_ALPACA_AUCTION_CLOSE)
    atif = "cls";
  else if (flag == AAT_ORDER_FLAG_FILL_OR_KILL)
    atif = "fok";
  else if (flag == AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL)
    atif = "ioc";
  else
    atif = tif == AAT_TIME_IN_FORCE_DAY ? "day" : "gtc";

  b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "symbol", asset->symbol);
  add_decimal (b, "qty", qty, fractional ? 9 : 0);
  add_string (b, "side", aat_order_get_side (order) == AAT_SIDE_BUY ? "buy" : "sell");
  add_string (b, "type", atype);
  add_string (b, "time_in_force", atif);
  if (limit)
    add_decimal (b, "limit_price", price, price >= 1.0 ? 2 : 4);
  if (is_stop)
    add_decimal (b, "stop_price", stop, stop >= 1.0 ? 2 : 4);
  add_string (b, "client_order_id", client_order_id);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  gen = json_generator_new ();
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/**
 * aat_alpaca_check_reply:
 * @status: the HTTP status
 * @body: (nullable): the answer ({"code": …, "message": …} on errors)
 * @attempt: 429s in a row so far for this request
 * @retry_ms: (out) (optional): how long to wait before retrying
 * @error: a #GError
 *
 * Returns: %TRUE for a 2xx answer; %FALSE with @error naming the venue's code and message
 */
gboolean
aat_alpaca_check_reply (guint status, const char *body, guint attempt, guint *retry_ms, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *msg = NULL;
  gint64 code = 0;

  if (retry_ms)
    *retry_ms = 0;
  if (status >= 200 && status < 300)
    return TRUE;
  if (body && *body && json_parser_load_from_data (parser, body, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      code = json_object_get_int_member_with_default (o, "code", 0);
      msg = g_strdup (json_object_get_string_member_with_default (o, "message", ""));
    }
  if (msg == NULL)
    msg = g_strdup (body && *body ? body : "no message");
  if (status == 429)
    {
      if (retry_ms)
        *retry_ms = (guint) MIN (1000u << MIN (attempt, 5u), 30000u);
      g_set_error (error, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_RATE_LIMITED,
                   "alpaca: request rate limit exceeded (HTTP 429, 200 requests per minute): %s", msg);
      return FALSE;
    }
  if (status >= 500)
    {
      g_set_error (error, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_SERVER,
                   "alpaca: server error HTTP %u (the request's outcome is unknown): %s", status, msg);
      return FALSE;
    }
  if (status == 401)
    {
      g_set_error (error, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_AUTH,
                   "alpaca: HTTP 401: %s (check api-key-id / api-secret-key, and paper vs live keys)", msg);
      return FALSE;
    }
  g_set_error (error, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_REJECTED, "alpaca: HTTP %u, code %" G_GINT64_FORMAT ": %s",
               status, code, msg);
  return FALSE;
}

/**
 * aat_alpaca_parse_time:
 * @rfc3339: a time such as `2021-02-22T15:51:44.208Z`
 * @out: (out): nanoseconds since the epoch
 *
 * Returns: whether @rfc3339 was a time
 */
gboolean
aat_alpaca_parse_time (const char *rfc3339, AatTime *out)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = rfc3339 ? g_date_time_new_from_iso8601 (rfc3339, utc) : NULL;
  const char *dot;
  gint64 frac = 0;
  int digits = 0;

  if (dt == NULL)
    return FALSE;
  *out = (AatTime) g_date_time_to_unix (dt) * 1000000000;
  if ((dot = strchr (rfc3339, '.')) != NULL)
    {
      for (dot++; g_ascii_isdigit (*dot) && digits < 9; dot++, digits++)
        frac = frac * 10 + (*dot - '0');
      for (; digits < 9; digits++)
        frac *= 10;
      *out += frac;
    }
  return TRUE;
}
