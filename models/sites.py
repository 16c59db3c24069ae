"""Refinery sites: builds, online capacity and output.

Declares:

- ``y[s, t]`` binary, ``x[s, t]`` ≥ 0 (t/yr) for t in BuildYears(s); nothing when cmax(s) = 0;
- ``q[s, t, n]`` ≥ 0 (t) where C(s,t) can be positive (see `planner.models.data`), one per node n
  of the scenario tree in year t (constraint 15);
- constraints 1 (``one_build``), 2 (``size_min``, ``size_max``) and 5 (``output``).

Registers: y as integer, each site's y as one exclusive choice (1); q in the balance (8) of its
country; capex (item: the site) and fixed O&M of new capacity (item: the site) in every scenario,
variable refining per node; capex F·y + V·x as first-stage spending of kind "capex" in the site's
country, mineral and build year. `extract` gives the plan's ``builds`` and ``output`` tables (node
values expanded to scenarios).

Online capacity C(s,t) = E(s,t) + Σ_{τ ∈ BuildYears(s), τ + L(s) ≤ t} x(s,τ) is written into
each row of (5) as plain terms, its constant a(s)·E(s,t) on the right-hand side (a named Pyomo
expression per (s, t) would make the hand-off walk an expression tree per row and node); where
no build can be online yet, constraint 5 is the bound q ≤ a(s)·E(s,t) and needs no row.
E(s,t) = E(s)·[t ≥ existing_from(s)] (`Site.existing_in`) is an extension of model.md: committed
capacity that comes online in a later year; with existing_from blank it is model.md's E(s).

Costs: capex F·y + V·x in the build year; fixed O&M Fo·C(s,t) in every year (existing capacity
gives a constant, Fo·E(s,t)·d(t) summed over the years it is online; each x(s,τ) is charged
Fo·Σ_{t ≥ τ+L} d(t) once); variable refining w·q.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, at_least, at_most, by_index


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add the sites' variables, constraints 1, 2 and 5, and their costs and balance terms."""
    sites = data.case.sites

    model.y = pyo.Var(data.build_keys, domain=pyo.Binary)
    model.x = pyo.Var(data.build_keys, domain=pyo.NonNegativeReals)

    def output_bounds(_: pyo.ConcreteModel, s: str, t: int, n: str) -> tuple[float, float | None]:
        # Where no new capacity can be online, constraint 5 is this bound.
        if (s, t) in data.online_builds:
            return (0.0, None)
        site = sites[s]
        return (0.0, site.availability * site.existing_in(t))

    model.q = pyo.Var(data.second_stage(data.output_keys, 1), bounds=output_bounds)
    registry.integers.extend(model.y.values())
    registry.choices.extend([model.y[s, t] for t in ts] for s, ts in data.build_years.items())

    y, x, q = by_index(model.y), by_index(model.x), by_index(model.q)

    def one_build(_: pyo.ConcreteModel, s: str) -> object:
        """(1) Σ_t y(s,t) ≤ 1."""
        return at_most(((1.0, y[s, t]) for t in data.build_years[s]), 1.0)

    model.one_build = pyo.Constraint(list(data.build_years), rule=one_build)

    def size_min(_: pyo.ConcreteModel, s: str, t: int) -> object:
        """(2, left) x(s,t) − cmin(s)·y(s,t) ≥ 0."""
        return at_least(0.0, ((1.0, x[s, t]), (-sites[s].min_capacity, y[s, t])))

    model.size_min = pyo.Constraint(
        [(s, t) for s, t in data.build_keys if sites[s].min_capacity > 0], rule=size_min
    )

    def size_max(_: pyo.ConcreteModel, s: str, t: int) -> object:
        """(2, right) x(s,t) − cmax(s)·y(s,t) ≤ 0."""
        return at_most(((1.0, x[s, t]), (-sites[s].max_capacity, y[s, t])), 0.0)

    model.size_max = pyo.Constraint(data.build_keys, rule=size_max)

    def output(_: pyo.ConcreteModel, s: str, t: int, n: str) -> object:
        """(5) q(s,t,n) − a(s)·Σ_{τ + L(s) ≤ t} x(s,τ) ≤ a(s)·E(s,t): q − a·C ≤ 0 with the
        constant part of C(s,t) on the right, the row the compiler would make of q − a·C."""
        availability = sites[s].availability
        terms = [(1.0, q[s, t, n])]
        terms.extend((-availability, x[s, tau]) for tau in data.online_builds[s, t])
        return at_most(terms, availability * sites[s].existing_in(t))

    online = tuple(k for k in data.output_keys if k in data.online_builds)
    model.output = pyo.Constraint(data.second_stage(online, 1), rule=output)
    _register(data, registry, y, x, q)


def _register(data: ModelData, registry: Registry, y: dict, x: dict, q: dict) -> None:
    """The sites' costs, spending and balance terms."""
    sites = data.case.sites

    # Costs.
    d = data.discount
    for s, t in data.build_keys:
        site = sites[s]
        capex = registry.cost("capex", item=s)
        if site.fixed_capex:
            capex.append((d[t] * site.fixed_capex, y[s, t]))
            registry.spend("capex", site.country, site.mineral, s, t, site.fixed_capex, y[s, t])
        if site.capex_per_tpa:
            capex.append((d[t] * site.capex_per_tpa, x[s, t]))
            registry.spend("capex", site.country, site.mineral, s, t, site.capex_per_tpa, x[s, t])
        if site.fixed_om_per_tpa:
            registry.cost("fixed_om", item=s).append(
                (site.fixed_om_per_tpa * data.online_discount[s, t], x[s, t])
            )
    existing_om = sum(
        site.fixed_om_per_tpa * site.existing_in(t) * d[t]
        for site in sites.values()
        if site.fixed_om_per_tpa and site.existing_capacity
        for t in data.years
    )
    if existing_om:
        registry.add_constant("fixed_om", existing_om)

    balance = registry.balance
    rows = data.balance_set
    refining = {n: registry.cost("variable_refining", ws) for n, ws in data.node_scenarios.items()}
    for s, t in data.output_keys:
        site = sites[s]
        key = (site.mineral, site.country, t)
        for n in data.nodes[t]:
            if site.variable_cost:
                refining[n].append((d[t] * site.variable_cost, q[s, t, n]))
            if key in rows:
                balance[(*key, n)].append((1.0, q[s, t, n]))
            if site.country in data.closed:
                registry.produced[(*key, n)].append((1.0, q[s, t, n]))


def extract(model: pyo.ConcreteModel, data: ModelData) -> dict[str, pd.DataFrame]:
    """The plan's builds (y = 1) and refinery output per scenario (0 where q does not exist)."""
    y, x, q = by_index(model.y), by_index(model.x), by_index(model.q)
    builds = pd.DataFrame(
        [(s, t, x[s, t].value) for s, t in data.build_keys if round(y[s, t].value) == 1],
        columns=["site", "year", "capacity"],
    )
    node_of = data.node_of
    rows = []
    for w in data.scenarios:
        for s in data.case.sites:
            for t in data.years:
                var = q.get((s, t, node_of[t, w]))
                rows.append((w, s, t, 0.0 if var is None else var.value))
    output = pd.DataFrame(rows, columns=["scenario", "site", "year", "output"])
    return {"builds": builds, "output": output}
