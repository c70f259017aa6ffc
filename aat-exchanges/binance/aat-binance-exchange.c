/* aat-binance-exchange.c: `binance`, Binance spot as a live exchange.
 *
 * What it owns: a SoupSession; two websocket links (the public market streams and the
 * user data stream); per symbol the trading rules from exchangeInfo, the depth book of
 * the core (AatBinanceBook) and its mirror as an #AatOrderBook; the working orders keyed
 * by client order id; the REST requests waiting out a rate limit.
 *
 * Data flow:
 * - start() builds the instruments (#AatBinanceExchange:symbols) and asks
 *   GET /api/v3/exchangeInfo; it does not wait. The answer sets tick and lot sizes, then
 *   the market link opens `/stream?streams=<s>@trade/<s>@depth@100ms/…` and, with
 *   credentials, POST /api/v3/userDataStream gives the listenKey of the user link
 *   (`/ws/<listenKey>`, kept alive with PUT every keepalive-interval).
 * - Trades become #AatTrade events. Depth diffs go to the core book, which buffers them
 *   until the REST snapshot (GET /api/v3/depth) arrives and detects gaps; a gap (or a
 *   reconnection) drops the book and takes a new snapshot. The mirror #AatOrderBook
 *   holds one order per price level; a change of the top is pushed as an #AatQuote.
 * - new_order() names the order "<run-id>-<order id>" (newClientOrderId, unique per
 *   run) and sends a signed POST /api/v3/order (X-MBX-APIKEY; recvWindow, timestamp,
 *   signature). The answer, executionReport messages, DELETE answers and order queries
 *   all go through apply_state(), which acknowledges once and emits fills from the
 *   cumulative filled quantity, so each fill is emitted exactly once whatever the source.
 * - Every REST answer's X-MBX-USED-WEIGHT-1M is tracked; past weight-limit, requests
 *   wait for the next minute. A 429/418 blocks all requests for Retry-After, and the
 *   same request (same newClientOrderId) is sent again, re-signed.
 * - A dropped link reconnects with exponential backoff. The market link then resyncs
 *   every book; the user link reconciles: GET /api/v3/openOrders per symbol, then
 *   GET /api/v3/order (origClientOrderId) for working orders no longer open.
 * - The run ends (EXIT) after #AatBinanceExchange:duration seconds or
 *   #AatBinanceExchange:max-events market events, once REST answers in flight are in
 *   (drain-timeout-ms at most).
 *
 * Credentials are never logged: every text that goes to a log or an error passes
 * through aat_binance_redact().
 */
#include <aat.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "aat-binance-core.h"
#include "aat-binance-exchange.h"

typedef struct {
  char *name;                      /* BTCUSDT */
  char *lower;                     /* btcusdt, for stream names */
  AatInstrument *inst;             /* interned */
  const AatBinanceSymbol *info;    /* owned by the info table; NULL before exchangeInfo */
  AatBinanceBook *book;
  AatOrderBook *mirror;
  gboolean snapshot_pending;
  double bid, bid_size, ask, ask_size;   /* the top last published */
} Sym;

typedef struct {
  AatOrder *order;                 /* owned */
  Sym *sym;
  double cum, cum_quote;           /* executed quantity and quote quantity emitted */
  gboolean sent, acked, cancel_pending;
  char *unknown_outcome;           /* why the POST's outcome is unknown (5xx, I/O) */
} COrder;

typedef enum { LINK_MARKET, LINK_USER } LinkKind;

typedef struct {
  AatBinanceExchange *self;
  LinkKind kind;
  SoupWebsocketConnection *conn;
  gboolean connecting, ever;
  guint attempts, backoff_id;
} Link;

struct _AatBinanceExchange
{
  AatExchange parent_instance;

  /* properties */
  char **symbols;
  gboolean sandbox;
  char *base_url_prop, *ws_url_prop;
  char *api_key, *api_secret;
  guint recv_window;
  guint64 fixed_timestamp;
  char *run_id;
  double duration;
  guint64 max_events;
  guint depth_limit;
  guint reconnect_min_ms, reconnect_max_ms;
  int max_reconnects;
  double keepalive;
  guint weight_limit;
  guint drain_ms;

  /* state */
  char *base_url, *ws_url;         /* effective */
  SoupSession *session;
  GCancellable *cancellable;
  GHashTable *info;                /* symbol → AatBinanceSymbol* */
  GHashTable *syms;                /* symbol → Sym* */
  GPtrArray *sym_list;             /* Sym*, in configuration order (borrowed) */
  GHashTable *orders;              /* client id → COrder* (working) */
  GPtrArray *waiting_orders;       /* client ids sent once exchangeInfo is in */
  GHashTable *timers;              /* Req* waiting on a timer */
  Link market, user;
  char *listen_key;
  gboolean started, info_loaded, ended, exit_pushed;
  guint info_attempts;
  guint duration_id, keepalive_id, drain_id;
  gint64 drain_deadline;
  gint64 blocked_until;            /* monotonic µs: no request before */
  guint inflight;
  guint used_weight;

  /* counters */
  guint64 events, trades, quotes, acks, fills, reconciled_fills, rejects, canceled, errors;
  guint gaps, snapshots, reconnects, rate_limited, orders_sent, keepalives, crossed;
};

G_DEFINE_FINAL_TYPE (AatBinanceExchange, aat_binance_exchange, AAT_TYPE_EXCHANGE)

