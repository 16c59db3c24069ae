"""Balance checks: country balance (8), pool balance (9), coverage (10), closed stockpiles (14),
the domains of the second-stage flows and the Balance sheet's reported figures."""

from __future__ import annotations

from planner.results.checks.findings import (
    CLOSED_STOCKPILE,
    COUNTRY_BALANCE,
    COVERAGE,
    DOMAIN,
    POOL,
    REPORT,
    fmt,
    tolerance,
    where,
)
from planner.results.checks.plan import Context

Tonnes = dict[tuple[str, str, int], float]  # per (m, r, t)


def check_balances(ctx: Context) -> None:
    _check_domains(ctx)
    contracted = ctx.contracted()
    for w in ctx.scenarios:
        refined = ctx.refined(w)
        for m in ctx.case.minerals:
            for t in ctx.years:
                for r in ctx.case.countries:
                    _check_country(ctx, (w, m, r, t), refined, contracted)
                _check_pool(ctx, w, m, t)


def _check_domains(ctx: Context) -> None:
    """Flows ≥ 0; rel and inv only for (r,m) ∈ K."""
    for (w, m, r, t), flow in ctx.plan.flows.items():
        at = where(scenario=w, mineral=m, country=r, year=t)
        for name, value in flow.items():
            if value < -tolerance():
                ctx.findings.flag(DOMAIN, at, f"{name} {fmt(value)} is negative")
        if (r, m) not in ctx.case.stockpiles:
            for name in ("released", "inventory"):
                if abs(flow[name]) > tolerance():
                    ctx.findings.flag(DOMAIN, at, f"{name} {fmt(flow[name])} without a stockpile")


def _check_country(
    ctx: Context, key: tuple[str, str, str, int], refined: Tonnes, contracted: Tonnes
) -> None:
    """Supply + shortage ≥ D (8); short ≤ (1 − c)·D (10); outflow ≤ own supply if closed (14)."""
    w, m, r, t = key
    case = ctx.case
    flow = ctx.plan.flows[key]
    demand = case.demand.get((m, r, t), 0.0)
    rel = flow["released"] if (r, m) in case.stockpiles else 0.0
    own = refined[m, r, t] + contracted[m, r, t]
    terms = (own, rel, flow["inflow"], -flow["outflow"], flow["shortage"])
    at = where(scenario=w, mineral=m, country=r, year=t)
    supplied = sum(terms)
    if supplied < demand - tolerance(demand, *terms):
        ctx.findings.flag(
            COUNTRY_BALANCE,
            at,
            f"supply plus shortage {fmt(supplied)} t is below demand {fmt(demand)} t",
        )
    limit = (1.0 - case.minerals[m].coverage) * demand
    ctx.findings.at_most(
        COVERAGE,
        at,
        flow["shortage"],
        limit,
        f"shortage {fmt(flow['shortage'])} t exceeds (1 − coverage) · demand = {fmt(limit)} t",
    )
    if not case.countries[r].shares_stock:
        ctx.findings.at_most(
            CLOSED_STOCKPILE,
            at,
            flow["outflow"],
            own,
            f"outflow {fmt(flow['outflow'])} t exceeds what the member refines and contracts, "
            f"{fmt(own)} t: its stock does not go to the pool",
        )
    place, reported = ctx.plan.reported_flows.get(key, ("", {}))
    expected = {"demand": demand, "refined": refined[m, r, t], "cfd": contracted[m, r, t]}
    for name, value in expected.items():
        if name in reported:
            ctx.findings.compare(REPORT, f"{place}, {name}", reported[name], value)


def _check_pool(ctx: Context, w: str, m: str, t: int) -> None:
    """Σ_r inflow + Σ_r p ≤ Σ_x e + Σ_r outflow (9)."""
    pool_in = pool_out = 0.0
    for r in ctx.case.countries:
        flow = ctx.plan.flows[w, m, r, t]
        pool_in += flow["inflow"] + ctx.plan.purchase.get((m, r, t), 0.0)
        pool_out += flow["outflow"]
    bought = sum(ctx.plan.external.get((w, x, m, t), 0.0) for x in ctx.case.sources)
    if pool_in > bought + pool_out + tolerance(pool_in, bought, pool_out):
        ctx.findings.flag(
            POOL,
            where(scenario=w, mineral=m, year=t),
            f"taken from the pool {fmt(pool_in)} t exceeds what enters it "
            f"{fmt(bought + pool_out)} t",
        )
