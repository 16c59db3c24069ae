"""Every rule of spec/workbook.md: a violating input gives an issue at the right sheet, row and
column, with the right severity.

Each case starts from the template's worked example (valid, without warnings) and breaks one
thing. Row numbers are the example's spreadsheet rows (row 2 is the first data row), e.g.
Settings row 3 is end_year and Sites row 3 is "Texas separation plant" (min 1000, max 5000,
lead time 3).
"""

from __future__ import annotations

import pytest

from planner.errors import InputError
from planner.io import RawRow, RawSheet, RawWorkbook
from planner.validate import case_from_raw
from tests.input.input_workbooks import Change, cell, example, find_issue, issues_of

NDPR, GA = "NdPr oxide", "Gallium"
US = "United States"


def _drop_sheet(name: str) -> Change:
    return lambda raw: raw.sheets.pop(name) and None


def _replace_sheet(sheet: RawSheet) -> Change:
    return lambda raw: raw.sheets.__setitem__(sheet.name, sheet)


def _append(sheet: str, values: dict[str, object]) -> Change:
    return lambda raw: raw.sheet(sheet).append(values) and None


def _drop_row(sheet: str, number: int) -> Change:
    def change(raw: RawWorkbook) -> None:
        rows = raw.sheet(sheet).rows
        rows.remove(raw.sheet(sheet).row(number))

    return change


def _clear_rows(sheet: str) -> Change:
    return lambda raw: raw.sheet(sheet).rows.clear()


def _rename_column(sheet: str, old: str, new: str) -> Change:
    def change(raw: RawWorkbook) -> None:
        raw_sheet = raw.sheet(sheet)
        index = raw_sheet.column_index(old)
        assert index is not None
        raw_sheet.header[index] = new

    return change


def _both(*changes: Change) -> Change:
    def change(raw: RawWorkbook) -> None:
        for each in changes:
            each(raw)

    return change


E, W = "error", "warning"


def _cap_without_supply(raw: RawWorkbook) -> None:
    raw.sheet("Sources").rows.pop()  # Rest of world no longer supplies Gallium
    raw.sheet("SupplyCaps").append(
        {"source": "Rest of world", "mineral": "Gallium", "max_share": 0.5}
    )


