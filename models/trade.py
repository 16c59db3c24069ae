"""Trade: external purchases into the alliance pool and movements between countries and the pool.

Declares, per node n of the scenario tree in year t (constraint 15):

- ``e[x, m, t, n]`` in [0, (1 − δ(x,m,t,ω))·Av(x,m,t)]: constraint 6 is this bound;
- ``inflow[m, r, t, n]``, ``outflow[m, r, t, n]`` ≥ 0 where they can matter (see
  `planner.models.data`);
- constraint 9 (``pool``): Σ_r inflow + Σ_r p ≤ Σ_x e + Σ_r outflow, for every (m, t, n) where
  something draws on the pool;
- constraint 13 (``supply_cap``): e(x,m,t,n) ≤ κ(x,m,t)·Σ_r D(m,r,t). It is kept as a row rather
  than folded into e's upper bound so that the diagnosis can relax it (in tonnes); rows exist only
  where the cap is below the bound of (6), elsewhere (6) implies it;
- constraint 14 (``closed_outflow``), only for members that do not share their stock:
  outflow(m,r,t,n) ≤ Σ own q(s,t,n) + Σ own active v·z (the terms `sites` and `cfd` registered as
  produced). Their stockpile does not make outflow exist (data), so where they neither refine nor
  contract m the row is not needed.

Costs: external purchases f(x,m,t)·P(m,t,ω)·e and shipping k(r)·(inflow + outflow), per node.
`extract` gives ``external`` and the inflow and outflow columns of ``flows``.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, Relaxable, Term, at_most, by_index


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add e, inflow, outflow, constraints 9, 13 and 14, their costs and their balance terms."""
    bound = data.supply_bound

    def supply_bounds(_: pyo.ConcreteModel, x: str, m: str, t: int, n: str) -> tuple:
        """(6) e(x,m,t,n) ≤ (1 − δ(x,m,t,ω))·Av(x,m,t)."""
        return (0.0, bound[x, m, t, n])

    model.e = pyo.Var(list(bound), bounds=supply_bounds)
    model.inflow = pyo.Var(data.second_stage(data.inflow_keys), domain=pyo.NonNegativeReals)
    model.outflow = pyo.Var(data.second_stage(data.outflow_keys), domain=pyo.NonNegativeReals)
    e, inflow, outflow = by_index(model.e), by_index(model.inflow), by_index(model.outflow)
    pool = _register(data, registry, e, inflow, outflow)
    draws = registry.pool_draws

    def pool_balance(_: pyo.ConcreteModel, m: str, t: int, n: str) -> object:
        """(9) Σ_r inflow + Σ_r p − Σ_x e − Σ_r outflow ≤ 0."""
        return at_most([*draws.get((m, t), ()), *pool[m, t, n]], 0.0)

    model.pool = pyo.Constraint(data.second_stage(data.pool_keys, 1), rule=pool_balance)
    _supply_caps(model, data, registry, e)
    _closed_outflow(model, data, registry, outflow)


def _register(
    data: ModelData, registry: Registry, e: dict, inflow: dict, outflow: dict
) -> defaultdict[tuple[str, int, str], list[Term]]:
    """Costs and balance terms of e, inflow and outflow; returns the pool rows' own terms."""
    case = data.case
    # Pool rows as term lists: draws (left-hand side) positive, supplies negative.
    pool: defaultdict[tuple[str, int, str], list[Term]] = defaultdict(list)
    d = data.discount
    price = data.market_price
    shipping_cost = {r: c.shipping_cost for r, c in case.countries.items()}
    balance = registry.balance
    scopes = data.node_scenarios
    purchases = {n: registry.cost("external_purchases", ws) for n, ws in scopes.items()}
    shipping = {n: registry.cost("shipping", ws) for n, ws in scopes.items()}
    for (x, m, t, n), var in e.items():
        factor = case.supply[x, m, t].price_factor if (x, m, t) in case.supply else 1.0
        cost = d[t] * factor * price[m, t, scopes[n][0]]
        if cost:
            purchases[n].append((cost, var))
        pool[m, t, n].append((-1.0, var))
    for (m, r, t, n), var in inflow.items():
        if shipping_cost[r]:
            shipping[n].append((d[t] * shipping_cost[r], var))
        pool[m, t, n].append((1.0, var))
        balance[m, r, t, n].append((1.0, var))
    for (m, r, t, n), var in outflow.items():
        if shipping_cost[r]:
            shipping[n].append((d[t] * shipping_cost[r], var))
        pool[m, t, n].append((-1.0, var))
        balance[m, r, t, n].append((-1.0, var))
    return pool


def _supply_caps(model: pyo.ConcreteModel, data: ModelData, registry: Registry, e: dict) -> None:
    """(13) e(x,m,t,n) ≤ κ(x,m,t)·Σ_r D(m,r,t), relaxable in tonnes by the diagnosis."""
    caps = data.supply_cap

    def supply_cap(_: pyo.ConcreteModel, x: str, m: str, t: int, n: str) -> object:
        return at_most(((1.0, e[x, m, t, n]),), caps[x, m, t, n])

    model.supply_cap = pyo.Constraint(list(caps), rule=supply_cap)
    for (x, m, t, n), cap in caps.items():
        registry.relaxable.append(
            Relaxable(
                model.supply_cap[x, m, t, n],
                "supply_cap",
                "t",
                -1.0,
                scenarios=data.node_scenarios[n],
                mineral=m,
                year=t,
                source=x,
                scale=max(cap, data.supply_bound[x, m, t, n]),
            )
        )


def _closed_outflow(
    model: pyo.ConcreteModel, data: ModelData, registry: Registry, outflow: dict
) -> None:
    """(14) outflow(m,r,t,n) − Σ own q − Σ own v·z ≤ 0 for members that keep their stock."""
    closed = data.closed
    produced, shared = registry.produced, registry.produced_shared

    def closed_outflow(_: pyo.ConcreteModel, m: str, r: str, t: int, n: str) -> object:
        own = [(-c, v) for c, v in (*shared.get((m, r, t), ()), *produced.get((m, r, t, n), ()))]
        return at_most([(1.0, outflow[m, r, t, n]), *own], 0.0)

    model.closed_outflow = pyo.Constraint(
        [key for key in outflow if key[1] in closed], rule=closed_outflow
    )


def extract(model: pyo.ConcreteModel, data: ModelData) -> dict[str, pd.DataFrame]:
    """External purchases per scenario (0 where e does not exist) and inflow and outflow."""
    e, inflow, outflow = by_index(model.e), by_index(model.inflow), by_index(model.outflow)
    node_of = data.node_of

    def value(var: object) -> float:
        return 0.0 if var is None else var.value  # type: ignore[attr-defined]

    external = pd.DataFrame(
        [
            (w, x, m, t, value(e.get((x, m, t, node_of[t, w]))))
            for w in data.scenarios
            for x, m, t in data.case.supply
        ],
        columns=["scenario", "source", "mineral", "year", "purchase"],
    )
    keys = dict.fromkeys((*data.inflow_keys, *data.outflow_keys))
    flows = pd.DataFrame(
        [
            (w, m, r, t, value(inflow.get(key)), value(outflow.get(key)))
            for w in data.scenarios
            for m, r, t in keys
            for key in [(m, r, t, node_of[t, w])]
        ],
        columns=["scenario", "mineral", "country", "year", "inflow", "outflow"],
    )
    return {"external": external, "flows": flows}
