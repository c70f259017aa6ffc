/* aat-registry.c: which plugins exist, by kind and short name.
 *
 * A registry has a list of module directories. aat_registry_scan() loads every file
 * whose name ends in ".so" in them, in this order:
 *
 *   1. the built-in default, AAT_MODULEDIR ($libdir/aat-1.0/modules);
 *   2. each directory of $AAT_MODULE_PATH (colon-separated), in order;
 *   3. the directories added with aat_registry_add_dir() (aat-run --modules-dir).
 *
 * Inside one directory files are loaded in name order, so the outcome does not depend
 * on the file system. A broken file becomes a #GError in the scan's list and the scan
 * goes on; the first module to provide a (kind, name) keeps it and any later one is an
 * error naming both files.
 *
 * Modules themselves are process-wide (aat-module.c); a registry is a view of them, so
 * tests can build fresh registries over other directories.
 *
 * Listing reads each plugin's properties with g_object_class_list_properties(), which
 * runs class_init but never instantiates a plugin: nothing of a strategy or an exchange
 * runs.
 */
#include "config.h"

#include <string.h>

#include "aat-module-private.h"

struct _AatPluginInfo
{
  gint ref_count;
  AatPluginKind kind;
  char *name;
  char *description;
  GType type;
  AatModule *module;   /* resident, never freed; NULL for aat_registry_register_type() */
};

G_DEFINE_BOXED_TYPE (AatPluginInfo, aat_plugin_info, aat_plugin_info_ref, aat_plugin_info_unref)

#define N_KINDS (AAT_PLUGIN_KIND_EXECUTION_POLICY + 1)

struct _AatRegistry
{
  GObject parent_instance;

  GPtrArray *dirs;          /* char*, NULL-terminated */
  GArray *dir_explicit;     /* gboolean per dir: a missing explicit dir is an error */
  GHashTable *by_name[N_KINDS]; /* name -> AatPluginInfo* (owned) */
  GPtrArray *plugins;       /* AatPluginInfo*, registration order */
  GHashTable *modules;      /* AatModule* set: those whose plugins are in here */
  GHashTable *lang_files;   /* char* set: language module files loaded (resolvers) */
};

G_DEFINE_FINAL_TYPE (AatRegistry, aat_registry, G_TYPE_OBJECT)

/* ---------------------------------------------------------------- plugin info */

