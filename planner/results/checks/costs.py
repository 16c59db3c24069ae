"""Cost checks: Cost(ω) by component from model.md's objective, the expected cost, CVaR, the
objective and the CfD figures, against what the workbook reports."""

from __future__ import annotations

from collections.abc import Iterable

from planner.costs import COST_COMPONENTS
from planner.results import layout
from planner.results.checks.findings import COST, OBJECTIVE, WORKBOOK, fmt, tolerance
from planner.results.checks.plan import Context


class Ledger:
    """Cost(ω) by component, with the sum of the absolute values of its terms (for tolerances)."""

    def __init__(self, scenarios: Iterable[str]) -> None:
        self.value = {w: dict.fromkeys(COST_COMPONENTS, 0.0) for w in scenarios}
        self.size = {w: dict.fromkeys(COST_COMPONENTS, 0.0) for w in self.value}

    def add(self, scenario: str, component: str, amount: float) -> None:
        self.value[scenario][component] += amount
        self.size[scenario][component] += abs(amount)

    def cost(self, scenario: str) -> float:
        return sum(self.value[scenario].values())


def offer_cost(ctx: Context, offer: str, w: str) -> tuple[float, float]:
    """Discounted (market value, government payment) of an accepted offer in scenario ω.

    Industry pays P(m,t,ω) per contracted tonne; the government pays π_cfd − P(m,t,ω), with
    π_cfd = σ for a two-sided offer and max(σ, P(m,t,ω)) for a floor.
    """
    case = ctx.case
    data = case.offers[offer]
    market_value = payment = 0.0
    for t in range(data.start_year, data.end_year + 1):
        price = case.market_price(data.mineral, t, w)
        paid = max(data.strike, price) if data.kind == "floor" else data.strike
        market_value += case.discount(t) * data.volume * price
        payment += case.discount(t) * data.volume * (paid - price)
    return market_value, payment


def terminal_fraction(ctx: Context, mineral: str) -> float:
    """φ'(m) = φ · min(1, min over sources x of m of f(x,m,end_year)); 0 without a source."""
    case = ctx.case
    end = case.settings.end_year
    factors = []
    for x in case.sources:
        if any((x, mineral, t) in case.supply for t in ctx.years):
            supply = case.supply.get((x, mineral, end))
            factors.append(supply.price_factor if supply else 1.0)
    if not factors:
        return 0.0
    return case.settings.terminal_value_fraction * min(1.0, *factors)


def scenario_costs(ctx: Context) -> Ledger:
    """Cost(ω) split by component for every scenario, straight from model.md's objective."""
    ledger = Ledger(ctx.scenarios)
    for w in ctx.scenarios:
        _first_stage_costs(ctx, ledger, w)
    _operating_costs(ctx, ledger)
    _flow_costs(ctx, ledger)
    return ledger


def _first_stage_costs(ctx: Context, ledger: Ledger, w: str) -> None:
    """Capex, fixed O&M, shipping of purchases and CfD terms: the same plan in every scenario."""
    case, plan, d = ctx.case, ctx.plan, ctx.case.discount
    for site, data in case.sites.items():
        if site in plan.build_year:
            capex = data.fixed_capex + data.capex_per_tpa * plan.new_capacity[site]
            ledger.add(w, "capex", d(plan.build_year[site]) * capex)
        for t in ctx.years:
            ledger.add(w, "fixed_om", d(t) * data.fixed_om_per_tpa * ctx.online(site, t))
    for (_, r, t), p in plan.purchase.items():
        ledger.add(w, "shipping", d(t) * case.countries[r].shipping_cost * p)
    for offer in plan.accepted:
        market_value, payment = offer_cost(ctx, offer, w)
        ledger.add(w, "cfd_market_value", market_value)
        ledger.add(w, "cfd_government_payment", payment)


def _operating_costs(ctx: Context, ledger: Ledger) -> None:
    """w·q and f·P(m,t,ω)·e."""
    case, d = ctx.case, ctx.case.discount
    for (w, site, t), q in ctx.plan.output.items():
        ledger.add(w, "variable_refining", d(t) * case.sites[site].variable_cost * q)
    for (w, x, m, t), e in ctx.plan.external.items():
        supply = case.supply.get((x, m, t))
        factor = supply.price_factor if supply else 1.0
        ledger.add(w, "external_purchases", d(t) * factor * case.market_price(m, t, w) * e)


def _flow_costs(ctx: Context, ledger: Ledger) -> None:
    """k·(inflow + outflow), u·short, h·inv and the terminal credit −d(end)·φ'·P·inv(end)."""
    case, d = ctx.case, ctx.case.discount
    end = case.settings.end_year
    terminal = {m: terminal_fraction(ctx, m) for m in case.minerals}
    for (w, m, r, t), flow in ctx.plan.flows.items():
        shipping = case.countries[r].shipping_cost
        ledger.add(w, "shipping", d(t) * shipping * (flow["inflow"] + flow["outflow"]))
        penalty = case.minerals[m].shortage_penalty
        ledger.add(w, "shortage_penalty", d(t) * penalty * flow["shortage"])
        if (r, m) in case.stockpiles:
            holding = case.minerals[m].holding_cost
            ledger.add(w, "holding", d(t) * holding * flow["inventory"])
            if t == end:
                credit = terminal[m] * case.market_price(m, end, w) * flow["inventory"]
                ledger.add(w, "terminal_value", -d(end) * credit)


def check_costs(ctx: Context) -> None:
    ledger = scenario_costs(ctx)
    _check_scenario_rows(ctx, ledger)
    _check_expected(ctx, ledger)
    _check_offer_figures(ctx)


