/* mock-binance.c: a loopback stand-in for Binance spot, speaking its documented JSON.
 *
 * REST (under /api/v3): exchangeInfo, depth (the snapshot of the mock's own book),
 * order (POST, DELETE, GET), openOrders, userDataStream (POST, PUT). SIGNED endpoints
 * check X-MBX-APIKEY (-2015), the HMAC-SHA256 signature of the query and body with the
 * configured secret (-1022) and timestamp against recvWindow (-1021); answers carry
 * X-MBX-USED-WEIGHT-1M. On demand: 429 with Retry-After, -2010 for a quantity of 100 or
 * more ("insufficient balance") or a duplicate client order id.
 *
 * Websockets: /stream?streams=… carries {"stream","data"} trades and depthUpdate diffs
 * (a timer moves the book; updates can be skipped to make a sequence gap); /ws/<listenKey>
 * carries executionReport. An order that crosses the best ask (or a market order) fills
 * in two parts (40 %, then the rest); a resting one gets a 40 % partial fill. On every
 * user-stream connection the last report of each order is sent again (a duplicate the
 * client must ignore).
 */
#include "mock-binance.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LISTEN_KEY "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"

typedef struct {
  char *cid, *symbol, *side, *type, *tif, *status;
  guint64 id;
  double qty, price, executed, quote;
  gint64 time;
  char *last_report;
} MockOrder;

struct _MockBinance
{
  char *key, *secret;
  SoupServer *server;
  guint port;
  GList *market_conns, *user_conns;   /* SoupWebsocketConnection*, owned refs */
  GTree *bids, *asks;                 /* gint64 cents → gint64 qty in 1e-5 */
  guint64 update_id, trade_id, order_id, counter;
  guint skip, tick_id;
  guint rate_limit, retry_after;
  gboolean auto_fill;
  GHashTable *orders;                 /* cid → MockOrder* */
  GHashTable *counts;                 /* what → count */
  GPtrArray *attempts;                /* MockAttempt* */
  char *last_signed_query;
  gboolean last_signature_ok;
  guint weight;
};

static const char *exchange_info =
  "{\"timezone\":\"UTC\",\"serverTime\":1565246363776,\"rateLimits\":[{\"rateLimitType\":\"REQUEST_WEIGHT\","
  "\"interval\":\"MINUTE\",\"intervalNum\":1,\"limit\":6000}],\"exchangeFilters\":[],\"symbols\":[{"
  "\"symbol\":\"BTCUSDT\",\"status\":\"TRADING\",\"baseAsset\":\"BTC\",\"baseAssetPrecision\":8,"
  "\"quoteAsset\":\"USDT\",\"quotePrecision\":8,\"quoteAssetPrecision\":8,"
  "\"orderTypes\":[\"LIMIT\",\"LIMIT_MAKER\",\"MARKET\",\"STOP_LOSS\",\"STOP_LOSS_LIMIT\","
  "\"TAKE_PROFIT\",\"TAKE_PROFIT_LIMIT\"],\"icebergAllowed\":true,\"ocoAllowed\":true,"
  "\"isSpotTradingAllowed\":true,\"isMarginTradingAllowed\":false,"
  "\"filters\":[{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"0.01000000\",\"maxPrice\":\"1000000.00000000\","
  "\"tickSize\":\"0.01000000\"},{\"filterType\":\"LOT_SIZE\",\"minQty\":\"0.00001000\","
  "\"maxQty\":\"9000.00000000\",\"stepSize\":\"0.00001000\"},{\"filterType\":\"NOTIONAL\","
  "\"minNotional\":\"5.00000000\",\"applyMinToMarket\":true,\"maxNotional\":\"9000000.00000000\","
  "\"applyMaxToMarket\":false,\"avgPriceMins\":5}],\"permissions\":[\"SPOT\"]},{"
  "\"symbol\":\"LTCBTC\",\"status\":\"TRADING\",\"baseAsset\":\"LTC\",\"quoteAsset\":\"BTC\","
  "\"orderTypes\":[\"LIMIT\",\"MARKET\"],\"filters\":[{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"0.00000100\","
  "\"maxPrice\":\"100000.00000000\",\"tickSize\":\"0.00000100\"},{\"filterType\":\"LOT_SIZE\","
  "\"minQty\":\"0.00100000\",\"maxQty\":\"100000.00000000\",\"stepSize\":\"0.00100000\"},"
  "{\"filterType\":\"MIN_NOTIONAL\",\"minNotional\":\"0.00010000\"}],\"permissions\":[\"SPOT\"]}]}";

