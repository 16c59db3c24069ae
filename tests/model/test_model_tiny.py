"""Tiny cases whose optimum is derived by hand (the derivation is in each docstring).

Each asserts the objective to 1e-6 relative and the decisions that make it. Unless a test says
otherwise: one mineral Ga at 100 USD/t with a shortage penalty of 1000 USD/t, one country A, one
scenario, no discounting, no terminal value (see tiny.py).
"""

from __future__ import annotations

import pytest

from planner.case import Country, Mineral, Offer, Scenario, Site, SourceYear, Stockpile
from planner.options import SolveOptions
from planner.outcome import COST_COMPONENTS, Outcome
from planner.solve import solve_case
from tests.model.tiny import GA, every_year, tiny_case


def solved(case, **options) -> Outcome:
    outcome = solve_case(case, SolveOptions(**options))
    assert outcome.status == "optimal", outcome.message
    return outcome


def cost_of(outcome: Outcome, component: str, scenario: str = "base") -> float:
    table = outcome.scenario_costs.set_index("scenario")
    return float(table.loc[scenario, component])


def flow(outcome: Outcome, column: str, *, mineral="Ga", country="A", year=2025, scenario="base"):
    table = outcome.plan.flows
    row = table[
        (table.scenario == scenario)
        & (table.mineral == mineral)
        & (table.country == country)
        & (table.year == year)
    ]
    assert len(row) == 1
    return float(row[column].iloc[0])


def purchase(outcome: Outcome, year: int, country: str = "A", mineral: str = "Ga") -> float:
    table = outcome.plan.purchases
    row = table[(table.country == country) & (table.mineral == mineral) & (table.year == year)]
    return float(row.purchase.iloc[0])


def test_imports_only():
    """Demand 10 t, one source at price factor 1.1, shipping 2 USD/t into country A.

    Buying 10 t costs 10·1.1·100 = 1100 plus 10·2 = 20 of shipping: 1120. Shortage (1000 USD/t)
    is dearer, so all 10 t are bought.
    """
    case = tiny_case(
        countries=(Country("A", shipping_cost=2.0),),
        demand={("Ga", "A", 2025): 10.0},
        supply={("X", "Ga", 2025): SourceYear(100.0, 1.1)},
    )
    out = solved(case)
    assert out.objective == pytest.approx(1120.0, rel=1e-6)
    assert out.expected_cost == pytest.approx(1120.0, rel=1e-6)
    assert flow(out, "inflow") == pytest.approx(10.0)
    assert flow(out, "shortage") == pytest.approx(0.0, abs=1e-9)
    assert out.plan.external.purchase.sum() == pytest.approx(10.0)
    assert cost_of(out, "external_purchases") == pytest.approx(1100.0)
    assert cost_of(out, "shipping") == pytest.approx(20.0)
    assert out.mip_gap == 0.0


def test_disruption_makes_stockpiling_worth_it():
    """Two years, demand 10 t each; in scenario `cut` (π = 0.5) the only source loses 100% in 2026.

    Without a stockpile `cut` is 10 t short in 2026: expected 0.5·2000 + 0.5·(1000 + 10·1000)
    = 6500. Buying p = 10 t in 2025 (first stage, so in both scenarios): `cut` buys 20 t in 2025
    (2000), holds 10 t through 2025 (holding 5·10 = 50) and releases them in 2026: 2050. `base`
    needs no stock, but it cannot undo the purchase in 2025: a tonne bought in 2025 is released
    in 2026 at the earliest (7, revision 3), and in 2025 both scenarios share their history, so
    they act alike (15). So `base` also pays 2000 + 50 in 2025 and covers 2026 from the stock
    at no cost: 2050. (Revision 2 let `base` release in 2025 and pay 2000.) Expected 2050.
    """
    case = tiny_case(
        end=2026,
        minerals=(Mineral("Ga", price=100.0, shortage_penalty=1000.0, holding_cost=5.0),),
        stockpiles=(Stockpile("A", "Ga", capacity=50.0),),
        scenarios=(Scenario("base", 0.5), Scenario("cut", 0.5)),
        demand=every_year(10.0, 2025, 2026, "Ga", "A"),
        supply=every_year(SourceYear(100.0), 2025, 2026, "X", "Ga"),
        share_lost={("cut", "X", "Ga", 2026): 1.0},
    )
    out = solved(case)
    assert out.objective == pytest.approx(2050.0, rel=1e-6)
    assert purchase(out, 2025) == pytest.approx(10.0)
    assert flow(out, "release", year=2025, scenario="base") == pytest.approx(0.0, abs=1e-9)
    assert flow(out, "release", year=2026, scenario="cut") == pytest.approx(10.0)
    assert flow(out, "shortage", year=2026, scenario="cut") == pytest.approx(0.0, abs=1e-9)
    assert cost_of(out, "holding", "cut") == pytest.approx(50.0)


