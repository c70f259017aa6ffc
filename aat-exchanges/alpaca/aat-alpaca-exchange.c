/* aat-alpaca-exchange.c: `alpaca`, a live exchange for Alpaca (US equities).
 *
 * What it owns: a SoupSession, two websockets (market data, and the trade_updates
 * stream), a paced queue of REST requests, one asset per symbol, and the working orders
 * keyed by client_order_id (and by Alpaca's order id once known).
 *
 * Data flow:
 * - start() builds the instruments (#AatAlpacaExchange:symbols), asks
 *   GET /v2/assets/{symbol} for each (tradable, fractionable, increments), then opens
 *   both websockets. It does not wait: the class has no next_event(), so the engine
 *   counts it as a push source.
 * - Market data (data-url): after [{"T":"success","msg":"connected"}] send
 *   {"action":"auth","key","secret"}; after "authenticated" send
 *   {"action":"subscribe","trades":[…],"quotes":[…]}. Messages are arrays: "t" → an
 *   AatTrade, "q" → an AatQuote; [{"T":"error","code","msg"}] with an auth code
 *   (401, 402, 404, 409) ends the run with the (redacted) message in
 *   #AatAlpacaExchange:last-error; other errors and malformed messages are counted and
 *   skipped.
 * - Orders: POST /v2/orders (APCA-API-KEY-ID / APCA-API-SECRET-KEY headers, a
 *   client_order_id derived from the run id and the order id), DELETE /v2/orders/{id}.
 *   The trade_updates stream (stream-url: auth, then listen) reports new, partial_fill,
 *   fill, canceled, expired, rejected. Fills are deduplicated by the order's cumulative
 *   `filled_qty`: only the part above what was already emitted becomes a fill, so the
 *   stream and reconciliation can both report a fill and it is emitted once.
 * - REST requests go through one queue paced to #AatAlpacaExchange:rate-limit per second
 *   (Alpaca allows 200 a minute); a 429 puts the request back at the head, unchanged
 *   (the same client_order_id), and pauses the queue (1 s doubling, at most 30 s). A
 *   5xx or no answer on POST leaves the outcome unknown: the order is looked up with
 *   GET /v2/orders:by_client_order_id.
 * - A dropped websocket is reopened with exponential backoff; the data socket
 *   re-authenticates and resubscribes, the trade socket re-authenticates, listens, and
 *   then reconciles: GET /v2/orders?status=open, then each of our orders that is no
 *   longer open by client_order_id (fills missed while disconnected, cancels).
 * - Credentials: api-key-id / api-secret-key, else APCA_API_KEY_ID /
 *   APCA_API_SECRET_KEY. They are write-only properties; everything logged or reported
 *   passes through aat_alpaca_redact().
 */
#include <aat.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "aat-alpaca-core.h"
#include "aat-alpaca-exchange.h"

typedef struct {
  AatOrder *order;          /* owned */
  char *client_id;
  char *server_id;          /* Alpaca's order id, once known */
  double filled_qty;        /* cumulative, as emitted */
  double filled_notional;   /* sum of volume × price emitted */
  gboolean acked, cancel_wanted, cancel_sent;
} ApOrder;

typedef struct {
  char *symbol;
  AatInstrument *instrument;  /* interned */
  AatAlpacaAsset *asset;      /* NULL until loaded */
  double bid, ask;
} Sym;

typedef enum { WS_DATA, WS_TRADE } WsKind;

typedef struct {
  AatAlpacaExchange *owner;
  WsKind kind;
  const char *name;
  SoupWebsocketConnection *conn;
  gboolean connecting, connected, authed, ever;
  guint attempts, backoff_id;
} Ws;

typedef void (*ReqDone) (AatAlpacaExchange *self, guint status, const char *body, gpointer data);

typedef struct {
  char *method, *path, *body;
  ReqDone done;
  gpointer data;
  GDestroyNotify data_free;
  guint throttled;          /* 429s so far */
  guint failures;           /* transport failures so far */
  SoupMessage *msg;
  GCancellable *cancel;     /* the exchange's: once cancelled, the exchange may be gone */
  AatAlpacaExchange *owner;
} Req;

struct _AatAlpacaExchange
{
  AatExchange parent_instance;

  /* properties */
  gboolean paper;
  char *base_url, *data_url, *stream_url;
  char **symbols_prop;
  char *api_key_id, *api_secret_key;
  double rate_limit;
  guint reconnect_min_ms, reconnect_max_ms;
  int max_reconnects;
  double duration;
  guint64 max_events;
  char *run_id;
  char *last_error;

  /* resolved */
  char *rest_base, *data_base, *stream_base;
  const char *key, *secret;     /* borrowed from the properties or the environment */
  char *env_key, *env_secret;

  SoupSession *session;
  GCancellable *cancellable;
  Ws data, trade;
  gboolean started, ended, exit_pushed;
  guint assets_pending, duration_id, queue_id;

  GQueue queue;             /* Req* waiting */
  gint64 next_send, paused_until;

  GPtrArray *symbols;       /* Sym* */
  GHashTable *orders;       /* client_order_id -> ApOrder* (owned) */
  GHashTable *by_server_id; /* id -> ApOrder* (borrowed) */

  /* counters */
  guint reconnects, rate_limited, errors, requests, subscriptions;
  guint64 fills, reconciled_fills, events;
};

G_DEFINE_FINAL_TYPE (AatAlpacaExchange, aat_alpaca_exchange, AAT_TYPE_EXCHANGE)

