/* fuzz-ws-protocol: the websocket protocol's message reader (aat_ws_parse) and the field
 * readers every message handler uses, over arbitrary bytes. */
#include "aat-ws-protocol.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  AatWsProblem problem = { NULL, NULL };
  JsonObject *obj = aat_ws_parse ((const char *) data, size, &problem);
  static const char * const fields[] = { "type", "client_id", "id", "instrument", "side", "order_type",
                                         "volume", "price", "status", "orders", "instruments", NULL };

  if (obj == NULL)
    {
      g_assert_nonnull (problem.message);
      aat_ws_problem_clear (&problem);
      return 0;
    }
  for (int i = 0; fields[i] != NULL; i++)
    {
      const char *s;
      double d;
      guint64 u;
      gboolean b;
      GPtrArray *strv = NULL;
      JsonArray *arr = NULL;
      AatSide side;
      AatOrderType type;
      AatOrderStatus status;

      if (aat_ws_get_string (obj, fields[i], FALSE, &s, &problem) && s != NULL)
        {
          (void) aat_ws_side_from_string (s, &side);
          (void) aat_ws_order_type_from_string (s, &type);
          (void) aat_ws_status_from_string (s, &status);
        }
      aat_ws_problem_clear (&problem);
      (void) aat_ws_get_number (obj, fields[i], FALSE, &d, &problem);
      aat_ws_problem_clear (&problem);
      (void) aat_ws_get_uint (obj, fields[i], FALSE, &u, &problem);
      aat_ws_problem_clear (&problem);
      (void) aat_ws_get_bool (obj, fields[i], FALSE, &b, &problem);
      aat_ws_problem_clear (&problem);
      if (aat_ws_get_string_array (obj, fields[i], FALSE, &strv, &problem) && strv != NULL)
        g_ptr_array_unref (strv);
      aat_ws_problem_clear (&problem);
      (void) aat_ws_get_array (obj, fields[i], FALSE, &arr, &problem);
      aat_ws_problem_clear (&problem);
    }
  json_object_unref (obj);
  return 0;
}
