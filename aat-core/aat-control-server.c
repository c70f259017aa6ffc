/* aat-control-server.c: the control API of a running engine (doc/API.md).
 *
 * What it owns: a #SoupServer on the engine's thread-default #GMainContext, the
 * websocket connections of /api/events, and a once-a-second status timer while any
 * websocket is open.
 *
 * Data flow:
 * - Every request under /api first checks the bearer token (an `Authorization: Bearer`
 *   header, or `?access_token=` for browsers' websockets); a failure answers 401. For
 *   /api/events a plain handler does the check, so a refused handshake never upgrades.
 * - GET /api/{status,strategies,positions,orders,trades,pnl} read the engine and its
 *   portfolio and answer JSON. POST /api/{halt,resume,cancel-all,close-all,kill} parse a
 *   JSON object, check each field, and call the engine's controls. A malformed request
 *   gets 400 with `{"error": …, "field": …}` naming the field; an unknown strategy or
 *   instrument 404.
 * - /api/events is a websocket: the engine's "order-updated", "position-updated" and
 *   "finished" signals, each control applied, and a status every second, as JSON text
 *   messages. The signal handlers are connected only while a client is connected, so an
 *   engine without listeners pays nothing.
 * - GET / serves a self-contained HTML page that polls the REST endpoints and listens
 *   to the websocket.
 *
 * Everything runs on the context the engine runs on, so handlers read the engine
 * between two dispatch batches, never during one.
 */
#include "config.h"
#include "aat-private.h"

#include <string.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

struct _AatControlServer
{
  GObject parent_instance;

  AatEngine *engine;            /* owned */
  char *token;
  SoupServer *server;
  GPtrArray *sockets;           /* SoupWebsocketConnection*, owned */
  gulong order_id, position_id, finished_id;
  guint status_timer;
};

G_DEFINE_FINAL_TYPE (AatControlServer, aat_control_server, G_TYPE_OBJECT)
G_DEFINE_QUARK (aat-control-server-error-quark, aat_control_server_error)

enum { PROP_0, PROP_ENGINE, PROP_TOKEN, N_PROPS };
static GParamSpec *properties[N_PROPS];

static const char *page_html (void);

/* ---- JSON ---- */

static const char *
enum_nick (GType type, int value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);
  const char *nick = v != NULL ? v->value_nick : "unknown";

  g_type_class_unref (klass);   /* enum classes are static: the nick stays valid */
  return nick;
}

static void
add_order (JsonBuilder *b, AatOrder *o)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, (gint64) o->id);
  json_builder_set_member_name (b, "strategy");
  json_builder_add_string_value (b, o->strategy != NULL ? aat_strategy_get_name (o->strategy) : NULL);
  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, aat_instrument_get_name (o->instrument));
  json_builder_set_member_name (b, "side");
  json_builder_add_string_value (b, enum_nick (AAT_TYPE_SIDE, o->side));
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, enum_nick (AAT_TYPE_ORDER_TYPE, o->type));
  json_builder_set_member_name (b, "volume");
  json_builder_add_double_value (b, o->volume);
  json_builder_set_member_name (b, "price");
  json_builder_add_double_value (b, o->price);
  json_builder_set_member_name (b, "filled");
  json_builder_add_double_value (b, o->filled);
  json_builder_set_member_name (b, "average_price");
  json_builder_add_double_value (b, aat_order_get_average_price (o));
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, enum_nick (AAT_TYPE_ORDER_STATUS, o->status));
  json_builder_set_member_name (b, "parent_id");
  json_builder_add_int_value (b, (gint64) (o->parent_id == o->id ? 0 : o->parent_id));
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, o->timestamp);
  json_builder_end_object (b);
}

static void
add_trade (JsonBuilder *b, AatTrade *t)
{
  AatOrder *taker = aat_trade_get_taker_order (t);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, (gint64) aat_trade_get_id (t));
  json_builder_set_member_name (b, "strategy");
  json_builder_add_string_value (b, taker != NULL && taker->strategy != NULL ? aat_strategy_get_name (taker->strategy) : NULL);
  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, aat_instrument_get_name (aat_trade_get_instrument (t)));
  json_builder_set_member_name (b, "side");
  json_builder_add_string_value (b, enum_nick (AAT_TYPE_SIDE, aat_trade_get_side (t)));
  json_builder_set_member_name (b, "volume");
  json_builder_add_double_value (b, aat_trade_get_volume (t));
  json_builder_set_member_name (b, "price");
  json_builder_add_double_value (b, aat_trade_get_price (t));
  json_builder_set_member_name (b, "fee");
  json_builder_add_double_value (b, aat_trade_get_fee (t));
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, aat_trade_get_timestamp (t));
  json_builder_end_object (b);
}

