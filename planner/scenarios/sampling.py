"""Sampling scenarios from ban hazards, reproducibly from a seed.

Per group of hazards (rows that start together), year by year from the group's first year: when
no ban of the group is running, a ban starts with the group's yearly probability. A started ban
draws one duration quantile and one share quantile for the whole group, and each row turns them
into its own values: duration = min_duration + ⌊u·(max_duration − min_duration + 1)⌋ whole years,
share = min_share + v·(max_share − min_share), rounded to 0.01% so that identical samples are
identical numbers (and merge). Using the same quantiles for every row of a group makes one ban
decision hit its minerals alike (a long ban is long for all of them). The group is busy until the
longest of its rows' bans ends; bans are cut at the horizon's end.

Where several bans, or a ban and a certain disruption of the case (a Disruptions row without a
scenario), cover the same source, mineral and year, the largest share lost applies; the price
multiplier of a mineral in a year is likewise the largest of those that apply. Shares do not add
up: a source cannot lose more than all of its exports.

The random numbers are drawn group by group in sheet order as whole (samples × years) arrays from
`numpy.random.default_rng(seed)`, so the same hazards, horizon, N and seed give the same samples
on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from planner.scenarios.hazards import Hazard, HazardGroup

__all__ = ["Ban", "SampledScenario", "draw_bans", "merge_samples", "sample_scenarios"]

SHARE_DIGITS = 4  # shares are drawn to 0.01%


@dataclass(frozen=True)
class Ban:
    """One ban of one hazard row: its years and share lost."""

    hazard: Hazard
    start: int
    end: int  # last year, inclusive, cut at the horizon's end
    share: float

    def describe(self) -> str:
        minerals = ", ".join(self.hazard.minerals)
        years = str(self.start) if self.start == self.end else f"{self.start}–{self.end}"
        return f"{self.hazard.source} {minerals} {years} ({self.share:.0%})"


@dataclass(frozen=True)
class SampledScenario:
    """One scenario: δ(x,m,t) > 0 and μ(m,t) ≠ 1, certain disruptions of the case included."""

    share_lost: Mapping[tuple[str, str, int], float]
    multiplier: Mapping[tuple[str, int], float]
    description: str
    weight: int = 1  # how many samples it stands for

    @property
    def key(self) -> tuple[tuple, tuple]:
        """What makes two samples the same scenario."""
        return (tuple(sorted(self.share_lost.items())), tuple(sorted(self.multiplier.items())))

    def first_ban(self, certain: Mapping[tuple[str, str, int], float]) -> int | None:
        """The first year whose shares differ from the certain ones (None: never)."""
        years = [k[2] for k, v in self.share_lost.items() if certain.get(k, 0.0) != v]
        return min(years) if years else None


def draw_bans(groups: list[HazardGroup], years: range, samples: int, seed: int) -> list[list[Ban]]:
    """The bans of each of `samples` samples, drawn from `groups` over `years`."""
    rng = np.random.default_rng(seed)
    horizon = len(years)
    drawn: list[list[Ban]] = [[] for _ in range(samples)]
    for group in groups:
        starts = rng.random((samples, horizon))
        durations = rng.random((samples, horizon))
        shares = rng.random((samples, horizon))
        for i in range(samples):
            busy_until = years.start - 1
            for j, year in enumerate(years):
                if year < group.first_year or year <= busy_until:
                    continue
                if starts[i, j] >= group.probability:
                    continue
                bans = [
                    _ban(hazard, year, durations[i, j], shares[i, j], years.stop - 1)
                    for hazard in group.hazards
                ]
                drawn[i].extend(bans)
                busy_until = max(
                    ban.start + _duration(ban.hazard, durations[i, j]) - 1 for ban in bans
                )
    return drawn


def _duration(hazard: Hazard, quantile: float) -> int:
    spread = hazard.max_duration - hazard.min_duration + 1
    return hazard.min_duration + min(spread - 1, math.floor(quantile * spread))


def _ban(hazard: Hazard, year: int, duration_q: float, share_q: float, last_year: int) -> Ban:
    share = hazard.min_share + share_q * (hazard.max_share - hazard.min_share)
    end = min(last_year, year + _duration(hazard, duration_q) - 1)
    return Ban(hazard, year, end, round(share, SHARE_DIGITS))


def scenario_of(
    bans: list[Ban],
    certain_share: Mapping[tuple[str, str, int], float],
    certain_multiplier: Mapping[tuple[str, int], float],
) -> SampledScenario:
    """The scenario that `bans` make on top of the case's certain disruptions and shocks."""
    share = dict(certain_share)
    multiplier = dict(certain_multiplier)
    for ban in bans:
        for t in range(ban.start, ban.end + 1):
            for m in ban.hazard.minerals:
                key = (ban.hazard.source, m, t)
                if ban.share > share.get(key, 0.0):
                    share[key] = ban.share
                if ban.hazard.multiplier != 1.0:
                    mu = max(multiplier.get((m, t), 1.0), ban.hazard.multiplier)
                    multiplier[m, t] = mu
    share = {k: v for k, v in share.items() if v > 0}
    multiplier = {k: v for k, v in multiplier.items() if v != 1.0}
    description = "; ".join(ban.describe() for ban in bans) or "no ban"
    return SampledScenario(share, multiplier, description)


def merge_samples(scenarios: list[SampledScenario]) -> list[SampledScenario]:
    """Identical samples as one scenario with their weights added, in order of first draw."""
    merged: dict[tuple[tuple, tuple], SampledScenario] = {}
    for scenario in scenarios:
        key = scenario.key
        found = merged.get(key)
        if found is None:
            merged[key] = scenario
        else:
            merged[key] = SampledScenario(
                found.share_lost,
                found.multiplier,
                found.description,
                found.weight + scenario.weight,
            )
    return list(merged.values())


def sample_scenarios(
    groups: list[HazardGroup],
    years: range,
    samples: int,
    seed: int,
    certain_share: Mapping[tuple[str, str, int], float] | None = None,
    certain_multiplier: Mapping[tuple[str, int], float] | None = None,
    merge: bool = True,
) -> list[SampledScenario]:
    """`samples` scenarios (merged where identical unless `merge` is False)."""
    drawn = draw_bans(groups, years, samples, seed)
    scenarios = [scenario_of(bans, certain_share or {}, certain_multiplier or {}) for bans in drawn]
    return merge_samples(scenarios) if merge else scenarios
