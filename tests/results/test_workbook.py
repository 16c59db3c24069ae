"""The results workbook: content, layout, formula safety, atomic writing and the JSON summary."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.errors import PlannerError
from planner.io import read_raw, write_raw
from planner.outcome import COST_COMPONENTS, Outcome
from planner.results import layout, workbook
from planner.results.check import check_results
from planner.results.workbook import write_results, write_summary_json
from planner.solve import solve_case
from planner.validate import read_case
from tests.results.hand_plan import hand_case, hand_outcome
from tests.results.results_cases import EXAMPLE, TINY, write_case


def sheet_rows(path: Path, name: str) -> list[dict[str, object]]:
    """The rows of a results sheet as dicts keyed by its header."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    book.close()
    header = [layout.column_key(cell) for cell in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def summary(path: Path) -> dict[str, object]:
    return {str(row["metric"]): row["value"] for row in sheet_rows(path, "Summary")}


def test_tiny_case_reports_the_hand_derived_plan(solved_tiny):
    """One mineral M (price 1000, holding 50/t/yr, shortage 5000/t, coverage 0.5, no stockpile
    purchases), one country A demanding 10 t in 2026 and 2027, no discounting, no terminal value.
    Supply: refinery S (3 t/yr existing, variable cost 200/t, fixed O&M 10 per t/yr), source CN
    (6 t/yr at factor 1), and A's stockpile holding 2 t.

    Shortage (5000/t) costs more than any supply, and supply over both years is exactly
    demand: 2·3 + 2·6 + 2 = 20 t. So every unit is used: q = 3 and e = 6 each year, and the
    stockpile must release 10 − 3 − 6 = 1 t in each year (inventory 1 t at the end of 2026, 0 at
    the end of 2027). Costs: fixed O&M 10·3·2 = 60, refining 200·3·2 = 1200, purchases
    1000·12 = 12000, holding 50·1 = 50; total 13310 with no shortage. Months of demand:
    1 t / (10 t / 12) = 1.2 in 2026, 0 in 2027.
    """
    _, outcome, path = solved_tiny
    assert outcome.status == "optimal"
    figures = summary(path)
    assert figures["status"] == "optimal"
    assert figures["objective"] == pytest.approx(13310)
    assert figures["expected_cost"] == pytest.approx(13310)
    expected = dict.fromkeys(COST_COMPONENTS, 0.0)
    expected.update(fixed_om=60, variable_refining=1200, external_purchases=12000, holding=50)
    for component, value in expected.items():
        assert figures[f"cost_{component}"] == pytest.approx(value, abs=1e-6), component
    assert figures["spend_capex"] == 0 and figures["spend_stockpile"] == 0
    assert figures["cvar"] is None

    balance = sheet_rows(path, "Balance")
    assert [
        (r["year"], r["demand"], r["refined"], r["released"], r["inflow"]) for r in balance
    ] == [
        (2026, 10, 3, 1, 6),
        (2027, 10, 3, 1, 6),
    ]
    assert all(r["shortage"] == pytest.approx(0) and r["coverage"] == 1 for r in balance)
    assert [r["inventory"] for r in balance] == pytest.approx([1, 0])

    stockpile = sheet_rows(path, "Stockpile")
    assert [r["months_of_demand"] for r in stockpile] == pytest.approx([1.2, 0])
    assert [r["expected_inventory"] for r in stockpile] == pytest.approx([1, 0])
    assert [r["purchase"] for r in stockpile] == [0, 0]

    (site,) = sheet_rows(path, "Sites")
    assert site["built"] == "existing" and site["build_year"] is None
    assert site["final_capacity"] == 3
    assert [r["output"] for r in sheet_rows(path, "SiteOutput")] == pytest.approx([3, 3])
    external = sheet_rows(path, "External")
    assert [(r["purchase"], r["available"], r["unit_cost"]) for r in external] == [
        (6, 6, 1000),
        (6, 6, 1000),
    ]
    (scenario,) = sheet_rows(path, "ScenarioCosts")
    assert scenario["probability"] == 1 and scenario["cost"] == pytest.approx(13310)


def test_every_sheet_and_column_in_layout_order(solved_example):
    _, _, path = solved_example
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Overview", *(sheet.name for sheet in layout.SHEETS)]
    for sheet in layout.SHEETS:
        worksheet = book[sheet.name]
        assert tuple(cell.value for cell in worksheet[1]) == sheet.headers, sheet.name
        assert worksheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in worksheet[1])
        assert worksheet.column_dimensions["A"].width >= sheet.columns[0].display_width
    metrics = [row[0].value for row in book["Summary"].iter_rows(min_row=2)]
    assert metrics == [metric for metric, *_ in layout.SUMMARY_METRICS]
    assert {f"cost_{component}" for component in COST_COMPONENTS} <= set(metrics)
    balance = book["Balance"]
    demand = balance.cell(row=2, column=layout.BALANCE.names.index("demand") + 1)
    year = balance.cell(row=2, column=layout.BALANCE.names.index("year") + 1)
    assert demand.number_format == layout.TONNES and year.number_format == layout.YEAR
    units = {(row["sheet"], row["column"]) for row in sheet_rows(path, "Units")}
    for sheet in layout.SHEETS:
        assert {(sheet.name, name) for name in sheet.names} <= units


