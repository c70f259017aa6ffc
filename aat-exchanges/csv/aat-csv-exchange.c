/* aat-csv-exchange.c: the "csv" exchange: history replayed from CSV files.
 *
 * The exchange owns an AatCsvFeed (aat-csv-reader.c) that streams and merges its files
 * in time order; next_event() turns each row into an AatEvent carrying an AatTrade,
 * an AatBar or an AatQuote. The engine drops its reference to an event before it pulls
 * the next one, so one event and one payload per kind are rewritten in place for the
 * whole run (see aat_value_is_exclusive()); only when someone still holds the last one
 * is a new one allocated. Order entry is the base class's simulated broker.
 *
 * Properties are set from the `[exchange csv]` keyfile group. Relative paths resolve
 * against `base-dir` when set, else the current directory.
 */
#include <aat.h>
#include "aat-private.h"
#include "aat-csv-reader.h"

#include <string.h>

#define AAT_TYPE_CSV_EXCHANGE (aat_csv_exchange_get_type ())
G_DECLARE_FINAL_TYPE (AatCsvExchange, aat_csv_exchange, AAT, CSV_EXCHANGE, AatExchange)

struct _AatCsvExchange
{
  AatExchange parent_instance;

  /* properties */
  char **files;
  char *base_dir;
  char *kind;
  char *symbol;
  char *symbol_column;
  AatInstrumentType instrument_type;
  char *columns;
  char *header;
  char *delimiter;
  char *time_format;
  char *timezone;
  char *date;
  char *interval;
  double price_scale;
  char *factor_file;
  char *adjust;
  char *session_start;
  char *session_end;
  char *start;
  char *end;
  char *bad_rows;
  double tick_size;
  double lot_size;
  gboolean skip_suspicious;

  /* state */
  AatCsvFeed *feed;
  GPtrArray *source_instruments;   /* AatInstrument* by source index (NULL: symbol column) */
  GPtrArray *instruments;          /* every instrument seen, in order */
  GHashTable *by_symbol;           /* symbol -> AatInstrument*, for symbol columns */
  AatInstrument *last_instrument;  /* a one-entry cache for symbol columns */
  char *last_symbol;
  AatEvent *trade_event;
  AatEvent *bar_event;
  AatEvent *quote_event;
  guint64 trade_id;
  gboolean reported;
};

G_DEFINE_FINAL_TYPE (AatCsvExchange, aat_csv_exchange, AAT_TYPE_EXCHANGE)

