"""ordinal_logistic() against MASS::polr 7.3-58.2 (carData::Womenlf).

R: ``polr(ordered(partic, c("not.work", "parttime", "fulltime")) ~ hincome + children,
Hess = TRUE)``; polr's convention ``logit P(Y <= k) = zeta_k - eta``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _binary_refs import data, load, ref_matrix

from werkalliantie_stats.exceptions import EmptyCategoryWarning
from werkalliantie_stats.outcomes import ordinal_logistic

ORDER = ["not.work", "parttime", "fulltime"]


@pytest.fixture(scope="module")
def women() -> pd.DataFrame:
    return data("womenlf.csv")


@pytest.fixture(scope="module")
def ref() -> dict:
    return load("ordinal_womenlf.json")


@pytest.fixture(scope="module")
def fit(women):
    return ordinal_logistic(women, "partic", ["hincome", "children"], categories=ORDER)


def test_coefficients_and_thresholds(fit, ref):
    np.testing.assert_allclose(fit.table["estimate"], pd.Series(ref["coef"]), rtol=1e-6)
    np.testing.assert_allclose(fit.thresholds["estimate"], pd.Series(ref["zeta"]), rtol=1e-6)
    assert fit.thresholds.index.tolist() == list(ref["zeta"])
    np.testing.assert_allclose(fit.loglik, ref["loglik"], rtol=1e-8)
    np.testing.assert_allclose(fit.aic, ref["aic"], rtol=1e-8)
    assert fit.n_obs == ref["n"]


def test_standard_errors_analytic_information(fit, ref):
    """SEs from the analytic Hessian, written out independently in the R script."""
    cov = ref_matrix(ref["vcov_analytic"])
    np.testing.assert_allclose(fit.cov.loc[cov.index, cov.index], cov, rtol=1e-6)


def test_standard_errors_vs_polr_finite_differences(fit, ref):
    """polr's vcov comes from optim's finite-difference Hessian: agreement ~1e-5 here."""
    se = np.sqrt(np.diag(ref_matrix(ref["vcov"])))
    ours = np.concatenate([fit.table["std_error"], fit.thresholds["std_error"]])
    np.testing.assert_allclose(ours, se, rtol=1e-4)


def test_sign_convention_matches_polr(fit):
    """Negative coefficients: more income / children -> lower participation categories."""
    assert (fit.table["estimate"] < 0).all()
    x = np.array([20.0, 1.0])
    eta = x @ fit.table["estimate"].to_numpy()
    zeta = fit.thresholds["estimate"].to_numpy()
    cumulative = 1 / (1 + np.exp(-(zeta - eta)))  # P(Y <= k)
    assert cumulative[0] < cumulative[1]
    assert cumulative[0] > 1 / (1 + np.exp(-zeta[0]))  # eta < 0 raises P(not.work)


def test_ordered_categorical_and_numeric_codes(women, fit):
    ordered = women.assign(partic=pd.Categorical(women.partic, categories=ORDER, ordered=True))
    res = ordinal_logistic(ordered, "partic", ["hincome", "children"])
    np.testing.assert_allclose(res.table["estimate"], fit.table["estimate"], rtol=1e-6)
    coded = women.assign(partic=women.partic.map({c: i for i, c in enumerate(ORDER)}))
    res = ordinal_logistic(coded, "partic", ["hincome", "children"])
    np.testing.assert_allclose(res.table["estimate"], fit.table["estimate"], rtol=1e-6)
    assert res.thresholds.index.tolist() == ["0|1", "1|2"]


def test_bad_input(women):
    with pytest.raises(ValueError, match="give the order with categories"):
        ordinal_logistic(women, "partic", ["hincome"])
    with pytest.raises(ValueError, match=r"not in `categories`.*'fulltime'"):
        ordinal_logistic(women, "partic", ["hincome"], categories=["not.work", "parttime"])
    with pytest.raises(ValueError, match="needs 3 or more"):
        ordinal_logistic(women.assign(y=women.children), "y", ["hincome"])


def test_empty_category_warns(women):
    with pytest.warns(EmptyCategoryWarning, match="'retired'"):
        res = ordinal_logistic(women, "partic", ["hincome", "children"],
                               categories=["not.work", "retired", "parttime", "fulltime"])
    assert res.categories == tuple(ORDER)


def test_input_untouched_and_missing_dropped(women):
    frame = women.copy()
    frame.loc[[0, 5], "hincome"] = np.nan
    before = frame.copy()
    res = ordinal_logistic(frame, "partic", ["hincome", "children"], categories=ORDER)
    pd.testing.assert_frame_equal(frame, before)
    assert res.n_dropped == 2 and res.n_obs == len(women) - 2
    assert "not.work < parttime < fulltime" in res.summary()
    assert list(res.to_frame().index) == ["hincome", "children", "not.work|parttime",
                                          "parttime|fulltime"]
