"""A run's figures add up: the identities between the sweep record and the solve it summarises."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.options import SolveOptions
from planner.outcome import COST_COMPONENTS, Outcome
from planner.results.layout import column_key
from planner.solve import solve_case
from planner.sweep.report import run_columns, run_headers
from planner.sweep.summary import FIGURES, PER_MINERAL, UNITS, summarise
from planner.validate import read_case

EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example"


def test_figures_of_the_example_case_add_up() -> None:
    case, _ = read_case(EXAMPLE)
    outcome = solve_case(case, SolveOptions(threads=1, coverage_duals=False))
    assert outcome.status == "optimal"
    record = summarise(case, outcome)
    minerals = list(case.minerals)

    assert record["objective"] == pytest.approx(outcome.objective)
    assert sum(record[f"cost_{c}"] for c in COST_COMPONENTS) == pytest.approx(
        record["expected_cost"], rel=1e-9
    )
    for total in ("spend_capex", "spend_stockpile", "shortage_t"):
        assert sum(record[f"{total}[{m}]"] for m in minerals) == pytest.approx(record[total])
    assert record["spend_total"] == pytest.approx(record["spend_capex"] + record["spend_stockpile"])
    assert sum(record[f"cfd_payment[{m}]"] for m in minerals) == pytest.approx(
        record["cost_cfd_government_payment"]
    )
    assert record["coverage_worst"] == min(
        record[f"coverage_worst[{m}]"]
        for m in minerals
        if record[f"coverage_worst[{m}]"] is not None
    )
    for mineral in minerals:  # coverage never below the mineral's requirement
        assert record[f"coverage_worst[{mineral}]"] >= case.minerals[mineral].coverage - 1e-9
    accepted = set(outcome.plan.offers.loc[outcome.plan.offers["accepted"], "offer"])
    assert record["offers_accepted"] == len(accepted)
    assert set(record["offers"].split(", ")) - {""} == accepted
    assert set(record) >= {f"{key}[{m}]" for key in PER_MINERAL for m in minerals}


def test_a_run_without_a_plan_keeps_its_reason() -> None:
    case, _ = read_case(EXAMPLE)
    record = summarise(case, Outcome(status="solver_error", message="HiGHS stopped"))
    assert record["status"] == "solver_error" and record["message"] == "HiGHS stopped"
    assert record["objective"] is None and record["budget_shortfall"] is None


# Figures that are pure numbers or text; a new figure must have a unit or be added here on purpose.
UNITLESS = {"mip_gap", "offers_accepted", "offers"}


def test_every_figure_has_a_unit_in_the_runs_header() -> None:
    manifest = {
        "labels": ["Settings.budget", "Minerals.price[Ga] (x)", "Sites.lead_time[S]"],
        "relative": [False, True, False],
        "units": ["USD", "USD/t", "years"],
        "minerals": ["Ga"],
    }
    headers = dict(zip(run_columns(manifest), run_headers(manifest), strict=True))
    for column, header in headers.items():
        key = column.partition("[")[0]
        if column != "Minerals.price[Ga] (x)":
            assert column_key(header) == column  # every reader finds the record's key
        if key in {*FIGURES, *PER_MINERAL} - UNITLESS:
            assert header == f"{column} ({UNITS[key]})", column
    assert headers["Settings.budget"] == "Settings.budget (USD)"
    # A label in multipliers carries its unit already; readers find it by its address.
    assert headers["Minerals.price[Ga] (x)"] == "Minerals.price[Ga] (x)"
    assert column_key(headers["Minerals.price[Ga] (x)"]) == "Minerals.price[Ga]"
    assert headers["Sites.lead_time[S]"] == "Sites.lead_time[S] (years)"
    assert headers["run"] == "run" and headers["status"] == "status"
    older = {key: value for key, value in manifest.items() if key != "units"}
    assert run_headers(older)[1] == "Settings.budget"  # a manifest written before units