enum {
  PROP_0,
  PROP_SYMBOLS,
  PROP_SANDBOX,
  PROP_BASE_URL,
  PROP_WS_URL,
  PROP_API_KEY,
  PROP_API_SECRET,
  PROP_RECV_WINDOW,
  PROP_FIXED_TIMESTAMP,
  PROP_RUN_ID,
  PROP_DURATION,
  PROP_MAX_EVENTS,
  PROP_DEPTH_LIMIT,
  PROP_RECONNECT_MIN_MS,
  PROP_RECONNECT_MAX_MS,
  PROP_MAX_RECONNECTS,
  PROP_KEEPALIVE_INTERVAL,
  PROP_WEIGHT_LIMIT,
  PROP_DRAIN_TIMEOUT_MS,
  /* read-only counters */
  PROP_FILLS,
  PROP_RECONCILED_FILLS,
  PROP_REJECTS,
  PROP_GAPS,
  PROP_SNAPSHOTS,
  PROP_ERRORS,
  PROP_RECONNECTS,
  PROP_RATE_LIMITED,
  PROP_KEEPALIVES,
  PROP_USED_WEIGHT,
  PROP_QUOTES,
  PROP_TRADES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void link_connect (Link *link);
static void link_drop (Link *link, const char *why);
static void request_snapshot (AatBinanceExchange *self, Sym *sym, guint delay_ms);
static void query_order (AatBinanceExchange *self, COrder *co);
static void send_order (AatBinanceExchange *self, COrder *co);

/* ---- helpers ---- */

static void
sym_free (gpointer data)
{
  Sym *sym = data;

  g_free (sym->name);
  g_free (sym->lower);
  aat_binance_book_free (sym->book);
  g_clear_object (&sym->mirror);
  g_free (sym);
}

static void
corder_free (gpointer data)
{
  COrder *co = data;

  aat_order_unref (co->order);
  g_free (co->unknown_outcome);
  g_free (co);
}

/* Logs @text with the credentials and signatures removed. */
static void
say (AatBinanceExchange *self, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
say (AatBinanceExchange *self, const char *format, ...)
{
  va_list ap;
  g_autofree char *text = NULL;
  g_autofree char *clean = NULL;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  clean = aat_binance_redact (text, self->api_key, self->api_secret);
  g_message ("binance: %s", clean);
}

static gboolean
has_credentials (AatBinanceExchange *self)
{
  return self->api_key != NULL && *self->api_key && self->api_secret != NULL && *self->api_secret;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL ? json_node_copy (root) : NULL;
}

/* A JSON member that Binance sends as a decimal string (or, in places, a number). */
static double
num_member (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return 0.0;
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return g_ascii_strtod (json_node_get_string (n), NULL);
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return (double) json_node_get_int (n);
  if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
    return json_node_get_double (n);
  return 0.0;
}

static const char *
str_member (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gboolean
is_number_string (JsonObject *o, const char *name)
{
  const char *s = str_member (o, name);
  char *end = NULL;

  if (s == NULL || *s == '\0')
    return FALSE;
  g_ascii_strtod (s, &end);
  return *end == '\0';
}

/* ---- the stream's end ---- */

static void
push_exit (AatBinanceExchange *self, const char *why)
{
  g_autoptr (AatEvent) ev = NULL;

  if (self->exit_pushed)
    return;
  self->exit_pushed = TRUE;
  ev = aat_event_new_message (AAT_EVENT_TYPE_EXIT, g_get_real_time () * 1000, why);
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
}

static gboolean
drain_cb (gpointer data)
{
  AatBinanceExchange *self = data;

  if (self->inflight > 0 && g_get_monotonic_time () < self->drain_deadline)
    return G_SOURCE_CONTINUE;
  self->drain_id = 0;
  push_exit (self, "the stream ended");
  return G_SOURCE_REMOVE;
}

/* No more market data; REST answers in flight are awaited (drain-timeout-ms), so an
 * order's outcome is not lost at the end of a run; then EXIT. */
static void
end_stream (AatBinanceExchange *self, const char *why)
{
  if (self->ended)
    return;
  self->ended = TRUE;
  say (self, "%s", why);
  if (self->duration_id != 0)
    {
      g_source_remove (self->duration_id);
      self->duration_id = 0;
    }
  if (self->inflight > 0 && self->drain_ms > 0)
    {
      self->drain_deadline = g_get_monotonic_time () + (gint64) self->drain_ms * 1000;
      self->drain_id = g_timeout_add (10, drain_cb, self);
      return;
    }
  push_exit (self, why);
}

static gboolean
duration_cb (gpointer data)
{
  AatBinanceExchange *self = data;

  self->duration_id = 0;
  end_stream (self, "duration reached");
  return G_SOURCE_REMOVE;
}

static void
count_event (AatBinanceExchange *self)
{
  self->events++;
  if (self->max_events > 0 && self->events >= self->max_events)
    end_stream (self, "max-events reached");
}

/* ---- REST ---- */

/* @status 0: no answer (I/O). @code: Binance's error code. */
typedef void (*ReqDone) (AatBinanceExchange *self, guint status, int code, const char *body,
                         const GError *error, gpointer data);

typedef struct {
  AatBinanceExchange *self;        /* borrowed: stop() ends every request first */
  char *method, *path, *params;
  gboolean sign, key;
  ReqDone done;
  gpointer data;
  GDestroyNotify data_free;
  SoupMessage *msg;
  GCancellable *cancellable;       /* the one it was sent with: cancelled → self may be gone */
  guint attempts, timer_id;
} Req;

static void req_send (Req *req);

static void
req_free (Req *req)
{
  if (req->data_free != NULL && req->data != NULL)
    req->data_free (req->data);
  g_clear_object (&req->msg);
  g_clear_object (&req->cancellable);
  g_free (req->method);
  g_free (req->path);
  g_free (req->params);
  g_free (req);
}

static gboolean
req_timer_cb (gpointer data)
{
  Req *req = data;

  req->timer_id = 0;
  g_hash_table_remove (req->self->timers, req);
  req_send (req);
  return G_SOURCE_REMOVE;
}

static void
req_later (Req *req, guint ms)
{
  req->timer_id = g_timeout_add (MAX (ms, 1u), req_timer_cb, req);
  g_hash_table_add (req->self->timers, req);
}

static guint64
now_ms (AatBinanceExchange *self)
{
  return self->fixed_timestamp > 0 ? self->fixed_timestamp : (guint64) (g_get_real_time () / 1000);
}

/* The query string actually sent: the parameters, then for SIGNED endpoints
 * recvWindow, timestamp and the signature of all that comes before it. */
static char *
build_query (AatBinanceExchange *self, const char *params, gboolean sign)
{
  GString *q = g_string_new (params != NULL ? params : "");
  g_autofree char *sig = NULL;

  if (!sign)
    return g_string_free (q, FALSE);
  g_string_append_printf (q, "%srecvWindow=%u&timestamp=%" G_GUINT64_FORMAT, q->len > 0 ? "&" : "",
                          self->recv_window, now_ms (self));
  sig = aat_binance_sign (self->api_secret, q->str);
  g_string_append_printf (q, "&signature=%s", sig);
  return g_string_free (q, FALSE);
}

static void
req_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Req *req = data;
  AatBinanceExchange *self = req->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) reply_error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *body = NULL;
  SoupMessageHeaders *headers;
  const char *weight, *retry_after;
  guint status, retry_ms = 0;
  int code = 0;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || g_cancellable_is_cancelled (req->cancellable))
    {
      req_free (req);
      return;
    }
  self->inflight--;
  if (bytes == NULL)
    {
      g_autofree char *what = g_strdup_printf ("binance: %s %s: no answer: %s", req->method, req->path,
                                               error->message);
      g_autofree char *clean = aat_binance_redact (what, self->api_key, self->api_secret);
      g_autoptr (GError) e = g_error_new_literal (AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED, clean);
      req->done (self, 0, 0, NULL, e, req->data);
      req_free (req);
      return;
    }
  status = soup_message_get_status (req->msg);
  headers = soup_message_get_response_headers (req->msg);
  weight = soup_message_headers_get_one (headers, "X-MBX-USED-WEIGHT-1M");
  retry_after = soup_message_headers_get_one (headers, "Retry-After");
  if (weight != NULL)
    {
      self->used_weight = (guint) g_ascii_strtoull (weight, NULL, 10);
      if (self->weight_limit > 0 && self->used_weight >= self->weight_limit)
        {
          /* the weight counts per minute: wait for the next one */
          gint64 ms = 60000 - (g_get_real_time () / 1000) % 60000;
          self->blocked_until = MAX (self->blocked_until, g_get_monotonic_time () + ms * 1000);
          say (self, "request weight %u of the minute reached the limit %u; waiting %" G_GINT64_FORMAT " ms",
               self->used_weight, self->weight_limit, ms);
        }
    }
  body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (!aat_binance_check_reply (status, body, retry_after, &code, &retry_ms, &reply_error))
    {
      g_autofree char *clean = aat_binance_redact (reply_error->message, self->api_key, self->api_secret);

      if (g_error_matches (reply_error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_RATE_LIMITED) && !self->ended)
        {
          /* everything waits; the same request (same newClientOrderId) goes again */
          self->rate_limited++;
          self->blocked_until = MAX (self->blocked_until, g_get_monotonic_time () + (gint64) retry_ms * 1000);
          req->attempts++;
          say (self, "%s %s: %s; retrying in %u ms", req->method, req->path, clean, retry_ms);
          g_clear_object (&req->msg);
          req_send (req);
          return;
        }
      {
        g_autoptr (GError) e = g_error_new_literal (reply_error->domain, reply_error->code, clean);
        req->done (self, status, code, body, e, req->data);
      }
      req_free (req);
      return;
    }
  req->done (self, status, 0, body, NULL, req->data);
  req_free (req);
}

static void
req_send (Req *req)
{
  AatBinanceExchange *self = req->self;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *query = NULL;
  g_autofree char *url = NULL;

  if (self->blocked_until > now)
    {
      req_later (req, (guint) ((self->blocked_until - now + 999) / 1000));
      return;
    }
  query = build_query (self, req->params, req->sign);
  url = g_strdup_printf ("%s%s%s%s", self->base_url, req->path, *query ? "?" : "", query);
  req->msg = soup_message_new (req->method, url);
  if (req->msg == NULL)
    {
      g_autoptr (GError) e = g_error_new (AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_CONFIG,
                                          "binance: cannot make a request of %s%s", self->base_url, req->path);
      req->done (self, 0, 0, NULL, e, req->data);
      req_free (req);
      return;
    }
  if (req->key && self->api_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (req->msg), "X-MBX-APIKEY", self->api_key);
  self->inflight++;
  g_clear_object (&req->cancellable);
  req->cancellable = g_object_ref (self->cancellable);
  soup_session_send_and_read_async (self->session, req->msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    req_done_cb, req);
}

static void
request (AatBinanceExchange *self, const char *method, const char *path, const char *params,
         gboolean sign, gboolean key, guint delay_ms, ReqDone done, gpointer data, GDestroyNotify data_free)
{
  Req *req = g_new0 (Req, 1);

  req->self = self;
  req->method = g_strdup (method);
  req->path = g_strdup (path);
  req->params = g_strdup (params);
  req->sign = sign;
  req->key = key || sign;
  req->done = done;
  req->data = data;
  req->data_free = data_free;
  if (delay_ms > 0)
    req_later (req, delay_ms);
  else
    req_send (req);
}

/* ---- the books ---- */

static Sym *
find_sym (AatBinanceExchange *self, const char *name)
{
  return name != NULL ? g_hash_table_lookup (self->syms, name) : NULL;
}

static gint64
to_ticks (Sym *sym, double price)
{
  double tick = sym->info != NULL && sym->info->tick_size > 0 ? sym->info->tick_size : 1e-8;
  return (gint64) llround (price / tick);
}

static gint64
to_lots (Sym *sym, double qty)
{
  double step = sym->info != NULL && sym->info->step_size > 0 ? sym->info->step_size : 1e-8;
  return MAX ((gint64) llround (qty / step), (gint64) 1);
}

