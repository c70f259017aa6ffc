// bench/vwap.js: the engine benchmark's VWAP strategy, in JavaScript.
//     aat-bench engine --gjs bench/vwap.js:Vwap
imports.gi.versions.Aat = '1.0';
const {Aat, GObject} = imports.gi;

var Vwap = GObject.registerClass({GTypeName: 'BenchGjsVwap'}, class Vwap extends Aat.Strategy {
    _init(params = {}) {
        this.pv = 0; this.v = 0; this.n = 0; this.working = null;
        this.placed = 0; this.cancelled = 0; this.fills = 0;
        super._init(params);
    }

    vfunc_on_trade(trade) {
        const price = trade.get_price(), volume = trade.get_volume();
        this.pv += price * volume;
        this.v += volume;
        if (++this.n % 1000 !== 0)
            return;
        if (this.working !== null && !this.working.is_done()) {
            this.cancel_order(this.working);
            this.cancelled++;
        }
        const instrument = trade.get_instrument();
        this.working = this.buy(instrument, 100, instrument.round_price(this.pv / this.v * 0.9995));
        this.placed++;
    }

    vfunc_on_bought(trade) { this.fills++; }
});
