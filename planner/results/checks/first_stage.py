"""First-stage checks: build years and sizes (1, 2), offer ladders (3), purchase limits (4),
the budget (11), member budgets (16) and the reported spending."""

from __future__ import annotations

from collections import defaultdict

from planner.results import layout
from planner.results.checks.findings import (
    BUDGET,
    DOMAIN,
    MEMBER_BUDGET,
    ONE_OFFER,
    PURCHASE_LIMIT,
    REPORT,
    SIZE,
    fmt,
    tolerance,
    where,
)
from planner.results.checks.plan import Context


def check_first_stage(ctx: Context) -> None:
    _check_builds(ctx)
    _check_offers(ctx)
    _check_purchases(ctx)
    _check_budget(ctx)
    _check_member_budgets(ctx)


def _check_builds(ctx: Context) -> None:
    """Build years in BuildYears(s) and cmin(s) ≤ x ≤ cmax(s) when built (2)."""
    for site, year in ctx.plan.build_year.items():
        data = ctx.case.sites[site]
        allowed = ctx.build_years(site)
        if year not in allowed:
            window = f"{allowed[0]}..{allowed[-1]}" if allowed else "none: it cannot be built"
            ctx.findings.flag(DOMAIN, where(site=site), f"build year {year} outside {window}")
        x = ctx.plan.new_capacity[site]
        tol = tolerance(data.max_capacity)
        if x < data.min_capacity - tol or x > data.max_capacity + tol:
            ctx.findings.flag(
                SIZE,
                where(site=site),
                f"new capacity {fmt(x)} outside [{fmt(data.min_capacity)}, "
                f"{fmt(data.max_capacity)}]",
            )


def _check_offers(ctx: Context) -> None:
    """Σ_{o ∈ g} z(o) ≤ 1 (3)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for offer in ctx.plan.accepted:
        groups[ctx.case.offers[offer].group].append(offer)
    for group, offers in groups.items():
        if len(offers) > 1:
            ctx.findings.flag(
                ONE_OFFER, where(group=group), f"accepted {', '.join(sorted(offers))}"
            )


def _check_purchases(ctx: Context) -> None:
    """p ≥ 0 and Σ_r p(m,r,t) ≤ b(m) (4)."""
    case = ctx.case
    for (m, r, t), amount in ctx.plan.purchase.items():
        if amount < -tolerance():
            ctx.findings.flag(
                DOMAIN, where(country=r, mineral=m, year=t), f"purchase {fmt(amount)}"
            )
    for m, mineral in case.minerals.items():
        if mineral.max_purchase is None:
            continue
        for t in ctx.years:
            total = sum(
                ctx.plan.purchase.get((m, r, t), 0.0) for (r, mm) in case.stockpiles if mm == m
            )
            ctx.findings.at_most(
                PURCHASE_LIMIT,
                where(mineral=m, year=t),
                total,
                mineral.max_purchase,
                f"purchases {fmt(total)} t exceed the limit {fmt(mineral.max_purchase)} t",
            )


def member_spending(ctx: Context) -> dict[str, tuple[float, float]]:
    """(capex, stockpile purchases) per member: its sites' F·y + V·x and its Σ P(m,t)·p(m,r,t),
    undiscounted at base prices (the parts of (11)'s sum that (16) gives to each member)."""
    case = ctx.case
    capex = dict.fromkeys(case.countries, 0.0)
    stockpile = dict.fromkeys(case.countries, 0.0)
    for site, x in ctx.plan.new_capacity.items():
        data = case.sites[site]
        capex[data.country] += data.fixed_capex + data.capex_per_tpa * x
    for (m, r, t), p in ctx.plan.purchase.items():
        stockpile[r] += case.price[m, t] * p
    return {r: (capex[r], stockpile[r]) for r in case.countries}


def _check_budget(ctx: Context) -> None:
    """Σ (F·y + V·x) + Σ P·p ≤ B (11), and the Summary's spend_capex and spend_stockpile."""
    spending = member_spending(ctx).values()
    capex = sum(c for c, _ in spending)
    stockpile = sum(s for _, s in spending)
    budget = ctx.case.settings.budget
    if budget is not None:
        total = capex + stockpile
        ctx.findings.at_most(
            BUDGET, "", total, budget, f"spending {fmt(total)} USD exceeds the budget {fmt(budget)}"
        )
    for metric, value in (("spend_capex", capex), ("spend_stockpile", stockpile)):
        ctx.findings.compare(REPORT, f"Summary, {metric}", ctx.book.summary.get(metric), value)


def _check_member_budgets(ctx: Context) -> None:
    """Each member's part of (11)'s sum ≤ B(r) (16); the Budgets sheet, when present, agrees."""
    spending = member_spending(ctx)
    for r, country in ctx.case.countries.items():
        if country.budget is None:
            continue
        total = sum(spending[r])
        ctx.findings.at_most(
            MEMBER_BUDGET,
            where(country=r),
            total,
            country.budget,
            f"spending {fmt(total)} USD exceeds the member's budget {fmt(country.budget)} USD",
        )
    sheet = ctx.book.sheets.get(layout.BUDGETS.name)
    if sheet is None:
        return
    for place, (member, capex, stockpile) in sheet.records("member", "capex", "stockpile"):
        if member in spending:
            expected_capex, expected_stockpile = spending[str(member)]
            ctx.findings.compare(REPORT, f"{place}, capex", capex, expected_capex)
            ctx.findings.compare(REPORT, f"{place}, stockpile", stockpile, expected_stockpile)
