"""Results workbooks of the report tests: the example solved as it is and with a smaller budget,
and an infeasible result with a hand-made diagnosis (each written once per test session)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.case import Case
from planner.outcome import Diagnosis, Outcome
from planner.results.workbook import write_results
from planner.solve import solve_case
from planner.validate import read_case

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"
SMALL_BUDGET = 500_000_000  # the example's budget is 1.5e9 USD


def solve_to(folder: Path, name: str) -> tuple[Case, Path]:
    case, _ = read_case(folder)
    outcome = solve_case(case)
    assert outcome.status == "optimal"
    path = folder.parent / name
    write_results(path, case, outcome)
    return case, path


@pytest.fixture(scope="session")
def example_results(tmp_path_factory: pytest.TempPathFactory) -> tuple[Case, Path]:
    """The example case (copied, so that its input path stays readable) and its results."""
    folder = tmp_path_factory.mktemp("report") / "example"
    shutil.copytree(EXAMPLE, folder)
    return solve_to(folder, "example-results.xlsx")


@pytest.fixture(scope="session")
def small_budget_results(tmp_path_factory: pytest.TempPathFactory) -> tuple[Case, Path]:
    """The example with its budget cut from 1.5 to 0.5 billion USD, and its results."""
    folder = tmp_path_factory.mktemp("report") / "small-budget"
    shutil.copytree(EXAMPLE, folder)
    settings = folder / "Settings.csv"
    text = settings.read_text(encoding="utf-8")
    assert "budget,1500000000" in text
    settings.write_text(text.replace("budget,1500000000", f"budget,{SMALL_BUDGET}"), "utf-8")
    return solve_to(folder, "small-budget-results.xlsx")


@pytest.fixture(scope="session")
def infeasible_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Results without a plan: a coverage shortfall of 12.5 t and a budget 300 million short."""
    case, _ = read_case(EXAMPLE)
    outcome = Outcome(
        status="infeasible",
        message="no plan meets every coverage requirement",
        diagnosis=[
            Diagnosis("coverage", 12.5, "embargo", "NdPr oxide", "Japan", 2027),
            Diagnosis("budget", 3e8),
        ],
    )
    path = tmp_path_factory.mktemp("report") / "infeasible-results.xlsx"
    write_results(path, case, outcome)
    return path
