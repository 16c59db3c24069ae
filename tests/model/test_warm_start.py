"""The warm start (`planner.warmstart`): the LP relaxation rounded and repaired is a feasible plan,
and a solve that is stopped before its search has done anything still returns it with a gap.

Defaults of `tiny_case`: mineral Ga at 100 USD/t with a shortage penalty of 1000 USD/t, country A
without shipping cost, one scenario `base`, one year (2025), no discounting, zero MIP gap.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import planner.solve as solve_module
from planner.build import build_model
from planner.case import Case, Offer, Site
from planner.commands.common import bundled_input
from planner.handoff import Compiled, compile_to_highs, new_highs, run, thread_scheduler
from planner.options import SolveOptions
from planner.solve import (
    IPM_ROOT_COLUMNS,
    SHORT_TIME_LIMIT,
    configure_search,
    root_lp_solver,
    solve_case,
)
from planner.validate import read_case
from planner.warmstart import choices, heuristic_plan, offer_plan
from tests.model.tiny import GA, tiny_case

SITE = Site("plant", "A", "Ga", max_capacity=10.0, fixed_capex=2000.0, capex_per_tpa=10.0)


def compiled_model(case: Case) -> tuple[Compiled, list]:
    built = build_model(case)
    compiled = compile_to_highs(built, new_highs())
    return compiled, choices(compiled, built.registry.choices)


def feasible_cost(compiled: Compiled, values: np.ndarray) -> float:
    """The plan's objective, after checking every bound, row and integrality by hand."""
    lp = compiled.highs.getLp()
    tolerance = 1e-6
    assert np.all(values >= np.asarray(lp.col_lower_) - tolerance)
    assert np.all(values <= np.asarray(lp.col_upper_) + tolerance)
    integers = values[compiled.integer_columns]
    assert np.allclose(integers, np.round(integers), atol=tolerance)
    matrix = lp.a_matrix_
    activity = np.zeros(lp.num_row_)
    for j in range(lp.num_col_):
        for k in range(matrix.start_[j], matrix.start_[j + 1]):
            activity[matrix.index_[k]] += matrix.value_[k] * values[j]
    assert np.all(activity >= np.asarray(lp.row_lower_) - tolerance)
    assert np.all(activity <= np.asarray(lp.row_upper_) + tolerance)
    return float(np.dot(lp.col_cost_, values) + lp.offset_)


def test_a_fractional_build_is_rounded_up():
    """Demand 6 t, no source; the plant costs F = 2000 plus V = 10 per t/yr (cmax 10).

    The relaxation builds x = 6 with y = x/10 = 0.6, paying 0.6·2000 + 60 = 1260 against 6000 of
    shortage. Σy = 0.6 ≥ ½ rounds up: y = 1, x = 6, cost 2060, which is also the optimum
    (no build: 6000).
    """
    case = tiny_case(sites=(SITE,), demand={("Ga", "A", 2025): 6.0})
    compiled, decisions = compiled_model(case)
    plan = heuristic_plan(compiled, decisions)
    assert plan is not None
    assert feasible_cost(compiled, plan) == pytest.approx(2060.0)
    assert solve_case(case).objective == pytest.approx(2060.0)


def test_a_rounding_that_loses_coverage_is_repaired():
    """Demand 4 t that must be met in full (coverage 1), no source; the same plant.

    The relaxation builds x = 4 with y = 0.4 (cost 840). Σy = 0.4 < ½ rounds down, which leaves
    4 t short where none may be: that LP is infeasible, so the other rounding is taken: y = 1,
    x = 4, cost 2000 + 40 = 2040, the optimum (the only feasible plans build).
    """
    covered = replace(GA, coverage=1.0)
    case = tiny_case(minerals=(covered,), sites=(SITE,), demand={("Ga", "A", 2025): 4.0})
    compiled, decisions = compiled_model(case)
    plan = heuristic_plan(compiled, decisions)
    assert plan is not None
    assert feasible_cost(compiled, plan) == pytest.approx(2040.0)
    assert solve_case(case).objective == pytest.approx(2040.0)


def ladder_case() -> Case:
    """Demand 6.4 t, no source; a CfD group of two two-sided rungs in 2025: 4 t at 100 USD/t
    (400) or 10 t at 150 USD/t (1500)."""
    offers = (
        Offer("small", "G", "Ga", "A", strike=100.0, volume=4.0, start_year=2025, end_year=2025),
        Offer("large", "G", "Ga", "A", strike=150.0, volume=10.0, start_year=2025, end_year=2025),
    )
    return tiny_case(offers=offers, demand={("Ga", "A", 2025): 6.4})


