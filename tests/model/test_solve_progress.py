"""What a running solve shows: a progress line every few seconds, the note on scaling warnings.

The long solve is the subset-sum case of test_model_solve (trivially feasible, slow to prove
optimal), stopped by its time limit.
"""

from __future__ import annotations

import random
import re
import time
from itertools import pairwise
from pathlib import Path

import pytest

from planner import progress as solver_progress
from planner.build import build_model
from planner.handoff import compile_to_highs, new_highs, run
from planner.options import SolveOptions
from planner.progress import (
    SCALING_NOTE,
    SearchFigures,
    is_scaling_warning,
    progress_line,
    watching,
)
from planner.solve import solve_case
from tests.hostile.cli_runner import planner
from tests.model.test_model_solve import _subset_sum_case
from tests.results.results_cases import TINY, write_case

LINE = re.compile(
    r"^solving, \d+ s in HiGHS: best plan [\d,]+ USD, bound [\d,]+ USD, gap [\d.e+-]+%$"
)


def test_a_line_names_the_best_plan_the_bound_and_the_gap() -> None:
    figures = SearchFigures(objective=1_234_567.4, bound=1_200_000.0, gap=0.02804)
    assert progress_line(12.3, figures) == (
        "solving, 12 s in HiGHS: best plan 1,234,567 USD, bound 1,200,000 USD, gap 2.8%"
    )
    assert progress_line(3.0, SearchFigures()) == (
        "solving, 3 s in HiGHS: no plan yet, no bound yet"
    )
    assert progress_line(4.0, SearchFigures(bound=5.0)) == (
        "solving, 4 s in HiGHS: no plan yet, bound 5 USD"
    )


def test_lines_come_no_more_often_than_asked() -> None:
    """A 2-second run with the first line after 0.3 s and one every 0.5 s: about four lines,
    each with the search's figures, never two within 0.5 s."""
    highs = new_highs()
    compile_to_highs(build_model(_subset_sum_case()), highs)
    highs.setOptionValue("mip_rel_gap", 0.0)
    stamps: list[tuple[float, str]] = []
    started = time.perf_counter()
    with watching(
        highs, lambda line: stamps.append((time.perf_counter(), line)), False, first=0.3, every=0.5
    ):
        status, _ = run(highs, 2.0)
    assert status == "time_limit_feasible"
    times = [stamp - started for stamp, _ in stamps]
    assert 2 <= len(times) <= 5, times
    assert times[0] >= 0.3
    assert all(later - earlier >= 0.45 for earlier, later in pairwise(times))
    assert LINE.match(stamps[-1][1]), stamps[-1][1]
    count = len(stamps)
    time.sleep(0.6)
    assert len(stamps) == count  # the clock stopped with the run
    assert not highs.cbMipInterrupt.callbacks  # and the callbacks are gone


def test_a_short_solve_shows_no_line() -> None:
    messages: list[str] = []
    solve_case(_subset_sum_case(), SolveOptions(time_limit=0.5, progress=messages.append))
    assert messages[:3] == [
        "building the model",
        "finding a first plan",
        "solving: 123 columns, 163 rows",
    ]
    assert not [m for m in messages if m.startswith("solving, ")]


def test_the_log_is_followed_by_the_scaling_note(capfd: pytest.CaptureFixture[str]) -> None:
    """HiGHS warns that the subset-sum case's bounds (5e7 t) are excessively large; the note
    follows the log once, and is not printed without the log."""
    solve_case(_subset_sum_case(), SolveOptions(time_limit=0.5, log=True, coverage_duals=False))
    out = capfd.readouterr().out
    assert "badly scaled" in out
    assert out.count(SCALING_NOTE) == 1
    assert out.index(SCALING_NOTE) > out.index("Solving report")
    solve_case(_subset_sum_case(), SolveOptions(time_limit=0.5, coverage_duals=False))
    assert SCALING_NOTE not in capfd.readouterr().out


def test_scaling_warnings_are_told_from_others() -> None:
    assert is_scaling_warning("WARNING: Problem has some excessively large costs\n")
    assert is_scaling_warning("WARNING: Problem is badly scaled, which may compromise ...\n")
    assert not is_scaling_warning("WARNING: Option 'threads' is ignored\n")


def _write_subset_sum(folder: Path) -> Path:
    """The subset-sum case as a CSV folder (see test_model_solve._subset_sum_case)."""
    rng = random.Random(0)
    sizes = [2 * rng.randint(100_000, 1_000_000) for _ in range(40)]
    sites = "\n".join(f"s{i},A,Ga,{w},{w},1" for i, w in enumerate(sizes))
    return write_case(
        folder,
        TINY,
        Settings=f"setting,value\nstart_year,2025\nend_year,2025\ndiscount_rate,0\n"
        f"terminal_value_fraction,0\nmip_gap,0\nbudget,{sum(sizes) // 2 | 1}",
        Minerals="mineral,price,shortage_penalty\nGa,1,2",
        Demand=f"mineral,country,year,demand\nGa,A,,{sum(sizes)}",
        Sources="source,mineral,available",
        Sites="site,country,mineral,min_capacity,max_capacity,capex_per_tpa\n" + sites,
        Stockpiles="country,mineral,capacity",
    )


@pytest.mark.slow
def test_solve_with_progress_prints_lines_and_without_it_nothing(tmp_path: Path) -> None:
    """A 3-second solve: with --progress, stderr holds the stages and at least one progress
    line (the first comes after 2 s); without it, stderr is not a terminal and stays empty."""
    case = _write_subset_sum(tmp_path / "subset")
    done = planner("solve", case, "-o", "r.xlsx", "--time-limit", "3", "--progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "building the model"
    progress = [line for line in lines if line.startswith("solving, ")]
    assert progress and all(LINE.match(line) for line in progress), lines
    assert "\r" not in done.stderr  # lines, not a status rewritten in place
    done = planner("solve", case, "-o", "r.xlsx", "--time-limit", "3", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stderr == ""


def test_value_shows_the_progress_of_its_base_solve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`planner value --progress`: the base solve's lines (here at once: the first line after
    0 s), then the bar over the re-solves; without --progress nothing on stderr."""
    monkeypatch.setattr(solver_progress, "FIRST_LINE_AFTER", 0.0)
    case = write_case(tmp_path / "tiny", TINY)
    done = planner("value", case, "-o", "v.xlsx", "--workers", "1", "--progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "building and solving the case"
    assert lines[1].startswith("solving, 0 s in HiGHS: ")
    assert "re-solve" in done.stderr  # the bar
    done = planner("value", case, "-o", "v.xlsx", "--workers", "1", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stderr == ""
