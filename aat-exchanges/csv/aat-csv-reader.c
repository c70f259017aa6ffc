/* aat-csv-reader.c: streaming CSV history.
 *
 * Three layers, each usable alone:
 *  - AatCsvReader splits a file into records. It reads with read(2) into one buffer that
 *    only grows for a line longer than itself, so memory is constant for any file size.
 *    Fields are NUL-terminated in place; nothing is copied.
 *  - AatCsvSource turns records of one file into AatCsvRow values: it maps columns by
 *    header or position, parses times (a small strftime-like parser, or LEAN's
 *    milliseconds since midnight) and prices (an exact fixed-point decimal parser),
 *    scales and adjusts prices, and applies the session and date filters and the
 *    bad-row policy.
 *  - AatCsvFeed merges sources in time order with a binary heap keyed by the moment a
 *    row becomes known (a bar's end), ties broken by source order; rows of one source
 *    keep their file order.
 */
#include "aat-csv-reader.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sys/stat.h>  /* issue 7: progress */

G_DEFINE_QUARK (aat-csv-error-quark, aat_csv_error)

#define NS_PER_SEC G_GINT64_CONSTANT (1000000000)
#define NS_PER_DAY (G_GINT64_CONSTANT (86400) * NS_PER_SEC)

#define READER_INITIAL_SIZE (64 * 1024)
#define READER_MAX_LINE (16 * 1024 * 1024)

/* ==== records ======================================================================= */

struct _AatCsvReader
{
  char *path;
  int fd;
  char *buf;          /* cap + 1 bytes: room for the NUL after a last unterminated line */
  gsize cap;
  gsize pos;          /* first unconsumed byte */
  gsize end;          /* end of valid data */
  gboolean eof;
  guint64 line;       /* the line last returned */
  char delimiter;
  AatCsvField *fields;
  guint fields_cap;
};

/**
 * aat_csv_reader_open:
 * @path: a file
 * @delimiter: the field separator
 * @error: return location for an error
 *
 * Opens @path for streaming.
 *
 * Returns: (transfer full) (nullable): a reader, or %NULL with @error set
 */
AatCsvReader *
aat_csv_reader_open (const char *path, char delimiter, GError **error)
{
  AatCsvReader *self;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_OPEN, "%s: cannot open: %s", path,
                   g_strerror (saved));
      return NULL;
    }

  self = g_new0 (AatCsvReader, 1);
  self->path = g_strdup (path);
  self->fd = fd;
  self->cap = READER_INITIAL_SIZE;
  self->buf = g_malloc (self->cap + 1);
  self->delimiter = delimiter ? delimiter : ',';
  self->fields_cap = 16;
  self->fields = g_new (AatCsvField, self->fields_cap);
  return self;
}

/**
 * aat_csv_reader_free:
 * @self: (transfer full): a reader
 *
 * Closes the file and frees the reader.
 */
void
aat_csv_reader_free (AatCsvReader *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->fields);
  g_free (self->buf);
  g_free (self->path);
  g_free (self);
}

/**
 * aat_csv_reader_get_line:
 * @self: a reader
 *
 * Returns: the number (from 1) of the line last returned
 */
guint64
aat_csv_reader_get_line (AatCsvReader *self)
{
  return self->line;
}

/**
 * aat_csv_reader_get_path:
 * @self: a reader
 *
 * Returns: (transfer none): the path it reads
 */
const char *
aat_csv_reader_get_path (AatCsvReader *self)
{
  return self->path;
}

/**
 * aat_csv_reader_get_buffer_size:
 * @self: a reader
 *
 * Returns: the bytes its buffers hold: constant unless a line is longer than the buffer
 */
gsize
aat_csv_reader_get_buffer_size (AatCsvReader *self)
{
  return self->cap + 1 + self->fields_cap * sizeof (AatCsvField);
}

static gboolean
reader_fill (AatCsvReader *self, GError **error)
{
  gssize n;

  if (self->pos > 0)
    {
      memmove (self->buf, self->buf + self->pos, self->end - self->pos);
      self->end -= self->pos;
      self->pos = 0;
    }
  if (self->end == self->cap)
    {
      if (self->cap >= READER_MAX_LINE)
        {
          /* Drop the rest of the line, so that a caller skipping bad rows can go on. */
          self->line++;
          for (;;)
            {
              char *nl;

              do
                n = read (self->fd, self->buf, self->cap);
              while (n < 0 && errno == EINTR);
              if (n <= 0)
                {
                  self->pos = self->end = 0;
                  self->eof = TRUE;
                  break;
                }
              nl = memchr (self->buf, '\n', n);
              if (nl != NULL)
                {
                  self->pos = nl - self->buf + 1;
                  self->end = n;
                  break;
                }
            }
          g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_BAD_ROW,
                       "%s:%" G_GUINT64_FORMAT ": line longer than %d bytes", self->path,
                       self->line, READER_MAX_LINE);
          return FALSE;
        }
      self->cap *= 2;
      self->buf = g_realloc (self->buf, self->cap + 1);
    }
  do
    n = read (self->fd, self->buf + self->end, self->cap - self->end);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved = errno;
      g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_IO, "%s: read failed: %s", self->path,
                   g_strerror (saved));
      return FALSE;
    }
  if (n == 0)
    self->eof = TRUE;
  self->end += n;
  return TRUE;
}

static inline void
reader_add_field (AatCsvReader *self, guint n, char *str, guint len)
{
  if (n == self->fields_cap)
    {
      self->fields_cap *= 2;
      self->fields = g_renew (AatCsvField, self->fields, self->fields_cap);
    }
  self->fields[n].str = str;
  self->fields[n].len = len;
}

/* Splits [p, le) in place; *le is already NUL. */
static int
reader_split (AatCsvReader *self, char *p, char *le, GError **error)
{
  const char delim = self->delimiter;
  guint n = 0;

  for (;;)
    {
      char *q = p;

      if (*p == '"')
        {
          /* A quoted field: unescape "" in place. Quoted newlines are not supported. */
          char *out = p, *r = p + 1;

          for (;;)
            {
              if (r >= le)
                {
                  g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_BAD_ROW,
                               "%s:%" G_GUINT64_FORMAT ": field %u: unterminated quote",
                               self->path, self->line, n + 1);
                  return -1;
                }
              if (*r == '"')
                {
                  if (r + 1 < le && r[1] == '"')
                    {
                      *out++ = '"';
                      r += 2;
                      continue;
                    }
                  r++;
                  break;
                }
              *out++ = *r++;
            }
          if (r < le && *r != delim)
            {
              g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_BAD_ROW,
                           "%s:%" G_GUINT64_FORMAT ": field %u: text after a closing quote",
                           self->path, self->line, n + 1);
              return -1;
            }
          *out = '\0';
          reader_add_field (self, n++, p, out - p);
          q = r;
        }
      else
        {
          while (q < le && *q != delim)
            q++;
          *q = '\0';
          reader_add_field (self, n++, p, q - p);
        }
      if (q >= le)
        break;
      *q = '\0';
      p = q + 1;
    }
  return (int) n;
}

/**
 * aat_csv_reader_next:
 * @self: a reader
 * @fields: (out) (transfer none): the fields of the record, valid until the next call
 * @error: return location for an error
 *
 * Reads the next non-empty line. Handles CRLF, a missing final newline, a UTF-8 byte
 * order mark and quoted fields (without embedded newlines).
 *
 * Returns: the number of fields (at least 1), 0 at the end of the file, or -1 with
 *   @error set
 */
int
aat_csv_reader_next (AatCsvReader *self, const AatCsvField **fields, GError **error)
{
  for (;;)
    {
      char *ls = self->buf + self->pos;
      char *nl = memchr (ls, '\n', self->end - self->pos);
      char *le;
      int n;

      if (nl == NULL)
        {
          if (!self->eof)
            {
              if (!reader_fill (self, error))
                return -1;
              continue;
            }
          if (self->pos == self->end)
            return 0;
          le = self->buf + self->end;
          self->pos = self->end;
        }
      else
        {
          le = nl;
          self->pos = nl - self->buf + 1;
        }
      self->line++;
      if (le > ls && le[-1] == '\r')
        le--;
      if (self->line == 1 && le - ls >= 3 && memcmp (ls, "\xef\xbb\xbf", 3) == 0)
        ls += 3;
      if (le == ls)
        continue;
      *le = '\0';
      n = reader_split (self, ls, le, error);
      if (n < 0)
        return -1;
      *fields = self->fields;
      return n;
    }
}