gboolean
_aat_plugin_name_is_valid (const char *name)
{
  const char *p;

  if (name == NULL || !g_ascii_isalnum (name[0]))
    return FALSE;
  for (p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

AatPluginInfo *
_aat_plugin_info_new (AatPluginKind kind, const char *name, const char *description,
                      GType type, AatModule *module)
{
  AatPluginInfo *self = g_new0 (AatPluginInfo, 1);

  self->ref_count = 1;
  self->kind = kind;
  self->name = g_strdup (name);
  self->description = g_strdup (description ? description : "");
  self->type = type;
  self->module = module;
  return self;
}

/**
 * aat_plugin_info_ref:
 * @self: a plugin info
 *
 * Returns: (transfer full): @self
 */
AatPluginInfo *
aat_plugin_info_ref (AatPluginInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * aat_plugin_info_unref:
 * @self: (transfer full): a plugin info
 *
 * Drops a reference.
 */
void
aat_plugin_info_unref (AatPluginInfo *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_free (self->name);
  g_free (self->description);
  g_free (self);
}

/**
 * aat_plugin_info_get_kind:
 * @self: a plugin info
 *
 * Returns: what the plugin is
 */
AatPluginKind
aat_plugin_info_get_kind (const AatPluginInfo *self)
{
  g_return_val_if_fail (self != NULL, AAT_PLUGIN_KIND_STRATEGY);
  return self->kind;
}

/**
 * aat_plugin_info_get_name:
 * @self: a plugin info
 *
 * Returns: (transfer none): the short name, such as "buy-and-hold"
 */
const char *
aat_plugin_info_get_name (const AatPluginInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

/**
 * aat_plugin_info_get_description:
 * @self: a plugin info
 *
 * Returns: (transfer none): one line saying what the plugin does, possibly ""
 */
const char *
aat_plugin_info_get_description (const AatPluginInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->description;
}

/**
 * aat_plugin_info_get_gtype:
 * @self: a plugin info
 *
 * Returns: the type to instantiate
 */
GType
aat_plugin_info_get_gtype (const AatPluginInfo *self)
{
  g_return_val_if_fail (self != NULL, G_TYPE_INVALID);
  return self->type;
}

/**
 * aat_plugin_info_get_module_path:
 * @self: a plugin info
 *
 * Returns: (transfer none) (nullable): the file of the module that provides the plugin,
 *   or %NULL if it was registered with aat_registry_register_type()
 */
const char *
aat_plugin_info_get_module_path (const AatPluginInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->module ? self->module->path : NULL;
}

/**
 * aat_plugin_info_get_module_name:
 * @self: a plugin info
 *
 * Returns: (transfer none) (nullable): the name of the module that provides the plugin,
 *   or %NULL if it was registered with aat_registry_register_type()
 */
const char *
aat_plugin_info_get_module_name (const AatPluginInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->module ? self->module->name : NULL;
}

/**
 * aat_plugin_info_get_module_version:
 * @self: a plugin info
 *
 * Returns: (transfer none) (nullable): the version of the module that provides the
 *   plugin, or %NULL if it was registered with aat_registry_register_type()
 */
const char *
aat_plugin_info_get_module_version (const AatPluginInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->module ? self->module->version : NULL;
}

/* ---------------------------------------------------------------- kinds */

static const char * const kind_names[N_KINDS] = {
  "strategy", "exchange", "risk", "execution",
};

/**
 * aat_plugin_kind_to_string:
 * @kind: a plugin kind
 *
 * The word used for @kind in config groups and listings: "strategy", "exchange",
 * "risk" or "execution".
 *
 * Returns: (transfer none): the word
 */
const char *
aat_plugin_kind_to_string (AatPluginKind kind)
{
  if ((guint) kind >= N_KINDS)
    return "plugin";
  return kind_names[kind];
}

/**
 * aat_plugin_kind_from_string:
 * @text: "strategy", "exchange", "risk" or "execution"
 * @kind: (out) (optional): the kind
 *
 * The inverse of aat_plugin_kind_to_string().
 *
 * Returns: %TRUE if @text names a kind
 */
gboolean
aat_plugin_kind_from_string (const char *text, AatPluginKind *kind)
{
  guint i;

  g_return_val_if_fail (text != NULL, FALSE);
  for (i = 0; i < N_KINDS; i++)
    if (strcmp (text, kind_names[i]) == 0)
      {
        if (kind)
          *kind = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * aat_plugin_kind_get_base_type:
 * @kind: a plugin kind
 *
 * Returns: the type every plugin of @kind derives from
 */
GType
aat_plugin_kind_get_base_type (AatPluginKind kind)
{
  switch (kind)
    {
    case AAT_PLUGIN_KIND_STRATEGY: return AAT_TYPE_STRATEGY;
    case AAT_PLUGIN_KIND_EXCHANGE: return AAT_TYPE_EXCHANGE;
    case AAT_PLUGIN_KIND_RISK_POLICY: return AAT_TYPE_RISK_POLICY;
    case AAT_PLUGIN_KIND_EXECUTION_POLICY: return AAT_TYPE_EXECUTION_POLICY;
    }
  return G_TYPE_INVALID;
}

/* ---------------------------------------------------------------- the registry */

static void
aat_registry_finalize (GObject *object)
{
  AatRegistry *self = AAT_REGISTRY (object);
  guint i;

  g_ptr_array_unref (self->dirs);
  g_array_unref (self->dir_explicit);
  for (i = 0; i < N_KINDS; i++)
    g_hash_table_unref (self->by_name[i]);
  g_ptr_array_unref (self->plugins);
  g_hash_table_unref (self->modules);
  g_hash_table_unref (self->lang_files);

  G_OBJECT_CLASS (aat_registry_parent_class)->finalize (object);
}

static void
aat_registry_class_init (AatRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aat_registry_finalize;
}

static void
aat_registry_init (AatRegistry *self)
{
  guint i;

  self->dirs = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  self->dir_explicit = g_array_new (FALSE, TRUE, sizeof (gboolean));
  for (i = 0; i < N_KINDS; i++)
    self->by_name[i] = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) aat_plugin_info_unref);
  self->plugins = g_ptr_array_new ();
  self->modules = g_hash_table_new (NULL, NULL);
  self->lang_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * aat_registry_new:
 *
 * Creates an empty registry with no module directory. Add some with
 * aat_registry_add_default_dirs() and aat_registry_add_dir(), then call
 * aat_registry_scan().
 *
 * Returns: (transfer full): a new registry
 */
AatRegistry *
aat_registry_new (void)
{
  return g_object_new (AAT_TYPE_REGISTRY, NULL);
}

/**
 * aat_registry_get_default:
 *
 * The process's registry, with the default directories (see
 * aat_registry_add_default_dirs()). It is not scanned until aat_registry_scan() is
 * called, so the caller sees the errors.
 *
 * Returns: (transfer none): the default registry
 */
AatRegistry *
aat_registry_get_default (void)
{
  static AatRegistry *registry;

  if (g_once_init_enter (&registry))
    {
      AatRegistry *r = aat_registry_new ();

      aat_registry_add_default_dirs (r);
      g_once_init_leave (&registry, r);
    }
  return registry;
}

static void
add_dir (AatRegistry *self, const char *dir, gboolean explicit)
{
  guint i;

  if (dir == NULL || *dir == '\0')
    return;
  for (i = 0; i < self->dirs->len; i++)
    if (strcmp (g_ptr_array_index (self->dirs, i), dir) == 0)
      return;
  g_ptr_array_add (self->dirs, g_strdup (dir));
  g_array_append_val (self->dir_explicit, explicit);
}

/**
 * aat_registry_add_default_dirs:
 * @self: a registry
 *
 * Adds the built-in module directory ($libdir/aat-1.0/modules, compiled in), then each
 * directory of the `AAT_MODULE_PATH` environment variable (colon-separated). Either may
 * be missing; that is not an error.
 */
void
aat_registry_add_default_dirs (AatRegistry *self)
{
  const char *env;

  g_return_if_fail (AAT_IS_REGISTRY (self));

  add_dir (self, AAT_MODULEDIR, FALSE);
  env = g_getenv ("AAT_MODULE_PATH");
  if (env != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
      guint i;

      for (i = 0; parts[i]; i++)
        add_dir (self, parts[i], FALSE);
    }
}

/**
 * aat_registry_add_dir:
 * @self: a registry
 * @dir: (type filename): a directory of modules
 *
 * Adds @dir after the directories already added. Unlike the default ones, a missing
 * @dir is reported by aat_registry_scan(). Adding a directory twice does nothing.
 */
void
aat_registry_add_dir (AatRegistry *self, const char *dir)
{
  g_return_if_fail (AAT_IS_REGISTRY (self));
  g_return_if_fail (dir != NULL);
  add_dir (self, dir, TRUE);
}

/**
 * aat_registry_get_dirs:
 * @self: a registry
 *
 * Returns: (transfer none) (array zero-terminated=1) (element-type filename): the module
 *   directories, in scan order
 */
const char * const *
aat_registry_get_dirs (AatRegistry *self)
{
  g_return_val_if_fail (AAT_IS_REGISTRY (self), NULL);
  return (const char * const *) self->dirs->pdata;
}

static gboolean
add_plugin (AatRegistry *self, AatPluginInfo *info, GError **error)
{
  AatPluginInfo *old = g_hash_table_lookup (self->by_name[info->kind], info->name);

  if (old != NULL)
    {
      const char *old_path = aat_plugin_info_get_module_path (old);
      const char *new_path = aat_plugin_info_get_module_path (info);

      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_DUPLICATE,
                   "duplicate %s '%s': provided by both '%s' and '%s'; the second is ignored",
                   aat_plugin_kind_to_string (info->kind), info->name,
                   old_path ? old_path : "(registered by the application)",
                   new_path ? new_path : "(registered by the application)");
      return FALSE;
    }
  g_hash_table_insert (self->by_name[info->kind], info->name, aat_plugin_info_ref (info));
  g_ptr_array_add (self->plugins, info);
  return TRUE;
}

/* Loads @path and merges what it provides; appends every error to @errors. */
static gboolean
load_module (AatRegistry *self, const char *path, GPtrArray *errors)
{
  GError *error = NULL;
  AatModule *module;
  gboolean ok = TRUE;
  guint i;

  module = _aat_module_load (path, &error);
  if (module == NULL)
    {
      g_ptr_array_add (errors, error);
      return FALSE;
    }
  if (g_hash_table_contains (self->modules, module))
    return TRUE;
  g_hash_table_add (self->modules, module);

  for (i = 0; i < module->plugins->len; i++)
    if (!add_plugin (self, g_ptr_array_index (module->plugins, i), &error))
      {
        g_ptr_array_add (errors, error);
        error = NULL;
        ok = FALSE;
      }
  return ok;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
scan_dir (AatRegistry *self, const char *dir, gboolean explicit, GPtrArray *errors)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = NULL;
  g_autoptr (GPtrArray) names = NULL;
  const char *name;
  guint i;

  d = g_dir_open (dir, 0, &error);
  if (d == NULL)
    {
      if (explicit || !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_ptr_array_add (errors, g_error_new (AAT_MODULE_ERROR, AAT_MODULE_ERROR_OPEN,
                                              "%s: cannot read the modules directory: %s",
                                              dir, error->message));
      return;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".so"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);

  for (i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        load_module (self, path, errors);
    }
}

/* ---- language loaders (issue 6) ----
 *
 * A language loader module (python-loader, gjs-loader) registers a resolver for a
 * scheme: `python:path/file.py:Class` references are handed to it by
 * aat_registry_find(), and files ending in its suffix in the module directories are
 * handed to its load function by aat_registry_scan(), after every `.so` (so the loader
 * is known whatever directory it lives in). Resolvers are process-wide, like modules.
 */
typedef struct
{
  char *scheme;
  char *suffix;
  AatRegistryResolveFunc resolve;
  AatRegistryLoadFileFunc load_file;
  gpointer user_data;
} Resolver;

static GMutex resolvers_lock;
static GPtrArray *resolvers; /* Resolver*, never freed */

static Resolver *
find_resolver (const char *scheme, const char *file_name)
{
  Resolver *found = NULL;
  guint i;

  g_mutex_lock (&resolvers_lock);
  for (i = 0; resolvers != NULL && i < resolvers->len && found == NULL; i++)
    {
      Resolver *r = g_ptr_array_index (resolvers, i);

      if (scheme != NULL && strcmp (r->scheme, scheme) == 0)
        found = r;
      else if (file_name != NULL && r->suffix != NULL && r->load_file != NULL &&
               g_str_has_suffix (file_name, r->suffix))
        found = r;
    }
  g_mutex_unlock (&resolvers_lock);
  return found;
}

/**
 * aat_registry_add_resolver: (skip)
 * @scheme: the reference prefix, such as "python" for `python:path/file.py:Class`
 * @file_suffix: (nullable): the suffix of language module files in the module
 *   directories, such as ".py", or %NULL
 * @resolve: turns `SCHEME:TARGET` references into types
 * @load_file: (nullable): loads a module file of @file_suffix
 * @user_data: data for @resolve and @load_file, never freed
 *
 * Lets a language loader module plug in references and module files of its language.
 * Call it from the loader module's init function. A second resolver for the same
 * @scheme is ignored.
 */
void
aat_registry_add_resolver (const char *scheme, const char *file_suffix,
                           AatRegistryResolveFunc resolve, AatRegistryLoadFileFunc load_file,
                           gpointer user_data)
{
  Resolver *r;

  g_return_if_fail (_aat_plugin_name_is_valid (scheme));
  g_return_if_fail (resolve != NULL);

  if (find_resolver (scheme, NULL) != NULL)
    return;
  r = g_new0 (Resolver, 1);
  r->scheme = g_strdup (scheme);
  r->suffix = g_strdup (file_suffix);
  r->resolve = resolve;
  r->load_file = load_file;
  r->user_data = user_data;
  g_mutex_lock (&resolvers_lock);
  if (resolvers == NULL)
    resolvers = g_ptr_array_new ();
  g_ptr_array_add (resolvers, r);
  g_mutex_unlock (&resolvers_lock);
}

/**
 * aat_registry_has_resolver:
 * @scheme: a reference prefix, such as "python"
 *
 * Returns: %TRUE if a loader module registered a resolver for @scheme
 */
gboolean
aat_registry_has_resolver (const char *scheme)
{
  g_return_val_if_fail (scheme != NULL, FALSE);
  return find_resolver (scheme, NULL) != NULL;
}

static void
scan_dir_files (AatRegistry *self, const char *dir, GPtrArray *errors)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = NULL;
  const char *name;
  guint i;

  if (d == NULL)
    return;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)) != NULL)
    if (!g_str_has_suffix (name, ".so") && find_resolver (NULL, name) != NULL)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);

  for (i = 0; i < names->len; i++)
    {
      char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      Resolver *r = find_resolver (NULL, path);
      GError *error = NULL;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
          g_hash_table_contains (self->lang_files, path))
        {
          g_free (path);
          continue;
        }
      g_hash_table_add (self->lang_files, path);
      if (!r->load_file (self, path, r->user_data, &error))
        g_ptr_array_add (errors, error ? error
                                       : g_error_new (AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT,
                                                      "%s: cannot load the module", path));
    }
}

