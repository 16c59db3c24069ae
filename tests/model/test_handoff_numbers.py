"""The hand-off refuses numbers HiGHS cannot represent (NaN, inf, magnitudes it reads as infinite).

The input layer keeps such numbers out of workbooks, so these cases are built in code and changed
with `dataclasses.replace`, past validation. Without the check HiGHS takes them silently: a price of
1e30 becomes an infinite cost (status "unknown"), a NaN cost gives a NaN objective reported as
optimal, a bound of 1e30 disappears.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csc_matrix

from planner import validate
from planner.build import build_model
from planner.case import Case, Mineral, Site, SourceYear
from planner.handoff import compile_to_highs, new_highs
from planner.representable import (
    Finding,
    Limits,
    StandardForm,
    UnrepresentableModel,
    find_unrepresentable,
)
from planner.solve import solve_case
from tests.hostile.cli_runner import planner
from tests.model.tiny import tiny_case
from tests.results.test_cli import summary_of

LIMITS = Limits(cost=1e20, bound=1e20, matrix=1e15)  # HiGHS's defaults


def _buying_case() -> Case:
    """Demand 10 t of Ga in A, bought from source X (100 t/yr available)."""
    return tiny_case(
        demand={("Ga", "A", 2025): 10.0},
        supply={("X", "Ga", 2025): SourceYear(100.0)},
    )


def _refusal(case: Case) -> str:
    """The hand-off's message; `solve_case` records it as a solver error."""
    outcome = solve_case(case)
    assert outcome.status == "solver_error"
    assert outcome.plan is None and outcome.objective is None
    built = build_model(case)
    with pytest.raises(UnrepresentableModel) as raised:
        compile_to_highs(built, new_highs())
    assert raised.value.exit_code == 5
    assert str(raised.value) == outcome.message
    return outcome.message


@pytest.mark.parametrize("price", [1e30, math.nan, math.inf])
def test_a_price_past_validation_is_named_as_a_cost_of_external_purchases(price: float) -> None:
    case = _buying_case()
    case = dataclasses.replace(case, price={("Ga", 2025): price})
    message = _refusal(case)
    assert f"a cost of {price:.3g} USD in external purchases (column e[X,Ga,2025," in message
    assert "so it was not solved" in message
    assert "1e+20" in message  # HiGHS's infinite_cost, read from its options


def test_a_huge_demand_is_named_as_a_bound_and_a_right_hand_side() -> None:
    """D enters the balance row (8) as its right-hand side and bounds short by (1 − c)·D."""
    case = dataclasses.replace(_buying_case(), demand={("Ga", "A", 2025): 1e25})
    message = _refusal(case)
    assert "an upper bound of 1e+25 on column short[Ga,A,2025," in message
    assert "a right-hand side of 1e+25 in row balance[Ga,A,2025," in message


@pytest.mark.parametrize(("availability", "shown"), [(math.nan, "nan"), (1e16, "-1e+16")])
def test_an_absurd_availability_is_named_as_a_coefficient(availability: float, shown: str) -> None:
    """Site output q ≤ a·(new capacity x): the availability is the coefficient of x."""
    site = Site("plant", "A", "Ga", max_capacity=20.0, capex_per_tpa=1.0, availability=availability)
    case = tiny_case(sites=(site,), demand={("Ga", "A", 2025): 10.0})
    message = _refusal(case)
    assert f"a coefficient of {shown} for column x[plant,2025] in row output[plant,2025," in message


def test_many_findings_are_counted_beyond_the_first_three() -> None:
    minerals = tuple(Mineral(f"M{i}", price=1.0, shortage_penalty=math.inf) for i in range(5))
    case = tiny_case(minerals=minerals, demand={(m.name, "A", 2025): 1.0 for m in minerals})
    message = _refusal(case)
    assert message.count("a cost of inf USD in shortage penalty") == 3
    assert "; and 2 more." in message


def test_a_valid_case_is_not_refused() -> None:
    assert solve_case(_buying_case()).objective == pytest.approx(1000.0)


