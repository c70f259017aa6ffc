/* aat-config.c: a run described by a keyfile, with command-line overrides, turned into
 * an engine through the registry.
 *
 * The file has the original aat's shape:
 *
 *   [general]
 *   verbose=false
 *   trading_type=backtest        live | simulation | sandbox | backtest
 *   seed=42
 *   start_time=2024-01-02        ISO 8601, or YYYY-MM-DD (midnight UTC)
 *   end_time=2024-01-31T16:00:00Z
 *   exit_routine=close-all       none | cancel-all | close-all
 *   cash=100000                  initial cash of each strategy
 *
 *   [exchange]
 *   exchanges=synthetic          ';' or ',' separated
 *   [strategy]
 *   strategies=buy-and-hold:fast;buy-and-hold:slow
 *   [risk]
 *   policies=max-position
 *   [execution]
 *   policy=twap
 *
 *   [exchange synthetic]         one group per listed plugin: keys are its properties
 *   instruments=4
 *   [strategy buy-and-hold:fast] NAME:INSTANCE, for two instances of one plugin
 *   volume=10
 *
 * Loading checks everything that does not need the plugins: the syntax, group names,
 * [general] keys and values. aat_run_config_create_plugins() and
 * aat_run_config_build_engine() check the rest against the registry: plugin names,
 * property names, and each value against its property's GParamSpec. Every error says
 * where: `FILE: [GROUP] KEY: what`, or `--option SPEC: KEY: what` for flags.
 *
 * Flags override the file: a --strategies/--exchanges list replaces the file's list; its
 * `,key=value` settings are merged over the file's group of the same reference.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "aat-private.h"
#include "aat-module-private.h"

G_DEFINE_QUARK (aat-config-error-quark, aat_config_error)

#define N_KINDS (AAT_PLUGIN_KIND_EXECUTION_POLICY + 1)

typedef struct
{
  char *key;            /* property name, '_' turned into '-' */
  char *value;
  char *where;          /* "FILE: [GROUP] KEY" or "--option REF: KEY" */
} Setting;

typedef struct
{
  AatPluginKind kind;
  char *ref;            /* NAME or NAME:INSTANCE */
  char *name;           /* NAME */
  char *where;          /* "FILE: [strategy] strategies" or "--strategies" */
  GPtrArray *settings;  /* Setting*, from flags, applied over the file's group */
} Entry;

enum {
  SET_VERBOSE = 1 << 0,
  SET_TRADING_TYPE = 1 << 1,
  SET_SEED = 1 << 2,
  SET_START = 1 << 3,
  SET_END = 1 << 4,
  SET_EXIT = 1 << 5,
  SET_CASH = 1 << 6,
};

struct _AatRunConfig
{
  GObject parent_instance;

  char *path;
  guint set;            /* SET_* of what was given, so the engine keeps its defaults */
  gboolean verbose;
  AatTradingType trading_type;
  guint64 seed;
  AatTime start_time, end_time;
  AatExitRoutine exit_routine;
  double cash;
  char *journal;                 /* reliability (issue 9) */
  AatReconcilePolicy reconcile;

  GPtrArray *entries[N_KINDS];  /* Entry*, in order */
  GHashTable *groups;           /* "KIND REF" -> GPtrArray of Setting*, from the file */
};

G_DEFINE_FINAL_TYPE (AatRunConfig, aat_run_config, G_TYPE_OBJECT)

/* The list group and its key, per kind. */
static const char * const list_keys[N_KINDS] = {
  "strategies", "exchanges", "policies", "policy",
};

static void
setting_free (Setting *s)
{
  g_free (s->key);
  g_free (s->value);
  g_free (s->where);
  g_free (s);
}

static Setting *
setting_new (const char *key, const char *value, char *where)
{
  Setting *s = g_new0 (Setting, 1);

  s->key = g_strdelimit (g_strdup (key), "_", '-');
  s->value = g_strdup (value);
  s->where = where;
  return s;
}

static void
entry_free (Entry *e)
{
  g_free (e->ref);
  g_free (e->name);
  g_free (e->where);
  g_ptr_array_unref (e->settings);
  g_free (e);
}

static void
aat_run_config_finalize (GObject *object)
{
  AatRunConfig *self = AAT_RUN_CONFIG (object);
  guint i;

  g_free (self->path);
  g_free (self->journal);
  for (i = 0; i < N_KINDS; i++)
    g_ptr_array_unref (self->entries[i]);
  g_hash_table_unref (self->groups);

  G_OBJECT_CLASS (aat_run_config_parent_class)->finalize (object);
}

static void
aat_run_config_class_init (AatRunConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aat_run_config_finalize;
}

static void
aat_run_config_init (AatRunConfig *self)
{
  guint i;

  self->trading_type = AAT_TRADING_TYPE_BACKTEST;
  for (i = 0; i < N_KINDS; i++)
    self->entries[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_ptr_array_unref);
}

/**
 * aat_run_config_new:
 *
 * Creates an empty run description: a backtest with no plugin. Fill it from a file with
 * aat_run_config_load_file(), from flags with the setters, or both.
 *
 * Returns: (transfer full): a new configuration
 */
AatRunConfig *
aat_run_config_new (void)
{
  return g_object_new (AAT_TYPE_RUN_CONFIG, NULL);
}

/* ---------------------------------------------------------------- values */

static gboolean
is_time_pspec (GParamSpec *pspec)
{
  return pspec->value_type == G_TYPE_INT64 &&
         (strcmp (pspec->name, "time") == 0 || g_str_has_suffix (pspec->name, "-time"));
}

static char *
nick_list (GType type, const char *sep)
{
  GString *s = g_string_new (NULL);
  guint i;

  if (G_TYPE_IS_ENUM (type))
    {
      g_autoptr (GEnumClass) klass = g_type_class_ref (type);
      for (i = 0; i < klass->n_values; i++)
        g_string_append_printf (s, "%s%s", i ? sep : "", klass->values[i].value_nick);
    }
  else
    {
      g_autoptr (GFlagsClass) klass = g_type_class_ref (type);
      for (i = 0; i < klass->n_values; i++)
        g_string_append_printf (s, "%s%s", i ? sep : "", klass->values[i].value_nick);
    }
  return g_string_free (s, FALSE);
}

/* WHAT, with the bounds that are not the type's own. */
#define EXPECT_RANGE(T, FMT, LO, HI, WHAT)                                           \
  do {                                                                               \
    T *p = (T *) pspec;                                                              \
    if (p->minimum != (LO) && p->maximum != (HI))                                    \
      return g_strdup_printf (WHAT " from " FMT " to " FMT, p->minimum, p->maximum); \
    if (p->minimum != (LO))                                                          \
      return g_strdup_printf (WHAT " not below " FMT, p->minimum);                   \
    if (p->maximum != (HI))                                                          \
      return g_strdup_printf (WHAT " not above " FMT, p->maximum);                   \
    return g_strdup (WHAT);                                                          \
  } while (0)

static char *
expect_number (double min, double max, double lowest, double highest)
{
  if (min == lowest && max == highest)
    return g_strdup ("a number");
  if (max == highest)
    return min == 0 ? g_strdup ("a non-negative number")
                    : g_strdup_printf ("a number not below %g", min);
  if (min == lowest)
    return g_strdup_printf ("a number not above %g", max);
  return g_strdup_printf ("a number from %g to %g", min, max);
}

