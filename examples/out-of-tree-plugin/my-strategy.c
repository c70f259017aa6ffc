/* my-strategy.c: a strategy plugin built outside aat's tree, against the installed
 * headers. See doc/PLUGINS.md.
 *
 *   cc -shared -fPIC -o my-strategy.so my-strategy.c $(pkg-config --cflags --libs aat-1.0)
 *
 * "buy-the-dip" remembers the first price of each instrument it sees, buys `volume`
 * units once the price falls `drop` percent below it, and sells them once the price is
 * back at the first price.
 */
#include <aat.h>

#define MY_TYPE_BUY_THE_DIP (my_buy_the_dip_get_type ())
G_DECLARE_FINAL_TYPE (MyBuyTheDip, my_buy_the_dip, MY, BUY_THE_DIP, AatStrategy)

struct _MyBuyTheDip
{
  AatStrategy parent_instance;

  double volume;       /* property "volume" */
  double drop;         /* property "drop", in percent */
  double reference;    /* the first price seen, 0 before */
  gboolean holding;
};

G_DEFINE_FINAL_TYPE (MyBuyTheDip, my_buy_the_dip, AAT_TYPE_STRATEGY)

enum { PROP_0, PROP_VOLUME, PROP_DROP, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
my_buy_the_dip_on_trade (AatStrategy *strategy, AatTrade *trade)
{
  MyBuyTheDip *self = MY_BUY_THE_DIP (strategy);
  AatInstrument *instrument = aat_trade_get_instrument (trade);
  double price = aat_trade_get_price (trade);

  if (self->reference == 0)
    self->reference = price;
  else if (!self->holding && price <= self->reference * (1 - self->drop / 100))
    {
      aat_strategy_buy (strategy, instrument, self->volume, price);
      self->holding = TRUE;
    }
  else if (self->holding && price >= self->reference &&
           aat_strategy_position_size (strategy, instrument) > 0)
    {
      aat_strategy_sell (strategy, instrument, aat_strategy_position_size (strategy, instrument),
                         price);
      self->holding = FALSE;
    }
}

static void
my_buy_the_dip_on_exit (AatStrategy *strategy)
{
  g_autoptr (GPtrArray) trades = aat_strategy_trades (strategy, NULL, NULL, -1);

  g_print ("buy-the-dip: %u trades, value %.2f\n", trades->len, aat_strategy_value (strategy));
}

static void
my_buy_the_dip_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  MyBuyTheDip *self = MY_BUY_THE_DIP (object);

  switch (id)
    {
    case PROP_VOLUME: g_value_set_double (value, self->volume); break;
    case PROP_DROP: g_value_set_double (value, self->drop); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
my_buy_the_dip_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  MyBuyTheDip *self = MY_BUY_THE_DIP (object);

  switch (id)
    {
    case PROP_VOLUME: self->volume = g_value_get_double (value); break;
    case PROP_DROP: self->drop = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
my_buy_the_dip_class_init (MyBuyTheDipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AatStrategyClass *strategy_class = AAT_STRATEGY_CLASS (klass);

  object_class->get_property = my_buy_the_dip_get_property;
  object_class->set_property = my_buy_the_dip_set_property;
  strategy_class->on_trade = my_buy_the_dip_on_trade;
  strategy_class->on_exit = my_buy_the_dip_on_exit;

  /* Every property can be set from a config group [strategy buy-the-dip] and is listed
   * by aat-run --list, with its blurb and default. */
  properties[PROP_VOLUME] =
    g_param_spec_double ("volume", NULL, "Units to buy on a dip", 0, G_MAXDOUBLE, 1,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_DROP] =
    g_param_spec_double ("drop", NULL, "How far below the first price is a dip, in percent",
                         0, 100, 1,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
my_buy_the_dip_init (MyBuyTheDip *self)
{
}

/* The module's entry point: declare what it provides. */
static gboolean
my_module_init (AatModule *module, GError **error)
{
  return aat_module_register (module, AAT_PLUGIN_KIND_STRATEGY, "buy-the-dip",
                              "Buys a dip below the first price, sells at it",
                              MY_TYPE_BUY_THE_DIP, error);
}

AAT_MODULE_DEFINE ("my-strategy", "An example strategy built out of tree", "1.0",
                   my_module_init);
