"""Every `planner` example in the README's typical session and in `planner sweep --help` runs as
written: on the case `planner template` writes (mycase.xlsx), in a fresh folder, with sweeps cut
to their first run. Examples without an INPUT (the bundled case) are parsed and matched against
the bundled case's cells, which finds a name that does not exist as surely as running them."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from planner.cli import main
from planner.commands.common import bundled_input
from planner.io import read_raw
from planner.sweep.expand import count_runs
from planner.sweep.options import sweep_plan
from planner.sweep.target import resolve
from tests.hostile.cli_runner import planner

README = Path(__file__).parents[2] / "README.md"


def commands(text: str) -> list[list[str]]:
    """The `planner ...` command lines of `text`, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line.startswith("planner "):
            found.append(shlex.split(line, comments=True)[1:])
    return found


def readme_session() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    block = text.split("A typical session", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return commands(block)


def help_examples() -> list[list[str]]:
    done = planner("sweep", "--help")
    return commands(done.stdout.split("Examples", 1)[1].split("\n\n", 1)[0])


def test_the_examples_are_found() -> None:
    assert [args[0] for args in readme_session()] == [
        "template",
        "validate",
        "solve",
        "check",
        "sweep",
    ]
    assert len(help_examples()) == 4


def _cut(args: list[str]) -> list[str]:
    """A sweep's first run only, in this process, quickly."""
    if args[0] != "sweep":
        return args
    return [*args, "--max-runs", "1", "--workers", "1", "--time-limit", "20"]


def test_the_readme_session_runs_as_written(tmp_path: Path) -> None:
    for args in readme_session():
        done = planner(*_cut(args), cwd=tmp_path)
        assert done.returncode == 0, (args, done.stdout, done.stderr)


@pytest.mark.parametrize("number", range(4))
def test_each_sweep_help_example_runs_as_written(number: int, tmp_path: Path) -> None:
    args = help_examples()[number]
    if "mycase.xlsx" not in args:  # the bundled case: parse, match its cells, count its runs
        context = main.commands["sweep"].make_context("sweep", list(args))
        flags = {
            key: context.params[key]
            for key in ("varies", "definitions_file", "mode", "samples", "seed", "max_runs")
        }
        definitions, options = sweep_plan(**flags)
        assert definitions is not None
        resolve(read_raw(bundled_input()), definitions)
        assert count_runs(definitions, options.mode, options.samples) >= 2
        return
    assert planner("template", "mycase.xlsx", cwd=tmp_path).returncode == 0
    done = planner(*_cut(args), cwd=tmp_path)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert "1 solved now" in done.stdout
