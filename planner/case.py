"""The validated planning case: what the input layer hands to the model layer.

A `Case` holds every number of `spec/model.md` with the workbook's defaults applied, year rows
expanded over the horizon and overrides resolved, so that model code never looks at a sheet,
a blank cell or a default. It is immutable: sweeps derive new cases with `dataclasses.replace`.

Symbols in comments are those of model.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

OfferKind = Literal["two_sided", "floor"]


@dataclass(frozen=True)
class Settings:
    """The Settings sheet."""

    start_year: int
    end_year: int
    discount_rate: float = 0.05
    budget: float | None = None  # B, USD; None = no budget constraint
    terminal_value_fraction: float = 1.0  # φ
    cvar_weight: float = 0.0  # λ
    cvar_alpha: float = 0.95  # α
    mip_gap: float = 1e-4
    time_limit: float | None = None  # seconds; None = no limit


@dataclass(frozen=True)
class Mineral:
    """A Minerals row."""

    name: str
    price: float  # base market price P(m), USD/t (Prices rows override it per year: Case.price)
    shortage_penalty: float  # u(m), USD/t
    unit: str = "t"
    holding_cost: float = 0.0  # h(m), USD/t/yr
    coverage: float = 0.0  # c(m) in [0, 1]
    max_purchase: float | None = None  # b(m), t/yr alliance-wide; None = no limit


@dataclass(frozen=True)
class Country:
    """A Countries row."""

    name: str
    shipping_cost: float = 0.0  # k(r), USD/t moved into or out of the pool
    shares_stock: bool = True  # False: r ∈ R_closed, its releases serve only itself (14)
    budget: float | None = None  # B(r), USD of first-stage spending; None = no cap (16)


@dataclass(frozen=True)
class Site:
    """A Sites row."""

    name: str
    country: str  # r(s)
    mineral: str  # m(s)
    existing_capacity: float = 0.0  # E(s), t/yr
    min_capacity: float = 0.0  # cmin(s), t/yr
    max_capacity: float = 0.0  # cmax(s), t/yr; 0 = no build decision
    fixed_capex: float = 0.0  # F(s), USD
    capex_per_tpa: float = 0.0  # V(s), USD per t/yr
    fixed_om_per_tpa: float = 0.0  # Fo(s), USD per t/yr online per year
    variable_cost: float = 0.0  # w(s), USD/t
    lead_time: int = 0  # L(s), years
    earliest_year: int | None = None  # e(s); None only before defaults: Case.sites has it set
    availability: float = 1.0  # a(s) in (0, 1]
    # Extension of model.md: first year E(s) is online; None = start_year (online throughout).
    existing_from: int | None = None

    def existing_in(self, year: int) -> float:
        """E(s)·[t ≥ existing_from(s)]: the existing capacity online in `year`, t/yr."""
        if self.existing_from is not None and year < self.existing_from:
            return 0.0
        return self.existing_capacity


@dataclass(frozen=True)
class Offer:
    """A CfD row: one rung of a strike-price ladder."""

    name: str
    group: str  # g(o); the offer's own name when the cell is blank
    mineral: str
    country: str
    strike: float  # σ(o), USD/t
    volume: float  # v(o), t/yr
    start_year: int  # first active year (the horizon's start when blank)
    end_year: int  # last active year (the horizon's end when blank)
    kind: OfferKind = "two_sided"


@dataclass(frozen=True)
class Stockpile:
    """A Stockpiles row: a place k = (country, mineral)."""

    country: str
    mineral: str
    initial: float = 0.0  # I0(k), t
    capacity: float = 0.0  # Imax(k), t
    max_release: float | None = None  # Rmax(k), t/yr; None = no limit
    min_days: float | None = None  # n(k), days of demand to hold (12); None = no obligation
    obligation_from: int | None = None  # o(k), first year of the obligation; None = start_year


@dataclass(frozen=True)
class Scenario:
    """A Scenarios row (or the implied `base` scenario)."""

    name: str
    probability: float  # π(ω)
    description: str = ""


@dataclass(frozen=True)
class SourceYear:
    """External supply of one source and mineral in one year, overrides resolved."""

    available: float  # Av(x,m,t), t/yr
    price_factor: float = 1.0  # f(x,m,t)


@dataclass(frozen=True)
class Case:
    """A whole validated case.

    Mappings keep the workbook's row order (dicts are ordered), which keeps model building
    deterministic. Sparse mappings hold only the keys the workbook gives a value for; every reader
    of them uses the documented default for a missing key.
    """

    settings: Settings
    minerals: dict[str, Mineral]
    countries: dict[str, Country]
    sites: dict[str, Site]
    offers: dict[str, Offer]
    stockpiles: dict[tuple[str, str], Stockpile]  # key (country, mineral)
    scenarios: dict[str, Scenario]
    # P(m,t) for every mineral and every planning year (Prices row, else Minerals.price).
    price: dict[tuple[str, int], float]
    # D(m,r,t) > 0 only; a missing key is 0. Key (mineral, country, year).
    demand: dict[tuple[str, str, int], float]
    # Av and f per (source, mineral, year) for the years a Sources row covers; a missing key
    # means availability 0 (the pair has no supply that year).
    supply: dict[tuple[str, str, int], SourceYear]
    # δ(x,m,t,ω) > 0 only. Key (scenario, source, mineral, year).
    share_lost: dict[tuple[str, str, str, int], float] = field(default_factory=dict)
    # μ(m,t,ω) ≠ 1 only. Key (scenario, mineral, year).
    price_multiplier: dict[tuple[str, str, int], float] = field(default_factory=dict)
    # κ(x,m,t) for the (source, mineral, year) that a SupplyCaps row covers (13); no key = no cap.
    supply_cap: dict[tuple[str, str, int], float] = field(default_factory=dict)
    # Where the case was read from, for reports (path as given; "" when built in code).
    origin: str = ""

    @property
    def years(self) -> range:
        """T = start_year .. end_year inclusive."""
        return range(self.settings.start_year, self.settings.end_year + 1)

    @property
    def sources(self) -> tuple[str, ...]:
        """X: the external sources named in Sources, in first-seen order."""
        return tuple(dict.fromkeys(x for x, _, _ in self.supply))

    def discount(self, year: int) -> float:
        """d(t) = (1 + discount_rate)^-(t - start_year)."""
        return (1.0 + self.settings.discount_rate) ** -(year - self.settings.start_year)

    def market_price(self, mineral: str, year: int, scenario: str) -> float:
        """P(m,t,ω) = P(m,t) · μ(m,t,ω)."""
        return self.price[mineral, year] * self.price_multiplier.get((scenario, mineral, year), 1.0)

    def first_disrupted(self) -> dict[tuple[str, str], int]:
        """first(m,ω) per (mineral, scenario): the first year with δ(x,m,t,ω) > 0 for some x.

        Pairs without a disruption are absent; read a missing key as end_year + 1.
        """
        first: dict[tuple[str, str], int] = {}
        for (w, _x, m, t), share in self.share_lost.items():
            if share > 0 and t < first.get((m, w), t + 1):
                first[m, w] = t
        return first

    def obligation(self, country: str, mineral: str, year: int, scenario: str) -> float:
        """The stock that (12) requires at the end of `year` in `scenario`, t (0 where none).

        n(k)/365·D(m,r,t) for o(k) ≤ t < first(m,ω); 0 outside those years or without n(k).
        """
        place = self.stockpiles.get((country, mineral))
        if place is None or place.min_days is None:
            return 0.0
        start = self.settings.start_year if place.obligation_from is None else place.obligation_from
        if year < start:
            return 0.0
        for (w, _x, m, t), share in self.share_lost.items():
            if w == scenario and m == mineral and share > 0 and t <= year:
                return 0.0
        return place.min_days / 365.0 * self.demand.get((mineral, country, year), 0.0)

    def describe(self) -> str:
        """One line for people, echoing what was read so that a unit slip shows at once:
        '2 minerals, 3 countries, 5 sites, 4 CfD offers, 3 scenarios (base, embargo, ...),
        10 years (2026–2035), budget 1.2 bn USD'."""
        years = self.years
        return ", ".join(
            [
                counted(len(self.minerals), "mineral"),
                counted(len(self.countries), "country", "countries"),
                counted(len(self.sites), "site"),
                counted(len(self.offers), "CfD offer"),
                f"{counted(len(self.scenarios), 'scenario')} ({_names(self.scenarios)})",
                f"{counted(len(years), 'year')} ({years.start}–{years.stop - 1})",
                _budget_text(self.settings.budget),
            ]
        )


def _names(names: Mapping[str, object], shown: int = 4) -> str:
    """The first few names of a mapping, then how many more."""
    listed = list(names)
    more = len(listed) - shown
    return ", ".join(listed[:shown]) + (f", {more} more" if more > 0 else "")


def _budget_text(budget: float | None) -> str:
    """'budget 12.0 bn USD' (three significant digits below 1 bn, plain USD below a million),
    or 'no budget'."""
    if budget is None:
        return "no budget"
    billions = budget / 1e9
    if billions >= 1:
        return f"budget {billions:.1f} bn USD"
    if billions >= 0.001:
        return f"budget {billions:.3g} bn USD"
    return f"budget {budget:,.0f} USD"  # far below any build: shown as typed, to be noticed


def counted(number: int, noun: str, plural: str = "") -> str:
    """'1 site', '3 sites', '2 countries': a count with its noun in the right number."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
