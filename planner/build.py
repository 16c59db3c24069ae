"""Build the Pyomo model of a case: prepared data, then each component in a fixed order.

The order matters only for the shared sums: every component that adds terms to the country
balance, the pool or the costs is declared before `coverage` (which builds the balance rows) and
`objective` (which adds up the costs).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from planner.case import Case
from planner.models import budget, cfd, coverage, objective, sites, stockpiles, trade
from planner.models.data import ModelData, prepare
from planner.models.registry import Registry

COMPONENTS = (
    ("sites", sites),
    ("cfd", cfd),
    ("stockpiles", stockpiles),
    ("trade", trade),
    ("coverage", coverage),
    ("budget", budget),
    ("objective", objective),
)


@dataclass
class BuiltModel:
    """A declared model with the data and registry it was built from."""

    model: pyo.ConcreteModel
    data: ModelData
    registry: Registry
    # Seconds per step: "prepare" and one entry per component, for profiling the build.
    timings: dict[str, float] = field(default_factory=dict)


def build_model(case: Case, *, prune: bool = True) -> BuiltModel:
    """Declare the full model of `case` (with sparse indexing unless ``prune=False``)."""
    timings: dict[str, float] = {}
    # The build allocates millions of small acyclic objects; cyclic garbage collection passes
    # over them would cost more than the build itself.
    with PauseGC():
        started = time.perf_counter()
        data = prepare(case, prune=prune)
        timings["prepare"] = time.perf_counter() - started
        model = pyo.ConcreteModel(name="planner")
        registry = Registry(data.scenarios)
        for name, component in COMPONENTS:
            started = time.perf_counter()
            component.declare(model, data, registry)
            timings[name] = time.perf_counter() - started
    return BuiltModel(model, data, registry, timings)
