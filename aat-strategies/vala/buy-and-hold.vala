/* buy-and-hold.vala: the original aat example strategy, in Vala, as an aat module.
 *
 * Written against the generated Aat-1.0 vapi; the module descriptor is a Vala constant
 * exported under the symbol the loader looks up. Plugin name: `vala-buy-and-hold`.
 */
namespace AatVala {

public class BuyAndHold : Aat.Strategy {
    public string symbol { get; set; default = ""; }
    [Description (blurb = "Volume to buy of each instrument")]
    public double volume { get; set; default = 1.0; }
    public uint n_orders { get; private set; default = 0; }

    private GLib.GenericSet<string> seen = new GLib.GenericSet<string> (str_hash, str_equal);
    private double bought = 0.0;
    private double sold = 0.0;

    private void buy_once (Aat.Instrument instrument) {
        unowned string name = instrument.get_name ();
        if (name in seen || (symbol != "" && name != symbol))
            return;
        seen.add (name);
        if (buy (instrument, volume, 0.0) != null)
            n_orders++;
    }

    public override void on_trade (Aat.Trade trade) { buy_once (trade.get_instrument ()); }
    public override void on_bar (Aat.Bar bar) { buy_once (bar.get_instrument ()); }
    public override void on_bought (Aat.Trade trade) { bought += trade.get_volume (); }
    public override void on_sold (Aat.Trade trade) { sold += trade.get_volume (); }

    public override void on_exit () {
        print ("%s: cash %.2f, value %.2f, %u orders\n", get_name (), cash (), value (), n_orders);
        print ("%s: fills: buy %g, sell %g\n", get_name (), bought, sold);
    }
}

}

public static bool vala_module_init (Aat.Module module) throws GLib.Error {
    return module.register (Aat.PluginKind.STRATEGY, "vala-buy-and-hold",
                                "Buys each instrument once at market and holds it (Vala)",
                                typeof (AatVala.BuyAndHold));
}

[CCode (cname = "aat_module_descriptor")]
public const Aat.ModuleDescriptor aat_module_descriptor = {
    Aat.ABI_MAJOR, Aat.ABI_MINOR, "vala-buy-and-hold",
    "The original aat example strategy, written in Vala", "0.1.0", vala_module_init
};
