"""Stockpile checks: balance, capacity, release limit and release rule (7), obligations (12)."""

from __future__ import annotations

from planner.case import Case, Stockpile
from planner.results.checks.findings import (
    OBLIGATION,
    RELEASE_RULE,
    REPORT,
    STOCKPILE,
    fmt,
    tolerance,
    where,
)
from planner.results.checks.plan import Context


def check_stockpiles(ctx: Context) -> None:
    first = first_disrupted(ctx.case)
    for w in ctx.scenarios:
        for (r, m), place in ctx.case.stockpiles.items():
            _check_place(ctx, w, r, m, place)
            _check_obligation(ctx, w, r, m, place, first.get((m, w)))
    _check_reported_obligations(ctx, first)


def _check_place(ctx: Context, w: str, r: str, m: str, place: Stockpile) -> None:
    """inv(t) = inv(t−1) + p(t) − rel(t) with inv(start−1) = I0; inv ≤ Imax; rel ≤ Rmax;
    rel(t) ≤ inv(t−1) (7)."""
    previous = place.initial
    for t in ctx.years:
        flow = ctx.plan.flows[w, m, r, t]
        rel, inv = flow["released"], flow["inventory"]
        p = ctx.plan.purchase.get((m, r, t), 0.0)
        at = where(scenario=w, country=r, mineral=m, year=t)
        expected = previous + p - rel
        if abs(inv - expected) > tolerance(previous, p, rel, inv):
            ctx.findings.flag(
                STOCKPILE,
                at,
                f"inventory {fmt(inv)} t ≠ previous {fmt(previous)} + purchase "
                f"{fmt(p)} − release {fmt(rel)} = {fmt(expected)} t",
            )
        ctx.findings.at_most(
            STOCKPILE,
            at,
            inv,
            place.capacity,
            f"inventory {fmt(inv)} t exceeds capacity {fmt(place.capacity)} t",
        )
        if place.max_release is not None:
            ctx.findings.at_most(
                STOCKPILE,
                at,
                rel,
                place.max_release,
                f"release {fmt(rel)} t exceeds max_release {fmt(place.max_release)} t",
            )
        ctx.findings.at_most(
            RELEASE_RULE,
            at,
            rel,
            previous,
            f"release {fmt(rel)} t exceeds the stock held at the start of the year "
            f"{fmt(previous)} t",
        )
        previous = inv


def first_disrupted(case: Case) -> dict[tuple[str, str], int]:
    """first(m,ω) per (mineral, scenario): the first year with δ(x,m,t,ω) > 0 for some source x.
    A pair that is never disrupted has no key (its obligation holds to the end)."""
    first: dict[tuple[str, str], int] = {}
    for (w, _x, m, t), share in case.share_lost.items():
        if share > 0:
            first[m, w] = min(t, first.get((m, w), t))
    return first


def required_stock(case: Case, r: str, m: str, t: int, first: int | None) -> float:
    """n(k)/365·D(m,r,t) when o(k) ≤ t < first(m,ω), else 0 (12)."""
    place = case.stockpiles[r, m]
    if place.min_days is None:
        return 0.0
    start = case.settings.start_year if place.obligation_from is None else place.obligation_from
    if t < start or (first is not None and t >= first):
        return 0.0
    return place.min_days / 365.0 * case.demand.get((m, r, t), 0.0)


def _check_obligation(
    ctx: Context, w: str, r: str, m: str, place: Stockpile, first: int | None
) -> None:
    """inv(m,r,t,ω) ≥ n(k)/365·D(m,r,t) for o(k) ≤ t < first(m,ω) (12)."""
    if place.min_days is None:
        return
    for t in ctx.years:
        required = required_stock(ctx.case, r, m, t, first)
        inv = ctx.plan.flows[w, m, r, t]["inventory"]
        if inv < required - tolerance(required, inv):
            ctx.findings.flag(
                OBLIGATION,
                where(scenario=w, country=r, mineral=m, year=t),
                f"inventory {fmt(inv)} t is below the obligation of {fmt(place.min_days)} days "
                f"of demand, {fmt(required)} t",
            )


def _check_reported_obligations(ctx: Context, first: dict[tuple[str, str], int]) -> None:
    """The Balance sheet's obligation: (12)'s required stock in the row's scenario, else 0."""
    for (w, m, r, t), (place, reported) in ctx.plan.reported_flows.items():
        if "obligation" not in reported:
            continue
        required = 0.0
        if (r, m) in ctx.case.stockpiles:
            required = required_stock(ctx.case, r, m, t, first.get((m, w)))
        ctx.findings.compare(REPORT, f"{place}, obligation", reported["obligation"], required)
