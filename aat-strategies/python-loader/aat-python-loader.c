/* aat-python-loader.c: strategies (and other plugins) written in Python.
 *
 * A module like any other; its init registers a resolver with the registry
 * (aat_registry_add_resolver()) for two things:
 *
 *   - `python:path/file.py:Class` references in a run config or on the command line:
 *     the file is imported once, the class looked up, and its GType (created by
 *     PyGObject when the class was defined) registered under the whole reference;
 *   - `*.py` files in the module directories: every plugin class defined in the file is
 *     registered, under its `__aat_plugin__` name or a name made from the file name.
 *
 * The interpreter is started on first use, not at module load, so listing plugins costs
 * nothing. If the process is already Python (a script that scans the registry), the
 * running interpreter is used. Embedded, the GIL is released right after start-up
 * (PyEval_SaveThread) so the engine runs without it; PyGObject takes it around each
 * call into Python.
 *
 * Exceptions raised in a strategy callback are routed by the Aat PyGObject override
 * (introspection/python/gi/overrides/Aat.py) to aat_strategy_report_error(), with the
 * traceback. Import failures (a syntax error, a missing class) are #GErrors naming the
 * file.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dlfcn.h>
#include <string.h>
#include <girepository.h>
#include <aat.h>

#include "aat-python-loader.h"

/* The Python half: imports files once, finds classes, lists a file's plugins. Every
 * function returns (ok, value-or-message), so the C side never formats exceptions. */
static const char helper_source[] =
  "import os, re, sys, traceback, importlib.util\n"
  "import gi\n"
  "gi.require_version('Aat', '1.0')\n"
  "from gi.repository import Aat, GObject\n"
  "_loaded = {}\n"
  "_bases = [Aat.Strategy, Aat.Exchange, Aat.RiskPolicy, Aat.ExecutionPolicy]\n"
  "def _import(path):\n"
  "    full = os.path.abspath(path)\n"
  "    mod = _loaded.get(full)\n"
  "    if mod is not None:\n"
  "        return mod\n"
  "    for m in list(sys.modules.values()):\n"
  "        f = getattr(m, '__file__', None)\n"
  "        if f and os.path.abspath(f) == full:\n"
  "            _loaded[full] = m\n"
  "            return m\n"
  "    if not os.path.isfile(full):\n"
  "        raise ImportError('%s: no such file' % path)\n"
  "    name = 'aat_python_' + re.sub(r'\\W', '_', full)\n"
  "    spec = importlib.util.spec_from_file_location(name, full)\n"
  "    mod = importlib.util.module_from_spec(spec)\n"
  "    sys.modules[name] = mod\n"
  "    try:\n"
  "        spec.loader.exec_module(mod)\n"
  "    except BaseException:\n"
  "        del sys.modules[name]\n"
  "        raise\n"
  "    _loaded[full] = mod\n"
  "    return mod\n"
  "def _fail(path, what):\n"
  "    e = sys.exc_info()[1]\n"
  "    if isinstance(e, ImportError) and str(e).startswith(path + ':'):\n"
  "        return (False, str(e))\n"
  "    if isinstance(e, SyntaxError):\n"
  "        text = ''.join(traceback.format_exception_only(type(e), e)).rstrip()\n"
  "    else:\n"
  "        text = ''.join(traceback.format_exc()).rstrip()\n"
  "    return (False, '%s: %s:\\n%s' % (path, what, text))\n"
  "def resolve(kind, target):\n"
  "    path, sep, cls = target.rpartition(':')\n"
  "    if not sep or not path or not cls:\n"
  "        return (False, \"%s: expected python:FILE.py:CLASS\" % target)\n"
  "    try:\n"
  "        mod = _import(path)\n"
  "    except BaseException:\n"
  "        return _fail(path, 'cannot load the Python module')\n"
  "    c = getattr(mod, cls, None)\n"
  "    if c is None:\n"
  "        known = [n for n, v in vars(mod).items() if isinstance(v, type) and issubclass(v, tuple(_bases)) and v not in _bases]\n"
  "        return (False, \"%s: no class '%s' in the Python module (its plugin classes: %s)\" % (path, cls, ', '.join(sorted(known)) or 'none'))\n"
  "    base = _bases[kind]\n"
  "    if not isinstance(c, type) or not issubclass(c, base):\n"
  "        return (False, \"%s: '%s' is not a subclass of Aat.%s\" % (path, cls, base.__name__))\n"
  "    return (True, c.__gtype__.name)\n"
  "def plugins(path):\n"
  "    try:\n"
  "        mod = _import(path)\n"
  "    except BaseException:\n"
  "        return _fail(path, 'cannot load the Python module')\n"
  "    found = []\n"
  "    for v in list(vars(mod).values()):\n"
  "        if not isinstance(v, type) or v.__module__ != mod.__name__:\n"
  "            continue\n"
  "        for kind, base in enumerate(_bases):\n"
  "            if issubclass(v, base):\n"
  "                found.append((kind, v))\n"
  "    stem = os.path.splitext(os.path.basename(path))[0].replace('_', '-')\n"
  "    out = []\n"
  "    for kind, v in found:\n"
  "        name = getattr(v, '__aat_plugin__', None)\n"
  "        if not name:\n"
  "            name = stem if len(found) == 1 else '%s-%s' % (stem, v.__name__.lower())\n"
  "        doc = (v.__doc__ or '').strip().split('\\n')[0]\n"
  "        out.append((kind, name, doc, v.__gtype__.name))\n"
  "    return (True, out)\n";