static void
mock_order_free (gpointer data)
{
  MockOrder *o = data;

  g_free (o->cid);
  g_free (o->symbol);
  g_free (o->side);
  g_free (o->type);
  g_free (o->tif);
  g_free (o->status);
  g_free (o->last_report);
  g_free (o);
}

static void
attempt_free (gpointer data)
{
  MockAttempt *a = data;

  g_free (a->client_order_id);
  g_free (a);
}

static void
count (MockBinance *self, const char *what)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, what));

  g_hash_table_insert (self->counts, g_strdup (what), GUINT_TO_POINTER (n + 1));
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static gint
cmp64 (gconstpointer a, gconstpointer b, gpointer data)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static void
book_set (GTree *tree, gint64 cents, gint64 qty)
{
  gint64 *k, *v;

  if (qty <= 0)
    {
      g_tree_remove (tree, &cents);
      return;
    }
  k = g_new (gint64, 1);
  v = g_new (gint64, 1);
  *k = cents;
  *v = qty;
  g_tree_replace (tree, k, v);
}

/* ---- websockets ---- */

static void
send_all (GList *conns, const char *text)
{
  for (GList *l = conns; l != NULL; l = l->next)
    if (soup_websocket_connection_get_state (l->data) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_send_text (l->data, text);
}

static void
on_market_closed (SoupWebsocketConnection *conn, gpointer data)
{
  MockBinance *self = data;

  self->market_conns = g_list_remove (self->market_conns, conn);
  g_object_unref (conn);
}

static void
on_user_closed (SoupWebsocketConnection *conn, gpointer data)
{
  MockBinance *self = data;

  self->user_conns = g_list_remove (self->user_conns, conn);
  g_object_unref (conn);
}

static void
market_ws (SoupServer *server, SoupServerMessage *msg, const char *path, SoupWebsocketConnection *conn,
           gpointer data)
{
  MockBinance *self = data;

  count (self, "market_connect");
  self->market_conns = g_list_prepend (self->market_conns, g_object_ref (conn));
  g_signal_connect (conn, "closed", G_CALLBACK (on_market_closed), self);
}

static void
user_ws (SoupServer *server, SoupServerMessage *msg, const char *path, SoupWebsocketConnection *conn,
         gpointer data)
{
  MockBinance *self = data;
  GHashTableIter iter;
  gpointer value;

  if (g_strcmp0 (path, "/ws/" LISTEN_KEY) != 0)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "unknown listenKey");
      return;
    }
  count (self, "user_connect");
  self->user_conns = g_list_prepend (self->user_conns, g_object_ref (conn));
  g_signal_connect (conn, "closed", G_CALLBACK (on_user_closed), self);
  /* a duplicate of each order's last report */
  g_hash_table_iter_init (&iter, self->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((MockOrder *) value)->last_report != NULL)
      soup_websocket_connection_send_text (conn, ((MockOrder *) value)->last_report);
}

/* ---- the market ---- */

static void
add_levels (GString *s, GTree *tree, gboolean descending, guint max)
{
  g_autoptr (GPtrArray) nodes = g_ptr_array_new ();
  GTreeNode *n;

  for (n = g_tree_node_first (tree); n != NULL; n = g_tree_node_next (n))
    g_ptr_array_add (nodes, n);
  for (guint i = 0; i < nodes->len && i < max; i++)
    {
      GTreeNode *node = nodes->pdata[descending ? nodes->len - 1 - i : i];
      gint64 cents = *(gint64 *) g_tree_node_key (node), qty = *(gint64 *) g_tree_node_value (node);
      g_string_append_printf (s, "%s[\"%" G_GINT64_FORMAT ".%02d\",\"%" G_GINT64_FORMAT ".%05d000\"]",
                              i > 0 ? "," : "", cents / 100, (int) (cents % 100), qty / 100000, (int) (qty % 100000));
    }
}

