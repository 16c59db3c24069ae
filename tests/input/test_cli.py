"""The template, validate and convert commands and --version, run as a user runs them, checking
exit codes, stdout, stderr and the files left behind (in this process with click's runner; the
usage errors also as a real process)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from planner.io import read_raw
from tests.hostile.cli_runner import planner, planner_process

BROKEN = Path(__file__).parent / "cases" / "broken"


def _digest(path: Path) -> str:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files if f.is_file())).hexdigest()


def test_version_names_planner_pyomo_and_highs() -> None:
    result = planner("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("planner ")
    assert "Pyomo " in result.stdout and "HiGHS " in result.stdout


@pytest.mark.parametrize("command", ["template", "validate", "convert"])
def test_every_command_explains_itself_with_an_example(command: str) -> None:
    result = planner(command, "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout


def test_template_validate_and_refuse_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "case.xlsx"
    result = planner("template", path)
    assert result.returncode == 0, result.stderr
    checked = planner("validate", path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == (
        f"{path} is usable: 2 minerals, 3 countries, 5 sites, 4 CfD offers, 3 scenarios "
        "(base, export controls, embargo), 10 years (2026–2035), budget 1.2 bn USD; 0 warnings."
    )
    before = _digest(path)
    again = planner("template", path)
    assert again.returncode == 1
    assert again.stderr.strip() == f"error: {path} already exists; use --force to replace it"
    assert _digest(path) == before
    assert planner("template", path, "--force").returncode == 0


def test_template_without_suffix_writes_a_csv_folder_with_a_readme(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    assert planner("template", folder).returncode == 0
    assert (folder / "README.csv").is_file() and (folder / "Sites.csv").is_file()
    readme = (folder / "README.csv").read_text()
    assert "Sites,capex_per_tpa,no,number,USD per t/yr,0,≥ 0," in readme
    assert planner("validate", folder).returncode == 0


def test_empty_template_has_every_sheet_and_needs_filling_in(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    assert planner("template", path, "--empty").returncode == 0
    assert set(read_raw(path).sheets) >= {"Settings", "Minerals", "Disruptions", "README"}
    result = planner("validate", path)
    assert result.returncode == 1
    assert "Settings!2, value: start_year is required" in result.stderr


def test_validate_lists_every_problem_and_leaves_the_input_alone() -> None:
    before = _digest(BROKEN)
    result = planner("validate", BROKEN)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: Minerals!3, coverage: must be in [0, 1] (found '120%')",
        "error: Demand!4, country: no Countries row named 'Japn' (did you mean 'Japan'?)",
        "error: Sites!3, min_capacity: must be ≤ max_capacity (found 6000 > 5000)",
        "warning: Countries!1, notes: unknown column, ignored",
        f"3 errors, 1 warning in {BROKEN}: the input cannot be used.",
    ]
    assert _digest(BROKEN) == before


def test_validate_with_warnings_only_is_usable(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    planner("template", folder)
    countries = folder / "Countries.csv"
    header, rest = countries.read_text().split("\n", 1)
    countries.write_text(f"{header},remark\n{rest}")
    result = planner("validate", folder)
    assert result.returncode == 0
    assert "warning: Countries!1, remark: unknown column, ignored" in result.stderr
    assert "; 1 warning." in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file or folder"),
        (b"\x00\x01garbage", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old Excel workbook (.xls)"),
    ],
    ids=["missing", "garbage", "xls"],
)
def test_unreadable_inputs_exit_1_without_traceback(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    path = tmp_path / "case.xlsx"
    if content is not None:
        path.write_bytes(content)
    result = planner("validate", path)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_convert_round_trip_is_lossless_and_refuses_to_overwrite(tmp_path: Path) -> None:
    workbook = tmp_path / "case.xlsx"
    planner("template", workbook)
    folder = tmp_path / "case"
    back = tmp_path / "back.xlsx"
    first = planner("convert", workbook, folder)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"Wrote {folder} (15 sheets)."
    assert planner("convert", folder, back).returncode == 0
    assert read_raw(workbook) == read_raw(folder) == read_raw(back)
    again = planner("convert", workbook, folder)
    assert again.returncode == 1 and "already exists" in again.stderr
    same = planner("convert", workbook, workbook)
    assert same.returncode == 1 and "OUTPUT is INPUT" in same.stderr


def test_convert_keeps_a_broken_case_as_it_is(tmp_path: Path) -> None:
    target = tmp_path / "broken.xlsx"
    assert planner("convert", BROKEN, target).returncode == 0
    assert read_raw(target) == read_raw(BROKEN)


def test_convert_refuses_formulas_whose_values_would_be_lost(tmp_path: Path) -> None:
    source = tmp_path / "case.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Countries"
    book.active.append(["country", "shipping_cost"])
    book.active.append(["R", "=1+1"])
    book.save(source)
    result = planner("convert", source, tmp_path / "case")
    assert result.returncode == 1
    assert "Countries!2, shipping_cost: formula without a saved value (=1+1)" in result.stderr
    assert not (tmp_path / "case").exists()


@pytest.mark.slow
def test_usage_errors_exit_2() -> None:
    """As a real process: the exit code a shell sees."""
    assert planner_process("validate").returncode == 2
    assert planner_process("template", "x.xlsx", "--no-such-option").returncode == 2
