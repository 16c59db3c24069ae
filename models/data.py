"""Prepared data: the `Case` turned once into the index tuples and lookups the components use.

Every component builds from this object only, so no constraint rule filters a table or looks a
value up from scratch. With ``prune=True`` (the default) only combinations that can matter are
indexed; with ``prune=False`` every variable of model.md exists over its full index (a debug
switch that proves the pruning exact: both give the same optimal objective).

Why each pruning keeps the optimal objective of the full formulation (all costs that the pruned
variables carry are ≥ 0: k(r), u(m), w(s), f·P; the input layer enforces these signs):

- q(s,t,ω) only where C(s,t) can be positive (existing capacity online in t, or a build year τ
  with τ + L(s) ≤ t). Elsewhere constraint 5 reads q ≤ a·0, so q = 0. With the existing_from
  extension E(s) counts only from existing_from(s) (`Site.existing_in`): before it the existing
  term of C(s,t) is 0, so the same argument holds year by year.
- inflow(m,r,t,ω) only where D(m,r,t) > 0. A country with no demand that year gains nothing from
  taking tonnes (free disposal), and each tonne costs k(r) ≥ 0 and draws on the pool.
- outflow(m,r,t,ω) only where the country has tonnes of its own that year (a site with output,
  an active CfD offer or a stockpile place) and the pool has a use for m in year t (some demand or
  some stockpile of m). Inflow and outflow of one country can always be netted at no loss, so a
  country without tonnes of its own never sends any; with nothing drawing on the pool, sending
  only costs k(r).
- short(m,r,t,ω) only where D(m,r,t) > 0; elsewhere constraint 10 forces it to 0. (Where c(m) = 1
  it is kept with upper bound 0, so that its reduced cost reports the marginal cost of full
  coverage in the dual pass.)
- Country balance (8) rows only where a demand or an outflow exists: otherwise every remaining
  term is ≥ 0 and the right-hand side is 0, so the row always holds.
- e(x,m,t,ω) only where (1 − δ)·Av > 0 (constraint 6 forces 0 elsewhere) and the pool has a use
  for m in year t: without inflow or stockpile purchases to feed, a purchase only costs.
- Pool balance (9) rows only where something draws on the pool (an inflow or a stockpile place);
  with an empty left-hand side the row always holds.
- A closed member's (14) stockpile is not "tonnes of its own" for outflow: (14) bounds its
  outflow by its output and contracts, so without a site or offer of m that year outflow is 0.
- Supply-cap (13) rows only where κ·ΣD is below (1 − δ)·Av: elsewhere (6) already implies them.
- Obligation (12) rows only where n/365·D(m,r,t) > 0: a zero obligation is inv ≥ 0.

The scenario tree (constraint 15) is not a pruning but the formulation itself: in each year the
scenarios with the same history H(ω,t) form one node, and every second-stage variable and row is
indexed by node. Everything a year-t row or cost reads — δ(·,·,t,ω), μ(·,t,ω), P(m,t,ω) and
first(m,ω) ≤ t — is part of H(ω,t), so it is the same for every scenario of a node (read through
the node's first scenario, `node_scenario`). A node's parent is the node of its scenarios in the
previous year, the same for all of them because histories are cumulative.

Readings of points model.md leaves open:

- CfD active years A(o) are intersected with the horizon T.
- φ'(m) = φ·min(1, min over sources x with supply rows for m of f(x,m,end_year)); a source with
  rows for m but none covering end_year counts with f = 1; φ' = 0 when m has no source.
- A source-mineral pair's availability is 0 in the years `Case.supply` has no key for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from planner.case import Case

Key3 = tuple[str, str, int]


@dataclass(frozen=True)
class ModelData:
    """Index sets and lookups of one case, ready for the model components.

    Keys follow model.md's symbols: (m, r, t) for a mineral, country and year, (s, t) for a site
    and year, (x, m, t) for a source, mineral and year; ω is the scenario name.
    """

    case: Case
    prune: bool
    years: tuple[int, ...]
    end_year: int
    scenarios: tuple[str, ...]
    probability: dict[str, float]  # π(ω)
    total_probability: float  # Σ π(ω): the weight of first-stage terms in the expected cost
    discount: dict[int, float]  # d(t)
    market_price: dict[tuple[str, int, str], float]  # P(m,t,ω), key (m, t, ω)
    # Sites: BuildYears(s) for sites with a build decision; build keys (s, t) in site order.
    build_years: dict[str, tuple[int, ...]]
    build_keys: tuple[tuple[str, int], ...]
    # (s, t) -> the build years τ whose capacity is online in year t (τ + L(s) ≤ t); non-empty only.
    online_builds: dict[tuple[str, int], tuple[int, ...]]
    output_keys: tuple[tuple[str, int], ...]  # (s, t) where q exists
    # (s, τ) -> Σ_{t ≥ τ + L(s)} d(t): the discounted years a unit of new capacity is online.
    online_discount: dict[tuple[str, int], float]
    # CfD: A(o) ∩ T per offer; groups with their offers (only groups of two or more need a row).
    offer_years: dict[str, tuple[int, ...]]
    groups: dict[str, tuple[str, ...]]
    # Stockpile places K as (r, m), and φ'(m).
    places: tuple[tuple[str, str], ...]
    terminal_fraction: dict[str, float]
    # External supply: (x, m, t) keys where e exists, and the bound (1 − δ)·Av per (x, m, t, ω).
    supply_keys: tuple[Key3, ...]
    supply_bound: dict[tuple[str, str, int, str], float]
    # Trade and coverage: which (m, r, t) carry inflow, outflow, short and a balance row (8).
    inflow_keys: tuple[Key3, ...]
    outflow_keys: tuple[Key3, ...]
    short_keys: tuple[Key3, ...]
    balance_keys: tuple[Key3, ...]  # rows of (8), in (m, r, t) order
    balance_set: frozenset[Key3]  # the same keys, for membership tests
    pool_keys: tuple[tuple[str, int], ...]  # (m, t) with a pool row (9)
    # Scenario tree (15): node ids per year ("2030-2": year 2030, second node in scenario order),
    # the node of each (year, scenario), each node's scenarios, probability and parent.
    nodes: dict[int, tuple[str, ...]]
    node_of: dict[tuple[int, str], str]
    node_scenarios: dict[str, tuple[str, ...]]
    node_probability: dict[str, float]
    parent: dict[str, str | None]
    # Revision 3: κ·ΣD per capped (x, m, t) where the cap can bind (13); the obligation
    # n/365·D(m,r,t) per (m, r, t, node) where it is positive (12); closed members (14).
    supply_cap: dict[tuple[str, str, int, str], float]
    obligation: dict[tuple[str, str, int, str], float]
    closed: frozenset[str]

    def node_scenario(self, node: str) -> str:
        """A scenario of `node`, to read the data that all its scenarios share."""
        return self.node_scenarios[node][0]

    def second_stage(
        self, keys: tuple[tuple[str | int, ...], ...], year_at: int = 2
    ) -> list[tuple[str | int, ...]]:
        """(*key, node) for every key and every node of the key's year (the tree's index);
        `year_at` is the position of the year in the keys."""
        nodes = self.nodes
        return [(*k, n) for k in keys for n in nodes[int(k[year_at])]]

    def demand(self, mineral: str, country: str, year: int) -> float:
        """D(m,r,t), 0 where the case has no demand."""
        return self.case.demand.get((mineral, country, year), 0.0)


def terminal_fraction(case: Case) -> dict[str, float]:
    """φ'(m) for every mineral (read as the module docstring says where model.md is open)."""
    phi = case.settings.terminal_value_fraction
    end = case.settings.end_year
    factors: dict[str, list[float]] = defaultdict(list)
    pairs = dict.fromkeys((x, m) for x, m, _ in case.supply)
    for x, m in pairs:
        row = case.supply.get((x, m, end))
        factors[m].append(row.price_factor if row is not None else 1.0)
    return {m: phi * min(1.0, *factors[m]) if factors.get(m) else 0.0 for m in case.minerals}


