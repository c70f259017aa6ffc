# A Python strategy file with a syntax error: loading it must fail naming this file.
from gi.repository import Aat


class Broken(Aat.Strategy):
    def do_on_trade(self, trade)
        pass
