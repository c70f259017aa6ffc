/* test-api.c: the control API (AatControlServer) against a running engine: every
 * endpoint, the controls, the websocket of events, authentication failures (401),
 * malformed requests (400 naming the field), and the refusal to bind beyond loopback
 * without a token.
 *
 * The engine runs the synthetic exchange (compiled in) in simulation mode on this
 * thread's main context; requests go through an async SoupSession on the same context,
 * so the test iterates the context until each answer arrives. */
#include "aat.h"
#include "aat-private.h"
#include "aat-synthetic-exchange.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#define TOKEN "t0ken-for-tests"

/* ---- a strategy that buys one and sells one in turn, every few trades ---- */

#define TEST_TYPE_FLIPPER (test_flipper_get_type ())
G_DECLARE_FINAL_TYPE (TestFlipper, test_flipper, TEST, FLIPPER, AatStrategy)
struct _TestFlipper
{
  AatStrategy parent_instance;
  guint n;
  guint halts, continues;
};
G_DEFINE_FINAL_TYPE (TestFlipper, test_flipper, AAT_TYPE_STRATEGY)

static void
flipper_trade (AatStrategy *s, AatTrade *t)
{
  TestFlipper *self = TEST_FLIPPER (s);

  if (aat_strategy_is_halted (s) || ++self->n % 5 != 0)
    return;
  if (aat_strategy_position_size (s, aat_trade_get_instrument (t)) < 3)
    aat_strategy_buy (s, aat_trade_get_instrument (t), 1, 0);
  /* and one resting bid, for cancel-all to find */
  if (self->n % 20 == 0)
    aat_strategy_buy (s, aat_trade_get_instrument (t), 1, aat_trade_get_price (t) * 0.5);
}

static void flipper_halt (AatStrategy *s) { TEST_FLIPPER (s)->halts++; }
static void flipper_continue (AatStrategy *s) { TEST_FLIPPER (s)->continues++; }

static void
test_flipper_class_init (TestFlipperClass *klass)
{
  AAT_STRATEGY_CLASS (klass)->on_trade = flipper_trade;
  AAT_STRATEGY_CLASS (klass)->on_halt = flipper_halt;
  AAT_STRATEGY_CLASS (klass)->on_continue = flipper_continue;
}

static void
test_flipper_init (TestFlipper *self)
{
}

/* ---- the fixture ---- */

typedef struct {
  AatEngine *engine;
  TestFlipper *bot;
  AatControlServer *server;
  SoupSession *session;
  char *base;
  gboolean finished;
  guint timeout;
} Fixture;

static void
run_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *f = data;
  g_autoptr (GError) error = NULL;

  aat_engine_run_finish (AAT_ENGINE (source), result, &error);
  f->finished = TRUE;
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("test-api: timed out");
  return G_SOURCE_REMOVE;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (AatExchange) ex = NULL;
  g_autoptr (GError) error = NULL;

  f->engine = aat_engine_new (AAT_TRADING_TYPE_SIMULATION);
  ex = g_object_new (AAT_TYPE_SYNTHETIC_EXCHANGE, "name", "synthetic", "mode", AAT_SYNTHETIC_MODE_SIMULATION,
                     "rate", 400.0, "events", (guint64) 10000000, "seed", (guint64) 3, NULL);
  f->bot = g_object_new (TEST_TYPE_FLIPPER, "name", "flipper", NULL);
  aat_engine_add_exchange (f->engine, ex);
  aat_engine_add_strategy (f->engine, AAT_STRATEGY (f->bot));
  f->server = aat_control_server_new (f->engine);
  aat_control_server_set_token (f->server, TOKEN);
  g_assert_true (aat_control_server_listen (f->server, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  f->base = aat_control_server_get_uri (f->server);
  g_assert_true (g_str_has_prefix (f->base, "http://127.0.0.1:"));
  f->session = soup_session_new ();
  aat_engine_run_async (f->engine, NULL, run_done, f);
  f->timeout = g_timeout_add_seconds (60, timeout_cb, NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (!f->finished)
    aat_engine_stop (f->engine);
  while (!f->finished)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&f->session);
  g_clear_object (&f->server);
  g_clear_object (&f->bot);
  g_clear_object (&f->engine);
  g_free (f->base);
  g_source_remove (f->timeout);
}

typedef struct {
  GBytes *body;
  gboolean done;
} Reply;

static void
read_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Reply *r = data;
  g_autoptr (GError) error = NULL;

  r->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  r->done = TRUE;
}

