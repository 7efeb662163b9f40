"""Composite reliability of ordered items (semTools ``compRelSEM`` on a WLSMV fit).

On the observed (ordinal) scale, ``ord_scale=True`` (semTools' default for ordered
indicators), the reliability of the unit-weighted sum of a factor's item codes is Green
and Yang's (2009) categorical omega: with ``tau_ic`` the thresholds scaled by the item's
scale factor ``delta_i``, ``R = D Lambda_f psi_ff Lambda_f' D`` the common part of the
latent-response correlations and ``P`` the total correlation matrix (the polychorics,
``observed=True``, or the model-implied correlations),

    omega_f = sum_ij sum_cc' [Phi2(tau_ic, tau_jc', R_ij) - Phi(tau_ic) Phi(tau_jc')]
              / sum_ij sum_cc' [Phi2(tau_ic, tau_jc', P_ij) - Phi(tau_ic) Phi(tau_jc')],

which is the share of the sum score's variance (the denominator, written through the
categorical covariances) that the factor explains (the numerator). With
``ord_scale=False`` it is omega of the latent responses,
``(sum Lambda_f)^2 psi_ff / 1' D^-1 P D^-1 1``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from werkalliantie_stats.psychometrics._bivariate_normal import bvn_cdf

from .scores_ordinal import thresholds_by_item

__all__ = ["categorical_omega", "ordinal_composite_reliability"]


def _joint_cdf(t1: np.ndarray, t2: np.ndarray, r: np.ndarray) -> np.ndarray:
    """P(X < t1, Y < t2) for standard normals with correlation r, r = +-1 included."""
    r = np.broadcast_to(r, np.broadcast_shapes(t1.shape, t2.shape, np.shape(r)))
    t1, t2 = np.broadcast_to(t1, r.shape), np.broadcast_to(t2, r.shape)
    inner = np.abs(r) < 1
    out = np.where(r > 0, ndtr(np.minimum(t1, t2)), np.maximum(ndtr(t1) - ndtr(-t2), 0.0))
    out = np.array(out, dtype=float)
    if inner.any():
        out[inner] = bvn_cdf(t1[inner], t2[inner], r[inner])
    return out


def _categorical_covariance_sum(thresholds: list[np.ndarray], corr: np.ndarray) -> float:
    total = 0.0
    for i, ti in enumerate(thresholds):
        for j, tj in enumerate(thresholds):
            a, b = np.meshgrid(ti, tj, indexing="ij")
            total += float(np.sum(_joint_cdf(a, b, corr[i, j]) - ndtr(a) * ndtr(b)))
    return total


def categorical_omega(thresholds: list[np.ndarray], common: np.ndarray,
                      total: np.ndarray) -> float:
    """Green and Yang's (2009) omega of a sum of ordinal item codes.

    Parameters
    ----------
    thresholds : list of numpy.ndarray
        Per item, its thresholds on the scale of a unit-variance latent response.
    common : numpy.ndarray
        The factor-explained part of the latent-response correlations (items x items,
        e.g. ``lambda lambda' psi``; its diagonal is the items' communalities).
    total : numpy.ndarray
        The latent-response correlations (items x items, unit diagonal; a covariance
        matrix is turned into correlations).

    Returns
    -------
    float
        The reliability of the unit-weighted sum of the item codes.

    Notes
    -----
    For items :math:`i, j` with thresholds :math:`\\tau_{ic}`, the covariance of their
    codes implied by a latent correlation :math:`\\rho` is :math:`\\sum_{c,c'}
    [\\Phi_2(\\tau_{ic}, \\tau_{jc'}; \\rho) - \\Phi(\\tau_{ic})\\Phi(\\tau_{jc'})]`. Omega
    sums these over all item pairs (:math:`i = j` included) with :math:`\\rho` from
    ``common`` (numerator) and from ``total`` (denominator); :math:`\\Phi_2(a, b; 1) =
    \\Phi(\\min(a, b))`.

    References
    ----------
    1. Green, S. B., & Yang, Y. (2009). Reliability of summed item scores using
       structural equation modeling: An alternative to coefficient alpha.
       Psychometrika, 74, 155-167.

    Examples
    --------
    >>> import numpy as np
    >>> lam = np.array([0.8, 0.7, 0.6])
    >>> common = np.outer(lam, lam)
    >>> total = common + np.diag(1 - lam**2)
    >>> taus = [np.array([-1.0, 0.0, 1.0])] * 3
    >>> round(categorical_omega(taus, common, total), 4)  # In R: semTools::compRelSEM(fit)
    0.7008
    """
    total, common = np.asarray(total, dtype=float), np.asarray(common, dtype=float)
    if common.shape != total.shape or common.shape != (len(thresholds), len(thresholds)):
        raise ValueError(f"categorical_omega: `common` and `total` must both be "
                         f"{len(thresholds)} x {len(thresholds)} (one row per item of "
                         f"`thresholds`), got {common.shape} and {total.shape}")
    sd = np.sqrt(np.diag(total))
    total = total / np.outer(sd, sd)
    taus = [np.asarray(t, dtype=float) for t in thresholds]
    return (_categorical_covariance_sum(taus, common)
            / _categorical_covariance_sum(taus, total))


def ordinal_composite_reliability(result, observed: bool = True,
                                  ord_scale: bool = True) -> pd.DataFrame:
    """Omega per factor (rows) and group (columns) of a WLSMV :class:`CFAResult`.

    Factors with a single indicator are left out (semTools' ``dropSingle = TRUE``).
    """
    fit, state = result.dwls_fit, result.state
    items = list(result.ov_names)
    cols = {}
    for g in range(len(result.group_labels)):
        mats = fit.model.mats(fit.theta, g)
        total = state.samples[g][0] if observed else _implied_correlation(mats)
        scales = mats["delta"]
        taus = [t * s for t, s in zip(thresholds_by_item(state.table, g + 1, items, mats["tau"]),
                                      scales, strict=True)]
        values = {}
        for f, name in enumerate(result.lv_names):
            idx = np.flatnonzero(mats["lambda"][:, f])
            if idx.size < 2:
                continue
            lam = mats["lambda"][idx, f]
            common = np.outer(lam, lam) * mats["psi"][f, f]
            sub_total = total[np.ix_(idx, idx)]
            if ord_scale:
                scaled = common * np.outer(scales[idx], scales[idx])
                values[name] = categorical_omega([taus[i] for i in idx], scaled, sub_total)
            else:
                unscaled = sub_total / np.outer(scales[idx], scales[idx])
                values[name] = common.sum() / unscaled.sum()
        cols[g + 1] = values
    return pd.DataFrame(cols).rename_axis("factor")


def _implied_correlation(mats: dict) -> np.ndarray:
    """Delta Sigma* Delta with Sigma* = Lambda Psi Lambda' + Theta (unit diagonal)."""
    lam, psi, delta = mats["lambda"], mats["psi"], mats["delta"]
    common = lam @ psi @ lam.T
    sigma = common + mats["theta"] + np.diag(1.0 / delta**2 - np.diag(common))
    return sigma * np.outer(delta, delta)


