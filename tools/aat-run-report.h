/* aat-run-report.h: aat-run's reports, --set overrides, parameter sweeps and progress
 * (issue 7). Private to aat-run. */
#pragma once

#include <aat.h>

G_BEGIN_DECLS

void aat_run_report_add_options (GOptionContext *context, int argc, char **argv);
gboolean aat_run_report_load_config (AatRunConfig *config, const char *path, GError **error);
gboolean aat_run_report_is_sweep (void);
int aat_run_report_sweep (AatRunConfig *config, AatRegistry *registry);
void aat_run_report_before_run (AatEngine *engine);
gboolean aat_run_report_after_run (AatEngine *engine, AatRunConfig *config);

G_END_DECLS
