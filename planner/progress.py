"""What a running HiGHS solve shows: a line every few seconds, and a note on its scaling warnings.

HiGHS reports its MIP search through callbacks: `cbMipInterrupt` while the search runs and
`cbMipImprovingSolution` at each better plan, both carrying the best plan's objective, the bound
and the gap; and its log, when shown, through `cbLogging`. `watching` subscribes for one run:

- given a `Progress` receiver, the MIP callbacks only record the latest figures, and a background
  clock sends one line with them and the elapsed time, first after FIRST_LINE_AFTER seconds,
  then every LINE_EVERY seconds. The callbacks come in bursts (dozens in a second, then none for
  seconds while a sub-MIP runs), so printing from them would flood or stall; the clock never
  sends more than one line per LINE_EVERY seconds, and a solve of a second or two says nothing;
- with the log shown, HiGHS warns that the model is "badly scaled" with "excessively large
  costs": planner's costs run from cents to billions of USD. After the run one line says what
  that means here, on stdout beside the log (SCALING_NOTE).
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import highspy

from planner.options import Progress

FIRST_LINE_AFTER = 2.0  # seconds: a shorter solve shows no line
LINE_EVERY = 3.0  # seconds between lines, at least

SCALING_NOTE = (
    "note: HiGHS's scaling warnings are expected for this model: its costs run from cents to "
    "billions of USD and its quantities up to millions of tonnes, which HiGHS calls badly scaled. "
    "The objective is still exact: planner recomputes it from the plan and checks it against "
    "HiGHS's value, and planner check re-verifies every constraint."
)


@dataclass
class SearchFigures:
    """The latest figures of the MIP search (inf while there is no plan or no bound)."""

    objective: float = math.inf
    bound: float = -math.inf
    gap: float = math.inf


def _usd(amount: float) -> str:
    return f"{amount:,.0f} USD"


def progress_line(elapsed: float, figures: SearchFigures) -> str:
    """'solving, 12 s in HiGHS: best plan 1,234 USD, bound 1,200 USD, gap 2.83%'."""
    parts = [
        f"best plan {_usd(figures.objective)}"
        if math.isfinite(figures.objective)
        else "no plan yet",
        f"bound {_usd(figures.bound)}" if math.isfinite(figures.bound) else "no bound yet",
    ]
    if math.isfinite(figures.objective) and math.isfinite(figures.gap):
        parts.append(f"gap {100 * figures.gap:.3g}%")
    return f"solving, {elapsed:.0f} s in HiGHS: " + ", ".join(parts)


@contextmanager
def watching(
    highs: highspy.Highs,
    progress: Progress | None,
    log: bool,
    *,
    first: float | None = None,
    every: float | None = None,
) -> Iterator[None]:
    """Around one `highs.run()`: progress lines to `progress` (None: none), the first after
    `first` seconds and then every `every` seconds (None: FIRST_LINE_AFTER, LINE_EVERY); and the
    scaling note after the run when `log` is on and HiGHS warned about scaling."""
    first = FIRST_LINE_AFTER if first is None else first
    every = LINE_EVERY if every is None else every
    with _progress_lines(highs, progress, first, every), _scaling_note(highs, log):
        yield


@contextmanager
def _progress_lines(
    highs: highspy.Highs, progress: Progress | None, first: float, every: float
) -> Iterator[None]:
    if progress is None:
        yield
        return
    figures = SearchFigures()

    def record(event: highspy.HighsCallbackEvent) -> None:
        out = event.data_out
        figures.objective = out.objective_function_value
        figures.bound = out.mip_dual_bound
        figures.gap = out.mip_gap

    started = time.perf_counter()
    stop = threading.Event()

    def clock() -> None:
        wait = first
        while not stop.wait(wait):
            try:
                progress(progress_line(time.perf_counter() - started, figures))
            except OSError:  # stderr is gone: the solve goes on without lines
                return
            wait = every

    events = (highs.cbMipInterrupt, highs.cbMipImprovingSolution)
    for event in events:
        event.subscribe(record)
    thread = threading.Thread(target=clock, name="solve progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        for event in events:
            event.unsubscribe(record)


def is_scaling_warning(message: str) -> bool:
    """Whether a HiGHS warning is about the range of the model's numbers."""
    text = message.lower()
    return "scal" in text or "excessively large" in text


@contextmanager
def _scaling_note(highs: highspy.Highs, log: bool) -> Iterator[None]:
    if not log:
        yield
        return
    warned = False

    def listen(event: highspy.HighsCallbackEvent) -> None:
        nonlocal warned
        if event.data_out.log_type == highspy.HighsLogType.kWarning:
            warned = warned or is_scaling_warning(event.message)

    highs.cbLogging.subscribe(listen)
    try:
        yield
    finally:
        highs.cbLogging.unsubscribe(listen)
    if warned:
        sys.stdout.write(SCALING_NOTE + "\n")
        sys.stdout.flush()
