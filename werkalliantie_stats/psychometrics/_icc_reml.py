"""REML variance components of the crossed model ``y = mu + target + rater + error``.

The same model that ``psych::ICC(lmer = TRUE)`` fits with ``lme4::lmer(values ~ 1 + (1 | id)
+ (1 | items))``, on the observed ratings only (missing ratings allowed). The REML criterion
is profiled over the residual variance and minimised over the relative standard deviations
``s = (sigma_target, sigma_rater) / sigma_error >= 0`` (lme4's parametrisation). With
``H = I + Z D Z'`` (``Z`` the target and rater indicators, ``D = diag(s^2)``), ``H^{-1}``
and ``|H|`` come from the Woodbury identity, and the ``(n + k)`` system is reduced to a
``k x k`` Schur complement because the target block is diagonal: cost ``O(n k^2)``.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import optimize

from .. import exceptions

__all__ = ["reml_variances"]


class _CrossedDesign:
    """Observed cells of an ``n x k`` rating table and the REML criterion on them."""

    def __init__(self, x: np.ndarray):
        self.n, self.k = x.shape
        rows, cols = np.nonzero(~np.isnan(x))
        self.target, self.rater, self.y = rows, cols, x[rows, cols]
        self.n_target = np.bincount(rows, minlength=self.n).astype(float)
        self.n_rater = np.bincount(cols, minlength=self.k).astype(float)
        self.incidence = np.bincount(rows * self.k + cols,
                                     minlength=self.n * self.k).reshape(self.n, self.k)

    def criterion(self, s: np.ndarray) -> tuple[float, float]:
        """``-2`` times the profiled REML log-likelihood (without constants) and sigma_e^2."""
        sa, sb = np.abs(s)
        a = 1.0 + sa**2 * self.n_target
        b = sa * sb * self.incidence
        schur = np.diag(1.0 + sb**2 * self.n_rater) - b.T @ (b / a[:, None])
        chol = np.linalg.cholesky(schur)
        logdet = np.log(a).sum() + 2.0 * np.log(np.diag(chol)).sum()

        def h_inverse(v: np.ndarray) -> np.ndarray:
            v1 = sa * np.bincount(self.target, v, minlength=self.n)
            v2 = sb * np.bincount(self.rater, v, minlength=self.k)
            u2 = np.linalg.solve(schur, v2 - b.T @ (v1 / a))
            u1 = (v1 - b @ u2) / a
            return v - (sa * u1[self.target] + sb * u2[self.rater])

        hy, h1 = h_inverse(self.y), h_inverse(np.ones_like(self.y))
        xhx = h1.sum()
        rhr = self.y @ hy - (h1 @ self.y) ** 2 / xhx
        dof = self.y.size - 1
        sigma2 = rhr / dof
        return float(dof * np.log(sigma2) + logdet + np.log(xhx)), float(sigma2)


def reml_variances(x: np.ndarray) -> dict[str, float]:
    """Target, rater and residual variances by REML from a ratings table with NaN holes."""
    design = _CrossedDesign(x)
    start = _start(x)
    fit = optimize.minimize(lambda s: design.criterion(s)[0], start, method="Nelder-Mead",
                            bounds=[(0.0, None), (0.0, None)],
                            options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 2000})
    if not fit.success:
        warnings.warn(f"icc: the REML fit did not converge ({fit.message}); compare with "
                      f"method='anova' on complete targets", exceptions.ConvergenceWarning,
                      stacklevel=3)
    s = np.abs(fit.x)
    sigma2 = design.criterion(s)[1]
    return {"target": float(s[0] ** 2 * sigma2), "rater": float(s[1] ** 2 * sigma2),
            "residual": sigma2}


def _start(x: np.ndarray) -> np.ndarray:
    """Moment-based starting values of the relative standard deviations."""
    total = np.nanvar(x)
    target = np.nanvar(np.nanmean(x, axis=1))
    rater = np.nanvar(np.nanmean(x, axis=0))
    residual = max(total - target - rater, 0.05 * total)
    return np.sqrt(np.maximum([target / residual, rater / residual], 0.01))
