"""Budget: the cap on first-stage spending (constraint 11), where Settings gives a budget B.

Declares ``budget``: Σ_{s,t} (F(s)·y(s,t) + V(s)·x(s,t)) + Σ_{m,r,t} P(m,t)·p(m,r,t) ≤ B, summed
from the spending the components registered: undiscounted and at base prices P(m,t), without
any scenario's price multiplier.
"""

from __future__ import annotations

import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, linear


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add constraint 11 when the case has a budget."""
    budget = data.case.settings.budget
    if budget is None:
        return
    terms = [term for kind in sorted(registry.spending) for term in registry.spending[kind]]
    if not terms and budget >= 0:
        return  # nothing to spend on: 0 ≤ B always holds
    model.budget = pyo.Constraint(expr=(None, linear(terms), budget))
