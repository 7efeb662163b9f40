"""Detection of (quasi-)complete separation by linear programming (Konis 2007).

With ``s_i = 2 y_i - 1``, the data are separated exactly when some direction ``b != 0``
has ``s_i x_i' b >= 0`` for every row; then the log-likelihood keeps rising along
``b`` and the maximum-likelihood estimates are infinite. The linear programme
``max sum_i s_i x_i' b`` subject to ``s_i x_i' b >= 0`` and ``-1 <= b <= 1`` (columns
of ``X`` scaled to unit maximum) has a positive optimum exactly in that case; the
non-zero entries of the optimal ``b`` name the separating terms.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

__all__ = ["separating_terms"]


def separating_terms(X: np.ndarray, y: np.ndarray, terms: list[str],
                     tol: float = 1e-7) -> list[str]:
    """Terms along which the outcome is separated; empty when the MLE exists."""
    scale = np.max(np.abs(X), axis=0)
    scale[scale == 0] = 1.0
    signed = (2.0 * y - 1.0)[:, None] * (X / scale)
    result = linprog(-signed.sum(axis=0), A_ub=-signed, b_ub=np.zeros(len(y)),
                     bounds=[(-1.0, 1.0)] * X.shape[1], method="highs")
    if result.status != 0 or -result.fun <= tol * len(y):
        return []
    return [term for term, b in zip(terms, result.x, strict=True) if abs(b) > 1e-6]