/**
 * aat_param_spec_describe_expected:
 * @pspec: a property
 *
 * What a config value for @pspec must be, in words, as config errors say it after
 * "expected": "an integer from 0 to 100", "a number", "true or false",
 * "one of buy, sell", "a date-time (ISO 8601 or YYYY-MM-DD)".
 *
 * Returns: (transfer full): the text
 */
char *
aat_param_spec_describe_expected (GParamSpec *pspec)
{
  GType vt;

  g_return_val_if_fail (G_IS_PARAM_SPEC (pspec), NULL);

  vt = pspec->value_type;
  if (is_time_pspec (pspec) || vt == G_TYPE_DATE_TIME)
    return g_strdup ("a date-time (ISO 8601 or YYYY-MM-DD)");
  if (G_TYPE_IS_ENUM (vt))
    {
      g_autofree char *nicks = nick_list (vt, ", ");
      return g_strdup_printf ("one of %s", nicks);
    }
  if (G_TYPE_IS_FLAGS (vt))
    {
      g_autofree char *nicks = nick_list (vt, ", ");
      return g_strdup_printf ("flags among %s, joined with |", nicks);
    }
  if (vt == G_TYPE_STRV)
    return g_strdup ("a list of strings separated by ;");

  switch (G_TYPE_FUNDAMENTAL (vt))
    {
    case G_TYPE_BOOLEAN: return g_strdup ("true or false");
    case G_TYPE_STRING: return g_strdup ("a string");
    case G_TYPE_CHAR:
      EXPECT_RANGE (GParamSpecChar, "%d", G_MININT8, G_MAXINT8, "an integer");
    case G_TYPE_UCHAR:
      EXPECT_RANGE (GParamSpecUChar, "%u", 0, G_MAXUINT8, "a non-negative integer");
    case G_TYPE_INT:
      EXPECT_RANGE (GParamSpecInt, "%d", G_MININT, G_MAXINT, "an integer");
    case G_TYPE_UINT:
      EXPECT_RANGE (GParamSpecUInt, "%u", 0, G_MAXUINT, "a non-negative integer");
    case G_TYPE_LONG:
      EXPECT_RANGE (GParamSpecLong, "%ld", G_MINLONG, G_MAXLONG, "an integer");
    case G_TYPE_ULONG:
      EXPECT_RANGE (GParamSpecULong, "%lu", 0, G_MAXULONG, "a non-negative integer");
    case G_TYPE_INT64:
      EXPECT_RANGE (GParamSpecInt64, "%" G_GINT64_FORMAT, G_MININT64, G_MAXINT64,
                    "an integer");
    case G_TYPE_UINT64:
      EXPECT_RANGE (GParamSpecUInt64, "%" G_GUINT64_FORMAT, 0, G_MAXUINT64,
                    "a non-negative integer");
    case G_TYPE_DOUBLE:
      {
        GParamSpecDouble *p = (GParamSpecDouble *) pspec;
        return expect_number (p->minimum, p->maximum, -G_MAXDOUBLE, G_MAXDOUBLE);
      }
    case G_TYPE_FLOAT:
      {
        GParamSpecFloat *p = (GParamSpecFloat *) pspec;
        return expect_number (p->minimum, p->maximum, -G_MAXFLOAT, G_MAXFLOAT);
      }
    default:
      return g_strdup_printf ("a %s, which cannot be set from a config", g_type_name (vt));
    }
}

#undef EXPECT_RANGE

static gboolean
parse_enum (GType type, const char *text, gint *out)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  g_autofree char *dashed = g_strdelimit (g_strdup (text), "_", '-');
  guint i;

  for (i = 0; i < klass->n_values; i++)
    if (g_ascii_strcasecmp (klass->values[i].value_nick, text) == 0 ||
        g_ascii_strcasecmp (klass->values[i].value_nick, dashed) == 0 ||
        g_ascii_strcasecmp (klass->values[i].value_name, text) == 0)
      {
        *out = klass->values[i].value;
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_flags (GType type, const char *text, guint *out)
{
  g_autoptr (GFlagsClass) klass = g_type_class_ref (type);
  g_auto (GStrv) parts = g_strsplit (text, "|", -1);
  guint bits = 0, i, j;

  for (i = 0; parts[i]; i++)
    {
      const char *p = g_strstrip (parts[i]);
      g_autofree char *dashed = g_strdelimit (g_strdup (p), "_", '-');
      gboolean found = FALSE;

      if (*p == '\0' && parts[1] == NULL)
        break;          /* "" is no flag at all */
      for (j = 0; j < klass->n_values && !found; j++)
        if (g_ascii_strcasecmp (klass->values[j].value_nick, p) == 0 ||
            g_ascii_strcasecmp (klass->values[j].value_nick, dashed) == 0 ||
            g_ascii_strcasecmp (klass->values[j].value_name, p) == 0)
          {
            bits |= klass->values[j].value;
            found = TRUE;
          }
      if (!found && (strcmp (p, "0") == 0 || g_ascii_strcasecmp (p, "none") == 0))
        found = TRUE;
      if (!found)
        return FALSE;
    }
  *out = bits;
  return TRUE;
}

static gboolean
parse_boolean (const char *text, gboolean *out)
{
  static const char * const yes[] = { "true", "yes", "on", "1", NULL };
  static const char * const no[] = { "false", "no", "off", "0", NULL };
  guint i;

  for (i = 0; yes[i]; i++)
    if (g_ascii_strcasecmp (text, yes[i]) == 0)
      {
        *out = TRUE;
        return TRUE;
      }
  for (i = 0; no[i]; i++)
    if (g_ascii_strcasecmp (text, no[i]) == 0)
      {
        *out = FALSE;
        return TRUE;
      }
  return FALSE;
}

static gboolean
is_date_only (const char *t)
{
  return strlen (t) == 10 && g_ascii_isdigit (t[0]) && g_ascii_isdigit (t[1]) &&
         g_ascii_isdigit (t[2]) && g_ascii_isdigit (t[3]) && t[4] == '-' &&
         g_ascii_isdigit (t[5]) && g_ascii_isdigit (t[6]) && t[7] == '-' &&
         g_ascii_isdigit (t[8]) && g_ascii_isdigit (t[9]);
}

/* ISO 8601 (UTC when no zone is given), or YYYY-MM-DD meaning midnight UTC. */
static GDateTime *
parse_date_time (const char *text)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *full = NULL;

  if (is_date_only (text))
    text = full = g_strconcat (text, "T00:00:00", NULL);
  return g_date_time_new_from_iso8601 (text, utc);
}

static gboolean
parse_signed (const char *text, gint64 min, gint64 max, gint64 *out)
{
  return g_ascii_string_to_signed (text, 10, min, max, out, NULL);
}

static gboolean
parse_unsigned (const char *text, guint64 min, guint64 max, guint64 *out)
{
  return g_ascii_string_to_unsigned (text, 10, min, max, out, NULL);
}

