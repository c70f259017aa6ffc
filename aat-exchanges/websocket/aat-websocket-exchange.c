/* aat-websocket-exchange.c: `websocket`, a live exchange that talks to
 * aat-synthetic-server (or any server speaking doc/PROTOCOL.md) over a websocket.
 *
 * What it owns: a SoupSession and at most one SoupWebsocketConnection, the table of its
 * working orders keyed by client order id, and the timers of backoff, heartbeat watch
 * and stream end.
 *
 * Data flow:
 * - start() builds the instruments (#AatWebsocketExchange:symbols) and begins to
 *   connect; it does not wait. The class has no next_event(), so the engine counts it as
 *   a push source: trades and book updates are pushed with aat_exchange_push_event()
 *   from the connection's callbacks on the engine's context, and the stream ends with
 *   an EXIT event (server "end", #AatWebsocketExchange:duration,
 *   #AatWebsocketExchange:max-events, or giving up reconnecting).
 * - new_order() names the order "<run-id>-<order id>" unless it already has a client
 *   id, and sends it; answers (ack, fill, canceled, reject) become
 *   aat_exchange_emit_*(). Fills carry a per-order fill id; a fill whose id was already
 *   seen is dropped, so each fill is emitted exactly once.
 * - A dropped connection (closed, or silent for longer than the heartbeat timeout) is
 *   re-established with exponential backoff between #AatWebsocketExchange:reconnect-min-ms
 *   and #AatWebsocketExchange:reconnect-max-ms, at most
 *   #AatWebsocketExchange:max-reconnects attempts in a row. On reconnection it
 *   subscribes again, then reconciles: it asks the status of every working order it
 *   had sent, emits the fills it missed and the cancels or rejects that happened, and
 *   treats orders the server does not know by #AatWebsocketExchange:unknown-order-policy
 *   (resend under the same id, or report cancelled). Orders placed while disconnected
 *   wait, and are sent once reconciliation is done; so are cancels.
 */
#include <aat.h>
#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

#include "aat-websocket-exchange.h"
#include "aat-ws-protocol.h"

typedef struct {
  AatOrder *order;          /* owned */
  guint64 fills_seen;       /* fill ids emitted, in the order's current life on the server */
  gboolean sent;
  gboolean cancel_wanted;
} COrder;

struct _AatWebsocketExchange
{
  AatExchange parent_instance;

  /* properties */
  char *url;
  char **symbols;
  char *account;
  char *run_id;
  guint reconnect_min_ms;
  guint reconnect_max_ms;
  int max_reconnects;
  double duration;
  guint64 max_events;
  double heartbeat_timeout;
  AatWebsocketUnknownOrderPolicy unknown_policy;
  char *stats_file;
  guint drain_ms;

  /* connection */
  SoupSession *session;
  SoupWebsocketConnection *conn;
  GCancellable *cancellable;
  gboolean connecting, connected, ever_connected, reconciling;
  guint attempts;
  double server_heartbeat;
  gint64 last_rx;
  guint backoff_id, duration_id, watchdog_id, drain_id;
  gint64 drain_deadline;

  /* the stream */
  GPtrArray *instruments;   /* AatInstrument*, borrowed (interned) */
  GHashTable *seqs;         /* instrument name -> guint64* last seq */
  gboolean started, ended, exit_pushed;

  /* orders */
  GHashTable *orders;       /* client id -> COrder*, working orders */
  GPtrArray *sent_ids;      /* every client id sent, in order (for the stats) */

  /* counters */
  guint64 events, acks, fills, rejects, canceled, resent, reconciled_fills, lost, gaps, errors;
  guint reconnects;
};

G_DEFINE_FINAL_TYPE (AatWebsocketExchange, aat_websocket_exchange, AAT_TYPE_EXCHANGE)

enum {
  PROP_0,
  PROP_URL,
  PROP_SYMBOLS,
  PROP_ACCOUNT,
  PROP_RUN_ID,
  PROP_RECONNECT_MIN_MS,
  PROP_RECONNECT_MAX_MS,
  PROP_MAX_RECONNECTS,
  PROP_DURATION,
  PROP_MAX_EVENTS,
  PROP_HEARTBEAT_TIMEOUT,
  PROP_UNKNOWN_ORDER_POLICY,
  PROP_STATS_FILE,
  PROP_DRAIN_TIMEOUT_MS,
  PROP_RECONNECTS,
  PROP_ORDERS_SENT,
  PROP_FILLS,
  PROP_RECONCILED_FILLS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void connect_now (AatWebsocketExchange *self);
static void drop_connection (AatWebsocketExchange *self, const char *why);

static GType
unknown_policy_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { AAT_WEBSOCKET_UNKNOWN_ORDER_RESEND, "AAT_WEBSOCKET_UNKNOWN_ORDER_RESEND", "resend" },
    { AAT_WEBSOCKET_UNKNOWN_ORDER_CANCEL, "AAT_WEBSOCKET_UNKNOWN_ORDER_CANCEL", "cancel" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("AatWebsocketUnknownOrderPolicy", values));
  return type;
}

static void
corder_free (gpointer data)
{
  COrder *co = data;

  aat_order_unref (co->order);
  g_free (co);
}

/* ---- sending ---- */

static gboolean
can_send (AatWebsocketExchange *self)
{
  return self->conn != NULL && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

static void
send_builder (AatWebsocketExchange *self, JsonBuilder *b)
{
  g_autofree char *text = aat_ws_builder_finish (b);

  if (can_send (self))
    soup_websocket_connection_send_text (self->conn, text);
}

static JsonBuilder *
begin (const char *type)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  return b;
}