def test_the_neighbourhood_search_flips_a_rung_the_rounding_got_wrong():
    """`ladder_case`. Plans: no offer 6400 (all short); small 400 + 2.4·1000 = 2800; large 1500.

    The relaxation mixes the rungs: z_small + z_large = 1 and 4·z_small + 10·z_large = 6.4 give
    z_small = 0.6, z_large = 0.4 at 240 + 600 = 840, below both rungs alone (large alone at
    z = 0.64 costs 960). Rounding takes the larger value, small (2800); the flip to large
    lowers the cost to 1500, the optimum.
    """
    case = ladder_case()
    compiled, decisions = compiled_model(case)
    plan = heuristic_plan(compiled, decisions)
    assert plan is not None
    assert feasible_cost(compiled, plan) == pytest.approx(1500.0)
    assert solve_case(case).objective == pytest.approx(1500.0)


def test_a_solve_stopped_at_once_returns_the_first_plan_with_a_gap():
    """The bundled case under a short time limit, the search given no time at all: HiGHS stops
    before its root LP, so the only plan it can return is the warm start's, with a finite gap to
    the bound it had. Without the warm start (the benchmark's baseline) the same run ends without
    a plan."""
    case, _ = read_case(bundled_input())
    for baseline, expected in ((False, "time_limit_feasible"), (True, "time_limit_no_solution")):
        built = build_model(case)
        compiled = compile_to_highs(built, new_highs())
        options = SolveOptions(
            mip_gap=1e-4, threads=1, time_limit=SHORT_TIME_LIMIT, baseline=baseline
        )
        with thread_scheduler(options.threads):  # an earlier test may have sized it otherwise
            configure_search(compiled, built, options)
            status, _ = run(compiled.highs, 0.0)
        assert status == expected
        if not baseline:
            info = compiled.highs.getInfo()
            assert np.isfinite(info.objective_function_value)
            assert 0 < info.mip_gap < np.inf


@pytest.mark.parametrize(
    ("time_limit", "offered"),
    [(None, False), (2 * SHORT_TIME_LIMIT, False), (SHORT_TIME_LIMIT, True)],
)
def test_the_first_plan_is_sought_under_a_short_time_limit_only(
    time_limit: float | None, offered: bool
) -> None:
    """The ladder case: without a time limit, or with a long one, the search starts without the
    heuristic plan (HiGHS finds its own soon enough); under a short one it is offered."""
    case = ladder_case()
    built = build_model(case)
    compiled = compile_to_highs(built, new_highs())
    options = SolveOptions(threads=1, time_limit=time_limit)
    with thread_scheduler(options.threads):  # the heuristic's LPs run in HiGHS's scheduler
        assert configure_search(compiled, built, options)[1] is offered


def test_offer_plan_refuses_a_vector_of_the_wrong_length():
    compiled, _ = compiled_model(ladder_case())
    assert not offer_plan(compiled, np.zeros(compiled.highs.getNumCol() + 1))


@pytest.mark.parametrize("threshold", [0, 10**9])
def test_the_root_lp_solver_follows_the_model_size(
    threshold: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ladder_case` (optimum 1500, see above) with the interior point root of large models
    forced on (threshold 0) and off: HiGHS is told the solver the rule gives for the model's
    columns, and either root finds the same optimum, so the choice changes time, never the plan."""
    monkeypatch.setattr(solve_module, "IPM_ROOT_COLUMNS", threshold)
    case = ladder_case()
    built = build_model(case)
    compiled = compile_to_highs(built, new_highs())
    options = SolveOptions(threads=1, mip_gap=0.0)
    with thread_scheduler(options.threads):
        configure_search(compiled, built, options)
        expected = "ipx" if threshold == 0 else "choose"
        assert compiled.highs.getOptionValue("mip_lp_solver")[1] == expected
        assert run(compiled.highs, None)[0] == "optimal"
    assert compiled.highs.getInfo().objective_function_value == pytest.approx(1500.0)


def test_a_reused_highs_instance_gets_the_root_lp_solver_back() -> None:
    """A sweep keeps its HiGHS instance run to run: the option is set for every search, so a
    small model after a large one is solved with HiGHS's own choice again."""
    case = ladder_case()
    built = build_model(case)
    compiled = compile_to_highs(built, new_highs())
    compiled.highs.setOptionValue("mip_lp_solver", "ipx")
    configure_search(compiled, built, SolveOptions(threads=1))
    assert compiled.highs.getOptionValue("mip_lp_solver")[1] == root_lp_solver(
        compiled.highs.getNumCol()
    )
    assert root_lp_solver(IPM_ROOT_COLUMNS) == "choose"
    assert root_lp_solver(IPM_ROOT_COLUMNS + 1) == "ipx"
