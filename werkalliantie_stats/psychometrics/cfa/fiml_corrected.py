"""Robust CFI/TLI/RMSEA under FIML: the FIML-corrected statistics of lavaan 0.6.

With incomplete data lavaan (``missing="ml"``) does not use the FIML chi-square for
``cfi.robust``, ``tli.robust`` and ``rmsea.robust``; it follows Zhang & Savalei (2023)
("FIML-C"; see also Savalei 2018):

* ``T3`` is the *complete-data* ML statistic of the FIML estimates against the EM
  (h1) moments ``S~, m~``:
  ``T3 = sum_g n_g [log|Sigma_g| + tr(S~_g Sigma_g^-1) - log|S~_g| - p + d_g' Sigma_g^-1 d_g]``
  with ``d_g = m~_g - mu_g``; ``T3_b`` is the same for the independence model at its
  FIML estimates (each variable's observed mean and variance).
* With, per group and per case, the observed information of the saturated FIML
  model ``Wm`` (at the EM moments), its first-order (outer product of casewise scores)
  information ``Jm``, the complete-data information ``Wc`` at ``S~, m~`` (all in the
  saturated parameters ``(vech Sigma, mu)``), the Jacobian ``Delta`` of the model's
  moments, ``E = Delta' Wm Delta`` and ``U = Wm - Wm Delta E^-1 Delta' Wm``
  (group blocks weighted by ``f_g = n_g / N``), the scaling factor is
  ``c3 = tr(Wc Wm^-1 U Wm^-1) / df`` for ML (lavaan's version "V6") and
  ``c3 = tr(U Wm^-1 Wc Wm^-1 U Gamma) / df`` with ``Gamma = Wm^-1 Jm Wm^-1`` for
  MLR ("V3"); ``c3_b`` likewise for the independence model.

The robust indices then read ``cfi.robust = 1 - max(T3 - c3 df, 0) /
max(T3 - c3 df, T3_b - c3_b df_b, 0)``, ``rmsea.robust = sqrt(max(T3/(N df) - c3/N, 0))
sqrt(G)``, with CI and p-close from ``T3 / c3`` (:mod:`.fit`).

Writing ``P = Delta E^-1 Delta'`` the traces reduce to ``q x q`` matrices
(``q`` = number of free parameters), so that nothing of size ``p^2 x p^2`` is formed
per model: ``tr(Wc Wm^-1) - tr(E^-1 B1)`` (V6) and
``tr(Wc Gamma) - 2 tr(E^-1 B3) + tr(E^-1 B1 E^-1 B2)`` (V3) with
``B1 = Delta' Wc Delta``, ``B2 = Delta' Jm Delta``, ``B3 = Delta' Jm Wm^-1 Wc Delta``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .matrices import MatrixModel
from .ml import pattern_blocks, saturated_complete_information, saturated_hessian
from .robust import casewise_scores, saturated_model

__all__ = ["CorrectedTest", "SaturatedInformation", "complete_data_chisq", "fiml_corrected",
           "independence_corrected", "moment_jacobian", "saturated_information"]


@dataclass(frozen=True)
class CorrectedTest:
    """FIML-corrected statistic ``chisq`` (T3) on ``df`` with scaling ``c3``, and the
    independence model's ``chisq_null``, ``df_null``, ``scaling_null``."""

    chisq: float
    df: int
    scaling: float
    chisq_null: float
    df_null: int
    scaling_null: float


@dataclass(frozen=True)
class _GroupInfo:
    """Per-case h1 information matrices of one group in ``(vech Sigma, mu)`` order."""

    observed: np.ndarray      # Wm
    first_order: np.ndarray   # Jm
    complete: np.ndarray      # Wc

    @cached_property
    def observed_inv(self) -> np.ndarray:
        return np.linalg.inv(self.observed)

    @cached_property
    def jm_wm_inv(self) -> np.ndarray:
        return self.first_order @ self.observed_inv

    @cached_property
    def trace_h1(self) -> float:
        """``tr(Wm^-1 Jm)``: the h1 trace of the Yuan-Bentler scaling factor."""
        return float(np.trace(self.jm_wm_inv))

    @cached_property
    def trace_v6(self) -> float:
        return float(np.einsum("ij,ji->", self.complete, self.observed_inv))

    @cached_property
    def trace_v3(self) -> float:
        gamma = self.observed_inv @ self.jm_wm_inv
        return float(np.einsum("ij,ji->", self.complete, gamma))


@dataclass(frozen=True)
class SaturatedInformation:
    """h1 information of every group (computed once per data set) and weights n_g/N."""

    groups: tuple[_GroupInfo, ...]
    weights: np.ndarray

    @property
    def trace_h1(self) -> float:
        """``sum_g tr(Wm_g^-1 Jm_g)``."""
        return sum(info.trace_h1 for info in self.groups)


