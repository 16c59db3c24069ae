"""`planner template`, `planner validate` and `planner convert`: writing, checking and converting
an input, never changing the one given."""

from __future__ import annotations

from pathlib import Path

import click

from planner.case import counted
from planner.commands.common import refuse_inside_input
from planner.errors import InputError, PlannerError
from planner.files import refuse_special_file


def template_command(path: Path, *, force: bool, empty: bool) -> None:
    """Write a new input (workbook or CSV folder) with the worked example unless `empty`."""
    from planner.template import write_template

    _check_target(path)
    write_template(path, overwrite=force, example=not empty)
    click.echo(f"Wrote {path}. Edit it, then check it with: planner validate {path}")


def validate_command(input_path: Path) -> None:
    """Read and check a case; print its warnings and a one-line description."""
    from planner.errors import format_issues
    from planner.validate import read_case

    case, warnings = read_case(input_path)
    if warnings:
        click.echo(format_issues(warnings), err=True)
    click.echo(f"{input_path} is usable: {case.describe()}; {counted(len(warnings), 'warning')}.")


def convert_command(input_path: Path, output_path: Path, *, force: bool) -> None:
    """Write the input's sheets to the other form (workbook or CSV folder)."""
    from planner.io import read_raw, write_raw

    if output_path.resolve() == input_path.resolve():
        raise PlannerError("OUTPUT is INPUT; give another path so the input stays unchanged")
    if input_path.exists():
        refuse_inside_input(output_path, input_path, "OUTPUT")
    _check_target(output_path)
    raw = read_raw(input_path)
    if any(note.severity == "error" for note in raw.notes):
        raise InputError(raw.notes, str(input_path))  # formulas whose values would be lost
    write_raw(raw, output_path, overwrite=force)
    click.echo(f"Wrote {output_path} ({counted(len(raw.sheets), 'sheet')}).")


def _check_target(path: Path) -> None:
    """A special file (FIFO, device, socket) is never an output, not even with --force."""
    refuse_special_file(path)
