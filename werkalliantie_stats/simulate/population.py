"""Exact population moments implied by :class:`SimulationParameters`.

Each item response is ``X = 1 + sum_a 1[y* > tau_a]`` with ``y* = lambda * eta + e`` a
standard normal variable (var 1) whose mean is ``lambda * E[eta]``. Hence

``E[X] = 1 + sum_a Phi(m - tau_a)`` and, for two responses whose y* correlate ``r``,
``Cov(X, X') = sum_{a,b} [Phi2(m - tau_a, m' - tau'_b; r) - Phi(m - tau_a) Phi(m' - tau'_b)]``
``        = sum_{a,b} int_0^r phi2(tau_a - m, tau'_b - m'; t) dt``

(Plackett's identity, d Phi2 / d r = phi2), integrated here by Gauss-Legendre
quadrature. Every population quantity of the observed subscale means (alpha,
client-officer correlation, ICC, Cohen's d) follows from these moments exactly, for
complete responses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtr

from .layout import ITEMS, N_ITEMS_PER_SUBSCALE, POSITIVE, SUBSCALES, item_subscale

if TYPE_CHECKING:
    from .parameters import SimulationParameters

__all__ = [
    "driver_weights",
    "item_means",
    "latent_covariance",
    "latent_means",
    "ordinal_covariance",
    "population_summary",
    "subscale_pair_moments",
]

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(48)


def latent_covariance(params: SimulationParameters) -> np.ndarray:
    """Covariance (= correlation) of the 8 wave-1 latent scores [client s, officer s].

    ``eta_rs = sqrt(icc) u_s + sqrt(rho_s - icc) a_s + sqrt(1 - rho_s) e_rs`` with the
    officer part ``u``, the dyad part ``a`` and the rater parts ``e_client``, ``e_officer``
    independent, each with correlation matrix ``factor_correlation``.
    """
    phi = np.asarray(params.factor_correlation, dtype=float)
    rho = np.asarray(params.rater_correlation, dtype=float)
    icc = params.officer_icc
    shared = icc * phi + np.outer(np.sqrt(rho - icc), np.sqrt(rho - icc)) * phi
    rater = np.outer(np.sqrt(1 - rho), np.sqrt(1 - rho)) * phi
    return np.kron(np.ones((2, 2)), shared) + np.kron(np.eye(2), rater)


def latent_means(params: SimulationParameters) -> np.ndarray:
    """Wave-1 latent means, shape (2, 4): clients at +d/2, officers at -d/2."""
    half = np.asarray(params.rater_mean_difference, dtype=float) / 2
    return np.vstack([half, -half])


def _loadings(params: SimulationParameters) -> np.ndarray:
    return np.vstack([params.loadings_client, params.loadings_officer]).astype(float)


def item_means(params: SimulationParameters, means: np.ndarray | None = None) -> np.ndarray:
    """Population mean of each positively keyed item response, shape (2 raters, 20)."""
    means = latent_means(params) if means is None else means
    lam = _loadings(params)
    m = lam * means[:, item_subscale()]
    tau = np.asarray(params.thresholds, dtype=float)
    return 1 + ndtr(m[..., None] - tau[None]).sum(axis=-1)


def ordinal_covariance(tau1: np.ndarray, m1: np.ndarray, tau2: np.ndarray, m2: np.ndarray,
                       r: np.ndarray) -> np.ndarray:
    """Covariance of ordinal responses of two item sets whose y* correlate ``r``.

    ``tau1`` (p, 4) and ``m1`` (p,) are the thresholds and y* means of the first set,
    ``tau2`` (q, 4) and ``m2`` (q,) of the second; ``r`` (p, q) the y* correlations
    (|r| < 1). Returns the (p, q) covariance matrix of the responses.
    """
    h = (tau1 - m1[:, None])[:, None, :, None, None]
    k = (tau2 - m2[:, None])[None, :, None, :, None]
    t = (r[:, :, None, None, None] / 2) * (_NODES + 1)
    w = (r[:, :, None, None, None] / 2) * _WEIGHTS
    one_minus = 1 - t**2
    dens = np.exp(-(h**2 - 2 * t * h * k + k**2) / (2 * one_minus)) / (
        2 * np.pi * np.sqrt(one_minus))
    return (w * dens).sum(axis=(2, 3, 4))


def _ordinal_variance(tau: np.ndarray, m: np.ndarray) -> np.ndarray:
    p = ndtr(m[:, None] - tau)  # P(y* > tau_a), decreasing in a
    joint = np.minimum(p[:, :, None], p[:, None, :])
    return (joint - p[:, :, None] * p[:, None, :]).sum(axis=(1, 2))


def _averaging_matrix() -> np.ndarray:
    sub = item_subscale()
    return (sub[None, :] == np.arange(len(SUBSCALES))[:, None]) / N_ITEMS_PER_SUBSCALE


def _item_block(params: SimulationParameters, rater_a: int, rater_b: int, factor_cov: np.ndarray,
                same_person: bool) -> np.ndarray:
    """Covariance of rater_a's items with rater_b's items given factor covariance (4x4)."""
    lam = _loadings(params)
    tau = np.asarray(params.thresholds, dtype=float)
    mu = latent_means(params)
    sub = item_subscale()
    m_a = lam[rater_a] * mu[rater_a, sub]
    m_b = lam[rater_b] * mu[rater_b, sub]
    r = np.outer(lam[rater_a], lam[rater_b]) * factor_cov[np.ix_(sub, sub)]
    if same_person:
        np.fill_diagonal(r, 0.0)
    cov = ordinal_covariance(tau, m_a, tau, m_b, r)
    if same_person:
        np.fill_diagonal(cov, _ordinal_variance(tau, m_a))
    return cov


def subscale_pair_moments(params: SimulationParameters, s: int) -> dict[str, float]:
    """Means, variances and client-officer covariance of subscale ``s``'s observed means.

    The cheap core of calibration: only the 5 x 5 item blocks of one subscale.
    """
    sigma = latent_covariance(params)
    lam = _loadings(params)
    tau = np.asarray(params.thresholds, dtype=float)
    cols = np.flatnonzero(item_subscale() == s)
    mu = latent_means(params)[:, s]
    m = lam[:, cols] * mu[:, None]
    out = {}
    for r, rater in enumerate(("client", "officer")):
        corr = np.outer(lam[r, cols], lam[r, cols]) * sigma[4 * r + s, 4 * r + s]
        np.fill_diagonal(corr, 0.0)
        cov = ordinal_covariance(tau[cols], m[r], tau[cols], m[r], corr)
        np.fill_diagonal(cov, _ordinal_variance(tau[cols], m[r]))
        out[f"var_{rater}"] = float(cov.mean())
        out[f"mean_{rater}"] = float(1 + ndtr(m[r][:, None] - tau[cols]).sum(axis=1).mean())
    corr = np.outer(lam[0, cols], lam[1, cols]) * sigma[s, 4 + s]
    out["cov_client_officer"] = float(
        ordinal_covariance(tau[cols], m[0], tau[cols], m[1], corr).mean())
    return out


def _subscale_moments(params: SimulationParameters) -> dict:
    """Covariances of the observed subscale means within and between raters."""
    sigma = latent_covariance(params)
    phi = np.asarray(params.factor_correlation, dtype=float)
    avg = _averaging_matrix()
    out = {"item_cov": [], "score_cov": [], "same_officer_cov": [], "stability_cov": []}
    for r in range(2):
        block = sigma[4 * r:4 * r + 4, 4 * r:4 * r + 4]
        items = _item_block(params, r, r, block, same_person=True)
        out["item_cov"].append(items)
        out["score_cov"].append(avg @ items @ avg.T)
        officer = _item_block(params, r, r, params.officer_icc * phi, same_person=False)
        out["same_officer_cov"].append(avg @ officer @ avg.T)
        waves = _item_block(params, r, r, params.stability * block, same_person=False)
        out["stability_cov"].append(avg @ waves @ avg.T)
    cross = _item_block(params, 0, 1, sigma[:4, 4:], same_person=False)
    out["cross_cov"] = avg @ cross @ avg.T
    return out


def _alpha(item_cov: np.ndarray) -> np.ndarray:
    sub = item_subscale()
    k = N_ITEMS_PER_SUBSCALE
    alphas = []
    for s in range(len(SUBSCALES)):
        block = item_cov[np.ix_(sub == s, sub == s)]
        alphas.append(k / (k - 1) * (1 - np.trace(block) / block.sum()))
    return np.array(alphas)


def driver_weights(params: SimulationParameters) -> np.ndarray:
    """Weights (5, 8) turning centred wave-1 latents into the outcome drivers.

    Rows 0-3: the dyad's subscale alliance ``z_s = (eta_client,s + eta_officer,s) /
    sqrt(2 + 2 rho_s)`` (SD 1); row 4: the positive composite, the sum of z for the
    three positive subscales divided by its SD.
    """
    rho = np.asarray(params.rater_correlation, dtype=float)
    w = np.zeros((5, 8))
    for s in range(4):
        w[s, s] = w[s, 4 + s] = 1 / np.sqrt(2 + 2 * rho[s])
    z_cov = w[:4] @ latent_covariance(params) @ w[:4].T
    pos = np.zeros(4)
    pos[list(POSITIVE)] = 1
    w[4] = pos @ w[:4] / np.sqrt(pos @ z_cov @ pos)
    return w


def _corr(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


def _by_subscale(values) -> dict[str, float]:
    return {s: float(v) for s, v in zip(SUBSCALES, values, strict=True)}


def _by_item(values) -> dict[str, float]:
    return {i: float(v) for i, v in zip(ITEMS, values, strict=True)}


def _nested(matrix: np.ndarray, names=SUBSCALES) -> list[list[float]]:
    return [[float(x) for x in row] for row in np.asarray(matrix)]


def population_summary(params: SimulationParameters) -> dict:
    """Every population quantity of the observed scores, as plain JSON values.

    Observed-score quantities are for complete responses on wave 1 (missing items and
    the wave-2 officer-change shift are not included).
    """
    mom = _subscale_moments(params)
    sigma = latent_covariance(params)
    keyed = item_means(params)
    avg = _averaging_matrix()
    score_means = keyed @ avg.T
    var = np.array([np.diag(c) for c in mom["score_cov"]])
    cross = np.diag(mom["cross_cov"]) / np.sqrt(var[0] * var[1])
    d_obs = (score_means[0] - score_means[1]) / np.sqrt(var.mean(axis=0))
    w = driver_weights(params)
    drivers = w @ sigma @ w.T
    reverse = np.array([i in ("com4", "bin4", "ver4") for i in ITEMS])
    raw = np.where(reverse, 6 - keyed, keyed)
    return {
        "latent_factor_correlation_within_rater": _nested(sigma[:4, :4]),
        "latent_client_officer_correlation": _nested(sigma[:4, 4:]),
        "latent_officer_icc": float(params.officer_icc),
        "item_means_keyed": {r: _by_item(keyed[i]) for i, r in enumerate(("client", "officer"))},
        "item_means_raw": {r: _by_item(raw[i]) for i, r in enumerate(("client", "officer"))},
        "subscale_item_mean": _by_subscale((keyed @ avg.T).mean(axis=0)),
        "subscale_score_mean": {r: _by_subscale(score_means[i])
                                for i, r in enumerate(("client", "officer"))},
        "subscale_score_sd": {r: _by_subscale(np.sqrt(var[i]))
                              for i, r in enumerate(("client", "officer"))},
        "cronbach_alpha": {r: _by_subscale(_alpha(mom["item_cov"][i]))
                           for i, r in enumerate(("client", "officer"))},
        "score_correlation_within_rater": {r: _nested(_corr(mom["score_cov"][i]))
                                           for i, r in enumerate(("client", "officer"))},
        "score_client_officer_correlation": _by_subscale(cross),
        "score_cohens_d_client_minus_officer": _by_subscale(d_obs),
        "score_officer_icc": {r: _by_subscale(np.diag(mom["same_officer_cov"][i]) / var[i])
                              for i, r in enumerate(("client", "officer"))},
        "score_wave_stability": {r: _by_subscale(np.diag(mom["stability_cov"][i]) / var[i])
                                 for i, r in enumerate(("client", "officer"))},
        "driver_correlation": _nested(drivers),
        "driver_names": [*SUBSCALES, "positive"],
    }
