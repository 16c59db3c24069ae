"""The bundled real-data case `inputs/alliance-2026`: it is valid, solves, checks and makes sense.

One solve of the full case (shared by the tests through a module fixture) and one of a variant
keep the file to seconds. The workbook form must hold exactly the CSV folder's content, and the
case's README.md must quote the objective that the data give today, so neither can drift.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from planner.case import Case
from planner.io import read_raw
from planner.options import SolveOptions
from planner.outcome import Outcome
from planner.results.check import check_results
from planner.results.workbook import write_results
from planner.solve import solve_case
from planner.validate import read_case

INPUTS = Path(__file__).resolve().parents[1] / "inputs"
FOLDER = INPUTS / "alliance-2026"
WORKBOOK = INPUTS / "alliance-2026.xlsx"

# The rare earths of China's April-2025 licences that the case holds, and the scenarios that are
# their only threat: the 2027 ban on them and the broad ban. The gallium/germanium/antimony ban
# touches none of them, and the alliance refines less of each than it uses, so any stock of them
# is insurance. (NdPr is different: before the 2031 demand step the alliance refines more NdPr
# than it uses, and carrying that surplus into 2031 is worth it with or without a ban.)
RARE_EARTHS = ("Dysprosium oxide", "Terbium oxide", "Samarium oxide", "Yttrium oxide")
RARE_EARTH_THREATS = ("ree_ban_2027", "broad_ban_2035")
GA_GE_SB = ("Gallium", "Germanium", "Antimony")


@pytest.fixture(scope="module")
def case() -> Case:
    case, issues = read_case(FOLDER)
    assert issues == [], [str(issue) for issue in issues]
    return case


@pytest.fixture(scope="module")
def solved(case: Case, tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcome, Path]:
    """The full case solved at its own settings, and its results workbook."""
    outcome = solve_case(case)
    results = tmp_path_factory.mktemp("alliance") / "results.xlsx"
    write_results(results, case, outcome)
    return outcome, results


def test_workbook_holds_the_folder(case: Case):
    """`inputs/alliance-2026.xlsx` is `planner convert` of the folder: every sheet, header and
    cell equal (README included), and so the same validated case."""
    assert read_raw(WORKBOOK) == read_raw(FOLDER)
    workbook_case, issues = read_case(WORKBOOK)
    assert issues == []
    assert dataclasses.replace(workbook_case, origin="") == dataclasses.replace(case, origin="")


def test_case_covers_the_controlled_minerals_and_members(case: Case):
    """The shape the case promises in its README: 11 minerals, 8 members, 2026-2040, 4 scenarios,
    the 12 bn USD Project Vault budget and the 110 USD/kg NdPr floor among the CfD offers."""
    assert len(case.minerals) == 11
    assert {"NdPr oxide", *RARE_EARTHS, *GA_GE_SB} <= set(case.minerals)
    assert len(case.countries) == 8
    assert (case.settings.start_year, case.settings.end_year) == (2026, 2040)
    assert case.settings.budget == 12e9
    assert set(RARE_EARTH_THREATS) < set(case.scenarios)
    floors = {o.strike for o in case.offers.values() if o.kind == "floor"}
    assert 110_000 in floors


def test_full_case_solves_to_optimal_and_checks(case: Case, solved: tuple[Outcome, Path]):
    """Optimal within the case's gap; the independent checker re-verifies constraints 1-11, the
    scenario costs and the objective from the results workbook."""
    outcome, results = solved
    assert outcome.status == "optimal", outcome.message
    assert outcome.mip_gap is not None and outcome.mip_gap <= case.settings.mip_gap
    assert check_results(case, results) == []


def test_plan_uses_every_kind_of_decision(case: Case, solved: tuple[Outcome, Path]):
    """The plan builds, contracts and stockpiles, and stockpiles each rare earth that a ban
    threatens."""
    outcome, _ = solved
    plan = outcome.plan
    assert plan is not None
    assert len(plan.builds) > 0
    assert plan.offers["accepted"].any()
    held = plan.flows.groupby("mineral")["inventory"].max()
    for mineral in RARE_EARTHS:
        assert held[mineral] > 0, mineral


def test_readme_quotes_the_current_objective(case: Case, solved: tuple[Outcome, Path]):
    """README.md pastes the output of `planner solve`; its objective must be today's (both solves
    stop within the case's gap of the optimum, so they agree to that gap)."""
    outcome, _ = solved
    text = (FOLDER / "README.md").read_text(encoding="utf-8")
    quoted = re.search(r"objective ([\d,]+) USD", text)
    assert quoted, "README.md has no pasted objective"
    quoted_objective = float(quoted[1].replace(",", ""))
    assert outcome.objective == pytest.approx(quoted_objective, rel=case.settings.mip_gap)


def test_no_rare_earth_stock_without_a_rare_earth_threat(case: Case):
    """With the two scenarios that threaten Dy, Tb, Sm and Y removed (their probability moved to
    the no-disruption scenario), none of them is held at the end of any year in any scenario:
    holding costs money and nothing is left to insure against. The ban on gallium, germanium and
    antimony still stands, so those are still stockpiled. Solved to a zero gap, so that no tonne
    is held within the gap's tolerance."""
    moved = sum(case.scenarios[name].probability for name in RARE_EARTH_THREATS)
    scenarios = {
        name: dataclasses.replace(s, probability=s.probability + moved)
        if name == "no_disruption"
        else s
        for name, s in case.scenarios.items()
        if name not in RARE_EARTH_THREATS
    }
    variant = dataclasses.replace(
        case,
        scenarios=scenarios,
        share_lost={k: v for k, v in case.share_lost.items() if k[0] in scenarios},
        price_multiplier={k: v for k, v in case.price_multiplier.items() if k[0] in scenarios},
    )
    outcome = solve_case(variant, SolveOptions(mip_gap=0.0, coverage_duals=False))
    assert outcome.status == "optimal", outcome.message
    held = outcome.plan.flows.groupby("mineral")["inventory"].max()
    for mineral in RARE_EARTHS:
        assert held[mineral] == pytest.approx(0.0, abs=1e-6), mineral
    for mineral in ("Germanium", "Antimony"):
        assert held[mineral] > 0, mineral