/* ==== numbers and times ============================================================= */

static const double pow10_table[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  1e16, 1e17, 1e18,
};

/* An exact decimal: [-+]digits[.digits], at most 18 digits. The result is the correctly
 * rounded double of mantissa / (10^decimals × divisor) when divisor is an integer and
 * the product stays below 2^53, which covers prices in any scale LEAN uses. Anything
 * else (exponents, long mantissas, "inf") goes through g_ascii_strtod. */
static inline gboolean
parse_number (const char *s, guint len, double divisor, double *out)
{
  const char *p = s, *e = s + len;
  gboolean neg = FALSE;
  guint64 mant = 0;
  int digits = 0, decimals = 0;
  char *endp;
  double v;

  if (p < e && (*p == '-' || *p == '+'))
    neg = (*p++ == '-');
  while (p < e && (guint) (*p - '0') < 10)
    {
      mant = mant * 10 + (guint) (*p++ - '0');
      digits++;
    }
  if (p < e && *p == '.')
    {
      p++;
      while (p < e && (guint) (*p - '0') < 10)
        {
          mant = mant * 10 + (guint) (*p++ - '0');
          digits++;
          decimals++;
        }
    }
  if (p == e && digits > 0 && digits <= 18)
    {
      v = (double) mant;
      if (decimals > 0 || divisor != 1.0)
        v /= pow10_table[decimals] * divisor;
      *out = neg ? -v : v;
      return TRUE;
    }
  if (len == 0)
    return FALSE;
  v = g_ascii_strtod (s, &endp);
  if (endp != e || isnan (v))
    return FALSE;
  *out = v / divisor;
  return TRUE;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static gint64
days_from_civil (gint64 y, guint m, guint d)
{
  gint64 era;
  guint yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (guint) (y - era * 400);
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

static void
civil_from_days (gint64 z, int *year, int *month, int *day)
{
  gint64 era;
  guint doe, yoe, doy, mp, d, m;
  gint64 y;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = (gint64) yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  *year = (int) (y + (m <= 2));
  *month = (int) m;
  *day = (int) d;
}

static int
days_in_month (int y, int m)
{
  static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dim[m - 1];
}

static inline gboolean
take_digits (const char **pp, const char *e, int min, int max, int *out)
{
  const char *p = *pp;
  int v = 0, n = 0;

  while (p < e && n < max && (guint) (*p - '0') < 10)
    {
      v = v * 10 + (*p++ - '0');
      n++;
    }
  if (n < min)
    return FALSE;
  *pp = p;
  *out = v;
  return TRUE;
}

/* Parses @s with a strftime-like @fmt into local naive nanoseconds (as if UTC).
 * *precision gets the unit of the smallest field (for inclusive end bounds). */
static gboolean
parse_time_format (const char *fmt, const char *s, guint len, gint64 *naive_ns,
                   gint64 *precision)
{
  const char *p = s, *e = s + len;
  int y = 1970, mo = 1, d = 1, h = 0, mi = 0, sec = 0;
  gint64 frac = 0, prec = NS_PER_DAY;

  for (; *fmt; fmt++)
    {
      if (*fmt != '%')
        {
          if (p >= e || *p != *fmt)
            return FALSE;
          p++;
          continue;
        }
      fmt++;
      switch (*fmt)
        {
        case 'Y':
          if (!take_digits (&p, e, 4, 4, &y))
            return FALSE;
          break;
        case 'm':
          if (!take_digits (&p, e, 1, 2, &mo))
            return FALSE;
          break;
        case 'd':
          if (!take_digits (&p, e, 1, 2, &d))
            return FALSE;
          break;
        case 'H':
          if (!take_digits (&p, e, 1, 2, &h))
            return FALSE;
          prec = 3600 * NS_PER_SEC;
          break;
        case 'M':
          if (!take_digits (&p, e, 1, 2, &mi))
            return FALSE;
          prec = 60 * NS_PER_SEC;
          break;
        case 'S':
          if (!take_digits (&p, e, 1, 2, &sec))
            return FALSE;
          prec = NS_PER_SEC;
          if (p < e && *p == '.')
            {
              gint64 scale = NS_PER_SEC / 10;

              p++;
              if (p >= e || (guint) (*p - '0') >= 10)
                return FALSE;
              while (p < e && (guint) (*p - '0') < 10)
                {
                  frac += (*p++ - '0') * scale;
                  scale /= 10;
                }
              prec = 1;
            }
          break;
        case '%':
          if (p >= e || *p != '%')
            return FALSE;
          p++;
          break;
        default:
          return FALSE;
        }
    }
  if (p != e)
    return FALSE;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month (y, mo) || h > 23 || mi > 59 ||
      sec > 60)
    return FALSE;
  *naive_ns = (days_from_civil (y, (guint) mo, (guint) d) * 86400 + h * 3600 + mi * 60 + sec) *
              NS_PER_SEC + frac;
  if (precision)
    *precision = prec;
  return TRUE;
}

static const char *const auto_formats[] = {
  "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
  "%Y%m%d %H:%M:%S", "%Y%m%d %H:%M", "%Y%m%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d", NULL,
};

/* Parses a bound or a date option with the automatic formats. */
static gboolean
parse_naive_any (const char *text, gint64 *naive_ns, gint64 *precision)
{
  for (guint i = 0; auto_formats[i]; i++)
    if (parse_time_format (auto_formats[i], text, strlen (text), naive_ns, precision))
      return TRUE;
  return FALSE;
}

static gboolean
parse_time_of_day (const char *text, gint64 *ns, gint64 *precision)
{
  static const char *const formats[] = { "%H:%M:%S", "%H:%M", NULL };

  for (guint i = 0; formats[i]; i++)
    if (parse_time_format (formats[i], text, strlen (text), ns, precision))
      return TRUE;
  return FALSE;
}

/* ==== rows ========================================================================== */

typedef enum {
  ROLE_IGNORE = -1,
  ROLE_TIME,
  ROLE_TIME_OF_DAY,
  ROLE_OPEN,
  ROLE_HIGH,
  ROLE_LOW,
  ROLE_CLOSE,
  ROLE_VOLUME,
  ROLE_ADJ_CLOSE,
  ROLE_PRICE,
  ROLE_SIZE,
  ROLE_SYMBOL,
  ROLE_BID,
  ROLE_BID_SIZE,
  ROLE_ASK,
  ROLE_ASK_SIZE,
  ROLE_BID_OPEN,
  ROLE_BID_HIGH,
  ROLE_BID_LOW,
  ROLE_ASK_OPEN,
  ROLE_ASK_HIGH,
  ROLE_ASK_LOW,
  ROLE_SUSPICIOUS,
  N_ROLES
} Role;

/* The canonical name of each role: used in error messages and in `columns`. */
static const char *const role_names[N_ROLES] = {
  "time", "time-of-day", "open", "high", "low", "close", "volume", "adj-close", "price",
  "size", "symbol", "bid", "bid-size", "ask", "ask-size", "bid-open", "bid-high",
  "bid-low", "ask-open", "ask-high", "ask-low", "suspicious",
};

/* Header names, lowercased with everything but letters and digits removed. */
static const struct {
  const char *name;
  Role role;
} role_aliases[] = {
  { "date", ROLE_TIME }, { "datetime", ROLE_TIME }, { "timestamp", ROLE_TIME },
  { "time", ROLE_TIME }, { "ms", ROLE_TIME }, { "timeofday", ROLE_TIME_OF_DAY },
  { "open", ROLE_OPEN }, { "high", ROLE_HIGH }, { "low", ROLE_LOW },
  { "close", ROLE_CLOSE }, { "volume", ROLE_VOLUME }, { "vol", ROLE_VOLUME },
  { "adjclose", ROLE_ADJ_CLOSE }, { "price", ROLE_PRICE }, { "last", ROLE_PRICE },
  { "size", ROLE_SIZE }, { "quantity", ROLE_SIZE }, { "qty", ROLE_SIZE },
  { "amount", ROLE_SIZE }, { "symbol", ROLE_SYMBOL }, { "ticker", ROLE_SYMBOL },
  { "bid", ROLE_BID }, { "bidclose", ROLE_BID }, { "bidsize", ROLE_BID_SIZE },
  { "lastbidsize", ROLE_BID_SIZE }, { "ask", ROLE_ASK }, { "askclose", ROLE_ASK },
  { "asksize", ROLE_ASK_SIZE }, { "lastasksize", ROLE_ASK_SIZE },
  { "bidopen", ROLE_BID_OPEN }, { "bidhigh", ROLE_BID_HIGH }, { "bidlow", ROLE_BID_LOW },
  { "askopen", ROLE_ASK_OPEN }, { "askhigh", ROLE_ASK_HIGH }, { "asklow", ROLE_ASK_LOW },
  { "suspicious", ROLE_SUSPICIOUS }, { "openinterest", ROLE_IGNORE },
  { "skip", ROLE_IGNORE }, { "", ROLE_IGNORE },
};

static gboolean
role_from_name (const char *name, Role *role)
{
  char key[64];
  guint n = 0;

  for (const char *p = name; *p && n < sizeof key - 1; p++)
    if (g_ascii_isalnum (*p))
      key[n++] = g_ascii_tolower (*p);
  key[n] = '\0';
  for (guint i = 0; i < G_N_ELEMENTS (role_aliases); i++)
    if (strcmp (key, role_aliases[i].name) == 0)
      {
        *role = role_aliases[i].role;
        return TRUE;
      }
  return FALSE;
}

typedef struct {
  gint32 date;          /* yyyymmdd */
  double factor;        /* price_factor × split_factor */
} FactorRow;

typedef enum {
  TIME_FORMAT_AUTO,
  TIME_FORMAT_PATTERN,
  TIME_FORMAT_MS_MIDNIGHT,
  TIME_FORMAT_UNIX,
} TimeFormatKind;

struct _AatCsvSource
{
  AatCsvReader *reader;
  char *path;
  AatCsvKind kind;
  AatCsvBadRows bad_rows;
  AatCsvAdjust adjust;
  char *symbol;
  gboolean skip_suspicious;

  int col[N_ROLES];     /* column index of each role, or -1 */
  guint n_needed;       /* a row needs this many fields */

  TimeFormatKind time_kind;
  char *time_format;
  gint64 unix_unit;     /* ns per unit for TIME_FORMAT_UNIX */
  gboolean fixed_interval;
  gint64 interval;
  gboolean interval_from_name;
  gint64 base_date_naive;   /* ms-since-midnight: the date's local midnight, naive ns */
  gboolean have_base_date;

  GTimeZone *tz;
  gint64 cached_hour;       /* local naive hour of cached_offset */
  gint64 cached_offset;     /* ns to subtract from local naive time */

  double divisor;

  FactorRow *factors;
  guint n_factors;
  guint factor_pos;
  gint64 factor_day;        /* the day (since epoch) of factor_value */
  double factor_value;

  gboolean have_session;
  gint64 session_start, session_end;   /* inclusive, ns since local midnight */
  gboolean have_start, have_end;
  gint64 start, end;                   /* UTC ns; end inclusive */

  gboolean pending_first;   /* the first record was data: return it before reading */
  int pending_n;
  const AatCsvField *pending_fields;

  gboolean done;
  gboolean have_last;
  gint64 last_time;
  guint64 rows;
  guint64 skipped;
};

/**
 * aat_csv_options_init:
 * @options: (out caller-allocates): options to fill
 *
 * Sets @options to the defaults: automatic kind, header, time format and interval,
 * comma separator, UTC, no scale or adjustment, fail on bad rows.
 */
void
aat_csv_options_init (AatCsvOptions *options)
{
  memset (options, 0, sizeof *options);
  options->kind = AAT_CSV_KIND_AUTO;
  options->header = -1;
  options->delimiter = ',';
  options->price_scale = 1.0;
  options->bad_rows = AAT_CSV_BAD_ROWS_FAIL;
  options->adjust = AAT_CSV_ADJUST_NONE;
}

/**
 * aat_csv_symbol_from_path:
 * @path: a data file
 *
 * Derives a symbol from a file name: LEAN's "20131007_spy_minute_trade.csv" and
 * "spy.csv" give "SPY", "orcl-1995-2014.txt" gives "ORCL"; a name that does not start
 * with a letter is used whole, without its extension.
 *
 * Returns: (transfer full): the symbol
 */
char *
aat_csv_symbol_from_path (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *p = base;
  const char *q;
  char *dot;

  if (strlen (p) > 9 && p[8] == '_')
    {
      gboolean digits = TRUE;
      for (int i = 0; i < 8; i++)
        digits = digits && g_ascii_isdigit (p[i]);
      if (digits)
        p += 9;
    }
  if (g_ascii_isalpha (*p))
    {
      q = p;
      while (g_ascii_isalnum (*q))
        q++;
      return g_ascii_strup (p, q - p);
    }
  dot = strrchr (base, '.');
  if (dot && dot != base)
    *dot = '\0';
  return g_strdup (base);
}

static gboolean
parse_interval (const char *text, gint64 *interval)
{
  char *end;
  guint64 n;

  if (*text == '\0')
    return FALSE;
  n = g_ascii_strtoull (text, &end, 10);
  if (end == text)
    return FALSE;
  if (strcmp (end, "") == 0 && n == 0)
    *interval = 0;
  else if (strcmp (end, "s") == 0)
    *interval = n * NS_PER_SEC;
  else if (strcmp (end, "m") == 0 || strcmp (end, "min") == 0)
    *interval = n * 60 * NS_PER_SEC;
  else if (strcmp (end, "h") == 0)
    *interval = n * 3600 * NS_PER_SEC;
  else if (strcmp (end, "d") == 0)
    *interval = n * NS_PER_DAY;
  else if (strcmp (end, "ms") == 0)
    *interval = n * 1000000;
  else
    return FALSE;
  return TRUE;
}

/* Local naive ns → UTC ns, with the zone's offset cached per local hour. */
static inline gint64
source_to_utc (AatCsvSource *self, gint64 naive_ns)
{
  gint64 hour = naive_ns >= 0 ? naive_ns / (3600 * NS_PER_SEC)
                              : (naive_ns - 3600 * NS_PER_SEC + 1) / (3600 * NS_PER_SEC);

  if (G_UNLIKELY (hour != self->cached_hour))
    {
      gint64 t = hour * 3600;
      int interval = g_time_zone_adjust_time (self->tz, G_TIME_TYPE_STANDARD, &t);

      self->cached_offset = (gint64) g_time_zone_get_offset (self->tz, interval) * NS_PER_SEC;
      self->cached_hour = hour;
    }
  return naive_ns - self->cached_offset;
}

static gboolean
load_factor_file (AatCsvSource *self, const char *path, GError **error)
{
  g_autoptr (AatCsvReader) reader = aat_csv_reader_open (path, ',', error);
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (FactorRow));
  const AatCsvField *f;
  int n;

  if (reader == NULL)
    return FALSE;
  while ((n = aat_csv_reader_next (reader, &f, error)) > 0)
    {
      FactorRow row;
      double pf, sf;
      gint64 naive;

      if (n < 3 || !parse_time_format ("%Y%m%d", f[0].str, f[0].len, &naive, NULL) ||
          !parse_number (f[1].str, f[1].len, 1.0, &pf) ||
          !parse_number (f[2].str, f[2].len, 1.0, &sf))
        {
          g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_BAD_ROW,
                       "%s:%" G_GUINT64_FORMAT ": not a factor row "
                       "(yyyyMMdd,price_factor,split_factor,reference_price)",
                       path, aat_csv_reader_get_line (reader));
          return FALSE;
        }
      row.date = (gint32) g_ascii_strtoll (f[0].str, NULL, 10);
      row.factor = pf * sf;
      if (rows->len > 0 && g_array_index (rows, FactorRow, rows->len - 1).date >= row.date)
        {
          g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_BAD_ROW,
                       "%s:%" G_GUINT64_FORMAT ": factor dates must increase", path,
                       aat_csv_reader_get_line (reader));
          return FALSE;
        }
      g_array_append_val (rows, row);
    }
  if (n < 0)
    return FALSE;
  if (rows->len == 0)
    {
      g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_BAD_ROW, "%s: no factor rows", path);
      return FALSE;
    }
  self->n_factors = rows->len;
  self->factors = (FactorRow *) g_array_free (g_steal_pointer (&rows), FALSE);
  return TRUE;
}

