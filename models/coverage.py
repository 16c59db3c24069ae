"""Coverage: shortage and the country balance.

Declares:

- ``short[m, r, t, ω]`` in [0, (1 − c(m))·D(m,r,t)] where D(m,r,t) > 0: constraint 10 is this
  upper bound, so its dual is the reduced cost of ``short`` (the marginal cost of coverage);
- constraint 8 (``balance``): the registered supply terms of (m, r, t, ω) plus short ≥ D(m,r,t),
  for the (m, r, t) that have a demand or an outflow.

Cost: the shortage penalty u(m)·short.
"""

from __future__ import annotations

import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, by_index, linear


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add short and constraint 8 from every balance term the other components registered."""
    case = data.case
    scenarios = data.scenarios
    coverage = {m: mineral.coverage for m, mineral in case.minerals.items()}

    def shortage_bounds(_: pyo.ConcreteModel, m: str, r: str, t: int, w: str) -> tuple:
        """(10) short(m,r,t,ω) ≤ (1 − c(m))·D(m,r,t)."""
        return (0.0, (1.0 - coverage[m]) * data.demand(m, r, t))

    model.short = pyo.Var(
        [(*k, w) for w in scenarios for k in data.short_keys], bounds=shortage_bounds
    )
    short = by_index(model.short)

    d = data.discount
    penalty = {m: mineral.shortage_penalty for m, mineral in case.minerals.items()}
    balance = registry.balance
    for w in scenarios:
        shortage = registry.cost("shortage_penalty", w)
        for m, r, t in data.short_keys:
            var = short[m, r, t, w]
            if penalty[m]:
                shortage.append((d[t] * penalty[m], var))
            balance[m, r, t, w].append((1.0, var))

    shared = registry.balance_shared

    def country_balance(_: pyo.ConcreteModel, m: str, r: str, t: int, w: str) -> object:
        """(8) Σ q + Σ v·z + rel + inflow − outflow + short ≥ D(m,r,t)."""
        terms = [*shared.get((m, r, t), ()), *balance[m, r, t, w]]
        return (data.demand(m, r, t), linear(terms), None)

    model.balance = pyo.Constraint(
        [(*k, w) for w in scenarios for k in data.balance_keys], rule=country_balance
    )