enum {
  PROP_0,
  PROP_PAPER, PROP_BASE_URL, PROP_DATA_URL, PROP_STREAM_URL, PROP_SYMBOLS, PROP_API_KEY_ID, PROP_API_SECRET_KEY,
  PROP_RATE_LIMIT, PROP_RECONNECT_MIN_MS, PROP_RECONNECT_MAX_MS, PROP_MAX_RECONNECTS, PROP_DURATION,
  PROP_MAX_EVENTS, PROP_RUN_ID,
  PROP_LAST_ERROR, PROP_RECONNECTS, PROP_RATE_LIMITED, PROP_FILLS, PROP_RECONCILED_FILLS, PROP_ERRORS,
  PROP_REQUESTS, PROP_SUBSCRIPTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void ws_connect (Ws *ws);
static void ws_drop (Ws *ws, const char *why);
static void pump_queue (AatAlpacaExchange *self);
static void send_cancel (AatAlpacaExchange *self, ApOrder *co);

/* ---- helpers ---- */

static void
aporder_free (gpointer data)
{
  ApOrder *co = data;

  aat_order_unref (co->order);
  g_free (co->client_id);
  g_free (co->server_id);
  g_free (co);
}

static void
sym_free (gpointer data)
{
  Sym *s = data;

  g_free (s->symbol);
  aat_alpaca_asset_free (s->asset);
  g_free (s);
}

static Sym *
find_sym (AatAlpacaExchange *self, const char *symbol)
{
  for (guint i = 0; symbol != NULL && i < self->symbols->len; i++)
    if (strcmp (((Sym *) self->symbols->pdata[i])->symbol, symbol) == 0)
      return self->symbols->pdata[i];
  return NULL;
}

static Sym *
sym_of_instrument (AatAlpacaExchange *self, AatInstrument *inst)
{
  for (guint i = 0; i < self->symbols->len; i++)
    if (((Sym *) self->symbols->pdata[i])->instrument == inst)
      return self->symbols->pdata[i];
  return NULL;
}

static char *
redact (AatAlpacaExchange *self, const char *text)
{
  return aat_alpaca_redact (text, self->key, self->secret);
}

static gboolean
authenticated (AatAlpacaExchange *self)
{
  return self->key != NULL && *self->key && self->secret != NULL && *self->secret;
}

static AatTime
now_ns (void)
{
  return (AatTime) g_get_real_time () * 1000;
}

static JsonNode *
parse_node (const char *text, gssize len)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL ? json_node_copy (root) : NULL;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr (JsonNode) n = parse_node (text, -1);

  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_object_ref (json_node_get_object (n)) : NULL;
}

/* ---- the stream's end ---- */

static void
end_stream (AatAlpacaExchange *self, const char *why)
{
  g_autoptr (AatEvent) ev = NULL;

  if (self->ended)
    return;
  self->ended = TRUE;
  g_message ("%s%s", g_str_has_prefix (why, "alpaca:") ? "" : "alpaca: ", why);
  if (self->exit_pushed)
    return;
  self->exit_pushed = TRUE;
  ev = aat_event_new_message (AAT_EVENT_TYPE_EXIT, now_ns (), why);
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
}

/* An authentication failure ends the run: nothing works without the keys. */
static void
auth_failed (AatAlpacaExchange *self, const char *where, const char *detail)
{
  const char *hint = strstr (detail, "check api-key-id") != NULL ? ""
                   : " (check api-key-id / api-secret-key or APCA_API_KEY_ID / APCA_API_SECRET_KEY, and paper vs "
                     "live keys)";
  g_autofree char *text = g_strdup_printf ("alpaca: %s: authentication failed: %s%s", where, detail, hint);
  g_autofree char *safe = redact (self, text);

  self->errors++;
  g_free (self->last_error);
  self->last_error = g_strdup (safe);
  end_stream (self, safe);
}

static void
count_event (AatAlpacaExchange *self)
{
  self->events++;
  if (self->max_events > 0 && self->events >= self->max_events)
    end_stream (self, "max-events reached");
}

static gboolean
duration_cb (gpointer data)
{
  AatAlpacaExchange *self = data;

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
request (AatAlpacaExchange *self, const char *method, const char *path, const char *body, ReqDone done,
         gpointer data, GDestroyNotify data_free)
{
  Req *r = g_new0 (Req, 1);

  r->method = g_strdup (method);
  r->path = g_strdup (path);
  r->body = g_strdup (body);
  r->done = done;
  r->data = data;
  r->data_free = data_free;
  r->owner = self;
  g_queue_push_tail (&self->queue, r);
  pump_queue (self);
}

static gboolean
queue_cb (gpointer data)
{
  AatAlpacaExchange *self = data;

  self->queue_id = 0;
  pump_queue (self);
  return G_SOURCE_REMOVE;
}

static void
requeue (AatAlpacaExchange *self, Req *r, guint wait_ms)
{
  g_clear_object (&r->msg);
  self->paused_until = g_get_monotonic_time () + (gint64) wait_ms * 1000;
  g_queue_push_head (&self->queue, r);
  pump_queue (self);
}

static void
on_response (GObject *source, GAsyncResult *result, gpointer data)
{
  Req *r = data;
  AatAlpacaExchange *self;
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
  self = r->owner;
  status = bytes != NULL ? soup_message_get_status (r->msg) : 0;
  body = bytes != NULL ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : NULL;
  if (status == 0)
    {
      g_autofree char *text = redact (self, error ? error->message : "no answer");
      r->failures++;
      if (r->failures < 4 && !self->ended)
        {
          g_message ("alpaca: %s %s: %s; retrying", r->method, r->path, text);
          requeue (self, r, 250u << r->failures);
          return;
        }
      r->done (self, 0, text, r->data);
      req_free (r);
      pump_queue (self);
      return;
    }
  if (!aat_alpaca_check_reply (status, body, r->throttled, &retry_ms, &reply) &&
      g_error_matches (reply, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_RATE_LIMITED) && !self->ended)
    {
      /* back off, then the same request (the same client_order_id) first */
      self->rate_limited++;
      r->throttled++;
      g_message ("alpaca: %s %s: rate limited; waiting %u ms", r->method, r->path, retry_ms);
      requeue (self, r, retry_ms);
      return;
    }
  r->done (self, status, body, r->data);
  req_free (r);
  pump_queue (self);
}

static void
send_request (AatAlpacaExchange *self, Req *r)
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
  h = soup_message_get_request_headers (r->msg);
  soup_message_headers_replace (h, "User-Agent", "aat-alpaca/0.1");
  soup_message_headers_replace (h, "Accept", "application/json");
  if (authenticated (self))
    {
      soup_message_headers_replace (h, "APCA-API-KEY-ID", self->key);
      soup_message_headers_replace (h, "APCA-API-SECRET-KEY", self->secret);
    }
  if (r->body != NULL)
    {
      g_autoptr (GBytes) b = g_bytes_new (r->body, strlen (r->body));
      soup_message_set_request_body_from_bytes (r->msg, "application/json", b);
    }
  g_set_object (&r->cancel, self->cancellable);
  self->requests++;
  soup_session_send_and_read_async (self->session, r->msg, G_PRIORITY_DEFAULT, self->cancellable, on_response, r);
}

static void
pump_queue (AatAlpacaExchange *self)
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

static ApOrder *
lookup_cid (AatAlpacaExchange *self, const char *cid)
{
  return cid ? g_hash_table_lookup (self->orders, cid) : NULL;
}

static void
order_done (AatAlpacaExchange *self, ApOrder *co)
{
  if (co->server_id)
    g_hash_table_remove (self->by_server_id, co->server_id);
  g_hash_table_remove (self->orders, co->client_id);
}

