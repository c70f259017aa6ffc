/* aat-ws-server.c: AatWsServer, a strategy that serves its engine's market over
 * websockets (the protocol of doc/PROTOCOL.md).
 *
 * What it owns: a SoupServer, the websocket connections of its clients, and every order
 * a client ever sent, keyed by the client's order id.
 *
 * Data flow:
 * - It is added to an engine as a strategy that never subscribes, so the engine hands
 *   it every market event of its exchanges (aat-synthetic-server runs the synthetic
 *   exchange in simulation mode). on_trade and the book callbacks turn each event into
 *   one JSON message, numbered per instrument, sent to the clients subscribed to it.
 * - A client's new_order becomes an AatOrder placed through the engine as this
 *   strategy's order, so it goes into the exchange's books and matches at book prices.
 *   The engine answers through on_received, on_bought/on_sold, on_canceled and
 *   on_rejected; each becomes an ack, fill, canceled or reject message to the
 *   connection that owns the order (the last one that sent or queried it).
 * - Client order ids are the idempotency key: a new_order whose id is known returns the
 *   existing order's state and never places a second order.
 * - With a state file, every order, fill, cancel and reject is appended as one JSON
 *   line before it is reported, and is read back at start, so a restarted server still
 *   knows the orders of its previous life. Orders that were working when it died are
 *   cancelled at restart (the books they rested on are gone) with the reason
 *   "exchange restarted"; clients learn of it by reconciling.
 * - A malformed message is answered with {"type":"error"} naming the field; the
 *   connection stays up.
 */
#include "aat-ws-server.h"
#include "aat-ws-protocol.h"

#include <libsoup/soup.h>
#include <string.h>

#define MAX_CLIENT_ORDER_ID 128

typedef struct _Client Client;

typedef struct {
  guint64 fill_id;
  double volume;
  double price;
  gint64 timestamp;
} Fill;

typedef struct {
  char *client_id;
  char *account;
  guint64 order_id;
  AatOrder *order;          /* owned; NULL for an order restored from the state file */
  char *instrument;
  AatSide side;
  AatOrderType type;
  double volume;
  double price;
  AatOrderStatus status;
  double filled;
  GArray *fills;            /* Fill */
  char *reason;
  Client *owner;            /* weak: where answers go */
} SOrder;

struct _Client {
  AatWsServer *server;
  SoupWebsocketConnection *conn;  /* owned */
  guint64 id;
  GHashTable *subs;         /* instrument name set */
};

struct _AatWsServer
{
  AatStrategy parent_instance;

  /* properties */
  double heartbeat;         /* seconds; 0: none */
  guint depth;
  char *name;

  SoupServer *server;
  GPtrArray *clients;       /* Client* */
  guint64 next_client;
  GHashTable *orders;       /* client id -> SOrder* (owned) */
  GHashTable *by_order;     /* AatOrder* -> SOrder* */
  guint64 next_order_id;
  GHashTable *seqs;         /* instrument name -> guint64* */
  GFileOutputStream *state;
  guint heartbeat_id;
  char *session;
  gboolean ended;
};

G_DEFINE_FINAL_TYPE (AatWsServer, aat_ws_server, AAT_TYPE_STRATEGY)

enum { PROP_0, PROP_HEARTBEAT, PROP_DEPTH, PROP_SERVER_NAME, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* ---- orders ---- */

static void
sorder_free (gpointer data)
{
  SOrder *o = data;

  g_free (o->client_id);
  g_free (o->account);
  g_clear_pointer (&o->order, aat_order_unref);
  g_free (o->instrument);
  g_array_unref (o->fills);
  g_free (o->reason);
  g_free (o);
}

static SOrder *
sorder_new (AatWsServer *self, const char *client_id)
{
  SOrder *o = g_new0 (SOrder, 1);

  o->client_id = g_strdup (client_id);
  o->fills = g_array_new (FALSE, FALSE, sizeof (Fill));
  o->status = AAT_ORDER_STATUS_PENDING;
  g_hash_table_insert (self->orders, o->client_id, o);
  return o;
}

static gboolean
status_is_done (AatOrderStatus s)
{
  return s == AAT_ORDER_STATUS_FILLED || s == AAT_ORDER_STATUS_CANCELED ||
         s == AAT_ORDER_STATUS_REJECTED || s == AAT_ORDER_STATUS_EXPIRED;
}

static void
add_record (JsonBuilder *b, SOrder *o)
{
  json_builder_set_member_name (b, "client_order_id");
  json_builder_add_string_value (b, o->client_id);
  json_builder_set_member_name (b, "order_id");
  json_builder_add_int_value (b, (gint64) o->order_id);
  json_builder_set_member_name (b, "account");
  json_builder_add_string_value (b, o->account);
  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, o->instrument);
  json_builder_set_member_name (b, "side");
  json_builder_add_string_value (b, aat_ws_side_to_string (o->side));
  json_builder_set_member_name (b, "order_type");
  json_builder_add_string_value (b, aat_ws_order_type_to_string (o->type));
  json_builder_set_member_name (b, "volume");
  json_builder_add_double_value (b, o->volume);
  json_builder_set_member_name (b, "price");
  json_builder_add_double_value (b, o->price);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, aat_ws_status_to_string (o->status));
  json_builder_set_member_name (b, "filled");
  json_builder_add_double_value (b, o->filled);
  json_builder_set_member_name (b, "remaining");
  json_builder_add_double_value (b, status_is_done (o->status) ? 0.0 : MAX (o->volume - o->filled, 0.0));
  json_builder_set_member_name (b, "fills");
  json_builder_begin_array (b);
  for (guint i = 0; i < o->fills->len; i++)
    {
      Fill *f = &g_array_index (o->fills, Fill, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "fill_id");
      json_builder_add_int_value (b, (gint64) f->fill_id);
      json_builder_set_member_name (b, "volume");
      json_builder_add_double_value (b, f->volume);
      json_builder_set_member_name (b, "price");
      json_builder_add_double_value (b, f->price);
      json_builder_set_member_name (b, "timestamp");
      json_builder_add_int_value (b, f->timestamp);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (o->reason != NULL)
    {
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, o->reason);
    }
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

