"""buy_and_hold.py: the original aat example strategy, in Python.

On the first trade or bar of each instrument it sees (or only of the instrument named by
the ``symbol`` property), it buys ``volume`` at market and holds. On exit it reports each
position and the strategy's P&L.

Run it from aat-run (data/buy-and-hold-python.cfg):

    [strategy]
    strategies=python:examples/python/buy_and_hold.py:BuyAndHold

or from a script (examples/python/run-buy-and-hold.py).
"""
import gi

gi.require_version("Aat", "1.0")
from gi.repository import Aat, GLib, GObject  # noqa: E402


class BuyAndHold(Aat.Strategy):
    __gtype_name__ = "PyBuyAndHold"

    symbol = GObject.Property(type=str, default="",
                              blurb="Only buy this instrument (default: every instrument seen)")
    volume = GObject.Property(type=float, default=1.0, minimum=1e-12,
                              blurb="Volume to buy of each instrument")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = set()
        self.orders = 0
        self.fills = []          # (side, volume, price) of each fill

    def _buy_once(self, instrument):
        name = instrument.get_name()
        if name in self.seen:
            return
        if self.symbol and name != self.symbol:
            return
        self.seen.add(name)
        if self.buy(instrument, self.volume, 0.0) is not None:
            self.orders += 1

    def do_on_trade(self, trade):
        self._buy_once(trade.get_instrument())

    def do_on_bar(self, bar):
        self._buy_once(bar.get_instrument())

    def do_on_bought(self, trade):
        self.fills.append(("buy", trade.get_volume(), trade.get_price()))

    def do_on_sold(self, trade):
        self.fills.append(("sell", trade.get_volume(), trade.get_price()))

    def do_on_rejected(self, order, reason):
        GLib.log_default_handler("aat-python", GLib.LogLevelFlags.LEVEL_MESSAGE,
                                 "%s: order rejected: %s" % (self.get_name(), reason), None)

    def do_on_exit(self):
        for p in self.positions():
            print("%s: %s position %g @ %g, last %g" % (
                self.get_name(), p.get_instrument().get_name(), p.get_size(),
                p.get_average_price(), p.get_last_price()))
        print("%s: cash %.2f, value %.2f, %d orders, %d fills" % (
            self.get_name(), self.cash(), self.value(), self.orders, len(self.fills)))
        # The line the tests check (the JavaScript and Vala examples print the same).
        print("%s: fills: buy %g, sell %g" % (
            self.get_name(), sum(v for d, v, _ in self.fills if d == "buy"),
            sum(v for d, v, _ in self.fills if d == "sell")), flush=True)