static void
set_server_id (AatAlpacaExchange *self, ApOrder *co, const char *id)
{
  if (id == NULL || co->server_id != NULL)
    return;
  co->server_id = g_strdup (id);
  g_hash_table_insert (self->by_server_id, co->server_id, co);
}

static void
ack (AatAlpacaExchange *self, ApOrder *co)
{
  if (co->acked)
    return;
  co->acked = TRUE;
  aat_exchange_emit_received (AAT_EXCHANGE (self), co->order);
  if (co->cancel_wanted && !co->cancel_sent)
    send_cancel (self, co);
}

/* The order's cumulative filled_qty is now @cum: emit what is above the part already
 * emitted, once. @price is the price of this execution; 0 derives it from the average. */
static gboolean
fill_to (AatAlpacaExchange *self, ApOrder *co, double cum, double price, double avg, AatTime ts, gboolean reconciled)
{
  double delta = cum - co->filled_qty;
  double volume;

  if (!(delta > 1e-9))
    return FALSE;
  if (!(price > 0))
    price = avg > 0 ? (avg * cum - co->filled_notional) / delta : 0;
  if (!(price > 0))
    {
      self->errors++;
      g_message ("alpaca: order %s: a fill without a price", co->client_id);
      return FALSE;
    }
  ack (self, co);
  volume = MIN (delta, aat_order_get_remaining (co->order));
  co->filled_qty = cum;
  co->filled_notional += delta * price;
  self->fills++;
  if (reconciled)
    self->reconciled_fills++;
  aat_exchange_emit_fill (AAT_EXCHANGE (self), co->order, volume, price, 0.0, 0.0, ts);
  if (aat_order_is_done (co->order))
    {
      order_done (self, co);
      return TRUE;
    }
  return FALSE;
}

static void
rejected (AatAlpacaExchange *self, ApOrder *co, const char *reason)
{
  g_autofree char *safe = redact (self, reason);

  aat_exchange_emit_rejected (AAT_EXCHANGE (self), co->order, safe);
  order_done (self, co);
}

static void
canceled (AatAlpacaExchange *self, ApOrder *co)
{
  aat_exchange_emit_canceled (AAT_EXCHANGE (self), co->order);
  order_done (self, co);
}

/* An order object from the venue (a POST answer, a lookup, a trade update's `order`):
 * learn its id, ack it, emit fills missed so far, and its end. @price: the execution's
 * price for a trade update, else 0. Returns FALSE when the order is over. */
static gboolean
apply_order (AatAlpacaExchange *self, ApOrder *co, JsonObject *o, double price, AatTime ts, gboolean reconciled)
{
  const char *status = json_object_get_string_member_with_default (o, "status", "");
  gboolean ok = TRUE;
  double cum = aat_alpaca_number (o, "filled_qty", &ok);

  set_server_id (self, co, json_object_get_string_member_with_default (o, "id", NULL));
  if (strcmp (status, "rejected") == 0)
    {
      const char *why = json_object_get_string_member_with_default (o, "reject_reason", NULL);
      g_autofree char *text = g_strdup_printf ("alpaca: rejected by the venue%s%s", why ? ": " : "", why ? why : "");
      rejected (self, co, text);
      return FALSE;
    }
  ack (self, co);
  if (ok && fill_to (self, co, cum, price, aat_alpaca_number (o, "filled_avg_price", NULL), ts, reconciled))
    return FALSE;
  if (strcmp (status, "canceled") == 0 || strcmp (status, "expired") == 0 || strcmp (status, "done_for_day") == 0)
    {
      canceled (self, co);
      return FALSE;
    }
  return TRUE;
}

static void
lookup_answer (AatAlpacaExchange *self, guint status, const char *body, gpointer data)
{
  ApOrder *co = lookup_cid (self, data);
  g_autoptr (JsonObject) o = NULL;

  if (co == NULL)
    return;
  if (status == 200 && (o = parse_object (body)) != NULL)
    {
      apply_order (self, co, o, 0, now_ns (), TRUE);
      return;
    }
  if (status == 404)
    {
      rejected (self, co, "alpaca: the order did not reach the venue (POST /v2/orders failed, and "
                          "GET /v2/orders:by_client_order_id does not know it)");
      return;
    }
  g_message ("alpaca: order %s: state unknown (HTTP %u); the next reconciliation settles it", co->client_id, status);
}

static void
lookup_by_client_id (AatAlpacaExchange *self, ApOrder *co)
{
  g_autofree char *esc = g_uri_escape_string (co->client_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/v2/orders:by_client_order_id?client_order_id=%s", esc);

  request (self, "GET", path, NULL, lookup_answer, g_strdup (co->client_id), g_free);
}

static void
placed (AatAlpacaExchange *self, guint status, const char *body, gpointer data)
{
  ApOrder *co = lookup_cid (self, data);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) o = NULL;

  if (co == NULL)
    return;
  if (status == 0 || !aat_alpaca_check_reply (status, body, 0, NULL, &error))
    {
      if (status == 0 || g_error_matches (error, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_SERVER))
        {
          g_autofree char *text = redact (self, error ? error->message : body);
          /* the outcome is unknown: ask by client_order_id */
          g_message ("alpaca: POST /v2/orders for %s: %s; asking the venue", co->client_id, text);
          lookup_by_client_id (self, co);
          return;
        }
      rejected (self, co, error->message);
      return;
    }
  if ((o = parse_object (body)) == NULL)
    {
      self->errors++;
      g_message ("alpaca: POST /v2/orders: an answer that is not an order; asking the venue");
      lookup_by_client_id (self, co);
      return;
    }
  apply_order (self, co, o, 0, now_ns (), FALSE);
}

static void
cancel_answer (AatAlpacaExchange *self, guint status, const char *body, gpointer data)
{
  ApOrder *co = lookup_cid (self, data);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (co == NULL)
    return;
  if (status != 0 && aat_alpaca_check_reply (status, body, 0, NULL, &error))
    return;   /* 204: accepted; the `canceled` trade update confirms it */
  /* 422 "order is not cancelable" (filled, or already ending) or no answer: the stream
   * or the next reconciliation tells how it ended */
  co->cancel_sent = FALSE;
  text = redact (self, error ? error->message : body);
  g_message ("alpaca: cancel of %s refused: %s", co->client_id, text);
}

static void
send_cancel (AatAlpacaExchange *self, ApOrder *co)
{
  g_autofree char *path = NULL;

  co->cancel_wanted = TRUE;
  if (co->cancel_sent || co->server_id == NULL)
    return;   /* sent once the order's id is known */
  co->cancel_sent = TRUE;
  path = g_strdup_printf ("/v2/orders/%s", co->server_id);
  request (self, "DELETE", path, NULL, cancel_answer, g_strdup (co->client_id), g_free);
}

