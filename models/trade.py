"""Trade: external purchases into the alliance pool and movements between countries and the pool.

Declares:

- ``e[x, m, t, ω]`` in [0, (1 − δ(x,m,t,ω))·Av(x,m,t)]: constraint 6 is this bound;
- ``inflow[m, r, t, ω]``, ``outflow[m, r, t, ω]`` ≥ 0 where they can matter (see
  `planner.models.data`);
- constraint 9 (``pool``): Σ_r inflow + Σ_r p ≤ Σ_x e + Σ_r outflow, for every (m, t, ω) where
  something draws on the pool.

Costs: external purchases f(x,m,t)·P(m,t,ω)·e and shipping k(r)·(inflow + outflow).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, Term, by_index, linear


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add e, inflow, outflow, constraint 9, their costs and their balance terms."""
    case = data.case
    scenarios = data.scenarios
    bound = data.supply_bound

    def supply_bounds(_: pyo.ConcreteModel, x: str, m: str, t: int, w: str) -> tuple:
        """(6) e(x,m,t,ω) ≤ (1 − δ(x,m,t,ω))·Av(x,m,t)."""
        return (0.0, bound[x, m, t, w])

    model.e = pyo.Var(list(bound), bounds=supply_bounds)
    model.inflow = pyo.Var(
        [(*k, w) for w in scenarios for k in data.inflow_keys], domain=pyo.NonNegativeReals
    )
    model.outflow = pyo.Var(
        [(*k, w) for w in scenarios for k in data.outflow_keys], domain=pyo.NonNegativeReals
    )
    e, inflow, outflow = by_index(model.e), by_index(model.inflow), by_index(model.outflow)

    # Pool rows as term lists: draws (left-hand side) positive, supplies negative.
    pool: defaultdict[tuple[str, int, str], list[Term]] = defaultdict(list)
    d = data.discount
    price = data.market_price
    shipping_cost = {r: c.shipping_cost for r, c in case.countries.items()}
    balance = registry.balance
    for w in scenarios:
        purchases = registry.cost("external_purchases", w)
        shipping = registry.cost("shipping", w)
        for x, m, t in data.supply_keys:
            if (x, m, t, w) in bound:
                var = e[x, m, t, w]
                factor = case.supply[x, m, t].price_factor if (x, m, t) in case.supply else 1.0
                cost = d[t] * factor * price[m, t, w]
                if cost:
                    purchases.append((cost, var))
                pool[m, t, w].append((-1.0, var))
        for m, r, t in data.inflow_keys:
            var = inflow[m, r, t, w]
            if shipping_cost[r]:
                shipping.append((d[t] * shipping_cost[r], var))
            pool[m, t, w].append((1.0, var))
            balance[m, r, t, w].append((1.0, var))
        for m, r, t in data.outflow_keys:
            var = outflow[m, r, t, w]
            if shipping_cost[r]:
                shipping.append((d[t] * shipping_cost[r], var))
            pool[m, t, w].append((-1.0, var))
            balance[m, r, t, w].append((-1.0, var))

    draws = registry.pool_draws

    def pool_balance(_: pyo.ConcreteModel, m: str, t: int, w: str) -> object:
        """(9) Σ_r inflow + Σ_r p − Σ_x e − Σ_r outflow ≤ 0."""
        return (None, linear([*draws.get((m, t), ()), *pool[m, t, w]]), 0.0)

    model.pool = pyo.Constraint(
        [(m, t, w) for w in scenarios for m, t in data.pool_keys], rule=pool_balance
    )
