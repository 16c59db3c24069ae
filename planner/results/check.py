"""The solution checker: re-verifies a results workbook against its case, without the model.

`check_results(case, path)` reads the plan back from the workbook (builds, accepted offers,
stockpile purchases, refinery output, external purchases and the flows of the Balance sheet) and
re-verifies every constraint of spec/model.md (1-11), then re-evaluates Cost(ω) and each cost
component per scenario, the expected cost, CVaR and the objective, and compares them with the
reported figures. It is a second implementation of the formulation, written straight from the
spec in plain Python: it imports neither Pyomo nor the model code, so a mistake in either shows up
as a disagreement here.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from planner.case import Case
from planner.errors import PlannerError
from planner.outcome import COST_COMPONENTS
from planner.results import layout
from planner.results.tables import input_sha256

# A constraint holds when it is violated by at most ABS_TOL + REL_TOL · (the magnitude of its
# terms); figures agree when they differ by at most as much. Solvers meet constraints to about
# 1e-7 of the scaled model, so this accepts any plan HiGHS calls feasible and nothing visibly off.
ABS_TOL = 1e-6
REL_TOL = 1e-6

# The family of each check, as named in violations: the constraint numbers of model.md, then the
# variable domains, the reported costs and other figures, and the workbook's own shape.
ONE_BUILD = "(1) one build per site"
SIZE = "(2) size when built"
ONE_OFFER = "(3) one offer per group"
PURCHASE_LIMIT = "(4) purchase limit"
OUTPUT = "(5) output"
EXTERNAL = "(6) external supply"
STOCKPILE = "(7) stockpile balance"
COUNTRY_BALANCE = "(8) country balance"
POOL = "(9) pool balance"
COVERAGE = "(10) coverage"
BUDGET = "(11) budget"
DOMAIN = "domain"
COST = "cost"
OBJECTIVE = "objective"
REPORT = "report"
WORKBOOK = "workbook"


@dataclass(frozen=True)
class Violation:
    """One way in which the reported plan or figures disagree with the case and model.md."""

    check: str  # one of the families above, e.g. "(8) country balance"
    where: str  # the index: "scenario base, mineral NdPr, country US, year 2030"
    message: str  # what is wrong, with the amounts

    def __str__(self) -> str:
        where = f" [{self.where}]" if self.where else ""
        return f"{self.check}{where}: {self.message}"


def check_results(case: Case, path: str | os.PathLike[str]) -> list[Violation]:
    """Every violation of the plan and figures in the results workbook at `path`; [] = it checks.

    Raises PlannerError when the file cannot be read as a results workbook, or holds no plan.
    """
    book = _read_workbook(Path(path))
    status = book.summary.get("status")
    if status not in ("optimal", "time_limit_feasible"):
        raise PlannerError(f"{path} holds no plan to check (status: {status})")
    checker = _Checker(case, book)
    checker.run()
    return checker.violations


# Reading ---------------------------------------------------------------------------------------


@dataclass
class _Sheet:
    """The rows of one results sheet (all its parts), with where each row stands."""

    name: str
    columns: dict[str, int]
    rows: list[tuple[object, ...]] = field(default_factory=list)
    places: list[tuple[str, int]] = field(default_factory=list)  # (worksheet, row number)

    def records(self, *names: str) -> Iterator[tuple[str, tuple[object, ...]]]:
        """(`Sheet!row`, values of the named columns) for every row."""
        indices = [self.columns[name] for name in names]
        for (worksheet, number), row in zip(self.places, self.rows, strict=True):
            yield (
                f"{worksheet}!{number}",
                tuple(row[index] if index < len(row) else None for index in indices),
            )


@dataclass
class _Book:
    summary: dict[str, object]
    sheets: dict[str, _Sheet]
    problems: list[Violation]


_PLAN_SHEETS = (
    layout.SITES,
    layout.CFD,
    layout.STOCKPILE,
    layout.BALANCE,
    layout.SITE_OUTPUT,
    layout.EXTERNAL,
    layout.SCENARIO_COSTS,
)


def made_from(case: Case, path: str | os.PathLike[str]) -> bool | None:
    """Whether the results at `path` record the SHA-256 of the case's input as it is now.

    None when either is unknown (a case built in code, results without the figure). A different
    digest may only mean another form of the same case (a CSV folder of the workbook).
    """
    book = _open(Path(path))
    try:
        recorded = _summary(book, Path(path)).get("input_sha256")
    finally:
        book.close()
    if not recorded or not case.origin or not Path(case.origin).exists():
        return None
    return recorded == input_sha256(case.origin)


def _open(path: Path) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any parser failure: not a results workbook we can read
        raise PlannerError(f"cannot read {path} as a results workbook: {exc}") from None


def _summary(book: openpyxl.Workbook, path: Path) -> dict[str, object]:
    if layout.SUMMARY.name not in book.sheetnames:
        raise PlannerError(f"{path} is not a results workbook: it has no Summary sheet")
    return {
        str(row[0]): row[1]
        for row in book[layout.SUMMARY.name].iter_rows(min_row=2, values_only=True)
        if row and row[0] is not None
    }


def _read_workbook(path: Path) -> _Book:
    book = _open(path)
    try:
        names = set(book.sheetnames)
        summary = _summary(book, path)
        sheets: dict[str, _Sheet] = {}
        problems: list[Violation] = []
        for sheet in _PLAN_SHEETS:
            if sheet.name not in names:
                problems.append(Violation(WORKBOOK, sheet.name, "the sheet is missing"))
                continue
            read = _read_sheet(book, sheet, names)
            missing = [name for name in sheet.header if name not in read.columns]
            if missing:
                problems.append(
                    Violation(WORKBOOK, sheet.name, f"missing columns: {', '.join(missing)}")
                )
                continue
            sheets[sheet.name] = read
    finally:
        book.close()
    return _Book(summary, sheets, problems)


def _read_sheet(book: openpyxl.Workbook, sheet: layout.SheetLayout, names: set[str]) -> _Sheet:
    """A sheet and its continuation parts (`Balance 2`, ...) as one table."""
    result: _Sheet | None = None
    part = 1
    while (name := layout.continuation_name(sheet.name, part)) in names:
        rows = book[name].iter_rows(values_only=True)
        header = next(rows, ())
        if result is None:
            columns = {str(value).strip(): i for i, value in enumerate(header) if value is not None}
            result = _Sheet(sheet.name, columns)
        for number, row in enumerate(rows, start=2):
            if any(value is not None for value in row):
                result.rows.append(row)
                result.places.append((name, number))
        part += 1
    assert result is not None  # the caller saw the first part
    return result


# Checking --------------------------------------------------------------------------------------


def _tolerance(*magnitudes: float) -> float:
    return ABS_TOL + REL_TOL * max((abs(m) for m in magnitudes), default=0.0)


def _where(**index: object) -> str:
    return ", ".join(f"{key} {value}" for key, value in index.items())


def _fmt(value: float) -> str:
    return f"{value:,.6g}"


class _Checker:
    """Reads the plan out of a `_Book` and checks it; violations accumulate in `violations`."""

    def __init__(self, case: Case, book: _Book) -> None:
        self.case = case
        self.book = book
        self.violations: list[Violation] = list(book.problems)
        self.years = list(case.years)
        self.scenarios = list(case.scenarios)
        # The plan, read back (missing entries are zero).
        self.build_year: dict[str, int] = {}
        self.new_capacity: dict[str, float] = {}
        self.accepted: set[str] = set()
        self.purchase: dict[tuple[str, str, int], float] = {}  # (m, r, t)
        self.output: dict[tuple[str, str, int], float] = {}  # (ω, s, t)
        self.external: dict[tuple[str, str, str, int], float] = {}  # (ω, x, m, t)
        self.flows: dict[tuple[str, str, str, int], dict[str, float]] = {}  # (ω, m, r, t)
        self.reported_flows: dict[tuple[str, str, str, int], tuple[str, dict[str, float]]] = {}

    def flag(self, check: str, where: str, message: str) -> None:
        self.violations.append(Violation(check, where, message))

    def run(self) -> None:
        sheets = self.book.sheets
        readers = (
            (layout.SITES, self._read_sites),
            (layout.CFD, self._read_offers),
            (layout.STOCKPILE, self._read_purchases),
            (layout.SITE_OUTPUT, self._read_output),
            (layout.EXTERNAL, self._read_external),
            (layout.BALANCE, self._read_balance),
        )
        for sheet, read in readers:
            if sheet.name in sheets:
                read(sheets[sheet.name])
        if any(v.check == WORKBOOK for v in self.violations):
            return  # a plan read only in part would give misleading violations
        self._check_first_stage()
        self._check_second_stage()
        self._check_costs()

    # Reading the plan ------------------------------------------------------------------------

    def _number(self, place: str, column: str, value: object, blank: float | None = None) -> float:
        if value is None and blank is not None:
            return blank
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.flag(WORKBOOK, f"{place}, {column}", f"expected a number, found {value!r}")
            return 0.0
        return float(value)

    def _known(self, place: str, kind: str, name: object, names: Iterable[str]) -> bool:
        if name in names:
            return True
        self.flag(WORKBOOK, place, f"{kind} {name!r} is not in the input")
        return False

    def _year(self, place: str, value: object) -> int | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and value in self.years:
            return int(value)
        self.flag(WORKBOOK, place, f"year {value!r} is not a planning year")
        return None

    def _read_sites(self, sheet: _Sheet) -> None:
        seen: set[str] = set()
        for place, (site, built, year, capacity) in sheet.records(
            "site", "built", "build_year", "new_capacity"
        ):
            if not self._known(place, "site", site, self.case.sites):
                continue
            seen.add(site)  # type: ignore[arg-type]
            if built == "yes":
                if site in self.build_year:
                    self.flag(ONE_BUILD, _where(site=site), "the site is built more than once")
                    continue
                if not isinstance(year, int | float) or isinstance(year, bool):
                    self.flag(WORKBOOK, f"{place}, build_year", f"expected a year, found {year!r}")
                    continue
                self.build_year[site] = int(year)  # type: ignore[index]
                self.new_capacity[site] = self._number(place, "new_capacity", capacity)  # type: ignore[index]
            elif built in ("no", "existing"):
                amount = self._number(place, "new_capacity", capacity, blank=0.0)
                if abs(amount) > _tolerance():
                    self.flag(SIZE, _where(site=site), f"not built but new_capacity {_fmt(amount)}")
            else:
                self.flag(WORKBOOK, f"{place}, built", f"expected yes, no or existing: {built!r}")
        for site in self.case.sites:
            if site not in seen:
                self.flag(WORKBOOK, layout.SITES.name, f"site {site!r} has no row")

    def _read_offers(self, sheet: _Sheet) -> None:
        seen: set[str] = set()
        for place, (offer, accepted) in sheet.records("offer", "accepted"):
            if not self._known(place, "offer", offer, self.case.offers):
                continue
            if offer in seen:
                self.flag(WORKBOOK, place, f"offer {offer!r} has a second row")
            seen.add(offer)  # type: ignore[arg-type]
            if accepted == "yes":
                self.accepted.add(offer)  # type: ignore[arg-type]
            elif accepted != "no":
                self.flag(WORKBOOK, f"{place}, accepted", f"expected yes or no: {accepted!r}")
        for offer in self.case.offers:
            if offer not in seen:
                self.flag(WORKBOOK, layout.CFD.name, f"offer {offer!r} has no row")

    def _read_purchases(self, sheet: _Sheet) -> None:
        for place, (country, mineral, year, amount) in sheet.records(
            "country", "mineral", "year", "purchase"
        ):
            if (country, mineral) not in self.case.stockpiles:
                self.flag(WORKBOOK, place, f"({country}, {mineral}) is not a stockpile place")
                continue
            t = self._year(place, year)
            if t is not None:
                self._store(self.purchase, (mineral, country, t), place, amount, "purchase")
        for r, m in self.case.stockpiles:
            for t in self.years:
                if (m, r, t) not in self.purchase:
                    self.flag(WORKBOOK, layout.STOCKPILE.name, f"no row for {r}, {m}, {t}")

    def _store(self, target: dict, key: tuple, place: str, value: object, column: str) -> None:
        if key in target:
            self.flag(WORKBOOK, place, f"a second row for {key}")
        target[key] = self._number(place, column, value)

    def _read_output(self, sheet: _Sheet) -> None:
        for place, (scenario, site, year, amount) in sheet.records(
            "scenario", "site", "year", "output"
        ):
            if self._known(place, "scenario", scenario, self.case.scenarios) and self._known(
                place, "site", site, self.case.sites
            ):
                t = self._year(place, year)
                if t is not None:
                    self._store(self.output, (scenario, site, t), place, amount, "output")

    def _read_external(self, sheet: _Sheet) -> None:
        sources = set(self.case.sources)
        for place, (scenario, source, mineral, year, amount) in sheet.records(
            "scenario", "source", "mineral", "year", "purchase"
        ):
            if (
                self._known(place, "scenario", scenario, self.case.scenarios)
                and self._known(place, "source", source, sources)
                and self._known(place, "mineral", mineral, self.case.minerals)
            ):
                t = self._year(place, year)
                if t is not None:
                    key = (scenario, source, mineral, t)
                    self._store(self.external, key, place, amount, "purchase")

    def _read_balance(self, sheet: _Sheet) -> None:
        variables = ("inflow", "outflow", "released", "inventory", "shortage")
        reported = ("demand", "refined", "cfd")
        for place, values in sheet.records(
            "scenario", "mineral", "country", "year", *variables, *reported
        ):
            scenario, mineral, country, year = values[:4]
            if not (
                self._known(place, "scenario", scenario, self.case.scenarios)
                and self._known(place, "mineral", mineral, self.case.minerals)
                and self._known(place, "country", country, self.case.countries)
            ):
                continue
            t = self._year(place, year)
            if t is None:
                continue
            key = (scenario, mineral, country, t)
            if key in self.flows:
                self.flag(WORKBOOK, place, f"a second row for {key}")
            numbers = [
                self._number(place, name, value)
                for name, value in zip(variables + reported, values[4:], strict=True)
            ]
            self.flows[key] = dict(zip(variables, numbers[: len(variables)], strict=True))
            self.reported_flows[key] = (
                place,
                dict(zip(reported, numbers[len(variables) :], strict=True)),
            )
        for w in self.scenarios:
            for m in self.case.minerals:
                for r in self.case.countries:
                    for t in self.years:
                        if (w, m, r, t) not in self.flows:
                            self.flag(
                                WORKBOOK,
                                layout.BALANCE.name,
                                f"no row for scenario {w}, mineral {m}, country {r}, year {t}",
                            )
                            self.flows[w, m, r, t] = dict.fromkeys(variables, 0.0)

    # Model quantities ------------------------------------------------------------------------

    def build_years(self, site: str) -> list[int]:
        """BuildYears(s) = {t ∈ T : t ≥ e(s), t + L(s) ≤ end_year}; empty when cmax(s) = 0."""
        data = self.case.sites[site]
        if data.max_capacity <= 0:
            return []
        earliest = data.earliest_year if data.earliest_year is not None else self.years[0]
        return [t for t in self.years if t >= earliest and t + data.lead_time <= self.years[-1]]

    def online(self, site: str, t: int) -> float:
        """C(s,t) = E(s) + x(s,τ) for the build year τ when τ + L(s) ≤ t."""
        data = self.case.sites[site]
        capacity = data.existing_capacity
        built = self.build_year.get(site)
        if built is not None and built + data.lead_time <= t:
            capacity += self.new_capacity[site]
        return capacity

    def stock(self, m: str, r: str, t: int, w: str) -> tuple[float, float]:
        """(rel, inv) of place (r, m); zero outside K."""
        flow = self.flows[w, m, r, t]
        return flow["released"], flow["inventory"]

    # First stage -----------------------------------------------------------------------------

    def _check_first_stage(self) -> None:
        case = self.case
        for site, year in self.build_year.items():
            data = case.sites[site]
            allowed = self.build_years(site)
            if year not in allowed:
                window = f"{allowed[0]}..{allowed[-1]}" if allowed else "none: it cannot be built"
                self.flag(DOMAIN, _where(site=site), f"build year {year} outside {window}")
            x = self.new_capacity[site]
            tol = _tolerance(data.max_capacity)
            if x < data.min_capacity - tol or x > data.max_capacity + tol:
                self.flag(
                    SIZE,
                    _where(site=site),
                    f"new capacity {_fmt(x)} outside [{_fmt(data.min_capacity)}, "
                    f"{_fmt(data.max_capacity)}]",
                )
        groups: dict[str, list[str]] = defaultdict(list)
        for offer in self.accepted:
            groups[case.offers[offer].group].append(offer)
        for group, offers in groups.items():
            if len(offers) > 1:
                self.flag(ONE_OFFER, _where(group=group), f"accepted {', '.join(sorted(offers))}")
        for (m, r, t), amount in self.purchase.items():
            if amount < -_tolerance():
                self.flag(DOMAIN, _where(country=r, mineral=m, year=t), f"purchase {_fmt(amount)}")
        for m, mineral in case.minerals.items():
            if mineral.max_purchase is None:
                continue
            for t in self.years:
                total = sum(
                    self.purchase.get((m, r, t), 0.0) for (r, mm) in case.stockpiles if mm == m
                )
                if total > mineral.max_purchase + _tolerance(mineral.max_purchase, total):
                    self.flag(
                        PURCHASE_LIMIT,
                        _where(mineral=m, year=t),
                        f"purchases {_fmt(total)} t exceed the limit "
                        f"{_fmt(mineral.max_purchase)} t",
                    )
        capex, stockpile = self.first_stage_spending()
        budget = case.settings.budget
        if budget is not None and capex + stockpile > budget + _tolerance(
            budget, capex + stockpile
        ):
            self.flag(
                BUDGET,
                "",
                f"spending {_fmt(capex + stockpile)} USD exceeds the budget {_fmt(budget)}",
            )
        for metric, value in (("spend_capex", capex), ("spend_stockpile", stockpile)):
            self._compare(REPORT, f"Summary, {metric}", self.book.summary.get(metric), value)

    def first_stage_spending(self) -> tuple[float, float]:
        """Σ F·y + V·x and Σ P(m,t)·p: undiscounted, at base prices (constraint 11)."""
        capex = sum(
            self.case.sites[s].fixed_capex + self.case.sites[s].capex_per_tpa * x
            for s, x in self.new_capacity.items()
        )
        stockpile = sum(self.case.price[m, t] * p for (m, _, t), p in self.purchase.items())
        return capex, stockpile

    # Second stage ----------------------------------------------------------------------------

    def _check_second_stage(self) -> None:
        for key, amount in [*self.output.items(), *self.external.items()]:
            if amount < -_tolerance():
                self.flag(DOMAIN, _where(index=key), f"negative amount {_fmt(amount)}")
        for (w, m, r, t), flow in self.flows.items():
            where = _where(scenario=w, mineral=m, country=r, year=t)
            for name, value in flow.items():
                if value < -_tolerance():
                    self.flag(DOMAIN, where, f"{name} {_fmt(value)} is negative")
            if (r, m) not in self.case.stockpiles:
                for name in ("released", "inventory"):
                    if abs(flow[name]) > _tolerance():
                        self.flag(DOMAIN, where, f"{name} {_fmt(flow[name])} without a stockpile")
        self._check_external()
        for w in self.scenarios:
            self._check_sites(w)
            self._check_stockpiles(w)
            self._check_balances(w)

    def _check_sites(self, w: str) -> None:
        for site, data in self.case.sites.items():
            for t in self.years:
                q = self.output.get((w, site, t), 0.0)
                limit = data.availability * self.online(site, t)
                if q > limit + _tolerance(limit, q):
                    self.flag(
                        OUTPUT,
                        _where(scenario=w, site=site, year=t),
                        f"output {_fmt(q)} t exceeds usable capacity {_fmt(limit)} t",
                    )

    def _check_external(self) -> None:
        for (w, x, m, t), e in self.external.items():
            supply = self.case.supply.get((x, m, t))
            available = supply.available if supply else 0.0
            limit = (1.0 - self.case.share_lost.get((w, x, m, t), 0.0)) * available
            if e > limit + _tolerance(limit, e):
                self.flag(
                    EXTERNAL,
                    _where(scenario=w, source=x, mineral=m, year=t),
                    f"purchase {_fmt(e)} t exceeds what the source can sell, {_fmt(limit)} t",
                )

    def _check_stockpiles(self, w: str) -> None:
        for (r, m), place in self.case.stockpiles.items():
            previous = place.initial
            for t in self.years:
                rel, inv = self.stock(m, r, t, w)
                p = self.purchase.get((m, r, t), 0.0)
                where = _where(scenario=w, country=r, mineral=m, year=t)
                expected = previous + p - rel
                if abs(inv - expected) > _tolerance(previous, p, rel, inv):
                    self.flag(
                        STOCKPILE,
                        where,
                        f"inventory {_fmt(inv)} t ≠ previous {_fmt(previous)} + purchase "
                        f"{_fmt(p)} − release {_fmt(rel)} = {_fmt(expected)} t",
                    )
                if inv > place.capacity + _tolerance(place.capacity):
                    self.flag(
                        STOCKPILE,
                        where,
                        f"inventory {_fmt(inv)} t exceeds capacity {_fmt(place.capacity)} t",
                    )
                if place.max_release is not None and rel > place.max_release + _tolerance(
                    place.max_release
                ):
                    self.flag(
                        STOCKPILE,
                        where,
                        f"release {_fmt(rel)} t exceeds max_release {_fmt(place.max_release)} t",
                    )
                previous = inv

    def _check_balances(self, w: str) -> None:
        case = self.case
        refined: dict[tuple[str, str, int], float] = defaultdict(float)
        for site, data in case.sites.items():
            for t in self.years:
                refined[data.mineral, data.country, t] += self.output.get((w, site, t), 0.0)
        contracted: dict[tuple[str, str, int], float] = defaultdict(float)
        for offer in self.accepted:
            data = case.offers[offer]
            for t in self.years:
                if data.start_year <= t <= data.end_year:
                    contracted[data.mineral, data.country, t] += data.volume
        for m, mineral in case.minerals.items():
            for t in self.years:
                pool_in = pool_out = 0.0
                for r in case.countries:
                    flow = self.flows[w, m, r, t]
                    demand = case.demand.get((m, r, t), 0.0)
                    rel = flow["released"] if (r, m) in case.stockpiles else 0.0
                    terms = (
                        refined[m, r, t],
                        contracted[m, r, t],
                        rel,
                        flow["inflow"],
                        -flow["outflow"],
                        flow["shortage"],
                    )
                    where = _where(scenario=w, mineral=m, country=r, year=t)
                    supplied = sum(terms)
                    if supplied < demand - _tolerance(demand, *terms):
                        self.flag(
                            COUNTRY_BALANCE,
                            where,
                            f"supply plus shortage {_fmt(supplied)} t is below demand "
                            f"{_fmt(demand)} t",
                        )
                    limit = (1.0 - mineral.coverage) * demand
                    if flow["shortage"] > limit + _tolerance(demand):
                        self.flag(
                            COVERAGE,
                            where,
                            f"shortage {_fmt(flow['shortage'])} t exceeds (1 − coverage) · demand "
                            f"= {_fmt(limit)} t",
                        )
                    self._check_reported_flow(
                        (w, m, r, t),
                        {"demand": demand, "refined": refined[m, r, t], "cfd": contracted[m, r, t]},
                    )
                    pool_in += flow["inflow"] + self.purchase.get((m, r, t), 0.0)
                    pool_out += flow["outflow"]
                bought = sum(self.external.get((w, x, m, t), 0.0) for x in self.case.sources)
                if pool_in > bought + pool_out + _tolerance(pool_in, bought, pool_out):
                    self.flag(
                        POOL,
                        _where(scenario=w, mineral=m, year=t),
                        f"taken from the pool {_fmt(pool_in)} t exceeds what enters it "
                        f"{_fmt(bought + pool_out)} t",
                    )

    def _check_reported_flow(self, key: tuple, expected: dict[str, float]) -> None:
        place, reported = self.reported_flows.get(key, ("", {}))
        for name, value in expected.items():
            if name in reported:
                self._compare(REPORT, f"{place}, {name}", reported[name], value)

    # Costs -----------------------------------------------------------------------------------

    def offer_cost(self, offer: str, w: str) -> tuple[float, float]:
        """Discounted (market value, government payment) of an accepted offer in scenario ω.

        Industry pays P(m,t,ω) per contracted tonne; the government pays π_cfd − P(m,t,ω), with
        π_cfd = σ for a two-sided offer and max(σ, P(m,t,ω)) for a floor.
        """
        case = self.case
        data = case.offers[offer]
        market_value = payment = 0.0
        for t in range(data.start_year, data.end_year + 1):
            price = case.market_price(data.mineral, t, w)
            paid = max(data.strike, price) if data.kind == "floor" else data.strike
            market_value += case.discount(t) * data.volume * price
            payment += case.discount(t) * data.volume * (paid - price)
        return market_value, payment

    def scenario_costs(self) -> _Costs:
        """Cost(ω) split by component for every scenario, straight from model.md's objective."""
        case = self.case
        end = case.settings.end_year
        d = case.discount
        costs = _Costs(self.scenarios)
        terminal = {m: self.terminal_fraction(m) for m in case.minerals}
        for w in self.scenarios:  # first-stage terms: the same in every scenario
            for site, data in case.sites.items():
                if site in self.build_year:
                    year = self.build_year[site]
                    capex = data.fixed_capex + data.capex_per_tpa * self.new_capacity[site]
                    costs.add(w, "capex", d(year) * capex)
                for t in self.years:
                    costs.add(w, "fixed_om", d(t) * data.fixed_om_per_tpa * self.online(site, t))
            for (_, r, t), p in self.purchase.items():
                costs.add(w, "shipping", d(t) * case.countries[r].shipping_cost * p)
            for offer in self.accepted:
                market_value, payment = self.offer_cost(offer, w)
                costs.add(w, "cfd_market_value", market_value)
                costs.add(w, "cfd_government_payment", payment)
        for (w, site, t), q in self.output.items():
            costs.add(w, "variable_refining", d(t) * case.sites[site].variable_cost * q)
        for (w, x, m, t), e in self.external.items():
            supply = case.supply.get((x, m, t))
            factor = supply.price_factor if supply else 1.0
            costs.add(w, "external_purchases", d(t) * factor * case.market_price(m, t, w) * e)
        for (w, m, r, t), flow in self.flows.items():
            shipping = case.countries[r].shipping_cost
            costs.add(w, "shipping", d(t) * shipping * (flow["inflow"] + flow["outflow"]))
            penalty = case.minerals[m].shortage_penalty
            costs.add(w, "shortage_penalty", d(t) * penalty * flow["shortage"])
            if (r, m) in case.stockpiles:
                holding = case.minerals[m].holding_cost
                costs.add(w, "holding", d(t) * holding * flow["inventory"])
                if t == end:
                    credit = terminal[m] * case.market_price(m, end, w) * flow["inventory"]
                    costs.add(w, "terminal_value", -d(end) * credit)
        return costs

    def terminal_fraction(self, mineral: str) -> float:
        """φ'(m) = φ · min(1, min over sources x of m of f(x,m,end_year)); 0 without a source."""
        end = self.case.settings.end_year
        factors = []
        for x in self.case.sources:
            if any((x, mineral, t) in self.case.supply for t in self.years):
                supply = self.case.supply.get((x, mineral, end))
                factors.append(supply.price_factor if supply else 1.0)
        if not factors:
            return 0.0
        return self.case.settings.terminal_value_fraction * min(1.0, *factors)

    def _check_costs(self) -> None:
        case = self.case
        settings = case.settings
        reported = self._reported_scenario_costs()
        ledger = self.scenario_costs()
        costs = {w: sum(ledger.value[w].values()) for w in self.scenarios}
        probability = {w: s.probability for w, s in case.scenarios.items()}
        for w in self.scenarios:
            row = reported.get(w)
            if row is None:
                self.flag(WORKBOOK, layout.SCENARIO_COSTS.name, f"scenario {w!r} has no row")
                continue
            place, figures = row
            for name, value in ledger.value[w].items():
                self._compare(
                    COST, f"{place}, {name}", figures.get(name), value, ledger.size[w][name]
                )
            total_size = sum(ledger.size[w].values())
            self._compare(COST, f"{place}, cost", figures.get("cost"), costs[w], total_size)
        summary = self.book.summary
        for name in COST_COMPONENTS:
            value = sum(probability[w] * ledger.value[w][name] for w in self.scenarios)
            size = sum(probability[w] * ledger.size[w][name] for w in self.scenarios)
            self._compare(COST, f"Summary, cost_{name}", summary.get(f"cost_{name}"), value, size)
        expected = sum(probability[w] * cost for w, cost in costs.items())
        scale = sum(probability[w] * sum(ledger.size[w].values()) for w in self.scenarios)
        self._compare(
            OBJECTIVE, "Summary, expected_cost", summary.get("expected_cost"), expected, scale
        )
        objective = expected
        lam = settings.cvar_weight
        if lam > 0:
            # The reported CVaR is that of the plan's cost distribution (a minimum over η); the
            # objective is the model's, at the reported η, which a plan stopped early may leave
            # above that minimum.
            exact = exact_cvar(costs, probability, settings.cvar_alpha)
            self._compare(OBJECTIVE, "Summary, cvar", summary.get("cvar"), exact, scale)
            at_eta = exact
            eta = summary.get("cvar_eta")
            if isinstance(eta, int | float):
                at_eta = cvar_at(float(eta), costs, probability, settings.cvar_alpha)
                gap = float(summary.get("mip_gap") or 0.0)  # type: ignore[arg-type]
                slack = max(_tolerance(scale), gap * abs(at_eta))
                if summary.get("status") == "optimal" and at_eta > exact + slack:
                    self.flag(
                        OBJECTIVE,
                        "Summary, cvar_eta",
                        f"η = {_fmt(eta)} gives {_fmt(at_eta)}, above the CVaR {_fmt(exact)}",
                    )
            objective = (1.0 - lam) * expected + lam * at_eta
        self._compare(OBJECTIVE, "Summary, objective", summary.get("objective"), objective, scale)
        self._check_offer_figures()

    def _reported_scenario_costs(self) -> dict[str, tuple[str, dict[str, object]]]:
        sheet = self.book.sheets[layout.SCENARIO_COSTS.name]
        names = ("cost", *COST_COMPONENTS)
        table = {}
        for place, values in sheet.records("scenario", *names):
            table[values[0]] = (place, dict(zip(names, values[1:], strict=True)))
        return table  # type: ignore[return-value]

    def _check_offer_figures(self) -> None:
        case = self.case
        sheet = self.book.sheets[layout.CFD.name]
        for place, (offer, payment, value) in sheet.records(
            "offer", "expected_payment", "expected_market_value"
        ):
            if offer not in case.offers:
                continue
            expected_payment = expected_value = 0.0
            if offer in self.accepted:
                for w, scenario in case.scenarios.items():
                    market_value, payment_w = self.offer_cost(offer, w)
                    expected_value += scenario.probability * market_value
                    expected_payment += scenario.probability * payment_w
            scale = abs(expected_value) + abs(expected_payment)
            self._compare(COST, f"{place}, expected_payment", payment, expected_payment, scale)
            self._compare(COST, f"{place}, expected_market_value", value, expected_value, scale)

    def _compare(
        self, check: str, where: str, reported: object, expected: float, scale: float = 0.0
    ) -> None:
        """Flag a reported figure that is missing or differs from its recomputed value."""
        if isinstance(reported, bool) or not isinstance(reported, int | float):
            self.flag(check, where, f"expected {_fmt(expected)}, found {reported!r}")
            return
        if abs(reported - expected) > _tolerance(scale, reported, expected):
            self.flag(
                check,
                where,
                f"reported {_fmt(reported)}, recomputed {_fmt(expected)} "
                f"(difference {_fmt(reported - expected)})",
            )


