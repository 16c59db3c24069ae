"""Demand and Sources: a blank-year row that covers every planning year, and year rows that
override it for their year (a blank cell of a Sources year row takes the blank-year row's)."""

from __future__ import annotations

from typing import Any

from planner.case import SourceYear
from planner.io.raw import cell_text
from planner.schema import SHEETS
from planner.validation.cells import is_blank
from planner.validation.context import Context, Row
from planner.validation.tables import table

ByYear = dict[tuple[Any, ...], dict[int | None, Row]]


def _year_rows(ctx: Context, sheet: str, inherit: frozenset[str] = frozenset()) -> ByYear:
    """Rows by the sheet's key, then by year (None = the blank-year row), duplicates
    reported, references checked and years outside the horizon dropped (with a warning)."""
    keys = SHEETS[sheet].key
    rows = ctx.unique(sheet, table(ctx, sheet, inherit), (*keys, "year"))
    grouped: ByYear = {}
    for row in rows:
        if (
            not ctx.references_hold(sheet, row)
            or row.failed
            or (row["year"] is not None and not ctx.in_horizon(sheet, row))
        ):
            continue
        key = tuple(row[column] for column in keys)
        if None not in key:
            grouped.setdefault(key, {})[row["year"]] = row
    return grouped


def read_demand(ctx: Context) -> dict[tuple[str, str, int], float]:
    """D(m,r,t) > 0 per (mineral, country, year)."""
    demand = {}
    for (mineral, country), by_year in _year_rows(ctx, "Demand").items():
        every_year = by_year.get(None)
        for year in ctx.horizon or ():
            row = by_year.get(year, every_year)
            if row is not None and row["demand"]:
                demand[mineral, country, year] = row["demand"]
    return demand


def read_sources(
    ctx: Context,
) -> tuple[dict[tuple[str, str, int], SourceYear], set[tuple[str, str]]]:
    """Supply per (source, mineral, year) and the (source, mineral) pairs named at all."""
    grouped = _year_rows(ctx, "Sources", frozenset({"available"}))
    raw_sheet = ctx.sheets.get("Sources")
    if raw_sheet is None:
        ctx.names["Sources"] = None
    else:
        index = raw_sheet.column_index("source")
        ctx.names["Sources"] = (
            set()
            if index is None
            else {cell_text(r[index]) for r in raw_sheet.rows if not is_blank(r[index])}
        )
    supply = {}
    for (source, mineral), by_year in grouped.items():
        _check_inherited(ctx, source, mineral, by_year)
        for year in ctx.horizon or ():
            found = _source_year(by_year, year)
            if found is not None:
                supply[source, mineral, year] = found
    return supply, set(grouped)


def _check_inherited(
    ctx: Context, source: str, mineral: str, by_year: dict[int | None, Row]
) -> None:
    if None in by_year:
        return
    for row in by_year.values():
        if row["available"] is None:
            ctx.error(
                "Sources",
                row.number,
                "available",
                f"blank, and there is no blank-year row for ({source}, {mineral}) to take it from",
            )


def _source_year(by_year: dict[int | None, Row], year: int) -> SourceYear | None:
    every_year = by_year.get(None)
    row = by_year.get(year, every_year)
    if row is None:
        return None
    base: dict[str, Any] = every_year if every_year is not None else {}
    available = _first(row["available"], base.get("available"))
    factor = _first(row["price_factor"], base.get("price_factor"))
    default = float(SHEETS["Sources"].column("price_factor").default or 1.0)
    return SourceYear(available=available, price_factor=default if factor is None else factor)


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)