static gboolean
parse_double (const char *text, double min, double max, double *out)
{
  char *end = NULL;
  double v;

  if (*text == '\0')
    return FALSE;
  v = g_ascii_strtod (text, &end);
  if (end == NULL || *end != '\0' || isnan (v) || v < min || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

/* Drops one pair of double quotes around a string, as `aat-run --list` shows them. */
static char *
unquote (const char *text)
{
  gsize n = strlen (text);

  if (n >= 2 && text[0] == '"' && text[n - 1] == '"')
    return g_strndup (text + 1, n - 2);
  return g_strdup (text);
}

static GStrv
split_list (const char *text, const char *separators)
{
  g_auto (GStrv) parts = g_strsplit_set (text, separators, -1);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  guint i;

  for (i = 0; parts[i]; i++)
    {
      char *p = g_strstrip (parts[i]);
      if (*p)
        g_strv_builder_add (b, p);
    }
  return g_strv_builder_end (b);
}

/**
 * aat_param_value_parse:
 * @pspec: the property
 * @text: the value as written in a config or on the command line
 * @value: (out caller-allocates): an uninitialized #GValue, initialized to the type of
 *   @pspec on success
 * @error: return location for an error
 *
 * Parses @text for @pspec:
 *
 * - integers in base 10, within the property's range;
 * - numbers in the C locale (`1.5`, `1e6`), within the range; not NaN;
 * - booleans: true/false, yes/no, on/off, 1/0;
 * - strings as they are, without one surrounding pair of double quotes if present;
 * - enums by nick or by name (`close-all`, `close_all`, `AAT_EXIT_ROUTINE_CLOSE_ALL`);
 * - flags as nicks or names joined with `|`; `0`, `none` or "" for no flag;
 * - date-times: a #GDateTime property, or a #gint64 property named `time` or `*-time`
 *   (an #AatTime in nanoseconds), takes ISO 8601 (UTC if no zone is given) or
 *   `YYYY-MM-DD` (midnight UTC); a `*-time` property also takes an integer of
 *   nanoseconds since the epoch;
 * - string lists (#GStrv) separated by `;`.
 *
 * The error (%AAT_CONFIG_ERROR_INVALID_VALUE) says "invalid value 'TEXT'; expected …"
 * with the text of aat_param_spec_describe_expected(); the caller prefixes where.
 *
 * Returns: %TRUE if @value was set
 */
gboolean
aat_param_value_parse (GParamSpec *pspec, const char *text, GValue *value, GError **error)
{
  GType vt;
  gboolean ok = FALSE;

  g_return_val_if_fail (G_IS_PARAM_SPEC (pspec), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  vt = pspec->value_type;
  g_value_init (value, vt);

  if (is_time_pspec (pspec))
    {
      GParamSpecInt64 *p = (GParamSpecInt64 *) pspec;
      g_autoptr (GDateTime) dt = parse_date_time (text);
      gint64 v = 0;

      if (dt != NULL)
        v = aat_time_from_date_time (dt);
      if ((dt != NULL || parse_signed (text, G_MININT64, G_MAXINT64, &v)) &&
          v >= p->minimum && v <= p->maximum)
        {
          g_value_set_int64 (value, v);
          ok = TRUE;
        }
    }
  else if (vt == G_TYPE_DATE_TIME)
    {
      GDateTime *dt = parse_date_time (text);

      if (dt != NULL)
        {
          g_value_take_boxed (value, dt);
          ok = TRUE;
        }
    }
  else if (G_TYPE_IS_ENUM (vt))
    {
      gint v;

      if ((ok = parse_enum (vt, text, &v)))
        g_value_set_enum (value, v);
    }
  else if (G_TYPE_IS_FLAGS (vt))
    {
      guint v;

      if ((ok = parse_flags (vt, text, &v)))
        g_value_set_flags (value, v);
    }
  else if (vt == G_TYPE_STRV)
    {
      g_value_take_boxed (value, split_list (text, ";"));
      ok = TRUE;
    }
  else
    {
      gint64 i;
      guint64 u;
      double d;
      gboolean b;

      switch (G_TYPE_FUNDAMENTAL (vt))
        {
        case G_TYPE_BOOLEAN:
          if ((ok = parse_boolean (text, &b)))
            g_value_set_boolean (value, b);
          break;
        case G_TYPE_STRING:
          g_value_take_string (value, unquote (text));
          ok = TRUE;
          break;
        case G_TYPE_CHAR:
          if ((ok = parse_signed (text, ((GParamSpecChar *) pspec)->minimum,
                                  ((GParamSpecChar *) pspec)->maximum, &i)))
            g_value_set_schar (value, (gint8) i);
          break;
        case G_TYPE_UCHAR:
          if ((ok = parse_unsigned (text, ((GParamSpecUChar *) pspec)->minimum,
                                    ((GParamSpecUChar *) pspec)->maximum, &u)))
            g_value_set_uchar (value, (guchar) u);
          break;
        case G_TYPE_INT:
          if ((ok = parse_signed (text, ((GParamSpecInt *) pspec)->minimum,
                                  ((GParamSpecInt *) pspec)->maximum, &i)))
            g_value_set_int (value, (gint) i);
          break;
        case G_TYPE_UINT:
          if ((ok = parse_unsigned (text, ((GParamSpecUInt *) pspec)->minimum,
                                    ((GParamSpecUInt *) pspec)->maximum, &u)))
            g_value_set_uint (value, (guint) u);
          break;
        case G_TYPE_LONG:
          if ((ok = parse_signed (text, ((GParamSpecLong *) pspec)->minimum,
                                  ((GParamSpecLong *) pspec)->maximum, &i)))
            g_value_set_long (value, (glong) i);
          break;
        case G_TYPE_ULONG:
          if ((ok = parse_unsigned (text, ((GParamSpecULong *) pspec)->minimum,
                                    ((GParamSpecULong *) pspec)->maximum, &u)))
            g_value_set_ulong (value, (gulong) u);
          break;
        case G_TYPE_INT64:
          if ((ok = parse_signed (text, ((GParamSpecInt64 *) pspec)->minimum,
                                  ((GParamSpecInt64 *) pspec)->maximum, &i)))
            g_value_set_int64 (value, i);
          break;
        case G_TYPE_UINT64:
          if ((ok = parse_unsigned (text, ((GParamSpecUInt64 *) pspec)->minimum,
                                    ((GParamSpecUInt64 *) pspec)->maximum, &u)))
            g_value_set_uint64 (value, u);
          break;
        case G_TYPE_DOUBLE:
          if ((ok = parse_double (text, ((GParamSpecDouble *) pspec)->minimum,
                                  ((GParamSpecDouble *) pspec)->maximum, &d)))
            g_value_set_double (value, d);
          break;
        case G_TYPE_FLOAT:
          if ((ok = parse_double (text, ((GParamSpecFloat *) pspec)->minimum,
                                  ((GParamSpecFloat *) pspec)->maximum, &d)))
            g_value_set_float (value, (float) d);
          break;
        default:
          break;
        }
    }

  if (!ok)
    {
      g_autofree char *expected = aat_param_spec_describe_expected (pspec);

      g_value_unset (value);
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_INVALID_VALUE,
                   "invalid value '%s'; expected %s", text, expected);
    }
  return ok;
}

/* ---------------------------------------------------------------- [general] */

typedef enum {
  GEN_VERBOSE, GEN_TRADING_TYPE, GEN_SEED, GEN_START, GEN_END, GEN_EXIT, GEN_CASH,
  GEN_JOURNAL, GEN_RECONCILE,   /* reliability (issue 9) */
  N_GENERAL
} GeneralKey;

static const char * const general_keys[N_GENERAL + 1] = {
  "verbose", "trading_type", "seed", "start_time", "end_time", "exit_routine", "cash",
  "journal", "reconcile", NULL,
};

/* The [general] keys are parsed like plugin properties, from these specs. */
static GParamSpec *
general_pspec (GeneralKey key)
{
  switch (key)
    {
    case GEN_VERBOSE:
      return g_param_spec_boolean ("verbose", NULL, NULL, FALSE, G_PARAM_READWRITE);
    case GEN_TRADING_TYPE:
      return g_param_spec_enum ("trading-type", NULL, NULL, AAT_TYPE_TRADING_TYPE,
                                AAT_TRADING_TYPE_BACKTEST, G_PARAM_READWRITE);
    case GEN_SEED:
      return g_param_spec_uint64 ("seed", NULL, NULL, 0, G_MAXUINT64, 0, G_PARAM_READWRITE);
    case GEN_START:
      return g_param_spec_int64 ("start-time", NULL, NULL, 0, G_MAXINT64, 0,
                                 G_PARAM_READWRITE);
    case GEN_END:
      return g_param_spec_int64 ("end-time", NULL, NULL, 0, G_MAXINT64, 0,
                                 G_PARAM_READWRITE);
    case GEN_EXIT:
      return g_param_spec_enum ("exit-routine", NULL, NULL, AAT_TYPE_EXIT_ROUTINE,
                                AAT_EXIT_ROUTINE_NONE, G_PARAM_READWRITE);
    case GEN_CASH:
      return g_param_spec_double ("cash", NULL, NULL, 0, G_MAXDOUBLE, 0, G_PARAM_READWRITE);
    case GEN_JOURNAL:
    case GEN_RECONCILE:
      return g_param_spec_string (key == GEN_JOURNAL ? "journal" : "reconcile", NULL, NULL, NULL, G_PARAM_READWRITE);
    case N_GENERAL:
      break;
    }
  g_assert_not_reached ();
}

static gboolean
set_general (AatRunConfig *self, GeneralKey key, const char *text, const char *where,
             GError **error)
{
  GParamSpec *pspec = g_param_spec_ref_sink (general_pspec (key));
  GValue value = G_VALUE_INIT;
  GError *local = NULL;

  if (!aat_param_value_parse (pspec, text, &value, &local))
    {
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_INVALID_VALUE, "%s: %s",
                   where, local->message);
      g_error_free (local);
      g_param_spec_unref (pspec);
      return FALSE;
    }

  switch (key)
    {
    case GEN_VERBOSE: aat_run_config_set_verbose (self, g_value_get_boolean (&value)); break;
    case GEN_TRADING_TYPE: aat_run_config_set_trading_type (self, g_value_get_enum (&value)); break;
    case GEN_SEED: aat_run_config_set_seed (self, g_value_get_uint64 (&value)); break;
    case GEN_START: aat_run_config_set_start_time (self, g_value_get_int64 (&value)); break;
    case GEN_END: aat_run_config_set_end_time (self, g_value_get_int64 (&value)); break;
    case GEN_EXIT: aat_run_config_set_exit_routine (self, g_value_get_enum (&value)); break;
    case GEN_CASH: aat_run_config_set_cash (self, g_value_get_double (&value)); break;
    case GEN_JOURNAL: aat_run_config_set_journal (self, g_value_get_string (&value)); break;
    case GEN_RECONCILE:
      if (!aat_reconcile_policy_from_string (g_value_get_string (&value), &self->reconcile))
        {
          g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_INVALID_VALUE,
                       "%s: invalid value '%s'; expected cancel-unknown, adopt or fail", where, text);
          g_value_unset (&value);
          g_param_spec_unref (pspec);
          return FALSE;
        }
      break;
    case N_GENERAL: break;
    }
  g_value_unset (&value);
  g_param_spec_unref (pspec);
  return TRUE;
}

