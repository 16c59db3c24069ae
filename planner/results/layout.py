"""The results workbook's layout: every sheet and column with its unit, meaning and display format.

This one table drives the writer (column order, header text, number formats, widths), the Units
sheet that documents the workbook for its readers, and the solution checker (which columns it
reads back), so a column is named, formatted and explained in one place.

A header cell reads `name (unit)` (`inventory (t)`, `strike (USD/t)`), so the unit is in view
without opening the Units sheet; identifiers keep their plain name. Every reader of a workbook
this tool writes finds its columns with `column_key`, which strips the unit again: one rule for
every sheet, and workbooks written before the units were in the headers still read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from planner.costs import COMPONENT_LABELS, COST_COMPONENTS

# Number formats by what a column holds. Values are stored at full precision; these only decide
# what a spreadsheet shows.
TEXT = "@"
YEAR = "0"
COUNT = "#,##0"  # whole numbers only: model sizes
TONNES = "#,##0.00"
USD = "#,##0;-#,##0"  # shown without cents, stored at full precision
USD_PER_T = "#,##0.00"
SHARE = "0.00%"
FRACTION = "0.000000"
SECONDS = "0.00"
MONTHS = "0.0"
# Formats of whole-number columns: their values are written as integers.
WHOLE_FORMATS = (YEAR, COUNT)


# Units the header text leaves out: a year column names a calendar year (`year`, `build_year`
# say what they hold), and a "see unit" column takes its unit, row by row, from a sibling column.
UNITS_NOT_IN_HEADER = frozenset({"", "year", "see unit"})
_UNIT_SUFFIX = re.compile(r"\s+\([^()]*\)$")


def header_text(name: str, unit: str) -> str:
    """The header cell of a column: its name, then its unit in brackets when it has one."""
    return name if unit in UNITS_NOT_IN_HEADER else f"{name} ({unit})"


def column_key(header: object) -> str:
    """The column a header cell names: its text, trimmed, without a trailing ` (unit)`.

    The inverse of `header_text` for every reader, so `inventory (t)` and the plain `inventory`
    of a workbook written before units were in the headers both find the column `inventory`.
    """
    if header is None:
        return ""
    return _UNIT_SUFFIX.sub("", str(header).strip())


def column_positions(header: Iterable[object]) -> dict[str, int]:
    """{column key: position} of a header row (the first position when a key repeats)."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = column_key(cell)
        if key:
            positions.setdefault(key, index)
    return positions


@dataclass(frozen=True)
class Column:
    """One column of a results sheet."""

    name: str
    unit: str
    meaning: str
    number_format: str  # TEXT for text columns, else an Excel number format
    width: int = 0  # characters, at least the header's; 0 = from the header and format

    @property
    def header(self) -> str:
        """The text of the column's header cell: `name (unit)`, or the name alone."""
        return header_text(self.name, self.unit)

    @property
    def is_text(self) -> bool:
        """Whether the column holds text (identifiers, yes/no, messages)."""
        return self.number_format == TEXT

    @property
    def display_width(self) -> int:
        """A width that shows the header and typical values without clipping."""
        typical = self.width or {TEXT: 12, YEAR: 6, USD: 16, TONNES: 13, USD_PER_T: 12}.get(
            self.number_format, 10
        )
        return max(len(self.header) + 2, typical)


