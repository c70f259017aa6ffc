/* aat-csv-reader.h: streaming CSV history: a record reader, a row parser and a
 * time-ordered merge of several files. Usable without the engine. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AAT_CSV_ERROR:
 *
 * The error domain of the CSV reader.
 */
#define AAT_CSV_ERROR (aat_csv_error_quark ())
GQuark aat_csv_error_quark (void);

/**
 * AatCsvError:
 * @AAT_CSV_ERROR_FAILED: a generic failure
 * @AAT_CSV_ERROR_OPEN: a file could not be opened
 * @AAT_CSV_ERROR_IO: a read failed
 * @AAT_CSV_ERROR_BAD_ROW: a row could not be parsed (the message names `file:line` and
 *   the field)
 * @AAT_CSV_ERROR_CONFIG: an option has a bad value
 *
 * Errors of the CSV reader.
 */
typedef enum {
  AAT_CSV_ERROR_FAILED,
  AAT_CSV_ERROR_OPEN,
  AAT_CSV_ERROR_IO,
  AAT_CSV_ERROR_BAD_ROW,
  AAT_CSV_ERROR_CONFIG,
} AatCsvError;

/* ---- records ---------------------------------------------------------------------- */

/**
 * AatCsvField:
 * @str: the field's text, NUL-terminated, unquoted
 * @len: its length in bytes
 *
 * One field of a record. It points into the reader's buffer and is valid until the
 * next call to aat_csv_reader_next().
 */
typedef struct {
  char *str;
  guint len;
} AatCsvField;

typedef struct _AatCsvReader AatCsvReader;

AatCsvReader *aat_csv_reader_open (const char *path, char delimiter, GError **error);
void aat_csv_reader_free (AatCsvReader *self);
int aat_csv_reader_next (AatCsvReader *self, const AatCsvField **fields, GError **error);
guint64 aat_csv_reader_get_line (AatCsvReader *self);
const char *aat_csv_reader_get_path (AatCsvReader *self);
gsize aat_csv_reader_get_buffer_size (AatCsvReader *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatCsvReader, aat_csv_reader_free)

/* ---- rows ------------------------------------------------------------------------- */

/**
 * AatCsvKind:
 * @AAT_CSV_KIND_AUTO: from the file name: "quote" means quotes, "tick" trades, else bars
 * @AAT_CSV_KIND_TRADES: trades or ticks
 * @AAT_CSV_KIND_BARS: OHLCV bars
 * @AAT_CSV_KIND_QUOTES: quotes or quote bars (bid and ask)
 *
 * What the rows of a file are.
 */
typedef enum {
  AAT_CSV_KIND_AUTO,
  AAT_CSV_KIND_TRADES,
  AAT_CSV_KIND_BARS,
  AAT_CSV_KIND_QUOTES,
} AatCsvKind;

/**
 * AatCsvBadRows:
 * @AAT_CSV_BAD_ROWS_FAIL: the first bad row is an error
 * @AAT_CSV_BAD_ROWS_SKIP: bad rows are skipped and counted
 *
 * What to do with a row that cannot be parsed.
 */
typedef enum {
  AAT_CSV_BAD_ROWS_FAIL,
  AAT_CSV_BAD_ROWS_SKIP,
} AatCsvBadRows;

/**
 * AatCsvAdjust:
 * @AAT_CSV_ADJUST_NONE: prices as read
 * @AAT_CSV_ADJUST_ADJ_CLOSE: the backtrader "Adj Close" rule: with
 *   `f = Close / AdjClose`, Open, High and Low become `round(X / f, 2)` and Close
 *   becomes `round(AdjClose, 2)`
 *
 * A price adjustment computed from the row itself. (A LEAN factor file is a separate
 * option and applies on top.)
 */
typedef enum {
  AAT_CSV_ADJUST_NONE,
  AAT_CSV_ADJUST_ADJ_CLOSE,
} AatCsvAdjust;

/**
 * AatCsvOptions:
 * @kind: what the rows are
 * @columns: (nullable): comma-separated column roles by position ("time,open,high,low,
 *   close,volume"; "-" skips a column); %NULL maps by header, or by the kind's default
 *   layout when the file has no header
 * @header: 1 if the first line is a header, 0 if not, -1 to detect it (no field of a
 *   header starts with a digit, or a sign or point and a digit)
 * @delimiter: the field separator, usually ','
 * @time_format: (nullable): a strftime-like format (%Y %m %d %H %M %S, %S accepting a
 *   fraction), or "ms-since-midnight", "unix", "unix-ms", "unix-us", "unix-ns"; %NULL
 *   or "auto" detects it from the first row
 * @timezone: (nullable): the zone of the times in the file (a tz identifier); %NULL
 *   means UTC
 * @date: (nullable): the date (YYYY-MM-DD or YYYYMMDD) for "ms-since-midnight" times;
 *   %NULL takes the first 8-digit run of the file name (LEAN's "20131007_spy_...")
 * @interval: (nullable): the bar length ("1d", "1m", "5m", "60s", "1h", "0"); %NULL or
 *   "auto": 1 minute for ms-since-midnight bars (1 second if the file name says
 *   "second"), 1 day for dates without a time of day or a first row at 00:00
 * @price_scale: prices are divided by it (10000 for LEAN deci-cents); 0 means 1
 * @factor_file: (nullable): a LEAN factor file; prices are multiplied by
 *   price_factor × split_factor of the first row whose date is on or after the row's
 * @adjust: an adjustment from the row's own columns
 * @session_start: (nullable): "HH:MM[:SS]": rows whose local time of day is earlier
 *   are dropped
 * @session_end: (nullable): "HH:MM[:SS]", inclusive to the precision written: rows
 *   later than it are dropped ("15:59" keeps the 15:59 bar)
 * @start: (nullable): "YYYY-MM-DD[ HH:MM[:SS]]": rows (by bar start) earlier are dropped
 * @end: (nullable): as @start, inclusive to the precision written; reading stops at the
 *   first later row
 * @bad_rows: the bad-row policy
 * @symbol: (nullable): the symbol of every row; %NULL derives it from the file name
 * @symbol_column: (nullable): the header name (or role "symbol") of a symbol column
 * @skip_suspicious: drop LEAN ticks whose sixth column ("suspicious") is 1
 *
 * How to read one file. Strings are copied by aat_csv_source_open().
 */