static void
add_pnl_members (JsonBuilder *b, AatPortfolio *pf, AatStrategy *s)
{
  double value = aat_portfolio_get_value (pf, s);

  json_builder_set_member_name (b, "cash");
  json_builder_add_double_value (b, aat_portfolio_get_cash (pf, s));
  json_builder_set_member_name (b, "value");
  json_builder_add_double_value (b, value);
  json_builder_set_member_name (b, "realized");
  json_builder_add_double_value (b, aat_portfolio_get_realized_pnl (pf, s));
  json_builder_set_member_name (b, "unrealized");
  json_builder_add_double_value (b, aat_portfolio_get_unrealized_pnl (pf, s));
  json_builder_set_member_name (b, "fees");
  json_builder_add_double_value (b, aat_portfolio_get_fees (pf, s));
  json_builder_set_member_name (b, "pnl");
  json_builder_add_double_value (b, value - aat_portfolio_get_initial_cash (pf, s));
}

static void
add_strategy (AatControlServer *self, JsonBuilder *b, AatStrategy *s)
{
  g_autoptr (GPtrArray) orders = aat_engine_get_orders (self->engine, s, FALSE);
  g_autoptr (GPtrArray) open = aat_engine_get_orders (self->engine, s, TRUE);
  g_autoptr (GPtrArray) trades = aat_engine_get_trades (self->engine, s);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, aat_strategy_get_name (s));
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, G_OBJECT_TYPE_NAME (s));
  json_builder_set_member_name (b, "halted");
  json_builder_add_boolean_value (b, aat_strategy_is_halted (s));
  json_builder_set_member_name (b, "errors");
  json_builder_add_int_value (b, aat_strategy_get_error_count (s));
  json_builder_set_member_name (b, "orders");
  json_builder_add_int_value (b, orders->len);
  json_builder_set_member_name (b, "open_orders");
  json_builder_add_int_value (b, open->len);
  json_builder_set_member_name (b, "trades");
  json_builder_add_int_value (b, trades->len);
  add_pnl_members (b, aat_engine_get_portfolio (self->engine), s);
  json_builder_end_object (b);
}

static void
add_status (AatControlServer *self, JsonBuilder *b)
{
  GPtrArray *strategies = aat_engine_get_strategies (self->engine);
  guint halted = 0;

  for (guint i = 0; i < strategies->len; i++)
    halted += aat_strategy_is_halted (strategies->pdata[i]) ? 1 : 0;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "running");
  json_builder_add_boolean_value (b, aat_engine_is_running (self->engine));
  json_builder_set_member_name (b, "trading_type");
  json_builder_add_string_value (b, enum_nick (AAT_TYPE_TRADING_TYPE, aat_engine_get_trading_type (self->engine)));
  json_builder_set_member_name (b, "now");
  json_builder_add_int_value (b, aat_engine_now (self->engine));
  json_builder_set_member_name (b, "events");
  json_builder_add_int_value (b, (gint64) aat_engine_get_event_count (self->engine));
  json_builder_set_member_name (b, "failures");
  json_builder_add_int_value (b, aat_engine_get_failure_count (self->engine));
  json_builder_set_member_name (b, "strategies");
  json_builder_add_int_value (b, strategies->len);
  json_builder_set_member_name (b, "halted");
  json_builder_add_int_value (b, halted);
  json_builder_set_member_name (b, "exchanges");
  json_builder_begin_array (b);
  for (guint i = 0; i < aat_engine_get_exchanges (self->engine)->len; i++)
    json_builder_add_string_value (b, aat_exchange_get_name (aat_engine_get_exchanges (self->engine)->pdata[i]));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "value");
  json_builder_add_double_value (b, aat_portfolio_get_value (aat_engine_get_portfolio (self->engine), NULL));
  json_builder_end_object (b);
}

static char *
builder_to_string (JsonBuilder *b, gsize *length)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);

  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, length);
}

/* ---- responses ---- */

static void
reply_builder (SoupServerMessage *msg, guint status, JsonBuilder *b)
{
  gsize length = 0;
  char *text = builder_to_string (b, &length);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

static void
reply_error (SoupServerMessage *msg, guint status, const char *field, const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
reply_error (SoupServerMessage *msg, guint status, const char *field, const char *format, ...)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, text);
  json_builder_set_member_name (b, "field");
  if (field != NULL)
    json_builder_add_string_value (b, field);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_int_value (b, status);
  json_builder_end_object (b);
  reply_builder (msg, status, b);
}

static void
reply_ok (SoupServerMessage *msg, const char *action, const char *member, gint64 count)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, action);
  if (member != NULL)
    {
      json_builder_set_member_name (b, member);
      json_builder_add_int_value (b, count);
    }
  json_builder_end_object (b);
  reply_builder (msg, SOUP_STATUS_OK, b);
}

/* ---- the websocket ---- */

static void
broadcast (AatControlServer *self, JsonBuilder *b)
{
  g_autofree char *text = NULL;

  if (self->sockets->len == 0)
    return;
  text = builder_to_string (b, NULL);
  for (guint i = 0; i < self->sockets->len; i++)
    if (soup_websocket_connection_get_state (self->sockets->pdata[i]) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_send_text (self->sockets->pdata[i], text);
}

static JsonBuilder *
event_begin (const char *type)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  return b;
}

