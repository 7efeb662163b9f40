"""auc(), calibration(), hosmer_lemeshow() against R (pROC 1.18.0, glm, ResourceSelection's rule).

Fixtures: tests/reference/outcomes/binary/make_binary_reference.R (carData::Mroz, predictions
of a model fitted on the odd rows judged on the even rows).
"""

from __future__ import annotations

import numpy as np
import pytest
from _binary_refs import data, load

from werkalliantie_stats.outcomes import auc, calibration, hosmer_lemeshow
from werkalliantie_stats.outcomes._auc import delong, weighted_auc


@pytest.fixture(scope="module")
def validation():
    return data("mroz_validation.csv")


@pytest.fixture(scope="module")
def ref():
    return load("logistic_mroz.json")


def test_calibration_matches_glm_with_offset(validation, ref):
    res = calibration(validation["y"], validation["p"])
    np.testing.assert_allclose(res.intercept, ref["calibration_intercept"], rtol=1e-5)
    np.testing.assert_allclose(res.intercept_se, ref["calibration_intercept_se"], rtol=1e-4)
    np.testing.assert_allclose(res.slope, ref["calibration_slope"], rtol=1e-5)
    np.testing.assert_allclose(res.slope_se, ref["calibration_slope_se"], rtol=1e-4)
    np.testing.assert_allclose(res.slope_model_intercept, ref["calibration_slope_intercept"],
                               rtol=1e-5)
    np.testing.assert_allclose(res.eo_ratio, ref["eo_ratio"], rtol=1e-12)
    frame = res.to_frame()
    assert frame.loc["slope", "ideal"] == 1.0
    np.testing.assert_allclose(frame.loc["slope", "ci_lower"], res.slope - 1.959964 * res.slope_se,
                               rtol=1e-6)


@pytest.mark.parametrize(("g", "key", "y_col"), [(10, "hosmer_lemeshow", None),
                                                 (5, "hosmer_lemeshow_g5", None),
                                                 (10, "hosmer_lemeshow_fitted", "fitted")])
def test_hosmer_lemeshow(validation, ref, g, key, y_col):
    expected = ref[key]
    if y_col is None:
        y, p = validation["y"], validation["p"]
    else:  # in-sample fitted values of the full Mroz model
        from werkalliantie_stats.outcomes import logistic
        fit = logistic(data("mroz.csv"), "lfp", ["k5", "k618", "age", "wc", "hc", "lwg", "inc"])
        y, p = fit.observed, fit.fitted
    res = hosmer_lemeshow(y, p, g=g)
    np.testing.assert_allclose(res.statistic, expected["statistic"], rtol=1e-6)
    np.testing.assert_allclose(res.p_value, expected["p_value"], rtol=1e-3)
    assert res.df == expected["df"]
    np.testing.assert_allclose(res.table["observed"], expected["observed"])
    np.testing.assert_allclose(res.table["expected"], expected["expected"], rtol=1e-6)
    np.testing.assert_array_equal(res.table["n"], expected["n"])


def test_hosmer_lemeshow_ties_merge_groups():
    p = np.repeat([0.2, 0.4, 0.6], 20)
    y = np.tile([0, 1, 0, 0, 1], 12)
    res = hosmer_lemeshow(y, p, g=10)
    assert len(res.table) == 2 and res.df == 8  # breaks 0.2, 0.4, 0.6 -> two groups


def test_auc_delong_matches_proc():
    ref = load("logistic_bacteria.json")
    fit_data = data("bacteria.csv")
    from werkalliantie_stats.outcomes import logistic
    fit = logistic(fit_data.assign(trt=fit_data.trt.astype("category").cat.reorder_categories(
        ["placebo", "drug", "drug+"])), "y", ["trt", "week"])
    res = auc(fit.observed, fit.fitted)
    np.testing.assert_allclose(res.auc, ref["auc"], rtol=1e-10)
    np.testing.assert_allclose(res.std_error**2, ref["auc_var_delong"], rtol=1e-8)
    np.testing.assert_allclose([res.ci_lower, res.ci_upper], ref["auc_ci_delong"], rtol=1e-8)
    res90 = auc(fit.observed, fit.fitted, level=0.90)
    np.testing.assert_allclose([res90.ci_lower, res90.ci_upper], ref["auc_ci_delong_90"],
                               rtol=1e-8)