/* The factor of the row's local day: the first factor row dated on or after it. Rows
 * come in time order, so the search usually moves forward by zero or one. */
static inline double
source_factor (AatCsvSource *self, gint64 naive_ns)
{
  gint64 day = naive_ns >= 0 ? naive_ns / NS_PER_DAY : (naive_ns - NS_PER_DAY + 1) / NS_PER_DAY;

  if (G_UNLIKELY (day != self->factor_day))
    {
      int y, m, d;
      gint32 ymd;
      guint i;

      civil_from_days (day, &y, &m, &d);
      ymd = y * 10000 + m * 100 + d;
      i = (self->factor_pos < self->n_factors && (self->factor_pos == 0 ||
           self->factors[self->factor_pos - 1].date < ymd)) ? self->factor_pos : 0;
      while (i < self->n_factors && self->factors[i].date < ymd)
        i++;
      self->factor_pos = i;
      /* After the last row (past the sentinel) no adjustment applies. */
      self->factor_value = i < self->n_factors ? self->factors[i].factor : 1.0;
      self->factor_day = day;
    }
  return self->factor_value;
}

static gboolean
source_set_columns_from_names (AatCsvSource *self, char **names, guint n, gboolean strict,
                               GError **error)
{
  for (guint i = 0; i < N_ROLES; i++)
    self->col[i] = -1;
  for (guint i = 0; i < n; i++)
    {
      Role role;

      if (!role_from_name (g_strstrip (names[i]), &role))
        {
          if (!strict)
            continue;
          g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                       "%s: columns: unknown column '%s'", self->path, names[i]);
          return FALSE;
        }
      if (role == ROLE_IGNORE)
        continue;
      /* With both "Date" and "Time" columns, "Time" is the time of day. */
      if (role == ROLE_TIME && self->col[ROLE_TIME] >= 0)
        role = ROLE_TIME_OF_DAY;
      if (self->col[role] < 0)
        self->col[role] = (int) i;
    }
  return TRUE;
}