/* Resolves `SCHEME:TARGET` into a plugin registered under the whole reference. */
static AatPluginInfo *
resolve_reference (AatRegistry *self, AatPluginKind kind, const char *name, GError **error)
{
  const char *colon = strchr (name, ':');
  g_autofree char *scheme = NULL;
  g_autoptr (AatPluginInfo) info = NULL;
  Resolver *r;
  GType type, base;

  if (colon == NULL || colon == name)
    return NULL;
  scheme = g_strndup (name, colon - name);
  r = find_resolver (scheme, NULL);
  if (r == NULL)
    {
      if (strchr (colon + 1, '/') != NULL || strchr (colon + 1, ':') != NULL)
        g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_NOT_FOUND,
                     "unknown %s '%s': no loader module handles '%s:' references "
                     "(is the %s-loader module installed? see aat-run --list)",
                     aat_plugin_kind_to_string (kind), name, scheme, scheme);
      return NULL;
    }
  type = r->resolve (kind, colon + 1, r->user_data, error);
  if (type == G_TYPE_INVALID)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_NOT_FOUND,
                     "%s: the %s loader gave no type", colon + 1, scheme);
      return NULL;
    }
  base = aat_plugin_kind_get_base_type (kind);
  if (!g_type_is_a (type, base) || G_TYPE_IS_ABSTRACT (type))
    {
      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_FAILED,
                   "%s: '%s' is not a non-abstract subclass of %s", colon + 1,
                   g_type_name (type), g_type_name (base));
      return NULL;
    }
  info = _aat_plugin_info_new (kind, name, colon + 1, type, NULL);
  if (!add_plugin (self, info, error))
    return NULL;
  return info;   /* by_name holds the reference */
}

