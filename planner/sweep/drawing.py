"""Which charts a sweep gets, and who draws them (the drawing itself is planner.sweep.charts).

The charts are independent of each other: with several workers they are drawn side by side in
that many processes (a one-at-a-time sweep of 18 inputs draws 19 charts, about a fifth of a second
each), else one after another in this process, as they are also when no process can be started.
This module does not import matplotlib, so a main process that leaves the drawing to other
processes does not load it either.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Chart:
    """One chart to draw: its kind ("tornado", "line" or "scatter"), its file and, for a line
    chart, the position of its input."""

    kind: str
    file: str
    position: int = 0


def charts_of(manifest: dict[str, Any]) -> list[Chart]:
    """The charts that fit the sweep's mode (see planner.sweep.charts)."""
    mode, count = manifest["mode"], len(manifest["labels"])
    charts = []
    if mode == "oat":
        charts.append(Chart("tornado", "tornado.png"))
    if mode == "oat" or (mode == "grid" and count == 1):
        charts.extend(Chart("line", f"line-{p + 1}.png", p) for p in range(count))
    if mode == "sample":
        charts.append(Chart("scatter", "scatter.png"))
    return charts


def draw_charts(
    folder: Path, manifest: dict[str, Any], records: Sequence[dict], workers: int = 1
) -> list[Path]:
    """Draw the charts that fit the sweep's mode into `folder`, with up to `workers` processes;
    return their paths."""
    charts = charts_of(manifest)
    workers = min(workers, len(charts))
    if workers > 1:
        try:
            return _draw_side_by_side(folder, manifest, records, charts, workers)
        except (OSError, BrokenProcessPool):
            pass  # no processes to be had (or one died): the charts are drawn here instead
    from planner.sweep.charts import draw

    return [draw(folder, manifest, records, chart) for chart in charts]


def _draw_side_by_side(
    folder: Path,
    manifest: dict[str, Any],
    records: Sequence[dict],
    charts: list[Chart],
    workers: int,
) -> list[Path]:
    from planner.sweep.execute import worker_context

    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=worker_context(["planner.sweep.charts"]),
        initializer=_install,
        initargs=(folder, manifest, list(records), os.getpid()),
    ) as pool:
        return list(pool.map(_draw_installed, charts))


_installed: tuple[Path, dict[str, Any], list[dict]] | None = None


def _install(folder: Path, manifest: dict[str, Any], records: list[dict], main_pid: int) -> None:
    """Start a chart-drawing process: the sweep's figures, sent once; Ctrl-C and the main
    process's death handled as in the sweep's workers."""
    from planner.sweep.execute import start_worker

    global _installed
    _installed = (folder, manifest, records)
    start_worker(main_pid)


def _draw_installed(chart: Chart) -> Path:
    from planner.sweep.charts import draw

    assert _installed is not None, "chart process started without its figures"
    return draw(*_installed, chart)
