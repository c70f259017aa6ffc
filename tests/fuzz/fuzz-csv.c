/* fuzz-csv: the CSV reader (records) and a source (rows, the data-format detection and
 * the bad-row policy) over arbitrary bytes. The reader takes a path, so each input is
 * written to one temporary file. */
#include <glib.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <unistd.h>
#include "aat-csv-reader.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static char *path;
static int fd = -1;

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  AatCsvOptions options;
  const AatCsvField *fields;
  AatCsvRow row;
  GError *error = NULL;
  AatCsvReader *reader;
  AatCsvSource *source;
  guint n = 0;

  /* one file, rewritten in place (g_file_set_contents() would fsync every input) */
  if (path == NULL)
    {
      fd = g_file_open_tmp ("fuzz-csv-XXXXXX.csv", &path, NULL);
      g_assert_cmpint (fd, >=, 0);
    }
  g_assert_cmpint (ftruncate (fd, 0), ==, 0);
  g_assert_cmpint (pwrite (fd, data, size, 0), ==, (gssize) size);

  reader = aat_csv_reader_open (path, ',', &error);
  if (reader != NULL)
    {
      while (aat_csv_reader_next (reader, &fields, &error) > 0 && n++ < 100000)
        ;
      aat_csv_reader_free (reader);
    }
  g_clear_error (&error);

  for (int policy = 0; policy < 2; policy++)
    {
      aat_csv_options_init (&options);
      options.bad_rows = policy;
      source = aat_csv_source_open (path, &options, &error);
      if (source != NULL)
        {
          n = 0;
          while (aat_csv_source_next (source, &row, &error) && n++ < 100000)
            ;
          aat_csv_source_free (source);
        }
      g_clear_error (&error);
    }
  return 0;
}
