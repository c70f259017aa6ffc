/* aat-control-server.h: the control API of a running engine, over HTTP and a websocket. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include <gio/gio.h>
#include "aat-types.h"

G_BEGIN_DECLS

/**
 * AAT_CONTROL_SERVER_ERROR:
 *
 * The error domain of the control server.
 *
 * Since: 0.1
 */
#define AAT_CONTROL_SERVER_ERROR (aat_control_server_error_quark ())
AAT_AVAILABLE_IN_ALL
GQuark aat_control_server_error_quark (void);

/**
 * AatControlServerError:
 * @AAT_CONTROL_SERVER_ERROR_FAILED: a generic failure (the port is taken, say)
 * @AAT_CONTROL_SERVER_ERROR_ADDRESS: the address is not `HOST:PORT` with a numeric host
 * @AAT_CONTROL_SERVER_ERROR_INSECURE: no token is set and the address is not loopback
 * @AAT_CONTROL_SERVER_ERROR_CONFIG: the `[api]` group of a config file is invalid
 *
 * Errors of the control server.
 *
 * Since: 0.1
 */
typedef enum {
  AAT_CONTROL_SERVER_ERROR_FAILED,
  AAT_CONTROL_SERVER_ERROR_ADDRESS,
  AAT_CONTROL_SERVER_ERROR_INSECURE,
  AAT_CONTROL_SERVER_ERROR_CONFIG,
} AatControlServerError;

#define AAT_TYPE_CONTROL_SERVER (aat_control_server_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AatControlServer, aat_control_server, AAT, CONTROL_SERVER, GObject)

AAT_AVAILABLE_IN_ALL
AatControlServer *aat_control_server_new (AatEngine *engine);
AAT_AVAILABLE_IN_ALL
AatEngine *aat_control_server_get_engine (AatControlServer *self);
AAT_AVAILABLE_IN_ALL
void aat_control_server_set_token (AatControlServer *self, const char *token);
AAT_AVAILABLE_IN_ALL
const char *aat_control_server_get_token (AatControlServer *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_control_server_load_config (AatControlServer *self, const char *path, GError **error);
AAT_AVAILABLE_IN_ALL
gboolean aat_control_server_listen (AatControlServer *self, const char *address, GError **error);
AAT_AVAILABLE_IN_ALL
char *aat_control_server_get_uri (AatControlServer *self);

G_END_DECLS
