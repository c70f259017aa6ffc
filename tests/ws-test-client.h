/* ws-test-client.h: a raw websocket client for the websocket tests: connect, send text,
 * wait for a message of a given type while the main context runs. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

typedef struct {
  SoupSession *session;
  SoupWebsocketConnection *conn;
  GQueue messages;          /* JsonObject*, oldest first */
  gboolean closed;
  GError *error;
} WsTestClient;

static void
ws_test_on_message (SoupWebsocketConnection *conn, int type, GBytes *message, gpointer data)
{
  WsTestClient *c = data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *text = g_bytes_get_data (message, &len);

  if (json_parser_load_from_data (parser, text, (gssize) len, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    g_queue_push_tail (&c->messages, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
}

static void
ws_test_on_closed (SoupWebsocketConnection *conn, gpointer data)
{
  ((WsTestClient *) data)->closed = TRUE;
}

static void
ws_test_connected (GObject *source, GAsyncResult *result, gpointer data)
{
  WsTestClient *c = data;

  c->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &c->error);
  if (c->conn == NULL && c->error == NULL)
    c->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "no connection");
}

/* Connects to a ws:// URL; returns NULL on failure (the error is in c->error). */
G_GNUC_UNUSED static WsTestClient *
ws_test_client_new (const char *url)
{
  WsTestClient *c = g_new0 (WsTestClient, 1);
  g_autofree char *http = g_strconcat ("http", url + 2, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", http);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  c->session = soup_session_new ();
  soup_session_websocket_connect_async (c->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        ws_test_connected, c);
  while (c->conn == NULL && c->error == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (c->conn != NULL)
    {
      g_signal_connect (c->conn, "message", G_CALLBACK (ws_test_on_message), c);
      g_signal_connect (c->conn, "closed", G_CALLBACK (ws_test_on_closed), c);
    }
  return c;
}

G_GNUC_UNUSED static void
ws_test_client_free (WsTestClient *c)
{
  if (c->conn != NULL)
    {
      gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
      g_signal_handlers_disconnect_by_data (c->conn, c);
      if (soup_websocket_connection_get_state (c->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (c->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      while (soup_websocket_connection_get_state (c->conn) != SOUP_WEBSOCKET_STATE_CLOSED &&
             g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, FALSE);
      g_object_unref (c->conn);
    }
  g_queue_clear_full (&c->messages, (GDestroyNotify) json_object_unref);
  g_clear_error (&c->error);
  g_object_unref (c->session);
  g_free (c);
}

G_GNUC_UNUSED static void
ws_test_send (WsTestClient *c, const char *text)
{
  soup_websocket_connection_send_text (c->conn, text);
}

/* Waits up to @seconds for a message of @type (earlier messages of other types are
 * dropped). Returns it (transfer full) or NULL. */
G_GNUC_UNUSED static JsonObject *
ws_test_wait (WsTestClient *c, const char *type, double seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  for (;;)
    {
      JsonObject *m;
      while ((m = g_queue_pop_head (&c->messages)) != NULL)
        {
          if (g_strcmp0 (json_object_get_string_member_with_default (m, "type", ""), type) == 0)
            return m;
          json_object_unref (m);
        }
      if (c->closed || g_get_monotonic_time () >= deadline)
        return NULL;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}