/* One resting order per price level; its id encodes the price and the side. */
static void
mirror_set (AatBinanceExchange *self, Sym *sym, AatSide side, double price, double qty)
{
  gint64 ticks = to_ticks (sym, price), other, remaining;
  guint64 id = (((guint64) ticks) << 1 | (side == AAT_SIDE_SELL)) + 1;
  AatBookOrder o = { 0 };

  if (qty <= 0)
    {
      aat_order_book_cancel (sym->mirror, id);
      return;
    }
  if (aat_order_book_find_raw (sym->mirror, id, NULL, &remaining))
    {
      if (remaining != to_lots (sym, qty))
        aat_order_book_change_raw (sym->mirror, id, ticks, to_lots (sym, qty));
      return;
    }
  /* the book never crosses once a diff is applied whole; refuse a level that would */
  if (aat_order_book_best_raw (sym->mirror, side == AAT_SIDE_BUY ? AAT_SIDE_SELL : AAT_SIDE_BUY, &other, NULL, NULL) &&
      (side == AAT_SIDE_BUY ? ticks >= other : ticks <= other))
    {
      self->crossed++;
      return;
    }
  o.id = id;
  o.side = side;
  o.type = AAT_ORDER_TYPE_LIMIT;
  o.flag = AAT_ORDER_FLAG_NONE;
  o.price = ticks;
  o.volume = to_lots (sym, qty);
  aat_order_book_add_raw (sym->mirror, &o);
}

typedef struct {
  AatBinanceExchange *self;
  Sym *sym;
  AatSide side;
} MirrorFill;

static void
mirror_level (double price, double qty, gpointer data)
{
  MirrorFill *mf = data;

  mirror_set (mf->self, mf->sym, mf->side, price, qty);
}

static void
mirror_rebuild (AatBinanceExchange *self, Sym *sym)
{
  MirrorFill bids = { self, sym, AAT_SIDE_BUY }, asks = { self, sym, AAT_SIDE_SELL };

  aat_order_book_clear (sym->mirror);
  aat_binance_book_foreach (sym->book, AAT_SIDE_BUY, mirror_level, &bids);
  aat_binance_book_foreach (sym->book, AAT_SIDE_SELL, mirror_level, &asks);
}

/* The levels a diff touched take the core book's new quantities: removals first, so the
 * mirror never crosses midway. */
static void
mirror_diff (AatBinanceExchange *self, Sym *sym, JsonObject *diff)
{
  const char *members[] = { "b", "a" };

  for (guint pass = 0; pass < 2; pass++)
    for (guint m = 0; m < G_N_ELEMENTS (members); m++)
      {
        JsonNode *n = json_object_get_member (diff, members[m]);
        JsonArray *levels = n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
        AatSide side = m == 0 ? AAT_SIDE_BUY : AAT_SIDE_SELL;

        for (guint i = 0; levels != NULL && i < json_array_get_length (levels); i++)
          {
            JsonArray *pair = json_array_get_array_element (levels, i);
            double price = g_ascii_strtod (json_array_get_string_element (pair, 0), NULL);
            double qty = aat_binance_book_volume_at (sym->book, side, price);

            if ((pass == 0) == (qty <= 0))
              mirror_set (self, sym, side, price, qty);
          }
      }
}

static void
publish_top (AatBinanceExchange *self, Sym *sym, AatTime ts)
{
  double bid, bid_size, ask, ask_size;
  g_autoptr (AatQuote) quote = NULL;
  g_autoptr (AatEvent) ev = NULL;

  if (!aat_binance_book_top (sym->book, &bid, &bid_size, &ask, &ask_size) || self->ended)
    return;
  if (bid == sym->bid && bid_size == sym->bid_size && ask == sym->ask && ask_size == sym->ask_size)
    return;
  sym->bid = bid;
  sym->bid_size = bid_size;
  sym->ask = ask;
  sym->ask_size = ask_size;
  quote = aat_quote_new (sym->inst, ts > 0 ? ts : g_get_real_time () * 1000, bid, bid_size, ask, ask_size);
  aat_quote_set_exchange (quote, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
  ev = aat_event_new_quote (quote);
  self->quotes++;
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
  count_event (self);
}

static void
snapshot_done (AatBinanceExchange *self, guint status, int code, const char *body, const GError *error,
               gpointer data)
{
  Sym *sym = find_sym (self, data);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) local = NULL;
  AatBinanceBookResult r;

  if (sym == NULL)
    return;
  sym->snapshot_pending = FALSE;
  if (self->ended)
    return;
  if (error != NULL)
    {
      self->errors++;
      say (self, "%s: depth snapshot failed: %s; trying again", sym->name, error->message);
      request_snapshot (self, sym, MAX (self->reconnect_min_ms, 200u));
      return;
    }
  root = parse_json (body);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      self->errors++;
      say (self, "%s: the depth snapshot is not a JSON object; trying again", sym->name);
      request_snapshot (self, sym, MAX (self->reconnect_min_ms, 200u));
      return;
    }
  r = aat_binance_book_snapshot (sym->book, json_node_get_object (root), &local);
  if (local != NULL)
    {
      self->errors++;
      say (self, "%s: %s", sym->name, local->message);
    }
  if (r == AAT_BINANCE_BOOK_APPLIED)
    {
      self->snapshots++;
      mirror_rebuild (self, sym);
      publish_top (self, sym, 0);
    }
  else
    {
      if (r == AAT_BINANCE_BOOK_GAP)
        self->gaps++;
      request_snapshot (self, sym, 50);
    }
}

static void
request_snapshot (AatBinanceExchange *self, Sym *sym, guint delay_ms)
{
  g_autofree char *params = NULL;

  if (sym->snapshot_pending || self->ended)
    return;
  sym->snapshot_pending = TRUE;
  params = g_strdup_printf ("symbol=%s&limit=%u", sym->name, self->depth_limit);
  request (self, "GET", "/api/v3/depth", params, FALSE, FALSE, delay_ms, snapshot_done, g_strdup (sym->name), g_free);
}

static void
handle_depth (AatBinanceExchange *self, Sym *sym, JsonObject *diff)
{
  g_autoptr (GError) error = NULL;
  AatBinanceBookResult r = aat_binance_book_diff (sym->book, diff, &error);

  if (error != NULL)
    {
      self->errors++;
      say (self, "%s: malformed depth update ignored: %s", sym->name, error->message);
      return;
    }
  switch (r)
    {
    case AAT_BINANCE_BOOK_APPLIED:
      mirror_diff (self, sym, diff);
      publish_top (self, sym, (AatTime) num_member (diff, "E") * 1000000);
      break;
    case AAT_BINANCE_BOOK_GAP:
      self->gaps++;
      say (self, "%s: gap in the depth updates (U=%" G_GINT64_FORMAT "); resynchronising from a new snapshot",
           sym->name, json_object_get_int_member (diff, "U"));
      aat_order_book_clear (sym->mirror);
      request_snapshot (self, sym, 0);
      break;
    default:
      break;
    }
}