static void
level_json (GString *s, gint64 cents, gint64 qty)
{
  g_string_append_printf (s, "[\"%" G_GINT64_FORMAT ".%02d\",\"%" G_GINT64_FORMAT ".%05d000\"]", cents / 100,
                          (int) (cents % 100), qty / 100000, (int) (qty % 100000));
}

static gboolean
tick_cb (gpointer data)
{
  MockBinance *self = data;
  guint64 c = self->counter++;
  guint64 first = self->update_id + 1;
  guint i = (guint) (c % 10);
  gint64 bid = 9990 - 10 * (gint64) i, ask = 10010 + 10 * (gint64) i;
  gint64 bq = (c % 4 == 3 && i != 0) ? 0 : (gint64) ((c / 10 * 3 + c * 7) % 5 + 1) * 50000;
  gint64 aq = (c % 4 == 1 && i != 0) ? 0 : (gint64) ((c / 10 * 2 + c * 3) % 5 + 1) * 40000;
  g_autoptr (GString) depth = g_string_new (NULL);
  g_autofree char *trade = NULL;

  self->update_id += 1 + c % 2;
  book_set (self->bids, bid, bq);
  book_set (self->asks, ask, aq);
  g_string_append_printf (depth, "{\"stream\":\"btcusdt@depth@100ms\",\"data\":{\"e\":\"depthUpdate\",\"E\":%"
                          G_GINT64_FORMAT ",\"s\":\"BTCUSDT\",\"U\":%" G_GUINT64_FORMAT ",\"u\":%" G_GUINT64_FORMAT
                          ",\"b\":[", now_ms (), first, self->update_id);
  level_json (depth, bid, bq);
  g_string_append (depth, "],\"a\":[");
  level_json (depth, ask, aq);
  g_string_append (depth, "]}}");
  if (self->skip > 0)
    self->skip--;   /* applied here, never sent: the client sees a gap */
  else
    send_all (self->market_conns, depth->str);
  trade = g_strdup_printf ("{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":%" G_GINT64_FORMAT
                           ",\"s\":\"BTCUSDT\",\"t\":%" G_GUINT64_FORMAT ",\"p\":\"100.00000000\",\"q\":\"0.01000000\","
                           "\"T\":%" G_GINT64_FORMAT ",\"m\":%s,\"M\":true}}", now_ms (), ++self->trade_id, now_ms (),
                           c % 2 ? "true" : "false");
  send_all (self->market_conns, trade);
  return G_SOURCE_CONTINUE;
}

/* ---- orders ---- */

static char *
fmt8 (double v)
{
  return g_strdup_printf ("%.8f", v);
}

static void
report (MockBinance *self, MockOrder *o, const char *exec, double last_qty, double last_price, const char *cancel_id)
{
  g_autofree char *q = fmt8 (o->qty), *p = fmt8 (o->price), *l = fmt8 (last_qty), *z = fmt8 (o->executed);
  g_autofree char *lp = fmt8 (last_price), *zq = fmt8 (o->quote), *y = fmt8 (last_qty * last_price);

  g_free (o->last_report);
  o->last_report = g_strdup_printf (
    "{\"e\":\"executionReport\",\"E\":%" G_GINT64_FORMAT ",\"s\":\"%s\",\"c\":\"%s\",\"S\":\"%s\",\"o\":\"%s\","
    "\"f\":\"%s\",\"q\":\"%s\",\"p\":\"%s\",\"P\":\"0.00000000\",\"F\":\"0.00000000\",\"g\":-1,\"C\":\"%s\","
    "\"x\":\"%s\",\"X\":\"%s\",\"r\":\"NONE\",\"i\":%" G_GUINT64_FORMAT ",\"l\":\"%s\",\"z\":\"%s\",\"L\":\"%s\","
    "\"n\":\"0\",\"N\":null,\"T\":%" G_GINT64_FORMAT ",\"t\":%" G_GINT64_FORMAT ",\"I\":%" G_GUINT64_FORMAT ","
    "\"w\":true,\"m\":false,\"M\":false,\"O\":%" G_GINT64_FORMAT ",\"Z\":\"%s\",\"Y\":\"%s\",\"Q\":\"0.00000000\","
    "\"W\":%" G_GINT64_FORMAT ",\"V\":\"EXPIRE_MAKER\"}",
    now_ms (), o->symbol, cancel_id != NULL ? cancel_id : o->cid, o->side, o->type, o->tif, q, p,
    cancel_id != NULL ? o->cid : "", exec, o->status, o->id, l, z, lp, now_ms (),
    last_qty > 0 ? (gint64) ++self->trade_id : (gint64) -1, self->counter, o->time, zq, y, o->time);
}