static void
send_subscribe (AatWebsocketExchange *self)
{
  JsonBuilder *b = begin ("subscribe");

  json_builder_set_member_name (b, "instruments");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->instruments->len; i++)
    json_builder_add_string_value (b, aat_instrument_get_name (self->instruments->pdata[i]));
  json_builder_end_array (b);
  send_builder (self, b);
}

static void
send_new (AatWebsocketExchange *self, COrder *co)
{
  AatOrder *o = co->order;
  JsonBuilder *b = begin ("new_order");
  AatOrderType type = aat_order_get_order_type (o);

  json_builder_set_member_name (b, "client_order_id");
  json_builder_add_string_value (b, aat_order_get_client_id (o));
  json_builder_set_member_name (b, "account");
  json_builder_add_string_value (b, self->account);
  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, aat_instrument_get_name (aat_order_get_instrument (o)));
  json_builder_set_member_name (b, "side");
  json_builder_add_string_value (b, aat_ws_side_to_string (aat_order_get_side (o)));
  json_builder_set_member_name (b, "order_type");
  json_builder_add_string_value (b, aat_ws_order_type_to_string (type));
  /* a resent order asks only for what is left */
  json_builder_set_member_name (b, "volume");
  json_builder_add_double_value (b, aat_order_get_remaining (o));
  if (type == AAT_ORDER_TYPE_LIMIT)
    {
      json_builder_set_member_name (b, "price");
      json_builder_add_double_value (b, aat_order_get_price (o));
    }
  send_builder (self, b);
  if (!co->sent)
    g_ptr_array_add (self->sent_ids, g_strdup (aat_order_get_client_id (o)));
  co->sent = TRUE;
}

static void
send_cancel (AatWebsocketExchange *self, COrder *co)
{
  JsonBuilder *b = begin ("cancel_order");

  json_builder_set_member_name (b, "client_order_id");
  json_builder_add_string_value (b, aat_order_get_client_id (co->order));
  send_builder (self, b);
  co->cancel_wanted = FALSE;
}

/* Sends what waited for the connection: new orders, then cancels. */
static void
flush_waiting (AatWebsocketExchange *self)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  if (!can_send (self) || self->reconciling)
    return;
  g_hash_table_iter_init (&iter, self->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, value);
  /* placement order: engine ids grow */
  for (guint i = 1; i < list->len; i++)
    for (guint k = i; k > 0 && aat_order_get_id (((COrder *) list->pdata[k - 1])->order) >
                                 aat_order_get_id (((COrder *) list->pdata[k])->order); k--)
      {
        gpointer t = list->pdata[k];
        list->pdata[k] = list->pdata[k - 1];
        list->pdata[k - 1] = t;
      }
  for (guint i = 0; i < list->len; i++)
    {
      COrder *co = list->pdata[i];
      if (!co->sent)
        send_new (self, co);
      if (co->cancel_wanted)
        send_cancel (self, co);
    }
}

/* ---- the stream ---- */

static void
push_exit (AatWebsocketExchange *self, const char *why)
{
  g_autoptr (AatEvent) ev = NULL;

  if (self->exit_pushed)
    return;
  self->exit_pushed = TRUE;
  g_debug ("websocket: the stream ends: %s", why);
  ev = aat_event_new_message (AAT_EVENT_TYPE_EXIT, g_get_real_time () * 1000, why);
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
}

/* An order whose answer is still due: not acked, or a market order (it completes at
 * once on the server). */
static gboolean
answer_due (AatWebsocketExchange *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      COrder *co = value;
      if (co->sent && (aat_order_get_status (co->order) <= AAT_ORDER_STATUS_PENDING ||
                       aat_order_get_order_type (co->order) == AAT_ORDER_TYPE_MARKET))
        return TRUE;
    }
  return FALSE;
}

static gboolean
drain_cb (gpointer data)
{
  AatWebsocketExchange *self = data;

  if (answer_due (self) && g_get_monotonic_time () < self->drain_deadline && self->connected)
    return G_SOURCE_CONTINUE;
  self->drain_id = 0;
  push_exit (self, "the stream ended");
  return G_SOURCE_REMOVE;
}

/* The stream ends: no more market data; answers to orders in flight are awaited up to
 * drain-timeout-ms, so fills are not lost at the end of a run; then EXIT. */
static void
end_stream (AatWebsocketExchange *self, const char *why)
{
  if (self->ended)
    return;
  self->ended = TRUE;
  g_message ("websocket: %s", why);
  if (self->duration_id != 0)
    {
      g_source_remove (self->duration_id);
      self->duration_id = 0;
    }
  if (self->connected && answer_due (self) && self->drain_ms > 0)
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
  AatWebsocketExchange *self = data;

  self->duration_id = 0;
  end_stream (self, "duration reached");
  return G_SOURCE_REMOVE;
}

static void
count_event (AatWebsocketExchange *self)
{
  self->events++;
  if (self->max_events > 0 && self->events >= self->max_events)
    end_stream (self, "max-events reached");
}

