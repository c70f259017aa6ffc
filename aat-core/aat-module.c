/* aat-module.c: opening one plugin module.
 *
 * A module is a shared object exporting a const #AatModuleDescriptor named
 * `aat_module_descriptor` (see AAT_MODULE_DEFINE()). Loading goes:
 *
 *   g_module_open (BIND_LOCAL, not lazy)  -> an unresolved symbol fails here
 *   look up the descriptor                -> "not an aat module"
 *   the ABI gate                          -> same major, minor not newer
 *   make resident, call init              -> init registers its types
 *
 * Every step that fails is a #GError naming the file and the reason. A module is loaded
 * at most once per process: types cannot be registered twice and modules are never
 * unloaded, so the outcome (the list of what it provides, or its init error) is kept in a
 * process-wide table keyed by the canonical path, and every registry that scans the
 * same file gets the same answer.
 */
#include "config.h"
#include "aat-module-private.h"

G_DEFINE_QUARK (aat-module-error-quark, aat_module_error)

static GRecMutex modules_lock;
static GHashTable *modules; /* canonical path -> AatModule*, never freed (resident) */

static AatModule *
module_new (const char *path)
{
  AatModule *module = g_new0 (AatModule, 1);

  module->path = g_strdup (path);
  module->plugins = g_ptr_array_new_with_free_func ((GDestroyNotify) aat_plugin_info_unref);
  return module;
}

static void
module_free (AatModule *module)
{
  g_free (module->path);
  g_free (module->name);
  g_free (module->description);
  g_free (module->version);
  g_ptr_array_unref (module->plugins);
  g_clear_error (&module->error);
  g_clear_error (&module->register_error);
  g_free (module);
}

static gboolean
open_module (AatModule *module, GError **error)
{
  const AatModuleDescriptor *desc = NULL;
  gpointer symbol = NULL;
  g_autoptr (GError) init_error = NULL;
  gboolean ok;

  /* Not lazy: with RTLD_NOW an unresolved symbol fails the open, with dlerror()'s text,
   * instead of aborting the process at the first call. LOCAL keeps each module's
   * aat_module_descriptor (and everything else) out of the global namespace. */
  module->gmodule = g_module_open (module->path, G_MODULE_BIND_LOCAL);
  if (module->gmodule == NULL)
    {
      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_OPEN,
                   "%s: cannot load module: %s", module->path, g_module_error ());
      return FALSE;
    }

  if (!g_module_symbol (module->gmodule, AAT_MODULE_DESCRIPTOR_SYMBOL, &symbol) ||
      symbol == NULL)
    {
      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_NO_ENTRY,
                   "%s: not an aat module: it has no '%s' symbol (define one with "
                   "AAT_MODULE_DEFINE)", module->path, AAT_MODULE_DESCRIPTOR_SYMBOL);
      g_clear_pointer (&module->gmodule, g_module_close);
      return FALSE;
    }
  desc = symbol;

  /* The gate GStreamer uses: another major is incompatible, and a newer minor may use
   * symbols this library does not have. */
  if (desc->abi_major != AAT_ABI_MAJOR || desc->abi_minor > AAT_ABI_MINOR)
    {
      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_ABI,
                   "%s: module '%s' was built for aat ABI %u.%u, but this library has "
                   "ABI %u.%u (%s)", module->path, desc->name ? desc->name : "(unnamed)",
                   desc->abi_major, desc->abi_minor, AAT_ABI_MAJOR, AAT_ABI_MINOR,
                   desc->abi_major != AAT_ABI_MAJOR ? "the major version must be equal"
                                                    : "the module is newer than the library");
      g_clear_pointer (&module->gmodule, g_module_close);
      return FALSE;
    }

  if (desc->name == NULL || *desc->name == '\0' || desc->init == NULL)
    {
      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_NO_ENTRY,
                   "%s: the module descriptor has no %s", module->path,
                   desc->init == NULL ? "init function" : "name");
      g_clear_pointer (&module->gmodule, g_module_close);
      return FALSE;
    }

  module->name = g_strdup (desc->name);
  module->description = g_strdup (desc->description ? desc->description : "");
  module->version = g_strdup (desc->version ? desc->version : "");

  /* Init registers types, which can never be unregistered: from here on the module
   * stays in memory whatever happens. */
  g_module_make_resident (module->gmodule);

  module->initializing = TRUE;
  ok = desc->init (module, &init_error);
  module->initializing = FALSE;

  if (ok && module->register_error != NULL)
    {
      /* init ignored a refused registration: the module is not what it says it is. */
      ok = FALSE;
      init_error = g_steal_pointer (&module->register_error);
    }

  if (!ok)
    {
      g_set_error (&module->error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT,
                   "%s: module '%s' failed to initialize: %s", module->path, module->name,
                   init_error ? init_error->message : "its init function gave no reason");
      g_ptr_array_set_size (module->plugins, 0);
      g_propagate_error (error, g_error_copy (module->error));
      return FALSE;
    }

  return TRUE;
}

/*
 * _aat_module_load:
 * @path: the file
 * @error: return location for an error
 *
 * Loads @path once per process and returns the outcome of the first load.
 *
 * Returns: (transfer none) (nullable): the module, resident, or %NULL with @error set
 */