static void
on_order_updated (AatEngine *engine, AatOrder *order, gpointer data)
{
  g_autoptr (JsonBuilder) b = event_begin ("order");

  json_builder_set_member_name (b, "order");
  add_order (b, order);
  json_builder_end_object (b);
  broadcast (data, b);
}

static void
on_position_updated (AatEngine *engine, AatStrategy *strategy, AatInstrument *instrument, gpointer data)
{
  g_autoptr (JsonBuilder) b = event_begin ("position");

  json_builder_set_member_name (b, "strategy");
  json_builder_add_string_value (b, strategy != NULL ? aat_strategy_get_name (strategy) : NULL);
  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, aat_instrument_get_name (instrument));
  json_builder_set_member_name (b, "size");
  json_builder_add_double_value (b, aat_portfolio_get_size (aat_engine_get_portfolio (engine), strategy, instrument));
  json_builder_end_object (b);
  broadcast (data, b);
}

static void
send_status (AatControlServer *self, const char *type)
{
  g_autoptr (JsonBuilder) b = event_begin (type);

  json_builder_set_member_name (b, "status");
  add_status (self, b);
  json_builder_end_object (b);
  broadcast (self, b);
}

static void
on_finished (AatEngine *engine, gpointer data)
{
  send_status (data, "finished");
}

static gboolean
status_tick (gpointer data)
{
  send_status (data, "status");
  return G_SOURCE_CONTINUE;
}

static void
connect_engine (AatControlServer *self, gboolean on)
{
  if (on && self->order_id == 0)
    {
      GSource *timer;
      self->order_id = g_signal_connect (self->engine, "order-updated", G_CALLBACK (on_order_updated), self);
      self->position_id = g_signal_connect (self->engine, "position-updated", G_CALLBACK (on_position_updated), self);
      self->finished_id = g_signal_connect (self->engine, "finished", G_CALLBACK (on_finished), self);
      timer = g_timeout_source_new_seconds (1);
      g_source_set_callback (timer, status_tick, self, NULL);
      g_source_set_static_name (timer, "[aat] control server status");
      self->status_timer = g_source_attach (timer, g_main_context_get_thread_default ());
      g_source_unref (timer);
    }
  else if (!on && self->order_id != 0)
    {
      g_clear_signal_handler (&self->order_id, self->engine);
      g_clear_signal_handler (&self->position_id, self->engine);
      g_clear_signal_handler (&self->finished_id, self->engine);
      if (self->status_timer != 0)
        {
          GSource *timer = g_main_context_find_source_by_id (g_main_context_get_thread_default (), self->status_timer);
          if (timer != NULL)
            g_source_destroy (timer);
          self->status_timer = 0;
        }
    }
}

static void
on_socket_closed (SoupWebsocketConnection *conn, gpointer data)
{
  AatControlServer *self = data;

  g_signal_handlers_disconnect_by_data (conn, self);
  g_ptr_array_remove (self->sockets, conn);
  if (self->sockets->len == 0)
    connect_engine (self, FALSE);
}

static void
websocket_cb (SoupServer *server, SoupServerMessage *msg, const char *path, SoupWebsocketConnection *conn,
              gpointer data)
{
  AatControlServer *self = data;

  g_ptr_array_add (self->sockets, g_object_ref (conn));
  g_signal_connect (conn, "closed", G_CALLBACK (on_socket_closed), self);
  connect_engine (self, TRUE);
  send_status (self, "hello");
}

/* ---- authentication ---- */

static gboolean
token_equal (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint diff = la ^ lb;

  /* compare every byte whatever the first difference, so timing tells nothing */
  for (gsize i = 0; i < la; i++)
    diff |= (guchar) a[i] ^ (guchar) b[i % MAX (lb, 1)];
  return diff == 0 && la == lb;
}

static gboolean
authorized (AatControlServer *self, SoupServerMessage *msg)
{
  const char *header;
  const char *query;

  if (self->token == NULL || self->token[0] == '\0')
    return TRUE;
  header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    {
      g_autofree char *given = g_strstrip (g_strdup (header + 7));
      return token_equal (given, self->token);
    }
  query = g_uri_get_query (soup_server_message_get_uri (msg));
  if (query != NULL)
    {
      g_autoptr (GHashTable) params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
      const char *t = params != NULL ? g_hash_table_lookup (params, "access_token") : NULL;
      if (t != NULL && token_equal (t, self->token))
        return TRUE;
    }
  return FALSE;
}

static void
auth_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  AatControlServer *self = data;

  if (authorized (self, msg))
    return;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                "Bearer realm=\"aat\"");
  reply_error (msg, SOUP_STATUS_UNAUTHORIZED, NULL,
               "unauthorized: send the API token as 'Authorization: Bearer TOKEN' (or ?access_token=TOKEN)");
}

/* ---- requests ---- */

static AatStrategy *
find_strategy (AatControlServer *self, const char *name)
{
  GPtrArray *strategies = aat_engine_get_strategies (self->engine);

  for (guint i = 0; i < strategies->len; i++)
    if (g_strcmp0 (aat_strategy_get_name (strategies->pdata[i]), name) == 0)
      return strategies->pdata[i];
  return NULL;
}

