// Test fixture: a strategy whose on_trade throws on its raise-at'th trade.
imports.gi.versions.Aat = '1.0';
const {Aat, GObject} = imports.gi;

var Raising = GObject.registerClass({
    GTypeName: 'AatTestGjsRaising',
    Properties: {
        'raise-at': GObject.ParamSpec.int('raise-at', 'raise-at', 'Throw on this trade',
            GObject.ParamFlags.READWRITE, 0, 1000000, 3),
    },
}, class Raising extends Aat.Strategy {
    _init(params = {}) {
        this.trades = 0;
        this.errors = [];
        this._raiseAt = 3;
        super._init(params);
    }

    get raise_at() { return this._raiseAt; }
    set raise_at(v) { this._raiseAt = v; }

    vfunc_on_trade(trade) {
        this.trades++;
        if (this.trades === this._raiseAt)
            throw new Error(`raised on purpose in on_trade #${this.trades}`);
    }

    vfunc_on_error(error) {
        try {
            this.errors.push(error.message);
            print(`on_error called: ${error.message.split('\n')[0]}`);
        } catch (e) {
            print(`on_error failed: ${e}`);
        }
    }
});
