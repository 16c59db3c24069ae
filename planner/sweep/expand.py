"""From definitions to the list of runs of a sweep, for each mode.

A run is a tuple with one value per definition (a multiplier for a relative definition), or None
where the definition stays at the workbook's value. Runs are numbered from 1 in a fixed order, so
the same definitions, mode, sample count and seed always give the same numbered runs: that is what
lets `--resume` finish an interrupted sweep.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from planner.errors import PlannerError
from planner.sweep.definition import LIMIT_REASON, MAX_RUNS, Definition

Mode = Literal["grid", "oat", "sample"]
MODES: tuple[Mode, ...] = ("grid", "oat", "sample")


@dataclass(frozen=True)
class Run:
    """One solve of the sweep."""

    number: int  # 1-based, stable for given definitions, mode, samples and seed
    values: tuple[float | None, ...]  # per definition; None = the workbook's value


class ExpansionError(PlannerError):
    """The mode's options do not fit (no sample count, too many runs, ...)."""


def expand(
    definitions: Sequence[Definition],
    mode: Mode = "grid",
    *,
    samples: int | None = None,
    seed: int = 0,
    whole: Sequence[bool] | None = None,
) -> list[Run]:
    """The runs of a sweep.

    grid: every combination of the definitions' values (the first definition varies slowest).
    oat: one-at-a-time, for tornado charts: a first run with everything at its workbook value,
    then each definition's values with the others at theirs (a multiplier of 1 is that first run).
    sample: `samples` runs, each value drawn uniformly between its definition's lowest and highest
    value with a generator seeded by `seed`; `whole[i]` rounds definition i to whole numbers (for
    columns such as lead_time that only take whole values).
    """
    if not definitions:
        raise ExpansionError("nothing to vary: give at least one definition")
    _check_size(count_runs(definitions, mode, samples))
    if mode in ("grid", "oat") and samples is not None:
        raise ExpansionError("--samples applies to --mode sample only")
    if mode == "grid":
        return _grid_runs(definitions)
    if mode == "oat":
        return _one_at_a_time_runs(definitions)
    if mode == "sample":
        if samples is None or samples < 1:
            raise ExpansionError("--mode sample needs --samples N (at least 1)")
        return _sampled_runs(definitions, samples, seed, whole)
    raise ExpansionError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")


def _grid_runs(definitions: Sequence[Definition]) -> list[Run]:
    """Every combination of the definitions' values, the first definition varying slowest."""
    combos = itertools.product(*(d.values for d in definitions))
    return [Run(i, tuple(c)) for i, c in enumerate(combos, start=1)]


def _one_at_a_time_runs(definitions: Sequence[Definition]) -> list[Run]:
    """The workbook's own run first, then each definition's values with the others left as they
    are (a multiplier of 1 would repeat the first run, so it is left out)."""
    runs = [Run(1, (None,) * len(definitions))]
    for position, definition in enumerate(definitions):
        for value in definition.values:
            if definition.relative and value == 1.0:
                continue
            values: list[float | None] = [None] * len(definitions)
            values[position] = value
            runs.append(Run(len(runs) + 1, tuple(values)))
    return runs


def _sampled_runs(
    definitions: Sequence[Definition], samples: int, seed: int, whole: Sequence[bool] | None
) -> list[Run]:
    """`samples` runs drawn uniformly between each definition's lowest and highest value, from a
    generator seeded by `seed` (the same seed gives the same runs); `whole[i]` rounds definition
    i to a whole number."""
    rounding = list(whole) if whole is not None else [False] * len(definitions)
    generator = random.Random(seed)
    runs = []
    for number in range(1, samples + 1):
        drawn: list[float | None] = []
        for definition, round_it in zip(definitions, rounding, strict=True):
            value = generator.uniform(definition.low, definition.high)
            drawn.append(float(round(value)) if round_it else value)
        runs.append(Run(number, tuple(drawn)))
    return runs


def count_runs(definitions: Sequence[Definition], mode: Mode, samples: int | None) -> int:
    """How many runs `expand` would list, from the counts alone (nothing is built)."""
    if mode == "grid":
        return math.prod(len(definition.values) for definition in definitions)
    if mode == "oat":
        return 1 + sum(
            sum(1 for value in d.values if not (d.relative and value == 1.0)) for d in definitions
        )
    return samples or 0


def _check_size(size: int) -> None:
    if size > MAX_RUNS:
        raise ExpansionError(
            f"the sweep would have {size:,} runs: too many, since {LIMIT_REASON}; "
            "use fewer values, or --mode sample with fewer --samples"
        )
