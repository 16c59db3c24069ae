"""Numbers HiGHS cannot represent, found before the hand-off and named for people.

HiGHS reads a cost of `infinite_cost` (an option, 1e20 by default) or more as an infinite cost, a
bound or right-hand side of `infinite_bound` (1e20) or more as no bound at all, refuses a matrix
coefficient of `large_matrix_value` (1e15) or more, and takes NaN without complaint, after which
its answer means nothing (a NaN cost gives a NaN objective reported as optimal). The schema's
bounds keep such numbers out of any workbook, but a `Case` built or changed in code can still carry
one. `refuse_unrepresentable` looks for them in the arrays the hand-off is about to pass, with the
rows counted in USD scaled as HiGHS will receive them, and raises `UnrepresentableModel` (a
`PlannerError` with exit code 5) naming each kind of number, its value in the model's own units
and where it sits: the column and row, and for a cost the cost components that the column belongs
to. `planner.solve` records the refusal as a `solver_error` outcome (results written, exit 5);
other callers (`planner value`'s engine) let it reach the command line's error boundary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from pyomo.core.base.var import VarData
from pyomo.repn.plugins.standard_form import RowEntry
from scipy.sparse import csc_matrix

from planner.errors import PlannerError
from planner.models.registry import Registry

SHOWN = 3  # findings named in the message; the rest are counted


class UnrepresentableModel(PlannerError):
    """The model holds a number HiGHS cannot represent: nothing was solved (exit 5)."""

    exit_code = 5


@dataclass(frozen=True)
class Limits:
    """The magnitudes from which HiGHS stops reading a number as itself (its own options)."""

    cost: float  # infinite_cost
    bound: float  # infinite_bound, also for right-hand sides
    matrix: float  # large_matrix_value

    @classmethod
    def of(cls, highs: highspy.Highs) -> Limits:
        return cls(
            cost=_option(highs, "infinite_cost"),
            bound=_option(highs, "infinite_bound"),
            matrix=_option(highs, "large_matrix_value"),
        )


def _option(highs: highspy.Highs, name: str) -> float:
    answer: object = highs.getOptionValue(name)
    if isinstance(answer, tuple):  # highspy 1.16 answers (status, value)
        answer = answer[1]
    assert isinstance(answer, float), (name, answer)
    return answer


@dataclass(frozen=True)
class StandardForm:
    """The arrays of the model as the hand-off passes them, before row i is multiplied by
    row_scale[i] (`planner.handoff`'s scaling of the rows counted in USD)."""

    cost: np.ndarray
    offset: float
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: csc_matrix  # rows × columns
    row_scale: np.ndarray


@dataclass(frozen=True)
class Finding:
    """One number HiGHS cannot represent: its kind, value and place (column, row or both)."""

    kind: str  # "cost", "constant cost", "lower bound", "upper bound", "right-hand side",
    #            "coefficient"
    value: float
    column: int | None = None
    row: int | None = None


def _outside(values: np.ndarray, limit: float, allowed: float | None = None) -> np.ndarray:
    """Positions holding NaN or a magnitude of at least `limit`, except the infinity `allowed`
    (the missing lower or upper bound, which HiGHS reads as intended)."""
    bad = ~(np.abs(values) < limit)
    if allowed is not None:
        bad &= values != allowed
    return np.flatnonzero(bad)


def find_unrepresentable(form: StandardForm, limits: Limits) -> list[Finding]:
    """Every number of `form` that HiGHS would not read as itself, by kind."""
    found = [Finding("cost", form.cost[j], column=j) for j in _outside(form.cost, limits.cost)]
    if not abs(form.offset) < limits.cost:
        found.append(Finding("constant cost", form.offset))
    for kind, values, allowed in (
        ("lower bound", form.col_lower, -math.inf),
        ("upper bound", form.col_upper, math.inf),
    ):
        found += [
            Finding(kind, values[j], column=j) for j in _outside(values, limits.bound, allowed)
        ]
    # A row whose scale could not be computed (it holds NaN or inf) is judged as written.
    scale = np.where(np.isfinite(form.row_scale) & (form.row_scale > 0), form.row_scale, 1.0)
    lower_rows = _outside(form.row_lower * scale, limits.bound, -math.inf)
    upper_rows = _outside(form.row_upper * scale, limits.bound, math.inf)
    upper_rows = np.setdiff1d(upper_rows, lower_rows)  # an equality row is named once
    found += [Finding("right-hand side", form.row_lower[i], row=i) for i in lower_rows]
    found += [Finding("right-hand side", form.row_upper[i], row=i) for i in upper_rows]
    matrix = form.matrix
    for k in _outside(matrix.data * scale[matrix.indices], limits.matrix):
        column = int(np.searchsorted(matrix.indptr, k, side="right")) - 1
        found.append(Finding("coefficient", matrix.data[k], column=column, row=matrix.indices[k]))
    return found


@dataclass(frozen=True)
class Names:
    """What names the columns and rows of the standard form for people."""

    columns: Sequence[VarData]
    rows: Sequence[RowEntry]
    registry: Registry

    def column(self, j: int) -> str:
        return f"column {self.columns[j].name}"

    def row(self, i: int) -> str:
        return f"row {self.rows[i].constraint.name}"

    def in_usd(self, i: int) -> bool:
        constraint = self.rows[i].constraint
        return any(row is constraint for row in self.registry.usd_rows)

    def cost_components(self, j: int) -> str:
        found = self.registry.cost_components_of(self.columns[j])
        return " and ".join(component.replace("_", " ") for component in found)


def describe(finding: Finding, names: Names) -> str:
    """One finding as words: 'a cost of 1e+30 USD in external purchases (column e[...])'."""
    value = f"{finding.value:.3g}"
    kind, j, i = finding.kind, finding.column, finding.row
    if kind == "constant cost":
        return f"a constant cost of {value} USD"
    if kind == "cost" and j is not None:
        components = names.cost_components(j)
        if components:
            return f"a cost of {value} USD in {components} ({names.column(j)})"
        return f"a cost of {value} USD on {names.column(j)}"
    if kind == "right-hand side" and i is not None:
        unit = " USD" if names.in_usd(i) else ""
        return f"a right-hand side of {value}{unit} in {names.row(i)}"
    if kind == "coefficient" and i is not None and j is not None:
        return f"a coefficient of {value} for {names.column(j)} in {names.row(i)}"
    assert j is not None
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{article} {kind} of {value} on {names.column(j)}"


def refuse_unrepresentable(form: StandardForm, limits: Limits, names: Names) -> None:
    """Raise `UnrepresentableModel` when `form` holds a number HiGHS cannot represent."""
    found = find_unrepresentable(form, limits)
    if not found:
        return
    listed = "; ".join(describe(finding, names) for finding in found[:SHOWN])
    if len(found) > SHOWN:
        listed += f"; and {len(found) - SHOWN} more"
    raise UnrepresentableModel(
        f"the model holds numbers that HiGHS cannot represent, so it was not solved: {listed}. "
        f"HiGHS reads a cost of {limits.cost:.0e} or more as infinite and a bound or "
        f"right-hand side of {limits.bound:.0e} or more as no bound, refuses a coefficient of "
        f"{limits.matrix:.0e} or more, and cannot compute with NaN. The input checks keep such "
        "numbers out of a workbook, so they come from a case built or changed in code: bring the "
        "input behind the named columns and rows into a realistic range."
    )