/* Looks up ?strategy=NAME; FALSE (and the reply sent) if it names no strategy. */
static gboolean
query_strategy (AatControlServer *self, SoupServerMessage *msg, GHashTable *query, AatStrategy **out)
{
  const char *name = query != NULL ? g_hash_table_lookup (query, "strategy") : NULL;

  *out = NULL;
  if (name == NULL)
    return TRUE;
  *out = find_strategy (self, name);
  if (*out == NULL)
    {
      reply_error (msg, SOUP_STATUS_NOT_FOUND, "strategy", "no strategy named '%s'", name);
      return FALSE;
    }
  return TRUE;
}

static void
get_collection (AatControlServer *self, SoupServerMessage *msg, const char *what, GHashTable *query)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  AatPortfolio *pf = aat_engine_get_portfolio (self->engine);
  GPtrArray *strategies = aat_engine_get_strategies (self->engine);
  AatStrategy *strategy = NULL;

  if (strcmp (what, "status") == 0)
    {
      add_status (self, b);
      reply_builder (msg, SOUP_STATUS_OK, b);
      return;
    }
  if (!query_strategy (self, msg, query, &strategy))
    return;

  if (strcmp (what, "strategies") == 0)
    {
      json_builder_begin_array (b);
      for (guint i = 0; i < strategies->len; i++)
        if (strategy == NULL || strategies->pdata[i] == strategy)
          add_strategy (self, b, strategies->pdata[i]);
      json_builder_end_array (b);
    }
  else if (strcmp (what, "positions") == 0)
    {
      json_builder_begin_array (b);
      for (guint i = 0; i < strategies->len; i++)
        {
          g_autoptr (GPtrArray) positions = NULL;
          if (strategy != NULL && strategies->pdata[i] != strategy)
            continue;
          positions = aat_portfolio_get_positions (pf, strategies->pdata[i]);
          for (guint k = 0; k < positions->len; k++)
            {
              AatPosition *p = positions->pdata[k];
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "strategy");
              json_builder_add_string_value (b, aat_strategy_get_name (strategies->pdata[i]));
              json_builder_set_member_name (b, "instrument");
              json_builder_add_string_value (b, aat_instrument_get_name (aat_position_get_instrument (p)));
              json_builder_set_member_name (b, "size");
              json_builder_add_double_value (b, aat_position_get_size (p));
              json_builder_set_member_name (b, "average_price");
              json_builder_add_double_value (b, aat_position_get_average_price (p));
              json_builder_set_member_name (b, "last_price");
              json_builder_add_double_value (b, aat_position_get_last_price (p));
              json_builder_set_member_name (b, "realized");
              json_builder_add_double_value (b, aat_position_get_realized_pnl (p));
              json_builder_set_member_name (b, "unrealized");
              json_builder_add_double_value (b, aat_position_get_unrealized_pnl (p));
              json_builder_end_object (b);
            }
        }
      json_builder_end_array (b);
    }
  else if (strcmp (what, "orders") == 0)
    {
      const char *open = query != NULL ? g_hash_table_lookup (query, "open") : NULL;
      g_autoptr (GPtrArray) orders = NULL;
      if (open != NULL && strcmp (open, "true") != 0 && strcmp (open, "false") != 0)
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, "open", "open must be 'true' or 'false', not '%s'", open);
          return;
        }
      orders = aat_engine_get_orders (self->engine, strategy, g_strcmp0 (open, "true") == 0);
      json_builder_begin_array (b);
      for (guint i = 0; i < orders->len; i++)
        add_order (b, orders->pdata[i]);
      json_builder_end_array (b);
    }
  else if (strcmp (what, "trades") == 0)
    {
      const char *limit_text = query != NULL ? g_hash_table_lookup (query, "limit") : NULL;
      guint64 limit = 100;
      g_autoptr (GPtrArray) trades = NULL;
      if (limit_text != NULL && !g_ascii_string_to_unsigned (limit_text, 10, 1, 100000, &limit, NULL))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, "limit", "limit must be a whole number from 1 to 100000, not '%s'",
                       limit_text);
          return;
        }
      trades = aat_engine_get_trades (self->engine, strategy);
      json_builder_begin_array (b);
      for (guint i = trades->len > limit ? trades->len - limit : 0; i < trades->len; i++)
        add_trade (b, trades->pdata[i]);
      json_builder_end_array (b);
    }
  else /* pnl */
    {
      g_autoptr (GArray) curve = aat_portfolio_get_equity_curve (pf, strategy);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "total");
      json_builder_begin_object (b);
      add_pnl_members (b, pf, strategy);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "strategies");
      json_builder_begin_array (b);
      for (guint i = 0; i < strategies->len; i++)
        if (strategy == NULL || strategies->pdata[i] == strategy)
          {
            json_builder_begin_object (b);
            json_builder_set_member_name (b, "name");
            json_builder_add_string_value (b, aat_strategy_get_name (strategies->pdata[i]));
            add_pnl_members (b, pf, strategies->pdata[i]);
            json_builder_end_object (b);
          }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "equity");
      json_builder_begin_array (b);
      for (guint i = 0; curve != NULL && i < curve->len; i++)
        {
          AatEquityPoint *p = &g_array_index (curve, AatEquityPoint, i);
          json_builder_begin_array (b);
          json_builder_add_int_value (b, p->time);
          json_builder_add_double_value (b, p->value);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  reply_builder (msg, SOUP_STATUS_OK, b);
}