/* ---- reconciliation ---- */

static void
reconcile_open (AatAlpacaExchange *self, guint status, const char *body, gpointer data)
{
  g_autoptr (JsonNode) root = status == 200 ? parse_node (body, -1) : NULL;
  JsonArray *list = root != NULL && JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root) : NULL;
  g_autoptr (GHashTable) open = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;

  if (list == NULL)
    {
      g_message ("alpaca: reconciliation: GET /v2/orders?status=open failed (HTTP %u)", status);
      return;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *n = json_array_get_element (list, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *cid = o ? json_object_get_string_member_with_default (o, "client_order_id", NULL) : NULL;
      ApOrder *co = lookup_cid (self, cid);

      if (co == NULL)
        continue;
      g_hash_table_add (open, (gpointer) co->client_id);
      apply_order (self, co, o, 0, now_ns (), TRUE);
    }
  /* ours and no longer open: filled, cancelled or rejected meanwhile */
  g_hash_table_iter_init (&iter, self->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!g_hash_table_contains (open, ((ApOrder *) value)->client_id))
      g_ptr_array_add (gone, g_strdup (((ApOrder *) value)->client_id));
  for (guint i = 0; i < gone->len; i++)
    {
      ApOrder *co = lookup_cid (self, gone->pdata[i]);
      if (co != NULL)
        lookup_by_client_id (self, co);
    }
}

static void
reconcile (AatAlpacaExchange *self)
{
  if (g_hash_table_size (self->orders) == 0)
    return;
  request (self, "GET", "/v2/orders?status=open&limit=500", NULL, reconcile_open, NULL, NULL);
}

/* ---- websockets ---- */

static void
send_json (Ws *ws, JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  if (ws->conn != NULL && soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (ws->conn, text);
}

static void
add_member (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

/* {"action":"auth","key":…,"secret":…}: the same on both websockets */
static void
send_auth (Ws *ws)
{
  AatAlpacaExchange *self = ws->owner;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_member (b, "action", "auth");
  add_member (b, "key", self->key);
  add_member (b, "secret", self->secret);
  json_builder_end_object (b);
  send_json (ws, b);
}

static void
send_subscribe (AatAlpacaExchange *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char *channels[] = { "trades", "quotes" };

  json_builder_begin_object (b);
  add_member (b, "action", "subscribe");
  for (guint c = 0; c < G_N_ELEMENTS (channels); c++)
    {
      json_builder_set_member_name (b, channels[c]);
      json_builder_begin_array (b);
      for (guint i = 0; i < self->symbols->len; i++)
        json_builder_add_string_value (b, ((Sym *) self->symbols->pdata[i])->symbol);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  send_json (&self->data, b);
}

static void
send_listen (AatAlpacaExchange *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_member (b, "action", "listen");
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "streams");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "trade_updates");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  send_json (&self->trade, b);
}

static gboolean
data_trade (AatAlpacaExchange *self, Sym *s, JsonObject *m)
{
  gboolean ok1, ok2;
  double price = aat_alpaca_number (m, "p", &ok1);
  double size = aat_alpaca_number (m, "s", &ok2);
  AatTime ts = now_ns ();
  g_autoptr (AatTrade) trade = NULL;
  g_autoptr (AatEvent) ev = NULL;

  if (!ok1 || !ok2 || !(price > 0) || !(size > 0))
    return FALSE;
  aat_alpaca_parse_time (json_object_get_string_member_with_default (m, "t", NULL), &ts);
  /* Alpaca's equity trades carry no aggressor: at or below the bid a seller hit it */
  trade = aat_trade_new (s->instrument, s->bid > 0 && price <= s->bid ? AAT_SIDE_SELL : AAT_SIDE_BUY, size, price, ts);
  aat_trade_set_exchange (trade, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
  ev = aat_event_new_trade (trade);
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
  count_event (self);
  return TRUE;
}

static gboolean
data_quote (AatAlpacaExchange *self, Sym *s, JsonObject *m)
{
  gboolean ok[4];
  double bp = aat_alpaca_number (m, "bp", &ok[0]), bs = aat_alpaca_number (m, "bs", &ok[1]);
  double ap = aat_alpaca_number (m, "ap", &ok[2]), as = aat_alpaca_number (m, "as", &ok[3]);
  AatTime ts = now_ns ();
  g_autoptr (AatQuote) q = NULL;
  g_autoptr (AatEvent) ev = NULL;

  if (!ok[0] || !ok[1] || !ok[2] || !ok[3] || bp < 0 || ap < 0)
    return FALSE;
  aat_alpaca_parse_time (json_object_get_string_member_with_default (m, "t", NULL), &ts);
  s->bid = bp;
  s->ask = ap;
  q = aat_quote_new (s->instrument, ts, bp, bs, ap, as);
  aat_quote_set_exchange (q, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
  ev = aat_event_new_quote (q);
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
  count_event (self);
  return TRUE;
}

static void
data_control (AatAlpacaExchange *self, const char *type, JsonObject *m)
{
  if (strcmp (type, "success") == 0)
    {
      const char *msg = json_object_get_string_member_with_default (m, "msg", "");
      if (strcmp (msg, "connected") == 0)
        send_auth (&self->data);
      else if (strcmp (msg, "authenticated") == 0)
        {
          self->data.authed = TRUE;
          send_subscribe (self);
        }
    }
  else if (strcmp (type, "subscription") == 0)
    self->subscriptions++;
  else if (strcmp (type, "error") == 0)
    {
      gint64 code = json_object_get_int_member_with_default (m, "code", 0);
      g_autofree char *detail = g_strdup_printf ("[%" G_GINT64_FORMAT "] %s", code,
                                                 json_object_get_string_member_with_default (m, "msg", "no message"));

      /* 401 not authenticated, 402 auth failed, 404 auth timeout, 409 insufficient
       * subscription: nothing to do but stop */
      if (code == 401 || code == 402 || code == 404 || code == 409)
        auth_failed (self, "market data", detail);
      else
        {
          g_autofree char *safe = redact (self, detail);
          self->errors++;
          g_message ("alpaca: market data error %s", safe);
        }
    }
}

static void
data_message (AatAlpacaExchange *self, const char *text, gsize len)
{
  g_autoptr (JsonNode) root = parse_node (text, (gssize) len);
  JsonArray *list;

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      self->errors++;
      g_message ("alpaca: a market data message that is not a JSON array (%" G_GSIZE_FORMAT " bytes)", len);
      return;
    }
  list = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (list) && !self->ended; i++)
    {
      JsonNode *n = json_array_get_element (list, i);
      JsonObject *m = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      JsonNode *tn = m ? json_object_get_member (m, "T") : NULL;
      const char *type;
      Sym *s;
      gboolean good = FALSE;

      if (tn == NULL || json_node_get_value_type (tn) != G_TYPE_STRING)
        {
          self->errors++;
          g_message ("alpaca: a market data element without a \"T\"");
          continue;
        }
      type = json_node_get_string (tn);
      if (strcmp (type, "t") != 0 && strcmp (type, "q") != 0)
        {
          data_control (self, type, m);
          continue;
        }
      s = find_sym (self, json_object_get_string_member_with_default (m, "S", NULL));
      if (s != NULL)
        good = type[0] == 't' ? data_trade (self, s, m) : data_quote (self, s, m);
      if (!good)
        {
          self->errors++;
          g_message ("alpaca: a \"%s\" message with an unknown symbol or unusable numbers", type);
        }
    }
}

static void
trade_update (AatAlpacaExchange *self, JsonObject *data)
{
  const char *event = json_object_get_string_member_with_default (data, "event", "");
  JsonObject *o = json_object_has_member (data, "order") &&
                  JSON_NODE_HOLDS_OBJECT (json_object_get_member (data, "order"))
                  ? json_object_get_object_member (data, "order") : NULL;
  const char *cid = o ? json_object_get_string_member_with_default (o, "client_order_id", NULL) : NULL;
  const char *id = o ? json_object_get_string_member_with_default (o, "id", NULL) : NULL;
  ApOrder *co = lookup_cid (self, cid);
  AatTime ts = now_ns ();

  if (o == NULL)
    {
      self->errors++;
      g_message ("alpaca: a trade update without an order");
      return;
    }
  if (co == NULL && id != NULL)
    co = g_hash_table_lookup (self->by_server_id, id);
  if (co == NULL)
    return;   /* not one of this run's orders */
  aat_alpaca_parse_time (json_object_get_string_member_with_default (data, "timestamp", NULL), &ts);
  if (strcmp (event, "rejected") == 0)
    {
      const char *why = json_object_get_string_member_with_default (data, "reason",
                          json_object_get_string_member_with_default (o, "reject_reason", NULL));
      g_autofree char *text = g_strdup_printf ("alpaca: rejected by the venue%s%s", why ? ": " : "", why ? why : "");
      rejected (self, co, text);
      return;
    }
  if (strcmp (event, "fill") == 0 || strcmp (event, "partial_fill") == 0)
    {
      /* `price` is this execution's; `order.filled_qty` the cumulative quantity */
      apply_order (self, co, o, aat_alpaca_number (data, "price", NULL), ts, FALSE);
      return;
    }
  /* new, accepted, canceled, expired, done_for_day, …: the order object says it all */
  apply_order (self, co, o, 0, ts, FALSE);
}

static void
trade_message (AatAlpacaExchange *self, const char *text, gsize len)
{
  g_autoptr (JsonNode) root = parse_node (text, (gssize) len);
  JsonObject *m = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *stream = m ? json_object_get_string_member_with_default (m, "stream", NULL) : NULL;
  JsonObject *data = m && json_object_has_member (m, "data") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (m, "data"))
                     ? json_object_get_object_member (m, "data") : NULL;

  if (stream == NULL || data == NULL)
    {
      self->errors++;
      g_message ("alpaca: a trade stream message without \"stream\" and \"data\" (%" G_GSIZE_FORMAT " bytes)", len);
      return;
    }
  if (strcmp (stream, "authorization") == 0)
    {
      const char *status = json_object_get_string_member_with_default (data, "status", "");
      if (strcmp (status, "authorized") == 0)
        {
          self->trade.authed = TRUE;
          send_listen (self);
        }
      else
        {
          g_autofree char *detail = g_strdup_printf ("status \"%s\"%s%s", status,
                                                     json_object_has_member (data, "message") ? ": " : "",
                                                     json_object_get_string_member_with_default (data, "message", ""));
          auth_failed (self, "trade_updates", detail);
        }
    }
  else if (strcmp (stream, "listening") == 0)
    {
      if (self->trade.ever)
        reconcile (self);
      self->trade.ever = TRUE;
    }
  else if (strcmp (stream, "trade_updates") == 0)
    trade_update (self, data);
}