@dataclass(frozen=True)
class SheetLayout:
    """One results sheet: its name, what a row is, and its columns in order."""

    name: str
    row: str  # what one row stands for, for the Units sheet
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The column names (the keys tables and readers use), in order."""
        return tuple(column.name for column in self.columns)

    @property
    def headers(self) -> tuple[str, ...]:
        """The header cells as written, in order."""
        return tuple(column.header for column in self.columns)


def _id(name: str, meaning: str) -> Column:
    return Column(name, "", meaning, TEXT)


def _year(name: str = "year", meaning: str = "planning year") -> Column:
    return Column(name, "year", meaning, YEAR)


def _t(name: str, meaning: str) -> Column:
    return Column(name, "t", meaning, TONNES)


def _tpa(name: str, meaning: str) -> Column:
    return Column(name, "t/yr", meaning, TONNES)


def _usd(name: str, meaning: str) -> Column:
    return Column(name, "USD", meaning, USD)


SCENARIO = _id("scenario", "scenario (Scenarios sheet of the input)")
MINERAL = _id("mineral", "mineral (Minerals sheet)")
COUNTRY = _id("country", "alliance member (Countries sheet)")
SITE = _id("site", "refinery site (Sites sheet)")
SOURCE = _id("source", "external source (Sources sheet)")

# Summary: one row per figure. `unit` and `meaning` repeat the Units sheet so that the Summary
# reads on its own; `value` takes the number format of its row (see SUMMARY_FORMATS).
SUMMARY = SheetLayout(
    "Summary",
    "figure of the whole run",
    (
        Column("metric", "", "name of the figure (also the key of the --json object)", TEXT, 26),
        Column("value", "see unit", "the figure", "General", 22),
        Column("unit", "", "unit of the value", TEXT, 10),
        Column("meaning", "", "what the figure is", TEXT, 70),
    ),
)

# The Summary's figures in order: (metric, unit, number format, meaning).
SUMMARY_METRICS: tuple[tuple[str, str, str, str], ...] = (
    (
        "status",
        "",
        TEXT,
        "optimal, time_limit_feasible, infeasible, time_limit_no_solution or solver_error",
    ),
    ("message", "", TEXT, "what the solver said, or why there is no plan"),
    (
        "objective",
        "USD",
        USD,
        "(1 − cvar_weight) · expected_cost + cvar_weight · cvar, constant terms included",
    ),
    ("expected_cost", "USD", USD, "probability-weighted discounted cost over scenarios"),
    (
        "cvar",
        "USD",
        USD,
        "conditional value at risk of the scenario cost at cvar_alpha "
        "(blank when cvar_weight is 0)",
    ),
    (
        "cvar_eta",
        "USD",
        USD,
        "the value-at-risk threshold η of the CVaR term (blank when cvar_weight is 0)",
    ),
    ("cvar_weight", "", FRACTION, "λ, the weight of CVaR in the objective"),
    ("cvar_alpha", "", FRACTION, "α, the CVaR confidence level"),
    (
        "mip_gap",
        "",
        FRACTION,
        "relative gap between the plan and the best bound (0 = proven optimal)",
    ),
    *(
        (
            f"cost_{component}",
            "USD",
            USD,
            f"expected discounted {COMPONENT_LABELS[component]} (a component of expected_cost)",
        )
        for component in COST_COMPONENTS
    ),
    (
        "spend_capex",
        "USD",
        USD,
        "first-stage build spending, undiscounted (counts against the budget)",
    ),
    (
        "spend_stockpile",
        "USD",
        USD,
        "first-stage stockpile purchases at base prices, undiscounted (counts against the budget)",
    ),
    ("budget", "USD", USD, "the budget setting (blank: none)"),
    ("read_seconds", "s", SECONDS, "time spent reading and validating the input"),
    ("build_seconds", "s", SECONDS, "time spent building the model"),
    ("handoff_seconds", "s", SECONDS, "time spent handing the model to HiGHS"),
    ("solve_seconds", "s", SECONDS, "time HiGHS spent solving"),
    ("duals_seconds", "s", SECONDS, "time spent on the marginal cost of coverage"),
    ("diagnose_seconds", "s", SECONDS, "time spent diagnosing an infeasible case"),
    ("columns", "", COUNT, "variables of the model"),
    ("rows", "", COUNT, "constraints of the model"),
    ("nonzeros", "", COUNT, "non-zero coefficients of the model"),
    ("integers", "", COUNT, "binary variables of the model"),
    ("scenarios", "", COUNT, "number of scenarios"),
    ("start_year", "year", YEAR, "first planning year"),
    ("end_year", "year", YEAR, "last planning year"),
    ("input", "", TEXT, "the input workbook or CSV folder"),
    (
        "input_sha256",
        "",
        TEXT,
        "SHA-256 of the input (of its CSV files in name order for a "
        "folder): ties the results to the exact input",
    ),
    ("planner_version", "", TEXT, "version of planner"),
    ("highs_version", "", TEXT, "version of the HiGHS solver"),
)

SITES = SheetLayout(
    "Sites",
    "refinery site",
    (
        SITE,
        COUNTRY,
        MINERAL,
        _id("built", "yes: a new build is planned; existing: only existing capacity; no: neither"),
        _year("build_year", "year the build decision is taken and its capex paid (blank: none)"),
        _tpa("new_capacity", "capacity of the planned build"),
        _year("online_year", "first year the new capacity produces: build_year + lead_time"),
        _usd("capex", "fixed_capex + capex_per_tpa · new_capacity, undiscounted"),
        _tpa(
            "existing_capacity",
            "capacity online without a build, from existing_from (blank: the first planning year)",
        ),
        _tpa("final_capacity", "capacity online in the last planning year"),
    ),
)

CFD = SheetLayout(
    "CfD",
    "contract-for-difference offer",
    (
        _id("offer", "offer (CfD sheet)"),
        _id("group", "offers of one group are rungs of one ladder: at most one is accepted"),
        MINERAL,
        COUNTRY,
        _id("kind", "two_sided or floor"),
        Column("strike", "USD/t", "strike price", USD_PER_T),
        _tpa("volume", "contracted volume while active"),
        _year("start_year", "first active year"),
        _year("end_year", "last active year"),
        _id("accepted", "yes or no"),
        _usd(
            "expected_payment",
            "expected discounted government payment: volume · (strike price "
            "paid − market price); negative when the government receives the difference",
        ),
        _usd(
            "expected_market_value",
            "expected discounted market value of the contracted volume, paid by industry",
        ),
    ),
)

STOCKPILE = SheetLayout(
    "Stockpile",
    "stockpile place (country, mineral) and year",
    (
        COUNTRY,
        MINERAL,
        _year(),
        _t("purchase", "tonnes bought into the stockpile this year (the same in every scenario)"),
        _usd("purchase_cost", "purchase · base price of the year, undiscounted"),
        _t("expected_release", "probability-weighted release this year"),
        _t("expected_inventory", "probability-weighted inventory at the end of the year"),
        _t("min_inventory", "smallest end-of-year inventory over the scenarios"),
        _t("max_inventory", "largest end-of-year inventory over the scenarios"),
        _t("capacity", "the most the place can hold"),
        Column(
            "months_of_demand",
            "months",
            "expected_inventory / (the country's demand of the "
            "year / 12); blank when that demand is 0",
            MONTHS,
        ),
        Column(
            "days_of_demand",
            "days",
            "expected_inventory / (the country's demand of the year / 365); blank when that "
            "demand is 0",
            MONTHS,
        ),
        Column(
            "min_days_of_demand",
            "days",
            "min_inventory / (the country's demand of the year / 365): the days held in the "
            "scenario that holds least; blank when that demand is 0",
            MONTHS,
        ),
        Column(
            "obligation_days",
            "days",
            "Stockpiles.min_days: days of demand to hold from obligation_from (blank: none)",
            MONTHS,
        ),
        _t(
            "obligation",
            "stock the obligation (model.md 12) requires at the end of the year in a scenario "
            "that has not yet disrupted the mineral: obligation_days / 365 · demand (0 before "
            "obligation_from or without an obligation)",
        ),
        _t(
            "min_obligation",
            "the smallest obligation over the scenarios: 0 where a scenario has disrupted the "
            "mineral by this year and so waives it; the Balance sheet has it per scenario",
        ),
    ),
)

BALANCE = SheetLayout(
    "Balance",
    "scenario, mineral, country and year",
    (
        SCENARIO,
        MINERAL,
        COUNTRY,
        _year(),
        _t("demand", "demand"),
        _t("refined", "output of the country's refineries of the mineral"),
        _t("cfd", "volume delivered under accepted CfD offers"),
        _t("released", "release from the country's stockpile"),
        _t("inflow", "tonnes taken from the alliance pool"),
        _t("outflow", "tonnes sent to the alliance pool"),
        _t("shortage", "unmet demand"),
        Column(
            "coverage",
            "share",
            "share of demand met: min(1, (refined + cfd + released + inflow "
            "− outflow) / demand); blank when demand is 0",
            SHARE,
        ),
        _t("inventory", "stockpile inventory at the end of the year (0 without a stockpile)"),
        _t(
            "obligation",
            "stock the obligation (model.md 12) requires at the end of the year in this "
            "scenario: min_days / 365 · demand from obligation_from until the scenario first "
            "disrupts the mineral, else 0",
        ),
    ),
)

SITE_OUTPUT = SheetLayout(
    "SiteOutput",
    "scenario, refinery site and year",
    (
        SCENARIO,
        SITE,
        COUNTRY,
        MINERAL,
        _year(),
        _tpa("online_capacity", "existing capacity plus new capacity past its lead time"),
        _tpa("usable_capacity", "availability · online_capacity: the most the site can refine"),
        _t("output", "tonnes refined"),
    ),
)

EXTERNAL = SheetLayout(
    "External",
    "scenario, external source, mineral and year",
    (
        SCENARIO,
        SOURCE,
        MINERAL,
        _year(),
        _t("available", "what the source can sell after disruptions: (1 − share lost) · available"),
        Column("unit_cost", "USD/t", "price_factor · market price of the scenario", USD_PER_T),
        _t("purchase", "tonnes bought into the alliance pool"),
    ),
)

SUPPLY_CAPS = SheetLayout(
    "SupplyCaps",
    "scenario, capped external source, mineral and year (only where a SupplyCaps row covers it)",
    (
        SCENARIO,
        SOURCE,
        MINERAL,
        _year(),
        _t("supply", "tonnes bought from the source (the External sheet's purchase)"),
        _t("cap", "the most the source may supply: cap_share · alliance_demand (model.md 13)"),
        Column("cap_share", "share", "SupplyCaps share of alliance demand", SHARE),
        _t("alliance_demand", "the alliance's demand of the mineral in the year"),
        Column(
            "share_of_demand",
            "share",
            "supply / alliance_demand; blank when that demand is 0",
            SHARE,
        ),
    ),
)

BUDGETS = SheetLayout(
    "Budgets",
    "alliance member: its first-stage spending against its budget (model.md 16)",
    (
        _id("member", "alliance member (Countries sheet)"),
        _usd("budget", "Countries.budget: the most the member may spend (blank: no cap)"),
        _usd("capex", "fixed_capex + capex_per_tpa · new_capacity of the member's sites"),
        _usd("stockpile", "the member's stockpile purchases at base prices"),
        _usd("spending", "capex + stockpile, undiscounted: what the member's budget caps"),
        _usd("headroom", "budget − spending (blank without a budget)"),
    ),
)

SCENARIO_COSTS = SheetLayout(
    "ScenarioCosts",
    "scenario",
    (
        SCENARIO,
        Column("probability", "", "probability of the scenario", FRACTION),
        _usd("cost", "discounted cost of the plan in the scenario: the sum of the components"),
        *(
            _usd(component, f"discounted {COMPONENT_LABELS[component]}")
            for component in COST_COMPONENTS
        ),
    ),
)

COVERAGE_VALUE = SheetLayout(
    "CoverageValue",
    "scenario, mineral, country and year whose coverage constraint binds",
    (
        SCENARIO,
        MINERAL,
        COUNTRY,
        _year(),
        Column(
            "marginal_cost",
            "USD/t",
            "change of the objective per tonne of extra required "
            "coverage (discounted, probability-weighted; binaries fixed at the plan)",
            USD_PER_T,
            16,
        ),
    ),
)

# How the Tree sheet lists the scenarios of a node (in input order).
SCENARIO_SEPARATOR = ", "

TREE = SheetLayout(
    "Tree",
    "year and node of the scenario tree (model.md 15)",
    (
        _year(),
        _id("node", "the node: scenarios that share their history up to the year"),
        _id(
            "scenarios",
            "the node's scenarios, comma-separated: they cannot be told apart in the year, so the "
            "plan acts alike in them",
        ),
        Column("probability", "", "probability of the node: the sum over its scenarios", FRACTION),
    ),
)

DIAGNOSIS = SheetLayout(
    "Diagnosis",
    "shortfall of an infeasible case (empty when a plan exists)",
    (
        _id(
            "constraint",
            "coverage (10), budget (11), obligation (12), supply_cap (13) or member_budget (16)",
        ),
        SCENARIO,
        MINERAL,
        COUNTRY,
        _id("source", "external source of a supply_cap row (blank for the others)"),
        _year(),
        Column(
            "shortfall",
            "see unit",
            "tonnes of coverage or of stock obligation that cannot be reached, tonnes a supply "
            "cap would have to rise by, or USD the budget (or a member's budget) lacks",
            "#,##0.00",
            16,
        ),
        _id("unit", "t or USD"),
    ),
)

UNITS = SheetLayout(
    "Units",
    "column of a sheet of this workbook",
    (
        _id("sheet", "sheet of this workbook"),
        Column("column", "", "column of that sheet (for Summary: a metric)", TEXT, 24),
        _id("unit", "unit of the column's values"),
        Column("meaning", "", "what the column holds", TEXT, 90),
    ),
)

# Every sheet in workbook order.
SHEETS: tuple[SheetLayout, ...] = (
    SUMMARY,
    SITES,
    CFD,
    STOCKPILE,
    BALANCE,
    SITE_OUTPUT,
    EXTERNAL,
    SUPPLY_CAPS,
    BUDGETS,
    SCENARIO_COSTS,
    COVERAGE_VALUE,
    TREE,
    DIAGNOSIS,
    UNITS,
)

# An .xlsx sheet holds at most 1,048,576 rows; longer tables continue on `<name> 2`, `<name> 3`...
MAX_DATA_ROWS = 1_048_575


def continuation_name(name: str, part: int) -> str:
    """The name of part `part` (1-based) of a sheet split over several worksheets."""
    return name if part == 1 else f"{name} {part}"