/* ---- end of language loaders ---- */

/**
 * aat_registry_scan:
 * @self: a registry
 * @errors: (out) (optional) (transfer full) (element-type GLib.Error): what failed, one
 *   #GError (domain %AAT_MODULE_ERROR) per broken file, missing explicit directory or
 *   duplicate name; an empty array if nothing failed
 *
 * Loads every module in the registry's directories. Only files whose name ends in
 * ".so" are considered, and then files of a language loader's suffix (".py", ".js";
 * see aat_registry_add_resolver()). A broken one does not stop the scan: its error is added to
 * @errors and the other modules still load. Modules already loaded are skipped, so
 * scanning again picks up only new files.
 *
 * Returns: the number of modules the registry knows afterwards
 */
guint
aat_registry_scan (AatRegistry *self, GPtrArray **errors)
{
  g_autoptr (GPtrArray) errs = NULL;
  guint i;

  g_return_val_if_fail (AAT_IS_REGISTRY (self), 0);

  errs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  for (i = 0; i < self->dirs->len; i++)
    scan_dir (self, g_ptr_array_index (self->dirs, i),
              g_array_index (self->dir_explicit, gboolean, i), errs);
  /* issue 6: language module files (.py, .js), once every loader module is in. */
  for (i = 0; resolvers != NULL && i < self->dirs->len; i++)
    scan_dir_files (self, g_ptr_array_index (self->dirs, i), errs);

  if (errors)
    *errors = g_steal_pointer (&errs);
  return g_hash_table_size (self->modules);
}

/**
 * aat_registry_get_n_modules:
 * @self: a registry
 *
 * Returns: how many modules provided plugins to @self
 */
guint
aat_registry_get_n_modules (AatRegistry *self)
{
  g_return_val_if_fail (AAT_IS_REGISTRY (self), 0);
  return g_hash_table_size (self->modules);
}

/**
 * aat_registry_load_module:
 * @self: a registry
 * @path: (type filename): a module file
 * @error: return location for an error
 *
 * Loads one module, whatever its name, and adds what it provides. If some of its
 * plugins clash with names already known, the others are still added and the first
 * clash is returned as an error.
 *
 * Returns: %TRUE if the module loaded and all its plugins were added
 */
