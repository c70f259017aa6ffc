/* aat-gjs-loader.c: strategies written in JavaScript, run by an embedded gjs.
 *
 * Registers a resolver for `gjs:path/file.js:Class` references (and `.js` files in the
 * module directories). The file is a legacy gjs module: its classes, made with
 * GObject.registerClass(), are exported with `var`. It is imported once per process
 * through `imports`, with its directory put first on imports.searchPath.
 *
 * The GjsContext is created on first use, on the calling (main) thread; strategy
 * callbacks later run on that same thread. A JavaScript exception thrown in a callback
 * is logged by gjs as a critical ("JS ERROR: ... with the stack"); the engine's log
 * handler, installed for the run, attributes it to the strategy whose callback is
 * running: it is counted, logged, delivered to on_error, and the run fails. Import
 * failures are caught in the import script and returned as a #GError naming the file.
 *
 * The context's GC is made non-incremental (aat-gjs-gc.cpp says why): an incremental
 * slice that stops mid-sweep otherwise blocks every later callback into JavaScript.
 * Loaded into a gjs script's process (Registry.scan()), the module does the same to
 * the script's context.
 */
#include <string.h>
#include <gjs/gjs.h>
#include <aat.h>

static GjsContext *context;   /* never freed: the types live as long as the process */

/* aat-gjs-gc.cpp */
void aat_gjs_gc_make_non_incremental (void *native_context);

static char *
js_string (const char *s)
{
  g_autofree char *escaped = g_strescape (s, NULL);
  return g_strdup_printf ("\"%s\"", escaped);
}

/* The import script reports through an environment variable: the only channel from a
 * legacy script back to C that needs no extra library. */
#define RESULT_VAR "AAT_GJS_LOADER_RESULT"

static const char import_script[] =
  "(function (dir, moduleName, path, className, all) {\n"
  "  const GLib = imports.gi.GLib;\n"
  "  const GObject = imports.gi.GObject;\n"
  "  imports.gi.versions.Aat = '1.0';\n"
  "  const Aat = imports.gi.Aat;\n"
  "  const bases = [Aat.Strategy, Aat.Exchange, Aat.RiskPolicy, Aat.ExecutionPolicy];\n"
  "  let result;\n"
  "  try {\n"
  "    if (!GLib.file_test(path, GLib.FileTest.IS_REGULAR))\n"
  "      throw new Error('no such file');\n"
  "    if (imports.searchPath[0] !== dir) imports.searchPath.unshift(dir);\n"
  "    const m = imports[moduleName];\n"
  "    if (all) {\n"
  "      const out = [];\n"
  "      for (const key of Object.keys(m)) {\n"
  "        const c = m[key];\n"
  "        if (typeof c !== 'function' || !c.$gtype) continue;\n"
  "        bases.forEach((b, kind) => { if (c.prototype instanceof b)\n"
  "          out.push([kind, c.aatPlugin || key, c.$gtype.name].join('\\t')); });\n"
  "      }\n"
  "      result = 'T' + out.join('\\n');\n"
  "    } else {\n"
  "      const c = m[className];\n"
  "      if (typeof c !== 'function' || !c.$gtype) {\n"
  "        const known = Object.keys(m).filter(k => typeof m[k] === 'function' && m[k].$gtype &&\n"
  "          bases.some(b => m[k].prototype instanceof b));\n"
  "        result = `E${path}: no class '${className}' exported with var from the JavaScript module (its plugin classes: ${known.join(', ') || 'none'})`;\n"
  "      } else {\n"
  "        result = 'T' + c.$gtype.name;\n"
  "      }\n"
  "    }\n"
  "  } catch (e) {\n"
  "    const where = e.fileName ? `\\n${e.fileName}:${e.lineNumber}: ` : '\\n';\n"
  "    result = `E${path}: cannot load the JavaScript module:${where}${e}\\n${e.stack || ''}`.trimEnd();\n"
  "  }\n"
  "  GLib.setenv('" RESULT_VAR "', result, true);\n"
  "})(%s, %s, %s, %s, %s);\n";