def test_lead_time_against_a_cfd_ladder():
    """2025-2027, demand 10 t/yr, no external source, shortage 1000 USD/t.

    The site (lead time 2) can only be built in 2025 and delivers from 2027: x = 10 costs
    V·x = 30·10 = 300 plus w·q = 10·10 = 100. Offer `early` (strike 200, 10 t/yr in 2025-2026)
    costs 2·10·200 = 4000; offer `all` (strike 250, 10 t/yr in 2025-2027) costs 7500; they are
    rungs of one ladder. Best: `early` + the site = 4400 (vs `all` 7500, or the site alone
    400 + 20 t short = 20400). Without the lead time the site alone would do it for 600.
    The CfD cost splits into the market value 2·10·100 = 2000 and the government's 2000.
    """
    case = tiny_case(
        end=2027,
        sites=(
            Site(
                "plant",
                "A",
                "Ga",
                max_capacity=10.0,
                capex_per_tpa=30.0,
                variable_cost=10.0,
                lead_time=2,
                earliest_year=2025,
            ),
        ),
        offers=(
            Offer("early", "ladder", "Ga", "A", 200.0, 10.0, 2025, 2026),
            Offer("all", "ladder", "Ga", "A", 250.0, 10.0, 2025, 2027),
        ),
        demand=every_year(10.0, 2025, 2027, "Ga", "A"),
    )
    out = solved(case)
    assert out.objective == pytest.approx(4400.0, rel=1e-6)
    assert out.plan.builds.to_dict("records") == [
        {"site": "plant", "year": 2025, "capacity": pytest.approx(10.0)}
    ]
    accepted = dict(zip(out.plan.offers.offer, out.plan.offers.accepted, strict=True))
    assert accepted == {"early": True, "all": False}
    assert cost_of(out, "cfd_market_value") == pytest.approx(2000.0)
    assert cost_of(out, "cfd_government_payment") == pytest.approx(2000.0)
    output = out.plan.output
    assert output[output.year < 2027].output.sum() == pytest.approx(0.0, abs=1e-9)


def test_floor_against_two_sided_under_a_price_shock():
    """One year, demand 10 t, no source; scenario `shock` (π = 0.5) triples the price to 300.

    Floor offer (strike 100) pays max(100, P): 0.5·10·100 + 0.5·10·300 = 2000 expected.
    Two-sided offer (strike 120) pays 120 always: 1200. Same ladder: the two-sided one wins.
    (Were the floor paid at its strike, it would cost 1000 and win.) In `shock` industry pays the
    market value 10·300 = 3000 and the government receives 3000 − 1200 = 1800.
    """
    case = tiny_case(
        minerals=(Mineral("Ga", price=100.0, shortage_penalty=10_000.0),),
        offers=(
            Offer("floor", "ladder", "Ga", "A", 100.0, 10.0, 2025, 2025, kind="floor"),
            Offer("swap", "ladder", "Ga", "A", 120.0, 10.0, 2025, 2025, kind="two_sided"),
        ),
        scenarios=(Scenario("calm", 0.5), Scenario("shock", 0.5)),
        demand={("Ga", "A", 2025): 10.0},
        price_multiplier={("shock", "Ga", 2025): 3.0},
    )
    out = solved(case)
    assert out.objective == pytest.approx(1200.0, rel=1e-6)
    accepted = dict(zip(out.plan.offers.offer, out.plan.offers.accepted, strict=True))
    assert accepted == {"floor": False, "swap": True}
    assert cost_of(out, "cfd_market_value", "shock") == pytest.approx(3000.0)
    assert cost_of(out, "cfd_government_payment", "shock") == pytest.approx(-1800.0)
    assert cost_of(out, "cfd_government_payment", "calm") == pytest.approx(200.0)


