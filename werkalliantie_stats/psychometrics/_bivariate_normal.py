"""Vectorised standard bivariate normal distribution function.

``bvn_cdf(h, k, r)`` returns P(X < h, Y < k) for a standard bivariate normal pair with
correlation ``r``, elementwise over broadcast arrays. The method is the one of Drezner &
Wesolowsky (1990) as refined by Genz (2004): Gauss-Legendre quadrature of Sheppard's
integral over ``asin(r)`` when ``|r| < 0.925``, and an expansion around ``|r| = 1`` with a
quadrature remainder otherwise. Accuracy is close to double precision (checked against
scipy in the tests), and a single call evaluates every cell of every contingency table.

References
----------
1. Drezner, Z., & Wesolowsky, G. O. (1990). On the computation of the bivariate normal
   integral. Journal of Statistical Computation and Simulation, 35, 101-107.
2. Genz, A. (2004). Numerical computation of rectangular bivariate and trivariate normal
   and t probabilities. Statistics and Computing, 14, 251-260.
"""

from __future__ import annotations

import numpy as np
from numpy.polynomial.legendre import leggauss
from scipy.special import ndtr

__all__ = ["bvn_cdf", "bvn_pdf"]

_NODES, _WEIGHTS = leggauss(20)  # on [-1, 1]
_TWO_PI = 2.0 * np.pi


def bvn_pdf(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Standard bivariate normal density at (h, k); zero where h or k is infinite."""
    h, k, r = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (h, k, r)))
    one_minus = 1.0 - r * r
    with np.errstate(invalid="ignore", over="ignore"):
        q = (h * h - 2.0 * r * h * k + k * k) / one_minus
        dens = np.exp(-0.5 * q) / (_TWO_PI * np.sqrt(one_minus))
    return np.where(np.isfinite(h) & np.isfinite(k), dens, 0.0)


def _sheppard(h, k, r):
    """Phi(h)Phi(k) + (1/2pi) int_0^asin(r) exp(-(h^2+k^2-2hk sin t)/(2cos^2 t)) dt."""
    half = np.arcsin(r) / 2.0
    t = half[..., None] * (_NODES + 1.0)
    sn = np.sin(t)
    hk = (h * k)[..., None]
    hs = ((h * h + k * k) / 2.0)[..., None]
    integrand = np.exp((sn * hk - hs) / (1.0 - sn * sn))
    return half * (integrand @ _WEIGHTS) / _TWO_PI + ndtr(h) * ndtr(k)


def _upper_high(h, k, r):
    """P(X > h, Y > k) for |r| >= 0.925 (Genz 2004, section 2.3)."""
    negative = r < 0
    k = np.where(negative, -k, k)
    hk = h * k
    a2 = (1.0 - r) * (1.0 + r)
    a = np.sqrt(a2)
    bs = (h - k) ** 2
    c = (4.0 - hk) / 8.0
    d = (12.0 - hk) / 16.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        asr = -(bs / a2 + hk) / 2.0
        bvn = np.where(asr > -100.0,
                       a * np.exp(asr) * (1.0 - c * (bs - a2) * (1.0 - d * bs / 5.0) / 3.0
                                          + c * d * a2 * a2 / 5.0), 0.0)
        b = np.sqrt(bs)
        sp = np.sqrt(_TWO_PI) * ndtr(-b / a)
        tail = np.exp(-hk / 2.0) * sp * b * (1.0 - c * bs * (1.0 - d * bs / 5.0) / 3.0)
        bvn = bvn - np.where(hk > -100.0, tail, 0.0)
        half = (a / 2.0)[..., None]
        xs = (half * (_NODES + 1.0)) ** 2
        rs = np.sqrt(1.0 - xs)
        bs_, hk_, c_, d_ = (v[..., None] for v in (bs, hk, c, d))
        asr_q = -(bs_ / xs + hk_) / 2.0
        term = np.exp(asr_q) * (np.exp(-hk_ * (1.0 - rs) / (2.0 * (1.0 + rs))) / rs
                                - (1.0 + c_ * xs * (1.0 + d_ * xs)))
        term = np.where(asr_q > -100.0, term, 0.0)
        bvn = -(bvn + half[..., 0] * (term @ _WEIGHTS)) / _TWO_PI
    pos = bvn + ndtr(-np.maximum(h, k))
    lower = np.where(h < 0, ndtr(k) - ndtr(h), ndtr(-h) - ndtr(-k))
    neg = np.where(h >= k, -bvn, lower - bvn)
    return np.where(negative, np.maximum(neg, 0.0), pos)


def bvn_cdf(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """P(X < h, Y < k) for a standard bivariate normal with correlation ``r``.

    ``h`` and ``k`` may hold -inf/+inf; ``|r|`` must be below 1. Arrays broadcast.
    """
    h, k, r = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (h, k, r)))
    hf = np.where(np.isfinite(h), h, 0.0)
    kf = np.where(np.isfinite(k), k, 0.0)
    low = np.abs(r) < 0.925
    out = np.empty(h.shape)
    if low.any():
        out[low] = _sheppard(hf[low], kf[low], r[low])
    if (~low).any():
        # P(X < h, Y < k) = P(-X > h, -Y > k) with the same correlation
        out[~low] = _upper_high(-hf[~low], -kf[~low], r[~low])
    # infinite limits: exact univariate answers
    out = np.where(h == -np.inf, 0.0, out)
    out = np.where(k == -np.inf, 0.0, out)
    out = np.where((h == np.inf) & (k > -np.inf), ndtr(k), out)
    out = np.where((k == np.inf) & (h > -np.inf), ndtr(h), out)
    out = np.where((h == np.inf) & (k == np.inf), 1.0, out)
    return np.clip(out, 0.0, 1.0)