static void
handle_trade (AatBinanceExchange *self, Sym *sym, JsonObject *msg)
{
  g_autoptr (AatTrade) trade = NULL;
  g_autoptr (AatEvent) ev = NULL;
  JsonNode *m = json_object_get_member (msg, "m");
  double price, qty, ts;

  if (!is_number_string (msg, "p") || !is_number_string (msg, "q"))
    {
      self->errors++;
      say (self, "%s: malformed trade ignored (p and q must be decimal strings)", sym->name);
      return;
    }
  price = num_member (msg, "p");
  qty = num_member (msg, "q");
  ts = num_member (msg, "T");
  if (!(price > 0) || !(qty > 0) || self->ended)
    return;
  /* m: the buyer is the maker, so the taker sold */
  trade = aat_trade_new (sym->inst, m != NULL && JSON_NODE_HOLDS_VALUE (m) && json_node_get_boolean (m) ?
                         AAT_SIDE_SELL : AAT_SIDE_BUY, qty, price,
                         ts > 0 ? (AatTime) ts * 1000000 : g_get_real_time () * 1000);
  aat_trade_set_exchange (trade, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
  ev = aat_event_new_trade (trade);
  self->trades++;
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
  count_event (self);
}

static void
market_message (AatBinanceExchange *self, JsonObject *root)
{
  JsonNode *data = json_object_get_member (root, "data");
  JsonObject *msg = data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : root;
  const char *e = str_member (msg, "e");
  Sym *sym = find_sym (self, str_member (msg, "s"));

  if (json_object_has_member (root, "result") && json_object_has_member (root, "id"))
    return;   /* the answer to a SUBSCRIBE */
  if (e == NULL || sym == NULL)
    {
      self->errors++;
      say (self, "market stream: a message without a known event type and symbol ignored");
      return;
    }
  if (strcmp (e, "trade") == 0)
    handle_trade (self, sym, msg);
  else if (strcmp (e, "depthUpdate") == 0)
    handle_depth (self, sym, msg);
}

/* ---- orders ---- */

static void
order_done (AatBinanceExchange *self, COrder *co)
{
  g_hash_table_remove (self->orders, aat_order_get_client_id (co->order));
}

/* An order's state from any source (POST/DELETE answer, executionReport, GET order,
 * openOrders): acknowledged once; fills from the cumulative executed quantity, so none
 * is emitted twice; then the end state. Returns FALSE when the order is done. */
static gboolean
apply_state (AatBinanceExchange *self, COrder *co, const char *status, double cum, double cum_quote,
             double last_price, const char *reason, gboolean reconciled)
{
  AatOrder *o = co->order;

  if (g_strcmp0 (status, "REJECTED") == 0 && co->cum <= 0)
    {
      g_autofree char *why = g_strdup_printf ("binance: rejected: %s", reason != NULL ? reason : "no reason given");
      self->rejects++;
      aat_exchange_emit_rejected (AAT_EXCHANGE (self), o, why);
      order_done (self, co);
      return FALSE;
    }
  if (!co->acked)
    {
      co->acked = TRUE;
      self->acks++;
      aat_exchange_emit_received (AAT_EXCHANGE (self), o);
    }
  if (cum > co->cum + 1e-12)
    {
      double volume = cum - co->cum;
      double price = cum_quote > co->cum_quote + 1e-12 ? (cum_quote - co->cum_quote) / volume
                   : last_price > 0 ? last_price : aat_order_get_price (o);

      co->cum = cum;
      co->cum_quote = MAX (cum_quote, co->cum_quote);
      self->fills++;
      if (reconciled)
        self->reconciled_fills++;
      aat_exchange_emit_fill (AAT_EXCHANGE (self), o, volume, price, 0.0, 0.0, g_get_real_time () * 1000);
    }
  if (g_strcmp0 (status, "FILLED") == 0 || aat_order_is_done (o))
    {
      order_done (self, co);
      return FALSE;
    }
  if (g_strcmp0 (status, "CANCELED") == 0 || g_strcmp0 (status, "EXPIRED") == 0 ||
      g_strcmp0 (status, "EXPIRED_IN_MATCH") == 0 || g_strcmp0 (status, "REJECTED") == 0)
    {
      self->canceled++;
      aat_exchange_emit_canceled (AAT_EXCHANGE (self), o);
      order_done (self, co);
      return FALSE;
    }
  return TRUE;
}

/* An order object of the REST API (GET /api/v3/order, openOrders, DELETE answer). */
static void
apply_order_object (AatBinanceExchange *self, COrder *co, JsonObject *o, gboolean reconciled)
{
  double cum = num_member (o, "executedQty");
  double quote = num_member (o, "cummulativeQuoteQty");

  apply_state (self, co, str_member (o, "status"), cum, quote, num_member (o, "price"), NULL, reconciled);
}

static void
execution_report (AatBinanceExchange *self, JsonObject *msg)
{
  const char *x = str_member (msg, "x");
  const char *cid = str_member (msg, "c");
  const char *orig = str_member (msg, "C");
  COrder *co;

  /* a cancel's report names the cancel request in c and the order in C */
  if (g_strcmp0 (x, "CANCELED") == 0 && orig != NULL && *orig)
    cid = orig;
  co = cid != NULL ? g_hash_table_lookup (self->orders, cid) : NULL;
  if (co == NULL)
    return;   /* not ours, or already done */
  if (!is_number_string (msg, "z") || str_member (msg, "X") == NULL)
    {
      self->errors++;
      say (self, "user stream: malformed executionReport for %s ignored", cid);
      return;
    }
  apply_state (self, co, str_member (msg, "X"), num_member (msg, "z"), num_member (msg, "Z"),
               num_member (msg, "L"), str_member (msg, "r"), FALSE);
}

static void
user_message (AatBinanceExchange *self, JsonObject *root)
{
  JsonNode *data = json_object_get_member (root, "event");
  JsonObject *msg = data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : root;
  const char *e = str_member (msg, "e");

  if (g_strcmp0 (e, "executionReport") == 0)
    execution_report (self, msg);
  else if (g_strcmp0 (e, "listenKeyExpired") == 0)
    link_drop (&self->user, "the listenKey expired");
  else if (e == NULL)
    {
      self->errors++;
      say (self, "user stream: a message without an event type ignored");
    }
  /* outboundAccountPosition, balanceUpdate: not used */
}

static void
order_reply (AatBinanceExchange *self, guint status, int code, const char *body, const GError *error,
             gpointer data)
{
  COrder *co = g_hash_table_lookup (self->orders, data);

  if (co == NULL)
    return;
  if (error == NULL)
    {
      g_autoptr (JsonNode) root = parse_json (body);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) && json_object_has_member (json_node_get_object (root), "status"))
        apply_order_object (self, co, json_node_get_object (root), FALSE);   /* RESULT/FULL */
      else
        apply_state (self, co, "NEW", 0, 0, 0, NULL, FALSE);              /* ACK */
      return;
    }
  if (code == -2010 && strstr (error->message, "Duplicate") != NULL)
    {
      /* a retry of an order that did arrive: ask for its state */
      query_order (self, co);
      return;
    }
  if (status == 0 || g_error_matches (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_SERVER))
    {
      /* the order may or may not be at the venue */
      say (self, "order %s: %s; asking for its state", (const char *) data, error->message);
      g_free (co->unknown_outcome);
      co->unknown_outcome = g_strdup (error->message);
      query_order (self, co);
      return;
    }
  say (self, "order %s refused: %s", (const char *) data, error->message);
  self->rejects++;
  aat_exchange_emit_rejected (AAT_EXCHANGE (self), co->order, error->message);
  order_done (self, co);
}

static void
send_order (AatBinanceExchange *self, COrder *co)
{
  g_autofree char *reason = NULL;
  g_autofree char *query = NULL;
  const char *cid = aat_order_get_client_id (co->order);

  query = aat_binance_order_query (co->order, co->sym->info, cid, &reason);
  if (query == NULL)
    {
      self->rejects++;
      aat_exchange_emit_rejected (AAT_EXCHANGE (self), co->order, reason);
      order_done (self, co);
      return;
    }
  co->sent = TRUE;
  self->orders_sent++;
  request (self, "POST", "/api/v3/order", query, TRUE, TRUE, 0, order_reply, g_strdup (cid), g_free);
}

static void
query_reply (AatBinanceExchange *self, guint status, int code, const char *body, const GError *error,
             gpointer data)
{
  COrder *co = g_hash_table_lookup (self->orders, data);
  g_autoptr (JsonNode) root = NULL;

  if (co == NULL)
    return;
  if (error != NULL)
    {
      if (code == -2013)
        {
          /* the venue never had it */
          g_autofree char *why = g_strdup_printf ("binance: the order is unknown to the venue%s%s",
                                                  co->unknown_outcome != NULL ? " after: " : "",
                                                  co->unknown_outcome != NULL ? co->unknown_outcome : "");
          self->rejects++;
          aat_exchange_emit_rejected (AAT_EXCHANGE (self), co->order, why);
          order_done (self, co);
          return;
        }
      self->errors++;
      say (self, "order %s: status query failed: %s", (const char *) data, error->message);
      return;
    }
  root = parse_json (body);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    apply_order_object (self, co, json_node_get_object (root), TRUE);
}

static void
query_order (AatBinanceExchange *self, COrder *co)
{
  g_autofree char *params = g_strdup_printf ("symbol=%s&origClientOrderId=%s", co->sym->name,
                                             aat_order_get_client_id (co->order));

  request (self, "GET", "/api/v3/order", params, TRUE, TRUE, 0, query_reply,
           g_strdup (aat_order_get_client_id (co->order)), g_free);
}

static void
cancel_reply (AatBinanceExchange *self, guint status, int code, const char *body, const GError *error,
              gpointer data)
{
  COrder *co = g_hash_table_lookup (self->orders, data);
  g_autoptr (JsonNode) root = NULL;

  if (co == NULL)
    return;
  co->cancel_pending = FALSE;
  if (error != NULL)
    {
      /* -2011: unknown order, most likely filled meanwhile: the state says */
      say (self, "cancel of %s: %s", (const char *) data, error->message);
      query_order (self, co);
      return;
    }
  root = parse_json (body);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    apply_order_object (self, co, json_node_get_object (root), FALSE);
}

/* After the user stream reconnects: what happened to each working order meanwhile. */
typedef struct {
  char *symbol;
  GPtrArray *cids;   /* the working orders of the symbol when asked */
} OpenQuery;

static void
open_query_free (gpointer data)
{
  OpenQuery *q = data;

  g_free (q->symbol);
  g_ptr_array_unref (q->cids);
  g_free (q);
}

static void
open_orders_reply (AatBinanceExchange *self, guint status, int code, const char *body, const GError *error,
                   gpointer data)
{
  OpenQuery *q = data;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GHashTable) open = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *list;

  if (error != NULL)
    {
      self->errors++;
      say (self, "openOrders %s: %s; asking order by order", q->symbol, error->message);
    }
  root = error == NULL ? parse_json (body) : NULL;
  list = root != NULL && JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root) : NULL;
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *n = json_array_get_element (list, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *cid = str_member (o, "clientOrderId");
      COrder *co = cid != NULL ? g_hash_table_lookup (self->orders, cid) : NULL;

      if (co == NULL)
        continue;
      g_hash_table_add (open, (gpointer) cid);
      apply_order_object (self, co, o, TRUE);
    }
  /* no longer open: filled, cancelled or expired while we were away */
  for (guint i = 0; i < q->cids->len; i++)
    {
      COrder *co = g_hash_table_lookup (self->orders, q->cids->pdata[i]);
      if (co != NULL && !g_hash_table_contains (open, q->cids->pdata[i]))
        query_order (self, co);
    }
}

