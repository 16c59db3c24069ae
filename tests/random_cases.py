"""Seeded generators of small, valid planning cases, for cross-checking the model.

- `random_case(seed)` builds a `Case` in code that exercises every term of model.md, corners
  included: sites with no build decision or build years beyond the horizon, offers outside the
  horizon, floors and two-sided ladders, minerals without sources, source years without rows,
  full coverage, budgets, CVaR, zero-probability scenarios, and the revision-3 features.
- `with_revision_3(case, seed)` adds the revision-3 features to any case with
  `dataclasses.replace`: stock obligations (12), supply caps (13), closed members (14), member
  budgets (16), and scenarios that share their first years (15). The input layer cannot read
  their columns yet, so they are drawn on the `Case`, not written to the workbook.
- `with_committed_capacity(case, seed)` moves some existing capacity's first online year
  (`Site.existing_from`, an extension of model.md) before, into or past the horizon.
- `write_random_case(folder, seed)` writes a case as a CSV folder (spec/workbook.md, revision-2
  columns) to go through the input layer as well; with `committed=True` some sites with existing
  capacity get an `existing_from` cell (without it the workbook has no such column, so a
  workbook that ignores the extension reads the same case).

`write_random_case(folder, seed)` draws a case of 1-2 minerals, 2-3 countries and 2-5 years that
uses every feature of the input some of the time: lead times, earliest years and existing
capacity, floor and two-sided offers, strike-price ladders, stockpiles with a release limit,
disruptions (per scenario and certain ones), price shocks, a budget, CVaR, Prices rows, and year
rows that override the every-year rows of Demand and Sources. Cases are small enough to solve in
well under a second and are feasible by construction: an undisrupted-enough `Rest of world`
source can always cover every country's required share of demand.
"""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from pathlib import Path

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

MINERALS = ("NdPr oxide", "Gallium")
COUNTRIES = ("USA", "Japan", "Germany")
START = 2026

Row = dict[str, object]

# Sheets that must be present even without rows (workbook.md marks only the others optional).
HEADERS = {
    "CfD": (
        "offer",
        "group",
        "mineral",
        "country",
        "strike",
        "volume",
        "start_year",
        "end_year",
        "kind",
    ),
    "Stockpiles": ("country", "mineral", "initial", "capacity", "max_release"),
    "Demand": ("mineral", "country", "year", "demand"),
}


def write_random_case(folder: Path, seed: int, *, committed: bool = False) -> Path:
    """Write the case of `seed` as a CSV folder at `folder` (created) and return `folder`;
    `committed` draws the Sites column existing_from as well (from its own generator, so the
    rest of the case is the same)."""
    sheets = random_sheets(seed)
    if committed:
        _draw_existing_from(sheets, seed)
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        columns = list(
            dict.fromkeys([*HEADERS.get(name, ()), *(column for row in rows for column in row)])
        )
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, columns, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return folder


def _draw_existing_from(sheets: dict[str, list[Row]], seed: int) -> None:
    """Give some sites with existing capacity a first online year before, in or after the
    horizon (after it: never online, a warning)."""
    rng = random.Random(f"committed-{seed}")
    end = next(int(str(row["value"])) for row in sheets["Settings"] if row["setting"] == "end_year")
    for row in sheets["Sites"]:
        if row["existing_capacity"] and rng.random() < 0.7:
            row["existing_from"] = rng.choice([START - 1, START + 1, START + 1, end, end + 1])