static GMutex python_lock;
static gboolean python_ready;
static PyObject *helper_module;   /* owned, never freed: the interpreter stays */

/* Sets @error from the pending Python exception (a failure of this file, not of the
 * user's code) and clears it. Needs the GIL. */
static void
set_error_from_python (const char *what, GError **error)
{
  PyObject *type = NULL, *value = NULL, *tb = NULL, *str = NULL;
  const char *text = NULL;

  PyErr_Fetch (&type, &value, &tb);
  if (value != NULL)
    str = PyObject_Str (value);
  if (str != NULL)
    text = PyUnicode_AsUTF8 (str);
  g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT, "python loader: %s: %s", what,
               text ? text : "unknown Python error");
  PyErr_Clear ();
  Py_XDECREF (str);
  Py_XDECREF (type);
  Py_XDECREF (value);
  Py_XDECREF (tb);
}

/* Starts the interpreter (or joins the running one) and loads the helper. */
static gboolean
ensure_python (GError **error)
{
  PyGILState_STATE gil;
  PyObject *code, *globals;
  gboolean embedded = FALSE;
  gboolean ok = FALSE;

  g_mutex_lock (&python_lock);
  if (python_ready)
    {
      g_mutex_unlock (&python_lock);
      return TRUE;
    }

  if (!Py_IsInitialized ())
    {
      Dl_info info;

      /* The module is opened with RTLD_LOCAL, and so is libpython with it; extension
       * modules (_gi) expect its symbols to be global. Promote it. */
      if (dladdr ((void *) Py_InitializeEx, &info) && info.dli_fname != NULL)
        dlopen (info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);

      /* The installed typelib, for an install where GI_TYPELIB_PATH is not set. */
      g_irepository_prepend_search_path (AAT_TYPELIBDIR);

      Py_InitializeEx (0);
      embedded = TRUE;
      gil = PyGILState_UNLOCKED; /* unused: we hold the GIL from init */
    }
  else
    gil = PyGILState_Ensure ();

  code = Py_CompileString (helper_source, "<aat-python-loader>", Py_file_input);
  if (code == NULL)
    {
      set_error_from_python ("cannot compile the helper", error);
      goto out;
    }
  helper_module = PyImport_ExecCodeModule ("_aat_python_loader", code);
  Py_DECREF (code);
  if (helper_module == NULL)
    {
      set_error_from_python ("cannot start (is the Aat typelib found? set GI_TYPELIB_PATH)",
                             error);
      goto out;
    }
  globals = PyModule_GetDict (helper_module);
  (void) globals;
  ok = TRUE;
  python_ready = TRUE;

out:
  if (embedded)
    PyEval_SaveThread ();   /* the engine runs without the GIL */
  else
    PyGILState_Release (gil);
  g_mutex_unlock (&python_lock);
  return ok;
}

