"""`planner scenarios`: a copy of a case with N scenarios sampled from its Hazards sheet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.case import Case
from planner.errors import InputError, Issue, PlannerError
from planner.io import read_raw, write_raw
from planner.io.raw import RawWorkbook
from planner.scenarios.case_copy import (
    CERTAIN_SCENARIO,
    NamedScenario,
    certain_case,
    kept_scenarios,
    name_samples,
    sampled_copy,
)
from planner.scenarios.hazards import HazardGroup, hazard_groups, read_hazards
from planner.scenarios.sampling import SampledScenario, sample_scenarios
from planner.scenarios.tree import TreeSize, tree_size
from planner.validate import case_from_raw

__all__ = ["HazardCase", "SampledCase", "read_hazard_case", "write_sampled_case"]


@dataclass(frozen=True)
class HazardCase:
    """A case read for sampling: its raw form, the case, its hazards and its certain part."""

    raw: RawWorkbook
    case: Case
    groups: list[HazardGroup]
    certain: Case  # one scenario: the certain disruptions and price shocks only
    warnings: list[Issue]

    def sample(self, samples: int, seed: int, merge: bool = True) -> list[SampledScenario]:
        """`samples` scenarios drawn from the hazards with `seed`."""
        share = {(x, m, t): v for (_w, x, m, t), v in self.certain.share_lost.items()}
        multiplier = {(m, t): v for (_w, m, t), v in self.certain.price_multiplier.items()}
        return sample_scenarios(
            self.groups, self.case.years, samples, seed, share, multiplier, merge=merge
        )


def read_hazard_case(path: Path) -> HazardCase:
    """Read and validate `path` and its Hazards sheet; an input error when it has no hazards."""
    raw = read_raw(path)
    case, warnings = case_from_raw(raw)
    hazards = read_hazards(raw, case)
    if not hazards:
        raise PlannerError(
            f"{path} has no Hazards rows to sample from; add a Hazards sheet (planner template "
            "writes one with its columns documented in the README sheet)"
        )
    certain = certain_case(raw)
    assert tuple(certain.scenarios) == (CERTAIN_SCENARIO,)
    return HazardCase(raw, case, hazard_groups(hazards), certain, warnings)


@dataclass(frozen=True)
class SampledCase:
    """What `write_sampled_case` wrote."""

    path: Path
    samples: int
    scenarios: list[NamedScenario]
    sampled: int  # distinct sampled scenarios
    tree: TreeSize
    warnings: list[Issue]


def write_sampled_case(
    input_path: Path,
    output: Path,
    samples: int,
    seed: int,
    keep_share: float = 0.0,
    force: bool = False,
) -> SampledCase:
    """Sample `samples` scenarios and write the copy of the case to `output`."""
    if samples < 1:
        raise PlannerError("--samples must be at least 1")
    if not 0.0 <= keep_share < 1.0:
        raise PlannerError(
            "--keep-scenarios is the share kept by the case's own scenarios, in [0, 1)"
        )
    if output.resolve() == input_path.resolve():
        raise PlannerError("the output path is the input path; the input is never changed")
    source = read_hazard_case(input_path)
    drawn = source.sample(samples, seed)
    kept = kept_scenarios(source.case, keep_share) if keep_share > 0 else []
    named = name_samples(drawn, samples, 1.0 - keep_share, (s.name for s in kept))
    scenarios = kept + named
    copy = sampled_copy(source.raw, scenarios)
    try:
        case_from_raw(copy)
    except InputError as exc:  # a copy the validator refuses is this code's mistake
        raise PlannerError(
            f"internal error: the sampled copy does not validate:\n{exc.report()}", 5
        ) from None
    write_raw(copy, output, overwrite=force)
    return SampledCase(
        output,
        samples,
        scenarios,
        len(named),
        tree_size(scenarios, source.case.years),
        source.warnings,
    )