def test_floor_pays_the_market_price_when_it_is_higher():
    """Only the floor offer (strike 100) is available; `shock` (π = 0.5) triples the price.

    It is accepted (shortage costs 10 000 USD/t): 0.5·10·100 + 0.5·10·300 = 2000. In `shock` the
    government pays max(100, 300) − 300 = 0: industry pays the whole 3000.
    """
    case = tiny_case(
        minerals=(Mineral("Ga", price=100.0, shortage_penalty=10_000.0),),
        offers=(Offer("floor", "floor", "Ga", "A", 100.0, 10.0, 2025, 2025, kind="floor"),),
        scenarios=(Scenario("calm", 0.5), Scenario("shock", 0.5)),
        demand={("Ga", "A", 2025): 10.0},
        price_multiplier={("shock", "Ga", 2025): 3.0},
    )
    out = solved(case)
    assert out.objective == pytest.approx(2000.0, rel=1e-6)
    assert cost_of(out, "cfd_government_payment", "shock") == pytest.approx(0.0, abs=1e-9)


def test_existing_capacity_and_its_fixed_om_constant():
    """Two years at a 10% discount rate; an existing site (E = 10, a = 0.8, Fo = 7, w = 20).

    Each year: fixed O&M 7·10 = 70 whatever happens (a constant of the objective), output
    0.8·10 = 8 t at 20 = 160, and 2 t from the source at 100 = 200: 430. Discounted:
    430 + 430/1.1 = 820.909090... The fixed O&M component is 70 + 70/1.1.
    """
    case = tiny_case(
        end=2026,
        discount_rate=0.1,
        sites=(
            Site(
                "old",
                "A",
                "Ga",
                existing_capacity=10.0,
                fixed_om_per_tpa=7.0,
                variable_cost=20.0,
                availability=0.8,
            ),
        ),
        demand=every_year(10.0, 2025, 2026, "Ga", "A"),
        supply=every_year(SourceYear(100.0), 2025, 2026, "X", "Ga"),
    )
    out = solved(case)
    assert out.objective == pytest.approx(430.0 + 430.0 / 1.1, rel=1e-6)
    assert cost_of(out, "fixed_om") == pytest.approx(70.0 + 70.0 / 1.1)
    assert out.plan.output.output.tolist() == pytest.approx([8.0, 8.0])
    assert out.plan.builds.empty


def test_binding_budget_limits_a_build():
    """2025-2027, demand 10 t/yr, no source; the site costs F = 100 plus V = 50 per t/yr.

    Unconstrained, x = 10 in 2025 costs 600 and removes 30 t of shortage. With B = 350 only
    x = (350 − 100)/50 = 5 t/yr fits: capex 350 and 5 t/yr short for 3 years = 15 000:
    15 350.
    """
    case = tiny_case(
        end=2027,
        budget=350.0,
        sites=(
            Site(
                "plant",
                "A",
                "Ga",
                max_capacity=10.0,
                fixed_capex=100.0,
                capex_per_tpa=50.0,
                earliest_year=2025,
            ),
        ),
        demand=every_year(10.0, 2025, 2027, "Ga", "A"),
    )
    out = solved(case)
    assert out.objective == pytest.approx(15_350.0, rel=1e-6)
    assert out.plan.builds.capacity.tolist() == pytest.approx([5.0])
    assert out.plan.builds.year.tolist() == [2025]


