"""Cluster-robust ("sandwich") covariance matrices, as R's ``sandwich::vcovCL``.

``V = c * B M B`` with bread ``B`` the model's unscaled covariance (inverse
information, or ``(X'X)^-1`` for least squares), meat ``M = sum_g s_g s_g'`` with
``s_g`` the sum of the score contributions of cluster ``g``, and ``c`` the product
of the requested small-sample factors: ``G/(G-1)`` (``cadjust``) and, for type
``"HC1"``, ``(n-1)/(n-k)``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cluster_label", "cluster_vcov"]

CLUSTER_TYPES = ("HC0", "HC1")


def cluster_vcov(scores: np.ndarray, bread: np.ndarray, groups: np.ndarray,
                 cluster_type: str = "HC0", cadjust: bool = True) -> np.ndarray:
    """Cluster-robust covariance from per-row scores (n x k) and the bread (k x k)."""
    n, k = scores.shape
    n_clusters = int(groups.max()) + 1
    summed = np.zeros((n_clusters, k))
    np.add.at(summed, groups, scores)
    factor = n_clusters / (n_clusters - 1) if cadjust else 1.0
    if cluster_type == "HC1":
        factor *= (n - 1) / (n - k)
    return factor * bread @ (summed.T @ summed) @ bread


def check_cluster_type(cluster_type: str, func: str) -> str:
    """Validate the ``cluster_type`` argument."""
    if cluster_type not in CLUSTER_TYPES:
        raise ValueError(f"{func}: `cluster_type` must be one of {CLUSTER_TYPES}, "
                         f"got {cluster_type!r}")
    return cluster_type


def cluster_label(cluster: str, n_clusters: int, cluster_type: str, cadjust: bool) -> str:
    """Human-readable description of the covariance, e.g. for ``cov_type``."""
    adjust = ", G/(G-1)" if cadjust else ""
    extra = ", (n-1)/(n-k)" if cluster_type == "HC1" else ""
    return f"cluster({cluster}, G={n_clusters}; {cluster_type}{adjust}{extra})"