/* ---------------------------------------------------------------- references */

/* NAME or NAME:INSTANCE; NAME a plugin name, INSTANCE the same alphabet. */
static gboolean
parse_ref (const char *ref, char **name)
{
  const char *colon = strchr (ref, ':');
  g_autofree char *n = NULL;

  /* issue 6: SCHEME:FILE:CLASS[:INSTANCE], such as python:dir/file.py:Class, which
   * the registry hands to the loader module of SCHEME; NAME is SCHEME:FILE:CLASS. */
  if (colon != NULL && strchr (colon + 1, ':') != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (ref, ":", 5);
      guint np = g_strv_length (parts);

      if (np < 3 || np > 4 || !_aat_plugin_name_is_valid (parts[0]) ||
          parts[1][0] == '\0' || parts[2][0] == '\0' ||
          (np == 4 && !_aat_plugin_name_is_valid (parts[3])))
        return FALSE;
      if (name)
        *name = g_strdup_printf ("%s:%s:%s", parts[0], parts[1], parts[2]);
      return TRUE;
    }

  if (colon == NULL)
    n = g_strdup (ref);
  else
    {
      n = g_strndup (ref, colon - ref);
      if (!_aat_plugin_name_is_valid (colon + 1))
        return FALSE;
    }
  if (!_aat_plugin_name_is_valid (n))
    return FALSE;
  if (name)
    *name = g_steal_pointer (&n);
  return TRUE;
}

static gboolean
add_entry (AatRunConfig *self, AatPluginKind kind, const char *ref, const char *where,
           Entry **out, GError **error)
{
  g_autofree char *name = NULL;
  GPtrArray *list = self->entries[kind];
  Entry *e;
  guint i;

  if (!parse_ref (ref, &name))
    {
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_SPEC,
                   "%s: bad plugin reference '%s'; expected NAME or NAME:INSTANCE "
                   "(letters, digits, '-', '_' and '.')", where, ref);
      return FALSE;
    }
  for (i = 0; i < list->len; i++)
    if (strcmp (((Entry *) g_ptr_array_index (list, i))->ref, ref) == 0)
      {
        g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_DUPLICATE,
                     "%s: %s '%s' is listed twice; name each instance, as in "
                     "'%s:a' and '%s:b'", where, aat_plugin_kind_to_string (kind), ref,
                     name, name);
        return FALSE;
      }

  e = g_new0 (Entry, 1);
  e->kind = kind;
  e->ref = g_strdup (ref);
  e->name = g_steal_pointer (&name);
  e->where = g_strdup (where);
  e->settings = g_ptr_array_new_with_free_func ((GDestroyNotify) setting_free);
  g_ptr_array_add (list, e);
  if (out)
    *out = e;
  return TRUE;
}

/* ---------------------------------------------------------------- loading */

static gboolean
load_list_group (AatRunConfig *self, GKeyFile *kf, const char *group, AatPluginKind kind,
                 GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  guint i, j;

  for (i = 0; keys && keys[i]; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s: [%s] %s", self->path, group, keys[i]);
      g_autofree char *value = NULL;
      g_auto (GStrv) refs = NULL;

      if (strcmp (keys[i], list_keys[kind]) != 0)
        {
          g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_UNKNOWN_KEY,
                       "%s: unknown key; the only key of [%s] is '%s'", where, group,
                       list_keys[kind]);
          return FALSE;
        }
      value = g_key_file_get_string (kf, group, keys[i], NULL);
      refs = split_list (value ? value : "", ";, \t");
      for (j = 0; refs[j]; j++)
        if (!add_entry (self, kind, refs[j], where, NULL, error))
          return FALSE;
    }
  return TRUE;
}

