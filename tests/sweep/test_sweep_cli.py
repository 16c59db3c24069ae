"""`planner sweep` as a user runs it: its exit code, its messages and its files (in this process
with click's runner; a killed sweep as a real process).

The expected costs are those derived by hand in sweep_cases.py for the tiny case.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from planner.io import RawSheet, read_raw, write_raw
from planner.results.layout import column_key
from planner.sweep.definition import parse_definition
from planner.sweep.runner import run_sweep
from tests.hostile.cli_runner import planner
from tests.sweep.sweep_cases import TINY, assert_same_figures, options

PLANNER = [sys.executable, "-m", "planner"]


def test_sweep_from_a_yaml_file_writes_runs_workbook_and_charts(tmp_path: Path) -> None:
    study = tmp_path / "study.yaml"
    study.write_text("vary:\n  - Settings.budget=0:1000:3\n", encoding="utf-8")
    done = planner("sweep", TINY, "--definitions", study, "--workers", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Sweep of 3 runs (grid)" in done.stdout and "3 optimal" in done.stdout
    folder = tmp_path / "tiny-sweep"  # the default output folder, beside where it ran
    runs = pd.read_excel(folder / "sweep.xlsx", sheet_name="Runs")
    assert list(runs["expected_cost (USD)"]) == pytest.approx([5500, 3250, 1000])
    assert (folder / "line-1.png").read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in (folder / "runs").iterdir()) == [
        "run-00001.json",
        "run-00002.json",
        "run-00003.json",
    ]


def test_mistakes_get_messages_and_exit_codes_not_tracebacks(tmp_path: Path) -> None:
    vary = ["--vary", "Settings.budget=0,1", "--vary", "Minerals.price[Gb]=x2"]
    bad = planner("sweep", TINY, *vary, "--vary", "Sites.lead_time=x2", cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stderr.splitlines() == [
        "error: --vary 2: no Minerals row has mineral=Gb (mineral values in the sheet: Ga)",
        "error: --vary 3: Sites.lead_time takes whole numbers: give values, not multipliers",
        "2 problems in the sweep definitions: nothing was run.",
    ]
    usage = planner("sweep", TINY, *vary, "--mode", "sample", cwd=tmp_path)
    assert usage.returncode == 2 and "--mode sample needs --samples N" in usage.stderr
    nothing = planner("sweep", TINY, cwd=tmp_path)
    assert nothing.returncode == 1 and "nothing to vary" in nothing.stderr
    for result in (bad, usage, nothing):
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "tiny-sweep").exists()


def test_errors_in_a_sweeps_sheet_name_its_row_and_column(tmp_path: Path) -> None:
    raw = read_raw(TINY)
    raw.sheets["Sweeps"] = RawSheet("Sweeps", ["parameter", "values"])
    raw.sheet("Sweeps").append({"parameter": "Settings.budget", "values": "0,500"})
    raw.sheet("Sweeps").append({"parameter": "Minerals.prise", "values": "x2"})
    write_raw(raw, tmp_path / "case.xlsx")
    bad = planner("sweep", tmp_path / "case.xlsx", cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: Sweeps!3, parameter: Minerals has no column 'prise'")


@pytest.mark.slow
def test_a_killed_sweep_resumes_to_the_same_results(tmp_path: Path) -> None:
    """Kill the whole process group mid-sweep, then --resume: the results equal a sweep that was
    never interrupted, and the input is untouched."""
    case = tmp_path / "case"
    shutil.copytree(TINY, case)
    before = {p.name: p.read_bytes() for p in case.iterdir()}
    vary = ["--vary", "Settings.budget=0:2000:15", "--workers", "1"]
    process = subprocess.Popen(
        [*PLANNER, "sweep", str(case), *vary, "-o", "killed"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    runs = tmp_path / "killed" / "runs"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(runs.glob("run-*.json"))) < 2:
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    recorded = len(list(runs.glob("run-*.json")))
    assert 2 <= recorded < 15

    resumed = planner("sweep", case, *vary, "-o", "killed", "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{15 - recorded} solved now, 15 recorded" in resumed.stdout
    definitions = [parse_definition("Settings.budget=0:2000:15", "--vary 1")]
    run_sweep(case, tmp_path / "whole", definitions=definitions, options=options())

    assert_same_figures(tmp_path / "killed", tmp_path / "whole")
    assert not list(runs.glob(".*"))  # no temporary file left behind
    assert {p.name: p.read_bytes() for p in case.iterdir()} == before


def test_no_reuse_rebuilds_every_run_and_the_runs_sheet_says_how(tmp_path: Path) -> None:
    vary = ["--vary", "Settings.budget=0:1000:3", "--workers", "1"]
    for flags, folder in (([], "reused"), (["--no-reuse"], "rebuilt")):
        done = planner("sweep", TINY, *vary, *flags, "-o", folder, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    reused, rebuilt = (
        pd.read_excel(tmp_path / folder / "sweep.xlsx", sheet_name="Runs").rename(
            columns=column_key
        )
        for folder in ("reused", "rebuilt")
    )
    first, *later = reused["model"]
    assert first == "built: first run of this worker"
    assert all(how.startswith("reused: ") for how in later)
    assert set(rebuilt["model"]) == {"built: model reuse is off"}
    assert rebuilt["warm_start"].isna().all()
    assert list(reused["expected_cost"]) == pytest.approx(list(rebuilt["expected_cost"]))
