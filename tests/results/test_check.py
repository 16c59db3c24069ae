"""The solution checker: it passes solved plans and names the constraint a corrupted plan breaks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from planner.case import Country
from planner.options import SolveOptions
from planner.results import layout
from planner.results.check import (
    BUDGET,
    CLOSED_STOCKPILE,
    COST,
    COUNTRY_BALANCE,
    COVERAGE,
    DOMAIN,
    EXTERNAL,
    MEMBER_BUDGET,
    NON_ANTICIPATIVITY,
    OBJECTIVE,
    OBLIGATION,
    ONE_BUILD,
    ONE_OFFER,
    OUTPUT,
    POOL,
    PURCHASE_LIMIT,
    RELEASE_RULE,
    REPORT,
    SIZE,
    STOCKPILE,
    SUPPLY_CAP,
    WORKBOOK,
    check_results,
    cvar_at,
    exact_cvar,
    made_from,
)
from planner.results.workbook import write_results
from planner.solve import solve_case
from planner.validate import read_case
from tests.results.hand_plan import hand_case, hand_outcome
from tests.results.results_cases import EXAMPLE, TINY, write_case, write_random_case

# Enough seeds to meet every feature of the generator (asserted below), few enough for seconds.
SEEDS = range(6)


def test_the_solved_example_checks(solved_example):
    """The bundled example (the default case until a real-data case is bundled; that one is
    solved and checked by the command-line tests)."""
    case, _, path = solved_example
    assert check_results(case, path) == []


def test_random_cases_check(tmp_path):
    """Random small cases use every input feature; each solved plan passes the checker."""
    features: set[str] = set()
    for seed in SEEDS:
        folder = write_random_case(tmp_path / f"case-{seed}", seed)
        case, _ = read_case(folder)
        outcome = solve_case(case, SolveOptions(coverage_duals=False))
        assert outcome.status == "optimal", (seed, outcome.message)
        results = tmp_path / f"results-{seed}.xlsx"
        write_results(results, case, outcome)
        assert check_results(case, results) == [], seed
        features |= _features(case, folder)
    assert features >= {
        "lead time",
        "existing capacity",
        "floor offer",
        "two-sided offer",
        "ladder",
        "max_release",
        "disruption",
        "price shock",
        "budget",
        "cvar",
        "prices",
        "demand override",
        "sources override",
    }


def _features(case, folder: Path) -> set[str]:
    found = set()
    if any(s.lead_time for s in case.sites.values()):
        found.add("lead time")
    if any(s.existing_capacity for s in case.sites.values()):
        found.add("existing capacity")
    kinds = {o.kind for o in case.offers.values()}
    found |= {"floor offer"} & {f"{k} offer" for k in kinds}
    found |= {"two-sided offer"} if "two_sided" in kinds else set()
    groups = [o.group for o in case.offers.values()]
    if len(groups) != len(set(groups)):
        found.add("ladder")
    if any(p.max_release is not None for p in case.stockpiles.values()):
        found.add("max_release")
    if case.share_lost:
        found.add("disruption")
    if case.price_multiplier:
        found.add("price shock")
    if case.settings.budget is not None:
        found.add("budget")
    if case.settings.cvar_weight > 0:
        found.add("cvar")
    if (folder / "Prices.csv").exists():
        found.add("prices")
    for sheet, name in (("Demand", "demand override"), ("Sources", "sources override")):
        rows = (folder / f"{sheet}.csv").read_text().splitlines()[1:]
        if any(row.split(",")[2] for row in rows):  # the year column of both sheets
            found.add(name)
    return found


def test_exact_cvar_by_hand():
    """Costs 100, 200, 400 with probabilities 0.5, 0.3, 0.2.

    α = 0.8: the worst 20% is the 400 scenario alone, so CVaR = 400.
    α = 0.7: the worst 30% is 400 (0.2) and a tenth of 200: (0.2·400 + 0.1·200)/0.3 = 333.33.
    α = 0: the whole distribution, i.e. the expected cost 50 + 60 + 80 = 190.
    Any other η gives more: at η = 100 with α = 0.7, 100 + (0.3·100 + 0.2·300)/0.3 = 400.
    """
    costs = {"a": 100.0, "b": 200.0, "c": 400.0}
    probability = {"a": 0.5, "b": 0.3, "c": 0.2}
    assert exact_cvar(costs, probability, 0.8) == pytest.approx(400)
    assert exact_cvar(costs, probability, 0.7) == pytest.approx(1000 / 3)
    assert exact_cvar(costs, probability, 0.0) == pytest.approx(190)
    assert cvar_at(100.0, costs, probability, 0.7) == pytest.approx(400)


# Corruptions of the solved example's workbook, each breaking one constraint family. The example
# (inputs/example) builds the Texas and Western Australia plants at their maximum capacity, takes
# one rung of the NdPr ladder, spends its whole budget and buys NdPr stockpiles.
Edit = Callable[[openpyxl.Workbook], None]


def _row(sheet, **match: object) -> int:
    """The row number of the first row whose named columns hold the given values."""
    header = layout.column_positions(cell.value for cell in sheet[1])
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if all(row[header[k]] == v for k, v in match.items()):
            return number
    raise LookupError(match)


def _set(book: openpyxl.Workbook, name: str, column: str, change, **match: object) -> None:
    sheet = book[name]
    header = layout.column_positions(cell.value for cell in sheet[1])
    cell = sheet.cell(row=_row(sheet, **match), column=header[column] + 1)
    cell.value = change(cell.value)


def _build_twice(book):
    sheet = book["Sites"]
    number = _row(sheet, built="yes")
    sheet.append([cell.value for cell in sheet[number]])


def _accept_whole_ladder(book):
    for offer in ("NdPr floor", "NdPr rung 1", "NdPr rung 2"):
        _set(book, "CfD", "accepted", lambda _: "yes", offer=offer)


def _overspend(book):
    """Buy enough extra NdPr in one year to pass the budget by 1 million USD."""
    figures = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    slack = figures["budget"] - figures["spend_capex"] - figures["spend_stockpile"]
    extra = (slack + 1e6) / 65_000  # the base price of NdPr oxide
    _set(
        book,
        "Stockpile",
        "purchase",
        lambda x: x + extra,
        country="Japan",
        mineral="NdPr oxide",
        year=2029,
    )


def _edit(sheet: str, column: str, change, **match: object) -> Edit:
    return lambda book: _set(book, sheet, column, change, **match)


US_2030 = {"scenario": "base", "mineral": "NdPr oxide", "country": "United States", "year": 2030}
MOUNTAIN_PASS_2027 = {"scenario": "base", "site": "Mountain Pass", "year": 2027}

CORRUPTIONS: dict[str, Edit] = {
    ONE_BUILD: _build_twice,
    SIZE: _edit("Sites", "new_capacity", lambda x: x + 1000, site="Texas separation plant"),
    ONE_OFFER: _accept_whole_ladder,
    PURCHASE_LIMIT: _edit(
        "Stockpile", "purchase", lambda _: 3500, country="Japan", mineral="NdPr oxide", year=2026
    ),
    OUTPUT: _edit("SiteOutput", "output", lambda _: 4000, **MOUNTAIN_PASS_2027),
    EXTERNAL: _edit(
        "External",
        "purchase",
        lambda _: 30_001,
        scenario="base",
        source="China",
        mineral="NdPr oxide",
        year=2027,
    ),
    STOCKPILE: _edit("Balance", "inventory", lambda x: x + 1, **US_2030),
    COUNTRY_BALANCE: _edit("Balance", "inflow", lambda _: 0, **US_2030),
    POOL: _edit("Balance", "inflow", lambda x: x + 100, **US_2030),
    COVERAGE: _edit("Balance", "shortage", lambda _: 9000, **US_2030),
    BUDGET: _overspend,
    DOMAIN: _edit("SiteOutput", "output", lambda _: -5, **MOUNTAIN_PASS_2027),
    COST: _edit("ScenarioCosts", "holding", lambda x: x + 1000, scenario="base"),
    OBJECTIVE: _edit("Summary", "value", lambda x: x * 1.01, metric="objective"),
    WORKBOOK: lambda book: book.remove(book["External"]),
}


@pytest.mark.parametrize("family", list(CORRUPTIONS))
def test_a_corrupted_plan_is_caught_and_named(family, solved_example, tmp_path):
    """Each edit breaks one family (and possibly others that depend on the edited value)."""
    case, _, path = solved_example
    book = openpyxl.load_workbook(path)
    CORRUPTIONS[family](book)
    corrupted = tmp_path / "corrupted.xlsx"
    book.save(corrupted)
    violations = check_results(case, corrupted)
    assert family in {v.check for v in violations}, [str(v) for v in violations]


def test_results_record_which_input_they_were_made_from(solved_example, tmp_path):
    case, _, path = solved_example
    assert made_from(case, path) is True
    copy = tmp_path / "example"
    copy.mkdir()
    for source in EXAMPLE.iterdir():
        (copy / source.name).write_bytes(source.read_bytes())
    with (copy / "Scenarios.csv").open("a") as scenarios:
        scenarios.write("\n")  # a blank row: the same case, another file
    changed, _ = read_case(copy)
    assert made_from(changed, path) is False
    assert check_results(changed, path) == []


def test_cvar_figures_are_recomputed_from_the_scenario_costs(tmp_path):
    """Random case 2 weighs CVaR at α = 0.9 by 0.3 over three scenarios: the reported CVaR is the
    exact one of the reported scenario costs, and a wrong CVaR or η is named as an objective
    violation (the objective is evaluated at the reported η)."""
    folder = write_random_case(tmp_path / "case", 2)
    case, _ = read_case(folder)
    assert case.settings.cvar_weight == 0.3 and len(case.scenarios) == 3
    outcome = solve_case(case, SolveOptions(coverage_duals=False))
    path = tmp_path / "results.xlsx"
    write_results(path, case, outcome)
    costs = dict(
        zip(outcome.scenario_costs["scenario"], outcome.scenario_costs["cost"], strict=True)
    )
    probability = {w: s.probability for w, s in case.scenarios.items()}
    assert outcome.cvar == pytest.approx(exact_cvar(costs, probability, 0.9), rel=1e-9)
    assert check_results(case, path) == []
    for metric in ("cvar", "cvar_eta"):
        book = openpyxl.load_workbook(path)
        _set(book, "Summary", "value", lambda x: x + 0.05 * abs(x) + 1e4, metric=metric)
        corrupted = tmp_path / f"{metric}.xlsx"
        book.save(corrupted)
        assert OBJECTIVE in {v.check for v in check_results(case, corrupted)}, metric


# Revision 3 ------------------------------------------------------------------------------------
# Corruptions of the hand-written plan of tests/results/hand_plan.py (see its docstring), each
# breaking one revision-3 rule. CALM and CUT name Balance rows of member A.
def _hand_row(scenario: str, year: int, country: str = "A") -> dict[str, object]:
    return {"scenario": scenario, "mineral": "M", "country": country, "year": year}


def _release_bought_stock(book):
    """Buy 3 t in 2027 and release 8 t in `cut` 2027: the balance 5 + 3 − 8 = 0 holds, but only
    5 t were held at the start of 2027."""
    _set(book, "Stockpile", "purchase", lambda _: 3, country="A", mineral="M", year=2027)
    _set(book, "Balance", "released", lambda _: 8, **_hand_row("cut", 2027))


def _draw_below_obligation(book):
    """In `calm` 2027 (not disrupted) A releases 4 t and takes 6 t: its stock falls to 1 t < 2 t."""
    _set(book, "Balance", "released", lambda _: 4, **_hand_row("calm", 2027))
    _set(book, "Balance", "inflow", lambda _: 6, **_hand_row("calm", 2027))
    _set(book, "Balance", "inventory", lambda _: 1, **_hand_row("calm", 2027))


def _share_closed_stock(book):
    """In `cut` 2027 A sends its released 5 t to the pool and takes 10 t back: the pool balances
    (20 in, 15 + 5 out), but a closed stockpile's release serves only its own member."""
    _set(book, "Balance", "outflow", lambda _: 5, **_hand_row("cut", 2027))
    _set(book, "Balance", "inflow", lambda _: 10, **_hand_row("cut", 2027))


