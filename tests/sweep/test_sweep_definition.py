"""The definition language: what each written form means, and the message each mistake gets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.io.raw import RawRow, RawSheet
from planner.sweep.definition import (
    Address,
    DefinitionError,
    definitions_from_sheet,
    definitions_from_yaml,
    parse_definition,
)


def test_inclusive_range_has_count_values_from_start_to_stop() -> None:
    definition = parse_definition("Settings.budget=0:20e9:11", "--vary 1")
    assert definition.address == Address("Settings", "budget")
    assert definition.values == tuple(i * 2e9 for i in range(11))
    assert not definition.relative


def test_multipliers_with_a_row_identifier() -> None:
    definition = parse_definition("Minerals.price[NdPr oxide]=x0.5,x1,x1.5", "--vary 1")
    assert definition.address == Address("Minerals", "price", ((None, "NdPr oxide"),))
    assert definition.values == (0.5, 1.0, 1.5)
    assert definition.relative
    assert definition.label == "Minerals.price[NdPr oxide] (x)"


def test_named_keys_quotes_and_percentages() -> None:
    definition = parse_definition(
        'Demand.demand[mineral=NdPr oxide, country="Korea, Rep."]=80%,110%', "--vary 3"
    )
    assert definition.address.selector == (("mineral", "NdPr oxide"), ("country", "Korea, Rep."))
    assert definition.values == (0.8, 1.1)


def test_canonical_text_reads_back_to_the_same_definition() -> None:
    written = 'Demand.demand[mineral=NdPr oxide,country="Korea, Rep."]=x0.9,x1.1'
    definition = parse_definition(written, "--vary 1")
    again = parse_definition(definition.text, "--vary 1")
    assert (again.address, again.values, again.relative) == (
        definition.address,
        definition.values,
        definition.relative,
    )


@given(
    start=st.floats(-1e12, 1e12, allow_nan=False),
    stop=st.floats(-1e12, 1e12, allow_nan=False),
    count=st.integers(2, 50),
)
def test_ranges_keep_their_ends_and_count(start: float, stop: float, count: int) -> None:
    text = f"Minerals.price={start!r}:{stop!r}:{count}"
    try:
        values = parse_definition(text, "--vary 1").values
    except DefinitionError as error:  # only when the values would repeat
        assert "equal ends" in str(error) or "too fine" in str(error)
        return
    assert len(values) == count
    assert values[0] == start and values[-1] == stop
    steps = [b - a for a, b in itertools.pairwise(values)]
    assert all((s > 0) == (stop > start) for s in steps)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=6, unique=True))
def test_lists_of_multipliers_keep_their_order(values: list[float]) -> None:
    text = "Minerals.price=" + ",".join(f"x{v!r}" for v in values)
    definition = parse_definition(text, "--vary 1")
    assert definition.values == tuple(values)
    assert definition.relative


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Settings.budget", "no '='"),
        ("Minerals=1", "is not Sheet.column"),
        ("Minerals.price=x1,2", "mixes multipliers"),
        ("Minerals.price=1,1", "repeats a value"),
        ("Minerals.price=abc", "'abc' is not a number"),
        ("Minerals.price=1:2", "is not start:stop:count"),
        ("Minerals.price=1:2:0", "at least 1"),
        ("Minerals.price=1:2:1", "needs start = stop"),
        ("Minerals.price=1:2:2.5", "not a whole number"),
        ("Minerals.price=x-1", "negative"),
        ("Minerals.price=inf", "not a finite number"),
        ("Minerals.price[a=1", "without a closing"),
        ("Minerals.price[]=1", "empty row selector"),
        ("Minerals.price[a=b,c]=1", "not both"),
        ("Minerals.price[x] y=1", "expected '='"),
        ("", "empty definition"),
    ],
)
def test_malformed_definitions_say_where_and_what(text: str, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(text, "--vary 4")
    assert str(caught.value).startswith("--vary 4: ")
    assert message in str(caught.value)


def _sweeps_sheet(*rows: tuple[str, str]) -> RawSheet:
    return RawSheet(
        "Sweeps",
        ["parameter", "values"],
        [RawRow(number, list(row)) for number, row in enumerate(rows, start=2)],
    )


def test_sweeps_sheet_rows_are_definitions_located_by_row_and_column() -> None:
    sheet = _sweeps_sheet(("Settings.budget", "0:10:3"), ("Minerals.price", "x0.5,x2"))
    first, second = definitions_from_sheet(sheet)
    assert first.values == (0.0, 5.0, 10.0)
    assert second.relative and second.where == "Sweeps!3, parameter"

    bad = _sweeps_sheet(("Settings.budget", "0:10:3"), ("Minerals", "1"), ("Minerals.price", "x"))
    with pytest.raises(DefinitionError) as caught:
        definitions_from_sheet(bad)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("Sweeps!3, parameter: ")
    assert lines[1].startswith("Sweeps!4, values: ")


def test_sweeps_sheet_with_whole_definitions() -> None:
    sheet = RawSheet(
        "Sweeps",
        ["definition"],
        [RawRow(2, ["Settings.budget=0:10:3"]), RawRow(4, ["Minerals.price=x"])],
    )
    with pytest.raises(DefinitionError, match=r"^Sweeps!4, definition: 'x' is not a number"):
        definitions_from_sheet(sheet)
    sheet.rows.pop()
    [definition] = definitions_from_sheet(sheet)
    assert definition.values == (0.0, 5.0, 10.0) and definition.where == "Sweeps!2, definition"


def test_sweeps_sheet_needs_its_columns() -> None:
    with pytest.raises(DefinitionError, match="has a column definition"):
        definitions_from_sheet(RawSheet("Sweeps", ["parameter"], []))


def test_yaml_file_with_strings_mappings_and_options(tmp_path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(
        "mode: oat\n"
        "vary:\n"
        "  - Settings.budget=0:10:3\n"
        "  - parameter: Minerals.price[Ga]\n"
        "    values: [x0.5, x2]\n",
        encoding="utf-8",
    )
    definitions, options = definitions_from_yaml(path)
    assert options == {"mode": "oat"}
    assert [d.values for d in definitions] == [(0.0, 5.0, 10.0), (0.5, 2.0)]

    path.write_text("vary:\n  - Settings.budget=0:10:3\n  - {parameter: Minerals}\n")
    with pytest.raises(DefinitionError, match=r"study.yaml, vary 2: expected a definition"):
        definitions_from_yaml(path)
    path.write_text("vary: [\n")
    with pytest.raises(DefinitionError, match=r"study.yaml, line"):
        definitions_from_yaml(path)
    path.write_text("vary: []\nmodes: grid\n")
    with pytest.raises(DefinitionError, match=r"unknown key\(s\) modes"):
        definitions_from_yaml(path)
