"""A second, deliberately plain implementation of spec/model.md for cross-checking the product.

It builds the extensive form straight from the spec's tables with no pruning, no Pyomo and no
shared code with `planner.models`: every variable of model.md exists over its full index, every
constraint is a row or a bound, and the matrix goes to HiGHS directly. Non-anticipativity (15)
is written as equality rows between scenarios with equal history, one variable per scenario,
not as the product's scenario tree. It is slow by design and
meant for small cases only. Tests compare its optimal objective with `planner.solve.solve_case`:
a missing term shows up as a lower objective in one of the two, a spurious restriction as a higher
one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import highspy
import numpy as np

from planner.case import Case

INF = highspy.kHighsInf


@dataclass
class _Lp:
    """Columns and rows collected as plain lists, handed to HiGHS in one call."""

    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)
    offset: float = 0.0

    def var(self, lower: float = 0.0, upper: float = INF, integer: bool = False) -> int:
        self.cost.append(0.0)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.cost) - 1

    def row(self, terms: dict[int, float], lower: float, upper: float) -> None:
        self.rows.append((dict(terms), lower, upper))

    def solve(self, mip_gap: float = 0.0) -> tuple[str, float | None]:
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.cost)
        lp.num_row_ = len(self.rows)
        lp.col_cost_ = np.array(self.cost)
        lp.col_lower_ = np.array(self.lower)
        lp.col_upper_ = np.array(self.upper)
        lp.offset_ = self.offset
        lp.row_lower_ = np.array([r[1] for r in self.rows])
        lp.row_upper_ = np.array([r[2] for r in self.rows])
        starts, index, value = [0], [], []
        for terms, _, _ in self.rows:
            for col, coef in terms.items():
                if coef != 0.0:
                    index.append(col)
                    value.append(coef)
            starts.append(len(index))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value)
        lp.a_matrix_.num_col_ = lp.num_col_
        lp.a_matrix_.num_row_ = lp.num_row_
        if any(self.integer):
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                for i in self.integer
            ]
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", mip_gap)
        h.setOptionValue("threads", 1)
        h.passModel(lp)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal", h.getInfo().objective_function_value
        if status == highspy.HighsModelStatus.kInfeasible:
            return "infeasible", None
        return h.modelStatusToString(status), None


def reference_objective(case: Case, mip_gap: float = 0.0) -> tuple[str, float | None]:
    """Solve `case` as model.md writes it; return (status, optimal objective incl. constants).

    It reads as the spec does: the first-stage variables and their rows (1-4, 11, 16), then per
    scenario its second-stage variables, rows and costs (5-10, 12-14), the objective with CVaR,
    and non-anticipativity (15).
    """
    s = case.settings
    lam, alpha = s.cvar_weight, s.cvar_alpha
    problem = _first_stage(case)
    _one_build_per_site(problem)  # 1, 2
    _one_offer_per_group(problem)  # 3
    _purchase_caps(problem)  # 4
    _alliance_budget(problem)  # 11
    _country_budgets(problem)  # 16
    lp = problem.lp
    eta = lp.var(-INF, INF) if lam > 0 else None
    objective: dict[int, float] = defaultdict(float)
    # Second-stage columns per scenario: (variable name, index..., year) -> column, for (15).
    stage: dict[str, dict[tuple, int]] = {}
    for w, scen in case.scenarios.items():
        scenario = _Scenario(w, stage.setdefault(w, {}))
        _refining(problem, scenario)  # 5
        _cfd(problem, scenario)
        _external_supply(problem, scenario)  # 6, 13
        _stockpiles(problem, scenario)  # 7, 12, terminal value
        _country_balances(problem, scenario)  # 8, 10, 14
        _pool_balances(problem, scenario)  # 9

        for col, coef in scenario.cost.items():
            objective[col] += (1 - lam) * scen.probability * coef
        lp.offset += (1 - lam) * scen.probability * scenario.const
        if eta is not None:  # CVaR: ζ(ω) ≥ cost(ω) − η
            zeta = lp.var()
            objective[zeta] += lam * scen.probability / (1 - alpha)
            row = dict(scenario.cost)
            row[eta] = row.get(eta, 0.0) - 1.0
            row[zeta] = -1.0
            lp.row(row, -INF, -scenario.const)
    _non_anticipativity(case, lp, stage)
    if eta is not None:
        objective[eta] += lam
    for col, coef in objective.items():
        lp.cost[col] += coef
    return lp.solve(mip_gap)


@dataclass
class _Problem:
    """The case, the LP being written, and the first-stage columns every scenario reads."""

    case: Case
    lp: _Lp
    years: list[int]
    d: dict[int, float]  # discount factor per year
    build_years: dict[str, list[int]]
    y: dict[tuple[str, int], int]  # build decision (site, year)
    x: dict[tuple[str, int], int]  # capacity built (site, year)
    z: dict[str, int]  # offer accepted
    p: dict[tuple[str, str, int], int]  # stockpile purchase (mineral, country, year)
    supply_pairs: list[tuple[str, str]]  # (source, mineral) with supply rows, sorted
    sources_of: dict[str, list[str]]  # the supply sources of each mineral, sorted
    total_demand: dict[tuple[str, int], float]  # ΣD(m, ·, t)


@dataclass
class _Scenario:
    """One scenario's cost terms (column -> coefficient, plus a constant) and its columns."""

    name: str
    own: dict[tuple, int]  # its second-stage columns, keyed for (15)
    cost: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    const: float = 0.0
    site_q: dict[tuple[str, int], int] = field(default_factory=dict)
    e: dict[tuple[str, str, int], int] = field(default_factory=dict)
    inv: dict[tuple[str, str, int], int] = field(default_factory=dict)
    rel: dict[tuple[str, str, int], int] = field(default_factory=dict)
    inflow: dict[tuple[str, str, int], int] = field(default_factory=dict)
    outflow: dict[tuple[str, str, int], int] = field(default_factory=dict)


