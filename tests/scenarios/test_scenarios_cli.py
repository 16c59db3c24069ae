"""`planner scenarios` as a user runs it: the copy, its probabilities, its tree, its mistakes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from planner.io import read_raw
from planner.validate import read_case

KNOWN = Path(__file__).parents[1] / "evaluate" / "known"
PLANNER = [sys.executable, "-m", "planner"]


def planner(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PLANNER, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_copy_holds_the_merged_samples_and_is_reproducible(tmp_path: Path) -> None:
    done = planner(
        "scenarios", KNOWN, "--samples", "40", "--seed", "2", "-o", "a.xlsx", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "40 samples as 4 scenarios" in done.stdout
    # Two years: the root year has 2 nodes (ban or not in 2030), the last year 4.
    assert "nodes per year 2030: 2, 2031: 4" in done.stdout
    again = planner("scenarios", KNOWN, "-n", "40", "--seed", "2", "-o", "b.xlsx", cwd=tmp_path)
    assert again.returncode == 0
    assert read_raw(tmp_path / "a.xlsx") == read_raw(tmp_path / "b.xlsx")
    case, _ = read_case(tmp_path / "a.xlsx")
    assert sum(s.probability for s in case.scenarios.values()) == pytest.approx(1.0)
    assert all(
        round(s.probability * 40) == pytest.approx(s.probability * 40)
        for s in case.scenarios.values()
    )
    banned = {w for w, _x, _m, _t in case.share_lost}
    assert all(case.share_lost[w, "China", "Ga", t] == 0.75 for w, *_, t in case.share_lost)
    assert len(banned) == 3  # every scenario but the one without a ban
    assert set(case.price_multiplier.values()) == {2.0}


def test_kept_scenarios_share_the_probability(tmp_path: Path) -> None:
    done = planner(
        "scenarios", KNOWN, "-n", "10", "--keep-scenarios", "0.25", "-o", "k", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    case, _ = read_case(tmp_path / "k")
    assert case.scenarios["calm"].probability == pytest.approx(0.25)
    sampled = [s.probability for w, s in case.scenarios.items() if w.startswith("sample_")]
    assert sum(sampled) == pytest.approx(0.75)


def test_mistakes_exit_1_with_a_message(tmp_path: Path) -> None:
    no_hazards = Path(__file__).parents[1] / "sweep" / "tiny"
    done = planner("scenarios", no_hazards, "-n", "5", "-o", "x.xlsx", cwd=tmp_path)
    assert done.returncode == 1 and "has no Hazards rows" in done.stderr
    assert "Traceback" not in done.stderr
    same = planner("scenarios", KNOWN, "-n", "5", "-o", KNOWN, cwd=tmp_path)
    assert same.returncode == 1 and "never changed" in same.stderr
