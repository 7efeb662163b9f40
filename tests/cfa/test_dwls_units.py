"""Unit and property tests of the DWLS pieces: bivariate normal, model derivatives,
scaled-shifted test, bad input and warnings."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from werkalliantie_stats.exceptions import ConvergenceWarning
from werkalliantie_stats.psychometrics._bivariate_normal import bvn_cdf, bvn_pdf
from werkalliantie_stats.psychometrics.cfa.dwls import fit_dwls, scaled_shifted_test
from werkalliantie_stats.psychometrics.cfa.ordinal import (
    delta_implied,
    delta_implied_derivatives,
    ordinal_sample_statistics,
    simple_structure_model,
)


def _bvn_by_quadrature(h, k, r):
    """P(X <= h, Y <= k) = int_{-inf}^{h} phi(x) Phi((k - r x) / sqrt(1 - r^2)) dx, split
    where the inner cdf steps (x = k / r) so that quad resolves it for |r| near 1."""
    s = np.sqrt(1 - r * r)

    def integrand(x):
        return stats.norm.pdf(x) * stats.norm.cdf((k - r * x) / s)

    cuts = [-40.0] + ([k / r] if r != 0 and -40 < k / r < h else []) + [h]
    return sum(integrate.quad(integrand, a, b, epsabs=1e-14, epsrel=1e-13, limit=200)[0]
               for a, b in itertools.pairwise(cuts))


@pytest.mark.parametrize("r", [-0.999, -0.95, -0.6, -0.2, 0.0, 0.1, 0.5, 0.8, 0.93, 0.99])
@pytest.mark.parametrize(("h", "k"), [(-1.3, 0.4), (0.2, 0.9), (1.7, -2.1), (0.0, 0.0)])
def test_bvn_cdf_against_quadrature(h, k, r):
    assert bvn_cdf(h, k, r) == pytest.approx(_bvn_by_quadrature(h, k, r), abs=1e-10)


def test_bvn_cdf_limits_and_independence():
    assert bvn_cdf(np.inf, 0.3, 0.5) == pytest.approx(stats.norm.cdf(0.3), abs=1e-15)
    assert bvn_cdf(-np.inf, 0.3, 0.5) == 0.0
    assert bvn_cdf(0.7, np.inf, -0.5) == pytest.approx(stats.norm.cdf(0.7), abs=1e-15)
    assert bvn_cdf(0.4, -0.8, 0.0) == pytest.approx(stats.norm.cdf(0.4) * stats.norm.cdf(-0.8))


@settings(max_examples=50, deadline=None)
@given(h=st.floats(-4, 4), k=st.floats(-4, 4), r=st.floats(-0.99, 0.99))
def test_bvn_pdf_is_derivative_of_cdf_in_rho(h, k, r):
    eps = 1e-5
    numeric = (bvn_cdf(h, k, r + eps) - bvn_cdf(h, k, r - eps)) / (2 * eps)
    assert bvn_pdf(h, k, r) == pytest.approx(numeric, rel=1e-6, abs=1e-8)  # FD error


def test_matrix_derivatives_match_finite_differences():
    rng = np.random.default_rng(4)
    lam = rng.uniform(0.3, 0.9, (6, 2))
    psi = np.array([[1.2, 0.3], [0.3, 0.8]])
    tau = rng.normal(size=4)
    d = delta_implied_derivatives(lam, psi, 4)
    eps = 1e-6
    for i in range(6):
        for f in range(2):
            step = np.zeros_like(lam)
            step[i, f] = eps
            num = (delta_implied(lam + step, psi, tau) - delta_implied(lam - step, psi, tau))
            np.testing.assert_allclose(d["lambda"][:, i * 2 + f], num / (2 * eps), atol=1e-8)
    sym = np.array([[0.0, 1.0], [1.0, 0.0]]) * eps
    num = (delta_implied(lam, psi + sym, tau) - delta_implied(lam, psi - sym, tau)) / (2 * eps)
    np.testing.assert_allclose(d["psi"][:, 1], num, atol=1e-8)
    np.testing.assert_allclose(d["psi"][:, 2], num, atol=1e-8)
    np.testing.assert_allclose(d["tau"][:4], np.eye(4))


def test_scaled_shifted_is_identity_when_gamma_is_inverse_weight():
    """With Gamma = W^-1 (DWLS = efficient WLS), U Gamma is a projection of rank df."""
    rng = np.random.default_rng(9)
    w = rng.uniform(0.5, 2.0, 12)
    jac = rng.normal(size=(12, 4))
    out = scaled_shifted_test(17.0, 8, jac, w, np.diag(1 / w))
    assert out["trace_ugamma"] == pytest.approx(8)
    assert out["trace_ugamma2"] == pytest.approx(8)
    assert out["scaling_factor"] == pytest.approx(1)
    assert out["shift"] == pytest.approx(0, abs=1e-12)
    assert out["stat"] == pytest.approx(17.0)


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(21)
    latent = rng.normal(size=(400, 1))
    y = 0.7 * latent + 0.7 * rng.normal(size=(400, 5))
    data = pd.DataFrame(np.digitize(y, [-0.7, 0.1, 0.9]) + 1,
                        columns=[f"i{k}" for k in range(1, 6)])
    stats_ = ordinal_sample_statistics(data)
    return stats_, simple_structure_model({"F": list(data.columns)}, stats_)


def test_marker_and_std_lv_give_the_same_fit(small):
    stats_, marker = small
    std = simple_structure_model({"F": list(stats_.items)}, stats_, std_lv=True)
    a, b = fit_dwls(stats_, marker), fit_dwls(stats_, std)
    assert a.fit_measures["chisq"] == pytest.approx(b.fit_measures["chisq"], rel=1e-8)
    np.testing.assert_allclose(marker.standardized_loadings(a.theta),
                               std.standardized_loadings(b.theta), rtol=1e-6)


def test_convergence_warning(small):
    stats_, model = small
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        fit = fit_dwls(stats_, model, start=model.start(stats_) * 0.5, max_iter=1)
    assert not fit.converged


def test_rejects_wrong_stats_type(small):
    _, model = small
    with pytest.raises(TypeError, match=r"fit_dwls.*OrdinalSampleStats"):
        fit_dwls(np.zeros(3), model)


def test_rejects_model_without_methods(small):
    stats_, _ = small
    with pytest.raises(TypeError, match=r"fit_dwls.*implied\(theta\)"):
        fit_dwls(stats_, object(), start=np.zeros(2))


def test_rejects_model_of_other_items(small):
    stats_, _ = small
    other = simple_structure_model({"F": ["a", "b", "c"]}, {"a": 3, "b": 3, "c": 3})
    with pytest.raises(ValueError, match=r"fit_dwls.*returns 12 statistics.*has 25"):
        fit_dwls(stats_, other, start=np.ones(other.n_free))


@pytest.mark.parametrize(("pattern", "message"), [
    ({"F": ["i1", "i2", "x9"]}, r"\['x9'\].*not among"),
    ({"F": ["i1", "i2", "i3"], "G": ["i3", "i4", "i5"]}, r"\['i3'\].*more than one"),
    ({"F": ["i1", "i2", "i3"]}, r"\['i4', 'i5'\].*in no factor"),
    ({"F": ["i1", "i2", "i3", "i4"], "G": ["i5"]}, r"\['G'\].*fewer than two"),
    ({}, "non-empty dict"),
])
def test_pattern_errors(small, pattern, message):
    stats_, _ = small
    with pytest.raises((ValueError, TypeError), match=message):
        simple_structure_model(pattern, stats_)


def test_rejects_bad_start(small):
    stats_, model = small
    with pytest.raises(ValueError, match=r"fit_dwls: `start` must be 20 finite values"):
        fit_dwls(stats_, model, start=np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        fit_dwls(stats_, model, start=np.full(model.n_free, np.nan))
