"""The results as tables: what each sheet of the results workbook shows, computed from a solve.

`result_tables(case, outcome)` turns the plan of an `Outcome` into one DataFrame per sheet of
`planner.results.layout`, with the reported figures derived from the plan and the case (capacity
online, supply per source, coverage, expected payments, and for model revision 3 the stock
obligations (12), supply against caps (13), member spending against budgets (16) and the
scenario tree (15)). Everything is vectorised with pandas so that a Balance of a million rows
takes seconds.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from planner import __version__
from planner.case import Case
from planner.outcome import COST_COMPONENTS, Outcome, Plan
from planner.results import layout

Summary = dict[str, object]


def input_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of an input: of the file, or of a CSV folder's `*.csv` names and bytes in name order.

    The results carry it so that `planner check` can tell whether it is given the same input.
    """
    path = Path(path)
    digest = hashlib.sha256()
    if path.is_dir():
        for member in sorted(path.glob("*.csv")):
            digest.update(member.name.encode() + b"\0")
            digest.update(member.read_bytes())
            digest.update(b"\0")
    else:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def result_tables(case: Case, outcome: Outcome) -> tuple[Summary, dict[str, pd.DataFrame]]:
    """The Summary figures and every other sheet's table, columns in layout order.

    Without a plan (infeasible, no solution, solver error) the plan sheets are empty and only the
    Summary, the Diagnosis and the Units carry content.
    """
    plan = outcome.plan
    tables = {sheet.name: _empty(sheet) for sheet in layout.SHEETS}
    if plan is not None:
        order = _Order(case)
        tables[layout.SITES.name] = _sites(case, plan, site_capex(outcome))
        tables[layout.CFD.name] = _cfd(case, plan, outcome)
        tables[layout.STOCKPILE.name] = _stockpile(case, plan, order)
        tables[layout.BALANCE.name] = _balance(case, plan, order)
        tables[layout.SITE_OUTPUT.name] = _site_output(case, plan, order)
        tables[layout.EXTERNAL.name] = _external(case, plan, order)
        tables[layout.SUPPLY_CAPS.name] = _supply_caps(case, plan, order)
        tables[layout.BUDGETS.name] = _budgets(case, plan, outcome.spending)
        tables[layout.TREE.name] = _tree(case, plan.tree)
        if outcome.scenario_costs is not None:
            tables[layout.SCENARIO_COSTS.name] = _scenario_costs(case, outcome.scenario_costs)
        if outcome.coverage_value is not None:
            tables[layout.COVERAGE_VALUE.name] = _coverage_value(outcome.coverage_value, order)
    tables[layout.DIAGNOSIS.name] = _diagnosis(outcome)
    tables[layout.UNITS.name] = _units()
    return summary_figures(case, outcome), tables


def summary_figures(case: Case, outcome: Outcome) -> Summary:
    """Every Summary metric of the layout, in order; None where a figure does not apply."""
    settings = case.settings
    figures: Summary = dict.fromkeys(metric for metric, *_ in layout.SUMMARY_METRICS)
    cvar_used = settings.cvar_weight > 0
    figures.update(
        status=outcome.status,
        message=outcome.message,
        objective=outcome.objective,
        expected_cost=outcome.expected_cost,
        cvar=outcome.cvar if cvar_used else None,
        cvar_weight=settings.cvar_weight,
        cvar_alpha=settings.cvar_alpha,
        mip_gap=outcome.mip_gap,
        budget=settings.budget,
        scenarios=len(case.scenarios),
        start_year=settings.start_year,
        end_year=settings.end_year,
        input=case.origin,
        planner_version=__version__,
        highs_version=outcome.highs_version,
    )
    for stage in ("read", "build", "handoff", "solve", "duals", "diagnose"):
        figures[f"{stage}_seconds"] = outcome.timings.get(stage)
    for measure in ("columns", "rows", "nonzeros", "integers"):
        figures[measure] = outcome.size.get(measure)
    if case.origin and Path(case.origin).exists():
        figures["input_sha256"] = input_sha256(case.origin)
    plan = outcome.plan
    if plan is not None:
        if cvar_used and not plan.cvar.empty:
            figures["cvar_eta"] = float(plan.cvar["eta"].iloc[0])
        figures["spend_capex"], figures["spend_stockpile"] = first_stage_spending(outcome)
    if outcome.scenario_costs is not None and plan is not None:
        for component, cost in expected_costs(case, outcome.scenario_costs).items():
            figures[f"cost_{component}"] = cost
    return figures


