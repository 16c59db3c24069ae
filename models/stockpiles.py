"""Stockpiles: purchases, releases, inventory and obligations at each place k = (r, m).

Declares, for (r, m) ∈ K only:

- ``p[m, r, t]`` ≥ 0, first stage: tonnes bought from the pool into the stockpile;
- ``rel[m, r, t, n]`` in [0, Rmax] and ``inv[m, r, t, n]`` in [0, Imax] per node n of the
  scenario tree in year t (constraints 7's bounds and 15);
- constraints 4 (``purchase_limit``, where b(m) is given) and 7 (``stock_balance``:
  inv(t, n) = inv(t−1, parent(n)) + p(t) − rel(t, n));
- the release rule of 7 (``release_rule``): rel(t, n) ≤ inv(t−1, parent(n)); in the first year
  it is the bound rel ≤ I0, so it needs no row;
- constraint 12 (``obligation``): inv(m,r,t,n) ≥ n(k)/365·D(m,r,t) for o(k) ≤ t < first(m,ω),
  only where that is positive (`planner.models.data`); the diagnosis may relax it (tonnes).

Purchases draw on the pool (9), pay shipping k(r) and count as first-stage spending of kind
"stockpile" at base prices P(m,t) (budgets 11 and 16); releases supply the country balance (8).
Costs: holding h·inv and the terminal value −d(end)·φ'(m)·P(m,end,ω)·inv(end) per node, a credit
capped by φ'(m) (see `planner.models.data.terminal_fraction`); shipping k·p in every scenario.
`extract` gives ``purchases`` and the release and inventory columns of ``flows``.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, Relaxable, at_least, at_most, by_index, equal


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add p, rel, inv, constraints 4, 7 and 12, and the stockpiles' costs and balance terms."""
    case = data.case
    years = data.years
    start = years[0]
    places = case.stockpiles

    model.p = pyo.Var(
        [(m, r, t) for r, m in data.places for t in years], domain=pyo.NonNegativeReals
    )
    second_stage = data.second_stage(tuple((m, r, t) for r, m in data.places for t in years))

    def release_bounds(_: pyo.ConcreteModel, m: str, r: str, t: int, n: str) -> tuple:
        """Rmax, and in the first year the release rule rel ≤ I0."""
        place = places[r, m]
        if t != start:
            return (0.0, place.max_release)
        if place.max_release is None:
            return (0.0, place.initial)
        return (0.0, min(place.max_release, place.initial))

    def inventory_bounds(_: pyo.ConcreteModel, m: str, r: str, t: int, n: str) -> tuple:
        return (0.0, places[r, m].capacity)

    model.rel = pyo.Var(second_stage, bounds=release_bounds)
    model.inv = pyo.Var(second_stage, bounds=inventory_bounds)
    p, rel, inv = by_index(model.p), by_index(model.rel), by_index(model.inv)

    cap = {
        m: mineral.max_purchase
        for m, mineral in case.minerals.items()
        if mineral.max_purchase is not None and any(mm == m for _, mm in data.places)
    }
    limited = [(m, t) for m in cap for t in years]
    buyers = {m: [r for r, mm in data.places if mm == m] for m in cap}

    def purchase_limit(_: pyo.ConcreteModel, m: str, t: int) -> object:
        """(4) Σ_r p(m,r,t) ≤ b(m)."""
        return at_most(((1.0, p[m, r, t]) for r in buyers[m]), cap[m])

    model.purchase_limit = pyo.Constraint(limited, rule=purchase_limit)
    parent = data.parent

    def stock_balance(_: pyo.ConcreteModel, m: str, r: str, t: int, n: str) -> object:
        """(7) inv(t,n) − inv(t−1,parent) − p(t) + rel(t,n) = 0, inv(start−1) = I0 on the right."""
        terms = [(1.0, inv[m, r, t, n]), (-1.0, p[m, r, t]), (1.0, rel[m, r, t, n])]
        if t == start:
            initial = places[r, m].initial
            return equal(terms, initial)
        terms.append((-1.0, inv[m, r, t - 1, parent[n]]))
        return equal(terms, 0.0)

    model.stock_balance = pyo.Constraint(second_stage, rule=stock_balance)

    def release_rule(_: pyo.ConcreteModel, m: str, r: str, t: int, n: str) -> object:
        """(7, revision 3) rel(t,n) − inv(t−1,parent(n)) ≤ 0."""
        return at_most(((1.0, rel[m, r, t, n]), (-1.0, inv[m, r, t - 1, parent[n]])), 0.0)

    model.release_rule = pyo.Constraint(
        [key for key in second_stage if key[2] != start], rule=release_rule
    )
    _obligations(model, data, registry, inv)
    _register(data, registry, p, rel, inv)