/* Waits until engine time has passed some events, so there is something to show. */
static void
wait_events (Fixture *f, guint64 n)
{
  while (aat_engine_get_event_count (f->engine) < n)
    g_main_context_iteration (NULL, TRUE);
}

/* One request; returns the status and the parsed JSON body (or NULL). */
static guint
request (Fixture *f, const char *method, const char *path, const char *token, const char *body, JsonNode **json)
{
  g_autofree char *uri = g_strconcat (f->base, path[0] == '/' ? path + 1 : path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr (JsonParser) parser = json_parser_new ();
  Reply r = { NULL, FALSE };
  gsize size = 0;
  const char *data;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, read_done, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  data = g_bytes_get_data (r.body, &size);
  if (json != NULL)
    {
      *json = NULL;
      if (size > 0 && json_parser_load_from_data (parser, data, size, NULL))
        *json = json_node_copy (json_parser_get_root (parser));
    }
  g_bytes_unref (r.body);
  return soup_message_get_status (msg);
}

static void
assert_error (Fixture *f, const char *method, const char *path, const char *body, guint status, const char *field)
{
  g_autoptr (JsonNode) json = NULL;
  JsonObject *obj;

  g_assert_cmpuint (request (f, method, path, TOKEN, body, &json), ==, status);
  g_assert_nonnull (json);
  obj = json_node_get_object (json);
  g_assert_true (json_object_has_member (obj, "error"));
  if (field == NULL)
    g_assert_true (json_object_get_null_member (obj, "field"));
  else
    g_assert_cmpstr (json_object_get_string_member (obj, "field"), ==, field);
}

/* ---- tests ---- */

static void
test_auth (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) json = NULL;

  g_assert_cmpuint (request (f, "GET", "/api/status", NULL, NULL, &json), ==, 401);
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (json), "error"), "unauthorized"));
  g_assert_cmpuint (request (f, "GET", "/api/status", "wrong", NULL, NULL), ==, 401);
  g_assert_cmpuint (request (f, "GET", "/api/status", TOKEN "x", NULL, NULL), ==, 401);
  g_assert_cmpuint (request (f, "POST", "/api/kill", NULL, "{}", NULL), ==, 401);
  g_assert_cmpuint (request (f, "GET", "/api/status?access_token=" TOKEN, NULL, NULL, NULL), ==, 200);
  /* a refused control changed nothing */
  g_assert_true (aat_engine_is_running (f->engine));
  g_assert_cmpuint (request (f, "GET", "/api/status", TOKEN, NULL, NULL), ==, 200);
  /* the page itself holds no data and needs no token */
  g_assert_cmpuint (request (f, "GET", "/", NULL, NULL, NULL), ==, 200);
}