def _form(**changes: object) -> StandardForm:
    """Two columns, two rows: x0 ∈ [0, inf), x1 free; row 0: x0 + x1 ≥ 1, row 1: x0 = 2."""
    form = StandardForm(
        cost=np.array([1.0, 2.0]),
        offset=0.0,
        col_lower=np.array([0.0, -math.inf]),
        col_upper=np.array([math.inf, math.inf]),
        row_lower=np.array([1.0, 2.0]),
        row_upper=np.array([math.inf, 2.0]),
        matrix=csc_matrix(np.array([[1.0, 1.0], [1.0, 0.0]])),
        row_scale=np.ones(2),
    )
    return dataclasses.replace(form, **changes)


def test_missing_bounds_are_read_as_intended() -> None:
    assert find_unrepresentable(_form(), LIMITS) == []


def test_each_kind_of_number_is_found_where_it_sits() -> None:
    form = _form(
        cost=np.array([1.0, -1e20]),
        offset=math.nan,
        col_lower=np.array([math.inf, -math.inf]),  # +inf as a lower bound is no number
        col_upper=np.array([1e25, math.inf]),
        row_lower=np.array([1.0, 1e21]),
        row_upper=np.array([math.inf, 1e21]),  # an equality row is named once
        matrix=csc_matrix(np.array([[1.0, math.nan], [1e15, 0.0]])),
    )
    found = find_unrepresentable(form, LIMITS)
    assert [(f.kind, f.column, f.row) for f in found] == [
        ("cost", 1, None),
        ("constant cost", None, None),
        ("lower bound", 0, None),
        ("upper bound", 0, None),
        ("right-hand side", None, 1),
        ("coefficient", 0, 1),
        ("coefficient", 1, 0),
    ]
    assert found[0] == Finding("cost", -1e20, column=1)


def test_a_row_counted_in_usd_is_judged_as_scaled() -> None:
    """Row 1 (x0 = 2 with coefficient 1e16) is divided by 2^40 before HiGHS sees it: 1e16 / 2^40
    ≈ 9095 is a fine coefficient, and so is its right-hand side."""
    form = _form(
        matrix=csc_matrix(np.array([[1.0, 1.0], [1e16, 0.0]])),
        row_lower=np.array([1.0, 1e21]),
        row_upper=np.array([math.inf, 1e21]),
        row_scale=np.array([1.0, 2.0**-40]),
    )
    assert find_unrepresentable(form, LIMITS) == []
    unscaled = dataclasses.replace(form, row_scale=np.ones(2))
    assert [f.kind for f in find_unrepresentable(unscaled, LIMITS)] == [
        "right-hand side",
        "coefficient",
    ]


def _bad_input(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An input folder that reads as the buying case with a price of 1e30 (past validation)."""
    bad = dataclasses.replace(_buying_case(), price={("Ga", 2025): 1e30})
    monkeypatch.setattr(validate, "read_case", lambda _path: (bad, []))
    (tmp_path / "case").mkdir()
    return tmp_path / "case"


def test_solve_records_the_refusal_as_a_solver_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """planner solve: exit 5, the message printed and written to the results' Summary."""
    case = _bad_input(monkeypatch, tmp_path)
    done = planner("solve", case, "-o", "r.xlsx", cwd=tmp_path)
    assert done.returncode == 5
    assert "SOLVER ERROR: the model holds numbers that HiGHS cannot represent" in done.stdout
    assert "a cost of 1e+30 USD in external purchases" in done.stdout
    summary = summary_of(tmp_path / "r.xlsx")
    assert summary["status"] == "solver_error"


def test_value_ends_with_exit_5_and_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """planner value: the refusal reaches the error boundary; nothing is written."""
    case = _bad_input(monkeypatch, tmp_path)
    done = planner("value", case, "-o", "v.xlsx", cwd=tmp_path)
    assert done.returncode == 5
    assert done.stderr.startswith("error: the model holds numbers that HiGHS cannot represent")
    assert "a cost of 1e+30 USD in external purchases" in done.stderr
    assert not (tmp_path / "v.xlsx").exists()