static void
check_seq (AatWebsocketExchange *self, const char *name, guint64 seq, gboolean snapshot)
{
  guint64 *last = g_hash_table_lookup (self->seqs, name);

  if (last == NULL)
    {
      last = g_new0 (guint64, 1);
      g_hash_table_insert (self->seqs, g_strdup (name), last);
    }
  else if (!snapshot && seq != *last + 1)
    {
      self->gaps++;
      g_debug ("websocket: %s: sequence gap, %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT, name, seq, *last);
    }
  *last = seq;
}

static AatInstrument *
own_instrument (AatWebsocketExchange *self, const char *name)
{
  for (guint i = 0; name != NULL && i < self->instruments->len; i++)
    if (strcmp (aat_instrument_get_name (self->instruments->pdata[i]), name) == 0)
      return self->instruments->pdata[i];
  return NULL;
}

static void
handle_trade (AatWebsocketExchange *self, JsonObject *msg)
{
  AatWsProblem p = { 0 };
  const char *name = NULL, *side_text = NULL;
  double price = 0, volume = 0, ts = 0;
  guint64 seq = 0;
  AatSide side = AAT_SIDE_BUY;
  AatInstrument *inst;
  g_autoptr (AatTrade) trade = NULL;
  g_autoptr (AatEvent) ev = NULL;

  if (!aat_ws_get_string (msg, "instrument", TRUE, &name, &p) ||
      !aat_ws_get_uint (msg, "seq", TRUE, &seq, &p) ||
      !aat_ws_get_string (msg, "side", TRUE, &side_text, &p) ||
      !aat_ws_get_number (msg, "price", TRUE, &price, &p) ||
      !aat_ws_get_number (msg, "volume", TRUE, &volume, &p) ||
      !aat_ws_get_number (msg, "timestamp", FALSE, &ts, &p) ||
      !aat_ws_side_from_string (side_text, &side) ||
      (inst = own_instrument (self, name)) == NULL)
    {
      self->errors++;
      aat_ws_problem_clear (&p);
      return;
    }
  check_seq (self, name, seq, FALSE);
  if (self->ended)
    return;
  trade = aat_trade_new (inst, side, volume, price, ts > 0 ? (AatTime) ts : g_get_real_time () * 1000);
  aat_trade_set_exchange (trade, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
  ev = aat_event_new_trade (trade);
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
  count_event (self);
}

static void
handle_book (AatWebsocketExchange *self, JsonObject *msg)
{
  AatWsProblem p = { 0 };
  const char *name = NULL, *action = NULL, *side_text = NULL;
  double price = 0, volume = 0, ts = 0;
  guint64 seq = 0;
  AatSide side = AAT_SIDE_BUY;
  AatEventType type;
  AatInstrument *inst;
  g_autoptr (AatOrder) order = NULL;
  g_autoptr (AatEvent) ev = NULL;

  if (!aat_ws_get_string (msg, "instrument", TRUE, &name, &p) ||
      !aat_ws_get_uint (msg, "seq", TRUE, &seq, &p) ||
      !aat_ws_get_string (msg, "action", TRUE, &action, &p) ||
      !aat_ws_get_string (msg, "side", TRUE, &side_text, &p) ||
      !aat_ws_get_number (msg, "price", FALSE, &price, &p) ||
      !aat_ws_get_number (msg, "volume", FALSE, &volume, &p) ||
      !aat_ws_get_number (msg, "timestamp", FALSE, &ts, &p) ||
      !aat_ws_side_from_string (side_text, &side) ||
      (inst = own_instrument (self, name)) == NULL)
    {
      self->errors++;
      aat_ws_problem_clear (&p);
      return;
    }
  check_seq (self, name, seq, FALSE);
  if (strcmp (action, "open") == 0)
    type = AAT_EVENT_TYPE_OPEN;
  else if (strcmp (action, "cancel") == 0)
    type = AAT_EVENT_TYPE_CANCEL;
  else if (strcmp (action, "change") == 0)
    type = AAT_EVENT_TYPE_CHANGE;
  else if (strcmp (action, "fill") == 0)
    type = AAT_EVENT_TYPE_FILL;
  else
    return;
  if (self->ended)
    return;
  order = aat_order_new (inst, side, price > 0 ? AAT_ORDER_TYPE_LIMIT : AAT_ORDER_TYPE_MARKET,
                         volume > 0 ? volume : 1.0, price);
  aat_order_set_exchange (order, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
  ev = aat_event_new_order (type, order, ts > 0 ? (AatTime) ts : g_get_real_time () * 1000);
  aat_exchange_push_event (AAT_EXCHANGE (self), ev);
  count_event (self);
}

static void
handle_hello (AatWebsocketExchange *self, JsonObject *msg)
{
  JsonArray *insts = NULL;
  AatWsProblem p = { 0 };

  self->server_heartbeat = 0;
  aat_ws_get_number (msg, "heartbeat", FALSE, &self->server_heartbeat, &p);
  if (aat_ws_get_array (msg, "instruments", FALSE, &insts, &p) && insts != NULL)
    for (guint i = 0; i < json_array_get_length (insts); i++)
      {
        JsonNode *node = json_array_get_element (insts, i);
        const char *name = NULL;
        double tick = 0, lot = 0;
        AatInstrument *inst;
        if (!JSON_NODE_HOLDS_OBJECT (node))
          continue;
        aat_ws_get_string (json_node_get_object (node), "name", FALSE, &name, &p);
        aat_ws_get_number (json_node_get_object (node), "tick_size", FALSE, &tick, &p);
        aat_ws_get_number (json_node_get_object (node), "lot_size", FALSE, &lot, &p);
        inst = own_instrument (self, name);
        if (inst != NULL && tick > 0)
          aat_instrument_set_tick_size (inst, tick);
        if (inst != NULL && lot > 0)
          aat_instrument_set_lot_size (inst, lot);
      }
  aat_ws_problem_clear (&p);
}

/* ---- order answers ---- */

static void
order_done (AatWebsocketExchange *self, COrder *co)
{
  g_hash_table_remove (self->orders, aat_order_get_client_id (co->order));
}

static void
emit_one_fill (AatWebsocketExchange *self, COrder *co, guint64 fill_id, double volume, double price, double ts)
{
  co->fills_seen = fill_id;
  self->fills++;
  aat_exchange_emit_fill (AAT_EXCHANGE (self), co->order, volume, price, 0.0, 0.0,
                          ts > 0 ? (AatTime) ts : g_get_real_time () * 1000);
}

/* Applies an order record (an ack, canceled, reject, or an order_status entry): the
 * acknowledgement, the fills not yet seen, and the end state. Each only once. */
static void
apply_record (AatWebsocketExchange *self, JsonObject *rec, gboolean reconciled)
{
  AatWsProblem p = { 0 };
  const char *cid = NULL, *status_text = NULL, *reason = NULL;
  AatOrderStatus status = AAT_ORDER_STATUS_OPEN;
  JsonArray *fills = NULL;
  COrder *co;

  if (!aat_ws_get_string (rec, "client_order_id", TRUE, &cid, &p) ||
      !aat_ws_get_string (rec, "status", FALSE, &status_text, &p) ||
      !aat_ws_get_string (rec, "reason", FALSE, &reason, &p) ||
      !aat_ws_get_array (rec, "fills", FALSE, &fills, &p))
    {
      self->errors++;
      aat_ws_problem_clear (&p);
      return;
    }
  co = g_hash_table_lookup (self->orders, cid);
  if (co == NULL)
    return;   /* already done here */
  if (status_text != NULL)
    aat_ws_status_from_string (status_text, &status);
  if (status != AAT_ORDER_STATUS_REJECTED && aat_order_get_status (co->order) <= AAT_ORDER_STATUS_PENDING)
    {
      self->acks++;
      aat_exchange_emit_received (AAT_EXCHANGE (self), co->order);
    }
  for (guint i = 0; fills != NULL && i < json_array_get_length (fills); i++)
    {
      JsonNode *node = json_array_get_element (fills, i);
      guint64 fill_id = 0;
      double volume = 0, price = 0, ts = 0;
      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !aat_ws_get_uint (json_node_get_object (node), "fill_id", TRUE, &fill_id, &p) ||
          !aat_ws_get_number (json_node_get_object (node), "volume", TRUE, &volume, &p) ||
          !aat_ws_get_number (json_node_get_object (node), "price", TRUE, &price, &p))
        {
          self->errors++;
          aat_ws_problem_clear (&p);
          continue;
        }
      aat_ws_get_number (json_node_get_object (node), "timestamp", FALSE, &ts, &p);
      if (fill_id != co->fills_seen + 1)
        continue;
      if (reconciled)
        self->reconciled_fills++;
      emit_one_fill (self, co, fill_id, volume, price, ts);
    }
  if (aat_order_is_done (co->order))
    order_done (self, co);
  else if (status == AAT_ORDER_STATUS_CANCELED || status == AAT_ORDER_STATUS_EXPIRED)
    {
      self->canceled++;
      aat_exchange_emit_canceled (AAT_EXCHANGE (self), co->order);
      order_done (self, co);
    }
  else if (status == AAT_ORDER_STATUS_REJECTED)
    {
      self->rejects++;
      aat_exchange_emit_rejected (AAT_EXCHANGE (self), co->order, reason != NULL ? reason : "rejected");
      order_done (self, co);
    }
  aat_ws_problem_clear (&p);
}

static void
query_status (AatWebsocketExchange *self, const char *const *ids, guint n)
{
  JsonBuilder *b = begin ("order_status");

  json_builder_set_member_name (b, "client_order_ids");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_string_value (b, ids[i]);
  json_builder_end_array (b);
  send_builder (self, b);
}

static void
handle_fill (AatWebsocketExchange *self, JsonObject *msg)
{
  AatWsProblem p = { 0 };
  const char *cid = NULL;
  guint64 fill_id = 0;
  double volume = 0, price = 0, ts = 0;
  COrder *co;

  if (!aat_ws_get_string (msg, "client_order_id", TRUE, &cid, &p) ||
      !aat_ws_get_uint (msg, "fill_id", TRUE, &fill_id, &p) ||
      !aat_ws_get_number (msg, "volume", TRUE, &volume, &p) ||
      !aat_ws_get_number (msg, "price", TRUE, &price, &p) ||
      !aat_ws_get_number (msg, "timestamp", FALSE, &ts, &p))
    {
      self->errors++;
      aat_ws_problem_clear (&p);
      return;
    }
  co = g_hash_table_lookup (self->orders, cid);
  if (co == NULL || fill_id <= co->fills_seen)
    return;   /* done here, or a fill already emitted */
  if (fill_id > co->fills_seen + 1)
    {
      /* a fill went missing: the status answer carries them all */
      query_status (self, (const char *const[]) { cid }, 1);
      return;
    }
  emit_one_fill (self, co, fill_id, volume, price, ts);
  if (aat_order_is_done (co->order))
    order_done (self, co);
}

static void
handle_order_status (AatWebsocketExchange *self, JsonObject *msg)
{
  AatWsProblem p = { 0 };
  JsonArray *orders = NULL;
  g_autoptr (GPtrArray) unknown = NULL;

  if (!aat_ws_get_array (msg, "orders", TRUE, &orders, &p) ||
      !aat_ws_get_string_array (msg, "unknown", FALSE, &unknown, &p))
    {
      self->errors++;
      aat_ws_problem_clear (&p);
      return;
    }
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonNode *node = json_array_get_element (orders, i);
      if (JSON_NODE_HOLDS_OBJECT (node))
        apply_record (self, json_node_get_object (node), TRUE);
    }
  for (guint i = 0; unknown != NULL && i < unknown->len; i++)
    {
      COrder *co = g_hash_table_lookup (self->orders, unknown->pdata[i]);
      if (co == NULL)
        continue;
      if (self->unknown_policy == AAT_WEBSOCKET_UNKNOWN_ORDER_RESEND)
        {
          /* the server lost it (or never got it): same id, what is left; its fill ids
           * start again at 1 */
          co->fills_seen = 0;
          self->resent++;
          g_message ("websocket: order %s is unknown to the server; sending it again", (char *) unknown->pdata[i]);
          send_new (self, co);
        }
      else
        {
          self->lost++;
          self->canceled++;
          g_message ("websocket: order %s is unknown to the server; reporting it cancelled", (char *) unknown->pdata[i]);
          aat_exchange_emit_canceled (AAT_EXCHANGE (self), co->order);
          order_done (self, co);
        }
    }
  if (self->reconciling)
    {
      self->reconciling = FALSE;
      flush_waiting (self);
    }
}

static void
on_message (SoupWebsocketConnection *conn, int data_type, GBytes *message, gpointer user_data)
{
  AatWebsocketExchange *self = user_data;
  AatWsProblem p = { 0 };
  g_autoptr (JsonObject) msg = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);
  const char *type;

  self->last_rx = g_get_monotonic_time ();
  msg = aat_ws_parse (data != NULL ? data : "", len, &p);
  if (msg == NULL)
    {
      self->errors++;
      g_message ("websocket: unreadable message from the server: %s", p.message);
      aat_ws_problem_clear (&p);
      return;
    }
  type = json_object_get_string_member (msg, "type");
  if (strcmp (type, "trade") == 0)
    handle_trade (self, msg);
  else if (strcmp (type, "book") == 0)
    handle_book (self, msg);
  else if (strcmp (type, "fill") == 0)
    handle_fill (self, msg);
  else if (strcmp (type, "ack") == 0 || strcmp (type, "canceled") == 0 || strcmp (type, "reject") == 0)
    apply_record (self, msg, FALSE);
  else if (strcmp (type, "order_status") == 0)
    handle_order_status (self, msg);
  else if (strcmp (type, "snapshot") == 0)
    {
      const char *name = NULL;
      guint64 seq = 0;
      if (aat_ws_get_string (msg, "instrument", TRUE, &name, &p) && aat_ws_get_uint (msg, "seq", TRUE, &seq, &p))
        check_seq (self, name, seq, TRUE);
      aat_ws_problem_clear (&p);
    }
  else if (strcmp (type, "hello") == 0)
    handle_hello (self, msg);
  else if (strcmp (type, "end") == 0)
    end_stream (self, "the server ended the market");
  else if (strcmp (type, "error") == 0)
    {
      const char *error = NULL, *field = NULL;
      aat_ws_get_string (msg, "error", FALSE, &error, &p);
      aat_ws_get_string (msg, "field", FALSE, &field, &p);
      self->errors++;
      g_message ("websocket: the server reports an error: %s (field %s)", error, field != NULL ? field : "none");
      aat_ws_problem_clear (&p);
    }
  /* heartbeat, pong, subscribed, cancel_reject: nothing to do beyond last_rx */
}