static const char *
default_columns (AatCsvKind kind)
{
  switch (kind)
    {
    case AAT_CSV_KIND_TRADES:
      return "time,price,size,-,-,suspicious";
    case AAT_CSV_KIND_QUOTES:
      return "time,bid-open,bid-high,bid-low,bid,bid-size,ask-open,ask-high,ask-low,ask,ask-size";
    case AAT_CSV_KIND_BARS:
    case AAT_CSV_KIND_AUTO:
    default:
      return "time,open,high,low,close,volume";
    }
}

/* Checks that the kind's required roles have columns, and resolves fallbacks. */
static gboolean
source_check_columns (AatCsvSource *self, GError **error)
{
  static const Role bars[] = { ROLE_TIME, ROLE_OPEN, ROLE_HIGH, ROLE_LOW, ROLE_CLOSE, N_ROLES };
  static const Role trades[] = { ROLE_TIME, ROLE_PRICE, N_ROLES };
  static const Role quotes[] = { ROLE_TIME, ROLE_BID, ROLE_ASK, N_ROLES };
  const Role *need;

  if (self->kind == AAT_CSV_KIND_TRADES)
    {
      if (self->col[ROLE_PRICE] < 0)
        self->col[ROLE_PRICE] = self->col[ROLE_CLOSE];
      if (self->col[ROLE_SIZE] < 0)
        self->col[ROLE_SIZE] = self->col[ROLE_VOLUME];
    }
  need = self->kind == AAT_CSV_KIND_TRADES ? trades
       : self->kind == AAT_CSV_KIND_QUOTES ? quotes : bars;
  for (guint i = 0; need[i] != N_ROLES; i++)
    if (self->col[need[i]] < 0)
      {
        g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                     "%s: no '%s' column (set 'columns')", self->path, role_names[need[i]]);
        return FALSE;
      }
  if (self->adjust == AAT_CSV_ADJUST_ADJ_CLOSE && self->col[ROLE_ADJ_CLOSE] < 0)
    {
      g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                   "%s: adjust=adj-close needs an 'Adj Close' column", self->path);
      return FALSE;
    }
  if (!self->skip_suspicious)
    self->col[ROLE_SUSPICIOUS] = -1;

  /* Only the roles this kind reads make a row too short. */
  self->n_needed = 0;
  for (guint r = 0; r < N_ROLES; r++)
    {
      gboolean used;

      if (self->col[r] < 0)
        continue;
      switch ((Role) r)
        {
        case ROLE_OPEN: case ROLE_HIGH: case ROLE_LOW: case ROLE_CLOSE: case ROLE_VOLUME:
        case ROLE_ADJ_CLOSE:
          used = self->kind == AAT_CSV_KIND_BARS;
          break;
        case ROLE_PRICE: case ROLE_SIZE:
          used = self->kind == AAT_CSV_KIND_TRADES;
          break;
        case ROLE_BID: case ROLE_BID_SIZE: case ROLE_ASK: case ROLE_ASK_SIZE:
        case ROLE_BID_OPEN: case ROLE_BID_HIGH: case ROLE_BID_LOW: case ROLE_ASK_OPEN:
        case ROLE_ASK_HIGH: case ROLE_ASK_LOW:
          used = self->kind == AAT_CSV_KIND_QUOTES;
          break;
        case ROLE_SUSPICIOUS:
          used = FALSE;     /* optional: a short row simply is not suspicious */
          break;
        case ROLE_IGNORE: case N_ROLES:
          used = FALSE;
          break;
        default:
          used = TRUE;
          break;
        }
      if (!used)
        {
          if ((Role) r != ROLE_SUSPICIOUS)
            self->col[r] = -1;
          continue;
        }
      self->n_needed = MAX (self->n_needed, (guint) self->col[r] + 1);
    }
  return TRUE;
}

static gboolean
source_set_time_format (AatCsvSource *self, const char *format, GError **error)
{
  g_clear_pointer (&self->time_format, g_free);
  if (format == NULL || *format == '\0' || strcmp (format, "auto") == 0)
    self->time_kind = TIME_FORMAT_AUTO;
  else if (strcmp (format, "ms-since-midnight") == 0)
    self->time_kind = TIME_FORMAT_MS_MIDNIGHT;
  else if (g_str_has_prefix (format, "unix"))
    {
      self->time_kind = TIME_FORMAT_UNIX;
      if (strcmp (format, "unix") == 0)
        self->unix_unit = NS_PER_SEC;
      else if (strcmp (format, "unix-ms") == 0)
        self->unix_unit = 1000000;
      else if (strcmp (format, "unix-us") == 0)
        self->unix_unit = 1000;
      else if (strcmp (format, "unix-ns") == 0)
        self->unix_unit = 1;
      else
        {
          g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                       "time-format: unknown '%s' (unix, unix-ms, unix-us, unix-ns)", format);
          return FALSE;
        }
    }
  else
    {
      self->time_kind = TIME_FORMAT_PATTERN;
      self->time_format = g_strdup (format);
    }
  return TRUE;
}

