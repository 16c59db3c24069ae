"""Helpers of the input-layer hostile recipes: run `planner validate` as a user does and check
what every recipe must hold (exit code, no traceback, the place named, the input unchanged)."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from planner.cli import main
from planner.io import RawWorkbook, write_raw


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    output: str  # stdout and stderr together, as a terminal shows them


def digest(path: Path) -> str:
    """The input's bytes (every file of a folder, links included by name)."""
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    content = b"".join(
        f.name.encode() + (f.read_bytes() if f.is_file() else b"<link>") for f in files
    )
    return hashlib.sha256(content).hexdigest()


def validate(path: Path) -> Outcome:
    """`planner validate PATH` in-process; the input must be left byte for byte as it was."""
    before = digest(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert digest(path) == before, "validate changed its input"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"validate raised {result.exception!r}:\n{result.output}")
    assert "Traceback" not in result.output
    return Outcome(result.exit_code, result.output)


def refused(path: Path, *expected: str) -> str:
    """Validate `path`, expect exit 1 and every `expected` text in the output."""
    outcome = validate(path)
    assert outcome.exit_code == 1, outcome.output
    for text in expected:
        assert text in outcome.output, outcome.output
    return outcome.output


def write_case(raw: RawWorkbook, path: Path) -> Path:
    write_raw(raw, path)
    return path


def patch_member(path: Path, member: str, old: bytes, new: bytes) -> None:
    """Replace bytes inside one part of an .xlsx (a zip), as a hand edit or another program
    would leave it."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename == member:
                assert old in data, f"{old!r} not in {member}"
                data = data.replace(old, new)
            target.writestr(info, data)


def sheet_member(path: Path, sheet: str) -> str:
    """The zip member holding `sheet`'s cells."""
    from planner.io.xlsx import _worksheet_members

    with zipfile.ZipFile(path) as archive:
        return _worksheet_members(path, archive)[sheet]
