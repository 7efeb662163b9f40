"""Refitting a CFA on many bootstrap resamples at once (ML, complete data or FIML).

A resample is described by how often each case is drawn (``counts``, B x n per group).
Its ML discrepancy depends on the data only through per-pattern moments, so each
resample is summarised by stacked arrays: for every missing-data pattern ``P`` of the
original data (one pattern for complete data) the count ``n_bP``, mean and biased
covariance of the cases drawn. All draws are then fitted together:

    f_b(x) = sum_g sum_P (n_bP / N) [log|Sigma_P| + tr(S_bP W_P) + d_bP' W_P d_bP]

(the function of :mod:`.ml`, ``W_P`` the inverse of the observed part of Sigma,
``d = ybar - mu``), with its gradient taken at the level of the model matrices,

    df/dLambda = 2 G Lambda Psi + g_mu alpha',  df/dPsi = Lambda' G Lambda,
    df/dTheta = G,  df/dnu = g_mu,  df/dalpha = Lambda' g_mu,

``G = sum_P w_P (W_P - W_P (S_P + d d') W_P)`` and ``g_mu = -2 sum_P w_P W_P d_P``
(off-diagonal symmetric cells counted twice). Every draw starts at the full-sample
estimate with the full-sample Hessian as its first quasi-Newton matrix; BFGS updates and
step halving run on (B, q, q) stacks, each draw leaving the active set once its largest
gradient is below ``tol``. Draws that stall are refitted one by one with the scalar
optimiser of :mod:`.estimate`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .estimate import optimise
from .matrices import MatrixModel
from .ml import Patterns, observed_hessian, pattern_expected_information

__all__ = ["DrawMoments", "bollen_stine_data", "draw_chisq", "draw_counts", "draw_moments",
           "refit_draws"]


@dataclass(frozen=True)
class DrawMoments:
    """Per-draw pattern moments of one group: ``mask`` (K, p), ``n`` (B, K),
    ``mean`` (B, K, p), ``cov`` (B, K, p, p) (divisor n_bP, zero where unobserved)."""

    group: int
    mask: np.ndarray
    n: np.ndarray
    mean: np.ndarray
    cov: np.ndarray

    @property
    def complete(self) -> bool:
        """One pattern observing every variable."""
        return self.mask.shape[0] == 1 and bool(self.mask.all())

    def patterns(self, b: int) -> Patterns:
        """The :class:`Patterns` of draw ``b`` (patterns it did not draw left out)."""
        keep = self.n[b] > 0
        return Patterns(self.group, self.mask[keep], self.n[b, keep], self.mean[b, keep],
                        self.cov[b, keep])


def draw_counts(local: np.ndarray, n: int) -> np.ndarray:
    """How often each of ``n`` cases occurs in each row of ``local`` (B x n_draw)."""
    nb = local.shape[0]
    flat = (np.arange(nb)[:, None] * n + local).ravel()
    return np.bincount(flat, minlength=nb * n).reshape(nb, n).astype(float)


def draw_moments(group: int, y: np.ndarray, counts: np.ndarray) -> DrawMoments:
    """Pattern moments of every draw of one group (``counts``: B x n case weights)."""
    observed = ~np.isnan(y)
    masks, inverse = np.unique(observed, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    centre = np.nanmean(y, axis=0)
    filled = np.where(observed, y - centre, 0.0)
    nb, p = counts.shape[0], y.shape[1]
    k = len(masks)
    n_bp, mean, cov = np.zeros((nb, k)), np.zeros((nb, k, p)), np.zeros((nb, k, p, p))
    for pat in range(k):
        rows = inverse == pat
        c, z = counts[:, rows], filled[rows]
        n_bp[:, pat] = c.sum(axis=1)
        safe = np.maximum(n_bp[:, pat], 1.0)
        m = (c @ z) / safe[:, None]
        second = (c @ (z[:, :, None] * z[:, None, :]).reshape(len(z), p * p)).reshape(nb, p, p)
        cov[:, pat] = second / safe[:, None, None] - m[:, :, None] * m[:, None, :]
        mean[:, pat] = np.where(masks[pat], m + centre, 0.0)
    outer = masks[:, :, None] & masks[:, None, :]
    return DrawMoments(group, masks, n_bp, mean, np.where(outer[None], cov, 0.0))


def _cholesky(mats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batched Cholesky factors and a (B,) flag of draws with a non-PD matrix.

    Non-PD matrices (found by their smallest eigenvalue when the batch fails) are
    replaced by the identity before factoring.
    """
    try:
        return np.linalg.cholesky(mats), np.zeros(mats.shape[0], dtype=bool)
    except np.linalg.LinAlgError:
        pass
    eye = np.eye(mats.shape[-1])
    bad_mat = np.linalg.eigvalsh(mats)[..., 0] <= 0
    try:
        chol = np.linalg.cholesky(np.where(bad_mat[..., None, None], eye, mats))
    except np.linalg.LinAlgError:  # an eigenvalue at rounding level: factor one by one
        flat, bad_flat = mats.reshape(-1, *mats.shape[-2:]), bad_mat.reshape(-1)
        chol = np.empty_like(flat)
        for i, mat in enumerate(flat):
            try:
                chol[i] = eye if bad_flat[i] else np.linalg.cholesky(mat)
            except np.linalg.LinAlgError:
                chol[i], bad_flat[i] = eye, True
        chol, bad_mat = chol.reshape(mats.shape), bad_flat.reshape(bad_mat.shape)
    return chol, bad_mat.reshape(mats.shape[0], -1).any(axis=1)


