"""Contract-for-difference offers: the rungs of the strike-price ladders.

Declares ``z[o]`` binary for every offer and constraint 3 (``one_offer``) for every group of two
or more offers (a group of one is the binary bound z ≤ 1).

An accepted offer delivers v(o) t/yr to its country's balance (8) in its active years A(o), which
are the offer's years intersected with the horizon. Its cost in year t is v·z·π_cfd with
π_cfd = σ (two-sided) or max(σ, P(m,t,ω)) (floor), reported in two parts: the market value
v·z·P(m,t,ω) that industry pays, and the government payment v·z·(π_cfd − P(m,t,ω)), negative
when a two-sided contract pays back. Both are summed over the active years into one coefficient
of z per scenario.

Registers: z as integer, each group's z as one exclusive choice (3); v·z in the balance (8) of
the offer's country in every node of its active years; both cost parts per scenario with the
offer as item. `extract` gives ``offers``.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo
from planner.models.data import ModelData
from planner.models.registry import Registry, at_most, by_index


def declare(model: pyo.ConcreteModel, data: ModelData, registry: Registry) -> None:
    """Add z, constraint 3 and the offers' costs and balance terms."""
    offers = data.case.offers
    model.z = pyo.Var(list(offers), domain=pyo.Binary)
    z = by_index(model.z)
    registry.integers.extend(model.z.values())
    registry.choices.extend([z[o] for o in members] for members in data.groups.values())

    def one_offer(_: pyo.ConcreteModel, g: str) -> object:
        """(3) Σ_{o ∈ g} z(o) ≤ 1."""
        return at_most(((1.0, z[o]) for o in data.groups[g]), 1.0)

    model.one_offer = pyo.Constraint(
        [g for g, members in data.groups.items() if len(members) > 1], rule=one_offer
    )

    d = data.discount
    price = data.market_price
    rows = data.balance_set
    for o, offer in offers.items():
        years = data.offer_years[o]
        if not years:
            continue
        m, v = offer.mineral, offer.volume
        for w in data.scenarios:
            market = 0.0
            government = 0.0
            for t in years:
                p = price[m, t, w]
                strike = max(offer.strike, p) if offer.kind == "floor" else offer.strike
                market += d[t] * v * p
                government += d[t] * v * (strike - p)
            registry.cost("cfd_market_value", (w,), o).append((market, z[o]))
            if government:
                registry.cost("cfd_government_payment", (w,), o).append((government, z[o]))
        for t in years:
            key = (m, offer.country, t)
            if key in rows:
                registry.balance_shared[key].append((v, z[o]))
            if offer.country in data.closed:
                registry.produced_shared[key].append((v, z[o]))


def extract(model: pyo.ConcreteModel, data: ModelData) -> dict[str, pd.DataFrame]:
    """Whether each offer is accepted."""
    z = by_index(model.z)
    offers = pd.DataFrame(
        [(o, bool(round(z[o].value))) for o in data.case.offers], columns=["offer", "accepted"]
    )
    return {"offers": offers}