static void
fill_order (MockBinance *self, MockOrder *o, double qty, double price, gboolean send)
{
  qty = MIN (qty, o->qty - o->executed);
  if (qty <= 0)
    return;
  o->executed += qty;
  o->quote += qty * price;
  g_free (o->status);
  o->status = g_strdup (o->executed >= o->qty - 1e-12 ? "FILLED" : "PARTIALLY_FILLED");
  report (self, o, "TRADE", qty, price, NULL);
  if (send)
    send_all (self->user_conns, o->last_report);
}

static double
best_ask (MockBinance *self)
{
  GTreeNode *n = g_tree_node_first (self->asks);
  return n != NULL ? *(gint64 *) g_tree_node_key (n) / 100.0 : 0.0;
}

typedef struct {
  MockBinance *self;
  char *cid;
} Pending;

static gboolean
execute_cb (gpointer data)
{
  Pending *p = data;
  MockBinance *self = p->self;
  MockOrder *o = g_hash_table_lookup (self->orders, p->cid);
  double ask = best_ask (self);

  if (o != NULL && g_strcmp0 (o->status, "NEW") == 0)
    {
      gboolean crosses = strcmp (o->type, "MARKET") == 0 ||
                         (strcmp (o->side, "BUY") == 0 && ask > 0 && o->price >= ask);
      if (crosses)
        {
          double part = round (o->qty * 0.4 * 1e5) / 1e5;
          fill_order (self, o, part, ask, TRUE);
          fill_order (self, o, o->qty - o->executed, ask, TRUE);
        }
      else if (self->auto_fill)
        fill_order (self, o, round (o->qty * 0.4 * 1e5) / 1e5, o->price, TRUE);
    }
  g_free (p->cid);
  g_free (p);
  return G_SOURCE_REMOVE;
}

static void
new_report_cb (MockBinance *self, MockOrder *o)
{
  Pending *p = g_new0 (Pending, 1);

  report (self, o, "NEW", 0, 0, NULL);
  send_all (self->user_conns, o->last_report);
  p->self = self;
  p->cid = g_strdup (o->cid);
  g_timeout_add (5, execute_cb, p);
}

static char *
order_json (MockOrder *o)
{
  g_autofree char *q = fmt8 (o->qty), *p = fmt8 (o->price), *e = fmt8 (o->executed), *z = fmt8 (o->quote);

  return g_strdup_printf ("{\"symbol\":\"%s\",\"orderId\":%" G_GUINT64_FORMAT ",\"orderListId\":-1,"
                          "\"clientOrderId\":\"%s\",\"price\":\"%s\",\"origQty\":\"%s\",\"executedQty\":\"%s\","
                          "\"cummulativeQuoteQty\":\"%s\",\"status\":\"%s\",\"timeInForce\":\"%s\",\"type\":\"%s\","
                          "\"side\":\"%s\",\"stopPrice\":\"0.00000000\",\"icebergQty\":\"0.00000000\",\"time\":%"
                          G_GINT64_FORMAT ",\"updateTime\":%" G_GINT64_FORMAT ",\"isWorking\":true,\"workingTime\":%"
                          G_GINT64_FORMAT ",\"origQuoteOrderQty\":\"0.00000000\",\"selfTradePreventionMode\":\"NONE\"}",
                          o->symbol, o->id, o->cid, p, q, e, z, o->status, o->tif, o->type, o->side, o->time, now_ms (),
                          o->time);
}

static gboolean
is_open (MockOrder *o)
{
  return strcmp (o->status, "NEW") == 0 || strcmp (o->status, "PARTIALLY_FILLED") == 0;
}

/* ---- REST ---- */