/* Reads an optional string member; FALSE (and the reply sent) if it is not a string. */
static gboolean
member_string (SoupServerMessage *msg, JsonObject *obj, const char *name, const char **out)
{
  JsonNode *node = json_object_get_member (obj, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, name, "'%s' must be a string", name);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static void
post_control (AatControlServer *self, SoupServerMessage *msg, const char *action)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr (JsonObject) empty = json_object_new ();
  JsonObject *obj = empty;
  static const char * const known[] = { "strategy", "instrument", "reason", NULL };
  const char *strategy_name = NULL, *instrument_name = NULL, *reason = NULL;
  AatStrategy *strategy = NULL;
  AatInstrument *instrument = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  g_autoptr (JsonBuilder) event = NULL;

  if (size > 0)
    {
      JsonNode *root;
      if (!json_parser_load_from_data (parser, data, size, &error))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, "body", "the body is not valid JSON: %s", error->message);
          return;
        }
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, "body", "the body must be a JSON object");
          return;
        }
      obj = json_node_get_object (root);
    }
  {
    g_autoptr (GList) members = json_object_get_members (obj);
    for (GList *l = members; l != NULL; l = l->next)
      if (!g_strv_contains (known, l->data))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, l->data,
                       "unknown field '%s'; expected strategy, instrument or reason", (const char *) l->data);
          return;
        }
  }
  if (!member_string (msg, obj, "strategy", &strategy_name) ||
      !member_string (msg, obj, "instrument", &instrument_name) ||
      !member_string (msg, obj, "reason", &reason))
    return;

  if ((strcmp (action, "halt") == 0 || strcmp (action, "resume") == 0) && strategy_name == NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "strategy", "'strategy' is required: a strategy's name, or \"*\" for all");
      return;
    }
  if (strategy_name != NULL && strcmp (strategy_name, "*") != 0)
    {
      strategy = find_strategy (self, strategy_name);
      if (strategy == NULL)
        {
          reply_error (msg, SOUP_STATUS_NOT_FOUND, "strategy", "no strategy named '%s'", strategy_name);
          return;
        }
    }
  if (instrument_name != NULL)
    {
      instrument = aat_engine_lookup_instrument (self->engine, instrument_name);
      if (instrument == NULL)
        {
          reply_error (msg, SOUP_STATUS_NOT_FOUND, "instrument", "no instrument named '%s'", instrument_name);
          return;
        }
    }

  event = event_begin ("control");
  json_builder_set_member_name (event, "action");
  json_builder_add_string_value (event, action);
  json_builder_set_member_name (event, "strategy");
  json_builder_add_string_value (event, strategy_name);
  json_builder_end_object (event);

  if (strcmp (action, "halt") == 0 || strcmp (action, "resume") == 0)
    {
      GPtrArray *all = aat_engine_get_strategies (self->engine);
      guint n = 0;
      for (guint i = 0; i < all->len; i++)
        if (strategy == NULL || all->pdata[i] == strategy)
          {
            if (action[0] == 'h')
              aat_engine_halt_strategy (self->engine, all->pdata[i], reason != NULL ? reason : "halted through the control API");
            else
              aat_engine_resume_strategy (self->engine, all->pdata[i]);
            n++;
          }
      reply_ok (msg, action, "strategies", n);
    }
  else if (strcmp (action, "cancel-all") == 0)
    reply_ok (msg, action, "cancels", aat_engine_cancel_all (self->engine, strategy, instrument));
  else if (strcmp (action, "close-all") == 0)
    reply_ok (msg, action, "orders", aat_engine_close_all (self->engine, strategy, instrument));
  else
    {
      aat_engine_kill (self->engine, reason != NULL ? reason : "kill switch through the control API");
      reply_ok (msg, action, NULL, 0);
    }
  broadcast (self, event);
}

static void
request_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  AatControlServer *self = data;
  const char *method = soup_server_message_get_method (msg);
  static const char * const getters[] = { "status", "strategies", "positions", "orders", "trades", "pnl", NULL };
  static const char * const controls[] = { "halt", "resume", "cancel-all", "close-all", "kill", NULL };

  if (strcmp (path, "/") == 0 || strcmp (path, "/index.html") == 0)
    {
      if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
        {
          reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, "use GET");
          return;
        }
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC, page_html (),
                                        strlen (page_html ()));
      return;
    }
  if (g_str_has_prefix (path, "/api/") || strcmp (path, "/api") == 0)
    {
      const char *what = path + 5;
      if (!authorized (self, msg))
        {
          auth_handler (server, msg, path, query, self);
          return;
        }
      if (g_strv_contains (getters, what))
        {
          if (strcmp (method, "GET") != 0)
            reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, "%s takes GET", path);
          else
            get_collection (self, msg, what, query);
          return;
        }
      if (g_strv_contains (controls, what))
        {
          if (strcmp (method, "POST") != 0)
            reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, "%s takes POST", path);
          else
            post_control (self, msg, what);
          return;
        }
    }
  reply_error (msg, SOUP_STATUS_NOT_FOUND, NULL, "no such endpoint: %s %s", method, path);
}

