"""Expansion of definitions into numbered runs: grid, one-at-a-time and sampled."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.sweep.definition import parse_definition
from planner.sweep.expand import ExpansionError, expand


def _definitions(*texts: str):
    return [parse_definition(text, f"--vary {i}") for i, text in enumerate(texts, start=1)]


def test_grid_is_every_combination_first_definition_slowest() -> None:
    runs = expand(_definitions("Settings.budget=0,5,10", "Minerals.price=x0.5,x2"), "grid")
    assert [run.number for run in runs] == [1, 2, 3, 4, 5, 6]
    assert [run.values for run in runs] == [
        (0.0, 0.5),
        (0.0, 2.0),
        (5.0, 0.5),
        (5.0, 2.0),
        (10.0, 0.5),
        (10.0, 2.0),
    ]


def test_one_at_a_time_moves_each_value_alone_after_a_base_run() -> None:
    runs = expand(_definitions("Minerals.price=x0.5,x1,x2", "Settings.budget=0,10"), "oat")
    assert [run.values for run in runs] == [
        (None, None),  # everything at the workbook's value
        (0.5, None),  # x1 is the base run, not repeated
        (2.0, None),
        (None, 0.0),
        (None, 10.0),
    ]


def test_sample_draws_within_each_range_reproducibly() -> None:
    definitions = _definitions("Minerals.price=x0.5,x1.5", "Sites.lead_time=1:4:4")
    runs = expand(definitions, "sample", samples=200, seed=7, whole=[False, True])
    assert len(runs) == 200
    prices = [run.values[0] for run in runs]
    leads = [run.values[1] for run in runs]
    assert all(0.5 <= p <= 1.5 for p in prices)
    assert set(leads) == {1.0, 2.0, 3.0, 4.0}  # rounded; 200 draws reach every whole value
    assert runs == expand(definitions, "sample", samples=200, seed=7, whole=[False, True])
    assert runs != expand(definitions, "sample", samples=200, seed=8, whole=[False, True])


@given(
    sizes=st.lists(st.integers(1, 4), min_size=1, max_size=4),
    mode=st.sampled_from(["grid", "oat"]),
)
def test_run_counts(sizes: list[int], mode: str) -> None:
    texts = ["Minerals.price=" + ",".join(str(v + 2) for v in range(size)) for size in sizes]
    runs = expand(_definitions(*texts), mode)
    expected = 1
    if mode == "grid":
        for size in sizes:
            expected *= size
    else:
        expected += sum(sizes)
    assert len(runs) == expected
    assert [run.number for run in runs] == list(range(1, expected + 1))


@pytest.mark.parametrize(
    ("mode", "samples", "message"),
    [
        ("sample", None, "needs --samples"),
        ("grid", 5, "applies to --mode sample only"),
        ("sideways", None, "unknown mode"),
    ],
)
def test_mode_option_mistakes(mode: str, samples: int | None, message: str) -> None:
    with pytest.raises(ExpansionError, match=message):
        expand(_definitions("Settings.budget=0,1"), mode, samples=samples)


def test_a_grid_too_large_is_refused_before_anything_runs() -> None:
    definitions = _definitions(*(["Minerals.price=1:100:100"] * 4))
    with pytest.raises(ExpansionError, match="100,000,000 runs"):
        expand(definitions, "grid")
