"""logistic() against R 4.2.2 glm, sandwich::vcovCL, MASS confint, pROC and brglm2.

Fixtures: tests/reference/outcomes/binary/make_binary_reference.R. R calls, e.g.
``glm(y ~ trt + week, binomial, MASS::bacteria)``; ``vcovCL(fit, cluster = ~id)``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _binary_refs import data, load, ref_matrix, ref_vector

from werkalliantie_stats.exceptions import (
    ConvergenceWarning,
    FewEventsWarning,
    PerfectSeparationWarning,
)
from werkalliantie_stats.outcomes import logistic, lr_test

TRT = {"trt": ["drug", "drug+"]}
EST, SE, TEST = 1e-5, 1e-4, 1e-3


@pytest.fixture(scope="module")
def bacteria() -> pd.DataFrame:
    frame = data("bacteria.csv")
    frame["trt"] = pd.Categorical(frame["trt"], categories=["placebo", "drug", "drug+"])
    return frame


@pytest.fixture(scope="module")
def ref() -> dict:
    return load("logistic_bacteria.json")


@pytest.fixture(scope="module")
def clustered(bacteria):
    return logistic(bacteria, "y", ["trt", "week"], cluster="id")


def _se(entry, factors=TRT) -> pd.Series:
    m = ref_matrix(entry, factors)
    return pd.Series(np.sqrt(np.diag(m)), index=m.index)


def test_coefficients_and_likelihood(clustered, ref):
    expected = ref_vector(ref["coef"], TRT)
    np.testing.assert_allclose(clustered.table.loc[expected.index, "estimate"], expected, rtol=EST)
    np.testing.assert_allclose(clustered.loglik, ref["loglik"], rtol=1e-8)
    np.testing.assert_allclose(clustered.deviance, ref["deviance"], rtol=1e-8)
    np.testing.assert_allclose(clustered.aic, ref["aic"], rtol=1e-8)
    assert clustered.n_obs == ref["n"] and clustered.n_events == ref["n_events"]
    np.testing.assert_allclose(clustered.table["odds_ratio"], np.exp(clustered.table["estimate"]))


def test_cluster_robust_default_is_vcovCL_HC0_with_cadjust(clustered, ref):
    expected = ref_matrix(ref["vcovCL_HC0"], TRT)
    np.testing.assert_allclose(clustered.cov.loc[expected.index, expected.index], expected,
                               rtol=SE)
    np.testing.assert_allclose(clustered.table["statistic"], ref_vector(ref["cluster_z"], TRT),
                               rtol=TEST)
    np.testing.assert_allclose(clustered.table["p_value"], ref_vector(ref["cluster_p"], TRT),
                               rtol=TEST)
    assert "HC0" in clustered.cov_type and clustered.n_clusters == 50


@pytest.mark.parametrize(("kwargs", "key"), [({"cluster_type": "HC1"}, "vcovCL_HC1"),
                                             ({"cadjust": False}, "vcovCL_noadjust")])
def test_cluster_robust_other_conventions(bacteria, ref, kwargs, key):
    res = logistic(bacteria, "y", ["trt", "week"], cluster="id", **kwargs)
    expected = ref_matrix(ref[key], TRT)
    np.testing.assert_allclose(res.cov.loc[expected.index, expected.index], expected, rtol=SE)


def test_hc1_differs_from_hc0_by_n_minus_1_over_n_minus_k(bacteria, clustered):
    hc1 = logistic(bacteria, "y", ["trt", "week"], cluster="id", cluster_type="HC1")
    np.testing.assert_allclose(hc1.cov / clustered.cov, (220 - 1) / (220 - 4), rtol=1e-12)


def test_model_based_covariance_and_wald_p(bacteria, ref):
    res = logistic(bacteria, "y", ["trt", "week"])
    expected = ref_matrix(ref["vcov"], TRT)
    np.testing.assert_allclose(res.cov.loc[expected.index, expected.index], expected, rtol=SE)
    np.testing.assert_allclose(res.table["p_value"], ref_vector(ref["wald_p"], TRT), rtol=TEST)
    assert res.cov_type == "model"


@pytest.mark.parametrize(("level", "suffix"), [(0.95, ""), (0.90, "_90")])
def test_profile_ci_exact_roots(bacteria, ref, level, suffix):
    res = logistic(bacteria, "y", ["trt", "week"], ci="profile", level=level)
    expected = ref_matrix(ref["confint_profile_exact" + suffix], TRT)
    np.testing.assert_allclose(res.table.loc[expected.index, "ci_lower"], expected["lower"],
                               rtol=EST)
    np.testing.assert_allclose(res.table.loc[expected.index, "ci_upper"], expected["upper"],
                               rtol=EST)


def test_profile_ci_vs_mass_spline_convention(bacteria, ref):
    """MASS interpolates the profile by a spline: agreement to ~5e-5, not to 1e-5."""
    res = logistic(bacteria, "y", ["trt", "week"], ci="profile")
    mass = ref_matrix(ref["confint_profile_MASS"], TRT)
    ours = res.table.loc[mass.index, ["ci_lower", "ci_upper"]].to_numpy()
    np.testing.assert_allclose(ours, mass.to_numpy(), rtol=2e-4)


def test_confidence_interval_method(bacteria, ref):
    res = logistic(bacteria, "y", ["trt", "week"])
    ci = res.confidence_interval(0.90, method="profile")
    expected = ref_matrix(ref["confint_profile_exact_90"], TRT)
    np.testing.assert_allclose(ci.loc[expected.index, "ci_lower"], expected["lower"], rtol=EST)
    np.testing.assert_allclose(ci["or_ci_upper"], np.exp(ci["ci_upper"]))
    wald = res.confidence_interval(confidence_level=0.95)
    np.testing.assert_allclose(wald["ci_lower"], res.table["ci_lower"])


def test_auc_delong(clustered, ref):
    np.testing.assert_allclose(clustered.auc, ref["auc"], rtol=1e-10)
    np.testing.assert_allclose(clustered.auc_ci, ref["auc_ci_delong"], rtol=1e-8)


def test_lr_test_matches_anova(bacteria, ref):
    full = logistic(bacteria, "y", ["trt", "week"])
    reduced = logistic(bacteria, "y", ["week"])
    res = lr_test(full, reduced)
    np.testing.assert_allclose(res.statistic, ref["lrt_statistic"], rtol=TEST)
    np.testing.assert_allclose(res.p_value, ref["lrt_p"], rtol=TEST)
    assert res.df == ref["lrt_df"] and res.terms == ("trt[drug]", "trt[drug+]")


def test_mroz_continuous_predictors():
    ref = load("logistic_mroz.json")
    frame = data("mroz.csv")
    res = logistic(frame, "lfp", ["k5", "k618", "age", "wc", "hc", "lwg", "inc"], ci="profile")
    np.testing.assert_allclose(res.table["estimate"], ref_vector(ref["coef"]), rtol=EST)
    np.testing.assert_allclose(res.table["std_error"], _se(ref["vcov"], None), rtol=SE)
    exact = ref_matrix(ref["confint_profile_exact"])
    np.testing.assert_allclose(res.table["ci_lower"], exact["lower"], rtol=EST)
    np.testing.assert_allclose(res.table["ci_upper"], exact["upper"], rtol=EST)
    np.testing.assert_allclose(res.auc, ref["auc"], rtol=1e-10)
    np.testing.assert_allclose(res.auc_ci, ref["auc_ci_delong"], rtol=1e-8)


FEW = "ignore::werkalliantie_stats.exceptions.FewEventsWarning"


@pytest.fixture(scope="module")
def separated() -> pd.DataFrame:
    return data("separated.csv")


@pytest.mark.filterwarnings(FEW)
def test_separation_detected_and_firth_fitted(separated):
    ref = load("firth_separated.json")
    with pytest.warns(PerfectSeparationWarning, match=r"x2.*Firth"):
        res = logistic(separated, "y", ["x1", "x2"], ci="profile")
    assert res.firth and res.separation == ("x2",)
    np.testing.assert_allclose(res.table["estimate"], ref_vector(ref["coef"]), rtol=EST)
    np.testing.assert_allclose(res.table["std_error"], _se(ref["vcov"], None), rtol=SE)
    np.testing.assert_allclose(res.penalised_loglik, ref["penalised_loglik"], rtol=1e-8)
    limits = ref_matrix(ref["confint_penalised_profile"])
    np.testing.assert_allclose(res.table["ci_lower"], limits["lower"], rtol=EST)
    np.testing.assert_allclose(res.table["ci_upper"], limits["upper"], rtol=EST)
    assert res.table.loc["x2", "estimate"] < ref["ml_coef_diverging"]["x2"] / 5
    np.testing.assert_allclose(res.lr_pvalues(), ref_vector(ref["p_penalised_lr"]), rtol=TEST)


@pytest.mark.filterwarnings(FEW)
def test_firth_cluster_sandwich_as_vcovCL_on_brglm2(separated):
    ref = load("firth_separated.json")
    with pytest.warns(PerfectSeparationWarning):
        res = logistic(separated, "y", ["x1", "x2"], cluster="grp")
    expected = ref_matrix(ref["vcovCL_HC0"])
    np.testing.assert_allclose(res.cov.loc[expected.index, expected.index], expected, rtol=SE)


@pytest.mark.filterwarnings(FEW)
def test_separation_with_firth_false_warns_but_fits_ml(separated):
    with pytest.warns(PerfectSeparationWarning, match="infinite"), \
            pytest.warns(ConvergenceWarning, match="did not converge"):
        res = logistic(separated, "y", ["x1", "x2"], firth=False)
    assert not res.firth and not res.converged and res.table.loc["x2", "estimate"] > 10
    assert res.table.loc["x2", "p_value"] > 0.05


def test_firth_true_without_separation_shrinks_toward_zero(bacteria):
    ml = logistic(bacteria, "y", ["trt", "week"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        firth = logistic(bacteria, "y", ["trt", "week"], firth=True)
    assert firth.firth and not ml.firth and firth.separation == ()
    assert abs(firth.table.loc["week", "estimate"]) < abs(ml.table.loc["week", "estimate"])


def test_firth_without_separation_matches_brglm2(bacteria, ref):
    res = logistic(bacteria, "y", ["trt", "week"], firth=True)
    np.testing.assert_allclose(res.table["estimate"], ref_vector(ref["firth_coef"], TRT),
                               rtol=EST)
    expected = ref_matrix(ref["firth_vcov"], TRT)
    np.testing.assert_allclose(res.cov.loc[expected.index, expected.index], expected, rtol=SE)


def test_few_events_warning():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
    frame["y"] = (np.arange(60) < 12).astype(int)
    with pytest.warns(FewEventsWarning, match=r"12 events .* 3 predictor"):
        logistic(frame, "y", ["a", "b", "c"])


def test_ml_lr_pvalues_match_single_term_lrt(bacteria, ref):
    full = logistic(bacteria, "y", ["trt", "week"])
    without_week = logistic(bacteria, "y", ["trt"])
    assert full.lr_pvalues()["week"] == pytest.approx(lr_test(full, without_week).p_value,
                                                      rel=1e-8)