static void
on_message (SoupWebsocketConnection *conn, int data_type, GBytes *message, gpointer user_data)
{
  Ws *ws = user_data;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  /* the paper trade stream sends binary frames holding JSON: both are read alike */
  if (ws->kind == WS_DATA)
    data_message (ws->owner, data, len);
  else
    trade_message (ws->owner, data, len);
}

static void
on_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  Ws *ws = user_data;

  ws_drop (ws, "the connection closed");
}

static gboolean
backoff_cb (gpointer data)
{
  Ws *ws = data;

  ws->backoff_id = 0;
  ws_connect (ws);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (Ws *ws)
{
  AatAlpacaExchange *self = ws->owner;
  guint64 delay;

  if (self->ended || ws->backoff_id != 0 || ws->connecting || !self->started)
    return;
  if (self->max_reconnects >= 0 && ws->attempts >= (guint) self->max_reconnects)
    {
      g_autofree char *why = g_strdup_printf ("alpaca: %s: gave up after %u reconnection attempts", ws->name,
                                              ws->attempts);
      end_stream (self, why);
      return;
    }
  delay = MIN ((guint64) self->reconnect_min_ms << MIN (ws->attempts, 20u), (guint64) self->reconnect_max_ms);
  ws->attempts++;
  ws->backoff_id = g_timeout_add ((guint) delay, backoff_cb, ws);
}

static void
ws_drop (Ws *ws, const char *why)
{
  SoupWebsocketConnection *conn = g_steal_pointer (&ws->conn);

  if (conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (conn, ws);
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_object_unref (conn);
  ws->connected = ws->authed = FALSE;
  if (!ws->owner->ended)
    g_message ("alpaca: %s: %s; reconnecting", ws->name, why);
  schedule_reconnect (ws);
}

static void
ws_opened (Ws *ws, SoupWebsocketConnection *conn, GError *error)
{
  AatAlpacaExchange *self = ws->owner;

  ws->connecting = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->started)
    {
      g_clear_object (&conn);
      return;
    }
  if (conn == NULL)
    {
      g_autofree char *text = redact (self, error->message);
      g_message ("alpaca: cannot open %s: %s", ws->name, text);
      schedule_reconnect (ws);
      return;
    }
  if (self->ended)
    {
      g_object_unref (conn);
      return;
    }
  ws->conn = conn;
  ws->connected = TRUE;
  ws->attempts = 0;
  soup_websocket_connection_set_max_incoming_payload_size (conn, 64 * 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), ws);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), ws);
  if (ws->ever)
    self->reconnects++;
  if (ws->kind == WS_DATA)
    ws->ever = TRUE;   /* the server greets with [{"T":"success","msg":"connected"}]; auth follows it */
  else
    send_auth (ws);    /* `ever` is set once listening: reconciliation follows the next listen */
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Ws *ws = user_data;
  AatAlpacaExchange *self = ws->owner;
  g_autoptr (GError) error = NULL;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  ws_opened (ws, conn, error);
  g_object_unref (self);   /* the reference ws_connect() took, dropped last */
}

