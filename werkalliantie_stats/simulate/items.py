"""Ordinal item responses from latent scores.

``y*_j = lambda_j eta_s(j) + sqrt(1 - lambda_j^2) e_j`` (e_j ~ N(0, 1) independent),
keyed response ``1 + sum_a 1[y*_j > tau_ja]`` on 1..5; a reverse-worded item's raw
response is ``6 - keyed``. Each response is then missing with probability
``item_missing_rate``, completely at random.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .layout import item_subscale, reverse_mask

if TYPE_CHECKING:
    from .parameters import SimulationParameters

__all__ = ["draw_responses"]


def draw_responses(rng: np.random.Generator, eta: np.ndarray,
                   params: SimulationParameters) -> np.ndarray:
    """Raw responses (..., 2 raters, 20 items) as floats with NaN for missing.

    ``eta`` has shape (..., 2, 4): latent scores of client and officer per subscale.
    """
    lam = np.vstack([params.loadings_client, params.loadings_officer]).astype(float)
    tau = np.asarray(params.thresholds, dtype=float)
    signal = lam * eta[..., item_subscale()]
    ystar = signal + np.sqrt(1 - lam**2) * rng.standard_normal(signal.shape)
    keyed = np.ones(ystar.shape, dtype=np.int8)
    for a in range(tau.shape[1]):
        keyed += ystar > tau[:, a]
    raw = np.where(reverse_mask(), 6 - keyed, keyed).astype(float)
    raw[rng.random(raw.shape) < params.item_missing_rate] = np.nan
    return raw
