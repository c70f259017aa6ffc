/* mock-alpaca.c: a loopback Alpaca for tests, speaking the documented JSON.
 *
 * REST (every call checks APCA-API-KEY-ID / APCA-API-SECRET-KEY; a mismatch is a 401
 * whose message names the key id, so the tests can see that it gets redacted):
 *   GET /v2/assets/{symbol} (AAPL only), POST /v2/orders, DELETE /v2/orders/{id},
 *   GET /v2/orders?status=open, GET /v2/orders:by_client_order_id?client_order_id=…
 * Market data (/v2/iex): [{"T":"success","msg":"connected"}]; auth → "authenticated"
 *   or [{"T":"error","code":402,"msg":"auth failed"}]; subscribe → "subscription";
 *   then every 20 ms an array with a trade ("t") and a quote ("q").
 * Trade updates (/stream, binary frames like the paper endpoint): auth →
 *   {"stream":"authorization",…}; listen → {"stream":"listening",…}; then trade_updates
 *   events new / partial_fill / fill / canceled with the order object.
 * Orders: qty > 1000 → 403 "insufficient buying power"; qty 13 → accepted, then a
 * `rejected` update; a market order or a buy limit
 * at or above the ask (150.01) fills in two executions (a partial fill, then the
 * rest); other limit orders rest until cancelled or mock_alpaca_fill_open_orders().
 */
#include "mock-alpaca.h"

#include <string.h>

#define SYMBOL "AAPL"
#define ASK 150.01

static char *
to_json (JsonObject *o)
{
  g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (), o);
  return json_to_string (n, FALSE);
}

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

static gboolean
is_open (SoupWebsocketConnection *c)
{
  return soup_websocket_connection_get_state (c) == SOUP_WEBSOCKET_STATE_OPEN;
}

static void
send_binary (SoupWebsocketConnection *c, const char *text)
{
  if (is_open (c))
    soup_websocket_connection_send_binary (c, text, strlen (text));
}

static void
reply (SoupServerMessage *msg, guint status, const char *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
reply_object (SoupServerMessage *msg, guint status, JsonObject *o)
{
  g_autofree char *text = to_json (o);
  reply (msg, status, text);
}

static gboolean
terminal (JsonObject *o)
{
  const char *s = json_object_get_string_member (o, "status");
  return strcmp (s, "filled") == 0 || strcmp (s, "canceled") == 0 || strcmp (s, "rejected") == 0 ||
         strcmp (s, "expired") == 0;
}

/* ---- trade updates ---- */

static void
broadcast_update (MockAlpaca *self, const char *text)
{
  if (self->hold_events)
    {
      g_ptr_array_add (self->held, g_strdup (text));
      return;
    }
  for (guint i = 0; i < self->stream_conns->len; i++)
    {
      SoupWebsocketConnection *c = self->stream_conns->pdata[i];
      if (g_object_get_data (G_OBJECT (c), "listening") != NULL)
        send_binary (c, text);
    }
}

static void
send_update (MockAlpaca *self, JsonObject *order, const char *event, double price, double qty)
{
  g_autoptr (JsonObject) d = json_object_new ();
  g_autoptr (JsonObject) m = json_object_new ();
  g_autofree char *text = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  json_object_set_string_member (d, "event", event);
  set_now (d, "timestamp");
  if (price > 0)
    {
      g_autofree char *exec = g_strdup_printf ("e%06" G_GUINT64_FORMAT, ++self->exec_seq);
      json_object_set_string_member (d, "execution_id", exec);
      json_object_set_string_member (d, "price", g_ascii_formatd (buf, sizeof buf, "%.2f", price));
      json_object_set_string_member (d, "qty", g_ascii_formatd (buf, sizeof buf, "%.0f", qty));
      json_object_set_string_member (d, "position_qty", json_object_get_string_member (order, "filled_qty"));
    }
  json_object_set_object_member (d, "order", json_object_ref (order));
  json_object_set_string_member (m, "stream", "trade_updates");
  json_object_set_object_member (m, "data", json_object_ref (d));
  text = to_json (m);
  broadcast_update (self, text);
}

static void
do_fill (MockAlpaca *self, JsonObject *order, double qty, double price)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double total = g_ascii_strtod (json_object_get_string_member (order, "qty"), NULL);
  double filled = g_ascii_strtod (json_object_get_string_member (order, "filled_qty"), NULL) + qty;
  gboolean done = filled >= total - 1e-9;

  json_object_set_string_member (order, "filled_qty", g_ascii_formatd (buf, sizeof buf, "%.0f", filled));
  json_object_set_string_member (order, "filled_avg_price", g_ascii_formatd (buf, sizeof buf, "%.2f", price));
  json_object_set_string_member (order, "status", done ? "filled" : "partially_filled");
  if (done)
    set_now (order, "filled_at");
  send_update (self, order, done ? "fill" : "partial_fill", price, qty);
}

