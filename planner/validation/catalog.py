"""Minerals, Prices and Countries: the identifiers other sheets refer to, and their figures."""

from __future__ import annotations

from planner.case import Country, Mineral
from planner.schema import SHEETS
from planner.validation.context import Context
from planner.validation.tables import define, table


def read_minerals(ctx: Context) -> dict[str, Mineral]:
    sheet = SHEETS["Minerals"]
    return {
        name: Mineral(
            name=name,
            price=row["price"],
            shortage_penalty=row["shortage_penalty"],
            unit=row.value(sheet.column("unit")),
            holding_cost=row.value(sheet.column("holding_cost")),
            coverage=row.value(sheet.column("coverage")),
            max_purchase=row["max_purchase"],
        )
        for name, row in define(ctx, "Minerals").items()
    }


def read_prices(ctx: Context, minerals: dict[str, Mineral]) -> dict[tuple[str, int], float]:
    """P(m,t) for every mineral and planning year: a Prices row, else Minerals.price."""
    rows = ctx.unique("Prices", table(ctx, "Prices"), (*SHEETS["Prices"].key, "year"))
    by_year: dict[tuple[str, int], float] = {}
    for row in rows:
        if ctx.references_hold("Prices", row) and ctx.in_horizon("Prices", row):
            by_year[row["mineral"], row["year"]] = row["price"]
    return {
        (name, year): by_year.get((name, year), mineral.price)
        for name, mineral in minerals.items()
        for year in ctx.horizon or ()
    }


def read_countries(ctx: Context) -> dict[str, Country]:
    """Countries rows; shares_stock yes/no becomes a bool (R_closed: no), budget B(r) or None."""
    sheet = SHEETS["Countries"]
    return {
        name: Country(
            name,
            row.value(sheet.column("shipping_cost")),
            shares_stock=row.value(sheet.column("shares_stock")) == "yes",
            budget=row["budget"],
        )
        for name, row in define(ctx, "Countries").items()
    }