static gboolean
source_need_base_date (AatCsvSource *self, GError **error)
{
  if (self->have_base_date)
    return TRUE;
  g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
               "%s: ms-since-midnight times need a date: set 'date' or name the file "
               "like 20131007_spy_minute_trade.csv", self->path);
  return FALSE;
}

/* The file name's first run of exactly 8 digits, as a date. */
static gboolean
date_from_path (const char *path, gint64 *naive_ns)
{
  g_autofree char *base = g_path_get_basename (path);

  for (const char *p = base; *p; p++)
    {
      const char *q = p;

      if (!g_ascii_isdigit (*p) || (p > base && g_ascii_isdigit (p[-1])))
        continue;
      while (g_ascii_isdigit (*q))
        q++;
      if (q - p == 8 && parse_time_format ("%Y%m%d", p, 8, naive_ns, NULL))
        return TRUE;
    }
  return FALSE;
}

static void
source_auto_interval (AatCsvSource *self, gint64 naive_ns)
{
  if (self->fixed_interval || self->kind == AAT_CSV_KIND_TRADES)
    return;
  self->fixed_interval = TRUE;
  if (self->time_kind == TIME_FORMAT_MS_MIDNIGHT)
    self->interval = self->interval_from_name ? NS_PER_SEC : 60 * NS_PER_SEC;
  else if (self->time_kind == TIME_FORMAT_PATTERN && strchr (self->time_format, 'H') == NULL)
    self->interval = NS_PER_DAY;
  else if (naive_ns % NS_PER_DAY == 0)
    self->interval = NS_PER_DAY;
  else
    self->interval = 0;
}

/**
 * aat_csv_source_open:
 * @path: a CSV file
 * @options: how to read it
 * @error: return location for an error
 *
 * Opens @path and reads its header, if any. Nothing else is read until
 * aat_csv_source_next().
 *
 * Returns: (transfer full) (nullable): a source, or %NULL with @error set (the message
 *   names @path)
 */
AatCsvSource *
aat_csv_source_open (const char *path, const AatCsvOptions *options, GError **error)
{
  g_autoptr (AatCsvSource) self = NULL;
  const AatCsvField *fields;
  gboolean header;
  int n;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  self = g_new0 (AatCsvSource, 1);
  self->path = g_strdup (path);
  self->bad_rows = options->bad_rows;
  self->adjust = options->adjust;
  self->skip_suspicious = options->skip_suspicious;
  self->cached_hour = G_MININT64;
  self->factor_day = G_MININT64;
  self->divisor = options->price_scale > 0 ? options->price_scale : 1.0;

  self->kind = options->kind;
  if (self->kind == AAT_CSV_KIND_AUTO)
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *lower = g_ascii_strdown (base, -1);

      if (strstr (lower, "quote"))
        self->kind = AAT_CSV_KIND_QUOTES;
      else if (strstr (lower, "tick"))
        self->kind = AAT_CSV_KIND_TRADES;
      else
        self->kind = AAT_CSV_KIND_BARS;
    }

  if (options->symbol && *options->symbol)
    self->symbol = g_strdup (options->symbol);
  else
    self->symbol = aat_csv_symbol_from_path (path);

  if (options->timezone == NULL || *options->timezone == '\0')
    self->tz = g_time_zone_new_utc ();
  else if ((self->tz = g_time_zone_new_identifier (options->timezone)) == NULL)
    {
      g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG, "timezone: unknown zone '%s'",
                   options->timezone);
      return NULL;
    }

  if (!source_set_time_format (self, options->time_format, error))
    return NULL;

  if (options->date && *options->date)
    {
      gint64 prec;

      if (!parse_naive_any (options->date, &self->base_date_naive, &prec) || prec != NS_PER_DAY)
        {
          g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                       "date: '%s' is not a date (YYYY-MM-DD or YYYYMMDD)", options->date);
          return NULL;
        }
      self->have_base_date = TRUE;
    }
  else
    self->have_base_date = date_from_path (path, &self->base_date_naive);
  if (self->time_kind == TIME_FORMAT_MS_MIDNIGHT && !source_need_base_date (self, error))
    return NULL;

  if (options->interval && *options->interval && strcmp (options->interval, "auto") != 0)
    {
      if (!parse_interval (options->interval, &self->interval))
        {
          g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                       "interval: '%s' is not a length (like 1d, 1m, 30s, 0)",
                       options->interval);
          return NULL;
        }
      self->fixed_interval = TRUE;
    }
  else
    {
      g_autofree char *base = g_path_get_basename (path);
      self->interval_from_name = strstr (base, "second") != NULL;
    }
  if (self->kind == AAT_CSV_KIND_TRADES)
    {
      self->interval = 0;
      self->fixed_interval = TRUE;
    }

  if (options->session_start || options->session_end)
    {
      gint64 prec = 1;

      self->have_session = TRUE;
      self->session_start = 0;
      self->session_end = NS_PER_DAY - 1;
      if (options->session_start &&
          !parse_time_of_day (options->session_start, &self->session_start, &prec))
        {
          g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                       "session-start: '%s' is not HH:MM or HH:MM:SS", options->session_start);
          return NULL;
        }
      if (options->session_end)
        {
          if (!parse_time_of_day (options->session_end, &self->session_end, &prec))
            {
              g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                           "session-end: '%s' is not HH:MM or HH:MM:SS", options->session_end);
              return NULL;
            }
          self->session_end += prec - 1;
        }
    }

  if (options->start && *options->start)
    {
      gint64 naive, prec;

      if (!parse_naive_any (options->start, &naive, &prec))
        {
          g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                       "start: '%s' is not a date (YYYY-MM-DD[ HH:MM[:SS]])", options->start);
          return NULL;
        }
      self->have_start = TRUE;
      self->start = source_to_utc (self, naive);
    }
  if (options->end && *options->end)
    {
      gint64 naive, prec;

      if (!parse_naive_any (options->end, &naive, &prec))
        {
          g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                       "end: '%s' is not a date (YYYY-MM-DD[ HH:MM[:SS]])", options->end);
          return NULL;
        }
      self->have_end = TRUE;
      self->end = source_to_utc (self, naive + prec) - 1;
    }

  if (options->factor_file && *options->factor_file &&
      !load_factor_file (self, options->factor_file, error))
    return NULL;

  self->reader = aat_csv_reader_open (path, options->delimiter, error);
  if (self->reader == NULL)
    return NULL;

  n = aat_csv_reader_next (self->reader, &fields, error);
  if (n < 0)
    return NULL;
  if (n == 0)
    {
      self->done = TRUE;
      header = FALSE;
    }
  else if (options->header >= 0)
    header = options->header > 0;
  else
    {
      /* A header has no field that starts like a number or a date. */
      header = TRUE;
      for (int i = 0; i < n && header; i++)
        {
          char c = fields[i].str[0] == '-' || fields[i].str[0] == '+' || fields[i].str[0] == '.'
                   ? fields[i].str[1] : fields[i].str[0];
          header = !g_ascii_isdigit (c);
        }
    }

  if (options->columns && *options->columns)
    {
      g_auto (GStrv) names = g_strsplit (options->columns, ",", -1);
      if (!source_set_columns_from_names (self, names, g_strv_length (names), TRUE, error))
        return NULL;
    }
  else if (header)
    {
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      for (int i = 0; i < n; i++)
        g_ptr_array_add (names, g_strdup (fields[i].str));
      source_set_columns_from_names (self, (char **) names->pdata, names->len, FALSE, NULL);
    }
  else
    {
      g_auto (GStrv) names = g_strsplit (default_columns (self->kind), ",", -1);
      source_set_columns_from_names (self, names, g_strv_length (names), TRUE, NULL);
    }

  if (options->symbol_column && *options->symbol_column)
    {
      Role role;
      int found = -1;

      if (role_from_name (options->symbol_column, &role) && role == ROLE_SYMBOL)
        found = self->col[ROLE_SYMBOL];
      for (int i = 0; header && found < 0 && i < n; i++)
        if (g_ascii_strcasecmp (fields[i].str, options->symbol_column) == 0)
          found = i;
      if (found < 0)
        {
          g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                       "%s: symbol-column: no column '%s'", path, options->symbol_column);
          return NULL;
        }
      self->col[ROLE_SYMBOL] = found;
    }

  if (!source_check_columns (self, error))
    return NULL;

  if (n > 0 && !header)
    {
      self->pending_first = TRUE;
      self->pending_n = n;
      self->pending_fields = fields;
    }
  return g_steal_pointer (&self);
}