/* ---- the state file ---- */

static void
state_append (AatWsServer *self, JsonBuilder *b)
{
  g_autofree char *line = aat_ws_builder_finish (b);
  g_autoptr (GError) error = NULL;
  gsize len = strlen (line);

  if (self->state == NULL)
    return;
  line[len] = '\n';   /* the generator's NUL becomes the line end */
  if (!g_output_stream_write_all (G_OUTPUT_STREAM (self->state), line, len + 1, NULL, NULL, &error) ||
      !g_output_stream_flush (G_OUTPUT_STREAM (self->state), NULL, &error))
    g_printerr ("aat-ws-server: cannot write the state file: %s\n", error->message);
  line[len] = '\0';
}

static JsonBuilder *
state_begin (const char *event, SOrder *o)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, event);
  json_builder_set_member_name (b, "client_order_id");
  json_builder_add_string_value (b, o->client_id);
  return b;
}

static void
state_new (AatWsServer *self, SOrder *o)
{
  JsonBuilder *b;

  if (self->state == NULL)
    return;
  b = state_begin ("new", o);
  json_builder_set_member_name (b, "order_id");
  json_builder_add_int_value (b, (gint64) o->order_id);
  json_builder_set_member_name (b, "account");
  json_builder_add_string_value (b, o->account);
  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, o->instrument);
  json_builder_set_member_name (b, "side");
  json_builder_add_string_value (b, aat_ws_side_to_string (o->side));
  json_builder_set_member_name (b, "order_type");
  json_builder_add_string_value (b, aat_ws_order_type_to_string (o->type));
  json_builder_set_member_name (b, "volume");
  json_builder_add_double_value (b, o->volume);
  json_builder_set_member_name (b, "price");
  json_builder_add_double_value (b, o->price);
  state_append (self, b);
}

static void
state_end (AatWsServer *self, const char *event, SOrder *o)
{
  JsonBuilder *b;

  if (self->state == NULL)
    return;
  b = state_begin (event, o);
  if (o->reason != NULL)
    {
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, o->reason);
    }
  state_append (self, b);
}

static void
state_fill (AatWsServer *self, SOrder *o, const Fill *f)
{
  JsonBuilder *b;

  if (self->state == NULL)
    return;
  b = state_begin ("fill", o);
  json_builder_set_member_name (b, "fill_id");
  json_builder_add_int_value (b, (gint64) f->fill_id);
  json_builder_set_member_name (b, "volume");
  json_builder_add_double_value (b, f->volume);
  json_builder_set_member_name (b, "price");
  json_builder_add_double_value (b, f->price);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, f->timestamp);
  state_append (self, b);
}

/* Reads one line of the state file into the order table; a bad line (the torn last
 * line of a killed server) is skipped. */
static void
state_load_line (AatWsServer *self, const char *line, guint lineno, const char *path)
{
  AatWsProblem p = { 0 };
  g_autoptr (JsonObject) obj = NULL;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  const char *event = NULL, *cid = NULL;
  SOrder *o;

  if (*line == '\0')
    return;
  if (!json_parser_load_from_data (parser, line, -1, NULL) || json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_printerr ("aat-ws-server: %s:%u: skipping an unreadable line\n", path, lineno);
      return;
    }
  obj = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  if (!aat_ws_get_string (obj, "event", TRUE, &event, &p) ||
      !aat_ws_get_string (obj, "client_order_id", TRUE, &cid, &p))
    {
      g_printerr ("aat-ws-server: %s:%u: %s\n", path, lineno, p.message);
      aat_ws_problem_clear (&p);
      return;
    }
  o = g_hash_table_lookup (self->orders, cid);
  if (strcmp (event, "new") == 0 && o == NULL)
    {
      const char *account = "default", *inst = "", *side = "buy", *type = "limit";
      guint64 id = 0;
      o = sorder_new (self, cid);
      aat_ws_get_string (obj, "account", FALSE, &account, &p);
      aat_ws_get_string (obj, "instrument", FALSE, &inst, &p);
      aat_ws_get_string (obj, "side", FALSE, &side, &p);
      aat_ws_get_string (obj, "order_type", FALSE, &type, &p);
      aat_ws_get_number (obj, "volume", FALSE, &o->volume, &p);
      aat_ws_get_number (obj, "price", FALSE, &o->price, &p);
      aat_ws_get_uint (obj, "order_id", FALSE, &id, &p);
      o->order_id = id;
      o->account = g_strdup (account);
      o->instrument = g_strdup (inst);
      aat_ws_side_from_string (side, &o->side);
      aat_ws_order_type_from_string (type, &o->type);
      o->status = AAT_ORDER_STATUS_OPEN;
      self->next_order_id = MAX (self->next_order_id, id + 1);
    }
  else if (o != NULL && strcmp (event, "fill") == 0)
    {
      Fill f = { 0 };
      aat_ws_get_uint (obj, "fill_id", FALSE, &f.fill_id, &p);
      aat_ws_get_number (obj, "volume", FALSE, &f.volume, &p);
      aat_ws_get_number (obj, "price", FALSE, &f.price, &p);
      if (f.fill_id == o->fills->len + 1)
        {
          double ts = 0;
          aat_ws_get_number (obj, "timestamp", FALSE, &ts, &p);
          f.timestamp = (gint64) ts;
          g_array_append_val (o->fills, f);
          o->filled += f.volume;
          o->status = o->filled + 1e-9 >= o->volume ? AAT_ORDER_STATUS_FILLED : AAT_ORDER_STATUS_PARTIAL;
        }
    }
  else if (o != NULL && (strcmp (event, "canceled") == 0 || strcmp (event, "rejected") == 0))
    {
      const char *reason = NULL;
      aat_ws_get_string (obj, "reason", FALSE, &reason, &p);
      o->status = event[0] == 'c' ? AAT_ORDER_STATUS_CANCELED : AAT_ORDER_STATUS_REJECTED;
      g_free (o->reason);
      o->reason = g_strdup (reason);
    }
  aat_ws_problem_clear (&p);
}

