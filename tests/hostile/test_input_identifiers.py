"""Identifiers holding control characters, which no one can see or type again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.input_commands import refused, write_case
from tests.input.input_workbooks import example


@pytest.mark.parametrize(
    ("character", "code"), [("\x1b", "U+001B"), ("\x00", "U+0000"), ("\x07", "U+0007")]
)
def test_control_character_in_an_identifier_is_named_with_its_place(
    tmp_path: Path, character: str, code: str
) -> None:
    raw = example()
    raw.set("Sites", 3, "site", f"Texas{character} plant")
    refused(write_case(raw, tmp_path / "case"), f"Sites!3, site: holds a control character ({code}")


def test_control_character_in_a_reference_is_named_too(tmp_path: Path) -> None:
    raw = example()
    raw.set("Demand", 4, "country", "Japan\x1b[0m")
    refused(write_case(raw, tmp_path / "case"), "Demand!4, country: holds a control character")
