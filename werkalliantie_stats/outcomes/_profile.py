"""Profile-likelihood confidence limits for one logit coefficient.

The limits are the two roots of the signed root deviance
``z(t) = sign(t - b_j) sqrt(2 (l(b) - max_{b: b_j = t} l(b)))`` at ``z = -q`` and
``z = +q`` with ``q`` the normal quantile of the level, found with Brent's method
(to 1e-10). For a Firth fit ``l`` is the penalised log-likelihood (as logistf's
profile-penalised-likelihood intervals). R's ``confint.glm`` (MASS) instead
interpolates ``z`` by a spline through a grid of profile points, so its limits
differ from the exact roots in about the fifth digit.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

from ._newton import LogitFit, fit_logit

__all__ = ["profile_limits", "profile_lr_pvalue"]


def _profiled(X: np.ndarray, y: np.ndarray, fit: LogitFit, j: int, value: float,
              penalised: bool) -> float:
    return fit_logit(X, y, penalised=penalised, start=fit.coef, fixed=j,
                     fixed_value=value).objective


def _limit(signed_root, centre: float, width: float, target: float, direction: int) -> float:
    inner, outer = centre, centre + direction * width
    for _ in range(60):
        if direction * (signed_root(outer) - target) >= 0:
            return optimize.brentq(lambda t: signed_root(t) - target, min(inner, outer),
                                   max(inner, outer), xtol=1e-10, rtol=1e-13)
        inner, outer, width = outer, outer + direction * width, width * 1.5
    return direction * np.inf  # the profile never drops far enough: an open interval


def profile_limits(X: np.ndarray, y: np.ndarray, fit: LogitFit, j: int, se: float,
                   level: float, penalised: bool) -> tuple[float, float]:
    """Lower and upper profile-likelihood limits of coefficient ``j`` at ``level``."""
    centre = float(fit.coef[j])
    q = stats.norm.ppf(0.5 + level / 2)

    def signed_root(t: float) -> float:
        drop = 2.0 * (fit.objective - _profiled(X, y, fit, j, t, penalised))
        return float(np.sign(t - centre) * np.sqrt(max(drop, 0.0)))

    width = se if np.isfinite(se) and se > 0 else 1.0
    return (_limit(signed_root, centre, width, -q, -1),
            _limit(signed_root, centre, width, q, 1))


def profile_lr_pvalue(X: np.ndarray, y: np.ndarray, fit: LogitFit, j: int,
                      penalised: bool) -> float:
    """Likelihood-ratio p-value of ``b_j = 0`` (penalised for a Firth fit), 1 df."""
    drop = 2.0 * (fit.objective - _profiled(X, y, fit, j, 0.0, penalised))
    return float(stats.chi2.sf(max(drop, 0.0), 1))