def saturated_information(groups: list[np.ndarray],
                          samples: list[tuple[np.ndarray, np.ndarray]]) -> SaturatedInformation:
    """``Wm``, ``Jm`` and ``Wc`` of each group at its EM moments ``(cov, mean)``."""
    out = []
    for y, (cov, mean) in zip(groups, samples, strict=True):
        model, x = saturated_model(y.shape[1], cov, mean)
        blocks = pattern_blocks([y])
        n = int(blocks[0].n.sum())
        wm = 0.5 * saturated_hessian(blocks[0], cov, mean, n)
        scores = casewise_scores([y], [(cov, mean)], [model.jacobian(x, 0)], True)
        wc = saturated_complete_information(cov)
        out.append(_GroupInfo(wm, scores.T @ scores / n, wc))
    nobs = np.array([y.shape[0] for y in groups], dtype=float)
    return SaturatedInformation(tuple(out), nobs / nobs.sum())


def moment_jacobian(model: MatrixModel, x: np.ndarray, group: int) -> np.ndarray:
    """``d (vech Sigma, mu) / dx`` of one group, rows in the saturated order."""
    d_sigma, d_mu = model.jacobian(x, group)
    rows, cols = np.triu_indices(d_sigma.shape[0])
    return np.vstack([d_sigma[rows, cols], d_mu])


def complete_data_chisq(samples: list[tuple[np.ndarray, np.ndarray]],
                        implied: list[tuple[np.ndarray, np.ndarray]], nobs: list[int]) -> float:
    """Complete-data ML chi-square of implied moments against ``samples`` (T3)."""
    total = 0.0
    for (s, m), (sigma, mu), n in zip(samples, implied, nobs, strict=True):
        inv = np.linalg.inv(sigma)
        d = m - mu
        total += n * (np.linalg.slogdet(sigma)[1] + np.einsum("ij,ji->", s, inv)
                      - np.linalg.slogdet(s)[1] - len(m) + d @ inv @ d)
    return float(total)


def _trace(info: SaturatedInformation, deltas: list[np.ndarray], robust: bool) -> float:
    """``tr(Wc Wm^-1 U Wm^-1)`` (ML) or ``tr(U Wm^-1 Wc Wm^-1 U Gamma)`` (MLR)."""
    parts = list(zip(info.groups, deltas, info.weights, strict=True))
    e = sum(f * d.T @ g.observed @ d for g, d, f in parts)
    b1 = sum(f * d.T @ (g.complete @ d) for g, d, f in parts)
    e_inv_b1 = np.linalg.solve(e, b1)
    if not robust:
        return sum(g.trace_v6 for g, _, _ in parts) - float(np.trace(e_inv_b1))
    b2 = sum(f * d.T @ g.first_order @ d for g, d, f in parts)
    b3 = sum(f * (d.T @ g.jm_wm_inv) @ (g.complete @ d) for g, d, f in parts)
    return (sum(g.trace_v3 for g, _, _ in parts) - 2.0 * float(np.trace(np.linalg.solve(e, b3)))
            + float(np.einsum("ij,ji->", e_inv_b1, np.linalg.solve(e, b2))))


def _independence_jacobians(p: int, ngroups: int) -> list[np.ndarray]:
    """Saturated rows of the independence model's parameters (per group: variances, then
    means; each group its own parameters)."""
    rows, cols = np.triu_indices(p)
    diag = np.flatnonzero(rows == cols)
    out = []
    for g in range(ngroups):
        jac = np.zeros((len(rows) + p, 2 * p * ngroups))
        jac[diag, 2 * p * g + np.arange(p)] = 1.0
        jac[len(rows) + np.arange(p), 2 * p * g + p + np.arange(p)] = 1.0
        out.append(jac)
    return out


def independence_corrected(groups: list[np.ndarray],
                           samples: list[tuple[np.ndarray, np.ndarray]],
                           info: SaturatedInformation, robust: bool) -> tuple[float, int, float]:
    """``(T3_b, df_b, c3_b)`` of the independence model (at its FIML estimates)."""
    nobs = [y.shape[0] for y in groups]
    independence = [(np.diag(np.nanvar(y, axis=0)), np.nanmean(y, axis=0)) for y in groups]
    p = groups[0].shape[1]
    df_null = len(groups) * p * (p - 1) // 2
    scaling = _trace(info, _independence_jacobians(p, len(groups)), robust) / df_null
    return complete_data_chisq(samples, independence, nobs), df_null, scaling


def fiml_corrected(model: MatrixModel, x: np.ndarray, groups: list[np.ndarray],
                   samples: list[tuple[np.ndarray, np.ndarray]], info: SaturatedInformation,
                   df: int, robust: bool, null: tuple[float, int, float]) -> CorrectedTest:
    """The FIML-corrected test of the model at ``x``, with ``null`` from
    :func:`independence_corrected`; ``robust`` selects lavaan's "V3" (MLR) instead of
    "V6" (ML) scaling.
    """
    nobs = [y.shape[0] for y in groups]
    implied = [(m.implied_cov(), m.implied_mean())
               for m in (model.matrices(x, g) for g in range(model.ngroups))]
    deltas = [moment_jacobian(model, x, g) for g in range(model.ngroups)]
    chisq = complete_data_chisq(samples, implied, nobs)
    scaling = _trace(info, deltas, robust) / df if df > 0 else math.nan
    return CorrectedTest(chisq, df, scaling, *null)
