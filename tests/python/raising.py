"""Test fixture: a strategy whose on_trade raises on its third trade, and records what
reaches on_error."""
from gi.repository import Aat, GObject


class Raising(Aat.Strategy):
    __gtype_name__ = "AatTestPyRaising"

    raise_at = GObject.Property(type=int, default=3)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.trades = 0
        self.errors = []

    def do_on_trade(self, trade):
        self.trades += 1
        if self.trades == self.raise_at:
            raise RuntimeError("raised on purpose in on_trade #%d" % self.trades)

    def do_on_error(self, error):
        self.errors.append(error.message)
        print("on_error called: %s" % error.message.splitlines()[-1], flush=True)