def expected_costs(case: Case, scenario_costs: pd.DataFrame) -> dict[str, float]:
    """Σ_ω π(ω)·(component of Cost(ω)) for every entry of COST_COMPONENTS."""
    costs = scenario_costs.set_index("scenario")
    weights = pd.Series({name: s.probability for name, s in case.scenarios.items()})
    return {name: float((costs[name] * weights).sum()) for name in COST_COMPONENTS}


def expected_cfd_value(case: Case, outcome: Outcome, offer_name: str) -> tuple[float, float]:
    """(government payment, market value) of an offer, expected and discounted, at the plan.

    Σ_ω π(ω)·amount of the offer's cfd_government_payment (and cfd_market_value) rows of
    `Outcome.item_costs`: the model's own terms, over A(o) ∩ T; (0, 0) for a rejected offer.
    """
    items = outcome.item_costs
    if items is None or items.empty:
        return 0.0, 0.0
    rows = items[items["item"] == offer_name]
    weight = rows["scenario"].map({n: s.probability for n, s in case.scenarios.items()})
    amount = rows["amount"] * weight
    payment = float(amount[rows["component"] == "cfd_government_payment"].sum())
    market_value = float(amount[rows["component"] == "cfd_market_value"].sum())
    return payment, market_value


def site_capex(outcome: Outcome) -> dict[str, float]:
    """site → capex F·y + V·x at base prices, undiscounted, from `Outcome.spending`."""
    spending = outcome.spending
    if spending is None or spending.empty:
        return {}
    capex = spending[spending["kind"] == "capex"]
    return {str(k): float(v) for k, v in capex.groupby("item")["amount"].sum().items()}


def first_stage_spending(outcome: Outcome) -> tuple[float, float]:
    """(capex, stockpile purchases) at base prices, undiscounted: what the budget caps."""
    spending = outcome.spending
    if spending is None or spending.empty:
        return 0.0, 0.0
    by_kind = spending.groupby("kind")["amount"].sum()
    return float(by_kind.get("capex", 0.0)), float(by_kind.get("stockpile", 0.0))


