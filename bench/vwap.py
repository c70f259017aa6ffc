"""bench/vwap.py: the engine benchmark's VWAP strategy, in Python.

    aat-bench engine --python bench/vwap.py:Vwap

Keeps a running VWAP of every trade and, every 1,000 trades, cancels its working order
and places a bid a little under the VWAP: the same logic as the C BenchVwap.
"""
import gi

gi.require_version("Aat", "1.0")
from gi.repository import Aat  # noqa: E402


class Vwap(Aat.Strategy):
    __gtype_name__ = "BenchPyVwap"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pv = 0.0
        self.v = 0.0
        self.n = 0
        self.working = None
        self.placed = self.cancelled = self.fills = 0

    def do_on_trade(self, trade):
        price = trade.get_price()
        volume = trade.get_volume()
        self.pv += price * volume
        self.v += volume
        self.n += 1
        if self.n % 1000:
            return
        if self.working is not None and not self.working.is_done():
            self.cancel_order(self.working)
            self.cancelled += 1
        instrument = trade.get_instrument()
        self.working = self.buy(instrument, 100, instrument.round_price(self.pv / self.v * 0.9995))
        self.placed += 1

    def do_on_bought(self, trade):
        self.fills += 1
