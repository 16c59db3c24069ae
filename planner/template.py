"""`planner template`: a new input with every sheet, a README sheet from the schema, and an example.

The example is small enough to read in a minute and solve in a second, and it exercises every
feature of the workbook: an existing refinery and candidate builds, a CfD ladder with a floor and
two-sided rungs, stockpiles with a stock obligation (Japan holds 30 days of NdPr demand from
2028), a member with its own budget that keeps its releases to itself (Australia), a year row
overriding an every-year row, a disruption that is certain (blank scenario), scenario-specific cuts
and price shocks, and a cap on one source's share (China: at most 80 % of the alliance's NdPr
demand from 2030). Its figures are illustrative orders of
magnitude, not market data.
"""

from __future__ import annotations

import os

from planner.io import RawSheet, RawWorkbook, write_raw
from planner.io.raw import Value
from planner.schema import README_SHEET, SETTINGS, SETTINGS_SHEET, SHEETS, Field, Sheet

NDPR = "NdPr oxide"
GALLIUM = "Gallium"
US, JAPAN, AUSTRALIA = "United States", "Japan", "Australia"
CHINA, REST = "China", "Rest of world"

# Example rows per sheet, as {column: value}; columns left out are blank (their default).
_EXAMPLE: dict[str, list[dict[str, Value]]] = {
    SETTINGS_SHEET: [
        {"setting": "start_year", "value": 2026},
        {"setting": "end_year", "value": 2035},
        {"setting": "discount_rate", "value": 0.05},
        {"setting": "budget", "value": 1_200_000_000},
        {"setting": "terminal_value_fraction", "value": 1},
        {"setting": "cvar_weight", "value": 0},
        {"setting": "cvar_alpha", "value": 0.95},
        {"setting": "mip_gap", "value": 0.0001},
        {"setting": "time_limit", "value": 300},
    ],
    "Minerals": [
        {
            "mineral": NDPR,
            "unit": "t of NdPr oxide",
            "price": 65_000,
            "holding_cost": 1_500,
            "shortage_penalty": 400_000,
            "coverage": 0.5,
            "max_purchase": 3_000,
        },
        {
            "mineral": GALLIUM,
            "unit": "t of gallium metal",
            "price": 400_000,
            "holding_cost": 8_000,
            "shortage_penalty": 3_000_000,
            "coverage": 0.5,
            "max_purchase": 30,
        },
    ],
    "Prices": [
        {"mineral": GALLIUM, "year": 2026, "price": 500_000},
        {"mineral": GALLIUM, "year": 2027, "price": 450_000},
    ],
    "Countries": [
        {"country": US, "shipping_cost": 200, "shares_stock": "yes"},
        {"country": JAPAN, "shipping_cost": 300},
        {
            "country": AUSTRALIA,
            "shipping_cost": 250,
            "shares_stock": "no",
            "budget": 600_000_000,
        },
    ],
    "Demand": [
        {"mineral": NDPR, "country": US, "demand": 8_000},
        {"mineral": NDPR, "country": US, "year": 2030, "demand": 9_500},
        {"mineral": NDPR, "country": JAPAN, "demand": 7_000},
        {"mineral": NDPR, "country": AUSTRALIA, "demand": 400},
        {"mineral": GALLIUM, "country": US, "demand": 25},
        {"mineral": GALLIUM, "country": JAPAN, "demand": 60},
        {"mineral": GALLIUM, "country": AUSTRALIA, "demand": 2},
    ],
    "Sources": [
        {"source": CHINA, "mineral": NDPR, "available": 30_000, "price_factor": 1.0},
        {"source": REST, "mineral": NDPR, "available": 2_500, "price_factor": 1.15},
        {"source": REST, "mineral": NDPR, "year": 2032, "available": 4_000},
        {"source": CHINA, "mineral": GALLIUM, "available": 400, "price_factor": 1.0},
        {"source": REST, "mineral": GALLIUM, "available": 25, "price_factor": 1.3},
    ],
    "Sites": [
        {
            "site": "Mountain Pass",
            "country": US,
            "mineral": NDPR,
            "existing_capacity": 1_500,
            "fixed_om_per_tpa": 3_000,
            "variable_cost": 25_000,
            "availability": 0.9,
        },
        {
            "site": "Texas separation plant",
            "country": US,
            "mineral": NDPR,
            "min_capacity": 1_000,
            "max_capacity": 5_000,
            "fixed_capex": 150_000_000,
            "capex_per_tpa": 40_000,
            "fixed_om_per_tpa": 2_500,
            "variable_cost": 28_000,
            "lead_time": 3,
            "availability": 0.9,
        },
        {
            "site": "Western Australia refinery",
            "country": AUSTRALIA,
            "mineral": NDPR,
            "min_capacity": 2_000,
            "max_capacity": 6_000,
            "fixed_capex": 200_000_000,
            "capex_per_tpa": 35_000,
            "fixed_om_per_tpa": 2_000,
            "variable_cost": 26_000,
            "lead_time": 2,
            "earliest_year": 2027,
            "availability": 0.9,
        },
        {
            "site": "Japan gallium recovery",
            "country": JAPAN,
            "mineral": GALLIUM,
            "min_capacity": 10,
            "max_capacity": 40,
            "fixed_capex": 30_000_000,
            "capex_per_tpa": 800_000,
            "fixed_om_per_tpa": 30_000,
            "variable_cost": 150_000,
            "lead_time": 2,
            "availability": 0.85,
        },
        {
            "site": "Alumina gallium circuit",
            "country": AUSTRALIA,
            "mineral": GALLIUM,
            "min_capacity": 10,
            "max_capacity": 50,
            "fixed_capex": 40_000_000,
            "capex_per_tpa": 1_000_000,
            "fixed_om_per_tpa": 25_000,
            "variable_cost": 120_000,
            "lead_time": 3,
            "earliest_year": 2027,
            "availability": 0.85,
        },
    ],
    "CfD": [
        {
            "offer": "NdPr floor",
            "group": "NdPr ladder",
            "mineral": NDPR,
            "country": JAPAN,
            "strike": 60_000,
            "volume": 1_500,
            "start_year": 2027,
            "kind": "floor",
        },
        {
            "offer": "NdPr rung 1",
            "group": "NdPr ladder",
            "mineral": NDPR,
            "country": JAPAN,
            "strike": 68_000,
            "volume": 1_500,
            "start_year": 2027,
            "kind": "two_sided",
        },
        {
            "offer": "NdPr rung 2",
            "group": "NdPr ladder",
            "mineral": NDPR,
            "country": JAPAN,
            "strike": 74_000,
            "volume": 3_000,
            "start_year": 2027,
            "kind": "two_sided",
        },
        {
            "offer": "Gallium offtake",
            "mineral": GALLIUM,
            "country": US,
            "strike": 450_000,
            "volume": 10,
            "start_year": 2027,
            "end_year": 2033,
        },
    ],
    "Stockpiles": [
        {"country": US, "mineral": NDPR, "initial": 500, "capacity": 8_000, "max_release": 3_000},
        {
            "country": JAPAN,
            "mineral": NDPR,
            "initial": 1_000,
            "capacity": 6_000,
            "max_release": 2_500,
            "min_days": 30,
            "obligation_from": 2028,
        },
        {"country": JAPAN, "mineral": GALLIUM, "initial": 20, "capacity": 80, "max_release": 30},
        {"country": US, "mineral": GALLIUM, "capacity": 50},
    ],
    "Scenarios": [
        {"scenario": "base", "probability": 0.6, "description": "no new cut: supply as usual"},
        {
            "scenario": "export controls",
            "probability": 0.3,
            "description": "licences halve Chinese exports to the alliance from 2028",
        },
        {
            "scenario": "embargo",
            "probability": 0.1,
            "description": "a full embargo in 2029-2031, then half the exports",
        },
    ],
    "Disruptions": [
        {
            "source": CHINA,
            "mineral": GALLIUM,
            "from_year": 2026,
            "to_year": 2027,
            "share_lost": 0.2,
        },
        {"scenario": "export controls", "source": CHINA, "from_year": 2028, "share_lost": 0.5},
        {
            "scenario": "embargo",
            "source": CHINA,
            "from_year": 2029,
            "to_year": 2031,
            "share_lost": 1,
        },
        {"scenario": "embargo", "source": CHINA, "from_year": 2032, "share_lost": 0.5},
    ],
    "SupplyCaps": [
        {"source": CHINA, "mineral": NDPR, "from_year": 2030, "max_share": 0.8},
    ],
    "PriceShocks": [
        {"scenario": "export controls", "mineral": NDPR, "from_year": 2028, "multiplier": 1.4},
        {"scenario": "embargo", "from_year": 2029, "to_year": 2031, "multiplier": 2.5},
        {"scenario": "embargo", "from_year": 2032, "multiplier": 1.5},
    ],
}