def _first_stage(case: Case) -> _Problem:
    """The first-stage columns: y, x per site and possible build year, z per offer, p per
    stockpile place and year."""
    s = case.settings
    years = list(case.years)
    lp = _Lp()
    build_years = {
        name: [
            t
            for t in years
            if t >= (site.earliest_year or s.start_year) and t + site.lead_time <= s.end_year
        ]
        if site.max_capacity > 0
        else []
        for name, site in case.sites.items()
    }
    y = {(n, t): lp.var(0, 1, integer=True) for n, ts in build_years.items() for t in ts}
    x = {(n, t): lp.var() for n, ts in build_years.items() for t in ts}
    z = {o: lp.var(0, 1, integer=True) for o in case.offers}
    p = {(m, r, t): lp.var() for (r, m) in case.stockpiles for t in years}
    supply_pairs = sorted({(xs, m) for (xs, m, _) in case.supply})
    sources_of: dict[str, list[str]] = defaultdict(list)
    for xs, m in supply_pairs:
        sources_of[m].append(xs)
    total_demand: dict[tuple[str, int], float] = defaultdict(float)
    for (m, _, t), value in case.demand.items():
        total_demand[m, t] += value
    d = {t: (1 + s.discount_rate) ** -(t - s.start_year) for t in years}
    return _Problem(
        case, lp, years, d, build_years, y, x, z, p, supply_pairs, sources_of, total_demand
    )


def _one_build_per_site(problem: _Problem) -> None:
    """(1) Σ_t y(s,t) ≤ 1; (2) Kmin·y ≤ x ≤ Kmax·y."""
    lp, y, x = problem.lp, problem.y, problem.x
    for n, ts in problem.build_years.items():
        site = problem.case.sites[n]
        lp.row({y[n, t]: 1.0 for t in ts}, -INF, 1.0)
        for t in ts:
            lp.row({x[n, t]: 1.0, y[n, t]: -site.min_capacity}, 0.0, INF)
            lp.row({x[n, t]: 1.0, y[n, t]: -site.max_capacity}, -INF, 0.0)


def _one_offer_per_group(problem: _Problem) -> None:
    """(3) at most one offer of each ladder accepted."""
    groups: dict[str, list[str]] = defaultdict(list)
    for o, offer in problem.case.offers.items():
        groups[offer.group].append(o)
    for members in groups.values():
        problem.lp.row({problem.z[o]: 1.0 for o in members}, -INF, 1.0)


