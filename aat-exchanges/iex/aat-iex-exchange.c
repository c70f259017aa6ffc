/* aat-iex-exchange.c: the "iex" exchange: IEX HIST (TOPS) files replayed as a backtest.
 *
 * Each file is read by an AatIexReader (aat-iex-reader.c); the files are merged by
 * message timestamp (ties: file order, then file position). Quote Update messages
 * become AatQuote events (a side with zero price and size is empty, reported as 0), and
 * Trade Report messages become AatTrade events whose id is IEX's Trade ID (the side is
 * unknown in TOPS: buy is reported). Trade Breaks cannot undo a trade already
 * delivered: they are counted (the `trade-breaks` property) and logged. System Event,
 * Security Directory, Trading Status and Official Price messages are decoded and
 * validated but produce no event. Order entry is the base class's simulated broker.
 */
#include <aat.h>
#include "aat-iex-reader.h"

#include <string.h>

#define AAT_TYPE_IEX_EXCHANGE (aat_iex_exchange_get_type ())
G_DECLARE_FINAL_TYPE (AatIexExchange, aat_iex_exchange, AAT, IEX_EXCHANGE, AatExchange)

typedef struct {
  AatIexReader *reader;
  AatIexMessage pending;
  gboolean has_pending;
} IexSource;

struct _AatIexExchange
{
  AatExchange parent_instance;

  /* properties */
  char **files;
  char *base_dir;
  char **symbols;
  double tick_size;
  double lot_size;
  gboolean quotes;
  gboolean trades;

  /* state */
  GArray *sources;             /* IexSource */
  GHashTable *by_symbol;       /* symbol -> AatInstrument* (borrowed: interned) */
  GPtrArray *instruments;
  AatEvent *current;
  guint64 messages, breaks;
};

G_DEFINE_FINAL_TYPE (AatIexExchange, aat_iex_exchange, AAT_TYPE_EXCHANGE)

enum {
  PROP_0,
  PROP_FILES,
  PROP_BASE_DIR,
  PROP_SYMBOLS,
  PROP_TICK_SIZE,
  PROP_LOT_SIZE,
  PROP_QUOTES,
  PROP_TRADES,
  PROP_MESSAGES,
  PROP_TRADE_BREAKS,
  PROP_GAPS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
iex_clear (AatIexExchange *self)
{
  if (self->sources)
    {
      for (guint i = 0; i < self->sources->len; i++)
        aat_iex_reader_free (g_array_index (self->sources, IexSource, i).reader);
      g_clear_pointer (&self->sources, g_array_unref);
    }
  g_clear_pointer (&self->current, aat_event_unref);
}

static AatInstrument *
iex_instrument (AatIexExchange *self, const char *symbol)
{
  AatInstrument *instrument = g_hash_table_lookup (self->by_symbol, symbol);

  if (instrument == NULL)
    {
      instrument = aat_instrument_get (symbol, AAT_INSTRUMENT_TYPE_EQUITY);
      aat_instrument_set_tick_size (instrument, self->tick_size);
      aat_instrument_set_lot_size (instrument, self->lot_size);
      aat_instrument_set_currency (instrument, "USD");
      aat_instrument_add_exchange (instrument, aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
      g_hash_table_insert (self->by_symbol, g_strdup (symbol), instrument);
      g_ptr_array_add (self->instruments, instrument);
    }
  return instrument;
}

static gboolean
wanted (AatIexExchange *self, const char *symbol)
{
  if (self->symbols == NULL || self->symbols[0] == NULL)
    return TRUE;
  return g_strv_contains ((const char * const *) self->symbols, symbol);
}

static gboolean
aat_iex_exchange_start (AatExchange *exchange, GError **error)
{
  AatIexExchange *self = AAT_IEX_EXCHANGE (exchange);

  iex_clear (self);
  if (self->files == NULL || self->files[0] == NULL)
    {
      g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_CONFIG,
                   "exchange '%s': no files (set 'files' to IEX HIST TOPS files)",
                   aat_exchange_get_name (exchange));
      return FALSE;
    }
  self->sources = g_array_new (FALSE, TRUE, sizeof (IexSource));
  for (guint i = 0; self->files[i]; i++)
    {
      g_autofree char *path = NULL;
      IexSource source = { NULL, { 0 }, FALSE };

      if (g_path_is_absolute (self->files[i]) || self->base_dir == NULL || !*self->base_dir)
        path = g_strdup (self->files[i]);
      else
        path = g_build_filename (self->base_dir, self->files[i], NULL);
      source.reader = aat_iex_reader_open (path, error);
      if (source.reader == NULL)
        return FALSE;
      g_array_append_val (self->sources, source);
    }
  for (guint i = 0; self->symbols && self->symbols[i]; i++)
    iex_instrument (self, self->symbols[i]);
  return TRUE;
}

static void
aat_iex_exchange_stop (AatExchange *exchange)
{
  iex_clear (AAT_IEX_EXCHANGE (exchange));
}

static GPtrArray *
aat_iex_exchange_instruments (AatExchange *exchange)
{
  AatIexExchange *self = AAT_IEX_EXCHANGE (exchange);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->instruments->len; i++)
    g_ptr_array_add (out, g_ptr_array_index (self->instruments, i));
  return out;
}