def _naive_auc(score, y, w):
    cases, controls = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    diff = score[cases][:, None] - score[controls][None, :]
    psi = (diff > 0) + 0.5 * (diff == 0)
    weight = w[cases][:, None] * w[controls][None, :]
    return np.sum(psi * weight) / np.sum(weight)


def test_weighted_auc_equals_pairwise_definition():
    rng = np.random.default_rng(2)
    score = rng.integers(0, 6, 80).astype(float)  # many ties
    y = rng.binomial(1, 0.4, 80).astype(float)
    weights = rng.poisson(1.0, size=(5, 80)).astype(float)
    expected = [_naive_auc(score, y, w) for w in weights]
    np.testing.assert_allclose(weighted_auc(score, y, weights), expected, rtol=1e-12)
    value, _ = delong(score, y)
    np.testing.assert_allclose(value, _naive_auc(score, y, np.ones(80)), rtol=1e-12)


def test_bootstrap_close_to_delong_and_reproducible():
    rng = np.random.default_rng(4)
    x = rng.normal(size=400)
    y = rng.binomial(1, 1 / (1 + np.exp(-x)))
    d = auc(y, x)
    b1 = auc(y, x, method="bootstrap", n_boot=4000, seed=9)
    b2 = auc(y, x, method="bootstrap", n_boot=4000, seed=9)
    assert b1 == b2 or (b1.ci_lower == b2.ci_lower and b1.ci_upper == b2.ci_upper)
    assert b1.auc == pytest.approx(d.auc, rel=1e-12)
    assert b1.std_error == pytest.approx(d.std_error, rel=0.1)
    assert b1.ci_lower == pytest.approx(d.ci_lower, abs=0.01)


def test_cluster_bootstrap_is_wider_with_strong_cluster_effects():
    rng = np.random.default_rng(8)
    officer = np.repeat(np.arange(40), 10)
    effect = rng.normal(0, 1.5, 40)[officer]
    score = effect + rng.normal(0, 0.3, 400)
    y = rng.binomial(1, 1 / (1 + np.exp(-effect)))
    plain = auc(y, score, method="bootstrap", n_boot=1000, seed=1)
    clustered = auc(y, score, method="bootstrap", cluster=officer, n_boot=1000, seed=1)
    assert clustered.n_clusters == 40
    assert clustered.std_error > 1.5 * plain.std_error


@pytest.mark.parametrize(("call", "message"), [
    (lambda: auc([0, 1, 2], [0.1, 0.2, 0.3]), r"auc: `y` must be coded 0/1.*2\.0"),
    (lambda: auc([0, 0, 0], [0.1, 0.2, 0.3]), "both events and non-events"),
    (lambda: auc([0, 1], [0.1, 0.2, 0.3]), "`y` has 2 values but `score` has 3"),
    (lambda: auc([0, 1, np.nan], [0.1, 0.2, 0.3]), "missing value"),
    (lambda: auc([0, 1], [0.1, 0.2], cluster=[1, 2]), "use method='bootstrap'"),
    (lambda: auc([0, 1], [0.1, 0.2], method="mann"), "`method` must be"),
    (lambda: auc([0, 1], [0.1, 0.2], method="bootstrap", n_boot=3), "`n_boot`"),
    (lambda: calibration([0, 1], [0.0, 0.5]), "strictly between 0 and 1, found e.g. 0.0"),
    (lambda: hosmer_lemeshow([0, 1, 1], [0.2, 0.5, 0.7], g=2), "`g` must be an integer >= 3"),
    (lambda: auc([0, 1], ["a", "b"]), "`score` must be numeric"),
])
def test_bad_input(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
