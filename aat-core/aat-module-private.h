/* aat-module-private.h: what the registry needs to know of a loaded module. Never
 * installed. */
#pragma once

#include "aat.h"

G_BEGIN_DECLS

struct _AatModule
{
  char *path;                  /* canonical; the key of the process-wide table */
  char *name;                  /* the descriptor's name */
  char *description;
  char *version;
  GModule *gmodule;            /* resident */
  GPtrArray *plugins;          /* AatPluginInfo*, what init registered */
  GError *error;               /* init failure: every later load gets the same answer */
  GError *register_error;      /* the first refused aat_module_register() */
  gboolean initializing;       /* aat_module_register() is allowed only during init */
};

AatModule *_aat_module_load (const char *path, GError **error);

AatPluginInfo *_aat_plugin_info_new (AatPluginKind kind, const char *name,
                                     const char *description, GType type,
                                     AatModule *module);

gboolean _aat_plugin_name_is_valid (const char *name);

G_END_DECLS