static void
answer (MockBinance *self, SoupServerMessage *msg, guint status, const char *body)
{
  g_autofree char *weight = g_strdup_printf ("%u", self->weight);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "X-MBX-USED-WEIGHT-1M", weight);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json;charset=UTF-8", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
answer_error (MockBinance *self, SoupServerMessage *msg, guint status, int code, const char *text)
{
  g_autofree char *body = g_strdup_printf ("{\"code\":%d,\"msg\":\"%s\"}", code, text);

  answer (self, msg, status, body);
}

/* SIGNED: the key header, then the signature of totalParams (query string + body),
 * then the timestamp against recvWindow. */
static gboolean
check_signed (MockBinance *self, SoupServerMessage *msg, const char *query, const char *body, GHashTable *params)
{
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-MBX-APIKEY");
  const char *sig_at = query != NULL ? strstr (query, "signature=") : NULL;
  g_autofree char *payload = NULL;
  g_autofree char *expected = NULL;
  const char *ts, *rw;
  gint64 skew;

  if (g_strcmp0 (key, self->key) != 0)
    {
      answer_error (self, msg, 401, -2015, "Invalid API-key, IP, or permissions for action.");
      return FALSE;
    }
  g_free (self->last_signed_query);
  self->last_signed_query = g_strdup (query);
  if (sig_at == NULL || (sig_at != query && sig_at[-1] != '&'))
    {
      self->last_signature_ok = FALSE;
      answer_error (self, msg, 400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
      return FALSE;
    }
  payload = g_strdup_printf ("%.*s%s", (int) (sig_at == query ? 0 : sig_at - query - 1), query, body != NULL ? body : "");
  expected = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) self->secret, strlen (self->secret),
                                        payload, -1);
  self->last_signature_ok = strcmp (expected, sig_at + strlen ("signature=")) == 0;
  if (!self->last_signature_ok)
    {
      count (self, "bad_signature");
      answer_error (self, msg, 400, -1022, "Signature for this request is not valid.");
      return FALSE;
    }
  ts = g_hash_table_lookup (params, "timestamp");
  rw = g_hash_table_lookup (params, "recvWindow");
  skew = ts != NULL ? now_ms () - g_ascii_strtoll (ts, NULL, 10) : G_MAXINT64;
  if (ts == NULL || skew > (rw != NULL ? g_ascii_strtoll (rw, NULL, 10) : 5000) || skew < -1000)
    {
      answer_error (self, msg, 400, -1021, "Timestamp for this request is outside of the recvWindow.");
      return FALSE;
    }
  return TRUE;
}

static void
post_order (MockBinance *self, SoupServerMessage *msg, GHashTable *params)
{
  const char *cid = g_hash_table_lookup (params, "newClientOrderId");
  const char *symbol = g_hash_table_lookup (params, "symbol");
  const char *qty = g_hash_table_lookup (params, "quantity");
  const char *price = g_hash_table_lookup (params, "price");
  MockAttempt *a = g_new0 (MockAttempt, 1);
  MockOrder *o, *old;
  g_autofree char *body = NULL;

  a->client_order_id = g_strdup (cid);
  a->at = g_get_monotonic_time ();
  g_ptr_array_add (self->attempts, a);
  count (self, "order_post");
  if (self->rate_limit > 0)
    {
      g_autofree char *after = g_strdup_printf ("%u", self->retry_after);
      self->rate_limit--;
      a->status = 429;
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", after);
      answer_error (self, msg, 429, -1003, "Too much request weight used; current limit is 6000 request weight per 1 "
                    "MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.");
      return;
    }
  a->status = 400;
  if (g_strcmp0 (symbol, "BTCUSDT") != 0 && g_strcmp0 (symbol, "LTCBTC") != 0)
    {
      answer_error (self, msg, 400, -1121, "Invalid symbol.");
      return;
    }
  if (cid == NULL || qty == NULL || g_hash_table_lookup (params, "side") == NULL ||
      g_hash_table_lookup (params, "type") == NULL)
    {
      answer_error (self, msg, 400, -1102, "Mandatory parameter was not sent, was empty/null, or malformed.");
      return;
    }
  old = g_hash_table_lookup (self->orders, cid);
  if (old != NULL && is_open (old))
    {
      answer_error (self, msg, 400, -2010, "Duplicate order sent.");
      return;
    }
  if (g_ascii_strtod (qty, NULL) >= 100)
    {
      answer_error (self, msg, 400, -2010, "Account has insufficient balance for requested action.");
      return;
    }
  a->status = 200;
  o = g_new0 (MockOrder, 1);
  o->cid = g_strdup (cid);
  o->symbol = g_strdup (symbol);
  o->side = g_strdup (g_hash_table_lookup (params, "side"));
  o->type = g_strdup (g_hash_table_lookup (params, "type"));
  o->tif = g_strdup (g_hash_table_lookup (params, "timeInForce") != NULL ? g_hash_table_lookup (params, "timeInForce") : "GTC");
  o->status = g_strdup ("NEW");
  o->id = ++self->order_id;
  o->qty = g_ascii_strtod (qty, NULL);
  o->price = price != NULL ? g_ascii_strtod (price, NULL) : 0.0;
  o->time = now_ms ();
  g_hash_table_replace (self->orders, o->cid, o);
  body = g_strdup_printf ("{\"symbol\":\"%s\",\"orderId\":%" G_GUINT64_FORMAT ",\"orderListId\":-1,"
                          "\"clientOrderId\":\"%s\",\"transactTime\":%" G_GINT64_FORMAT "}",
                          o->symbol, o->id, o->cid, o->time);
  answer (self, msg, 200, body);
  new_report_cb (self, o);
}

