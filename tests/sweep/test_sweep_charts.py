"""Sweep charts read as people read: inputs by name and at their values, every mineral apart,
legends clear of the data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from planner.io import read_raw
from planner.sweep.charts import Input, inputs, mineral_style, tornado
from planner.sweep.definition import parse_definition
from planner.sweep.target import Target, resolve
from tests.sweep.sweep_cases import TINY


def _target(text: str) -> Target:
    return resolve(read_raw(TINY), [parse_definition(text, "--vary 1")])[0]


@pytest.mark.parametrize(
    ("text", "name", "base"),
    [
        ("Minerals.price[Ga]=x0.5,x2", "Ga price", 100.0),
        ("Settings.budget=0,500", "budget", None),
        ("Minerals.price=x0.5,x2", "price (every Minerals row)", 100.0),
        ("Demand.demand[mineral=Ga,country=A]=x0.9,x1.1", "Ga demand (A)", 10.0),
    ],
)
def test_inputs_are_named_as_people_say_them(text: str, name: str, base: float | None) -> None:
    target = _target(text)
    assert target.name == name
    if target.definition.relative:
        assert target.common_base == base


def test_multipliers_are_shown_as_values_or_as_shares_of_the_workbook() -> None:
    price = Input("Minerals.price[Ga] (x)", "Ga price", "USD/t", True, 100.0)
    assert price.x(0.5) == 50.0 and price.axis_label == "Ga price (USD/t)"
    assert price.text(1.5) == "150 USD/t"
    mixed = Input("Demand.demand (x)", "demand (every Demand row)", "t", True, None)
    assert mixed.x(0.9) == pytest.approx(90.0)
    assert mixed.axis_label == "demand (every Demand row) (% of the workbook's values)"
    budget = Input("Settings.budget", "budget", "USD", False, None)
    assert budget.text(12e9) == "12 bn USD" and budget.x(12e9) == 12e9


def test_an_old_manifest_without_names_still_charts() -> None:
    manifest = {"labels": ["Settings.budget"], "relative": [False]}
    assert inputs(manifest) == [Input("Settings.budget", "Settings.budget", "", False, None)]


def test_eleven_minerals_are_told_apart() -> None:
    styles = [mineral_style(i) for i in range(11)]
    assert len({tuple(style["color"]) for style in styles}) == 11
    assert len({(tuple(s["color"]), s["marker"], s["linestyle"]) for s in styles}) == 11
    assert len({(tuple(s["color"]), s["marker"], s["linestyle"]) for s in map(
        mineral_style, range(44))}) == 44  # fmt: skip


def test_the_tornado_legend_stays_clear_of_the_bars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The legend is drawn below the axes: its box and the axes' box do not overlap."""
    from matplotlib.figure import Figure

    figures: list[Figure] = []
    original = Figure.savefig

    def keep(self: Figure, *args: object, **kwargs: object) -> None:
        figures.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Figure, "savefig", keep)
    manifest = {
        "labels": ["Settings.budget", "Minerals.price[Ga] (x)"],
        "names": ["budget", "Ga price"],
        "units": ["USD", "USD/t"],
        "bases": [None, 100.0],
        "relative": [False, True],
        "values": [[0.0, 500.0], [0.5, 2.0]],
    }
    records = [
        {"values": {}, "status": "optimal", "expected_cost": 1000.0},
        {"values": {"Settings.budget": 0.0}, "status": "optimal", "expected_cost": 5500.0},
        {"values": {"Settings.budget": 500.0}, "status": "optimal", "expected_cost": 3250.0},
        {"values": {"Minerals.price[Ga] (x)": 0.5}, "status": "optimal", "expected_cost": 500.0},
        {"values": {"Minerals.price[Ga] (x)": 2.0}, "status": "optimal", "expected_cost": 2000.0},
    ]
    tornado(tmp_path / "tornado.png", manifest, records)
    (figure,) = figures
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    (axes,) = figure.axes
    (legend,) = figure.legends
    assert not legend.get_window_extent(renderer).overlaps(axes.get_window_extent(renderer))
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    assert labels == ["Ga price\n50 USD/t to 200 USD/t", "budget\n0 USD to 500 USD"]


def test_charts_drawn_side_by_side_are_the_charts_drawn_one_by_one(tmp_path: Path) -> None:
    """A one-at-a-time sweep draws a tornado and a line chart per input; drawn by two processes
    they are the same files, byte for byte, in the same order."""
    from planner.sweep.drawing import draw_charts
    from planner.sweep.runner import run_sweep
    from planner.sweep.store import read_manifest, read_runs
    from tests.sweep.sweep_cases import options

    definitions = [
        parse_definition("Settings.budget=300,800", "--vary 1"),
        parse_definition("Minerals.price=x0.5,x2", "--vary 2"),
    ]
    folder = tmp_path / "sweep"
    result = run_sweep(TINY, folder, definitions=definitions, options=options(mode="oat"))
    side_by_side = tmp_path / "side-by-side"
    side_by_side.mkdir()
    drawn = draw_charts(side_by_side, read_manifest(folder), read_runs(folder), workers=2)
    assert [p.name for p in drawn] == [p.name for p in result.charts]
    assert [p.name for p in drawn] == ["tornado.png", "line-1.png", "line-2.png"]
    for one_by_one, other in zip(result.charts, drawn, strict=True):
        assert one_by_one.read_bytes() == other.read_bytes(), other.name

    # The main process leaves matplotlib to the drawing processes.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from planner.sweep.drawing import draw_charts\n"
        "from planner.sweep.store import read_manifest, read_runs\n"
        "if __name__ == '__main__':\n"
        f"    folder, out = Path({str(folder)!r}), Path({str(side_by_side)!r})\n"
        "    draw_charts(out, read_manifest(folder), read_runs(folder), workers=2)\n"
        "    print('matplotlib' in sys.modules)\n"
    )
    (tmp_path / "draw.py").write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(tmp_path / "draw.py")], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_charts_are_drawn_here_when_no_process_can_be_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.sweep import drawing
    from planner.sweep.runner import run_sweep
    from planner.sweep.store import read_manifest, read_runs
    from tests.sweep.sweep_cases import options

    folder = tmp_path / "sweep"
    definitions = [parse_definition("Settings.budget=300,800", "--vary 1")]
    run_sweep(TINY, folder, definitions=definitions, options=options(mode="oat"))

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(drawing, "worker_pool", refuse)
    out = tmp_path / "out"
    out.mkdir()
    drawn = drawing.draw_charts(out, read_manifest(folder), read_runs(folder), workers=2)
    assert [p.name for p in drawn] == ["tornado.png", "line-1.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in drawn)
