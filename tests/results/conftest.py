"""Fixtures of the results tests: one solve of the example case and of the tiny case."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.case import Case
from planner.outcome import Outcome
from planner.results.workbook import write_results
from planner.solve import solve_case
from planner.validate import read_case
from tests.results.results_cases import EXAMPLE, TINY, write_case


@pytest.fixture(scope="session")
def solved_example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Case, Outcome, Path]:
    """The example case, its outcome and its results workbook (solved once per test session)."""
    case, _ = read_case(EXAMPLE)
    outcome = solve_case(case)
    assert outcome.status == "optimal"
    path = tmp_path_factory.mktemp("example") / "example-results.xlsx"
    write_results(path, case, outcome)
    return case, outcome, path


@pytest.fixture(scope="session")
def solved_tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Case, Outcome, Path]:
    """The tiny case, its outcome and its results workbook."""
    folder = write_case(tmp_path_factory.mktemp("tiny") / "tiny", TINY)
    case, _ = read_case(folder)
    outcome = solve_case(case)
    path = folder.parent / "tiny-results.xlsx"
    write_results(path, case, outcome)
    return case, outcome, path