class _Order:
    """Sort keys that list rows in the input's order (scenarios, minerals, countries, sites...)."""

    def __init__(self, case: Case) -> None:
        self.rank = {
            "scenario": _ranks(case.scenarios),
            "mineral": _ranks(case.minerals),
            "country": _ranks(case.countries),
            "site": _ranks(case.sites),
            "source": _ranks(case.sources),
        }

    def sort(self, table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        """`table` sorted by `by`, identifier columns in input order, then reindexed."""
        keys = {
            column: table[column].map(self.rank[column]) if column in self.rank else table[column]
            for column in by
        }
        order = np.lexsort([keys[column].to_numpy() for column in reversed(by)])
        return table.iloc[order].reset_index(drop=True)


def _ranks(names: Iterable[str]) -> dict[str, int]:
    return {name: rank for rank, name in enumerate(names)}


def _empty(sheet: layout.SheetLayout) -> pd.DataFrame:
    return pd.DataFrame({column: [] for column in sheet.names})


def _build_of(plan: Plan) -> dict[str, tuple[int, float]]:
    """site → (build year, new capacity) for every planned build."""
    return {
        site: (int(year), float(capacity))
        for site, year, capacity in zip(
            plan.builds["site"], plan.builds["year"], plan.builds["capacity"], strict=True
        )
    }


def _sites(case: Case, plan: Plan, capex: dict[str, float]) -> pd.DataFrame:
    builds = _build_of(plan)
    rows = []
    for name, site in case.sites.items():
        year, capacity = builds.get(name, (None, 0.0))
        built = "yes" if year is not None else "existing" if site.existing_capacity > 0 else "no"
        rows.append(
            (
                name,
                site.country,
                site.mineral,
                built,
                year,
                capacity,
                None if year is None else year + site.lead_time,
                0.0 if year is None else capex.get(name, 0.0),
                site.existing_capacity,
                site.existing_in(case.settings.end_year) + capacity,
            )
        )
    return pd.DataFrame(rows, columns=list(layout.SITES.names))


def _accepted(plan: Plan) -> set[str]:
    return {
        offer
        for offer, accepted in zip(plan.offers["offer"], plan.offers["accepted"], strict=True)
        if accepted
    }


def _cfd(case: Case, plan: Plan, outcome: Outcome) -> pd.DataFrame:
    accepted = _accepted(plan)
    rows = []
    for name, offer in case.offers.items():
        payment, market_value = (
            expected_cfd_value(case, outcome, name) if name in accepted else (0.0, 0.0)
        )
        rows.append(
            (
                name,
                offer.group,
                offer.mineral,
                offer.country,
                offer.kind,
                offer.strike,
                offer.volume,
                offer.start_year,
                offer.end_year,
                "yes" if name in accepted else "no",
                payment,
                market_value,
            )
        )
    return pd.DataFrame(rows, columns=list(layout.CFD.names))


def _probabilities(case: Case, scenarios: pd.Series) -> np.ndarray:
    probability = {name: s.probability for name, s in case.scenarios.items()}
    return scenarios.map(probability).to_numpy(dtype=float)


def _demand(case: Case, minerals: pd.Series, countries: pd.Series, years: pd.Series) -> np.ndarray:
    demand = case.demand
    return np.array(
        [
            demand.get(key, 0.0)
            for key in zip(minerals.tolist(), countries.tolist(), years.tolist(), strict=True)
        ],
        dtype=float,
    )


def _stockpile(case: Case, plan: Plan, order: _Order) -> pd.DataFrame:
    flows = plan.flows
    places = pd.MultiIndex.from_tuples(list(case.stockpiles), names=["country", "mineral"])
    held = flows.set_index(["country", "mineral"]).index.isin(places)
    flows = flows.loc[held, ["scenario", "country", "mineral", "year", "release", "inventory"]]
    weight = _probabilities(case, flows["scenario"])
    flows = flows.assign(
        weighted_release=flows["release"] * weight, weighted_inventory=flows["inventory"] * weight
    )
    stats = flows.groupby(["country", "mineral", "year"], sort=False).agg(
        expected_release=("weighted_release", "sum"),
        expected_inventory=("weighted_inventory", "sum"),
        min_inventory=("inventory", "min"),
        max_inventory=("inventory", "max"),
    )
    table = plan.purchases.merge(stats.reset_index(), on=["country", "mineral", "year"], how="left")
    table["purchase_cost"] = [
        case.price[m, t] * p
        for m, t, p in zip(table["mineral"], table["year"], table["purchase"], strict=True)
    ]
    table["capacity"] = [
        case.stockpiles[r, m].capacity
        for r, m in zip(table["country"], table["mineral"], strict=True)
    ]
    demand = _demand(case, table["mineral"], table["country"], table["year"])
    expected = table["expected_inventory"].to_numpy(dtype=float)
    table["months_of_demand"] = _per_demand(expected, demand / 12.0)
    table["days_of_demand"] = _per_demand(expected, demand / 365.0)
    table["min_days_of_demand"] = _per_demand(
        table["min_inventory"].to_numpy(dtype=float), demand / 365.0
    )
    for column, values in _stockpile_obligations(case, table).items():
        table[column] = values
    table = order.sort(table, ["country", "mineral", "year"])
    return table[list(layout.STOCKPILE.names)]


def _per_demand(amount: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """amount / demand where demand > 0, NaN (blank) elsewhere, without dividing by zero."""
    result = np.full(demand.shape, np.nan)
    np.divide(amount, demand, out=result, where=demand > 0)
    return result


def _obligation_of(
    case: Case, country: str, mineral: str, year: int, first: int | None = None
) -> float:
    """n(k)/365·D(m,r,t) when o(k) ≤ t < first (model.md 12); 0 without an obligation.

    `first` is first(m,ω) of one scenario; None reads as never disrupted (normal times).
    """
    place = case.stockpiles.get((country, mineral))
    if place is None or place.min_days is None:
        return 0.0
    start = case.settings.start_year if place.obligation_from is None else place.obligation_from
    if year < start or (first is not None and year >= first):
        return 0.0
    return place.min_days / 365.0 * case.demand.get((mineral, country, year), 0.0)


def _stockpile_obligations(case: Case, table: pd.DataFrame) -> dict[str, list[float | None]]:
    """obligation_days, obligation (normal times) and min_obligation (over scenarios) per row."""
    first = case.first_disrupted()
    days: list[float | None] = []
    normal: list[float | None] = []
    smallest: list[float | None] = []
    for r, m, t in zip(table["country"], table["mineral"], table["year"], strict=True):
        days.append(case.stockpiles[r, m].min_days)
        normal.append(_obligation_of(case, r, m, t))
        smallest.append(
            min(_obligation_of(case, r, m, t, first.get((m, w))) for w in case.scenarios)
        )
    return {"obligation_days": days, "obligation": normal, "min_obligation": smallest}


def _balance_obligations(case: Case, table: pd.DataFrame) -> list[float]:
    """The obligation of each Balance row in its own scenario (0 outside places with one)."""
    first = case.first_disrupted()
    obliged = {key for key, place in case.stockpiles.items() if place.min_days is not None}
    return [
        _obligation_of(case, r, m, t, first.get((m, w))) if (r, m) in obliged else 0.0
        for w, m, r, t in zip(
            table["scenario"], table["mineral"], table["country"], table["year"], strict=True
        )
    ]


def _online_capacity(case: Case, plan: Plan, sites: pd.Series, years: pd.Series) -> np.ndarray:
    """C(s,t) for each (site, year) pair: existing capacity online that year (from existing_from)
    plus builds past their lead time."""
    builds = _build_of(plan)
    capacity = []
    for site, year in zip(sites.tolist(), years.tolist(), strict=True):
        data = case.sites[site]
        online = data.existing_in(int(year))
        build = builds.get(site)
        if build is not None and build[0] + data.lead_time <= year:
            online += build[1]
        capacity.append(online)
    return np.array(capacity, dtype=float)


def _site_output(case: Case, plan: Plan, order: _Order) -> pd.DataFrame:
    table = plan.output[["scenario", "site", "year", "output"]].copy()
    table["country"] = table["site"].map({name: s.country for name, s in case.sites.items()})
    table["mineral"] = table["site"].map({name: s.mineral for name, s in case.sites.items()})
    table["online_capacity"] = _online_capacity(case, plan, table["site"], table["year"])
    availability = table["site"].map({name: s.availability for name, s in case.sites.items()})
    table["usable_capacity"] = availability * table["online_capacity"]
    table = order.sort(table, ["scenario", "site", "year"])
    return table[list(layout.SITE_OUTPUT.names)]


def _external(case: Case, plan: Plan, order: _Order) -> pd.DataFrame:
    table = plan.external[["scenario", "source", "mineral", "year", "purchase"]].copy()
    available, unit_cost = [], []
    for scenario, source, mineral, year in zip(
        table["scenario"], table["source"], table["mineral"], table["year"], strict=True
    ):
        supply = case.supply.get((source, mineral, year))
        lost = case.share_lost.get((scenario, source, mineral, year), 0.0)
        available.append((1.0 - lost) * supply.available if supply else 0.0)
        factor = supply.price_factor if supply else 1.0
        unit_cost.append(factor * case.market_price(mineral, year, scenario))
    table["available"] = available
    table["unit_cost"] = unit_cost
    table = order.sort(table, ["scenario", "source", "mineral", "year"])
    return table[list(layout.EXTERNAL.names)]


def _balance(case: Case, plan: Plan, order: _Order) -> pd.DataFrame:
    keys = ["scenario", "mineral", "country", "year"]
    table = plan.flows.rename(columns={"release": "released"})
    site_country = {name: s.country for name, s in case.sites.items()}
    site_mineral = {name: s.mineral for name, s in case.sites.items()}
    refined = (
        plan.output.assign(
            country=plan.output["site"].map(site_country),
            mineral=plan.output["site"].map(site_mineral),
        )
        .groupby(keys, sort=False)["output"]
        .sum()
        .rename("refined")
    )
    table = table.merge(refined.reset_index(), on=keys, how="left")
    contracted: dict[tuple[str, str, int], float] = {}
    for name in _accepted(plan):
        offer = case.offers[name]
        for year in range(offer.start_year, offer.end_year + 1):
            key = (offer.mineral, offer.country, year)
            contracted[key] = contracted.get(key, 0.0) + offer.volume
    table["cfd"] = [
        contracted.get(key, 0.0)
        for key in zip(table["mineral"], table["country"], table["year"], strict=True)
    ]
    table["refined"] = table["refined"].fillna(0.0)
    table["demand"] = _demand(case, table["mineral"], table["country"], table["year"])
    supplied = (
        table["refined"] + table["cfd"] + table["released"] + table["inflow"] - table["outflow"]
    ).to_numpy(dtype=float)
    table["coverage"] = coverage_share(supplied, table["demand"].to_numpy(dtype=float))
    table["obligation"] = _balance_obligations(case, table)
    table = order.sort(table, keys)
    return table[list(layout.BALANCE.names)]


def coverage_share(supplied: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """min(1, supplied / demand) where demand > 0; NaN (a blank cell) where demand is 0.

    Coverage is a share of demand, so it is undefined without demand: the cell stays blank
    rather than showing 1, which would read as "fully covered" where nothing was asked. The
    division only runs where demand is positive (issue 11: an object column, as a case without
    sites gives, divided by a zero demand raised ZeroDivisionError).
    """
    share = np.full(demand.shape, np.nan)
    np.divide(supplied, demand, out=share, where=demand > 0)
    return np.where(demand > 0, np.clip(share, 0.0, 1.0), np.nan)


def _supply_caps(case: Case, plan: Plan, order: _Order) -> pd.DataFrame:
    """Supply against the cap κ(x,m,t)·Σ_r D(m,r,t) per scenario, only where a cap exists (13)."""
    bought = {
        (w, x, m, int(t)): float(e)
        for w, x, m, t, e in plan.external[
            ["scenario", "source", "mineral", "year", "purchase"]
        ].itertuples(index=False)
    }
    rows = []
    for (x, m, t), share in case.supply_cap.items():
        demand = sum(case.demand.get((m, r, t), 0.0) for r in case.countries)
        for w in case.scenarios:
            supply = bought.get((w, x, m, t), 0.0)
            rows.append(
                (
                    w,
                    x,
                    m,
                    t,
                    supply,
                    share * demand,
                    share,
                    demand,
                    supply / demand if demand else None,
                )
            )
    table = pd.DataFrame(rows, columns=list(layout.SUPPLY_CAPS.names))
    if table.empty:
        return _empty(layout.SUPPLY_CAPS)
    table = order.sort(table, ["scenario", "source", "mineral", "year"])
    return table[list(layout.SUPPLY_CAPS.names)]


def member_spending(
    case: Case, plan: Plan, spending: pd.DataFrame | None = None
) -> dict[str, tuple[float, float]]:
    """(capex, stockpile purchases) per member, undiscounted at base prices (model.md 16).

    From the registered spending terms (`Outcome.spending`) when the solve gives them, else from
    the plan: a site's capex belongs to its country, a purchase to the stockpile's country.
    """
    totals = {r: [0.0, 0.0] for r in case.countries}
    if spending is not None and not spending.empty:
        for kind, country, amount in spending[["kind", "country", "amount"]].itertuples(
            index=False
        ):
            totals[country][0 if kind == "capex" else 1] += float(amount)
        return {r: (c, s) for r, (c, s) in totals.items()}
    for site, capacity in zip(plan.builds["site"], plan.builds["capacity"], strict=True):
        data = case.sites[site]
        totals[data.country][0] += data.fixed_capex + data.capex_per_tpa * float(capacity)
    for r, m, t, p in plan.purchases[["country", "mineral", "year", "purchase"]].itertuples(
        index=False
    ):
        totals[r][1] += case.price[m, int(t)] * float(p)
    return {r: (c, s) for r, (c, s) in totals.items()}


def _budgets(case: Case, plan: Plan, spending: pd.DataFrame | None) -> pd.DataFrame:
    """One row per member: budget, capex, stockpile, spending and headroom."""
    rows = []
    for r, (capex, stockpile) in member_spending(case, plan, spending).items():
        budget = case.countries[r].budget
        total = capex + stockpile
        rows.append(
            (r, budget, capex, stockpile, total, None if budget is None else budget - total)
        )
    return pd.DataFrame(rows, columns=list(layout.BUDGETS.names))


def _tree(case: Case, tree: pd.DataFrame) -> pd.DataFrame:
    """Plan.tree with each node's scenarios as text in input order (empty while there is none)."""
    if tree.empty:
        return _empty(layout.TREE)
    rank = _ranks(case.scenarios)
    names = [
        layout.SCENARIO_SEPARATOR.join(sorted(scenarios, key=rank.__getitem__))
        for scenarios in tree["scenarios"]
    ]
    table = pd.DataFrame(
        {
            "year": tree["year"].astype(int),
            "node": tree["node"].astype(str),
            "scenarios": names,
            "probability": tree["probability"].astype(float),
        }
    )
    return table.sort_values(["year"], kind="stable").reset_index(drop=True)


def _scenario_costs(case: Case, costs: pd.DataFrame) -> pd.DataFrame:
    table = costs.copy()
    table["probability"] = _probabilities(case, table["scenario"])
    return table[list(layout.SCENARIO_COSTS.names)]


def _coverage_value(values: pd.DataFrame, order: _Order) -> pd.DataFrame:
    table = values.rename(columns={"value": "marginal_cost"})
    table = order.sort(table, ["scenario", "mineral", "country", "year"])
    return table[list(layout.COVERAGE_VALUE.names)]


def _diagnosis(outcome: Outcome) -> pd.DataFrame:
    rows = [
        (
            item.constraint,
            item.scenario or None,
            item.mineral or None,
            item.country or None,
            getattr(item, "source", "") or None,  # the source of a supply_cap row
            item.year,
            item.shortfall,
            "USD" if item.constraint in ("budget", "member_budget") else "t",
        )
        for item in outcome.diagnosis
    ]
    return pd.DataFrame(rows, columns=list(layout.DIAGNOSIS.names))


def _units() -> pd.DataFrame:
    rows = [
        (layout.SUMMARY.name, metric, unit, meaning)
        for metric, unit, _, meaning in layout.SUMMARY_METRICS
    ]
    for sheet in layout.SHEETS:
        rows.append((sheet.name, "", "", f"one row per {sheet.row}"))
        rows.extend((sheet.name, c.name, c.unit, c.meaning) for c in sheet.columns)
    return pd.DataFrame(rows, columns=list(layout.UNITS.names))
