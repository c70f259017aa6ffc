/* aat-python-loader.h: the python loader's entry point for C programs that link it
 * (aat-bench). Modules loaded by the registry need none of this. */
#pragma once

#include <aat.h>

G_BEGIN_DECLS

GType aat_python_loader_resolve (AatPluginKind kind, const char *target, GError **error);

G_END_DECLS
