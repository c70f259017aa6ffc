// A JavaScript strategy file with a syntax error: loading it must fail naming this file.
imports.gi.versions.Aat = '1.0';
const {Aat, GObject} = imports.gi;
var Broken = GObject.registerClass(class Broken extends Aat.Strategy {
    vfunc_on_trade(trade) {
});