static gboolean
load_general_group (AatRunConfig *self, GKeyFile *kf, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, "general", NULL, NULL);
  guint i, k;

  for (i = 0; keys && keys[i]; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s: [general] %s", self->path, keys[i]);
      g_autofree char *key = g_strdelimit (g_strdup (keys[i]), "-", '_');
      g_autofree char *value = g_key_file_get_string (kf, "general", keys[i], NULL);

      for (k = 0; k < N_GENERAL; k++)
        if (strcmp (key, general_keys[k]) == 0)
          break;
      if (k == N_GENERAL)
        {
          const char *close = aat_string_closest (key, general_keys);

          if (close)
            g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_UNKNOWN_KEY,
                         "%s: unknown key; did you mean '%s'?", where, close);
          else
            g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_UNKNOWN_KEY,
                         "%s: unknown key; [general] takes verbose, trading_type, seed, "
                         "start_time, end_time, exit_routine, cash, journal and reconcile", where);
          return FALSE;
        }
      if (!set_general (self, k, value ? g_strstrip (value) : "", where, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_plugin_group (AatRunConfig *self, GKeyFile *kf, const char *group, AatPluginKind kind,
                   const char *ref, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  g_autofree char *canonical = g_strdup_printf ("%s %s", aat_plugin_kind_to_string (kind), ref);
  GPtrArray *settings;
  guint i;

  if (g_hash_table_contains (self->groups, canonical))
    {
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_GROUP,
                   "%s: [%s]: the same plugin has two groups", self->path, group);
      return FALSE;
    }
  settings = g_ptr_array_new_with_free_func ((GDestroyNotify) setting_free);
  g_hash_table_insert (self->groups, g_steal_pointer (&canonical), settings);

  for (i = 0; keys && keys[i]; i++)
    {
      g_autofree char *value = g_key_file_get_string (kf, group, keys[i], NULL);

      if (value == NULL)
        value = g_key_file_get_value (kf, group, keys[i], NULL);
      g_ptr_array_add (settings,
                       setting_new (keys[i], value ? value : "",
                                    g_strdup_printf ("%s: [%s] %s", self->path, group,
                                                     keys[i])));
    }
  return TRUE;
}

static gboolean
load_keyfile (AatRunConfig *self, GKeyFile *kf, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  guint i;

  for (i = 0; groups[i]; i++)
    {
      const char *group = groups[i];
      const char *space = strchr (group, ' ');
      AatPluginKind kind;

      if (strcmp (group, "general") == 0)
        {
          if (!load_general_group (self, kf, error))
            return FALSE;
          continue;
        }
      /* [api]: read by AatControlServer (aat_control_server_load_config(), issue 8) */
      if (strcmp (group, "api") == 0)
        continue;
      if (aat_plugin_kind_from_string (group, &kind))
        {
          if (!load_list_group (self, kf, group, kind, error))
            return FALSE;
          continue;
        }
      if (space != NULL)
        {
          g_autofree char *word = g_strndup (group, space - group);
          const char *ref = space + 1;

          if (aat_plugin_kind_from_string (word, &kind))
            {
              if (!parse_ref (ref, NULL))
                {
                  g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_GROUP,
                               "%s: [%s]: bad plugin reference '%s'; expected NAME or "
                               "NAME:INSTANCE (letters, digits, '-', '_' and '.')",
                               self->path, group, ref);
                  return FALSE;
                }
              if (!load_plugin_group (self, kf, group, kind, ref, error))
                return FALSE;
              continue;
            }
        }
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_GROUP,
                   "%s: [%s]: unknown group; expected [general], [exchange], [strategy], "
                   "[risk], [execution], or [KIND NAME] such as [strategy buy-and-hold]",
                   self->path, group);
      return FALSE;
    }
  return TRUE;
}

/**
 * aat_run_config_load_data:
 * @self: a configuration
 * @data: the keyfile text
 * @length: the length of @data, or -1 if it is nul-terminated
 * @name: (type filename): what to call the text in error messages, such as its file name
 * @error: return location for an error
 *
 * Reads a configuration from text; see aat_run_config_load_file().
 *
 * Returns: %TRUE on success
 */
gboolean
aat_run_config_load_data (AatRunConfig *self, const char *data, gssize length,
                          const char *name, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_free (self->path);
  self->path = g_strdup (name);

  if (!g_key_file_load_from_data (kf, data, length < 0 ? strlen (data) : (gsize) length,
                                  G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_PARSE, "%s: %s", name,
                   local->message);
      return FALSE;
    }
  return load_keyfile (self, kf, error);
}

/**
 * aat_run_config_load_file:
 * @self: a configuration
 * @path: (type filename): a keyfile
 * @error: return location for an error
 *
 * Reads the run description in @path. The groups it may have:
 *
 * - `[general]` with `verbose`, `trading_type` (live, simulation, sandbox, backtest),
 *   `seed`, `start_time` and `end_time` (ISO 8601, or YYYY-MM-DD for midnight UTC),
 *   `exit_routine` (none, cancel-all, close-all) and `cash` (each strategy's initial
 *   cash); `-` may be written for `_`;
 * - `[exchange]` with `exchanges`, `[strategy]` with `strategies`, `[risk]` with
 *   `policies` and `[execution]` with `policy`: lists of plugin references separated by
 *   `;`, `,` or spaces;
 * - `[KIND REF]` for each plugin reference, KIND being `exchange`, `strategy`, `risk` or
 *   `execution`: its keys set the plugin's properties. A reference is the plugin's
 *   NAME, or NAME:INSTANCE to use one plugin more than once with other settings, as in
 *   `strategies=buy-and-hold:fast;buy-and-hold:slow` with groups
 *   `[strategy buy-and-hold:fast]` and `[strategy buy-and-hold:slow]`.
 *
 * A group of a plugin the lists do not name is ignored (a flag may have replaced the
 * list). Plugin names and properties are checked later, against a registry, by
 * aat_run_config_create_plugins().
 *
 * Returns: %TRUE on success
 */
gboolean
aat_run_config_load_file (AatRunConfig *self, const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_get_contents (path, &data, &length, &local))
    {
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_FILE, "%s: %s", path,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? "no such file"
                     : local->message);
      return FALSE;
    }
  return aat_run_config_load_data (self, data, length, path, error);
}

/**
 * aat_run_config_get_path:
 * @self: a configuration
 *
 * Returns: (transfer none) (nullable) (type filename): the file (or name) loaded, if any
 */
const char *
aat_run_config_get_path (AatRunConfig *self)
{
  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), NULL);
  return self->path;
}

/* ---------------------------------------------------------------- general accessors */

/**
 * aat_run_config_get_verbose:
 * @self: a configuration
 *
 * Returns: whether the run logs what it does
 */
gboolean
aat_run_config_get_verbose (AatRunConfig *self)
{
  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), FALSE);
  return self->verbose;
}

/**
 * aat_run_config_set_verbose:
 * @self: a configuration
 * @verbose: whether the run logs what it does
 *
 * Sets `[general] verbose`.
 */
void
aat_run_config_set_verbose (AatRunConfig *self, gboolean verbose)
{
  g_return_if_fail (AAT_IS_RUN_CONFIG (self));
  self->verbose = !!verbose;
  self->set |= SET_VERBOSE;
}

/**
 * aat_run_config_get_trading_type:
 * @self: a configuration
 *
 * Returns: how the run trades; %AAT_TRADING_TYPE_BACKTEST unless set
 */
AatTradingType
aat_run_config_get_trading_type (AatRunConfig *self)
{
  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), AAT_TRADING_TYPE_BACKTEST);
  return self->trading_type;
}

