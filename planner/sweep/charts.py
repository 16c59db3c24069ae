"""Charts of a sweep as PNG files (matplotlib figures drawn straight to PNG: no display needed).

- one-at-a-time sweeps: `tornado.png`, how far each definition's lowest and highest value move the
  expected cost from the base run, largest swing on top;
- one-dimensional sweeps (one definition, or each definition of a one-at-a-time sweep):
  `line-N.png` for definition N, expected cost and worst-scenario coverage against the value;
- sampled sweeps: `scatter.png`, expected cost against each sampled value.

Runs that found no plan have no cost; line charts mark their values with a grey band.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, PercentFormatter

from planner.files import write_atomically
from planner.sweep.report import OK_STATUSES

METRIC = "expected_cost"
_LOW_COLOUR = "#4C72B0"
_HIGH_COLOUR = "#DD8452"


def draw_charts(folder: Path, manifest: dict[str, Any], records: Sequence[dict]) -> list[Path]:
    """Draw the charts that fit the sweep's mode into `folder`; return their paths."""
    labels = manifest["labels"]
    drawn = []
    if manifest["mode"] == "oat":
        drawn.append(tornado(folder / "tornado.png", manifest, records))
    if manifest["mode"] == "oat" or (manifest["mode"] == "grid" and len(labels) == 1):
        base = _base_run(records) if manifest["mode"] == "oat" else None
        for position in range(len(labels)):
            drawn.append(
                line(folder / f"line-{position + 1}.png", manifest, records, position, base)
            )
    if manifest["mode"] == "sample":
        drawn.append(scatter(folder / "scatter.png", manifest, records))
    return drawn


def money_formatter(values: Sequence[float]) -> tuple[FuncFormatter, str]:
    """A tick formatter in USD bn, m or k (whichever suits the values) and its axis unit."""
    largest = max((abs(v) for v in values), default=0.0)
    for scale, unit in ((1e9, "USD bn"), (1e6, "USD m"), (1e3, "USD k")):
        if largest >= scale:
            return FuncFormatter(lambda v, _=None, s=scale: f"{v / s:,.4g}"), unit
    return FuncFormatter(lambda v, _=None: f"{v:,.4g}"), "USD"


def _base_run(records: Sequence[dict]) -> dict | None:
    return next((r for r in records if all(v is None for v in r["values"].values())), None)


def _ok(record: dict) -> bool:
    return record["status"] in OK_STATUSES and record.get(METRIC) is not None


def tornado(path: Path, manifest: dict[str, Any], records: Sequence[dict]) -> Path:
    """Bars from the base run's expected cost to the cost at each definition's lowest and
    highest value, sorted so the definition that moves the cost most is on top."""
    base = _base_run(records)
    base_cost = base[METRIC] if base is not None and _ok(base) else None
    rows = []
    for position, label in enumerate(manifest["labels"]):
        relative = manifest["relative"][position]
        values = manifest["values"][position]
        low, high = min(values), max(values)

        def cost_at(value: float, label: str = label, relative: bool = relative) -> float | None:
            if relative and value == 1.0:
                return base_cost
            found = [r for r in records if r["values"].get(label) == value and _ok(r)]
            return found[0][METRIC] if found else None

        rows.append((label, relative, low, high, cost_at(low), cost_at(high)))
    figure = Figure(figsize=(9, 1.2 + 0.55 * len(rows)))
    axes = figure.subplots()
    if base_cost is None:
        axes.text(0.5, 0.5, "the base run found no plan", ha="center", transform=axes.transAxes)
    else:
        swing = [
            max((abs(c - base_cost) for c in (lo, hi) if c is not None), default=0.0)
            for *_, lo, hi in rows
        ]
        order = sorted(range(len(rows)), key=lambda i: swing[i])
        names = []
        for y, i in enumerate(order):
            label, relative, low, high, low_cost, high_cost = rows[i]
            for cost, colour in ((low_cost, _LOW_COLOUR), (high_cost, _HIGH_COLOUR)):
                if cost is None:
                    axes.text(base_cost, y, " no plan", va="center", fontsize=8, color="grey")
                    continue
                axes.barh(y, cost - base_cost, left=base_cost, color=colour, height=0.6)
            names.append(f"{label}\n{_value_text(low, relative)} to {_value_text(high, relative)}")
        axes.set_yticks(range(len(order)), names, fontsize=8)
        axes.axvline(base_cost, color="black", linewidth=0.8)
        costs = [c for *_, lo, hi in rows for c in (lo, hi) if c is not None]
        formatter, unit = money_formatter([base_cost, *costs])
        axes.xaxis.set_major_formatter(formatter)
        axes.set_xlabel(f"expected cost ({unit}); line: base run")
        handles = [
            Rectangle((0, 0), 1, 1, color=_LOW_COLOUR),
            Rectangle((0, 0), 1, 1, color=_HIGH_COLOUR),
        ]
        axes.legend(handles, ["lowest value", "highest value"], fontsize=8, loc="lower right")
    axes.set_title("What moves the expected cost (one at a time)")
    return _save(figure, path)


