"""bench/vwap_light.py: the engine benchmark's VWAP strategy in Python, on the light
callback on_trade_price (plain values, no boxed trade wrapper per event).

    aat-bench engine --python bench/vwap_light.py:VwapLight
"""
import gi

gi.require_version("Aat", "1.0")
from gi.repository import Aat  # noqa: E402


class VwapLight(Aat.Strategy):
    __gtype_name__ = "BenchPyVwapLight"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pv = 0.0
        self.v = 0.0
        self.n = 0
        self.working = None
        self.placed = self.cancelled = self.fills = 0

    def do_on_trade_price(self, instrument, price, volume, time):
        self.pv += price * volume
        self.v += volume
        self.n += 1
        if self.n % 1000:
            return
        if self.working is not None and not self.working.is_done():
            self.cancel_order(self.working)
            self.cancelled += 1
        inst = Aat.Instrument.get_by_index(instrument)
        self.working = self.buy(inst, 100, inst.round_price(self.pv / self.v * 0.9995))
        self.placed += 1

    def do_on_bought(self, trade):
        self.fills += 1
