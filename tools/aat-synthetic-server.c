/* aat-synthetic-server: the synthetic exchange served over websockets.
 *
 * A thin main: an engine in simulation mode runs the synthetic exchange (compiled in,
 * in its real-time simulation mode) and an AatWsServer strategy, which publishes the
 * market and takes clients' orders into the synthetic books (see doc/PROTOCOL.md).
 *
 * The first line on stdout is "listening on ws://HOST:PORT/ws", so that scripts can
 * start it on port 0 and read the port. SIGINT or SIGTERM ends the market: clients get
 * {"type":"end"}, connections are closed, and it exits 0.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib-unix.h>
#include <aat.h>

#include "aat-synthetic-exchange.h"
#include "aat-ws-server.h"

static gboolean
on_signal (gpointer user_data)
{
  AatEngine *engine = user_data;

  g_printerr ("aat-synthetic-server: stopping\n");
  aat_engine_stop (engine);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autofree char *host = g_strdup ("127.0.0.1");
  g_autofree char *state = NULL;
  g_autofree char *url = NULL;
  g_auto (GStrv) symbols = NULL;
  int port = 8765, instruments = 1;
  gint64 seed = 42, events = 0;
  double rate = 50.0, heartbeat = 1.0;
  gboolean book_events = FALSE;
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "Listen on this address (default 127.0.0.1)", "ADDR" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Listen on this port; 0 picks a free one (default 8765)", "PORT" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the order flow (default 42)", "N" },
    { "instruments", 'i', 0, G_OPTION_ARG_INT, &instruments, "Number of instruments SYN0.. (default 1)", "N" },
    { "symbol", 0, 0, G_OPTION_ARG_STRING_ARRAY, &symbols, "Instrument name (repeatable; overrides --instruments)", "NAME" },
    { "rate", 'r', 0, G_OPTION_ARG_DOUBLE, &rate, "Market events per second (default 50)", "R" },
    { "events", 'n', 0, G_OPTION_ARG_INT64, &events, "End the market after N events (default 0: never)", "N" },
    { "heartbeat", 0, 0, G_OPTION_ARG_DOUBLE, &heartbeat, "Seconds between heartbeats, 0 for none (default 1)", "S" },
    { "book-events", 0, 0, G_OPTION_ARG_NONE, &book_events, "Also publish book updates", NULL },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state,
      "Keep the orders in FILE (JSON lines), and read them back at start", "FILE" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AatEngine) engine = NULL;
  g_autoptr (AatExchange) exchange = NULL;
  g_autoptr (AatWsServer) server = NULL;
  guint sigint_id, sigterm_id;
  gboolean ok;

  context = g_option_context_new ("- serve the synthetic exchange over websockets");
  g_option_context_set_summary (context,
    "Serves a simulated market at ws://HOST:PORT/ws with the JSON protocol of\n"
    "doc/PROTOCOL.md. Prints \"listening on URL\" as its first line.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("aat-synthetic-server: %s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535 || instruments < 1 || !(rate > 0) || heartbeat < 0 || events < 0)
    {
      g_printerr ("aat-synthetic-server: an option is out of range (see --help)\n");
      return 2;
    }

  engine = aat_engine_new (AAT_TRADING_TYPE_SIMULATION);
  g_object_set (engine, "seed", (guint64) seed, NULL);
  exchange = g_object_new (AAT_TYPE_SYNTHETIC_EXCHANGE,
                           "name", "synthetic",
                           "mode", AAT_SYNTHETIC_MODE_SIMULATION,
                           "instruments", instruments,
                           "seed", (guint64) seed,
                           "rate", rate,
                           "events", events > 0 ? (guint64) events : G_MAXUINT64,
                           "book-events", book_events,
                           NULL);
  if (symbols != NULL && symbols[0] != NULL)
    g_object_set (exchange, "symbols", symbols, NULL);
  server = aat_ws_server_new ();
  g_object_set (server, "heartbeat", heartbeat, NULL);
  aat_engine_add_exchange (engine, exchange);
  aat_engine_add_strategy (engine, AAT_STRATEGY (server));

  if (state != NULL && !aat_ws_server_load_state (server, state, &error))
    {
      g_printerr ("aat-synthetic-server: state file %s: %s\n", state, error->message);
      return 1;
    }
  if (!aat_ws_server_listen (server, host, (guint) port, &error))
    {
      g_printerr ("aat-synthetic-server: cannot listen on %s:%d: %s\n", host, port, error->message);
      return 1;
    }
  url = aat_ws_server_get_url (server);
  g_print ("listening on %s\n", url);
  fflush (stdout);

  sigint_id = g_unix_signal_add (SIGINT, on_signal, engine);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, engine);
  ok = aat_engine_run (engine, &error);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  g_print ("orders %u\n", aat_ws_server_get_order_count (server));
  aat_ws_server_shutdown (server);
  if (!ok && !g_error_matches (error, AAT_ENGINE_ERROR, AAT_ENGINE_ERROR_CANCELLED))
    {
      g_printerr ("aat-synthetic-server: %s\n", error->message);
      return 1;
    }
  return 0;
}
