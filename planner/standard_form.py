"""The model in standard form, read in bulk from the linear rows the components declare.

Every row of the model and its objective are sums of (coefficient, variable) terms
(`planner.models.registry.linear`) with plain-number bounds. For such a model, `compile_model`
returns exactly what Pyomo's `LinearStandardFormCompiler().write(model, mixed_form=True)` returns:
the same columns in the same order, the same rows with the same bound types, the same
coefficients and right-hand sides, bit for bit. It gets there without the compiler's expression
walker, which visits every term of every row in Python with its general dispatch: here the terms
of all rows are gathered into flat arrays once and merged, ordered and checked with numpy. The
walker was half of build + hand-off time, and revision 3's tree has more rows and terms per column
than a copy per scenario, so its per-row cost weighed more.

What the compiler does, and how each step is reproduced (`tests/model/test_standard_form.py`
compares both on random cases):

- columns: a variable component enters when one of its members is first met (objective first,
  then rows in declaration order), all its members at once in index order; columns that end up
  with no coefficient anywhere are dropped;
- rows: active constraints in declaration order and index order; ``lb == ub`` gives one row of
  bound type 0, otherwise a ≤ row (1) and then a ≥ row (−1) for each bound that is given; the
  right-hand side is the bound;
- coefficients: the terms of one variable in one row are added in the order they are written,
  and zero sums are dropped.

Anything else is left to Pyomo's compiler, for the whole model, so that its behaviour (and its
messages) stay as they were: a constant or a non-term in a row, a bound or coefficient that is
not a finite number, a row without terms, a fixed variable, several objectives or blocks, or an
objective that is maximised.
"""

from __future__ import annotations

import math
from itertools import compress
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np
import pyomo.environ as pyo
import scipy.sparse
from pyomo.core.base.objective import ObjectiveData
from pyomo.core.base.var import VarData
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import InequalityExpression, RangedExpression
from pyomo.repn.plugins.standard_form import (
    LinearStandardFormCompiler,
    LinearStandardFormInfo,
    RowEntry,
)
from pyomo.repn.util import FileDeterminism, FileDeterminism_to_SortComponents

_SORTER = FileDeterminism_to_SortComponents(FileDeterminism.ORDERED)  # the compiler's default
_NUMBERS = (float, int)
_ALLOWED = {pyo.Var, pyo.Constraint, pyo.Objective, pyo.Set, pyo.Param, pyo.Expression}
_args, _first, _second = attrgetter("_args_"), itemgetter(0), itemgetter(1)
_active, _fixed = attrgetter("active"), attrgetter("fixed")


class _NotPlain(Exception):
    """The model has a part the bulk reading does not cover: Pyomo's compiler takes it."""


def compile_model(model: pyo.ConcreteModel) -> LinearStandardFormInfo:
    """The standard form of `model` (mixed form), as Pyomo's compiler would give it."""
    try:
        return _compile_plain(model)
    except _NotPlain:
        return LinearStandardFormCompiler().write(model, mixed_form=True)


def _compile_plain(model: pyo.ConcreteModel) -> LinearStandardFormInfo:
    """The bulk reading; raises `_NotPlain` at the first part it does not cover."""
    objective = _only_objective(model)
    columns = _Columns(model)
    offset, objective_terms = _objective_terms(objective)
    rows, rhs, row_terms, counts = _rows(model)
    terms = _Terms(objective_terms + row_terms, columns)
    split = len(objective_terms)
    c = _matrix(terms.values[:split], terms.columns[:split], [split], columns.count)
    matrix = _matrix(terms.values[split:], terms.columns[split:], counts, columns.count)
    return _drop_unused(c, matrix, columns.ordered(), offset, rhs, rows, objective)


def _only_objective(model: pyo.ConcreteModel) -> ObjectiveData:
    """The model's one active objective, minimised, on a model of one block of known parts."""
    kinds = {component.ctype for component in model.component_objects(descend_into=True)}
    if not kinds <= _ALLOWED:
        raise _NotPlain
    objectives = list(model.component_data_objects(pyo.Objective, active=True, sort=_SORTER))
    if len(objectives) != 1 or objectives[0].sense != pyo.minimize:
        raise _NotPlain
    return objectives[0]