static void
reconcile (AatBinanceExchange *self)
{
  for (guint s = 0; s < self->sym_list->len; s++)
    {
      Sym *sym = self->sym_list->pdata[s];
      OpenQuery *q = g_new0 (OpenQuery, 1);
      g_autofree char *params = g_strdup_printf ("symbol=%s", sym->name);
      GHashTableIter iter;
      gpointer value;

      q->symbol = g_strdup (sym->name);
      q->cids = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_iter_init (&iter, self->orders);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (((COrder *) value)->sym == sym && ((COrder *) value)->sent)
          g_ptr_array_add (q->cids, g_strdup (aat_order_get_client_id (((COrder *) value)->order)));
      if (q->cids->len == 0)
        {
          open_query_free (q);
          continue;
        }
      say (self, "reconciling %u working order%s of %s", q->cids->len, q->cids->len == 1 ? "" : "s", sym->name);
      request (self, "GET", "/api/v3/openOrders", params, TRUE, TRUE, 0, open_orders_reply, q, open_query_free);
    }
}

/* ---- the websocket links ---- */

static void
on_ws_message (SoupWebsocketConnection *conn, int data_type, GBytes *message, gpointer user_data)
{
  Link *link = user_data;
  AatBinanceExchange *self = link->self;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);
  g_autofree char *text = g_strndup (data != NULL ? data : "", len);
  g_autoptr (JsonNode) root = parse_json (text);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      self->errors++;
      say (self, "%s stream: a message that is not a JSON object ignored (%" G_GSIZE_FORMAT " bytes)",
           link->kind == LINK_MARKET ? "market" : "user", len);
      return;
    }
  if (link->kind == LINK_MARKET)
    market_message (self, json_node_get_object (root));
  else
    user_message (self, json_node_get_object (root));
}

static void
on_ws_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  link_drop (user_data, "the connection closed");
}

static gboolean
link_backoff_cb (gpointer data)
{
  Link *link = data;

  link->backoff_id = 0;
  link_connect (link);
  return G_SOURCE_REMOVE;
}

static void
link_schedule (Link *link)
{
  AatBinanceExchange *self = link->self;
  guint64 delay;

  if (self->ended || link->backoff_id != 0 || link->connecting)
    return;
  if (self->max_reconnects >= 0 && link->attempts >= (guint) self->max_reconnects)
    {
      g_autoptr (GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                              "binance: gave up after %u reconnection attempts to %s",
                                              link->attempts, self->ws_url);
      aat_exchange_emit_error (AAT_EXCHANGE (self), error);
      end_stream (self, error->message);
      return;
    }
  delay = (guint64) self->reconnect_min_ms << MIN (link->attempts, 20u);
  delay = MIN (delay, (guint64) self->reconnect_max_ms);
  link->attempts++;
  link->backoff_id = g_timeout_add ((guint) delay, link_backoff_cb, link);
}

static void
link_drop (Link *link, const char *why)
{
  SoupWebsocketConnection *conn = g_steal_pointer (&link->conn);

  if (conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (conn, link);
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_object_unref (conn);
  if (link->self->ended)
    return;
  say (link->self, "%s stream: %s; reconnecting", link->kind == LINK_MARKET ? "market" : "user", why);
  link_schedule (link);
}

typedef struct {
  Link *link;
  GCancellable *cancellable;   /* cancelled → the exchange may be gone */
} Connecting;

static void
on_ws_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Connecting *c = user_data;
  Link *link = c->link;
  gboolean gone = g_cancellable_is_cancelled (c->cancellable);
  AatBinanceExchange *self;
  g_autoptr (GError) error = NULL;
  SoupWebsocketConnection *conn;

  g_object_unref (c->cancellable);
  g_free (c);
  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (gone || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (conn != NULL)
        {
          soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
          g_object_unref (conn);
        }
      return;
    }
  self = link->self;
  link->connecting = FALSE;
  if (conn == NULL)
    {
      say (self, "%s stream: cannot connect: %s", link->kind == LINK_MARKET ? "market" : "user", error->message);
      link_schedule (link);
      return;
    }
  if (self->ended)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (conn);
      return;
    }
  link->conn = conn;
  link->attempts = 0;
  soup_websocket_connection_set_max_incoming_payload_size (conn, 16 * 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (on_ws_message), link);
  g_signal_connect (conn, "closed", G_CALLBACK (on_ws_closed), link);
  if (link->ever)
    {
      self->reconnects++;
      say (self, "%s stream: reconnected", link->kind == LINK_MARKET ? "market" : "user");
    }
  link->ever = TRUE;
  if (link->kind == LINK_MARKET)
    {
      /* (re)synchronise every book: diffs buffer from now; then the snapshot */
      for (guint i = 0; i < self->sym_list->len; i++)
        {
          Sym *sym = self->sym_list->pdata[i];
          aat_binance_book_reset (sym->book);
          aat_order_book_clear (sym->mirror);
          request_snapshot (self, sym, 0);
        }
    }
  else
    reconcile (self);
}

static void
ws_open (Link *link, const char *path)
{
  AatBinanceExchange *self = link->self;
  g_autofree char *url = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  Connecting *c;

  /* a SoupMessage wants http(s); the handshake upgrades it */
  if (g_str_has_prefix (self->ws_url, "wss://"))
    url = g_strconcat ("https://", self->ws_url + 6, path, NULL);
  else if (g_str_has_prefix (self->ws_url, "ws://"))
    url = g_strconcat ("http://", self->ws_url + 5, path, NULL);
  msg = url != NULL ? soup_message_new ("GET", url) : NULL;
  if (msg == NULL)
    {
      link->connecting = FALSE;
      say (self, "cannot open a websocket on %s", self->ws_url);
      link_schedule (link);
      return;
    }
  link->connecting = TRUE;
  c = g_new0 (Connecting, 1);
  c->link = link;
  c->cancellable = g_object_ref (self->cancellable);
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, self->cancellable,
                                        on_ws_connected, c);
}

static void
listen_key_done (AatBinanceExchange *self, guint status, int code, const char *body, const GError *error,
                 gpointer data)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *path = NULL;
  const char *key;

  self->user.connecting = FALSE;
  root = error == NULL ? parse_json (body) : NULL;
  key = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? str_member (json_node_get_object (root), "listenKey") : NULL;
  if (key == NULL)
    {
      self->errors++;
      say (self, "user stream: no listenKey: %s", error != NULL ? error->message : "malformed answer");
      if (error != NULL && g_error_matches (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_AUTH))
        {
          aat_exchange_emit_error (AAT_EXCHANGE (self), error);
          return;
        }
      link_schedule (&self->user);
      return;
    }
  g_free (self->listen_key);
  self->listen_key = g_strdup (key);
  path = g_strdup_printf ("/ws/%s", key);
  ws_open (&self->user, path);
}

static void
keepalive_done (AatBinanceExchange *self, guint status, int code, const char *body, const GError *error,
                gpointer data)
{
  if (error != NULL)
    say (self, "user stream keepalive failed: %s", error->message);
  else
    self->keepalives++;
}

static gboolean
keepalive_cb (gpointer data)
{
  AatBinanceExchange *self = data;
  g_autofree char *params = NULL;

  if (self->listen_key == NULL || self->ended)
    return G_SOURCE_CONTINUE;
  params = g_strdup_printf ("listenKey=%s", self->listen_key);
  request (self, "PUT", "/api/v3/userDataStream", params, FALSE, TRUE, 0, keepalive_done, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

static void
link_connect (Link *link)
{
  AatBinanceExchange *self = link->self;

  if (self->ended || link->connecting || link->conn != NULL)
    return;
  if (link->kind == LINK_MARKET)
    {
      GString *path = g_string_new ("/stream?streams=");
      for (guint i = 0; i < self->sym_list->len; i++)
        {
          Sym *sym = self->sym_list->pdata[i];
          g_string_append_printf (path, "%s%s@trade/%s@depth@100ms", i > 0 ? "/" : "", sym->lower, sym->lower);
        }
      ws_open (link, path->str);
      g_string_free (path, TRUE);
      return;
    }
  /* the user stream: a listenKey first (the same key while it is valid) */
  link->connecting = TRUE;
  request (self, "POST", "/api/v3/userDataStream", NULL, FALSE, TRUE, 0, listen_key_done, NULL, NULL);
}

/* ---- start ---- */

static void
info_done (AatBinanceExchange *self, guint status, int code, const char *body, const GError *error, gpointer data)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GPtrArray) waiting = NULL;

  if (error == NULL)
    {
      g_clear_pointer (&self->info, g_hash_table_unref);
      self->info = aat_binance_parse_exchange_info (body, &local);
    }
  if (error != NULL || self->info == NULL)
    {
      guint64 delay = MIN ((guint64) self->reconnect_min_ms << MIN (self->info_attempts, 20u),
                           (guint64) self->reconnect_max_ms);
      self->errors++;
      if (self->max_reconnects >= 0 && self->info_attempts >= (guint) self->max_reconnects)
        {
          g_autoptr (GError) e = g_error_new (AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_FAILED,
                                              "binance: no exchangeInfo from %s after %u attempts: %s", self->base_url,
                                              self->info_attempts + 1, error != NULL ? error->message : local->message);
          aat_exchange_emit_error (AAT_EXCHANGE (self), e);
          end_stream (self, e->message);
          return;
        }
      self->info_attempts++;
      say (self, "exchangeInfo failed: %s; trying again in %" G_GUINT64_FORMAT " ms",
           error != NULL ? error->message : local->message, delay);
      request (self, "GET", "/api/v3/exchangeInfo", NULL, FALSE, FALSE, (guint) delay, info_done, NULL, NULL);
      return;
    }
  for (guint i = 0; i < self->sym_list->len; i++)
    {
      Sym *sym = self->sym_list->pdata[i];
      sym->info = g_hash_table_lookup (self->info, sym->name);
      if (sym->info == NULL)
        {
          g_autoptr (GError) e = g_error_new (AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_CONFIG,
                                              "binance: symbol %s is not listed in exchangeInfo", sym->name);
          aat_exchange_emit_error (AAT_EXCHANGE (self), e);
          end_stream (self, e->message);
          return;
        }
      if (sym->info->tick_size > 0)
        aat_instrument_set_tick_size (sym->inst, sym->info->tick_size);
      if (sym->info->step_size > 0)
        aat_instrument_set_lot_size (sym->inst, sym->info->step_size);
    }
  self->info_loaded = TRUE;
  link_connect (&self->market);
  if (has_credentials (self))
    link_connect (&self->user);
  waiting = g_steal_pointer (&self->waiting_orders);
  self->waiting_orders = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < waiting->len; i++)
    {
      COrder *co = g_hash_table_lookup (self->orders, waiting->pdata[i]);
      if (co != NULL)
        send_order (self, co);
    }
}