/* The next message that becomes an event, from the source with the earliest one. */
static gboolean
next_message (AatIexExchange *self, AatIexMessage *out, GError **error)
{
  for (;;)
    {
      IexSource *best = NULL;

      for (guint i = 0; i < self->sources->len; i++)
        {
          IexSource *s = &g_array_index (self->sources, IexSource, i);

          if (!s->has_pending && s->reader != NULL)
            {
              if (aat_iex_reader_next (s->reader, &s->pending, error))
                s->has_pending = TRUE;
              else if (error && *error)
                return FALSE;
              else
                g_clear_pointer (&s->reader, aat_iex_reader_free);
            }
          if (s->has_pending && (best == NULL || s->pending.timestamp < best->pending.timestamp))
            best = s;
        }
      if (best == NULL)
        return FALSE;
      *out = best->pending;
      best->has_pending = FALSE;
      self->messages++;

      switch (out->type)
        {
        case AAT_IEX_MSG_QUOTE_UPDATE:
          if (self->quotes && wanted (self, out->symbol))
            return TRUE;
          break;
        case AAT_IEX_MSG_TRADE_REPORT:
          if (self->trades && wanted (self, out->symbol))
            return TRUE;
          break;
        case AAT_IEX_MSG_TRADE_BREAK:
          if (wanted (self, out->symbol))
            {
              self->breaks++;
              g_message ("%s: trade %" G_GUINT64_FORMAT " of %s was broken (already delivered)",
                         aat_exchange_get_name (AAT_EXCHANGE (self)), out->id, out->symbol);
            }
          break;
        case AAT_IEX_MSG_SECURITY_DIRECTORY:
          if (self->symbols != NULL && self->symbols[0] != NULL && wanted (self, out->symbol))
            iex_instrument (self, out->symbol);
          break;
        default:
          break;
        }
    }
}

static AatEvent *
aat_iex_exchange_next_event (AatExchange *exchange, GError **error)
{
  AatIexExchange *self = AAT_IEX_EXCHANGE (exchange);
  AatExchangeType *type = aat_exchange_get_exchange_type (exchange);
  AatIexMessage m;
  AatInstrument *instrument;

  if (self->sources == NULL)
    return NULL;
  g_clear_pointer (&self->current, aat_event_unref);
  if (!next_message (self, &m, error))
    return NULL;
  instrument = iex_instrument (self, m.symbol);
  if (m.type == AAT_IEX_MSG_QUOTE_UPDATE)
    {
      g_autoptr (AatQuote) quote = aat_quote_new (instrument, m.timestamp, m.price / 10000.0,
                                                  m.size, m.price2 / 10000.0, m.size2);
      aat_quote_set_exchange (quote, type);
      self->current = aat_event_new_quote (quote);
    }
  else
    {
      g_autoptr (AatTrade) trade = aat_trade_new (instrument, AAT_SIDE_BUY, m.size,
                                                  m.price / 10000.0, m.timestamp);
      aat_trade_set_id (trade, m.id);
      aat_trade_set_exchange (trade, type);
      self->current = aat_event_new_trade (trade);
    }
  return self->current;
}

static void
aat_iex_exchange_finalize (GObject *object)
{
  AatIexExchange *self = AAT_IEX_EXCHANGE (object);

  iex_clear (self);
  g_ptr_array_unref (self->instruments);
  g_hash_table_unref (self->by_symbol);
  g_strfreev (self->files);
  g_strfreev (self->symbols);
  g_free (self->base_dir);
  G_OBJECT_CLASS (aat_iex_exchange_parent_class)->finalize (object);
}

static guint64
iex_gaps (AatIexExchange *self)
{
  guint64 n = 0;

  for (guint i = 0; self->sources && i < self->sources->len; i++)
    {
      IexSource *s = &g_array_index (self->sources, IexSource, i);
      if (s->reader)
        n += aat_iex_reader_get_gaps (s->reader);
    }
  return n;
}