def _objective_terms(objective: ObjectiveData) -> tuple[Any, list]:
    """The objective's constant (summed as the compiler sums it) and its terms."""
    expr = objective.expr
    if expr.__class__ is not LinearExpression:
        raise _NotPlain
    constant: Any = 0
    terms = []
    for arg in expr.args:
        if arg.__class__ is MonomialTermExpression:
            terms.append(arg)
        elif arg.__class__ in _NUMBERS:
            constant += arg
        else:
            raise _NotPlain
    return 0 + constant, terms


def _bounds(expr: object) -> tuple[Any, LinearExpression, Any]:
    """(lb, body, ub) of a row written as bounds on a sum of terms."""
    if expr.__class__ is InequalityExpression:
        left, right = expr._args_  # type: ignore[attr-defined]
        if left.__class__ is LinearExpression and right.__class__ in _NUMBERS:
            return None, left, right
        if right.__class__ is LinearExpression and left.__class__ in _NUMBERS:
            return left, right, None
    elif expr.__class__ is RangedExpression:
        lb, body, ub = expr._args_  # type: ignore[attr-defined]
        plain = lb.__class__ in _NUMBERS and ub.__class__ in _NUMBERS
        if plain and body.__class__ is LinearExpression:
            return lb, body, ub
    raise _NotPlain


def _rows(model: pyo.ConcreteModel) -> tuple[list[RowEntry], list, list, list[int]]:
    """Row entries, right-hand sides, every row's terms end to end, and each row's term count."""
    rows: list[RowEntry] = []
    rhs: list = []
    terms: list = []
    counts: list[int] = []
    for component in model.component_objects(
        pyo.Constraint, active=True, descend_into=True, sort=_SORTER
    ):
        for con in filter(_active, component.values(_SORTER)):
            lb, body, ub = _bounds(con.expr)
            own = body.args
            for kind, bound in _sides(lb, ub):
                rows.append(RowEntry(con, kind))
                rhs.append(bound)
                terms.extend(own)
                counts.append(len(own))
    if not set(map(type, terms)) <= {MonomialTermExpression} or not all(map(math.isfinite, rhs)):
        raise _NotPlain
    return rows, rhs, terms, counts


def _sides(lb: Any, ub: Any) -> tuple[tuple[int, Any], ...]:
    """The compiler's rows of lb ≤ body ≤ ub: (bound type, right-hand side)."""
    if lb == ub:
        return ((0, ub),)
    if lb is None:
        return ((1, ub),)
    return ((-1, lb),) if ub is None else ((1, ub), (-1, lb))


