/* run-buy-and-hold.vala: the Vala BuyAndHold strategy run from a program (issue 6),
 * the Vala counterpart of a Python or gjs script; aat-run runs the same strategy from
 * data/buy-and-hold-vala.cfg.
 *
 * Builds an engine from a config string (Aat.RunConfig with the synthetic exchange,
 * found through Aat.Registry), creates the strategy `vala-buy-and-hold` (the module
 * aat-strategies/vala, loaded by the registry like any module), adds it, runs the
 * backtest and prints the strategy's fills:
 *
 *     fill buy 2 @ 100.01
 *     fill sell 2 @ 99.87
 *     fills: 2
 *
 * Usage: run-buy-and-hold [VOLUME]   (AAT_MODULE_PATH or the installed module dir must
 * hold the synthetic exchange and the Vala module; `meson devenv -C build` sets it.)
 */
const string CONFIG = """
[general]
trading_type=backtest
seed=42
exit_routine=close-all

[exchange]
exchanges=synthetic

[exchange synthetic]
instruments=1
events=20000
""";

int main (string[] args) {
    double volume = args.length > 1 ? double.parse (args[1]) : 2.0;

    try {
        var registry = Aat.Registry.get_default ();
        GLib.GenericArray<GLib.Error> errors;
        registry.scan (out errors);
        foreach (var e in errors)
            printerr ("module: %s\n", e.message);

        var config = new Aat.RunConfig ();
        config.load_data (CONFIG, -1, "run-buy-and-hold.cfg");
        var engine = config.build_engine (registry);

        unowned Aat.PluginInfo info = registry.find (Aat.PluginKind.STRATEGY, "vala-buy-and-hold");
        var strategy = (Aat.Strategy) GLib.Object.new (info.get_gtype (),
                                                       "name", "vala-buy-and-hold",
                                                       "volume", volume);
        engine.add_strategy (strategy);
        engine.run ();

        var fills = strategy.trades (null, null, -1);
        foreach (unowned Aat.Trade t in fills)
            print ("fill %s %g @ %.2f\n", t.get_side () == Aat.Side.BUY ? "buy" : "sell",
                   t.get_volume (), t.get_price ());
        print ("fills: %u\n", fills.length);
    } catch (GLib.Error e) {
        printerr ("run-buy-and-hold: %s\n", e.message);
        return 1;
    }
    return 0;
}
