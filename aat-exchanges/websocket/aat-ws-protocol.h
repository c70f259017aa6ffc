/* aat-ws-protocol.h: JSON helpers shared by the websocket server and client.
 *
 * Not installed. The wire format is documented in doc/PROTOCOL.md. The readers report
 * a problem as a message plus the name of the offending field, which the server sends
 * back in its {"type":"error"} reply.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <aat.h>

G_BEGIN_DECLS

/* The protocol version announced in "hello". */
#define AAT_WS_PROTOCOL_VERSION 1

/**
 * AatWsProblem:
 * @field: (nullable): the offending field, or %NULL when the message as a whole is bad
 * @message: what is wrong
 *
 * Why a message could not be read.
 */
typedef struct {
  char *field;
  char *message;
} AatWsProblem;

void aat_ws_problem_clear (AatWsProblem *problem);
void aat_ws_problem_set (AatWsProblem *problem, const char *field, const char *format, ...) G_GNUC_PRINTF (3, 4);

JsonObject *aat_ws_parse (const char *data, gsize length, AatWsProblem *problem);

gboolean aat_ws_get_string (JsonObject *object, const char *field, gboolean required,
                            const char **out, AatWsProblem *problem);
gboolean aat_ws_get_number (JsonObject *object, const char *field, gboolean required,
                            double *out, AatWsProblem *problem);
gboolean aat_ws_get_uint (JsonObject *object, const char *field, gboolean required,
                          guint64 *out, AatWsProblem *problem);
gboolean aat_ws_get_bool (JsonObject *object, const char *field, gboolean required,
                          gboolean *out, AatWsProblem *problem);
gboolean aat_ws_get_string_array (JsonObject *object, const char *field, gboolean required,
                                  GPtrArray **out, AatWsProblem *problem);
gboolean aat_ws_get_array (JsonObject *object, const char *field, gboolean required,
                           JsonArray **out, AatWsProblem *problem);

char *aat_ws_builder_finish (JsonBuilder *builder);

const char *aat_ws_side_to_string (AatSide side);
gboolean aat_ws_side_from_string (const char *text, AatSide *side);
const char *aat_ws_order_type_to_string (AatOrderType type);
gboolean aat_ws_order_type_from_string (const char *text, AatOrderType *type);
const char *aat_ws_status_to_string (AatOrderStatus status);
gboolean aat_ws_status_from_string (const char *text, AatOrderStatus *status);

G_END_DECLS
