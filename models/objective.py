"""Objective: expected discounted cost, optionally blended with CVaR.

Cost(ω) is the sum of every cost term and constant the components registered that counts in ω
(first-stage terms in every scenario, a node's terms in each of the node's scenarios). The
objective is (1 − λ)·Σ_ω π(ω)·Cost(ω) + λ·CVaR_α with CVaR_α = η + 1/(1 − α)·Σ_ω π(ω)·ζ(ω),
ζ(ω) ≥ Cost(ω) − η, ζ ≥ 0, η free. In the expected part a term is weighted by the total
probability of the scenarios it counts in, and duplicates are collapsed so that the objective
has one coefficient per column.

Declares ``objective`` and, only when λ > 0, ``eta``, ``zeta[ω]`` and ``cvar_excess[ω]``
(ζ(ω) + η − Cost(ω) ≥ 0, the constant of Cost(ω) moved to the right-hand side, a USD row the
hand-off scales). The objective includes its constant (fixed O&M of existing capacity), so its
value is the full objective. `extract` gives the plan's ``cvar`` table.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, Term, linear
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression


def collapse(terms: list[Term]) -> list[Term]:
    """The same linear form with one term per variable."""
    merged: dict[int, list] = {}
    for coef, var in terms:
        entry = merged.get(id(var))
        if entry is None:
            merged[id(var)] = [coef, var]
        else:
            entry[0] += coef
    return [(coef, var) for coef, var in merged.values()]


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add the objective (and the CVaR auxiliaries when λ > 0)."""
    weight = data.case.settings.cvar_weight
    scoped = registry.scoped_costs()
    probability = data.probability

    expected = 1.0 - weight
    terms: list[Term] = []
    offset = 0.0
    if expected:
        for scope, (own, constant) in scoped.items():
            mass = data.total_probability if scope is None else sum(probability[w] for w in scope)
            scale = expected * mass
            if scale:
                terms.extend((scale * c, v) for c, v in own)
                offset += scale * constant

    if weight > 0:
        _cvar(model, data, registry, terms)

    monomials = list(map(MonomialTermExpression, collapse(terms)))
    model.objective = pyo.Objective(
        expr=LinearExpression([offset, *monomials] if offset else monomials),
        sense=pyo.minimize,
    )


def _cvar(model: pyo.ConcreteModel, data: ModelData, registry: Registry, terms: list) -> None:
    """η, ζ and the rows ζ(ω) + η − Cost(ω) ≥ constant; their objective terms go to `terms`."""
    settings = data.case.settings
    weight, alpha = settings.cvar_weight, settings.cvar_alpha
    cost = registry.scenario_costs()
    model.eta = pyo.Var(domain=pyo.Reals)
    model.zeta = pyo.Var(list(data.scenarios), domain=pyo.NonNegativeReals)
    eta, zeta = model.eta, model.zeta

    def cvar_excess(_: pyo.ConcreteModel, w: str) -> object:
        """ζ(ω) + η − Cost(ω) ≥ constant of Cost(ω)."""
        own, constant = cost[w]
        excess = [(-c, v) for c, v in collapse(own)]
        return (constant, linear([(1.0, zeta[w]), (1.0, eta), *excess]), None)

    model.cvar_excess = pyo.Constraint(list(data.scenarios), rule=cvar_excess)
    registry.usd_rows.extend(model.cvar_excess.values())
    terms.append((weight, eta))
    terms.extend((weight * data.probability[w] / (1.0 - alpha), zeta[w]) for w in data.scenarios)


def extract(model: pyo.ConcreteModel, data: ModelData) -> dict[str, pd.DataFrame]:
    """η and ζ(ω) when CVaR is in the objective (an empty table otherwise)."""
    if data.case.settings.cvar_weight <= 0:
        return {"cvar": pd.DataFrame(columns=["scenario", "eta", "zeta"])}
    cvar = pd.DataFrame(
        [(w, model.eta.value, model.zeta[w].value) for w in data.scenarios],
        columns=["scenario", "eta", "zeta"],
    )
    return {"cvar": cvar}