def test_summary_figures_follow_the_outcome(solved_example):
    """Components are probability-weighted scenario components; spending is undiscounted."""
    case, outcome, path = solved_example
    figures = summary(path)
    assert figures["objective"] == pytest.approx(outcome.objective, rel=1e-12)
    costs = outcome.scenario_costs.set_index("scenario")
    for component in COST_COMPONENTS:
        weighted = sum(s.probability * costs.loc[w, component] for w, s in case.scenarios.items())
        assert figures[f"cost_{component}"] == pytest.approx(weighted, rel=1e-9, abs=1e-6)
    assert sum(figures[f"cost_{c}"] for c in COST_COMPONENTS) == pytest.approx(
        figures["expected_cost"], rel=1e-9
    )
    plan = outcome.plan
    capex = sum(
        case.sites[s].fixed_capex + case.sites[s].capex_per_tpa * x
        for s, x in zip(plan.builds["site"], plan.builds["capacity"], strict=True)
    )
    bought = sum(
        case.price[m, t] * p
        for m, t, p in plan.purchases[["mineral", "year", "purchase"]].itertuples(index=False)
    )
    assert figures["spend_capex"] == pytest.approx(capex)
    assert figures["spend_stockpile"] == pytest.approx(bought)
    assert figures["input"] == str(EXAMPLE)
    assert len(str(figures["input_sha256"])) == 64
    assert figures["scenarios"] == len(case.scenarios)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    """Identifiers starting with =, +, - or @ (and an error code) are stored as quoted text."""
    names = {"mineral": "+M", "country": "=SUM(A1:A9)", "site": "-S", "source": "@CN"}
    folder = write_case(
        tmp_path / "hostile",
        TINY,
        Minerals="mineral,price,shortage_penalty\n+M,1000,5000",
        Countries="country\n=SUM(A1:A9)\n#N/A",
        Demand="mineral,country,year,demand\n+M,=SUM(A1:A9),,10\n+M,#N/A,,4",
        Sources="source,mineral,available\n@CN,+M,50",
        Sites="site,country,mineral,existing_capacity\n-S,=SUM(A1:A9),+M,3",
        Stockpiles="country,mineral,capacity",
    )
    case, _ = read_case(folder)
    path = tmp_path / "results.xlsx"
    write_results(path, case, solve_case(case))
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(member) and b"<f " not in archive.read(member)
    book = openpyxl.load_workbook(path)
    site = book["Sites"]
    for column, name in enumerate(["-S", "=SUM(A1:A9)", "+M"], start=1):
        cell = site.cell(row=2, column=column)
        assert cell.value == name and cell.data_type == "s" and cell.quotePrefix
    countries = {row[2] for row in book["Balance"].iter_rows(min_row=2, values_only=True)}
    assert countries == {"=SUM(A1:A9)", "#N/A"}
    assert book["External"].cell(row=2, column=2).value == names["source"]
    assert check_results(case, path) == []


def test_a_failed_write_keeps_the_previous_file_and_leaves_nothing_behind(
    solved_tiny, tmp_path, monkeypatch
):
    case, outcome, _ = solved_tiny
    target = tmp_path / "results.xlsx"
    target.write_bytes(b"previous results")

    def fail_halfway(path: Path, *_args: object) -> None:
        path.write_bytes(b"PK half a workbook")
        raise RuntimeError("disk full")

    monkeypatch.setattr(workbook, "_write_workbook", fail_halfway)
    with pytest.raises(RuntimeError, match="disk full"):
        write_results(target, case, outcome)
    assert target.read_bytes() == b"previous results"
    with pytest.raises(RuntimeError):
        write_results(tmp_path / "new.xlsx", case, outcome)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.xlsx"]


