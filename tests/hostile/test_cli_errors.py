"""Internal errors and Ctrl-C: one paragraph and exit code 5 for a bug, 130 and what was written
for an interruption; never a traceback (unless asked for with --debug) and never exit code 1,
which means input errors."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import planner.solve
from tests.hostile.cli_runner import planner as run_planner
from tests.results.results_cases import EXAMPLE


@pytest.fixture
def case(tmp_path: Path) -> Path:
    copy = tmp_path / "case"
    shutil.copytree(EXAMPLE, copy)
    return copy


def _raise(error: BaseException) -> Callable[..., None]:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise error

    return fail


def test_an_objective_mismatch_is_an_internal_error_with_exit_5(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mismatch = RuntimeError("objective check failed: Pyomo evaluates 1.0, HiGHS reports 2.0")
    monkeypatch.setattr(planner.solve, "solve_case", _raise(mismatch))
    done = run_planner("solve", case, "-o", "r.xlsx", cwd=tmp_path)
    assert done.returncode == 5
    (paragraph,) = done.stderr.strip().splitlines()
    assert paragraph.startswith(
        "internal error: RuntimeError: objective check failed: Pyomo evaluates 1.0, HiGHS reports "
        "2.0. This is a bug in planner"
    )
    assert "report it" in paragraph and "--debug" in paragraph and "PLANNER_DEBUG=1" in paragraph
    assert not (tmp_path / "r.xlsx").exists()


def test_debug_shows_the_traceback_and_still_exits_5(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from planner.cli import main

    monkeypatch.setattr(planner.solve, "solve_case", _raise(ZeroDivisionError("division")))
    monkeypatch.chdir(tmp_path)
    for args, env in ((["--debug"], {}), ([], {"PLANNER_DEBUG": "1"})):
        result = CliRunner().invoke(main, [*args, "solve", str(case)], env=env)
        assert result.exit_code == 5
        assert "Traceback" in result.stderr and "ZeroDivisionError: division" in result.stderr
        assert "internal error: ZeroDivisionError: division. This is a bug" in result.stderr


def test_ctrl_c_during_solve_exits_130_and_writes_nothing(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(planner.solve, "solve_case", _raise(KeyboardInterrupt()))
    done = run_planner("solve", case, "-o", "r.xlsx", "--json", "s.json", cwd=tmp_path)
    assert done.returncode == 130
    assert done.stderr == "interrupted; nothing was written\n"
    assert "Aborted" not in done.stdout + done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case"]


def test_ctrl_c_after_a_file_is_written_names_it(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C between the workbook and the JSON summary: the workbook is whole and named."""
    import planner.results.workbook as workbook

    monkeypatch.setattr(workbook, "write_summary_json", _raise(KeyboardInterrupt()))
    done = run_planner("solve", case, "-o", "r.xlsx", "--json", "s.json", cwd=tmp_path)
    assert done.returncode == 130
    assert done.stderr == "interrupted; written before the interruption: r.xlsx\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "r.xlsx"]


@pytest.mark.slow
def test_sigint_to_a_real_solve_exits_130_without_a_traceback(tmp_path: Path) -> None:
    """A real process and a real SIGINT, sent once the bundled case is read: during the build,
    the hand-off or the solve (HiGHS catches Ctrl-C in its callbacks and would report a failed
    solve: exit 5, results written). It ends with 130 and one line saying what was written; on
    a slow machine the signal may come after the results (then they are named) or at exit."""
    process = subprocess.Popen(
        [sys.executable, "-m", "planner", "solve", "-o", "r.xlsx", "--progress"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    lines = [process.stdout.readline(), process.stdout.readline()]  # bundled case, Read ...
    assert lines[1].startswith("Read "), lines
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert "Traceback" not in err and "Aborted" not in err
    assert process.returncode in (0, 130, -signal.SIGINT), out + err
    if process.returncode != 130:  # it had finished, or was stopping
        return
    last = err.rstrip().splitlines()[-1]
    if last == "interrupted; nothing was written":
        assert not (tmp_path / "r.xlsx").exists()
    else:
        assert last == "interrupted; written before the interruption: r.xlsx"
        assert "Results  r.xlsx" in out
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


@pytest.mark.slow
def test_a_reader_that_leaves_early_is_no_internal_error(tmp_path: Path) -> None:
    """`planner solve ... | head -1`: stdout's reader is gone before the summary is printed. The
    command stops quietly with 141, as a shell reports SIGPIPE, not with an internal error."""
    process = subprocess.Popen(
        [sys.executable, "-m", "planner", "solve", str(EXAMPLE), "-o", "r.xlsx"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=120) == 141
    assert err == ""
