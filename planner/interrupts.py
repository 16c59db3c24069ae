"""Ctrl-C that no library can swallow, and that never prints a stray traceback.

Two places catch a KeyboardInterrupt before the command line can: HiGHS, which calls back into
Python while it solves and, when Ctrl-C lands in a callback, stops with status "interrupted" as if
it had failed; and Python's finalizers (`__del__`, e.g. of a zip file being written), where an
interrupt is printed as "Exception ignored in ... Traceback ... KeyboardInterrupt" and dropped.

`noticing_interrupts` remembers that Ctrl-C was pressed and silences those finalizer reports, so
that the caller can raise KeyboardInterrupt again once control is back (`raise_if_interrupted`):
the command then exits with 130 and says what it wrote, instead of recording a solver failure or
printing a traceback. Blocks nest: an inner block shares the outer block's record.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


class Interrupts:
    """Whether Ctrl-C was pressed inside a `noticing_interrupts` block."""

    def __init__(self) -> None:
        self.seen = False

    def raise_if_interrupted(self) -> None:
        """Raise KeyboardInterrupt when Ctrl-C was pressed, even if someone caught it."""
        if self.seen:
            raise KeyboardInterrupt


_active: list[Interrupts] = []


@contextmanager
def noticing_interrupts() -> Iterator[Interrupts]:
    """Within the block, Ctrl-C raises KeyboardInterrupt as usual and is also remembered.

    Outside the main thread, or where SIGINT is ignored or handled by someone else, the handler
    is left alone (and nothing is remembered).
    """
    if _active:
        yield _active[-1]
        return
    interrupts = Interrupts()
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or (
        previous is not signal.default_int_handler
    ):
        yield interrupts
        return

    def handler(_signum: int, _frame: FrameType | None) -> None:
        interrupts.seen = True
        raise KeyboardInterrupt

    hook = sys.unraisablehook

    def quiet_hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and interrupts.seen:
            return  # raised again by raise_if_interrupted: no traceback from a finalizer
        hook(unraisable)

    signal.signal(signal.SIGINT, handler)
    sys.unraisablehook = quiet_hook
    _active.append(interrupts)
    try:
        yield interrupts
    finally:
        _active.pop()
        sys.unraisablehook = hook
        signal.signal(signal.SIGINT, previous)