def _general_inverse(padded: np.ndarray):
    """Inverse, log-determinant and non-PD flag of stacked (B, K, p, p) matrices."""
    chol, bad = _cholesky(padded)
    logdet = 2.0 * np.log(np.diagonal(chol, axis1=2, axis2=3)).sum(axis=2)
    eye = np.eye(padded.shape[-1])
    return np.linalg.inv(np.where(bad[:, None, None, None], eye, padded)), logdet, bad


def _woodbury(mats: dict[str, np.ndarray]):
    """``Sigma^-1`` and ``log|Sigma|`` for diagonal Theta by the Woodbury identity.

    ``Sigma^-1 = D - D Lambda M^-1 Lambda' D`` with ``D = Theta^-1`` and
    ``M = Psi^-1 + Lambda' D Lambda``; ``log|Sigma| = log|Theta| + log|Psi| + log|M|``.
    Valid (and Sigma PD) where every residual variance is positive and Psi is PD; the
    (B,) flag ``ok`` marks those draws (the others need the general inverse).
    """
    lam, psi = mats["lambda"], mats["psi"]
    theta = np.diagonal(mats["theta"], axis1=1, axis2=2)
    ok = (theta > 1e-8 * np.abs(theta).max(axis=1, keepdims=True)).all(axis=1)
    m = psi.shape[1]
    psi_chol, bad_psi = _cholesky(psi[:, None])
    ok &= ~bad_psi
    dinv = 1.0 / np.where(ok[:, None], theta, 1.0)
    psi_inv = np.linalg.inv(np.where(ok[:, None, None], psi, np.eye(m)))
    u = dinv[:, :, None] * lam
    core = psi_inv + lam.transpose(0, 2, 1) @ u
    core_chol, bad_core = _cholesky(core[:, None])
    ok &= ~bad_core
    inv = -(u @ np.linalg.inv(np.where(ok[:, None, None], core, np.eye(m))) @ u.transpose(0, 2, 1))
    idx = np.arange(theta.shape[1])
    inv[:, idx, idx] += dinv
    logdet = np.log(np.abs(theta)).sum(axis=1)
    for chol in (psi_chol, core_chol):
        logdet = logdet + 2.0 * np.log(np.diagonal(chol[:, 0], axis1=1, axis2=2)).sum(axis=1)
    return inv, logdet, ok


