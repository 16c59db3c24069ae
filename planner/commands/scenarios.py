"""`planner scenarios`: a copy of a case with N scenarios sampled from its Hazards sheet."""

from __future__ import annotations

from pathlib import Path

import click

from planner.case import counted
from planner.errors import format_issues


def scenarios_command(
    input_path: Path, output: Path, samples: int, seed: int, *, keep: float, force: bool
) -> None:
    """Sample, write the copy, and say how many scenarios and tree nodes it holds."""
    from planner.scenarios.command import write_sampled_case

    written = write_sampled_case(input_path, output, samples, seed, keep, force)
    if written.warnings:
        click.echo(format_issues(written.warnings), err=True)
    kept = f" beside {len(written.scenarios) - written.sampled} kept" if keep else ""
    click.echo(
        f"Wrote {output}: {counted(samples, 'sample')} as "
        f"{counted(written.sampled, 'scenario')}{kept}."
    )
    click.echo(written.tree.describe())
