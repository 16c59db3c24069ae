"""The solve around the model: statuses, diagnosis, time limits, tables, exactness of pruning."""

from __future__ import annotations

import random

import pytest
from planner.models.data import terminal_fraction

from planner.case import Case, Country, Mineral, Scenario, Settings, Site, SourceYear
from planner.options import SolveOptions
from planner.outcome import Diagnosis
from planner.solve import solve_case
from tests.model.tiny import every_year, tiny_case
from tests.random_cases import random_case
from tests.reference_model import reference_objective


def test_infeasible_coverage_is_diagnosed_where_it_fails():
    """Ga needs 80% coverage of 10 t/yr in A. In `cut` (π = 0.5) the only source loses 70% in
    2026: 3 t arrive, 2 t may be short, so 10 − 3 − 2 = 5 t of coverage cannot be met. Country B
    (Ge, plenty of supply) and the `base` scenario are fine.
    """
    case = tiny_case(
        end=2026,
        minerals=(
            Mineral("Ga", price=100.0, shortage_penalty=1000.0, coverage=0.8),
            Mineral("Ge", price=50.0, shortage_penalty=1000.0, coverage=0.5),
        ),
        countries=(Country("A"), Country("B")),
        scenarios=(Scenario("base", 0.5), Scenario("cut", 0.5)),
        demand={
            **every_year(10.0, 2025, 2026, "Ga", "A"),
            **every_year(5.0, 2025, 2026, "Ge", "B"),
        },
        supply={
            **every_year(SourceYear(10.0), 2025, 2026, "X", "Ga"),
            **every_year(SourceYear(100.0), 2025, 2026, "Y", "Ge"),
        },
        share_lost={("cut", "X", "Ga", 2026): 0.7},
    )
    out = solve_case(case)
    assert out.status == "infeasible"
    assert out.objective is None and out.plan is None
    assert len(out.diagnosis) == 1
    found = out.diagnosis[0]
    assert (found.constraint, found.scenario, found.mineral, found.country, found.year) == (
        "coverage",
        "cut",
        "Ga",
        "A",
        2026,
    )
    assert found.shortfall == pytest.approx(5.0, rel=1e-6)
    assert "coverage" in out.message


def test_budget_and_coverage_diagnosed_together():
    """Full coverage of 10 t/yr in 2025-2026 with no source; the site (lead time 1, 100 USD per
    t/yr) can only be built in 2025 and delivers from 2026. 2025 is short by 10 t whatever the
    budget; 2026 needs x = 10, i.e. 1000 USD against a budget of 600: it must grow by 400.
    """
    case = tiny_case(
        end=2026,
        budget=600.0,
        minerals=(Mineral("Ga", price=100.0, shortage_penalty=1000.0, coverage=1.0),),
        sites=(
            Site(
                "plant",
                "A",
                "Ga",
                max_capacity=20.0,
                capex_per_tpa=100.0,
                lead_time=1,
                earliest_year=2025,
            ),
        ),
        demand=every_year(10.0, 2025, 2026, "Ga", "A"),
    )
    out = solve_case(case)
    assert out.status == "infeasible"
    by_kind = {d.constraint: d for d in out.diagnosis}
    assert set(by_kind) == {"coverage", "budget"}
    assert len(out.diagnosis) == 2
    coverage = by_kind["coverage"]
    assert (coverage.scenario, coverage.mineral, coverage.country, coverage.year) == (
        "base",
        "Ga",
        "A",
        2025,
    )
    assert coverage.shortfall == pytest.approx(10.0, rel=1e-6)
    assert by_kind["budget"].shortfall == pytest.approx(400.0, rel=1e-6)
    assert "400" in out.message


def test_budget_alone_diagnosed():
    """One year, full coverage of 10 t, a site at 100 per t/yr (lead time 0), budget 600."""
    case = tiny_case(
        budget=600.0,
        minerals=(Mineral("Ga", price=100.0, shortage_penalty=1000.0, coverage=1.0),),
        sites=(Site("plant", "A", "Ga", max_capacity=20.0, capex_per_tpa=100.0),),
        demand={("Ga", "A", 2025): 10.0},
    )
    out = solve_case(case)
    assert out.status == "infeasible"
    assert out.diagnosis == [Diagnosis("budget", pytest.approx(400.0, rel=1e-6))]


def test_diagnosis_can_be_skipped():
    case = tiny_case(
        minerals=(Mineral("Ga", price=100.0, shortage_penalty=1.0, coverage=1.0),),
        demand={("Ga", "A", 2025): 10.0},
    )
    out = solve_case(case, SolveOptions(diagnose=False))
    assert out.status == "infeasible"
    assert out.diagnosis == []


