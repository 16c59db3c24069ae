"""The plan read out of the results workbook, and the quantities derived from it and the case.

Reading checks the workbook's shape (known names, planning years, numbers, one row per index)
and names each problem with its `Sheet!row`; a missing entry of a plan table reads as zero.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from planner.case import Case
from planner.results import layout
from planner.results.checks.findings import (
    ONE_BUILD,
    SIZE,
    WORKBOOK,
    Findings,
    fmt,
    tolerance,
    where,
)
from planner.results.checks.reading import Book, Sheet

FLOW_VARIABLES = ("inflow", "outflow", "released", "inventory", "shortage")
REPORTED_FLOWS = ("demand", "refined", "cfd", "obligation")

FlowKey = tuple[str, str, str, int]  # (ω, m, r, t)


@dataclass
class PlanValues:
    """Every decision of the plan as read back; missing entries are zero."""

    build_year: dict[str, int] = field(default_factory=dict)
    new_capacity: dict[str, float] = field(default_factory=dict)
    accepted: set[str] = field(default_factory=set)
    purchase: dict[tuple[str, str, int], float] = field(default_factory=dict)  # (m, r, t)
    output: dict[tuple[str, str, int], float] = field(default_factory=dict)  # (ω, s, t)
    external: dict[tuple[str, str, str, int], float] = field(default_factory=dict)  # (ω, x, m, t)
    flows: dict[FlowKey, dict[str, float]] = field(default_factory=dict)
    # The Balance sheet's reported figures per flow key, with the row they stand in.
    reported_flows: dict[FlowKey, tuple[str, dict[str, float]]] = field(default_factory=dict)


@dataclass
class Context:
    """What every check reads: the case, the workbook, the plan, and where findings go."""

    case: Case
    book: Book
    plan: PlanValues
    findings: Findings

    @property
    def years(self) -> list[int]:
        return list(self.case.years)

    @property
    def scenarios(self) -> list[str]:
        return list(self.case.scenarios)

    def build_years(self, site: str) -> list[int]:
        """BuildYears(s) = {t ∈ T : t ≥ e(s), t + L(s) ≤ end_year}; empty when cmax(s) = 0."""
        data = self.case.sites[site]
        if data.max_capacity <= 0:
            return []
        years = self.years
        earliest = data.earliest_year if data.earliest_year is not None else years[0]
        return [t for t in years if t >= earliest and t + data.lead_time <= years[-1]]

    def online(self, site: str, t: int) -> float:
        """C(s,t) = E(s)·[t ≥ existing_from(s)] + x(s,τ) for the build year τ when τ + L(s) ≤ t
        (existing_from is an extension of model.md; blank: E(s) online in every year)."""
        data = self.case.sites[site]
        online_from = data.existing_from
        capacity = data.existing_capacity if online_from is None or t >= online_from else 0.0
        built = self.plan.build_year.get(site)
        if built is not None and built + data.lead_time <= t:
            capacity += self.plan.new_capacity[site]
        return capacity

    def refined(self, w: str) -> dict[tuple[str, str, int], float]:
        """Σ_{s: r(s)=r, m(s)=m} q(s,t,ω) per (m, r, t)."""
        refined: dict[tuple[str, str, int], float] = defaultdict(float)
        for site, data in self.case.sites.items():
            for t in self.years:
                refined[data.mineral, data.country, t] += self.plan.output.get((w, site, t), 0.0)
        return refined

    def contracted(self) -> dict[tuple[str, str, int], float]:
        """Σ_{o: r(o)=r, m(o)=m, t ∈ A(o)} v(o)·z(o) per (m, r, t)."""
        contracted: dict[tuple[str, str, int], float] = defaultdict(float)
        for offer in self.plan.accepted:
            data = self.case.offers[offer]
            for t in self.years:
                if data.start_year <= t <= data.end_year:
                    contracted[data.mineral, data.country, t] += data.volume
        return contracted


def read_plan(case: Case, book: Book, findings: Findings) -> PlanValues:
    """The plan of every plan sheet that could be read."""
    reader = _Reader(case, findings)
    readers = (
        (layout.SITES, reader.sites),
        (layout.CFD, reader.offers),
        (layout.STOCKPILE, reader.purchases),
        (layout.SITE_OUTPUT, reader.output),
        (layout.EXTERNAL, reader.external),
        (layout.BALANCE, reader.balance),
    )
    for sheet, read in readers:
        if sheet.name in book.sheets:
            read(book.sheets[sheet.name])
    return reader.plan


class _Reader:
    """Reads the plan tables, flagging what does not fit the case."""

    def __init__(self, case: Case, findings: Findings) -> None:
        self.case = case
        self.findings = findings
        self.years = list(case.years)
        self.plan = PlanValues()

    def flag(self, check: str, place: str, message: str) -> None:
        self.findings.flag(check, place, message)

    def number(self, place: str, column: str, value: object, blank: float | None = None) -> float:
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

    def known(self, place: str, kind: str, name: object, names: Iterable[str]) -> bool:
        if isinstance(name, str) and name in names:
            return True
        self.flag(WORKBOOK, place, f"{kind} {name!r} is not in the input")
        return False

    def year(self, place: str, value: object) -> int | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and value in self.years:
            return int(value)
        self.flag(WORKBOOK, place, f"year {value!r} is not a planning year")
        return None

    def store(self, target: dict, key: tuple, place: str, value: object, column: str) -> None:
        if key in target:
            self.flag(WORKBOOK, place, f"a second row for {key}")
        target[key] = self.number(place, column, value)

    def sites(self, sheet: Sheet) -> None:
        seen: set[str] = set()
        for place, (site, built, year, capacity) in sheet.records(
            "site", "built", "build_year", "new_capacity"
        ):
            if not self.known(place, "site", site, self.case.sites):
                continue
            seen.add(str(site))
            if built == "yes":
                self.site_built(place, str(site), year, capacity)
            elif built in ("no", "existing"):
                amount = self.number(place, "new_capacity", capacity, blank=0.0)
                if abs(amount) > tolerance():
                    self.flag(SIZE, where(site=site), f"not built but new_capacity {fmt(amount)}")
            else:
                self.flag(WORKBOOK, f"{place}, built", f"expected yes, no or existing: {built!r}")
        for site in self.case.sites:
            if site not in seen:
                self.flag(WORKBOOK, layout.SITES.name, f"site {site!r} has no row")

    def site_built(self, place: str, site: str, year: object, capacity: object) -> None:
        if site in self.plan.build_year:
            self.flag(ONE_BUILD, where(site=site), "the site is built more than once")
            return
        if not isinstance(year, int | float) or isinstance(year, bool):
            self.flag(WORKBOOK, f"{place}, build_year", f"expected a year, found {year!r}")
            return
        self.plan.build_year[site] = int(year)
        self.plan.new_capacity[site] = self.number(place, "new_capacity", capacity)

    def offers(self, sheet: Sheet) -> None:
        seen: set[str] = set()
        for place, (offer, accepted) in sheet.records("offer", "accepted"):
            if not self.known(place, "offer", offer, self.case.offers):
                continue
            if offer in seen:
                self.flag(WORKBOOK, place, f"offer {offer!r} has a second row")
            seen.add(str(offer))
            if accepted == "yes":
                self.plan.accepted.add(str(offer))
            elif accepted != "no":
                self.flag(WORKBOOK, f"{place}, accepted", f"expected yes or no: {accepted!r}")
        for offer in self.case.offers:
            if offer not in seen:
                self.flag(WORKBOOK, layout.CFD.name, f"offer {offer!r} has no row")

    def purchases(self, sheet: Sheet) -> None:
        purchase = self.plan.purchase
        for place, (country, mineral, year, amount) in sheet.records(
            "country", "mineral", "year", "purchase"
        ):
            if (country, mineral) not in self.case.stockpiles:
                self.flag(WORKBOOK, place, f"({country}, {mineral}) is not a stockpile place")
                continue
            t = self.year(place, year)
            if t is not None:
                self.store(purchase, (mineral, country, t), place, amount, "purchase")
        for r, m in self.case.stockpiles:
            for t in self.years:
                if (m, r, t) not in purchase:
                    self.flag(WORKBOOK, layout.STOCKPILE.name, f"no row for {r}, {m}, {t}")

    def output(self, sheet: Sheet) -> None:
        for place, (scenario, site, year, amount) in sheet.records(
            "scenario", "site", "year", "output"
        ):
            if self.known(place, "scenario", scenario, self.case.scenarios) and self.known(
                place, "site", site, self.case.sites
            ):
                t = self.year(place, year)
                if t is not None:
                    self.store(self.plan.output, (scenario, site, t), place, amount, "output")

    def external(self, sheet: Sheet) -> None:
        sources = set(self.case.sources)
        for place, (scenario, source, mineral, year, amount) in sheet.records(
            "scenario", "source", "mineral", "year", "purchase"
        ):
            if (
                self.known(place, "scenario", scenario, self.case.scenarios)
                and self.known(place, "source", source, sources)
                and self.known(place, "mineral", mineral, self.case.minerals)
            ):
                t = self.year(place, year)
                if t is not None:
                    key = (scenario, source, mineral, t)
                    self.store(self.plan.external, key, place, amount, "purchase")

    def balance(self, sheet: Sheet) -> None:
        for place, values in sheet.records(
            "scenario", "mineral", "country", "year", *FLOW_VARIABLES, *REPORTED_FLOWS
        ):
            self.balance_row(place, values)
        for w in self.case.scenarios:
            for m in self.case.minerals:
                for r in self.case.countries:
                    for t in self.years:
                        if (w, m, r, t) not in self.plan.flows:
                            self.flag(
                                WORKBOOK,
                                layout.BALANCE.name,
                                f"no row for scenario {w}, mineral {m}, country {r}, year {t}",
                            )
                            self.plan.flows[w, m, r, t] = dict.fromkeys(FLOW_VARIABLES, 0.0)

    def balance_row(self, place: str, values: tuple[object, ...]) -> None:
        scenario, mineral, country, year = values[:4]
        if not (
            self.known(place, "scenario", scenario, self.case.scenarios)
            and self.known(place, "mineral", mineral, self.case.minerals)
            and self.known(place, "country", country, self.case.countries)
        ):
            return
        t = self.year(place, year)
        if t is None:
            return
        key = (str(scenario), str(mineral), str(country), t)
        if key in self.plan.flows:
            self.flag(WORKBOOK, place, f"a second row for {key}")
        names = FLOW_VARIABLES + REPORTED_FLOWS
        numbers = [self.number(place, n, v) for n, v in zip(names, values[4:], strict=True)]
        count = len(FLOW_VARIABLES)
        self.plan.flows[key] = dict(zip(FLOW_VARIABLES, numbers[:count], strict=True))
        self.plan.reported_flows[key] = (
            place,
            dict(zip(REPORTED_FLOWS, numbers[count:], strict=True)),
        )