def _purchase_caps(problem: _Problem) -> None:
    """(4) Σ_r p(m,r,t) ≤ the mineral's purchase cap, where it has one."""
    case, p = problem.case, problem.p
    for m, mineral in case.minerals.items():
        if mineral.max_purchase is None:
            continue
        for t in problem.years:
            terms = {p[m, r, t]: 1.0 for (r, mm) in case.stockpiles if mm == m}
            if terms:
                problem.lp.row(terms, -INF, mineral.max_purchase)


def _first_stage_spending(problem: _Problem, country: str | None) -> dict[int, float]:
    """Capex and stockpile purchases at base prices, USD (of one country, or of all)."""
    case = problem.case
    terms: dict[int, float] = defaultdict(float)
    for (n, _), col in problem.y.items():
        if country is None or case.sites[n].country == country:
            terms[col] += case.sites[n].fixed_capex
    for (n, _), col in problem.x.items():
        if country is None or case.sites[n].country == country:
            terms[col] += case.sites[n].capex_per_tpa
    for (m, r, t), col in problem.p.items():
        if country is None or r == country:
            terms[col] += case.price[m, t]
    return terms


def _usd_row(lp: _Lp, terms: dict[int, float], limit: float) -> None:
    """A row in USD written in millions of USD: a row in USD (coefficients to 1e9, right-hand
    side 1.2e10) can be declared infeasible over the rounding error of its activity."""
    lp.row({col: coef / 1e6 for col, coef in terms.items()}, -INF, limit / 1e6)


def _alliance_budget(problem: _Problem) -> None:
    """(11) first-stage spending of the alliance ≤ its budget."""
    budget = problem.case.settings.budget
    if budget is not None:
        _usd_row(problem.lp, _first_stage_spending(problem, None), budget)


def _country_budgets(problem: _Problem) -> None:
    """(16) first-stage spending of each country ≤ its own budget, where it has one."""
    for r, country in problem.case.countries.items():
        if country.budget is not None:
            _usd_row(problem.lp, _first_stage_spending(problem, r), country.budget)


def _price(case: Case, m: str, t: int, w: str) -> float:
    """P(m,t,ω): the base price times the scenario's multiplier."""
    return case.price[m, t] * case.price_multiplier.get((w, m, t), 1.0)


def _online(problem: _Problem, n: str, t: int) -> tuple[float, dict[int, float]]:
    """C(s,t) as (constant, terms); the constant is E(s)·[t ≥ existing_from(s)] (an extension)."""
    site = problem.case.sites[n]
    existing = site.existing_capacity
    if site.existing_from is not None and t < site.existing_from:
        existing = 0.0
    return existing, {
        problem.x[n, tau]: 1.0 for tau in problem.build_years[n] if tau + site.lead_time <= t
    }


def _first_cut(case: Case, m: str, w: str) -> int:
    """first(m,ω): the first year any source of m loses a share in ω (else beyond the end)."""
    cut = [t for (ww, _, mm, t), share in case.share_lost.items() if (ww, mm) == (w, m) and share]
    return min(cut, default=case.settings.end_year + 1)


def _refining(problem: _Problem, sc: _Scenario) -> None:
    """Refining costs (capex, fixed O&M on C(s,t), variable cost on q) and (5) q ≤ a·C(s,t)."""
    d, cost = problem.d, sc.cost
    for n, site in problem.case.sites.items():
        for t in problem.build_years[n]:
            cost[problem.y[n, t]] += d[t] * site.fixed_capex
            cost[problem.x[n, t]] += d[t] * site.capex_per_tpa
        for t in problem.years:
            base, terms = _online(problem, n, t)
            sc.const += d[t] * site.fixed_om_per_tpa * base
            for col, coef in terms.items():
                cost[col] += d[t] * site.fixed_om_per_tpa * coef
            q = problem.lp.var()
            sc.own["q", n, t] = q
            cost[q] += d[t] * site.variable_cost
            row = {q: 1.0}
            for col, coef in terms.items():
                row[col] = -site.availability * coef
            problem.lp.row(row, -INF, site.availability * base)
            sc.site_q[n, t] = q


