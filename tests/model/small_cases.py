"""Random small cases that exercise every term of model.md, for cross-checking objectives.

Each case is small enough to solve to a zero gap in milliseconds, and deliberately includes the
corners: sites with no build decision or build years beyond the horizon, offers outside the
horizon, floors and two-sided ladders, minerals without sources, source years without rows,
full coverage, budgets, CVaR, zero-probability scenarios.
"""

from __future__ import annotations

import random

from planner.case import (
    Case,
    Country,
    Mineral,
    Offer,
    Scenario,
    Settings,
    Site,
    SourceYear,
    Stockpile,
)
from tests.reference_model import reference_objective

__all__ = ["random_case", "reference_objective"]


def random_case(seed: int) -> Case:
    """A random valid case; the same seed gives the same case."""
    rng = random.Random(seed)
    start = 2025
    end = start + rng.randint(1, 5)
    years = range(start, end + 1)
    minerals = {}
    for i in range(rng.randint(1, 3)):
        name = f"M{i}"
        price = rng.uniform(100, 5000)
        minerals[name] = Mineral(
            name,
            price=price,
            shortage_penalty=rng.choice([0.0, price * rng.uniform(1.5, 10)]),
            holding_cost=rng.choice([0.0, price * rng.uniform(0.0, 0.08)]),
            coverage=rng.choice([0.0, 0.0, 0.0, 0.2, 0.5, 1.0]),
            max_purchase=rng.choice([None, rng.uniform(5, 60)]),
        )
    countries = {
        f"C{i}": Country(f"C{i}", shipping_cost=rng.choice([0.0, rng.uniform(1, 40)]))
        for i in range(rng.randint(1, 4))
    }
    names_m, names_r = list(minerals), list(countries)
    sites = {}
    for i in range(rng.randint(0, 5)):
        cmax = rng.choice([0.0, rng.uniform(10, 120)])
        sites[f"S{i}"] = Site(
            f"S{i}",
            country=rng.choice(names_r),
            mineral=rng.choice(names_m),
            existing_capacity=rng.choice([0.0, 0.0, rng.uniform(5, 40)]),
            min_capacity=rng.choice([0.0, cmax * rng.uniform(0.1, 0.9)]),
            max_capacity=cmax,
            fixed_capex=rng.choice([0.0, rng.uniform(1e4, 2e5)]),
            capex_per_tpa=rng.uniform(0, 3000),
            fixed_om_per_tpa=rng.uniform(0, 200),
            variable_cost=rng.uniform(0, 2000),
            lead_time=rng.randint(0, 4),
            earliest_year=rng.randint(start - 1, end + 1),
            availability=rng.uniform(0.5, 1.0),
        )
    offers = {}
    for i in range(rng.randint(0, 4)):
        m = rng.choice(names_m)
        offers[f"O{i}"] = Offer(
            f"O{i}",
            group=rng.choice(["G0", "G1", f"O{i}"]),
            mineral=m,
            country=rng.choice(names_r),
            strike=minerals[m].price * rng.uniform(0.6, 1.6),
            volume=rng.uniform(2, 30),
            start_year=rng.randint(start - 2, end),
            end_year=rng.randint(end - 1, end + 3),
            kind=rng.choice(["two_sided", "floor"]),
        )
    stockpiles = {}
    for r in names_r:
        for m in names_m:
            if rng.random() < 0.4:
                capacity = rng.uniform(5, 100)
                stockpiles[r, m] = Stockpile(
                    r,
                    m,
                    initial=rng.choice([0.0, capacity * rng.uniform(0, 1)]),
                    capacity=capacity,
                    max_release=rng.choice([None, rng.uniform(1, 30)]),
                )
    n_scen = rng.randint(1, 3)
    weights = [rng.choice([0.0, rng.random() + 0.1]) for _ in range(n_scen)]
    if not any(weights):
        weights[0] = 1.0
    scenarios = {
        f"W{i}": Scenario(f"W{i}", probability=wgt / sum(weights)) for i, wgt in enumerate(weights)
    }
    price = {
        (m, t): minerals[m].price * rng.choice([1.0, rng.uniform(0.7, 1.5)])
        for m in names_m
        for t in years
    }
    demand = {}
    for m in names_m:
        for r in names_r:
            if rng.random() < 0.7:
                for t in years:
                    if rng.random() < 0.85:
                        demand[m, r, t] = rng.uniform(1, 60)
    supply = {}
    for m in names_m:
        if rng.random() < 0.15:
            continue  # a mineral without external sources
        for x in rng.sample(["X0", "X1"], rng.randint(1, 2)):
            for t in years:
                if rng.random() < 0.85:
                    supply[x, m, t] = SourceYear(
                        rng.choice([0.0, rng.uniform(30, 300)]), rng.uniform(0.8, 1.5)
                    )
    share_lost = {}
    price_multiplier = {}
    for w in scenarios:
        for x, m, t in supply:
            if rng.random() < 0.3:
                share_lost[w, x, m, t] = rng.choice([1.0, rng.uniform(0.1, 0.9)])
        for m in names_m:
            for t in years:
                if rng.random() < 0.25:
                    price_multiplier[w, m, t] = rng.uniform(0.5, 4.0)
    settings = Settings(
        start_year=start,
        end_year=end,
        discount_rate=rng.choice([0.0, rng.uniform(0.01, 0.1)]),
        budget=rng.choice([None, None, rng.uniform(0, 3e5)]),
        terminal_value_fraction=rng.choice([0.0, 1.0, rng.uniform(0, 1)]),
        cvar_weight=rng.choice([0.0, 0.0, rng.uniform(0.1, 0.9), 1.0]),
        cvar_alpha=rng.uniform(0.3, 0.95),
        mip_gap=0.0,
    )
    return Case(
        settings=settings,
        minerals=minerals,
        countries=countries,
        sites=sites,
        offers=offers,
        stockpiles=stockpiles,
        scenarios=scenarios,
        price=price,
        demand=demand,
        supply=supply,
        share_lost=share_lost,
        price_multiplier=price_multiplier,
    )
