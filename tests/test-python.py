#!/usr/bin/python3
"""Python strategies through GObject introspection (issue 6), from a script.

Needs GI_TYPELIB_PATH (the Aat typelib), LD_LIBRARY_PATH (libaat), AAT_MODULE_PATH (the
synthetic exchange, buy-and-hold, the python loader), PYTHONPATH (the Aat override) and
AAT_SOURCE_ROOT. Any exception raised inside a callback is recorded by a sys.excepthook
and fails the test, unless the test expects it.
"""
import os
import sys

import gi
gi.require_version("Aat", "1.0")
from gi.repository import Aat, GLib  # noqa: E402

ROOT = os.environ["AAT_SOURCE_ROOT"]
sys.path.insert(0, os.path.join(ROOT, "examples", "python"))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
from buy_and_hold import BuyAndHold  # noqa: E402
from raising import Raising  # noqa: E402

recorded = []
_routing_hook = sys.excepthook     # the Aat override's: report_error, then on_error


def recorder(exc_type, exc, tb):
    recorded.append(exc_type.__name__)
    _routing_hook(exc_type, exc, tb)


sys.excepthook = recorder

CONFIG = """
[general]
seed=42
exit_routine=close-all
[exchange]
exchanges=synthetic
[exchange synthetic]
instruments=1
events=20000
"""

results = []


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def registry():
    reg = Aat.Registry.get_default()
    n, errors = reg.scan()
    assert not errors, [e.message for e in errors]
    return reg


def engine_from_config(text):
    cfg = Aat.RunConfig.new()
    cfg.load_data(text, -1, "test.cfg")
    return cfg.build_engine(registry())


def test_script_buy_and_hold():
    del recorded[:]
    engine = engine_from_config(CONFIG)
    s = BuyAndHold(volume=2.0)
    s.set_name("py-buy-and-hold")
    engine.add_strategy(s)
    ok = engine.run()
    check("script: run succeeds", ok)
    check("script: one order", s.orders == 1, s.orders)
    check("script: fills are a buy of 2 then the close-all sell of 2",
          [(side, vol) for side, vol, _ in s.fills] == [("buy", 2.0), ("sell", 2.0)], s.fills)
    check("script: fills have prices", all(p > 0 for _, _, p in s.fills), s.fills)
    check("script: flat at the end", s.position_size(s.fills and engine.get_instruments()[0]) == 0.0)
    check("script: no exception in callbacks", not recorded, recorded)


class LightCounter(Aat.Strategy):
    """Overrides the light callback: the engine must call it instead of on_trade."""
    __gtype_name__ = "TestPyLightCounter"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.light = []
        self.boxed = 0

    def do_on_trade_price(self, instrument, price, volume, timestamp):
        self.light.append((instrument, price, volume, timestamp))
        if len(self.light) == 10:
            self.buy(Aat.Instrument.get_by_index(instrument), 1, 0)

    def do_on_trade(self, trade):
        self.boxed += 1


class BoxedCounter(Aat.Strategy):
    __gtype_name__ = "TestPyBoxedCounter"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.trades = []

    def do_on_trade(self, trade):
        self.trades.append((trade.get_instrument().get_index(), trade.get_price(),
                            trade.get_volume(), trade.get_timestamp() / 1e9))


def test_light_trade_callback():
    del recorded[:]
    engine = engine_from_config(CONFIG)
    light = LightCounter()
    boxed = BoxedCounter()
    engine.add_strategy(light)
    engine.add_strategy(boxed)
    ok = engine.run()
    check("light: run succeeds", ok)
    check("light: on_trade_price replaces on_trade", light.boxed == 0 and len(light.light) > 100,
          (light.boxed, len(light.light)))
    check("light: the same trades, as plain values", light.light == boxed.trades,
          (light.light[:2], boxed.trades[:2]))
    check("light: it can trade", light.position_size(engine.get_instruments()[0]) == 0.0
          and len(light.trades(None, None, -1)) == 2, len(light.trades(None, None, -1)))
    check("light: no exception in callbacks", not recorded, recorded)


def test_config_python_reference():
    """A python:FILE:CLASS entry in a keyfile, with a property set from the config: the
    loader module joins this interpreter."""
    del recorded[:]
    path = os.path.join(ROOT, "examples", "python", "buy_and_hold.py")
    ref = "python:%s:BuyAndHold" % path
    engine = engine_from_config(CONFIG + "[strategy]\nstrategies=%s\n[strategy %s]\nvolume=3\n"
                                % (ref, ref))
    strategies = engine.get_strategies()
    check("config: one strategy", len(strategies) == 1, len(strategies))
    s = strategies[0]
    check("config: the Python class", type(s).__name__ == "BuyAndHold", type(s))
    check("config: volume set from the config", s.volume == 3.0, s.volume)
    ok = engine.run()
    check("config: run succeeds", ok)
    check("config: bought 3 (maybe in parts), sold 3 at the close",
          sum(v for d, v, _ in s.fills if d == "buy") == 3.0
          and sum(v for d, v, _ in s.fills if d == "sell") == 3.0, s.fills)
    check("config: no exception in callbacks", not recorded, recorded)


def test_exception_reaches_on_error():
    del recorded[:]
    cfg = CONFIG + "[strategy]\nstrategies=buy-and-hold\n"
    engine = engine_from_config(cfg)
    bad = Raising(raise_at=3)
    bad.set_name("raising")
    engine.add_strategy(bad)
    failed = None
    try:
        engine.run()
    except GLib.Error as e:
        failed = e
    check("raise: the run fails", failed is not None)
    check("raise: AAT_ENGINE_ERROR_STRATEGY",
          failed is not None and failed.matches(Aat.Engine.error_quark(),
                                                Aat.EngineError.STRATEGY), failed)
    check("raise: the traceback is in the error",
          failed is not None and "raised on purpose in on_trade #3" in failed.message
          and "Traceback" in failed.message, failed and failed.message)
    check("raise: on_error was called once", len(bad.errors) == 1, bad.errors)
    check("raise: the engine survived (later trades delivered)", bad.trades > 3, bad.trades)
    check("raise: error count", bad.get_error_count() == 1, bad.get_error_count())
    others = [s for s in engine.get_strategies() if s.get_name() == "buy-and-hold"]
    check("raise: the other strategy still traded",
          others and len(others[0].trades(None, None, -1)) >= 1)
    check("raise: the excepthook saw exactly that exception", recorded == ["RuntimeError"],
          recorded)


def test_bad_files():
    bad = os.path.join(ROOT, "tests", "python", "syntax_error.py")
    for ref, want in (("python:%s:Broken" % bad, "syntax_error.py"),
                      ("python:%s:Nope" % os.path.join(ROOT, "tests", "python", "raising.py"),
                       "no class 'Nope'")):
        try:
            engine_from_config(CONFIG + "[strategy]\nstrategies=%s\n" % ref)
            check("bad file: %s fails" % want, False)
        except GLib.Error as e:
            check("bad file: %s named in the error" % want, want in e.message, e.message)


test_script_buy_and_hold()
test_light_trade_callback()
test_config_python_reference()
test_exception_reaches_on_error()
test_bad_files()

print("1..%d" % len(results))
failed = 0
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s%s" % ("ok" if ok else "not ok", i, name,
                            "" if ok else " # got: %r" % (detail,)))
    failed += not ok
sys.exit(1 if failed else 0)