def _theta_is_diagonal(model: MatrixModel, group: int) -> bool:
    rows, cols, _ = model.free_cells(group)["theta"]
    fixed = model.batch_matrices(np.zeros((1, model.npar)), group)["theta"][0]
    return bool((rows == cols).all()) and not (fixed - np.diag(np.diag(fixed))).any()


class DrawObjective:
    """The discrepancy ``f_b`` and its gradient for a stack of draws (module docstring)."""

    def __init__(self, model: MatrixModel, moments: list[DrawMoments], meanstructure: bool,
                 ntotal: int):
        self.model, self.moments = model, moments
        self.meanstructure, self.ntotal = meanstructure, ntotal
        self._diag_theta = [_theta_is_diagonal(model, g) for g in range(model.ngroups)]

    def __call__(self, xs: np.ndarray, rows: np.ndarray, gradient: bool = True
                 ) -> tuple[np.ndarray, np.ndarray | None]:
        """``f`` (B,) and, if asked, the gradient (B, q) of draws ``rows`` at ``xs``."""
        value = np.zeros(len(rows))
        grad = np.zeros_like(xs) if gradient else None
        for mom in self.moments:
            mats = self.model.batch_matrices(xs, mom.group)
            lam, psi = mats["lambda"], mats["psi"]
            sigma = lam @ psi @ lam.transpose(0, 2, 1) + mats["theta"]
            mu = mats["nu"] + np.einsum("bpm,bm->bp", lam, mats["alpha"])
            part, g_sigma, g_mu = self._group_terms(mom, rows, sigma, mats, mu, gradient)
            value += part
            if gradient:
                self._add_gradient(grad, mom.group, mats, g_sigma, g_mu)
        return value, grad

    def _inverse(self, mom: DrawMoments, sigma, mats):
        """``W`` (B, K, p, p), ``log|Sigma_P|`` (B, K) and a (B,) non-PD flag."""
        if mom.complete and self._diag_theta[mom.group]:
            inv, logdet, ok = _woodbury(mats)
            if ok.all():
                return inv[:, None], logdet[:, None], np.zeros(len(ok), dtype=bool)
            rest = _general_inverse(sigma[~ok][:, None])
            inv, logdet, bad = inv[:, None], logdet[:, None], np.zeros(len(ok), dtype=bool)
            inv[~ok], logdet[~ok], bad[~ok] = rest
            return inv, logdet, bad
        if mom.complete:
            return _general_inverse(sigma[:, None])
        outer = mom.mask[:, :, None] & mom.mask[:, None, :]
        padded = np.where(outer[None], sigma[:, None], np.eye(sigma.shape[1]))
        inv, logdet, bad = _general_inverse(padded)
        return np.where(outer[None], inv, 0.0), logdet, bad

    def _group_terms(self, mom: DrawMoments, rows, sigma, mats, mu, gradient):
        n = mom.n[rows] / self.ntotal
        inv, logdet, bad = self._inverse(mom, sigma, mats)
        cov = mom.cov[rows]
        if self.meanstructure:
            diff = np.where(mom.mask[None], mom.mean[rows] - mu[:, None], 0.0)
        else:
            diff = np.zeros(cov.shape[:3])
        wd = (inv @ diff[..., None])[..., 0]
        trace = (cov * inv).sum(axis=(2, 3))
        value = (n * (logdet + trace + (wd * diff).sum(axis=2))).sum(axis=1)
        value = np.where(bad, np.inf, value)
        if not gradient:
            return value, None, None
        inner = cov + diff[..., :, None] * diff[..., None, :]
        g_sigma = (n[:, :, None, None] * (inv - inv @ inner @ inv)).sum(axis=1)
        g_mu = -2.0 * (n[:, :, None] * wd).sum(axis=1)
        return value, g_sigma, g_mu

    def _add_gradient(self, grad, group, mats, g_sigma, g_mu) -> None:
        lam, psi, alpha = mats["lambda"], mats["psi"], mats["alpha"]
        g_lam = g_sigma @ lam
        parts = {"lambda": 2.0 * g_lam @ psi, "psi": lam.transpose(0, 2, 1) @ g_lam,
                 "theta": g_sigma}
        if self.meanstructure:
            parts["lambda"] = parts["lambda"] + g_mu[:, :, None] * alpha[:, None, :]
            parts["nu"] = g_mu[:, :, None]
            parts["alpha"] = np.einsum("bpm,bp->bm", lam, g_mu)[:, :, None]
        for mat, (r, c, idx) in self.model.free_cells(group).items():
            if not len(idx) or mat not in parts:
                continue
            vals = parts[mat][:, r, c]
            if mat in ("theta", "psi"):
                vals = vals * np.where(r != c, 2.0, 1.0)
            np.add.at(grad, (slice(None), idx), vals)