@dataclass(frozen=True)
class Tree:
    """The scenario tree of constraint 15 (see `ModelData`'s fields of the same names)."""

    nodes: dict[int, tuple[str, ...]]
    node_of: dict[tuple[int, str], str]
    node_scenarios: dict[str, tuple[str, ...]]
    node_probability: dict[str, float]
    parent: dict[str, str | None]


def scenario_tree(case: Case) -> Tree:
    """Group the scenarios of each year by their history H(ω,t) (model.md 15)."""
    signature: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for (w, x, m, t), share in case.share_lost.items():
        if share:
            signature[w, t].append(("lost", x, m, share))
    for (w, m, t), factor in case.price_multiplier.items():
        if factor != 1.0:
            signature[w, t].append(("price", m, factor))
    history: dict[str, tuple] = dict.fromkeys(case.scenarios, ())
    nodes: dict[int, tuple[str, ...]] = {}
    node_of: dict[tuple[int, str], str] = {}
    members: dict[str, list[str]] = {}
    parent: dict[str, str | None] = {}
    for t in case.years:
        named: dict[tuple, str] = {}
        for w in case.scenarios:
            history[w] = (history[w], tuple(sorted(signature.get((w, t), ()))))
            node = named.get(history[w])
            if node is None:
                node = named[history[w]] = f"{t}-{len(named) + 1}"
                members[node] = []
                parent[node] = node_of.get((t - 1, w))
            node_of[t, w] = node
            members[node].append(w)
        nodes[t] = tuple(named.values())
    return Tree(
        nodes=nodes,
        node_of=node_of,
        node_scenarios={n: tuple(ws) for n, ws in members.items()},
        node_probability={
            n: sum(case.scenarios[w].probability for w in ws) for n, ws in members.items()
        },
        parent=parent,
    )


