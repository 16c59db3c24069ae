"""Objective: expected discounted cost, optionally blended with CVaR.

Cost(ω) is the sum of every cost term and constant the components registered (first-stage terms
count in every scenario). The objective is (1 − λ)·Σ_ω π(ω)·Cost(ω) + λ·CVaR_α with
CVaR_α = η + 1/(1 − α)·Σ_ω π(ω)·ζ(ω), ζ(ω) ≥ Cost(ω) − η, ζ ≥ 0, η free.

Declares ``objective`` and, only when λ > 0, ``eta``, ``zeta[ω]`` and ``cvar_excess[ω]``
(ζ(ω) + η − Cost(ω) ≥ 0, the constant of Cost(ω) moved to the right-hand side). The objective
includes its constant (fixed O&M of existing capacity), so its value is the full objective.
"""

from __future__ import annotations

import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, Term, linear
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add the objective (and the CVaR auxiliaries when λ > 0)."""
    settings = data.case.settings
    weight, alpha = settings.cvar_weight, settings.cvar_alpha
    shared, shared_constant = registry.shared_cost()
    own = {w: registry.own_cost(w) for w in data.scenarios}

    expected = 1.0 - weight
    terms: list[Term] = []
    offset = 0.0
    if expected:
        terms.extend((expected * data.total_probability * c, v) for c, v in shared)
        offset = expected * data.total_probability * shared_constant
        for w, (own_terms, own_constant) in own.items():
            scale = expected * data.probability[w]
            terms.extend((scale * c, v) for c, v in own_terms)
            offset += scale * own_constant

    if weight > 0:
        model.eta = pyo.Var(domain=pyo.Reals)
        model.zeta = pyo.Var(list(data.scenarios), domain=pyo.NonNegativeReals)
        eta, zeta = model.eta, model.zeta

        def cvar_excess(_: pyo.ConcreteModel, w: str) -> object:
            """ζ(ω) + η − Cost(ω) ≥ constant of Cost(ω)."""
            own_terms, own_constant = own[w]
            cost = [(-c, v) for c, v in (*shared, *own_terms)]
            return (
                shared_constant + own_constant,
                linear([(1.0, zeta[w]), (1.0, eta), *cost]),
                None,
            )

        model.cvar_excess = pyo.Constraint(list(data.scenarios), rule=cvar_excess)
        terms.append((weight, eta))
        terms.extend(
            (weight * data.probability[w] / (1.0 - alpha), zeta[w]) for w in data.scenarios
        )

    monomials = list(map(MonomialTermExpression, terms))
    model.objective = pyo.Objective(
        expr=LinearExpression([offset, *monomials] if offset else monomials),
        sense=pyo.minimize,
    )
