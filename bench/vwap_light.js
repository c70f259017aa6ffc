// bench/vwap_light.js: the engine benchmark's VWAP strategy in JavaScript, on the light
// callback on_trade_price (plain values, no boxed trade wrapper per event).
//     aat-bench engine --gjs bench/vwap_light.js:VwapLight
// The time arrives as seconds since the epoch in a double, which a JS Number holds.
imports.gi.versions.Aat = '1.0';
const {Aat, GObject} = imports.gi;

var VwapLight = GObject.registerClass({GTypeName: 'BenchGjsVwapLight'},
class VwapLight extends Aat.Strategy {
    _init(params = {}) {
        this.pv = 0; this.v = 0; this.n = 0; this.working = null;
        this.placed = 0; this.cancelled = 0; this.fills = 0;
        super._init(params);
    }

    vfunc_on_trade_price(instrument, price, volume, time) {
        this.pv += price * volume;
        this.v += volume;
        if (++this.n % 1000 !== 0)
            return;
        if (this.working !== null && !this.working.is_done()) {
            this.cancel_order(this.working);
            this.cancelled++;
        }
        const inst = Aat.Instrument.get_by_index(instrument);
        this.working = this.buy(inst, 100, inst.round_price(this.pv / this.v * 0.9995));
        this.placed++;
    }

    vfunc_on_bought(trade) { this.fills++; }
});
