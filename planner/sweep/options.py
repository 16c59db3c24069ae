"""How a sweep runs, as one frozen object, and the policy that turns flags and a YAML file into it.

`SweepOptions` travels from the command line (or a script) to `run_sweep`: the mode and its sample
count and seed, where runs go (local workers or a Dask cluster), resume and a cap on new runs, and
the `SolveOptions` of every run. The command line only parses; `sweep_plan` decides:

- definitions come from `--vary` or from a YAML file (not both), else from the input's Sweeps
  sheet (None here);
- a flag given on the command line wins over the same key of the YAML file (mode, samples, seed);
- the mode defaults to grid and the seed to 0; --samples belongs to --mode sample and is required
  there; --workers and --dask exclude each other;
- by default each worker keeps its model in HiGHS from run to run (`planner.reuse`);
  --no-reuse rebuilds it for every run;
- each run is solved with one HiGHS thread (the parallelism is across runs), without the
  marginal cost of coverage (not recorded), and with the diagnosis of infeasible runs (its budget
  shortfall is recorded).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from planner.errors import PlannerError
from planner.options import SolveOptions
from planner.sweep.definition import (
    Definition,
    collect,
    definitions_from_yaml,
    parse_definition,
)
from planner.sweep.expand import MODES, Mode


class SweepOptionError(PlannerError):
    """Options that do not fit together: a usage error (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class SweepOptions:
    """How to run a sweep (the definitions themselves travel separately)."""

    mode: Mode = "grid"
    samples: int | None = None  # runs of mode sample
    seed: int = 0  # random seed of mode sample
    workers: int | None = None  # local worker processes; None: all cores
    dask_address: str | None = None  # a Dask scheduler instead of local processes
    resume: bool = False  # finish an interrupted sweep in its folder
    max_runs: int | None = None  # stop after this many new runs
    reuse: bool = True  # keep each worker's model in HiGHS, changed in place run to run
    solve: SolveOptions = field(default_factory=SolveOptions)  # as given; see `per_run`

    def per_run(self) -> SolveOptions:
        """The options of each run: one thread, no log or progress line, no coverage duals."""
        return replace(
            self.solve, threads=1, log=False, progress=None, coverage_duals=False, diagnose=True
        )


def sweep_plan(
    *,
    varies: tuple[str, ...] = (),
    definitions_file: Path | None = None,
    mode: str | None = None,
    samples: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    resume: bool = False,
    max_runs: int | None = None,
    reuse: bool = True,
    solve: SolveOptions | None = None,
) -> tuple[list[Definition] | None, SweepOptions]:
    """The definitions (None: the input's Sweeps sheet) and options of a sweep.

    Raises DefinitionError for definitions that cannot be read and SweepOptionError for options
    that conflict.
    """
    if varies and definitions_file is not None:
        raise SweepOptionError("give --vary or --definitions, not both")
    if workers is not None and dask_address is not None:
        raise SweepOptionError("--workers sets local processes; with --dask the cluster runs it")
    from_file: dict[str, Any] = {}
    definitions = None
    if definitions_file is not None:
        definitions, from_file = definitions_from_yaml(definitions_file)
    elif varies:
        definitions = collect(
            [
                functools.partial(parse_definition, text, f"--vary {i}")
                for i, text in enumerate(varies, start=1)
            ]
        )
    chosen_mode = _mode(
        mode if mode is not None else from_file.get("mode", "grid"), definitions_file
    )
    chosen_samples = samples if samples is not None else from_file.get("samples")
    chosen_seed = seed if seed is not None else from_file.get("seed", 0)
    _check_sampling(chosen_mode, chosen_samples, chosen_seed, definitions_file)
    options = SweepOptions(
        mode=chosen_mode,
        samples=chosen_samples,
        seed=int(chosen_seed),
        workers=workers,
        dask_address=dask_address,
        resume=resume,
        max_runs=max_runs,
        reuse=reuse,
        solve=solve or SolveOptions(),
    )
    return definitions, options


def default_folder(input_path: Path) -> Path:
    """`<input name>-sweep`, in the current folder."""
    workbook = input_path.suffix.lower() in (".xlsx", ".xlsm")
    return Path(f"{input_path.stem if workbook else input_path.name}-sweep")


def _mode(value: object, definitions_file: Path | None) -> Mode:
    for mode in MODES:
        if value == mode:
            return mode
    where = f" in {definitions_file}" if definitions_file is not None else ""
    raise SweepOptionError(f"mode {value!r}{where}: use grid, oat or sample")


def _check_sampling(
    mode: Mode, samples: object, seed: object, definitions_file: Path | None
) -> None:
    where = f" ({definitions_file})" if definitions_file is not None else ""
    if samples is not None and (
        isinstance(samples, bool) or not isinstance(samples, int) or samples < 1
    ):
        raise SweepOptionError(f"samples{where} must be a whole number of at least 1")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise SweepOptionError(f"seed{where} must be a whole number")
    if mode == "sample" and samples is None:
        raise SweepOptionError("--mode sample needs --samples N")
    if mode != "sample" and samples is not None:
        raise SweepOptionError("--samples applies to --mode sample only")
