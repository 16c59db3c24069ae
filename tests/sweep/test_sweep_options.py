"""The sweep's option policy (planner.sweep.options): flags over the YAML file, defaults,
conflicts as usage errors, and each run's SolveOptions derived from the sweep's."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.options import SolveOptions
from planner.sweep.options import SweepOptionError, SweepOptions, sweep_plan


def test_defaults_are_a_grid_on_every_core_with_seed_0() -> None:
    definitions, options = sweep_plan(varies=("Settings.budget=0,1",))
    assert definitions is not None and [d.text for d in definitions] == ["Settings.budget=0.0,1.0"]
    assert options == SweepOptions(mode="grid", samples=None, seed=0, workers=None)


def test_a_flag_wins_over_the_same_key_of_the_yaml_file(tmp_path: Path) -> None:
    study = tmp_path / "study.yaml"
    study.write_text("vary: [Settings.budget=0:10:3]\nmode: sample\nsamples: 5\nseed: 4\n")
    _, from_file = sweep_plan(definitions_file=study)
    assert (from_file.mode, from_file.samples, from_file.seed) == ("sample", 5, 4)
    _, flagged = sweep_plan(definitions_file=study, samples=9, seed=1)
    assert (flagged.mode, flagged.samples, flagged.seed) == ("sample", 9, 1)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"varies": ("Settings.budget=0,1",), "definitions_file": Path("x.yaml")}, "not both"),
        ({"workers": 2, "dask_address": "tcp://x:1"}, "--workers sets local processes"),
        ({"mode": "sample"}, "--mode sample needs --samples N"),
        ({"samples": 3}, "--samples applies to --mode sample only"),
        ({"mode": "spiral"}, "use grid, oat or sample"),
    ],
)
def test_options_that_do_not_fit_are_usage_errors(flags: dict, message: str) -> None:
    with pytest.raises(SweepOptionError, match=message) as raised:
        sweep_plan(**flags)
    assert raised.value.exit_code == 2


def test_a_yaml_file_with_a_bad_mode_or_count_is_named(tmp_path: Path) -> None:
    study = tmp_path / "study.yaml"
    study.write_text("vary:\n  - Settings.budget=0,1\nmode: sample\nsamples: many\n")
    with pytest.raises(SweepOptionError, match=r"samples \(.*study.yaml\) must be a whole number"):
        sweep_plan(definitions_file=study)


def test_each_run_solves_with_one_thread_and_the_sweeps_limits() -> None:
    given = SolveOptions(time_limit=30, mip_gap=0.01, threads=8, log=True, progress=print)
    per_run = SweepOptions(solve=given).per_run()
    assert per_run == SolveOptions(
        time_limit=30, mip_gap=0.01, threads=1, log=False, progress=None, coverage_duals=False
    )
