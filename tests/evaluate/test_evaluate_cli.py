"""`planner evaluate` as a user runs it: sample, solve, evaluate out of sample; mismatches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from planner.evaluate.report import SCENARIOS
from planner.options import SolveOptions
from planner.results.layout import column_key
from planner.results.workbook import write_results
from planner.solve import solve_case
from planner.validate import read_case

KNOWN = Path(__file__).parent / "known"
TINY = Path(__file__).parents[1] / "sweep" / "tiny"
PLANNER = [sys.executable, "-m", "planner"]


def planner(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PLANNER, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=180
    )


def _solved(case_path: Path, results: Path) -> None:
    """Solve in this process (faster than a second command) and write the results workbook."""
    case, _ = read_case(case_path)
    write_results(results, case, solve_case(case, SolveOptions(coverage_duals=False)))


def test_sample_solve_and_evaluate_out_of_sample(tmp_path: Path) -> None:
    sampled = planner("scenarios", KNOWN, "-n", "20", "--seed", "3", "-o", "k20.xlsx", cwd=tmp_path)
    assert sampled.returncode == 0, sampled.stderr
    _solved(tmp_path / "k20.xlsx", tmp_path / "k20-results.xlsx")
    done = planner(
        "evaluate",
        KNOWN,
        "k20-results.xlsx",
        "--samples",
        "300",
        "--seed",
        "9",
        "--workers",
        "2",
        "-o",
        "eval.xlsx",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Expected cost on 300 sampled scenarios" in done.stdout
    summary = pd.read_excel(tmp_path / "eval.xlsx", sheet_name="Summary").set_index("metric")
    assert summary.loc["expected_cost", "unit"] == "USD"
    scenarios = pd.read_excel(tmp_path / "eval.xlsx", sheet_name="Scenarios")
    assert list(scenarios.columns) == list(SCENARIOS.headers)
    assert {"cost (USD)", "beyond_coverage (t)"} <= set(scenarios.columns)
    scenarios = scenarios.rename(columns=column_key)
    assert scenarios["samples"].sum() == 300 == summary.loc["samples", "value"]
    mean = (scenarios["samples"] * scenarios["cost"]).sum() / 300
    assert float(summary.loc["expected_cost", "value"]) == pytest.approx(mean)
    low, high = (float(summary.loc[f"expected_cost_{k}_95", "value"]) for k in ("low", "high"))
    assert low < mean < high
    worst = pd.read_excel(tmp_path / "eval.xlsx", sheet_name="Worst").rename(columns=column_key)
    assert worst["cost"].iloc[0] == scenarios["cost"].max()


def test_results_of_another_case_are_refused_with_sheet_row_and_column(tmp_path: Path) -> None:
    _solved(TINY, tmp_path / "tiny-results.xlsx")
    done = planner("evaluate", KNOWN, "tiny-results.xlsx", "-m", "10", cwd=tmp_path)
    assert done.returncode == 1
    assert "Sites!2, site: no site 'new-mill' in the case" in done.stderr
    assert "CfD!2, offer: no offer 'ladder-1' in the case" in done.stderr
    assert "Traceback" not in done.stderr