static void
make_syms (AatBinanceExchange *self)
{
  const char *defaults[] = { "BTCUSDT", NULL };
  const char *const *names = self->symbols != NULL && self->symbols[0] != NULL ?
                             (const char *const *) self->symbols : defaults;

  if (self->sym_list->len > 0)
    return;
  for (guint i = 0; names[i] != NULL; i++)
    {
      Sym *sym;
      if (find_sym (self, names[i]) != NULL || *names[i] == '\0')
        continue;
      sym = g_new0 (Sym, 1);
      sym->name = g_ascii_strup (names[i], -1);
      sym->lower = g_ascii_strdown (names[i], -1);
      sym->inst = aat_instrument_get (sym->name, AAT_INSTRUMENT_TYPE_PAIR);
      sym->book = aat_binance_book_new ();
      sym->mirror = aat_order_book_new (sym->inst);
      g_hash_table_insert (self->syms, sym->name, sym);
      g_ptr_array_add (self->sym_list, sym);
    }
}

static gboolean
binance_start (AatExchange *exchange, GError **error)
{
  AatBinanceExchange *self = AAT_BINANCE_EXCHANGE (exchange);

  g_free (self->base_url);
  g_free (self->ws_url);
  self->base_url = g_strdup (self->base_url_prop != NULL ? self->base_url_prop
                             : self->sandbox ? AAT_BINANCE_TESTNET_REST_URL : AAT_BINANCE_REST_URL);
  self->ws_url = g_strdup (self->ws_url_prop != NULL ? self->ws_url_prop
                           : self->sandbox ? AAT_BINANCE_TESTNET_WS_URL : AAT_BINANCE_WS_URL);
  /* no trailing slash: paths are appended */
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  while (g_str_has_suffix (self->ws_url, "/"))
    self->ws_url[strlen (self->ws_url) - 1] = '\0';
  if (!g_str_has_prefix (self->base_url, "http://") && !g_str_has_prefix (self->base_url, "https://"))
    {
      g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_CONFIG,
                   "binance: base-url '%s' must start with http:// or https://", self->base_url);
      return FALSE;
    }
  if (!g_str_has_prefix (self->ws_url, "ws://") && !g_str_has_prefix (self->ws_url, "wss://"))
    {
      g_set_error (error, AAT_BINANCE_ERROR, AAT_BINANCE_ERROR_CONFIG,
                   "binance: ws-url '%s' must start with ws:// or wss://", self->ws_url);
      return FALSE;
    }
  if (self->api_key == NULL && g_getenv ("BINANCE_API_KEY") != NULL)
    self->api_key = g_strdup (g_getenv ("BINANCE_API_KEY"));
  if (self->api_secret == NULL && g_getenv ("BINANCE_API_SECRET") != NULL)
    self->api_secret = g_strdup (g_getenv ("BINANCE_API_SECRET"));
  make_syms (self);
  if (self->run_id == NULL)
    /* newClientOrderId allows 36 characters of [A-Za-z0-9_-] */
    self->run_id = g_strdup_printf ("aat%" G_GINT64_MODIFIER "x%x", g_get_real_time () / 1000, (guint) getpid () & 0xffff);
  self->started = TRUE;
  self->ended = self->exit_pushed = self->info_loaded = FALSE;
  self->info_attempts = 0;
  self->cancellable = g_cancellable_new ();
  self->session = soup_session_new_with_options ("timeout", 15, "idle-timeout", 0, "max-conns-per-host", 6, NULL);
  say (self, "%s mode, REST %s, streams %s, %u symbol%s, %s", self->base_url_prop != NULL ? "custom" :
       self->sandbox ? "sandbox (spot testnet)" : "LIVE", self->base_url, self->ws_url, self->sym_list->len,
       self->sym_list->len == 1 ? "" : "s", has_credentials (self) ? "order entry enabled" : "no credentials: market data only");
  if (self->duration > 0)
    self->duration_id = g_timeout_add ((guint) (self->duration * 1000), duration_cb, self);
  if (has_credentials (self) && self->keepalive > 0)
    self->keepalive_id = g_timeout_add ((guint) (self->keepalive * 1000), keepalive_cb, self);
  {
    /* symbols=["A","B"], URL-encoded */
    GString *p = g_string_new ("symbols=%5B");
    for (guint i = 0; i < self->sym_list->len; i++)
      g_string_append_printf (p, "%s%%22%s%%22", i > 0 ? "," : "", ((Sym *) self->sym_list->pdata[i])->name);
    g_string_append (p, "%5D");
    request (self, "GET", "/api/v3/exchangeInfo", p->str, FALSE, FALSE, 0, info_done, NULL, NULL);
    g_string_free (p, TRUE);
  }
  return TRUE;
}

static void
binance_stop (AatExchange *exchange)
{
  AatBinanceExchange *self = AAT_BINANCE_EXCHANGE (exchange);
  guint *ids[] = { &self->duration_id, &self->keepalive_id, &self->drain_id, &self->market.backoff_id,
                   &self->user.backoff_id };
  GHashTableIter iter;
  gpointer key;

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
  g_hash_table_iter_init (&iter, self->timers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Req *req = key;
      g_source_remove (req->timer_id);
      g_hash_table_iter_remove (&iter);
      req_free (req);
    }
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  link_drop (&self->market, "stopped");
  link_drop (&self->user, "stopped");
  g_message ("binance: %" G_GUINT64_FORMAT " trades, %" G_GUINT64_FORMAT " quotes, %u snapshots, %u gaps, "
             "%u orders sent, %" G_GUINT64_FORMAT " fills (%" G_GUINT64_FORMAT " reconciled), %" G_GUINT64_FORMAT
             " rejects, %u reconnections, %u rate-limit answers, %" G_GUINT64_FORMAT " errors",
             self->trades, self->quotes, self->snapshots, self->gaps, self->orders_sent, self->fills,
             self->reconciled_fills, self->rejects, self->reconnects, self->rate_limited, self->errors);
}

static GPtrArray *
binance_instruments (AatExchange *exchange)
{
  AatBinanceExchange *self = AAT_BINANCE_EXCHANGE (exchange);
  GPtrArray *out = g_ptr_array_new ();

  make_syms (self);
  for (guint i = 0; i < self->sym_list->len; i++)
    g_ptr_array_add (out, ((Sym *) self->sym_list->pdata[i])->inst);
  return out;
}

static void
binance_new_order (AatExchange *exchange, AatOrder *order)
{
  AatBinanceExchange *self = AAT_BINANCE_EXCHANGE (exchange);
  Sym *sym = find_sym (self, aat_instrument_get_name (aat_order_get_instrument (order)));
  COrder *co;

  if (aat_order_get_client_id (order) == NULL)
    {
      g_autofree char *cid = g_strdup_printf ("%s-%" G_GUINT64_FORMAT, self->run_id, aat_order_get_id (order));
      aat_order_set_client_id (order, cid);
    }
  if (sym == NULL)
    {
      aat_exchange_emit_rejected (exchange, order, aat_reject_reason_to_string (AAT_REJECT_REASON_WRONG_INSTRUMENT));
      return;
    }
  if (!has_credentials (self))
    {
      aat_exchange_emit_rejected (exchange, order, "binance: no API credentials (set BINANCE_API_KEY and "
                                  "BINANCE_API_SECRET, or api-key and api-secret)");
      return;
    }
  if (self->ended || !self->started)
    {
      aat_exchange_emit_rejected (exchange, order, "binance: the stream has ended");
      return;
    }
  if (g_hash_table_contains (self->orders, aat_order_get_client_id (order)))
    return;   /* the same client id twice: the first is the order */
  co = g_new0 (COrder, 1);
  co->order = aat_order_ref (order);
  co->sym = sym;
  g_hash_table_insert (self->orders, (gpointer) aat_order_get_client_id (order), co);
  if (!self->info_loaded)
    g_ptr_array_add (self->waiting_orders, g_strdup (aat_order_get_client_id (order)));
  else
    send_order (self, co);
}

