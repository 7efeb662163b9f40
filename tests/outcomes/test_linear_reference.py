"""linear() against R 4.2.2 lm + sandwich::vcovCL + lmtest (datasets::ChickWeight).

R: ``fit <- lm(weight ~ time + diet, ChickWeight); vcovCL(fit, cluster = ~chick)``;
``coeftest(fit, vcov. = vcovCL(...))``, ``coefci(...)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _binary_refs import data, load, ref_matrix, ref_vector

from werkalliantie_stats.outcomes import linear

DIET = {"diet": ["2", "3", "4"]}


@pytest.fixture(scope="module")
def chicks() -> pd.DataFrame:
    frame = data("chickweight.csv")
    frame["diet"] = frame["diet"].astype(str)
    return frame


@pytest.fixture(scope="module")
def ref() -> dict:
    return load("linear_chickweight.json")


@pytest.fixture(scope="module")
def clustered(chicks):
    return linear(chicks, "weight", ["time", "diet"], cluster="chick")


def test_estimates_and_fit(clustered, ref):
    np.testing.assert_allclose(clustered.table["estimate"], ref_vector(ref["coef"], DIET),
                               rtol=1e-8)
    np.testing.assert_allclose(clustered.sigma, ref["sigma"], rtol=1e-8)
    np.testing.assert_allclose(clustered.r_squared, ref["r_squared"], rtol=1e-8)
    np.testing.assert_allclose(clustered.adj_r_squared, ref["adj_r_squared"], rtol=1e-8)
    assert clustered.df_residual == ref["df_residual"] and clustered.n_obs == ref["n"]


def test_default_is_vcovCL_HC1(clustered, ref):
    expected = ref_matrix(ref["vcovCL_HC1"], DIET)
    np.testing.assert_allclose(clustered.cov.loc[expected.index, expected.index], expected,
                               rtol=1e-4)
    np.testing.assert_allclose(clustered.table["statistic"], ref_vector(ref["cluster_t"], DIET),
                               rtol=1e-3)
    np.testing.assert_allclose(clustered.table["p_value"], ref_vector(ref["cluster_p"], DIET),
                               rtol=1e-3)
    ci = ref_matrix(ref["cluster_ci"], DIET)
    np.testing.assert_allclose(clustered.table[["ci_lower", "ci_upper"]], ci, rtol=1e-5)


def test_hc0_convention(chicks, ref):
    res = linear(chicks, "weight", ["time", "diet"], cluster="chick", cluster_type="HC0")
    expected = ref_matrix(ref["vcovCL_HC0"], DIET)
    np.testing.assert_allclose(res.cov.loc[expected.index, expected.index], expected, rtol=1e-4)


def test_model_based(chicks, ref):
    res = linear(chicks, "weight", ["time", "diet"])
    expected = ref_matrix(ref["vcov"], DIET)
    np.testing.assert_allclose(res.cov.loc[expected.index, expected.index], expected, rtol=1e-4)
    np.testing.assert_allclose(res.table[["ci_lower", "ci_upper"]],
                               ref_matrix(ref["ols_ci"], DIET), rtol=1e-5)
    np.testing.assert_allclose(res.confidence_interval(0.95), ref_matrix(ref["ols_ci"], DIET),
                               rtol=1e-5)
    assert res.cov_type == "model"


def test_bad_input(chicks):
    with pytest.raises(ValueError, match="outcome 'diet' must be numeric"):
        linear(chicks, "diet", ["time"])
    with pytest.raises(ValueError, match=r"'tme' \(did you mean 'time'\?\)"):
        linear(chicks, "weight", ["tme"])
    frame = chicks.assign(one=1.0)
    with pytest.raises(ValueError, match="predictor 'one' is constant"):
        linear(frame, "weight", ["time", "one"])
    frame = chicks.assign(row=[str(i) for i in range(len(chicks))])
    with pytest.raises(ValueError, match="every cluster"):
        linear(frame, "weight", ["time"], cluster="row")


def test_missing_dropped_and_summary(chicks):
    frame = chicks.copy()
    frame.loc[[0, 1], "time"] = np.nan
    res = linear(frame, "weight", ["time"], cluster="chick")
    assert res.n_dropped == 2 and res.n_obs == len(chicks) - 2
    assert "HC1" in res.summary() and res.to_frame().index[0] == "Intercept"
    with pytest.raises(ValueError, match=r"'time' \(2 rows\)"):
        linear(frame, "weight", ["time"], missing="raise")
