/* aat-coinbase-exchange.c: `coinbase`, a live exchange for Coinbase Exchange.
 *
 * What it owns: a SoupSession, the websocket to the feed, a paced queue of signed REST
 * requests, one level2 book and one continuity state per product, and the working
 * orders keyed by client_oid (and by the venue's order id once known).
 *
 * Data flow:
 * - start() builds the instruments (#AatCoinbaseExchange:products), asks
 *   GET /products/<id> for each (tick = quote_increment, lot = base_increment,
 *   min_market_funds), then opens the feed. It does not wait: the class has no
 *   next_event(), so the engine counts it as a push source.
 * - The feed: subscribe to `matches`, `level2` (or `level2_batch`), `heartbeat` and,
 *   with credentials, the authenticated `user` channel. `match` → an AatTrade (the
 *   taker's side is the opposite of the maker `side`); `snapshot` / `l2update` → the
 *   product's #AatOrderBook, and a quote event when the top of the book changes.
 *   Missed messages (a trade_id gap, a heartbeat ahead of the last match, a `sequence`
 *   going back) → the product's level2 is unsubscribed and subscribed again, which
 *   sends a fresh snapshot (a resync).
 * - Orders: POST /orders (signed, client_oid a UUID derived from the run id and the
 *   order id); DELETE /orders/<id>; fills from `match` messages of the user channel
 *   (deduplicated by trade_id), the end of an order from `done`. Refusals come back as
 *   aat_exchange_emit_rejected() with the venue's message; impossible orders are
 *   refused locally first (aat_coinbase_order_body()).
 * - REST requests go through one queue, paced to #AatCoinbaseExchange:rate-limit per
 *   second; a 429 puts the request back at the head and pauses the queue (1 s,
 *   doubling, at most 30 s). A 5xx on POST /orders leaves the outcome unknown: the order
 *   is looked up with GET /orders/client:<client_oid>.
 * - A dropped feed is reopened with exponential backoff; then the books are rebuilt from
 *   the new snapshots and orders are reconciled: GET /fills per product (missed fills),
 *   then GET /orders (orders the venue no longer lists, and that did not fill, were
 *   cancelled).
 * - Credentials: api-key / api-secret / passphrase, else COINBASE_API_KEY,
 *   COINBASE_API_SECRET, COINBASE_API_PASSPHRASE (or COINBASE_PASSPHRASE). They are
 *   write-only properties; everything logged passes through aat_coinbase_redact().
 */
#include <aat.h>
#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

#include "aat-coinbase-core.h"
#include "aat-coinbase-exchange.h"

typedef struct {
  AatOrder *order;          /* owned */
  char *client_oid;
  char *server_id;          /* the venue's order id, once known */
  GHashTable *trade_ids;    /* fills emitted, by trade_id */
  gboolean sent, acked, cancel_wanted, cancel_sent;
} CbOrder;

typedef struct _AatCoinbaseExchange AatCoinbaseExchange;
typedef void (*ReqDone) (AatCoinbaseExchange *self, guint status, const char *body, gpointer data);

typedef struct {
  char *method, *path, *body;
  ReqDone done;
  gpointer data;
  GDestroyNotify data_free;
  guint throttled;          /* 429s so far */
  guint failures;           /* transport failures so far */
  SoupMessage *msg;
  GCancellable *cancel;     /* the exchange's: once cancelled, the exchange may be gone */
} Req;

typedef struct {
  char *id;
  AatInstrument *instrument;      /* interned */
  AatCoinbaseProduct *rules;      /* owned, NULL until loaded */
  AatCoinbaseBook *book;          /* NULL until rules */
  AatCoinbaseSeq seq;
  double bid, ask, bid_size, ask_size;
} Product;

struct _AatCoinbaseExchange
{
  AatExchange parent_instance;

  /* properties */
  gboolean sandbox;
  char *rest_url, *ws_url;
  char **products_prop;
  char *api_key, *api_secret, *passphrase;
  gboolean user_channel, level2_batch;
  double rate_limit;
  guint reconnect_min_ms, reconnect_max_ms;
  int max_reconnects;
  double heartbeat_timeout, duration;
  guint64 max_events;
  char *run_id;

  /* resolved */
  char *rest_base, *ws_base;
  const char *key, *secret, *pass;      /* borrowed from the properties or the environment */
  char *env_key, *env_secret, *env_pass;

  SoupSession *session;
  SoupWebsocketConnection *conn;
  GCancellable *cancellable;
  gboolean started, ended, exit_pushed, connecting, connected, ever_connected;
  guint attempts, products_pending;
  gint64 last_rx;
  guint backoff_id, duration_id, watchdog_id, queue_id;

  /* REST queue */
  GQueue queue;             /* Req* waiting */
  guint in_flight;
  gint64 next_send;         /* monotonic µs: pacing */
  gint64 paused_until;      /* monotonic µs: after a 429 */
  guint reconcile_pending;

  GPtrArray *products;      /* Product* */
  GHashTable *orders;       /* client_oid -> CbOrder* (owned) */
  GHashTable *by_server_id; /* server id -> CbOrder* (borrowed) */

  /* counters */
  guint gaps, resyncs, reconnects, rate_limited, errors, requests;
  guint64 fills, reconciled_fills, events;
};

G_DEFINE_FINAL_TYPE (AatCoinbaseExchange, aat_coinbase_exchange, AAT_TYPE_EXCHANGE)

enum {
  PROP_0,
  PROP_SANDBOX, PROP_REST_URL, PROP_WS_URL, PROP_PRODUCTS, PROP_API_KEY, PROP_API_SECRET, PROP_PASSPHRASE,
  PROP_USER_CHANNEL, PROP_LEVEL2_BATCH, PROP_RATE_LIMIT, PROP_RECONNECT_MIN_MS, PROP_RECONNECT_MAX_MS,
  PROP_MAX_RECONNECTS, PROP_HEARTBEAT_TIMEOUT, PROP_DURATION, PROP_MAX_EVENTS, PROP_RUN_ID,
  PROP_GAPS, PROP_RESYNCS, PROP_RECONNECTS, PROP_RATE_LIMITED, PROP_FILLS, PROP_RECONCILED_FILLS, PROP_ERRORS,
  PROP_REQUESTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void connect_feed (AatCoinbaseExchange *self);
static void drop_feed (AatCoinbaseExchange *self, const char *why);
static void pump_queue (AatCoinbaseExchange *self);
static void send_cancel (AatCoinbaseExchange *self, CbOrder *co);

/* ---- helpers ---- */

static void
cborder_free (gpointer data)
{
  CbOrder *co = data;

  aat_order_unref (co->order);
  g_free (co->client_oid);
  g_free (co->server_id);
  g_hash_table_unref (co->trade_ids);
  g_free (co);
}

static void
product_free (gpointer data)
{
  Product *p = data;

  g_free (p->id);
  aat_coinbase_product_free (p->rules);
  aat_coinbase_book_free (p->book);
  g_free (p);
}

static Product *
find_product (AatCoinbaseExchange *self, const char *id)
{
  for (guint i = 0; id != NULL && i < self->products->len; i++)
    if (strcmp (((Product *) self->products->pdata[i])->id, id) == 0)
      return self->products->pdata[i];
  return NULL;
}

static Product *
product_of_instrument (AatCoinbaseExchange *self, AatInstrument *inst)
{
  for (guint i = 0; i < self->products->len; i++)
    if (((Product *) self->products->pdata[i])->instrument == inst)
      return self->products->pdata[i];
  return NULL;
}

static char *
redact (AatCoinbaseExchange *self, const char *text)
{
  return aat_coinbase_redact (text, self->key, self->secret, self->pass);
}

static gboolean
authenticated (AatCoinbaseExchange *self)
{
  return self->key != NULL && *self->key && self->secret != NULL && *self->secret && self->pass != NULL;
}

static AatTime
now_ns (void)
{
  return (AatTime) g_get_real_time () * 1000;
}

static JsonObject *
parse_object (const char *text, gsize len)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, (gssize) len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

static JsonArray *
parse_array (const char *text, JsonParser **keep)
{
  JsonParser *parser = json_parser_new ();
  JsonNode *root;

  *keep = parser;
  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL && JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root) : NULL;
}

