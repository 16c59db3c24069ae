"""Stockpiles: purchases, releases and inventory at each place k = (r, m).

Declares, for (r, m) ∈ K only:

- ``p[m, r, t]`` ≥ 0, first stage: tonnes bought from the pool into the stockpile;
- ``rel[m, r, t, ω]`` in [0, Rmax] and ``inv[m, r, t, ω]`` in [0, Imax] (constraint 7's bounds);
- constraints 4 (``purchase_limit``, where b(m) is given) and 7 (``stock_balance``).

Purchases draw on the pool (9) and pay shipping k(r); releases supply the country balance (8).
Costs: holding h·inv, shipping k·p, and the terminal value −d(end)·φ'(m)·P(m,end,ω)·inv(end), a
credit capped by φ'(m) (see `planner.models.data.terminal_fraction`). The budget (11) counts
purchases at base prices P(m,t) without the scenario multiplier.
"""

from __future__ import annotations

import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, by_index, linear


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add p, rel, inv, constraints 4 and 7, and the stockpiles' costs and balance terms."""
    case = data.case
    years = data.years
    start, end = years[0], data.end_year
    scenarios = data.scenarios
    places = case.stockpiles

    model.p = pyo.Var(
        [(m, r, t) for r, m in data.places for t in years], domain=pyo.NonNegativeReals
    )
    second_stage = [(m, r, t, w) for w in scenarios for r, m in data.places for t in years]

    def release_bounds(_: pyo.ConcreteModel, m: str, r: str, t: int, w: str) -> tuple:
        return (0.0, places[r, m].max_release)

    def inventory_bounds(_: pyo.ConcreteModel, m: str, r: str, t: int, w: str) -> tuple:
        return (0.0, places[r, m].capacity)

    model.rel = pyo.Var(second_stage, bounds=release_bounds)
    model.inv = pyo.Var(second_stage, bounds=inventory_bounds)
    p, rel, inv = by_index(model.p), by_index(model.rel), by_index(model.inv)

    limited = [
        (m, t)
        for m, mineral in case.minerals.items()
        if mineral.max_purchase is not None and any(mm == m for _, mm in data.places)
        for t in years
    ]
    buyers = {m: [r for r, mm in data.places if mm == m] for m, _ in limited}

    def purchase_limit(_: pyo.ConcreteModel, m: str, t: int) -> object:
        """(4) Σ_r p(m,r,t) ≤ b(m)."""
        return (None, linear((1.0, p[m, r, t]) for r in buyers[m]), case.minerals[m].max_purchase)

    model.purchase_limit = pyo.Constraint(limited, rule=purchase_limit)

    def stock_balance(_: pyo.ConcreteModel, m: str, r: str, t: int, w: str) -> object:
        """(7) inv(t) − inv(t−1) − p(t) + rel(t) = 0, with inv(start−1) = I0 on the right."""
        terms = [(1.0, inv[m, r, t, w]), (-1.0, p[m, r, t]), (1.0, rel[m, r, t, w])]
        if t == start:
            initial = places[r, m].initial
            return (initial, linear(terms), initial)
        terms.append((-1.0, inv[m, r, t - 1, w]))
        return (0.0, linear(terms), 0.0)

    model.stock_balance = pyo.Constraint(second_stage, rule=stock_balance)

    d = data.discount
    shipping = registry.cost("shipping")
    spend = registry.spending["stockpile"]
    for r, m in data.places:
        k = case.countries[r].shipping_cost
        for t in years:
            if k:
                shipping.append((d[t] * k, p[m, r, t]))
            spend.append((case.price[m, t], p[m, r, t]))
            registry.pool_draws[m, t].append((1.0, p[m, r, t]))

    rows = data.balance_set
    balance = registry.balance
    for w in scenarios:
        holding = registry.cost("holding", w)
        terminal = registry.cost("terminal_value", w)
        for r, m in data.places:
            h = case.minerals[m].holding_cost
            for t in years:
                if h:
                    holding.append((d[t] * h, inv[m, r, t, w]))
                if (m, r, t) in rows:
                    balance[m, r, t, w].append((1.0, rel[m, r, t, w]))
            credit = d[end] * data.terminal_fraction[m] * data.market_price[m, end, w]
            if credit:
                terminal.append((-credit, inv[m, r, end, w]))