def _anticipate(book):
    """In `cut` 2026, whose history equals `calm`'s, B sends 1 t to the pool and takes 11 t: every
    balance holds and nothing costs more, but the scenarios act differently before they differ."""
    _set(book, "Balance", "outflow", lambda _: 1, **_hand_row("cut", 2026, "B"))
    _set(book, "Balance", "inflow", lambda _: 11, **_hand_row("cut", 2026, "B"))


def _overspend_member(book):
    """A buys 5 t in 2026 at 100 USD/t: 500 USD against its budget of 400."""
    _set(book, "Stockpile", "purchase", lambda _: 5, country="A", mineral="M", year=2026)


def _buy_over_the_cap(book):
    """X sells 21 t in `calm` 2027, above its cap of 100% of the alliance's 20 t demand."""
    _set(book, "External", "purchase", lambda _: 21, scenario="calm", source="X", year=2027)


def _misreport_tree(book):
    _set(book, "Tree", "scenarios", lambda _: "calm", year=2026)


HAND_CORRUPTIONS: dict[str, Edit] = {
    RELEASE_RULE: _release_bought_stock,
    OBLIGATION: _draw_below_obligation,
    SUPPLY_CAP: _buy_over_the_cap,
    CLOSED_STOCKPILE: _share_closed_stock,
    NON_ANTICIPATIVITY: _anticipate,
    MEMBER_BUDGET: _overspend_member,
    REPORT: _misreport_tree,
}