static void
test_endpoints (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) status = NULL;
  g_autoptr (JsonNode) strategies = NULL;
  g_autoptr (JsonNode) positions = NULL;
  g_autoptr (JsonNode) orders = NULL;
  g_autoptr (JsonNode) trades = NULL;
  g_autoptr (JsonNode) pnl = NULL;
  JsonObject *o;

  wait_events (f, 100);
  g_assert_cmpuint (request (f, "GET", "/api/status", TOKEN, NULL, &status), ==, 200);
  o = json_node_get_object (status);
  g_assert_true (json_object_get_boolean_member (o, "running"));
  g_assert_cmpstr (json_object_get_string_member (o, "trading_type"), ==, "simulation");
  g_assert_cmpint (json_object_get_int_member (o, "events"), >=, 100);
  g_assert_cmpint (json_object_get_int_member (o, "strategies"), ==, 1);

  g_assert_cmpuint (request (f, "GET", "/api/strategies", TOKEN, NULL, &strategies), ==, 200);
  o = json_array_get_object_element (json_node_get_array (strategies), 0);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "flipper");
  g_assert_false (json_object_get_boolean_member (o, "halted"));
  g_assert_cmpint (json_object_get_int_member (o, "orders"), >, 0);
  g_assert_true (json_object_has_member (o, "pnl"));

  g_assert_cmpuint (request (f, "GET", "/api/positions?strategy=flipper", TOKEN, NULL, &positions), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (positions)), >=, 1);
  o = json_array_get_object_element (json_node_get_array (positions), 0);
  g_assert_cmpstr (json_object_get_string_member (o, "instrument"), ==, "SYN0");
  g_assert_cmpfloat (json_object_get_double_member (o, "size"), >, 0);

  g_assert_cmpuint (request (f, "GET", "/api/orders", TOKEN, NULL, &orders), ==, 200);
  o = json_array_get_object_element (json_node_get_array (orders), 0);
  g_assert_cmpstr (json_object_get_string_member (o, "strategy"), ==, "flipper");
  g_assert_cmpstr (json_object_get_string_member (o, "side"), ==, "buy");

  g_assert_cmpuint (request (f, "GET", "/api/trades?limit=1", TOKEN, NULL, &trades), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (trades)), ==, 1);

  g_assert_cmpuint (request (f, "GET", "/api/pnl", TOKEN, NULL, &pnl), ==, 200);
  o = json_object_get_object_member (json_node_get_object (pnl), "total");
  g_assert_true (json_object_has_member (o, "realized"));
  g_assert_true (json_object_has_member (o, "unrealized"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (pnl), "strategies")), ==, 1);
}

static void
test_malformed (Fixture *f, gconstpointer data)
{
  assert_error (f, "POST", "/api/halt", "{\"strategy\": 5}", 400, "strategy");
  assert_error (f, "POST", "/api/halt", "{}", 400, "strategy");
  assert_error (f, "POST", "/api/halt", "{\"strategy\": \"flipper\", \"reason\": []}", 400, "reason");
  assert_error (f, "POST", "/api/halt", "{\"strategy\": \"flipper\", \"bogus\": 1}", 400, "bogus");
  assert_error (f, "POST", "/api/cancel-all", "{not json", 400, "body");
  assert_error (f, "POST", "/api/cancel-all", "[1, 2]", 400, "body");
  assert_error (f, "POST", "/api/close-all", "{\"instrument\": 3}", 400, "instrument");
  assert_error (f, "GET", "/api/orders?open=maybe", NULL, 400, "open");
  assert_error (f, "GET", "/api/trades?limit=0", NULL, 400, "limit");
  assert_error (f, "GET", "/api/trades?limit=ten", NULL, 400, "limit");
  assert_error (f, "POST", "/api/halt", "{\"strategy\": \"nobody\"}", 404, "strategy");
  assert_error (f, "POST", "/api/cancel-all", "{\"instrument\": \"NOPE\"}", 404, "instrument");
  assert_error (f, "GET", "/api/positions?strategy=nobody", NULL, 404, "strategy");
  assert_error (f, "GET", "/api/halt", NULL, 405, NULL);
  assert_error (f, "POST", "/api/status", "{}", 405, NULL);
  assert_error (f, "GET", "/api/nothing", NULL, 404, NULL);
  /* nothing was halted by all that */
  g_assert_false (aat_strategy_is_halted (AAT_STRATEGY (f->bot)));
}

