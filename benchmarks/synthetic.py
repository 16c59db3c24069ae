"""A synthetic planning case of realistic shape and any size, for benchmarks.

The reference size is 15 minerals, 25 countries, 100 sites, 15 years and 20 scenarios. `scale`
multiplies the number of scenarios (the second stage, which holds almost all columns), so model
size grows linearly with it: scale 0.05 gives one scenario, scale 2.5 fifty.

The data follow the application: most countries need most minerals, a dominant source ("China")
sells most of each mineral and the scenarios cut its exports by varying shares for varying
spans of years with price spikes; scenarios come in pairs that share their first years (the
second of a pair repeats the first one's disruption up to a later year, then departs from it),
so the scenario tree (model.md 15) has nodes shared by several scenarios at every size; candidate
refineries have lead times of 2 to 5 years, CfD offers
come as three-rung ladders, and about half of the country-mineral pairs may hold a stockpile.
"""

from __future__ import annotations

import random
from dataclasses import replace

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

GROWTH = 0.04  # fastest yearly growth of a country's demand


def synthetic_case(
    scale: float = 1.0,
    *,
    minerals: int = 15,
    countries: int = 25,
    sites: int = 100,
    years: int = 15,
    scenarios: int = 20,
    seed: int = 0,
) -> Case:
    """The reference case with round(scenarios · scale) scenarios (at least one)."""
    rng = random.Random(seed)
    start = 2026
    end = start + years - 1
    horizon = range(start, end + 1)
    n_scenarios = max(1, round(scenarios * scale))

    mineral_rows = {}
    for i in range(minerals):
        name = f"mineral{i:02d}"
        price = rng.uniform(2e3, 2e5)
        mineral_rows[name] = Mineral(
            name,
            price=price,
            shortage_penalty=price * rng.uniform(3, 10),
            holding_cost=price * rng.uniform(0.01, 0.04),
            coverage=0.0,  # set below, once the supply that can always be counted on is known
            max_purchase=rng.choice([None, rng.uniform(500, 3000)]),
        )
    names_m = list(mineral_rows)
    country_rows = {
        f"country{i:02d}": Country(f"country{i:02d}", shipping_cost=rng.uniform(5, 60))
        for i in range(countries)
    }
    names_r = list(country_rows)

    demand = {}
    base_demand = {}
    for m in names_m:
        for r in names_r:
            if rng.random() < 0.6:
                level = rng.uniform(50, 1500)
                growth = rng.uniform(0.0, GROWTH)
                base_demand[m, r] = level
                for t in horizon:
                    demand[m, r, t] = level * (1 + growth) ** (t - start)
    total_demand = {m: sum(v for (mm, _), v in base_demand.items() if mm == m) for m in names_m}

    site_rows = {}
    for i in range(sites):
        m = rng.choice(names_m)
        r = rng.choice(names_r)
        size = total_demand[m] * rng.uniform(0.05, 0.25) + 10
        existing = size * rng.uniform(0.2, 0.6) if rng.random() < 0.3 else 0.0
        site_rows[f"site{i:03d}"] = Site(
            f"site{i:03d}",
            country=r,
            mineral=m,
            existing_capacity=existing,
            min_capacity=size * 0.2,
            max_capacity=size,
            fixed_capex=mineral_rows[m].price * size * rng.uniform(0.1, 0.4),
            capex_per_tpa=mineral_rows[m].price * rng.uniform(0.5, 2.0),
            fixed_om_per_tpa=mineral_rows[m].price * rng.uniform(0.02, 0.08),
            variable_cost=mineral_rows[m].price * rng.uniform(0.3, 0.7),
            lead_time=rng.randint(2, 5),
            earliest_year=start + rng.randint(0, 3),
            availability=rng.uniform(0.8, 0.95),
        )

    offer_rows = {}
    for g in range(10):
        m = rng.choice(names_m)
        r = rng.choice(names_r)
        kind = rng.choice(["two_sided", "floor"])
        first = start + rng.randint(0, 4)
        for rung, (strike, volume) in enumerate(((0.9, 0.05), (1.0, 0.1), (1.15, 0.2))):
            name = f"offer{g:02d}-{rung}"
            offer_rows[name] = Offer(
                name,
                group=f"ladder{g:02d}",
                mineral=m,
                country=r,
                strike=mineral_rows[m].price * strike,
                volume=total_demand[m] * volume,
                start_year=first,
                end_year=first + 9,
                kind=kind,
            )

    stockpile_rows = {}
    for (m, r), level in base_demand.items():
        if rng.random() < 0.5:
            stockpile_rows[r, m] = Stockpile(
                r,
                m,
                initial=level * rng.uniform(0.0, 0.3),
                capacity=level * rng.uniform(0.5, 2.0),
                max_release=rng.choice([None, level * rng.uniform(0.3, 1.0)]),
            )

    # External supply grows with the fastest demand; China's exports may be cut in any scenario,
    # so each mineral's coverage stays within what the other sources can always deliver: the
    # case is feasible in every scenario, and refineries, CfDs and stockpiles compete on cost.
    supply = {}
    for m in names_m:
        china_share = rng.uniform(0.6, 0.95)
        others = 0.0
        for x, share, factor in (
            ("China", china_share, 1.0),
            ("Rest of world", (1 - china_share) * rng.uniform(0.8, 1.5), rng.uniform(1.05, 1.3)),
            ("Africa", rng.uniform(0.05, 0.2), rng.uniform(1.1, 1.4)),
        ):
            if x != "China":
                others += share
            for t in horizon:
                available = total_demand[m] * share * 1.2 * (1 + GROWTH) ** (t - start)
                supply[x, m, t] = SourceYear(available, factor)
        coverage = min(rng.choice([0.5, 0.7, 0.8, 0.9]), others)
        mineral_rows[m] = replace(mineral_rows[m], coverage=round(coverage, 3))

    price = {
        (m, t): mineral_rows[m].price * (1 + rng.uniform(-0.1, 0.1))
        for m in names_m
        for t in horizon
    }

    scenario_rows = {}
    share_lost = {}
    price_multiplier = {}
    weights = [rng.uniform(0.5, 1.5) for _ in range(n_scenarios)]
    for i in range(n_scenarios):
        w = f"scenario{i:02d}"
        scenario_rows[w] = Scenario(w, probability=weights[i] / sum(weights))
        if i == 0:
            continue  # the first scenario is the base: no disruption
        if i % 2 == 0:
            # Share the previous scenario's history up to a later year, then depart from it.
            twin = f"scenario{i - 1:02d}"
            split = start + rng.randint(2, years - 1)
            for (ww, x, m, t), lost in list(share_lost.items()):
                if ww == twin and t < split:
                    share_lost[w, x, m, t] = lost
            for (ww, m, t), factor in list(price_multiplier.items()):
                if ww == twin and t < split:
                    price_multiplier[w, m, t] = factor
            for m in rng.sample(names_m, rng.randint(1, min(8, minerals))):
                lost = rng.uniform(0.3, 1.0)
                for t in range(split, min(end, split + rng.randint(1, 4)) + 1):
                    share_lost[w, "China", m, t] = lost
                    price_multiplier[w, m, t] = 1 + lost * rng.uniform(1, 4)
            continue
        hit = rng.sample(names_m, rng.randint(1, min(8, minerals)))
        begin = start + rng.randint(1, years - 2)
        stop = min(end, begin + rng.randint(1, 4))
        lost = rng.uniform(0.3, 1.0)
        for m in hit:
            for t in range(begin, stop + 1):
                share_lost[w, "China", m, t] = lost
                price_multiplier[w, m, t] = 1 + lost * rng.uniform(1, 4)

    return Case(
        settings=Settings(start_year=start, end_year=end, discount_rate=0.05, mip_gap=1e-4),
        minerals=mineral_rows,
        countries=country_rows,
        sites=site_rows,
        offers=offer_rows,
        stockpiles=stockpile_rows,
        scenarios=scenario_rows,
        price=price,
        demand=demand,
        supply=supply,
        share_lost=share_lost,
        price_multiplier=price_multiplier,
        origin=f"synthetic(scale={scale}, seed={seed})",
    )
