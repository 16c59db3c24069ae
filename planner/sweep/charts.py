"""Charts of a sweep as PNG files (matplotlib figures drawn straight to PNG: no display needed).

- one-at-a-time sweeps: `tornado.png`, how far each definition's lowest and highest value move the
  expected cost from the base run, largest swing on top;
- one-dimensional sweeps (one definition, or each definition of a one-at-a-time sweep):
  `line-N.png` for definition N, expected cost and worst-scenario coverage against the value;
- sampled sweeps: `scatter.png`, expected cost against each sampled value.

Runs that found no plan have no cost; line charts mark their values with a grey band.
Which charts a sweep gets, and which processes draw them, is planner.sweep.drawing's part.

Inputs are named as people say them ("NdPr oxide price", from the manifest's `names`) and plotted
at their values in their unit: a multiplier is turned back into the value it gives when the cells
it moves share one workbook value, else into a percentage of the workbook's values. Each mineral
gets its own colour, marker and line style (`mineral_style`), so that eleven or more stay apart;
legends sit outside the plotting area, never over bars or lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, PercentFormatter

from planner.files import write_atomically
from planner.sweep.report import OK_STATUSES

if TYPE_CHECKING:
    from planner.sweep.drawing import Chart

METRIC = "expected_cost"
_LOW_COLOUR = "#4C72B0"
_HIGH_COLOUR = "#DD8452"
_MARKERS = ("o", "s", "^", "v", "D", "P", "X", "*", "h", "<", ">")
_LINE_STYLES = ("-", "--", ":", "-.")


def mineral_style(position: int) -> dict[str, Any]:
    """Colour (tab20, a qualitative palette), marker and line style of the `position`-th mineral:
    no two of the first 44 minerals share all three."""
    slot = position % 20  # tab20 comes in dark-light pairs: every dark shade first, then the light
    return {
        "color": colormaps["tab20"]((2 * slot) % 20 + (slot >= 10)),
        "marker": _MARKERS[position % len(_MARKERS)],
        "linestyle": _LINE_STYLES[(position // len(_MARKERS)) % len(_LINE_STYLES)],
    }


@dataclass(frozen=True)
class Input:
    """One varied input as a chart shows it."""

    label: str  # its column in the records (the definition's label)
    name: str  # as people say it: "NdPr oxide price"
    unit: str
    relative: bool  # the runs hold multipliers
    base: float | None  # what a multiplier multiplies, when every cell shares it

    def x(self, value: float) -> float:
        """Where a run's value sits on the axis: a value in the input's unit, or a percentage
        of the workbook's values when the multiplied cells differ."""
        if not self.relative:
            return value
        return value * self.base if self.base is not None else 100.0 * value

    @property
    def axis_unit(self) -> str:
        if self.relative and self.base is None:
            return "% of the workbook's values"
        return self.unit

    @property
    def axis_label(self) -> str:
        return f"{self.name} ({self.axis_unit})" if self.axis_unit else self.name

    def text(self, value: float) -> str:
        """A run's value as the tornado labels it: `32,500 USD/t`, `80%`."""
        if self.relative and self.base is None:
            return f"{100 * value:,.4g}%"
        if self.unit == "USD":
            return money_text(self.x(value))
        return f"{compact(self.x(value))} {self.unit}".rstrip()


def inputs(manifest: dict[str, Any]) -> list[Input]:
    """The manifest's definitions as chart inputs (older manifests: named by their labels)."""
    labels = manifest["labels"]
    count = len(labels)
    names = manifest.get("names") or labels
    units = manifest.get("units") or [""] * count
    bases = manifest.get("bases") or [None] * count
    return [
        Input(label, name, unit, relative, base if relative else None)
        for label, name, unit, relative, base in zip(
            labels, names, units, manifest["relative"], bases, strict=True
        )
    ]