static void
fill_all (MockAlpaca *self, JsonObject *order, gboolean two_parts)
{
  double qty = g_ascii_strtod (json_object_get_string_member (order, "qty"), NULL);
  double first = two_parts ? (double) (gint64) (qty / 2) : qty;

  if (first > 0)
    do_fill (self, order, first, ASK);
  if (qty - first > 0)
    do_fill (self, order, qty - first, ASK);
}

typedef struct {
  MockAlpaca *self;
  char *id;
} Later;

static gboolean
after_post (gpointer data)
{
  Later *l = data;
  JsonObject *o = g_hash_table_lookup (l->self->orders, l->id);

  if (o != NULL && !terminal (o))
    {
      const char *type = json_object_get_string_member (o, "type");
      double limit = json_object_has_member (o, "limit_price") &&
                     !json_node_is_null (json_object_get_member (o, "limit_price"))
                     ? g_ascii_strtod (json_object_get_string_member (o, "limit_price"), NULL) : 0;
      if (strcmp (json_object_get_string_member (o, "qty"), "13") == 0)
        {
          /* refused after acceptance: the `rejected` update */
          json_object_set_string_member (o, "status", "rejected");
          send_update (l->self, o, "rejected", 0, 0);
          l->self->pending--;
          g_free (l->id);
          g_free (l);
          return G_SOURCE_REMOVE;
        }
      json_object_set_string_member (o, "status", "new");
      send_update (l->self, o, "new", 0, 0);
      if (strcmp (type, "market") == 0 ||
          (strcmp (type, "limit") == 0 && strcmp (json_object_get_string_member (o, "side"), "buy") == 0 && limit >= ASK))
        fill_all (l->self, o, TRUE);
    }
  l->self->pending--;
  g_free (l->id);
  g_free (l);
  return G_SOURCE_REMOVE;
}

static JsonObject *
create_order (MockAlpaca *self, JsonObject *req)
{
  g_autofree char *id = g_strdup_printf ("61e69015-8549-4bfd-b9c3-%012" G_GINT64_MODIFIER "x", (guint64) ++self->order_seq);
  JsonObject *o = json_object_new ();
  const char *members[] = { "client_order_id", "symbol", "qty", "side", "type", "time_in_force", "limit_price",
                            "stop_price" };
  Later *l;

  json_object_set_string_member (o, "id", id);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (json_object_has_member (req, members[i]))
      json_object_set_string_member (o, members[i], json_object_get_string_member (req, members[i]));
    else
      json_object_set_null_member (o, members[i]);
  json_object_set_string_member (o, "filled_qty", "0");
  json_object_set_null_member (o, "filled_avg_price");
  json_object_set_string_member (o, "status", "accepted");
  json_object_set_string_member (o, "asset_class", "us_equity");
  set_now (o, "created_at");
  g_hash_table_insert (self->orders, g_strdup (id), o);
  l = g_new0 (Later, 1);
  l->self = self;
  l->id = g_strdup (id);
  self->pending++;
  g_idle_add (after_post, l);
  return o;
}