/* Calls helper.@func(*args) → (ok, value). Returns a new reference to value on ok,
 * else NULL with @error set from the message. Needs the GIL. */
static PyObject *
call_helper (const char *func, PyObject *args, GError **error)
{
  PyObject *f, *result, *value = NULL;

  f = PyObject_GetAttrString (helper_module, func);
  result = f ? PyObject_CallObject (f, args) : NULL;
  Py_XDECREF (f);
  if (result == NULL)
    {
      set_error_from_python (func, error);
      return NULL;
    }
  if (!PyTuple_Check (result) || PyTuple_Size (result) != 2)
    g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT,
                 "python loader: %s returned a bad value", func);
  else if (PyObject_IsTrue (PyTuple_GetItem (result, 0)))
    value = Py_NewRef (PyTuple_GetItem (result, 1));
  else
    g_set_error_literal (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT,
                         PyUnicode_AsUTF8 (PyTuple_GetItem (result, 1)));
  Py_DECREF (result);
  return value;
}

/**
 * aat_python_loader_resolve:
 * @kind: the kind of plugin
 * @target: `path/file.py:Class`
 * @error: return location for an error
 *
 * Imports the file (once per process) and returns the GType of the class. Errors name
 * the file: a syntax error with its line, a missing class with the classes there are.
 *
 * Returns: the type, or %G_TYPE_INVALID with @error set
 */
GType
aat_python_loader_resolve (AatPluginKind kind, const char *target, GError **error)
{
  PyGILState_STATE gil;
  PyObject *value;
  GType type = G_TYPE_INVALID;

  if (!ensure_python (error))
    return G_TYPE_INVALID;

  gil = PyGILState_Ensure ();
  value = call_helper ("resolve", Py_BuildValue ("(is)", (int) kind, target), error);
  if (value != NULL)
    {
      type = g_type_from_name (PyUnicode_AsUTF8 (value));
      if (type == G_TYPE_INVALID)
        g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT,
                     "%s: the class has no GType", target);
      Py_DECREF (value);
    }
  PyGILState_Release (gil);
  return type;
}

#ifndef AAT_PYTHON_LOADER_NO_MODULE
static GType
resolve_cb (AatPluginKind kind, const char *target, gpointer user_data, GError **error)
{
  return aat_python_loader_resolve (kind, target, error);
}

static gboolean
load_file_cb (AatRegistry *registry, const char *path, gpointer user_data, GError **error)
{
  PyGILState_STATE gil;
  PyObject *list;
  gboolean ok = TRUE;
  Py_ssize_t i;

  if (!ensure_python (error))
    return FALSE;

  gil = PyGILState_Ensure ();
  list = call_helper ("plugins", Py_BuildValue ("(s)", path), error);
  if (list == NULL)
    ok = FALSE;
  for (i = 0; ok && i < PyList_Size (list); i++)
    {
      int kind = 0;
      const char *name = NULL, *doc = NULL, *type_name = NULL;
      GError *local = NULL;

      if (!PyArg_ParseTuple (PyList_GetItem (list, i), "isss", &kind, &name, &doc, &type_name))
        {
          set_error_from_python (path, error);
          ok = FALSE;
          break;
        }
      if (!aat_registry_register_type (registry, kind, name, doc, g_type_from_name (type_name),
                                       &local))
        {
          g_set_error (error, AAT_MODULE_ERROR, AAT_MODULE_ERROR_INIT, "%s: %s", path,
                       local->message);
          g_error_free (local);
          ok = FALSE;
        }
    }
  Py_XDECREF (list);
  PyGILState_Release (gil);
  return ok;
}

static gboolean
python_loader_init (AatModule *module, GError **error)
{
  aat_registry_add_resolver ("python", ".py", resolve_cb, load_file_cb, NULL);
  return TRUE;
}

AAT_MODULE_DEFINE ("python-loader",
                   "Strategies in Python: python:FILE.py:CLASS references and .py modules",
                   "0.1.0", python_loader_init);
#endif
