"""The input workbook's schema: every sheet, column and setting of spec/workbook.md as data.

This one table drives the validator (types, required cells, defaults, bounds, plausible upper
bounds, references), the README sheet that `planner template` writes, docs/workbook.md
(`planner.schema_docs`), sweep addresses and the property tests' generators, so a column is
described, checked and documented in one place. Rules that relate several cells or rows
(overrides, overlaps, sums, obligations) live in `planner.validation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypedDict


class Kind(StrEnum):
    """What a cell holds; the value is the wording used in messages and in the README sheet."""

    ID = "identifier"  # text, matched exactly after trimming spaces
    TEXT = "text"  # free text
    NUMBER = "number"  # any finite number; `1,200` and `80%` are accepted as text
    WHOLE = "whole number"
    YEAR = "year"  # a whole number between YEAR_MIN and YEAR_MAX
    CHOICE = "choice"  # one of Field.choices


# Years outside this range are typing mistakes (a dropped or doubled digit), not plans.
YEAR_MIN = 1900
YEAR_MAX = 2200

# Plausible upper bounds (`Field.most`): a value above one is a typing mistake (a unit mix-up or
# extra zeros), never a plan, and it would wreck the solver's numerics long before it meant
# anything. Each is orders of magnitude above any real figure:
# - prices and per-tonne costs: 1e12 USD/t (the dearest refined minerals cost ~1e6 USD/t);
# - tonnages and rates: 1e10 t or t/yr (world mine output of iron ore, the largest, is ~2.5e9 t/yr);
# - money: 1e15 USD (about ten times world GDP);
# - unitless factors (price_factor, multiplier): 1000;
# - days of demand held: 36,500 (a century).
MOST_PER_TONNE = 1e12
MOST_TONNES = 1e10
MOST_MONEY = 1e15
MOST_FACTOR = 1e3
MOST_DAYS = 36_500.0

# Scenario probabilities must sum to 1 within max(PROBABILITY_TOLERANCE, n × PROBABILITY_ROUNDING)
# for n scenarios: each probability typed with six decimals (0.333333) is off by at most 5e-7, so
# n of them may together be off by n × 5e-7; the floor keeps 1e-6 for one or two scenarios.
PROBABILITY_TOLERANCE = 1e-6
PROBABILITY_ROUNDING = 5e-7


def probability_tolerance(scenarios: int) -> float:
    """How far from 1 the probabilities of `scenarios` scenarios may sum (both directions)."""
    return max(PROBABILITY_TOLERANCE, scenarios * PROBABILITY_ROUNDING)


@dataclass(frozen=True)
class Field:
    """One column of a sheet (or one setting of the Settings sheet)."""

    name: str
    kind: Kind
    meaning: str
    required: bool = False
    # Value taken by a blank cell; None means "none" (no limit / not used) unless `blank` says
    # what a blank stands for (then the validator resolves it, e.g. "start_year").
    default: float | str | None = None
    blank: str = ""  # what a blank cell means when that is not a plain default, for the README
    unit: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # True: the value must be > low (else ≥ low)
    high_open: bool = False  # True: the value must be < high (else ≤ high)
    choices: tuple[str, ...] = ()
    # Other spellings of a choice accepted as it (e.g. TRUE for yes), keyed without case.
    aliases: tuple[tuple[str, str], ...] = ()
    refers_to: str = ""  # a sheet whose identifier this value must name
    most: float | None = None  # plausible upper bound (see MOST_* above); above it: an error

    @property
    def is_money(self) -> bool:
        """Whether the column holds US dollars (a percentage there is a mistake)."""
        return self.unit.startswith(_MONEY)

    @property
    def takes_percent(self) -> bool:
        """Whether `80%` makes sense here: shares and rates, not money or tonnes."""
        return self.unit in ("", "per year")

    @property
    def range_text(self) -> str:
        """The bounds as people write them: `≥ 0`, `> 0`, `in [0, 1)`; empty when unbounded."""
        if self.kind is Kind.CHOICE:
            return "one of " + ", ".join(self.choices)
        if self.low is not None and self.high is not None:
            left = "(" if self.low_open else "["
            right = ")" if self.high_open else "]"
            return f"in {left}{_number_text(self.low)}, {_number_text(self.high)}{right}"
        if self.low is not None:
            return f"{'>' if self.low_open else '≥'} {_number_text(self.low)}"
        if self.high is not None:
            return f"{'<' if self.high_open else '≤'} {_number_text(self.high)}"
        return ""

    @property
    def default_text(self) -> str:
        """The default as the README shows it."""
        if self.blank:
            return self.blank
        if self.default is None:
            return "" if self.required else "none"
        if isinstance(self.default, str):
            return self.default
        return _number_text(self.default)

    @property
    def most_text(self) -> str:
        """The plausible upper bound with its unit, for messages and docs; empty when none."""
        if self.most is None:
            return ""
        return f"{_number_text(self.most)} {self.unit}".rstrip()

    def accepts(self, value: float) -> bool:
        """Whether a parsed number lies within the bounds (the plausible one included)."""
        if self.most is not None and value > self.most:
            return False
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return not (
            self.high is not None and (value >= self.high if self.high_open else value > self.high)
        )


@dataclass(frozen=True)
class Sheet:
    """One sheet: its columns, whether it may be left out, and what identifies a row."""

    name: str
    meaning: str
    columns: tuple[Field, ...]
    required: bool = True
    # Columns whose values identify a row: no two rows may share them (with `year`, when the
    # sheet has a year column, a blank year being its own key).
    key: tuple[str, ...] = ()
    min_rows: int = 0  # a sheet present with fewer data rows is an error

    def column(self, name: str) -> Field:
        """The column called `name` (exact schema spelling)."""
        return next(field for field in self.columns if field.name == name)


def _number_text(value: float) -> str:
    power = round(math.log10(value)) if value > 0 else 0
    if power >= 6 and value == 10.0**power:
        return f"1e{power}"  # the plausible limits: 1e10 reads better than 10000000000
    return f"{value:g}" if value != int(value) else str(int(value))


_MONEY = "USD"
_PER_T = "USD/t"
_RATE = "t/yr"


class _Bounds(TypedDict, total=False):
    """Bounds spread into a Field (`**_PRICE`), typed so that each lands on a float argument."""

    low: float
    high: float
    most: float


_SHARE: _Bounds = {"low": 0.0, "high": 1.0}
_NON_NEGATIVE: _Bounds = {"low": 0.0}
# Non-negative quantities with their plausible upper bound.
_PRICE: _Bounds = {"low": 0.0, "most": MOST_PER_TONNE}
_AMOUNT: _Bounds = {"low": 0.0, "most": MOST_TONNES}
_USD: _Bounds = {"low": 0.0, "most": MOST_MONEY}
_FACTOR: _Bounds = {"low": 0.0, "most": MOST_FACTOR}


def _year(name: str, meaning: str, **extra: Any) -> Field:
    return Field(name, Kind.YEAR, meaning, unit="year", low=YEAR_MIN, high=YEAR_MAX, **extra)


SETTINGS_SHEET = "Settings"
README_SHEET = "README"
SWEEPS_SHEET = "Sweeps"  # read by `planner sweep`, not part of the case

# The Settings sheet holds one row per setting (columns `setting`, `value`); these are the settings.
SETTINGS: tuple[Field, ...] = (
    _year("start_year", "first planning year", required=True),
    _year("end_year", "last planning year (≥ start_year)", required=True),
    Field(
        "discount_rate",
        Kind.NUMBER,
        "real annual discount rate",
        default=0.05,
        unit="per year",
        low=0.0,
        most=10.0,  # 1000 % a year: anything above is a typing mistake
    ),
    Field(
        "budget",
        Kind.NUMBER,
        "cap on first-stage spending (builds and stockpile purchases at base prices, undiscounted)",
        unit=_MONEY,
        **_USD,
    ),
    Field(
        "terminal_value_fraction",
        Kind.NUMBER,
        "share of the final-year market value credited for stockpile left at the end",
        default=1.0,
        **_SHARE,
    ),
    Field(
        "cvar_weight",
        Kind.NUMBER,
        "weight λ of CVaR in the objective (0 = expected cost only)",
        default=0.0,
        **_SHARE,
    ),
    Field(
        "cvar_alpha",
        Kind.NUMBER,
        "CVaR level α: the worst 1 − α of scenario probability is averaged",
        default=0.95,
        low=0.0,
        high=1.0,
        high_open=True,
    ),
    Field(
        "mip_gap",
        Kind.NUMBER,
        "relative MIP gap at which the solve stops",
        default=0.0001,
        low=0.0,
        most=1.0,
    ),
    Field(
        "time_limit",
        Kind.NUMBER,
        "solver time limit",
        unit="seconds",
        low=0.0,
        low_open=True,
        most=1e7,  # about four months
    ),
)

SHEETS: dict[str, Sheet] = {
    sheet.name: sheet
    for sheet in (
        Sheet(
            SETTINGS_SHEET,
            "one row per setting: the planning horizon and the solve's options",
            (
                Field(
                    "setting",
                    Kind.ID,
                    "name of the setting (see the rows 'setting ...' below)",
                    True,
                ),
                Field("value", Kind.TEXT, "its value", blank="the setting's default"),
            ),
            key=("setting",),
        ),
        Sheet(
            "Minerals",
            "one row per processed mineral the alliance needs",
            (
                Field("mineral", Kind.ID, "identifier, e.g. NdPr oxide", True),
                Field("unit", Kind.TEXT, "what a tonne is a tonne of (informational)", default="t"),
                Field(
                    "price",
                    Kind.NUMBER,
                    "base market price (Prices rows override it per year)",
                    True,
                    unit=_PER_T,
                    low=0.0,
                    low_open=True,
                    most=MOST_PER_TONNE,
                ),
                Field(
                    "holding_cost",
                    Kind.NUMBER,
                    "cost of holding one tonne in a stockpile for a year",
                    default=0.0,
                    unit="USD/t/yr",
                    **_PRICE,
                ),
                Field(
                    "shortage_penalty",
                    Kind.NUMBER,
                    "cost of one tonne of unmet demand",
                    True,
                    unit=_PER_T,
                    **_PRICE,
                ),
                Field(
                    "coverage",
                    Kind.NUMBER,
                    "share of each country's demand that must be met in every scenario and year",
                    default=0.0,
                    **_SHARE,
                ),
                Field(
                    "max_purchase",
                    Kind.NUMBER,
                    "most the alliance may buy into its stockpiles per year",
                    unit=_RATE,
                    **_AMOUNT,
                ),
            ),
            key=("mineral",),
            min_rows=1,
        ),
        Sheet(
            "Prices",
            "base market price per year, where it differs from Minerals.price",
            (
                Field("mineral", Kind.ID, "a Minerals row", True, refers_to="Minerals"),
                _year("year", "the year this price applies to", required=True),
                Field(
                    "price",
                    Kind.NUMBER,
                    "base market price that year",
                    True,
                    unit=_PER_T,
                    low=0.0,
                    low_open=True,
                    most=MOST_PER_TONNE,
                ),
            ),
            required=False,
            key=("mineral",),
        ),
        Sheet(
            "Countries",
            "one row per alliance member",
            (
                Field("country", Kind.ID, "identifier", True),
                Field(
                    "shipping_cost",
                    Kind.NUMBER,
                    "cost per tonne moved into or out of the alliance pool",
                    default=0.0,
                    unit=_PER_T,
                    **_PRICE,
                ),
                Field(
                    "shares_stock",
                    Kind.CHOICE,
                    "whether stock this member releases may go to other members (model.md 14); "
                    "TRUE and FALSE are read as yes and no",
                    default="yes",
                    choices=("yes", "no"),
                    aliases=(("true", "yes"), ("false", "no")),
                ),
                Field(
                    "budget",
                    Kind.NUMBER,
                    "cap on this member's first-stage spending (model.md 16)",
                    unit=_MONEY,
                    **_USD,
                ),
            ),
            key=("country",),
            min_rows=1,
        ),
        Sheet(
            "Demand",
            "each country's demand per mineral; a blank year means every year, a year row "
            "overrides it for that year",
            (
                Field("mineral", Kind.ID, "a Minerals row", True, refers_to="Minerals"),
                Field("country", Kind.ID, "a Countries row", True, refers_to="Countries"),
                _year("year", "the year this row applies to", blank="every year"),
                Field("demand", Kind.NUMBER, "demand", True, unit=_RATE, **_AMOUNT),
            ),
            key=("mineral", "country"),
        ),
        Sheet(
            "Sources",
            "external supply the alliance can buy; a blank year means every year, a year row "
            "overrides it for that year (its blank cells take the blank-year row's values)",
            (
                Field("source", Kind.ID, "identifier, e.g. China or Rest of world", True),
                Field("mineral", Kind.ID, "a Minerals row", True, refers_to="Minerals"),
                _year("year", "the year this row applies to", blank="every year"),
                Field(
                    "available",
                    Kind.NUMBER,
                    "what the source can sell to the alliance per year",
                    True,
                    blank="the blank-year row's value",
                    unit=_RATE,
                    **_AMOUNT,
                ),
                Field(
                    "price_factor",
                    Kind.NUMBER,
                    "cost per tonne = price_factor × market price",
                    default=1.0,
                    **_FACTOR,
                ),
            ),
            key=("source", "mineral"),
        ),
        Sheet(
            "Sites",
            "candidate and existing refineries",
            (
                Field("site", Kind.ID, "identifier", True),
                Field("country", Kind.ID, "a Countries row", True, refers_to="Countries"),
                Field("mineral", Kind.ID, "a Minerals row", True, refers_to="Minerals"),
                Field(
                    "existing_capacity",
                    Kind.NUMBER,
                    "capacity online from existing_from (blank: start_year), no capex",
                    default=0.0,
                    unit=_RATE,
                    **_AMOUNT,
                ),
                _year(
                    "existing_from",
                    "first year existing_capacity is online and pays fixed O&M, e.g. a financed "
                    "refinery still commissioning (an extension of model.md: C(s,t) counts E(s) "
                    "only from this year; after end_year: never online)",
                    blank="start_year",
                ),
                Field(
                    "min_capacity",
                    Kind.NUMBER,
                    "smallest new build (at most max_capacity)",
                    default=0.0,
                    unit=_RATE,
                    **_AMOUNT,
                ),
                Field(
                    "max_capacity",
                    Kind.NUMBER,
                    "largest new build (0 = no new build possible)",
                    default=0.0,
                    unit=_RATE,
                    **_AMOUNT,
                ),
                Field(
                    "fixed_capex",
                    Kind.NUMBER,
                    "paid in the build year if built",
                    default=0.0,
                    unit=_MONEY,
                    **_USD,
                ),
                Field(
                    "capex_per_tpa",
                    Kind.NUMBER,
                    "paid in the build year per t/yr of new capacity",
                    default=0.0,
                    unit="USD per t/yr",
                    **_PRICE,
                ),
                Field(
                    "fixed_om_per_tpa",
                    Kind.NUMBER,
                    "paid each year per t/yr of online capacity",
                    default=0.0,
                    unit="USD per t/yr per year",
                    **_PRICE,
                ),
                Field(
                    "variable_cost",
                    Kind.NUMBER,
                    "cost per tonne refined",
                    default=0.0,
                    unit=_PER_T,
                    **_PRICE,
                ),
                Field(
                    "lead_time",
                    Kind.WHOLE,
                    "years from build decision to first output",
                    default=0,
                    unit="years",
                    low=0.0,
                    most=100.0,
                ),
                _year("earliest_year", "first year a build may start", blank="start_year"),
                Field(
                    "availability",
                    Kind.NUMBER,
                    "share of online capacity usable",
                    default=1.0,
                    low=0.0,
                    high=1.0,
                    low_open=True,
                ),
            ),
            key=("site",),
        ),
        Sheet(
            "CfD",
            "contract-for-difference offers: the rungs of strike-price ladders",
            (
                Field("offer", Kind.ID, "identifier", True),
                Field(
                    "group",
                    Kind.ID,
                    "at most one offer per group is accepted (the rungs of one ladder)",
                    blank="the offer's own id",
                ),
                Field("mineral", Kind.ID, "a Minerals row", True, refers_to="Minerals"),
                Field(
                    "country",
                    Kind.ID,
                    "a Countries row: where the contracted volume is delivered",
                    True,
                    refers_to="Countries",
                ),
                Field(
                    "strike",
                    Kind.NUMBER,
                    "strike price paid for contracted volume",
                    True,
                    unit=_PER_T,
                    **_PRICE,
                ),
                Field(
                    "volume",
                    Kind.NUMBER,
                    "delivered each year while active",
                    True,
                    unit=_RATE,
                    low=0.0,
                    low_open=True,
                    most=MOST_TONNES,
                ),
                _year("start_year", "first year the contract delivers", blank="start_year"),
                _year(
                    "end_year", "last year the contract delivers (≥ start_year)", blank="end_year"
                ),
                Field(
                    "kind",
                    Kind.CHOICE,
                    "two_sided: the strike is paid; floor: the higher of strike and market price",
                    default="two_sided",
                    choices=("two_sided", "floor"),
                ),
            ),
            key=("offer",),
        ),
        Sheet(
            "Stockpiles",
            "places where a country may hold a mineral; one row per (country, mineral)",
            (
                Field("country", Kind.ID, "a Countries row", True, refers_to="Countries"),
                Field("mineral", Kind.ID, "a Minerals row", True, refers_to="Minerals"),
                Field(
                    "initial",
                    Kind.NUMBER,
                    "held before start_year (at most capacity)",
                    default=0.0,
                    unit="t",
                    **_AMOUNT,
                ),
                Field(
                    "capacity",
                    Kind.NUMBER,
                    "the most that can be held",
                    True,
                    unit="t",
                    **_AMOUNT,
                ),
                Field(
                    "max_release",
                    Kind.NUMBER,
                    "most that can be released per year",
                    unit=_RATE,
                    **_AMOUNT,
                ),
                Field(
                    "min_days",
                    Kind.NUMBER,
                    "stock obligation: days of this country's demand of this mineral to hold in "
                    "normal times (model.md 12); min_days/365 × demand may not exceed capacity",
                    unit="days",
                    low=0.0,
                    most=MOST_DAYS,
                ),
                _year("obligation_from", "first year of the obligation", blank="start_year"),
            ),
            key=("country", "mineral"),
        ),
        Sheet(
            "Scenarios",
            "supply-cut scenarios and their probabilities (left out: one scenario, base)",
            (
                Field("scenario", Kind.ID, "identifier", True),
                Field(
                    "probability",
                    Kind.NUMBER,
                    "probabilities sum to 1, within max(1e-6, n × 5e-7) for n scenarios (six "
                    "decimals each, e.g. 0.333333 three times)",
                    True,
                    **_SHARE,
                ),
                Field("description", Kind.TEXT, "what happens in this scenario"),
            ),
            required=False,
            key=("scenario",),
        ),
        Sheet(
            "Disruptions",
            "share of a source's supply lost in some years of some scenarios; two rows may not "
            "cover the same scenario, source, mineral and year",
            (
                Field(
                    "scenario",
                    Kind.ID,
                    "a Scenarios row",
                    blank="every scenario",
                    refers_to="Scenarios",
                ),
                Field(
                    "source", Kind.ID, "a source of the Sources sheet", True, refers_to="Sources"
                ),
                Field(
                    "mineral",
                    Kind.ID,
                    "a Minerals row",
                    blank="every mineral",
                    refers_to="Minerals",
                ),
                _year("from_year", "first year of the cut (inclusive)", blank="start_year"),
                _year("to_year", "last year of the cut (inclusive, ≥ from_year)", blank="end_year"),
                Field("share_lost", Kind.NUMBER, "share of availability lost", True, **_SHARE),
            ),
            required=False,
        ),
        Sheet(
            "PriceShocks",
            "market price multipliers in some years of some scenarios; two rows may not cover the "
            "same scenario, mineral and year",
            (
                Field(
                    "scenario",
                    Kind.ID,
                    "a Scenarios row",
                    blank="every scenario",
                    refers_to="Scenarios",
                ),
                Field(
                    "mineral",
                    Kind.ID,
                    "a Minerals row",
                    blank="every mineral",
                    refers_to="Minerals",
                ),
                _year("from_year", "first year of the shock (inclusive)", blank="start_year"),
                _year(
                    "to_year", "last year of the shock (inclusive, ≥ from_year)", blank="end_year"
                ),
                Field(
                    "multiplier",
                    Kind.NUMBER,
                    "market price = base price × multiplier",
                    True,
                    low=0.0,
                    low_open=True,
                    most=MOST_FACTOR,
                ),
            ),
            required=False,
        ),
        Sheet(
            "SupplyCaps",
            "the most one source may supply of a mineral in a year, as a share of the alliance's "
            "demand of it (model.md 13), in every scenario; two rows may not cover the same "
            "source, mineral and year",
            (
                Field(
                    "source", Kind.ID, "a source of the Sources sheet", True, refers_to="Sources"
                ),
                Field(
                    "mineral",
                    Kind.ID,
                    "a Minerals row the source has a Sources row for",
                    blank="every mineral the source has a Sources row for",
                    refers_to="Minerals",
                ),
                _year("from_year", "first year of the cap (inclusive)", blank="start_year"),
                _year("to_year", "last year of the cap (inclusive, ≥ from_year)", blank="end_year"),
                Field("max_share", Kind.NUMBER, "share of the alliance's demand", True, **_SHARE),
            ),
            required=False,
        ),
        Sheet(
            SWEEPS_SHEET,
            "sweep definitions for planner sweep (see planner sweep --help); the case ignores it",
            (),
            required=False,
        ),
        Sheet(
            README_SHEET,
            "free text for people; the planner ignores it",
            (),
            required=False,
        ),
    )
}


def find_sheet(name: str) -> Sheet | None:
    """The schema sheet a workbook sheet name stands for (case and surrounding spaces ignored)."""
    return _SHEETS_BY_KEY.get(name.strip().casefold())


_SHEETS_BY_KEY = {name.casefold(): sheet for name, sheet in SHEETS.items()}


# --- Hazards (issue 14): read by `planner scenarios` and `planner evaluate`, rules in
# planner.scenarios.hazards. One appended block, so that the template, its README sheet and the
# docs list the sheet without touching the table above.
HAZARDS_SHEET = "Hazards"
SHEETS[HAZARDS_SHEET] = Sheet(
    HAZARDS_SHEET,
    "export-ban hazards from which planner scenarios samples scenarios; the case ignores it",
    (
        Field(
            "group",
            Kind.ID,
            "rows of one group start their bans in the same year (one decision to ban)",
            blank="the row is its own group",
        ),
        Field("source", Kind.ID, "a source of the Sources sheet", True, refers_to="Sources"),
        Field(
            "mineral",
            Kind.ID,
            "a Minerals row",
            blank="every mineral the source supplies",
            refers_to="Minerals",
        ),
        Field(
            "probability",
            Kind.NUMBER,
            "yearly probability that a ban of the group starts, while none is running "
            "(the same on every row of a group)",
            True,
            **_SHARE,
        ),
        Field(
            "min_duration",
            Kind.WHOLE,
            "shortest ban, whole years",
            True,
            unit="years",
            low=1.0,
        ),
        Field(
            "max_duration",
            Kind.WHOLE,
            "longest ban, whole years (≥ min_duration)",
            blank="min_duration",
            unit="years",
            low=1.0,
        ),
        Field("min_share", Kind.NUMBER, "smallest share of availability lost", True, **_SHARE),
        Field(
            "max_share",
            Kind.NUMBER,
            "largest share lost (≥ min_share)",
            blank="min_share",
            **_SHARE,
        ),
        Field(
            "multiplier",
            Kind.NUMBER,
            "market price multiplier of the mineral while the ban lasts",
            default=1.0,
            low=0.0,
            low_open=True,
        ),
        _year("first_year", "first year a ban may start", blank="start_year"),
    ),
    required=False,
)
_SHEETS_BY_KEY[HAZARDS_SHEET.casefold()] = SHEETS[HAZARDS_SHEET]