_README_HEADER = ("sheet", "column", "required", "type", "unit", "default", "allowed", "meaning")

_GENERAL_RULES = (
    "Row 1 of each sheet holds the column names, matched without regard to case or spaces; an "
    "unknown column is reported as a warning.",
    "Identifiers (mineral, country, site, offer, group, source, scenario) are text, matched "
    "exactly after trimming spaces; a reference must name a row of the other sheet.",
    "Numbers may be typed as numbers or as text such as 1,200 or 80% (= 0.8). A formula needs "
    "a saved value: open and save the file in a spreadsheet program.",
    "Blank rows are skipped; a blank optional cell takes its default; a blank required cell is "
    "an error. Sheets marked optional may be left out.",
    "Units: tonnes (t) of the material named in Minerals.unit, t/yr for rates, US dollars (USD) "
    "for money; prices are USD per tonne.",
    "Check a case with: planner validate CASE.xlsx. Solve it with: planner solve CASE.xlsx.",
)


def readme_sheet() -> RawSheet:
    """The README sheet: general rules, then one row per sheet, column and setting."""
    sheet = RawSheet(README_SHEET, list(_README_HEADER))
    for rule in _GENERAL_RULES:
        sheet.append({"sheet": "(every sheet)", "meaning": rule})
    for schema_sheet in SHEETS.values():
        if schema_sheet.name == README_SHEET:
            continue
        sheet.append(
            {
                "sheet": schema_sheet.name,
                "required": "yes" if schema_sheet.required else "no (optional sheet)",
                "meaning": _sheet_meaning(schema_sheet),
            }
        )
        for column in schema_sheet.columns:
            sheet.append(_readme_row(schema_sheet.name, column.name, column))
        if schema_sheet.name == SETTINGS_SHEET:
            for setting in SETTINGS:
                sheet.append(_readme_row(SETTINGS_SHEET, f"setting {setting.name}", setting))
    return sheet