def test_budget_counts_stockpile_purchases_at_base_prices():
    """2025-2026; demand only in 2026 (10 t) when the source has no row (availability 0).

    The stockpile must be filled in 2025, when a price multiplier of 2 makes tonnes cost 200.
    The budget (500) counts purchases at the base price 100, so p = 5 fits (at the multiplied
    price only 2.5 would). Cost: 5 t at 200 = 1000 plus 5 t short at 1000 = 5000: 6000.
    """
    case = tiny_case(
        end=2026,
        budget=500.0,
        stockpiles=(Stockpile("A", "Ga", capacity=100.0),),
        demand={("Ga", "A", 2026): 10.0},
        supply={("X", "Ga", 2025): SourceYear(100.0)},
        price_multiplier={("base", "Ga", 2025): 2.0},
    )
    out = solved(case)
    assert out.objective == pytest.approx(6000.0, rel=1e-6)
    assert purchase(out, 2025) == pytest.approx(5.0)
    assert flow(out, "shortage", year=2026) == pytest.approx(5.0)


def test_max_release_limits_the_stockpile():
    """One year, demand 10 t; a full stockpile of 20 t that may release only 5 t/yr.

    Release 5 t for free and buy the other 5 t at 100: 500 (without the limit: 0).
    """
    case = tiny_case(
        stockpiles=(Stockpile("A", "Ga", initial=20.0, capacity=20.0, max_release=5.0),),
        demand={("Ga", "A", 2025): 10.0},
        supply={("X", "Ga", 2025): SourceYear(100.0)},
    )
    out = solved(case)
    assert out.objective == pytest.approx(500.0, rel=1e-6)
    assert flow(out, "release") == pytest.approx(5.0)
    assert flow(out, "inventory") == pytest.approx(15.0)


def _cvar_case(capex_per_tpa: float = 11.0, **settings: object):
    """Demand 10 t; `cut` (π = 0.1) loses the only source; shortage 150 USD/t.

    A site (up to 10 t/yr, built now, refining at 100 USD/t like the import price) insures
    against the cut for `capex_per_tpa` per t/yr.
    """
    site = Site(
        "plant",
        "A",
        "Ga",
        max_capacity=10.0,
        capex_per_tpa=capex_per_tpa,
        variable_cost=100.0,
        earliest_year=2025,
    )
    return tiny_case(
        minerals=(Mineral("Ga", price=100.0, shortage_penalty=150.0),),
        sites=(site,),
        scenarios=(Scenario("base", 0.9), Scenario("cut", 0.1)),
        demand={("Ga", "A", 2025): 10.0},
        supply={("X", "Ga", 2025): SourceYear(100.0)},
        share_lost={("cut", "X", "Ga", 2025): 1.0},
        **settings,
    )


def built_capacity(outcome: Outcome) -> float:
    return float(outcome.plan.builds.capacity.sum())


def test_expected_value_does_not_insure():
    """Capacity x costs 11 per t/yr. Base: 1000 + 11·x (output replaces imports at the same
    price); cut: 11·x + 100·x + 150·(10 − x) = 1500 − 39·x. Expected: 0.9·(1000 + 11 x)
    + 0.1·(1500 − 39 x) = 1050 + 6·x: x = 0, objective 1050.
    """
    out = solved(_cvar_case())
    assert out.objective == pytest.approx(1050.0, rel=1e-6)
    assert built_capacity(out) == pytest.approx(0.0, abs=1e-9)
    assert out.cvar is None
    assert out.plan.cvar.empty


