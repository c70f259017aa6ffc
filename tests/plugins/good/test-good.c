/* test-good.c: a well-formed module for the registry, config and aat-run tests.
 *
 * It provides:
 * - strategy "test-props": a property of every type the config parser handles;
 * - strategy "test-buyer": buys one unit on the first trade it sees;
 * - strategy "test-fail": reports an error when the run starts (exit status 1);
 * - exchange "test-stream": a stream of trades, endless with count=0;
 * - risk "test-risk" and execution "test-exec": pass-through policies.
 */
#include <aat.h>

/* ---------------------------------------------------------------- test-props */

typedef enum {
  TEST_OPTION_FAST = 1 << 0,
  TEST_OPTION_SAFE = 1 << 1,
  TEST_OPTION_LOUD = 1 << 2,
} TestOptions;

static GType
test_options_get_type (void)
{
  static GType type;
  static const GFlagsValue values[] = {
    { TEST_OPTION_FAST, "TEST_OPTION_FAST", "fast" },
    { TEST_OPTION_SAFE, "TEST_OPTION_SAFE", "safe" },
    { TEST_OPTION_LOUD, "TEST_OPTION_LOUD", "loud" },
    { 0, NULL, NULL },
  };

  if (type == 0)
    type = g_flags_register_static ("TestOptions", values);
  return type;
}

#define TEST_TYPE_PROPS (test_props_get_type ())
G_DECLARE_FINAL_TYPE (TestProps, test_props, TEST, PROPS, AatStrategy)

struct _TestProps
{
  AatStrategy parent_instance;
  GValue values[16];
};

G_DEFINE_FINAL_TYPE (TestProps, test_props, AAT_TYPE_STRATEGY)

enum {
  PROP_0,
  PROP_COUNT, PROP_LEVEL, PROP_BIG, PROP_UBIG, PROP_RATIO, PROP_ENABLED, PROP_LABEL,
  PROP_SIDE, PROP_OPTIONS, PROP_START_TIME, PROP_WHEN, PROP_SYMBOLS, PROP_FILLS,
  N_PROPS
};

static void
test_props_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  TestProps *self = TEST_PROPS (object);

  if (G_IS_VALUE (&self->values[id]))
    g_value_copy (&self->values[id], value);
  else
    g_param_value_set_default (pspec, value);
}

static void
test_props_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  TestProps *self = TEST_PROPS (object);

  if (G_IS_VALUE (&self->values[id]))
    g_value_unset (&self->values[id]);
  g_value_init (&self->values[id], G_VALUE_TYPE (value));
  g_value_copy (value, &self->values[id]);
}

static void
test_props_finalize (GObject *object)
{
  TestProps *self = TEST_PROPS (object);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (self->values); i++)
    if (G_IS_VALUE (&self->values[i]))
      g_value_unset (&self->values[i]);
  G_OBJECT_CLASS (test_props_parent_class)->finalize (object);
}