/**
 * aat_csv_source_free:
 * @self: (transfer full): a source
 *
 * Closes the file.
 */
void
aat_csv_source_free (AatCsvSource *self)
{
  if (self == NULL)
    return;
  aat_csv_reader_free (self->reader);
  if (self->tz)
    g_time_zone_unref (self->tz);
  g_free (self->factors);
  g_free (self->time_format);
  g_free (self->symbol);
  g_free (self->path);
  g_free (self);
}

/* Reports a bad row: under "fail" it becomes @error, under "skip" it is counted. */
G_GNUC_PRINTF (4, 5)
static gboolean
source_bad_row (AatCsvSource *self, GError **error, Role role, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (self->bad_rows == AAT_CSV_BAD_ROWS_SKIP)
    {
      self->skipped++;
      g_debug ("%s:%" G_GUINT64_FORMAT ": skipped: field '%s': %s", self->path,
               aat_csv_reader_get_line (self->reader), role_names[role], what);
      return TRUE;
    }
  g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_BAD_ROW,
               "%s:%" G_GUINT64_FORMAT ": field '%s': %s", self->path,
               aat_csv_reader_get_line (self->reader), role_names[role], what);
  self->done = TRUE;
  return FALSE;
}

#define BAD_ROW(role, ...)                                              \
  G_STMT_START {                                                        \
    if (source_bad_row (self, error, role, __VA_ARGS__))                \
      goto next_row;                                                    \
    return FALSE;                                                       \
  } G_STMT_END

#define NUMBER(role, divisor, out)                                                  \
  G_STMT_START {                                                                    \
    const AatCsvField *f_ = &fields[self->col[role]];                               \
    if (G_UNLIKELY (!parse_number (f_->str, f_->len, divisor, out)))                \
      {                                                                             \
        if (f_->len == 0)                                                           \
          BAD_ROW (role, "empty");                                                  \
        BAD_ROW (role, "not a number: '%s'", f_->str);                              \
      }                                                                             \
  } G_STMT_END

#define OPTIONAL_NUMBER(role, divisor, out, fallback)                               \
  G_STMT_START {                                                                    \
    if (self->col[role] >= 0)                                                       \
      NUMBER (role, divisor, out);                                                  \
    else                                                                            \
      *(out) = (fallback);                                                          \
  } G_STMT_END

static double
round_decimals (double x, int decimals)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];

  /* printf rounds the exact binary value, half to even: Python's round(x, n). */
  g_snprintf (format, sizeof format, "%%.%df", decimals);
  return g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, format, x), NULL);
}

/* Parses the time field(s) into local naive ns, fixing an automatic format on the
 * first row that fits one. */
static gboolean
source_parse_time (AatCsvSource *self, const AatCsvField *fields, gint64 *naive_ns)
{
  const AatCsvField *tf = &fields[self->col[ROLE_TIME]];
  const char *text = tf->str;
  guint len = tf->len;
  char joined[128];

  if (self->col[ROLE_TIME_OF_DAY] >= 0)
    {
      const AatCsvField *tod = &fields[self->col[ROLE_TIME_OF_DAY]];

      if (tf->len + tod->len + 2 > sizeof joined)
        return FALSE;
      memcpy (joined, tf->str, tf->len);
      joined[tf->len] = ' ';
      memcpy (joined + tf->len + 1, tod->str, tod->len + 1);
      text = joined;
      len = tf->len + 1 + tod->len;
    }

  switch (self->time_kind)
    {
    case TIME_FORMAT_MS_MIDNIGHT:
      {
        guint64 ms = 0;

        if (len == 0 || len > 12)
          return FALSE;
        for (guint i = 0; i < len; i++)
          {
            guint digit = (guint) (text[i] - '0');
            if (digit >= 10)
              return FALSE;
            ms = ms * 10 + digit;
          }
        *naive_ns = self->base_date_naive + (gint64) ms * 1000000;
        return TRUE;
      }
    case TIME_FORMAT_UNIX:
      {
        double v;

        if (!parse_number (text, len, 1.0, &v))
          return FALSE;
        /* Unix times are UTC: the caller skips the zone conversion. */
        *naive_ns = (gint64) llround (v * (double) self->unix_unit);
        return TRUE;
      }
    case TIME_FORMAT_PATTERN:
      return parse_time_format (self->time_format, text, len, naive_ns, NULL);
    case TIME_FORMAT_AUTO:
      for (guint i = 0; auto_formats[i]; i++)
        if (parse_time_format (auto_formats[i], text, len, naive_ns, NULL))
          {
            self->time_kind = TIME_FORMAT_PATTERN;
            self->time_format = g_strdup (auto_formats[i]);
            return TRUE;
          }
      /* All digits and less than a day of milliseconds: LEAN's intraday files. */
      if (self->have_base_date && len > 0 && len <= 8)
        {
          self->time_kind = TIME_FORMAT_MS_MIDNIGHT;
          if (source_parse_time (self, fields, naive_ns) && *naive_ns - self->base_date_naive < NS_PER_DAY)
            return TRUE;
          self->time_kind = TIME_FORMAT_AUTO;
        }
      return FALSE;
    default:
      return FALSE;
    }
}

/**
 * aat_csv_source_next:
 * @self: a source
 * @row: (out caller-allocates): the next row
 * @error: return location for an error
 *
 * Reads the next row that passes the filters. Bad rows are an error or skipped, by
 * the source's policy. A row whose time is earlier than the previous row's is a bad
 * row (field 'time'), because the merge relies on each file being in time order; equal
 * times are fine.
 *
 * Returns: %TRUE with @row filled; %FALSE at the end (@error unset) or on an error
 */