/**
 * aat_run_config_set_trading_type:
 * @self: a configuration
 * @trading_type: how the run trades
 *
 * Sets `[general] trading_type`.
 */
void
aat_run_config_set_trading_type (AatRunConfig *self, AatTradingType trading_type)
{
  g_return_if_fail (AAT_IS_RUN_CONFIG (self));
  self->trading_type = trading_type;
  self->set |= SET_TRADING_TYPE;
}

/**
 * aat_run_config_parse_trading_type:
 * @self: a configuration
 * @text: "live", "simulation", "sandbox" or "backtest"
 * @where: what to name in an error, such as "--trading_type"
 * @error: return location for an error
 *
 * Sets the trading type from text, as the `--trading_type` flag does.
 *
 * Returns: %TRUE if @text is a trading type
 */
gboolean
aat_run_config_parse_trading_type (AatRunConfig *self, const char *text, const char *where,
                                   GError **error)
{
  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), FALSE);
  g_return_val_if_fail (text != NULL && where != NULL, FALSE);
  return set_general (self, GEN_TRADING_TYPE, text, where, error);
}

/**
 * aat_run_config_get_seed:
 * @self: a configuration
 *
 * Returns: the seed of the run's random numbers; 0 unless set
 */
guint64
aat_run_config_get_seed (AatRunConfig *self)
{
  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), 0);
  return self->seed;
}

/**
 * aat_run_config_set_seed:
 * @self: a configuration
 * @seed: the seed
 *
 * Sets `[general] seed`, given to the engine's "seed" property.
 */
void
aat_run_config_set_seed (AatRunConfig *self, guint64 seed)
{
  g_return_if_fail (AAT_IS_RUN_CONFIG (self));
  self->seed = seed;
  self->set |= SET_SEED;
}

/**
 * aat_run_config_get_start_time:
 * @self: a configuration
 *
 * Returns: when the run starts; 0 (unbounded) unless set
 */
AatTime
aat_run_config_get_start_time (AatRunConfig *self)
{
  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), 0);
  return self->start_time;
}

/**
 * aat_run_config_set_start_time:
 * @self: a configuration
 * @time: when the run starts, 0 for unbounded
 *
 * Sets `[general] start_time`.
 */
void
aat_run_config_set_start_time (AatRunConfig *self, AatTime time)
{
  g_return_if_fail (AAT_IS_RUN_CONFIG (self));
  self->start_time = time;
  self->set |= SET_START;
}

/**
 * aat_run_config_get_end_time:
 * @self: a configuration
 *
 * Returns: when the run ends; 0 (unbounded) unless set
 */
AatTime
aat_run_config_get_end_time (AatRunConfig *self)
{
  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), 0);
  return self->end_time;
}

/**
 * aat_run_config_set_end_time:
 * @self: a configuration
 * @time: when the run ends, 0 for unbounded
 *
 * Sets `[general] end_time`.
 */
void
aat_run_config_set_end_time (AatRunConfig *self, AatTime time)
{
  g_return_if_fail (AAT_IS_RUN_CONFIG (self));
  self->end_time = time;
  self->set |= SET_END;
}

/**
 * aat_run_config_get_exit_routine:
 * @self: a configuration
 *
 * Returns: what the engine does when the run ends; %AAT_EXIT_ROUTINE_NONE unless set
 */
AatExitRoutine
aat_run_config_get_exit_routine (AatRunConfig *self)
{
  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), AAT_EXIT_ROUTINE_NONE);
  return self->exit_routine;
}

/**
 * aat_run_config_set_exit_routine:
 * @self: a configuration
 * @routine: what the engine does when the run ends
 *
 * Sets `[general] exit_routine`.
 */
void
aat_run_config_set_exit_routine (AatRunConfig *self, AatExitRoutine routine)
{
  g_return_if_fail (AAT_IS_RUN_CONFIG (self));
  self->exit_routine = routine;
  self->set |= SET_EXIT;
}

/**
 * aat_run_config_get_cash:
 * @self: a configuration
 *
 * Returns: the initial cash of each strategy; 0 unless set (the engine's default)
 */
double
aat_run_config_get_cash (AatRunConfig *self)
{
  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), 0);
  return self->cash;
}

/**
 * aat_run_config_set_cash:
 * @self: a configuration
 * @cash: the initial cash of each strategy
 *
 * Sets `[general] cash`.
 */
void
aat_run_config_set_cash (AatRunConfig *self, double cash)
{
  g_return_if_fail (AAT_IS_RUN_CONFIG (self));
  self->cash = cash;
  self->set |= SET_CASH;
}

/* ---------------------------------------------------------------- reliability (issue 9) */

/**
 * aat_run_config_get_journal:
 * @self: a configuration
 *
 * Since: 0.1
 *
 * Returns: (nullable) (type filename): `[general] journal`, the order journal's file
 */
const char *
aat_run_config_get_journal (AatRunConfig *self)
{
  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), NULL);
  return self->journal;
}

/**
 * aat_run_config_set_journal:
 * @self: a configuration
 * @path: (nullable) (type filename): the order journal's file, or %NULL for none
 *
 * Sets `[general] journal`: aat_run_config_build_engine() opens it and attaches it to
 * the engine (aat_engine_set_journal()).
 *
 * Since: 0.1
 */
void
aat_run_config_set_journal (AatRunConfig *self, const char *path)
{
  g_return_if_fail (AAT_IS_RUN_CONFIG (self));
  g_free (self->journal);
  self->journal = path != NULL && path[0] != '\0' ? g_strdup (path) : NULL;
}

/**
 * aat_run_config_get_reconcile:
 * @self: a configuration
 *
 * Since: 0.1
 *
 * Returns: `[general] reconcile`: cancel-unknown (the default), adopt or fail
 */
AatReconcilePolicy
aat_run_config_get_reconcile (AatRunConfig *self)
{
  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), AAT_RECONCILE_POLICY_FAIL);
  return self->reconcile;
}

/**
 * aat_run_config_set_reconcile:
 * @self: a configuration
 * @policy: what recovery does when the journal and an exchange disagree
 *
 * Sets `[general] reconcile`.
 *
 * Since: 0.1
 */
void
aat_run_config_set_reconcile (AatRunConfig *self, AatReconcilePolicy policy)
{
  g_return_if_fail (AAT_IS_RUN_CONFIG (self));
  self->reconcile = policy;
}

/* ---------------------------------------------------------------- plugin lists */

/**
 * aat_run_config_set_plugins_from_specs:
 * @self: a configuration
 * @kind: which list
 * @specs: (array zero-terminated=1): one spec per plugin:
 *   `NAME[:INSTANCE][,key=value…]`
 * @option: what to name in errors, such as "--strategies"
 * @error: return location for an error
 *
 * Replaces the list of @kind with @specs, as `--strategies` and `--exchanges` do. The
 * `key=value` settings of a spec are applied over the file's group of the same
 * reference, if there is one. Values cannot contain ','; put such values in a file.
 *
 * Returns: %TRUE if every spec is well-formed; on %FALSE the list is unchanged
 */