def _cfd(problem: _Problem, sc: _Scenario) -> None:
    """CfD cost: volume times strike in each active year (a floor pays at least the price)."""
    case = problem.case
    for o, offer in case.offers.items():
        for t in problem.years:
            if offer.start_year <= t <= offer.end_year:
                strike = offer.strike
                if offer.kind == "floor":
                    strike = max(strike, _price(case, offer.mineral, t, sc.name))
                sc.cost[problem.z[o]] += problem.d[t] * offer.volume * strike


def _external_supply(problem: _Problem, sc: _Scenario) -> None:
    """e with (6) as bounds, (1 − δ)·Av; its cost f·P; (13) e ≤ κ·ΣD where capped."""
    case, lp = problem.case, problem.lp
    for xs, m in problem.supply_pairs:
        for t in problem.years:
            supply = case.supply.get((xs, m, t))
            avail = supply.available if supply else 0.0
            factor = supply.price_factor if supply else 1.0
            lost = case.share_lost.get((sc.name, xs, m, t), 0.0)
            col = lp.var(0.0, (1 - lost) * avail)
            sc.cost[col] += problem.d[t] * factor * _price(case, m, t, sc.name)
            sc.e[xs, m, t] = col
            sc.own["e", xs, m, t] = col
            if (xs, m, t) in case.supply_cap:  # 13
                lp.row({col: 1.0}, -INF, case.supply_cap[xs, m, t] * problem.total_demand[m, t])


def _stockpiles(problem: _Problem, sc: _Scenario) -> None:
    """inv and rel per place and year: (7) the stock balance and rel ≤ the previous stock,
    (12) the obligation before the first cut, holding and shipping costs, the terminal value."""
    case, s = problem.case, problem.case.settings
    end = s.end_year
    for (r, m), place in case.stockpiles.items():
        for t in problem.years:
            _stock_year(problem, sc, r, m, t)
            since = place.obligation_from or s.start_year
            if place.min_days is not None and since <= t < _first_cut(case, m, sc.name):  # 12
                need = place.min_days / 365.0 * case.demand.get((m, r, t), 0.0)
                problem.lp.row({sc.inv[m, r, t]: 1.0}, need, INF)
            sc.cost[sc.inv[m, r, t]] += problem.d[t] * case.minerals[m].holding_cost
            sc.cost[problem.p[m, r, t]] += problem.d[t] * case.countries[r].shipping_cost
        # Terminal value.
        factors = [
            case.supply[xs, m, end].price_factor if (xs, m, end) in case.supply else 1.0
            for xs in problem.sources_of.get(m, [])
        ]
        phi = s.terminal_value_fraction * min([1.0, *factors]) if factors else 0.0
        sc.cost[sc.inv[m, r, end]] -= problem.d[end] * phi * _price(case, m, end, sc.name)


def _stock_year(problem: _Problem, sc: _Scenario, r: str, m: str, t: int) -> None:
    """(7) inv(t) = inv(t−1) + p − rel (inv(t−1) = I0 in the first year), rel ≤ inv(t−1)."""
    lp, place = problem.lp, problem.case.stockpiles[r, m]
    inv = sc.inv[m, r, t] = lp.var(0.0, place.capacity)
    rel = sc.rel[m, r, t] = lp.var(0.0, INF if place.max_release is None else place.max_release)
    sc.own["inv", m, r, t], sc.own["rel", m, r, t] = inv, rel
    row = {inv: 1.0, problem.p[m, r, t]: -1.0, rel: 1.0}
    if t == problem.case.settings.start_year:
        lp.row(row, place.initial, place.initial)
        lp.row({rel: 1.0}, -INF, place.initial)  # 7: rel ≤ I0
    else:
        row[sc.inv[m, r, t - 1]] = -1.0
        lp.row(row, 0.0, 0.0)
        lp.row({rel: 1.0, sc.inv[m, r, t - 1]: -1.0}, -INF, 0.0)  # 7