static void
binance_cancel_order (AatExchange *exchange, AatOrder *order)
{
  AatBinanceExchange *self = AAT_BINANCE_EXCHANGE (exchange);
  const char *cid = aat_order_get_client_id (order);
  COrder *co = cid != NULL ? g_hash_table_lookup (self->orders, cid) : NULL;
  g_autofree char *params = NULL;

  if (co == NULL || co->cancel_pending)
    return;
  if (!co->sent)
    {
      self->canceled++;
      aat_exchange_emit_canceled (exchange, order);
      order_done (self, co);
      return;
    }
  co->cancel_pending = TRUE;
  params = g_strdup_printf ("symbol=%s&origClientOrderId=%s", co->sym->name, cid);
  request (self, "DELETE", "/api/v3/order", params, TRUE, TRUE, 0, cancel_reply, g_strdup (cid), g_free);
}

/* ---- public ---- */

/**
 * aat_binance_exchange_get_order_book:
 * @self: a Binance exchange
 * @symbol: a configured symbol, such as "BTCUSDT"
 *
 * The symbol's depth book as an #AatOrderBook: one resting order per price level, kept
 * in sync with the venue's snapshot and diffs. Empty while a (re)synchronisation is under
 * way.
 *
 * Returns: (transfer none) (nullable): the book, or %NULL for an unknown symbol
 */
AatOrderBook *
aat_binance_exchange_get_order_book (AatBinanceExchange *self, const char *symbol)
{
  Sym *sym;

  g_return_val_if_fail (AAT_IS_BINANCE_EXCHANGE (self), NULL);
  make_syms (self);
  sym = find_sym (self, symbol);
  return sym != NULL ? sym->mirror : NULL;
}

/**
 * aat_binance_exchange_book_synced:
 * @self: a Binance exchange
 * @symbol: a configured symbol
 *
 * Returns: whether the symbol's book is synchronised (a snapshot plus every diff since)
 */
gboolean
aat_binance_exchange_book_synced (AatBinanceExchange *self, const char *symbol)
{
  Sym *sym;

  g_return_val_if_fail (AAT_IS_BINANCE_EXCHANGE (self), FALSE);
  sym = find_sym (self, symbol);
  return sym != NULL && aat_binance_book_is_synced (sym->book);
}

static void
task_done (AatBinanceExchange *self, guint status, int code, const char *body, const GError *error, gpointer data)
{
  GTask *task = data;

  if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_pointer (task, g_strdup (body), g_free);
  g_object_unref (task);
}

/**
 * aat_binance_exchange_request_async:
 * @self: a started Binance exchange
 * @method: "GET", "POST", "PUT" or "DELETE"
 * @path: the endpoint, such as "/api/v3/account"
 * @params: (nullable): the query string, without recvWindow, timestamp and signature
 * @sign: whether the endpoint is SIGNED (recvWindow, timestamp and signature are added)
 * @cancellable: (nullable): unused; stopping the exchange cancels every request
 * @callback: (scope async): called with the answer
 * @user_data: for @callback
 *
 * Sends a REST request as the exchange sends its own: with the API key header, signed,
 * within the rate limits, retried after a 429/418.
 */
void
aat_binance_exchange_request_async (AatBinanceExchange *self, const char *method, const char *path,
                                    const char *params, gboolean sign, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (AAT_IS_BINANCE_EXCHANGE (self));
  g_return_if_fail (self->started);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aat_binance_exchange_request_async);
  request (self, method, path, params, sign && self->api_secret != NULL, self->api_key != NULL, 0, task_done, task,
           NULL);
}

/**
 * aat_binance_exchange_request_finish:
 * @self: a Binance exchange
 * @result: the result
 * @error: a #GError in %AAT_BINANCE_ERROR (credentials redacted)
 *
 * Returns: (transfer full) (nullable): the answer's body
 */
