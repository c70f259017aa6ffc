/* aat-ws-server.h: a strategy that serves its engine's market over websockets.
 *
 * Not installed; compiled into aat-synthetic-server and the tests.
 */
#pragma once

#include <aat.h>

G_BEGIN_DECLS

#define AAT_TYPE_WS_SERVER (aat_ws_server_get_type ())
G_DECLARE_FINAL_TYPE (AatWsServer, aat_ws_server, AAT, WS_SERVER, AatStrategy)

AatWsServer *aat_ws_server_new (void);
gboolean aat_ws_server_load_state (AatWsServer *self, const char *path, GError **error);
gboolean aat_ws_server_listen (AatWsServer *self, const char *host, guint port, GError **error);
char *aat_ws_server_get_url (AatWsServer *self);
guint aat_ws_server_get_client_count (AatWsServer *self);
guint aat_ws_server_get_order_count (AatWsServer *self);
void aat_ws_server_shutdown (AatWsServer *self);

G_END_DECLS
