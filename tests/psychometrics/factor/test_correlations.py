"""Pearson and polychoric correlations against R (psych 2.2.9), and the bivariate normal."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from factor_helpers import ref_matrix
from numpy.testing import assert_allclose
from scipy import integrate
from scipy.stats import multivariate_normal, norm

from werkalliantie_stats.exceptions import NonPositiveDefiniteWarning
from werkalliantie_stats.psychometrics import pearson, polychoric
from werkalliantie_stats.psychometrics._bivariate_normal import bvn_cdf
from werkalliantie_stats.psychometrics.correlation import smooth_correlation


@pytest.mark.parametrize("r", [-0.999, -0.97, -0.93, -0.6, -0.1, 0.0, 0.3, 0.8, 0.924,
                               0.926, 0.96, 0.995])
def test_bvn_cdf_matches_scipy_across_correlation_regimes(r):
    rng = np.random.default_rng(int(abs(r) * 1000))
    h, k = rng.normal(scale=1.5, size=(2, 25))
    dist = multivariate_normal(cov=[[1, r], [r, 1]])
    expected = [dist.cdf([a, b]) for a, b in zip(h, k, strict=True)]
    assert_allclose(bvn_cdf(h, k, r), expected, atol=1e-12)


@pytest.mark.parametrize(("h", "k", "r"), [(0.3, -0.4, 0.5), (-1.2, 0.7, -0.95), (1.1, 1.0, 0.97)])
def test_bvn_cdf_matches_direct_integration(h, k, r):
    s = np.sqrt(1 - r * r)
    exact, _ = integrate.quad(lambda x: norm.pdf(x) * norm.cdf((k - r * x) / s), -np.inf, h,
                              epsabs=1e-14, epsrel=1e-12)
    assert bvn_cdf(h, k, r) == pytest.approx(exact, abs=1e-11)


def test_bvn_cdf_infinite_limits_are_univariate():
    assert_allclose(bvn_cdf([np.inf, 0.5, -np.inf], [0.5, np.inf, 0.2], 0.4),
                    [norm.cdf(0.5), norm.cdf(0.5), 0.0], atol=1e-15)


def test_pearson_pairwise_and_listwise_match_r(bfi, ref):
    """R: cor(items, use = "pairwise") and cor(items, use = "complete.obs")."""
    fixture = ref("bfi_poly.json")
    assert_allclose(pearson(bfi).correlation, ref_matrix(fixture["pearson_pairwise"]), atol=1e-12)
    listwise = pearson(bfi, missing="listwise")
    assert_allclose(listwise.correlation, ref_matrix(fixture["pearson_listwise"]), atol=1e-12)
    assert listwise.pair_counts.loc["A1", "A2"] < pearson(bfi).pair_counts.loc["A1", "A2"] + 1


def test_polychoric_matches_psych_on_bfi(bfi, ref):
    """R: psych::polychoric(bfi[, 1:25]). psych's optimize() stops at tol ~1.2e-4, so the
    correlations agree to 1e-4 absolute (observed 2e-5); thresholds are closed-form."""
    fixture = ref("bfi_poly.json")
    res = polychoric(bfi)
    assert_allclose(res.correlation, ref_matrix(fixture["rho"]), atol=1e-4, rtol=0)
    assert_allclose(res.thresholds.to_numpy(), ref_matrix(fixture["tau"]).to_numpy(),
                    atol=1e-12)
    assert res.global_thresholds and res.converged and not res.smoothed
    assert list(res.correlation.columns) == list(bfi.columns)


def test_polychoric_unequal_categories_uses_per_pair_thresholds(bfi, ref):
    """R: polychoric() with A1 capped at 4 and A3 at 5: psych sets global = FALSE."""
    items = bfi[["A1", "A2", "A3", "A4", "A5"]].copy()
    items["A1"] = items["A1"].clip(upper=4)
    items["A3"] = items["A3"].clip(upper=5)
    fixture = ref("bfi_poly_unequal.json")
    res = polychoric(items)
    assert not res.global_thresholds
    assert_allclose(res.correlation, ref_matrix(fixture["rho"]), atol=1e-4, rtol=0)
    expected_tau = ref_matrix(fixture["tau"]).to_numpy()
    expected_tau[np.isnan(expected_tau)] = np.inf  # JSON null = qnorm(1)
    assert_allclose(res.thresholds.to_numpy(), expected_tau, atol=1e-12)


def test_polychoric_continuity_correction_warns_and_changes_estimate():
    rng = np.random.default_rng(5)
    latent = rng.multivariate_normal([0, 0], [[1, .7], [.7, 1]], 60)
    items = pd.DataFrame({"a": np.digitize(latent[:, 0], [-1.5, 0, 1.5]) + 1,
                          "b": np.digitize(latent[:, 1], [-0.5, 0.5]) + 1})
    with pytest.warns(Warning, match="continuity correction"):
        corrected = polychoric(items)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = polychoric(items, correct=0)
    assert corrected.n_corrected_pairs == 1
    assert corrected.correlation.loc["a", "b"] != plain.correlation.loc["a", "b"]


def test_smoothing_matches_psych_cor_smooth(ref):
    """R: psych::cor.smooth(bad) on a non-positive-definite matrix."""
    fixture = ref("cor_smooth.json")
    with pytest.warns(NonPositiveDefiniteWarning, match="smoothed"):
        smoothed, done = smooth_correlation(ref_matrix(fixture["matrix"]).to_numpy())
    assert done
    assert_allclose(smoothed, ref_matrix(fixture["smoothed"]).to_numpy(), atol=1e-12)


def test_polychoric_recovers_latent_correlation():
    rng = np.random.default_rng(2)
    latent = rng.multivariate_normal([0, 0], [[1, .5], [.5, 1]], 20000)
    items = pd.DataFrame(np.digitize(latent, [-1, -0.2, 0.6, 1.4]) + 1, columns=["a", "b"])
    assert polychoric(items).correlation.loc["a", "b"] == pytest.approx(0.5, abs=0.02)


def test_inputs_are_not_modified(bfi):
    before = bfi.copy()
    polychoric(bfi.iloc[:300, :6])
    pearson(bfi, missing="listwise")
    pd.testing.assert_frame_equal(bfi, before)


def test_polychoric_sparse_unequal_categories_psych_or_polycor(ref):
    """Sparse items, unequal categories (psych's per-pair route). Where psych's continuity
    correction leaves a cumulative margin below 1, we match psych::polychoric(global =
    FALSE); where it exceeds 1 psych stops with an error and we match polycor::polychor
    (uncorrected two-step); at exactly 1 psych returns rounding noise, so polycor there too.
    Observed deviation 2e-5 (both optimisers stop near 1e-5)."""
    from reference_io import read_reference_csv

    from werkalliantie_stats.exceptions import EmptyCategoryWarning

    items = read_reference_csv("psychometrics/factor/sparse_items.csv")
    fixture = ref("sparse_polychoric.json")
    with pytest.warns(EmptyCategoryWarning, match="polycor::polychor") as record:
        res = polychoric(items, smooth=False)
    assert any("continuity correction (0.5);" in str(w.message) for w in record)
    got = res.correlation.to_numpy()[fixture["i"], fixture["j"]]
    sources = np.array(fixture["source"])
    assert {"psych", "polycor"} <= set(sources)
    assert_allclose(got, fixture["rho"], atol=1e-4, rtol=0)
    assert res.converged and not res.global_thresholds
