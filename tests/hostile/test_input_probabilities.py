"""Scenario probabilities typed with rounding: the tolerance is symmetric and grows with n."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.input_commands import refused, validate, write_case
from tests.input.input_workbooks import example


def _with(tmp_path: Path, probabilities: tuple[float, float, float]) -> Path:
    raw = example()
    for row, probability in zip((2, 3, 4), probabilities, strict=True):
        raw.set("Scenarios", row, "probability", probability)
    return write_case(raw, tmp_path / "case")


@pytest.mark.parametrize(
    "probabilities",
    [(0.6, 0.3, 0.099999), (0.6, 0.3, 0.100001), (0.333333, 0.333333, 0.333333)],
)
def test_rounded_probabilities_are_accepted(
    tmp_path: Path, probabilities: tuple[float, float, float]
) -> None:
    outcome = validate(_with(tmp_path, probabilities))
    assert outcome.exit_code == 0, outcome.output


@pytest.mark.parametrize("probabilities", [(0.6, 0.3, 0.09999), (0.6, 0.3, 0.10001)])
def test_probabilities_off_by_more_are_refused_in_both_directions(
    tmp_path: Path, probabilities: tuple[float, float, float]
) -> None:
    refused(
        _with(tmp_path, probabilities),
        "Scenarios, probability: the probabilities must sum to 1",
        "allowed within 1.5e-06 for 3 scenarios",
    )