static void
post_order (MockAlpaca *self, SoupServerMessage *msg, const char *body)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  JsonObject *req;

  self->posts++;
  if (!json_parser_load_from_data (p, body, -1, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
    {
      reply (msg, 400, "{\"code\":40010000,\"message\":\"request body format is invalid\"}");
      return;
    }
  req = json_node_get_object (json_parser_get_root (p));
  g_ptr_array_add (self->post_client_ids,
                   g_strdup (json_object_get_string_member_with_default (req, "client_order_id", "")));
  if (self->fail_count > 0)
    {
      self->fail_count--;
      if (self->fail_status == 429)
        self->rate_limited++;
      if (self->create_on_fail)
        create_order (self, req);
      reply (msg, self->fail_status, self->fail_status == 429 ? "{\"code\":42910000,\"message\":\"rate limit exceeded\"}"
                                                              : "{\"code\":50010000,\"message\":\"internal server error\"}");
      return;
    }
  if (!json_object_has_member (req, "symbol") || !json_object_has_member (req, "side") ||
      !json_object_has_member (req, "type") || !json_object_has_member (req, "time_in_force") ||
      !json_object_has_member (req, "qty"))
    {
      reply (msg, 422, "{\"code\":40010000,\"message\":\"missing required field\"}");
      return;
    }
  if (g_ascii_strtod (json_object_get_string_member (req, "qty"), NULL) > 1000)
    {
      reply (msg, 403, "{\"code\":40310000,\"message\":\"insufficient buying power\"}");
      return;
    }
  reply_object (msg, 200, create_order (self, req));
}

static void
reply_list (SoupServerMessage *msg, MockAlpaca *self, gboolean open_only)
{
  g_autoptr (JsonArray) a = json_array_new ();
  g_autoptr (JsonNode) n = NULL;
  g_autofree char *text = NULL;
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, self->orders);
  while (g_hash_table_iter_next (&it, NULL, &v))
    if (!open_only || !terminal (v))
      json_array_add_object_element (a, json_object_ref (v));
  n = json_node_init_array (json_node_alloc (), a);
  text = json_to_string (n, FALSE);
  reply (msg, 200, text);
}

static void
rest (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  MockAlpaca *self = data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (h, "APCA-API-KEY-ID");
  const char *secret = soup_message_headers_get_one (h, "APCA-API-SECRET-KEY");
  SoupMessageBody *mb = soup_server_message_get_request_body (msg);
  g_autofree char *body = mb->length > 0 ? g_strndup (mb->data, (gsize) mb->length) : NULL;

  if (g_strcmp0 (key, self->key) != 0 || g_strcmp0 (secret, self->secret) != 0)
    {
      g_autofree char *answer = g_strdup_printf ("{\"code\":40110000,\"message\":\"request is not authorized "
                                                 "(key id %s)\"}", key ? key : "none");
      self->bad_keys++;
      reply (msg, 401, answer);
      return;
    }
  if (strcmp (method, "GET") == 0 && g_str_has_prefix (path, "/v2/assets/"))
    {
      self->asset_gets++;
      if (strcmp (path + strlen ("/v2/assets/"), SYMBOL) != 0)
        reply (msg, 404, "{\"code\":40410000,\"message\":\"asset not found\"}");
      else
        reply (msg, 200, "{\"id\":\"b0b6dd9d-8b9b-48a9-ba46-b9d54906e415\",\"class\":\"us_equity\",\"exchange\":\"NASDAQ\","
                         "\"symbol\":\"AAPL\",\"name\":\"Apple Inc. Common Stock\",\"status\":\"active\","
                         "\"tradable\":true,\"marginable\":true,\"shortable\":true,\"easy_to_borrow\":true,"
                         "\"fractionable\":true,\"min_trade_increment\":\"0.000000001\",\"price_increment\":\"0.01\"}");
    }
  else if (strcmp (method, "POST") == 0 && strcmp (path, "/v2/orders") == 0)
    post_order (self, msg, body ? body : "");
  else if (strcmp (method, "DELETE") == 0 && g_str_has_prefix (path, "/v2/orders/"))
    {
      JsonObject *o = g_hash_table_lookup (self->orders, path + strlen ("/v2/orders/"));
      self->deletes++;
      if (o == NULL)
        reply (msg, 404, "{\"code\":40410000,\"message\":\"order not found\"}");
      else if (terminal (o))
        reply (msg, 422, "{\"code\":42210000,\"message\":\"order is not cancelable\"}");
      else
        {
          json_object_set_string_member (o, "status", "canceled");
          set_now (o, "canceled_at");
          reply (msg, 204, NULL);
          send_update (self, o, "canceled", 0, 0);
        }
    }
  else if (strcmp (method, "GET") == 0 && strcmp (path, "/v2/orders:by_client_order_id") == 0)
    {
      const char *cid = query ? g_hash_table_lookup (query, "client_order_id") : NULL;
      GHashTableIter it;
      gpointer v;
      self->lookups++;
      g_hash_table_iter_init (&it, self->orders);
      while (cid && g_hash_table_iter_next (&it, NULL, &v))
        if (g_strcmp0 (json_object_get_string_member (v, "client_order_id"), cid) == 0)
          {
            reply_object (msg, 200, v);
            return;
          }
      reply (msg, 404, "{\"code\":40410000,\"message\":\"order not found\"}");
    }
  else if (strcmp (method, "GET") == 0 && strcmp (path, "/v2/orders") == 0)
    {
      self->open_gets++;
      reply_list (msg, self, g_strcmp0 (query ? g_hash_table_lookup (query, "status") : NULL, "open") == 0);
    }
  else
    reply (msg, 404, "{\"code\":40400000,\"message\":\"endpoint not found\"}");
}

