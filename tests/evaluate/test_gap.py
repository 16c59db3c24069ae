"""The multiple-replication gap estimate on the hand-made case (tests/evaluate/known).

A plan that builds the mill (fixed capex 1,000,000 USD, 5 t/yr) has expected cost
1,000,000 + 2·(0.7·5·100 + 0.3·5·200) = 1,001,300 USD: the mill's 5 t/yr replace purchases, and
in a ban year the 5 t left cost 200 each. Every cost of the case is ≥ 0 and the plan without
anything costs 2·(0.7·1000 + 0.3·6000) = 5000 in expectation, so 0 ≤ z* ≤ 5000 and the mill
plan's true gap lies in [996,300, 1,001,300]. The estimate is unbiased upwards for the gap of the
candidate, so it lands in that range (up to sampling noise, small against 1e6), and the upper
bound is above the estimate.
"""

from __future__ import annotations

from pathlib import Path

from planner.evaluate.first_stage import FirstStage
from planner.evaluate.gap import optimality_gap
from planner.scenarios.command import read_hazard_case

KNOWN = Path(__file__).parent / "known"


def test_gap_of_a_costly_plan_is_its_needless_capex() -> None:
    source = read_hazard_case(KNOWN)
    mill = FirstStage(builds={"mill": (2030, 5.0)})
    estimate = optimality_gap(source, mill, batch=20, replications=3, seed=1)
    assert len(estimate.gaps) == 3
    assert 996_300 - 3_000 <= estimate.mean <= 1_001_300 + 3_000
    assert estimate.upper > estimate.mean
    assert all(c > 1_000_000 for c in estimate.candidate)
    assert all(0 <= z <= 12_000 for z in estimate.optimum)  # at most 10 t short in each year


def test_each_batch_gap_is_non_negative_for_a_plan_feasible_in_every_batch() -> None:
    """Doing nothing is feasible in every batch (coverage 0), so z*_k is at most its cost on
    the batch and every G_k ≥ 0; G_k is at most that cost (≤ 12,000: 10 t short each year)."""
    source = read_hazard_case(KNOWN)
    estimate = optimality_gap(source, FirstStage(), batch=20, replications=3, seed=2)
    assert all(-1e-6 <= g <= 12_000 for g in estimate.gaps)