/* ---- the connection ---- */

static void
on_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  drop_connection (AAT_WEBSOCKET_EXCHANGE (user_data), "the connection closed");
}

static gboolean
backoff_cb (gpointer data)
{
  AatWebsocketExchange *self = data;

  self->backoff_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (AatWebsocketExchange *self)
{
  guint64 delay;

  if (self->ended || self->backoff_id != 0 || self->connecting)
    return;
  if (self->max_reconnects >= 0 && self->attempts >= (guint) self->max_reconnects)
    {
      g_autoptr (GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                              "websocket: gave up after %u reconnection attempts to %s",
                                              self->attempts, self->url);
      aat_exchange_emit_error (AAT_EXCHANGE (self), error);
      self->ended = TRUE;
      push_exit (self, error->message);
      return;
    }
  delay = (guint64) self->reconnect_min_ms << MIN (self->attempts, 20u);
  delay = MIN (delay, (guint64) self->reconnect_max_ms);
  self->attempts++;
  g_debug ("websocket: reconnecting in %" G_GUINT64_FORMAT " ms (attempt %u)", delay, self->attempts);
  self->backoff_id = g_timeout_add ((guint) delay, backoff_cb, self);
}

static void
drop_connection (AatWebsocketExchange *self, const char *why)
{
  SoupWebsocketConnection *conn = g_steal_pointer (&self->conn);

  if (conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (conn, self);
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_object_unref (conn);
  self->connected = FALSE;
  self->reconciling = FALSE;
  if (!self->ended)
    g_message ("websocket: %s; reconnecting to %s", why, self->url);
  schedule_reconnect (self);
}

static gboolean
watchdog_cb (gpointer data)
{
  AatWebsocketExchange *self = data;
  double limit = self->heartbeat_timeout > 0 ? self->heartbeat_timeout : 3.0 * self->server_heartbeat;

  if (self->connected && limit > 0 && self->server_heartbeat > 0 &&
      g_get_monotonic_time () - self->last_rx > (gint64) (MAX (limit, 0.5) * G_USEC_PER_SEC))
    drop_connection (self, "no message within the heartbeat timeout");
  return G_SOURCE_CONTINUE;
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AatWebsocketExchange *self = user_data;
  g_autoptr (GError) error = NULL;
  SoupWebsocketConnection *conn;
  g_autoptr (GPtrArray) ids = NULL;
  GHashTableIter iter;
  gpointer value;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  self->connecting = FALSE;
  if (conn == NULL)
    {
      g_debug ("websocket: cannot connect to %s: %s", self->url, error->message);
      schedule_reconnect (self);
      g_object_unref (self);
      return;
    }
  if (self->ended)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (conn);
      g_object_unref (self);
      return;
    }
  self->conn = conn;
  self->connected = TRUE;
  self->attempts = 0;
  self->last_rx = g_get_monotonic_time ();
  if (self->ever_connected)
    {
      self->reconnects++;
      g_message ("websocket: reconnected to %s", self->url);
    }
  self->ever_connected = TRUE;
  soup_websocket_connection_set_max_incoming_payload_size (conn, 16 * 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), self);
  send_subscribe (self);

  /* reconcile the orders sent on a previous connection before sending anything new */
  ids = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((COrder *) value)->sent)
      g_ptr_array_add (ids, (gpointer) aat_order_get_client_id (((COrder *) value)->order));
  if (ids->len > 0)
    {
      self->reconciling = TRUE;
      query_status (self, (const char *const *) ids->pdata, ids->len);
    }
  else
    flush_waiting (self);
  g_object_unref (self);
}

