"""Bootstrap confidence intervals as lavaan's ``parameterEstimates(boot.ci.type=...)``.

All functions work column-wise on the successful draws ``t`` (R x q, one column per free
parameter) and the full-sample estimates ``est`` (q). With ``a = (1 - level) / 2``:

- ``perc``: the ``a`` and ``1 - a`` quantiles of each column, by ``boot``'s
  ``norm.inter`` (order statistic ``k = trunc((R + 1) alpha)``, interpolated on the
  normal-quantile scale between ``t_(k)`` and ``t_(k+1)``);
- ``basic``: ``2 est - q(1 - a)`` and ``2 est - q(a)``;
- ``norm``: ``est - bias -/+ z(1 - a) se`` with ``bias = mean(t) - est`` and ``se``
  the bootstrap SD with divisor R (lavaan's ``se``);
- ``bca.simple``: bias-corrected percentile without acceleration:
  ``w = Phi^-1(#{t < est} / R)``, quantiles at ``Phi(2 w + z(alpha))``
  (columns whose draws do not vary keep ``(est, est)``).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["CI_TYPES", "bootstrap_intervals", "norm_inter"]

CI_TYPES = ("perc", "norm", "basic", "bca.simple")


def norm_inter(sorted_t: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Quantile ``alpha[j]`` of each sorted column ``sorted_t[:, j]`` (``boot::norm.inter``).

    Returns NaN where ``(R + 1) alpha`` is the integer ``R + 1`` (as R indexes past the
    end there).
    """
    r = sorted_t.shape[0]
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), sorted_t.shape[1:])
    rk = (r + 1) * alpha
    k = np.trunc(rk).astype(int)
    cols = np.arange(sorted_t.shape[1])
    lo = sorted_t[np.clip(k - 1, 0, r - 1), cols]
    hi = sorted_t[np.clip(k, 0, r - 1), cols]
    with np.errstate(divide="ignore", invalid="ignore"):
        q_k, q_k1 = stats.norm.ppf(k / (r + 1)), stats.norm.ppf((k + 1) / (r + 1))
        inter = lo + (stats.norm.ppf(alpha) - q_k) / (q_k1 - q_k) * (hi - lo)
    out = np.where(k == rk, np.where(k <= r, lo, np.nan), inter)
    out = np.where(k == 0, sorted_t[0], out)
    return np.where(k == r, sorted_t[r - 1], out)


def _sd(t: np.ndarray) -> np.ndarray:
    return t.std(axis=0, ddof=0)


def _percentile(t, est, level):
    sorted_t = np.sort(t, axis=0)
    alpha = (1 + np.array([-level, level])) / 2
    return np.column_stack([norm_inter(sorted_t, a) for a in alpha])


def _basic(t, est, level):
    sorted_t = np.sort(t, axis=0)
    alpha = (1 + np.array([level, -level])) / 2
    qq = np.column_stack([norm_inter(sorted_t, a) for a in alpha])
    return 2 * est[:, None] - qq


def _normal(t, est, level):
    a = (1 - level) / 2
    fac = stats.norm.ppf([a, 1 - a])
    bias = t.mean(axis=0) - est
    return (est - bias)[:, None] + _sd(t)[:, None] * fac[None]


def _bca_simple(t, est, level):
    sorted_t = np.sort(t, axis=0)
    zalpha = stats.norm.ppf((1 + np.array([-level, level])) / 2)
    with np.errstate(divide="ignore"):
        w = stats.norm.ppf((t < est).mean(axis=0))
    out = np.column_stack([norm_inter(sorted_t, stats.norm.cdf(w + (w + z))) for z in zalpha])
    constant = t.var(axis=0, ddof=1) == 0
    return np.where(constant[:, None], est[:, None], out)


_METHODS = {"perc": _percentile, "basic": _basic, "norm": _normal, "bca.simple": _bca_simple}


def bootstrap_intervals(t: np.ndarray, est: np.ndarray, level: float, ci_type: str
                        ) -> np.ndarray:
    """``(q, 2)`` lower/upper limits of each free parameter (module docstring)."""
    return _METHODS[ci_type](t, est, level)
