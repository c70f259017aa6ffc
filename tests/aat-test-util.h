/* aat-test-util.h: small helpers shared by the tests that run timed sessions against
 * mock venues and spawn aat-run. Header-only; every function is static. */
#pragma once

#include <string.h>
#include <gio/gio.h>

/* How much longer than normal a timed run may take: .ci/run sets AAT_TEST_TIME_SCALE for
 * its sanitizer pass, where everything runs several times slower. */
G_GNUC_UNUSED static double
test_time_scale (void)
{
  const char *s = g_getenv ("AAT_TEST_TIME_SCALE");
  double v = s != NULL ? g_ascii_strtod (s, NULL) : 1.0;

  return v >= 1.0 ? v : 1.0;
}

/* @text with the first @from replaced by @to; @from must occur. */
G_GNUC_UNUSED static char *
test_replace_once (const char *text, const char *from, const char *to)
{
  GString *s = g_string_new (text);

  g_assert_nonnull (strstr (text, from));
  g_string_replace (s, from, to, 1);
  return g_string_free (s, FALSE);
}

/* A GAsyncReadyCallback for g_subprocess_wait_async(): sets the gboolean at @data. */
G_GNUC_UNUSED static void
test_subprocess_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GError *error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}