static void
connect_now (AatWebsocketExchange *self)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *http = NULL;

  if (self->ended || self->connecting || self->conn != NULL)
    return;
  /* a SoupMessage wants http(s); the websocket handshake upgrades it */
  http = g_strconcat ("http", self->url + 2, NULL);
  msg = soup_message_new ("GET", http);
  if (msg == NULL)
    return;
  self->connecting = TRUE;
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, on_connected, g_object_ref (self));
}

/* ---- AatExchange ---- */

static void
make_instruments (AatWebsocketExchange *self)
{
  if (self->instruments->len > 0)
    return;
  if (self->symbols == NULL || self->symbols[0] == NULL)
    g_ptr_array_add (self->instruments, aat_instrument_get ("SYN0", AAT_INSTRUMENT_TYPE_EQUITY));
  else
    for (guint i = 0; self->symbols[i] != NULL; i++)
      g_ptr_array_add (self->instruments, aat_instrument_get (self->symbols[i], AAT_INSTRUMENT_TYPE_EQUITY));
}

static gboolean
websocket_start (AatExchange *exchange, GError **error)
{
  AatWebsocketExchange *self = AAT_WEBSOCKET_EXCHANGE (exchange);
  g_autoptr (GUri) uri = NULL;

  uri = g_uri_parse (self->url != NULL ? self->url : "", G_URI_FLAGS_NONE, error);
  if (uri == NULL)
    {
      g_prefix_error (error, "websocket: url '%s': ", self->url != NULL ? self->url : "");
      return FALSE;
    }
  if (g_strcmp0 (g_uri_get_scheme (uri), "ws") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "wss") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "websocket: url '%s' must start with ws:// or wss://", self->url);
      return FALSE;
    }
  make_instruments (self);
  if (self->run_id == NULL)
    self->run_id = g_strdup_printf ("%" G_GINT64_MODIFIER "x%x", g_get_real_time (), (guint) getpid ());
  self->started = TRUE;
  self->ended = self->exit_pushed = FALSE;
  self->cancellable = g_cancellable_new ();
  self->session = soup_session_new_with_options ("timeout", 10, "idle-timeout", 0, NULL);
  if (self->duration > 0)
    self->duration_id = g_timeout_add ((guint) (self->duration * 1000), duration_cb, self);
  self->watchdog_id = g_timeout_add (250, watchdog_cb, self);
  connect_now (self);
  return TRUE;
}