/* ---- the stream ---- */

static void
push_exit (AatCoinbaseExchange *self, const char *why)
{
  g_autoptr (AatEvent) ev = NULL;

  if (self->exit_pushed)
    return;
  self->exit_pushed = TRUE;
  ev = aat_event_new_message (AAT_EVENT_TYPE_EXIT, now_ns (), why);
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
}

static void
end_stream (AatCoinbaseExchange *self, const char *why)
{
  if (self->ended)
    return;
  self->ended = TRUE;
  g_message ("coinbase: %s", why);
  push_exit (self, why);
}

static void
count_event (AatCoinbaseExchange *self)
{
  self->events++;
  if (self->max_events > 0 && self->events >= self->max_events)
    end_stream (self, "max-events reached");
}

static gboolean
duration_cb (gpointer data)
{
  AatCoinbaseExchange *self = data;

  self->duration_id = 0;
  end_stream (self, "duration reached");
  return G_SOURCE_REMOVE;
}

/* ---- REST ---- */

static void
req_free (Req *r)
{
  if (r->data_free)
    r->data_free (r->data);
  g_clear_object (&r->msg);
  g_clear_object (&r->cancel);
  g_free (r->method);
  g_free (r->path);
  g_free (r->body);
  g_free (r);
}

static void
request (AatCoinbaseExchange *self, const char *method, const char *path, const char *body, ReqDone done,
         gpointer data, GDestroyNotify data_free)
{
  Req *r = g_new0 (Req, 1);

  r->method = g_strdup (method);
  r->path = g_strdup (path);
  r->body = g_strdup (body);
  r->done = done;
  r->data = data;
  r->data_free = data_free;
  g_queue_push_tail (&self->queue, r);
  pump_queue (self);
}

static gboolean
queue_cb (gpointer data)
{
  AatCoinbaseExchange *self = data;

  self->queue_id = 0;
  pump_queue (self);
  return G_SOURCE_REMOVE;
}

static void
on_response (GObject *source, GAsyncResult *result, gpointer data)
{
  Req *r = data;
  AatCoinbaseExchange *self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autofree char *body = NULL;
  guint status, retry_ms = 0;
  g_autoptr (GError) reply = NULL;

  if (g_cancellable_is_cancelled (r->cancel))
    {
      req_free (r);
      return;
    }
  self = g_object_get_data (G_OBJECT (r->msg), "aat-coinbase");
  self->in_flight--;
  status = bytes != NULL ? soup_message_get_status (r->msg) : 0;
  body = bytes != NULL ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : NULL;
  if (status == 0)
    {
      g_autofree char *text = redact (self, error ? error->message : "no answer");
      r->failures++;
      if (r->failures < 4 && !self->ended)
        {
          g_message ("coinbase: %s %s: %s; retrying", r->method, r->path, text);
          g_clear_object (&r->msg);
          self->paused_until = g_get_monotonic_time () + (gint64) (250 << r->failures) * 1000;
          g_queue_push_head (&self->queue, r);
          pump_queue (self);
          return;
        }
      r->done (self, 0, text, r->data);
      req_free (r);
      pump_queue (self);
      return;
    }
  if (!aat_coinbase_check_reply (status, body, r->throttled, &retry_ms, &reply) &&
      g_error_matches (reply, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_RATE_LIMITED) && !self->ended)
    {
      /* back off: the same request first when the pause is over */
      self->rate_limited++;
      r->throttled++;
      g_message ("coinbase: %s %s: rate limited; waiting %u ms", r->method, r->path, retry_ms);
      g_clear_object (&r->msg);
      self->paused_until = g_get_monotonic_time () + (gint64) retry_ms * 1000;
      g_queue_push_head (&self->queue, r);
      pump_queue (self);
      return;
    }
  r->done (self, status, body, r->data);
  req_free (r);
  pump_queue (self);
}

static void
send_request (AatCoinbaseExchange *self, Req *r)
{
  g_autofree char *url = g_strconcat (self->rest_base, r->path, NULL);
  SoupMessageHeaders *h;

  r->msg = soup_message_new (r->method, url);
  if (r->msg == NULL)
    {
      r->done (self, 0, "bad URL", r->data);
      req_free (r);
      return;
    }
  g_object_set_data (G_OBJECT (r->msg), "aat-coinbase", self);
  h = soup_message_get_request_headers (r->msg);
  soup_message_headers_replace (h, "User-Agent", "aat-coinbase/0.1");
  soup_message_headers_replace (h, "Accept", "application/json");
  if (authenticated (self))
    {
      g_autofree char *ts = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
      g_autofree char *sig = aat_coinbase_sign (self->secret, ts, r->method, r->path, r->body);

      soup_message_headers_replace (h, "CB-ACCESS-KEY", self->key);
      soup_message_headers_replace (h, "CB-ACCESS-SIGN", sig);
      soup_message_headers_replace (h, "CB-ACCESS-TIMESTAMP", ts);
      soup_message_headers_replace (h, "CB-ACCESS-PASSPHRASE", self->pass);
    }
  if (r->body != NULL)
    {
      g_autoptr (GBytes) b = g_bytes_new (r->body, strlen (r->body));
      soup_message_set_request_body_from_bytes (r->msg, "application/json", b);
    }
  g_set_object (&r->cancel, self->cancellable);
  self->requests++;
  self->in_flight++;
  soup_session_send_and_read_async (self->session, r->msg, G_PRIORITY_DEFAULT, self->cancellable, on_response, r);
}

static void
pump_queue (AatCoinbaseExchange *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait;
  gint64 interval = (gint64) (G_USEC_PER_SEC / MAX (self->rate_limit, 0.1));

  if (self->session == NULL)
    return;
  while (!g_queue_is_empty (&self->queue))
    {
      wait = MAX (self->paused_until, self->next_send) - now;
      if (wait > 0)
        {
          if (self->queue_id == 0)
            self->queue_id = g_timeout_add ((guint) MAX (wait / 1000, 1), queue_cb, self);
          return;
        }
      self->next_send = now + interval;
      send_request (self, g_queue_pop_head (&self->queue));
    }
}

/* ---- orders ---- */