gboolean
aat_registry_load_module (AatRegistry *self, const char *path, GError **error)
{
  g_autoptr (GPtrArray) errors = NULL;

  g_return_val_if_fail (AAT_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  if (load_module (self, path, errors))
    return TRUE;
  g_propagate_error (error, g_ptr_array_steal_index (errors, 0));
  return FALSE;
}

/**
 * aat_registry_register_type:
 * @self: a registry
 * @kind: what @type is
 * @name: the short name
 * @description: (nullable): one line
 * @type: a non-abstract subclass of the base type of @kind
 * @error: return location for an error
 *
 * Adds a plugin that no module provides: a type of the application itself, or of a
 * test. It is then found, listed and configured like any other.
 *
 * Returns: %TRUE on success; %FALSE if @type does not fit @kind, @name is invalid or
 *   already taken
 */
gboolean
aat_registry_register_type (AatRegistry *self, AatPluginKind kind, const char *name,
                            const char *description, GType type, GError **error)
{
  g_autoptr (AatPluginInfo) info = NULL;
  GType base;

  g_return_val_if_fail (AAT_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail ((guint) kind < N_KINDS, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_aat_plugin_name_is_valid (name))
    {
      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_FAILED,
                   "'%s' is not a valid plugin name (use letters, digits, '-', '_' and '.')",
                   name);
      return FALSE;
    }
  base = aat_plugin_kind_get_base_type (kind);
  if (!g_type_is_a (type, base) || G_TYPE_IS_ABSTRACT (type))
    {
      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_FAILED,
                   "%s '%s' has type '%s', which is not a non-abstract subclass of %s",
                   aat_plugin_kind_to_string (kind), name,
                   type ? g_type_name (type) : "(invalid)", g_type_name (base));
      return FALSE;
    }

  info = _aat_plugin_info_new (kind, name, description, type, NULL);
  if (!add_plugin (self, info, error))
    return FALSE;
  /* The registry's own reference is the one in by_name; plugins[] borrows it. */
  return TRUE;
}

/**
 * aat_registry_lookup:
 * @self: a registry
 * @kind: the kind of plugin
 * @name: its short name
 *
 * Returns: (transfer none) (nullable): the plugin, or %NULL
 */
AatPluginInfo *
aat_registry_lookup (AatRegistry *self, AatPluginKind kind, const char *name)
{
  g_return_val_if_fail (AAT_IS_REGISTRY (self), NULL);
  g_return_val_if_fail ((guint) kind < N_KINDS, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->by_name[kind], name);
}

static gint
compare_infos (gconstpointer a, gconstpointer b)
{
  const AatPluginInfo *x = *(AatPluginInfo * const *) a;
  const AatPluginInfo *y = *(AatPluginInfo * const *) b;

  if (x->kind != y->kind)
    return (int) x->kind - (int) y->kind;
  return strcmp (x->name, y->name);
}

static GStrv
names_of_kind (AatRegistry *self, AatPluginKind kind)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr (GPtrArray) sorted = aat_registry_list_plugins (self);
  guint i;

  for (i = 0; i < sorted->len; i++)
    {
      AatPluginInfo *info = g_ptr_array_index (sorted, i);

      if (info->kind == kind)
        g_strv_builder_add (b, info->name);
    }
  return g_strv_builder_end (b);
}

/**
 * aat_registry_find:
 * @self: a registry
 * @kind: the kind of plugin
 * @name: its short name
 * @error: return location for an error
 *
 * Like aat_registry_lookup(), but an unknown name is an error
 * (%AAT_MODULE_ERROR_NOT_FOUND) whose message suggests the closest known name, such as
 * "unknown strategy 'buy-and-hol'; did you mean 'buy-and-hold'?".
 *
 * Returns: (transfer none): the plugin, or %NULL with @error set
 */
AatPluginInfo *
aat_registry_find (AatRegistry *self, AatPluginKind kind, const char *name, GError **error)
{
  AatPluginInfo *info;
  g_autofree char *suggestion = NULL;
  g_auto (GStrv) names = NULL;
  guint k;

  g_return_val_if_fail (AAT_IS_REGISTRY (self), NULL);
  g_return_val_if_fail ((guint) kind < N_KINDS, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  info = aat_registry_lookup (self, kind, name);
  if (info != NULL)
    return info;

  /* issue 6: `python:path/file.py:Class` and other loader references. */
  if (strchr (name, ':') != NULL)
    {
      GError *local = NULL;

      info = resolve_reference (self, kind, name, &local);
      if (info != NULL || local != NULL)
        {
          if (local != NULL)
            g_propagate_error (error, local);
          return info;
        }
    }

  /* The right name in the wrong list is the likeliest mistake. */
  for (k = 0; k < N_KINDS; k++)
    if (k != kind && g_hash_table_contains (self->by_name[k], name))
      {
        g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_NOT_FOUND,
                     "unknown %s '%s'; '%s' is %s %s", aat_plugin_kind_to_string (kind),
                     name, name, k == AAT_PLUGIN_KIND_EXCHANGE || k == AAT_PLUGIN_KIND_EXECUTION_POLICY ? "an" : "a",
                     k == AAT_PLUGIN_KIND_RISK_POLICY ? "risk policy"
                     : k == AAT_PLUGIN_KIND_EXECUTION_POLICY ? "execution policy"
                     : aat_plugin_kind_to_string (k));
        return NULL;
      }

  suggestion = aat_registry_suggest (self, kind, name);
  if (suggestion != NULL)
    {
      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_NOT_FOUND,
                   "unknown %s '%s'; did you mean '%s'?", aat_plugin_kind_to_string (kind),
                   name, suggestion);
      return NULL;
    }

  names = names_of_kind (self, kind);
  if (names[0] == NULL)
    g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_NOT_FOUND,
                 "unknown %s '%s'; no %s plugin is installed (see aat-run --list)",
                 aat_plugin_kind_to_string (kind), name, aat_plugin_kind_to_string (kind));
  else
    {
      g_autofree char *list = g_strjoinv (", ", names);

      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_NOT_FOUND,
                   "unknown %s '%s'; known: %s", aat_plugin_kind_to_string (kind), name,
                   list);
    }
  return NULL;
}

/**
 * aat_registry_list_plugins:
 * @self: a registry
 *
 * Returns: (transfer container) (element-type AatPluginInfo): every plugin, by kind
 *   (strategies, exchanges, risk policies, execution policies) then by name
 */