def draw(folder: Path, manifest: dict[str, Any], records: Sequence[dict], chart: Chart) -> Path:
    """Draw one chart (planner.sweep.drawing says which) into `folder`."""
    path = folder / chart.file
    if chart.kind == "tornado":
        return tornado(path, manifest, records)
    if chart.kind == "scatter":
        return scatter(path, manifest, records)
    base = _base_run(records) if manifest["mode"] == "oat" else None
    return line(path, manifest, records, chart.position, base)


def money_formatter(values: Sequence[float]) -> tuple[FuncFormatter, str]:
    """A tick formatter in USD bn, m or k (whichever suits the values) and its axis unit."""
    largest = max((abs(v) for v in values), default=0.0)
    for scale, unit in ((1e9, "USD bn"), (1e6, "USD m"), (1e3, "USD k")):
        if largest >= scale:
            return FuncFormatter(lambda v, _=None, s=scale: f"{v / s:,.4g}"), unit
    return FuncFormatter(lambda v, _=None: f"{v:,.4g}"), "USD"


def money_text(value: float) -> str:
    """An amount as people read it: 12 bn USD, 450 m USD, 75,000 USD."""
    for scale, unit in ((1e9, "bn USD"), (1e6, "m USD")):
        if abs(value) >= scale:
            return f"{value / scale:,.4g} {unit}"
    return f"{value:,.6g} USD"


def _base_run(records: Sequence[dict]) -> dict | None:
    return next((r for r in records if all(v is None for v in r["values"].values())), None)


def _ok(record: dict) -> bool:
    return record["status"] in OK_STATUSES and record.get(METRIC) is not None


def tornado(path: Path, manifest: dict[str, Any], records: Sequence[dict]) -> Path:
    """Bars from the base run's expected cost to the cost at each input's lowest and highest
    value, sorted so the input that moves the cost most is on top."""
    base = _base_run(records)
    base_cost = base[METRIC] if base is not None and _ok(base) else None
    rows = []
    for position, item in enumerate(inputs(manifest)):
        values = manifest["values"][position]
        low, high = min(values), max(values)

        def cost_at(value: float, item: Input = item) -> float | None:
            if item.relative and value == 1.0:
                return base_cost
            found = [r for r in records if r["values"].get(item.label) == value and _ok(r)]
            return found[0][METRIC] if found else None

        rows.append((item, low, high, cost_at(low), cost_at(high)))
    figure = Figure(figsize=(9, 1.8 + 0.55 * len(rows)), layout="constrained")
    axes = figure.subplots()
    axes.set_title("What moves the expected cost (one input at a time)")
    if base_cost is None:
        axes.text(0.5, 0.5, "the base run found no plan", ha="center", transform=axes.transAxes)
        return _save(figure, path)
    swing = [
        max((abs(c - base_cost) for c in (lo, hi) if c is not None), default=0.0)
        for *_, lo, hi in rows
    ]
    order = sorted(range(len(rows)), key=lambda i: swing[i])
    names = []
    for y, i in enumerate(order):
        item, low, high, low_cost, high_cost = rows[i]
        for cost, colour in ((low_cost, _LOW_COLOUR), (high_cost, _HIGH_COLOUR)):
            if cost is None:
                axes.text(base_cost, y, " no plan", va="center", fontsize=8, color="grey")
                continue
            axes.barh(y, cost - base_cost, left=base_cost, color=colour, height=0.6)
        names.append(f"{item.name}\n{item.text(low)} to {item.text(high)}")
    axes.set_yticks(range(len(order)), names, fontsize=8)
    axes.axvline(base_cost, color="black", linewidth=0.8)
    costs = [c for *_, lo, hi in rows for c in (lo, hi) if c is not None]
    formatter, unit = money_formatter([base_cost, *costs])
    axes.xaxis.set_major_formatter(formatter)
    axes.set_xlabel(f"expected cost ({unit}); black line: the base run")
    handles = [
        Rectangle((0, 0), 1, 1, color=_LOW_COLOUR),
        Rectangle((0, 0), 1, 1, color=_HIGH_COLOUR),
    ]
    figure.legend(
        handles,
        ["at the lowest value", "at the highest value"],
        fontsize=8,
        loc="outside lower center",
        ncols=2,
        frameon=False,
    )
    return _save(figure, path)


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
    """Expected cost, and each mineral's worst-scenario coverage, against input `position`."""
    item = inputs(manifest)[position]
    points = sorted(
        ((r["values"][item.label], r) for r in records if r["values"].get(item.label) is not None),
        key=lambda pair: pair[0],
    )
    if base is not None and item.relative:
        points = sorted([*points, (1.0, base)], key=lambda pair: pair[0])
    solved = [(item.x(value), r) for value, r in points if _ok(r)]
    unsolved = [item.x(value) for value, r in points if not _ok(r)]
    figure = Figure(figsize=(10, 6.5), layout="constrained")
    cost_axes, coverage_axes = figure.subplots(2, 1, sharex=True)
    xs = [x for x, _ in solved]
    costs = [r[METRIC] for _, r in solved]
    cost_axes.plot(xs, costs, marker="o", color=_LOW_COLOUR)
    formatter, unit = money_formatter(costs)
    cost_axes.yaxis.set_major_formatter(formatter)
    cost_axes.set_ylabel(f"expected cost ({unit})")
    _coverage_lines(coverage_axes, manifest.get("minerals", []), solved)
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
    coverage_axes.set_xlabel(item.axis_label)
    if item.axis_unit == "USD":
        x_formatter, x_unit = money_formatter(xs + unsolved)
        coverage_axes.xaxis.set_major_formatter(x_formatter)
        coverage_axes.set_xlabel(f"{item.name} ({x_unit})")
    else:
        coverage_axes.xaxis.set_major_formatter(FuncFormatter(compact))
    cost_axes.set_title(f"Sweep of {item.name}")
    return _save(figure, path)