gboolean
aat_run_config_set_plugins_from_specs (AatRunConfig *self, AatPluginKind kind,
                                       const char * const *specs, const char *option,
                                       GError **error)
{
  g_autoptr (GPtrArray) saved = NULL;
  guint i, j;

  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), FALSE);
  g_return_val_if_fail ((guint) kind < N_KINDS, FALSE);
  g_return_val_if_fail (specs != NULL, FALSE);
  g_return_val_if_fail (option != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  saved = self->entries[kind];
  self->entries[kind] = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);

  for (i = 0; specs[i]; i++)
    {
      g_auto (GStrv) parts = g_strsplit (specs[i], ",", -1);
      const char *ref = parts[0] ? g_strstrip (parts[0]) : "";
      Entry *e = NULL;

      if (*ref == '\0')
        {
          g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_SPEC,
                       "%s '%s': no plugin name; expected NAME[:INSTANCE][,key=value...]",
                       option, specs[i]);
          goto fail;
        }
      if (!add_entry (self, kind, ref, option, &e, error))
        goto fail;

      for (j = 1; parts[j]; j++)
        {
          const char *arg = g_strstrip (parts[j]);
          const char *eq = strchr (arg, '=');
          g_autofree char *key = NULL;
          g_autofree char *value = NULL;

          if (eq == NULL || eq == arg)
            {
              g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_SPEC,
                           "%s %s: expected key=value, got '%s'", option, ref, arg);
              goto fail;
            }
          key = g_strstrip (g_strndup (arg, eq - arg));
          value = g_strstrip (g_strdup (eq + 1));
          g_ptr_array_add (e->settings,
                           setting_new (key, value,
                                        g_strdup_printf ("%s %s: %s", option, ref, key)));
        }
    }
  return TRUE;

fail:
  g_ptr_array_unref (self->entries[kind]);
  self->entries[kind] = g_steal_pointer (&saved);
  return FALSE;
}

/**
 * aat_run_config_get_plugins:
 * @self: a configuration
 * @kind: which list
 *
 * Returns: (transfer full) (array zero-terminated=1): the references in the list of
 *   @kind, in order: `NAME` or `NAME:INSTANCE`
 */
GStrv
aat_run_config_get_plugins (AatRunConfig *self, AatPluginKind kind)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  guint i;

  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), NULL);
  g_return_val_if_fail ((guint) kind < N_KINDS, NULL);

  for (i = 0; i < self->entries[kind]->len; i++)
    g_strv_builder_add (b, ((Entry *) g_ptr_array_index (self->entries[kind], i))->ref);
  return g_strv_builder_end (b);
}

/* The settings that apply to @e: its file group, then its flag settings over them. */
static GPtrArray *
effective_settings (AatRunConfig *self, Entry *e)
{
  g_autofree char *group = g_strdup_printf ("%s %s", aat_plugin_kind_to_string (e->kind), e->ref);
  GPtrArray *file = g_hash_table_lookup (self->groups, group);
  GPtrArray *out = g_ptr_array_new ();
  guint i, j;

  for (i = 0; file && i < file->len; i++)
    g_ptr_array_add (out, g_ptr_array_index (file, i));
  for (i = 0; i < e->settings->len; i++)
    {
      Setting *s = g_ptr_array_index (e->settings, i);

      for (j = 0; j < out->len; j++)
        if (strcmp (((Setting *) g_ptr_array_index (out, j))->key, s->key) == 0)
          {
            out->pdata[j] = s;
            break;
          }
      if (j == out->len)
        g_ptr_array_add (out, s);
    }
  return out;
}

/**
 * aat_run_config_get_setting:
 * @self: a configuration
 * @kind: the plugin's kind
 * @reference: `NAME` or `NAME:INSTANCE`, as listed
 * @key: a property name
 *
 * The text that will set @key of the listed plugin @reference, after flags are applied
 * over the file.
 *
 * Returns: (transfer full) (nullable): the value as written, or %NULL if not set or not
 *   listed
 */
char *
aat_run_config_get_setting (AatRunConfig *self, AatPluginKind kind, const char *reference,
                            const char *key)
{
  g_autofree char *k = NULL;
  guint i, j;

  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), NULL);
  g_return_val_if_fail ((guint) kind < N_KINDS, NULL);
  g_return_val_if_fail (reference != NULL && key != NULL, NULL);

  k = g_strdelimit (g_strdup (key), "_", '-');
  for (i = 0; i < self->entries[kind]->len; i++)
    {
      Entry *e = g_ptr_array_index (self->entries[kind], i);
      g_autoptr (GPtrArray) settings = NULL;

      if (strcmp (e->ref, reference) != 0)
        continue;
      settings = effective_settings (self, e);
      for (j = 0; j < settings->len; j++)
        {
          Setting *s = g_ptr_array_index (settings, j);
          if (strcmp (s->key, k) == 0)
            return g_strdup (s->value);
        }
    }
  return NULL;
}

/* ---------------------------------------------------------------- building */

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The writable properties of @klass, by name. */
static GStrv
property_name_vector (GObjectClass *klass)
{
  g_autofree GParamSpec **pspecs = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  guint n = 0, i;

  pspecs = g_object_class_list_properties (klass, &n);
  for (i = 0; i < n; i++)
    if ((pspecs[i]->flags & G_PARAM_WRITABLE))
      g_ptr_array_add (names, (gpointer) pspecs[i]->name);
  g_ptr_array_sort (names, compare_names);
  for (i = 0; i < names->len; i++)
    g_strv_builder_add (b, names->pdata[i]);
  return g_strv_builder_end (b);
}

static GObject *
create_plugin (AatRunConfig *self, AatRegistry *registry, Entry *e, GError **error)
{
  g_autoptr (GError) local = NULL;
  AatPluginInfo *info;
  g_autoptr (GTypeClass) klass = NULL;
  g_autoptr (GPtrArray) settings = NULL;
  g_autofree const char **names = NULL;
  GValue *values = NULL;
  GObject *object = NULL;
  gboolean has_name = FALSE;
  guint i, n = 0;

  info = aat_registry_find (registry, e->kind, e->name, &local);
  if (info == NULL)
    {
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_UNKNOWN_PLUGIN, "%s: %s",
                   e->where, local->message);
      return NULL;
    }

  klass = g_type_class_ref (aat_plugin_info_get_gtype (info));
  settings = effective_settings (self, e);
  names = g_new0 (const char *, settings->len + 1);
  values = g_new0 (GValue, settings->len + 1);

  for (i = 0; i < settings->len; i++)
    {
      Setting *s = g_ptr_array_index (settings, i);
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), s->key);

      if (pspec == NULL)
        {
          g_auto (GStrv) candidates = property_name_vector (G_OBJECT_CLASS (klass));
          g_autofree char *all = candidates[0] ? g_strjoinv (", ", candidates) : NULL;
          const char *close = aat_string_closest (s->key, (const char * const *) candidates);

          if (close)
            g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_UNKNOWN_KEY,
                         "%s: unknown key; %s '%s' has no property '%s'; did you mean '%s'?",
                         s->where, aat_plugin_kind_to_string (e->kind), e->name, s->key,
                         close);
          else
            g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_UNKNOWN_KEY,
                         "%s: unknown key; %s '%s' has no property '%s' (%s%s)",
                         s->where, aat_plugin_kind_to_string (e->kind), e->name, s->key,
                         all ? "its properties: " : "it has no properties", all ? all : "");
          goto out;
        }
      if (!(pspec->flags & G_PARAM_WRITABLE))
        {
          g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_UNKNOWN_KEY,
                       "%s: property '%s' of %s '%s' is read-only", s->where, pspec->name,
                       aat_plugin_kind_to_string (e->kind), e->name);
          goto out;
        }
      if (!aat_param_value_parse (pspec, s->value, &values[n], &local))
        {
          g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_INVALID_VALUE, "%s: %s",
                       s->where, local->message);
          goto out;
        }
      names[n++] = pspec->name;
      if (strcmp (pspec->name, "name") == 0)
        has_name = TRUE;
    }

  object = g_object_new_with_properties (aat_plugin_info_get_gtype (info), n, names, values);
  if (g_object_is_floating (object))
    g_object_ref_sink (object);

  /* Two instances of one strategy must be told apart in the summary. */
  if (!has_name && e->kind == AAT_PLUGIN_KIND_STRATEGY)
    aat_strategy_set_name (AAT_STRATEGY (object), e->ref);