def _obligations(model: pyo.ConcreteModel, data: ModelData, registry: Registry, inv: dict) -> None:
    """(12) inv(m,r,t,n) ≥ n(k)/365·D(m,r,t), relaxable in tonnes by the diagnosis."""
    required = data.obligation

    def obligation(_: pyo.ConcreteModel, m: str, r: str, t: int, n: str) -> object:
        return at_least(required[m, r, t, n], ((1.0, inv[m, r, t, n]),))

    model.obligation = pyo.Constraint(list(required), rule=obligation)
    for (m, r, t, n), amount in required.items():
        registry.relaxable.append(
            Relaxable(
                model.obligation[m, r, t, n],
                "obligation",
                "t",
                1.0,
                scenarios=data.node_scenarios[n],
                mineral=m,
                country=r,
                year=t,
                scale=amount,
            )
        )


def _register(data: ModelData, registry: Registry, p: dict, rel: dict, inv: dict) -> None:
    """The stockpiles' costs, spending, pool draws and balance terms."""
    case = data.case
    d = data.discount
    years, end = data.years, data.end_year
    shipping = registry.cost("shipping")
    for r, m in data.places:
        k = case.countries[r].shipping_cost
        for t in years:
            if k:
                shipping.append((d[t] * k, p[m, r, t]))
            registry.spend("stockpile", r, m, "", t, case.price[m, t], p[m, r, t])
            registry.pool_draws[m, t].append((1.0, p[m, r, t]))

    rows = data.balance_set
    balance = registry.balance
    holding = {n: registry.cost("holding", ws) for n, ws in data.node_scenarios.items()}
    for r, m in data.places:
        h = case.minerals[m].holding_cost
        for t in years:
            for n in data.nodes[t]:
                if h:
                    holding[n].append((d[t] * h, inv[m, r, t, n]))
                if (m, r, t) in rows:
                    balance[m, r, t, n].append((1.0, rel[m, r, t, n]))
        for n in data.nodes[end]:
            price = data.market_price[m, end, data.node_scenario(n)]
            credit = d[end] * data.terminal_fraction[m] * price
            if credit:
                registry.cost("terminal_value", data.node_scenarios[n]).append(
                    (-credit, inv[m, r, end, n])
                )


def extract(model: pyo.ConcreteModel, data: ModelData) -> dict[str, pd.DataFrame]:
    """Purchases per place and year; release and inventory per scenario (node values expanded)."""
    p, rel, inv = by_index(model.p), by_index(model.rel), by_index(model.inv)
    purchases = pd.DataFrame(
        [(r, m, t, p[m, r, t].value) for r, m in data.places for t in data.years],
        columns=["country", "mineral", "year", "purchase"],
    )
    node_of = data.node_of
    stock = pd.DataFrame(
        [
            (w, m, r, t, rel[key].value, inv[key].value)
            for w in data.scenarios
            for r, m in data.places
            for t in data.years
            for key in [(m, r, t, node_of[t, w])]
        ],
        columns=["scenario", "mineral", "country", "year", "release", "inventory"],
    )
    return {"purchases": purchases, "flows": stock}
