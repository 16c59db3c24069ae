"""The scenario tree that a sample becomes under non-anticipativity (model.md 15).

Two scenarios are one node in year t when their histories H(ω,t) agree: the same shares lost and
price multipliers in every year up to t. Sampled scenarios share their history until their first
ban, so N samples make far fewer than N·T second-stage nodes; revision 3 of the model indexes its
second-stage variables by node, which makes the node count the measure of the model's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.scenarios.case_copy import NamedScenario

__all__ = ["TreeSize", "tree_size"]


@dataclass(frozen=True)
class TreeSize:
    """Nodes per year of the tree, against the scenario count."""

    scenarios: int
    nodes: dict[int, int]  # year -> nodes

    @property
    def total(self) -> int:
        """Σ_t nodes(t): the second-stage copies of one year's variables, summed over years."""
        return sum(self.nodes.values())

    @property
    def unshared(self) -> int:
        """N·T: the copies without the tree (one per scenario and year)."""
        return self.scenarios * len(self.nodes)

    def describe(self) -> str:
        years = ", ".join(f"{t}: {n}" for t, n in self.nodes.items())
        return (
            f"scenario tree: {self.total} nodes over {len(self.nodes)} years against "
            f"{self.unshared} scenario-years ({self.total / max(1, self.unshared):.0%}); "
            f"nodes per year {years}"
        )


def tree_size(scenarios: Sequence[NamedScenario], years: range) -> TreeSize:
    """Count the classes of scenarios with the same history up to each year."""
    per_year: list[dict[str, list[tuple]]] = [{s.name: [] for s in scenarios} for _ in years]
    index = {t: j for j, t in enumerate(years)}
    for s in scenarios:
        for (x, m, t), value in s.share_lost.items():
            if t in index:
                per_year[index[t]][s.name].append(("share", x, m, value))
        for (m, t), value in s.multiplier.items():
            if t in index:
                per_year[index[t]][s.name].append(("price", m, value))
    history: dict[str, tuple] = {s.name: () for s in scenarios}
    nodes: dict[int, int] = {}
    for j, t in enumerate(years):
        for s in scenarios:
            history[s.name] = (history[s.name], tuple(sorted(per_year[j][s.name])))
        nodes[t] = len(set(history.values()))
    return TreeSize(len(scenarios), nodes)
