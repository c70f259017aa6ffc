/* aat-config.h: a run described by a keyfile and command-line overrides. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include "aat-types.h"
#include "aat-module.h"
#include "aat-registry.h"

G_BEGIN_DECLS

/**
 * AAT_CONFIG_ERROR:
 *
 * The error domain of run configurations.
 */
#define AAT_CONFIG_ERROR (aat_config_error_quark ())
AAT_AVAILABLE_IN_ALL
GQuark aat_config_error_quark (void);

/**
 * AatConfigError:
 * @AAT_CONFIG_ERROR_FAILED: a generic failure
 * @AAT_CONFIG_ERROR_FILE: the file is missing or unreadable
 * @AAT_CONFIG_ERROR_PARSE: the file is not a valid keyfile
 * @AAT_CONFIG_ERROR_GROUP: a group name is neither known nor of the form `[KIND NAME]`
 * @AAT_CONFIG_ERROR_UNKNOWN_KEY: a key is not known in its group, or is not a
 *   property of the plugin
 * @AAT_CONFIG_ERROR_INVALID_VALUE: a value does not parse as the type expected
 * @AAT_CONFIG_ERROR_UNKNOWN_PLUGIN: no plugin of that kind has that name
 * @AAT_CONFIG_ERROR_SPEC: a `NAME[:INSTANCE][,key=value…]` spec is malformed
 * @AAT_CONFIG_ERROR_DUPLICATE: the same plugin instance is listed twice
 * @AAT_CONFIG_ERROR_EMPTY: nothing to run: no exchange or no strategy
 *
 * Errors of run configurations. Every message starts with where the problem is: the
 * file, the group and the key (`run.cfg: [strategy buy-and-hold] volume: …`), or the
 * command-line option (`--strategies buy-and-hold: volume: …`).
 */
typedef enum {
  AAT_CONFIG_ERROR_FAILED,
  AAT_CONFIG_ERROR_FILE,
  AAT_CONFIG_ERROR_PARSE,
  AAT_CONFIG_ERROR_GROUP,
  AAT_CONFIG_ERROR_UNKNOWN_KEY,
  AAT_CONFIG_ERROR_INVALID_VALUE,
  AAT_CONFIG_ERROR_UNKNOWN_PLUGIN,
  AAT_CONFIG_ERROR_SPEC,
  AAT_CONFIG_ERROR_DUPLICATE,
  AAT_CONFIG_ERROR_EMPTY,
} AatConfigError;

#define AAT_TYPE_RUN_CONFIG (aat_run_config_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AatRunConfig, aat_run_config, AAT, RUN_CONFIG, GObject)

AAT_AVAILABLE_IN_ALL
AatRunConfig *aat_run_config_new (void);
AAT_AVAILABLE_IN_ALL
gboolean aat_run_config_load_file (AatRunConfig *self, const char *path, GError **error);
AAT_AVAILABLE_IN_ALL
gboolean aat_run_config_load_data (AatRunConfig *self, const char *data, gssize length,
                                   const char *name, GError **error);
AAT_AVAILABLE_IN_ALL
const char *aat_run_config_get_path (AatRunConfig *self);

/* [general] */
AAT_AVAILABLE_IN_ALL
gboolean aat_run_config_get_verbose (AatRunConfig *self);
AAT_AVAILABLE_IN_ALL
void aat_run_config_set_verbose (AatRunConfig *self, gboolean verbose);
AAT_AVAILABLE_IN_ALL
AatTradingType aat_run_config_get_trading_type (AatRunConfig *self);
AAT_AVAILABLE_IN_ALL
void aat_run_config_set_trading_type (AatRunConfig *self, AatTradingType trading_type);
AAT_AVAILABLE_IN_ALL
gboolean aat_run_config_parse_trading_type (AatRunConfig *self, const char *text,
                                            const char *where, GError **error);
AAT_AVAILABLE_IN_ALL
guint64 aat_run_config_get_seed (AatRunConfig *self);
AAT_AVAILABLE_IN_ALL
void aat_run_config_set_seed (AatRunConfig *self, guint64 seed);
AAT_AVAILABLE_IN_ALL
AatTime aat_run_config_get_start_time (AatRunConfig *self);
AAT_AVAILABLE_IN_ALL
void aat_run_config_set_start_time (AatRunConfig *self, AatTime time);
AAT_AVAILABLE_IN_ALL
AatTime aat_run_config_get_end_time (AatRunConfig *self);
AAT_AVAILABLE_IN_ALL
void aat_run_config_set_end_time (AatRunConfig *self, AatTime time);
AAT_AVAILABLE_IN_ALL
AatExitRoutine aat_run_config_get_exit_routine (AatRunConfig *self);
AAT_AVAILABLE_IN_ALL
void aat_run_config_set_exit_routine (AatRunConfig *self, AatExitRoutine routine);
AAT_AVAILABLE_IN_ALL
double aat_run_config_get_cash (AatRunConfig *self);
AAT_AVAILABLE_IN_ALL
void aat_run_config_set_cash (AatRunConfig *self, double cash);

/* [general] journal and reconcile (reliability, issue 9) */
AAT_AVAILABLE_IN_ALL
const char *aat_run_config_get_journal (AatRunConfig *self);
AAT_AVAILABLE_IN_ALL
void aat_run_config_set_journal (AatRunConfig *self, const char *path);
AAT_AVAILABLE_IN_ALL
AatReconcilePolicy aat_run_config_get_reconcile (AatRunConfig *self);
AAT_AVAILABLE_IN_ALL
void aat_run_config_set_reconcile (AatRunConfig *self, AatReconcilePolicy policy);

/* Plugins */
AAT_AVAILABLE_IN_ALL
gboolean aat_run_config_set_plugins_from_specs (AatRunConfig *self, AatPluginKind kind,
                                                const char * const *specs,
                                                const char *option, GError **error);
AAT_AVAILABLE_IN_ALL
GStrv aat_run_config_get_plugins (AatRunConfig *self, AatPluginKind kind);
AAT_AVAILABLE_IN_ALL
char *aat_run_config_get_setting (AatRunConfig *self, AatPluginKind kind,
                                  const char *reference, const char *key);

/* Building */
AAT_AVAILABLE_IN_ALL
GPtrArray *aat_run_config_create_plugins (AatRunConfig *self, AatRegistry *registry,
                                          AatPluginKind kind, GError **error);
AAT_AVAILABLE_IN_ALL
AatEngine *aat_run_config_build_engine (AatRunConfig *self, AatRegistry *registry,
                                        GError **error);

/* Values */
AAT_AVAILABLE_IN_ALL
gboolean aat_param_value_parse (GParamSpec *pspec, const char *text, GValue *value,
                                GError **error);
AAT_AVAILABLE_IN_ALL
char *aat_param_spec_describe_expected (GParamSpec *pspec);

G_END_DECLS