static void
order_done (AatCoinbaseExchange *self, CbOrder *co)
{
  if (co->server_id)
    g_hash_table_remove (self->by_server_id, co->server_id);
  g_hash_table_remove (self->orders, co->client_oid);
}

static void
set_server_id (AatCoinbaseExchange *self, CbOrder *co, const char *id)
{
  if (id == NULL || co->server_id != NULL)
    return;
  co->server_id = g_strdup (id);
  g_hash_table_insert (self->by_server_id, co->server_id, co);
}

static void
ack (AatCoinbaseExchange *self, CbOrder *co)
{
  if (co->acked)
    return;
  co->acked = TRUE;
  aat_exchange_emit_received (AAT_EXCHANGE (self), co->order);
  if (co->cancel_wanted && !co->cancel_sent)
    send_cancel (self, co);
}

/* One fill, once per trade_id. */
static void
fill (AatCoinbaseExchange *self, CbOrder *co, guint64 trade_id, double size, double price, double fee, AatTime ts,
      gboolean reconciled)
{
  guint64 *key;

  if (g_hash_table_contains (co->trade_ids, &trade_id) || !(size > 0))
    return;
  key = g_new (guint64, 1);
  *key = trade_id;
  g_hash_table_add (co->trade_ids, key);
  ack (self, co);
  self->fills++;
  if (reconciled)
    self->reconciled_fills++;
  aat_exchange_emit_fill (AAT_EXCHANGE (self), co->order, MIN (size, aat_order_get_remaining (co->order)), price, fee,
                          0.0, ts);
  if (aat_order_is_done (co->order))
    order_done (self, co);
}

static void
canceled (AatCoinbaseExchange *self, CbOrder *co)
{
  aat_exchange_emit_canceled (AAT_EXCHANGE (self), co->order);
  order_done (self, co);
}

static CbOrder *
lookup_oid (AatCoinbaseExchange *self, const char *oid)
{
  return oid ? g_hash_table_lookup (self->orders, oid) : NULL;
}

/* An order object from the venue: learn its id, ack it, or its rejection. */
static void
apply_order_object (AatCoinbaseExchange *self, CbOrder *co, JsonObject *o)
{
  const char *status = json_object_get_string_member_with_default (o, "status", "");

  set_server_id (self, co, json_object_get_string_member_with_default (o, "id", NULL));
  if (strcmp (status, "rejected") == 0)
    {
      g_autofree char *why = g_strdup_printf ("coinbase: rejected: %s",
                                              json_object_get_string_member_with_default (o, "reject_reason", "no reason given"));
      aat_exchange_emit_rejected (AAT_EXCHANGE (self), co->order, why);
      order_done (self, co);
      return;
    }
  ack (self, co);
}

static void
placed_by_oid (AatCoinbaseExchange *self, guint status, const char *body, gpointer data)
{
  CbOrder *co = lookup_oid (self, data);
  g_autoptr (JsonObject) o = NULL;

  if (co == NULL)
    return;
  if (status == 200 && (o = parse_object (body, strlen (body))) != NULL)
    {
      g_message ("coinbase: order %s reached the venue despite the server error", co->client_oid);
      apply_order_object (self, co, o);
      return;
    }
  if (status == 404)
    {
      aat_exchange_emit_rejected (AAT_EXCHANGE (self), co->order,
                                  "coinbase: server error on POST /orders, and the venue does not know the order");
      order_done (self, co);
      return;
    }
  g_message ("coinbase: order %s: state unknown after a server error (HTTP %u); reconciliation will settle it",
             co->client_oid, status);
}

static void
placed (AatCoinbaseExchange *self, guint status, const char *body, gpointer data)
{
  CbOrder *co = lookup_oid (self, data);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) o = NULL;

  if (co == NULL)
    return;
  if (!aat_coinbase_check_reply (status, body, 0, NULL, &error) || status == 0)
    {
      g_autofree char *text = NULL;

      if (status == 0 || g_error_matches (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_SERVER))
        {
          /* the outcome is unknown: ask by client_oid */
          g_autofree char *path = g_strdup_printf ("/orders/client:%s", co->client_oid);
          g_message ("coinbase: POST /orders for %s: %s; asking the venue", co->client_oid,
                     error ? error->message : body);
          request (self, "GET", path, NULL, placed_by_oid, g_strdup (co->client_oid), g_free);
          return;
        }
      text = redact (self, error->message);
      aat_exchange_emit_rejected (AAT_EXCHANGE (self), co->order, text);
      order_done (self, co);
      return;
    }
  if ((o = parse_object (body, strlen (body))) == NULL)
    {
      self->errors++;
      g_message ("coinbase: POST /orders: an answer that is not an order object; reconciliation will settle it");
      return;
    }
  apply_order_object (self, co, o);
}

static void
cancel_answer (AatCoinbaseExchange *self, guint status, const char *body, gpointer data)
{
  CbOrder *co = lookup_oid (self, data);
  g_autoptr (GError) error = NULL;

  if (co == NULL)
    return;
  if (aat_coinbase_check_reply (status, body, 0, NULL, &error) && status != 0)
    {
      canceled (self, co);
      return;
    }
  /* "Order already done" or not found: it filled or ended; the feed or the next
   * reconciliation reports how */
  co->cancel_sent = FALSE;
  {
    g_autofree char *text = redact (self, error ? error->message : body);
    g_message ("coinbase: cancel of %s refused: %s", co->client_oid, text);
  }
}

static void
send_cancel (AatCoinbaseExchange *self, CbOrder *co)
{
  g_autofree char *path = NULL;

  co->cancel_wanted = TRUE;
  if (co->cancel_sent || co->server_id == NULL)
    return;   /* sent once the order's id is known */
  co->cancel_sent = TRUE;
  path = g_strdup_printf ("/orders/%s", co->server_id);
  request (self, "DELETE", path, NULL, cancel_answer, g_strdup (co->client_oid), g_free);
}

/* ---- reconciliation ---- */

static void
reconcile_orders (AatCoinbaseExchange *self, guint status, const char *body, gpointer data)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonArray *list = status == 200 ? parse_array (body, &parser) : NULL;
  g_autoptr (GHashTable) open = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) gone = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  if (parser == NULL)
    parser = json_parser_new ();
  if (list == NULL)
    {
      g_message ("coinbase: reconciliation: GET /orders failed (HTTP %u)", status);
      return;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);
      const char *oid = o ? json_object_get_string_member_with_default (o, "client_oid", NULL) : NULL;
      const char *id = o ? json_object_get_string_member_with_default (o, "id", NULL) : NULL;
      CbOrder *co = lookup_oid (self, oid);

      if (id)
        g_hash_table_add (open, (gpointer) id);
      if (co != NULL)
        apply_order_object (self, co, o);
    }
  g_hash_table_iter_init (&iter, self->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CbOrder *co = value;
      if (co->server_id != NULL && !g_hash_table_contains (open, co->server_id))
        g_ptr_array_add (gone, co);
    }
  for (guint i = 0; i < gone->len; i++)
    {
      CbOrder *co = gone->pdata[i];
      g_message ("coinbase: reconciliation: order %s is no longer open at the venue; reporting it cancelled",
                 co->client_oid);
      canceled (self, co);
    }
}