AatModule *
_aat_module_load (const char *path, GError **error)
{
  g_autofree char *canonical = NULL;
  AatModule *module = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  canonical = g_canonicalize_filename (path, NULL);

  g_rec_mutex_lock (&modules_lock);
  if (modules == NULL)
    modules = g_hash_table_new (g_str_hash, g_str_equal);

  module = g_hash_table_lookup (modules, canonical);
  if (module == NULL)
    {
      module = module_new (canonical);
      if (!open_module (module, error))
        {
          if (module->gmodule == NULL)
            {
              /* Nothing of it stays in memory: a later scan may try again (the file
               * may have been rebuilt meanwhile). */
              module_free (module);
              module = NULL;
            }
          else
            {
              g_hash_table_insert (modules, module->path, module);
              module = NULL;
            }
        }
      else
        g_hash_table_insert (modules, module->path, module);
    }
  else if (module->error != NULL)
    {
      g_propagate_error (error, g_error_copy (module->error));
      module = NULL;
    }
  g_rec_mutex_unlock (&modules_lock);

  return module;
}

/**
 * aat_module_register:
 * @module: the module being loaded, as passed to its init function
 * @kind: what @type is
 * @name: the plugin's short name, such as "buy-and-hold": letters, digits, '-', '_'
 *   and '.', starting with a letter or a digit
 * @description: (nullable): one line saying what it does
 * @type: a non-abstract subclass of the base type of @kind (#AatStrategy, #AatExchange,
 *   #AatRiskPolicy or #AatExecutionPolicy)
 * @error: return location for an error
 *
 * Declares a plugin the module provides. Call it from the module's
 * #AatModuleInitFunc only, and return %FALSE from init if it fails.
 *
 * Whether two modules provide the same name is checked by the registry, which names
 * both files.
 *
 * Returns: %TRUE if @type was registered
 */
gboolean
aat_module_register (AatModule *module, AatPluginKind kind, const char *name,
                     const char *description, GType type, GError **error)
{
  GType base;
  GError *local = NULL;
  guint i;

  g_return_val_if_fail (module != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!module->initializing)
    {
      g_set_error (&local, AAT_MODULE_ERROR, AAT_MODULE_ERROR_FAILED,
                   "%s '%s' registered outside the module's init function",
                   aat_plugin_kind_to_string (kind), name);
      goto fail;
    }

  if (kind > AAT_PLUGIN_KIND_EXECUTION_POLICY)
    {
      g_set_error (&local, AAT_MODULE_ERROR, AAT_MODULE_ERROR_FAILED,
                   "'%s' registered with an unknown plugin kind %d", name, (int) kind);
      goto fail;
    }

  if (!_aat_plugin_name_is_valid (name))
    {
      g_set_error (&local, AAT_MODULE_ERROR, AAT_MODULE_ERROR_FAILED,
                   "'%s' is not a valid plugin name (use letters, digits, '-', '_' and '.')",
                   name);
      goto fail;
    }

  base = aat_plugin_kind_get_base_type (kind);
  if (!g_type_is_a (type, base) || G_TYPE_IS_ABSTRACT (type))
    {
      g_set_error (&local, AAT_MODULE_ERROR, AAT_MODULE_ERROR_FAILED,
                   "%s '%s' has type '%s', which is not a non-abstract subclass of %s",
                   aat_plugin_kind_to_string (kind), name,
                   type ? g_type_name (type) : "(invalid)", g_type_name (base));
      goto fail;
    }

  for (i = 0; i < module->plugins->len; i++)
    {
      AatPluginInfo *other = g_ptr_array_index (module->plugins, i);

      if (aat_plugin_info_get_kind (other) == kind &&
          g_strcmp0 (aat_plugin_info_get_name (other), name) == 0)
        {
          g_set_error (&local, AAT_MODULE_ERROR, AAT_MODULE_ERROR_DUPLICATE,
                       "%s '%s' registered twice by module '%s'",
                       aat_plugin_kind_to_string (kind), name, module->name);
          goto fail;
        }
    }

  g_ptr_array_add (module->plugins,
                   _aat_plugin_info_new (kind, name, description, type, module));
  return TRUE;

fail:
  if (module->register_error == NULL)
    module->register_error = g_error_copy (local);
  g_propagate_error (error, local);
  return FALSE;
}

/**
 * aat_module_get_path:
 * @module: a module
 *
 * Returns: (transfer none): the canonical path of the module's file
 */
const char *
aat_module_get_path (AatModule *module)
{
  g_return_val_if_fail (module != NULL, NULL);
  return module->path;
}

/**
 * aat_module_get_name:
 * @module: a module
 *
 * Returns: (transfer none): the name in the module's descriptor
 */
const char *
aat_module_get_name (AatModule *module)
{
  g_return_val_if_fail (module != NULL, NULL);
  return module->name;
}

/**
 * aat_module_get_version:
 * @module: a module
 *
 * Returns: (transfer none): the version in the module's descriptor, or ""
 */
const char *
aat_module_get_version (AatModule *module)
{
  g_return_val_if_fail (module != NULL, NULL);
  return module->version;
}