typedef struct {
  AatCsvKind kind;
  const char *columns;
  int header;
  char delimiter;
  const char *time_format;
  const char *timezone;
  const char *date;
  const char *interval;
  double price_scale;
  const char *factor_file;
  AatCsvAdjust adjust;
  const char *session_start;
  const char *session_end;
  const char *start;
  const char *end;
  AatCsvBadRows bad_rows;
  const char *symbol;
  const char *symbol_column;
  gboolean skip_suspicious;
} AatCsvOptions;

void aat_csv_options_init (AatCsvOptions *options);

/**
 * AatCsvRow:
 * @kind: trades, bars or quotes
 * @time: nanoseconds since the Unix epoch (UTC): the trade's time, or the bar's start
 * @interval: the bar length in nanoseconds; 0 for trades
 * @open: bars: the open
 * @high: bars: the high
 * @low: bars: the low
 * @close: bars: the close; trades: the price
 * @volume: bars: the volume; trades: the quantity
 * @bid: quotes: the bid (a quote bar's bid close)
 * @bid_size: quotes: the bid size
 * @ask: quotes: the ask (a quote bar's ask close)
 * @ask_size: quotes: the ask size
 * @bid_open: quote bars: the first bid (@bid when absent)
 * @bid_high: quote bars: the highest bid
 * @bid_low: quote bars: the lowest bid
 * @ask_open: quote bars: the first ask (@ask when absent)
 * @ask_high: quote bars: the highest ask
 * @ask_low: quote bars: the lowest ask
 * @symbol: the row's symbol; valid until the next row is read
 * @line: the line number in the file
 *
 * One parsed row. Prices are scaled and adjusted.
 */
typedef struct {
  AatCsvKind kind;
  gint64 time;
  gint64 interval;
  double open, high, low, close, volume;
  double bid, bid_size, ask, ask_size;
  double bid_open, bid_high, bid_low, ask_open, ask_high, ask_low;
  const char *symbol;
  guint64 line;
} AatCsvRow;

typedef struct _AatCsvSource AatCsvSource;

AatCsvSource *aat_csv_source_open (const char *path, const AatCsvOptions *options,
                                   GError **error);
void aat_csv_source_free (AatCsvSource *self);
gboolean aat_csv_source_next (AatCsvSource *self, AatCsvRow *row, GError **error);
const char *aat_csv_source_get_path (AatCsvSource *self);
const char *aat_csv_source_get_symbol (AatCsvSource *self);
AatCsvKind aat_csv_source_get_kind (AatCsvSource *self);
guint64 aat_csv_source_get_rows (AatCsvSource *self);
guint64 aat_csv_source_get_skipped (AatCsvSource *self);
gsize aat_csv_source_get_buffer_size (AatCsvSource *self);
void aat_csv_source_get_progress (AatCsvSource *self, guint64 *done, guint64 *size);  /* issue 7 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatCsvSource, aat_csv_source_free)

/* ---- the merge -------------------------------------------------------------------- */

typedef struct _AatCsvFeed AatCsvFeed;

AatCsvFeed *aat_csv_feed_new (void);
void aat_csv_feed_free (AatCsvFeed *self);
gboolean aat_csv_feed_add (AatCsvFeed *self, AatCsvSource *source, GError **error);
const AatCsvRow *aat_csv_feed_next (AatCsvFeed *self, guint *source_index, GError **error);
guint aat_csv_feed_get_n_sources (AatCsvFeed *self);
AatCsvSource *aat_csv_feed_get_source (AatCsvFeed *self, guint index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatCsvFeed, aat_csv_feed_free)

/* ---- helpers ---------------------------------------------------------------------- */

gboolean aat_csv_parse_kind (const char *text, AatCsvKind *kind, GError **error);
gboolean aat_csv_parse_bad_rows (const char *text, AatCsvBadRows *policy, GError **error);
gboolean aat_csv_parse_adjust (const char *text, AatCsvAdjust *adjust, GError **error);
char *aat_csv_symbol_from_path (const char *path);

G_END_DECLS