def _country_balances(problem: _Problem, sc: _Scenario) -> None:
    """inflow, outflow and short per (m, r, t) with their costs; (8) the country balance,
    (10) short ≤ (1 − c)·D as a bound, (14) a closed member sends only what it produces."""
    case = problem.case
    for m, mineral in case.minerals.items():
        for r, country in case.countries.items():
            for t in problem.years:
                d = problem.d[t]
                demand = case.demand.get((m, r, t), 0.0)
                inflow = sc.inflow[m, r, t] = problem.lp.var()
                outflow = sc.outflow[m, r, t] = problem.lp.var()
                short = problem.lp.var(0.0, (1 - mineral.coverage) * demand)
                sc.own["inflow", m, r, t], sc.own["outflow", m, r, t] = inflow, outflow
                sc.own["short", m, r, t] = short
                sc.cost[inflow] += d * country.shipping_cost
                sc.cost[outflow] += d * country.shipping_cost
                sc.cost[short] += d * mineral.shortage_penalty
                _balance_rows(problem, sc, m, r, t, short)


def _balance_rows(problem: _Problem, sc: _Scenario, m: str, r: str, t: int, short: int) -> None:
    """(8) Σ q + Σ V·z + rel + inflow − outflow + short ≥ D(m,r,t); (14) for a closed member,
    outflow ≤ its own output and contracts."""
    case = problem.case
    row: dict[int, float] = defaultdict(float)
    produced = set()
    for n, site in case.sites.items():
        if site.country == r and site.mineral == m:
            row[sc.site_q[n, t]] += 1.0
            produced.add(sc.site_q[n, t])
    for o, offer in case.offers.items():
        active = offer.start_year <= t <= offer.end_year
        if offer.country == r and offer.mineral == m and active:
            row[problem.z[o]] += offer.volume
            produced.add(problem.z[o])
    if (r, m) in case.stockpiles:
        row[sc.rel[m, r, t]] += 1.0
    row[sc.inflow[m, r, t]] += 1.0
    row[sc.outflow[m, r, t]] -= 1.0
    row[short] += 1.0
    problem.lp.row(row, case.demand.get((m, r, t), 0.0), INF)
    if not case.countries[r].shares_stock:  # 14
        sent = {col: -coef for col, coef in row.items() if col in produced}
        sent[sc.outflow[m, r, t]] = 1.0
        problem.lp.row(sent, -INF, 0.0)


def _pool_balances(problem: _Problem, sc: _Scenario) -> None:
    """(9) Σ_r inflow + Σ_r p − Σ_x e − Σ_r outflow ≤ 0 per (m, t)."""
    case = problem.case
    for m in case.minerals:
        for t in problem.years:
            row: dict[int, float] = defaultdict(float)
            for r in case.countries:
                row[sc.inflow[m, r, t]] += 1.0
                row[sc.outflow[m, r, t]] -= 1.0
                if (r, m) in case.stockpiles:
                    row[problem.p[m, r, t]] += 1.0
            for xs in problem.sources_of.get(m, []):
                row[sc.e[xs, m, t]] -= 1.0
            problem.lp.row(row, -INF, 0.0)


def _non_anticipativity(case: Case, lp: _Lp, stage: dict[str, dict[tuple, int]]) -> None:
    """(15) as equality rows: a scenario's year-t columns equal those of the first scenario with
    the same history (every δ and μ of every year up to t)."""
    for t in case.years:
        first_with: dict[frozenset, str] = {}
        for w in case.scenarios:
            history = frozenset(
                [
                    ("lost", xs, m, tt, share)
                    for (ww, xs, m, tt), share in case.share_lost.items()
                    if ww == w and tt <= t and share != 0
                ]
                + [
                    ("price", m, tt, factor)
                    for (ww, m, tt), factor in case.price_multiplier.items()
                    if ww == w and tt <= t and factor != 1
                ]
            )
            twin = first_with.setdefault(history, w)
            if twin == w:
                continue
            for key, col in stage[w].items():
                if key[-1] == t:
                    lp.row({col: 1.0, stage[twin][key]: -1.0}, 0.0, 0.0)