enum {
  PROP_0,
  PROP_FILES,
  PROP_BASE_DIR,
  PROP_KIND,
  PROP_SYMBOL,
  PROP_SYMBOL_COLUMN,
  PROP_INSTRUMENT_TYPE,
  PROP_COLUMNS,
  PROP_HEADER,
  PROP_DELIMITER,
  PROP_TIME_FORMAT,
  PROP_TIMEZONE,
  PROP_DATE,
  PROP_INTERVAL,
  PROP_PRICE_SCALE,
  PROP_FACTOR_FILE,
  PROP_ADJUST,
  PROP_SESSION_START,
  PROP_SESSION_END,
  PROP_START,
  PROP_END,
  PROP_BAD_ROWS,
  PROP_SKIPPED_ROWS,
  PROP_TICK_SIZE,
  PROP_LOT_SIZE,
  PROP_SKIP_SUSPICIOUS,
  PROP_PROGRESS,        /* issue 7: progress */
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint64
csv_skipped_rows (AatCsvExchange *self)
{
  guint64 n = 0;

  if (self->feed == NULL)
    return 0;
  for (guint i = 0; i < aat_csv_feed_get_n_sources (self->feed); i++)
    n += aat_csv_source_get_skipped (aat_csv_feed_get_source (self->feed, i));
  return n;
}

/* issue 7: the bytes read over the bytes of all the files */
static double
csv_progress (AatCsvExchange *self)
{
  guint64 done = 0, size = 0;

  if (self->feed == NULL)
    return 0.0;
  for (guint i = 0; i < aat_csv_feed_get_n_sources (self->feed); i++)
    {
      guint64 d, s;

      aat_csv_source_get_progress (aat_csv_feed_get_source (self->feed, i), &d, &s);
      done += d;
      size += s;
    }
  return size > 0 ? (double) done / (double) size : 0.0;
}

/* The i-th of a comma-separated per-file list; a single value applies to every file. */
static char *
per_file (const char *list, guint i)
{
  g_auto (GStrv) parts = NULL;
  guint n;

  if (list == NULL || *list == '\0')
    return NULL;
  parts = g_strsplit (list, ",", -1);
  n = g_strv_length (parts);
  if (n == 0)
    return NULL;
  return g_strstrip (g_strdup (parts[MIN (i, n - 1)]));
}

static char *
resolve_path (AatCsvExchange *self, const char *path)
{
  if (path == NULL || g_path_is_absolute (path))
    return g_strdup (path);
  if (self->base_dir && *self->base_dir)
    return g_build_filename (self->base_dir, path, NULL);
  return g_strdup (path);
}

static AatInstrument *
csv_instrument (AatCsvExchange *self, const char *symbol)
{
  AatInstrument *instrument = g_hash_table_lookup (self->by_symbol, symbol);

  if (instrument == NULL)
    {
      instrument = aat_instrument_get (symbol, self->instrument_type);
      aat_instrument_set_tick_size (instrument, self->tick_size);
      aat_instrument_set_lot_size (instrument, self->lot_size);
      aat_instrument_add_exchange (instrument, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
      g_hash_table_insert (self->by_symbol, g_strdup (symbol), instrument);
      g_ptr_array_add (self->instruments, instrument);
    }
  return instrument;
}

static void
csv_clear (AatCsvExchange *self)
{
  g_clear_pointer (&self->feed, aat_csv_feed_free);
  g_clear_pointer (&self->source_instruments, g_ptr_array_unref);
  g_clear_pointer (&self->trade_event, aat_event_unref);
  g_clear_pointer (&self->bar_event, aat_event_unref);
  g_clear_pointer (&self->quote_event, aat_event_unref);
  g_clear_pointer (&self->last_symbol, g_free);
  self->last_instrument = NULL;
  self->reported = FALSE;
}

static gboolean
aat_csv_exchange_start (AatExchange *exchange, GError **error)
{
  AatCsvExchange *self = AAT_CSV_EXCHANGE (exchange);
  AatCsvOptions options;
  AatCsvBadRows bad_rows;
  AatCsvAdjust adjust;
  guint n_files;

  csv_clear (self);
  n_files = self->files ? g_strv_length (self->files) : 0;
  if (n_files == 0)
    {
      g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                   "exchange '%s': no files (set 'files')", aat_exchange_get_name (exchange));
      return FALSE;
    }
  if (!aat_csv_parse_bad_rows (self->bad_rows, &bad_rows, error) ||
      !aat_csv_parse_adjust (self->adjust, &adjust, error))
    return FALSE;
  if (self->delimiter && strlen (self->delimiter) > 1 && strcmp (self->delimiter, "\\t") != 0)
    {
      g_set_error (error, AAT_CSV_ERROR, AAT_CSV_ERROR_CONFIG,
                   "delimiter: '%s' is not one character", self->delimiter);
      return FALSE;
    }

  self->feed = aat_csv_feed_new ();
  self->source_instruments = g_ptr_array_new ();

  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *path = resolve_path (self, self->files[i]);
      g_autofree char *kind_text = per_file (self->kind, i);
      g_autofree char *symbol = per_file (self->symbol, i);
      g_autofree char *factor = per_file (self->factor_file, i);
      g_autofree char *factor_path = resolve_path (self, factor);
      g_autofree char *date = per_file (self->date, i);
      AatCsvSource *source;

      aat_csv_options_init (&options);
      if (!aat_csv_parse_kind (kind_text, &options.kind, error))
        return FALSE;
      options.columns = self->columns;
      if (self->header == NULL || g_ascii_strcasecmp (self->header, "auto") == 0)
        options.header = -1;
      else
        options.header = (g_ascii_strcasecmp (self->header, "true") == 0 ||
                          g_ascii_strcasecmp (self->header, "yes") == 0 ||
                          strcmp (self->header, "1") == 0);
      if (self->delimiter && *self->delimiter)
        options.delimiter = strcmp (self->delimiter, "\\t") == 0 ? '\t' : self->delimiter[0];
      options.time_format = self->time_format;
      options.timezone = self->timezone;
      options.date = date;
      options.interval = self->interval;
      options.price_scale = self->price_scale;
      options.factor_file = factor_path;
      options.adjust = adjust;
      options.session_start = self->session_start;
      options.session_end = self->session_end;
      options.start = self->start;
      options.end = self->end;
      options.bad_rows = bad_rows;
      options.symbol = symbol;
      options.symbol_column = self->symbol_column;
      options.skip_suspicious = self->skip_suspicious;

      source = aat_csv_source_open (path, &options, error);
      if (source == NULL)
        return FALSE;
      g_ptr_array_add (self->source_instruments,
                       self->symbol_column && *self->symbol_column ? NULL
                       : csv_instrument (self, aat_csv_source_get_symbol (source)));
      if (!aat_csv_feed_add (self->feed, source, error))
        return FALSE;
    }
  return TRUE;
}