@pytest.fixture(scope="module")
def hand_results(tmp_path_factory: pytest.TempPathFactory):
    case = hand_case()
    path = tmp_path_factory.mktemp("hand") / "hand-results.xlsx"
    write_results(path, case, hand_outcome())
    return case, path


def test_the_hand_written_revision_3_plan_checks(hand_results):
    case, path = hand_results
    assert check_results(case, path) == []


@pytest.mark.parametrize("family", list(HAND_CORRUPTIONS))
def test_a_corrupted_revision_3_plan_is_caught_and_named(family, hand_results, tmp_path):
    case, path = hand_results
    book = openpyxl.load_workbook(path)
    HAND_CORRUPTIONS[family](book)
    corrupted = tmp_path / "corrupted.xlsx"
    book.save(corrupted)
    assert family in {v.check for v in check_results(case, corrupted)}


def test_only_the_corrupted_rule_is_named_where_nothing_else_moves(hand_results, tmp_path):
    """The obligation, closed-stockpile and anticipation edits keep every balance and cost: each
    is named alone, so the checker does not blame a family that holds."""
    case, path = hand_results
    for family in (OBLIGATION, CLOSED_STOCKPILE, NON_ANTICIPATIVITY):
        book = openpyxl.load_workbook(path)
        HAND_CORRUPTIONS[family](book)
        corrupted = tmp_path / "corrupted.xlsx"
        book.save(corrupted)
        assert {v.check for v in check_results(case, corrupted)} == {family}