def random_sheets(seed: int) -> dict[str, list[Row]]:
    """The sheets of the case of `seed`, as lists of rows (blank cells are None or absent).

    The helpers draw from one generator in sheet order, so a seed always gives the same case."""
    rng = random.Random(seed)
    years = list(range(START, START + rng.randint(2, 5)))
    end = years[-1]
    minerals = list(MINERALS[: rng.randint(1, 2)])
    countries = list(COUNTRIES[: rng.randint(2, 3)])
    price = {m: rng.choice([40_000.0, 60_000.0, 90_000.0]) for m in minerals}
    scenarios = _scenarios(rng)
    sheets: dict[str, list[Row]] = {"Settings": _random_settings(rng, end)}
    sheets["Minerals"] = [
        {
            "mineral": m,
            "unit": "t",
            "price": price[m],
            "holding_cost": rng.choice([0, 0.02 * price[m]]),
            "shortage_penalty": rng.choice([2, 4]) * price[m],
            "coverage": rng.choice([None, 0, 0.5, 0.9]),
            "max_purchase": rng.choice([None, None, 5, 30]),
        }
        for m in minerals
    ]
    if rng.random() < 0.4:
        m = rng.choice(minerals)
        sheets["Prices"] = [
            {"mineral": m, "year": t, "price": price[m] * rng.choice([0.8, 1.25])}
            for t in rng.sample(years, k=rng.randint(1, len(years)))
        ]
    sheets["Countries"] = [
        {"country": r, "shipping_cost": rng.choice([0, 0, 150, 800])} for r in countries
    ]
    sheets["Demand"], total = _random_demand(rng, minerals, countries, years)
    sheets["Sources"] = _random_sources(rng, total, years)
    sheets["Sites"] = _random_sites(rng, minerals, countries, price, end)
    sheets["CfD"] = _random_offers(rng, minerals, countries, price, years)
    sheets["Stockpiles"] = _random_stockpiles(rng, minerals, countries)
    if scenarios:
        sheets["Scenarios"] = [
            {"scenario": name, "probability": p, "description": f"scenario {name}"}
            for name, p in scenarios
        ]
    # Without a Scenarios sheet, rows name no scenario: a blank scenario means every scenario.
    names: list[str | None] = [name for name, _ in scenarios] or [None]
    disruptions = _random_disruptions(rng, names, minerals, years)
    if disruptions:
        sheets["Disruptions"] = disruptions
    shocks = _random_shocks(rng, names, minerals, years)
    if shocks:
        sheets["PriceShocks"] = shocks
    return sheets


def _random_settings(rng: random.Random, end: int) -> list[Row]:
    """Settings: the horizon, a discount rate, sometimes a budget, a terminal value and CVaR."""
    settings: list[Row] = [
        {"setting": "start_year", "value": START},
        {"setting": "end_year", "value": end},
        {"setting": "discount_rate", "value": rng.choice([0.0, 0.03, 0.08])},
    ]
    if rng.random() < 0.3:
        settings.append({"setting": "budget", "value": rng.choice([0, 2e6, 2e7, 1e9])})
    if rng.random() < 0.4:
        settings.append({"setting": "terminal_value_fraction", "value": rng.choice([0, 0.5, 1])})
    if rng.random() < 0.35:
        settings.append({"setting": "cvar_weight", "value": rng.choice([0.3, 0.5, 1.0])})
        settings.append({"setting": "cvar_alpha", "value": rng.choice([0.5, 0.8, 0.9])})
    settings.append({"setting": "mip_gap", "value": 0})
    return settings


def _random_demand(
    rng: random.Random, minerals: list[str], countries: list[str], years: list[int]
) -> tuple[list[Row], dict[str, float]]:
    """Demand rows (some pairs without any, some with a larger year row) and the total of the
    amounts per mineral, which sizes the supply."""
    demand: list[Row] = []
    total = dict.fromkeys(minerals, 0.0)
    for m in minerals:
        for r in countries:
            if rng.random() < 0.15:
                continue  # no demand row: demand 0
            amount = float(rng.randint(5, 60))
            total[m] += amount
            demand.append({"mineral": m, "country": r, "year": None, "demand": amount})
            if rng.random() < 0.3:
                larger = amount + rng.randint(0, 20)
                total[m] += larger - amount
                demand.append(
                    {"mineral": m, "country": r, "year": rng.choice(years), "demand": larger}
                )
    return demand, total


