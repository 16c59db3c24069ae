"""`planner value` on tiny cases whose figures are derived by hand (derivation in each docstring).

Unless a test says otherwise (tests/model/tiny.py): one mineral Ga at 100 USD/t with a shortage
penalty of 1000 USD/t and no coverage requirement, one country A, no shipping, no discounting,
no terminal value, MIP gap 0.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from planner.models.decisions import Decision

from planner.case import Case, Country, Mineral, Offer, Scenario, Site, SourceYear, Stockpile
from planner.options import SolveOptions
from planner.solve import SEARCH_SETTINGS
from planner.value.analysis import ValueReport, analyse
from planner.value.engine import Engine
from planner.value.tables import TOTAL, risk_table, value_table
from tests.model.tiny import every_year, tiny_case

EXACT = SolveOptions(mip_gap=0.0, threads=1)


def report_of(case: Case) -> ValueReport:
    return analyse(case, EXACT, workers=1)


def row(table: pd.DataFrame, decision: str) -> pd.Series:
    rows = table[table["decision"] == decision]
    assert len(rows) == 1
    return rows.iloc[0]


def in_an_optimal_plan(case: Case, decision: str) -> bool:
    """In the plan, or forcing it in costs nothing more (a tie with the plan)."""
    entry = row(value_table(report_of(case)), decision)
    return entry["in_plan"] == "yes" or abs(entry["value"]) <= 1e-6 * abs(entry["objective"])


# A source at 100 USD/t for 10 t of demand in each year: importing costs 1000 USD a year.
SOURCE = every_year(SourceYear(100.0), 2025, 2026, "X", "Ga")
DEMAND = every_year(10.0, 2025, 2026, "Ga", "A")


def test_site_without_which_the_case_is_infeasible() -> None:
    """Full coverage of 10 t in 2025, no external source: only site S can supply it.

    Without S no plan exists, so S is "needed" and the note names A, Ga, 2025 and 10 t short.
    """
    case = tiny_case(
        minerals=(Mineral("Ga", price=100.0, shortage_penalty=1000.0, coverage=1.0),),
        sites=(Site("S", "A", "Ga", max_capacity=20.0, fixed_capex=100.0),),
        demand={("Ga", "A", 2025): 10.0},
    )
    entry = row(value_table(report_of(case)), "S")
    assert entry["in_plan"] == "yes" and entry["re_solve"] == "forbidden"
    assert entry["status"] == "needed"
    assert pd.isna(entry["value"])
    assert "A, Ga, 2025, base: 10 t short" in entry["note"]


def test_site_whose_removal_costs_a_computed_amount() -> None:
    """Demand 10 t in 2025; imports cost 100 USD/t; site S costs 200 fixed plus 10 USD/t.

    With S: 200 + 10·10 = 300. Without S: 10·100 = 1000. S is worth 1000 − 300 = 700.
    """
    case = tiny_case(
        sites=(Site("S", "A", "Ga", max_capacity=20.0, fixed_capex=200.0, variable_cost=10.0),),
        demand={("Ga", "A", 2025): 10.0},
        supply={("X", "Ga", 2025): SourceYear(100.0)},
    )
    report = report_of(case)
    assert report.objective == pytest.approx(300.0, rel=1e-6)
    entry = row(value_table(report), "S")
    assert entry["in_plan"] == "yes"
    assert entry["objective"] == pytest.approx(1000.0, rel=1e-6)
    assert entry["value"] == pytest.approx(700.0, rel=1e-6)


def test_forced_site_and_its_break_even_capex() -> None:
    """2025-2026, discount rate 10%, 10 t of demand a year, imports at 100 USD/t.

    Site S can only be built in 2026 (earliest year), fixed capex 1500, 10 USD/t to run.
    Imports only: 1000 + 1000/1.1. S forced in (2026): 1000 + (1500 + 100)/1.1, a difference of
    600/1.1 = 545.45; divided by d(2026) = 1/1.1 the capex reduction that brings S in is 600.
    Solving again with fixed capex 1500 − 600 = 900 puts S in an optimal plan (a tie).
    """
    site = Site(
        "S",
        "A",
        "Ga",
        max_capacity=20.0,
        fixed_capex=1500.0,
        variable_cost=10.0,
        earliest_year=2026,
    )
    case = tiny_case(end=2026, discount_rate=0.1, sites=(site,), demand=DEMAND, supply=SOURCE)
    entry = row(value_table(report_of(case)), "S")
    assert entry["in_plan"] == "no" and entry["re_solve"] == "forced in"
    assert entry["forced_year"] == 2026
    assert entry["value"] == pytest.approx(600.0 / 1.1, rel=1e-6)
    assert entry["break_even"] == pytest.approx(600.0, rel=1e-6)
    assert entry["break_even_unit"] == "USD"
    cheaper = replace(case, sites={"S": replace(site, fixed_capex=1500.0 - entry["break_even"])})
    assert in_an_optimal_plan(cheaper, "S")
    dearer = replace(
        case, sites={"S": replace(site, fixed_capex=1500.0 - 0.9 * entry["break_even"])}
    )
    assert not in_an_optimal_plan(dearer, "S")


def test_forced_two_sided_offer_and_its_break_even_strike() -> None:
    """2025-2026, discount 10%, 10 t a year, imports at 100 USD/t; offer O: 10 t/yr at 130 USD/t.

    Imports: 1000·(1 + 1/1.1). With O the same tonnes cost 1300·(1 + 1/1.1): the difference is
    300·(1 + 1/1.1) = 572.73, and the break-even strike 130 − 572.73/(10·(1 + 1/1.1)) = 100.
    At strike 100 O ties with imports (in an optimal plan); at 103 it does not.
    """
    offer = Offer("O", "O", "Ga", "A", strike=130.0, volume=10.0, start_year=2025, end_year=2026)
    case = tiny_case(end=2026, discount_rate=0.1, offers=(offer,), demand=DEMAND, supply=SOURCE)
    entry = row(value_table(report_of(case)), "O")
    assert entry["in_plan"] == "no" and entry["re_solve"] == "forced in"
    assert entry["value"] == pytest.approx(300.0 * (1 + 1 / 1.1), rel=1e-6)
    assert entry["break_even"] == pytest.approx(100.0, rel=1e-6)
    assert entry["break_even_unit"] == "USD/t"
    at_break_even = replace(case, offers={"O": replace(offer, strike=entry["break_even"])})
    assert in_an_optimal_plan(at_break_even, "O")
    above = replace(case, offers={"O": replace(offer, strike=entry["break_even"] + 3.0)})
    assert not in_an_optimal_plan(above, "O")


def stockpile_case(coverage: float = 0.0) -> Case:
    """Two scenarios, each 0.5: calm, and ban (source X cut entirely in 2026).

    10 t of demand in 2026 only; X sells 100 t a year at 100 USD/t; A pays 20 USD/t shipping on
    tonnes from the pool and on purchases, and may stockpile (capacity 100, holding 10 USD/t/yr);
    a shortage costs 1000 USD/t. (Shipping also makes buying stock with stock released in the same
    year dearer than holding it, so the figures hold with or without model.md 7's release rule.)
    """
    return tiny_case(
        end=2026,
        minerals=(
            Mineral(
                "Ga", price=100.0, shortage_penalty=1000.0, holding_cost=10.0, coverage=coverage
            ),
        ),
        countries=(Country("A", shipping_cost=20.0),),
        stockpiles=(Stockpile("A", "Ga", capacity=100.0),),
        scenarios=(Scenario("calm", 0.5), Scenario("ban", 0.5)),
        demand={("Ga", "A", 2026): 10.0},
        supply=every_year(SourceYear(100.0), 2025, 2026, "X", "Ga"),
        share_lost={("ban", "X", "Ga", 2026): 1.0},
    )


def test_evpi_regret_and_vss_on_a_two_scenario_stockpile_case() -> None:
    """A tonne bought in 2025 costs 100 + 20 shipping + 10 holding = 130 and is released in 2026;
    a tonne imported in 2026 costs 100 + 20 = 120; a tonne short costs 1000.

    calm: 130p + 120(10 − p) = 1200 + 10p; ban: 130p + 1000(10 − p) = 10000 − 870p.
    Expected 5600 − 430p, so the plan buys p = 10: 1300 in both scenarios, objective 1300.
    Perfect foresight: calm buys nothing (1200), ban buys 10 (1300): Σ π·WS = 1250, EVPI = 50;
    regret 100 in calm, 0 in ban. The mean scenario loses half of X in 2026 (50 t left for
    10 t of demand), so its plan buys nothing: fixed, it costs 1200 in calm and 10000 in ban,
    EEV = 5600 and VSS = 4300. The calm scenario is the least disrupted; its own plan is the
    same (buy nothing), so the no-disruption plan also costs 5600. Without any purchase of Ga
    the objective is 5600 too: the stockpile programme is worth 4300.
    """
    report = report_of(stockpile_case())
    risk = risk_table(report).set_index("scenario")
    assert report.objective == pytest.approx(1300.0, rel=1e-6)
    assert risk.loc["calm", "plan_cost"] == pytest.approx(1300.0, rel=1e-6)
    assert risk.loc["calm", "perfect_foresight"] == pytest.approx(1200.0, rel=1e-6)
    assert risk.loc["ban", "perfect_foresight"] == pytest.approx(1300.0, rel=1e-6)
    assert risk.loc["calm", "regret"] == pytest.approx(100.0, rel=1e-6)
    assert risk.loc["ban", "regret"] == pytest.approx(0.0, abs=1e-6)
    assert risk.loc[TOTAL, "perfect_foresight"] == pytest.approx(1250.0, rel=1e-6)
    assert risk.loc[TOTAL, "regret"] == pytest.approx(50.0, rel=1e-6)  # EVPI
    assert risk.loc["calm", "ev_plan_cost"] == pytest.approx(1200.0, rel=1e-6)
    assert risk.loc["ban", "ev_plan_cost"] == pytest.approx(10000.0, rel=1e-6)
    assert risk.loc[TOTAL, "ev_plan_cost"] == pytest.approx(5600.0, rel=1e-6)  # EEV
    assert risk.loc[TOTAL, "ev_plan_extra"] == pytest.approx(4300.0, rel=1e-6)  # VSS
    assert report.no_disruption_scenario == "calm"
    assert risk.loc[TOTAL, "no_disruption_plan_cost"] == pytest.approx(5600.0, rel=1e-6)
    programme = row(value_table(report), "Ga")
    assert programme["kind"] == "stockpile" and programme["in_plan"] == "yes"
    assert programme["value"] == pytest.approx(4300.0, rel=1e-6)


def test_expected_value_plan_that_leaves_a_country_short() -> None:
    """The same case with full coverage: the plan must hold 10 t for the ban (objective 1300).

    The mean scenario still has 50 t of X in 2026, so the expected-value plan buys no stock;
    fixed in the ban scenario it leaves A 10 t of Ga short in 2026: reported as that shortfall,
    not as a cost. In calm it costs what it did without coverage: 10 t imported, 1200.
    """
    report = report_of(stockpile_case(coverage=1.0))
    assert report.objective == pytest.approx(1300.0, rel=1e-6)
    risk = risk_table(report).set_index("scenario")
    assert pd.isna(risk.loc[TOTAL, "ev_plan_cost"]) and pd.isna(risk.loc["ban", "ev_plan_cost"])
    assert (
        "expected-value plan falls short: A, Ga, 2026, ban: 10 t short" in risk.loc["ban", "note"]
    )
    assert "expected-value plan" not in risk.loc["calm", "note"]
    assert risk.loc["calm", "ev_plan_cost"] == pytest.approx(1200.0, rel=1e-6)


def test_the_built_model_is_unchanged_after_a_diagnosis() -> None:
    """The elastic re-solve runs on the engine's own model; the next solves see the model again.

    Stockpile case with full coverage: objective 1300 (see above). Without any purchase of Ga,
    A is 10 t short in 2026 in the ban scenario; after that diagnosis the unchanged model solves
    to 1300 again, and forcing nothing in changes nothing.
    """
    engine = Engine(stockpile_case(coverage=1.0), EXACT)
    assert engine.solve().objective == pytest.approx(1300.0, rel=1e-6)
    programme = Decision("stockpile", "Ga")
    assert engine.solve(engine.forbid(programme)).status == "infeasible"
    diagnosis, _ = engine.diagnose(lambda e: e.forbid(programme))
    assert [(d.country, d.year, d.scenario) for d in diagnosis] == [("A", 2026, "ban")]
    assert diagnosis[0].shortfall == pytest.approx(10.0, rel=1e-6)
    again = engine.solve()
    assert again.status == "optimal"
    assert again.objective == pytest.approx(1300.0, rel=1e-6)


def test_risk_figures_use_the_objective_with_cvar() -> None:
    """The stockpile case with cvar_weight 0.5 and cvar_alpha 0.5.

    With two scenarios of probability 0.5, CVaR at α = 0.5 is the dearer scenario's cost, so the
    objective is 0.5·expected + 0.5·max. For p ≤ 10: calm 1200 + 10p ≤ ban 10000 − 870p, so the
    objective is 0.5·(5600 − 430p) + 0.5·(10000 − 870p) = 7800 − 650p: the plan buys 10, both
    scenarios cost 1300 and so does the objective. Perfect foresight is as before (1200, 1300),
    EVPI = 1300 − 1250 = 50. The expected-value plan (no stock) costs 1200 and 10000:
    EEV = 0.5·5600 + 0.5·10000 = 7800, VSS = 6500. The total row says it uses CVaR.
    """
    report = report_of(
        replace(
            stockpile_case(),
            settings=replace(stockpile_case().settings, cvar_weight=0.5, cvar_alpha=0.5),
        )
    )
    risk = risk_table(report).set_index("scenario")
    assert report.objective == pytest.approx(1300.0, rel=1e-6)
    assert risk.loc[TOTAL, "regret"] == pytest.approx(50.0, rel=1e-6)
    assert risk.loc[TOTAL, "ev_plan_cost"] == pytest.approx(7800.0, rel=1e-6)
    assert risk.loc[TOTAL, "ev_plan_extra"] == pytest.approx(6500.0, rel=1e-6)
    assert "CVaR" in risk.loc[TOTAL, "note"]


def test_value_re_solves_search_as_planner_solve_does() -> None:
    """A case with one site (an integer build decision): the engine's HiGHS gets the search
    settings and root LP solver of `planner solve` (`planner.solve.apply_search_settings`), so
    that its re-solves are as quick as a solve; the benchmark's baseline leaves HiGHS's own."""
    site = Site("plant", "A", "Ga", max_capacity=10.0, fixed_capex=2000.0, capex_per_tpa=10.0)
    case = tiny_case(sites=(site,), demand={("Ga", "A", 2025): 4.0})
    engine = Engine(case, EXACT)
    for name, value in SEARCH_SETTINGS.items():
        assert engine.highs.getOptionValue(name)[1] == value
    assert engine.highs.getOptionValue("mip_lp_solver")[1] == "choose"
    baseline = Engine(case, replace(EXACT, baseline=True))
    assert baseline.highs.getOptionValue("mip_heuristic_run_rins")[1] is True