def _check_scenario_rows(ctx: Context, ledger: Ledger) -> None:
    """The ScenarioCosts sheet: Cost(ω) and each component."""
    sheet = ctx.book.sheets[layout.SCENARIO_COSTS.name]
    names = ("cost", *COST_COMPONENTS)
    reported = {
        values[0]: (place, dict(zip(names, values[1:], strict=True)))
        for place, values in sheet.records("scenario", *names)
    }
    for w in ctx.scenarios:
        row = reported.get(w)
        if row is None:
            ctx.findings.flag(WORKBOOK, layout.SCENARIO_COSTS.name, f"scenario {w!r} has no row")
            continue
        place, figures = row
        for name, value in ledger.value[w].items():
            ctx.findings.compare(
                COST, f"{place}, {name}", figures.get(name), value, ledger.size[w][name]
            )
        total_size = sum(ledger.size[w].values())
        ctx.findings.compare(
            COST, f"{place}, cost", figures.get("cost"), ledger.cost(w), total_size
        )


def _check_expected(ctx: Context, ledger: Ledger) -> None:
    """cost_<component>, expected_cost, CVaR and the objective of the Summary."""
    summary = ctx.book.summary
    probability = {w: s.probability for w, s in ctx.case.scenarios.items()}
    for name in COST_COMPONENTS:
        value = sum(probability[w] * ledger.value[w][name] for w in ctx.scenarios)
        size = sum(probability[w] * ledger.size[w][name] for w in ctx.scenarios)
        ctx.findings.compare(
            COST, f"Summary, cost_{name}", summary.get(f"cost_{name}"), value, size
        )
    costs = {w: ledger.cost(w) for w in ctx.scenarios}
    expected = sum(probability[w] * cost for w, cost in costs.items())
    scale = sum(probability[w] * sum(ledger.size[w].values()) for w in ctx.scenarios)
    ctx.findings.compare(
        OBJECTIVE, "Summary, expected_cost", summary.get("expected_cost"), expected, scale
    )
    objective = expected
    lam = ctx.case.settings.cvar_weight
    if lam > 0:
        objective = (1.0 - lam) * expected + lam * _checked_cvar(ctx, costs, probability, scale)
    ctx.findings.compare(
        OBJECTIVE, "Summary, objective", summary.get("objective"), objective, scale
    )


def _checked_cvar(
    ctx: Context, costs: dict[str, float], probability: dict[str, float], scale: float
) -> float:
    """The CVaR term of the objective, at the reported η, after checking the reported CVaR.

    The reported CVaR is that of the plan's cost distribution (a minimum over η); the objective is
    the model's, at the reported η, which a plan stopped early may leave above that minimum.
    """
    summary = ctx.book.summary
    alpha = ctx.case.settings.cvar_alpha
    exact = exact_cvar(costs, probability, alpha)
    ctx.findings.compare(OBJECTIVE, "Summary, cvar", summary.get("cvar"), exact, scale)
    eta = summary.get("cvar_eta")
    if not isinstance(eta, int | float):
        return exact
    at_eta = cvar_at(float(eta), costs, probability, alpha)
    gap = float(summary.get("mip_gap") or 0.0)  # type: ignore[arg-type]
    slack = max(tolerance(scale), gap * abs(at_eta))
    if summary.get("status") == "optimal" and at_eta > exact + slack:
        ctx.findings.flag(
            OBJECTIVE,
            "Summary, cvar_eta",
            f"η = {fmt(eta)} gives {fmt(at_eta)}, above the CVaR {fmt(exact)}",
        )
    return at_eta


def _check_offer_figures(ctx: Context) -> None:
    """The CfD sheet's expected payment and market value of each offer."""
    case = ctx.case
    sheet = ctx.book.sheets[layout.CFD.name]
    for place, (offer, payment, value) in sheet.records(
        "offer", "expected_payment", "expected_market_value"
    ):
        if offer not in case.offers:
            continue
        expected_payment = expected_value = 0.0
        if offer in ctx.plan.accepted:
            for w, scenario in case.scenarios.items():
                market_value, payment_w = offer_cost(ctx, str(offer), w)
                expected_value += scenario.probability * market_value
                expected_payment += scenario.probability * payment_w
        scale = abs(expected_value) + abs(expected_payment)
        ctx.findings.compare(COST, f"{place}, expected_payment", payment, expected_payment, scale)
        ctx.findings.compare(COST, f"{place}, expected_market_value", value, expected_value, scale)


def cvar_at(
    eta: float, costs: dict[str, float], probability: dict[str, float], alpha: float
) -> float:
    """η + 1/(1 − α) · Σ_ω π(ω)·max(0, Cost(ω) − η): the CVaR expression at a given η."""
    tail = sum(probability[w] * max(0.0, costs[w] - eta) for w in costs)
    return eta + tail / (1.0 - alpha)


def exact_cvar(costs: dict[str, float], probability: dict[str, float], alpha: float) -> float:
    """CVaR_α = min over η of η + 1/(1 − α)·Σ π·(Cost − η)⁺, computed exactly.

    The function of η is convex and piecewise linear with kinks at the scenario costs, so its
    minimum is at the smallest cost where the probability of costs up to it reaches α (the
    value at risk); scanning the sorted costs finds it.
    """
    ordered = sorted(costs, key=costs.__getitem__)
    cumulative = 0.0
    eta = costs[ordered[-1]]
    for w in ordered:
        cumulative += probability[w]
        if cumulative >= alpha - 1e-12:
            eta = costs[w]
            break
    return cvar_at(eta, costs, probability, alpha)