def _value_text(value: float, relative: bool) -> str:
    return f"x{value:g}" if relative else compact(value)


def compact(value: float, _position: object = None) -> str:
    """A value as it would be typed in a definition: 0.25, 1,200, 8e9, 2.5e6."""
    if value == 0 or abs(value) < 1e6:
        return f"{value:,.6g}"
    exponent = 3 * math.floor(math.log10(abs(value)) / 3)
    return f"{value / 10**exponent:.4g}e{exponent}"


def line(
    path: Path,
    manifest: dict[str, Any],
    records: Sequence[dict],
    position: int,
    base: dict | None = None,
) -> Path:
    """Expected cost and worst-scenario coverage against definition `position`'s values."""
    label = manifest["labels"][position]
    relative = manifest["relative"][position]
    points = sorted(
        ((r["values"][label], r) for r in records if r["values"].get(label) is not None),
        key=lambda item: item[0],
    )
    if base is not None and relative:
        points = sorted([*points, (1.0, base)], key=lambda item: item[0])
    solved = [(x, r) for x, r in points if _ok(r)]
    unsolved = [x for x, r in points if not _ok(r)]
    figure = Figure(figsize=(8, 6))
    cost_axes, coverage_axes = figure.subplots(2, 1, sharex=True)
    xs = [x for x, _ in solved]
    costs = [r[METRIC] for _, r in solved]
    cost_axes.plot(xs, costs, marker="o", color=_LOW_COLOUR)
    formatter, unit = money_formatter(costs)
    cost_axes.yaxis.set_major_formatter(formatter)
    cost_axes.set_ylabel(f"expected cost ({unit})")
    coverage = [r.get("coverage_worst") for _, r in solved]
    coverage_axes.plot(
        [x for x, c in zip(xs, coverage, strict=True) if c is not None],
        [c for c in coverage if c is not None],
        marker="o",
        color=_HIGH_COLOUR,
    )
    coverage_axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    coverage_axes.set_ylabel("worst-scenario coverage")
    for axes in (cost_axes, coverage_axes):
        for x in unsolved:
            axes.axvline(x, color="grey", alpha=0.3, linewidth=6)
        axes.grid(alpha=0.3)
    if unsolved:
        cost_axes.text(
            0.01, 0.97, "grey: no plan found", transform=cost_axes.transAxes, va="top", fontsize=8
        )
    coverage_axes.set_xlabel(label)
    if not relative:
        coverage_axes.xaxis.set_major_formatter(FuncFormatter(compact))
    cost_axes.set_title(f"Sweep of {label}")
    return _save(figure, path)


def scatter(path: Path, manifest: dict[str, Any], records: Sequence[dict]) -> Path:
    """Expected cost of each sampled run against each sampled value, one panel per value."""
    labels = manifest["labels"]
    solved = [r for r in records if _ok(r)]
    figure = Figure(figsize=(8, 2.6 * len(labels)))
    axes_list = figure.subplots(len(labels), 1, squeeze=False)
    formatter, unit = money_formatter([r[METRIC] for r in solved])
    for axes, label in zip(axes_list[:, 0], labels, strict=True):
        axes.scatter([r["values"][label] for r in solved], [r[METRIC] for r in solved], s=12)
        axes.yaxis.set_major_formatter(formatter)
        axes.set_ylabel(f"expected cost ({unit})")
        axes.set_xlabel(label)
        axes.grid(alpha=0.3)
    axes_list[0, 0].set_title(f"Sampled sweep: {len(solved)} runs with a plan")
    return _save(figure, path)


def _save(figure: Figure, path: Path) -> Path:
    figure.tight_layout()
    write_atomically(path, lambda temporary: figure.savefig(temporary, format="png", dpi=120))
    return path