static void
write_stats (AatWebsocketExchange *self)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;

  g_key_file_set_uint64 (kf, "websocket", "orders", self->sent_ids->len);
  g_key_file_set_uint64 (kf, "websocket", "fills", self->fills);
  g_key_file_set_uint64 (kf, "websocket", "acks", self->acks);
  g_key_file_set_uint64 (kf, "websocket", "rejects", self->rejects);
  g_key_file_set_uint64 (kf, "websocket", "canceled", self->canceled);
  g_key_file_set_uint64 (kf, "websocket", "resent", self->resent);
  g_key_file_set_uint64 (kf, "websocket", "lost", self->lost);
  g_key_file_set_uint64 (kf, "websocket", "reconnects", self->reconnects);
  g_key_file_set_uint64 (kf, "websocket", "reconciled_fills", self->reconciled_fills);
  g_key_file_set_uint64 (kf, "websocket", "gaps", self->gaps);
  g_key_file_set_uint64 (kf, "websocket", "errors", self->errors);
  g_key_file_set_uint64 (kf, "websocket", "events", self->events);
  g_key_file_set_uint64 (kf, "websocket", "open_orders", g_hash_table_size (self->orders));
  g_key_file_set_string_list (kf, "websocket", "client_order_ids",
                              (const char *const *) self->sent_ids->pdata, self->sent_ids->len);
  if (!g_key_file_save_to_file (kf, self->stats_file, &error))
    g_message ("websocket: cannot write %s: %s", self->stats_file, error->message);
}

static void
websocket_stop (AatExchange *exchange)
{
  AatWebsocketExchange *self = AAT_WEBSOCKET_EXCHANGE (exchange);
  guint *ids[] = { &self->backoff_id, &self->duration_id, &self->watchdog_id, &self->drain_id };

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
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  drop_connection (self, "stopped");
  g_message ("websocket: %u order%s sent, %" G_GUINT64_FORMAT " fills, %" G_GUINT64_FORMAT " rejects, %u reconnection%s, "
             "%" G_GUINT64_FORMAT " fills reconciled, %" G_GUINT64_FORMAT " orders resent",
             self->sent_ids->len, self->sent_ids->len == 1 ? "" : "s", self->fills, self->rejects,
             self->reconnects, self->reconnects == 1 ? "" : "s", self->reconciled_fills, self->resent);
  if (self->stats_file != NULL)
    write_stats (self);
}

static GPtrArray *
websocket_instruments (AatExchange *exchange)
{
  AatWebsocketExchange *self = AAT_WEBSOCKET_EXCHANGE (exchange);
  GPtrArray *out = g_ptr_array_new ();

  make_instruments (self);
  for (guint i = 0; i < self->instruments->len; i++)
    g_ptr_array_add (out, self->instruments->pdata[i]);
  return out;
}

