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
    """The reference case with round(scenarios · scale) scenarios (at least one).

    The helpers draw from one generator in the order below, so a seed always gives the same case.
    """
    rng = random.Random(seed)
    start = 2026
    end = start + years - 1
    horizon = range(start, end + 1)
    n_scenarios = max(1, round(scenarios * scale))
    mineral_rows = _minerals(rng, minerals)
    names_m = list(mineral_rows)
    country_rows = {
        f"country{i:02d}": Country(f"country{i:02d}", shipping_cost=rng.uniform(5, 60))
        for i in range(countries)
    }
    names_r = list(country_rows)
    demand, base_demand = _demand(rng, names_m, names_r, horizon)
    total_demand = {m: sum(v for (mm, _), v in base_demand.items() if mm == m) for m in names_m}
    site_rows = _sites(rng, sites, mineral_rows, names_r, total_demand, start)
    offer_rows = _offers(rng, mineral_rows, names_r, total_demand, start)
    stockpile_rows = _stockpiles(rng, base_demand)
    supply = _supply(rng, mineral_rows, total_demand, horizon)
    price = {
        (m, t): mineral_rows[m].price * (1 + rng.uniform(-0.1, 0.1))
        for m in names_m
        for t in horizon
    }
    scenario_rows, share_lost, price_multiplier = _scenarios(rng, n_scenarios, names_m, horizon)
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


def _minerals(rng: random.Random, minerals: int) -> dict[str, Mineral]:
    """The minerals, their coverage still 0 (`_supply` sets it)."""
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
    return mineral_rows


def _demand(
    rng: random.Random, names_m: list[str], names_r: list[str], horizon: range
) -> tuple[dict[tuple[str, str, int], float], dict[tuple[str, str], float]]:
    """Demand of most country-mineral pairs, growing from a first-year level; and that level."""
    start = horizon[0]
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
    return demand, base_demand


def _sites(
    rng: random.Random,
    sites: int,
    mineral_rows: dict[str, Mineral],
    names_r: list[str],
    total_demand: dict[str, float],
    start: int,
) -> dict[str, Site]:
    """Candidate refineries sized on their mineral's demand, some with existing capacity."""
    names_m = list(mineral_rows)
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

    return site_rows


def _offers(
    rng: random.Random,
    mineral_rows: dict[str, Mineral],
    names_r: list[str],
    total_demand: dict[str, float],
    start: int,
) -> dict[str, Offer]:
    """Ten CfD ladders of three rungs, ten years each."""
    names_m = list(mineral_rows)
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

    return offer_rows


def _stockpiles(
    rng: random.Random, base_demand: dict[tuple[str, str], float]
) -> dict[tuple[str, str], Stockpile]:
    """A stockpile for about half of the country-mineral pairs with demand."""
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

    return stockpile_rows


def _supply(
    rng: random.Random,
    mineral_rows: dict[str, Mineral],
    total_demand: dict[str, float],
    horizon: range,
) -> dict[tuple[str, str, int], SourceYear]:
    """External supply; sets each mineral's coverage in `mineral_rows`.

    External supply grows with the fastest demand; China's exports may be cut in any scenario,
    so each mineral's coverage stays within what the other sources can always deliver: the
    case is feasible in every scenario, and refineries, CfDs and stockpiles compete on cost.
    """
    start = horizon[0]
    names_m = list(mineral_rows)
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

    return supply


def _scenarios(
    rng: random.Random, n_scenarios: int, names_m: list[str], horizon: range
) -> tuple[
    dict[str, Scenario], dict[tuple[str, str, str, int], float], dict[tuple[str, str, int], float]
]:
    """The scenarios with their probabilities, shares of China's supply lost and price
    multipliers: the first one undisrupted, then pairs whose second shares the first's history
    up to a later year."""
    scenario_rows = {}
    share_lost: dict[tuple[str, str, str, int], float] = {}
    price_multiplier: dict[tuple[str, str, int], float] = {}
    weights = [rng.uniform(0.5, 1.5) for _ in range(n_scenarios)]
    for i in range(n_scenarios):
        w = f"scenario{i:02d}"
        scenario_rows[w] = Scenario(w, probability=weights[i] / sum(weights))
        if i == 0:
            continue  # the first scenario is the base: no disruption
        if i % 2 == 0:
            _twin_disruption(
                rng, w, f"scenario{i - 1:02d}", names_m, horizon, share_lost, price_multiplier
            )
        else:
            _own_disruption(rng, w, names_m, horizon, share_lost, price_multiplier)
    return scenario_rows, share_lost, price_multiplier


def _twin_disruption(
    rng: random.Random,
    w: str,
    twin: str,
    names_m: list[str],
    horizon: range,
    share_lost: dict[tuple[str, str, str, int], float],
    price_multiplier: dict[tuple[str, str, int], float],
) -> None:
    """Scenario `w` shares `twin`'s history up to a later year, then departs from it."""
    start, end, years, minerals = horizon[0], horizon[-1], len(horizon), len(names_m)
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


def _own_disruption(
    rng: random.Random,
    w: str,
    names_m: list[str],
    horizon: range,
    share_lost: dict[tuple[str, str, str, int], float],
    price_multiplier: dict[tuple[str, str, int], float],
) -> None:
    """Scenario `w` loses a share of China's supply of a few minerals over a span of years."""
    start, end, years, minerals = horizon[0], horizon[-1], len(horizon), len(names_m)
    hit = rng.sample(names_m, rng.randint(1, min(8, minerals)))
    begin = start + rng.randint(1, years - 2)
    stop = min(end, begin + rng.randint(1, 4))
    lost = rng.uniform(0.3, 1.0)
    for m in hit:
        for t in range(begin, stop + 1):
            share_lost[w, "China", m, t] = lost
            price_multiplier[w, m, t] = 1 + lost * rng.uniform(1, 4)
