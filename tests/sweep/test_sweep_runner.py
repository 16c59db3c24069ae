"""Whole sweeps of the tiny case (sweep_cases.py), each optimum checked against the hand-derived
formula there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from planner.io import RawSheet, read_raw, write_raw
from planner.results.layout import column_key
from planner.sweep.definition import parse_definition
from planner.sweep.job import SolveJob
from planner.sweep.runner import run_sweep
from planner.sweep.store import StoreError, read_runs
from tests.sweep.sweep_cases import TINY, assert_same_figures, expected_cost
from tests.sweep.sweep_cases import options as sweep_options


def _sweep(folder: Path, *texts: str, **options):
    definitions = [parse_definition(t, f"--vary {i}") for i, t in enumerate(texts, start=1)]
    return run_sweep(TINY, folder, definitions=definitions, options=sweep_options(**options))


def test_budget_sweep_reaches_the_hand_derived_optimum(tmp_path: Path) -> None:
    result = _sweep(tmp_path / "out", "Settings.budget=0:2000:5")
    assert result.complete and result.statuses == {"optimal": 5}
    records = read_runs(tmp_path / "out")
    for record, budget in zip(records, (0, 500, 1000, 1500, 2000), strict=True):
        bought = min(10.0, budget / 100)
        assert record["values"] == {"Settings.budget": budget}
        assert record["objective"] == pytest.approx(expected_cost(budget))
        assert record["expected_cost"] == pytest.approx(expected_cost(budget))
        assert record["coverage_worst"] == pytest.approx(bought / 10)
        assert record["coverage_worst[Ga]"] == pytest.approx(bought / 10)
        assert record["shortage_t"] == pytest.approx(0.5 * (10 - bought))
        assert record["stockpile_t[Ga]"] == pytest.approx(bought)
        # cut must hold p at the end of 2030; calm may as well release it then (it only
        # replaces a purchase at the same price), so the expected peak is between p/2 and p.
        assert bought / 2 - 1e-9 <= record["stock_peak_t[Ga]"] <= bought + 1e-9
        assert record["spend_total"] == pytest.approx(100 * bought)
        assert record["spend_stockpile[Ga]"] == pytest.approx(100 * bought)
        assert record["offers_accepted"] == 0 and record["capacity_tpa[Ga]"] == 0
    costs = sum(records[1][f"cost_{c}"] for c in ("external_purchases", "shortage_penalty"))
    assert costs == pytest.approx(records[1]["expected_cost"])

    runs = pd.read_excel(result.workbook, sheet_name="Runs")
    assert {"Settings.budget (USD)", "expected_cost (USD)", "shortage_t (t)", "run"} <= set(runs)
    assert {"coverage_worst[Ga] (share)", "capacity_tpa[Ga] (t/yr)", "offers"} <= set(runs)
    runs = runs.rename(columns=column_key)  # the record keys, as every reader finds them
    assert list(runs["Settings.budget"]) == [0, 500, 1000, 1500, 2000]
    assert list(runs["expected_cost"]) == pytest.approx(
        [expected_cost(b) for b in runs["Settings.budget"]]
    )
    assert [path.name for path in result.charts] == ["line-1.png"]
    assert result.charts[0].read_bytes().startswith(b"\x89PNG")


def test_probability_and_price_move_the_optimum_as_derived(tmp_path: Path) -> None:
    """Budget 500 (p = 5 at P = 100, p = 2.5 at P = 200); cut's probability rescales calm's."""
    (tmp_path / "case").mkdir()
    for path in TINY.iterdir():
        shutil.copy(path, tmp_path / "case" / path.name)
    settings = tmp_path / "case" / "Settings.csv"
    settings.write_text(settings.read_text() + "budget,500\n")
    definitions = [
        parse_definition("Scenarios.probability[cut]=0.1,0.3", "--vary 1"),
        parse_definition("Minerals.price=x1,x2", "--vary 2"),
    ]
    run_sweep(tmp_path / "case", tmp_path / "out", definitions=definitions, options=sweep_options())
    records = read_runs(tmp_path / "out")
    assert [tuple(r["values"].values()) for r in records] == [
        (0.1, 1.0),
        (0.1, 2.0),
        (0.3, 1.0),
        (0.3, 2.0),
    ]
    for record in records:
        q, multiplier = record["values"].values()
        assert record["expected_cost"] == pytest.approx(
            expected_cost(500, q=q, price=100 * multiplier)
        )
        assert f"scaled x{(1 - q) / 0.5:.6g} to keep the sum at 1" in record["note"]
    assert "Prices rows 2 scaled x2 with Minerals row 2" in records[1]["note"]


def test_runs_without_a_plan_are_recorded_and_the_sweep_goes_on(tmp_path: Path) -> None:
    """Coverage 0.7 allows 3 t short in cut: with the CfD's 1 t, p ≥ 6 t, which a budget of 500
    (p ≤ 5) cannot buy; the elastic re-solve finds the budget 100 short. Calm at 0.6 rescales
    cut to 0.4."""
    result = _sweep(
        tmp_path / "out",
        "Minerals.coverage=0,0.7",
        "Settings.budget=500",
        "Scenarios.probability[calm]=0.5,0.6",
    )
    assert result.complete and result.statuses == {"optimal": 2, "infeasible": 2}
    records = {tuple(r["values"].values()): r for r in read_runs(tmp_path / "out")}
    assert records[0, 500, 0.5]["expected_cost"] == pytest.approx(expected_cost(500))
    assert records[0, 500, 0.6]["expected_cost"] == pytest.approx(expected_cost(500, q=0.4))
    for calm in (0.5, 0.6):
        infeasible = records[0.7, 500, calm]
        assert infeasible["status"] == "infeasible"
        assert infeasible["budget_shortfall"] == pytest.approx(100)
        assert infeasible["objective"] is None and "budget" in infeasible["message"]


def test_invalid_changed_inputs_are_recorded_as_failed(tmp_path: Path) -> None:
    (tmp_path / "case").mkdir()
    for path in TINY.iterdir():
        shutil.copy(path, tmp_path / "case" / path.name)
    scenarios = tmp_path / "case" / "Scenarios.csv"
    scenarios.write_text(scenarios.read_text() + "spike,0,price spike\n")
    definitions = [
        parse_definition("Scenarios.probability[cut]=0.5,0.7", "--vary 1"),
        parse_definition("Scenarios.probability[calm]=0.5", "--vary 2"),
    ]
    run_sweep(tmp_path / "case", tmp_path / "out", definitions=definitions, options=sweep_options())
    ok, bad = read_runs(tmp_path / "out")
    assert ok["status"] == "optimal"
    assert bad["status"] == "failed"
    assert bad["message"].startswith("the changed input is not valid: Scenarios")
    assert "the varied probabilities sum to 1.2, more than 1" in bad["note"]


def test_an_interrupted_sweep_resumes_to_the_same_results(tmp_path: Path) -> None:
    texts = ("Settings.budget=0:2000:5", "Scenarios.probability[cut]=0.2,0.4")
    _sweep(tmp_path / "whole", *texts)
    partial = _sweep(tmp_path / "parts", *texts, max_runs=3)
    assert (partial.recorded, partial.runs, partial.complete) == (3, 10, False)
    again = _sweep(tmp_path / "parts", *texts, resume=True, max_runs=4)
    assert (again.ran, again.recorded) == (4, 7)
    final = _sweep(tmp_path / "parts", *texts, resume=True)
    assert (final.ran, final.recorded, final.complete) == (3, 10, True)
    assert_same_figures(tmp_path / "parts", tmp_path / "whole")


def test_resume_refuses_a_folder_of_another_sweep(tmp_path: Path) -> None:
    _sweep(tmp_path / "out", "Settings.budget=0,500", max_runs=1)
    with pytest.raises(StoreError, match="already holds a sweep; pass --resume"):
        _sweep(tmp_path / "out", "Settings.budget=0,500")
    with pytest.raises(StoreError, match=r"different sweep \(the definitions differ\)"):
        _sweep(tmp_path / "out", "Settings.budget=0,600", resume=True)
    with pytest.raises(StoreError, match=r"the solver options differ"):
        _sweep(tmp_path / "out", "Settings.budget=0,500", resume=True, mip_gap=0.1)

    (tmp_path / "case").mkdir()
    for path in TINY.iterdir():
        shutil.copy(path, tmp_path / "case" / path.name)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    demand = tmp_path / "case" / "Demand.csv"
    demand.write_text(demand.read_text().replace("10", "11"))
    definitions = [parse_definition("Settings.budget=0,500", "--vary 1")]
    with pytest.raises(StoreError, match=r"the input's contents differ"):
        run_sweep(
            tmp_path / "case",
            tmp_path / "out",
            definitions=definitions,
            options=sweep_options(resume=True),
        )
    assert json.loads((tmp_path / "out" / "manifest.json").read_text()) == manifest


def test_one_at_a_time_sweep_draws_a_tornado(tmp_path: Path) -> None:
    result = _sweep(
        tmp_path / "out", "Settings.budget=0,500", "Minerals.price=x0.5,x1,x2", mode="oat"
    )
    records = read_runs(tmp_path / "out")
    assert [tuple(r["values"].values()) for r in records] == [
        (None, None),
        (0.0, None),
        (500.0, None),
        (None, 0.5),
        (None, 2.0),
    ]
    assert [r["expected_cost"] for r in records] == pytest.approx([1000, 5500, 3250, 500, 2000])
    assert [p.name for p in result.charts] == ["tornado.png", "line-1.png", "line-2.png"]


def test_sampled_sweep_is_reproducible(tmp_path: Path) -> None:
    first = _sweep(tmp_path / "a", "Settings.budget=0:1000:2", mode="sample", samples=4, seed=3)
    _sweep(tmp_path / "b", "Settings.budget=0:1000:2", mode="sample", samples=4, seed=3)
    assert_same_figures(tmp_path / "a", tmp_path / "b")
    for record in read_runs(tmp_path / "a"):
        budget = record["values"]["Settings.budget"]
        assert 0 <= budget <= 1000
        assert record["expected_cost"] == pytest.approx(expected_cost(budget))
    assert [p.name for p in first.charts] == ["scatter.png"]


def test_process_pool_and_dask_give_the_same_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same figures however the runs are spread; the folder where the pool's workers share
    their plans (planner.reuse.SharedPlans) is emptied when the runs start (a killed sweep's
    plans) and gone once the sweep ends."""
    distributed = pytest.importorskip("distributed")
    texts = ("Settings.budget=0:1500:4",)
    _sweep(tmp_path / "serial", *texts)
    jobs: list[SolveJob] = []
    monkeypatch.setattr(
        "planner.sweep.runner.SolveJob", lambda *a, **k: jobs.append(SolveJob(*a, **k)) or jobs[-1]
    )
    _sweep(tmp_path / "pool", *texts, workers=2, max_runs=1)  # as if killed after one run
    stale = tmp_path / "pool" / ".plans"
    stale.mkdir()
    (stale / "plan-00001-0.npz").write_bytes(b"from a killed sweep")
    pool = _sweep(tmp_path / "pool", *texts, workers=2, resume=True)
    assert jobs[0].plans_folder is None  # one run: one worker
    assert jobs[1].plans_folder == str(stale)
    assert not stale.exists()
    assert [path.name for path in pool.charts] == ["line-1.png"]
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        _sweep(tmp_path / "dask", *texts, dask_address=cluster.scheduler_address)
    assert_same_figures(tmp_path / "pool", tmp_path / "serial")
    assert_same_figures(tmp_path / "dask", tmp_path / "serial")


def test_a_workbook_sweeps_sheet_defines_the_sweep(tmp_path: Path) -> None:
    raw = read_raw(TINY)
    raw.sheets["Sweeps"] = RawSheet("Sweeps", ["parameter", "values"])
    raw.sheet("Sweeps").append({"parameter": "Settings.budget", "values": "0,500"})
    raw.sheet("Sweeps").append({"parameter": "Minerals.price", "values": "x0.5,x2"})
    write_raw(raw, tmp_path / "case.xlsx")
    warnings: list = []
    result = run_sweep(
        tmp_path / "case.xlsx",
        tmp_path / "out",
        options=sweep_options(mode="oat"),
        warn=warnings.extend,
    )
    assert result.statuses == {"optimal": 5}  # the Sweeps sheet itself is not part of the case
    assert [r["expected_cost"] for r in read_runs(tmp_path / "out")] == pytest.approx(
        [1000, 5500, 3250, 500, 2000]
    )
    assert warnings == []  # no 'unknown sheet' warning for Sweeps