static void
api_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query_unused,
             gpointer data)
{
  MockBinance *self = data;
  const char *method = soup_server_message_get_method (msg);
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  SoupMessageBody *req_body = soup_server_message_get_request_body (msg);
  g_autofree char *body = req_body->length > 0 ? g_strndup (req_body->data, req_body->length) : NULL;
  g_autofree char *all = g_strdup_printf ("%s%s%s", query != NULL ? query : "", query != NULL && body != NULL ? "&" : "",
                                          body != NULL ? body : "");
  g_autoptr (GHashTable) params = g_uri_parse_params (all, -1, "&", G_URI_PARAMS_NONE, NULL);
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-MBX-APIKEY");

  self->weight++;
  if (params == NULL)
    params = g_hash_table_new (g_str_hash, g_str_equal);
  if (strcmp (path, "/api/v3/exchangeInfo") == 0)
    {
      count (self, "exchangeInfo");
      self->weight += 19;
      answer (self, msg, 200, exchange_info);
      return;
    }
  if (strcmp (path, "/api/v3/depth") == 0)
    {
      g_autoptr (GString) s = g_string_new (NULL);
      count (self, "depth");
      self->weight += 49;
      g_string_append_printf (s, "{\"lastUpdateId\":%" G_GUINT64_FORMAT ",\"bids\":[", self->update_id);
      add_levels (s, self->bids, TRUE, 1000);
      g_string_append (s, "],\"asks\":[");
      add_levels (s, self->asks, FALSE, 1000);
      g_string_append (s, "]}");
      answer (self, msg, 200, s->str);
      return;
    }
  if (strcmp (path, "/api/v3/userDataStream") == 0)
    {
      if (g_strcmp0 (key, self->key) != 0)
        {
          answer_error (self, msg, 401, -2015, "Invalid API-key, IP, or permissions for action.");
          return;
        }
      if (strcmp (method, "POST") == 0)
        {
          count (self, "listenKey");
          answer (self, msg, 200, "{\"listenKey\":\"" LISTEN_KEY "\"}");
        }
      else
        {
          count (self, strcmp (method, "PUT") == 0 ? "keepalive" : "listenKey_delete");
          answer (self, msg, 200, "{}");
        }
      return;
    }
  if (strcmp (path, "/api/v3/order") == 0 || strcmp (path, "/api/v3/openOrders") == 0)
    {
      const char *cid;
      MockOrder *o;
      if (!check_signed (self, msg, query, body, params))
        return;
      if (strcmp (path, "/api/v3/openOrders") == 0)
        {
          g_autoptr (GString) s = g_string_new ("[");
          GHashTableIter iter;
          gpointer value;
          count (self, "openOrders");
          g_hash_table_iter_init (&iter, self->orders);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            if (is_open (value) && g_strcmp0 (((MockOrder *) value)->symbol, g_hash_table_lookup (params, "symbol")) == 0)
              {
                g_autofree char *j = order_json (value);
                g_string_append_printf (s, "%s%s", s->len > 1 ? "," : "", j);
              }
          g_string_append (s, "]");
          answer (self, msg, 200, s->str);
          return;
        }
      if (strcmp (method, "POST") == 0)
        {
          post_order (self, msg, params);
          return;
        }
      cid = g_hash_table_lookup (params, "origClientOrderId");
      o = cid != NULL ? g_hash_table_lookup (self->orders, cid) : NULL;
      if (strcmp (method, "GET") == 0)
        {
          g_autofree char *j = NULL;
          count (self, "order_get");
          if (o == NULL)
            {
              answer_error (self, msg, 400, -2013, "Order does not exist.");
              return;
            }
          j = order_json (o);
          answer (self, msg, 200, j);
          return;
        }
      if (strcmp (method, "DELETE") == 0)
        {
          g_autofree char *cancel_id = NULL;
          g_autofree char *q = NULL, *p = NULL, *e = NULL, *z = NULL, *j = NULL;
          count (self, "order_delete");
          if (o == NULL || !is_open (o))
            {
              answer_error (self, msg, 400, -2011, "Unknown order sent.");
              return;
            }
          cancel_id = g_strdup_printf ("cancel%" G_GUINT64_FORMAT, ++self->order_id);
          g_free (o->status);
          o->status = g_strdup ("CANCELED");
          q = fmt8 (o->qty);
          p = fmt8 (o->price);
          e = fmt8 (o->executed);
          z = fmt8 (o->quote);
          j = g_strdup_printf ("{\"symbol\":\"%s\",\"origClientOrderId\":\"%s\",\"orderId\":%" G_GUINT64_FORMAT ","
                               "\"orderListId\":-1,\"clientOrderId\":\"%s\",\"transactTime\":%" G_GINT64_FORMAT ","
                               "\"price\":\"%s\",\"origQty\":\"%s\",\"executedQty\":\"%s\",\"cummulativeQuoteQty\":\"%s\","
                               "\"status\":\"CANCELED\",\"timeInForce\":\"%s\",\"type\":\"%s\",\"side\":\"%s\","
                               "\"selfTradePreventionMode\":\"NONE\"}",
                               o->symbol, o->cid, o->id, cancel_id, now_ms (), p, q, e, z, o->tif, o->type, o->side);
          answer (self, msg, 200, j);
          report (self, o, "CANCELED", 0, 0, cancel_id);
          send_all (self->user_conns, o->last_report);
          return;
        }
    }
  answer_error (self, msg, 404, -1000, "An unknown error occurred while processing the request.");
}