def _coverage_lines(axes: Any, minerals: Sequence[str], solved: list[tuple[float, dict]]) -> None:
    """One line per mineral with demand (its own colour, marker and style), legend outside."""
    drawn = 0
    for position, mineral in enumerate(minerals):
        pairs = [(x, r.get(f"coverage_worst[{mineral}]")) for x, r in solved]
        pairs = [(x, c) for x, c in pairs if c is not None]
        if not pairs:
            continue
        axes.plot(*zip(*pairs, strict=True), label=mineral, **mineral_style(position))
        drawn += 1
    if drawn:
        axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        return
    pairs = [(x, r.get("coverage_worst")) for x, r in solved]
    pairs = [(x, c) for x, c in pairs if c is not None]
    if pairs:  # a record without per-mineral figures
        axes.plot(*zip(*pairs, strict=True), marker="o", color=_HIGH_COLOUR)


def scatter(path: Path, manifest: dict[str, Any], records: Sequence[dict]) -> Path:
    """Expected cost of each sampled run against each sampled value, one panel per input."""
    items = inputs(manifest)
    solved = [r for r in records if _ok(r)]
    figure = Figure(figsize=(8, 2.6 * len(items)), layout="constrained")
    axes_list = figure.subplots(len(items), 1, squeeze=False)
    formatter, unit = money_formatter([r[METRIC] for r in solved])
    for axes, item in zip(axes_list[:, 0], items, strict=True):
        axes.scatter(
            [item.x(r["values"][item.label]) for r in solved], [r[METRIC] for r in solved], s=12
        )
        axes.yaxis.set_major_formatter(formatter)
        axes.xaxis.set_major_formatter(FuncFormatter(compact))
        axes.set_ylabel(f"expected cost ({unit})")
        axes.set_xlabel(item.axis_label)
        axes.grid(alpha=0.3)
    axes_list[0, 0].set_title(f"Sampled sweep: {len(solved)} runs with a plan")
    return _save(figure, path)


def _save(figure: Figure, path: Path) -> Path:
    write_atomically(path, lambda temporary: figure.savefig(temporary, format="png", dpi=120))
    return path