def test_cvar_changes_the_plan():
    """The case above with λ = 0.5, α = 0.8.

    The worst 20% of outcomes are `cut` (π = 0.1) and half of `base` while cut ≥ base, i.e.
    x ≤ 10: CVaR = (0.1·(1500 − 39 x) + 0.1·(1000 + 11 x))/0.2 = 1250 − 14·x. Objective
    0.5·(1050 + 6 x) + 0.5·(1250 − 14 x) = 1150 − 4·x: x = 10, objective 1110 = expected cost
    = CVaR (both scenarios then cost 1110).
    """
    out = solved(_cvar_case(cvar_weight=0.5, cvar_alpha=0.8))
    assert out.objective == pytest.approx(1110.0, rel=1e-6)
    assert built_capacity(out) == pytest.approx(10.0)
    assert out.expected_cost == pytest.approx(1110.0, rel=1e-6)
    assert out.cvar == pytest.approx(1110.0, rel=1e-6)
    assert list(out.plan.cvar.columns) == ["scenario", "eta", "zeta"]
    assert len(out.plan.cvar) == 2


def test_pure_cvar_of_a_plan_with_spread_costs():
    """λ = 1, α = 0.5, capacity at 60 per t/yr: base 1000 + 60·x, cut 1500 + 10·x both grow
    with x, so x = 0. CVaR_0.5 = (0.1·1500 + 0.4·1000)/0.5 = 1100 is the objective; the
    expected cost is 0.9·1000 + 0.1·1500 = 1050.
    """
    out = solved(_cvar_case(capex_per_tpa=60.0, cvar_weight=1.0, cvar_alpha=0.5))
    assert out.objective == pytest.approx(1100.0, rel=1e-6)
    assert out.cvar == pytest.approx(1100.0, rel=1e-6)
    assert out.expected_cost == pytest.approx(1050.0, rel=1e-6)
    assert built_capacity(out) == pytest.approx(0.0, abs=1e-9)


def test_terminal_value_capped_by_the_cheapest_price_factor():
    """One year, demand 5 t; the stockpile starts full (10 t); φ = 0.9; sources at f = 0.8, 1.2.

    φ' = 0.9·min(1, 0.8, 1.2) = 0.72: a tonne left at the end is credited 72, a tonne bought
    costs 80. Releasing 5 t loses 5·72 of credit but saves 5·80: release, keep 5 t, objective
    −5·72 = −360. (Uncapped, φ' = 0.9 credits 90 > 80: it would buy instead, objective −500.)
    Ge has a stockpile but no source: φ'(Ge) = 0, no credit for its 10 t. Shipping costs 1 per
    tonne moved, which the plan above never pays: it makes the plan unique, since the equally
    cheap alternative of releasing all 10 t and buying 5 back through the pool (now that a
    release is bounded by the stock held at the start of the year, 7) would pay 2·5 shipping.
    """
    case = tiny_case(
        minerals=(GA, Mineral("Ge", price=1000.0, shortage_penalty=0.0)),
        countries=(Country("A", shipping_cost=1.0),),
        terminal_value_fraction=0.9,
        stockpiles=(
            Stockpile("A", "Ga", initial=10.0, capacity=10.0),
            Stockpile("A", "Ge", initial=10.0, capacity=10.0),
        ),
        demand={("Ga", "A", 2025): 5.0},
        supply={
            ("X", "Ga", 2025): SourceYear(100.0, 0.8),
            ("Y", "Ga", 2025): SourceYear(100.0, 1.2),
        },
    )
    out = solved(case)
    assert out.objective == pytest.approx(-360.0, rel=1e-6)
    assert flow(out, "release") == pytest.approx(5.0)
    assert cost_of(out, "terminal_value") == pytest.approx(-360.0)