def _random_sources(rng: random.Random, total: dict[str, float], years: list[int]) -> list[Row]:
    """China and the rest of the world for each mineral, sized on its demand, with a few year
    rows that change a price factor or the availability."""
    end = years[-1]
    sources: list[Row] = []
    for m in total:
        china = total[m] * rng.choice([0.5, 1.0, 2.0])
        sources.append(
            {
                "source": "China",
                "mineral": m,
                "year": None,
                "available": china,
                "price_factor": rng.choice([0.8, 0.9, 1.0]),
            }
        )
        sources.append(
            {
                "source": "Rest of world",
                "mineral": m,
                "year": None,
                "available": 1.5 * total[m] + 10,
                "price_factor": rng.choice([1.1, 1.4]),
            }
        )
        if rng.random() < 0.3:  # a year row that keeps the availability and changes the price
            sources.append(
                {
                    "source": "China",
                    "mineral": m,
                    "year": rng.choice(years),
                    "available": None,
                    "price_factor": 1.2,
                }
            )
        if rng.random() < 0.2:
            sources.append(
                {
                    "source": "China",
                    "mineral": m,
                    "year": end,
                    "available": 0.5 * china,
                    "price_factor": None,
                }
            )
    return _dedupe_years(sources, ("source", "mineral"))


def _random_sites(
    rng: random.Random,
    minerals: list[str],
    countries: list[str],
    price: dict[str, float],
    end: int,
) -> list[Row]:
    """One or two refinery sites per mineral, existing or buildable."""
    sites: list[Row] = []
    for m in minerals:
        for index in range(rng.randint(1, 2)):
            existing = rng.choice([0, 0, 10])
            earliest = rng.choice([START, START, START + 1])
            most = rng.choice([0, 20, 50]) if existing else rng.choice([20, 50])
            sites.append(
                {
                    "site": f"{m[:2].upper()}-{countries[index % len(countries)][:2]}-{index}",
                    "country": countries[index % len(countries)],
                    "mineral": m,
                    "existing_capacity": existing,
                    "min_capacity": rng.choice([0, 5]) if most else 0,
                    "max_capacity": most,
                    "fixed_capex": rng.choice([0, 1e6, 5e6]),
                    "capex_per_tpa": rng.choice([0, 0.5, 2.0]) * price[m],
                    "fixed_om_per_tpa": rng.choice([0, 0.05 * price[m]]),
                    "variable_cost": rng.choice([0.2, 0.5, 0.9]) * price[m],
                    "lead_time": min(rng.choice([0, 0, 1, 2]), end - earliest),
                    "earliest_year": None if earliest == START else earliest,
                    "availability": rng.choice([1, 0.9]),
                }
            )
    return sites


def _random_offers(
    rng: random.Random,
    minerals: list[str],
    countries: list[str],
    price: dict[str, float],
    years: list[int],
) -> list[Row]:
    """Up to three CfD offers, some of them ladders of rungs with rising strikes."""
    end = years[-1]
    offers: list[Row] = []
    for number in range(rng.randint(0, 3)):
        m = rng.choice(minerals)
        rungs = rng.choice([1, 1, 2, 3])  # a ladder when > 1
        group = f"ladder-{number}" if rungs > 1 else None
        first = rng.choice(years)
        for rung in range(rungs):
            offers.append(
                {
                    "offer": f"offer-{number}-{rung}",
                    "group": group,
                    "mineral": m,
                    "country": rng.choice(countries),
                    "strike": price[m] * (0.9 + 0.2 * rung),
                    "volume": float(rng.choice([2, 5, 10]) * (rung + 1)),
                    "start_year": rng.choice([None, first]),
                    "end_year": rng.choice([None, end]),
                    "kind": rng.choice(["two_sided", "floor", None]),
                }
            )
    return offers


def _random_stockpiles(rng: random.Random, minerals: list[str], countries: list[str]) -> list[Row]:
    """Stockpile places for about a third of the (country, mineral) pairs."""
    places: list[Row] = []
    for m in minerals:
        for r in countries:
            if rng.random() < 0.3:
                capacity = float(rng.choice([20, 60]))
                places.append(
                    {
                        "country": r,
                        "mineral": m,
                        "initial": rng.choice([0, 0.5 * capacity]),
                        "capacity": capacity,
                        "max_release": rng.choice([None, 5, 15]),
                    }
                )
    return places


