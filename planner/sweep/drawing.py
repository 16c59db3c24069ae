"""Which charts a sweep gets, and who draws them (the drawing itself is planner.sweep.charts).

The charts are independent of each other: with several workers they are drawn side by side in
that many processes (a one-at-a-time sweep of 18 inputs draws 19 charts, about a fifth of a second
each), else one after another in this process, as they are also when no process can be started.
This module does not import matplotlib, so a main process that leaves the drawing to other
processes does not load it either.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.sweep.execute import call_installed, worker_pool


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
    draw = DrawInto(folder, manifest, list(records))
    workers = min(workers, len(charts))
    if workers > 1:
        try:
            with worker_pool(draw, workers, ["planner.sweep.charts"]) as pool:
                return list(pool.map(call_installed, charts))
        except (OSError, BrokenProcessPool):
            pass  # no processes to be had (or one died): the charts are drawn here instead
    return [draw(chart) for chart in charts]


@dataclass(frozen=True)
class DrawInto:
    """Draws one chart of a sweep's figures into its folder; sent once to each drawing process."""

    folder: Path
    manifest: dict[str, Any]
    records: list[dict]

    def __call__(self, chart: Chart) -> Path:
        from planner.sweep.charts import draw

        return draw(self.folder, self.manifest, self.records, chart)