def start_inverse_hessian(model: MatrixModel, x: np.ndarray, blocks: list[Patterns],
                          meanstructure: bool, ntotal: int) -> np.ndarray:
    """Inverse Hessian of ``f`` at the full-sample estimate (expected one if not PD)."""
    hess = observed_hessian(model, x, blocks, meanstructure, ntotal)
    try:
        np.linalg.cholesky(hess)
    except np.linalg.LinAlgError:
        hess = 2.0 * pattern_expected_information(model, x, blocks, meanstructure) / ntotal
    return np.linalg.inv(hess)


def _bfgs_inverse_update(hinv: np.ndarray, s: np.ndarray, y: np.ndarray) -> None:
    """In-place stacked BFGS update of inverse Hessians (draws with ``s'y <= 0`` skipped).

    ``H+ = H + c s s' - rho (H y s' + s y' H)`` with ``rho = 1/s'y`` and
    ``c = rho (1 + rho y'H y)``, written as the rank-2 product ``[s, Hy] [c s - rho Hy,
    -rho s]'``.
    """
    sy = (s * y).sum(axis=1)
    ok = sy > 1e-12 * np.linalg.norm(s, axis=1) * np.linalg.norm(y, axis=1)
    rho = np.where(ok, 1.0 / np.where(ok, sy, 1.0), 0.0)
    hy = (hinv @ y[:, :, None])[:, :, 0]
    c = rho * (1.0 + rho * (y * hy).sum(axis=1))
    left = np.stack([s, hy], axis=2)
    right = np.stack([c[:, None] * s - rho[:, None] * hy, -rho[:, None] * s], axis=1)
    hinv += left @ right


def _trial(objective, xs, step, value, rows):
    """Evaluate ``x + t step`` halving ``t`` per draw until ``f`` does not rise.

    Returns ``(t, f, gradient, ok)`` at the accepted points.
    """
    t = np.ones(len(rows))
    slack = 1e-12 * np.maximum(1.0, np.abs(value))
    new, grad = objective(xs + step, rows)
    bad = ~(new <= value + slack)
    for _ in range(30):
        if not bad.any():
            break
        t[bad] /= 2.0
        new[bad], grad[bad] = objective(xs[bad] + t[bad, None] * step[bad], rows[bad])
        bad = ~(new <= value + slack)
    return t, new, grad, ~bad


class _Active:
    """The draws still iterating: their rows, points, values, gradients, inverse Hessians."""

    def __init__(self, xs, hinv, value, grad):
        self.rows = np.arange(len(xs))
        self.xs, self.hinv, self.value, self.grad = xs, hinv, value, grad

    def keep(self, mask: np.ndarray) -> None:
        if mask.all():
            return
        self.rows, self.xs, self.hinv = self.rows[mask], self.xs[mask], self.hinv[mask]
        self.value, self.grad = self.value[mask], self.grad[mask]