class _Costs:
    """Cost(ω) by component, with the sum of the absolute values of its terms (for tolerances)."""

    def __init__(self, scenarios: Iterable[str]) -> None:
        self.value = {w: dict.fromkeys(COST_COMPONENTS, 0.0) for w in scenarios}
        self.size = {w: dict.fromkeys(COST_COMPONENTS, 0.0) for w in self.value}

    def add(self, scenario: str, component: str, amount: float) -> None:
        self.value[scenario][component] += amount
        self.size[scenario][component] += abs(amount)


def cvar_at(
    eta: float, costs: dict[str, float], probability: dict[str, float], alpha: float
) -> float:
    """η + 1/(1 − α) · Σ_ω π(ω)·max(0, Cost(ω) − η): the CVaR expression at a given η."""
    tail = sum(probability[w] * max(0.0, costs[w] - eta) for w in costs)
    return eta + tail / (1.0 - alpha)


def exact_cvar(costs: dict[str, float], probability: dict[str, float], alpha: float) -> float:
    """CVaR_α = min over η of η + 1/(1 − α)·Σ π·(Cost − η)⁺, computed exactly.

    The function of η is convex and piecewise linear with kinks at the scenario costs, so its
    minimum is at the smallest cost where the probability of costs up to it reaches α (the
    value at risk); scanning the sorted costs finds it.
    """
    ordered = sorted(costs, key=costs.__getitem__)
    cumulative = 0.0
    eta = costs[ordered[-1]]
    for w in ordered:
        cumulative += probability[w]
        if cumulative >= alpha - 1e-12:
            eta = costs[w]
            break
    return cvar_at(eta, costs, probability, alpha)