/**
 * aat_ws_server_load_state:
 * @self: a server
 * @path: the state file; created when missing
 * @error: return location for an error
 *
 * Reads the orders of a previous life from @path, cancels those that were still
 * working (their books are gone), and appends everything from now on to @path.
 *
 * Returns: %TRUE on success
 */
gboolean
aat_ws_server_load_state (AatWsServer *self, const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GFile) file = NULL;
  GHashTableIter iter;
  gpointer value;
  guint n = 0, canceled = 0;

  g_return_val_if_fail (AAT_IS_WS_SERVER (self), FALSE);
  if (g_file_get_contents (path, &contents, NULL, NULL))
    {
      g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        state_load_line (self, lines[i], i + 1, path);
    }
  file = g_file_new_for_path (path);
  self->state = g_file_append_to (file, G_FILE_CREATE_NONE, NULL, error);
  if (self->state == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, self->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SOrder *o = value;
      n++;
      if (!status_is_done (o->status))
        {
          o->status = AAT_ORDER_STATUS_CANCELED;
          g_free (o->reason);
          o->reason = g_strdup ("exchange restarted");
          state_end (self, "canceled", o);
          canceled++;
        }
    }
  if (n > 0)
    g_printerr ("aat-ws-server: restored %u orders from %s (%u working ones cancelled)\n", n, path, canceled);
  return TRUE;
}

/* ---- clients ---- */

static void
client_send (Client *c, const char *text)
{
  if (c->conn != NULL && soup_websocket_connection_get_state (c->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (c->conn, text);
}

static void
client_send_builder (Client *c, JsonBuilder *b)
{
  g_autofree char *text = aat_ws_builder_finish (b);

  client_send (c, text);
}

static void
broadcast (AatWsServer *self, const char *instrument, const char *text)
{
  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *c = self->clients->pdata[i];
      if (instrument == NULL || g_hash_table_contains (c->subs, instrument))
        client_send (c, text);
    }
}

static void
send_error (Client *c, const char *request, const char *field, const char *message)
{
  JsonBuilder *b = begin ("error");

  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "field");
  if (field != NULL)
    json_builder_add_string_value (b, field);
  else
    json_builder_add_null_value (b);
  if (request != NULL)
    {
      json_builder_set_member_name (b, "request");
      json_builder_add_string_value (b, request);
    }
  client_send_builder (c, b);
}

static void
send_order (AatWsServer *self, SOrder *o, const char *type, gboolean duplicate)
{
  JsonBuilder *b;

  if (o->owner == NULL)
    return;
  b = begin (type);
  add_record (b, o);
  if (duplicate)
    {
      json_builder_set_member_name (b, "duplicate");
      json_builder_add_boolean_value (b, TRUE);
    }
  client_send_builder (o->owner, b);
}

static guint64
next_seq (AatWsServer *self, const char *instrument)
{
  guint64 *seq = g_hash_table_lookup (self->seqs, instrument);

  if (seq == NULL)
    {
      seq = g_new0 (guint64, 1);
      g_hash_table_insert (self->seqs, g_strdup (instrument), seq);
    }
  return ++*seq;
}

static guint64
current_seq (AatWsServer *self, const char *instrument)
{
  guint64 *seq = g_hash_table_lookup (self->seqs, instrument);

  return seq != NULL ? *seq : 0;
}

static AatInstrument *
find_instrument (AatWsServer *self, const char *name)
{
  AatEngine *engine = aat_strategy_get_engine (AAT_STRATEGY (self));

  return engine != NULL && name != NULL ? aat_engine_lookup_instrument (engine, name) : NULL;
}

static AatOrderBook *
find_book (AatWsServer *self, AatInstrument *inst)
{
  AatEngine *engine = aat_strategy_get_engine (AAT_STRATEGY (self));
  GPtrArray *exchanges = engine != NULL ? aat_engine_get_exchanges (engine) : NULL;

  /* the synthetic exchange's "get-book" action signal, without linking against it */
  for (guint i = 0; exchanges != NULL && i < exchanges->len; i++)
    if (g_signal_lookup ("get-book", G_OBJECT_TYPE (exchanges->pdata[i])) != 0)
      {
        AatOrderBook *book = NULL;
        g_signal_emit_by_name (exchanges->pdata[i], "get-book", inst, &book);
        if (book != NULL)
          return book;
      }
  return NULL;
}