/* Runs the import script; returns the result text after the 'T', or NULL with @error. */
static char *
run_import (const char *path, const char *class_name, GError **error)
{
  g_autofree char *dir = NULL, *base = NULL, *module_name = NULL, *script = NULL;
  g_autofree char *jdir = NULL, *jmod = NULL, *jpath = NULL, *jclass = NULL;
  g_autoptr (GError) local = NULL;
  const char *result;
  char *out = NULL;
  int status = 0;

  if (context == NULL)
    {
      context = gjs_context_new ();
      aat_gjs_gc_make_non_incremental (gjs_context_get_native_context (context));
    }

  dir = g_path_get_dirname (path);
  if (!g_path_is_absolute (dir))
    {
      g_autofree char *cwd = g_get_current_dir ();
      g_autofree char *abs = g_build_filename (cwd, dir, NULL);
      g_free (dir);
      dir = g_canonicalize_filename (abs, NULL);
    }
  base = g_path_get_basename (path);
  module_name = g_str_has_suffix (base, ".js") ? g_strndup (base, strlen (base) - 3)
                                               : g_strdup (base);
  jdir = js_string (dir);
  jmod = js_string (module_name);
  jpath = js_string (path);
  jclass = js_string (class_name ? class_name : "");
  script = g_strdup_printf (import_script, jdir, jmod, jpath, jclass,
                            class_name ? "false" : "true");

  g_unsetenv (RESULT_VAR);
  if (!gjs_context_eval (context, script, -1, "<aat-gjs-loader>", &status, &local))
    {
      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT,
                   "%s: cannot load the JavaScript module: %s", path,
                   local ? local->message : "gjs failed");
      return NULL;
    }
  result = g_getenv (RESULT_VAR);
  if (result == NULL)
    g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT,
                 "%s: the gjs loader got no answer", path);
  else if (result[0] == 'T')
    out = g_strdup (result + 1);
  else
    g_set_error_literal (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT, result + 1);
  g_unsetenv (RESULT_VAR);
  return out;
}

/**
 * aat_gjs_loader_resolve:
 * @kind: the kind of plugin (checked by the registry)
 * @target: `path/file.js:Class`
 * @error: return location for an error
 *
 * Returns: the GType of the class, or %G_TYPE_INVALID with @error set
 */
GType aat_gjs_loader_resolve (AatPluginKind kind, const char *target, GError **error);

GType
aat_gjs_loader_resolve (AatPluginKind kind, const char *target, GError **error)
{
  const char *colon = strrchr (target, ':');
  g_autofree char *path = NULL, *name = NULL;
  GType type;

  if (colon == NULL || colon == target || colon[1] == '\0')
    {
      g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_NOT_FOUND,
                   "%s: expected gjs:FILE.js:CLASS", target);
      return G_TYPE_INVALID;
    }
  path = g_strndup (target, colon - target);
  name = run_import (path, colon + 1, error);
  if (name == NULL)
    return G_TYPE_INVALID;
  type = g_type_from_name (name);
  if (type == G_TYPE_INVALID)
    g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT,
                 "%s: class %s has no GType", path, colon + 1);
  return type;
}

#ifndef AAT_GJS_LOADER_NO_MODULE
static GType
resolve_cb (AatPluginKind kind, const char *target, gpointer user_data, GError **error)
{
  return aat_gjs_loader_resolve (kind, target, error);
}

static gboolean
load_file_cb (AatRegistry *registry, const char *path, gpointer user_data, GError **error)
{
  g_autofree char *list = run_import (path, NULL, error);
  g_auto (GStrv) lines = NULL;
  guint i;

  if (list == NULL)
    return FALSE;
  lines = g_strsplit (list, "\n", -1);
  for (i = 0; lines[i] && lines[i][0]; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], "\t", 3);
      g_autoptr (GError) local = NULL;

      if (g_strv_length (f) != 3)
        continue;
      if (!aat_registry_register_type (registry, (AatPluginKind) atoi (f[0]), f[1], NULL,
                                       g_type_from_name (f[2]), &local))
        {
          g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT, "%s: %s", path,
                       local->message);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
gjs_loader_init (AatModule *module, GError **error)
{
  /* in a gjs script that scanned the modules, its own context gets the same GC fix */
  if (gjs_context_get_current () != NULL)
    aat_gjs_gc_make_non_incremental (gjs_context_get_native_context (gjs_context_get_current ()));
  aat_registry_add_resolver ("gjs", ".js", resolve_cb, load_file_cb, NULL);
  return TRUE;
}

AAT_MODULE_DEFINE ("gjs-loader",
                   "Strategies in JavaScript: gjs:FILE.js:CLASS references and .js modules",
                   "0.1.0", gjs_loader_init);
#endif
