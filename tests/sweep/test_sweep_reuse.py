"""Sweeps that keep each worker's model in HiGHS (planner.reuse): the same answers as rebuilding.

Three levels: the numbers HiGHS holds after an in-place change are exactly those a rebuild passes,
and the solve's objective and plan are a fresh solve's (for each kind of input a sweep moves);
whole sweeps with and without reuse record the same figures; a definition that changes which
variables exist falls back to a rebuild and says why; the warm start is taken by HiGHS; the
workers of a sweep share their finished plans, by shape.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
import pytest

from planner.build import build_model
from planner.case import Case
from planner.handoff import Compiled, compile_standard, compile_to_highs, new_highs
from planner.io import read_raw
from planner.io.raw import RawWorkbook
from planner.options import SolveOptions
from planner.outcome import Outcome
from planner.representable import Limits
from planner.reuse import (
    ReusedSolver,
    SharedPlans,
    by_distance,
    difference,
    digest,
    relative_distance,
    shape_of,
)
from planner.solve import solve_case
from planner.sweep.definition import parse_definition
from planner.sweep.expand import Run
from planner.sweep.runner import run_sweep
from planner.sweep.store import read_runs
from planner.sweep.target import apply, resolve
from planner.validate import case_from_raw
from tests.random_cases import write_random_case
from tests.sweep.sweep_cases import TINY, assert_same_figures
from tests.sweep.sweep_cases import options as sweep_options

EXACT = SolveOptions(threads=1, mip_gap=0.0, coverage_duals=False)

# One definition per kind of number a sweep moves, each with two values: the first run builds
# the model, the second changes it in place.
KINDS = {
    "price": "Minerals.price=x0.8,x1.3",
    "demand": "Demand.demand=x0.7,x1.4",
    "capacity": "Stockpiles.capacity=4,100",
    "cost": "Minerals.shortage_penalty=x0.5,x2",
    "probability": "Scenarios.probability[cut]=0.2,0.7",
    "budget": "Settings.budget=300,800",
}


def _cases(raw: RawWorkbook, text: str) -> list[Case]:
    """The case of every value of definition `text`, as a sweep's worker makes it."""
    definition = parse_definition(text, "test")
    targets = resolve(raw, [definition])
    cases = []
    for number, value in enumerate(definition.values, start=1):
        changed = raw.copy()
        apply(changed, targets, Run(number, (value,)))
        cases.append(case_from_raw(changed)[0])
    return cases


def _lp_arrays(compiled: Compiled) -> dict[str, np.ndarray]:
    """Every number of the model HiGHS holds, column-wise."""
    lp = compiled.highs.getLp()
    matrix = lp.a_matrix_
    assert matrix.format_ == highspy.MatrixFormat.kColwise
    return {
        "cost": np.asarray(lp.col_cost_),
        "col_lower": np.asarray(lp.col_lower_),
        "col_upper": np.asarray(lp.col_upper_),
        "row_lower": np.asarray(lp.row_lower_),
        "row_upper": np.asarray(lp.row_upper_),
        "start": np.asarray(matrix.start_),
        "index": np.asarray(matrix.index_),
        "value": np.asarray(matrix.value_),
        "integrality": np.asarray([int(kind) for kind in lp.integrality_]),
        "offset": np.asarray([lp.offset_]),
    }


def _assert_same_plan(reused: Outcome, fresh: Outcome) -> None:
    assert reused.status == fresh.status == "optimal"
    assert reused.objective == pytest.approx(fresh.objective, rel=1e-9, abs=1e-9)
    assert reused.plan is not None and fresh.plan is not None
    for name in ("builds", "purchases", "offers", "flows"):
        pd.testing.assert_frame_equal(
            getattr(reused.plan, name), getattr(fresh.plan, name), rtol=1e-7, atol=1e-6
        )


def _tiny_with_budget() -> RawWorkbook:
    """The tiny case with a budget of 600 USD: its row (11) holds the stockpile's price, so a
    price sweep changes a matrix coefficient, not only costs."""
    raw = read_raw(TINY)
    raw.sheet("Settings").append({"setting": "budget", "value": 600.0})
    return raw


