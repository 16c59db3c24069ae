"""`planner solve` and `planner check` run as a user runs them, one test per exit code (in this
process with click's runner; the infeasible case also as a real process)."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import openpyxl
import pytest

from planner.commands.common import StatusLine, bundled_input
from planner.io import read_raw, write_raw
from planner.results.layout import column_key, column_positions
from tests.hostile.cli_runner import planner, planner_process
from tests.results.results_cases import EXAMPLE, TINY, write_case


def folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def summary_of(path: Path) -> dict[str, object]:
    book = openpyxl.load_workbook(path, read_only=True)
    figures = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    book.close()
    return figures


def test_solve_exits_0_writes_results_beside_the_user_and_the_plan_checks(tmp_path):
    """Exit 0 on the example: the default results path in the current folder, the printed
    summary, the JSON summary, an unchanged input, and `planner check` exits 0 on the plan."""
    before = folder_digest(EXAMPLE)
    done = planner("solve", EXAMPLE, "--json", "summary.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    results = tmp_path / "example-results.xlsx"
    assert results.is_file()
    out = done.stdout
    for expected in (
        "Solved   optimal",
        "objective",
        "Expected discounted cost by component",
        "total (expected cost)",
        "First-stage spending",
        "Builds",
        "Accepted CfD offers",
        "Stockpile purchases",
        f"Results  {results}",
    ):
        assert expected in out, expected
    for stage in ("read", "build", "hand-off", "solve"):
        assert f"{stage} " in out
    figures = json.loads((tmp_path / "summary.json").read_text())
    assert figures["status"] == summary_of(results)["status"] == "optimal"
    assert figures["objective"] == pytest.approx(summary_of(results)["objective"], rel=1e-12)
    assert folder_digest(EXAMPLE) == before
    checked = planner("check", EXAMPLE, results, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert "every constraint holds" in checked.stdout


def test_solve_without_input_takes_the_bundled_case(tmp_path):
    """The bundled case is announced first; an unwritable results path stops the run before
    anything is read or solved (the full bundled solve is tested in tests/test_bundled_case.py)."""
    done = planner("solve", "-o", tmp_path / "missing" / "r.xlsx", cwd=tmp_path)
    assert done.returncode == 1
    assert f"solving the bundled case {bundled_input().name}" in done.stdout
    assert "does not exist" in done.stderr


def test_invalid_input_exits_1_naming_sheet_row_and_column(tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    for source in EXAMPLE.iterdir():
        (case / source.name).write_bytes(source.read_bytes())
    minerals = (case / "Minerals.csv").read_text().replace(",65000,", ",-65000,")
    (case / "Minerals.csv").write_text(minerals)
    before = folder_digest(case)
    done = planner("solve", case, cwd=tmp_path)
    assert done.returncode == 1
    assert "Minerals!2" in done.stderr and "price" in done.stderr
    assert not list(tmp_path.glob("*.xlsx"))
    assert folder_digest(case) == before


def test_results_path_equal_to_input_exits_1_and_keeps_the_input(tmp_path):
    workbook = tmp_path / "case.xlsx"
    write_raw(read_raw(EXAMPLE), workbook)
    before = workbook.read_bytes()
    done = planner("solve", workbook, "-o", "./case.xlsx", cwd=tmp_path)
    assert done.returncode == 1
    assert "is the input itself" in done.stderr
    assert workbook.read_bytes() == before


@pytest.mark.parametrize(
    "args", [["--time-limit", "-1"], ["--threads", "0"], ["--no-such-option"], ["a", "b"]]
)
def test_usage_errors_exit_2(args, tmp_path):
    done = planner("solve", *args, cwd=tmp_path)
    assert done.returncode == 2
    assert "Usage: planner solve" in done.stderr


@pytest.mark.slow
def test_infeasible_case_exits_3_with_its_diagnosis_written(tmp_path):
    """Demand 10 t/yr must be met in full, but only 6 t/yr can be bought: 4 t short a year.
    Run as a real process: the exit code a shell sees."""
    case = write_case(
        tmp_path / "short",
        TINY,
        Minerals="mineral,price,shortage_penalty,coverage\nM,1000,5000,1",
        Sites="site,country,mineral",
        Stockpiles="country,mineral,capacity",
    )
    done = planner_process("solve", case, "-o", "r.xlsx", "--json", "s.json", cwd=tmp_path)
    assert done.returncode == 3
    assert "INFEASIBLE" in done.stdout
    assert "coverage of M in A, 2026, scenario base: 4.0 t short" in done.stdout
    results = tmp_path / "r.xlsx"
    assert summary_of(results)["status"] == "infeasible"
    assert json.loads((tmp_path / "s.json").read_text())["status"] == "infeasible"
    book = openpyxl.load_workbook(results, read_only=True)
    diagnosis = list(book["Diagnosis"].iter_rows(values_only=True))
    assert list(book["Balance"].iter_rows(min_row=2)) == []  # no plan: headers only
    book.close()
    header = [column_key(cell) for cell in diagnosis[0]]
    rows = [dict(zip(header, row, strict=True)) for row in diagnosis[1:]]
    assert [(r["constraint"], r["country"], r["year"], r["unit"]) for r in rows] == [
        ("coverage", "A", 2026, "t"),
        ("coverage", "A", 2027, "t"),
    ]
    assert [r["shortfall"] for r in rows] == pytest.approx([4, 4])
    done = planner("check", case, results, cwd=tmp_path)
    assert done.returncode == 1 and "holds no plan to check" in done.stderr


def test_no_plan_within_the_time_limit_exits_4(tmp_path):
    """A microsecond is less than HiGHS needs to presolve the example's 32-binary MIP, so the run
    always stops before any plan exists."""
    done = planner("solve", EXAMPLE, "-o", "r.xlsx", "--time-limit", "1e-6", cwd=tmp_path)
    assert done.returncode == 4, done.stdout
    assert "NO PLAN" in done.stdout
    assert summary_of(tmp_path / "r.xlsx")["status"] == "time_limit_no_solution"


def test_solver_failure_exits_5(tmp_path, monkeypatch):
    """A price of 1e25 USD/t is beyond HiGHS's infinity (1e20): the hand-off refuses the model
    (`planner.representable`), and the run reports a solver error instead of a plan. Validation
    refuses such a price as a typing mistake (its plausible bound is 1e12 USD/t), so the bound is
    lifted here, in process, for the value to reach the solver."""
    import dataclasses

    from click.testing import CliRunner

    from planner.cli import main
    from planner.schema import SHEETS

    minerals = SHEETS["Minerals"]
    unbounded = tuple(dataclasses.replace(f, most=None) for f in minerals.columns)
    monkeypatch.setitem(SHEETS, "Minerals", dataclasses.replace(minerals, columns=unbounded))
    case = tmp_path / "case"
    case.mkdir()
    for source in EXAMPLE.iterdir():
        (case / source.name).write_bytes(source.read_bytes())
    text = (case / "Minerals.csv").read_text().replace(",400000,", ",1e25,")
    (case / "Minerals.csv").write_text(text)
    done = CliRunner().invoke(main, ["solve", str(case), "-o", str(tmp_path / "r.xlsx")])
    assert done.exit_code == 5, done.output
    assert "SOLVER ERROR" in done.output and "Traceback" not in done.output
    assert "USD in holding and terminal value (column inv[" in done.output
    assert summary_of(tmp_path / "r.xlsx")["status"] == "solver_error"


def test_check_exits_1_and_lists_violations(solved_example, tmp_path):
    _, _, path = solved_example
    book = openpyxl.load_workbook(path)
    sheet = book["SiteOutput"]
    output = column_positions(cell.value for cell in sheet[1])["output"] + 1
    sheet.cell(row=2, column=output).value = 1e6
    corrupted = tmp_path / "corrupted.xlsx"
    book.save(corrupted)
    done = planner("check", EXAMPLE, corrupted, cwd=tmp_path)
    assert done.returncode == 1
    assert "(5) output" in done.stdout and "does not check" in done.stdout


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_status_line_rewrites_one_line_and_clears_it():
    stream = _Terminal()
    with StatusLine(enabled=True, stream=stream, tick=60) as status:
        status.show("solving: 10 columns")
        status.show("plan found: cost 5")
    written = stream.getvalue()
    assert "\n" not in written
    assert "solving: 10 columns … 0 s" in written and "plan found: cost 5 … 0 s" in written
    assert written.endswith(" \r")  # the last write blanks the line for the summary
    quiet = io.StringIO()
    with StatusLine(enabled=False, stream=quiet) as status:
        status.show("solving")
    assert quiet.getvalue() == ""


def test_the_status_line_prints_lines_where_stderr_is_no_terminal():
    """--progress with stderr to a file or pipe: each message on its own line, nothing after
    the status line is closed."""
    stream = io.StringIO()
    with StatusLine(enabled=True, stream=stream, tick=0.01) as status:
        status.show("solving: 10 columns")
        status.show("solving, 3 s in HiGHS: best plan 5 USD, bound 4 USD, gap 20%")
        status.close()
        status.show("dropped")
    assert stream.getvalue() == (
        "solving: 10 columns\nsolving, 3 s in HiGHS: best plan 5 USD, bound 4 USD, gap 20%\n"
    )


def test_the_summary_has_one_number_style():
    """Money in one unit for the whole summary (chosen from the largest amount), with a fixed
    number of decimals; tonnes with thousands separators and one decimal."""
    from planner.results.console import Money, tonnes

    billions = Money([95.186e9, 2.0e8, None, float("nan")])
    assert [billions(v) for v in (95.186e9, 2.0e8, 0.0, -1e3, None)] == [
        "95.186 USD bn",
        "0.200 USD bn",
        "0.000 USD bn",
        "0.000 USD bn",
        "–",
    ]
    assert Money([5.5e6])(1234567.0) == "1.23 USD m"
    assert Money([5500.0])(5500.0) == "5,500 USD"
    assert [tonnes(v) for v in (104446.62, 4.0, 1e-9)] == ["104,446.6 t", "4.0 t", "0.0 t"]


def test_every_cost_line_of_a_solve_uses_the_same_unit(tmp_path):
    done = planner("solve", EXAMPLE, "-o", "r.xlsx", cwd=tmp_path)
    assert done.returncode == 0
    block = done.stdout.split("Expected discounted cost by component\n", 1)[1]
    costs = block.split("First-stage spending", 1)[0].splitlines()
    assert len(costs) == 11
    units = {line.rsplit(" ", 2)[-2:][1] for line in costs}
    assert len(units) == 1, costs
    assert len({len(line) for line in costs}) == 1  # right-aligned in one column