/* ---- public ---- */

MockBinance *
mock_binance_new (const char *api_key, const char *api_secret)
{
  MockBinance *self = g_new0 (MockBinance, 1);
  g_autoptr (GError) error = NULL;
  GSList *uris;

  self->key = g_strdup (api_key);
  self->secret = g_strdup (api_secret);
  self->bids = g_tree_new_full (cmp64, NULL, g_free, g_free);
  self->asks = g_tree_new_full (cmp64, NULL, g_free, g_free);
  for (gint64 i = 0; i < 10; i++)
    {
      book_set (self->bids, 9990 - 10 * i, 100000 + 100000 * i);
      book_set (self->asks, 10010 + 10 * i, 100000 + 100000 * i);
    }
  self->update_id = 1000;
  self->auto_fill = TRUE;
  self->orders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, mock_order_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->attempts = g_ptr_array_new_with_free_func (attempt_free);
  self->server = soup_server_new ("server-header", "mock-binance", NULL);
  soup_server_add_handler (self->server, "/api/v3", api_handler, self, NULL);
  soup_server_add_websocket_handler (self->server, "/stream", NULL, NULL, market_ws, self, NULL);
  soup_server_add_websocket_handler (self->server, "/ws", NULL, NULL, user_ws, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("mock-binance: cannot listen: %s", error->message);
  uris = soup_server_get_uris (self->server);
  self->port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return self;
}

void
mock_binance_free (MockBinance *self)
{
  if (self->tick_id != 0)
    g_source_remove (self->tick_id);
  mock_binance_disconnect (self);
  /* the close handshakes finish on the context */
  for (int i = 0; i < 50 && (self->market_conns != NULL || self->user_conns != NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  for (GList *l = self->market_conns; l != NULL; l = l->next)
    {
      g_signal_handlers_disconnect_by_data (l->data, self);
      g_object_unref (l->data);
    }
  for (GList *l = self->user_conns; l != NULL; l = l->next)
    {
      g_signal_handlers_disconnect_by_data (l->data, self);
      g_object_unref (l->data);
    }
  g_list_free (self->market_conns);
  g_list_free (self->user_conns);
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_tree_destroy (self->bids);
  g_tree_destroy (self->asks);
  g_hash_table_unref (self->orders);
  g_hash_table_unref (self->counts);
  g_ptr_array_unref (self->attempts);
  g_free (self->last_signed_query);
  g_free (self->key);
  g_free (self->secret);
  g_free (self);
}

char *
mock_binance_get_rest_url (MockBinance *self)
{
  return g_strdup_printf ("http://127.0.0.1:%u", self->port);
}

char *
mock_binance_get_ws_url (MockBinance *self)
{
  return g_strdup_printf ("ws://127.0.0.1:%u", self->port);
}

void
mock_binance_start_market (MockBinance *self, guint ms)
{
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (ms, tick_cb, self);
}

void
mock_binance_stop_market (MockBinance *self)
{
  if (self->tick_id != 0)
    g_source_remove (self->tick_id);
  self->tick_id = 0;
}

void
mock_binance_skip_updates (MockBinance *self, guint n)
{
  self->skip += n;
}

void
mock_binance_top (MockBinance *self, double *bid, double *bid_qty, double *ask, double *ask_qty)
{
  GTreeNode *b = g_tree_node_last (self->bids), *a = g_tree_node_first (self->asks);

  *bid = *(gint64 *) g_tree_node_key (b) / 100.0;
  *bid_qty = *(gint64 *) g_tree_node_value (b) / 1e5;
  *ask = *(gint64 *) g_tree_node_key (a) / 100.0;
  *ask_qty = *(gint64 *) g_tree_node_value (a) / 1e5;
}

guint64
mock_binance_get_update_id (MockBinance *self)
{
  return self->update_id;
}

void
mock_binance_rate_limit_next (MockBinance *self, guint n, guint retry_after_s)
{
  self->rate_limit = n;
  self->retry_after = retry_after_s;
}

void
mock_binance_disconnect (MockBinance *self)
{
  GList *all = g_list_concat (g_list_copy (self->market_conns), g_list_copy (self->user_conns));

  for (GList *l = all; l != NULL; l = l->next)
    if (soup_websocket_connection_get_state (l->data) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (l->data, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "mock disconnect");
  g_list_free (all);
}

gboolean
mock_binance_fill (MockBinance *self, const char *client_order_id, double qty, gboolean send)
{
  MockOrder *o = g_hash_table_lookup (self->orders, client_order_id);

  if (o == NULL || !is_open (o))
    return FALSE;
  fill_order (self, o, qty, o->price, send);
  return TRUE;
}

void
mock_binance_send_market_raw (MockBinance *self, const char *text)
{
  send_all (self->market_conns, text);
}

void
mock_binance_send_user_raw (MockBinance *self, const char *text)
{
  send_all (self->user_conns, text);
}

void
mock_binance_set_auto_fill (MockBinance *self, gboolean on)
{
  self->auto_fill = on;
}

guint
mock_binance_count (MockBinance *self, const char *what)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, what));
}

GPtrArray *
mock_binance_get_post_attempts (MockBinance *self)
{
  return self->attempts;
}

const char *
mock_binance_get_last_signed_query (MockBinance *self)
{
  return self->last_signed_query;
}

gboolean
mock_binance_get_last_signature_ok (MockBinance *self)
{
  return self->last_signature_ok;
}

const char *
mock_binance_get_order_status (MockBinance *self, const char *client_order_id)
{
  MockOrder *o = g_hash_table_lookup (self->orders, client_order_id);
  return o != NULL ? o->status : NULL;
}

guint
mock_binance_connections (MockBinance *self, gboolean user)
{
  return g_list_length (user ? self->user_conns : self->market_conns);
}