static void
reconcile_fills (AatCoinbaseExchange *self, guint status, const char *body, gpointer data)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonArray *list = status == 200 ? parse_array (body, &parser) : NULL;

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *f = json_array_get_object_element (list, i);
      const char *oid = f ? json_object_get_string_member_with_default (f, "order_id", NULL) : NULL;
      CbOrder *co = oid ? g_hash_table_lookup (self->by_server_id, oid) : NULL;
      AatTime ts = now_ns ();
      gint64 trade = f && json_object_has_member (f, "trade_id") ? json_object_get_int_member (f, "trade_id") : 0;

      if (co == NULL || trade <= 0)
        continue;
      aat_coinbase_parse_time (json_object_get_string_member_with_default (f, "created_at", NULL), &ts);
      fill (self, co, (guint64) trade, aat_coinbase_number (f, "size", NULL), aat_coinbase_number (f, "price", NULL),
            aat_coinbase_number (f, "fee", NULL), ts, TRUE);
    }
  if (list == NULL)
    g_message ("coinbase: reconciliation: GET /fills failed (HTTP %u)", status);
  if (self->reconcile_pending > 0 && --self->reconcile_pending == 0)
    request (self, "GET", "/orders", NULL, reconcile_orders, NULL, NULL);
}

static void
reconcile (AatCoinbaseExchange *self)
{
  if (!authenticated (self) || g_hash_table_size (self->orders) == 0 || self->reconcile_pending > 0)
    return;
  self->reconcile_pending = self->products->len;
  for (guint i = 0; i < self->products->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/fills?product_id=%s", ((Product *) self->products->pdata[i])->id);
      request (self, "GET", path, NULL, reconcile_fills, NULL, NULL);
    }
}

/* ---- the feed ---- */

static void
send_json (AatCoinbaseExchange *self, JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  if (self->conn != NULL && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (self->conn, text);
}

static void
add_member (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

/* {"type": subscribe|unsubscribe, "product_ids": [...], "channels": [...]} plus the
 * signature fields of the authenticated feed (GET /users/self/verify). */
static void
send_subscription (AatCoinbaseExchange *self, const char *type, Product *only, gboolean level2_only)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char *l2 = self->level2_batch ? "level2_batch" : "level2";

  json_builder_begin_object (b);
  add_member (b, "type", type);
  json_builder_set_member_name (b, "product_ids");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->products->len; i++)
    if (only == NULL || only == self->products->pdata[i])
      json_builder_add_string_value (b, ((Product *) self->products->pdata[i])->id);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "channels");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, l2);
  if (!level2_only)
    {
      json_builder_add_string_value (b, "matches");
      json_builder_add_string_value (b, "heartbeat");
      if (self->user_channel && authenticated (self))
        json_builder_add_string_value (b, "user");
    }
  json_builder_end_array (b);
  if (authenticated (self))
    {
      g_autofree char *ts = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
      g_autofree char *sig = aat_coinbase_sign (self->secret, ts, "GET", "/users/self/verify", NULL);
      add_member (b, "signature", sig);
      add_member (b, "key", self->key);
      add_member (b, "passphrase", self->pass);
      add_member (b, "timestamp", ts);
    }
  json_builder_end_object (b);
  send_json (self, b);
}

static void
resync (AatCoinbaseExchange *self, Product *p, const char *why)
{
  self->resyncs++;
  g_message ("coinbase: %s: %s; resubscribing to level2 for a new snapshot", p->id, why);
  if (p->book)
    aat_coinbase_book_reset (p->book);
  send_subscription (self, "unsubscribe", p, TRUE);
  send_subscription (self, "subscribe", p, TRUE);
}

static void
push_quote (AatCoinbaseExchange *self, Product *p)
{
  double bid = 0, bid_size = 0, ask = 0, ask_size = 0;
  g_autoptr (AatQuote) q = NULL;
  g_autoptr (AatEvent) ev = NULL;

  aat_order_book_top (aat_coinbase_book_get_book (p->book), &bid, &bid_size, &ask, &ask_size);
  if (bid == p->bid && ask == p->ask && bid_size == p->bid_size && ask_size == p->ask_size)
    return;
  p->bid = bid;
  p->ask = ask;
  p->bid_size = bid_size;
  p->ask_size = ask_size;
  if (self->ended)
    return;
  q = aat_quote_new (p->instrument, now_ns (), bid, bid_size, ask, ask_size);
  aat_quote_set_exchange (q, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
  ev = aat_event_new_quote (q);
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
  count_event (self);
}

static void
handle_book (AatCoinbaseExchange *self, Product *p, JsonObject *msg, gboolean snapshot)
{
  g_autoptr (GError) error = NULL;
  AatCoinbaseBookResult r;

  if (p->book == NULL)
    return;   /* rules not loaded yet: the snapshot after loading is the start */
  r = snapshot ? aat_coinbase_book_snapshot (p->book, msg, &error) : aat_coinbase_book_update (p->book, msg, &error);
  if (r == AAT_COINBASE_BOOK_MALFORMED)
    {
      self->errors++;
      g_message ("%s", error->message);
      if (snapshot)
        resync (self, p, "malformed snapshot");
      return;
    }
  if (r == AAT_COINBASE_BOOK_APPLIED)
    push_quote (self, p);
}

/* A match on the user channel: one of our orders traded. */
static gboolean
user_match (AatCoinbaseExchange *self, JsonObject *msg)
{
  const char *ids[] = { json_object_get_string_member_with_default (msg, "taker_order_id", NULL),
                        json_object_get_string_member_with_default (msg, "maker_order_id", NULL) };
  gboolean mine = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      CbOrder *co = ids[i] ? g_hash_table_lookup (self->by_server_id, ids[i]) : NULL;
      AatTime ts = now_ns ();
      double size, price, rate;
      gboolean ok1, ok2;

      if (co == NULL)
        continue;
      mine = TRUE;
      size = aat_coinbase_number (msg, "size", &ok1);
      price = aat_coinbase_number (msg, "price", &ok2);
      if (!ok1 || !ok2 || !json_object_has_member (msg, "trade_id"))
        {
          self->errors++;
          continue;
        }
      rate = aat_coinbase_number (msg, i == 0 ? "taker_fee_rate" : "maker_fee_rate", NULL);
      aat_coinbase_parse_time (json_object_get_string_member_with_default (msg, "time", NULL), &ts);
      fill (self, co, (guint64) json_object_get_int_member (msg, "trade_id"), size, price, rate * size * price, ts,
            FALSE);
    }
  return mine;
}

