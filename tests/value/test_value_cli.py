"""`planner value` run as a user runs it, and its sheets added to a results workbook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from planner.options import SolveOptions
from planner.results.workbook import write_results
from planner.solve import solve_case
from planner.validate import read_case
from planner.value.analysis import analyse
from planner.value.tables import RISK, VALUE
from planner.value.workbook import add_value_sheets
from tests.random_cases import write_random_case

SEED = 3  # a random case with sites, offers, stockpiles and several scenarios


def planner(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "planner", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def sheet_rows(path: Path, name: str) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=True)
    return list(book[name].iter_rows(values_only=True))


def test_value_command_with_two_workers(tmp_path: Path) -> None:
    """Two worker processes; the workbook has Value, Risk and their Units; JSON has EVPI."""
    case = write_random_case(tmp_path / "case", SEED)
    before = {p.name: p.read_bytes() for p in case.iterdir()}
    done = planner(
        "value", case, "-o", tmp_path / "v.xlsx", "--workers", "2", "--json", "v.json", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "Decisions by value" in done.stdout and "EVPI" in done.stdout
    value = sheet_rows(tmp_path / "v.xlsx", "Value")
    assert value[0] == VALUE.headers and len(value) > 1
    assert "value (USD)" in value[0] and "objective (USD)" in value[0]
    risk = sheet_rows(tmp_path / "v.xlsx", "Risk")
    assert risk[0] == RISK.headers and risk[-1][0] == "total"
    units = {(r[0], r[1]) for r in sheet_rows(tmp_path / "v.xlsx", "Units")[1:]}
    assert {("Value", c) for c in VALUE.names} <= units
    figures = json.loads((tmp_path / "v.json").read_text())
    assert figures["evpi"] >= -1e-6 * abs(figures["objective"])
    assert {p.name: p.read_bytes() for p in case.iterdir()} == before  # the input is unchanged


def test_value_command_refuses_the_input_as_output(tmp_path: Path) -> None:
    case = write_random_case(tmp_path / "case", SEED)
    done = planner("value", case, "-o", case / "Settings.csv", cwd=tmp_path)
    assert done.returncode == 1
    assert "input" in done.stderr


def test_value_sheets_added_to_a_results_workbook(tmp_path: Path) -> None:
    """What `planner solve --value` will do: the results gain Value and Risk before Units."""
    case, _ = read_case(write_random_case(tmp_path / "case", SEED))
    results = tmp_path / "results.xlsx"
    write_results(results, case, solve_case(case, SolveOptions(threads=1)))
    report = analyse(case, SolveOptions(threads=1), workers=1)
    add_value_sheets(results, report)
    add_value_sheets(results, report)  # twice: replaced, not repeated
    names = openpyxl.load_workbook(results, read_only=True).sheetnames
    assert names[-3:] == ["Value", "Risk", "Units"]
    units = sheet_rows(results, "Units")
    assert sum(r[0] == "Value" for r in units) == len(VALUE.names)
    assert any(r[0] == "Summary" for r in units)
