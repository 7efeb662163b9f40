"""Internal identities of the engine: analytic Hessian and Jacobian vs finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from cfa_helpers import HS_MODEL

from werkalliantie_stats.psychometrics.cfa.api import cfa
from werkalliantie_stats.psychometrics.cfa.ml import (
    em_saturated,
    objective,
    objective_gradient,
    observed_hessian,
    pattern_blocks,
)


def central_differences(fun, x, h=1e-6):
    cols = []
    for j in range(len(x)):
        e = np.zeros(len(x))
        e[j] = h * max(1.0, abs(x[j]))
        cols.append((fun(x + e) - fun(x - e)) / (2 * e[j]))
    return np.column_stack(cols)


@pytest.mark.parametrize("kwargs", [
    {}, {"std_lv": True}, {"missing": "fiml"},
    {"group": "school", "group_equal": ("loadings", "intercepts")},
])
def test_observed_hessian_matches_differenced_gradient(hs, hs_mcar, kwargs):
    data = hs_mcar if kwargs.get("missing") == "fiml" else hs
    st = cfa(data, HS_MODEL, **kwargs).state
    blocks, n = pattern_blocks(st.groups), sum(st.nobs)
    analytic = observed_hessian(st.model, st.x, blocks, st.meanstructure, n)
    numeric = central_differences(
        lambda z: objective_gradient(st.model, z, blocks, st.meanstructure, n), st.x)
    np.testing.assert_allclose(analytic, (numeric + numeric.T) / 2, atol=1e-7)


def test_gradient_matches_differenced_objective(hs):
    st = cfa(hs, HS_MODEL, group="school").state
    blocks, n = pattern_blocks(st.groups), sum(st.nobs)
    x = st.x + 0.01
    numeric = central_differences(
        lambda z: np.atleast_1d(objective(st.model, z, blocks, True, n)), x)[0]
    np.testing.assert_allclose(objective_gradient(st.model, x, blocks, True, n), numeric,
                               atol=1e-7)


def test_em_on_complete_data_gives_sample_moments(hs):
    y = hs[[f"x{i}" for i in range(1, 10)]].to_numpy()
    mean, cov, _ = em_saturated(y)
    np.testing.assert_allclose(mean, y.mean(axis=0))
    np.testing.assert_allclose(cov, np.cov(y.T, bias=True), atol=1e-12)
