"""Ctrl-C that no library can swallow.

HiGHS calls back into Python while it solves; a KeyboardInterrupt raised in such a callback is
caught by the solver, which then stops with status "interrupted" and returns as if it had failed.
`noticing_interrupts` remembers that Ctrl-C was pressed, so that the caller can raise
KeyboardInterrupt again once control is back (`raise_if_interrupted`): the command then exits
with 130 and writes nothing, instead of recording a solver failure.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Interrupts:
    """Whether Ctrl-C was pressed inside a `noticing_interrupts` block."""

    def __init__(self) -> None:
        self.seen = False

    def raise_if_interrupted(self) -> None:
        """Raise KeyboardInterrupt when Ctrl-C was pressed, even if someone caught it."""
        if self.seen:
            raise KeyboardInterrupt


@contextmanager
def noticing_interrupts() -> Iterator[Interrupts]:
    """Within the block, Ctrl-C raises KeyboardInterrupt as usual and is also remembered.

    Outside the main thread, or where SIGINT is ignored or handled by someone else, the handler
    is left alone (and nothing is remembered).
    """
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

    signal.signal(signal.SIGINT, handler)
    try:
        yield interrupts
    finally:
        signal.signal(signal.SIGINT, previous)
