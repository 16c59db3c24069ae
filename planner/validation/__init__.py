"""Validation: a raw workbook becomes a `Case`, or every problem is reported at once.

Every rule of spec/workbook.md is checked here, on top of the per-column types, defaults, bounds
and plausible limits that `planner.schema` declares. Each problem is a `planner.errors.Issue`
(severity, sheet, row, column, message); warnings never stop a case, any error does.

One module per family of sheets, each reading its sheets through the shared `Context`:
- `cells`: one cell → a value or a problem (`parse_cell`);
- `tables`: sheets matched to the schema, headers, rows of parsed cells, identifiers;
- `settings`: Settings (and the planning years);
- `catalog`: Minerals, Prices, Countries;
- `yearly`: Demand and Sources (blank-year rows and the year rows overriding them);
- `assets`: Sites, CfD, Stockpiles (and the stock obligation's feasibility);
- `scenarios`: Scenarios, Disruptions, PriceShocks, SupplyCaps;
- `sizes`: limits on rows and on the model's size, and the budget's plausibility;
(the limits themselves are in `planner.io.limits`, shared with the readers).

The work is one pass over each sheet's rows with plain dicts, so a case with 10^5 demand rows
validates in about a second.
"""

from __future__ import annotations

import os

from planner.case import Case
from planner.errors import InputError, Issue, warning
from planner.io import read_raw
from planner.io.raw import RawWorkbook
from planner.schema import SHEETS, find_sheet
from planner.validation.assets import read_offers, read_sites, read_stockpiles
from planner.validation.catalog import read_countries, read_minerals, read_prices
from planner.validation.cells import parse_cell
from planner.validation.context import Context
from planner.validation.scenarios import (
    BASE_SCENARIO,
    read_disruptions,
    read_price_shocks,
    read_scenarios,
    read_supply_caps,
)
from planner.validation.settings import read_settings
from planner.validation.sizes import check_budget, fits_model_size
from planner.validation.tables import check_row_counts, match_sheets
from planner.validation.yearly import read_demand, read_sources

__all__ = ["BASE_SCENARIO", "case_from_raw", "parse_cell", "read_case"]

_SHEET_ORDER = {name: position for position, name in enumerate(SHEETS)}


def read_case(path: str | os.PathLike[str]) -> tuple[Case, list[Issue]]:
    """Read and validate the input at `path`: the case and its warnings, or InputError."""
    return case_from_raw(read_raw(path))


def case_from_raw(raw: RawWorkbook) -> tuple[Case, list[Issue]]:
    """Validate `raw`: the case and its warnings, or InputError carrying every issue."""
    ctx = Context(raw)
    case = _run(ctx)
    issues = sorted(ctx.issues, key=_issue_order)
    if case is None or ctx.has_errors:
        raise InputError(issues, raw.origin)
    return case, issues


def _issue_order(issue: Issue) -> tuple[int, int]:
    """File-level issues first, then sheets in schema order, then rows."""
    known = find_sheet(issue.sheet) if issue.sheet else None
    sheet = -1 if not issue.sheet else _SHEET_ORDER[known.name] if known else len(_SHEET_ORDER)
    return sheet, issue.row or 0


def _reading_notes(ctx: Context) -> None:
    """Issues found while reading; unreadable cells of sheets the planner ignores only warn."""
    for note in ctx.raw.notes:
        sheet = find_sheet(note.sheet)
        if note.severity == "error" and (sheet is None or not sheet.columns):
            note = warning(
                note.sheet,
                note.row,
                note.column,
                f"{note.message} (the planner does not read this sheet)",
            )
        ctx.issues.append(note)


# The order matters: references need the referenced sheet's names first, and sizes are checked
# from counts before the sheets that grow with them are read.
def _run(ctx: Context) -> Case | None:
    _reading_notes(ctx)
    match_sheets(ctx)
    if not check_row_counts(ctx):
        return None
    settings = read_settings(ctx)
    if not fits_model_size(ctx):
        return None
    minerals = read_minerals(ctx)
    countries = read_countries(ctx)
    price = read_prices(ctx, minerals)
    demand = read_demand(ctx)
    supply, pairs = read_sources(ctx)
    sites = read_sites(ctx)
    offers = read_offers(ctx)
    stockpiles = read_stockpiles(ctx, demand)
    scenarios = read_scenarios(ctx)
    check_budget(ctx, settings, sites)
    return Case(
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
        share_lost=read_disruptions(ctx, pairs, list(scenarios), list(minerals)),
        price_multiplier=read_price_shocks(ctx, list(scenarios), list(minerals)),
        supply_cap=read_supply_caps(ctx, pairs),
        origin=ctx.raw.origin,
    )