static void
websocket_new_order (AatExchange *exchange, AatOrder *order)
{
  AatWebsocketExchange *self = AAT_WEBSOCKET_EXCHANGE (exchange);
  AatOrderType type = aat_order_get_order_type (order);
  COrder *co;

  if (aat_order_get_client_id (order) == NULL)
    {
      g_autofree char *cid = g_strdup_printf ("%s-%" G_GUINT64_FORMAT, self->run_id, aat_order_get_id (order));
      aat_order_set_client_id (order, cid);
    }
  if (own_instrument (self, aat_instrument_get_name (aat_order_get_instrument (order))) == NULL)
    {
      aat_exchange_emit_rejected (exchange, order, aat_reject_reason_to_string (AAT_REJECT_REASON_WRONG_INSTRUMENT));
      return;
    }
  if (type != AAT_ORDER_TYPE_MARKET && type != AAT_ORDER_TYPE_LIMIT)
    {
      aat_exchange_emit_rejected (exchange, order, "websocket: only market and limit orders are supported");
      return;
    }
  if (!(aat_order_get_remaining (order) > 0.0))
    {
      aat_exchange_emit_rejected (exchange, order, aat_reject_reason_to_string (AAT_REJECT_REASON_BAD_VOLUME));
      return;
    }
  if (self->ended || !self->started)
    {
      aat_exchange_emit_rejected (exchange, order, "websocket: the stream has ended");
      return;
    }
  if (g_hash_table_contains (self->orders, aat_order_get_client_id (order)))
    return;   /* the same client id twice: the first is the order */
  co = g_new0 (COrder, 1);
  co->order = aat_order_ref (order);
  g_hash_table_insert (self->orders, (gpointer) aat_order_get_client_id (order), co);
  if (self->connected && !self->reconciling)
    send_new (self, co);
}

static void
websocket_cancel_order (AatExchange *exchange, AatOrder *order)
{
  AatWebsocketExchange *self = AAT_WEBSOCKET_EXCHANGE (exchange);
  const char *cid = aat_order_get_client_id (order);
  COrder *co = cid != NULL ? g_hash_table_lookup (self->orders, cid) : NULL;

  if (co == NULL)
    return;
  if (!co->sent)
    {
      /* it never reached the server */
      self->canceled++;
      aat_exchange_emit_canceled (exchange, order);
      order_done (self, co);
      return;
    }
  co->cancel_wanted = TRUE;
  if (self->connected && !self->reconciling)
    send_cancel (self, co);
}

/**
 * aat_websocket_exchange_is_connected:
 * @self: a websocket exchange
 *
 * Returns: whether it has an open connection to the server
 */
gboolean
aat_websocket_exchange_is_connected (AatWebsocketExchange *self)
{
  g_return_val_if_fail (AAT_IS_WEBSOCKET_EXCHANGE (self), FALSE);
  return self->connected;
}

static void
aat_websocket_exchange_dispose (GObject *object)
{
  AatWebsocketExchange *self = AAT_WEBSOCKET_EXCHANGE (object);

  websocket_stop (AAT_EXCHANGE (self));
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (aat_websocket_exchange_parent_class)->dispose (object);
}

static void
aat_websocket_exchange_finalize (GObject *object)
{
  AatWebsocketExchange *self = AAT_WEBSOCKET_EXCHANGE (object);

  g_free (self->url);
  g_strfreev (self->symbols);
  g_free (self->account);
  g_free (self->run_id);
  g_free (self->stats_file);
  g_ptr_array_unref (self->instruments);
  g_hash_table_unref (self->seqs);
  g_hash_table_unref (self->orders);
  g_ptr_array_unref (self->sent_ids);
  G_OBJECT_CLASS (aat_websocket_exchange_parent_class)->finalize (object);
}

