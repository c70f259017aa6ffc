/* aat-ws-protocol.c: reading and writing the JSON messages of doc/PROTOCOL.md.
 *
 * Every reader checks the JSON type of the field it reads and names the field when it
 * is missing or has the wrong type, so that a malformed message can be answered with an
 * error that says exactly what is wrong, and never crashes the reader.
 */
#include "aat-ws-protocol.h"

#include <math.h>
#include <string.h>

void
aat_ws_problem_clear (AatWsProblem *problem)
{
  g_clear_pointer (&problem->field, g_free);
  g_clear_pointer (&problem->message, g_free);
}

void
aat_ws_problem_set (AatWsProblem *problem, const char *field, const char *format, ...)
{
  va_list args;

  if (problem == NULL)
    return;
  aat_ws_problem_clear (problem);
  problem->field = g_strdup (field);
  va_start (args, format);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);
}

/* Parses one message: a JSON object with a string "type". Returns a new reference. */
/* TRUE if the text is exactly one JSON object, surrounding white space aside. json-glib
 * 1.6 accepts several top-level values in one text and leaks all but the last, so a
 * message such as `""{...}` or `{..}{..}` is refused before it reaches the parser. */
static gboolean
is_one_object (const char *data, gsize length)
{
  gsize i = 0;
  int depth = 0;
  gboolean in_string = FALSE;

  while (i < length && g_ascii_isspace (data[i]))
    i++;
  if (i == length || data[i] != '{')
    return FALSE;
  for (; i < length; i++)
    {
      char c = data[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if ((c == '}' || c == ']') && --depth == 0)
        break;
    }
  if (depth != 0 || i == length)
    return FALSE;
  for (i++; i < length; i++)
    if (!g_ascii_isspace (data[i]))
      return FALSE;
  return TRUE;
}

JsonObject *
aat_ws_parse (const char *data, gsize length, AatWsProblem *problem)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) error = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *type = NULL;

  if (length > 1024 * 1024)
    {
      aat_ws_problem_set (problem, NULL, "message too long (%" G_GSIZE_FORMAT " bytes)", length);
      return NULL;
    }
  if (!g_utf8_validate (data, (gssize) length, NULL))
    {
      aat_ws_problem_set (problem, NULL, "message is not valid UTF-8");
      return NULL;
    }
  if (!is_one_object (data, length))
    {
      aat_ws_problem_set (problem, NULL, "a message must be exactly one JSON object");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) length, &error))
    {
      aat_ws_problem_set (problem, NULL, "invalid JSON: %s", error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      aat_ws_problem_set (problem, NULL, "a message must be a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);
  if (!aat_ws_get_string (object, "type", TRUE, &type, problem))
    return NULL;
  return json_object_ref (object);
}

static JsonNode *
member (JsonObject *object, const char *field, gboolean required, AatWsProblem *problem)
{
  JsonNode *node = json_object_get_member (object, field);

  if ((node == NULL || JSON_NODE_HOLDS_NULL (node)) && required)
    aat_ws_problem_set (problem, field, "missing field '%s'", field);
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

gboolean
aat_ws_get_string (JsonObject *object, const char *field, gboolean required, const char **out,
                   AatWsProblem *problem)
{
  JsonNode *node = member (object, field, required, problem);

  if (node == NULL)
    return !required;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      aat_ws_problem_set (problem, field, "field '%s' must be a string", field);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
aat_ws_get_number (JsonObject *object, const char *field, gboolean required, double *out,
                   AatWsProblem *problem)
{
  JsonNode *node = member (object, field, required, problem);
  GType vt;
  double v;

  if (node == NULL)
    return !required;
  vt = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (vt != G_TYPE_DOUBLE && vt != G_TYPE_INT64)
    {
      aat_ws_problem_set (problem, field, "field '%s' must be a number", field);
      return FALSE;
    }
  v = vt == G_TYPE_INT64 ? (double) json_node_get_int (node) : json_node_get_double (node);
  if (!isfinite (v))
    {
      aat_ws_problem_set (problem, field, "field '%s' must be finite", field);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
aat_ws_get_uint (JsonObject *object, const char *field, gboolean required, guint64 *out,
                 AatWsProblem *problem)
{
  JsonNode *node = member (object, field, required, problem);

  if (node == NULL)
    return !required;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0)
    {
      aat_ws_problem_set (problem, field, "field '%s' must be a non-negative integer", field);
      return FALSE;
    }
  *out = (guint64) json_node_get_int (node);
  return TRUE;
}

gboolean
aat_ws_get_bool (JsonObject *object, const char *field, gboolean required, gboolean *out,
                 AatWsProblem *problem)
{
  JsonNode *node = member (object, field, required, problem);

  if (node == NULL)
    return !required;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      aat_ws_problem_set (problem, field, "field '%s' must be true or false", field);
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
aat_ws_get_array (JsonObject *object, const char *field, gboolean required, JsonArray **out,
                  AatWsProblem *problem)
{
  JsonNode *node = member (object, field, required, problem);

  if (node == NULL)
    return !required;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      aat_ws_problem_set (problem, field, "field '%s' must be an array", field);
      return FALSE;
    }
  *out = json_node_get_array (node);
  return TRUE;
}

/* *out is a new array of borrowed strings (valid as long as @object), or NULL when the
 * field is absent and optional. */
gboolean
aat_ws_get_string_array (JsonObject *object, const char *field, gboolean required, GPtrArray **out,
                         AatWsProblem *problem)
{
  JsonArray *array = NULL;
  GPtrArray *result;

  *out = NULL;
  if (!aat_ws_get_array (object, field, required, &array, problem))
    return FALSE;
  if (array == NULL)
    return TRUE;
  result = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          aat_ws_problem_set (problem, field, "field '%s' must be an array of strings (element %u is not)",
                              field, i);
          g_ptr_array_unref (result);
          return FALSE;
        }
      g_ptr_array_add (result, (gpointer) json_node_get_string (node));
    }
  *out = result;
  return TRUE;
}

/* Ends the builder's root object and returns its text; unrefs the builder. */
char *
aat_ws_builder_finish (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  char *text;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_object_unref (builder);
  return text;
}

static const char *const side_names[] = { "buy", "sell" };
static const char *const type_names[] = { "market", "limit", "stop-market", "stop-limit" };
static const char *const status_names[] = { "new", "pending", "open", "partial", "filled",
                                            "canceled", "rejected", "expired" };

static gboolean
lookup (const char *const *names, guint n, const char *text, int *out)
{
  for (guint i = 0; text != NULL && i < n; i++)
    if (strcmp (names[i], text) == 0)
      {
        *out = (int) i;
        return TRUE;
      }
  return FALSE;
}

const char *
aat_ws_side_to_string (AatSide side)
{
  return (guint) side < G_N_ELEMENTS (side_names) ? side_names[side] : "buy";
}

gboolean
aat_ws_side_from_string (const char *text, AatSide *side)
{
  int v;

  if (!lookup (side_names, G_N_ELEMENTS (side_names), text, &v))
    return FALSE;
  *side = (AatSide) v;
  return TRUE;
}

const char *
aat_ws_order_type_to_string (AatOrderType type)
{
  return (guint) type < G_N_ELEMENTS (type_names) ? type_names[type] : "market";
}

gboolean
aat_ws_order_type_from_string (const char *text, AatOrderType *type)
{
  int v;

  if (!lookup (type_names, G_N_ELEMENTS (type_names), text, &v))
    return FALSE;
  *type = (AatOrderType) v;
  return TRUE;
}

const char *
aat_ws_status_to_string (AatOrderStatus status)
{
  return (guint) status < G_N_ELEMENTS (status_names) ? status_names[status] : "new";
}

gboolean
aat_ws_status_from_string (const char *text, AatOrderStatus *status)
{
  int v;

  if (!lookup (status_names, G_N_ELEMENTS (status_names), text, &v))
    return FALSE;
  *status = (AatOrderStatus) v;
  return TRUE;
}