GPtrArray *
aat_registry_list_plugins (AatRegistry *self)
{
  GPtrArray *list;
  guint i;

  g_return_val_if_fail (AAT_IS_REGISTRY (self), NULL);

  list = g_ptr_array_new_full (self->plugins->len, (GDestroyNotify) aat_plugin_info_unref);
  for (i = 0; i < self->plugins->len; i++)
    g_ptr_array_add (list, aat_plugin_info_ref (g_ptr_array_index (self->plugins, i)));
  g_ptr_array_sort (list, compare_infos);
  return list;
}

/* ---------------------------------------------------------------- suggestions */

/**
 * aat_string_edit_distance:
 * @a: a string
 * @b: another string
 *
 * The optimal-string-alignment distance between @a and @b, ignoring ASCII case: the
 * number of single-byte insertions, deletions, substitutions and transpositions of
 * adjacent bytes that turn one into the other.
 *
 * Returns: the distance
 */
guint
aat_string_edit_distance (const char *a, const char *b)
{
  gsize la, lb, i, j;
  g_autofree guint *rows = NULL;
  guint *prev2, *prev, *cur, result;

  g_return_val_if_fail (a != NULL && b != NULL, G_MAXUINT);

  la = strlen (a);
  lb = strlen (b);
  rows = g_new0 (guint, 3 * (lb + 1));
  prev2 = rows;
  prev = rows + (lb + 1);
  cur = rows + 2 * (lb + 1);

  for (j = 0; j <= lb; j++)
    prev[j] = j;
  for (i = 1; i <= la; i++)
    {
      guint *tmp;

      cur[0] = i;
      for (j = 1; j <= lb; j++)
        {
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;
          guint v = MIN (prev[j] + 1, cur[j - 1] + 1);

          v = MIN (v, prev[j - 1] + cost);
          if (i > 1 && j > 1 &&
              g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 2]) &&
              g_ascii_tolower (a[i - 2]) == g_ascii_tolower (b[j - 1]))
            v = MIN (v, prev2[j - 2] + 1);
          cur[j] = v;
        }
      tmp = prev2;
      prev2 = prev;
      prev = cur;
      cur = tmp;
    }
  result = prev[lb];
  return result;
}

/**
 * aat_string_closest:
 * @word: what was asked for
 * @candidates: (array zero-terminated=1): the known names
 *
 * The candidate nearest to @word, if it is near enough to be what was meant: within
 * an edit distance of a third of the longer word (at least 1), or starting with @word
 * when @word has three characters or more. Ties go to the earlier candidate.
 *
 * Returns: (transfer none) (nullable): one of @candidates, or %NULL
 */
const char *
aat_string_closest (const char *word, const char * const *candidates)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  gsize lw;
  guint i;

  g_return_val_if_fail (word != NULL, NULL);
  if (candidates == NULL)
    return NULL;

  lw = strlen (word);
  for (i = 0; candidates[i]; i++)
    {
      gsize lc = strlen (candidates[i]);
      guint d = aat_string_edit_distance (word, candidates[i]);
      guint limit = MAX (1, (guint) MAX (lw, lc) / 3);

      if (d > limit && !(lw >= 3 && g_ascii_strncasecmp (candidates[i], word, lw) == 0))
        continue;
      if (d < best_d)
        {
          best = candidates[i];
          best_d = d;
        }
    }
  return best;
}

/**
 * aat_registry_suggest:
 * @self: a registry
 * @kind: the kind of plugin
 * @name: an unknown name
 *
 * The known plugin of @kind whose name is closest to @name, if any is close (see
 * aat_string_closest()).
 *
 * Returns: (transfer full) (nullable): the suggested name, or %NULL
 */
char *
aat_registry_suggest (AatRegistry *self, AatPluginKind kind, const char *name)
{
  g_auto (GStrv) names = NULL;

  g_return_val_if_fail (AAT_IS_REGISTRY (self), NULL);
  g_return_val_if_fail ((guint) kind < N_KINDS, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  names = names_of_kind (self, kind);
  return g_strdup (aat_string_closest (name, (const char * const *) names));
}

/* ---------------------------------------------------------------- listing */

static gboolean
is_time_pspec (GParamSpec *pspec)
{
  return pspec->value_type == G_TYPE_INT64 &&
         (strcmp (pspec->name, "time") == 0 || g_str_has_suffix (pspec->name, "-time"));
}

static char *
enum_choices (GType type)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < klass->n_values; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", klass->values[i].value_nick);
  return g_string_free (s, FALSE);
}

static char *
flags_choices (GType type)
{
  g_autoptr (GFlagsClass) klass = g_type_class_ref (type);
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < klass->n_values; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", klass->values[i].value_nick);
  return g_string_free (s, FALSE);
}

/* "int", "int [0, 100]", "int >= 0" or "int <= 9": the bounds that are not the type's. */
#define RANGE_INT(T, FMT, LO, HI)                                                   \
  do {                                                                              \
    T *p = (T *) pspec;                                                             \
    if (p->minimum != (LO) && p->maximum != (HI))                                   \
      return g_strdup_printf ("%s [" FMT ", " FMT "]", name, p->minimum, p->maximum); \
    if (p->minimum != (LO))                                                         \
      return g_strdup_printf ("%s >= " FMT, name, p->minimum);                      \
    if (p->maximum != (HI))                                                         \
      return g_strdup_printf ("%s <= " FMT, name, p->maximum);                      \
    return g_strdup (name);                                                         \
  } while (0)

