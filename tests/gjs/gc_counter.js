// Test fixture: counts its trades in JavaScript over a long run and prints
// `gc-counter: trades=N` from on_exit; test-languages.sh compares N with the run's event
// count. Each on_trade leaves a boxed AatTrade wrapper behind, so a run of a million
// events goes through several garbage collections with many wrappers to finalize: the
// case where an incremental GC slice used to stop mid-sweep and gjs then refused every
// later callback ("Attempting to run a JS callback during garbage collection").
// Allocating more per event hides that case (smaller, more frequent collections).
imports.gi.versions.Aat = '1.0';
const {Aat, GObject} = imports.gi;

var GcCounter = GObject.registerClass({
    GTypeName: 'AatTestGjsGcCounter',
}, class GcCounter extends Aat.Strategy {
    _init(params = {}) {
        this.trades = 0;
        this.volume = 0;
        super._init(params);
    }

    vfunc_on_trade(trade) {
        this.trades++;
        this.volume += trade.get_volume();
    }

    vfunc_on_exit() {
        print(`gc-counter: trades=${this.trades} volume>0=${this.volume > 0}`);
    }
});