gboolean
aat_csv_source_next (AatCsvSource *self, AatCsvRow *row, GError **error)
{
  const AatCsvField *fields;
  int n;

  if (self->done)
    return FALSE;

  for (;;)
    {
      gint64 naive, utc, tod;
      double factor = 1.0;
      double divisor = self->divisor;

      if (self->pending_first)
        {
          self->pending_first = FALSE;
          fields = self->pending_fields;
          n = self->pending_n;
        }
      else
        {
          GError *local = NULL;

          n = aat_csv_reader_next (self->reader, &fields, &local);
          if (G_UNLIKELY (n < 0 && self->bad_rows == AAT_CSV_BAD_ROWS_SKIP &&
                          g_error_matches (local, AAT_CSV_ERROR, AAT_CSV_ERROR_BAD_ROW)))
            {
              /* An unclosed quote or an overlong line: the reader has moved past it. */
              self->skipped++;
              g_debug ("skipped: %s", local->message);
              g_error_free (local);
              continue;
            }
          if (n <= 0)
            {
              if (local)
                g_propagate_error (error, local);
              self->done = TRUE;
              return FALSE;
            }
        }

      if (G_UNLIKELY ((guint) n < self->n_needed))
        {
          Role missing = ROLE_TIME;

          for (guint r = 0; r < N_ROLES; r++)
            if (self->col[r] >= n && (Role) r != ROLE_SUSPICIOUS)
              {
                missing = (Role) r;
                break;
              }
          BAD_ROW (missing, "missing (the row has %d field%s)", n, n == 1 ? "" : "s");
        }

      if (G_UNLIKELY (!source_parse_time (self, fields, &naive)))
        {
          const AatCsvField *tf = &fields[self->col[ROLE_TIME]];

          if (self->time_kind == TIME_FORMAT_AUTO)
            BAD_ROW (ROLE_TIME, "bad date: '%s' (no known format; set 'time-format')", tf->str);
          BAD_ROW (ROLE_TIME, "bad date: '%s' (format '%s')", tf->str,
                   self->time_kind == TIME_FORMAT_PATTERN ? self->time_format
                   : self->time_kind == TIME_FORMAT_UNIX ? "unix" : "ms-since-midnight");
        }
      if (self->time_kind == TIME_FORMAT_UNIX)
        {
          /* Unix times are UTC already; the local time is only needed by the session
           * filter and the factor file. */
          utc = naive;
          if (self->have_session || self->n_factors > 0)
            {
              int interval = g_time_zone_find_interval (self->tz, G_TIME_TYPE_UNIVERSAL,
                                                        utc / NS_PER_SEC);
              naive = utc + (gint64) g_time_zone_get_offset (self->tz, interval) * NS_PER_SEC;
            }
        }
      else
        utc = source_to_utc (self, naive);
      if (!self->fixed_interval)
        source_auto_interval (self, naive);

      if (G_UNLIKELY (self->have_last && utc < self->last_time))
        {
          g_autofree char *prev = NULL;
          g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (self->last_time / NS_PER_SEC);

          prev = g_date_time_format_iso8601 (dt);
          BAD_ROW (ROLE_TIME, "time goes backwards: '%s' is before the previous row (%s)",
                   fields[self->col[ROLE_TIME]].str, prev);
        }
      self->last_time = utc;
      self->have_last = TRUE;

      if (self->have_end && utc > self->end)
        {
          /* Files are in time order: nothing later can pass. */
          self->done = TRUE;
          return FALSE;
        }
      if (self->have_start && utc < self->start)
        goto next_row;
      if (self->have_session)
        {
          tod = naive % NS_PER_DAY;
          if (tod < 0)
            tod += NS_PER_DAY;
          if (tod < self->session_start || tod > self->session_end)
            goto next_row;
        }

      if (self->n_factors > 0)
        factor = source_factor (self, naive);

      row->kind = self->kind;
      row->time = utc;
      row->interval = self->interval;
      row->line = aat_csv_reader_get_line (self->reader);
      row->symbol = self->col[ROLE_SYMBOL] >= 0 ? fields[self->col[ROLE_SYMBOL]].str : self->symbol;

      switch (self->kind)
        {
        case AAT_CSV_KIND_TRADES:
          NUMBER (ROLE_PRICE, divisor, &row->close);
          OPTIONAL_NUMBER (ROLE_SIZE, 1.0, &row->volume, 0.0);
          if (self->col[ROLE_SUSPICIOUS] >= 0 && self->col[ROLE_SUSPICIOUS] < n)
            {
              const AatCsvField *f = &fields[self->col[ROLE_SUSPICIOUS]];
              if (f->len == 1 && f->str[0] == '1')
                goto next_row;
            }
          row->close *= factor;
          row->open = row->high = row->low = row->close;
          break;

        case AAT_CSV_KIND_QUOTES:
          NUMBER (ROLE_BID, divisor, &row->bid);
          NUMBER (ROLE_ASK, divisor, &row->ask);
          OPTIONAL_NUMBER (ROLE_BID_SIZE, 1.0, &row->bid_size, 0.0);
          OPTIONAL_NUMBER (ROLE_ASK_SIZE, 1.0, &row->ask_size, 0.0);
          OPTIONAL_NUMBER (ROLE_BID_OPEN, divisor, &row->bid_open, row->bid);
          OPTIONAL_NUMBER (ROLE_BID_HIGH, divisor, &row->bid_high, row->bid);
          OPTIONAL_NUMBER (ROLE_BID_LOW, divisor, &row->bid_low, row->bid);
          OPTIONAL_NUMBER (ROLE_ASK_OPEN, divisor, &row->ask_open, row->ask);
          OPTIONAL_NUMBER (ROLE_ASK_HIGH, divisor, &row->ask_high, row->ask);
          OPTIONAL_NUMBER (ROLE_ASK_LOW, divisor, &row->ask_low, row->ask);
          row->bid *= factor;
          row->ask *= factor;
          row->bid_open *= factor;
          row->bid_high *= factor;
          row->bid_low *= factor;
          row->ask_open *= factor;
          row->ask_high *= factor;
          row->ask_low *= factor;
          break;

        case AAT_CSV_KIND_BARS:
        case AAT_CSV_KIND_AUTO:
        default:
          NUMBER (ROLE_OPEN, divisor, &row->open);
          NUMBER (ROLE_HIGH, divisor, &row->high);
          NUMBER (ROLE_LOW, divisor, &row->low);
          NUMBER (ROLE_CLOSE, divisor, &row->close);
          OPTIONAL_NUMBER (ROLE_VOLUME, 1.0, &row->volume, 0.0);
          if (self->adjust == AAT_CSV_ADJUST_ADJ_CLOSE)
            {
              double adj, f;

              NUMBER (ROLE_ADJ_CLOSE, divisor, &adj);
              if (!(adj > 0.0) || !(row->close > 0.0))
                BAD_ROW (ROLE_ADJ_CLOSE, "cannot adjust with close %g and adj close %g",
                         row->close, adj);
              f = row->close / adj;
              row->open = round_decimals (row->open / f, 2);
              row->high = round_decimals (row->high / f, 2);
              row->low = round_decimals (row->low / f, 2);
              row->close = round_decimals (adj, 2);
            }
          row->open *= factor;
          row->high *= factor;
          row->low *= factor;
          row->close *= factor;
          break;
        }
      if (row->kind != AAT_CSV_KIND_QUOTES)
        row->bid = row->ask = row->bid_size = row->ask_size = 0.0;
      self->rows++;
      return TRUE;

    next_row:
      ;
    }
}

/**
 * aat_csv_source_get_path:
 * @self: a source
 *
 * Returns: (transfer none): the file it reads
 */
const char *
aat_csv_source_get_path (AatCsvSource *self)
{
  return self->path;
}

/**
 * aat_csv_source_get_symbol:
 * @self: a source
 *
 * Returns: (transfer none): the symbol of its rows when there is no symbol column
 */
const char *
aat_csv_source_get_symbol (AatCsvSource *self)
{
  return self->symbol;
}

/**
 * aat_csv_source_get_kind:
 * @self: a source
 *
 * Returns: what its rows are (never %AAT_CSV_KIND_AUTO)
 */
AatCsvKind
aat_csv_source_get_kind (AatCsvSource *self)
{
  return self->kind;
}

/**
 * aat_csv_source_get_rows:
 * @self: a source
 *
 * Returns: the rows returned so far
 */
guint64
aat_csv_source_get_rows (AatCsvSource *self)
{
  return self->rows;
}

/**
 * aat_csv_source_get_skipped:
 * @self: a source
 *
 * Returns: the bad rows skipped so far (policy "skip")
 */
guint64
aat_csv_source_get_skipped (AatCsvSource *self)
{
  return self->skipped;
}

/**
 * aat_csv_source_get_buffer_size:
 * @self: a source
 *
 * Returns: the bytes of its read buffers
 */
gsize
aat_csv_source_get_buffer_size (AatCsvSource *self)
{
  return aat_csv_reader_get_buffer_size (self->reader);
}

/* ==== the merge ===================================================================== */

typedef struct {
  AatCsvSource *source;
  AatCsvRow row;
  gint64 key;           /* when the row becomes known: time + interval */
} FeedEntry;

struct _AatCsvFeed
{
  GPtrArray *entries;   /* FeedEntry*, by source index */
  guint *heap;          /* source indices with a pending row */
  guint n_heap;
  gint advance;         /* the source whose row was returned last, or -1 */
};

/**
 * aat_csv_feed_new:
 *
 * Returns: (transfer full): an empty merge of sources
 */
AatCsvFeed *
aat_csv_feed_new (void)
{
  AatCsvFeed *self = g_new0 (AatCsvFeed, 1);

  self->entries = g_ptr_array_new ();
  self->advance = -1;
  return self;
}

/**
 * aat_csv_feed_free:
 * @self: (transfer full): a feed
 *
 * Frees the feed and its sources.
 */
