"""The policy-instruments study (examples/policy_instruments/run.py) on the small template case,
so that its variants, tables, chart and README cannot rot.

The template case has no stock obligation, so the study's input here adds one (Japan holds 90
days of its NdPr oxide demand, 7,000 t/yr: 7,000·90/365 = 1,726 t from the first year), which
variant 1 must remove again. The variants are nested, which orders their expected costs: 2 is 1
with one more constraint (the obligation), 3 and 4 are 2 with more constraints (a cap, closed
stockpiles), so cost(1) ≤ cost(2) ≤ cost(3), cost(4), up to the solver's gap. Every plan the
study reports is re-verified by the independent checker.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

from planner.io import read_raw
from planner.io.raw import RawWorkbook
from planner.options import SolveOptions
from planner.outcome import Diagnosis, Outcome
from planner.results.check import check_results
from planner.results.workbook import write_results

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "inputs" / "example"
OBLIGED = {"country": "Japan", "mineral": "NdPr oxide"}
DAYS = 90
GAP = 1e-6


def _load_study() -> ModuleType:
    path = ROOT / "examples" / "policy_instruments" / "run.py"
    spec = importlib.util.spec_from_file_location("policy_instruments_run", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


study = _load_study()


@pytest.fixture(scope="module")
def raw() -> RawWorkbook:
    """The template case with one stock obligation."""
    raw = read_raw(EXAMPLE)
    raw.set("Stockpiles", OBLIGED, "min_days", DAYS)
    return raw


@pytest.fixture(scope="module")
def solved(raw: RawWorkbook) -> tuple[list, dict[str, float]]:
    before = raw.copy()
    results, budgets = study.solve_variants(raw, SolveOptions(mip_gap=GAP, coverage_duals=False))
    assert raw == before, "the variants must be made on copies"
    return results, budgets


def test_the_variants_change_what_they_say(solved: tuple[list, dict[str, float]]) -> None:
    results, budgets = solved
    none, base, capped, closed, us_only = (r.case for r in results)
    assert base.stockpiles[("Japan", "NdPr oxide")].min_days == DAYS
    assert all(s.min_days is None for s in none.stockpiles.values())
    assert all(c.shares_stock for c in none.countries.values())
    assert not none.supply_cap and not base.supply_cap
    years = list(capped.years)
    assert {y for (_, _, y) in capped.supply_cap} == {y for y in years if y >= 2030}
    assert {x for (x, _, _) in capped.supply_cap} == {"China"}
    assert set(capped.supply_cap.values()) == {0.65}
    assert not any(c.shares_stock for c in closed.countries.values())
    assert us_only.settings.budget is None and base.settings.budget == 1.5e9
    assert us_only.countries["United States"].budget == 12e9
    for member, budget in budgets.items():
        assert us_only.countries[member].budget == budget


def test_member_budgets_cover_the_base_plan(solved: tuple[list, dict[str, float]]) -> None:
    """Variant 5's budgets: the base plan's spending per member, rounded up to a million."""
    results, budgets = solved
    spent = study.spending_by_member(results[1].outcome)
    assert set(budgets) == {"Japan", "Australia"}
    for member, budget in budgets.items():
        assert budget % 1e6 == 0
        assert spent.get(member, 0.0) <= budget < spent.get(member, 0.0) + 1e6
    assert results[4].solved  # the base plan fits these budgets, so variant 5 has a plan


def test_nested_variants_order_the_costs(solved: tuple[list, dict[str, float]]) -> None:
    results, _ = solved
    assert all(r.solved for r in results)
    cost = [r.outcome.expected_cost for r in results]
    slack = 10 * GAP * max(cost)
    assert cost[0] <= cost[1] + slack
    assert cost[1] <= cost[2] + slack and cost[1] <= cost[3] + slack


def test_the_table_rows_come_from_the_plans(solved: tuple[list, dict[str, float]]) -> None:
    results, _ = solved
    rows = study.table_rows(results)
    assert [row.variant.number for row in rows] == [1, 2, 3, 4, 5]
    first = results[0].outcome.expected_cost
    for row, result in zip(rows, results, strict=True):
        assert row.cost_difference == pytest.approx(result.outcome.expected_cost - first)
        spent = float(result.outcome.spending["amount"].sum())
        assert row.capex + row.stockpile == pytest.approx(spent)
        flows = result.plan.flows
        peak = flows.groupby(["mineral", "scenario", "year"])["inventory"].sum()
        for mineral, held in row.stock.items():
            assert held == pytest.approx(max(peak[mineral].max(), 0.0), abs=1e-6)
        assert 0.0 <= row.coverage.share <= 1.0
        demand = result.case.demand[(row.coverage.mineral, row.coverage.country, row.coverage.year)]
        short = flows[
            (flows["scenario"] == row.coverage.scenario)
            & (flows["mineral"] == row.coverage.mineral)
            & (flows["country"] == row.coverage.country)
            & (flows["year"] == row.coverage.year)
        ]["shortage"].item()
        assert row.coverage.share == pytest.approx(1 - max(short, 0.0) / demand)
    assert rows[0].cost_difference == 0.0
    # The obligation holds Japan's NdPr stock: 90 days of 7,000 t/yr in every scenario.
    assert rows[1].stock["NdPr oxide"] >= 7000 * DAYS / 365 - 1e-6


def test_every_reported_plan_checks(solved: tuple[list, dict[str, float]], tmp_path: Path) -> None:
    results, _ = solved
    for result in results:
        path = tmp_path / f"variant-{result.variant.number}.xlsx"
        write_results(path, result.case, result.outcome)
        assert check_results(result.case, path) == [], result.variant.title


def test_a_variant_without_plan_shows_the_diagnosis(solved: tuple[list, dict[str, float]]) -> None:
    results, _ = solved
    failed = Outcome(
        status="infeasible",
        message="no plan meets the constraints",
        diagnosis=[
            Diagnosis("budget", 5e8),
            Diagnosis("coverage", 12.0, "base", "Gallium", "Japan", 2027),
            Diagnosis("coverage", 30.0, "base", "Gallium", "Japan", 2028),
            Diagnosis("coverage", 5.0, "base", "NdPr oxide", "Australia", 2028),
        ],
    )
    results = [*results[:3], study.Result(results[3].variant, results[3].case, failed)]
    rows = study.table_rows(results)
    assert rows[3].expected_cost is None and rows[3].cost_difference is None
    assert rows[3].diagnosis == (
        "no plan meets the constraints. Largest: budget 500 m USD; "
        "coverage 30 t (Japan, Gallium, 2028, base). Members concerned: Australia, Japan"
    )
    line = study.summary_table(rows)[2 + 3]
    assert "| infeasible: no plan meets the constraints. Largest: budget 500 m USD" in line
    assert "no plan" in study.stock_table(rows, ["Gallium"])[2]
    assert study.why(Outcome(status="solver_error", message="HiGHS failed")) == "HiGHS failed"
    # Australia holds no stockpile in the template case, Japan does.
    text = study.readme(results, {}, "example")
    assert "Members concerned: Australia, Japan. Of these, Australia holds no stockpile" in text


def test_readme_and_chart(solved: tuple[list, dict[str, float]], tmp_path: Path) -> None:
    results, budgets = solved
    text = study.readme(results, budgets, "example")
    for variant in study.VARIANTS:
        assert f"| {variant.title} | optimal |" in text
    assert "maximum over the years and over the scenarios" in text
    assert "| Japan |" in text and "| Australia |" in text
    assert not any(math.isnan(float(c)) for c in [r.outcome.expected_cost for r in results])
    study.chart(tmp_path / "chart.png", results)
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