static void
ws_connect (Ws *ws)
{
  AatAlpacaExchange *self = ws->owner;
  const char *url = ws->kind == WS_DATA ? self->data_base : self->stream_base;
  g_autoptr (SoupMessage) msg = NULL;

  if (ws->connecting || ws->conn != NULL || self->ended)
    return;
  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_autofree char *why = g_strdup_printf ("alpaca: %s URL '%s' is not a URL", ws->name, url);
      end_stream (self, why);
      return;
    }
  ws->connecting = TRUE;
  g_object_ref (self);   /* dropped in on_connected */
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, self->cancellable,
                                        on_connected, ws);
}

/* ---- assets ---- */

static void
asset_loaded (AatAlpacaExchange *self, guint status, const char *body, gpointer data)
{
  Sym *s = find_sym (self, data);
  g_autoptr (GError) error = NULL;
  AatAlpacaAsset *asset = NULL;

  if (s == NULL)
    return;
  if (status == 0 || !aat_alpaca_check_reply (status, body, 0, NULL, &error) ||
      (asset = aat_alpaca_parse_asset (body, &error)) == NULL)
    {
      g_autofree char *text = redact (self, error ? error->message : body);
      g_message ("alpaca: GET /v2/assets/%s: %s; orders in %s are refused", s->symbol, text, s->symbol);
      if (g_error_matches (error, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_AUTH))
        auth_failed (self, "REST", text);
    }
  else
    {
      aat_alpaca_asset_free (s->asset);
      s->asset = asset;
      if (asset->price_increment > 0)
        aat_instrument_set_tick_size (s->instrument, asset->price_increment);
      if (asset->min_trade_increment > 0)
        aat_instrument_set_lot_size (s->instrument, asset->min_trade_increment);
    }
  if (self->assets_pending > 0 && --self->assets_pending == 0)
    {
      ws_connect (&self->data);
      ws_connect (&self->trade);
    }
}

/* ---- AatExchange ---- */

static void
make_symbols (AatAlpacaExchange *self)
{
  if (self->symbols->len > 0)
    return;
  for (guint i = 0; self->symbols_prop != NULL && self->symbols_prop[i] != NULL; i++)
    {
      Sym *s = g_new0 (Sym, 1);
      s->symbol = g_strdup (self->symbols_prop[i]);
      s->instrument = aat_instrument_get (s->symbol, AAT_INSTRUMENT_TYPE_EQUITY);
      g_ptr_array_add (self->symbols, s);
    }
}

static const char *
env_or (const char *prop, char **store, const char *name)
{
  if (prop != NULL && *prop)
    return prop;
  if (g_getenv (name) != NULL)
    {
      g_free (*store);
      *store = g_strdup (g_getenv (name));
      return *store;
    }
  return NULL;
}

static char *
strip_slash (const char *url)
{
  char *s = g_strdup (url);

  if (g_str_has_suffix (s, "/"))
    s[strlen (s) - 1] = '\0';
  return s;
}

static gboolean
alpaca_start (AatExchange *exchange, GError **error)
{
  AatAlpacaExchange *self = AAT_ALPACA_EXCHANGE (exchange);

  make_symbols (self);
  if (self->symbols->len == 0)
    {
      g_set_error (error, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_FAILED, "alpaca: no symbols to subscribe to");
      return FALSE;
    }
  self->key = env_or (self->api_key_id, &self->env_key, "APCA_API_KEY_ID");
  self->secret = env_or (self->api_secret_key, &self->env_secret, "APCA_API_SECRET_KEY");
  if (!authenticated (self))
    {
      g_set_error (error, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_AUTH,
                   "alpaca: no credentials: set api-key-id / api-secret-key or APCA_API_KEY_ID / "
                   "APCA_API_SECRET_KEY (market data needs them too)");
      return FALSE;
    }
  g_free (self->rest_base);
  g_free (self->data_base);
  g_free (self->stream_base);
  self->rest_base = strip_slash (self->base_url ? self->base_url
                                 : self->paper ? AAT_ALPACA_PAPER_REST_URL : AAT_ALPACA_REST_URL);
  self->data_base = g_strdup (self->data_url ? self->data_url : AAT_ALPACA_DATA_URL);
  self->stream_base = g_strdup (self->stream_url ? self->stream_url
                                : self->paper ? AAT_ALPACA_PAPER_STREAM_URL : AAT_ALPACA_STREAM_URL);
  if (self->run_id == NULL)
    self->run_id = g_strdup_printf ("%" G_GINT64_MODIFIER "x%x", g_get_real_time (), (guint) getpid ());
  g_message ("alpaca: %s, REST %s, market data %s, trade updates %s", self->paper ? "paper" : "LIVE",
             self->rest_base, self->data_base, self->stream_base);
  self->started = TRUE;
  self->ended = self->exit_pushed = FALSE;
  self->cancellable = g_cancellable_new ();
  self->session = soup_session_new_with_options ("timeout", 15, "idle-timeout", 0, NULL);
  if (self->duration > 0)
    self->duration_id = g_timeout_add ((guint) (self->duration * 1000), duration_cb, self);
  self->assets_pending = self->symbols->len;
  for (guint i = 0; i < self->symbols->len; i++)
    {
      Sym *s = self->symbols->pdata[i];
      g_autofree char *esc = g_uri_escape_string (s->symbol, NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/v2/assets/%s", esc);
      request (self, "GET", path, NULL, asset_loaded, g_strdup (s->symbol), g_free);
    }
  return TRUE;
}

static void
alpaca_stop (AatExchange *exchange)
{
  AatAlpacaExchange *self = AAT_ALPACA_EXCHANGE (exchange);
  guint *ids[] = { &self->duration_id, &self->queue_id, &self->data.backoff_id, &self->trade.backoff_id };

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
  ws_drop (&self->data, "stopped");
  ws_drop (&self->trade, "stopped");
  g_message ("alpaca: %u requests, %u rate-limited, %" G_GUINT64_FORMAT " fills (%" G_GUINT64_FORMAT
             " reconciled), %u reconnections, %u errors", self->requests, self->rate_limited, self->fills,
             self->reconciled_fills, self->reconnects, self->errors);
}

static GPtrArray *
alpaca_instruments (AatExchange *exchange)
{
  AatAlpacaExchange *self = AAT_ALPACA_EXCHANGE (exchange);
  GPtrArray *out = g_ptr_array_new ();

  make_symbols (self);
  for (guint i = 0; i < self->symbols->len; i++)
    g_ptr_array_add (out, ((Sym *) self->symbols->pdata[i])->instrument);
  return out;
}

static void
alpaca_new_order (AatExchange *exchange, AatOrder *order)
{
  AatAlpacaExchange *self = AAT_ALPACA_EXCHANGE (exchange);
  Sym *s = sym_of_instrument (self, aat_order_get_instrument (order));
  g_autofree char *cid = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *body = NULL;
  ApOrder *co;

  if (s == NULL)
    {
      aat_exchange_emit_rejected (exchange, order, aat_reject_reason_to_string (AAT_REJECT_REASON_WRONG_INSTRUMENT));
      return;
    }
  if (self->ended || !self->started)
    {
      aat_exchange_emit_rejected (exchange, order, "alpaca: the stream has ended");
      return;
    }
  if (s->asset == NULL)
    {
      aat_exchange_emit_rejected (exchange, order, "alpaca: the asset (GET /v2/assets) is not loaded");
      return;
    }
  /* client_order_id: at most 128 characters; stable for the order, so a retry after a
   * 429 or a lookup after a 5xx names the same order */
  cid = aat_order_get_client_id (order) != NULL ? g_strndup (aat_order_get_client_id (order), 128)
      : g_strdup_printf ("aat-%s-%" G_GUINT64_FORMAT, self->run_id, aat_order_get_id (order));
  if (aat_order_get_client_id (order) == NULL)
    aat_order_set_client_id (order, cid);
  if (g_hash_table_contains (self->orders, cid))
    return;   /* the same order twice */
  body = aat_alpaca_order_body (order, s->asset, cid, AAT_ALPACA_AUCTION_NONE, &reason);
  if (body == NULL)
    {
      aat_exchange_emit_rejected (exchange, order, reason);
      return;
    }
  co = g_new0 (ApOrder, 1);
  co->order = aat_order_ref (order);
  co->client_id = g_strdup (cid);
  g_hash_table_insert (self->orders, co->client_id, co);
  request (self, "POST", "/v2/orders", body, placed, g_strdup (cid), g_free);
}

static void
alpaca_cancel_order (AatExchange *exchange, AatOrder *order)
{
  AatAlpacaExchange *self = AAT_ALPACA_EXCHANGE (exchange);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((ApOrder *) value)->order == order)
      {
        send_cancel (self, value);
        return;
      }
}

