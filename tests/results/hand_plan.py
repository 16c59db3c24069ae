"""A revision-3 plan written by hand: two scenarios, a closed stockpile with an obligation, a
supply cap and a member budget. It meets every rule of model.md, so the checker must pass it, and
each corruption in tests/results/test_check.py breaks one rule.

The case (no discounting, no terminal value, no holding or shipping cost): years 2026-2027,
mineral M at 100 USD/t; members A (closed stockpile: `shares_stock = no`, budget 400 USD) and B,
each demanding 10 t a year; source X sells 30 t/yr, capped at 100% of the alliance's 20 t demand
(so 20 t); A's stockpile holds 5 t (capacity 10) and must keep 73 days of demand, 73/365·10 = 2 t.
Scenario `calm` (0.5) changes nothing; `cut` (0.5) loses half of X in 2027, so first(M, cut) = 2027
and the obligation is waived there in 2027. Both scenarios share their history in 2026 (one node)
and part in 2027.

The plan: no purchases; both years and scenarios buy 20 t from X and send 10 t to each member,
except `cut` 2027: X sells 15 t, A releases its 5 t (allowed: the stock held at the start of 2027
is 5 t, and the obligation is waived) and takes 5 t from the pool, B 10 t. A never sends anything
to the pool. Costs: calm 40 t · 100 = 4000, cut 35 t · 100 = 3500, both external purchases;
expected 3750.
"""

from __future__ import annotations

import pandas as pd

from planner.case import Case, Country, Mineral, Scenario, Settings, SourceYear, Stockpile
from planner.outcome import COST_COMPONENTS, Outcome, Plan

YEARS = (2026, 2027)
SCENARIOS = ("calm", "cut")

# (scenario, country, year) → (inflow, outflow, release, inventory); shortage is always 0.
FLOWS = {
    ("calm", "A", 2026): (10, 0, 0, 5),
    ("calm", "A", 2027): (10, 0, 0, 5),
    ("cut", "A", 2026): (10, 0, 0, 5),
    ("cut", "A", 2027): (5, 0, 5, 0),
    ("calm", "B", 2026): (10, 0, 0, 0),
    ("calm", "B", 2027): (10, 0, 0, 0),
    ("cut", "B", 2026): (10, 0, 0, 0),
    ("cut", "B", 2027): (10, 0, 0, 0),
}
EXTERNAL = {("calm", 2026): 20, ("calm", 2027): 20, ("cut", 2026): 20, ("cut", 2027): 15}
COSTS = {"calm": 4000.0, "cut": 3500.0}


def hand_case() -> Case:
    return Case(
        settings=Settings(
            start_year=2026, end_year=2027, discount_rate=0.0, terminal_value_fraction=0.0
        ),
        minerals={"M": Mineral("M", price=100.0, shortage_penalty=1000.0)},
        countries={
            "A": Country("A", shares_stock=False, budget=400.0),
            "B": Country("B"),
        },
        sites={},
        offers={},
        stockpiles={("A", "M"): Stockpile("A", "M", initial=5.0, capacity=10.0, min_days=73.0)},
        scenarios={"calm": Scenario("calm", 0.5), "cut": Scenario("cut", 0.5)},
        price={("M", t): 100.0 for t in YEARS},
        demand={("M", r, t): 10.0 for r in "AB" for t in YEARS},
        supply={("X", "M", t): SourceYear(30.0) for t in YEARS},
        share_lost={("cut", "X", "M", 2027): 0.5},
        supply_cap={("X", "M", t): 1.0 for t in YEARS},
    )


def hand_outcome() -> Outcome:
    flows = pd.DataFrame(
        [
            (w, "M", r, t, float(i), float(o), float(rel), float(inv), 0.0)
            for (w, r, t), (i, o, rel, inv) in FLOWS.items()
        ],
        columns=[
            "scenario",
            "mineral",
            "country",
            "year",
            "inflow",
            "outflow",
            "release",
            "inventory",
            "shortage",
        ],
    )
    plan = Plan(
        builds=pd.DataFrame({"site": [], "year": [], "capacity": []}),
        offers=pd.DataFrame({"offer": [], "accepted": []}),
        purchases=pd.DataFrame(
            {
                "country": ["A", "A"],
                "mineral": ["M", "M"],
                "year": list(YEARS),
                "purchase": [0.0, 0.0],
            }
        ),
        output=pd.DataFrame({"scenario": [], "site": [], "year": [], "output": []}),
        external=pd.DataFrame(
            [(w, "X", "M", t, float(e)) for (w, t), e in EXTERNAL.items()],
            columns=["scenario", "source", "mineral", "year", "purchase"],
        ),
        flows=flows,
        cvar=pd.DataFrame({"scenario": [], "eta": [], "zeta": []}),
        tree=pd.DataFrame(
            [
                (2026, "2026-1", ("calm", "cut"), 1.0),
                (2027, "2027-1", ("calm",), 0.5),
                (2027, "2027-2", ("cut",), 0.5),
            ],
            columns=["year", "node", "scenarios", "probability"],
        ),
    )
    costs = pd.DataFrame(
        [
            (w, *(cost if c == "external_purchases" else 0.0 for c in COST_COMPONENTS), cost)
            for w, cost in COSTS.items()
        ],
        columns=["scenario", *COST_COMPONENTS, "cost"],
    )
    return Outcome(
        status="optimal",
        objective=3750.0,
        expected_cost=3750.0,
        mip_gap=0.0,
        plan=plan,
        scenario_costs=costs,
    )
