"""Exact population moments: the quadrature against scipy's bivariate normal CDF."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import multivariate_normal, norm

from werkalliantie_stats.simulate import SimulationParameters
from werkalliantie_stats.simulate.population import (
    driver_weights,
    latent_covariance,
    ordinal_covariance,
)


def _covariance_by_cdf(tau1, m1, tau2, m2, r):
    """Cov of 1 + sum 1[y > tau] for two standard normals (means m1, m2), by scipy CDFs."""
    total = 0.0
    for a in tau1:
        for b in tau2:
            joint = multivariate_normal.cdf([m1 - a, m2 - b], mean=[0, 0],
                                            cov=[[1, r], [r, 1]])
            total += joint - norm.cdf(m1 - a) * norm.cdf(m2 - b)
    return total


@pytest.mark.parametrize("r", [-0.55, 0.1, 0.45, 0.64, 0.8])
def test_ordinal_covariance_matches_bivariate_cdf(r):
    tau1 = np.array([-2.1, -1.4, -0.6, 0.6])
    tau2 = np.array([-0.58, 0.42, 1.22, 1.92])
    ours = ordinal_covariance(tau1[None], np.array([0.15]), tau2[None], np.array([-0.1]),
                              np.array([[r]]))[0, 0]
    ref = _covariance_by_cdf(tau1, 0.15, tau2, -0.1, r)
    assert ours == pytest.approx(ref, abs=2e-6)


def test_latent_covariance_structure():
    p = SimulationParameters()
    sigma = latent_covariance(p)
    assert np.allclose(np.diag(sigma), 1)
    assert np.allclose(np.diag(sigma[:4, 4:]), p.rater_correlation)
    assert np.linalg.eigvalsh(sigma).min() > 0
    # Within a rater: Phi_st * (icc + sqrt((rho_s - icc)(rho_t - icc))
    # + sqrt((1 - rho_s)(1 - rho_t))), within 0.002 of Phi for the default rhos.
    rho, icc, phi = np.array(p.rater_correlation), p.officer_icc, np.array(p.factor_correlation)
    factor = icc + np.sqrt(np.outer(rho - icc, rho - icc)) + np.sqrt(np.outer(1 - rho, 1 - rho))
    assert np.allclose(sigma[:4, :4], phi * factor)
    assert np.allclose(sigma[:4, :4], phi, atol=2e-3)


def test_drivers_have_unit_variance():
    p = SimulationParameters()
    w = driver_weights(p)
    cov = w @ latent_covariance(p) @ w.T
    assert np.allclose(np.diag(cov), 1)


def test_pair_moments_agree_with_the_full_summary():
    from werkalliantie_stats.simulate.population import (
        population_summary,
        subscale_pair_moments,
    )

    p = SimulationParameters()
    full = population_summary(p)
    for s, sub in enumerate(("communicatie", "binding", "vertrouwen", "stroefheid")):
        mom = subscale_pair_moments(p, s)
        r = mom["cov_client_officer"] / np.sqrt(mom["var_client"] * mom["var_officer"])
        assert r == pytest.approx(full["score_client_officer_correlation"][sub], abs=1e-12)
        assert mom["mean_client"] == pytest.approx(
            full["subscale_score_mean"]["client"][sub], abs=1e-12)
        assert np.sqrt(mom["var_officer"]) == pytest.approx(
            full["subscale_score_sd"]["officer"][sub], abs=1e-12)
