"""Property recipes: random bytes in any sheet file and random cells in the new sheet and columns
give input errors (exit 1) or a usable case (exit 0), never a traceback, and the input is kept."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.schema import SHEETS
from tests.hostile.input_commands import validate, write_case
from tests.input.input_workbooks import example

_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_FOLDER: list[Path] = []


def _example_folder() -> Path:
    if not _FOLDER:
        _FOLDER.append(write_case(example(), Path(tempfile.mkdtemp()) / "case"))
    return _FOLDER[0]


@_SETTINGS
@given(
    st.sampled_from([name for name, sheet in SHEETS.items() if sheet.columns]),
    st.binary(max_size=400),
)
def test_random_bytes_in_a_sheet_file(sheet: str, content: bytes) -> None:
    folder = Path(tempfile.mkdtemp()) / "case"
    try:
        shutil.copytree(_example_folder(), folder)
        (folder / f"{sheet}.csv").write_bytes(content)
        assert validate(folder).exit_code in (0, 1)
    finally:
        shutil.rmtree(folder.parent)


_CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**20), 10**20),
    st.sampled_from(["yes", "NO", "TRUE", "80%", "1e999", "1,200", "６", "6_5", "nan", "\x1b"]),
)
_NEW_CELLS = [
    ("Countries", "shares_stock"),
    ("Countries", "budget"),
    ("Stockpiles", "min_days"),
    ("Stockpiles", "obligation_from"),
    ("SupplyCaps", "source"),
    ("SupplyCaps", "mineral"),
    ("SupplyCaps", "from_year"),
    ("SupplyCaps", "to_year"),
    ("SupplyCaps", "max_share"),
]


@_SETTINGS
@given(st.lists(st.tuples(st.sampled_from(_NEW_CELLS), st.integers(2, 5), _CELLS), max_size=4))
def test_random_cells_in_the_new_columns(
    changes: list[tuple[tuple[str, str], int, object]],
) -> None:
    raw = example()
    for (sheet, column), row, value in changes:
        rows = raw.sheet(sheet).rows
        if isinstance(value, str):
            value = value.replace("\r", "")
        target = rows[min(row - 2, len(rows) - 1)].number
        raw.set(sheet, target, column, value)  # type: ignore[arg-type]
    folder = Path(tempfile.mkdtemp())
    try:
        try:
            path = write_case(raw, folder / "case")
        except ValueError:  # a value no file can hold is not an input
            return
        assert validate(path).exit_code in (0, 1)
    finally:
        shutil.rmtree(folder)