def _random_disruptions(
    rng: random.Random, names: list[str | None], minerals: list[str], years: list[int]
) -> list[Row]:
    """Cuts of China's supply in some scenarios (never in `calm`), and sometimes a certain cut of
    the rest of the world in every scenario."""
    end = years[-1]
    disruptions: list[Row] = []
    for name in names:
        if name == "calm" or rng.random() < 0.3:
            continue
        low = rng.choice(years)
        disruptions.append(
            {
                "scenario": name,
                "source": "China",
                "mineral": rng.choice([None, *minerals]),
                "from_year": rng.choice([None, low]),
                "to_year": rng.choice([None, end]),
                "share_lost": rng.choice([0.5, 0.8, 1.0]),
            }
        )
    if rng.random() < 0.3:  # a certainty: export controls already in force everywhere
        disruptions.append(
            {
                "scenario": None,
                "source": "Rest of world",
                "mineral": None,
                "from_year": None,
                "to_year": None,
                "share_lost": 0.2,
            }
        )
    return disruptions


def _random_shocks(
    rng: random.Random, names: list[str | None], minerals: list[str], years: list[int]
) -> list[Row]:
    """Price multipliers from a year on, in some scenarios."""
    shocks: list[Row] = []
    for name in names:
        if rng.random() < 0.4:
            shocks.append(
                {
                    "scenario": name,
                    "mineral": rng.choice(minerals),
                    "from_year": rng.choice(years),
                    "to_year": None,
                    "multiplier": rng.choice([0.7, 1.5, 3.0]),
                }
            )
    return shocks


def _scenarios(rng: random.Random) -> list[tuple[str, float]]:
    """No Scenarios sheet (one implied `base`), or 2-3 scenarios whose probabilities sum to 1."""
    choice = rng.random()
    if choice < 0.25:
        return []
    if choice < 0.6:
        return [("calm", 0.6), ("cut", 0.4)]
    return [("calm", 0.5), ("cut", 0.3), ("embargo", 0.2)]