def _sheet_meaning(sheet: Sheet) -> str:
    meaning = sheet.meaning[0].upper() + sheet.meaning[1:]
    if sheet.min_rows:
        meaning += "; at least one row"
    return meaning + "."


def _readme_row(sheet: str, column: str, field: Field) -> dict[str, Value]:
    return {
        "sheet": sheet,
        "column": column,
        "required": "yes" if field.required else "no",
        "type": str(field.kind),
        "unit": field.unit,
        "default": field.default_text,
        "allowed": field.range_text,
        "meaning": field.meaning,
    }


def template_workbook(example: bool = True) -> RawWorkbook:
    """Every sheet with its columns (and the worked example unless `example` is False), then
    the README sheet."""
    raw = RawWorkbook()
    for name, sheet in SHEETS.items():
        if not sheet.columns:  # README (written below) and Sweeps (planner sweep's own)
            continue
        raw_sheet = RawSheet(name, [column.name for column in sheet.columns])
        for values in _EXAMPLE.get(name, ()) if example else ():
            raw_sheet.append(values)
        raw.sheets[name] = raw_sheet
    if not example:
        for setting in SETTINGS:
            raw.sheets[SETTINGS_SHEET].append({"setting": setting.name})
    raw.sheets[README_SHEET] = readme_sheet()
    return raw


def write_template(
    path: str | os.PathLike[str], overwrite: bool = False, example: bool = True
) -> None:
    """Write the template to `path` (.xlsx: a workbook, else a CSV folder)."""
    write_raw(template_workbook(example), path, overwrite=overwrite)
