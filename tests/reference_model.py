"""A second, deliberately plain implementation of spec/model.md for cross-checking the product.

It builds the extensive form straight from the spec's tables with no pruning, no Pyomo and no
shared code with `planner.models`: every variable of model.md exists over its full index, every
constraint is a row or a bound, and the matrix goes to HiGHS directly. It is slow by design and
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
        # In millions of USD: a row in USD (coefficients to 1e9, right-hand side 1.2e10) can be
        # declared infeasible over the rounding error of its activity.
        lp.row({col: coef / 1e6 for col, coef in terms.items()}, -INF, s.budget / 1e6)

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

    eta = lp.var(-INF, INF) if lam > 0 else None
    objective: dict[int, float] = defaultdict(float)
    for w, scen in case.scenarios.items():
        cost: dict[int, float] = defaultdict(float)
        const = 0.0
        site_q: dict[tuple[str, int], int] = {}

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
        # Stockpiles; 7.
        inv, rel = {}, {}
        for (r, m), place in case.stockpiles.items():
            for t in years:
                inv[m, r, t] = lp.var(0.0, place.capacity)
                rel[m, r, t] = lp.var(0.0, INF if place.max_release is None else place.max_release)
                row = {inv[m, r, t]: 1.0, p[m, r, t]: -1.0, rel[m, r, t]: 1.0}
                if t == s.start_year:
                    lp.row(row, place.initial, place.initial)
                else:
                    row[inv[m, r, t - 1]] = -1.0
                    lp.row(row, 0.0, 0.0)
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
                    cost[inflow[m, r, t]] += d[t] * country.shipping_cost
                    cost[outflow[m, r, t]] += d[t] * country.shipping_cost
                    cost[short] += d[t] * mineral.shortage_penalty
                    row: dict[int, float] = defaultdict(float)
                    for n, site in case.sites.items():
                        if site.country == r and site.mineral == m:
                            row[site_q[n, t]] += 1.0
                    for o, offer in case.offers.items():
                        active = offer.start_year <= t <= offer.end_year
                        if offer.country == r and offer.mineral == m and active:
                            row[z[o]] += offer.volume
                    if (r, m) in case.stockpiles:
                        row[rel[m, r, t]] += 1.0
                    row[inflow[m, r, t]] += 1.0
                    row[outflow[m, r, t]] -= 1.0
                    row[short] += 1.0
                    lp.row(row, demand, INF)
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
    if eta is not None:
        objective[eta] += lam
    for col, coef in objective.items():
        lp.cost[col] += coef
    return lp.solve(mip_gap)