def test_discounting_decides_a_build():
    """2025-2027, demand 10 t/yr from a source at 100, or a site: F = 10 plus 250 per t/yr.

    Imports cost 1000·(1 + d + d²). At 10%: 2735.54 > 2510: build x = 10 in 2025 (a later
    build costs 2510·d and saves less). At 25%: 1000·(1 + 0.8 + 0.64) = 2440 < 2510: import.
    """
    site = Site(
        "plant",
        "A",
        "Ga",
        max_capacity=10.0,
        fixed_capex=10.0,
        capex_per_tpa=250.0,
        earliest_year=2025,
    )
    common = dict(
        end=2027,
        sites=(site,),
        demand=every_year(10.0, 2025, 2027, "Ga", "A"),
        supply=every_year(SourceYear(100.0), 2025, 2027, "X", "Ga"),
    )
    built = solved(tiny_case(discount_rate=0.1, **common))
    assert built.objective == pytest.approx(2510.0, rel=1e-6)
    assert built.plan.builds.year.tolist() == [2025]
    imported = solved(tiny_case(discount_rate=0.25, **common))
    assert imported.objective == pytest.approx(2440.0, rel=1e-6)
    assert imported.plan.builds.empty


def test_coverage_value_is_the_dual_of_constraint_10():
    """Ga: coverage 0.5 of 10 t; the source costs 100, a short tonne only 50: short = 5 (bound).

    One more tonne of required coverage replaces a short tonne (50) by a bought one (100): +50,
    weighted by π and d: scenarios a (0.4) and b (0.6), two years at 10%: 20, 20/1.1, 30,
    30/1.1. Ge: full coverage (short ≤ 0) of 4 t in 2025 at price 200 with a penalty of 120:
    the bound costs 200 − 120 = 80 per tonne, i.e. 0.4·80 = 32 in a and 0.6·80 = 48 in b.
    """
    case = tiny_case(
        end=2026,
        discount_rate=0.1,
        minerals=(
            Mineral("Ga", price=100.0, shortage_penalty=50.0, coverage=0.5),
            Mineral("Ge", price=200.0, shortage_penalty=120.0, coverage=1.0),
        ),
        scenarios=(Scenario("a", 0.4), Scenario("b", 0.6)),
        demand={
            **every_year(10.0, 2025, 2026, "Ga", "A"),
            ("Ge", "A", 2025): 4.0,
        },
        supply={
            **every_year(SourceYear(100.0), 2025, 2026, "X", "Ga"),
            **every_year(SourceYear(100.0), 2025, 2026, "X", "Ge"),
        },
    )
    out = solved(case)
    values = {(r.scenario, r.mineral, r.year): r.value for r in out.coverage_value.itertuples()}
    assert values == {
        ("a", "Ga", 2025): pytest.approx(20.0),
        ("a", "Ga", 2026): pytest.approx(20.0 / 1.1),
        ("b", "Ga", 2025): pytest.approx(30.0),
        ("b", "Ga", 2026): pytest.approx(30.0 / 1.1),
        ("a", "Ge", 2025): pytest.approx(32.0),
        ("b", "Ge", 2025): pytest.approx(48.0),
    }
    # 2 years of Ga (5 t bought, 5 t short at 50) + 4 t of Ge at 200, all discounted.
    ga = 5 * 100 + 5 * 50
    assert out.objective == pytest.approx(ga + ga / 1.1 + 4 * 200, rel=1e-6)


def test_cost_split_adds_up_to_the_objective():
    """Whatever the case, Σ components = Cost(ω) and Σ π·Cost(ω) = objective when λ = 0."""
    out = solved(_cvar_case(capex_per_tpa=4.0))
    costs = out.scenario_costs
    assert list(costs.columns) == ["scenario", *COST_COMPONENTS, "cost"]
    assert costs[list(COST_COMPONENTS)].sum(axis=1).tolist() == pytest.approx(costs.cost.tolist())
    assert (0.9 * costs.cost[0] + 0.1 * costs.cost[1]) == pytest.approx(out.objective)
    assert costs.capex.tolist() == pytest.approx([40.0, 40.0])  # x = 10: 1050 − x at 4 per t/yr
