"""Running `planner` in this process with click's CliRunner, as a user would type it.

`planner(...)` returns the exit code, stdout and stderr like `subprocess.run` does, so a test reads
the same whether the process itself is under test (then it starts one: `planner_process`) or only
the command. Starting a Python process costs about two seconds of imports per test; most tests do
not need it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from planner.cli import main


@dataclass(frozen=True)
class Done:
    """What a command left: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def planner(*args: object, cwd: Path | None = None) -> Done:
    """Run `planner ARGS` in this process (in `cwd`); never a traceback."""
    with contextlib.chdir(cwd or Path.cwd()):
        result = CliRunner().invoke(main, [str(arg) for arg in args], prog_name="planner")
    done = Done(result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return done


def planner_process(
    *args: object, cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run `python -m planner ARGS` as a new process (for exit codes as a shell sees them)."""
    done = subprocess.run(
        [sys.executable, "-m", "planner", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done
