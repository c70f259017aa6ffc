/* test-websocket-e2e.c: aat-synthetic-server and aat-run as separate processes over
 * loopback.
 *
 * aat-run trades momentum through the websocket exchange (data/websocket.cfg) while
 * this test sends malformed messages to the server on a connection of its own, then
 * kills the server with SIGKILL and restarts it on the same port with the same state
 * file. aat-run must reconnect, re-subscribe, reconcile, and exit 0; and the orders the
 * server recorded (its state file, by client order id) must be exactly the orders
 * aat-run sent (its stats file): none lost, none twice, every fill reported once.
 *
 * Needs AAT_RUN, AAT_SYNTHETIC_SERVER, AAT_SOURCE_ROOT and AAT_MODULE_PATH.
 */
#include <signal.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include "ws-test-client.h"

typedef struct {
  GSubprocess *proc;
  char *url;
  guint port;
} Server;

static Server *
server_start (const char *tmp, guint port, const char *state)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *log = g_strdup_printf ("%s/server-%u.err", tmp, port);
  g_autofree char *line = NULL;
  Server *s = g_new0 (Server, 1);

  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  s->proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("AAT_SYNTHETIC_SERVER"),
                                         "--port", port_text, "--rate", "100", "--seed", "7",
                                         "--heartbeat", "0.5", "--state", state, NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (s->proc));
  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on ws://127.0.0.1:"));
  s->url = g_strdup (line + strlen ("listening on "));
  s->port = (guint) g_ascii_strtoull (s->url + strlen ("ws://127.0.0.1:"), NULL, 10);
  g_assert_cmpuint (s->port, >, 0);
  return s;
}

static void
server_free (Server *s)
{
  g_object_unref (s->proc);
  g_free (s->url);
  g_free (s);
}

