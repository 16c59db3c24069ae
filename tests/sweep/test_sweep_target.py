"""Definitions matched to workbook cells, and run values written into a copy of the workbook."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.io import read_raw
from planner.io.raw import RawWorkbook
from planner.sweep.definition import DefinitionError, parse_definition
from planner.sweep.expand import Run
from planner.sweep.target import apply, resolve
from tests.sweep.sweep_cases import TINY


@pytest.fixture(scope="module")
def tiny() -> RawWorkbook:
    return read_raw(TINY)


def _resolve(raw: RawWorkbook, *texts: str):
    return resolve(raw, [parse_definition(t, f"--vary {i}") for i, t in enumerate(texts, 1)])


def _rows(raw: RawWorkbook, sheet: str) -> list[list]:
    return [row.values for row in raw.sheet(sheet).rows]


def test_a_setting_without_a_row_gets_one(tiny: RawWorkbook) -> None:
    targets = _resolve(tiny, "Settings.budget=0,500")
    copy = tiny.copy()
    assert apply(copy, targets, Run(1, (500.0,))) == []
    assert copy.get("Settings", "budget", "value") == 500.0
    assert tiny.sheet("Settings").find_rows("budget") == []  # the original is untouched


def test_price_multiplier_moves_the_prices_rows_of_that_mineral(tiny: RawWorkbook) -> None:
    targets = _resolve(tiny, "Minerals.price[Ga]=x0.5,x2")
    copy = tiny.copy()
    notes = apply(copy, targets, Run(2, (2.0,)))
    assert copy.get("Minerals", "Ga", "price") == 200.0
    assert _rows(copy, "Prices") == [["Ga", 2031, 200.0]]
    assert notes == ["Prices rows 2 scaled x2 with Minerals row 2"]


def test_absolute_price_moves_the_price_path_by_the_same_factor(tiny: RawWorkbook) -> None:
    targets = _resolve(tiny, "Minerals.price=150,250")
    copy = tiny.copy()
    apply(copy, targets, Run(1, (150.0,)))
    assert copy.get("Minerals", "Ga", "price") == 150.0
    assert _rows(copy, "Prices") == [["Ga", 2031, 150.0]]


@given(st.floats(0.0, 1.0))
def test_probability_rescales_the_others_to_sum_to_one(probability: float) -> None:
    raw = read_raw(TINY)
    raw.sheet("Scenarios").append({"scenario": "spike", "probability": 0.25})
    raw.set("Scenarios", "calm", "probability", 0.25)  # calm .25, cut .5, spike .25
    targets = _resolve(raw, f"Scenarios.probability[cut]={probability!r}")
    notes = apply(raw, targets, Run(1, (probability,)))
    calm, cut, spike = (raw.get("Scenarios", s, "probability") for s in ("calm", "cut", "spike"))
    assert cut == probability
    assert calm + cut + spike == pytest.approx(1.0, abs=1e-12)
    assert calm == pytest.approx(spike)  # the others keep their relative weights
    assert "scaled x" in notes[0] and "sum at 1" in notes[0]


def test_two_probabilities_varied_together_rescale_the_rest(tiny: RawWorkbook) -> None:
    raw = tiny.copy()
    raw.sheet("Scenarios").append({"scenario": "spike", "probability": 0.0})
    raw.set("Scenarios", "calm", "probability", 0.5)
    targets = _resolve(raw, "Scenarios.probability[cut]=0.3", "Scenarios.probability[spike]=0.5")
    apply(raw, targets, Run(1, (0.3, 0.5)))
    assert raw.get("Scenarios", "calm", "probability") == pytest.approx(0.2)


def test_probabilities_that_cannot_be_rescaled_are_refused(tiny: RawWorkbook) -> None:
    raw = tiny.copy()
    raw.set("Scenarios", "calm", "probability", 0)
    raw.set("Scenarios", "cut", "probability", 1)
    with pytest.raises(DefinitionError, match="other scenarios have probability 0"):
        _resolve(raw, "Scenarios.probability[cut]=0.5")


def test_keyed_rows_by_position_and_by_name(tiny: RawWorkbook) -> None:
    raw = tiny.copy()
    raw.sheet("Demand").append({"mineral": "Ga", "country": "A", "year": None, "demand": 4})
    by_position = _resolve(raw, "Demand.demand[Ga, A]=x0.5,x1")
    by_name = _resolve(raw, "Demand.demand[country=A, mineral=Ga]=x0.5,x1")
    one_year = _resolve(raw, "Demand.demand[Ga, A, 2031]=x0.5,x1")
    every_year = _resolve(raw, "Demand.demand[mineral=Ga, country=A, year=]=x0.5,x1")
    assert [c.row for c in by_position[0].cells] == [2, 3]
    assert by_name[0].cells == by_position[0].cells
    assert [c.row for c in one_year[0].cells] == [2]
    assert [c.row for c in every_year[0].cells] == [3]  # `year=` selects the blank-year row
    apply(raw, by_position, Run(1, (0.5,)))
    assert [row[3] for row in _rows(raw, "Demand")] == [5.0, 2.0]


def test_blank_cells_scale_from_their_default_and_no_limit_stays_blank(
    tiny: RawWorkbook,
) -> None:
    raw = tiny.copy()
    raw.sheet("Minerals").append({"mineral": "Ge", "price": 50, "shortage_penalty": 9})
    raw.set("Minerals", "Ga", "max_purchase", 8)
    targets = _resolve(raw, "Sites.availability=x0.5,x1", "Minerals.max_purchase=x0.5,x1")
    apply(raw, targets, Run(1, (0.5, 0.5)))
    assert raw.get("Sites", "new-mill", "availability") == 0.5  # blank = 1
    assert raw.get("Minerals", "Ga", "max_purchase") == 4.0
    assert raw.get("Minerals", "Ge", "max_purchase") is None  # no limit, halved, is no limit


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Setting.budget=1", "there is no sheet 'Setting'"),
        ("PriceShocks.multiplier=x2", "the workbook has no PriceShocks sheet"),
        ("Minerals.prise=1", "Minerals has no column 'prise'; its numbers: price,"),
        ("Minerals.mineral=1", "holds identifiers, not numbers"),
        ("Minerals.price[Gb]=x2", "no Minerals row has mineral=Gb (mineral values in"),
        ("Demand.demand[mineral=Ga,country=B]=1", "country values in the sheet: A"),
        ("Demand.demand[Ga,A,2031,1]=1", "identified by mineral, country, year"),
        ("Demand.demand[colour=red]=1", "no column 'colour' to select by"),
        ("Settings.budget=x2", "blank (no limit) where selected: give values"),
        ("Settings.cost=1", "write a setting as Settings.<name>, one of: start_year"),
        ("Scenarios.probability=0.1", "vary one scenario's probability"),
        ("Sites.lead_time=x2", "takes whole numbers: give values"),
        ("Sites.lead_time=1.5", "takes whole numbers, not 1.5"),
        ("Minerals.price=-1,1", "-1 is outside Minerals.price's range (> 0)"),
        ("Minerals.coverage=1.5", "outside Minerals.coverage's range (in [0, 1])"),
        ("Scenarios.probability[cut]=x3", "x3 takes Scenarios.probability of row 3 to 1.5"),
        ("Disruptions.share_lost[cut]=1", "Disruptions rows have no key"),
    ],
)
def test_address_mistakes_are_named(tiny: RawWorkbook, text: str, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        _resolve(tiny, "Settings.discount_rate=0.01,0.02", text)
    assert str(caught.value).startswith("--vary 2: ")
    assert message in str(caught.value)


def test_row_numbers_select_unkeyed_rows(tiny: RawWorkbook) -> None:
    [target] = _resolve(tiny, "Disruptions.share_lost[row=2]=0.5,0.75")
    raw = tiny.copy()
    apply(raw, [target], Run(1, (0.75,)))
    assert raw.get("Disruptions", 2, "share_lost") == 0.75


def test_one_cell_moved_by_two_definitions_is_refused(tiny: RawWorkbook) -> None:
    with pytest.raises(DefinitionError) as caught:
        _resolve(tiny, "Minerals.price=x2", "Prices.price[Ga]=1,2")
    assert str(caught.value) == (
        "--vary 2: moves Prices.price cells that --vary 1 moves too; "
        "vary each cell in one definition only"
    )


def test_every_problem_is_listed_at_once(tiny: RawWorkbook) -> None:
    with pytest.raises(DefinitionError) as caught:
        _resolve(tiny, "Minerals.prise=1", "Settings.budget=1", "Sites.lead_time=x2")
    assert [issue.where for issue in caught.value.issues] == ["--vary 1", "--vary 3"]