class _Columns:
    """The model's variables and the column order the compiler gives them."""

    def __init__(self, model: pyo.ConcreteModel) -> None:
        self.variables: list[VarData] = []
        starts = []
        for component in model.component_objects(pyo.Var, descend_into=True, sort=_SORTER):
            starts.append(len(self.variables))
            self.variables.extend(component.values(_SORTER))
        if any(map(_fixed, self.variables)):
            raise _NotPlain
        self.starts = np.array(starts, dtype=np.int64)
        # Variables by address (sorted), to find each term's variable with one binary search
        # in numpy: a dict lookup per term costs several times more.
        ids = np.fromiter(map(id, self.variables), np.uint64, len(self.variables))
        self.by_id = np.argsort(ids, kind="stable")
        self.sorted_ids = ids[self.by_id]
        self.column = np.zeros(0, dtype=np.int64)
        self.count = 0

    def positions(self, ids: np.ndarray) -> np.ndarray:
        """The declaration position of the variable at each address in `ids`."""
        if not len(ids):
            return np.zeros(0, dtype=np.int64)
        if not len(self.sorted_ids):
            raise _NotPlain
        found = np.searchsorted(self.sorted_ids, ids)
        if (self.sorted_ids[np.minimum(found, len(self.sorted_ids) - 1)] != ids).any():
            raise _NotPlain  # a term of something that is not one of this model's variables
        return self.by_id[found]

    def meet(self, positions: np.ndarray) -> np.ndarray:
        """Number the columns and return each term's: components in the order their first
        member is met (`positions` of the terms in order), members in index order; components
        never met get no column (-1)."""
        component = np.searchsorted(self.starts, positions, side="right") - 1
        met, first = np.unique(component, return_index=True)
        ends = np.append(self.starts[1:], len(self.variables))
        self.column = np.full(len(self.variables), -1, dtype=np.int64)
        self.count = 0
        for k in met[np.argsort(first, kind="stable")]:
            size = ends[k] - self.starts[k]
            self.column[self.starts[k] : ends[k]] = np.arange(self.count, self.count + size)
            self.count += size
        return self.column[positions]

    def ordered(self) -> list[VarData]:
        """The variables of the numbered columns, in column order."""
        met = np.flatnonzero(self.column >= 0)
        return [self.variables[i] for i in met[np.argsort(self.column[met])]]


class _Terms:
    """Coefficients and columns of terms, read in one pass over them."""

    def __init__(self, terms: list, columns: _Columns) -> None:
        args = list(map(_args, terms))
        coefficients = list(map(_first, args))
        if not set(map(type, coefficients)) <= set(_NUMBERS):
            raise _NotPlain
        self.values = np.array(coefficients, dtype=np.float64)
        if not np.isfinite(self.values).all():
            raise _NotPlain
        ids = np.fromiter(map(id, map(_second, args)), np.uint64, len(args))
        self.columns = columns.meet(columns.positions(ids))


def _matrix(
    values: np.ndarray, columns: np.ndarray, counts: list[int], n_cols: int
) -> scipy.sparse.csc_array:
    """The CSC matrix of rows given as consecutive runs of terms (`counts` per row), a
    column's terms within a row added in the order written and zero sums dropped, as the
    compiler does."""
    n_rows, width = len(counts), max(n_cols, 1)
    key = np.repeat(np.arange(n_rows, dtype=np.int64), counts) * width + columns
    unique, inverse = np.unique(key, return_inverse=True)
    if len(unique) < len(key):
        merged: np.ndarray = np.bincount(inverse, weights=values, minlength=len(unique))
    else:
        merged = values[np.argsort(key, kind="stable")]
    keep = merged != 0
    unique, merged = unique[keep], merged[keep]
    row_counts = np.bincount(unique // width, minlength=n_rows)
    if n_rows and not row_counts.all():
        raise _NotPlain  # a row whose terms cancel: the compiler drops or refuses it
    indptr = np.concatenate(([0], np.cumsum(row_counts))).astype(np.int32)
    indices = (unique % width).astype(np.int32)
    matrix = scipy.sparse.csr_array((merged, indices, indptr), [n_rows, n_cols]).tocsc()
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    return matrix


def _drop_unused(
    c: scipy.sparse.csc_array,
    matrix: scipy.sparse.csc_array,
    columns: list[VarData],
    offset: Any,
    rhs: list,
    rows: list[RowEntry],
    objective: ObjectiveData,
) -> LinearStandardFormInfo:
    """Leave out the columns without a coefficient anywhere, as the compiler does."""
    used = (np.diff(matrix.indptr) > 0) | (np.diff(c.indptr) > 0)
    if not used.all():
        mask = np.append(used, True)
        columns = list(compress(columns, used.tolist()))
        c = scipy.sparse.csc_array((c.data, c.indices, c.indptr[mask]), [1, len(columns)])
        matrix = scipy.sparse.csc_array(
            (matrix.data, matrix.indices, matrix.indptr[mask]), [len(rows), len(columns)]
        )
    return LinearStandardFormInfo(
        c, np.array([offset]), matrix, rhs, rows, columns, [objective], []
    )