def _dedupe_years(rows: list[Row], keys: tuple[str, ...]) -> list[Row]:
    """Keep the first of two year rows for the same keys and year (two would be an error)."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for row in rows:
        key = (*(row[k] for k in keys), row["year"])
        if row["year"] is None or key not in seen:
            kept.append(row)
            seen.add(key)
    return kept


# The Case generator: every term of model.md, built in code.


def random_case(seed: int, *, revision_3: bool = True) -> Case:
    """A random valid case built in code; the same seed gives the same case.

    The revision-2 part is drawn first from `seed` alone, so `revision_3=False` gives the same
    case without the revision-3 features that `with_revision_3` adds. The helpers draw from one
    generator in the order of the Case's fields.
    """
    rng = random.Random(seed)
    start = 2025
    end = start + rng.randint(1, 5)
    years = range(start, end + 1)
    minerals = _case_minerals(rng)
    countries = {
        f"C{i}": Country(f"C{i}", shipping_cost=rng.choice([0.0, rng.uniform(1, 40)]))
        for i in range(rng.randint(1, 4))
    }
    names_m, names_r = list(minerals), list(countries)
    sites = _case_sites(rng, names_m, names_r, start, end)
    offers = _case_offers(rng, minerals, names_r, start, end)
    stockpiles = _case_stockpiles(rng, names_m, names_r)
    scenarios = _case_scenarios(rng)
    price = {
        (m, t): minerals[m].price * rng.choice([1.0, rng.uniform(0.7, 1.5)])
        for m in names_m
        for t in years
    }
    demand = _case_demand(rng, names_m, names_r, years)
    supply = _case_supply(rng, names_m, years)
    share_lost, price_multiplier = _case_disruptions(rng, scenarios, supply, names_m, years)
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
    case = Case(
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
    return with_revision_3(case, seed) if revision_3 else case


def _case_minerals(rng: random.Random) -> dict[str, Mineral]:
    """One to three minerals, with or without penalty, holding cost, coverage and purchase cap."""
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
    return minerals


def _case_sites(
    rng: random.Random, names_m: list[str], names_r: list[str], start: int, end: int
) -> dict[str, Site]:
    """Up to five sites, existing or buildable (or neither), some from before the horizon."""
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
    return sites


def _case_offers(
    rng: random.Random, minerals: dict[str, Mineral], names_r: list[str], start: int, end: int
) -> dict[str, Offer]:
    """Up to four offers in at most two ladders, active years reaching past the horizon."""
    names_m = list(minerals)
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
    return offers


def _case_stockpiles(
    rng: random.Random, names_m: list[str], names_r: list[str]
) -> dict[tuple[str, str], Stockpile]:
    """Stockpile places for about 40% of the (country, mineral) pairs."""
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
    return stockpiles


def _case_scenarios(rng: random.Random) -> dict[str, Scenario]:
    """One to three scenarios; some weights drawn 0 (a scenario of probability 0)."""
    n_scen = rng.randint(1, 3)
    weights = [rng.choice([0.0, rng.random() + 0.1]) for _ in range(n_scen)]
    if not any(weights):
        weights[0] = 1.0
    scenarios = {
        f"W{i}": Scenario(f"W{i}", probability=wgt / sum(weights)) for i, wgt in enumerate(weights)
    }
    return scenarios


def _case_demand(
    rng: random.Random, names_m: list[str], names_r: list[str], years: range
) -> dict[tuple[str, str, int], float]:
    """Demand for about 70% of the (mineral, country) pairs, in most years."""
    demand = {}
    for m in names_m:
        for r in names_r:
            if rng.random() < 0.7:
                for t in years:
                    if rng.random() < 0.85:
                        demand[m, r, t] = rng.uniform(1, 60)
    return demand


def _case_supply(
    rng: random.Random, names_m: list[str], years: range
) -> dict[tuple[str, str, int], SourceYear]:
    """One or two sources per mineral (some minerals have none), in most years."""
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
    return supply


def _case_disruptions(
    rng: random.Random,
    scenarios: dict[str, Scenario],
    supply: dict[tuple[str, str, int], SourceYear],
    names_m: list[str],
    years: range,
) -> tuple[dict[tuple[str, str, str, int], float], dict[tuple[str, str, int], float]]:
    """Per scenario: shares of supply lost (δ) and price multipliers (μ)."""
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
    return share_lost, price_multiplier


def with_revision_3(case: Case, seed: int) -> Case:
    """`case` with revision-3 features drawn from `seed` (each some of the time)."""
    rng = random.Random(f"revision-3-{seed}")
    case = _shared_first_years(case, rng)
    start = case.settings.start_year
    stockpiles = {
        key: replace(
            place,
            min_days=rng.choice([None, 10.0, 30.0, 90.0]),
            obligation_from=rng.choice([None, start + 1]),
        )
        if rng.random() < 0.5
        else place
        for key, place in case.stockpiles.items()
    }
    countries = {
        name: replace(
            country,
            shares_stock=rng.random() > 0.3,
            budget=rng.choice([None, None, None, 3e4, 1e5, 1e9]),
        )
        for name, country in case.countries.items()
    }
    supply_cap = {}
    for x, m, t in case.supply:
        if rng.random() < 0.2:
            supply_cap[x, m, t] = rng.choice([0.3, 0.65, 1.0])
    return replace(case, stockpiles=stockpiles, countries=countries, supply_cap=supply_cap)


def with_committed_capacity(case: Case, seed: int) -> Case:
    """`case` with some existing capacity online only from a later year (`existing_from`, an
    extension of model.md): before the horizon, inside it, or after it (never online)."""
    rng = random.Random(f"committed-{seed}")
    start, end = case.settings.start_year, case.settings.end_year
    sites = {
        name: replace(site, existing_from=rng.choice([start - 1, start + 1, end, end + 1]))
        if site.existing_capacity and rng.random() < 0.7
        else site
        for name, site in case.sites.items()
    }
    return replace(case, sites=sites)


def _shared_first_years(case: Case, rng: random.Random) -> Case:
    """Give every scenario the first scenario's disruptions and price shocks before a drawn
    year, so that scenarios share their first years and split later (15)."""
    if len(case.scenarios) < 2 or rng.random() < 0.3:
        return case
    split = rng.randint(case.settings.start_year + 1, case.settings.end_year + 1)
    first = next(iter(case.scenarios))
    share_lost = {k: v for k, v in case.share_lost.items() if k[3] >= split}
    price_multiplier = {k: v for k, v in case.price_multiplier.items() if k[2] >= split}
    for w in case.scenarios:
        share_lost.update(
            {(w, *k[1:]): v for k, v in case.share_lost.items() if k[0] == first and k[3] < split}
        )
        price_multiplier.update(
            {
                (w, *k[1:]): v
                for k, v in case.price_multiplier.items()
                if k[0] == first and k[2] < split
            }
        )
    return replace(case, share_lost=share_lost, price_multiplier=price_multiplier)