static void
add_levels (JsonBuilder *b, const char *name, AatOrderBook *book, AatSide side, guint depth)
{
  g_autoptr (GArray) levels = book != NULL ? aat_order_book_levels (book, side, depth) : NULL;

  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; levels != NULL && i < levels->len; i++)
    {
      AatBookLevel *l = &g_array_index (levels, AatBookLevel, i);
      json_builder_begin_array (b);
      json_builder_add_double_value (b, l->price);
      json_builder_add_double_value (b, l->volume);
      json_builder_add_int_value (b, l->count);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

static void
send_snapshot (AatWsServer *self, Client *c, AatInstrument *inst)
{
  const char *name = aat_instrument_get_name (inst);
  AatOrderBook *book = find_book (self, inst);
  JsonBuilder *b = begin ("snapshot");

  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) current_seq (self, name));
  add_levels (b, "bids", book, AAT_SIDE_BUY, self->depth);
  add_levels (b, "asks", book, AAT_SIDE_SELL, self->depth);
  client_send_builder (c, b);
}

static void
send_hello (AatWsServer *self, Client *c)
{
  AatEngine *engine = aat_strategy_get_engine (AAT_STRATEGY (self));
  GPtrArray *insts = engine != NULL ? aat_engine_get_instruments (engine) : NULL;
  JsonBuilder *b = begin ("hello");

  json_builder_set_member_name (b, "server");
  json_builder_add_string_value (b, self->name);
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, AAT_WS_PROTOCOL_VERSION);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, self->session);
  json_builder_set_member_name (b, "heartbeat");
  json_builder_add_double_value (b, self->heartbeat);
  json_builder_set_member_name (b, "instruments");
  json_builder_begin_array (b);
  for (guint i = 0; insts != NULL && i < insts->len; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, aat_instrument_get_name (insts->pdata[i]));
      json_builder_set_member_name (b, "tick_size");
      json_builder_add_double_value (b, aat_instrument_get_tick_size (insts->pdata[i]));
      json_builder_set_member_name (b, "lot_size");
      json_builder_add_double_value (b, aat_instrument_get_lot_size (insts->pdata[i]));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  client_send_builder (c, b);
}

/* ---- requests ---- */

static void
handle_subscribe (AatWsServer *self, Client *c, JsonObject *msg, gboolean subscribe)
{
  AatWsProblem p = { 0 };
  g_autoptr (GPtrArray) names = NULL;
  JsonBuilder *b;

  if (!aat_ws_get_string_array (msg, "instruments", TRUE, &names, &p))
    {
      send_error (c, subscribe ? "subscribe" : "unsubscribe", p.field, p.message);
      aat_ws_problem_clear (&p);
      return;
    }
  for (guint i = 0; i < names->len; i++)
    if (find_instrument (self, names->pdata[i]) == NULL)
      {
        g_autofree char *m = g_strdup_printf ("unknown instrument '%s'", (char *) names->pdata[i]);
        send_error (c, subscribe ? "subscribe" : "unsubscribe", "instruments", m);
        return;
      }
  b = begin (subscribe ? "subscribed" : "unsubscribed");
  json_builder_set_member_name (b, "instruments");
  json_builder_begin_array (b);
  for (guint i = 0; i < names->len; i++)
    {
      if (subscribe)
        g_hash_table_add (c->subs, g_strdup (names->pdata[i]));
      else
        g_hash_table_remove (c->subs, names->pdata[i]);
      json_builder_add_string_value (b, names->pdata[i]);
    }
  json_builder_end_array (b);
  client_send_builder (c, b);
  for (guint i = 0; subscribe && i < names->len; i++)
    send_snapshot (self, c, find_instrument (self, names->pdata[i]));
}

static void
reject_new (AatWsServer *self, SOrder *o, const char *reason)
{
  o->status = AAT_ORDER_STATUS_REJECTED;
  o->reason = g_strdup (reason);
  state_new (self, o);
  state_end (self, "rejected", o);
  send_order (self, o, "reject", FALSE);
}