@pytest.mark.parametrize("kind", [*KINDS, "price with a budget row"])
def test_in_place_numbers_and_plan_equal_a_rebuilds(kind: str) -> None:
    """After the first run, the solver changes the numbers in place: HiGHS then holds exactly the
    arrays a rebuild passes, and the solve (warm-started from the first run's plan) reaches the
    fresh solve's objective and plan."""
    if kind == "price with a budget row":
        first, second = _cases(_tiny_with_budget(), KINDS["price"])
    else:
        first, second = _cases(read_raw(TINY), KINDS[kind])
    solver = ReusedSolver()
    solver.start_run(1, (1.0,))
    assert solve_case(first, EXACT, solver).status == "optimal"
    assert solver.how == "built: first run of this worker"
    solver.keep()

    solver.start_run(2, (2.0,))
    compiled = solver(build_model(second), False)
    assert solver.how.startswith("reused: ") and not solver.how.startswith("reused: 0 ")
    rebuilt = compile_to_highs(build_model(second), new_highs())
    held, passed = _lp_arrays(compiled), _lp_arrays(rebuilt)
    for name, values in passed.items():
        np.testing.assert_array_equal(held[name], values, err_msg=name)
    if kind == "price with a budget row":  # the coefficient changed in place
        before = _lp_arrays(compile_to_highs(build_model(first), new_highs()))
        assert not np.array_equal(before["value"], passed["value"])

    solver.start_run(2, (2.0,))
    _assert_same_plan(solve_case(second, EXACT, solver), solve_case(second, EXACT))


def test_random_case_sweep_reuses_and_matches_fresh_solves(tmp_path: Path) -> None:
    """A larger case (binaries, a scenario tree): every price of a sweep, solved through one
    reused solver in turn, has the fresh solve's objective and plan."""
    raw = read_raw(write_random_case(tmp_path / "case", 3))
    cases = _cases(raw, "Minerals.price=x0.6,x0.9,x1.2,x1.5")
    solver = ReusedSolver()
    for number, case in enumerate(cases, start=1):
        solver.start_run(number, (float(number),))
        reused = solve_case(case, EXACT, solver)
        solver.keep()
        assert solver.how.startswith("reused") == (number > 1), solver.how
        _assert_same_plan(reused, solve_case(case, EXACT))


@pytest.mark.parametrize("kind", list(KINDS))
def test_sweeps_with_and_without_reuse_record_the_same_figures(tmp_path: Path, kind: str) -> None:
    definitions = [parse_definition(KINDS[kind], "--vary 1")]
    folders = {reuse: tmp_path / f"reuse-{reuse}" for reuse in (True, False)}
    for reuse, folder in folders.items():
        options = sweep_options(mip_gap=0.0, reuse=reuse)
        run_sweep(TINY, folder, definitions=definitions, options=options)
    records = {reuse: read_runs(folder) for reuse, folder in folders.items()}
    assert [r["model"] for r in records[True]] == [
        "built: first run of this worker",
        records[True][1]["model"],
    ]
    assert records[True][1]["model"].startswith("reused: ")
    assert {r["model"] for r in records[False]} == {"built: model reuse is off"}
    assert_same_figures(folders[True], folders[False])


def test_a_definition_that_changes_the_variables_rebuilds_and_says_why(tmp_path: Path) -> None:
    """Demand 0 prunes the shortage and purchase variables of (Ga, A, 2031) (models/data.py):
    the second run's model has fewer columns, the third more again; each is rebuilt, and the
    optimum is the formula's: with demand D and no budget, p = D is stockpiled and the expected
    cost is 100·D (tests/sweep/sweep_cases.py)."""
    definitions = [parse_definition("Demand.demand=10,0,5", "--vary 1")]
    run_sweep(TINY, tmp_path / "out", definitions=definitions, options=sweep_options())
    records = read_runs(tmp_path / "out")
    assert records[0]["model"] == "built: first run of this worker"
    for record in records[1:]:
        assert record["model"].startswith("rebuilt: the model has "), record["model"]
        assert "columns instead of" in record["model"]
        assert record["warm_start"] is None  # the plans of another shape do not fit
    assert [r["expected_cost"] for r in records] == pytest.approx([1000.0, 0.0, 500.0])


