"""Latent alliance scores: officers, dyads, raters, two waves.

``eta_irs(w1) = mu_rs + sqrt(icc) u_o(i)s + sqrt(rho_s - icc) a_is + sqrt(1 - rho_s) e_irs``

with officer part u, dyad part a and rater parts e independent N(0, Phi) vectors over
the four subscales. Wave 2 keeps a share ``stability`` of the wave-1 deviation and adds
a fresh draw of the same structure:

``eta_irs(w2) = mu_rs + shift_s + delta [s = vertrouwen] change_i
                + beta (eta_irs(w1) - mu_rs) + sqrt(1 - beta^2) xi_irs``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .population import latent_means

if TYPE_CHECKING:
    from .parameters import SimulationParameters

__all__ = ["assign_officers", "draw_wave1", "draw_wave2"]

_TRUST = 2  # index of vertrouwen


def assign_officers(rng: np.random.Generator, n_dyads: int,
                    params: SimulationParameters) -> np.ndarray:
    """Officer index (0-based, in order of first dyad) of each dyad.

    Officer caseload sizes (1, 2, 3, ... clients) are drawn from ``officer_sizes`` until
    they cover ``n_dyads``; the last officer's caseload is cut to fit.
    """
    probs = np.asarray(params.officer_sizes, dtype=float)
    sizes = np.empty(0, dtype=int)
    while sizes.sum() < n_dyads:
        sizes = np.concatenate([sizes, 1 + rng.choice(len(probs), size=n_dyads, p=probs)])
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n_dyads) + 1)]
    return np.repeat(np.arange(len(sizes)), sizes)[:n_dyads]


def _structured(rng: np.random.Generator, officer: np.ndarray,
                params: SimulationParameters) -> np.ndarray:
    """Centred latent deviations (n, 2, 4): officer + dyad + rater parts."""
    n = len(officer)
    chol = np.linalg.cholesky(np.asarray(params.factor_correlation, dtype=float))
    rho = np.asarray(params.rater_correlation, dtype=float)
    icc = params.officer_icc
    n_officers = int(officer.max()) + 1
    u = rng.standard_normal((n_officers, 4)) @ chol.T
    a = rng.standard_normal((n, 4)) @ chol.T
    e = rng.standard_normal((n, 2, 4)) @ chol.T
    shared = np.sqrt(icc) * u[officer] + np.sqrt(rho - icc) * a
    return shared[:, None, :] + np.sqrt(1 - rho) * e


def draw_wave1(rng: np.random.Generator, officer: np.ndarray,
               params: SimulationParameters) -> np.ndarray:
    """Wave-1 latent scores (n, 2 raters, 4 subscales), including rater means."""
    return latent_means(params)[None] + _structured(rng, officer, params)


def draw_wave2(rng: np.random.Generator, officer: np.ndarray, wave1: np.ndarray,
               officer_change: np.ndarray, params: SimulationParameters) -> np.ndarray:
    """Wave-2 latent scores (n, 2, 4) given wave 1 and the officer-change indicator."""
    mu = latent_means(params)[None]
    beta = params.stability
    fresh = _structured(rng, officer, params)
    eta = mu + beta * (wave1 - mu) + np.sqrt(1 - beta**2) * fresh
    eta = eta + np.asarray(params.wave2_shift, dtype=float)
    eta[:, :, _TRUST] += params.officer_change_trust_effect * officer_change[:, None]
    return eta