static void
aat_csv_exchange_stop (AatExchange *exchange)
{
  csv_clear (AAT_CSV_EXCHANGE (exchange));
}

static GPtrArray *
aat_csv_exchange_instruments (AatExchange *exchange)
{
  AatCsvExchange *self = AAT_CSV_EXCHANGE (exchange);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->instruments->len; i++)
    g_ptr_array_add (out, g_ptr_array_index (self->instruments, i));
  return out;
}

static void
csv_report (AatCsvExchange *self)
{
  if (self->reported || self->feed == NULL)
    return;
  self->reported = TRUE;
  for (guint i = 0; i < aat_csv_feed_get_n_sources (self->feed); i++)
    {
      AatCsvSource *source = aat_csv_feed_get_source (self->feed, i);
      guint64 skipped = aat_csv_source_get_skipped (source);

      if (skipped > 0)
        g_message ("%s: skipped %" G_GUINT64_FORMAT " bad row%s (bad-rows=skip)",
                   aat_csv_source_get_path (source), skipped, skipped == 1 ? "" : "s");
    }
}

/* An event of this kind that nobody else holds, or a new one. */
static gboolean
csv_reusable (AatEvent *event)
{
  return event != NULL && aat_value_is_exclusive (&event->ref_count) &&
         aat_value_is_exclusive ((const gint *) event->payload);
}

