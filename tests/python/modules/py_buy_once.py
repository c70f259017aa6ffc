"""A .py strategy module found in a module directory: buys once, holds."""
from gi.repository import Aat, GObject


class BuyOnce(Aat.Strategy):
    """Buys the first instrument it sees once, then holds"""
    __aat_plugin__ = "py-buy-once"

    volume = GObject.Property(type=float, default=1.0, blurb="Volume to buy")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bought = False

    def do_on_trade(self, trade):
        if not self.bought:
            self.bought = True
            self.buy(trade.get_instrument(), self.volume, 0.0)