static void
handle_match (AatCoinbaseExchange *self, Product *p, JsonObject *msg)
{
  double size, price;
  gboolean ok1, ok2;
  const char *maker_side = json_object_get_string_member_with_default (msg, "side", "");
  AatTime ts = now_ns ();
  g_autofree char *why = NULL;
  g_autoptr (AatTrade) trade = NULL;
  g_autoptr (AatEvent) ev = NULL;

  /* the user channel repeats our matches with user_id / profile_id */
  if (json_object_has_member (msg, "user_id") || json_object_has_member (msg, "profile_id"))
    {
      user_match (self, msg);
      return;
    }
  size = aat_coinbase_number (msg, "size", &ok1);
  price = aat_coinbase_number (msg, "price", &ok2);
  if (!ok1 || !ok2 || !(size > 0) || !(price > 0) || (strcmp (maker_side, "buy") != 0 && strcmp (maker_side, "sell") != 0))
    {
      self->errors++;
      g_message ("coinbase: %s: a match without a usable price, size and side", p->id);
      return;
    }
  if (!aat_coinbase_seq_check (&p->seq, msg, &why))
    {
      self->gaps++;
      resync (self, p, why);
    }
  if (strcmp (json_object_get_string_member (msg, "type"), "last_match") == 0 || self->ended)
    return;
  aat_coinbase_parse_time (json_object_get_string_member_with_default (msg, "time", NULL), &ts);
  /* `side` is the maker's: the taker did the opposite */
  trade = aat_trade_new (p->instrument, maker_side[0] == 'b' ? AAT_SIDE_SELL : AAT_SIDE_BUY, size, price, ts);
  aat_trade_set_exchange (trade, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
  ev = aat_event_new_trade (trade);
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
  count_event (self);
}

static void
handle_user (AatCoinbaseExchange *self, const char *type, JsonObject *msg)
{
  const char *id = json_object_get_string_member_with_default (msg, "order_id", NULL);
  CbOrder *co = id ? g_hash_table_lookup (self->by_server_id, id) : NULL;

  if (strcmp (type, "received") == 0)
    {
      if (co == NULL)
        co = lookup_oid (self, json_object_get_string_member_with_default (msg, "client_oid", NULL));
      if (co != NULL)
        {
          set_server_id (self, co, id);
          ack (self, co);
        }
      return;
    }
  if (co == NULL)
    return;
  if (strcmp (type, "open") == 0)
    ack (self, co);
  else if (strcmp (type, "done") == 0 &&
           strcmp (json_object_get_string_member_with_default (msg, "reason", ""), "canceled") == 0)
    canceled (self, co);
  /* done/filled: the matches carried the fills */
}

static void
on_message (SoupWebsocketConnection *conn, int data_type, GBytes *message, gpointer user_data)
{
  AatCoinbaseExchange *self = user_data;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);
  g_autoptr (JsonObject) msg = parse_object (data, len);
  const char *type;
  Product *p;

  self->last_rx = g_get_monotonic_time ();
  if (msg == NULL || !json_object_has_member (msg, "type") ||
      json_node_get_value_type (json_object_get_member (msg, "type")) != G_TYPE_STRING)
    {
      self->errors++;
      g_message ("coinbase: a feed message that is not a JSON object with a \"type\" (%" G_GSIZE_FORMAT " bytes)", len);
      return;
    }
  type = json_object_get_string_member (msg, "type");
  if (strcmp (type, "error") == 0)
    {
      g_autofree char *text = redact (self, json_object_get_string_member_with_default (msg, "message", ""));
      g_autofree char *reason = redact (self, json_object_get_string_member_with_default (msg, "reason", ""));
      self->errors++;
      g_message ("coinbase: the feed reports an error: %s %s", text, reason);
      return;
    }
  if (strcmp (type, "subscriptions") == 0)
    return;
  if (strcmp (type, "received") == 0 || strcmp (type, "open") == 0 || strcmp (type, "done") == 0 ||
      strcmp (type, "change") == 0 || strcmp (type, "activate") == 0)
    {
      handle_user (self, type, msg);
      return;
    }
  p = find_product (self, json_object_get_string_member_with_default (msg, "product_id", NULL));
  if (p == NULL)
    {
      self->errors++;
      g_message ("coinbase: a \"%s\" message for a product not subscribed", type);
      return;
    }
  if (strcmp (type, "snapshot") == 0)
    handle_book (self, p, msg, TRUE);
  else if (strcmp (type, "l2update") == 0)
    handle_book (self, p, msg, FALSE);
  else if (strcmp (type, "match") == 0 || strcmp (type, "last_match") == 0)
    handle_match (self, p, msg);
  else if (strcmp (type, "heartbeat") == 0 || strcmp (type, "ticker") == 0)
    {
      g_autofree char *why = NULL;
      if (!aat_coinbase_seq_check (&p->seq, msg, &why))
        {
          self->gaps++;
          resync (self, p, why);
        }
    }
}

static void
on_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  drop_feed (AAT_COINBASE_EXCHANGE (user_data), "the feed closed");
}

static gboolean
backoff_cb (gpointer data)
{
  AatCoinbaseExchange *self = data;

  self->backoff_id = 0;
  connect_feed (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (AatCoinbaseExchange *self)
{
  guint64 delay;

  if (self->ended || self->backoff_id != 0 || self->connecting || !self->started)
    return;
  if (self->max_reconnects >= 0 && self->attempts >= (guint) self->max_reconnects)
    {
      g_autofree char *why = g_strdup_printf ("coinbase: gave up after %u reconnection attempts to %s", self->attempts,
                                              self->ws_base);
      g_message ("%s", why);
      self->ended = TRUE;
      push_exit (self, why);
      return;
    }
  delay = MIN ((guint64) self->reconnect_min_ms << MIN (self->attempts, 20u), (guint64) self->reconnect_max_ms);
  self->attempts++;
  self->backoff_id = g_timeout_add ((guint) delay, backoff_cb, self);
}

static void
drop_feed (AatCoinbaseExchange *self, const char *why)
{
  SoupWebsocketConnection *conn = g_steal_pointer (&self->conn);

  if (conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (conn, self);
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_object_unref (conn);
  self->connected = FALSE;
  for (guint i = 0; i < self->products->len; i++)
    {
      Product *p = self->products->pdata[i];
      /* stale until the next snapshot; kept for inspection when the run is over */
      if (p->book && !self->ended)
        aat_coinbase_book_reset (p->book);
      p->seq.last_trade_id = 0;
      p->seq.last_sequence = 0;
    }
  if (!self->ended)
    g_message ("coinbase: %s; reconnecting to %s", why, self->ws_base);
  schedule_reconnect (self);
}

static gboolean
watchdog_cb (gpointer data)
{
  AatCoinbaseExchange *self = data;

  if (self->connected && self->heartbeat_timeout > 0 &&
      g_get_monotonic_time () - self->last_rx > (gint64) (self->heartbeat_timeout * G_USEC_PER_SEC))
    drop_feed (self, "no message within heartbeat-timeout");
  return G_SOURCE_CONTINUE;
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AatCoinbaseExchange *self;
  g_autoptr (GError) error = NULL;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  self = user_data;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->started)
    {
      g_clear_object (&conn);
      self->connecting = FALSE;
      g_object_unref (self);
      return;
    }
  g_object_unref (self);
  self->connecting = FALSE;
  if (conn == NULL)
    {
      g_message ("coinbase: cannot open the feed %s: %s", self->ws_base, error->message);
      schedule_reconnect (self);
      return;
    }
  if (self->ended)
    {
      g_object_unref (conn);
      return;
    }
  self->conn = conn;
  self->connected = TRUE;
  self->attempts = 0;
  self->last_rx = g_get_monotonic_time ();
  soup_websocket_connection_set_max_incoming_payload_size (conn, 64 * 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), self);
  send_subscription (self, "subscribe", NULL, FALSE);
  if (self->ever_connected)
    {
      self->reconnects++;
      reconcile (self);
    }
  self->ever_connected = TRUE;
}

static void
connect_feed (AatCoinbaseExchange *self)
{
  g_autoptr (SoupMessage) msg = NULL;

  if (self->connecting || self->conn != NULL || self->ended)
    return;
  msg = soup_message_new (SOUP_METHOD_GET, self->ws_base);
  if (msg == NULL)
    {
      g_autofree char *why = g_strdup_printf ("coinbase: ws-url '%s' is not a URL", self->ws_base);
      end_stream (self, why);
      return;
    }
  self->connecting = TRUE;
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, self->cancellable,
                                        on_connected, g_object_ref (self));
}

