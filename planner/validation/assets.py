"""Sites, CfD offers and Stockpiles: what the alliance may build, contract and hold, with the
rules that relate a row's cells (min ≤ max capacity, start ≤ end year, initial ≤ capacity, an
obligation the capacity can hold) and the warnings for rows that cannot matter."""

from __future__ import annotations

from typing import Any

from planner.case import Offer, Site, Stockpile
from planner.schema import SHEETS
from planner.validation.cells import number_text
from planner.validation.context import Context, Row
from planner.validation.tables import define, table

_DAYS_PER_YEAR = 365.0


def read_sites(ctx: Context) -> dict[str, Site]:
    sheet = SHEETS["Sites"]
    sites = {}
    for name, row in define(ctx, "Sites").items():
        ctx.references_hold("Sites", row)
        values = {f.name: row.value(f) for f in sheet.columns if f.name != "site"}
        if row.failed:
            continue
        if values["min_capacity"] > values["max_capacity"]:
            ctx.error(
                "Sites",
                row.number,
                "min_capacity",
                "must be ≤ max_capacity (found "
                f"{number_text(values['min_capacity'])} > {number_text(values['max_capacity'])})",
            )
        if values["earliest_year"] is None and ctx.horizon is not None:
            values["earliest_year"] = ctx.horizon.start
        _check_buildable(ctx, row, values)
        _check_existing_from(ctx, row, values)
        sites[name] = Site(name=name, **values)
    return sites


def _check_buildable(ctx: Context, row: Row, values: dict[str, Any]) -> None:
    """Warn about sites that can never matter: a likely mistake, not an error."""
    if ctx.horizon is None:
        return
    if values["max_capacity"] > 0:
        first = max(values["earliest_year"], ctx.horizon.start)
        if first + values["lead_time"] > ctx.horizon.stop - 1:
            ctx.warn(
                "Sites",
                row.number,
                "earliest_year",
                f"no build can start in time: earliest year {first} plus lead time "
                f"{values['lead_time']} is after the last planning year {ctx.horizon.stop - 1}",
            )
    elif values["existing_capacity"] == 0:
        ctx.warn(
            "Sites",
            row.number,
            "max_capacity",
            "the site has no existing capacity and cannot be built (max_capacity 0): it "
            "has no effect",
        )


def _check_existing_from(ctx: Context, row: Row, values: dict[str, Any]) -> None:
    """Warn when existing capacity comes online after the last planning year: it never counts.

    A year before start_year means online throughout, like a blank cell."""
    start = values["existing_from"]
    if ctx.horizon is None or start is None or values["existing_capacity"] == 0:
        return
    if start > ctx.horizon.stop - 1:
        ctx.warn(
            "Sites",
            row.number,
            "existing_from",
            f"the existing capacity is never online: {start} is after the last planning year "
            f"{ctx.horizon.stop - 1}; leave the cell blank if it is online from the start",
        )


def read_offers(ctx: Context) -> dict[str, Offer]:
    offers = {}
    for name, row in define(ctx, "CfD").items():
        ctx.references_hold("CfD", row)
        offer = _offer(ctx, name, row)
        if offer is not None:
            offers[name] = offer
    return offers


def _offer(ctx: Context, name: str, row: Row) -> Offer | None:
    start, end = row["start_year"], row["end_year"]
    if start is not None and end is not None and start > end:
        ctx.error("CfD", row.number, "end_year", f"must be ≥ start_year (found {end} < {start})")
        return None
    if ctx.horizon is None or row.failed:
        return None
    first = max(ctx.horizon.start, start or ctx.horizon.start)
    last = min(ctx.horizon.stop - 1, end or ctx.horizon.stop - 1)
    if first > last:
        ctx.warn(
            "CfD",
            row.number,
            "start_year" if start is not None and start > last else "end_year",
            f"the offer delivers in no planning year ({ctx.horizon_text()}); it is ignored",
        )
        return None
    return Offer(
        name=name,
        group=row["group"] or name,
        mineral=row["mineral"],
        country=row["country"],
        strike=row["strike"],
        volume=row["volume"],
        start_year=first,
        end_year=last,
        kind=row.value(SHEETS["CfD"].column("kind")),
    )


def read_stockpiles(
    ctx: Context, demand: dict[tuple[str, str, int], float]
) -> dict[tuple[str, str], Stockpile]:
    """Stockpiles rows by (country, mineral); obligation_from resolved (blank: start_year) where
    min_days is given."""
    sheet = SHEETS["Stockpiles"]
    stockpiles = {}
    for row in ctx.unique("Stockpiles", table(ctx, "Stockpiles"), sheet.key):
        ctx.references_hold("Stockpiles", row)
        initial = row.value(sheet.column("initial"))
        capacity = row["capacity"]
        if not row.failed and capacity is not None and initial > capacity:
            ctx.error(
                "Stockpiles",
                row.number,
                "initial",
                f"must be ≤ capacity (found {number_text(initial)} > {number_text(capacity)})",
            )
        # Resolved only where there is an obligation: without one it means nothing.
        start = row["obligation_from"]
        if start is None and ctx.horizon is not None and row["min_days"] is not None:
            start = ctx.horizon.start
        place = Stockpile(
            country=row["country"],
            mineral=row["mineral"],
            initial=initial,
            capacity=capacity,
            max_release=row["max_release"],
            min_days=row["min_days"],
            obligation_from=start,
        )
        if not row.failed:
            _check_obligation(ctx, row, place, demand)
        stockpiles[place.country, place.mineral] = place
    return stockpiles


def _check_obligation(
    ctx: Context, row: Row, place: Stockpile, demand: dict[tuple[str, str, int], float]
) -> None:
    """(12) can hold only if n(k)/365 · D(m,r,t) ≤ Imax(k) in every year t ≥ o(k)."""
    if place.min_days is None or place.capacity is None or place.obligation_from is None:
        return
    for year in ctx.horizon or ():
        if year < place.obligation_from:
            continue
        needed = (
            place.min_days / _DAYS_PER_YEAR * demand.get((place.mineral, place.country, year), 0.0)
        )
        if needed > place.capacity * (1 + 1e-9):
            ctx.error(
                "Stockpiles",
                row.number,
                "min_days",
                f"the obligation needs more than the capacity in {year}: "
                f"{number_text(place.min_days)} days of demand "
                f"{number_text(demand[place.mineral, place.country, year])} t/yr is "
                f"{needed:,.6g} t > capacity {number_text(place.capacity)} t; lower min_days, "
                "raise capacity or start the obligation later (obligation_from)",
            )
            return
