"""Coverage: shortage and the country balance.

Declares, per node n of the scenario tree in year t (constraint 15):

- ``short[m, r, t, n]`` in [0, (1 − c(m))·D(m,r,t)] where D(m,r,t) > 0: constraint 10 is this
  upper bound, so its dual is the reduced cost of ``short`` (the marginal cost of coverage);
- constraint 8 (``balance``): the registered supply terms of (m, r, t, n) plus short ≥ D(m,r,t),
  for the (m, r, t) that have a demand or an outflow.

Cost: the shortage penalty u(m)·short. Registers every balance row whose coverage can bind
(c(m) > 0, D > 0) as relaxable in tonnes: a slack there is demand counted as met without being
supplied, the shortfall beyond the allowed (1 − c)·D. `extract` gives the shortage column of
``flows``; `shortage_columns` the short variables, for the marginal cost of coverage.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, Relaxable, at_least, by_index
from pyomo.core.base.var import VarData


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add short and constraint 8 from every balance term the other components registered."""
    case = data.case
    coverage = {m: mineral.coverage for m, mineral in case.minerals.items()}

    def shortage_bounds(_: pyo.ConcreteModel, m: str, r: str, t: int, n: str) -> tuple:
        """(10) short(m,r,t,n) ≤ (1 − c(m))·D(m,r,t)."""
        return (0.0, (1.0 - coverage[m]) * data.demand(m, r, t))

    model.short = pyo.Var(data.second_stage(data.short_keys), bounds=shortage_bounds)
    short = by_index(model.short)

    d = data.discount
    penalty = {m: mineral.shortage_penalty for m, mineral in case.minerals.items()}
    balance = registry.balance
    scopes = data.node_scenarios
    shortage = {n: registry.cost("shortage_penalty", ws) for n, ws in scopes.items()}
    for (m, r, t, n), var in short.items():
        if penalty[m]:
            shortage[n].append((d[t] * penalty[m], var))
        balance[m, r, t, n].append((1.0, var))

    shared = registry.balance_shared

    def country_balance(_: pyo.ConcreteModel, m: str, r: str, t: int, n: str) -> object:
        """(8) Σ q + Σ v·z + rel + inflow − outflow + short ≥ D(m,r,t)."""
        terms = [*shared.get((m, r, t), ()), *balance[m, r, t, n]]
        return at_least(data.demand(m, r, t), terms)

    model.balance = pyo.Constraint(data.second_stage(data.balance_keys), rule=country_balance)
    rows = by_index(model.balance)
    for m, r, t, n in short:
        demand = data.demand(m, r, t)
        if coverage[m] > 0 and demand > 0:
            registry.relaxable.append(
                Relaxable(
                    rows[m, r, t, n],
                    "coverage",
                    "t",
                    1.0,
                    scenarios=scopes[n],
                    mineral=m,
                    country=r,
                    year=t,
                    scale=demand,
                )
            )


def shortage_columns(model: pyo.ConcreteModel, data: ModelData) -> list[tuple[tuple, VarData]]:
    """((scenarios, m, r, t), short) for every short variable with a demand behind it."""
    return [
        ((data.node_scenarios[n], m, r, t), var)
        for (m, r, t, n), var in model.short.items()
        if data.demand(m, r, t) > 0
    ]


def extract(model: pyo.ConcreteModel, data: ModelData) -> dict[str, pd.DataFrame]:
    """The shortage per scenario (node values expanded)."""
    short = by_index(model.short)
    node_of = data.node_of
    flows = pd.DataFrame(
        [
            (w, m, r, t, short[m, r, t, node_of[t, w]].value)
            for w in data.scenarios
            for m, r, t in data.short_keys
        ],
        columns=["scenario", "mineral", "country", "year", "shortage"],
    )
    return {"flows": flows}