/**
 * aat_param_spec_describe_type:
 * @pspec: a property
 *
 * What a value of @pspec must look like, as shown by `aat-run --list` and in config
 * errors: "int [0, 100]", "double", "boolean", "string",
 * "enum AatSide (buy, sell)", "flags MyFlags (a, b; join with |)",
 * "date-time (ISO 8601 or YYYY-MM-DD)", "string list (separated by ;)".
 *
 * A #gint64 property named "time" or "*-time" is a date-time in #AatTime nanoseconds,
 * and so is a #GDateTime property.
 *
 * Returns: (transfer full): the description
 */
char *
aat_param_spec_describe_type (GParamSpec *pspec)
{
  GType vt;
  const char *name;

  g_return_val_if_fail (G_IS_PARAM_SPEC (pspec), NULL);

  vt = pspec->value_type;
  if (is_time_pspec (pspec) || vt == G_TYPE_DATE_TIME)
    return g_strdup ("date-time (ISO 8601 or YYYY-MM-DD)");
  if (G_TYPE_IS_ENUM (vt))
    {
      g_autofree char *c = enum_choices (vt);
      return g_strdup_printf ("enum %s (%s)", g_type_name (vt), c);
    }
  if (G_TYPE_IS_FLAGS (vt))
    {
      g_autofree char *c = flags_choices (vt);
      return g_strdup_printf ("flags %s (%s; join with |)", g_type_name (vt), c);
    }
  if (vt == G_TYPE_STRV)
    return g_strdup ("string list (separated by ;)");

  switch (G_TYPE_FUNDAMENTAL (vt))
    {
    case G_TYPE_BOOLEAN: return g_strdup ("boolean");
    case G_TYPE_STRING: return g_strdup ("string");
    case G_TYPE_CHAR:
      name = "int";
      RANGE_INT (GParamSpecChar, "%d", G_MININT8, G_MAXINT8);
    case G_TYPE_UCHAR:
      name = "uint";
      RANGE_INT (GParamSpecUChar, "%u", 0, G_MAXUINT8);
    case G_TYPE_INT:
      name = "int";
      RANGE_INT (GParamSpecInt, "%d", G_MININT, G_MAXINT);
    case G_TYPE_UINT:
      name = "uint";
      RANGE_INT (GParamSpecUInt, "%u", 0, G_MAXUINT);
    case G_TYPE_LONG:
      name = "int64";
      RANGE_INT (GParamSpecLong, "%ld", G_MINLONG, G_MAXLONG);
    case G_TYPE_ULONG:
      name = "uint64";
      RANGE_INT (GParamSpecULong, "%lu", 0, G_MAXULONG);
    case G_TYPE_INT64:
      name = "int64";
      RANGE_INT (GParamSpecInt64, "%" G_GINT64_FORMAT, G_MININT64, G_MAXINT64);
    case G_TYPE_UINT64:
      name = "uint64";
      RANGE_INT (GParamSpecUInt64, "%" G_GUINT64_FORMAT, 0, G_MAXUINT64);
    case G_TYPE_DOUBLE:
      name = "double";
      RANGE_INT (GParamSpecDouble, "%g", -G_MAXDOUBLE, G_MAXDOUBLE);
    case G_TYPE_FLOAT:
      name = "float";
      RANGE_INT (GParamSpecFloat, "%g", -G_MAXFLOAT, G_MAXFLOAT);
    default:
      return g_strdup_printf ("%s (not settable from a config)", g_type_name (vt));
    }
}

#undef RANGE_INT

static char *
format_double (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (v == G_MAXDOUBLE)
    return g_strdup ("max");
  if (v == -G_MAXDOUBLE)
    return g_strdup ("-max");
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", v));
}

/* Formats @value in the syntax the config parser reads back. */
static char *
format_value (GParamSpec *pspec, const GValue *value)
{
  GType vt = pspec->value_type;

  if (is_time_pspec (pspec))
    {
      gint64 t = g_value_get_int64 (value);
      return t == 0 ? g_strdup ("0 (unset)") : aat_time_format_iso8601 (t);
    }
  if (vt == G_TYPE_DATE_TIME)
    {
      GDateTime *dt = g_value_get_boxed (value);
      return dt ? g_date_time_format_iso8601 (dt) : g_strdup ("(none)");
    }
  if (G_TYPE_IS_ENUM (vt))
    {
      g_autoptr (GEnumClass) klass = g_type_class_ref (vt);
      GEnumValue *ev = g_enum_get_value (klass, g_value_get_enum (value));
      return ev ? g_strdup (ev->value_nick) : g_strdup_printf ("%d", g_value_get_enum (value));
    }
  if (G_TYPE_IS_FLAGS (vt))
    {
      g_autoptr (GFlagsClass) klass = g_type_class_ref (vt);
      guint bits = g_value_get_flags (value);
      GString *s = g_string_new (NULL);
      guint i;

      for (i = 0; i < klass->n_values; i++)
        if (klass->values[i].value != 0 && (bits & klass->values[i].value) == klass->values[i].value)
          {
            g_string_append_printf (s, "%s%s", s->len ? "|" : "", klass->values[i].value_nick);
            bits &= ~klass->values[i].value;
          }
      if (s->len == 0)
        g_string_append (s, "(none)");
      return g_string_free (s, FALSE);
    }
  if (vt == G_TYPE_STRV)
    {
      const char * const *v = g_value_get_boxed (value);
      return v && v[0] ? g_strjoinv (";", (GStrv) v) : g_strdup ("(none)");
    }
  switch (G_TYPE_FUNDAMENTAL (vt))
    {
    case G_TYPE_BOOLEAN: return g_strdup (g_value_get_boolean (value) ? "true" : "false");
    case G_TYPE_STRING:
      {
        const char *s = g_value_get_string (value);
        return s ? g_strdup_printf ("\"%s\"", s) : g_strdup ("(none)");
      }
    case G_TYPE_CHAR: return g_strdup_printf ("%d", g_value_get_schar (value));
    case G_TYPE_UCHAR: return g_strdup_printf ("%u", g_value_get_uchar (value));
    case G_TYPE_INT: return g_strdup_printf ("%d", g_value_get_int (value));
    case G_TYPE_UINT: return g_strdup_printf ("%u", g_value_get_uint (value));
    case G_TYPE_LONG: return g_strdup_printf ("%ld", g_value_get_long (value));
    case G_TYPE_ULONG: return g_strdup_printf ("%lu", g_value_get_ulong (value));
    case G_TYPE_INT64: return g_strdup_printf ("%" G_GINT64_FORMAT, g_value_get_int64 (value));
    case G_TYPE_UINT64: return g_strdup_printf ("%" G_GUINT64_FORMAT, g_value_get_uint64 (value));
    case G_TYPE_DOUBLE: return format_double (g_value_get_double (value));
    case G_TYPE_FLOAT: return format_double (g_value_get_float (value));
    default:
      return g_strdup_value_contents (value);
    }
}