# (id, change, (severity, sheet, row, column, text in the message))
RULES = [
    # --- sheets and headers ---
    *(
        (f"missing-{name}", _drop_sheet(name), (E, name, None, "", "required sheet is missing"))
        for name in (
            "Settings",
            "Minerals",
            "Countries",
            "Demand",
            "Sources",
            "Sites",
            "CfD",
            "Stockpiles",
        )
    ),
    (
        "unknown-sheet",
        _replace_sheet(RawSheet("Notes", ["note"], [RawRow(2, ["hello"])])),
        (W, "Notes", None, "", "unknown sheet, ignored"),
    ),
    (
        "unknown-sheet-suggestion",
        _replace_sheet(RawSheet("Stockpile", ["note"])),
        (W, "Stockpile", None, "", "did you mean 'Stockpiles'?"),
    ),
    (
        "second-sheet-same-name",
        _replace_sheet(RawSheet("countries", ["country"], [RawRow(2, ["France"])])),
        (E, "countries", None, "", "a second Countries sheet"),
    ),
    ("empty-sheet", _replace_sheet(RawSheet("CfD")), (E, "CfD", 1, "", "the sheet is empty")),
    (
        "blank-header-row",
        _replace_sheet(RawSheet("Countries", [], [RawRow(2, ["Japan"])])),
        (E, "Countries", 1, "", "row 1 is blank"),
    ),
    (
        "unknown-column",
        _both(_rename_column("Sites", "availability", "avail"), cell("Sites", 2, "avail", 1)),
        (W, "Sites", 1, "avail", "unknown column, ignored"),
    ),
    (
        "unknown-column-suggestion",
        _rename_column("Countries", "shipping_cost", "shiping_cost"),
        (W, "Countries", 1, "shiping_cost", "did you mean 'shipping_cost'?"),
    ),
    (
        "missing-required-column",
        _rename_column("CfD", "strike", "strike_price"),
        (E, "CfD", 1, "strike", "required column is missing"),
    ),
    (
        "duplicate-column",
        _both(lambda raw: raw.sheet("Countries").header.append(" Country ")),
        (E, "Countries", 1, "Country", "the column appears twice"),
    ),
    (
        "nameless-column-with-data",
        lambda raw: raw.sheet("Countries").row(2).put(5, "x"),
        (W, "Countries", 1, "column F", "column without a name, ignored"),
    ),
    # --- Settings ---
    (
        "start-year-missing",
        _drop_row("Settings", 2),
        (E, "Settings", None, "setting", "start_year is missing"),
    ),
    (
        "start-year-blank",
        cell("Settings", 2, "value", None),
        (E, "Settings", 2, "value", "start_year is required"),
    ),
    (
        "start-year-fraction",
        cell("Settings", 2, "value", 2025.5),
        (E, "Settings", 2, "value", "must be a year"),
    ),
    (
        "end-before-start",
        cell("Settings", 3, "value", 2020),
        (E, "Settings", 3, "value", "end_year must be ≥ start_year (found 2020 < 2026)"),
    ),
    (
        "discount-negative",
        cell("Settings", 4, "value", -0.1),
        (E, "Settings", 4, "value", "discount_rate must be ≥ 0 (found -0.1)"),
    ),
    (
        "budget-negative",
        cell("Settings", 5, "value", -5),
        (E, "Settings", 5, "value", "budget must be ≥ 0"),
    ),
    (
        "budget-text",
        cell("Settings", 5, "value", "lots"),
        (E, "Settings", 5, "value", "budget not a number (found 'lots')"),
    ),
    (
        "terminal-fraction-above-1",
        cell("Settings", 6, "value", 1.5),
        (E, "Settings", 6, "value", "must be in [0, 1] (found 1.5)"),
    ),
    (
        "cvar-weight-above-1",
        cell("Settings", 7, "value", 2),
        (E, "Settings", 7, "value", "must be in [0, 1]"),
    ),
    (
        "cvar-alpha-1",
        cell("Settings", 8, "value", 1),
        (E, "Settings", 8, "value", "cvar_alpha must be in [0, 1) (found 1)"),
    ),
    ("mip-gap-negative", cell("Settings", 9, "value", -1), (E, "Settings", 9, "value", "≥ 0")),
    (
        "time-limit-zero",
        cell("Settings", 10, "value", 0),
        (E, "Settings", 10, "value", "time_limit must be > 0 (found 0)"),
    ),
    (
        "unknown-setting",
        _append("Settings", {"setting": "discount", "value": 0.1}),
        (W, "Settings", 11, "setting", "unknown setting 'discount', ignored (did you mean"),
    ),
    (
        "duplicate-setting",
        _append("Settings", {"setting": "Budget", "value": 5}),
        (E, "Settings", 11, "setting", "'budget' is already set in row 5"),
    ),
    # --- Minerals ---
    (
        "price-zero",
        cell("Minerals", 2, "price", 0),
        (E, "Minerals", 2, "price", "must be > 0 (found 0)"),
    ),
    (
        "price-blank",
        cell("Minerals", 3, "price", None),
        (E, "Minerals", 3, "price", "required, but blank"),
    ),
    (
        "shortage-penalty-blank",
        cell("Minerals", 2, "shortage_penalty", None),
        (E, "Minerals", 2, "shortage_penalty", "required, but blank"),
    ),
    (
        "shortage-penalty-negative",
        cell("Minerals", 2, "shortage_penalty", -1),
        (E, "Minerals", 2, "shortage_penalty", "must be ≥ 0"),
    ),
    (
        "coverage-above-1",
        cell("Minerals", 2, "coverage", 1.5),
        (E, "Minerals", 2, "coverage", "must be in [0, 1] (found 1.5)"),
    ),
    (
        "holding-cost-negative",
        cell("Minerals", 3, "holding_cost", -1),
        (E, "Minerals", 3, "holding_cost", "must be ≥ 0"),
    ),
    (
        "max-purchase-negative",
        cell("Minerals", 3, "max_purchase", -1),
        (E, "Minerals", 3, "max_purchase", "must be ≥ 0"),
    ),
    (
        "duplicate-mineral",
        cell("Minerals", 3, "mineral", NDPR),
        (E, "Minerals", 3, "mineral", "'NdPr oxide' is already used in row 2"),
    ),
    ("no-minerals", _clear_rows("Minerals"), (E, "Minerals", None, "", "the sheet has no rows")),
    # --- Prices ---
    (
        "price-unknown-mineral",
        cell("Prices", 2, "mineral", "Galium"),
        (E, "Prices", 2, "mineral", "no Minerals row named 'Galium' (did you mean 'Gallium'?)"),
    ),
    (
        "price-duplicate-year",
        cell("Prices", 3, "year", 2026),
        (E, "Prices", 3, "", "same mineral 'Gallium', year 2026 as row 2"),
    ),
    (
        "price-year-outside-horizon",
        cell("Prices", 2, "year", 2040),
        (W, "Prices", 2, "year", "2040 is outside the planning years 2026–2035"),
    ),
    ("price-row-negative", cell("Prices", 2, "price", -1), (E, "Prices", 2, "price", "> 0")),
    (
        "price-year-blank",
        cell("Prices", 2, "year", None),
        (E, "Prices", 2, "year", "required, but blank"),
    ),
    # --- Countries ---
    (
        "shipping-negative",
        cell("Countries", 2, "shipping_cost", -1),
        (E, "Countries", 2, "shipping_cost", "must be ≥ 0 (found -1)"),
    ),
    (
        "duplicate-country",
        cell("Countries", 4, "country", "Japan"),
        (E, "Countries", 4, "country", "'Japan' is already used in row 3"),
    ),
    (
        "no-countries",
        _clear_rows("Countries"),
        (E, "Countries", None, "", "the sheet has no rows"),
    ),
    # --- Demand ---
    (
        "demand-unknown-country",
        cell("Demand", 2, "country", "USA"),
        (E, "Demand", 2, "country", "no Countries row named 'USA'"),
    ),
    (
        "demand-country-case",
        cell("Demand", 4, "country", "japan"),
        (E, "Demand", 4, "country", "(did you mean 'Japan'?)"),
    ),
    (
        "demand-unknown-mineral",
        cell("Demand", 6, "mineral", "Germanium"),
        (E, "Demand", 6, "mineral", "no Minerals row named 'Germanium'"),
    ),
    (
        "demand-duplicate-year",
        _append("Demand", {"mineral": NDPR, "country": US, "year": 2030, "demand": 1}),
        (E, "Demand", 9, "", "year 2030 as row 3; each combination may appear once"),
    ),
    (
        "demand-duplicate-blank-year",
        _append("Demand", {"mineral": NDPR, "country": US, "demand": 1}),
        (E, "Demand", 9, "", "year blank as row 2"),
    ),
    (
        "demand-negative",
        cell("Demand", 5, "demand", -5),
        (E, "Demand", 5, "demand", "must be ≥ 0 (found -5)"),
    ),
    (
        "demand-blank",
        cell("Demand", 5, "demand", None),
        (E, "Demand", 5, "demand", "required, but blank"),
    ),
    (
        "demand-year-outside",
        cell("Demand", 3, "year", 2050),
        (W, "Demand", 3, "year", "outside the planning years"),
    ),
    (
        "demand-year-not-year",
        cell("Demand", 3, "year", "next year"),
        (E, "Demand", 3, "year", "must be a year from 1900 to 2200 (found 'next year')"),
    ),
    # --- Sources ---
    (
        "available-negative",
        cell("Sources", 2, "available", -1),
        (E, "Sources", 2, "available", "must be ≥ 0"),
    ),
    (
        "available-blank-every-year-row",
        cell("Sources", 2, "available", None),
        (E, "Sources", 2, "available", "required, but blank"),
    ),
    (
        "available-blank-without-base",
        _append("Sources", {"source": "Recycling", "mineral": NDPR, "year": 2030}),
        (E, "Sources", 7, "available", "no blank-year row for (Recycling, NdPr oxide)"),
    ),
    (
        "price-factor-negative",
        cell("Sources", 3, "price_factor", -1),
        (E, "Sources", 3, "price_factor", "must be ≥ 0"),
    ),
    (
        "source-unknown-mineral",
        cell("Sources", 5, "mineral", "Galium"),
        (E, "Sources", 5, "mineral", "no Minerals row named 'Galium'"),
    ),
    (
        "source-duplicate",
        cell("Sources", 4, "year", None),
        (E, "Sources", 4, "", "as row 3"),
    ),
    (
        "source-blank",
        cell("Sources", 2, "source", "  "),
        (E, "Sources", 2, "source", "required, but blank"),
    ),
    # --- Sites ---
    (
        "site-unknown-country",
        cell("Sites", 2, "country", "US"),
        (E, "Sites", 2, "country", "no Countries row named 'US'"),
    ),
    (
        "site-unknown-mineral",
        cell("Sites", 5, "mineral", "Ga"),
        (E, "Sites", 5, "mineral", "no Minerals row named 'Ga'"),
    ),
    (
        "site-min-above-max",
        cell("Sites", 3, "min_capacity", 6000),
        (E, "Sites", 3, "min_capacity", "must be ≤ max_capacity (found 6000 > 5000)"),
    ),
    (
        "lead-time-fraction",
        cell("Sites", 3, "lead_time", 1.5),
        (E, "Sites", 3, "lead_time", "must be a whole number (found 1.5)"),
    ),
    (
        "lead-time-negative",
        cell("Sites", 3, "lead_time", -1),
        (E, "Sites", 3, "lead_time", "must be ≥ 0"),
    ),
    (
        "availability-zero",
        cell("Sites", 3, "availability", 0),
        (E, "Sites", 3, "availability", "must be in (0, 1] (found 0)"),
    ),
    (
        "availability-above-1",
        cell("Sites", 3, "availability", 1.2),
        (E, "Sites", 3, "availability", "in (0, 1]"),
    ),
    (
        "earliest-year-text",
        cell("Sites", 3, "earliest_year", "soon"),
        (E, "Sites", 3, "earliest_year", "must be a year"),
    ),
    (
        "capex-negative",
        cell("Sites", 3, "capex_per_tpa", -1),
        (E, "Sites", 3, "capex_per_tpa", "must be ≥ 0"),
    ),
    (
        "site-blank-name",
        cell("Sites", 3, "site", None),
        (E, "Sites", 3, "site", "required, but blank"),
    ),
    (
        "duplicate-site",
        cell("Sites", 3, "site", "Mountain Pass"),
        (E, "Sites", 3, "site", "'Mountain Pass' is already used in row 2"),
    ),
    (
        "site-cannot-be-built-in-time",
        cell("Sites", 3, "earliest_year", 2034),
        (W, "Sites", 3, "earliest_year", "no build can start in time"),
    ),
    (
        "site-without-effect",
        cell("Sites", 2, "existing_capacity", 0),
        (W, "Sites", 2, "max_capacity", "has no effect"),
    ),
    (
        "existing-capacity-never-online",
        cell("Sites", 2, "existing_from", 2041),
        (W, "Sites", 2, "existing_from", "never online: 2041 is after the last planning year"),
    ),
    # --- CfD ---
    ("volume-zero", cell("CfD", 2, "volume", 0), (E, "CfD", 2, "volume", "must be > 0")),
    ("strike-blank", cell("CfD", 2, "strike", None), (E, "CfD", 2, "strike", "required")),
    ("strike-negative", cell("CfD", 2, "strike", -1), (E, "CfD", 2, "strike", "must be ≥ 0")),
    (
        "offer-start-after-end",
        cell("CfD", 5, "start_year", 2034),
        (E, "CfD", 5, "end_year", "must be ≥ start_year (found 2033 < 2034)"),
    ),
    (
        "offer-kind-unknown",
        cell("CfD", 3, "kind", "collar"),
        (E, "CfD", 3, "kind", "must be one of two_sided, floor (found 'collar')"),
    ),
    (
        "offer-unknown-country",
        cell("CfD", 3, "country", "Korea"),
        (E, "CfD", 3, "country", "no Countries row named 'Korea'"),
    ),
    (
        "offer-unknown-mineral",
        cell("CfD", 3, "mineral", "Nickel"),
        (E, "CfD", 3, "mineral", "no Minerals row named 'Nickel'"),
    ),
    (
        "duplicate-offer",
        cell("CfD", 4, "offer", "NdPr rung 1"),
        (E, "CfD", 4, "offer", "already used in row 3"),
    ),
    (
        "offer-never-active",
        _both(cell("CfD", 5, "start_year", 2040), cell("CfD", 5, "end_year", 2045)),
        (W, "CfD", 5, "start_year", "delivers in no planning year (2026–2035)"),
    ),
    # --- Stockpiles ---
    (
        "initial-above-capacity",
        cell("Stockpiles", 5, "initial", 60),
        (E, "Stockpiles", 5, "initial", "must be ≤ capacity (found 60 > 50)"),
    ),
    (
        "duplicate-stockpile",
        cell("Stockpiles", 5, "mineral", NDPR),
        (E, "Stockpiles", 5, "", "same country 'United States', mineral 'NdPr oxide' as row 2"),
    ),
    (
        "stockpile-unknown-country",
        cell("Stockpiles", 4, "country", "Nippon"),
        (E, "Stockpiles", 4, "country", "no Countries row named 'Nippon'"),
    ),
    (
        "stockpile-capacity-blank",
        cell("Stockpiles", 4, "capacity", None),
        (E, "Stockpiles", 4, "capacity", "required, but blank"),
    ),
    (
        "max-release-negative",
        cell("Stockpiles", 4, "max_release", -3),
        (E, "Stockpiles", 4, "max_release", "must be ≥ 0"),
    ),
    # --- Scenarios ---
    (
        "probabilities-sum",
        cell("Scenarios", 2, "probability", 0.5),
        (E, "Scenarios", None, "probability", "must sum to 1 (found 0.9;"),
    ),
    (
        "probability-above-1",
        cell("Scenarios", 2, "probability", 1.2),
        (E, "Scenarios", 2, "probability", "must be in [0, 1]"),
    ),
    (
        "probability-negative",
        cell("Scenarios", 2, "probability", -0.1),
        (E, "Scenarios", 2, "probability", "must be in [0, 1]"),
    ),
    (
        # A header without rows is no sheet: the one scenario base, which the example's other
        # scenarios then fail to name.
        "scenarios-without-rows-is-base-only",
        _clear_rows("Scenarios"),
        (E, "Disruptions", 3, "scenario", "no Scenarios row named 'export controls'"),
    ),
    (
        "duplicate-scenario",
        cell("Scenarios", 4, "scenario", "base"),
        (E, "Scenarios", 4, "scenario", "'base' is already used in row 2"),
    ),
    # --- Disruptions ---
    (
        "share-lost-above-1",
        cell("Disruptions", 3, "share_lost", 1.5),
        (E, "Disruptions", 3, "share_lost", "must be in [0, 1]"),
    ),
    (
        "share-lost-blank",
        cell("Disruptions", 3, "share_lost", None),
        (E, "Disruptions", 3, "share_lost", "required, but blank"),
    ),
    (
        "disruption-source-blank",
        cell("Disruptions", 3, "source", None),
        (E, "Disruptions", 3, "source", "required, but blank"),
    ),
    (
        "disruption-from-after-to",
        cell("Disruptions", 4, "from_year", 2032),
        (E, "Disruptions", 4, "to_year", "must be ≥ from_year (found 2031 < 2032)"),
    ),
    (
        "disruption-overlap",
        cell("Disruptions", 5, "from_year", 2031),
        (E, "Disruptions", 5, "", "overlaps row 4: both cover (scenario 'embargo', source"),
    ),
    (
        "disruption-overlap-with-every-scenario-row",
        _append(
            "Disruptions",
            {
                "scenario": "base",
                "source": "China",
                "mineral": GA,
                "from_year": 2027,
                "to_year": 2027,
                "share_lost": 0.1,
            },
        ),
        (
            E,
            "Disruptions",
            6,
            "",
            "overlaps row 2: both cover (scenario 'base', source 'China', mineral 'Gallium', "
            "year 2027)",
        ),
    ),
    (
        "disruption-unknown-scenario",
        cell("Disruptions", 3, "scenario", "export control"),
        (E, "Disruptions", 3, "scenario", "(did you mean 'export controls'?)"),
    ),
    (
        "disruption-unknown-source",
        cell("Disruptions", 3, "source", "PRC"),
        (E, "Disruptions", 3, "source", "no Sources row named 'PRC'"),
    ),
    (
        "disruption-unknown-mineral",
        cell("Disruptions", 2, "mineral", "Germanium"),
        (E, "Disruptions", 2, "mineral", "no Minerals row named 'Germanium'"),
    ),
    (
        "disruption-without-scenarios-sheet",
        _drop_sheet("Scenarios"),
        (E, "Disruptions", 3, "scenario", "no Scenarios row named 'export controls'"),
    ),
    (
        "disruption-covers-no-year",
        _both(cell("Disruptions", 2, "from_year", 2040), cell("Disruptions", 2, "to_year", 2041)),
        (W, "Disruptions", 2, "from_year", "covers no planning year (2026–2035); it is ignored"),
    ),
    # --- PriceShocks ---
    (
        "multiplier-zero",
        cell("PriceShocks", 2, "multiplier", 0),
        (E, "PriceShocks", 2, "multiplier", "must be > 0 (found 0)"),
    ),
    (
        "multiplier-blank",
        cell("PriceShocks", 2, "multiplier", None),
        (E, "PriceShocks", 2, "multiplier", "required, but blank"),
    ),
    (
        "shock-overlap",
        cell("PriceShocks", 4, "from_year", 2030),
        (E, "PriceShocks", 4, "", "overlaps row 3: both cover (scenario 'embargo', mineral"),
    ),
    (
        "shock-from-after-to",
        cell("PriceShocks", 3, "to_year", 2028),
        (E, "PriceShocks", 3, "to_year", "must be ≥ from_year (found 2028 < 2029)"),
    ),
    (
        "shock-unknown-mineral",
        cell("PriceShocks", 2, "mineral", "NdPr"),
        (E, "PriceShocks", 2, "mineral", "no Minerals row named 'NdPr'"),
    ),
    (
        "shock-unknown-scenario",
        cell("PriceShocks", 2, "scenario", "crisis"),
        (E, "PriceShocks", 2, "scenario", "no Scenarios row named 'crisis'"),
    ),
    # --- revision 3: Countries.shares_stock and budget ---
    (
        "shares-stock-not-yes-or-no",
        cell("Countries", 3, "shares_stock", "maybe"),
        (E, "Countries", 3, "shares_stock", "must be one of yes, no (found 'maybe')"),
    ),
    (
        "country-budget-negative",
        cell("Countries", 4, "budget", -5),
        (E, "Countries", 4, "budget", "must be ≥ 0 (found -5)"),
    ),
    (
        "country-budget-percent",
        cell("Countries", 4, "budget", "20%"),
        (E, "Countries", 4, "budget", "a percentage where money is expected"),
    ),
    # --- revision 3: Stockpiles.min_days and obligation_from ---
    (
        "min-days-negative",
        cell("Stockpiles", 3, "min_days", -1),
        (E, "Stockpiles", 3, "min_days", "must be ≥ 0 (found -1)"),
    ),
    (
        "obligation-from-not-a-year",
        cell("Stockpiles", 3, "obligation_from", "soon"),
        (E, "Stockpiles", 3, "obligation_from", "must be a year from 1900 to 2200"),
    ),
    (
        # 365 days of Japan's 7000 t/yr of NdPr is 7000 t > capacity 6000 t, from 2028 on.
        "obligation-above-capacity",
        cell("Stockpiles", 3, "min_days", 365),
        (E, "Stockpiles", 3, "min_days", "needs more than the capacity in 2028"),
    ),
    # --- revision 3: SupplyCaps ---
    (
        "cap-share-above-1",
        cell("SupplyCaps", 2, "max_share", 1.5),
        (E, "SupplyCaps", 2, "max_share", "must be in [0, 1] (found 1.5)"),
    ),
    (
        "cap-unknown-source",
        cell("SupplyCaps", 2, "source", "Chna"),
        (E, "SupplyCaps", 2, "source", "no Sources row named 'Chna' (did you mean 'China'?)"),
    ),
    (
        "cap-source-without-that-mineral",
        _cap_without_supply,
        (E, "SupplyCaps", 3, "mineral", "'Rest of world' has no Sources row for 'Gallium'"),
    ),
    (
        "cap-from-after-to",
        cell("SupplyCaps", 2, "to_year", 2029),
        (E, "SupplyCaps", 2, "to_year", "must be ≥ from_year (found 2029 < 2030)"),
    ),
    (
        "cap-overlap",
        lambda raw: (
            raw.sheet("SupplyCaps").append({"source": "China", "from_year": 2034, "max_share": 0.5})
            and None
        ),
        (E, "SupplyCaps", 3, "", "overlaps row 2: both cover (source 'China', mineral "),
    ),
    (
        "cap-unknown-mineral",
        cell("SupplyCaps", 2, "mineral", "Cobalt"),
        (E, "SupplyCaps", 2, "mineral", "no Minerals row named 'Cobalt'"),
    ),
    # --- plausible bounds and number forms ---
    (
        "tonnes-implausibly-large",
        cell("Demand", 2, "demand", 1e100),
        (E, "Demand", 2, "demand", "must be at most 1e10 t/yr (found 1e+100)"),
    ),
    (
        "price-implausibly-large",
        cell("Minerals", 2, "price", 1e308),
        (E, "Minerals", 2, "price", "must be at most 1e12 USD/t"),
    ),
    (
        "money-implausibly-large",
        cell("Sites", 3, "fixed_capex", "1e16"),
        (E, "Sites", 3, "fixed_capex", "must be at most 1e15 USD"),
    ),
    (
        "number-with-underscore",
        cell("Demand", 2, "demand", "6_5000"),
        (E, "Demand", 2, "demand", "not a number (found '6_5000')"),
    ),
    (
        "number-in-full-width-digits",
        cell("Demand", 2, "demand", "６５０００"),
        (E, "Demand", 2, "demand", "not a number (found '６５０００')"),
    ),
    (
        "number-nan-text",
        cell("Demand", 2, "demand", "NaN"),
        (E, "Demand", 2, "demand", "must be a finite number"),
    ),
    (
        "budget-words-say-how-to-write-it",
        cell("Settings", 5, "value", "12 bn"),
        (E, "Settings", 5, "value", "write e.g. 12e9 or 12,000,000,000 (USD)"),
    ),
    (
        "budget-as-percent",
        cell("Settings", 5, "value", "80%"),
        (E, "Settings", 5, "value", "budget a percentage where money is expected"),
    ),
    (
        # The cheapest candidate build is Japan gallium recovery: 30e6 + 800,000 × 10 = 38e6 USD.
        "budget-typed-in-billions",
        cell("Settings", 5, "value", 12),
        (W, "Settings", 5, "value", "did you mean 12e9 (12 billion USD)?"),
    ),
    (
        "identifier-with-escape",
        cell("Countries", 3, "country", "Jap\x1ban"),
        (E, "Countries", 3, "country", "holds a control character (U+001B"),
    ),
    (
        "identifier-with-nul",
        cell("Minerals", 3, "mineral", "Gal\x00lium"),
        (E, "Minerals", 3, "mineral", "holds a control character (U+0000"),
    ),
    # --- cells ---
    (
        "number-with-decimal-comma",
        cell("Countries", 2, "shipping_cost", "1,2"),
        (E, "Countries", 2, "shipping_cost", "use a point for decimals"),
    ),
    (
        "number-text",
        cell("Countries", 2, "shipping_cost", "cheap"),
        (E, "Countries", 2, "shipping_cost", "not a number (found 'cheap')"),
    ),
    (
        "number-infinite",
        cell("Countries", 2, "shipping_cost", "inf"),
        (E, "Countries", 2, "shipping_cost", "must be a finite number"),
    ),
    (
        "number-boolean",
        cell("Countries", 2, "shipping_cost", "TRUE"),
        (E, "Countries", 2, "shipping_cost", "not a number (found 'TRUE')"),
    ),
    (
        "percent-out-of-range",
        cell("Minerals", 2, "coverage", "120%"),
        (E, "Minerals", 2, "coverage", "must be in [0, 1] (found '120%')"),
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [pytest.param(change, expected, id=name) for name, change, expected in RULES],
)
def test_rule_reports_issue_at_its_place(change: Change, expected: tuple) -> None:
    raw = example()
    change(raw)
    issues = issues_of(raw)
    found = find_issue(issues, *expected)
    assert found is not None, "\n".join(str(i) for i in issues)
    if expected[0] == "error":
        with pytest.raises(InputError):
            case_from_raw(raw)
    else:
        assert all(issue.severity == "warning" for issue in issues), issues


def test_example_is_valid_without_warnings() -> None:
    case, warnings = case_from_raw(example())
    assert warnings == []
    assert len(case.scenarios) == 3


def test_all_errors_are_reported_at_once_in_sheet_and_row_order() -> None:
    raw = example()
    cell("Stockpiles", 5, "initial", 60)(raw)
    cell("Minerals", 3, "price", -1)(raw)
    cell("Sites", 3, "availability", 2)(raw)
    cell("Minerals", 2, "coverage", 7)(raw)
    with pytest.raises(InputError) as caught:
        case_from_raw(raw)
    places = [(i.sheet, i.row, i.column) for i in caught.value.errors]
    assert places == [
        ("Minerals", 2, "coverage"),
        ("Minerals", 3, "price"),
        ("Sites", 3, "availability"),
        ("Stockpiles", 5, "initial"),
    ]


def test_issue_text_names_sheet_row_column_problem_and_finding() -> None:
    raw = example()
    cell("Sites", 3, "min_capacity", 6000)(raw)
    with pytest.raises(InputError) as caught:
        case_from_raw(raw)
    assert [str(i) for i in caught.value.errors] == [
        "Sites!3, min_capacity: must be ≤ max_capacity (found 6000 > 5000)"
    ]
    assert "1 error, 0 warnings" in caught.value.report()


def test_probabilities_within_tolerance_are_accepted() -> None:
    raw = example()
    cell("Scenarios", 2, "probability", 0.6 + 5e-7)(raw)
    case, _ = case_from_raw(raw)
    assert case.scenarios["base"].probability == pytest.approx(0.6000005)


def test_warnings_do_not_stop_the_case() -> None:
    raw = example()
    cell("Demand", 3, "year", 2050)(raw)
    case, warnings = case_from_raw(raw)
    assert [w.severity for w in warnings] == ["warning"]
    # The 2030 override is ignored, so the every-year row applies in 2030.
    assert case.demand[NDPR, US, 2030] == 8000


def test_disruption_of_a_pair_without_supply_warns() -> None:
    raw = example()
    raw.sheet("Sources").rows.pop()  # Rest of world no longer supplies Gallium
    raw.sheet("Disruptions").append({"source": "Rest of world", "mineral": GA, "share_lost": 0.1})
    case, warnings = case_from_raw(raw)
    assert find_issue(warnings, "warning", "Disruptions", 6, "mineral", "has no effect")
    assert not any(key[1] == "Rest of world" and key[2] == GA for key in case.share_lost)


def test_semicolon_separated_csv_gets_a_hint() -> None:
    raw = example()
    _replace_sheet(RawSheet("Countries", ["country;shipping_cost"], [RawRow(2, ["R;5"])]))(raw)
    issues = issues_of(raw)
    assert find_issue(issues, "error", "Countries", 1, "country", "required column is missing")
    assert find_issue(
        issues, "warning", "Countries", 1, "country;shipping_cost", "separated by semicolons"
    )
