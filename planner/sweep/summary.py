"""One run's figures: what a sweep records about a solve, as a flat, JSON-friendly record.

The record is one row of the sweep workbook. Money is USD (expected discounted cost as in the
objective; spending at base prices, undiscounted, as the budget counts it), tonnes are t, capacity
and contracted volume t/yr. Per-mineral figures are keyed `name[mineral]`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from planner.case import Case
from planner.outcome import COST_COMPONENTS, Outcome
from planner.results.tables import expected_cfd_value, expected_costs, first_stage_spending

# Per-mineral figures, in the order they appear in the workbook, with their meaning.
PER_MINERAL: dict[str, str] = {
    "coverage_worst": "lowest share of demand met, over scenarios, countries and years",
    "shortage_t": "expected unmet demand over the horizon, t",
    "stockpile_t": "stockpile purchases over the horizon, t (tonnes bought and released within "
    "a year are ordinary supply routed through the stockpile)",
    "stock_peak_t": "largest expected stock held at a year's end, all countries together, t",
    "capacity_tpa": "new refinery capacity built, t/yr",
    "cfd_tpa": "CfD volume accepted, t/yr",
    "spend_stockpile": "stockpile purchases at base prices, USD (undiscounted)",
    "spend_capex": "refinery capex, USD (undiscounted)",
    "cfd_payment": "expected government payment on accepted CfDs, USD (discounted)",
}

# The unit of each figure and per-mineral figure (absent: no unit, as for counts and text).
UNITS: dict[str, str] = {
    "coverage_worst": "share",
    "shortage_t": "t",
    "stockpile_t": "t",
    "stock_peak_t": "t",
    "capacity_tpa": "t/yr",
    "cfd_tpa": "t/yr",
    "spend_stockpile": "USD",
    "spend_capex": "USD",
    "cfd_payment": "USD",
    "objective": "USD",
    "expected_cost": "USD",
    "cvar": "USD",
    **{f"cost_{name}": "USD" for name in COST_COMPONENTS},
    "spend_total": "USD",
    "budget_shortfall": "USD",
    "seconds": "s",
}

# Whole-run figures, in order, with their meaning (the values varied and the status come first).
FIGURES: dict[str, str] = {
    "objective": "the solve's objective, USD",
    "expected_cost": "expected discounted cost, USD",
    "cvar": "CVaR of the cost, USD (blank when not used)",
    "mip_gap": "relative MIP gap reached",
    **{
        f"cost_{name}": f"expected discounted {name.replace('_', ' ')}, USD"
        for name in COST_COMPONENTS
    },
    "spend_total": "first-stage spending at base prices, USD: what the budget caps",
    "spend_capex": "of which refinery capex, USD",
    "spend_stockpile": "of which stockpile purchases, USD",
    "offers_accepted": "number of CfD offers accepted",
    "offers": "the accepted offers",
    "coverage_worst": "lowest share of demand met over minerals, scenarios, countries and years",
    "shortage_t": "expected unmet demand over the horizon, all minerals, t",
    "budget_shortfall": "infeasible runs: how much more budget the elastic re-solve needed, USD",
    "seconds": "wall-clock seconds of this run (read, build, solve)",
}


def summarise(case: Case, outcome: Outcome) -> dict[str, Any]:
    """The figures of one solved (or failed) run of `case`."""
    record: dict[str, Any] = {
        "status": outcome.status,
        "message": outcome.message,
        "objective": outcome.objective,
        "expected_cost": outcome.expected_cost,
        "cvar": outcome.cvar,
        "mip_gap": outcome.mip_gap,
    }
    budget_gap = sum(d.shortfall for d in outcome.diagnosis if d.constraint == "budget")
    if outcome.plan is None or outcome.scenario_costs is None:
        record["budget_shortfall"] = budget_gap if outcome.diagnosis else None
        return record
    for name, cost in expected_costs(case, outcome.scenario_costs).items():
        record[f"cost_{name}"] = cost

    minerals = list(case.minerals)
    plan = outcome.plan
    totals: dict[str, dict[str, float]] = {key: dict.fromkeys(minerals, 0.0) for key in PER_MINERAL}
    for site, capacity in zip(plan.builds["site"], plan.builds["capacity"], strict=True):
        totals["capacity_tpa"][case.sites[str(site)].mineral] += float(capacity)
    for mineral, purchase in zip(
        plan.purchases["mineral"], plan.purchases["purchase"], strict=True
    ):
        totals["stockpile_t"][str(mineral)] += float(purchase)
    if outcome.spending is not None:
        spending = outcome.spending
        for kind, mineral, amount in zip(
            spending["kind"], spending["mineral"], spending["amount"], strict=True
        ):
            totals[f"spend_{kind}"][str(mineral)] += float(amount)
    accepted = [
        str(o) for o, a in zip(plan.offers["offer"], plan.offers["accepted"], strict=True) if a
    ]
    for name in accepted:
        offer = case.offers[name]
        totals["cfd_tpa"][offer.mineral] += offer.volume
        totals["cfd_payment"][offer.mineral] += expected_cfd_value(case, outcome, name)[0]

    per: dict[str, dict[str, float | None]] = {key: dict(v) for key, v in totals.items()}
    per.update(_second_stage(case, outcome))
    worst = per["coverage_worst"]
    spend_capex, spend_stockpile = first_stage_spending(outcome)
    record.update(
        {
            "spend_total": spend_capex + spend_stockpile,
            "spend_capex": spend_capex,
            "spend_stockpile": spend_stockpile,
            "offers_accepted": len(accepted),
            "offers": ", ".join(accepted),
            "coverage_worst": min((v for v in worst.values() if v is not None), default=None),
            "shortage_t": sum(v for v in per["shortage_t"].values() if v is not None),
            "budget_shortfall": None,
        }
    )
    for key in PER_MINERAL:
        for mineral in minerals:
            record[f"{key}[{mineral}]"] = per[key][mineral]
    return record


def _second_stage(case: Case, outcome: Outcome) -> dict[str, dict[str, float | None]]:
    """Per mineral, from the scenario flows: worst share of demand met (None without demand),
    expected shortage (t) and the largest expected stock held at a year's end (t)."""
    assert outcome.plan is not None, "second-stage figures need a plan"
    flows = outcome.plan.flows
    weight = flows["scenario"].map({n: s.probability for n, s in case.scenarios.items()})
    demand = pd.Series(
        [
            case.demand.get((m, r, int(t)), 0.0)
            for m, r, t in zip(flows["mineral"], flows["country"], flows["year"], strict=True)
        ],
        index=flows.index,
    )
    # Solver tolerances leave shortages of ±1e-9 t; clip them so that figures read as people expect.
    shortage = flows["shortage"].clip(lower=0.0)
    met = (1.0 - shortage / demand.where(demand > 0)).clip(0.0, 1.0)
    stock = (flows["inventory"] * weight).groupby([flows["mineral"], flows["year"]]).sum()
    worst = met.groupby(flows["mineral"]).min()
    expected = (shortage * weight).groupby(flows["mineral"]).sum()
    peak = stock.groupby(level=0).max()
    figures: dict[str, dict[str, float | None]] = {
        "coverage_worst": {},
        "shortage_t": {},
        "stock_peak_t": {},
    }
    for mineral in case.minerals:
        lowest = worst.get(mineral)
        figures["coverage_worst"][mineral] = None if pd.isna(lowest) else float(lowest)
        figures["shortage_t"][mineral] = float(expected.get(mineral, 0.0))
        figures["stock_peak_t"][mineral] = float(max(peak.get(mineral, 0.0), 0.0))
    return figures