def test_rules_that_the_input_does_not_ask_for_do_not_apply(hand_results):
    """Without the obligation, the cap, the closed stockpile and the budget the rules do not
    exist: only the reported figures of the workbook, made for the stricter case, disagree (the
    SupplyCaps sheet's caps and the Balance sheet's obligations). An obligation from 2028 binds
    in no planning year; a stricter one binds wherever the mineral is not yet disrupted, and is
    waived in `cut` from 2027."""
    case, path = hand_results
    place = case.stockpiles["A", "M"]
    relaxed = dataclasses.replace(
        case,
        stockpiles={("A", "M"): dataclasses.replace(place, min_days=None)},
        countries={"A": Country("A"), "B": Country("B")},
        supply_cap={},
    )
    found = check_results(relaxed, path)
    assert {v.check for v in found} == {REPORT}
    assert {v.where.split("!")[0] for v in found} == {"SupplyCaps", "Balance"}
    later = dataclasses.replace(
        case, stockpiles={("A", "M"): dataclasses.replace(place, obligation_from=2028)}
    )
    assert {v.check for v in check_results(later, path)} == {REPORT}
    stricter = dataclasses.replace(
        case, stockpiles={("A", "M"): dataclasses.replace(place, min_days=200.0)}
    )
    # 200/365 · 10 = 5.48 t > 5 t held in both 2026 rows and in calm 2027; cut 2027 is waived.
    named = [v.where for v in check_results(stricter, path) if v.check == OBLIGATION]
    assert len(named) == 3 and not any("cut" in where and "2027" in where for where in named)


def test_a_misreported_obligation_is_named(hand_results, tmp_path):
    """The Balance sheet's obligation is recomputed: 2 t for A in calm 2027, not 3."""
    case, path = hand_results
    book = openpyxl.load_workbook(path)
    _set(book, "Balance", "obligation", lambda _: 3, **_hand_row("calm", 2027))
    corrupted = tmp_path / "corrupted.xlsx"
    book.save(corrupted)
    (violation,) = check_results(case, corrupted)
    assert violation.check == REPORT and violation.where.endswith("obligation")


def test_existing_capacity_from_a_later_year_is_checked(tmp_path):
    """The tiny case's refinery S (3 t/yr, fixed O&M 10 per t/yr) online only from 2027
    (existing_from, an extension of model.md): the solved plan checks, SiteOutput shows no
    capacity in 2026, output in 2026 is named under (5), and the same workbook checked as if S
    were online from 2026 disagrees on the fixed O&M (30 USD more) in the costs."""
    sites = """
        site,country,mineral,existing_capacity,existing_from,fixed_om_per_tpa,variable_cost
        S,A,M,3,2027,10,200
    """
    case, _ = read_case(write_case(tmp_path / "case", TINY, Sites=sites))
    outcome = solve_case(case, SolveOptions(coverage_duals=False))
    assert outcome.status == "optimal", outcome.message
    path = tmp_path / "results.xlsx"
    write_results(path, case, outcome)
    assert check_results(case, path) == []
    book = openpyxl.load_workbook(path)
    sheet = book["SiteOutput"]
    header = layout.column_positions(cell.value for cell in sheet[1])
    online = {
        row[header["year"]]: row[header["online_capacity"]]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert online == {2026: 0, 2027: 3}
    _set(book, "SiteOutput", "output", lambda _: 1, scenario="base", site="S", year=2026)
    corrupted = tmp_path / "corrupted.xlsx"
    book.save(corrupted)
    assert OUTPUT in {v.check for v in check_results(case, corrupted)}
    always = dataclasses.replace(
        case, sites={"S": dataclasses.replace(case.sites["S"], existing_from=None)}
    )
    assert COST in {v.check for v in check_results(always, path)}