def supply_caps(
    case: Case, tree: Tree, bound: dict[tuple[str, str, int, str], float]
) -> dict[tuple[str, str, int, str], float]:
    """κ(x,m,t)·Σ_r D(m,r,t) per (x, m, t, node) where e exists and the cap is below its bound."""
    total: dict[tuple[str, int], float] = defaultdict(float)
    for (m, _r, t), value in case.demand.items():
        total[m, t] += value
    caps = {}
    for (x, m, t), share in case.supply_cap.items():
        cap = share * total.get((m, t), 0.0)
        for n in tree.nodes.get(t, ()):
            key = (x, m, t, n)
            if key in bound and cap < bound[key]:
                caps[key] = cap
    return caps


def obligations(case: Case, tree: Tree) -> dict[tuple[str, str, int, str], float]:
    """n(k)/365·D(m,r,t) per (m, r, t, node) where it is positive (constraint 12)."""
    first = case.first_disrupted()
    end = case.settings.end_year
    required = {}
    for (r, m), place in case.stockpiles.items():
        if place.min_days is None:
            continue
        start = place.obligation_from or case.settings.start_year
        for t in case.years:
            amount = place.min_days / 365.0 * case.demand.get((m, r, t), 0.0)
            if t < start or amount <= 0:
                continue
            for n in tree.nodes[t]:
                if t < first.get((m, tree.node_scenarios[n][0]), end + 1):
                    required[m, r, t, n] = amount
    return required


def prepare(case: Case, *, prune: bool = True) -> ModelData:
    """Turn `case` into the index tuples and lookups of `ModelData` (pruned unless asked not to)."""
    settings = case.settings
    years = tuple(case.years)
    end = settings.end_year
    scenarios = tuple(case.scenarios)
    discount = {t: case.discount(t) for t in years}
    market_price = {
        (m, t, w): case.market_price(m, t, w)
        for w in scenarios
        for m in case.minerals
        for t in years
    }
    build_years = _build_years(case, years)
    build_keys = tuple((s, t) for s, ts in build_years.items() for t in ts)
    online_builds, online_discount = _online(case, build_years, years, discount)
    output_keys = tuple(
        (s, t)
        for s, site in case.sites.items()
        for t in years
        if not prune or site.existing_in(t) > 0 or (s, t) in online_builds
    )
    offer_years = {
        o: tuple(t for t in years if offer.start_year <= t <= offer.end_year)
        for o, offer in case.offers.items()
    }
    members: dict[str, list[str]] = defaultdict(list)
    for o, offer in case.offers.items():
        members[offer.group].append(o)
    groups = {g: tuple(os) for g, os in members.items()}
    places = tuple(case.stockpiles)
    closed = frozenset(r for r, country in case.countries.items() if not country.shares_stock)
    own_tonnes = _own_tonnes(case, years, output_keys, offer_years, closed)
    flows = _flow_keys(case, years, own_tonnes, prune)
    tree = scenario_tree(case)
    supply_keys, supply_bound = _supply(case, years, tree, set(flows.pool_keys), prune)
    inflow_keys, outflow_keys, short_keys, balance_keys, pool_keys = flows

    probability = {w: sc.probability for w, sc in case.scenarios.items()}
    return ModelData(
        case=case,
        prune=prune,
        years=years,
        end_year=end,
        scenarios=scenarios,
        probability=probability,
        total_probability=sum(probability.values()),
        discount=discount,
        market_price=market_price,
        build_years=build_years,
        build_keys=build_keys,
        online_builds=online_builds,
        output_keys=output_keys,
        online_discount=online_discount,
        offer_years=offer_years,
        groups=groups,
        places=places,
        terminal_fraction=terminal_fraction(case),
        supply_keys=tuple(supply_keys),
        supply_bound=supply_bound,
        inflow_keys=inflow_keys,
        outflow_keys=outflow_keys,
        short_keys=short_keys,
        balance_keys=balance_keys,
        balance_set=frozenset(balance_keys),
        pool_keys=pool_keys,
        nodes=tree.nodes,
        node_of=tree.node_of,
        node_scenarios=tree.node_scenarios,
        node_probability=tree.node_probability,
        parent=tree.parent,
        supply_cap=supply_caps(case, tree, supply_bound),
        obligation=obligations(case, tree),
        closed=closed,
    )