/**
 * aat_alpaca_exchange_is_connected:
 * @self: an alpaca exchange
 *
 * Returns: whether both websockets (market data and trade updates) are open
 */
gboolean
aat_alpaca_exchange_is_connected (AatAlpacaExchange *self)
{
  g_return_val_if_fail (AAT_IS_ALPACA_EXCHANGE (self), FALSE);
  return self->data.connected && self->trade.connected;
}

static void
aat_alpaca_exchange_dispose (GObject *object)
{
  AatAlpacaExchange *self = AAT_ALPACA_EXCHANGE (object);

  alpaca_stop (AAT_EXCHANGE (self));
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (aat_alpaca_exchange_parent_class)->dispose (object);
}

static void
aat_alpaca_exchange_finalize (GObject *object)
{
  AatAlpacaExchange *self = AAT_ALPACA_EXCHANGE (object);

  g_free (self->base_url);
  g_free (self->data_url);
  g_free (self->stream_url);
  g_strfreev (self->symbols_prop);
  g_free (self->api_key_id);
  g_free (self->api_secret_key);
  g_free (self->env_key);
  g_free (self->env_secret);
  g_free (self->run_id);
  g_free (self->last_error);
  g_free (self->rest_base);
  g_free (self->data_base);
  g_free (self->stream_base);
  g_hash_table_unref (self->by_server_id);
  g_hash_table_unref (self->orders);
  g_ptr_array_unref (self->symbols);
  G_OBJECT_CLASS (aat_alpaca_exchange_parent_class)->finalize (object);
}

static void
set_string (char **field, const GValue *value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
}