/* ---- the object ---- */

static void
aat_control_server_dispose (GObject *object)
{
  AatControlServer *self = AAT_CONTROL_SERVER (object);

  if (self->engine != NULL)
    connect_engine (self, FALSE);
  for (guint i = 0; i < self->sockets->len; i++)
    g_signal_handlers_disconnect_by_data (self->sockets->pdata[i], self);
  g_ptr_array_set_size (self->sockets, 0);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (aat_control_server_parent_class)->dispose (object);
}

static void
aat_control_server_finalize (GObject *object)
{
  AatControlServer *self = AAT_CONTROL_SERVER (object);

  g_ptr_array_unref (self->sockets);
  g_free (self->token);
  G_OBJECT_CLASS (aat_control_server_parent_class)->finalize (object);
}

static void
aat_control_server_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatControlServer *self = AAT_CONTROL_SERVER (object);

  switch (prop_id)
    {
    case PROP_ENGINE: g_value_set_object (value, self->engine); break;
    case PROP_TOKEN: g_value_set_string (value, self->token); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_control_server_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AatControlServer *self = AAT_CONTROL_SERVER (object);

  switch (prop_id)
    {
    case PROP_ENGINE: self->engine = g_value_dup_object (value); break;
    case PROP_TOKEN: aat_control_server_set_token (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
aat_control_server_class_init (AatControlServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aat_control_server_dispose;
  object_class->finalize = aat_control_server_finalize;
  object_class->get_property = aat_control_server_get_property;
  object_class->set_property = aat_control_server_set_property;

  /**
   * AatControlServer:engine:
   *
   * The engine it controls.
   *
   * Since: 0.1
   */
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, "The engine it controls", AAT_TYPE_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * AatControlServer:token:
   *
   * The bearer token every /api request must carry, or %NULL for none (then the server
   * only binds to loopback).
   *
   * Since: 0.1
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, "Bearer token of the API (NULL: none, loopback only)", NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_control_server_init (AatControlServer *self)
{
  self->sockets = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * aat_control_server_new:
 * @engine: the engine to control
 *
 * Makes a control server for @engine. It serves nothing until
 * aat_control_server_listen().
 *
 * Returns: (transfer full): a new control server
 *
 * Since: 0.1
 */
AatControlServer *
aat_control_server_new (AatEngine *engine)
{
  g_return_val_if_fail (AAT_IS_ENGINE (engine), NULL);
  return g_object_new (AAT_TYPE_CONTROL_SERVER, "engine", engine, NULL);
}

/**
 * aat_control_server_get_engine:
 * @self: a control server
 *
 * Returns: (transfer none): the engine it controls
 *
 * Since: 0.1
 */
AatEngine *
aat_control_server_get_engine (AatControlServer *self)
{
  g_return_val_if_fail (AAT_IS_CONTROL_SERVER (self), NULL);
  return self->engine;
}

/**
 * aat_control_server_set_token:
 * @self: a control server
 * @token: (nullable): the bearer token, or %NULL (or "") for none
 *
 * Sets the token every /api request must carry. Set it before
 * aat_control_server_listen(): without a token, only a loopback address is accepted.
 *
 * Since: 0.1
 */
void
aat_control_server_set_token (AatControlServer *self, const char *token)
{
  g_return_if_fail (AAT_IS_CONTROL_SERVER (self));
  g_free (self->token);
  self->token = token != NULL && token[0] != '\0' ? g_strdup (token) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

/**
 * aat_control_server_get_token:
 * @self: a control server
 *
 * Returns: (nullable): the bearer token, or %NULL for none
 *
 * Since: 0.1
 */
const char *
aat_control_server_get_token (AatControlServer *self)
{
  g_return_val_if_fail (AAT_IS_CONTROL_SERVER (self), NULL);
  return self->token;
}

/**
 * aat_control_server_load_config:
 * @self: a control server
 * @path: (type filename): a run config keyfile
 * @error: return location for an error
 *
 * Reads the `[api]` group of a run config: `token=` sets the bearer token. A file
 * without an `[api]` group changes nothing.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
aat_control_server_load_config (AatControlServer *self, const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;
  g_auto (GStrv) keys = NULL;

  g_return_val_if_fail (AAT_IS_CONTROL_SERVER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, AAT_CONTROL_SERVER_ERROR, AAT_CONTROL_SERVER_ERROR_CONFIG, "%s: %s", path, local->message);
      return FALSE;
    }
  if (!g_key_file_has_group (kf, "api"))
    return TRUE;
  keys = g_key_file_get_keys (kf, "api", NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    if (strcmp (keys[i], "token") != 0)
      {
        g_set_error (error, AAT_CONTROL_SERVER_ERROR, AAT_CONTROL_SERVER_ERROR_CONFIG,
                     "%s: [api] %s: unknown key; [api] takes token", path, keys[i]);
        return FALSE;
      }
  if (g_key_file_has_key (kf, "api", "token", NULL))
    {
      g_autofree char *token = g_key_file_get_string (kf, "api", "token", NULL);
      aat_control_server_set_token (self, token != NULL ? g_strstrip (token) : NULL);
    }
  return TRUE;
}

/**
 * aat_control_server_listen:
 * @self: a control server
 * @address: `HOST:PORT`, with a numeric host (`127.0.0.1:8080`, `[::1]:0`); port 0
 *   picks a free port (see aat_control_server_get_uri())
 * @error: return location for an error
 *
 * Starts serving on the thread-default #GMainContext, which must be the one the
 * engine runs on. Without a token, an address that is not loopback is refused with
 * %AAT_CONTROL_SERVER_ERROR_INSECURE.
 *
 * Returns: %TRUE if it listens
 *
 * Since: 0.1
 */
gboolean
aat_control_server_listen (AatControlServer *self, const char *address, GError **error)
{
  g_autoptr (GInetAddress) inet = NULL;
  g_autoptr (GSocketAddress) sockaddr = NULL;
  g_autofree char *host = NULL;
  const char *colon;
  guint64 port = 0;

  g_return_val_if_fail (AAT_IS_CONTROL_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  colon = strrchr (address, ':');
  if (colon == NULL || colon == address ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, AAT_CONTROL_SERVER_ERROR, AAT_CONTROL_SERVER_ERROR_ADDRESS,
                   "'%s': expected HOST:PORT, such as 127.0.0.1:8080", address);
      return FALSE;
    }
  host = g_strndup (address, colon - address);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      memmove (host, host + 1, strlen (host));
      host[strlen (host) - 1] = '\0';
    }
  inet = strcmp (host, "localhost") == 0 ? g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4)
                                         : g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, AAT_CONTROL_SERVER_ERROR, AAT_CONTROL_SERVER_ERROR_ADDRESS,
                   "'%s': '%s' is not a numeric IP address", address, host);
      return FALSE;
    }
  if (self->token == NULL && !g_inet_address_get_is_loopback (inet))
    {
      g_set_error (error, AAT_CONTROL_SERVER_ERROR, AAT_CONTROL_SERVER_ERROR_INSECURE,
                   "'%s': refusing to serve the control API beyond loopback without a token; "
                   "set [api] token= in the config or AAT_API_TOKEN", address);
      return FALSE;
    }

  self->server = soup_server_new ("server-header", "aat-control/" AAT_VERSION " ", NULL);
  soup_server_add_handler (self->server, NULL, request_handler, self, NULL);
  /* the websocket's handshake goes on only if this handler sets no status */
  soup_server_add_handler (self->server, "/api/events", auth_handler, self, NULL);
  soup_server_add_websocket_handler (self->server, "/api/events", NULL, NULL, websocket_cb, self, NULL);
  sockaddr = g_inet_socket_address_new (inet, (guint16) port);
  if (!soup_server_listen (self->server, sockaddr, 0, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }
  return TRUE;
}

/**
 * aat_control_server_get_uri:
 * @self: a control server
 *
 * Returns: (transfer full) (nullable): the base URI it listens on, such as
 *   `http://127.0.0.1:41234/`, or %NULL before aat_control_server_listen()
 *
 * Since: 0.1
 */
char *
aat_control_server_get_uri (AatControlServer *self)
{
  GSList *uris;
  char *text;

  g_return_val_if_fail (AAT_IS_CONTROL_SERVER (self), NULL);
  if (self->server == NULL)
    return NULL;
  uris = soup_server_get_uris (self->server);
  if (uris == NULL)
    return NULL;
  text = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return text;
}

/* ---- the page ---- */

static const char page_text[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\"><head><meta charset=\"utf-8\"><title>aat: live state</title>\n"
"<style>\n"
"body{font:14px system-ui,sans-serif;margin:1em;background:#fafafa;color:#222}\n"
"h1{font-size:1.3em}h2{font-size:1.05em;margin:1em 0 .3em}\n"
"table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}\n"
"th{background:#eee}td:first-child,th:first-child{text-align:left}\n"
".halted{color:#b00;font-weight:bold}.ok{color:#070}#err{color:#b00}\n"
"button{margin:2px}#events{font:12px monospace;height:9em;overflow:auto;background:#fff;border:1px solid #ccc;padding:4px}\n"
"</style></head><body>\n"
"<h1>aat &mdash; <span id=\"state\">connecting</span></h1>\n"
"<div id=\"err\"></div>\n"
"<div id=\"status\"></div>\n"
"<p><button onclick=\"ctl('cancel-all',{})\">Cancel all</button>"
"<button onclick=\"ctl('close-all',{})\">Flatten all</button>"
"<button onclick=\"if(confirm('Kill the engine?'))ctl('kill',{})\">Kill switch</button></p>\n"
"<h2>Strategies</h2><table id=\"strategies\"></table>\n"
"<h2>Positions</h2><table id=\"positions\"></table>\n"
"<h2>Open orders</h2><table id=\"orders\"></table>\n"
"<h2>Recent trades</h2><table id=\"trades\"></table>\n"
"<h2>Events</h2><div id=\"events\"></div>\n"
"<script>\n"
"const q=new URLSearchParams(location.search);const token=q.get('token')||q.get('access_token')||'';\n"
"const H=token?{'Authorization':'Bearer '+token}:{};\n"
"function esc(s){return String(s).replace(/[&<>\"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;'}[c]))}\n"
"function n(x,d){return typeof x==='number'?x.toFixed(d===undefined?2:d):esc(x)}\n"
"async function get(p){const r=await fetch('/api/'+p,{headers:H});if(!r.ok)throw new Error(p+': '+r.status);return r.json()}\n"
"async function ctl(a,b){const r=await fetch('/api/'+a,{method:'POST',headers:Object.assign({'Content-Type':'application/json'},H),body:JSON.stringify(b)});\n"
" log(a+': '+r.status);refresh()}\n"
"function table(id,head,rows){document.getElementById(id).innerHTML='<tr>'+head.map(h=>'<th>'+h+'</th>').join('')+'</tr>'+rows.join('')}\n"
"function log(t){const e=document.getElementById('events');const d=document.createElement('div');d.textContent=t;e.prepend(d);\n"
" while(e.childNodes.length>50)e.removeChild(e.lastChild)}\n"
"async function refresh(){try{\n"
" const [st,ss,ps,os,ts]=await Promise.all([get('status'),get('strategies'),get('positions'),get('orders?open=true'),get('trades?limit=15')]);\n"
" document.getElementById('state').textContent=st.running?'running':'stopped';\n"
" document.getElementById('status').innerHTML='events <b id=\"events-count\">'+st.events+'</b> &middot; value <b id=\"value\">'+n(st.value)+'</b> &middot; halted '+st.halted+'/'+st.strategies+' &middot; '+esc(st.trading_type);\n"
" table('strategies',['name','state','orders','open','trades','P&amp;L','realized','unrealized',''],ss.map(s=>'<tr><td class=\"strategy-name\">'+esc(s.name)+'</td><td class=\"'+(s.halted?'halted':'ok')+'\">'+(s.halted?'halted':'trading')+'</td><td>'+s.orders+'</td><td>'+s.open_orders+'</td><td>'+s.trades+'</td><td>'+n(s.pnl)+'</td><td>'+n(s.realized)+'</td><td>'+n(s.unrealized)+'</td><td>'+\n"
"  '<button data-s=\"'+esc(s.name)+'\" onclick=\"ctl(\\''+(s.halted?'resume':'halt')+'\\',{strategy:this.dataset.s})\">'+(s.halted?'Resume':'Halt')+'</button></td></tr>'));\n"
" table('positions',['strategy','instrument','size','avg','last','unrealized'],ps.filter(p=>p.size!==0).map(p=>'<tr><td>'+esc(p.strategy)+'</td><td>'+esc(p.instrument)+'</td><td>'+n(p.size,4)+'</td><td>'+n(p.average_price)+'</td><td>'+n(p.last_price)+'</td><td>'+n(p.unrealized)+'</td></tr>'));\n"
" table('orders',['id','strategy','instrument','side','type','volume','price','filled','status'],os.map(o=>'<tr><td>'+o.id+'</td><td>'+esc(o.strategy)+'</td><td>'+esc(o.instrument)+'</td><td>'+o.side+'</td><td>'+o.type+'</td><td>'+n(o.volume,4)+'</td><td>'+n(o.price)+'</td><td>'+n(o.filled,4)+'</td><td>'+o.status+'</td></tr>'));\n"
" table('trades',['time','strategy','instrument','side','volume','price'],ts.slice().reverse().map(t=>'<tr><td>'+new Date(t.timestamp/1e6).toISOString().slice(11,23)+'</td><td>'+esc(t.strategy)+'</td><td>'+esc(t.instrument)+'</td><td>'+t.side+'</td><td>'+n(t.volume,4)+'</td><td>'+n(t.price)+'</td></tr>'));\n"
" document.getElementById('err').textContent='';document.body.dataset.loaded='1';\n"
"}catch(e){document.getElementById('err').textContent=String(e)}}\n"
"function connect(){const ws=new WebSocket((location.protocol==='https:'?'wss://':'ws://')+location.host+'/api/events'+(token?'?access_token='+encodeURIComponent(token):''));\n"
" ws.onmessage=m=>{const e=JSON.parse(m.data);if(e.type==='order')log('order #'+e.order.id+' '+e.order.side+' '+e.order.instrument+' '+e.order.status);\n"
"  else if(e.type==='control')log('control: '+e.action+(e.strategy?' '+e.strategy:''));else if(e.type==='finished')log('run finished')};\n"
" ws.onclose=()=>setTimeout(connect,2000)}\n"
"refresh();setInterval(refresh,1000);connect();\n"
"</script></body></html>\n";

static const char *
page_html (void)
{
  return page_text;
}
