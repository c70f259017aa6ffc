#!/usr/bin/python3
"""run-buy-and-hold.py: the Python BuyAndHold strategy run from a script.

Builds an engine from a config string (the synthetic exchange, loaded as a module
through the registry), adds the strategy, runs the backtest and prints its fills.

    meson devenv -C build -w . examples/python/run-buy-and-hold.py [VOLUME]
"""
import os
import sys

import gi

gi.require_version("Aat", "1.0")
from gi.repository import Aat  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from buy_and_hold import BuyAndHold  # noqa: E402

CONFIG = """
[general]
seed=42
exit_routine=close-all
[exchange]
exchanges=synthetic
[exchange synthetic]
events=20000
"""


def main():
    registry = Aat.Registry.get_default()
    _, errors = registry.scan()
    for e in errors:
        print("module error:", e.message, file=sys.stderr)
    config = Aat.RunConfig.new()
    config.load_data(CONFIG, -1, "run-buy-and-hold.cfg")
    engine = config.build_engine(registry)
    strategy = BuyAndHold(volume=float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
    engine.add_strategy(strategy)
    try:
        engine.run()
    except Exception as e:  # a failed run still has results
        print("run failed:", e, file=sys.stderr)
        return 1
    trades = strategy.trades(None, None, -1)
    if not trades:
        print("no fills", file=sys.stderr)
        return 1
    for trade in trades:
        side = "buy" if trade.get_side() == Aat.Side.BUY else "sell"
        print("fill %s %g @ %.2f" % (side, trade.get_volume(), trade.get_price()))
    print("value %.2f" % strategy.value())
    return 0


if __name__ == "__main__":
    sys.exit(main())