def test_an_infeasible_run_is_diagnosed_and_the_next_run_rebuilds(tmp_path: Path) -> None:
    """Coverage 1 with a budget of 0 cannot be met (nothing can be bought before the cut): the
    diagnosis adds slack columns to the solver's model, so the next run must not reuse it."""
    definitions = [parse_definition("Settings.budget=0,2000", "--vary 1")]
    raw_case = tmp_path / "case"
    raw_case.mkdir()
    for source in TINY.iterdir():
        text = source.read_text(encoding="utf-8")
        if source.name == "Minerals.csv":
            text = text.replace("Ga,100,1000,0", "Ga,100,1000,1")
        (raw_case / source.name).write_text(text, encoding="utf-8")
    run_sweep(raw_case, tmp_path / "out", definitions=definitions, options=sweep_options())
    first, second = read_runs(tmp_path / "out")
    assert first["status"] == "infeasible"
    assert second["status"] == "optimal"
    assert second["model"] == (
        "rebuilt: the previous run's infeasibility diagnosis changed the solver's model"
    )


def test_highs_takes_the_warm_start(tmp_path: Path) -> None:
    """HiGHS's log says that the plan given by setSolution was checked and found feasible: the
    second run's search starts from the first run's plan (same numbers but one cost, so that
    plan stays feasible)."""
    first, second = _cases(read_raw(TINY), "Minerals.shortage_penalty=1000,1100")
    solver = ReusedSolver()
    solver.start_run(1, (1000.0,))
    solve_case(first, EXACT, solver)
    solver.keep()
    solver.start_run(2, (1100.0,))
    compiled = solver(build_model(second), False)
    assert solver.started_from == 1
    log = tmp_path / "highs.log"
    highs = compiled.highs
    highs.setOptionValue("log_file", str(log))
    highs.setOptionValue("output_flag", True)
    highs.setOptionValue("log_to_console", False)
    highs.setOptionValue("presolve", "off")  # a search, so that the start is checked
    highs.run()
    assert "MIP start solution is feasible" in log.read_text(encoding="utf-8")


@pytest.mark.parametrize(("budgets", "started_from"), [((300.0, 800.0), 1), ((800.0, 300.0), None)])
def test_only_a_plan_feasible_for_the_new_numbers_is_a_start(
    budgets: tuple[float, float], started_from: int | None
) -> None:
    """With budget B the tiny case stockpiles p = min(10, B/100) t (sweep_cases.py): 3 t for
    B = 300, 8 t for B = 800. Buying 3 t is within a budget of 800, so that plan starts the
    second run; buying 8 t breaks a budget of 300, so that plan is not given to HiGHS (which
    would have to repair it with an LP first)."""
    first, second = _cases(_tiny_with_budget(), f"Settings.budget={budgets[0]:g},{budgets[1]:g}")
    solver = ReusedSolver()
    solver.start_run(1, (budgets[0],))
    solve_case(first, EXACT, solver)
    solver.keep()
    solver.start_run(2, (budgets[1],))
    outcome = solve_case(second, EXACT, solver)
    assert solver.started_from == started_from
    assert outcome.objective == pytest.approx(5500 - 450 * min(10, budgets[1] / 100))


def test_a_worker_without_finished_runs_starts_cold() -> None:
    (case,) = _cases(read_raw(TINY), "Minerals.price=x1")
    solver = ReusedSolver()
    solver.start_run(1, (1.0,))
    solve_case(case, EXACT, solver)
    assert solver.started_from is None


def test_nearest_run_is_nearest_relative_to_each_values_size() -> None:
    """A budget of 1.1e9 against 1e9 is as near as a multiplier of 1.1 against 1; None (the
    workbook's value) is nearest to None."""
    finished = [(1e9, 1.0), (2e9, 1.1), (1e9, 2.0)]
    assert by_distance((1.1e9, 1.05), finished) == [0, 1, 2]
    assert by_distance((1.9e9, 1.2), finished) == [1, 0, 2]
    assert relative_distance((1.1e9,), (1e9,)) == pytest.approx(relative_distance((1.1,), (1.0,)))
    assert by_distance((None,), [(1.0,), (None,)]) == [1, 0]


