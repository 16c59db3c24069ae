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
    """Solve `case` as model.md writes it; return (status, optimal objective incl. constants)."""
    s = case.settings
    years = list(case.years)
    end = s.end_year
    lam, alpha = s.cvar_weight, s.cvar_alpha
    lp = _Lp()
    d = {t: (1 + s.discount_rate) ** -(t - s.start_year) for t in years}

    # First stage.
    build_years = {
        name: [
            t
            for t in years
            if t >= (site.earliest_year or s.start_year) and t + site.lead_time <= end
        ]
        if site.max_capacity > 0
        else []
        for name, site in case.sites.items()
    }
    y = {(n, t): lp.var(0, 1, integer=True) for n, ts in build_years.items() for t in ts}
    x = {(n, t): lp.var() for n, ts in build_years.items() for t in ts}
    z = {o: lp.var(0, 1, integer=True) for o in case.offers}
    places = list(case.stockpiles)  # (country, mineral)
    p = {(m, r, t): lp.var() for (r, m) in places for t in years}

    for n, ts in build_years.items():  # 1, 2
        site = case.sites[n]
        lp.row({y[n, t]: 1.0 for t in ts}, -INF, 1.0)
        for t in ts:
            lp.row({x[n, t]: 1.0, y[n, t]: -site.min_capacity}, 0.0, INF)
            lp.row({x[n, t]: 1.0, y[n, t]: -site.max_capacity}, -INF, 0.0)
    groups: dict[str, list[str]] = defaultdict(list)
    for o, offer in case.offers.items():
        groups[offer.group].append(o)
    for members in groups.values():  # 3
        lp.row({z[o]: 1.0 for o in members}, -INF, 1.0)
    for m, mineral in case.minerals.items():  # 4
        if mineral.max_purchase is not None:
            for t in years:
                terms = {p[m, r, t]: 1.0 for (r, mm) in places if mm == m}
                if terms:
                    lp.row(terms, -INF, mineral.max_purchase)
    if s.budget is not None:  # 11
        terms: dict[int, float] = defaultdict(float)
        for (n, _), col in y.items():
            terms[col] += case.sites[n].fixed_capex
        for (n, _), col in x.items():
            terms[col] += case.sites[n].capex_per_tpa
        for (m, _, t), col in p.items():
            terms[col] += case.price[m, t]
        # Rows in USD are written in millions of USD: a row in USD (coefficients to 1e9,
        # right-hand side 1.2e10) can be declared infeasible over the rounding error of its
        # activity.
        lp.row({col: coef / 1e6 for col, coef in terms.items()}, -INF, s.budget / 1e6)
    for r, country in case.countries.items():  # 16
        if country.budget is None:
            continue
        terms = defaultdict(float)
        for (n, _), col in y.items():
            if case.sites[n].country == r:
                terms[col] += case.sites[n].fixed_capex
        for (n, _), col in x.items():
            if case.sites[n].country == r:
                terms[col] += case.sites[n].capex_per_tpa
        for (m, rr, t), col in p.items():
            if rr == r:
                terms[col] += case.price[m, t]
        lp.row({col: coef / 1e6 for col, coef in terms.items()}, -INF, country.budget / 1e6)

    def online(n: str, t: int) -> tuple[float, dict[int, float]]:
        """C(s,t) as (constant, terms)."""
        site = case.sites[n]
        return site.existing_capacity, {
            x[n, tau]: 1.0 for tau in build_years[n] if tau + site.lead_time <= t
        }

    pairs = {(xs, m) for (xs, m, _) in case.supply}
    sources_of = defaultdict(list)
    for xs, m in sorted(pairs):
        sources_of[m].append(xs)

    total_demand: dict[tuple[str, int], float] = defaultdict(float)
    for (m, _, t), value in case.demand.items():
        total_demand[m, t] += value

    def first_cut(m: str, w: str) -> int:
        """first(m,ω): the first year any source of m loses a share in ω (else beyond the end)."""
        cut = [
            t for (ww, _, mm, t), share in case.share_lost.items() if (ww, mm) == (w, m) and share
        ]
        return min(cut, default=end + 1)

    eta = lp.var(-INF, INF) if lam > 0 else None
    objective: dict[int, float] = defaultdict(float)
    # Second-stage columns per scenario: (variable name, index..., year) -> column, for (15).
    stage: dict[str, dict[tuple, int]] = {}
    for w, scen in case.scenarios.items():
        cost: dict[int, float] = defaultdict(float)
        const = 0.0
        site_q: dict[tuple[str, int], int] = {}
        own: dict[tuple, int] = stage.setdefault(w, {})

        def price(m: str, t: int, w: str = w) -> float:
            return case.price[m, t] * case.price_multiplier.get((w, m, t), 1.0)

        # Refining: capex, fixed O&M, variable cost; 5.
        for n, site in case.sites.items():
            for t in build_years[n]:
                cost[y[n, t]] += d[t] * site.fixed_capex
                cost[x[n, t]] += d[t] * site.capex_per_tpa
            for t in years:
                base, terms = online(n, t)
                const += d[t] * site.fixed_om_per_tpa * base
                for col, coef in terms.items():
                    cost[col] += d[t] * site.fixed_om_per_tpa * coef
                q = lp.var()
                own["q", n, t] = q
                cost[q] += d[t] * site.variable_cost
                row = {q: 1.0}
                for col, coef in terms.items():
                    row[col] = -site.availability * coef
                lp.row(row, -INF, site.availability * base)
                site_q[n, t] = q
        # CfD.
        for o, offer in case.offers.items():
            for t in years:
                if offer.start_year <= t <= offer.end_year:
                    strike = offer.strike
                    if offer.kind == "floor":
                        strike = max(strike, price(offer.mineral, t))
                    cost[z[o]] += d[t] * offer.volume * strike
        # External supply; 6 as bounds.
        e = {}
        for xs, m in sorted(pairs):
            for t in years:
                supply = case.supply.get((xs, m, t))
                avail = supply.available if supply else 0.0
                factor = supply.price_factor if supply else 1.0
                lost = case.share_lost.get((w, xs, m, t), 0.0)
                col = lp.var(0.0, (1 - lost) * avail)
                cost[col] += d[t] * factor * price(m, t)
                e[xs, m, t] = col
                own["e", xs, m, t] = col
                if (xs, m, t) in case.supply_cap:  # 13
                    lp.row({col: 1.0}, -INF, case.supply_cap[xs, m, t] * total_demand[m, t])
        # Stockpiles; 7.
        inv, rel = {}, {}
        for (r, m), place in case.stockpiles.items():
            for t in years:
                inv[m, r, t] = lp.var(0.0, place.capacity)
                rel[m, r, t] = lp.var(0.0, INF if place.max_release is None else place.max_release)
                own["inv", m, r, t], own["rel", m, r, t] = inv[m, r, t], rel[m, r, t]
                row = {inv[m, r, t]: 1.0, p[m, r, t]: -1.0, rel[m, r, t]: 1.0}
                if t == s.start_year:
                    lp.row(row, place.initial, place.initial)
                    lp.row({rel[m, r, t]: 1.0}, -INF, place.initial)  # 7: rel ≤ I0
                else:
                    row[inv[m, r, t - 1]] = -1.0
                    lp.row(row, 0.0, 0.0)
                    lp.row({rel[m, r, t]: 1.0, inv[m, r, t - 1]: -1.0}, -INF, 0.0)  # 7
                since = place.obligation_from or s.start_year
                if place.min_days is not None and since <= t < first_cut(m, w):  # 12
                    need = place.min_days / 365.0 * case.demand.get((m, r, t), 0.0)
                    lp.row({inv[m, r, t]: 1.0}, need, INF)
                cost[inv[m, r, t]] += d[t] * case.minerals[m].holding_cost
                cost[p[m, r, t]] += d[t] * case.countries[r].shipping_cost
            # Terminal value.
            factors = [
                case.supply[xs, m, end].price_factor if (xs, m, end) in case.supply else 1.0
                for xs in sources_of.get(m, [])
            ]
            phi = s.terminal_value_fraction * min([1.0, *factors]) if factors else 0.0
            cost[inv[m, r, end]] -= d[end] * phi * price(m, end)
        # Country balance 8, coverage 10, pool 9.
        inflow, outflow = {}, {}
        for m, mineral in case.minerals.items():
            for r, country in case.countries.items():
                for t in years:
                    demand = case.demand.get((m, r, t), 0.0)
                    inflow[m, r, t] = lp.var()
                    outflow[m, r, t] = lp.var()
                    short = lp.var(0.0, (1 - mineral.coverage) * demand)
                    own["inflow", m, r, t], own["outflow", m, r, t] = (
                        inflow[m, r, t],
                        outflow[m, r, t],
                    )
                    own["short", m, r, t] = short
                    cost[inflow[m, r, t]] += d[t] * country.shipping_cost
                    cost[outflow[m, r, t]] += d[t] * country.shipping_cost
                    cost[short] += d[t] * mineral.shortage_penalty
                    row: dict[int, float] = defaultdict(float)
                    produced = set()
                    for n, site in case.sites.items():
                        if site.country == r and site.mineral == m:
                            row[site_q[n, t]] += 1.0
                            produced.add(site_q[n, t])
                    for o, offer in case.offers.items():
                        active = offer.start_year <= t <= offer.end_year
                        if offer.country == r and offer.mineral == m and active:
                            row[z[o]] += offer.volume
                            produced.add(z[o])
                    if (r, m) in case.stockpiles:
                        row[rel[m, r, t]] += 1.0
                    row[inflow[m, r, t]] += 1.0
                    row[outflow[m, r, t]] -= 1.0
                    row[short] += 1.0
                    lp.row(row, demand, INF)
                    if not country.shares_stock:  # 14
                        sent = {col: -coef for col, coef in row.items() if col in produced}
                        sent[outflow[m, r, t]] = 1.0
                        lp.row(sent, -INF, 0.0)
        for m in case.minerals:
            for t in years:
                row = defaultdict(float)
                for r in case.countries:
                    row[inflow[m, r, t]] += 1.0
                    row[outflow[m, r, t]] -= 1.0
                    if (r, m) in case.stockpiles:
                        row[p[m, r, t]] += 1.0
                for xs in sources_of.get(m, []):
                    row[e[xs, m, t]] -= 1.0
                lp.row(row, -INF, 0.0)

        for col, coef in cost.items():
            objective[col] += (1 - lam) * scen.probability * coef
        lp.offset += (1 - lam) * scen.probability * const
        if lam > 0:
            zeta = lp.var()
            objective[zeta] += lam * scen.probability / (1 - alpha)
            row = dict(cost)
            row[eta] = row.get(eta, 0.0) - 1.0
            row[zeta] = -1.0
            lp.row(row, -INF, -const)
    _non_anticipativity(case, lp, stage)
    if eta is not None:
        objective[eta] += lam
    for col, coef in objective.items():
        lp.cost[col] += coef
    return lp.solve(mip_gap)


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