def test_results_path_equal_to_the_input_is_refused(tmp_path):
    source = tmp_path / "case.xlsx"
    write_raw(read_raw(EXAMPLE), source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    case, _ = read_case(source)
    outcome = Outcome(status="solver_error")  # any outcome: the path check comes first
    for spelling in (source, tmp_path / "sub" / ".." / "case.xlsx"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(PlannerError, match="is the input itself"):
            write_results(spelling, case, outcome)
        with pytest.raises(PlannerError, match="is the input itself"):
            write_results(tmp_path / "r.xlsx", case, outcome, json_path=spelling)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert not (tmp_path / "r.xlsx").exists()


def test_json_summary_has_every_metric_with_numbers_as_numbers(solved_example, tmp_path):
    case, outcome, _ = solved_example
    path = tmp_path / "summary.json"
    figures = write_results(tmp_path / "r.xlsx", case, outcome, json_path=path)
    data = json.loads(path.read_text())
    assert list(data) == [metric for metric, *_ in layout.SUMMARY_METRICS]
    assert data["status"] == "optimal"
    assert isinstance(data["objective"], float) and data["objective"] == figures["objective"]
    assert isinstance(data["scenarios"], int) and isinstance(data["start_year"], int)
    assert data["cvar"] is None
    write_summary_json(path, {"value": float("nan")})
    assert json.loads(path.read_text()) == {"value": None}


def test_a_table_longer_than_a_sheet_continues_on_numbered_sheets(
    solved_example, tmp_path, monkeypatch
):
    """With the sheet limit lowered to 50 rows, the example's 180 Balance rows take 4 sheets
    (50 + 50 + 50 + 30), and the checker reads them back as one table."""
    case, outcome, _ = solved_example
    monkeypatch.setattr(layout, "MAX_DATA_ROWS", 50)
    path = tmp_path / "split.xlsx"
    write_results(path, case, outcome)
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert [n for n in names if n.startswith("Balance")] == [
        "Balance",
        "Balance 2",
        "Balance 3",
        "Balance 4",
    ]
    assert len(sheet_rows(path, "Balance 4")) == len(outcome.plan.flows) - 150
    assert check_results(case, path) == []


def test_json_path_equal_to_results_path_is_refused(solved_tiny, tmp_path):
    case, outcome, _ = solved_tiny
    with pytest.raises(PlannerError, match="both"):
        write_results(tmp_path / "r.xlsx", case, outcome, json_path=tmp_path / "r.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_results_inside_a_csv_folder_input_are_refused(tmp_path):
    """A results file inside a CSV-folder input would replace a sheet or add one to the case."""
    source = tmp_path / "case"
    write_raw(read_raw(EXAMPLE), source)
    before = {p.name: p.read_bytes() for p in source.iterdir()}
    case, _ = read_case(source)
    outcome = Outcome(status="solver_error")
    for inside in (source / "Sites.csv", source / "results.xlsx"):
        with pytest.raises(PlannerError, match="inside the input folder"):
            write_results(inside, case, outcome)
    assert {p.name: p.read_bytes() for p in source.iterdir()} == before


@pytest.mark.parametrize("sites", ["S,A,M,3", ""], ids=["with a site", "without sites"])
def test_a_year_without_demand_leaves_coverage_blank(sites, tmp_path):
    """Issue 11: country A demands M in 2026 only. Its 2027 coverage has no demand to be a share
    of, so the cell is blank (and months of demand too), while 2026 is covered in full. Without
    sites the refined column used to be an object column whose division by the zero demand
    raised ZeroDivisionError and wrote no results at all.

    The supply (source CN 20 t/yr, plus the site's 3 t/yr when there is one) covers the 10 t of
    2026 with no shortage, since shortage costs 5000/t and a tonne 1000.
    """
    folder = write_case(
        tmp_path / "case",
        TINY,
        Demand="mineral,country,year,demand\nM,A,2026,10",
        Sites=f"site,country,mineral,existing_capacity\n{sites}",
        Sources="source,mineral,available,price_factor\nCN,M,20,1",
    )
    case, _ = read_case(folder)
    assert (("M", "A", 2027) in case.demand) is False
    outcome = solve_case(case)
    path = tmp_path / "results.xlsx"
    write_results(path, case, outcome)
    balance = {row["year"]: row for row in sheet_rows(path, "Balance")}
    assert balance[2026]["demand"] == 10 and balance[2026]["coverage"] == 1
    assert balance[2027]["demand"] == 0 and balance[2027]["coverage"] is None
    months = {row["year"]: row["months_of_demand"] for row in sheet_rows(path, "Stockpile")}
    assert months[2027] is None
    assert check_results(case, path) == []


def test_revision_3_sheets_of_the_hand_written_plan(tmp_path):
    """The plan of tests/results/hand_plan.py (see its docstring for the case).

    Stockpile (A, M): 5 t held in both scenarios in 2026; in 2027 5 t in calm and 0 in cut, so
    expected 2.5 t. Days of demand: 5 / (10/365) = 182.5 in 2026, 2.5 / (10/365) = 91.25 in
    2027, and the least held, 0 t in cut, is 0 days. The obligation is 73/365 · 10 = 2 t in
    normal times; cut disrupts M in 2027, so its 2027 obligation, the smallest, is 0.
    SupplyCaps: the cap is 100% of 20 t; cut 2027 buys 15 t, 75% of demand. Budgets: A has 400
    USD and spends nothing; B has no budget. Tree: one node in 2026, two in 2027.
    """
    path = tmp_path / "hand.xlsx"
    write_results(path, hand_case(), hand_outcome())
    stockpile = {row["year"]: row for row in sheet_rows(path, "Stockpile")}
    assert [stockpile[t]["days_of_demand"] for t in (2026, 2027)] == pytest.approx([182.5, 91.25])
    assert [stockpile[t]["min_days_of_demand"] for t in (2026, 2027)] == pytest.approx([182.5, 0])
    assert [stockpile[t]["obligation"] for t in (2026, 2027)] == pytest.approx([2, 2])
    assert [stockpile[t]["min_obligation"] for t in (2026, 2027)] == pytest.approx([2, 0])
    assert stockpile[2026]["obligation_days"] == 73
    obligations = {
        (row["scenario"], row["country"], row["year"]): row["obligation"]
        for row in sheet_rows(path, "Balance")
    }
    assert obligations == pytest.approx(
        {
            **{(w, "A", t): 2 for w in ("calm", "cut") for t in (2026, 2027)},
            ("cut", "A", 2027): 0,
            **{(w, "B", t): 0 for w in ("calm", "cut") for t in (2026, 2027)},
        }
    )
    caps = [
        (r["scenario"], r["year"], r["supply"], r["cap"], r["share_of_demand"])
        for r in sheet_rows(path, "SupplyCaps")
    ]
    assert caps == [
        ("calm", 2026, 20, 20, 1),
        ("calm", 2027, 20, 20, 1),
        ("cut", 2026, 20, 20, 1),
        ("cut", 2027, 15, 20, 0.75),
    ]
    budgets = [
        (r["member"], r["budget"], r["spending"], r["headroom"])
        for r in sheet_rows(path, "Budgets")
    ]
    assert budgets == [("A", 400, 0, 400), ("B", None, 0, None)]
    tree = [(r["year"], r["scenarios"], r["probability"]) for r in sheet_rows(path, "Tree")]
    assert tree == [(2026, "calm, cut", 1), (2027, "calm", 0.5), (2027, "cut", 0.5)]


def test_budgets_come_from_the_registered_spending_when_the_solve_gives_it(tmp_path):
    """Outcome.spending (kind, country, mineral, item, year, amount) decides the Budgets sheet:
    A's 150 USD of capex and 250 USD of purchases leave it no headroom of its 400 USD."""
    outcome = hand_outcome()
    outcome.spending = pd.DataFrame(
        [("capex", "A", "M", "site", 2026, 150.0), ("stockpile", "A", "M", "", 2026, 250.0)],
        columns=["kind", "country", "mineral", "item", "year", "amount"],
    )
    path = tmp_path / "hand.xlsx"
    write_results(path, hand_case(), outcome)
    (a, b) = sheet_rows(path, "Budgets")
    assert (a["capex"], a["stockpile"], a["spending"], a["headroom"]) == (150, 250, 400, 0)
    assert b["spending"] == 0


@dataclasses.dataclass
class _Slack:
    """A diagnosis row of revision 3 (`outcome.Diagnosis` gains `source` and the new kinds)."""

    constraint: str
    shortfall: float
    scenario: str = ""
    mineral: str = ""
    country: str = ""
    year: int | None = None
    source: str = ""


def test_diagnosis_rows_of_every_kind_with_their_unit_and_source(tmp_path):
    slacks = [
        _Slack("coverage", 3.0, "cut", "M", "A", 2027),
        _Slack("budget", 1e6),
        _Slack("obligation", 2.0, "calm", "M", "A", 2026),
        _Slack("supply_cap", 4.0, "cut", "M", "", 2027, source="X"),
        _Slack("member_budget", 500.0, country="A"),
    ]
    outcome = Outcome(status="infeasible", diagnosis=slacks)  # type: ignore[arg-type]
    path = tmp_path / "diagnosis.xlsx"
    write_results(path, hand_case(), outcome)
    rows = [(r["constraint"], r["source"], r["unit"]) for r in sheet_rows(path, "Diagnosis")]
    assert rows == [
        ("coverage", None, "t"),
        ("budget", None, "USD"),
        ("obligation", None, "t"),
        ("supply_cap", "X", "t"),
        ("member_budget", None, "USD"),
    ]
