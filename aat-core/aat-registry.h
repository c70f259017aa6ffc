/* aat-registry.h: the registry of plugins provided by modules, by kind and short name. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"
#include "aat-module.h"

G_BEGIN_DECLS

/**
 * AatPluginInfo:
 *
 * What one plugin is: its kind, short name, description, #GType and the module that
 * provides it. An immutable, ref-counted boxed value.
 */
typedef struct _AatPluginInfo AatPluginInfo;

#define AAT_TYPE_PLUGIN_INFO (aat_plugin_info_get_type ())
AAT_AVAILABLE_IN_ALL
GType aat_plugin_info_get_type (void) G_GNUC_CONST;

AAT_AVAILABLE_IN_ALL
AatPluginInfo *aat_plugin_info_ref (AatPluginInfo *self);
AAT_AVAILABLE_IN_ALL
void aat_plugin_info_unref (AatPluginInfo *self);
AAT_AVAILABLE_IN_ALL
AatPluginKind aat_plugin_info_get_kind (const AatPluginInfo *self);
AAT_AVAILABLE_IN_ALL
const char *aat_plugin_info_get_name (const AatPluginInfo *self);
AAT_AVAILABLE_IN_ALL
const char *aat_plugin_info_get_description (const AatPluginInfo *self);
AAT_AVAILABLE_IN_ALL
GType aat_plugin_info_get_gtype (const AatPluginInfo *self);
AAT_AVAILABLE_IN_ALL
const char *aat_plugin_info_get_module_path (const AatPluginInfo *self);
AAT_AVAILABLE_IN_ALL
const char *aat_plugin_info_get_module_name (const AatPluginInfo *self);
AAT_AVAILABLE_IN_ALL
const char *aat_plugin_info_get_module_version (const AatPluginInfo *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatPluginInfo, aat_plugin_info_unref)

AAT_AVAILABLE_IN_ALL
const char *aat_plugin_kind_to_string (AatPluginKind kind);
AAT_AVAILABLE_IN_ALL
gboolean aat_plugin_kind_from_string (const char *text, AatPluginKind *kind);
AAT_AVAILABLE_IN_ALL
GType aat_plugin_kind_get_base_type (AatPluginKind kind);

#define AAT_TYPE_REGISTRY (aat_registry_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AatRegistry, aat_registry, AAT, REGISTRY, GObject)

AAT_AVAILABLE_IN_ALL
AatRegistry *aat_registry_new (void);
AAT_AVAILABLE_IN_ALL
AatRegistry *aat_registry_get_default (void);

/* Where modules come from */
AAT_AVAILABLE_IN_ALL
void aat_registry_add_default_dirs (AatRegistry *self);
AAT_AVAILABLE_IN_ALL
void aat_registry_add_dir (AatRegistry *self, const char *dir);
AAT_AVAILABLE_IN_ALL
const char * const *aat_registry_get_dirs (AatRegistry *self);
AAT_AVAILABLE_IN_ALL
guint aat_registry_scan (AatRegistry *self, GPtrArray **errors);
AAT_AVAILABLE_IN_ALL
guint aat_registry_get_n_modules (AatRegistry *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_registry_load_module (AatRegistry *self, const char *path, GError **error);
AAT_AVAILABLE_IN_ALL
gboolean aat_registry_register_type (AatRegistry *self, AatPluginKind kind, const char *name,
                                     const char *description, GType type, GError **error);

/* Lookups */
AAT_AVAILABLE_IN_ALL
AatPluginInfo *aat_registry_lookup (AatRegistry *self, AatPluginKind kind, const char *name);
AAT_AVAILABLE_IN_ALL
AatPluginInfo *aat_registry_find (AatRegistry *self, AatPluginKind kind, const char *name,
                                  GError **error);
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_registry_list_plugins (AatRegistry *self);
AAT_AVAILABLE_IN_ALL
char *aat_registry_suggest (AatRegistry *self, AatPluginKind kind, const char *name);

/* Listing, like gst-inspect */
AAT_AVAILABLE_IN_ALL
char *aat_registry_describe_plugin (AatRegistry *self, AatPluginInfo *info);
AAT_AVAILABLE_IN_ALL
char *aat_registry_format_listing (AatRegistry *self);

/* ---- language loaders (issue 6: python-loader, gjs-loader) ---- */

/**
 * AatRegistryResolveFunc:
 * @kind: the kind of plugin asked for
 * @target: what follows `SCHEME:` in the reference, such as `path/file.py:Class`
 * @user_data: the data given to aat_registry_add_resolver()
 * @error: return location for an error, which should name the file
 *
 * Turns a `SCHEME:TARGET` plugin reference into a type, loading what it names.
 * Called at most once per reference and registry; the result is then registered
 * under the whole reference.
 *
 * Returns: a non-abstract subclass of the base type of @kind, or %G_TYPE_INVALID with
 *   @error set
 */
typedef GType (*AatRegistryResolveFunc) (AatPluginKind kind, const char *target,
                                         gpointer user_data, GError **error);

/**
 * AatRegistryLoadFileFunc:
 * @registry: the registry being scanned
 * @path: (type filename): a file of the resolver's suffix in a module directory
 * @user_data: the data given to aat_registry_add_resolver()
 * @error: return location for an error, which should name the file
 *
 * Loads a language module file found by aat_registry_scan() and registers what it
 * provides with aat_registry_register_type().
 *
 * Returns: %TRUE on success
 */
typedef gboolean (*AatRegistryLoadFileFunc) (AatRegistry *registry, const char *path,
                                             gpointer user_data, GError **error);

AAT_AVAILABLE_IN_ALL
void aat_registry_add_resolver (const char *scheme, const char *file_suffix,
                                AatRegistryResolveFunc resolve,
                                AatRegistryLoadFileFunc load_file, gpointer user_data);
AAT_AVAILABLE_IN_ALL
gboolean aat_registry_has_resolver (const char *scheme);

/* ---- end of language loaders ---- */

/* Helpers shared with the config parser and other front ends */
AAT_AVAILABLE_IN_ALL
guint aat_string_edit_distance (const char *a, const char *b);
AAT_AVAILABLE_IN_ALL
const char *aat_string_closest (const char *word, const char * const *candidates);
AAT_AVAILABLE_IN_ALL
char *aat_param_spec_describe_type (GParamSpec *pspec);
AAT_AVAILABLE_IN_ALL
char *aat_param_spec_format_default (GParamSpec *pspec);

G_END_DECLS