/* ---- products ---- */

static void
product_loaded (AatCoinbaseExchange *self, guint status, const char *body, gpointer data)
{
  Product *p = find_product (self, data);
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) table = NULL;
  AatCoinbaseProduct *rules;

  if (p == NULL)
    return;
  if (!aat_coinbase_check_reply (status, body, 0, NULL, &error) || status == 0 ||
      (table = aat_coinbase_parse_products (body, &error)) == NULL ||
      (rules = g_hash_table_lookup (table, p->id)) == NULL)
    {
      g_autofree char *text = redact (self, error ? error->message : body);
      g_message ("coinbase: GET /products/%s: %s; %s trades without its rules (orders are refused)", p->id,
                 text ? text : "no such product", p->id);
    }
  else
    {
      g_hash_table_steal (table, p->id);
      aat_coinbase_product_free (p->rules);
      p->rules = rules;
      if (rules->quote_increment > 0)
        aat_instrument_set_tick_size (p->instrument, rules->quote_increment);
      if (rules->base_increment > 0)
        aat_instrument_set_lot_size (p->instrument, rules->base_increment);
      if (p->book == NULL)
        p->book = aat_coinbase_book_new (p->instrument);
    }
  if (self->products_pending > 0 && --self->products_pending == 0)
    connect_feed (self);
}

/* ---- AatExchange ---- */

static void
make_products (AatCoinbaseExchange *self)
{
  if (self->products->len > 0)
    return;
  for (guint i = 0; self->products_prop != NULL && self->products_prop[i] != NULL; i++)
    {
      Product *p = g_new0 (Product, 1);
      p->id = g_strdup (self->products_prop[i]);
      p->instrument = aat_instrument_get (p->id, AAT_INSTRUMENT_TYPE_PAIR);
      g_ptr_array_add (self->products, p);
    }
}

static const char *
env_or (const char *prop, char **store, const char *const *names)
{
  if (prop != NULL && *prop)
    return prop;
  for (guint i = 0; names[i] != NULL; i++)
    if (g_getenv (names[i]) != NULL)
      {
        g_free (*store);
        *store = g_strdup (g_getenv (names[i]));
        return *store;
      }
  return NULL;
}

static gboolean
coinbase_start (AatExchange *exchange, GError **error)
{
  AatCoinbaseExchange *self = AAT_COINBASE_EXCHANGE (exchange);

  make_products (self);
  if (self->products->len == 0)
    {
      g_set_error (error, AAT_COINBASE_ERROR, AAT_COINBASE_ERROR_CONFIG, "coinbase: no products to subscribe to");
      return FALSE;
    }
  g_free (self->rest_base);
  g_free (self->ws_base);
  self->rest_base = g_strdup (self->rest_url ? self->rest_url
                              : self->sandbox ? AAT_COINBASE_SANDBOX_REST_URL : AAT_COINBASE_REST_URL);
  self->ws_base = g_strdup (self->ws_url ? self->ws_url : self->sandbox ? AAT_COINBASE_SANDBOX_WS_URL : AAT_COINBASE_WS_URL);
  if (g_str_has_suffix (self->rest_base, "/"))
    self->rest_base[strlen (self->rest_base) - 1] = '\0';
  self->key = env_or (self->api_key, &self->env_key, (const char *[]) { "COINBASE_API_KEY", NULL });
  self->secret = env_or (self->api_secret, &self->env_secret, (const char *[]) { "COINBASE_API_SECRET", NULL });
  self->pass = env_or (self->passphrase, &self->env_pass,
                       (const char *[]) { "COINBASE_API_PASSPHRASE", "COINBASE_PASSPHRASE", NULL });
  if (self->run_id == NULL)
    self->run_id = g_strdup_printf ("%" G_GINT64_MODIFIER "x%x", g_get_real_time (), (guint) getpid ());
  g_message ("coinbase: %s, REST %s, feed %s, %s", self->sandbox ? "sandbox" : "LIVE", self->rest_base, self->ws_base,
             authenticated (self) ? "with credentials" : "market data only (no credentials)");
  self->started = TRUE;
  self->ended = self->exit_pushed = FALSE;
  self->cancellable = g_cancellable_new ();
  self->session = soup_session_new_with_options ("timeout", 15, "idle-timeout", 0, NULL);
  if (self->duration > 0)
    self->duration_id = g_timeout_add ((guint) (self->duration * 1000), duration_cb, self);
  self->watchdog_id = g_timeout_add (250, watchdog_cb, self);
  self->products_pending = self->products->len;
  for (guint i = 0; i < self->products->len; i++)
    {
      Product *p = self->products->pdata[i];
      g_autofree char *path = g_strdup_printf ("/products/%s", p->id);
      request (self, "GET", path, NULL, product_loaded, g_strdup (p->id), g_free);
    }
  return TRUE;
}

static void
coinbase_stop (AatExchange *exchange)
{
  AatCoinbaseExchange *self = AAT_COINBASE_EXCHANGE (exchange);
  guint *ids[] = { &self->backoff_id, &self->duration_id, &self->watchdog_id, &self->queue_id };

  if (!self->started)
    return;
  self->started = FALSE;
  self->ended = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (*ids[i] != 0)
      {
        g_source_remove (*ids[i]);
        *ids[i] = 0;
      }
  g_queue_clear_full (&self->queue, (GDestroyNotify) req_free);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  drop_feed (self, "stopped");
  g_message ("coinbase: %u requests, %u rate-limited, %" G_GUINT64_FORMAT " fills (%" G_GUINT64_FORMAT
             " reconciled), %u gaps, %u resyncs, %u reconnections, %u errors",
             self->requests, self->rate_limited, self->fills, self->reconciled_fills, self->gaps, self->resyncs,
             self->reconnects, self->errors);
}

static GPtrArray *
coinbase_instruments (AatExchange *exchange)
{
  AatCoinbaseExchange *self = AAT_COINBASE_EXCHANGE (exchange);
  GPtrArray *out = g_ptr_array_new ();

  make_products (self);
  for (guint i = 0; i < self->products->len; i++)
    g_ptr_array_add (out, ((Product *) self->products->pdata[i])->instrument);
  return out;
}

