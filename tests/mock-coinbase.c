/* mock-coinbase.c: a loopback Coinbase Exchange for tests, speaking the documented JSON.
 *
 * REST (every private call checks CB-ACCESS-KEY / -PASSPHRASE / -TIMESTAMP (±30 s) and
 * CB-ACCESS-SIGN, computed here independently of the adapter's code):
 *   GET /products/<id>, POST /orders, DELETE /orders/<id>, GET /orders (open ones),
 *   GET /orders/client:<client_oid>, GET /fills?product_id=…
 * The feed (/ws): subscribe / unsubscribe → `subscriptions`; level2 → `snapshot`, then
 * `l2update`s; matches → `last_match`, then `match`es; heartbeat; user (signed) →
 * received / open / match (with user_id) / done for the account's orders.
 * Orders: size > 50 → 400 "Insufficient funds"; a market order or a buy limit at or
 * above the ask (100.01) fills in two matches (a partial fill, then the rest); other
 * limit orders rest until cancelled or mock_coinbase_fill_open_orders().
 */
#include "mock-coinbase.h"

#include <string.h>

#define PRODUCT "BTC-USD"
#define ASK 100.01

typedef struct {
  gboolean level2, matches, heartbeat, user;
} Sub;

static char *
to_json (JsonObject *o)
{
  g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (), o);
  return json_to_string (n, FALSE);
}

static void
broadcast (MockCoinbase *self, const char *text, gboolean (*want) (Sub *))
{
  for (guint i = 0; i < self->conns->len; i++)
    {
      SoupWebsocketConnection *c = self->conns->pdata[i];
      Sub *s = g_object_get_data (G_OBJECT (c), "sub");
      if (soup_websocket_connection_get_state (c) == SOUP_WEBSOCKET_STATE_OPEN && (want == NULL || want (s)))
        soup_websocket_connection_send_text (c, text);
    }
}

static gboolean want_level2 (Sub *s) { return s->level2; }
static gboolean want_matches (Sub *s) { return s->matches; }
static gboolean want_heartbeat (Sub *s) { return s->heartbeat; }
static gboolean want_user (Sub *s) { return s->user; }

static char *
iso_now (void)
{
  g_autoptr (GDateTime) dt = g_date_time_new_now_utc ();
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static void
set_now (JsonObject *o, const char *member)
{
  g_autofree char *now = iso_now ();
  json_object_set_string_member (o, member, now);
}

/* ---- signing, independently of aat-coinbase-core ---- */

static gboolean
signature_ok (MockCoinbase *self, SoupServerMessage *msg, const char *method, const char *path_and_query,
              const char *body)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (h, "CB-ACCESS-KEY");
  const char *sign = soup_message_headers_get_one (h, "CB-ACCESS-SIGN");
  const char *ts = soup_message_headers_get_one (h, "CB-ACCESS-TIMESTAMP");
  const char *pass = soup_message_headers_get_one (h, "CB-ACCESS-PASSPHRASE");
  gsize klen = 0;
  g_autofree guchar *k = NULL;
  g_autofree char *prehash = NULL;
  g_autofree char *expect = NULL;
  GHmac *hmac;
  guint8 d[32];
  gsize dlen = 32;

  if (!key || !sign || !ts || !pass || strcmp (key, self->key) != 0 || strcmp (pass, self->passphrase) != 0)
    return FALSE;
  if (ABS (g_ascii_strtoll (ts, NULL, 10) - g_get_real_time () / G_USEC_PER_SEC) > 30)
    return FALSE;
  k = g_base64_decode (self->secret, &klen);
  prehash = g_strconcat (ts, method, path_and_query, body ? body : "", NULL);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, k, klen);
  g_hmac_update (hmac, (guchar *) prehash, strlen (prehash));
  g_hmac_get_digest (hmac, d, &dlen);
  g_hmac_unref (hmac);
  expect = g_base64_encode (d, dlen);
  return strcmp (expect, sign) == 0;
}