static void
handle_new_order (AatWsServer *self, Client *c, JsonObject *msg)
{
  AatWsProblem p = { 0 };
  const char *cid = NULL, *inst_name = NULL, *side_text = NULL, *type_text = "limit", *account = "default";
  double volume = 0.0, price = 0.0;
  AatSide side;
  AatOrderType type;
  AatInstrument *inst;
  SOrder *o;
  g_autoptr (AatOrder) order = NULL;

  if (!aat_ws_get_string (msg, "client_order_id", TRUE, &cid, &p))
    goto bad;
  if (*cid == '\0' || strlen (cid) > MAX_CLIENT_ORDER_ID)
    {
      aat_ws_problem_set (&p, "client_order_id", "field 'client_order_id' must have 1 to %d characters",
                          MAX_CLIENT_ORDER_ID);
      goto bad;
    }
  /* idempotent: a known id returns the order it names */
  o = g_hash_table_lookup (self->orders, cid);
  if (o != NULL)
    {
      o->owner = c;
      send_order (self, o, o->status == AAT_ORDER_STATUS_REJECTED ? "reject" : "ack", TRUE);
      return;
    }
  if (!aat_ws_get_string (msg, "instrument", TRUE, &inst_name, &p) ||
      !aat_ws_get_string (msg, "side", TRUE, &side_text, &p) ||
      !aat_ws_get_string (msg, "order_type", FALSE, &type_text, &p) ||
      !aat_ws_get_string (msg, "account", FALSE, &account, &p) ||
      !aat_ws_get_number (msg, "volume", TRUE, &volume, &p))
    goto bad;
  if (!aat_ws_side_from_string (side_text, &side))
    {
      aat_ws_problem_set (&p, "side", "field 'side' must be \"buy\" or \"sell\"");
      goto bad;
    }
  if (!aat_ws_order_type_from_string (type_text, &type) ||
      (type != AAT_ORDER_TYPE_MARKET && type != AAT_ORDER_TYPE_LIMIT))
    {
      aat_ws_problem_set (&p, "order_type", "field 'order_type' must be \"market\" or \"limit\"");
      goto bad;
    }
  if (!aat_ws_get_number (msg, "price", type == AAT_ORDER_TYPE_LIMIT, &price, &p))
    goto bad;

  /* The message is well formed: from here on, problems are business rejects, and the
   * order is remembered under its id so that a retry gets the same answer. */
  inst = find_instrument (self, inst_name);
  o = sorder_new (self, cid);
  o->owner = c;
  o->account = g_strdup (account);
  o->instrument = g_strdup (inst_name);
  o->side = side;
  o->type = type;
  o->volume = volume;
  o->price = type == AAT_ORDER_TYPE_LIMIT ? price : 0.0;
  o->order_id = self->next_order_id++;
  if (inst == NULL)
    {
      reject_new (self, o, aat_reject_reason_to_string (AAT_REJECT_REASON_WRONG_INSTRUMENT));
      return;
    }
  if (!(volume > 0.0))
    {
      reject_new (self, o, aat_reject_reason_to_string (AAT_REJECT_REASON_BAD_VOLUME));
      return;
    }
  if (type == AAT_ORDER_TYPE_LIMIT && !(price > 0.0))
    {
      reject_new (self, o, aat_reject_reason_to_string (AAT_REJECT_REASON_BAD_PRICE));
      return;
    }
  if (self->ended)
    {
      reject_new (self, o, "the market is closed");
      return;
    }
  state_new (self, o);
  order = aat_order_new (inst, side, type, volume, o->price);
  aat_order_set_client_id (order, cid);
  o->order = aat_order_ref (order);
  g_hash_table_insert (self->by_order, order, o);
  /* the engine may answer (ack, fills) before this returns; it lends the result */
  aat_strategy_new_order (AAT_STRATEGY (self), order);
  return;

bad:
  send_error (c, "new_order", p.field, p.message);
  aat_ws_problem_clear (&p);
}

static void
handle_cancel (AatWsServer *self, Client *c, JsonObject *msg)
{
  AatWsProblem p = { 0 };
  const char *cid = NULL;
  SOrder *o;
  JsonBuilder *b;
  g_autofree char *why = NULL;

  if (!aat_ws_get_string (msg, "client_order_id", TRUE, &cid, &p))
    {
      send_error (c, "cancel_order", p.field, p.message);
      aat_ws_problem_clear (&p);
      return;
    }
  o = g_hash_table_lookup (self->orders, cid);
  if (o != NULL)
    o->owner = c;
  if (o != NULL && !status_is_done (o->status) && o->order != NULL &&
      aat_strategy_cancel_order (AAT_STRATEGY (self), o->order))
    return;   /* on_canceled answers */
  if (o == NULL)
    why = g_strdup ("unknown order");
  else
    why = g_strdup_printf ("order is %s", aat_ws_status_to_string (o->status));
  b = begin ("cancel_reject");
  json_builder_set_member_name (b, "client_order_id");
  json_builder_add_string_value (b, cid);
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, why);
  if (o != NULL)
    {
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, aat_ws_status_to_string (o->status));
    }
  client_send_builder (c, b);
}

static void
handle_status (AatWsServer *self, Client *c, JsonObject *msg)
{
  AatWsProblem p = { 0 };
  g_autoptr (GPtrArray) ids = NULL;
  const char *account = NULL;
  gboolean open_only = TRUE;
  JsonBuilder *b;

  if (!aat_ws_get_string_array (msg, "client_order_ids", FALSE, &ids, &p) ||
      !aat_ws_get_string (msg, "account", FALSE, &account, &p) ||
      !aat_ws_get_bool (msg, "open_only", FALSE, &open_only, &p))
    {
      send_error (c, "order_status", p.field, p.message);
      aat_ws_problem_clear (&p);
      return;
    }
  b = begin ("order_status");
  json_builder_set_member_name (b, "orders");
  json_builder_begin_array (b);
  if (ids != NULL)
    {
      for (guint i = 0; i < ids->len; i++)
        {
          SOrder *o = g_hash_table_lookup (self->orders, ids->pdata[i]);
          if (o == NULL)
            continue;
          o->owner = c;
          json_builder_begin_object (b);
          add_record (b, o);
          json_builder_end_object (b);
        }
    }
  else
    {
      GHashTableIter iter;
      gpointer value;
      g_hash_table_iter_init (&iter, self->orders);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          SOrder *o = value;
          if (g_strcmp0 (o->account, account != NULL ? account : "default") != 0 ||
              (open_only && status_is_done (o->status)))
            continue;
          o->owner = c;
          json_builder_begin_object (b);
          add_record (b, o);
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "unknown");
  json_builder_begin_array (b);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (!g_hash_table_contains (self->orders, ids->pdata[i]))
      json_builder_add_string_value (b, ids->pdata[i]);
  json_builder_end_array (b);
  client_send_builder (c, b);
}

