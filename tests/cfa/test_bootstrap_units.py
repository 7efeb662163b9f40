"""bootstrap_cfa and cfa(se="bootstrap"): properties, input errors, warnings, intervals."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.exceptions import ConvergenceWarning
from werkalliantie_stats.psychometrics.cfa import CFABootstrapResult, bootstrap_cfa, cfa
from werkalliantie_stats.psychometrics.cfa.boot_ci import norm_inter

SMALL = "f =~ a + b + c + d"


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(7)
    f = rng.normal(size=(150, 1))
    data = pd.DataFrame(f @ [[0.8, 0.7, 0.6, 0.5]] + rng.normal(scale=0.6, size=(150, 4)),
                        columns=list("abcd"))
    data["g"] = np.repeat(["x", "y"], 75)
    return data


@pytest.fixture(scope="module")
def small_fit(small):
    return cfa(small, SMALL)


def test_same_seed_same_draws_other_seed_other_draws(small_fit):
    one = bootstrap_cfa(small_fit, 20, seed=3)
    two = bootstrap_cfa(small_fit, 20, seed=3)
    other = bootstrap_cfa(small_fit, 20, seed=4)
    np.testing.assert_array_equal(one.indices, two.indices)
    pd.testing.assert_frame_equal(one.draws, two.draws)
    assert not np.array_equal(one.indices, other.indices)
    gen = bootstrap_cfa(small_fit, 20, seed=np.random.default_rng(3))
    np.testing.assert_array_equal(gen.indices, one.indices)


def test_identity_resamples_give_the_estimates_and_zero_se(small_fit):
    idx = np.tile(np.arange(150), (3, 1))
    boot = bootstrap_cfa(small_fit, indices=idx)
    free = boot.row_param >= 0
    np.testing.assert_allclose(boot.draws.to_numpy(),
                               np.tile(small_fit.estimates["est"].to_numpy()[free], (3, 1)),
                               atol=1e-7)
    np.testing.assert_allclose(boot.estimates["se"], 0.0, atol=1e-7)


def test_result_shape_fixed_rows_and_printing(small_fit):
    boot = bootstrap_cfa(small_fit, 30, seed=1, ci_type="basic", ci_level=0.9)
    assert isinstance(boot, CFABootstrapResult)
    assert boot.draws.shape == (30, 8) and boot.n_failed == 0
    assert boot.draws.columns[0] == "f=~b"
    fixed = boot.row_param < 0
    est = boot.estimates
    assert (est.loc[fixed, "se"] == 0).all() and est.loc[fixed, "z"].isna().all()
    np.testing.assert_array_equal(est.loc[fixed, "ci_lower"], est.loc[fixed, "est"])
    assert (est.loc[~fixed, "ci_lower"] < est.loc[~fixed, "ci_upper"]).all()
    assert boot.ci_type == "basic" and boot.ci_level == 0.9
    pd.testing.assert_frame_equal(boot.confidence_interval()[["ci_lower", "ci_upper"]],
                                  est[["ci_lower", "ci_upper"]])
    wider = boot.confidence_interval("perc", 0.99)
    assert ((wider["ci_upper"] - wider["ci_lower"])[~fixed]
            > (est["ci_upper"] - est["ci_lower"])[~fixed]).all()
    assert "CFA bootstrap" in boot.summary() and boot.to_frame() is boot.estimates


def test_groups_resample_within_each_group(small):
    fit = cfa(small, SMALL, group="g", missing="fiml")
    boot = bootstrap_cfa(fit, 15, seed=2)
    assert (boot.indices[:, :75] < 75).all() and (boot.indices[:, 75:] >= 75).all()
    assert boot.draws.shape[0] == 15 and boot.n_failed == 0
    assert any(name.endswith(".g2") for name in boot.draws.columns)


def test_fiml_with_holes_runs_and_keeps_input(small):
    holes = small.copy()
    holes.iloc[::7, 1] = np.nan
    before = holes.copy()
    fit = cfa(holes, SMALL, missing="fiml", se="bootstrap", bootstrap=10, seed=5)
    pd.testing.assert_frame_equal(holes, before)
    assert fit.bootstrap.n_boot == 10
    np.testing.assert_array_equal(fit.estimates["se"], fit.bootstrap.estimates["se"])


def test_failed_draw_is_dropped_with_a_warning(small_fit):
    idx = np.tile(np.arange(150), (3, 1))
    idx[1] = 0  # one case drawn 150 times: no covariance, no finite optimum
    with pytest.warns(ConvergenceWarning, match="1 of 3 bootstrap draws did not converge"):
        boot = bootstrap_cfa(small_fit, indices=idx)
    assert boot.n_failed == 1 and boot.draws.iloc[1].isna().all()
    assert boot.draws.drop(index=1).notna().all().all()


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"n_boot": 1}, ValueError, "`n_boot` must be at least 2"),
    ({"n_boot": 2.5}, TypeError, "`n_boot` must be an int"),
    ({"ci_type": "bca"}, ValueError, "`ci_type` must be one of"),
    ({"ci_level": 1.5}, ValueError, "`ci_level` must lie in"),
    ({"indices": np.zeros((3, 10), dtype=int)}, ValueError, "n_boot x 150"),
    ({"indices": np.full((3, 150), 150)}, ValueError, r"must lie in \[0, 149\]"),
    ({"indices": np.full((3, 150), 0.5)}, TypeError, "must hold integers"),
    ({"indices": np.zeros((1, 150), dtype=int)}, ValueError, "`n_boot` must be at least 2"),
    ({"indices": np.zeros((3, 150), dtype=int), "n_boot": 5}, ValueError, "has 3 rows"),
])
def test_bad_arguments_name_the_argument(small_fit, kwargs, error, match):
    with pytest.raises(error, match=f"bootstrap_cfa: .*{match}"):
        bootstrap_cfa(small_fit, **kwargs)


def test_indices_must_stay_in_their_group(small):
    fit = cfa(small, SMALL, group="g")
    idx = np.tile(np.arange(150), (2, 1))
    idx[0, 0] = 100
    with pytest.raises(ValueError, match=r"group 1 columns 0\.\.74"):
        bootstrap_cfa(fit, indices=idx)


def test_fit_must_be_ml(small):
    with pytest.raises(TypeError, match="`fit` must be a CFAResult"):
        bootstrap_cfa(small, 10)
    codes = small[list("abcd")].apply(lambda col: np.digitize(col, [-0.5, 0.5]) + 1)
    wlsmv = cfa(codes, SMALL, estimator="WLSMV")
    with pytest.raises(ValueError, match="estimator='WLSMV'"):
        bootstrap_cfa(wlsmv, 10)
    with pytest.raises(ValueError, match="cfa: se='bootstrap' is available for"):
        cfa(codes, SMALL, estimator="WLSMV", se="bootstrap")


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"se": "robust"}, "`se` must be one of"),
    ({"se": "bootstrap", "bootstrap": 1}, "`bootstrap` .* must be an int >= 2"),
])
def test_cfa_se_arguments(small, kwargs, match):
    with pytest.raises(ValueError, match=f"cfa: {match}"):
        cfa(small, SMALL, **kwargs)


def test_cfa_mlr_bootstrap_keeps_the_scaled_test(small):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = cfa(small, SMALL, estimator="MLR", se="bootstrap", bootstrap=20, seed=1)
    plain = cfa(small, SMALL, estimator="MLR")
    pd.testing.assert_series_equal(fit.fit_measures, plain.fit_measures)
    assert fit.bootstrap.draws.shape == (20, 8)
    text = fit.summary()
    assert "Standard errors" in text and "Number of successful bootstrap draws" in text
    assert "Bootstrap" not in plain.summary()


def test_norm_inter_order_statistics():
    t = np.arange(1.0, 10.0)[:, None]  # R = 9
    assert norm_inter(t, np.array([0.5]))[0] == 5.0        # (R + 1) alpha = 5: t_(5)
    assert norm_inter(t, np.array([0.05]))[0] == 1.0       # k = 0: smallest
    assert norm_inter(t, np.array([0.95]))[0] == 9.0       # k = R: largest
    mid = norm_inter(t, np.array([0.25]))[0]               # between t_(2) and t_(3)
    assert 2.0 < mid < 3.0


def test_bootstrap_se_close_to_wald_se_on_normal_data(small_fit):
    """Normal data, a true model: bootstrap and expected-information SEs agree roughly."""
    boot = bootstrap_cfa(small_fit, 400, seed=11)
    free = small_fit.estimates["se"] > 0
    ratio = boot.estimates.loc[free, "se"] / small_fit.estimates.loc[free, "se"]
    assert ((ratio > 0.75) & (ratio < 1.33)).all()


def test_woodbury_inverse_equals_the_general_one(small_fit):
    """Diagonal Theta: the Woodbury path gives the same f and gradient as the general one."""
    import importlib

    engine = importlib.import_module("werkalliantie_stats.psychometrics.cfa.boot_engine")
    state = small_fit.state
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 150, size=(6, 150))
    moments = [engine.draw_moments(0, state.groups[0], engine.draw_counts(idx, 150))]
    fast = engine.DrawObjective(state.model, moments, False, 150)
    slow = engine.DrawObjective(state.model, moments, False, 150)
    slow._diag_theta = [False]
    xs = state.x + rng.normal(scale=0.05, size=(6, state.model.npar))
    xs[0, 4] = -0.2  # a negative residual variance: Woodbury declines, general path used
    rows = np.arange(6)
    for (f1, g1), (f2, g2) in [(fast(xs, rows), slow(xs, rows))]:
        np.testing.assert_allclose(f1, f2, rtol=1e-12)
        np.testing.assert_allclose(g1, g2, rtol=1e-9, atol=1e-12)
    assert fast._diag_theta == [True]


def test_bollen_stine_rotation_fits_the_model_exactly(small):
    """The rotated data's moments are the implied ones: chi-square 0, same estimates."""
    import importlib

    engine = importlib.import_module("werkalliantie_stats.psychometrics.cfa.boot_engine")
    fit = cfa(small, SMALL, group="g")
    rotated = engine.bollen_stine_data(fit.state.groups, fit.state.implied(), True)
    frame = pd.DataFrame(np.vstack(rotated), columns=list("abcd"))
    frame["g"] = np.repeat(["x", "y"], 75)
    refit = cfa(frame, SMALL, group="g")
    assert refit.fit_measures["chisq"] < 1e-8
    np.testing.assert_allclose(refit.estimates["est"], fit.estimates["est"], atol=1e-6)


def test_bollen_stine_options(small, small_fit):
    boot = bootstrap_cfa(small_fit, 30, seed=1, type="bollen.stine")
    assert 0 <= boot.pvalue_bollen_stine <= 1 and np.isfinite(boot.chisq_draws).all()
    plain = bootstrap_cfa(small_fit, 30, seed=1)
    assert np.isnan(plain.pvalue_bollen_stine) and np.isfinite(plain.chisq_draws).all()
    with pytest.raises(ValueError, match="bootstrap_cfa: `type` must be one of"):
        bootstrap_cfa(small_fit, 10, type="parametric")
    fiml = cfa(small, SMALL, missing="fiml")
    with pytest.raises(ValueError, match=r"type='bollen\.stine' needs complete data"):
        bootstrap_cfa(fiml, 10, type="bollen.stine")
    assert np.isnan(bootstrap_cfa(fiml, 5, seed=1).chisq_draws).all()
