"""Supply checks: refinery output (5), external supply (6) and supply caps (13)."""

from __future__ import annotations

from planner.case import Case
from planner.results import layout
from planner.results.checks.findings import (
    DOMAIN,
    EXTERNAL,
    OUTPUT,
    REPORT,
    SUPPLY_CAP,
    fmt,
    tolerance,
    where,
)
from planner.results.checks.plan import Context


def check_supply(ctx: Context) -> None:
    for key, amount in [*ctx.plan.output.items(), *ctx.plan.external.items()]:
        if amount < -tolerance():
            ctx.findings.flag(DOMAIN, where(index=key), f"negative amount {fmt(amount)}")
    _check_output(ctx)
    _check_external(ctx)
    _check_caps(ctx)


def _check_output(ctx: Context) -> None:
    """q(s,t,ω) ≤ a(s)·C(s,t) (5)."""
    for w in ctx.scenarios:
        for site, data in ctx.case.sites.items():
            for t in ctx.years:
                q = ctx.plan.output.get((w, site, t), 0.0)
                limit = data.availability * ctx.online(site, t)
                ctx.findings.at_most(
                    OUTPUT,
                    where(scenario=w, site=site, year=t),
                    q,
                    limit,
                    f"output {fmt(q)} t exceeds usable capacity {fmt(limit)} t",
                )


def _check_external(ctx: Context) -> None:
    """e(x,m,t,ω) ≤ (1 − δ(x,m,t,ω))·Av(x,m,t) (6)."""
    case = ctx.case
    for (w, x, m, t), e in ctx.plan.external.items():
        supply = case.supply.get((x, m, t))
        available = supply.available if supply else 0.0
        limit = (1.0 - case.share_lost.get((w, x, m, t), 0.0)) * available
        ctx.findings.at_most(
            EXTERNAL,
            where(scenario=w, source=x, mineral=m, year=t),
            e,
            limit,
            f"purchase {fmt(e)} t exceeds what the source can sell, {fmt(limit)} t",
        )


def alliance_demand(case: Case, mineral: str, year: int) -> float:
    """Σ_r D(m,r,t)."""
    return sum(case.demand.get((mineral, r, year), 0.0) for r in case.countries)


def _check_caps(ctx: Context) -> None:
    """e(x,m,t,ω) ≤ κ(x,m,t)·Σ_r D(m,r,t) for every capped (x,m,t) and ω (13); the SupplyCaps
    sheet, when present, reports those caps."""
    case = ctx.case
    for (x, m, t), share in case.supply_cap.items():
        limit = share * alliance_demand(case, m, t)
        for w in ctx.scenarios:
            e = ctx.plan.external.get((w, x, m, t), 0.0)
            ctx.findings.at_most(
                SUPPLY_CAP,
                where(scenario=w, source=x, mineral=m, year=t),
                e,
                limit,
                f"purchase {fmt(e)} t exceeds the cap {fmt(share)} · alliance demand "
                f"= {fmt(limit)} t",
            )
    sheet = ctx.book.sheets.get(layout.SUPPLY_CAPS.name)
    if sheet is None:
        return
    for place, (source, mineral, year, cap) in sheet.records("source", "mineral", "year", "cap"):
        t = int(year) if isinstance(year, int | float) else 0
        cap_share = case.supply_cap.get((str(source), str(mineral), t))
        if cap_share is None:
            ctx.findings.flag(REPORT, place, f"no cap covers {source}, {mineral}, {year}")
            continue
        ctx.findings.compare(
            REPORT, f"{place}, cap", cap, cap_share * alliance_demand(case, str(mineral), t)
        )