static AatEvent *
aat_csv_exchange_next_event (AatExchange *exchange, GError **error)
{
  AatCsvExchange *self = AAT_CSV_EXCHANGE (exchange);
  AatExchangeType *type = aat_exchange_get_exchange_type (exchange);
  const AatCsvRow *row;
  AatInstrument *instrument;
  guint index;

  if (self->feed == NULL)
    return NULL;
  row = aat_csv_feed_next (self->feed, &index, error);
  if (row == NULL)
    {
      csv_report (self);
      return NULL;
    }

  instrument = g_ptr_array_index (self->source_instruments, index);
  if (instrument == NULL)
    {
      if (self->last_symbol == NULL || strcmp (self->last_symbol, row->symbol) != 0)
        {
          g_free (self->last_symbol);
          self->last_symbol = g_strdup (row->symbol);
          self->last_instrument = csv_instrument (self, row->symbol);
        }
      instrument = self->last_instrument;
    }

  switch (row->kind)
    {
    case AAT_CSV_KIND_TRADES:
      {
        AatTrade *trade;

        if (!csv_reusable (self->trade_event))
          {
            g_clear_pointer (&self->trade_event, aat_event_unref);
            trade = aat_trade_new (instrument, AAT_SIDE_BUY, row->volume, row->close, row->time);
            trade->exchange = type;
            self->trade_event = aat_event_new_trade (trade);
            aat_trade_unref (trade);
          }
        trade = self->trade_event->payload;
        trade->instrument = instrument;
        trade->timestamp = row->time;
        trade->price = row->close;
        trade->volume = row->volume;
        trade->id = ++self->trade_id;
        self->trade_event->timestamp = row->time;
        return self->trade_event;
      }

    case AAT_CSV_KIND_QUOTES:
      {
        AatQuote *quote;

        if (!csv_reusable (self->quote_event))
          {
            g_clear_pointer (&self->quote_event, aat_event_unref);
            quote = aat_quote_new (instrument, row->time, row->bid, row->bid_size, row->ask,
                                   row->ask_size);
            quote->exchange = type;
            self->quote_event = aat_event_new_quote (quote);
            aat_quote_unref (quote);
          }
        quote = self->quote_event->payload;
        quote->instrument = instrument;
        quote->timestamp = row->time;
        quote->interval = row->interval;
        quote->bid = row->bid;
        quote->bid_size = row->bid_size;
        quote->ask = row->ask;
        quote->ask_size = row->ask_size;
        quote->bid_open = row->bid_open;
        quote->ask_open = row->ask_open;
        self->quote_event->timestamp = row->time + row->interval;
        return self->quote_event;
      }

    case AAT_CSV_KIND_BARS:
    case AAT_CSV_KIND_AUTO:
    default:
      {
        AatBar *bar;

        if (!csv_reusable (self->bar_event))
          {
            g_clear_pointer (&self->bar_event, aat_event_unref);
            bar = aat_bar_new (instrument, row->time, row->interval, row->open, row->high,
                               row->low, row->close, row->volume);
            bar->exchange = type;
            self->bar_event = aat_event_new_bar (bar);
            aat_bar_unref (bar);
          }
        bar = self->bar_event->payload;
        bar->instrument = instrument;
        bar->timestamp = row->time;
        bar->interval = row->interval;
        bar->open = row->open;
        bar->high = row->high;
        bar->low = row->low;
        bar->close = row->close;
        bar->volume = row->volume;
        self->bar_event->timestamp = row->time + row->interval;
        return self->bar_event;
      }
    }
}

static void
aat_csv_exchange_finalize (GObject *object)
{
  AatCsvExchange *self = AAT_CSV_EXCHANGE (object);

  csv_clear (self);
  g_ptr_array_unref (self->instruments);
  g_hash_table_unref (self->by_symbol);
  g_strfreev (self->files);
  g_free (self->base_dir);
  g_free (self->kind);
  g_free (self->symbol);
  g_free (self->symbol_column);
  g_free (self->columns);
  g_free (self->header);
  g_free (self->delimiter);
  g_free (self->time_format);
  g_free (self->timezone);
  g_free (self->date);
  g_free (self->interval);
  g_free (self->factor_file);
  g_free (self->adjust);
  g_free (self->session_start);
  g_free (self->session_end);
  g_free (self->start);
  g_free (self->end);
  g_free (self->bad_rows);
  G_OBJECT_CLASS (aat_csv_exchange_parent_class)->finalize (object);
}

/* String properties in the order of the enum, PROP_BASE_DIR .. PROP_BAD_ROWS. */
static char **
string_field (AatCsvExchange *self, guint prop_id)
{
  switch (prop_id)
    {
    case PROP_BASE_DIR: return &self->base_dir;
    case PROP_KIND: return &self->kind;
    case PROP_SYMBOL: return &self->symbol;
    case PROP_SYMBOL_COLUMN: return &self->symbol_column;
    case PROP_COLUMNS: return &self->columns;
    case PROP_HEADER: return &self->header;
    case PROP_DELIMITER: return &self->delimiter;
    case PROP_TIME_FORMAT: return &self->time_format;
    case PROP_TIMEZONE: return &self->timezone;
    case PROP_DATE: return &self->date;
    case PROP_INTERVAL: return &self->interval;
    case PROP_FACTOR_FILE: return &self->factor_file;
    case PROP_ADJUST: return &self->adjust;
    case PROP_SESSION_START: return &self->session_start;
    case PROP_SESSION_END: return &self->session_end;
    case PROP_START: return &self->start;
    case PROP_END: return &self->end;
    case PROP_BAD_ROWS: return &self->bad_rows;
    default: return NULL;
    }
}