static void
test_controls (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (GPtrArray) open = NULL;
  guint64 before;

  wait_events (f, 200);
  g_assert_cmpuint (request (f, "POST", "/api/halt", TOKEN, "{\"strategy\": \"flipper\", \"reason\": \"test\"}", &json), ==, 200);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (json), "ok"));
  g_assert_true (aat_strategy_is_halted (AAT_STRATEGY (f->bot)));
  g_assert_cmpuint (f->bot->halts, ==, 1);

  g_assert_cmpuint (request (f, "POST", "/api/resume", TOKEN, "{\"strategy\": \"*\"}", NULL), ==, 200);
  g_assert_false (aat_strategy_is_halted (AAT_STRATEGY (f->bot)));
  g_assert_cmpuint (f->bot->continues, ==, 1);

  /* halted first: a running flipper would place a new bid right after the cancels */
  g_assert_cmpuint (request (f, "POST", "/api/halt", TOKEN, "{\"strategy\": \"flipper\"}", NULL), ==, 200);
  g_assert_cmpuint (request (f, "POST", "/api/cancel-all", TOKEN, "", NULL), ==, 200);
  open = aat_engine_get_orders (f->engine, AAT_STRATEGY (f->bot), TRUE);
  /* cancels are answered at the next event; none may be left working after one */
  before = aat_engine_get_event_count (f->engine);
  wait_events (f, before + 2);
  g_clear_pointer (&open, g_ptr_array_unref);
  open = aat_engine_get_orders (f->engine, AAT_STRATEGY (f->bot), TRUE);
  for (guint i = 0; i < open->len; i++)
    g_assert_cmpfloat (aat_order_get_price (open->pdata[i]), ==, 0);   /* no resting bid left */

  g_assert_cmpuint (request (f, "POST", "/api/halt", TOKEN, "{\"strategy\": \"flipper\"}", NULL), ==, 200);
  g_assert_cmpuint (request (f, "POST", "/api/close-all", TOKEN, "{\"strategy\": \"flipper\", \"instrument\": \"SYN0\"}", NULL), ==, 200);
  before = aat_engine_get_event_count (f->engine);
  wait_events (f, before + 5);
  g_assert_cmpfloat (aat_strategy_position_size (AAT_STRATEGY (f->bot), aat_engine_lookup_instrument (f->engine, "SYN0")), ==, 0);

  g_assert_cmpuint (request (f, "POST", "/api/kill", TOKEN, "{\"reason\": \"test\"}", NULL), ==, 200);
  while (!f->finished)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (aat_engine_is_running (f->engine));
}

/* ---- the websocket ---- */

typedef struct {
  SoupWebsocketConnection *conn;
  GError *error;
  gboolean done;
  GPtrArray *messages;
} Ws;

static void
ws_message (SoupWebsocketConnection *conn, gint type, GBytes *message, gpointer data)
{
  Ws *ws = data;
  gsize size = 0;
  const char *text = g_bytes_get_data (message, &size);

  g_ptr_array_add (ws->messages, g_strndup (text, size));
}

static void
ws_connected (GObject *source, GAsyncResult *result, gpointer data)
{
  Ws *ws = data;

  ws->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &ws->error);
  ws->done = TRUE;
}

static void
ws_connect (Fixture *f, Ws *ws, const char *query)
{
  g_autofree char *uri = g_strconcat (f->base, "api/events", query, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);

  ws->messages = g_ptr_array_new_with_free_func (g_free);
  soup_session_websocket_connect_async (f->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, ws_connected, ws);
  while (!ws->done)
    g_main_context_iteration (NULL, TRUE);
  if (ws->conn != NULL)
    g_signal_connect (ws->conn, "message", G_CALLBACK (ws_message), ws);
}