static void
aat_alpaca_exchange_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatAlpacaExchange *self = AAT_ALPACA_EXCHANGE (object);

  switch (prop_id)
    {
    case PROP_PAPER: g_value_set_boolean (value, self->paper); break;
    case PROP_BASE_URL: g_value_set_string (value, self->base_url); break;
    case PROP_DATA_URL: g_value_set_string (value, self->data_url); break;
    case PROP_STREAM_URL: g_value_set_string (value, self->stream_url); break;
    case PROP_SYMBOLS: g_value_set_boxed (value, self->symbols_prop); break;
    case PROP_RATE_LIMIT: g_value_set_double (value, self->rate_limit); break;
    case PROP_RECONNECT_MIN_MS: g_value_set_uint (value, self->reconnect_min_ms); break;
    case PROP_RECONNECT_MAX_MS: g_value_set_uint (value, self->reconnect_max_ms); break;
    case PROP_MAX_RECONNECTS: g_value_set_int (value, self->max_reconnects); break;
    case PROP_DURATION: g_value_set_double (value, self->duration); break;
    case PROP_MAX_EVENTS: g_value_set_uint64 (value, self->max_events); break;
    case PROP_RUN_ID: g_value_set_string (value, self->run_id); break;
    case PROP_LAST_ERROR: g_value_set_string (value, self->last_error); break;
    case PROP_RECONNECTS: g_value_set_uint (value, self->reconnects); break;
    case PROP_RATE_LIMITED: g_value_set_uint (value, self->rate_limited); break;
    case PROP_FILLS: g_value_set_uint64 (value, self->fills); break;
    case PROP_RECONCILED_FILLS: g_value_set_uint64 (value, self->reconciled_fills); break;
    case PROP_ERRORS: g_value_set_uint (value, self->errors); break;
    case PROP_REQUESTS: g_value_set_uint (value, self->requests); break;
    case PROP_SUBSCRIPTIONS: g_value_set_uint (value, self->subscriptions); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_alpaca_exchange_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatAlpacaExchange *self = AAT_ALPACA_EXCHANGE (object);

  switch (prop_id)
    {
    case PROP_PAPER: self->paper = g_value_get_boolean (value); break;
    case PROP_BASE_URL: set_string (&self->base_url, value); break;
    case PROP_DATA_URL: set_string (&self->data_url, value); break;
    case PROP_STREAM_URL: set_string (&self->stream_url, value); break;
    case PROP_SYMBOLS:
      g_strfreev (self->symbols_prop);
      self->symbols_prop = g_value_dup_boxed (value);
      break;
    case PROP_API_KEY_ID: set_string (&self->api_key_id, value); break;
    case PROP_API_SECRET_KEY: set_string (&self->api_secret_key, value); break;
    case PROP_RATE_LIMIT: self->rate_limit = g_value_get_double (value); break;
    case PROP_RECONNECT_MIN_MS: self->reconnect_min_ms = g_value_get_uint (value); break;
    case PROP_RECONNECT_MAX_MS: self->reconnect_max_ms = g_value_get_uint (value); break;
    case PROP_MAX_RECONNECTS: self->max_reconnects = g_value_get_int (value); break;
    case PROP_DURATION: self->duration = g_value_get_double (value); break;
    case PROP_MAX_EVENTS: self->max_events = g_value_get_uint64 (value); break;
    case PROP_RUN_ID: set_string (&self->run_id, value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_alpaca_exchange_class_init (AatAlpacaExchangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatExchangeClass *exchange_class = AAT_EXCHANGE_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  GParamFlags wo = G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = aat_alpaca_exchange_dispose;
  object_class->finalize = aat_alpaca_exchange_finalize;
  object_class->get_property = aat_alpaca_exchange_get_property;
  object_class->set_property = aat_alpaca_exchange_set_property;

  /* no next_event: a push source */
  exchange_class->start = alpaca_start;
  exchange_class->stop = alpaca_stop;
  exchange_class->instruments = alpaca_instruments;
  exchange_class->new_order = alpaca_new_order;
  exchange_class->cancel_order = alpaca_cancel_order;

  properties[PROP_PAPER] =
    g_param_spec_boolean ("paper", NULL, "Paper trading (the sandbox) unless base-url / stream-url are set", TRUE, rw);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, "REST base URL (default: paper or live by paper)", NULL, rw);
  properties[PROP_DATA_URL] =
    g_param_spec_string ("data-url", NULL, "Market data websocket URL (default: the IEX feed)", NULL, rw);
  properties[PROP_STREAM_URL] =
    g_param_spec_string ("stream-url", NULL, "trade_updates websocket URL (default: by paper)", NULL, rw);
  properties[PROP_SYMBOLS] =
    g_param_spec_boxed ("symbols", NULL, "Symbols, such as AAPL", G_TYPE_STRV, rw);
  properties[PROP_API_KEY_ID] =
    g_param_spec_string ("api-key-id", NULL, "API key id (else APCA_API_KEY_ID); never logged", NULL, wo);
  properties[PROP_API_SECRET_KEY] =
    g_param_spec_string ("api-secret-key", NULL, "API secret key (else APCA_API_SECRET_KEY); never logged", NULL, wo);
  properties[PROP_RATE_LIMIT] =
    g_param_spec_double ("rate-limit", NULL, "REST requests per second at most (Alpaca: 200 a minute)", 0.1, 1000.0,
                         3.0, rw);
  properties[PROP_RECONNECT_MIN_MS] =
    g_param_spec_uint ("reconnect-min-ms", NULL, "First reconnection delay; it doubles on each failure", 1,
                       G_MAXINT, 250, rw);
  properties[PROP_RECONNECT_MAX_MS] =
    g_param_spec_uint ("reconnect-max-ms", NULL, "Longest reconnection delay", 1, G_MAXINT, 10000, rw);
  properties[PROP_MAX_RECONNECTS] =
    g_param_spec_int ("max-reconnects", NULL, "Failed attempts in a row before giving up (-1: never)", -1, G_MAXINT,
                      20, rw);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, "End the stream after this many seconds (0: never)", 0.0, 1e9, 0.0, rw);
  properties[PROP_MAX_EVENTS] =
    g_param_spec_uint64 ("max-events", NULL, "End the stream after this many market events (0: no limit)", 0,
                         G_MAXUINT64, 0, rw);
  properties[PROP_RUN_ID] =
    g_param_spec_string ("run-id", NULL, "Part of each client_order_id (default: unique per run)", NULL, rw);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, "The authentication failure that ended the run, redacted", NULL, ro);
  properties[PROP_RECONNECTS] = g_param_spec_uint ("reconnects", NULL, "Websocket reconnections", 0, G_MAXUINT, 0, ro);
  properties[PROP_RATE_LIMITED] = g_param_spec_uint ("rate-limited", NULL, "429 answers", 0, G_MAXUINT, 0, ro);
  properties[PROP_FILLS] = g_param_spec_uint64 ("fills", NULL, "Fills emitted", 0, G_MAXUINT64, 0, ro);
  properties[PROP_RECONCILED_FILLS] =
    g_param_spec_uint64 ("reconciled-fills", NULL, "Fills found by reconciliation", 0, G_MAXUINT64, 0, ro);
  properties[PROP_ERRORS] = g_param_spec_uint ("errors", NULL, "Malformed or error messages", 0, G_MAXUINT, 0, ro);
  properties[PROP_REQUESTS] = g_param_spec_uint ("requests", NULL, "REST requests sent", 0, G_MAXUINT, 0, ro);
  properties[PROP_SUBSCRIPTIONS] =
    g_param_spec_uint ("subscriptions", NULL, "Market data subscriptions confirmed", 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_alpaca_exchange_init (AatAlpacaExchange *self)
{
  self->paper = TRUE;
  self->symbols_prop = g_strsplit ("AAPL", ",", -1);
  self->rate_limit = 3.0;
  self->reconnect_min_ms = 250;
  self->reconnect_max_ms = 10000;
  self->max_reconnects = 20;
  self->data.owner = self->trade.owner = self;
  self->data.kind = WS_DATA;
  self->data.name = "market data";
  self->trade.kind = WS_TRADE;
  self->trade.name = "trade_updates";
  g_queue_init (&self->queue);
  self->symbols = g_ptr_array_new_with_free_func (sym_free);
  self->orders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, aporder_free);
  self->by_server_id = g_hash_table_new (g_str_hash, g_str_equal);
}

#ifndef AAT_ALPACA_NO_MODULE
static gboolean
alpaca_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_EXCHANGE, "alpaca",
                              "Alpaca (US equities): market data websocket, REST orders, trade_updates; paper by default",
                              AAT_TYPE_ALPACA_EXCHANGE, error);
}

AAT_MODULE_DEFINE ("alpaca", "Alpaca live adapter (market data, REST orders, trade updates, paper trading)",
                   "0.1.0", alpaca_module_init);
#endif