static void
aat_csv_exchange_get_property (GObject *object, guint prop_id, GValue *value,
                               GParamSpec *pspec)
{
  AatCsvExchange *self = AAT_CSV_EXCHANGE (object);
  char **field = string_field (self, prop_id);

  if (field)
    {
      g_value_set_string (value, *field);
      return;
    }
  switch (prop_id)
    {
    case PROP_FILES: g_value_set_boxed (value, self->files); break;
    case PROP_INSTRUMENT_TYPE: g_value_set_enum (value, self->instrument_type); break;
    case PROP_PRICE_SCALE: g_value_set_double (value, self->price_scale); break;
    case PROP_SKIPPED_ROWS: g_value_set_uint64 (value, csv_skipped_rows (self)); break;
    case PROP_TICK_SIZE: g_value_set_double (value, self->tick_size); break;
    case PROP_LOT_SIZE: g_value_set_double (value, self->lot_size); break;
    case PROP_SKIP_SUSPICIOUS: g_value_set_boolean (value, self->skip_suspicious); break;
    case PROP_PROGRESS: g_value_set_double (value, csv_progress (self)); break;  /* issue 7 */
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aat_csv_exchange_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  AatCsvExchange *self = AAT_CSV_EXCHANGE (object);
  char **field = string_field (self, prop_id);

  if (field)
    {
      g_free (*field);
      *field = g_value_dup_string (value);
      return;
    }
  switch (prop_id)
    {
    case PROP_FILES:
      g_strfreev (self->files);
      self->files = g_value_dup_boxed (value);
      break;
    case PROP_INSTRUMENT_TYPE: self->instrument_type = g_value_get_enum (value); break;
    case PROP_PRICE_SCALE: self->price_scale = g_value_get_double (value); break;
    case PROP_TICK_SIZE: self->tick_size = g_value_get_double (value); break;
    case PROP_LOT_SIZE: self->lot_size = g_value_get_double (value); break;
    case PROP_SKIP_SUSPICIOUS: self->skip_suspicious = g_value_get_boolean (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define STRING_PROP(id, name, blurb, def)                                              \
  properties[id] = g_param_spec_string (name, NULL, blurb, def,                        \
                                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)

static void
aat_csv_exchange_class_init (AatCsvExchangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatExchangeClass *exchange_class = AAT_EXCHANGE_CLASS (klass);

  object_class->finalize = aat_csv_exchange_finalize;
  object_class->get_property = aat_csv_exchange_get_property;
  object_class->set_property = aat_csv_exchange_set_property;
  exchange_class->start = aat_csv_exchange_start;
  exchange_class->stop = aat_csv_exchange_stop;
  exchange_class->instruments = aat_csv_exchange_instruments;
  exchange_class->next_event = aat_csv_exchange_next_event;

  /**
   * AatCsvExchange:files:
   *
   * The CSV files, merged in time order (ties: file order, then row order).
   */
  properties[PROP_FILES] =
    g_param_spec_boxed ("files", NULL, "CSV files, merged in time order", G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  STRING_PROP (PROP_BASE_DIR, "base-dir",
               "Directory that relative paths resolve against (default: the current directory)", NULL);
  STRING_PROP (PROP_KIND, "kind",
               "auto, trades, bars or quotes; a comma list gives one per file", "auto");
  STRING_PROP (PROP_SYMBOL, "symbol",
               "Symbol of each file (comma list per file); default: from the file name", NULL);
  STRING_PROP (PROP_SYMBOL_COLUMN, "symbol-column", "Header name of a symbol column", NULL);
  properties[PROP_INSTRUMENT_TYPE] =
    g_param_spec_enum ("instrument-type", NULL, "Type of the instruments the files hold",
                       AAT_TYPE_INSTRUMENT_TYPE, AAT_INSTRUMENT_TYPE_EQUITY,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  STRING_PROP (PROP_COLUMNS, "columns",
               "Column roles by position, like time,open,high,low,close,volume (- skips one)", NULL);
  STRING_PROP (PROP_HEADER, "header", "auto, true or false: whether the first line names the columns", "auto");
  STRING_PROP (PROP_DELIMITER, "delimiter", "Field separator (\\t for a tab)", ",");
  STRING_PROP (PROP_TIME_FORMAT, "time-format",
               "auto, a format like %Y-%m-%d or %Y%m%d %H:%M, ms-since-midnight, unix, unix-ms", "auto");
  STRING_PROP (PROP_TIMEZONE, "timezone", "Zone of the times in the files, like America/New_York (default UTC)", NULL);
  STRING_PROP (PROP_DATE, "date",
               "Date of ms-since-midnight files (comma list per file); default: from the file name", NULL);
  STRING_PROP (PROP_INTERVAL, "interval", "Bar length: auto, 1d, 1m, 30s, ...", "auto");
  properties[PROP_PRICE_SCALE] =
    g_param_spec_double ("price-scale", NULL, "Prices are divided by it (10000 for LEAN deci-cents)",
                         1e-12, G_MAXDOUBLE, 1.0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  STRING_PROP (PROP_FACTOR_FILE, "factor-file", "LEAN factor file (comma list per file)", NULL);
  STRING_PROP (PROP_ADJUST, "adjust", "none or adj-close (the backtrader Adj Close rule)", "none");
  STRING_PROP (PROP_SESSION_START, "session-start", "Drop rows before this local time of day (HH:MM[:SS])", NULL);
  STRING_PROP (PROP_SESSION_END, "session-end", "Drop rows after this local time of day, inclusive (HH:MM[:SS])", NULL);
  STRING_PROP (PROP_START, "start", "Load rows from this date (YYYY-MM-DD[ HH:MM[:SS]])", NULL);
  STRING_PROP (PROP_END, "end", "Load rows up to this date, inclusive", NULL);
  STRING_PROP (PROP_BAD_ROWS, "bad-rows", "fail (the default) or skip (and count) bad rows", "fail");
  properties[PROP_SKIPPED_ROWS] =
    g_param_spec_uint64 ("skipped-rows", NULL, "Bad rows skipped so far", 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TICK_SIZE] =
    g_param_spec_double ("tick-size", NULL, "Tick size of the instruments it creates",
                         1e-12, G_MAXDOUBLE, 0.01, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOT_SIZE] =
    g_param_spec_double ("lot-size", NULL, "Lot size of the instruments it creates",
                         1e-12, G_MAXDOUBLE, 1.0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SKIP_SUSPICIOUS] =
    g_param_spec_boolean ("skip-suspicious", NULL, "Drop LEAN ticks flagged suspicious",
                          FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /* issue 7: for the progress display (AatProgress) */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, "Share of the files' bytes read so far (read-only)",
                         0.0, 1.0, 0.0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_csv_exchange_init (AatCsvExchange *self)
{
  self->kind = g_strdup ("auto");
  self->header = g_strdup ("auto");
  self->delimiter = g_strdup (",");
  self->time_format = g_strdup ("auto");
  self->interval = g_strdup ("auto");
  self->adjust = g_strdup ("none");
  self->bad_rows = g_strdup ("fail");
  self->instrument_type = AAT_INSTRUMENT_TYPE_EQUITY;
  self->price_scale = 1.0;
  self->tick_size = 0.01;
  self->lot_size = 1.0;
  self->instruments = g_ptr_array_new ();
  self->by_symbol = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

#ifndef AAT_CSV_NO_MODULE
static gboolean
csv_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_EXCHANGE, "csv",
                              "History from CSV files: trades, bars and quote bars", AAT_TYPE_CSV_EXCHANGE,
                              error);
}

AAT_MODULE_DEFINE ("csv", "History from CSV files (backtrader, LEAN and generic layouts)",
                   "0.1.0", csv_module_init);
#endif