static void
wait_done (GObject *source, GAsyncResult *result, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
wait_process (GSubprocess *proc, double seconds)
{
  gboolean done = FALSE;
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  g_subprocess_wait_async (proc, NULL, wait_done, &done);
  while (!done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  return done;
}

static void
run_main (double seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
}

/* Sends @text and expects an error naming @field ("" for none); then the connection
 * must still answer a ping. */
static void
expect_error (WsTestClient *c, const char *text, const char *field)
{
  g_autoptr (JsonObject) err = NULL;
  g_autoptr (JsonObject) pong = NULL;
  JsonNode *f;

  ws_test_send (c, text);
  err = ws_test_wait (c, "error", 5);
  g_assert_nonnull (err);
  g_assert_nonnull (json_object_get_string_member_with_default (err, "error", NULL));
  f = json_object_get_member (err, "field");
  g_assert_nonnull (f);
  if (*field == '\0')
    g_assert_true (JSON_NODE_HOLDS_NULL (f));
  else
    g_assert_cmpstr (json_node_get_string (f), ==, field);
  ws_test_send (c, "{\"type\":\"ping\",\"id\":1}");
  pong = ws_test_wait (c, "pong", 5);
  g_assert_nonnull (pong);
}

static void
test_e2e (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("aat-ws-e2e-XXXXXX", NULL);
  g_autofree char *state = g_build_filename (tmp, "state.jsonl", NULL);
  g_autofree char *stats = g_build_filename (tmp, "stats.ini", NULL);
  g_autofree char *run_out = g_build_filename (tmp, "aat-run.out", NULL);
  g_autofree char *run_err = g_build_filename (tmp, "aat-run.err", NULL);
  g_autofree char *config = g_build_filename (g_getenv ("AAT_SOURCE_ROOT"), "data", "websocket.cfg", NULL);
  g_autofree char *spec = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) run = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GHashTable) news = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) ids = NULL;
  g_auto (GStrv) lines = NULL;
  gsize n_ids = 0;
  guint64 fills, reconnects, server_fills = 0;
  Server *server;
  WsTestClient *c;
  guint port;

  if (g_getenv ("AAT_RUN") == NULL || g_getenv ("AAT_SYNTHETIC_SERVER") == NULL || g_getenv ("AAT_SOURCE_ROOT") == NULL)
    {
      g_test_skip ("AAT_RUN, AAT_SYNTHETIC_SERVER and AAT_SOURCE_ROOT are needed");
      return;
    }
  server = server_start (tmp, 0, state);
  port = server->port;

  spec = g_strdup_printf ("websocket,url=%s,duration=7,stats-file=%s,reconnect-min-ms=50,reconnect-max-ms=400,"
                          "run-id=e2e", server->url, stats);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stdout_file_path (launcher, run_out);
  g_subprocess_launcher_set_stderr_file_path (launcher, run_err);
  run = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("AAT_RUN"), "--config", config,
                                     "--exchanges", spec, NULL);
  g_assert_no_error (error);

  /* a hostile client of our own: errors name the field, the connection stays up */
  c = ws_test_client_new (server->url);
  g_assert_no_error (c->error);
  g_assert_nonnull (c->conn);
  expect_error (c, "this is not json", "");
  expect_error (c, "[1, 2, 3]", "");
  expect_error (c, "{\"type\": 42}", "type");
  expect_error (c, "{\"type\": \"launch_rockets\"}", "type");
  expect_error (c, "{\"type\":\"new_order\",\"client_order_id\":5}", "client_order_id");
  expect_error (c, "{\"type\":\"new_order\",\"client_order_id\":\"x1\",\"instrument\":\"SYN0\",\"side\":\"up\",\"volume\":1}", "side");
  expect_error (c, "{\"type\":\"new_order\",\"client_order_id\":\"x1\",\"instrument\":\"SYN0\",\"side\":\"buy\"}", "volume");
  expect_error (c, "{\"type\":\"subscribe\",\"instruments\":\"SYN0\"}", "instruments");
  ws_test_client_free (c);

  /* let aat-run trade, then kill the server hard and bring it back on the same port */
  run_main (2.5);
  g_subprocess_force_exit (server->proc);
  g_assert_true (wait_process (server->proc, 10));
  server_free (server);
  run_main (0.6);
  server = server_start (tmp, port, state);
  g_assert_cmpuint (server->port, ==, port);

  g_assert_true (wait_process (run, 40));
  if (!g_subprocess_get_if_exited (run) || g_subprocess_get_exit_status (run) != 0)
    {
      g_autofree char *err_text = NULL;
      g_file_get_contents (run_err, &err_text, NULL, NULL);
      g_test_message ("aat-run stderr:\n%s", err_text);
    }
  g_assert_true (g_subprocess_get_if_exited (run));
  g_assert_cmpint (g_subprocess_get_exit_status (run), ==, 0);

  g_subprocess_send_signal (server->proc, SIGTERM);
  g_assert_true (wait_process (server->proc, 10));
  server_free (server);

  /* the client's view */
  g_assert_true (g_key_file_load_from_file (kf, stats, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  ids = g_key_file_get_string_list (kf, "websocket", "client_order_ids", &n_ids, NULL);
  fills = g_key_file_get_uint64 (kf, "websocket", "fills", NULL);
  reconnects = g_key_file_get_uint64 (kf, "websocket", "reconnects", NULL);
  g_test_message ("client: %" G_GSIZE_FORMAT " orders, %" G_GUINT64_FORMAT " fills, %" G_GUINT64_FORMAT
                  " reconnects, %" G_GUINT64_FORMAT " reconciled fills, %" G_GUINT64_FORMAT " resent",
                  n_ids, fills, reconnects, g_key_file_get_uint64 (kf, "websocket", "reconciled_fills", NULL),
                  g_key_file_get_uint64 (kf, "websocket", "resent", NULL));
  g_assert_cmpuint (reconnects, >=, 1);
  g_assert_cmpuint (n_ids, >, 0);
  g_assert_cmpuint (g_key_file_get_uint64 (kf, "websocket", "open_orders", NULL), ==, 0);

  /* the server's view: one "new" per client id, the same ids, the same fills */
  g_assert_true (g_file_get_contents (state, &contents, NULL, &error));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *o;
      const char *event, *cid;
      if (lines[i][0] == '\0' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
        continue;
      o = json_node_get_object (json_parser_get_root (parser));
      event = json_object_get_string_member (o, "event");
      cid = json_object_get_string_member (o, "client_order_id");
      if (!g_str_has_prefix (cid, "e2e-"))
        continue;
      if (g_strcmp0 (event, "new") == 0)
        {
          g_assert_false (g_hash_table_contains (news, cid));   /* never twice */
          g_hash_table_add (news, g_strdup (cid));
        }
      else if (g_strcmp0 (event, "fill") == 0)
        server_fills++;
    }
  g_test_message ("server: %u orders, %" G_GUINT64_FORMAT " fills", g_hash_table_size (news), server_fills);
  g_assert_cmpuint (g_hash_table_size (news), ==, n_ids);
  for (gsize i = 0; i < n_ids; i++)
    g_assert_true (g_hash_table_contains (news, ids[i]));
  g_assert_cmpuint (server_fills, ==, fills);

  {
    g_autoptr (GFile) dir = g_file_new_for_path (tmp);
    g_autoptr (GFileEnumerator) e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
    GFileInfo *info;
    while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
      {
        g_autoptr (GFile) f = g_file_get_child (dir, g_file_info_get_name (info));
        g_file_delete (f, NULL, NULL);
        g_object_unref (info);
      }
    g_rmdir (tmp);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/websocket/e2e/kill-restart-reconcile", test_e2e);
  return g_test_run ();
}
