"""`planner.standard_form.compile_model` gives what Pyomo's standard-form compiler gives, exactly.

The hand-off reads the model's rows in bulk instead of through Pyomo's compiler; these tests hold
the two to the same output, array for array and bit for bit: columns (the same variables in the
same order), rows (the same constraints with the same bound types), the objective's and the
rows' coefficients, the right-hand sides and the objective's constant. They do so on built cases
(random ones with every revision-3 feature, pruned and not, and the bundled case) and on small
hand-written models with the corners of the compiler's rules: a variable twice in one row, terms
that cancel, zero coefficients, ranged and equality rows, unused variables, and the shapes the
bulk reading leaves to Pyomo (a constant in a row, a fixed variable, a maximised objective, a
row whose terms cancel, NaN).
"""

from __future__ import annotations

import math

import numpy as np
import pyomo.environ as pyo
import pytest
from planner.models.registry import linear
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler, LinearStandardFormInfo

from planner import standard_form
from planner.build import build_model
from planner.case import Case
from planner.validate import read_case
from tests.random_cases import random_case, with_committed_capacity

BUNDLED = "inputs/alliance-2026.xlsx"


def _pyomo(model: pyo.ConcreteModel) -> LinearStandardFormInfo:
    return LinearStandardFormCompiler().write(model, mixed_form=True)


def _same_arrays(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def assert_same(model: pyo.ConcreteModel) -> None:
    """compile_model(model) and Pyomo's compiler agree on every array, bit for bit."""
    ours, theirs = standard_form.compile_model(model), _pyomo(model)
    assert [id(v) for v in ours.columns] == [id(v) for v in theirs.columns]
    assert [(id(r.constraint), r.bound_type) for r in ours.rows] == [
        (id(r.constraint), r.bound_type) for r in theirs.rows
    ]
    assert _same_arrays(np.asarray(ours.rhs, dtype=float), np.asarray(theirs.rhs, dtype=float))
    assert _same_arrays(np.asarray(ours.c_offset), np.asarray(theirs.c_offset))
    for mine, pyomos in ((ours.c, theirs.c), (ours.A, theirs.A)):
        assert mine.shape == pyomos.shape
        for part in ("data", "indices", "indptr"):
            assert _same_arrays(getattr(mine, part), getattr(pyomos, part)), part


def _plain(model: pyo.ConcreteModel) -> bool:
    """Whether the bulk reading takes the model itself (rather than leaving it to Pyomo)."""
    try:
        standard_form._compile_plain(model)
    except standard_form._NotPlain:
        return False
    return True


def _built(case: Case, prune: bool = True) -> pyo.ConcreteModel:
    return build_model(case, prune=prune).model


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("prune", [True, False])
def test_random_cases_compile_as_pyomo_compiles_them(seed: int, prune: bool) -> None:
    for case in (random_case(seed), with_committed_capacity(random_case(seed), seed)):
        model = _built(case, prune)
        assert _plain(model)
        assert_same(model)


def test_random_cases_without_revision_3_and_with_cvar_compile_alike() -> None:
    for seed in range(12, 24):
        model = _built(random_case(seed, revision_3=False))
        assert _plain(model)
        assert_same(model)


def test_the_bundled_case_compiles_as_pyomo_compiles_it() -> None:
    model = _built(read_case(BUNDLED)[0])
    assert _plain(model)
    assert_same(model)


def _small() -> pyo.ConcreteModel:
    model = pyo.ConcreteModel()
    model.x = pyo.Var(range(4), bounds=(0, 10))
    model.unused = pyo.Var(range(2))  # never in a row nor in the objective: no column
    model.y = pyo.Var(["a", "b"], domain=pyo.Binary)
    return model


def test_corners_of_the_compiler_rules_compile_alike() -> None:
    """A variable twice in a row (summed in written order, here to 0.30000000000000004 rather
    than 0.3), terms that cancel within a row that keeps another term, a zero coefficient,
    equality, ranged and ≥ rows, and an objective with a constant and a repeated variable; `y`
    is met before `x` in the objective, so its columns come first."""
    model = _small()
    x, y = model.x, model.y
    model.objective = pyo.Objective(
        expr=LinearExpression(
            [
                5.0,
                MonomialTermExpression((1.0, y["b"])),
                MonomialTermExpression((2.0, x[3])),
                MonomialTermExpression((0.5, y["b"])),
            ]
        )
    )
    model.twice = pyo.Constraint(expr=(None, linear([(0.1, x[0]), (0.2, x[0]), (1.0, x[1])]), 4))
    model.cancel = pyo.Constraint(
        expr=(1.0, linear([(1.0, x[2]), (-1.0, x[2]), (3.0, x[1])]), None)
    )
    model.zero = pyo.Constraint(expr=(None, linear([(0.0, x[3]), (1, x[0])]), 2.5))
    model.equal = pyo.Constraint(expr=(2.0, linear([(1.0, x[1]), (1.0, y["a"])]), 2.0))
    model.ranged = pyo.Constraint(expr=(-1.0, linear([(1.0, x[3]), (-4.0, y["a"])]), 3.0))
    assert _plain(model)
    assert_same(model)
    info = standard_form.compile_model(model)
    assert [v.name for v in info.columns] == ["y[a]", "y[b]", "x[0]", "x[1]", "x[3]"]
    assert [r.bound_type for r in info.rows] == [1, -1, 1, 0, 1, -1]
    assert info.A.toarray()[0, 2] == 0.1 + 0.2 != 0.3


def _with(shape: str) -> pyo.ConcreteModel:
    """A small model with one part of a shape that the bulk reading leaves to Pyomo."""
    model = _small()
    x = model.x
    sense = pyo.maximize if shape == "maximised" else pyo.minimize
    model.objective = pyo.Objective(expr=linear([(1.0, x[0]), (1.0, x[1])]), sense=sense)
    model.row = pyo.Constraint(expr=(None, linear([(1.0, x[0]), (1.0, x[1])]), 5.0))
    if shape == "constant in a row":
        model.other = pyo.Constraint(expr=(None, LinearExpression([1.0, 2.0 * x[2]]), 5.0))
    elif shape == "fixed variable":
        x[3].fix(2.0)
        model.other = pyo.Constraint(expr=(None, linear([(1.0, x[3]), (1.0, x[2])]), 5.0))
    elif shape == "operators":
        model.other = pyo.Constraint(expr=x[2] + 2 * x[3] <= 4)
    elif shape == "cancelling row":
        model.other = pyo.Constraint(expr=(None, linear([(1.0, x[2]), (-1.0, x[2])]), 5.0))
    elif shape == "NaN coefficient":
        model.other = pyo.Constraint(expr=(None, linear([(math.nan, x[2])]), 5.0))
    return model


@pytest.mark.parametrize(
    "shape",
    [
        "constant in a row",
        "fixed variable",
        "operators",
        "cancelling row",
        "maximised",
        "NaN coefficient",
    ],
)
def test_shapes_outside_plain_rows_are_left_to_pyomo(shape: str) -> None:
    model = _with(shape)
    assert not _plain(model)
    if shape == "NaN coefficient":  # NaN is not equal to itself: compare the rest
        assert standard_form.compile_model(model).A.shape == _pyomo(model).A.shape
    else:
        assert_same(model)


def test_a_plain_model_is_read_in_bulk() -> None:
    """The control for the test above: the same model without the odd part is read in bulk."""
    model = _with("none")
    assert _plain(model)
    assert_same(model)