static void
test_props_class_init (TestPropsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = test_props_get_property;
  object_class->set_property = test_props_set_property;
  object_class->finalize = test_props_finalize;

  g_object_class_install_property (object_class, PROP_COUNT,
    g_param_spec_int ("count", NULL, "How many", 0, 100, 3, rw));
  g_object_class_install_property (object_class, PROP_LEVEL,
    g_param_spec_uint ("level", NULL, "A level", 0, G_MAXUINT, 7, rw));
  g_object_class_install_property (object_class, PROP_BIG,
    g_param_spec_int64 ("big", NULL, "A big signed number", G_MININT64, G_MAXINT64, -5, rw));
  g_object_class_install_property (object_class, PROP_UBIG,
    g_param_spec_uint64 ("ubig", NULL, "A big unsigned number", 0, G_MAXUINT64, 5, rw));
  g_object_class_install_property (object_class, PROP_RATIO,
    g_param_spec_double ("ratio", NULL, "A fraction", 0.0, 1.0, 0.5, rw));
  g_object_class_install_property (object_class, PROP_ENABLED,
    g_param_spec_boolean ("enabled", NULL, "On or off", FALSE, rw));
  g_object_class_install_property (object_class, PROP_LABEL,
    g_param_spec_string ("label", NULL, "Some text", "none", rw));
  g_object_class_install_property (object_class, PROP_SIDE,
    g_param_spec_enum ("side", NULL, "Which side", AAT_TYPE_SIDE, AAT_SIDE_BUY, rw));
  g_object_class_install_property (object_class, PROP_OPTIONS,
    g_param_spec_flags ("options", NULL, "Some options", test_options_get_type (),
                        TEST_OPTION_SAFE, rw));
  g_object_class_install_property (object_class, PROP_START_TIME,
    g_param_spec_int64 ("start-time", NULL, "When to start (ns)", 0, G_MAXINT64, 0, rw));
  g_object_class_install_property (object_class, PROP_WHEN,
    g_param_spec_boxed ("when", NULL, "A date-time", G_TYPE_DATE_TIME, rw));
  g_object_class_install_property (object_class, PROP_SYMBOLS,
    g_param_spec_boxed ("symbols", NULL, "Instruments", G_TYPE_STRV, rw));
  g_object_class_install_property (object_class, PROP_FILLS,
    g_param_spec_int ("fills", NULL, "Read-only counter", 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
test_props_init (TestProps *self)
{
}

/* ---------------------------------------------------------------- test-buyer */

#define TEST_TYPE_BUYER (test_buyer_get_type ())
G_DECLARE_FINAL_TYPE (TestBuyer, test_buyer, TEST, BUYER, AatStrategy)

struct _TestBuyer
{
  AatStrategy parent_instance;
  gboolean bought;
  double exit_delay;
};

G_DEFINE_FINAL_TYPE (TestBuyer, test_buyer, AAT_TYPE_STRATEGY)

/* A slow exit, for the test of a second SIGINT arriving while the run winds down. */
static void
test_buyer_on_exit (AatStrategy *strategy)
{
  TestBuyer *self = TEST_BUYER (strategy);

  if (self->exit_delay > 0)
    g_usleep ((gulong) (self->exit_delay * G_USEC_PER_SEC));
}

static void
test_buyer_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  g_value_set_double (value, TEST_BUYER (object)->exit_delay);
}

static void
test_buyer_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  TEST_BUYER (object)->exit_delay = g_value_get_double (value);
}

static void
test_buyer_on_trade (AatStrategy *strategy, AatTrade *trade)
{
  TestBuyer *self = TEST_BUYER (strategy);

  if (self->bought)
    return;
  self->bought = TRUE;
  aat_strategy_buy (strategy, aat_trade_get_instrument (trade), 1, aat_trade_get_price (trade));
}

static void
test_buyer_class_init (TestBuyerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_buyer_get_property;
  object_class->set_property = test_buyer_set_property;
  AAT_STRATEGY_CLASS (klass)->on_trade = test_buyer_on_trade;
  AAT_STRATEGY_CLASS (klass)->on_exit = test_buyer_on_exit;
  g_object_class_install_property (object_class, 1,
    g_param_spec_double ("exit-delay", NULL, "Seconds to sleep in on_exit", 0, 3600, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
test_buyer_init (TestBuyer *self)
{
}

/* ---------------------------------------------------------------- test-fail */

#define TEST_TYPE_FAIL (test_fail_get_type ())
G_DECLARE_FINAL_TYPE (TestFail, test_fail, TEST, FAIL, AatStrategy)

struct _TestFail
{
  AatStrategy parent_instance;
};

G_DEFINE_FINAL_TYPE (TestFail, test_fail, AAT_TYPE_STRATEGY)

static void
test_fail_on_start (AatStrategy *strategy)
{
  g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                  "test-fail fails on purpose");

  aat_strategy_report_error (strategy, error);
}

static void
test_fail_class_init (TestFailClass *klass)
{
  AAT_STRATEGY_CLASS (klass)->on_start = test_fail_on_start;
}

static void
test_fail_init (TestFail *self)
{
}

/* ---------------------------------------------------------------- test-stream */

#define TEST_TYPE_STREAM (test_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestStream, test_stream, TEST, STREAM, AatExchange)

struct _TestStream
{
  AatExchange parent_instance;
  guint64 count;           /* 0: endless */
  guint64 produced;
  char *symbol;
  AatInstrument *instrument;
  AatEvent *last;
};

G_DEFINE_FINAL_TYPE (TestStream, test_stream, AAT_TYPE_EXCHANGE)

enum { SPROP_0, SPROP_COUNT, SPROP_SYMBOL, N_SPROPS };

static AatInstrument *
test_stream_instrument (TestStream *self)
{
  if (self->instrument == NULL)
    {
      self->instrument = aat_instrument_get (self->symbol, AAT_INSTRUMENT_TYPE_EQUITY);
      aat_instrument_add_exchange (self->instrument,
                                   aat_exchange_get_exchange_type (AAT_EXCHANGE (self)));
    }
  return self->instrument;
}

static GPtrArray *
test_stream_instruments (AatExchange *exchange)
{
  GPtrArray *out = g_ptr_array_new ();

  g_ptr_array_add (out, test_stream_instrument (TEST_STREAM (exchange)));
  return out;
}

static AatEvent *
test_stream_next_event (AatExchange *exchange, GError **error)
{
  TestStream *self = TEST_STREAM (exchange);
  AatTrade *trade;
  AatTime t;
  double price;

  g_clear_pointer (&self->last, aat_event_unref);
  if (self->count != 0 && self->produced >= self->count)
    return NULL;

  /* One trade a second from 2024-01-01, the price wandering between 99 and 101. */
  t = (G_GINT64_CONSTANT (1704067200) + (gint64) self->produced) * AAT_TIME_SECOND;
  price = 100.0 + (double) ((gint64) (self->produced % 21) - 10) / 10.0;
  self->produced++;

  trade = aat_trade_new (test_stream_instrument (self), AAT_SIDE_BUY, 10, price, t);
  aat_trade_set_exchange (trade, aat_exchange_get_exchange_type (exchange));
  aat_trade_set_id (trade, self->produced);
  self->last = aat_event_new_trade (trade);
  aat_trade_unref (trade);
  return self->last;
}

static void
test_stream_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  TestStream *self = TEST_STREAM (object);

  switch (id)
    {
    case SPROP_COUNT: g_value_set_uint64 (value, self->count); break;
    case SPROP_SYMBOL: g_value_set_string (value, self->symbol); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_stream_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  TestStream *self = TEST_STREAM (object);

  switch (id)
    {
    case SPROP_COUNT: self->count = g_value_get_uint64 (value); break;
    case SPROP_SYMBOL:
      g_free (self->symbol);
      self->symbol = g_value_dup_string (value);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_stream_finalize (GObject *object)
{
  TestStream *self = TEST_STREAM (object);

  g_clear_pointer (&self->last, aat_event_unref);
  g_free (self->symbol);
  G_OBJECT_CLASS (test_stream_parent_class)->finalize (object);
}

static void
test_stream_class_init (TestStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatExchangeClass *exchange_class = AAT_EXCHANGE_CLASS (klass);

  object_class->get_property = test_stream_get_property;
  object_class->set_property = test_stream_set_property;
  object_class->finalize = test_stream_finalize;
  exchange_class->instruments = test_stream_instruments;
  exchange_class->next_event = test_stream_next_event;

  g_object_class_install_property (object_class, SPROP_COUNT,
    g_param_spec_uint64 ("count", NULL, "Trades to produce; 0 for an endless stream",
                         0, G_MAXUINT64, 100,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, SPROP_SYMBOL,
    g_param_spec_string ("symbol", NULL, "The instrument it trades", "TEST",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
}

static void
test_stream_init (TestStream *self)
{
}

/* ---------------------------------------------------------------- policies */

#define TEST_TYPE_RISK (test_risk_get_type ())
G_DECLARE_FINAL_TYPE (TestRisk, test_risk, TEST, RISK, AatRiskPolicy)
struct _TestRisk { AatRiskPolicy parent_instance; };
G_DEFINE_FINAL_TYPE (TestRisk, test_risk, AAT_TYPE_RISK_POLICY)
static void test_risk_class_init (TestRiskClass *klass) { }
static void test_risk_init (TestRisk *self) { }

#define TEST_TYPE_EXEC (test_exec_get_type ())
G_DECLARE_FINAL_TYPE (TestExec, test_exec, TEST, EXEC, AatExecutionPolicy)
struct _TestExec { AatExecutionPolicy parent_instance; };
G_DEFINE_FINAL_TYPE (TestExec, test_exec, AAT_TYPE_EXECUTION_POLICY)
static void test_exec_class_init (TestExecClass *klass) { }
static void test_exec_init (TestExec *self) { }

/* ---------------------------------------------------------------- the module */

static gboolean
test_good_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "test-props",
                              "A property of every type", TEST_TYPE_PROPS, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "test-buyer",
                              "Buys one unit on the first trade", TEST_TYPE_BUYER, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "test-fail",
                              "Fails when the run starts", TEST_TYPE_FAIL, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_EXCHANGE, "test-stream",
                              "A stream of trades, endless with count=0", TEST_TYPE_STREAM,
                              error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_RISK_POLICY, "test-risk",
                              "Passes every order", TEST_TYPE_RISK, error) &&
         aat_module_register (module, AAT_PLUGIN_KIND_EXECUTION_POLICY, "test-exec",
                              "Sends every order unchanged", TEST_TYPE_EXEC, error);
}

AAT_MODULE_DEFINE ("test-good", "Fixtures for the registry and config tests", "1.0",
                   test_good_init);