static void
coinbase_new_order (AatExchange *exchange, AatOrder *order)
{
  AatCoinbaseExchange *self = AAT_COINBASE_EXCHANGE (exchange);
  Product *p = product_of_instrument (self, aat_order_get_instrument (order));
  g_autofree char *seed = NULL;
  g_autofree char *oid = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *body = NULL;
  CbOrder *co;

  if (p == NULL)
    {
      aat_exchange_emit_rejected (exchange, order, aat_reject_reason_to_string (AAT_REJECT_REASON_WRONG_INSTRUMENT));
      return;
    }
  if (self->ended || !self->started)
    {
      aat_exchange_emit_rejected (exchange, order, "coinbase: the stream has ended");
      return;
    }
  if (!authenticated (self))
    {
      aat_exchange_emit_rejected (exchange, order, "coinbase: no credentials (api-key, api-secret, passphrase or "
                                                   "COINBASE_API_KEY, COINBASE_API_SECRET, COINBASE_API_PASSPHRASE)");
      return;
    }
  if (p->rules == NULL)
    {
      aat_exchange_emit_rejected (exchange, order, "coinbase: the product's rules (GET /products) are not loaded");
      return;
    }
  if (aat_order_get_client_id (order) != NULL && g_uuid_string_is_valid (aat_order_get_client_id (order)))
    oid = g_strdup (aat_order_get_client_id (order));
  else
    {
      seed = aat_order_get_client_id (order) != NULL ? g_strdup (aat_order_get_client_id (order))
           : g_strdup_printf ("%s-%" G_GUINT64_FORMAT, self->run_id, aat_order_get_id (order));
      oid = aat_coinbase_client_oid (seed);
    }
  if (aat_order_get_client_id (order) == NULL)
    aat_order_set_client_id (order, oid);
  if (g_hash_table_contains (self->orders, oid))
    return;   /* the same order twice */
  body = aat_coinbase_order_body (order, p->rules, oid, now_ns (), &reason);
  if (body == NULL)
    {
      aat_exchange_emit_rejected (exchange, order, reason);
      return;
    }
  co = g_new0 (CbOrder, 1);
  co->order = aat_order_ref (order);
  co->client_oid = g_strdup (oid);
  co->trade_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  co->sent = TRUE;
  g_hash_table_insert (self->orders, co->client_oid, co);
  request (self, "POST", "/orders", body, placed, g_strdup (oid), g_free);
}

static void
coinbase_cancel_order (AatExchange *exchange, AatOrder *order)
{
  AatCoinbaseExchange *self = AAT_COINBASE_EXCHANGE (exchange);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((CbOrder *) value)->order == order)
      {
        send_cancel (self, value);
        return;
      }
}

/**
 * aat_coinbase_exchange_get_book:
 * @self: a coinbase exchange
 * @product_id: a subscribed product, such as `BTC-USD`
 *
 * Returns: (transfer none) (nullable): the product's level2 book: one order per price
 *   level; %NULL before the product's rules are loaded
 */
AatOrderBook *
aat_coinbase_exchange_get_book (AatCoinbaseExchange *self, const char *product_id)
{
  Product *p;

  g_return_val_if_fail (AAT_IS_COINBASE_EXCHANGE (self), NULL);
  p = find_product (self, product_id);
  return p && p->book ? aat_coinbase_book_get_book (p->book) : NULL;
}

/**
 * aat_coinbase_exchange_is_connected:
 * @self: a coinbase exchange
 *
 * Returns: whether the feed is open
 */
gboolean
aat_coinbase_exchange_is_connected (AatCoinbaseExchange *self)
{
  g_return_val_if_fail (AAT_IS_COINBASE_EXCHANGE (self), FALSE);
  return self->connected;
}

static void
aat_coinbase_exchange_dispose (GObject *object)
{
  AatCoinbaseExchange *self = AAT_COINBASE_EXCHANGE (object);

  coinbase_stop (AAT_EXCHANGE (self));
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (aat_coinbase_exchange_parent_class)->dispose (object);
}

static void
aat_coinbase_exchange_finalize (GObject *object)
{
  AatCoinbaseExchange *self = AAT_COINBASE_EXCHANGE (object);

  g_free (self->rest_url);
  g_free (self->ws_url);
  g_strfreev (self->products_prop);
  g_free (self->api_key);
  g_free (self->api_secret);
  g_free (self->passphrase);
  g_free (self->env_key);
  g_free (self->env_secret);
  g_free (self->env_pass);
  g_free (self->run_id);
  g_free (self->rest_base);
  g_free (self->ws_base);
  g_hash_table_unref (self->by_server_id);
  g_hash_table_unref (self->orders);
  g_ptr_array_unref (self->products);
  G_OBJECT_CLASS (aat_coinbase_exchange_parent_class)->finalize (object);
}

static void
set_string (char **field, const GValue *value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
}

