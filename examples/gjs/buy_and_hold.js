// buy_and_hold.js: the original aat example strategy, in JavaScript (gjs).
//
// On the first trade or bar of each instrument it sees (or only of the instrument named
// by the `symbol` property), it buys `volume` at market and holds.
//
// From aat-run (data/buy-and-hold-gjs.cfg):   strategies=gjs:examples/gjs/buy_and_hold.js:BuyAndHold
// From a script: imports.searchPath.unshift('examples/gjs'); const {BuyAndHold} = imports.buy_and_hold;
//
// A legacy gjs module (var exports), so that both gjs scripts and the gjs loader can
// import it synchronously.
imports.gi.versions.Aat = '1.0';
const {Aat, GObject} = imports.gi;

var BuyAndHold = GObject.registerClass({
    GTypeName: 'GjsBuyAndHold',
    Properties: {
        'symbol': GObject.ParamSpec.string('symbol', 'symbol',
            'Only buy this instrument (default: every instrument seen)',
            GObject.ParamFlags.READWRITE, ''),
        'volume': GObject.ParamSpec.double('volume', 'volume', 'Volume to buy of each instrument',
            GObject.ParamFlags.READWRITE, 1e-12, Number.MAX_VALUE, 1.0),
    },
}, class BuyAndHold extends Aat.Strategy {
    _init(params = {}) {
        this._seen = new Set();
        this.orders = 0;
        this.fills = [];    // [side, volume, price]
        this._volume = 1.0;
        this._symbol = '';
        super._init(params);
    }

    get volume() { return this._volume; }
    set volume(v) { this._volume = v; }
    get symbol() { return this._symbol; }
    set symbol(v) { this._symbol = v ?? ''; }

    _buyOnce(instrument) {
        const name = instrument.get_name();
        if (this._seen.has(name) || (this._symbol && name !== this._symbol))
            return;
        this._seen.add(name);
        if (this.buy(instrument, this._volume, 0.0) !== null)
            this.orders++;
    }

    vfunc_on_trade(trade) { this._buyOnce(trade.get_instrument()); }
    vfunc_on_bar(bar) { this._buyOnce(bar.get_instrument()); }
    vfunc_on_bought(trade) { this.fills.push(['buy', trade.get_volume(), trade.get_price()]); }
    vfunc_on_sold(trade) { this.fills.push(['sell', trade.get_volume(), trade.get_price()]); }

    vfunc_on_exit() {
        const sum = side => this.fills.filter(f => f[0] === side).reduce((a, f) => a + f[1], 0);
        print(`${this.get_name()}: cash ${this.cash().toFixed(2)}, value ${this.value().toFixed(2)}, ${this.orders} orders, ${this.fills.length} fills`);
        print(`${this.get_name()}: fills: buy ${sum('buy')}, sell ${sum('sell')}`);
    }
});