static void
on_message (SoupWebsocketConnection *conn, int data_type, GBytes *message, gpointer user_data)
{
  Client *c = user_data;
  AatWsServer *self = c->server;
  AatWsProblem p = { 0 };
  g_autoptr (JsonObject) msg = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);
  const char *type;

  if (data_type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      send_error (c, NULL, NULL, "binary messages are not supported; send JSON text");
      return;
    }
  msg = aat_ws_parse (data != NULL ? data : "", len, &p);
  if (msg == NULL)
    {
      send_error (c, NULL, p.field, p.message);
      aat_ws_problem_clear (&p);
      return;
    }
  type = json_object_get_string_member (msg, "type");
  if (strcmp (type, "subscribe") == 0)
    handle_subscribe (self, c, msg, TRUE);
  else if (strcmp (type, "unsubscribe") == 0)
    handle_subscribe (self, c, msg, FALSE);
  else if (strcmp (type, "new_order") == 0)
    handle_new_order (self, c, msg);
  else if (strcmp (type, "cancel_order") == 0)
    handle_cancel (self, c, msg);
  else if (strcmp (type, "order_status") == 0)
    handle_status (self, c, msg);
  else if (strcmp (type, "ping") == 0)
    {
      JsonBuilder *b = begin ("pong");
      JsonNode *id = json_object_get_member (msg, "id");
      if (id != NULL)
        {
          json_builder_set_member_name (b, "id");
          json_builder_add_value (b, json_node_copy (id));
        }
      client_send_builder (c, b);
    }
  else
    {
      g_autofree char *m = g_strdup_printf ("unknown message type '%s'", type);
      send_error (c, NULL, "type", m);
    }
}

static void
client_free (Client *c)
{
  g_signal_handlers_disconnect_by_data (c->conn, c);
  g_clear_object (&c->conn);
  g_hash_table_unref (c->subs);
  g_free (c);
}

/* Forgets a client: its orders keep working, with nobody to answer until a connection
 * claims them (new_order, cancel_order or order_status). */
static void
client_detach (AatWsServer *self, Client *c)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((SOrder *) value)->owner == c)
      ((SOrder *) value)->owner = NULL;
  g_ptr_array_remove (self->clients, c);
  client_free (c);
}

static void
on_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  Client *c = user_data;

  client_detach (c->server, c);
}

static void
on_websocket (SoupServer *server, SoupServerMessage *msg, const char *path,
              SoupWebsocketConnection *conn, gpointer user_data)
{
  AatWsServer *self = user_data;
  Client *c = g_new0 (Client, 1);

  c->server = self;
  c->conn = g_object_ref (conn);   /* libsoup drops its own reference after this returns */
  c->id = ++self->next_client;
  c->subs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  soup_websocket_connection_set_max_incoming_payload_size (conn, 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), c);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), c);
  g_ptr_array_add (self->clients, c);
  send_hello (self, c);
  if (self->ended)
    client_send (c, "{\"type\":\"end\",\"reason\":\"the market is closed\"}");
}

static gboolean
heartbeat_cb (gpointer data)
{
  AatWsServer *self = data;
  JsonBuilder *b = begin ("heartbeat");
  g_autofree char *text = NULL;

  json_builder_set_member_name (b, "time");
  json_builder_add_int_value (b, g_get_real_time () * 1000);
  text = aat_ws_builder_finish (b);
  broadcast (self, NULL, text);
  return G_SOURCE_CONTINUE;
}

/**
 * aat_ws_server_listen:
 * @self: a server
 * @host: the address to listen on, such as "127.0.0.1"
 * @port: the port, or 0 for an ephemeral one (see aat_ws_server_get_url())
 * @error: return location for an error
 *
 * Starts accepting websocket clients at ws://@host:@port/ws on the thread-default
 * main context.
 *
 * Returns: %TRUE on success
 */
gboolean
aat_ws_server_listen (AatWsServer *self, const char *host, guint port, GError **error)
{
  g_autoptr (GSocketAddress) address = NULL;

  g_return_val_if_fail (AAT_IS_WS_SERVER (self), FALSE);
  address = g_inet_socket_address_new_from_string (host, port);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'%s' is not an IP address", host);
      return FALSE;
    }
  if (self->server == NULL)
    {
      self->server = soup_server_new ("server-header", "aat-synthetic-server", NULL);
      soup_server_add_websocket_handler (self->server, "/ws", NULL, NULL, on_websocket, self, NULL);
    }
  if (!soup_server_listen (self->server, address, 0, error))
    return FALSE;
  if (self->heartbeat > 0 && self->heartbeat_id == 0)
    self->heartbeat_id = g_timeout_add ((guint) (self->heartbeat * 1000), heartbeat_cb, self);
  return TRUE;
}

/**
 * aat_ws_server_get_url:
 * @self: a listening server
 *
 * Returns: (transfer full) (nullable): the websocket URL of the first listening
 *   address, such as "ws://127.0.0.1:43210/ws"
 */