def test_shape_difference_names_the_first_differing_column(tmp_path: Path) -> None:
    with_demand, without = _cases(read_raw(TINY), "Demand.demand=10,0")
    shapes = []
    for case in (with_demand, without):
        shapes.append(shape_of(compile_standard(build_model(case), Limits.of(new_highs()))))
    assert difference(shapes[0], shapes[0]) is None
    assert difference(shapes[0], shapes[1]) == (
        f"the model has {len(shapes[1].columns)} columns instead of {len(shapes[0].columns)}"
    )
    moved = replace(shapes[0], index=shapes[0].index[::-1])
    assert difference(shapes[0], moved) == (
        "the variables appear in other rows (another sparsity pattern)"
    )


def test_shared_plans_round_trip_by_shape_and_run(tmp_path: Path) -> None:
    """A published plan comes back whole (run, values, column values) to a reader of the same
    shape digest, once; a reader of another shape never sees it."""
    shared = SharedPlans(tmp_path)
    plan_a = (1, (1.0, None), np.array([0.0, 2.5, 1e-9]))
    plan_b = (2, (1.5, 3e9), np.array([1.0, 0.0, 7.0]))
    assert shared.publish("a" * 32, plan_a) and shared.publish("a" * 32, plan_b)
    assert shared.publish("b" * 32, (3, (0.5, None), np.array([4.0])))
    seen: set[int] = set()
    collected = SharedPlans(tmp_path).collect("a" * 32, seen)
    assert [(number, point) for number, point, _ in collected] == [
        (1, (1.0, None)),
        (2, (1.5, 3e9)),
    ]
    np.testing.assert_array_equal(collected[0][2], plan_a[2])
    np.testing.assert_array_equal(collected[1][2], plan_b[2])
    assert seen == {1, 2}
    assert SharedPlans(tmp_path).collect("a" * 32, seen) == []
    assert [number for number, _, _ in SharedPlans(tmp_path).collect("b" * 32, set())] == [3]
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_a_worker_keeps_at_most_its_latest_plans_in_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("planner.reuse.KEPT_PLANS", 2)
    shared = SharedPlans(tmp_path)
    for number in (1, 2, 3):
        shared.publish("a" * 32, (number, (float(number),), np.zeros(2)))
    assert sorted(path.name[:10] for path in tmp_path.iterdir()) == ["plan-00002", "plan-00003"]


def test_a_folder_that_cannot_be_written_stops_the_sharing_only(tmp_path: Path) -> None:
    """A Dask worker on another machine finds no such folder: it keeps its own plans."""
    shared = SharedPlans(tmp_path / "elsewhere")
    assert not shared.publish("a" * 32, (1, (1.0,), np.zeros(1)))
    assert shared.collect("a" * 32, set()) == []
    first, second = _cases(read_raw(TINY), "Minerals.shortage_penalty=1000,1100")
    solver = ReusedSolver(shared)
    solver.start_run(1, (1000.0,))
    solve_case(first, EXACT, solver)
    solver.keep()
    solver.start_run(2, (1100.0,))
    assert solve_case(second, EXACT, solver).status == "optimal"
    assert solver.started_from == 1


def test_a_worker_starts_from_a_plan_another_worker_found(tmp_path: Path) -> None:
    """Two workers share a folder: the second one's first run (a model of the same shape, for
    which the first worker's plan is feasible) starts from that plan and reaches the fresh
    solve's optimum; a model of another shape (demand 0 prunes columns) takes no shared plan."""
    first, second = _cases(read_raw(TINY), "Minerals.shortage_penalty=1000,1100")
    one, other = ReusedSolver(SharedPlans(tmp_path)), ReusedSolver(SharedPlans(tmp_path))
    one.start_run(1, (1000.0,))
    solve_case(first, EXACT, one)
    one.keep()
    other.start_run(2, (1100.0,))
    _assert_same_plan(solve_case(second, EXACT, other), solve_case(second, EXACT))
    assert other.started_from == 1

    (pruned,) = _cases(read_raw(TINY), "Demand.demand=0")
    third = ReusedSolver(SharedPlans(tmp_path))
    third.start_run(3, (0.0,))
    solve_case(pruned, EXACT, third)
    assert third.started_from is None


def test_equal_shapes_have_equal_digests_and_other_shapes_others() -> None:
    with_demand, again, without = _cases(read_raw(TINY), "Demand.demand=10,20,0")
    digests = [
        digest(shape_of(compile_standard(build_model(case), Limits.of(new_highs()))))
        for case in (with_demand, again, without)
    ]
    assert digests[0] == digests[1] != digests[2]