def _build_years(case: Case, years: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """Per site that may be built: the years a build can start and still come online by the
    end year (from its earliest year on)."""
    start, end = case.settings.start_year, case.settings.end_year
    build_years: dict[str, tuple[int, ...]] = {}
    for name, site in case.sites.items():
        if site.max_capacity > 0:
            earliest = site.earliest_year if site.earliest_year is not None else start
            own = tuple(t for t in years if t >= earliest and t + site.lead_time <= end)
            if own:
                build_years[name] = own
    return build_years


def _online(
    case: Case,
    build_years: dict[str, tuple[int, ...]],
    years: tuple[int, ...],
    discount: dict[int, float],
) -> tuple[dict[tuple[str, int], tuple[int, ...]], dict[tuple[str, int], float]]:
    """The build years τ online in each (s, t) (τ + L(s) ≤ t), and per build (s, τ) the sum of
    the discount factors of the years it is online."""
    online_builds: dict[tuple[str, int], tuple[int, ...]] = {}
    online_discount: dict[tuple[str, int], float] = {}
    for s, ts in build_years.items():
        lead = case.sites[s].lead_time
        for t in years:
            online = tuple(tau for tau in ts if tau + lead <= t)
            if online:
                online_builds[s, t] = online
        for tau in ts:
            online_discount[s, tau] = sum(discount[t] for t in years if t >= tau + lead)
    return online_builds, online_discount


def _own_tonnes(
    case: Case,
    years: tuple[int, ...],
    output_keys: tuple[tuple[str, int], ...],
    offer_years: dict[str, tuple[int, ...]],
    closed: frozenset[str],
) -> set[Key3]:
    """The (m, r, t) where country r has tonnes of its own: a site with output, an active CfD
    offer, or a stockpile place of a member that shares its stock."""
    own_tonnes: set[Key3] = set()
    for s, t in output_keys:
        site = case.sites[s]
        own_tonnes.add((site.mineral, site.country, t))
    for o, offer in case.offers.items():
        own_tonnes.update((offer.mineral, offer.country, t) for t in offer_years[o])
    for r, m in case.stockpiles:
        if r not in closed:
            own_tonnes.update((m, r, t) for t in years)
    return own_tonnes


class _FlowKeys(NamedTuple):
    """The index tuples of the flows between countries and the pool."""

    inflow_keys: tuple[Key3, ...]
    outflow_keys: tuple[Key3, ...]
    short_keys: tuple[Key3, ...]
    balance_keys: tuple[Key3, ...]
    pool_keys: tuple[tuple[str, int], ...]


def _flow_keys(case: Case, years: tuple[int, ...], own_tonnes: set[Key3], prune: bool) -> _FlowKeys:
    """Inflow, outflow and shortage (m, r, t), country balance (8) rows and pool balance (9)
    rows: all of them, or only where they can matter (module docstring)."""
    all_mrt = [(m, r, t) for m in case.minerals for r in case.countries for t in years]
    if not prune:
        every = tuple(all_mrt)
        return _FlowKeys(
            every, every, every, every, tuple((m, t) for m in case.minerals for t in years)
        )
    year_set = set(years)
    demanded = {key for key, value in case.demand.items() if value > 0 and key[2] in year_set}
    pool_used = {(m, t) for m, _, t in demanded} | {
        (m, t) for _, m in case.stockpiles for t in years
    }
    inflow_keys = tuple(k for k in all_mrt if k in demanded)
    outflow_keys = tuple(k for k in all_mrt if k in own_tonnes and (k[0], k[2]) in pool_used)
    with_row = set(inflow_keys) | set(outflow_keys)
    return _FlowKeys(
        inflow_keys,
        outflow_keys,
        inflow_keys,
        tuple(k for k in all_mrt if k in with_row),
        tuple((m, t) for m in case.minerals for t in years if (m, t) in pool_used),
    )


def _supply(
    case: Case, years: tuple[int, ...], tree: Tree, pool_set: set[tuple[str, int]], prune: bool
) -> tuple[list[Key3], dict[tuple[str, str, int, str], float]]:
    """External supply: the (x, m, t) of e where it can be positive and the pool can use it, and
    its bound (1 − δ)·Av per tree node."""
    pairs = dict.fromkeys((x, m) for x, m, _ in case.supply)
    supply_keys: list[Key3] = []
    supply_bound: dict[tuple[str, str, int, str], float] = {}
    for x, m in pairs:
        for t in years:
            row = case.supply.get((x, m, t))
            available = row.available if row is not None else 0.0
            bounds = {
                n: (1.0 - case.share_lost.get((ws[0], x, m, t), 0.0)) * available
                for n in tree.nodes[t]
                for ws in [tree.node_scenarios[n]]
            }
            if prune and ((m, t) not in pool_set or not any(b > 0 for b in bounds.values())):
                continue
            supply_keys.append((x, m, t))
            for n, bound in bounds.items():
                if not prune or bound > 0:
                    supply_bound[x, m, t, n] = bound
    return supply_keys, supply_bound
