"""Model revision 3 on tiny cases whose optima are derived by hand (derivation in each docstring).

Defaults of `tiny_case`: mineral Ga at 100 USD/t with a shortage penalty of 1000 USD/t, country A
without shipping cost, one scenario `base`, no discounting, no terminal value, zero MIP gap.
Every optimum is also checked against the plain reference implementation.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.case import Country, Mineral, Offer, Scenario, Site, SourceYear, Stockpile
from planner.options import SolveOptions
from planner.outcome import Outcome
from planner.solve import solve_case
from tests.model.test_model_tiny import flow, purchase, solved
from tests.model.tiny import GA, every_year, tiny_case
from tests.reference_model import reference_objective

X100 = SourceYear(100.0)


def agreed(case) -> Outcome:
    """The product's optimum, checked against the reference implementation's."""
    out = solved(case)
    status, reference = reference_objective(case)
    assert status == "optimal"
    assert out.objective == pytest.approx(reference, rel=1e-9, abs=1e-9)
    return out


def spent(out: Outcome, kind: str, country: str = "A") -> float:
    table = out.spending
    return float(table[(table.kind == kind) & (table.country == country)].amount.sum())


def test_a_tonne_bought_is_released_the_next_year_at_the_earliest():
    """2025-2026, demand 10 t/yr; the only source X (100 t at 100 USD/t) is cut to 0 in 2026.

    2026 can only be served from stock, and a tonne bought in 2026 could not be released before
    2027 anyway (nor found in the pool). So buy p = 10 t in 2025 (pool: e = 20 t, 2000 USD),
    release nothing in 2025 (the stock held at the start of 2025 is I0 = 0) and 10 t in 2026.
    Objective 2000; first-stage stockpile spending 10·100 = 1000 USD.
    """
    case = tiny_case(
        end=2026,
        stockpiles=(Stockpile("A", "Ga", capacity=50.0),),
        demand=every_year(10.0, 2025, 2026, "Ga", "A"),
        supply=every_year(X100, 2025, 2026, "X", "Ga"),
        share_lost={("base", "X", "Ga", 2026): 1.0},
    )
    out = agreed(case)
    assert out.objective == pytest.approx(2000.0)
    assert purchase(out, 2025) == pytest.approx(10.0)
    assert flow(out, "release", year=2025) == pytest.approx(0.0, abs=1e-9)
    assert flow(out, "release", year=2026) == pytest.approx(10.0)
    assert spent(out, "stockpile") == pytest.approx(1000.0)


def test_stockpile_spending_is_unique_when_a_purchase_cannot_be_released_at_once():
    """One year, demand 10 t, source X at 100 USD/t, an empty stockpile (capacity 50).

    Revision 2 let the plan buy any p ≤ 10 t into the stockpile and release it to demand in the
    same year at the same cost (1000 USD either way), so spend_stockpile was anything in
    [0, 1000]. Now a release is bounded by the stock held at the start of the year (0), so a
    purchase only costs: p = 0, spend_stockpile = 0, objective 1000, for every optimal plan.
    """
    case = tiny_case(
        stockpiles=(Stockpile("A", "Ga", capacity=50.0),),
        demand={("Ga", "A", 2025): 10.0},
        supply={("X", "Ga", 2025): X100},
    )
    out = agreed(case)
    assert out.objective == pytest.approx(1000.0)
    assert spent(out, "stockpile") == pytest.approx(0.0, abs=1e-9)
    assert flow(out, "release") == pytest.approx(0.0, abs=1e-9)


def test_an_obligation_binds():
    """One year, demand 10 t; A must hold 73 days of demand: 73/365·10 = 2 t at the end of 2025.

    With I0 = 0 the 2 t are bought from the pool: e = 12 t, objective 1200 (1000 without the
    obligation), inventory 2 t.
    """
    case = tiny_case(
        stockpiles=(Stockpile("A", "Ga", capacity=50.0, min_days=73.0),),
        demand={("Ga", "A", 2025): 10.0},
        supply={("X", "Ga", 2025): X100},
    )
    out = agreed(case)
    assert out.objective == pytest.approx(1200.0)
    assert flow(out, "inventory") == pytest.approx(2.0)


def test_an_obligation_is_waived_from_the_first_disrupted_year():
    """2025-2026, demand 10 t/yr, 73 days = 2 t to hold; X loses half its 100 t in 2026, so
    first(Ga, base) = 2026 and the obligation holds in 2025 only.

    Holding costs 1 USD/t/yr. 2025: buy 2 t for the obligation, e = 12 (1200), hold 2 t (2).
    2026: the obligation is waived, so the 2 t are released to demand and e = 8 (800).
    Objective 2002; keeping them (as an obligation in 2026 would force) would cost 202 more, and
    buying more than 2 t in 2025 would only add holding cost.
    """
    case = tiny_case(
        end=2026,
        minerals=(replace(GA, holding_cost=1.0),),
        stockpiles=(Stockpile("A", "Ga", capacity=50.0, min_days=73.0),),
        demand=every_year(10.0, 2025, 2026, "Ga", "A"),
        supply=every_year(X100, 2025, 2026, "X", "Ga"),
        share_lost={("base", "X", "Ga", 2026): 0.5},
    )
    out = agreed(case)
    assert out.objective == pytest.approx(2002.0)
    assert flow(out, "inventory", year=2025) == pytest.approx(2.0)
    assert flow(out, "release", year=2026) == pytest.approx(2.0)
    assert flow(out, "inventory", year=2026) == pytest.approx(0.0, abs=1e-9)


def test_a_supply_cap_binds():
    """One year, demand 10 t; X (f = 1) may supply at most 60% of the alliance's demand: 6 t.
    The other 4 t come from Y at f = 2: 6·100 + 4·200 = 1400 (1000 without the cap)."""
    case = tiny_case(
        demand={("Ga", "A", 2025): 10.0},
        supply={("X", "Ga", 2025): X100, ("Y", "Ga", 2025): SourceYear(100.0, 2.0)},
        supply_cap={("X", "Ga", 2025): 0.6},
    )
    out = agreed(case)
    assert out.objective == pytest.approx(1400.0)
    external = out.plan.external.set_index("source").purchase
    assert external["X"] == pytest.approx(6.0)
    assert external["Y"] == pytest.approx(4.0)


def test_a_closed_member_sends_what_it_refines_or_contracts_but_not_its_stock():
    """B needs 10 t and has no source; A (no demand) holds 10 t in stock, refines 5 t/yr at an
    existing site (no cost) and may take a CfD of 3 t at strike 100 (300 USD).

    Sharing, A sends its 5 t of output and 5 t of stock: nothing short, no CfD, objective 0.
    Closed, A sends at most its output and contracts: with the CfD 8 t, B is 2 t short:
    300 + 2·1000 = 2300 (without it 5 t short: 5000), so it takes the CfD.
    """
    case = tiny_case(
        countries=(Country("A", shares_stock=False), Country("B")),
        sites=(Site("refinery", "A", "Ga", existing_capacity=5.0),),
        offers=(
            Offer(
                "cfd", "cfd", "Ga", "A", strike=100.0, volume=3.0, start_year=2025, end_year=2025
            ),
        ),
        stockpiles=(Stockpile("A", "Ga", initial=10.0, capacity=10.0),),
        demand={("Ga", "B", 2025): 10.0},
    )
    out = agreed(case)
    assert out.objective == pytest.approx(2300.0)
    assert flow(out, "outflow") == pytest.approx(8.0)
    assert flow(out, "shortage", country="B") == pytest.approx(2.0)
    sharing = replace(case, countries={"A": Country("A"), "B": Country("B")})
    assert agreed(sharing).objective == pytest.approx(0.0, abs=1e-9)


def test_a_member_budget_binds():
    """One year; A and B each need 10 t, the only source sells at 1000 USD/t. Each has a site
    (lead time 0, 100 USD per t/yr); B's may reach 10 t/yr, A's 100 t/yr but A's budget is 600.

    B builds 10 (1000). A builds 6 (600, its whole budget) and buys 4 t (4000): 5600. B's
    spending does not count against A's budget. (Without A's budget: 2000.)
    """
    case = tiny_case(
        minerals=(Mineral("Ga", price=1000.0, shortage_penalty=10_000.0),),
        countries=(Country("A", budget=600.0), Country("B")),
        sites=(
            Site("a", "A", "Ga", max_capacity=100.0, capex_per_tpa=100.0),
            Site("b", "B", "Ga", max_capacity=10.0, capex_per_tpa=100.0),
        ),
        demand={("Ga", "A", 2025): 10.0, ("Ga", "B", 2025): 10.0},
        supply={("X", "Ga", 2025): X100},
    )
    out = agreed(case)
    assert out.objective == pytest.approx(5600.0)
    assert spent(out, "capex", "A") == pytest.approx(600.0)
    assert spent(out, "capex", "B") == pytest.approx(1000.0)


def test_scenarios_that_share_their_first_years_release_alike():
    """2025-2027, demand 10 t/yr, 10 t in stock at the start, X sells at 200 in 2025 and 100
    later; `ban` (π = 0.5) loses X in 2026, `calm` (π = 0.5) never does. Both look the same in
    2025, so they must release the same r t in 2025 (15). Stockpile purchases are capped at 0
    (b = 0), so a release cannot be bought back into the stock in the same year.

    ban: 2025 (10 − r)·200, 2026 10 − r from stock and r short (1000·r), 2027 1000.
    calm: 2025 the same, 2026 r bought (100·r), 2027 1000.
    Expected 3000 + 350·r: r = 0, every scenario 3000. (Knowing the future, calm would release
    its 10 t in 2025 and buy them back at 100: 2000, expected 2500.)
    """
    case = tiny_case(
        end=2027,
        minerals=(replace(GA, max_purchase=0.0),),
        stockpiles=(Stockpile("A", "Ga", initial=10.0, capacity=10.0),),
        scenarios=(Scenario("calm", 0.5), Scenario("ban", 0.5)),
        demand=every_year(10.0, 2025, 2027, "Ga", "A"),
        supply=every_year(X100, 2025, 2027, "X", "Ga"),
        price={("Ga", 2025): 200.0},
        share_lost={("ban", "X", "Ga", 2026): 1.0},
    )
    out = agreed(case)
    assert out.objective == pytest.approx(3000.0)
    for scenario in ("calm", "ban"):
        assert flow(out, "release", scenario=scenario) == pytest.approx(0.0, abs=1e-9)
    tree = out.plan.tree
    assert list(tree.node) == ["2025-1", "2026-1", "2026-2", "2027-1", "2027-2"]
    assert tree.scenarios.iloc[0] == ("calm", "ban")
    assert list(tree.probability) == pytest.approx([1.0, 0.5, 0.5, 0.5, 0.5])


def diagnosed(case) -> Outcome:
    out = solve_case(case, SolveOptions())
    assert out.status == "infeasible"
    return out


def test_diagnosis_names_an_obligation_that_cannot_be_held():
    """73 days of 10 t = 2 t must be held, but the stockpile holds 1 t: 1 t short."""
    case = tiny_case(
        stockpiles=(Stockpile("A", "Ga", capacity=1.0, min_days=73.0),),
        demand={("Ga", "A", 2025): 10.0},
        supply={("X", "Ga", 2025): X100},
    )
    (found,) = diagnosed(case).diagnosis
    assert (found.constraint, found.country, found.mineral, found.year, found.scenario) == (
        "obligation",
        "A",
        "Ga",
        2025,
        "base",
    )
    assert found.shortfall == pytest.approx(1.0)


def test_diagnosis_names_a_cap_that_would_have_to_rise():
    """Full coverage of 10 t; the only source X may supply 50% of demand (5 t). No shortfall
    remains once caps may rise (phase 1); the cap of X must rise by 5 t (phase 2)."""
    case = tiny_case(
        minerals=(replace(GA, coverage=1.0),),
        demand={("Ga", "A", 2025): 10.0},
        supply={("X", "Ga", 2025): X100},
        supply_cap={("X", "Ga", 2025): 0.5},
    )
    out = diagnosed(case)
    (found,) = out.diagnosis
    assert (found.constraint, found.source, found.mineral, found.year, found.scenario) == (
        "supply_cap",
        "X",
        "Ga",
        2025,
        "base",
    )
    assert found.shortfall == pytest.approx(5.0)
    assert "cap" in out.message


def test_diagnosis_names_a_member_budget_that_would_have_to_grow():
    """Full coverage of 10 t with no source; A's site (100 USD per t/yr, lead time 0) needs
    x = 10, 1000 USD, against A's budget of 600: it must grow by 400."""
    case = tiny_case(
        minerals=(replace(GA, coverage=1.0),),
        countries=(Country("A", budget=600.0),),
        sites=(Site("a", "A", "Ga", max_capacity=100.0, capex_per_tpa=100.0),),
        demand={("Ga", "A", 2025): 10.0},
    )
    out = diagnosed(case)
    (found,) = out.diagnosis
    assert (found.constraint, found.country) == ("member_budget", "A")
    assert found.shortfall == pytest.approx(400.0)
    assert "member budget" in out.message