void
aat_csv_feed_free (AatCsvFeed *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->entries->len; i++)
    {
      FeedEntry *e = g_ptr_array_index (self->entries, i);
      aat_csv_source_free (e->source);
      g_free (e);
    }
  g_ptr_array_unref (self->entries);
  g_free (self->heap);
  g_free (self);
}

static inline gboolean
feed_less (AatCsvFeed *self, guint a, guint b)
{
  FeedEntry *ea = g_ptr_array_index (self->entries, a);
  FeedEntry *eb = g_ptr_array_index (self->entries, b);

  return ea->key < eb->key || (ea->key == eb->key && a < b);
}

static void
feed_sift_down (AatCsvFeed *self, guint i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i, t;

      if (l < self->n_heap && feed_less (self, self->heap[l], self->heap[m]))
        m = l;
      if (r < self->n_heap && feed_less (self, self->heap[r], self->heap[m]))
        m = r;
      if (m == i)
        return;
      t = self->heap[i];
      self->heap[i] = self->heap[m];
      self->heap[m] = t;
      i = m;
    }
}

static void
feed_sift_up (AatCsvFeed *self, guint i)
{
  while (i > 0)
    {
      guint p = (i - 1) / 2, t;

      if (!feed_less (self, self->heap[i], self->heap[p]))
        return;
      t = self->heap[i];
      self->heap[i] = self->heap[p];
      self->heap[p] = t;
      i = p;
    }
}

/**
 * aat_csv_feed_add:
 * @self: a feed
 * @source: (transfer full): a source; its index is the number of sources added before
 * @error: return location for an error
 *
 * Adds @source and reads its first row, so an error in it shows here.
 *
 * Returns: %TRUE on success (@source is owned by the feed either way)
 */
gboolean
aat_csv_feed_add (AatCsvFeed *self, AatCsvSource *source, GError **error)
{
  FeedEntry *e = g_new0 (FeedEntry, 1);
  guint index = self->entries->len;

  e->source = source;
  g_ptr_array_add (self->entries, e);
  self->heap = g_renew (guint, self->heap, self->entries->len);
  if (aat_csv_source_next (source, &e->row, error))
    {
      e->key = e->row.time + e->row.interval;
      self->heap[self->n_heap] = index;
      feed_sift_up (self, self->n_heap++);
      return TRUE;
    }
  return error == NULL || *error == NULL;
}

/**
 * aat_csv_feed_next:
 * @self: a feed
 * @source_index: (out) (optional): the index of the row's source
 * @error: return location for an error
 *
 * Returns the earliest pending row of all sources: by the time it becomes known (a
 * bar's end, a trade's time), then by source index; rows of one source keep file order.
 *
 * Returns: (transfer none) (nullable): the row, valid until the next call; %NULL at the
 *   end (@error unset) or on an error
 */
const AatCsvRow *
aat_csv_feed_next (AatCsvFeed *self, guint *source_index, GError **error)
{
  FeedEntry *e;

  if (self->advance >= 0)
    {
      /* Read the next row of the source returned last, now that its row is done with. */
      e = g_ptr_array_index (self->entries, self->advance);
      self->advance = -1;
      if (aat_csv_source_next (e->source, &e->row, error))
        {
          e->key = e->row.time + e->row.interval;
          feed_sift_down (self, 0);
        }
      else
        {
          self->heap[0] = self->heap[--self->n_heap];
          if (self->n_heap > 0)
            feed_sift_down (self, 0);
          if (error && *error)
            return NULL;
        }
    }
  if (self->n_heap == 0)
    return NULL;
  self->advance = (gint) self->heap[0];
  e = g_ptr_array_index (self->entries, self->heap[0]);
  if (source_index)
    *source_index = self->heap[0];
  return &e->row;
}

/**
 * aat_csv_feed_get_n_sources:
 * @self: a feed
 *
 * Returns: the number of sources
 */
guint
aat_csv_feed_get_n_sources (AatCsvFeed *self)
{
  return self->entries->len;
}

/**
 * aat_csv_feed_get_source:
 * @self: a feed
 * @index: a source index
 *
 * Returns: (transfer none): the source
 */
AatCsvSource *
aat_csv_feed_get_source (AatCsvFeed *self, guint index)
{
  g_return_val_if_fail (index < self->entries->len, NULL);
  return ((FeedEntry *) g_ptr_array_index (self->entries, index))->source;
}

/* ---- issue 7: progress ---- */
/**
 * aat_csv_source_get_progress:
 * @self: a source
 * @done: (out): the bytes of the file consumed so far
 * @size: (out): the file's size; 0 when it is not a regular file
 *
 * How far the source has read its file, for a progress display (two system calls).
 */
void
aat_csv_source_get_progress (AatCsvSource *self, guint64 *done, guint64 *size)
{
  AatCsvReader *r = self->reader;
  struct stat st;
  off_t off;

  *done = *size = 0;
  if (r == NULL || r->fd < 0 || fstat (r->fd, &st) != 0 || !S_ISREG (st.st_mode))
    return;
  off = lseek (r->fd, 0, SEEK_CUR);
  if (off < 0)
    return;
  *size = st.st_size;
  /* the file offset, less what is buffered but not yet consumed */
  *done = (guint64) off > r->end - r->pos ? (guint64) off - (r->end - r->pos) : 0;
  if (*done > *size)
    *done = *size;
}
/* ---- end issue 7 ---- */

/* ==== option text =================================================================== */

/**
 * aat_csv_parse_kind:
 * @text: "auto", "trades" (or "ticks"), "bars" or "quotes"
 * @kind: (out): the kind
 * @error: return location for an error
 *
 * Returns: %TRUE if @text names a kind
 */
gboolean
aat_csv_parse_kind (const char *text, AatCsvKind *kind, GError **error)
{
  if (text == NULL || *text == '\0' || strcmp (text, "auto") == 0)
    *kind = AAT_CSV_KIND_AUTO;
  else if (strcmp (text, "trades") == 0 || strcmp (text, "ticks") == 0 ||
           strcmp (text, "trade") == 0 || strcmp (text, "tick") == 0)
    *kind = AAT_CSV_KIND_TRADES;
  else if (strcmp (text, "bars") == 0 || strcmp (text, "bar") == 0)
    *kind = AAT_CSV_KIND_BARS;
  else if (strcmp (text, "quotes") == 0 || strcmp (text, "quote") == 0)
    *kind = AAT_CSV_KIND_QUOTES;
  else
    {
      g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                   "kind: '%s' is not auto, trades, bars or quotes", text);
      return FALSE;
    }
  return TRUE;
}

/**
 * aat_csv_parse_bad_rows:
 * @text: "fail" or "skip"
 * @policy: (out): the policy
 * @error: return location for an error
 *
 * Returns: %TRUE if @text names a policy
 */
gboolean
aat_csv_parse_bad_rows (const char *text, AatCsvBadRows *policy, GError **error)
{
  if (text == NULL || *text == '\0' || strcmp (text, "fail") == 0)
    *policy = AAT_CSV_BAD_ROWS_FAIL;
  else if (strcmp (text, "skip") == 0)
    *policy = AAT_CSV_BAD_ROWS_SKIP;
  else
    {
      g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                   "bad-rows: '%s' is not fail or skip", text);
      return FALSE;
    }
  return TRUE;
}

/**
 * aat_csv_parse_adjust:
 * @text: "none" or "adj-close"
 * @adjust: (out): the adjustment
 * @error: return location for an error
 *
 * Returns: %TRUE if @text names an adjustment
 */
gboolean
aat_csv_parse_adjust (const char *text, AatCsvAdjust *adjust, GError **error)
{
  if (text == NULL || *text == '\0' || strcmp (text, "none") == 0)
    *adjust = AAT_CSV_ADJUST_NONE;
  else if (strcmp (text, "adj-close") == 0 || strcmp (text, "adjclose") == 0)
    *adjust = AAT_CSV_ADJUST_ADJ_CLOSE;
  else
    {
      g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                   "adjust: '%s' is not none or adj-close", text);
      return FALSE;
    }
  return TRUE;
}
