// JavaScript strategies through GObject introspection (issue 6), from a gjs script.
// Run with: gjs -m tests/test-gjs.js [buy-and-hold|exceptions], with GI_TYPELIB_PATH, LD_LIBRARY_PATH,
// AAT_MODULE_PATH and AAT_SOURCE_ROOT set (meson test does). Prints TAP; exits 1 on a
// failed check. A throw in a callback that the test does not expect fails it: the run
// then fails too.
import GLib from 'gi://GLib';
import Aat from 'gi://Aat?version=1.0';
import System from 'system';

const root = GLib.getenv('AAT_SOURCE_ROOT');
imports.searchPath.unshift(`${root}/examples/gjs`);
imports.searchPath.unshift(`${root}/tests/gjs`);
const {BuyAndHold} = imports.buy_and_hold;
const {Raising} = imports.raising;

const results = [];
const check = (name, ok, detail = '') => results.push([name, !!ok, detail]);

const CONFIG = `[general]
seed=42
exit_routine=close-all
[exchange]
exchanges=synthetic
[exchange synthetic]
instruments=1
events=20000
`;

function engineFrom(text) {
    const reg = Aat.Registry.get_default();
    reg.scan();
    const cfg = Aat.RunConfig.new();
    cfg.load_data(text, -1, 'test.cfg');
    return cfg.build_engine(reg);
}

const part = ARGV[0] ?? 'all';

// 1. buy-and-hold from a script
if (part !== 'exceptions') {
    const engine = engineFrom(CONFIG);
    const s = new BuyAndHold({volume: 2});
    s.set_name('js-buy-and-hold');
    engine.add_strategy(s);
    let ok = false;
    try {
        ok = engine.run();
    } catch (e) {
        check(`script: run threw ${e.message}`, false);
    }
    check('script: run succeeds', ok);
    check('script: one order', s.orders === 1, s.orders);
    const vol = side => s.fills.filter(f => f[0] === side).reduce((a, f) => a + f[1], 0);
    check('script: bought 2 and sold 2 at the close', vol('buy') === 2 && vol('sell') === 2,
        JSON.stringify(s.fills));
    check('script: fills have prices', s.fills.every(f => f[2] > 0));
}

// 2. a throw in on_trade reaches on_error; the engine and the other strategy go on.
// Run without G_DEBUG=fatal-criticals: gjs reports the throw as a critical.
if (part !== 'buy-and-hold') {
    const engine = engineFrom(`${CONFIG}[strategy]\nstrategies=buy-and-hold\n`);
    const bad = new Raising({raise_at: 3});
    bad.set_name('raising');
    engine.add_strategy(bad);
    let failed = null;
    try {
        engine.run();
    } catch (e) {
        failed = e;
    }
    check('raise: the run fails', failed !== null);
    check('raise: AAT_ENGINE_ERROR_STRATEGY',
        failed && failed.matches(Aat.Engine.error_quark(), Aat.EngineError.STRATEGY));
    check('raise: the JS stack is in the error',
        failed && /raised on purpose in on_trade #3/.test(failed.message) &&
        /vfunc_on_trade@/.test(failed.message), failed && failed.message);
    check('raise: on_error called once', bad.errors.length === 1, bad.errors.length);
    check('raise: the engine survived', bad.trades > 3, bad.trades);
    const other = engine.get_strategies().find(x => x.get_name() === 'buy-and-hold');
    check('raise: the other strategy traded', other && other.trades(null, null, -1).length >= 1);
}

print(`1..${results.length}`);
let nFailed = 0;
results.forEach(([name, ok, detail], i) => {
    print(`${ok ? 'ok' : 'not ok'} ${i + 1} - ${name}${ok ? '' : ` # got: ${detail}`}`);
    if (!ok)
        nFailed++;
});
System.exit(nFailed ? 1 : 0);