/**
 * aat_param_spec_format_default:
 * @pspec: a property
 *
 * The default of @pspec in config syntax: a number, "true", an enum nick, flag nicks
 * joined with "|", a quoted string, an ISO 8601 date-time, or "(none)".
 *
 * Returns: (transfer full): the default
 */
char *
aat_param_spec_format_default (GParamSpec *pspec)
{
  g_return_val_if_fail (G_IS_PARAM_SPEC (pspec), NULL);
  return format_value (pspec, g_param_spec_get_default_value (pspec));
}

static gint
compare_pspecs (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(GParamSpec * const *) a)->name, (*(GParamSpec * const *) b)->name);
}

/**
 * aat_registry_describe_plugin:
 * @self: a registry
 * @info: a plugin of @self
 *
 * Describes one plugin the way `gst-inspect` describes an element: kind, name,
 * description, module, type, and each property with its type, default and blurb. The
 * plugin's class is initialized to read its properties; no instance is created.
 *
 * Returns: (transfer full): the text, several lines ending with a newline
 */
char *
aat_registry_describe_plugin (AatRegistry *self, AatPluginInfo *info)
{
  GString *s;
  g_autoptr (GTypeClass) klass = NULL;
  g_autofree GParamSpec **pspecs = NULL;
  g_autoptr (GPtrArray) sorted = NULL;
  guint n = 0, i;

  g_return_val_if_fail (AAT_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (info != NULL, NULL);

  s = g_string_new (NULL);
  g_string_append_printf (s, "%s %s", aat_plugin_kind_to_string (info->kind), info->name);
  if (info->description[0])
    g_string_append_printf (s, ": %s", info->description);
  g_string_append_c (s, '\n');
  if (info->module)
    g_string_append_printf (s, "  module      %s %s (%s)\n", info->module->name,
                            info->module->version, info->module->path);
  else
    g_string_append (s, "  module      (registered by the application)\n");
  g_string_append_printf (s, "  type        %s\n", g_type_name (info->type));

  klass = g_type_class_ref (info->type);
  pspecs = g_object_class_list_properties (G_OBJECT_CLASS (klass), &n);
  sorted = g_ptr_array_new ();
  for (i = 0; i < n; i++)
    if (pspecs[i]->flags & (G_PARAM_READABLE | G_PARAM_WRITABLE))
      g_ptr_array_add (sorted, pspecs[i]);
  g_ptr_array_sort (sorted, compare_pspecs);

  if (sorted->len == 0)
    g_string_append (s, "  properties  none\n");
  else
    g_string_append (s, "  properties\n");
  for (i = 0; i < sorted->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (sorted, i);
      g_autofree char *type = aat_param_spec_describe_type (pspec);
      g_autofree char *def = aat_param_spec_format_default (pspec);
      const char *blurb = g_param_spec_get_blurb (pspec);

      g_string_append_printf (s, "    %-20s: %s\n", pspec->name, blurb ? blurb : "");
      g_string_append_printf (s, "    %-20s  %s, default: %s%s%s\n", "", type, def,
                              !(pspec->flags & G_PARAM_WRITABLE) ? ", read-only" : "",
                              pspec->flags & G_PARAM_CONSTRUCT_ONLY ? ", construct-only" : "");
    }
  return g_string_free (s, FALSE);
}

/**
 * aat_registry_format_listing:
 * @self: a registry
 *
 * Describes every plugin (see aat_registry_describe_plugin()), strategies first, then
 * exchanges, risk and execution policies, each group by name; then a count.
 *
 * Returns: (transfer full): the text
 */
char *
aat_registry_format_listing (AatRegistry *self)
{
  g_autoptr (GPtrArray) list = NULL;
  GString *s;
  guint i;

  g_return_val_if_fail (AAT_IS_REGISTRY (self), NULL);

  list = aat_registry_list_plugins (self);
  s = g_string_new (NULL);
  for (i = 0; i < list->len; i++)
    {
      g_autofree char *one = aat_registry_describe_plugin (self, g_ptr_array_index (list, i));

      g_string_append (s, one);
      g_string_append_c (s, '\n');
    }
  g_string_append_printf (s, "%u plugin%s from %u module%s\n", list->len,
                          list->len == 1 ? "" : "s", g_hash_table_size (self->modules),
                          g_hash_table_size (self->modules) == 1 ? "" : "s");
  return g_string_free (s, FALSE);
}
