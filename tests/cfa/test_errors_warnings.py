"""Bad input raises errors that point at the problem; statistical trouble warns."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from cfa_helpers import HS_MODEL

from werkalliantie_stats.exceptions import (
    ConvergenceWarning,
    HeywoodCaseWarning,
    ModelSyntaxError,
    NonPositiveDefiniteWarning,
)
from werkalliantie_stats.psychometrics.cfa.api import cfa
from werkalliantie_stats.psychometrics.cfa.estimate import optimise
from werkalliantie_stats.psychometrics.cfa.syntax import parse_model


def test_syntax_error_points_at_line_and_position():
    with pytest.raises(ModelSyntaxError) as err:
        parse_model("f =~ x1 + x2\ng =~ x3 + 2a*x4")
    msg = str(err.value)
    assert "line 2" in msg and "'2a'" in msg and "g =~ x3 + 2a*x4" in msg and "^" in msg


def test_missing_operator_and_regression_rejected():
    with pytest.raises(ModelSyntaxError, match="no operator"):
        parse_model("f x1 x2")
    with pytest.raises(ModelSyntaxError, match="regressions"):
        parse_model("f =~ x1 + x2 + x3\nf ~ x4")


def test_duplicate_parameter_rejected(hs):
    with pytest.raises(ModelSyntaxError, match=r"line 2.*specified twice.*line 1"):
        cfa(hs, "f =~ x1 + x2 + x3\nf =~ x2")
    with pytest.raises(ModelSyntaxError, match="specified twice"):
        cfa(hs, "f =~ x1 + x2 + x3\nx1 ~~ x2\nx2 ~~ x1")


def test_thresholds_rejected_for_ml(hs):
    with pytest.raises(ModelSyntaxError, match="'\\|' is not supported"):
        cfa(hs, "f =~ x1 + x2 + x3\nx1 | t1 + t2")


def test_unknown_column_suggests_near_miss(hs):
    with pytest.raises(ModelSyntaxError, match=r"'x10'.*did you mean 'x1'"):
        cfa(hs, "visual =~ x1 + x2 + x10")


def test_unidentified_models(hs):
    with pytest.raises(ModelSyntaxError, match="single indicator"):
        cfa(hs, "f =~ x1\ng =~ x2 + x3 + x4")
    with pytest.raises(ModelSyntaxError, match="df = -1"):
        cfa(hs, "f =~ x1 + x2")
    with pytest.raises(ModelSyntaxError, match="no scale"):
        cfa(hs, "f =~ NA*x1 + x2 + x3")


def test_bad_options(hs):
    with pytest.raises(ValueError, match=r"`estimator`.*'WLS'"):
        cfa(hs, HS_MODEL, estimator="WLS")
    with pytest.raises(ValueError, match="`missing`"):
        cfa(hs, HS_MODEL, missing="pairwise")
    with pytest.raises(ValueError, match="group_equal"):
        cfa(hs, HS_MODEL, group="school", group_equal=("slopes",))
    with pytest.raises(ValueError, match="group_partial"):
        cfa(hs, HS_MODEL, group="school", group_equal=("loadings",), group_partial=("x1",))
    with pytest.raises(ValueError, match="distinct"):
        cfa(hs.assign(one="a"), HS_MODEL, group="one")
    with pytest.raises(TypeError, match="DataFrame"):
        cfa(hs.to_numpy(), HS_MODEL)
    with pytest.raises(ModelSyntaxError, match="2 group"):
        cfa(hs, "f =~ x1 + c(1, 2, 3)*x2 + x3", group="school")


def test_non_numeric_column_named(hs):
    bad = hs.copy()
    bad["x2"] = bad["x2"].astype(object)
    bad.loc[5, "x2"] = "n/a"
    with pytest.raises(ValueError, match=r"cfa: column 'x2'.*'n/a'"):
        cfa(bad, HS_MODEL)


def test_input_not_modified(hs_mcar):
    before = hs_mcar.copy()
    cfa(hs_mcar, HS_MODEL, missing="fiml")
    pd.testing.assert_frame_equal(hs_mcar, before)


def test_heywood_case_warns(hs):
    with pytest.warns(HeywoodCaseWarning, match="x9"):
        cfa(hs, HS_MODEL + "\nx7 ~~ x8", group="school", group_equal=("loadings",))


def test_non_positive_definite_factor_covariance_warns():
    rng = np.random.default_rng(5)
    f = rng.normal(size=(200, 1))
    data = pd.DataFrame(f @ np.full((1, 6), 0.8) + rng.normal(scale=0.6, size=(200, 6)),
                        columns=[f"y{i}" for i in range(6)])
    data[["y3", "y4", "y5"]] += 0.9 * data[["y0", "y1", "y2"]].to_numpy()
    with pytest.warns(NonPositiveDefiniteWarning, match="not positive definite"):
        cfa(data, "a =~ y0 + y1 + y2\nb =~ y3 + y4 + y5")


def test_convergence_warning(hs):
    from werkalliantie_stats.psychometrics.cfa.engine import FitState  # noqa: F401
    from werkalliantie_stats.psychometrics.cfa.matrices import MatrixModel
    from werkalliantie_stats.psychometrics.cfa.ml import complete_blocks
    from werkalliantie_stats.psychometrics.cfa.partable import ModelSpec, build_partable

    table = build_partable(parse_model(HS_MODEL), ModelSpec())
    model = MatrixModel(table, [f"x{i}" for i in range(1, 10)], ["visual", "textual", "speed"])
    y = hs[[f"x{i}" for i in range(1, 10)]].to_numpy()
    x0 = np.concatenate([np.ones(6), np.ones(9), np.full(3, 0.5), np.zeros(3)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        optimise(model, x0, complete_blocks([y]), False, [len(y)])
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        optimise(model, x0, complete_blocks([y]), False, [len(y)], max_iter=1, polish_iter=1)