static void
aat_websocket_exchange_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatWebsocketExchange *self = AAT_WEBSOCKET_EXCHANGE (object);

  switch (prop_id)
    {
    case PROP_URL: g_value_set_string (value, self->url); break;
    case PROP_SYMBOLS: g_value_set_boxed (value, self->symbols); break;
    case PROP_ACCOUNT: g_value_set_string (value, self->account); break;
    case PROP_RUN_ID: g_value_set_string (value, self->run_id); break;
    case PROP_RECONNECT_MIN_MS: g_value_set_uint (value, self->reconnect_min_ms); break;
    case PROP_RECONNECT_MAX_MS: g_value_set_uint (value, self->reconnect_max_ms); break;
    case PROP_MAX_RECONNECTS: g_value_set_int (value, self->max_reconnects); break;
    case PROP_DURATION: g_value_set_double (value, self->duration); break;
    case PROP_MAX_EVENTS: g_value_set_uint64 (value, self->max_events); break;
    case PROP_HEARTBEAT_TIMEOUT: g_value_set_double (value, self->heartbeat_timeout); break;
    case PROP_UNKNOWN_ORDER_POLICY: g_value_set_enum (value, self->unknown_policy); break;
    case PROP_STATS_FILE: g_value_set_string (value, self->stats_file); break;
    case PROP_DRAIN_TIMEOUT_MS: g_value_set_uint (value, self->drain_ms); break;
    case PROP_RECONNECTS: g_value_set_uint (value, self->reconnects); break;
    case PROP_ORDERS_SENT: g_value_set_uint (value, self->sent_ids->len); break;
    case PROP_FILLS: g_value_set_uint64 (value, self->fills); break;
    case PROP_RECONCILED_FILLS: g_value_set_uint64 (value, self->reconciled_fills); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_websocket_exchange_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatWebsocketExchange *self = AAT_WEBSOCKET_EXCHANGE (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_free (self->url);
      self->url = g_value_dup_string (value);
      break;
    case PROP_SYMBOLS:
      g_strfreev (self->symbols);
      self->symbols = g_value_dup_boxed (value);
      break;
    case PROP_ACCOUNT:
      g_free (self->account);
      self->account = g_value_dup_string (value);
      break;
    case PROP_RUN_ID:
      g_free (self->run_id);
      self->run_id = g_value_dup_string (value);
      break;
    case PROP_RECONNECT_MIN_MS: self->reconnect_min_ms = g_value_get_uint (value); break;
    case PROP_RECONNECT_MAX_MS: self->reconnect_max_ms = g_value_get_uint (value); break;
    case PROP_MAX_RECONNECTS: self->max_reconnects = g_value_get_int (value); break;
    case PROP_DURATION: self->duration = g_value_get_double (value); break;
    case PROP_MAX_EVENTS: self->max_events = g_value_get_uint64 (value); break;
    case PROP_HEARTBEAT_TIMEOUT: self->heartbeat_timeout = g_value_get_double (value); break;
    case PROP_UNKNOWN_ORDER_POLICY: self->unknown_policy = g_value_get_enum (value); break;
    case PROP_STATS_FILE:
      g_free (self->stats_file);
      self->stats_file = g_value_dup_string (value);
      break;
    case PROP_DRAIN_TIMEOUT_MS: self->drain_ms = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_websocket_exchange_class_init (AatWebsocketExchangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatExchangeClass *exchange_class = AAT_EXCHANGE_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = aat_websocket_exchange_dispose;
  object_class->finalize = aat_websocket_exchange_finalize;
  object_class->get_property = aat_websocket_exchange_get_property;
  object_class->set_property = aat_websocket_exchange_set_property;

  /* no next_event: a push source */
  exchange_class->start = websocket_start;
  exchange_class->stop = websocket_stop;
  exchange_class->instruments = websocket_instruments;
  exchange_class->new_order = websocket_new_order;
  exchange_class->cancel_order = websocket_cancel_order;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, "The server, ws://HOST:PORT/ws", "ws://127.0.0.1:8765/ws", rw);
  properties[PROP_SYMBOLS] =
    g_param_spec_boxed ("symbols", NULL, "Instruments to subscribe to (default SYN0)", G_TYPE_STRV, rw);
  properties[PROP_ACCOUNT] =
    g_param_spec_string ("account", NULL, "Account the orders are sent for", "aat", rw);
  properties[PROP_RUN_ID] =
    g_param_spec_string ("run-id", NULL, "Prefix of client order ids, <run-id>-<order id> (default: unique per run)",
                         NULL, rw);
  properties[PROP_RECONNECT_MIN_MS] =
    g_param_spec_uint ("reconnect-min-ms", NULL, "First reconnection delay; it doubles on each failure", 1,
                       G_MAXINT, 100, rw);
  properties[PROP_RECONNECT_MAX_MS] =
    g_param_spec_uint ("reconnect-max-ms", NULL, "Longest reconnection delay", 1, G_MAXINT, 5000, rw);
  properties[PROP_MAX_RECONNECTS] =
    g_param_spec_int ("max-reconnects", NULL, "Failed attempts in a row before giving up (-1: never)", -1,
                      G_MAXINT, 20, rw);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, "End the stream after this many seconds (0: at the server's end)", 0.0,
                         1e9, 0.0, rw);
  properties[PROP_MAX_EVENTS] =
    g_param_spec_uint64 ("max-events", NULL, "End the stream after this many market events (0: no limit)", 0,
                         G_MAXUINT64, 0, rw);
  properties[PROP_HEARTBEAT_TIMEOUT] =
    g_param_spec_double ("heartbeat-timeout", NULL,
                         "Seconds of silence before the connection counts as dropped (0: 3 server heartbeats)", 0.0,
                         3600.0, 0.0, rw);
  properties[PROP_UNKNOWN_ORDER_POLICY] =
    g_param_spec_enum ("unknown-order-policy", NULL, "After a reconnection, a working order the server does not "
                       "know is sent again (resend) or reported cancelled (cancel)",
                       unknown_policy_get_type (), AAT_WEBSOCKET_UNKNOWN_ORDER_RESEND, rw);
  properties[PROP_STATS_FILE] =
    g_param_spec_string ("stats-file", NULL, "Write counters and the client order ids here at the end", NULL, rw);
  properties[PROP_DRAIN_TIMEOUT_MS] =
    g_param_spec_uint ("drain-timeout-ms", NULL, "At the end of the stream, wait this long for answers to orders "
                       "in flight", 0, 600000, 2000, rw);
  properties[PROP_RECONNECTS] =
    g_param_spec_uint ("reconnects", NULL, "Successful reconnections so far", 0, G_MAXUINT, 0, ro);
  properties[PROP_ORDERS_SENT] =
    g_param_spec_uint ("orders-sent", NULL, "Distinct client order ids sent so far", 0, G_MAXUINT, 0, ro);
  properties[PROP_FILLS] =
    g_param_spec_uint64 ("fills", NULL, "Fills emitted so far", 0, G_MAXUINT64, 0, ro);
  properties[PROP_RECONCILED_FILLS] =
    g_param_spec_uint64 ("reconciled-fills", NULL, "Fills learnt by reconciliation after a reconnection", 0,
                         G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_websocket_exchange_init (AatWebsocketExchange *self)
{
  self->url = g_strdup ("ws://127.0.0.1:8765/ws");
  self->account = g_strdup ("aat");
  self->reconnect_min_ms = 100;
  self->reconnect_max_ms = 5000;
  self->max_reconnects = 20;
  self->drain_ms = 2000;
  self->instruments = g_ptr_array_new ();
  self->seqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->orders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, corder_free);
  self->sent_ids = g_ptr_array_new_with_free_func (g_free);
}

#ifndef AAT_WEBSOCKET_NO_MODULE
static gboolean
websocket_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_EXCHANGE, "websocket",
                              "A live market over a websocket (aat-synthetic-server, doc/PROTOCOL.md)",
                              AAT_TYPE_WEBSOCKET_EXCHANGE, error);
}

AAT_MODULE_DEFINE ("websocket", "A live market over a websocket, with reconnection and reconciliation",
                   "0.1.0", websocket_module_init);
#endif
