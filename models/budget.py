"""Budgets: caps on first-stage spending, alliance-wide (11) and per member (16).

Declares, from the spending the components registered (undiscounted, at base prices P(m,t),
without any scenario's price multiplier):

- ``budget``: Σ_{s,t} (F(s)·y(s,t) + V(s)·x(s,t)) + Σ_{m,r,t} P(m,t)·p(m,r,t) ≤ B, where Settings
  gives a budget B;
- ``member_budget[r]``: the part of that sum that belongs to r (its sites' F·y + V·x and its own
  purchases P·p) ≤ B(r), for each country with a budget.

A cap on nothing to spend on is left out when it is ≥ 0 (0 ≤ B always holds). Both are rows in
USD (the hand-off scales them) and relaxable by the diagnosis in USD.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, Relaxable, Term, at_most


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add constraints 11 and 16 where the case has budgets."""
    case = data.case
    budget = case.settings.budget
    terms = [(spend.coef, spend.var) for spend in registry.spending]
    if budget is not None and (terms or budget < 0):
        model.budget = pyo.Constraint(expr=at_most(terms, budget))
        registry.usd_rows.append(model.budget)
        registry.relaxable.append(
            Relaxable(model.budget, "budget", "USD", -1.0, scale=max(1.0, abs(budget)))
        )

    own: defaultdict[str, list[Term]] = defaultdict(list)
    for spend in registry.spending:
        own[spend.country].append((spend.coef, spend.var))
    limits = {
        r: country.budget
        for r, country in case.countries.items()
        if country.budget is not None and (own.get(r) or country.budget < 0)
    }

    def member_budget(_: pyo.ConcreteModel, r: str) -> object:
        """(16) Σ own F·y + V·x + P·p ≤ B(r)."""
        return at_most(own.get(r, ()), limits[r])

    model.member_budget = pyo.Constraint(list(limits), rule=member_budget)
    for r, limit in limits.items():
        row = model.member_budget[r]
        registry.usd_rows.append(row)
        registry.relaxable.append(
            Relaxable(row, "member_budget", "USD", -1.0, country=r, scale=max(1.0, abs(limit)))
        )