def _batched_bfgs(objective, x0, hinv0, nb, tol, max_iter):
    xs = np.repeat(x0[None], nb, axis=0)
    value, grad = objective(xs, np.arange(nb))
    act = _Active(xs, np.repeat(hinv0[None], nb, axis=0), value, grad)
    out, converged = xs.copy(), np.zeros(nb, dtype=bool)
    for _ in range(max_iter):
        done = np.abs(act.grad).max(axis=1) < tol
        converged[act.rows[done]], out[act.rows[done]] = True, act.xs[done]
        act.keep(~done)
        if not len(act.rows):
            break
        step = -(act.hinv @ act.grad[:, :, None])[:, :, 0]
        uphill = (step * act.grad).sum(axis=1) >= 0
        if uphill.any():
            act.hinv[uphill] = hinv0
            step[uphill] = -act.grad[uphill] @ hinv0.T
        t, new, new_grad, ok = _trial(objective, act.xs, step, act.value, act.rows)
        out[act.rows[~ok]] = act.xs[~ok]
        step = t[:, None] * step
        _bfgs_inverse_update(act.hinv, step, new_grad - act.grad)
        act.xs, act.value, act.grad = act.xs + step, new, new_grad
        act.keep(ok)
    out[act.rows] = act.xs
    return out, converged


def refit_draws(model: MatrixModel, x0: np.ndarray, moments: list[DrawMoments],
                blocks: list[Patterns], meanstructure: bool, nobs: list[int],
                tol: float = 1e-9, max_iter: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """ML estimates of every draw, ``(B, npar)``, and a (B,) converged flag.

    ``blocks`` are the full-sample patterns (for the starting Hessian). Draws that the
    batched BFGS does not bring below ``tol`` are refitted one by one with
    :func:`~.estimate.optimise`; those that still fail get a NaN row.
    """
    ntotal = sum(nobs)
    objective = DrawObjective(model, moments, meanstructure, ntotal)
    hinv0 = start_inverse_hessian(model, x0, blocks, meanstructure, ntotal)
    nb = moments[0].n.shape[0]
    xs, converged = _batched_bfgs(objective, x0, hinv0, nb, tol, max_iter)
    for b in np.flatnonzero(~converged):
        pats = [mom.patterns(b) for mom in moments]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                xs[b], _, converged[b] = optimise(model, x0, pats, meanstructure, nobs)
            except (ValueError, np.linalg.LinAlgError):
                converged[b] = False
    xs[~converged] = np.nan
    return xs, converged


def _symmetric_sqrt(mat: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eigh(mat)
    return (vecs * np.sqrt(np.clip(vals, 0.0, None))) @ vecs.T


def bollen_stine_data(groups: list[np.ndarray], implied: list[tuple[np.ndarray, np.ndarray]],
                      meanstructure: bool) -> list[np.ndarray]:
    """Data rotated so that the model fits exactly (Bollen & Stine 1992).

    ``Z_g = (Y_g - ybar_g) S_g^-1/2 Sigma_g^1/2 (+ mu_g)`` with ``S_g`` the sample
    covariance (divisor n) and symmetric square roots, as lavaan's
    ``bootstrapLavaan(type = "bollen.stine")``.
    """
    out = []
    for y, (sigma, mu) in zip(groups, implied, strict=True):
        centred = y - y.mean(axis=0)
        cov = centred.T @ centred / len(y)
        z = centred @ _symmetric_sqrt(np.linalg.inv(cov)) @ _symmetric_sqrt(sigma)
        out.append(z + mu if meanstructure else z)
    return out


def draw_chisq(model: MatrixModel, xs: np.ndarray, moments: list[DrawMoments],
               meanstructure: bool, nobs: list[int]) -> np.ndarray:
    """Likelihood-ratio chi-square of each draw's fit, complete data (NaN for failed draws).

    ``T_b = N [f_b(x_b) - sum_g (n_g/N)(log|S_bg| + p)]``: the fitted minus the saturated
    discrepancy.
    """
    ntotal = sum(nobs)
    ok = ~np.isnan(xs).any(axis=1)
    rows = np.flatnonzero(ok)
    value, _ = DrawObjective(model, moments, meanstructure, ntotal)(xs[ok], rows,
                                                                    gradient=False)
    for mom, n in zip(moments, nobs, strict=True):
        p = mom.cov.shape[-1]
        value -= n / ntotal * (np.linalg.slogdet(mom.cov[rows, 0])[1] + p)
    out = np.full(len(xs), np.nan)
    out[ok] = ntotal * value
    return out
