"""Existing capacity online only from a later year (`Site.existing_from`, an extension of
model.md): hand-derived tiny cases, and the pruning proved exact on random cases that use it.

Unless a test says otherwise: mineral Ga at 100 USD/t with a shortage penalty of 1000 USD/t, one
country A, one scenario, no discounting, no terminal value (see tiny.py).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.case import Case, Site
from planner.options import SolveOptions
from planner.outcome import Outcome
from planner.solve import solve_case
from tests.model.tiny import every_year, tiny_case
from tests.random_cases import random_case, with_committed_capacity
from tests.reference_model import reference_objective

# Committed refinery: 10 t/yr, fixed O&M 5 USD per t/yr and year, no build decision.
COMMITTED = Site("committed", "A", "Ga", existing_capacity=10.0, fixed_om_per_tpa=5.0)
# Candidate: up to 10 t/yr for a fixed capex of 500 USD, online in its build year.
CANDIDATE = Site("candidate", "A", "Ga", max_capacity=10.0, fixed_capex=500.0, earliest_year=2025)


def _case(existing_from: int | None) -> Case:
    """2025-2027, demand 10 t/yr, no source: only the two sites can supply A."""
    return tiny_case(
        end=2027,
        sites=(replace(COMMITTED, existing_from=existing_from), CANDIDATE),
        demand=every_year(10.0, 2025, 2027, "Ga", "A"),
    )


def _solved(case: Case) -> Outcome:
    outcome = solve_case(case, SolveOptions(mip_gap=0.0, coverage_duals=False))
    assert outcome.status == "optimal", outcome.message
    status, reference = reference_objective(case)
    assert status == "optimal"
    assert outcome.objective == pytest.approx(reference, rel=1e-6)
    return outcome


def _output(outcome: Outcome, site: str) -> list[float]:
    table = outcome.plan.output
    return table[table.site == site].sort_values("year").output.tolist()


def _fixed_om(outcome: Outcome) -> float:
    return float(outcome.scenario_costs.set_index("scenario").loc["base", "fixed_om"])


@pytest.mark.parametrize("existing_from", [None, 2024, 2025])
def test_online_from_the_start_is_the_old_optimum(existing_from: int | None) -> None:
    """Switched off (blank, or a year at or before start_year): the committed site covers the
    10 t of every year, fixed O&M 5·10·3 = 150 is the whole cost, and the candidate (500) is not
    built."""
    out = _solved(_case(existing_from))
    assert out.objective == pytest.approx(150.0, rel=1e-6)
    assert _fixed_om(out) == pytest.approx(150.0)
    assert out.plan.builds.empty
    assert _output(out, "committed") == pytest.approx([10.0, 10.0, 10.0])


def test_capacity_online_from_a_later_year_changes_the_optimum() -> None:
    """existing_from 2026: in 2025 the committed site has no capacity, so 10 t are short unless
    the candidate is built. Short: 10·1000 = 10 000 plus O&M 5·10·2 = 100 (2026 and 2027 only).
    Built in 2025 at x = 10: capex 500 plus the same O&M 100 = 600, which is the optimum; the
    committed site refines nothing in 2025 and its O&M is not charged for 2025."""
    out = _solved(_case(2026))
    assert out.objective == pytest.approx(600.0, rel=1e-6)
    assert _fixed_om(out) == pytest.approx(100.0)
    assert out.plan.builds.site.tolist() == ["candidate"]
    assert out.plan.builds.year.tolist() == [2025]
    assert _output(out, "committed")[0] == pytest.approx(0.0, abs=1e-9)


def test_capacity_online_after_the_horizon_never_counts() -> None:
    """existing_from 2028 > end_year: the committed site is never online and pays no O&M; the
    candidate built in 2025 covers every year for its capex alone: 500."""
    out = _solved(_case(2028))
    assert out.objective == pytest.approx(500.0, rel=1e-6)
    assert _fixed_om(out) == pytest.approx(0.0, abs=1e-9)
    assert _output(out, "committed") == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


@pytest.mark.parametrize("seed", [0, 11, 12, 19, 28, 37])
def test_pruned_model_is_exact_with_committed_capacity(seed: int) -> None:
    """Pruned, unpruned and the reference agree on random cases whose existing capacity comes
    online later (or never): q exists only where C(s,t) can be positive."""
    case = with_committed_capacity(random_case(seed), seed)
    status, reference = reference_objective(case)
    pruned = solve_case(case, SolveOptions(mip_gap=0.0, coverage_duals=False, diagnose=False))
    full = solve_case(
        case, SolveOptions(mip_gap=0.0, coverage_duals=False, diagnose=False, prune=False)
    )
    assert pruned.status == full.status == status
    if status == "optimal":
        assert pruned.objective == pytest.approx(reference, rel=1e-6, abs=1e-6)
        assert full.objective == pytest.approx(reference, rel=1e-6, abs=1e-6)