char *
aat_ws_server_get_url (AatWsServer *self)
{
  GSList *uris;
  char *url = NULL;

  g_return_val_if_fail (AAT_IS_WS_SERVER (self), NULL);
  if (self->server == NULL)
    return NULL;
  uris = soup_server_get_uris (self->server);
  if (uris != NULL)
    url = g_strdup_printf ("ws://%s:%d/ws", g_uri_get_host (uris->data), g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

/**
 * aat_ws_server_get_client_count:
 * @self: a server
 *
 * Returns: how many clients are connected
 */
guint
aat_ws_server_get_client_count (AatWsServer *self)
{
  g_return_val_if_fail (AAT_IS_WS_SERVER (self), 0);
  return self->clients->len;
}

/**
 * aat_ws_server_get_order_count:
 * @self: a server
 *
 * Returns: how many distinct client order ids it knows
 */
guint
aat_ws_server_get_order_count (AatWsServer *self)
{
  g_return_val_if_fail (AAT_IS_WS_SERVER (self), 0);
  return g_hash_table_size (self->orders);
}

/**
 * aat_ws_server_shutdown:
 * @self: a server
 *
 * Stops listening and closes every connection normally, waiting up to a second on the
 * thread-default context for the closing handshakes.
 */
void
aat_ws_server_shutdown (AatWsServer *self)
{
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;

  g_return_if_fail (AAT_IS_WS_SERVER (self));
  if (self->heartbeat_id != 0)
    {
      g_source_remove (self->heartbeat_id);
      self->heartbeat_id = 0;
    }
  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *c = self->clients->pdata[i];
      if (soup_websocket_connection_get_state (c->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (c->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, "server shutting down");
    }
  while (self->clients->len > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* connections that did not finish the closing handshake */
  while (self->clients->len > 0)
    client_detach (self, self->clients->pdata[self->clients->len - 1]);
}

/* ---- the strategy: market data and order answers from the engine ---- */

static void
server_on_trade (AatStrategy *s, AatTrade *trade)
{
  AatWsServer *self = AAT_WS_SERVER (s);
  const char *name = aat_instrument_get_name (aat_trade_get_instrument (trade));
  JsonBuilder *b = begin ("trade");
  g_autofree char *text = NULL;

  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) next_seq (self, name));
  json_builder_set_member_name (b, "side");
  json_builder_add_string_value (b, aat_ws_side_to_string (aat_trade_get_side (trade)));
  json_builder_set_member_name (b, "price");
  json_builder_add_double_value (b, aat_trade_get_price (trade));
  json_builder_set_member_name (b, "volume");
  json_builder_add_double_value (b, aat_trade_get_volume (trade));
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, aat_trade_get_timestamp (trade));
  text = aat_ws_builder_finish (b);
  broadcast (self, name, text);
}

static void
server_on_book (AatStrategy *s, AatEvent *event)
{
  AatWsServer *self = AAT_WS_SERVER (s);
  AatOrder *order = aat_event_get_order (event);
  const char *name, *action;
  JsonBuilder *b;
  g_autofree char *text = NULL;

  if (order == NULL)
    return;
  switch (aat_event_get_event_type (event))
    {
    case AAT_EVENT_TYPE_OPEN: action = "open"; break;
    case AAT_EVENT_TYPE_CANCEL: action = "cancel"; break;
    case AAT_EVENT_TYPE_CHANGE: action = "change"; break;
    case AAT_EVENT_TYPE_FILL: action = "fill"; break;
    default: return;
    }
  name = aat_instrument_get_name (aat_order_get_instrument (order));
  b = begin ("book");
  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) next_seq (self, name));
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, action);
  json_builder_set_member_name (b, "side");
  json_builder_add_string_value (b, aat_ws_side_to_string (aat_order_get_side (order)));
  json_builder_set_member_name (b, "price");
  json_builder_add_double_value (b, aat_order_get_price (order));
  json_builder_set_member_name (b, "volume");
  json_builder_add_double_value (b, aat_order_get_volume (order));
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, aat_event_get_timestamp (event));
  text = aat_ws_builder_finish (b);
  broadcast (self, name, text);
}

static SOrder *
sorder_of (AatWsServer *self, AatOrder *order)
{
  return order != NULL ? g_hash_table_lookup (self->by_order, order) : NULL;
}

static void
server_on_received (AatStrategy *s, AatOrder *order)
{
  AatWsServer *self = AAT_WS_SERVER (s);
  SOrder *o = sorder_of (self, order);

  if (o == NULL)
    return;
  if (o->status == AAT_ORDER_STATUS_PENDING)
    o->status = AAT_ORDER_STATUS_OPEN;
  send_order (self, o, "ack", FALSE);
}

static void
server_on_traded (AatStrategy *s, AatTrade *trade)
{
  AatWsServer *self = AAT_WS_SERVER (s);
  AatOrder *order = aat_trade_get_taker_order (trade);
  SOrder *o = sorder_of (self, order);
  Fill f;
  JsonBuilder *b;

  if (o == NULL)
    return;
  f.fill_id = o->fills->len + 1;
  f.volume = aat_trade_get_volume (trade);
  f.price = aat_trade_get_price (trade);
  f.timestamp = aat_trade_get_timestamp (trade);
  g_array_append_val (o->fills, f);
  o->filled += f.volume;
  o->status = o->filled + 1e-9 >= o->volume ? AAT_ORDER_STATUS_FILLED : AAT_ORDER_STATUS_PARTIAL;
  state_fill (self, o, &f);
  if (o->owner == NULL)
    return;
  b = begin ("fill");
  json_builder_set_member_name (b, "client_order_id");
  json_builder_add_string_value (b, o->client_id);
  json_builder_set_member_name (b, "order_id");
  json_builder_add_int_value (b, (gint64) o->order_id);
  json_builder_set_member_name (b, "fill_id");
  json_builder_add_int_value (b, (gint64) f.fill_id);
  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, o->instrument);
  json_builder_set_member_name (b, "side");
  json_builder_add_string_value (b, aat_ws_side_to_string (o->side));
  json_builder_set_member_name (b, "volume");
  json_builder_add_double_value (b, f.volume);
  json_builder_set_member_name (b, "price");
  json_builder_add_double_value (b, f.price);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, f.timestamp);
  json_builder_set_member_name (b, "filled");
  json_builder_add_double_value (b, o->filled);
  json_builder_set_member_name (b, "remaining");
  json_builder_add_double_value (b, MAX (o->volume - o->filled, 0.0));
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, aat_ws_status_to_string (o->status));
  client_send_builder (o->owner, b);
}

