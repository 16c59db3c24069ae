"""Options that travel as one object from the command line through solve, sweeps and analyses.

`SolveOptions` holds how one model is solved; a field left as None takes the case's Settings
(time_limit, mip_gap) or HiGHS's default (threads). It is frozen: a caller that needs a variant
(e.g. one thread per sweep worker) derives it with `dataclasses.replace`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from planner.case import Settings

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SolveOptions:
    """How to build and solve one model."""

    time_limit: float | None = None  # seconds; None: Settings.time_limit
    mip_gap: float | None = None  # relative; None: Settings.mip_gap
    threads: int | None = None  # HiGHS threads; None: HiGHS's default
    log: bool = False  # show the HiGHS log
    progress: Progress | None = None  # receives one-line status messages while solving
    coverage_duals: bool = True  # compute the marginal cost of coverage after the MIP
    diagnose: bool = True  # run the elastic re-solve when the case is infeasible
    prune: bool = True  # index only what can matter (False: model.md's full index, a check)
    # Benchmark-only: True solves as before issue 15 (HiGHS's default search settings, no warm
    # start), so benchmarks/bench_mip.py can compare the two side by side. Same optimum.
    baseline: bool = False

    def resolved(self, settings: Settings) -> SolveOptions:
        """These options with the case's Settings filled in where a field is None."""
        return replace(
            self,
            time_limit=settings.time_limit if self.time_limit is None else self.time_limit,
            mip_gap=settings.mip_gap if self.mip_gap is None else self.mip_gap,
        )