def _subset_sum_case() -> Case:
    """A MIP that is trivially feasible but hard to prove optimal: a subset-sum knapsack.

    40 all-or-nothing sites of even sizes, capex 1 USD per t/yr, an odd budget, and a shortage
    penalty of 2 USD/t: the cost is 2·D − Σ size·y, so the best plan fills the budget as closely
    as possible. No subset reaches the odd budget, and branch and bound cannot prove that fast;
    building nothing is a feasible plan from the start.
    """
    rng = random.Random(0)
    sizes = [2.0 * rng.randint(100_000, 1_000_000) for _ in range(40)]
    sites = tuple(
        Site(f"s{i}", "A", "Ga", min_capacity=w, max_capacity=w, capex_per_tpa=1.0)
        for i, w in enumerate(sizes)
    )
    return tiny_case(
        budget=float(int(sum(sizes)) // 2 | 1),
        minerals=(Mineral("Ga", price=1.0, shortage_penalty=2.0),),
        sites=sites,
        demand={("Ga", "A", 2025): sum(sizes)},
    )


def test_time_limit_returns_a_feasible_plan_with_its_gap():
    out = solve_case(_subset_sum_case(), SolveOptions(time_limit=1.0, mip_gap=0.0))
    assert out.status == "time_limit_feasible"
    assert out.mip_gap is not None and out.mip_gap > 0
    assert out.plan is not None and out.objective is not None
    spent = (out.plan.builds.capacity * 1.0).sum()
    assert spent <= _subset_sum_case().settings.budget + 1e-6


def test_time_limit_without_a_plan():
    out = solve_case(_subset_sum_case(), SolveOptions(time_limit=0.0, mip_gap=0.0))
    assert out.status == "time_limit_no_solution"
    assert out.plan is None and out.objective is None


def test_tables_cover_every_index_and_the_run_is_reported():
    """The plan lists every site, year and scenario (output) and every mineral, country, year
    and scenario (flows), zeros where a variable was never built."""
    case = random_case(37)  # feasible, with sites, a build, offers, a stockpile, 2 scenarios
    messages: list[str] = []
    out = solve_case(case, SolveOptions(progress=messages.append))
    assert out.status == "optimal", out.message
    n_years, n_scen = len(case.years), len(case.scenarios)
    plan = out.plan
    assert len(plan.output) == len(case.sites) * n_years * n_scen
    assert len(plan.flows) == len(case.minerals) * len(case.countries) * n_years * n_scen
    assert len(plan.offers) == len(case.offers)
    assert len(plan.purchases) == len(case.stockpiles) * n_years
    assert len(plan.external) == len(case.supply) * n_scen
    assert not plan.flows.isna().any().any()
    assert set(out.timings) >= {"build", "handoff", "solve", "duals"}
    assert set(out.size) == {"columns", "rows", "nonzeros", "integers"}
    assert out.highs_version.count(".") == 2
    assert messages and messages[0] == "building the model"


def test_solve_is_silent_unless_asked(capfd):
    solve_case(random_case(37))
    assert capfd.readouterr().out == ""


def test_terminal_fraction_reads_missing_end_year_rows_as_one():
    """φ' = φ·min(1, f…): X has no 2026 row (f = 1), Y has f = 0.9 in 2026; Ge has no source."""
    case = Case(
        settings=Settings(2025, 2026, terminal_value_fraction=0.5),
        minerals={m: Mineral(m, 1.0, 1.0) for m in ("Ga", "Ge")},
        countries={"A": Country("A")},
        sites={},
        offers={},
        stockpiles={},
        scenarios={"base": Scenario("base", 1.0)},
        price={(m, t): 1.0 for m in ("Ga", "Ge") for t in (2025, 2026)},
        demand={},
        supply={
            ("X", "Ga", 2025): SourceYear(1.0, 0.5),
            ("Y", "Ga", 2026): SourceYear(1.0, 0.9),
        },
    )
    assert terminal_fraction(case) == {"Ga": pytest.approx(0.45), "Ge": 0.0}


@pytest.mark.parametrize("seed", range(40))
def test_pruned_model_is_exact(seed):
    """Pruned, unpruned and the plain reference implementation agree on status and objective;
    every infeasible case gets a diagnosis (the elastic model is always feasible)."""
    case = random_case(seed)
    status, reference = reference_objective(case)
    pruned = solve_case(case, SolveOptions(mip_gap=0.0, coverage_duals=False))
    full = solve_case(
        case, SolveOptions(mip_gap=0.0, coverage_duals=False, diagnose=False, prune=False)
    )
    assert pruned.status == full.status == status
    if status == "optimal":
        assert pruned.objective == pytest.approx(reference, rel=1e-6, abs=1e-6)
        assert full.objective == pytest.approx(reference, rel=1e-6, abs=1e-6)
        assert pruned.size["columns"] <= full.size["columns"]
    else:
        assert pruned.diagnosis, pruned.message


def test_a_case_with_nothing_to_decide():
    """No demand: the existing site's fixed O&M (5 t/yr · 2 USD · 2 years = 20) is all there is,
    and the compiled model is empty."""
    case = tiny_case(
        end=2026,
        sites=(Site("old", "A", "Ga", existing_capacity=5.0, fixed_om_per_tpa=2.0),),
    )
    out = solve_case(case)
    assert out.status == "optimal"
    assert out.objective == pytest.approx(20.0)
    assert out.coverage_value is not None and out.coverage_value.empty


def test_thread_count_does_not_leak_into_later_solves():
    """HiGHS sizes one scheduler per process; asking for 2 threads must not break a later run
    that asks for 1 (the plain reference does)."""
    case = random_case(37)
    assert solve_case(case, SolveOptions(threads=2)).status == "optimal"
    assert reference_objective(case)[0] == "optimal"


def test_solves_side_by_side_in_threads():
    """Solves sharing a process (threaded Dask workers) share HiGHS's scheduler safely."""
    from concurrent.futures import ThreadPoolExecutor

    cases = [random_case(seed) for seed in (6, 27, 7, 37)]
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(
            pool.map(lambda c: solve_case(c, SolveOptions(threads=1, mip_gap=0.0)), cases)
        )
    for case, outcome in zip(cases, outcomes, strict=True):
        assert outcome.status == "optimal"
        assert outcome.objective == pytest.approx(reference_objective(case)[1], rel=1e-6)