static gboolean
has_type (Ws *ws, const char *type)
{
  g_autofree char *needle = g_strdup_printf ("\"type\":\"%s\"", type);

  for (guint i = 0; i < ws->messages->len; i++)
    if (strstr (ws->messages->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_websocket (Fixture *f, gconstpointer data)
{
  Ws bad = { 0 }, ws = { 0 };

  /* no token: the handshake is refused */
  ws_connect (f, &bad, "");
  g_assert_null (bad.conn);
  g_assert_nonnull (bad.error);
  g_clear_error (&bad.error);
  g_ptr_array_unref (bad.messages);

  ws_connect (f, &ws, "?access_token=" TOKEN);
  g_assert_no_error (ws.error);
  g_assert_nonnull (ws.conn);
  /* a hello with the status, orders as they update, a status every second, controls */
  while (!has_type (&ws, "order") || !has_type (&ws, "status"))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (has_type (&ws, "hello"));
  g_assert_cmpuint (request (f, "POST", "/api/halt", TOKEN, "{\"strategy\": \"flipper\"}", NULL), ==, 200);
  while (!has_type (&ws, "control"))
    g_main_context_iteration (NULL, TRUE);
  aat_engine_stop (f->engine);
  while (!has_type (&ws, "finished"))
    g_main_context_iteration (NULL, TRUE);
  soup_websocket_connection_close (ws.conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  while (soup_websocket_connection_get_state (ws.conn) != SOUP_WEBSOCKET_STATE_CLOSED)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (ws.conn);
  g_ptr_array_unref (ws.messages);
}

/* ---- listening ---- */

static void
test_listen_refusals (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_SIMULATION);
  g_autoptr (AatControlServer) a = aat_control_server_new (engine);
  g_autoptr (AatControlServer) b = aat_control_server_new (engine);
  g_autoptr (AatControlServer) c = aat_control_server_new (engine);
  g_autoptr (AatControlServer) d = aat_control_server_new (engine);
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;

  /* without a token: loopback only */
  g_assert_false (aat_control_server_listen (a, "0.0.0.0:0", &error));
  g_assert_error (error, AAT_CONTROL_SERVER_ERROR, AAT_CONTROL_SERVER_ERROR_INSECURE);
  g_clear_error (&error);
  g_assert_true (aat_control_server_listen (b, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  /* with one, anywhere */
  aat_control_server_set_token (c, "x");
  g_assert_true (aat_control_server_listen (c, "0.0.0.0:0", &error));
  g_assert_no_error (error);
  uri = aat_control_server_get_uri (c);
  g_assert_nonnull (uri);
  /* bad addresses */
  g_assert_false (aat_control_server_listen (d, "example.org:80", &error));
  g_assert_error (error, AAT_CONTROL_SERVER_ERROR, AAT_CONTROL_SERVER_ERROR_ADDRESS);
  g_clear_error (&error);
  g_assert_false (aat_control_server_listen (d, "127.0.0.1", &error));
  g_assert_error (error, AAT_CONTROL_SERVER_ERROR, AAT_CONTROL_SERVER_ERROR_ADDRESS);
  g_clear_error (&error);
  g_assert_false (aat_control_server_listen (d, "127.0.0.1:99999", &error));
  g_assert_error (error, AAT_CONTROL_SERVER_ERROR, AAT_CONTROL_SERVER_ERROR_ADDRESS);
}

static void
test_load_config (void)
{
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_SIMULATION);
  g_autoptr (AatControlServer) s = aat_control_server_new (engine);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "test-api-XXXXXX.cfg", NULL);
  g_autoptr (AatRunConfig) config = aat_run_config_new ();
  int fd = g_mkstemp (path);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (path, "[general]\nseed=1\n[api]\ntoken = abc \n", -1, NULL));
  g_assert_true (aat_control_server_load_config (s, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (aat_control_server_get_token (s), ==, "abc");
  /* the run config accepts the [api] group */
  g_assert_true (aat_run_config_load_file (config, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "[api]\ntokn=abc\n", -1, NULL));
  g_assert_false (aat_control_server_load_config (s, path, &error));
  g_assert_error (error, AAT_CONTROL_SERVER_ERROR, AAT_CONTROL_SERVER_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "[api] tokn"));
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/api/auth/401", Fixture, NULL, fixture_setup, test_auth, fixture_teardown);
  g_test_add ("/api/endpoints", Fixture, NULL, fixture_setup, test_endpoints, fixture_teardown);
  g_test_add ("/api/malformed/400", Fixture, NULL, fixture_setup, test_malformed, fixture_teardown);
  g_test_add ("/api/controls", Fixture, NULL, fixture_setup, test_controls, fixture_teardown);
  g_test_add ("/api/websocket", Fixture, NULL, fixture_setup, test_websocket, fixture_teardown);
  g_test_add_func ("/api/listen/refusals", test_listen_refusals);
  g_test_add_func ("/api/config/token", test_load_config);
  return g_test_run ();
}