out:
  for (i = 0; i < n; i++)
    g_value_unset (&values[i]);
  g_free (values);
  return object;
}

/**
 * aat_run_config_create_plugins:
 * @self: a configuration
 * @registry: where to find the plugins
 * @kind: which list
 * @error: return location for an error
 *
 * Instantiates the plugins listed for @kind, in order, each with its properties set
 * from its group and flags. A strategy without a `name` setting is named after its
 * reference (`buy-and-hold:fast`). Nothing runs: plugins are only constructed.
 *
 * Errors say where the problem is written: an unknown plugin (with the closest name),
 * an unknown or read-only key (with the closest property), or a value that does not
 * parse for its property (with what was expected).
 *
 * Returns: (transfer container) (element-type GObject): the plugins, or %NULL with
 *   @error set
 */
GPtrArray *
aat_run_config_create_plugins (AatRunConfig *self, AatRegistry *registry,
                               AatPluginKind kind, GError **error)
{
  g_autoptr (GPtrArray) out = NULL;
  guint i;

  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), NULL);
  g_return_val_if_fail (AAT_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail ((guint) kind < N_KINDS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  out = g_ptr_array_new_with_free_func (g_object_unref);
  for (i = 0; i < self->entries[kind]->len; i++)
    {
      GObject *object = create_plugin (self, registry,
                                       g_ptr_array_index (self->entries[kind], i), error);
      if (object == NULL)
        return NULL;
      g_ptr_array_add (out, object);
    }
  return g_steal_pointer (&out);
}

static gboolean
set_engine_property (AatEngine *engine, const char *name, const GValue *value, GError **error)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (engine), name) == NULL)
    {
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_FAILED,
                   "the engine has no '%s' property", name);
      return FALSE;
    }
  g_object_set_property (G_OBJECT (engine), name, value);
  return TRUE;
}

static gboolean
configure_engine (AatRunConfig *self, AatEngine *engine, GError **error)
{
  GValue v = G_VALUE_INIT;
  gboolean ok = TRUE;

#define SET_PROP(flag, prop, gtype, setter, val)                         \
  if (ok && (self->set & (flag)))                                        \
    {                                                                    \
      g_value_init (&v, gtype);                                          \
      setter (&v, val);                                                  \
      ok = set_engine_property (engine, prop, &v, error);                \
      g_value_unset (&v);                                                \
    }

  SET_PROP (SET_VERBOSE, "verbose", G_TYPE_BOOLEAN, g_value_set_boolean, self->verbose);
  SET_PROP (SET_SEED, "seed", G_TYPE_UINT64, g_value_set_uint64, self->seed);
  SET_PROP (SET_START, "start-time", G_TYPE_INT64, g_value_set_int64, self->start_time);
  SET_PROP (SET_END, "end-time", G_TYPE_INT64, g_value_set_int64, self->end_time);
  SET_PROP (SET_EXIT, "exit-routine", AAT_TYPE_EXIT_ROUTINE, g_value_set_enum,
            self->exit_routine);
#undef SET_PROP

  /* The engine's own default cash, for strategies added later, where it has one. */
  if (ok && (self->set & SET_CASH) &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (engine), "cash") != NULL)
    g_object_set (engine, "cash", self->cash, NULL);
  return ok;
}

/**
 * aat_run_config_build_engine:
 * @self: a configuration
 * @registry: where to find the plugins
 * @error: return location for an error
 *
 * Creates an engine of the configured trading type, sets its seed, start and end
 * time, exit routine and verbosity where they were given, and adds the configured
 * exchanges, strategies (with their initial cash), risk policies and execution
 * policy. Every plugin is created before the engine, so an error leaves nothing
 * behind. Nothing runs: call aat_engine_run().
 *
 * Returns: (transfer full): the engine, or %NULL with @error set
 */
AatEngine *
aat_run_config_build_engine (AatRunConfig *self, AatRegistry *registry, GError **error)
{
  GPtrArray *plugins[N_KINDS] = { NULL };
  AatEngine *engine = NULL;
  guint k, i;

  g_return_val_if_fail (AAT_IS_RUN_CONFIG (self), NULL);
  g_return_val_if_fail (AAT_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->entries[AAT_PLUGIN_KIND_EXECUTION_POLICY]->len > 1)
    {
      Entry *e = g_ptr_array_index (self->entries[AAT_PLUGIN_KIND_EXECUTION_POLICY], 1);
      g_set_error (error, AAT_CONFIG_ERROR, AAT_CONFIG_ERROR_DUPLICATE,
                   "%s: only one execution policy can be given", e->where);
      return NULL;
    }

  for (k = 0; k < N_KINDS; k++)
    {
      plugins[k] = aat_run_config_create_plugins (self, registry, k, error);
      if (plugins[k] == NULL)
        goto out;
    }

  engine = aat_engine_new (self->trading_type);
  if (!configure_engine (self, engine, error))
    {
      g_clear_object (&engine);
      goto out;
    }

  for (i = 0; i < plugins[AAT_PLUGIN_KIND_EXCHANGE]->len; i++)
    aat_engine_add_exchange (engine, g_ptr_array_index (plugins[AAT_PLUGIN_KIND_EXCHANGE], i));
  for (i = 0; i < plugins[AAT_PLUGIN_KIND_STRATEGY]->len; i++)
    {
      AatStrategy *strategy = g_ptr_array_index (plugins[AAT_PLUGIN_KIND_STRATEGY], i);

      aat_engine_add_strategy (engine, strategy);
      if (self->set & SET_CASH)
        aat_portfolio_set_initial_cash (aat_engine_get_portfolio (engine), strategy,
                                        self->cash);
    }
  for (i = 0; i < plugins[AAT_PLUGIN_KIND_RISK_POLICY]->len; i++)
    aat_engine_add_risk_policy (engine,
                                g_ptr_array_index (plugins[AAT_PLUGIN_KIND_RISK_POLICY], i));
  if (plugins[AAT_PLUGIN_KIND_EXECUTION_POLICY]->len > 0)
    aat_engine_set_execution_policy (engine,
                                     g_ptr_array_index (plugins[AAT_PLUGIN_KIND_EXECUTION_POLICY], 0));
  /* reliability (issue 9): the order journal */
  if (self->journal != NULL)
    {
      g_autoptr (AatJournal) journal = aat_journal_open (self->journal, error);

      if (journal == NULL)
        {
          g_clear_object (&engine);
          goto out;
        }
      aat_journal_set_reconcile_policy (journal, self->reconcile);
      aat_engine_set_journal (engine, journal);
    }

out:
  for (k = 0; k < N_KINDS; k++)
    g_clear_pointer (&plugins[k], g_ptr_array_unref);
  return engine;
}