char *
aat_binance_exchange_request_finish (AatBinanceExchange *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- GObject ---- */

static void
aat_binance_exchange_dispose (GObject *object)
{
  AatBinanceExchange *self = AAT_BINANCE_EXCHANGE (object);

  binance_stop (AAT_EXCHANGE (self));
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (aat_binance_exchange_parent_class)->dispose (object);
}

static void
aat_binance_exchange_finalize (GObject *object)
{
  AatBinanceExchange *self = AAT_BINANCE_EXCHANGE (object);

  g_strfreev (self->symbols);
  g_free (self->base_url_prop);
  g_free (self->ws_url_prop);
  g_free (self->base_url);
  g_free (self->ws_url);
  if (self->api_secret != NULL)
    memset (self->api_secret, 0, strlen (self->api_secret));
  g_free (self->api_key);
  g_free (self->api_secret);
  g_free (self->run_id);
  g_free (self->listen_key);
  g_hash_table_unref (self->orders);
  g_ptr_array_unref (self->sym_list);
  g_hash_table_unref (self->syms);
  g_clear_pointer (&self->info, g_hash_table_unref);
  g_ptr_array_unref (self->waiting_orders);
  g_hash_table_unref (self->timers);
  G_OBJECT_CLASS (aat_binance_exchange_parent_class)->finalize (object);
}

static void
aat_binance_exchange_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatBinanceExchange *self = AAT_BINANCE_EXCHANGE (object);

  switch (prop_id)
    {
    case PROP_SYMBOLS: g_value_set_boxed (value, self->symbols); break;
    case PROP_SANDBOX: g_value_set_boolean (value, self->sandbox); break;
    case PROP_BASE_URL: g_value_set_string (value, self->base_url_prop); break;
    case PROP_WS_URL: g_value_set_string (value, self->ws_url_prop); break;
    case PROP_RECV_WINDOW: g_value_set_uint (value, self->recv_window); break;
    case PROP_FIXED_TIMESTAMP: g_value_set_uint64 (value, self->fixed_timestamp); break;
    case PROP_RUN_ID: g_value_set_string (value, self->run_id); break;
    case PROP_DURATION: g_value_set_double (value, self->duration); break;
    case PROP_MAX_EVENTS: g_value_set_uint64 (value, self->max_events); break;
    case PROP_DEPTH_LIMIT: g_value_set_uint (value, self->depth_limit); break;
    case PROP_RECONNECT_MIN_MS: g_value_set_uint (value, self->reconnect_min_ms); break;
    case PROP_RECONNECT_MAX_MS: g_value_set_uint (value, self->reconnect_max_ms); break;
    case PROP_MAX_RECONNECTS: g_value_set_int (value, self->max_reconnects); break;
    case PROP_KEEPALIVE_INTERVAL: g_value_set_double (value, self->keepalive); break;
    case PROP_WEIGHT_LIMIT: g_value_set_uint (value, self->weight_limit); break;
    case PROP_DRAIN_TIMEOUT_MS: g_value_set_uint (value, self->drain_ms); break;
    case PROP_FILLS: g_value_set_uint64 (value, self->fills); break;
    case PROP_RECONCILED_FILLS: g_value_set_uint64 (value, self->reconciled_fills); break;
    case PROP_REJECTS: g_value_set_uint64 (value, self->rejects); break;
    case PROP_GAPS: g_value_set_uint (value, self->gaps); break;
    case PROP_SNAPSHOTS: g_value_set_uint (value, self->snapshots); break;
    case PROP_ERRORS: g_value_set_uint64 (value, self->errors); break;
    case PROP_RECONNECTS: g_value_set_uint (value, self->reconnects); break;
    case PROP_RATE_LIMITED: g_value_set_uint (value, self->rate_limited); break;
    case PROP_KEEPALIVES: g_value_set_uint (value, self->keepalives); break;
    case PROP_USED_WEIGHT: g_value_set_uint (value, self->used_weight); break;
    case PROP_QUOTES: g_value_set_uint64 (value, self->quotes); break;
    case PROP_TRADES: g_value_set_uint64 (value, self->trades); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
set_string (char **field, const GValue *value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
  if (*field != NULL && **field == '\0')
    g_clear_pointer (field, g_free);
}

static void
aat_binance_exchange_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatBinanceExchange *self = AAT_BINANCE_EXCHANGE (object);

  switch (prop_id)
    {
    case PROP_SYMBOLS:
      g_strfreev (self->symbols);
      self->symbols = g_value_dup_boxed (value);
      break;
    case PROP_SANDBOX: self->sandbox = g_value_get_boolean (value); break;
    case PROP_BASE_URL: set_string (&self->base_url_prop, value); break;
    case PROP_WS_URL: set_string (&self->ws_url_prop, value); break;
    case PROP_API_KEY: set_string (&self->api_key, value); break;
    case PROP_API_SECRET: set_string (&self->api_secret, value); break;
    case PROP_RECV_WINDOW: self->recv_window = g_value_get_uint (value); break;
    case PROP_FIXED_TIMESTAMP: self->fixed_timestamp = g_value_get_uint64 (value); break;
    case PROP_RUN_ID: set_string (&self->run_id, value); break;
    case PROP_DURATION: self->duration = g_value_get_double (value); break;
    case PROP_MAX_EVENTS: self->max_events = g_value_get_uint64 (value); break;
    case PROP_DEPTH_LIMIT: self->depth_limit = g_value_get_uint (value); break;
    case PROP_RECONNECT_MIN_MS: self->reconnect_min_ms = g_value_get_uint (value); break;
    case PROP_RECONNECT_MAX_MS: self->reconnect_max_ms = g_value_get_uint (value); break;
    case PROP_MAX_RECONNECTS: self->max_reconnects = g_value_get_int (value); break;
    case PROP_KEEPALIVE_INTERVAL: self->keepalive = g_value_get_double (value); break;
    case PROP_WEIGHT_LIMIT: self->weight_limit = g_value_get_uint (value); break;
    case PROP_DRAIN_TIMEOUT_MS: self->drain_ms = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_binance_exchange_class_init (AatBinanceExchangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatExchangeClass *exchange_class = AAT_EXCHANGE_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  GParamFlags wo = G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = aat_binance_exchange_dispose;
  object_class->finalize = aat_binance_exchange_finalize;
  object_class->get_property = aat_binance_exchange_get_property;
  object_class->set_property = aat_binance_exchange_set_property;

  /* no next_event: a push source */
  exchange_class->start = binance_start;
  exchange_class->stop = binance_stop;
  exchange_class->instruments = binance_instruments;
  exchange_class->new_order = binance_new_order;
  exchange_class->cancel_order = binance_cancel_order;

  properties[PROP_SYMBOLS] =
    g_param_spec_boxed ("symbols", NULL, "Binance symbols to trade, such as BTCUSDT (default BTCUSDT)", G_TYPE_STRV, rw);
  properties[PROP_SANDBOX] =
    g_param_spec_boolean ("sandbox", NULL, "Use the spot testnet (testnet.binance.vision); false: the live venue",
                          TRUE, rw);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, "REST base URL, overriding the sandbox/live choice", NULL, rw);
  properties[PROP_WS_URL] =
    g_param_spec_string ("ws-url", NULL, "Websocket base URL (ws:// or wss://), overriding the sandbox/live choice",
                         NULL, rw);
  /* write-only: credentials cannot be read back (nor printed) through the object */
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, "API key (default: $BINANCE_API_KEY)", NULL, wo);
  properties[PROP_API_SECRET] =
    g_param_spec_string ("api-secret", NULL, "API secret (default: $BINANCE_API_SECRET)", NULL, wo);
  properties[PROP_RECV_WINDOW] =
    g_param_spec_uint ("recv-window", NULL, "recvWindow of signed requests, in ms (at most 60000)", 1, 60000, 5000, rw);
  properties[PROP_FIXED_TIMESTAMP] =
    g_param_spec_uint64 ("fixed-timestamp", NULL, "Sign with this timestamp (ms) instead of the clock; for tests "
                         "and reproducible signatures (0: the clock)", 0, G_MAXUINT64, 0, rw);
  properties[PROP_RUN_ID] =
    g_param_spec_string ("run-id", NULL, "Prefix of newClientOrderId, <run-id>-<order id> (default: unique per run)",
                         NULL, rw);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, "End the stream after this many seconds (0: never)", 0.0, 1e9, 0.0, rw);
  properties[PROP_MAX_EVENTS] =
    g_param_spec_uint64 ("max-events", NULL, "End the stream after this many trades and quotes (0: no limit)", 0,
                         G_MAXUINT64, 0, rw);
  properties[PROP_DEPTH_LIMIT] =
    g_param_spec_uint ("depth-limit", NULL, "Levels asked in the depth snapshot (limit of /api/v3/depth)", 1, 5000,
                       1000, rw);
  properties[PROP_RECONNECT_MIN_MS] =
    g_param_spec_uint ("reconnect-min-ms", NULL, "First reconnection delay; it doubles on each failure", 1, G_MAXINT,
                       250, rw);
  properties[PROP_RECONNECT_MAX_MS] =
    g_param_spec_uint ("reconnect-max-ms", NULL, "Longest reconnection delay", 1, G_MAXINT, 30000, rw);
  properties[PROP_MAX_RECONNECTS] =
    g_param_spec_int ("max-reconnects", NULL, "Failed attempts in a row before giving up (-1: never)", -1, G_MAXINT,
                      20, rw);
  properties[PROP_KEEPALIVE_INTERVAL] =
    g_param_spec_double ("keepalive-interval", NULL, "Seconds between PUT /api/v3/userDataStream (the key expires "
                         "after 60 minutes)", 0.0, 3600.0, 1800.0, rw);
  properties[PROP_WEIGHT_LIMIT] =
    g_param_spec_uint ("weight-limit", NULL, "Used request weight per minute (X-MBX-USED-WEIGHT-1M) at which requests "
                       "wait for the next minute (0: no limit)", 0, G_MAXUINT, 5000, rw);
  properties[PROP_DRAIN_TIMEOUT_MS] =
    g_param_spec_uint ("drain-timeout-ms", NULL, "At the end, wait this long for REST answers in flight", 0, 600000,
                       2000, rw);
  properties[PROP_FILLS] = g_param_spec_uint64 ("fills", NULL, "Fills emitted", 0, G_MAXUINT64, 0, ro);
  properties[PROP_RECONCILED_FILLS] =
    g_param_spec_uint64 ("reconciled-fills", NULL, "Fills learnt from order queries after a reconnection", 0,
                         G_MAXUINT64, 0, ro);
  properties[PROP_REJECTS] = g_param_spec_uint64 ("rejects", NULL, "Orders rejected", 0, G_MAXUINT64, 0, ro);
  properties[PROP_GAPS] = g_param_spec_uint ("gaps", NULL, "Depth sequence gaps (each a resync)", 0, G_MAXUINT, 0, ro);
  properties[PROP_SNAPSHOTS] = g_param_spec_uint ("snapshots", NULL, "Depth snapshots applied", 0, G_MAXUINT, 0, ro);
  properties[PROP_ERRORS] = g_param_spec_uint64 ("errors", NULL, "Malformed or failed messages", 0, G_MAXUINT64, 0, ro);
  properties[PROP_RECONNECTS] = g_param_spec_uint ("reconnects", NULL, "Reconnections", 0, G_MAXUINT, 0, ro);
  properties[PROP_RATE_LIMITED] =
    g_param_spec_uint ("rate-limited", NULL, "429/418 answers waited out", 0, G_MAXUINT, 0, ro);
  properties[PROP_KEEPALIVES] = g_param_spec_uint ("keepalives", NULL, "listenKey keepalives", 0, G_MAXUINT, 0, ro);
  properties[PROP_USED_WEIGHT] =
    g_param_spec_uint ("used-weight", NULL, "The last X-MBX-USED-WEIGHT-1M", 0, G_MAXUINT, 0, ro);
  properties[PROP_QUOTES] = g_param_spec_uint64 ("quotes", NULL, "Quotes pushed", 0, G_MAXUINT64, 0, ro);
  properties[PROP_TRADES] = g_param_spec_uint64 ("trades", NULL, "Trades pushed", 0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_binance_exchange_init (AatBinanceExchange *self)
{
  self->sandbox = TRUE;
  self->recv_window = 5000;
  self->depth_limit = 1000;
  self->reconnect_min_ms = 250;
  self->reconnect_max_ms = 30000;
  self->max_reconnects = 20;
  self->keepalive = 1800.0;
  self->weight_limit = 5000;
  self->drain_ms = 2000;
  self->market.self = self;
  self->market.kind = LINK_MARKET;
  self->user.self = self;
  self->user.kind = LINK_USER;
  self->syms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, sym_free);
  self->sym_list = g_ptr_array_new ();
  self->orders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, corder_free);
  self->waiting_orders = g_ptr_array_new_with_free_func (g_free);
  self->timers = g_hash_table_new (NULL, NULL);
}

#ifndef AAT_BINANCE_NO_MODULE
static gboolean
binance_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_EXCHANGE, "binance",
                              "Binance spot: websocket trades and depth, signed REST orders, user-data-stream fills "
                              "(spot testnet by default)",
                              AAT_TYPE_BINANCE_EXCHANGE, error);
}

AAT_MODULE_DEFINE ("binance", "Binance spot (testnet by default): market data and order entry", "0.1.0",
                   binance_module_init);
#endif
