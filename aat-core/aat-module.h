/* aat-module.h: plugin modules and the registry of what they provide. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include <gmodule.h>
#include "aat-types.h"

G_BEGIN_DECLS

/**
 * AAT_MODULE_ERROR:
 *
 * The error domain of module loading and the registry.
 */
#define AAT_MODULE_ERROR (aat_module_error_quark ())
AAT_AVAILABLE_IN_ALL
GQuark aat_module_error_quark (void);

/**
 * AatModuleError:
 * @AAT_MODULE_ERROR_FAILED: a generic failure
 * @AAT_MODULE_ERROR_OPEN: the file could not be opened as a shared object (not ELF,
 *   unresolved symbol, missing file)
 * @AAT_MODULE_ERROR_NO_ENTRY: the file has no aat module descriptor
 * @AAT_MODULE_ERROR_ABI: the module was built for an incompatible ABI
 * @AAT_MODULE_ERROR_INIT: the module's init function failed
 * @AAT_MODULE_ERROR_DUPLICATE: two modules provide the same name
 * @AAT_MODULE_ERROR_NOT_FOUND: no plugin has the name asked for
 *
 * Errors of module loading.
 */
typedef enum {
  AAT_MODULE_ERROR_FAILED,
  AAT_MODULE_ERROR_OPEN,
  AAT_MODULE_ERROR_NO_ENTRY,
  AAT_MODULE_ERROR_ABI,
  AAT_MODULE_ERROR_INIT,
  AAT_MODULE_ERROR_DUPLICATE,
  AAT_MODULE_ERROR_NOT_FOUND,
} AatModuleError;

/**
 * AatPluginKind:
 * @AAT_PLUGIN_KIND_STRATEGY: an #AatStrategy subclass
 * @AAT_PLUGIN_KIND_EXCHANGE: an #AatExchange subclass
 * @AAT_PLUGIN_KIND_RISK_POLICY: an #AatRiskPolicy subclass
 * @AAT_PLUGIN_KIND_EXECUTION_POLICY: an #AatExecutionPolicy subclass
 *
 * What a plugin provides.
 */
typedef enum {
  AAT_PLUGIN_KIND_STRATEGY,
  AAT_PLUGIN_KIND_EXCHANGE,
  AAT_PLUGIN_KIND_RISK_POLICY,
  AAT_PLUGIN_KIND_EXECUTION_POLICY,
} AatPluginKind;

/**
 * AatModule:
 *
 * A loaded plugin module, as handed to its #AatModuleInitFunc. Opaque; modules stay
 * resident for the life of the process.
 */
typedef struct _AatModule AatModule;

/**
 * AatModuleInitFunc:
 * @module: the module being loaded
 * @error: return location for an error
 *
 * A module's entry point: registers its types with aat_module_register().
 *
 * Returns: %TRUE on success
 */
typedef gboolean (*AatModuleInitFunc) (AatModule *module, GError **error);

/**
 * AatModuleDescriptor:
 * @abi_major: %AAT_ABI_MAJOR at build time
 * @abi_minor: %AAT_ABI_MINOR at build time
 * @name: the module's name
 * @description: one line saying what it provides
 * @version: the module's version
 * @init: registers what it provides
 *
 * The const descriptor every module exports as `aat_module_descriptor`; use
 * AAT_MODULE_DEFINE().
 */
typedef struct {
  guint abi_major;
  guint abi_minor;
  const char *name;
  const char *description;
  const char *version;
  AatModuleInitFunc init;
  /*< private >*/
  gpointer reserved[4];
} AatModuleDescriptor;

/**
 * AAT_MODULE_DEFINE:
 * @name: the module's name, a string
 * @description: one line, a string
 * @version: the module's version, a string
 * @init: an #AatModuleInitFunc
 *
 * Defines the descriptor of a module. Put it once in one source file of the module.
 */
#define AAT_MODULE_DEFINE(name, description, version, init)                    \
  G_MODULE_EXPORT const AatModuleDescriptor aat_module_descriptor = {         \
    AAT_ABI_MAJOR, AAT_ABI_MINOR, name, description, version, init, { NULL }  \
  }

/**
 * AAT_MODULE_DESCRIPTOR_SYMBOL:
 *
 * The symbol the loader looks up in each module.
 */
#define AAT_MODULE_DESCRIPTOR_SYMBOL "aat_module_descriptor"

AAT_AVAILABLE_IN_ALL
gboolean aat_module_register (AatModule *module, AatPluginKind kind, const char *name,
                              const char *description, GType type, GError **error);
AAT_AVAILABLE_IN_ALL
const char *aat_module_get_path (AatModule *module);
AAT_AVAILABLE_IN_ALL
const char *aat_module_get_name (AatModule *module);
AAT_AVAILABLE_IN_ALL
const char *aat_module_get_version (AatModule *module);

G_END_DECLS
