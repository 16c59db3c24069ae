"""The tiny case of the sweep tests and its optimum, derived by hand for every swept value.

The tiny case (tests/sweep/tiny): one mineral Ga at price P = 100 USD/t, shortage penalty
u = 1000 USD/t, one country A with demand 10 t in 2031 only, one source China (20 t/yr at the
market price), a stockpile of capacity 100, no discounting, no terminal value; two scenarios,
calm and cut (probability q = 0.5 each); in cut, China sells nothing in 2031. A refinery site
(fixed capex 1e6) and a CfD offer (1 t/yr at strike 5000) are too dear to be chosen unless a
coverage requirement forces them.

Buying p ≤ 10 t into the stockpile in 2030 (at P) covers p t of 2031's demand in both scenarios:
in calm it replaces a purchase at the same price, so calm costs 10·P whatever p is; in cut the
rest is short, so cut costs P·p + u·(10 − p). With a budget B, P·p ≤ B. Hence the optimum buys
p = min(10, B/P) and its expected cost is

    (1 − q)·10·P + q·(P·p + u·(10 − p)).

With P = 100, q = 0.5: 5500 − 450·min(10, B/100). Worst-scenario coverage is p/10 (in cut);
expected shortage is q·(10 − p) t; first-stage spending is P·p.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.options import SolveOptions
from planner.sweep.options import SweepOptions
from planner.sweep.store import read_runs

TINY = Path(__file__).parent / "tiny"


def options(
    *, workers: int = 1, time_limit: float | None = None, mip_gap: float | None = None, **rest: Any
) -> SweepOptions:
    """Sweep options for tests: one worker unless told, solver options as keywords."""
    solve = SolveOptions(time_limit=time_limit, mip_gap=mip_gap)
    return SweepOptions(workers=workers, solve=solve, **rest)


def expected_cost(budget: float | None, q: float = 0.5, price: float = 100.0) -> float:
    """The hand-derived optimum of the module docstring."""
    bought = 10.0 if budget is None else min(10.0, budget / price)
    return (1 - q) * 10 * price + q * (price * bought + 1000 * (10 - bought))


# What a record says about how a run was computed rather than what it found: its timings, and
# whether its model was reused and warm-started, which depend on the runs its worker solved before.
HOW = ("seconds", "cpu_seconds", "timings", "model", "warm_start")


def assert_same_figures(folder: Path, other: Path) -> None:
    """The runs recorded in two sweep folders found the same figures.

    Numbers agree to 1e-9 (relative): a run warm-started from another run's plan can reach the
    same optimal vertex with its values rounded differently in the last bits.
    """
    records, others = read_runs(folder), read_runs(other)
    assert len(records) == len(others)
    for record, expected in zip(records, others, strict=True):
        assert record.keys() == expected.keys()
        for key, value in expected.items():
            if key in HOW:
                continue
            if isinstance(value, float):
                assert record[key] == pytest.approx(value, rel=1e-9, abs=1e-9), (record["run"], key)
            else:
                assert record[key] == value, (record["run"], key)
