"""Refinery sites: builds, online capacity and output.

Declares:

- ``y[s, t]`` binary, ``x[s, t]`` ≥ 0 (t/yr) for t in BuildYears(s); nothing when cmax(s) = 0;
- ``q[s, t, ω]`` ≥ 0 (t) where C(s,t) can be positive (see `planner.models.data`);
- constraints 1 (``one_build``), 2 (``size_min``, ``size_max``) and 5 (``output``).

Online capacity C(s,t) = E(s) + Σ_{τ ∈ BuildYears(s), τ + L(s) ≤ t} x(s,τ) is an expression; where
no build can be online yet, constraint 5 is the bound q ≤ a(s)·E(s) and needs no row.

Costs: capex F·y + V·x in the build year; fixed O&M Fo·C(s,t) in every year (existing capacity
gives a constant; each x(s,τ) is charged Fo·Σ_{t ≥ τ+L} d(t) once); variable refining w·q.
"""

from __future__ import annotations

import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, by_index, linear
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add the sites' variables, constraints 1, 2 and 5, and their costs and balance terms."""
    case = data.case
    sites = case.sites
    scenarios = data.scenarios

    model.y = pyo.Var(data.build_keys, domain=pyo.Binary)
    model.x = pyo.Var(data.build_keys, domain=pyo.NonNegativeReals)

    def output_bounds(_: pyo.ConcreteModel, s: str, t: int, w: str) -> tuple[float, float | None]:
        # Where no new capacity can be online, constraint 5 is this bound.
        if (s, t) in data.online_builds:
            return (0.0, None)
        site = sites[s]
        return (0.0, site.availability * site.existing_capacity)

    output_index = [(s, t, w) for w in scenarios for s, t in data.output_keys]
    model.q = pyo.Var(output_index, bounds=output_bounds)

    y, x, q = by_index(model.y), by_index(model.x), by_index(model.q)

    def one_build(_: pyo.ConcreteModel, s: str) -> object:
        """(1) Σ_t y(s,t) ≤ 1."""
        return (None, linear((1.0, y[s, t]) for t in data.build_years[s]), 1.0)

    model.one_build = pyo.Constraint(list(data.build_years), rule=one_build)

    def size_min(_: pyo.ConcreteModel, s: str, t: int) -> object:
        """(2, left) x(s,t) − cmin(s)·y(s,t) ≥ 0."""
        return (0.0, linear(((1.0, x[s, t]), (-sites[s].min_capacity, y[s, t]))), None)

    model.size_min = pyo.Constraint(
        [(s, t) for s, t in data.build_keys if sites[s].min_capacity > 0], rule=size_min
    )

    def size_max(_: pyo.ConcreteModel, s: str, t: int) -> object:
        """(2, right) x(s,t) − cmax(s)·y(s,t) ≤ 0."""
        return (None, linear(((1.0, x[s, t]), (-sites[s].max_capacity, y[s, t]))), 0.0)

    model.size_max = pyo.Constraint(data.build_keys, rule=size_max)

    def online_capacity(_: pyo.ConcreteModel, s: str, t: int) -> LinearExpression:
        """C(s,t) = E(s) + Σ_{τ + L(s) ≤ t} x(s,τ)."""
        terms = [MonomialTermExpression((1.0, x[s, tau])) for tau in data.online_builds[s, t]]
        existing = sites[s].existing_capacity
        return LinearExpression([existing, *terms] if existing else terms)

    model.C = pyo.Expression(list(data.online_builds), rule=online_capacity)

    def output(m: pyo.ConcreteModel, s: str, t: int, w: str) -> object:
        """(5) q(s,t,ω) − a(s)·C(s,t) ≤ 0."""
        return (None, q[s, t, w] - sites[s].availability * m.C[s, t], 0.0)

    model.output = pyo.Constraint(
        [(s, t, w) for w in scenarios for s, t in data.output_keys if (s, t) in data.online_builds],
        rule=output,
    )

    # Costs.
    d = data.discount
    capex = registry.cost("capex")
    fixed_om = registry.cost("fixed_om")
    spend = registry.spending["capex"]
    for s, t in data.build_keys:
        site = sites[s]
        if site.fixed_capex:
            capex.append((d[t] * site.fixed_capex, y[s, t]))
            spend.append((site.fixed_capex, y[s, t]))
        if site.capex_per_tpa:
            capex.append((d[t] * site.capex_per_tpa, x[s, t]))
            spend.append((site.capex_per_tpa, x[s, t]))
        if site.fixed_om_per_tpa:
            fixed_om.append((site.fixed_om_per_tpa * data.online_discount[s, t], x[s, t]))
    existing_om = sum(
        site.fixed_om_per_tpa * site.existing_capacity * d[t]
        for site in sites.values()
        if site.fixed_om_per_tpa and site.existing_capacity
        for t in data.years
    )
    if existing_om:
        registry.add_constant("fixed_om", existing_om)

    balance = registry.balance
    rows = data.balance_set
    for w in scenarios:
        refining = registry.cost("variable_refining", w)
        for s, t in data.output_keys:
            site = sites[s]
            if site.variable_cost:
                refining.append((d[t] * site.variable_cost, q[s, t, w]))
            key = (site.mineral, site.country, t)
            if key in rows:
                balance[(*key, w)].append((1.0, q[s, t, w]))