static void
aat_iex_exchange_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AatIexExchange *self = AAT_IEX_EXCHANGE (object);

  switch (prop_id)
    {
    case PROP_FILES: g_value_set_boxed (value, self->files); break;
    case PROP_BASE_DIR: g_value_set_string (value, self->base_dir); break;
    case PROP_SYMBOLS: g_value_set_boxed (value, self->symbols); break;
    case PROP_TICK_SIZE: g_value_set_double (value, self->tick_size); break;
    case PROP_LOT_SIZE: g_value_set_double (value, self->lot_size); break;
    case PROP_QUOTES: g_value_set_boolean (value, self->quotes); break;
    case PROP_TRADES: g_value_set_boolean (value, self->trades); break;
    case PROP_MESSAGES: g_value_set_uint64 (value, self->messages); break;
    case PROP_TRADE_BREAKS: g_value_set_uint64 (value, self->breaks); break;
    case PROP_GAPS: g_value_set_uint64 (value, iex_gaps (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aat_iex_exchange_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  AatIexExchange *self = AAT_IEX_EXCHANGE (object);

  switch (prop_id)
    {
    case PROP_FILES:
      g_strfreev (self->files);
      self->files = g_value_dup_boxed (value);
      break;
    case PROP_BASE_DIR:
      g_free (self->base_dir);
      self->base_dir = g_value_dup_string (value);
      break;
    case PROP_SYMBOLS:
      g_strfreev (self->symbols);
      self->symbols = g_value_dup_boxed (value);
      break;
    case PROP_TICK_SIZE: self->tick_size = g_value_get_double (value); break;
    case PROP_LOT_SIZE: self->lot_size = g_value_get_double (value); break;
    case PROP_QUOTES: self->quotes = g_value_get_boolean (value); break;
    case PROP_TRADES: self->trades = g_value_get_boolean (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aat_iex_exchange_class_init (AatIexExchangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatExchangeClass *exchange_class = AAT_EXCHANGE_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = aat_iex_exchange_finalize;
  object_class->get_property = aat_iex_exchange_get_property;
  object_class->set_property = aat_iex_exchange_set_property;
  exchange_class->start = aat_iex_exchange_start;
  exchange_class->stop = aat_iex_exchange_stop;
  exchange_class->instruments = aat_iex_exchange_instruments;
  exchange_class->next_event = aat_iex_exchange_next_event;

  /**
   * AatIexExchange:files:
   *
   * IEX HIST TOPS files (pcap-ng as downloaded, pcap, or raw IEX-TP segments; gzip
   * allowed), merged by timestamp.
   */
  properties[PROP_FILES] =
    g_param_spec_boxed ("files", NULL, "IEX HIST TOPS files (pcap-ng, pcap or raw IEX-TP; .gz allowed)",
                        G_TYPE_STRV, rw);
  properties[PROP_BASE_DIR] =
    g_param_spec_string ("base-dir", NULL, "Directory that relative paths resolve against", NULL, rw);
  properties[PROP_SYMBOLS] =
    g_param_spec_boxed ("symbols", NULL, "Only these symbols (default: every symbol in the files)",
                        G_TYPE_STRV, rw);
  properties[PROP_TICK_SIZE] =
    g_param_spec_double ("tick-size", NULL, "Tick size of the instruments it creates",
                         1e-12, G_MAXDOUBLE, 0.01, rw);
  properties[PROP_LOT_SIZE] =
    g_param_spec_double ("lot-size", NULL, "Lot size of the instruments it creates",
                         1e-12, G_MAXDOUBLE, 1.0, rw);
  properties[PROP_QUOTES] =
    g_param_spec_boolean ("quotes", NULL, "Deliver Quote Update messages as quotes", TRUE, rw);
  properties[PROP_TRADES] =
    g_param_spec_boolean ("trades", NULL, "Deliver Trade Report messages as trades", TRUE, rw);
  properties[PROP_MESSAGES] =
    g_param_spec_uint64 ("messages", NULL, "TOPS messages read so far", 0, G_MAXUINT64, 0, ro);
  properties[PROP_TRADE_BREAKS] =
    g_param_spec_uint64 ("trade-breaks", NULL, "Trade Break messages seen", 0, G_MAXUINT64, 0, ro);
  properties[PROP_GAPS] =
    g_param_spec_uint64 ("gaps", NULL, "Messages missing from the sequence numbers (open files)",
                         0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aat_iex_exchange_init (AatIexExchange *self)
{
  self->tick_size = 0.01;
  self->lot_size = 1.0;
  self->quotes = TRUE;
  self->trades = TRUE;
  self->instruments = g_ptr_array_new ();
  self->by_symbol = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

#ifndef AAT_IEX_NO_MODULE
static gboolean
iex_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_EXCHANGE, "iex",
                              "IEX HIST (TOPS 1.6) files replayed: quotes and trades",
                              AAT_TYPE_IEX_EXCHANGE, error);
}

AAT_MODULE_DEFINE ("iex", "IEX HIST files (IEX-TP, TOPS 1.6) as a backtest source",
                   "0.1.0", iex_module_init);
#endif
