"""PyGObject overrides for Aat: route exceptions raised in strategy callbacks.

PyGObject prints an exception raised inside a virtual method (do_on_trade, ...) through
sys.excepthook and swallows it. This override installs a hook that finds the strategy
whose callback raised (the ``self`` of the outermost frame of the traceback) and hands
the formatted traceback to Aat.Strategy.report_error(): the engine counts it, logs it
with the strategy's name, calls the strategy's on_error, and aat_engine_run() then
fails with AAT_ENGINE_ERROR_STRATEGY (aat-run exits 1). Exceptions that are not from a
strategy callback go to the previous hook.

It costs nothing per call: nothing wraps the callbacks.
"""
import sys
import traceback

from ..module import get_introspection_module
from gi.repository import GLib

Aat = get_introspection_module("Aat")

__all__ = []

_ERROR_DOMAIN = GLib.quark_from_string("aat-strategy-exception-quark")


def _strategy_of(tb):
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("self")
        if isinstance(candidate, Aat.Strategy):
            return candidate
        tb = tb.tb_next
    return None


def report_exception(strategy, exc_type, exc, tb):
    """Hands an exception to strategy.report_error(), with its traceback text."""
    text = "".join(traceback.format_exception(exc_type, exc, tb)).rstrip()
    strategy.report_error(GLib.Error.new_literal(_ERROR_DOMAIN, text, 1))


_previous_hook = sys.excepthook


def _excepthook(exc_type, exc, tb):
    strategy = _strategy_of(tb)
    if strategy is not None and not issubclass(exc_type, (KeyboardInterrupt, SystemExit)):
        try:
            report_exception(strategy, exc_type, exc, tb)
            return
        except Exception:  # never lose the original exception
            pass
    _previous_hook(exc_type, exc, tb)


def install_excepthook():
    """(Re)installs the routing hook, chaining whatever hook is current."""
    global _previous_hook
    if sys.excepthook is not _excepthook:
        _previous_hook = sys.excepthook
        sys.excepthook = _excepthook


install_excepthook()
