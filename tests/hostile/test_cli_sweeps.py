"""Hostile sweeps: sizes beyond the limit refused from the counts alone, in every mode, and a
sweep whose main process is killed takes its workers with it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.sweep.definition import MAX_RUNS
from tests.hostile.cli_runner import planner
from tests.sweep.sweep_cases import TINY


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--vary", "Settings.budget=0:1e9:100000000"],
            "--vary 1: range '0:1e9:100000000' has 100,000,000 values: too many, since a sweep "
            "has at most 1,000,000 runs",
        ),
        (
            ["--vary", "Settings.budget=0:1e9:1000", "--vary", "Minerals.price=x0.5:x2:1001"],
            "the sweep would have 1,001,000 runs: too many, since a sweep has at most 1,000,000",
        ),
        (
            [
                "--mode",
                "oat",
                "--vary",
                "Settings.budget=0:1e9:600000",
                "--vary",
                "Minerals.price=x0.5:x2:600000",
            ],
            "the sweep would have 1,200,001 runs: too many",
        ),
        (
            ["--mode", "sample", "--samples", "1000000000000", "--vary", "Settings.budget=0,1"],
            "the sweep would have 1,000,000,000,000 runs: too many",
        ),
    ],
    ids=["range", "grid", "oat", "sample"],
)
def test_too_many_runs_are_refused_at_once_in_every_mode(
    args: list[str], message: str, tmp_path: Path
) -> None:
    """Checked from counts before any value is built: the 100-million range used to take 98 s
    and 10 GB; here each refusal takes a fraction of a second."""
    started = time.perf_counter()
    done = planner("sweep", TINY, *args, cwd=tmp_path)
    assert time.perf_counter() - started < 5
    assert done.returncode == 1, done.stderr
    assert message in done.stderr
    assert "1,048,576 rows" in done.stderr  # why the limit is what it is
    assert list(tmp_path.iterdir()) == []


def test_the_limit_itself_is_allowed() -> None:
    from planner.sweep.definition import parse_definition
    from planner.sweep.expand import count_runs

    definition = parse_definition(f"Settings.budget=0:1e9:{MAX_RUNS}", "--vary 1")
    assert len(definition.values) == MAX_RUNS
    assert count_runs([definition], "oat", None) == MAX_RUNS + 1
    assert count_runs([definition], "grid", None) == MAX_RUNS


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _descendants(pid: int) -> set[int]:
    found, frontier = set(), {pid}
    while frontier:
        children = set().union(*(_children(p) for p in frontier)) - found
        found |= children
        frontier = children
    return found


def _running(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_a_sweep_takes_its_workers_with_it(tmp_path: Path) -> None:
    """SIGKILL to the main process only: its worker processes and fork server end within a few
    seconds, and the caller's pipes reach their end (nobody holds them open)."""
    case = tmp_path / "case"
    shutil.copytree(TINY, case)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "planner",
            "sweep",
            str(case),
            "--workers",
            "2",
            "--vary",
            "Settings.budget=0:2000:400",
            "-o",
            "out",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    runs = tmp_path / "out" / "runs"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and len(list(runs.glob("run-*.json"))) < 1:
        time.sleep(0.05)
    helpers = _descendants(process.pid)
    assert len(helpers) >= 2, "the sweep started no worker processes"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 30  # within a second when idle; a loaded machine needs more
    while time.monotonic() < deadline and any(_running(pid) for pid in helpers):
        time.sleep(0.1)
    assert [pid for pid in helpers if _running(pid)] == []
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read()  # returns: every writer of the pipe is gone
    process.stderr.read()
    assert len(list(runs.glob("run-*.json"))) < 400