/* ---- websockets ---- */

/* {"action":"auth","key","secret"} (or the older "authenticate" with data.key_id) */
static gboolean
auth_ok (MockAlpaca *self, JsonObject *o)
{
  const char *key = json_object_get_string_member_with_default (o, "key", NULL);
  const char *secret = json_object_get_string_member_with_default (o, "secret", NULL);

  if (key == NULL && json_object_has_member (o, "data"))
    {
      JsonObject *d = json_object_get_object_member (o, "data");
      key = json_object_get_string_member_with_default (d, "key_id", NULL);
      secret = json_object_get_string_member_with_default (d, "secret_key", NULL);
    }
  self->auths++;
  if (!self->refuse_ws_auth && g_strcmp0 (key, self->key) == 0 && g_strcmp0 (secret, self->secret) == 0)
    return TRUE;
  self->auth_failures++;
  return FALSE;
}

static void
on_data_message (SoupWebsocketConnection *c, int type, GBytes *message, gpointer data)
{
  MockAlpaca *self = data;
  g_autoptr (JsonParser) p = json_parser_new ();
  gsize len;
  const char *text = g_bytes_get_data (message, &len);
  JsonObject *o;
  const char *action;

  if (!json_parser_load_from_data (p, text, (gssize) len, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
    {
      soup_websocket_connection_send_text (c, "[{\"T\":\"error\",\"code\":400,\"msg\":\"invalid syntax\"}]");
      return;
    }
  o = json_node_get_object (json_parser_get_root (p));
  action = json_object_get_string_member_with_default (o, "action", "");
  if (strcmp (action, "auth") == 0)
    {
      if (auth_ok (self, o))
        {
          g_object_set_data (G_OBJECT (c), "authed", GINT_TO_POINTER (1));
          soup_websocket_connection_send_text (c, "[{\"T\":\"success\",\"msg\":\"authenticated\"}]");
        }
      else
        soup_websocket_connection_send_text (c, "[{\"T\":\"error\",\"code\":402,\"msg\":\"auth failed\"}]");
    }
  else if (strcmp (action, "subscribe") == 0)
    {
      if (g_object_get_data (G_OBJECT (c), "authed") == NULL)
        {
          soup_websocket_connection_send_text (c, "[{\"T\":\"error\",\"code\":401,\"msg\":\"not authenticated\"}]");
          return;
        }
      self->subscribes++;
      g_object_set_data (G_OBJECT (c), "subscribed", GINT_TO_POINTER (1));
      soup_websocket_connection_send_text (c, "[{\"T\":\"subscription\",\"trades\":[\"AAPL\"],\"quotes\":[\"AAPL\"],"
                                              "\"bars\":[]}]");
    }
  else
    soup_websocket_connection_send_text (c, "[{\"T\":\"error\",\"code\":400,\"msg\":\"invalid syntax\"}]");
}

static gboolean
replay_cb (gpointer data)
{
  MockAlpaca *self = data;
  g_autoptr (GPtrArray) held = g_steal_pointer (&self->held);

  self->held = g_ptr_array_new_with_free_func (g_free);
  self->pending--;
  for (guint i = 0; i < held->len; i++)
    broadcast_update (self, held->pdata[i]);
  self->replayed += held->len;
  return G_SOURCE_REMOVE;
}

static void
on_stream_message (SoupWebsocketConnection *c, int type, GBytes *message, gpointer data)
{
  MockAlpaca *self = data;
  g_autoptr (JsonParser) p = json_parser_new ();
  gsize len;
  const char *text = g_bytes_get_data (message, &len);
  JsonObject *o;
  const char *action;

  if (!json_parser_load_from_data (p, text, (gssize) len, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
    return;
  o = json_node_get_object (json_parser_get_root (p));
  action = json_object_get_string_member_with_default (o, "action", "");
  if (strcmp (action, "auth") == 0 || strcmp (action, "authenticate") == 0)
    {
      gboolean ok = auth_ok (self, o);
      if (ok)
        g_object_set_data (G_OBJECT (c), "authed", GINT_TO_POINTER (1));
      send_binary (c, ok ? "{\"stream\":\"authorization\",\"data\":{\"action\":\"authenticate\",\"status\":\"authorized\"}}"
                         : "{\"stream\":\"authorization\",\"data\":{\"action\":\"authenticate\",\"status\":\"unauthorized\"}}");
    }
  else if (strcmp (action, "listen") == 0 && g_object_get_data (G_OBJECT (c), "authed") != NULL)
    {
      self->listens++;
      g_object_set_data (G_OBJECT (c), "listening", GINT_TO_POINTER (1));
      send_binary (c, "{\"stream\":\"listening\",\"data\":{\"streams\":[\"trade_updates\"]}}");
      if (self->hold_events)
        {
          /* back up: what happened meanwhile was lost, unless the test wants it replayed */
          self->hold_events = FALSE;
          if (self->replay_held)
            {
              self->pending++;
              g_timeout_add (300, replay_cb, self);
            }
          else
            g_ptr_array_set_size (self->held, 0);
        }
    }
}

static void
on_closed (SoupWebsocketConnection *c, gpointer data)
{
  MockAlpaca *self = data;

  if (!g_ptr_array_remove (self->data_conns, c))
    g_ptr_array_remove (self->stream_conns, c);
}

static void
on_data_ws (SoupServer *server, SoupServerMessage *msg, const char *path, SoupWebsocketConnection *c, gpointer data)
{
  MockAlpaca *self = data;

  self->data_connections++;
  g_ptr_array_add (self->data_conns, g_object_ref (c));
  g_signal_connect (c, "message", G_CALLBACK (on_data_message), self);
  g_signal_connect (c, "closed", G_CALLBACK (on_closed), self);
  soup_websocket_connection_send_text (c, "[{\"T\":\"success\",\"msg\":\"connected\"}]");
}

static void
on_stream_ws (SoupServer *server, SoupServerMessage *msg, const char *path, SoupWebsocketConnection *c, gpointer data)
{
  MockAlpaca *self = data;

  self->stream_connections++;
  g_ptr_array_add (self->stream_conns, g_object_ref (c));
  g_signal_connect (c, "message", G_CALLBACK (on_stream_message), self);
  g_signal_connect (c, "closed", G_CALLBACK (on_closed), self);
}

static gboolean
tick (gpointer data)
{
  MockAlpaca *self = data;
  g_autofree char *now = iso_now ();
  g_autofree char *text = NULL;

  self->ticks++;
  text = g_strdup_printf ("[{\"T\":\"t\",\"S\":\"AAPL\",\"i\":%" G_GUINT64_FORMAT ",\"x\":\"V\",\"p\":150.0%u,\"s\":%u,"
                          "\"t\":\"%s\",\"c\":[\"@\"],\"z\":\"C\"},"
                          "{\"T\":\"q\",\"S\":\"AAPL\",\"bx\":\"V\",\"bp\":149.99,\"bs\":%u,\"ax\":\"V\",\"ap\":150.01,"
                          "\"as\":2,\"t\":\"%s\",\"c\":[\"R\"],\"z\":\"C\"}]",
                          ++self->trade_seq, self->ticks % 2, 100 + self->ticks % 7, now, 1 + self->ticks % 5, now);
  for (guint i = 0; i < self->data_conns->len; i++)
    {
      SoupWebsocketConnection *c = self->data_conns->pdata[i];
      if (is_open (c) && g_object_get_data (G_OBJECT (c), "subscribed") != NULL)
        soup_websocket_connection_send_text (c, text);
    }
  return G_SOURCE_CONTINUE;
}

/**
 * mock_alpaca_new:
 * @key_id: the key id the mock accepts
 * @secret_key: the secret key the mock accepts
 *
 * Returns: (transfer full): a mock listening on 127.0.0.1 (an ephemeral port)
 */
MockAlpaca *
mock_alpaca_new (const char *key_id, const char *secret_key)
{
  MockAlpaca *self = g_new0 (MockAlpaca, 1);
  g_autoptr (GError) error = NULL;
  GSList *uris;

  self->key = g_strdup (key_id);
  self->secret = g_strdup (secret_key);
  self->trade_seq = 52983525028;
  self->data_conns = g_ptr_array_new_with_free_func (g_object_unref);
  self->stream_conns = g_ptr_array_new_with_free_func (g_object_unref);
  self->orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->held = g_ptr_array_new_with_free_func (g_free);
  self->post_client_ids = g_ptr_array_new_with_free_func (g_free);
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (self->server, "/v2/iex", NULL, NULL, on_data_ws, self, NULL);
  soup_server_add_websocket_handler (self->server, "/stream", NULL, NULL, on_stream_ws, self, NULL);
  soup_server_add_handler (self->server, NULL, rest, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("mock-alpaca: %s", error->message);
  uris = soup_server_get_uris (self->server);
  self->port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  self->tick_id = g_timeout_add (20, tick, self);
  return self;
}

char *
mock_alpaca_base_url (MockAlpaca *self)
{
  return g_strdup_printf ("http://127.0.0.1:%u", self->port);
}

char *
mock_alpaca_data_url (MockAlpaca *self)
{
  return g_strdup_printf ("ws://127.0.0.1:%u/v2/iex", self->port);
}

char *
mock_alpaca_stream_url (MockAlpaca *self)
{
  return g_strdup_printf ("ws://127.0.0.1:%u/stream", self->port);
}

void
mock_alpaca_send_data_raw (MockAlpaca *self, const char *text)
{
  for (guint i = 0; i < self->data_conns->len; i++)
    if (is_open (self->data_conns->pdata[i]))
      soup_websocket_connection_send_text (self->data_conns->pdata[i], text);
}

void
mock_alpaca_send_stream_raw (MockAlpaca *self, const char *text)
{
  for (guint i = 0; i < self->stream_conns->len; i++)
    send_binary (self->stream_conns->pdata[i], text);
}

static void
close_all (GPtrArray *conns)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < conns->len; i++)
    g_ptr_array_add (all, g_object_ref (conns->pdata[i]));
  for (guint i = 0; i < all->len; i++)
    if (is_open (all->pdata[i]))
      soup_websocket_connection_close (all->pdata[i], SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "mock: dropped");
}

/* Both websockets close, as when the network goes away. */
void
mock_alpaca_drop (MockAlpaca *self)
{
  close_all (self->data_conns);
  close_all (self->stream_conns);
}

guint
mock_alpaca_fill_open_orders (MockAlpaca *self)
{
  GHashTableIter it;
  gpointer v;
  guint n = 0;

  g_hash_table_iter_init (&it, self->orders);
  while (g_hash_table_iter_next (&it, NULL, &v))
    if (!terminal (v))
      {
        fill_all (self, v, FALSE);
        n++;
      }
  return n;
}

guint
mock_alpaca_open_count (MockAlpaca *self)
{
  GHashTableIter it;
  gpointer v;
  guint n = 0;

  g_hash_table_iter_init (&it, self->orders);
  while (g_hash_table_iter_next (&it, NULL, &v))
    n += !terminal (v);
  return n;
}

void
mock_alpaca_free (MockAlpaca *self)
{
  g_source_remove (self->tick_id);
  while (self->pending > 0)
    g_main_context_iteration (NULL, TRUE);
  mock_alpaca_drop (self);
  for (guint i = 0; i < self->data_conns->len; i++)
    g_signal_handlers_disconnect_by_data (self->data_conns->pdata[i], self);
  for (guint i = 0; i < self->stream_conns->len; i++)
    g_signal_handlers_disconnect_by_data (self->stream_conns->pdata[i], self);
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_ptr_array_unref (self->data_conns);
  g_ptr_array_unref (self->stream_conns);
  g_hash_table_unref (self->orders);
  g_ptr_array_unref (self->held);
  g_ptr_array_unref (self->post_client_ids);
  g_free (self->key);
  g_free (self->secret);
  g_free (self);
}