static void
aat_coinbase_exchange_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatCoinbaseExchange *self = AAT_COINBASE_EXCHANGE (object);

  switch (prop_id)
    {
    case PROP_SANDBOX: g_value_set_boolean (value, self->sandbox); break;
    case PROP_REST_URL: g_value_set_string (value, self->rest_url); break;
    case PROP_WS_URL: g_value_set_string (value, self->ws_url); break;
    case PROP_PRODUCTS: g_value_set_boxed (value, self->products_prop); break;
    case PROP_USER_CHANNEL: g_value_set_boolean (value, self->user_channel); break;
    case PROP_LEVEL2_BATCH: g_value_set_boolean (value, self->level2_batch); break;
    case PROP_RATE_LIMIT: g_value_set_double (value, self->rate_limit); break;
    case PROP_RECONNECT_MIN_MS: g_value_set_uint (value, self->reconnect_min_ms); break;
    case PROP_RECONNECT_MAX_MS: g_value_set_uint (value, self->reconnect_max_ms); break;
    case PROP_MAX_RECONNECTS: g_value_set_int (value, self->max_reconnects); break;
    case PROP_HEARTBEAT_TIMEOUT: g_value_set_double (value, self->heartbeat_timeout); break;
    case PROP_DURATION: g_value_set_double (value, self->duration); break;
    case PROP_MAX_EVENTS: g_value_set_uint64 (value, self->max_events); break;
    case PROP_RUN_ID: g_value_set_string (value, self->run_id); break;
    case PROP_GAPS: g_value_set_uint (value, self->gaps); break;
    case PROP_RESYNCS: g_value_set_uint (value, self->resyncs); break;
    case PROP_RECONNECTS: g_value_set_uint (value, self->reconnects); break;
    case PROP_RATE_LIMITED: g_value_set_uint (value, self->rate_limited); break;
    case PROP_FILLS: g_value_set_uint64 (value, self->fills); break;
    case PROP_RECONCILED_FILLS: g_value_set_uint64 (value, self->reconciled_fills); break;
    case PROP_ERRORS: g_value_set_uint (value, self->errors); break;
    case PROP_REQUESTS: g_value_set_uint (value, self->requests); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_coinbase_exchange_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatCoinbaseExchange *self = AAT_COINBASE_EXCHANGE (object);

  switch (prop_id)
    {
    case PROP_SANDBOX: self->sandbox = g_value_get_boolean (value); break;
    case PROP_REST_URL: set_string (&self->rest_url, value); break;
    case PROP_WS_URL: set_string (&self->ws_url, value); break;
    case PROP_PRODUCTS:
      g_strfreev (self->products_prop);
      self->products_prop = g_value_dup_boxed (value);
      break;
    case PROP_API_KEY: set_string (&self->api_key, value); break;
    case PROP_API_SECRET: set_string (&self->api_secret, value); break;
    case PROP_PASSPHRASE: set_string (&self->passphrase, value); break;
    case PROP_USER_CHANNEL: self->user_channel = g_value_get_boolean (value); break;
    case PROP_LEVEL2_BATCH: self->level2_batch = g_value_get_boolean (value); break;
    case PROP_RATE_LIMIT: self->rate_limit = g_value_get_double (value); break;
    case PROP_RECONNECT_MIN_MS: self->reconnect_min_ms = g_value_get_uint (value); break;
    case PROP_RECONNECT_MAX_MS: self->reconnect_max_ms = g_value_get_uint (value); break;
    case PROP_MAX_RECONNECTS: self->max_reconnects = g_value_get_int (value); break;
    case PROP_HEARTBEAT_TIMEOUT: self->heartbeat_timeout = g_value_get_double (value); break;
    case PROP_DURATION: self->duration = g_value_get_double (value); break;
    case PROP_MAX_EVENTS: self->max_events = g_value_get_uint64 (value); break;
    case PROP_RUN_ID: set_string (&self->run_id, value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_coinbase_exchange_class_init (AatCoinbaseExchangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatExchangeClass *exchange_class = AAT_EXCHANGE_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  GParamFlags wo = G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = aat_coinbase_exchange_dispose;
  object_class->finalize = aat_coinbase_exchange_finalize;
  object_class->get_property = aat_coinbase_exchange_get_property;
  object_class->set_property = aat_coinbase_exchange_set_property;

  /* no next_event: a push source */
  exchange_class->start = coinbase_start;
  exchange_class->stop = coinbase_stop;
  exchange_class->instruments = coinbase_instruments;
  exchange_class->new_order = coinbase_new_order;
  exchange_class->cancel_order = coinbase_cancel_order;

  properties[PROP_SANDBOX] =
    g_param_spec_boolean ("sandbox", NULL, "Use Coinbase's sandbox URLs (unless rest-url / ws-url are set)", TRUE, rw);
  properties[PROP_REST_URL] =
    g_param_spec_string ("rest-url", NULL, "REST base URL (default: by sandbox)", NULL, rw);
  properties[PROP_WS_URL] =
    g_param_spec_string ("ws-url", NULL, "Websocket feed URL (default: by sandbox)", NULL, rw);
  properties[PROP_PRODUCTS] =
    g_param_spec_boxed ("products", NULL, "Product ids, such as BTC-USD", G_TYPE_STRV, rw);
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, "API key (else COINBASE_API_KEY); never logged", NULL, wo);
  properties[PROP_API_SECRET] =
    g_param_spec_string ("api-secret", NULL, "API secret, base64 (else COINBASE_API_SECRET); never logged", NULL, wo);
  properties[PROP_PASSPHRASE] =
    g_param_spec_string ("passphrase", NULL, "API passphrase (else COINBASE_API_PASSPHRASE); never logged", NULL, wo);
  properties[PROP_USER_CHANNEL] =
    g_param_spec_boolean ("user-channel", NULL, "Subscribe to the authenticated user channel for fills", TRUE, rw);
  properties[PROP_LEVEL2_BATCH] =
    g_param_spec_boolean ("level2-batch", NULL, "Use level2_batch (50 ms batches) instead of level2", FALSE, rw);
  properties[PROP_RATE_LIMIT] =
    g_param_spec_double ("rate-limit", NULL, "REST requests per second at most", 0.1, 1000.0, 10.0, rw);
  properties[PROP_RECONNECT_MIN_MS] =
    g_param_spec_uint ("reconnect-min-ms", NULL, "First reconnection delay; it doubles on each failure", 1,
                       G_MAXINT, 250, rw);
  properties[PROP_RECONNECT_MAX_MS] =
    g_param_spec_uint ("reconnect-max-ms", NULL, "Longest reconnection delay", 1, G_MAXINT, 10000, rw);
  properties[PROP_MAX_RECONNECTS] =
    g_param_spec_int ("max-reconnects", NULL, "Failed attempts in a row before giving up (-1: never)", -1, G_MAXINT,
                      20, rw);
  properties[PROP_HEARTBEAT_TIMEOUT] =
    g_param_spec_double ("heartbeat-timeout", NULL, "Seconds of silence before the feed counts as dropped (0: never)",
                         0.0, 3600.0, 5.0, rw);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, "End the stream after this many seconds (0: never)", 0.0, 1e9, 0.0, rw);
  properties[PROP_MAX_EVENTS] =
    g_param_spec_uint64 ("max-events", NULL, "End the stream after this many market events (0: no limit)", 0,
                         G_MAXUINT64, 0, rw);
  properties[PROP_RUN_ID] =
    g_param_spec_string ("run-id", NULL, "Seed of the client_oid UUIDs (default: unique per run)", NULL, rw);
  properties[PROP_GAPS] = g_param_spec_uint ("gaps", NULL, "Missed feed messages detected", 0, G_MAXUINT, 0, ro);
  properties[PROP_RESYNCS] = g_param_spec_uint ("resyncs", NULL, "Level2 resubscriptions", 0, G_MAXUINT, 0, ro);
  properties[PROP_RECONNECTS] = g_param_spec_uint ("reconnects", NULL, "Feed reconnections", 0, G_MAXUINT, 0, ro);
  properties[PROP_RATE_LIMITED] = g_param_spec_uint ("rate-limited", NULL, "429 answers", 0, G_MAXUINT, 0, ro);
  properties[PROP_FILLS] = g_param_spec_uint64 ("fills", NULL, "Fills emitted", 0, G_MAXUINT64, 0, ro);
  properties[PROP_RECONCILED_FILLS] =
    g_param_spec_uint64 ("reconciled-fills", NULL, "Fills found by reconciliation", 0, G_MAXUINT64, 0, ro);
  properties[PROP_ERRORS] = g_param_spec_uint ("errors", NULL, "Malformed or error messages", 0, G_MAXUINT, 0, ro);
  properties[PROP_REQUESTS] = g_param_spec_uint ("requests", NULL, "REST requests sent", 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_coinbase_exchange_init (AatCoinbaseExchange *self)
{
  self->sandbox = TRUE;
  self->products_prop = g_strsplit ("BTC-USD", ",", -1);
  self->user_channel = TRUE;
  self->rate_limit = 10.0;
  self->reconnect_min_ms = 250;
  self->reconnect_max_ms = 10000;
  self->max_reconnects = 20;
  self->heartbeat_timeout = 5.0;
  g_queue_init (&self->queue);
  self->products = g_ptr_array_new_with_free_func (product_free);
  self->orders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, cborder_free);
  self->by_server_id = g_hash_table_new (g_str_hash, g_str_equal);
}

#ifndef AAT_COINBASE_NO_MODULE
static gboolean
coinbase_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_EXCHANGE, "coinbase",
                              "Coinbase Exchange: websocket feed (matches, level2) and signed REST orders",
                              AAT_TYPE_COINBASE_EXCHANGE, error);
}

AAT_MODULE_DEFINE ("coinbase", "Coinbase Exchange live adapter (feed, level2 book, signed REST orders, sandbox)",
                   "0.1.0", coinbase_module_init);
#endif