static void
server_on_canceled (AatStrategy *s, AatOrder *order)
{
  AatWsServer *self = AAT_WS_SERVER (s);
  SOrder *o = sorder_of (self, order);

  if (o == NULL || status_is_done (o->status))
    return;
  o->status = AAT_ORDER_STATUS_CANCELED;
  if (o->type == AAT_ORDER_TYPE_MARKET && o->reason == NULL)
    o->reason = g_strdup ("no more liquidity for the rest of a market order");
  state_end (self, "canceled", o);
  send_order (self, o, "canceled", FALSE);
}

static void
server_on_rejected (AatStrategy *s, AatOrder *order, const char *reason)
{
  AatWsServer *self = AAT_WS_SERVER (s);
  SOrder *o = sorder_of (self, order);

  if (o == NULL || status_is_done (o->status))
    return;
  o->status = AAT_ORDER_STATUS_REJECTED;
  g_free (o->reason);
  o->reason = g_strdup (reason != NULL ? reason : "rejected");
  state_end (self, "rejected", o);
  send_order (self, o, "reject", FALSE);
}

static void
server_on_exit (AatStrategy *s)
{
  AatWsServer *self = AAT_WS_SERVER (s);

  /* the market's stream ended: tell everyone, so client runs terminate */
  self->ended = TRUE;
  broadcast (self, NULL, "{\"type\":\"end\",\"reason\":\"the market is closed\"}");
}

static void
aat_ws_server_finalize (GObject *object)
{
  AatWsServer *self = AAT_WS_SERVER (object);

  if (self->heartbeat_id != 0)
    g_source_remove (self->heartbeat_id);
  while (self->clients->len > 0)
    client_free (g_ptr_array_steal_index (self->clients, self->clients->len - 1));
  g_ptr_array_unref (self->clients);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_hash_table_unref (self->by_order);
  g_hash_table_unref (self->orders);
  g_hash_table_unref (self->seqs);
  if (self->state != NULL)
    g_output_stream_close (G_OUTPUT_STREAM (self->state), NULL, NULL);
  g_clear_object (&self->state);
  g_free (self->session);
  g_free (self->name);
  G_OBJECT_CLASS (aat_ws_server_parent_class)->finalize (object);
}

static void
aat_ws_server_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatWsServer *self = AAT_WS_SERVER (object);

  switch (prop_id)
    {
    case PROP_HEARTBEAT: g_value_set_double (value, self->heartbeat); break;
    case PROP_DEPTH: g_value_set_uint (value, self->depth); break;
    case PROP_SERVER_NAME: g_value_set_string (value, self->name); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_ws_server_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatWsServer *self = AAT_WS_SERVER (object);

  switch (prop_id)
    {
    case PROP_HEARTBEAT: self->heartbeat = g_value_get_double (value); break;
    case PROP_DEPTH: self->depth = g_value_get_uint (value); break;
    case PROP_SERVER_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_ws_server_class_init (AatWsServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatStrategyClass *s = AAT_STRATEGY_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = aat_ws_server_finalize;
  object_class->get_property = aat_ws_server_get_property;
  object_class->set_property = aat_ws_server_set_property;
  s->on_trade = server_on_trade;
  s->on_open = server_on_book;
  s->on_cancel = server_on_book;
  s->on_change = server_on_book;
  s->on_fill = server_on_book;
  s->on_received = server_on_received;
  s->on_traded = server_on_traded;
  s->on_canceled = server_on_canceled;
  s->on_rejected = server_on_rejected;
  s->on_exit = server_on_exit;

  properties[PROP_HEARTBEAT] =
    g_param_spec_double ("heartbeat", NULL, "Seconds between heartbeats (0: none)", 0.0, 3600.0, 1.0, rw);
  properties[PROP_DEPTH] =
    g_param_spec_uint ("depth", NULL, "Levels per side in snapshots", 1, 1000, 10, rw);
  properties[PROP_SERVER_NAME] =
    g_param_spec_string ("server-name", NULL, "The name announced in hello", "aat-synthetic-server", rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_ws_server_init (AatWsServer *self)
{
  self->heartbeat = 1.0;
  self->depth = 10;
  self->name = g_strdup ("aat-synthetic-server");
  self->clients = g_ptr_array_new ();
  self->orders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, sorder_free);
  self->by_order = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->seqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->next_order_id = 1;
  self->session = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
  aat_strategy_set_name (AAT_STRATEGY (self), "ws-server");
}

/**
 * aat_ws_server_new:
 *
 * Creates a server. Add it to an engine with aat_engine_add_strategy(), then call
 * aat_ws_server_listen() and run the engine.
 *
 * Returns: (transfer full): a new server
 */
AatWsServer *
aat_ws_server_new (void)
{
  return g_object_new (AAT_TYPE_WS_SERVER, NULL);
}