static void
reply (SoupServerMessage *msg, guint status, const char *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
reply_object (SoupServerMessage *msg, guint status, JsonObject *o)
{
  g_autofree char *text = to_json (o);
  reply (msg, status, text);
}

/* ---- orders ---- */

static void
send_user (MockCoinbase *self, JsonObject *order, const char *type, const char *reason)
{
  g_autoptr (JsonObject) m = json_object_new ();
  g_autofree char *text = NULL;

  json_object_set_string_member (m, "type", type);
  json_object_set_string_member (m, "product_id", PRODUCT);
  json_object_set_int_member (m, "sequence", (gint64) ++self->sequence);
  json_object_set_string_member (m, "order_id", json_object_get_string_member (order, "id"));
  json_object_set_string_member (m, "client_oid", json_object_get_string_member (order, "client_oid"));
  json_object_set_string_member (m, "side", json_object_get_string_member (order, "side"));
  json_object_set_string_member (m, "user_id", "mock-user");
  json_object_set_string_member (m, "profile_id", "mock-profile");
  set_now (m, "time");
  if (reason)
    json_object_set_string_member (m, "reason", reason);
  text = to_json (m);
  broadcast (self, text, want_user);
}

static void
do_fill (MockCoinbase *self, JsonObject *order, double size, double price)
{
  g_autoptr (JsonObject) f = json_object_new ();
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double filled = g_ascii_strtod (json_object_get_string_member (order, "filled_size"), NULL) + size;
  guint64 trade = ++self->trade_id;

  json_object_set_string_member (order, "filled_size", g_ascii_formatd (buf, sizeof buf, "%.8f", filled));
  json_object_set_int_member (f, "trade_id", (gint64) trade);
  json_object_set_string_member (f, "product_id", PRODUCT);
  json_object_set_string_member (f, "order_id", json_object_get_string_member (order, "id"));
  json_object_set_string_member (f, "price", g_ascii_formatd (buf, sizeof buf, "%.2f", price));
  json_object_set_string_member (f, "size", g_ascii_formatd (buf, sizeof buf, "%.8f", size));
  json_object_set_string_member (f, "fee", "0.01");
  json_object_set_string_member (f, "side", json_object_get_string_member (order, "side"));
  json_object_set_string_member (f, "liquidity", "T");
  json_object_set_boolean_member (f, "settled", TRUE);
  set_now (f, "created_at");
  g_ptr_array_add (self->fills, json_object_ref (f));
  {
    /* the public match, on the matches channel */
    g_autofree char *pub = g_strdup_printf ("{\"type\":\"match\",\"trade_id\":%" G_GUINT64_FORMAT ",\"sequence\":%"
                                            G_GUINT64_FORMAT ",\"maker_order_id\":\"00000000-0000-4000-8000-00000000beef\","
                                            "\"taker_order_id\":\"%s\",\"time\":\"2024-01-02T03:04:05.5Z\","
                                            "\"product_id\":\"BTC-USD\",\"size\":\"%s\",\"price\":\"%s\",\"side\":\"%s\"}",
                                            trade, ++self->sequence, json_object_get_string_member (order, "id"),
                                            json_object_get_string_member (f, "size"), json_object_get_string_member (f, "price"),
                                            strcmp (json_object_get_string_member (order, "side"), "buy") == 0 ? "sell" : "buy");
    broadcast (self, pub, want_matches);
  }
  if (!self->hold_fills)
    {
      /* the user channel's copy of the match: the order is the taker */
      g_autoptr (JsonObject) m = json_object_new ();
      g_autofree char *text = NULL;
      json_object_set_string_member (m, "type", "match");
      json_object_set_int_member (m, "trade_id", (gint64) trade);
      json_object_set_int_member (m, "sequence", (gint64) ++self->sequence);
      json_object_set_string_member (m, "maker_order_id", "00000000-0000-4000-8000-00000000beef");
      json_object_set_string_member (m, "taker_order_id", json_object_get_string_member (order, "id"));
      set_now (m, "time");
      json_object_set_string_member (m, "product_id", PRODUCT);
      json_object_set_string_member (m, "size", json_object_get_string_member (f, "size"));
      json_object_set_string_member (m, "price", json_object_get_string_member (f, "price"));
      json_object_set_string_member (m, "side", strcmp (json_object_get_string_member (order, "side"), "buy") == 0 ? "sell" : "buy");
      json_object_set_string_member (m, "user_id", "mock-user");
      json_object_set_string_member (m, "profile_id", "mock-profile");
      json_object_set_string_member (m, "taker_fee_rate", "0.005");
      text = to_json (m);
      broadcast (self, text, want_user);
    }
}

static void
fill_all (MockCoinbase *self, JsonObject *order, gboolean two_parts)
{
  double size = g_ascii_strtod (json_object_get_string_member (order, "size"), NULL);
  double first = two_parts ? size / 2 : size;

  do_fill (self, order, first, ASK);
  if (two_parts)
    do_fill (self, order, size - first, ASK);
  json_object_set_string_member (order, "status", "done");
  json_object_set_string_member (order, "done_reason", "filled");
  if (!self->hold_fills)
    send_user (self, order, "done", "filled");
}

typedef struct {
  MockCoinbase *self;
  char *id;
} Later;

static gboolean
after_post (gpointer data)
{
  Later *l = data;
  JsonObject *o = g_hash_table_lookup (l->self->orders, l->id);

  if (o != NULL)
    {
      const char *type = json_object_get_string_member (o, "type");
      double price = json_object_has_member (o, "price") ? g_ascii_strtod (json_object_get_string_member (o, "price"), NULL) : 0;
      gboolean marketable = strcmp (type, "market") == 0 ||
                            (strcmp (json_object_get_string_member (o, "side"), "buy") == 0 && price >= ASK);
      send_user (l->self, o, "received", NULL);
      if (marketable && !json_object_has_member (o, "stop"))
        fill_all (l->self, o, TRUE);
      else
        {
          json_object_set_string_member (o, "status", "open");
          send_user (l->self, o, "open", NULL);
        }
    }
  l->self->idle_pending--;
  g_free (l->id);
  g_free (l);
  return G_SOURCE_REMOVE;
}

static void
post_order (MockCoinbase *self, SoupServerMessage *msg, const char *body)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  JsonObject *req, *o;
  double size;
  g_autofree char *id = NULL;
  Later *l;

  self->posts++;
  if (self->fail_count > 0)
    {
      self->fail_count--;
      if (self->fail_status == 429)
        self->rate_limited++;
      reply (msg, self->fail_status, self->fail_status == 429 ? "{\"message\":\"Rate limit exceeded\"}"
                                                              : "{\"message\":\"Internal server error\"}");
      return;
    }
  if (!json_parser_load_from_data (p, body, -1, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
    {
      reply (msg, 400, "{\"message\":\"Invalid JSON\"}");
      return;
    }
  req = json_node_get_object (json_parser_get_root (p));
  if (!json_object_has_member (req, "client_oid") || !json_object_has_member (req, "product_id") ||
      !json_object_has_member (req, "side") || !json_object_has_member (req, "type"))
    {
      reply (msg, 400, "{\"message\":\"Missing required parameter\"}");
      return;
    }
  size = json_object_has_member (req, "size") ? g_ascii_strtod (json_object_get_string_member (req, "size"), NULL) : 1;
  if (size > 50)
    {
      reply (msg, 400, "{\"message\":\"Insufficient funds\"}");
      return;
    }
  id = g_strdup_printf ("6d1f0000-0000-4000-8000-%012" G_GINT64_MODIFIER "x", (guint64) ++self->order_seq);
  o = json_object_new ();
  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "client_oid", json_object_get_string_member (req, "client_oid"));
  json_object_set_string_member (o, "product_id", json_object_get_string_member (req, "product_id"));
  json_object_set_string_member (o, "side", json_object_get_string_member (req, "side"));
  json_object_set_string_member (o, "type", json_object_get_string_member (req, "type"));
  json_object_set_string_member (o, "size", json_object_has_member (req, "size") ? json_object_get_string_member (req, "size") : "1");
  if (json_object_has_member (req, "price"))
    json_object_set_string_member (o, "price", json_object_get_string_member (req, "price"));
  if (json_object_has_member (req, "stop"))
    json_object_set_string_member (o, "stop", json_object_get_string_member (req, "stop"));
  json_object_set_string_member (o, "time_in_force",
                                 json_object_get_string_member_with_default (req, "time_in_force", "GTC"));
  json_object_set_string_member (o, "filled_size", "0.00000000");
  json_object_set_string_member (o, "status", "pending");
  json_object_set_boolean_member (o, "settled", FALSE);
  set_now (o, "created_at");
  g_hash_table_insert (self->orders, g_strdup (id), o);
  reply_object (msg, 200, o);
  l = g_new0 (Later, 1);
  l->self = self;
  l->id = g_strdup (id);
  self->idle_pending++;
  g_idle_add (after_post, l);
}

static void
rest (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  MockCoinbase *self = data;
  const char *method = soup_server_message_get_method (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *pq = g_uri_get_query (uri) ? g_strconcat (path, "?", g_uri_get_query (uri), NULL) : g_strdup (path);
  SoupMessageBody *mb = soup_server_message_get_request_body (msg);
  g_autofree char *body = mb->length > 0 ? g_strndup (mb->data, (gsize) mb->length) : NULL;

  if (g_str_has_prefix (path, "/products/"))
    {
      self->products_gets++;
      if (strcmp (path + strlen ("/products/"), PRODUCT) != 0)
        {
          reply (msg, 404, "{\"message\":\"NotFound\"}");
          return;
        }
      reply (msg, 200, "{\"id\":\"BTC-USD\",\"base_currency\":\"BTC\",\"quote_currency\":\"USD\","
                       "\"quote_increment\":\"0.01000000\",\"base_increment\":\"0.00000001\",\"display_name\":\"BTC/USD\","
                       "\"min_market_funds\":\"1\",\"margin_enabled\":false,\"post_only\":false,\"limit_only\":false,"
                       "\"cancel_only\":false,\"status\":\"online\",\"status_message\":\"\",\"auction_mode\":false,"
                       "\"trading_disabled\":false}");
      return;
    }
  if (!signature_ok (self, msg, method, pq, body))
    {
      self->bad_signatures++;
      reply (msg, 401, "{\"message\":\"invalid signature\"}");
      return;
    }
  if (strcmp (method, "POST") == 0 && strcmp (path, "/orders") == 0)
    post_order (self, msg, body ? body : "");
  else if (strcmp (method, "DELETE") == 0 && g_str_has_prefix (path, "/orders/"))
    {
      JsonObject *o = g_hash_table_lookup (self->orders, path + strlen ("/orders/"));
      g_autofree char *answer = NULL;
      self->deletes++;
      if (o == NULL)
        reply (msg, 404, "{\"message\":\"NotFound\"}");
      else if (strcmp (json_object_get_string_member (o, "status"), "done") == 0)
        reply (msg, 400, "{\"message\":\"Order already done\"}");
      else
        {
          json_object_set_string_member (o, "status", "done");
          json_object_set_string_member (o, "done_reason", "canceled");
          send_user (self, o, "done", "canceled");
          answer = g_strdup_printf ("\"%s\"", json_object_get_string_member (o, "id"));
          reply (msg, 200, answer);
        }
    }
  else if (strcmp (method, "GET") == 0 && g_str_has_prefix (path, "/orders/client:"))
    {
      GHashTableIter it;
      gpointer v;
      g_hash_table_iter_init (&it, self->orders);
      while (g_hash_table_iter_next (&it, NULL, &v))
        if (strcmp (json_object_get_string_member (v, "client_oid"), path + strlen ("/orders/client:")) == 0)
          {
            reply_object (msg, 200, v);
            return;
          }
      reply (msg, 404, "{\"message\":\"NotFound\"}");
    }
  else if (strcmp (method, "GET") == 0 && strcmp (path, "/orders") == 0)
    {
      g_autoptr (JsonArray) a = json_array_new ();
      g_autoptr (JsonNode) n = NULL;
      g_autofree char *text = NULL;
      GHashTableIter it;
      gpointer v;
      self->orders_gets++;
      g_hash_table_iter_init (&it, self->orders);
      while (g_hash_table_iter_next (&it, NULL, &v))
        if (strcmp (json_object_get_string_member (v, "status"), "done") != 0)
          json_array_add_object_element (a, json_object_ref (v));
      n = json_node_init_array (json_node_alloc (), a);
      text = json_to_string (n, FALSE);
      reply (msg, 200, text);
    }
  else if (strcmp (method, "GET") == 0 && strcmp (path, "/fills") == 0)
    {
      g_autoptr (JsonArray) a = json_array_new ();
      g_autoptr (JsonNode) n = NULL;
      g_autofree char *text = NULL;
      self->fills_gets++;
      for (guint i = 0; i < self->fills->len; i++)
        json_array_add_object_element (a, json_object_ref (self->fills->pdata[i]));
      n = json_node_init_array (json_node_alloc (), a);
      text = json_to_string (n, FALSE);
      reply (msg, 200, text);
    }
  else
    reply (msg, 404, "{\"message\":\"NotFound\"}");
}

/* ---- the feed ---- */

static void
send_snapshot (MockCoinbase *self, SoupWebsocketConnection *c)
{
  self->snapshots++;
  soup_websocket_connection_send_text (c, "{\"type\":\"snapshot\",\"product_id\":\"BTC-USD\","
                                          "\"bids\":[[\"100.00\",\"1.50000000\"],[\"99.99\",\"2.00000000\"]],"
                                          "\"asks\":[[\"100.01\",\"1.00000000\"],[\"100.02\",\"3.00000000\"]]}");
}

static void
on_ws_message (SoupWebsocketConnection *c, int type, GBytes *message, gpointer data)
{
  MockCoinbase *self = data;
  Sub *s = g_object_get_data (G_OBJECT (c), "sub");
  g_autoptr (JsonParser) p = json_parser_new ();
  gsize len;
  const char *text = g_bytes_get_data (message, &len);
  JsonObject *o;
  JsonArray *channels;
  gboolean subscribe;

  if (!json_parser_load_from_data (p, text, (gssize) len, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
    return;
  o = json_node_get_object (json_parser_get_root (p));
  subscribe = strcmp (json_object_get_string_member_with_default (o, "type", ""), "subscribe") == 0;
  if (subscribe)
    self->subscribes++;
  else
    self->unsubscribes++;
  channels = json_object_has_member (o, "channels") ? json_object_get_array_member (o, "channels") : NULL;
  for (guint i = 0; channels && i < json_array_get_length (channels); i++)
    {
      const char *ch = json_array_get_string_element (channels, i);
      if (strcmp (ch, "level2") == 0 || strcmp (ch, "level2_batch") == 0)
        s->level2 = subscribe;
      else if (strcmp (ch, "matches") == 0)
        s->matches = subscribe;
      else if (strcmp (ch, "heartbeat") == 0)
        s->heartbeat = subscribe;
      else if (strcmp (ch, "user") == 0)
        {
          /* the feed's signature: timestamp + GET + /users/self/verify */
          const char *sig = json_object_get_string_member_with_default (o, "signature", "");
          const char *ts = json_object_get_string_member_with_default (o, "timestamp", "");
          gsize klen = 0;
          g_autofree guchar *k = g_base64_decode (self->secret, &klen);
          g_autofree char *pre = g_strconcat (ts, "GET/users/self/verify", NULL);
          GHmac *h = g_hmac_new (G_CHECKSUM_SHA256, k, klen);
          guint8 d[32];
          gsize dlen = 32;
          g_autofree char *expect = NULL;
          g_hmac_update (h, (guchar *) pre, strlen (pre));
          g_hmac_get_digest (h, d, &dlen);
          g_hmac_unref (h);
          expect = g_base64_encode (d, dlen);
          if (strcmp (expect, sig) != 0 ||
              g_strcmp0 (json_object_get_string_member_with_default (o, "key", ""), self->key) != 0)
            {
              self->bad_signatures++;
              soup_websocket_connection_send_text (c, "{\"type\":\"error\",\"message\":\"Authentication Failed\"}");
            }
          else
            s->user = subscribe;
        }
    }
  soup_websocket_connection_send_text (c, "{\"type\":\"subscriptions\",\"channels\":[]}");
  if (subscribe && s->level2)
    send_snapshot (self, c);
  if (subscribe && s->matches)
    {
      g_autofree char *lm = g_strdup_printf ("{\"type\":\"last_match\",\"trade_id\":%" G_GUINT64_FORMAT
                                             ",\"sequence\":%" G_GUINT64_FORMAT ",\"maker_order_id\":\"a\",\"taker_order_id\":\"b\","
                                             "\"time\":\"2024-01-02T03:04:05.123456Z\",\"product_id\":\"BTC-USD\","
                                             "\"size\":\"0.1\",\"price\":\"100.00\",\"side\":\"buy\"}",
                                             self->trade_id, self->sequence);
      soup_websocket_connection_send_text (c, lm);
    }
}

static void
on_ws_closed (SoupWebsocketConnection *c, gpointer data)
{
  MockCoinbase *self = data;

  g_ptr_array_remove (self->conns, c);
}

static void
on_ws (SoupServer *server, SoupServerMessage *msg, const char *path, SoupWebsocketConnection *c, gpointer data)
{
  MockCoinbase *self = data;

  self->feed_connections++;
  g_object_set_data_full (G_OBJECT (c), "sub", g_new0 (Sub, 1), g_free);
  g_ptr_array_add (self->conns, g_object_ref (c));
  g_signal_connect (c, "message", G_CALLBACK (on_ws_message), self);
  g_signal_connect (c, "closed", G_CALLBACK (on_ws_closed), self);
}

static gboolean
tick (gpointer data)
{
  MockCoinbase *self = data;
  g_autofree char *l2 = NULL;
  g_autofree char *m = NULL;
  g_autofree char *now = iso_now ();

  self->ticks++;
  l2 = g_strdup_printf ("{\"type\":\"l2update\",\"product_id\":\"BTC-USD\",\"time\":\"%s\","
                        "\"changes\":[[\"buy\",\"100.00\",\"%u.50000000\"]]}", now, 1 + self->ticks % 5);
  broadcast (self, l2, want_level2);
  self->trade_id += self->skip_trade_id ? 2 : 1;
  self->skip_trade_id = FALSE;
  self->sequence += 3;
  m = g_strdup_printf ("{\"type\":\"match\",\"trade_id\":%" G_GUINT64_FORMAT ",\"sequence\":%" G_GUINT64_FORMAT
                       ",\"maker_order_id\":\"ac928c66-ca53-498f-9c13-a110027a60e8\","
                       "\"taker_order_id\":\"132fb6ae-456b-4654-b4e0-d681ac05cea1\",\"time\":\"%s\","
                       "\"product_id\":\"BTC-USD\",\"size\":\"0.01000000\",\"price\":\"100.01\",\"side\":\"sell\"}",
                       self->trade_id, self->sequence, now);
  broadcast (self, m, want_matches);
  if (self->ticks % 5 == 0)
    {
      g_autofree char *hb = g_strdup_printf ("{\"type\":\"heartbeat\",\"sequence\":%" G_GUINT64_FORMAT
                                             ",\"last_trade_id\":%" G_GUINT64_FORMAT ",\"product_id\":\"BTC-USD\",\"time\":\"%s\"}",
                                             self->sequence, self->trade_id, now);
      broadcast (self, hb, want_heartbeat);
    }
  return G_SOURCE_CONTINUE;
}

MockCoinbase *
mock_coinbase_new (const char *key, const char *secret, const char *passphrase)
{
  MockCoinbase *self = g_new0 (MockCoinbase, 1);
  g_autoptr (GError) error = NULL;
  GSList *uris;

  self->key = g_strdup (key);
  self->secret = g_strdup (secret);
  self->passphrase = g_strdup (passphrase);
  self->trade_id = 1000;
  self->sequence = 50000;
  self->conns = g_ptr_array_new_with_free_func (g_object_unref);
  self->orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->fills = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (self->server, "/ws", NULL, NULL, on_ws, self, NULL);
  soup_server_add_handler (self->server, NULL, rest, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("mock-coinbase: %s", error->message);
  uris = soup_server_get_uris (self->server);
  self->port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  self->tick_id = g_timeout_add (20, tick, self);
  return self;
}

char *
mock_coinbase_rest_url (MockCoinbase *self)
{
  return g_strdup_printf ("http://127.0.0.1:%u", self->port);
}

char *
mock_coinbase_ws_url (MockCoinbase *self)
{
  return g_strdup_printf ("ws://127.0.0.1:%u/ws", self->port);
}

void
mock_coinbase_send_raw (MockCoinbase *self, const char *text)
{
  broadcast (self, text, NULL);
}

void
mock_coinbase_drop_feed (MockCoinbase *self)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->conns->len; i++)
    g_ptr_array_add (all, g_object_ref (self->conns->pdata[i]));
  for (guint i = 0; i < all->len; i++)
    if (soup_websocket_connection_get_state (all->pdata[i]) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (all->pdata[i], SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "mock: dropped");
}

guint
mock_coinbase_fill_open_orders (MockCoinbase *self)
{
  GHashTableIter it;
  gpointer v;
  guint n = 0;

  g_hash_table_iter_init (&it, self->orders);
  while (g_hash_table_iter_next (&it, NULL, &v))
    if (strcmp (json_object_get_string_member (v, "status"), "open") == 0)
      {
        fill_all (self, v, FALSE);
        n++;
      }
  return n;
}

guint
mock_coinbase_open_count (MockCoinbase *self)
{
  GHashTableIter it;
  gpointer v;
  guint n = 0;

  g_hash_table_iter_init (&it, self->orders);
  while (g_hash_table_iter_next (&it, NULL, &v))
    n += strcmp (json_object_get_string_member (v, "status"), "done") != 0;
  return n;
}

void
mock_coinbase_free (MockCoinbase *self)
{
  g_source_remove (self->tick_id);
  while (self->idle_pending > 0)
    g_main_context_iteration (NULL, TRUE);
  mock_coinbase_drop_feed (self);
  for (guint i = 0; i < self->conns->len; i++)
    g_signal_handlers_disconnect_by_data (self->conns->pdata[i], self);
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_ptr_array_unref (self->conns);
  g_hash_table_unref (self->orders);
  g_ptr_array_unref (self->fills);
  g_free (self->key);
  g_free (self->secret);
  g_free (self->passphrase);
  g_free (self);
}
