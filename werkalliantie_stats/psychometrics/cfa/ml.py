"""Normal-theory ML discrepancy, its gradient and information; FIML by pattern.

The data of every group are summarised by missing-data *pattern*: for complete data
one pattern per group (all variables, sample mean and biased covariance), for
incomplete data one per pattern of observed variables. All patterns of a group are
handled at once as stacked p x p arrays in which the unobserved rows and columns are
replaced by those of the identity (zero in means and covariances), so that inverses
and determinants of the stacked implied matrices equal those of the observed parts.
With ``n_b`` cases in pattern ``b`` and ``N`` cases in all, the function minimised is

    f(x) = sum_b (n_b / N) [ log|Sigma_b| + tr(S_b Sigma_b^-1)
                             + (ybar_b - mu_b)' Sigma_b^-1 (ybar_b - mu_b) ],

so that ``logL = -N/2 [f + (sum_b n_b p_b / N) log(2 pi)]``. For complete data this is
lavaan's ML discrepancy ``F_ML`` plus the constant ``sum_g (n_g/N)(log|S_g| + p)``;
for incomplete data it is the FIML (casewise) likelihood, as lavaan's ``missing="ml"``.
Without a mean structure the mean term is dropped (means saturated at ybar).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .matrices import MatrixModel

__all__ = [
    "Patterns",
    "complete_blocks",
    "em_saturated",
    "expected_information",
    "masked_inverses",
    "objective",
    "objective_and_gradient",
    "objective_at_moments",
    "objective_gradient",
    "pattern_blocks",
    "pattern_expected_information",
    "saturated_complete_information",
    "saturated_hessian",
]

LOG_2PI = float(np.log(2.0 * np.pi))


@dataclass(frozen=True)
class Patterns:
    """The missing-data patterns of one group, stacked.

    ``mask`` (P x p) marks observed variables; ``n`` (P) counts cases; ``mean`` (P x p)
    and ``cov`` (P x p x p, divisor n) are the pattern moments, zero where unobserved.
    """

    group: int
    mask: np.ndarray
    n: np.ndarray
    mean: np.ndarray
    cov: np.ndarray

    @property
    def nobs(self) -> int:
        """Cases in the group."""
        return int(self.n.sum())

    @property
    def nvalues(self) -> int:
        """Observed values in the group."""
        return int((self.n * self.mask.sum(axis=1)).sum())

    def outer_mask(self) -> np.ndarray:
        """P x p x p: both variables observed."""
        return self.mask[:, :, None] & self.mask[:, None, :]


def _patterns(group: int, y: np.ndarray) -> Patterns:
    if not np.isnan(y).any():
        mean = y.mean(axis=0)
        centred = y - mean
        return Patterns(group, np.ones((1, y.shape[1]), dtype=bool), np.array([float(len(y))]),
                        mean[None], (centred.T @ centred / len(y))[None])
    observed = ~np.isnan(y)
    keep = observed.any(axis=1)
    y, observed = y[keep], observed[keep]
    masks, inverse = np.unique(observed, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    counts = np.bincount(inverse, minlength=len(masks)).astype(float)
    filled = np.where(observed, y, 0.0)
    sums = np.zeros((len(masks), y.shape[1]))
    np.add.at(sums, inverse, filled)
    means = sums / counts[:, None]
    centred = np.where(observed, filled - means[inverse], 0.0)
    covs = np.zeros((len(masks), y.shape[1], y.shape[1]))
    np.add.at(covs, inverse, centred[:, :, None] * centred[:, None, :])
    return Patterns(group, masks, counts, means, covs / counts[:, None, None])


def complete_blocks(groups: list[np.ndarray]) -> list[Patterns]:
    """One pattern per group of complete data (biased covariance, divisor n)."""
    return [_patterns(g, y) for g, y in enumerate(groups)]


def pattern_blocks(groups: list[np.ndarray]) -> list[Patterns]:
    """The missing-data patterns of each group; rows with nothing observed dropped."""
    return [_patterns(g, y) for g, y in enumerate(groups)]


def _moments(model: MatrixModel, x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    mats = [model.matrices(x, g) for g in range(model.ngroups)]
    return [(m.implied_cov(), m.implied_mean()) for m in mats]


def _missing_sets(mask: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Patterns grouped by their number of missing variables: (pattern rows, P_m x m
    indices of the missing variables)."""
    counts = (~mask).sum(axis=1)
    out = []
    for m in np.unique(counts):
        rows = np.flatnonzero(counts == m)
        out.append((rows, np.nonzero(~mask[rows])[1].reshape(len(rows), m)))
    return out


def masked_inverses(mask: np.ndarray, sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverses of the observed blocks of ``sigma`` (zero-padded, P x p x p) and their
    log-determinants, from one Cholesky factor of ``sigma``.

    With ``K = Sigma^-1`` and ``m`` the missing variables of a pattern,
    ``(Sigma_oo)^-1 = K_oo - K_om K_mm^-1 K_mo`` and ``log|Sigma_oo| = log|Sigma| +
    log|K_mm|`` (inverse of a partitioned matrix), so each pattern costs O(p^2 m)
    instead of O(p^3). If ``sigma`` itself is not positive definite each observed block
    is inverted directly (``LinAlgError`` when one of them is not positive definite).
    """
    try:
        chol = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        return _direct_inverses(mask, sigma)
    logdet = 2.0 * float(np.log(np.diag(chol)).sum())
    k_inv = np.linalg.inv(chol)
    k = k_inv.T @ k_inv
    npat, p = mask.shape
    invs = np.broadcast_to(k, (npat, p, p)).copy()
    logdets = np.full(npat, logdet)
    for rows, miss in _missing_sets(mask):
        m = miss.shape[1]
        if m == 0:
            continue
        if m == p:
            invs[rows], logdets[rows] = 0.0, 0.0
            continue
        k_m = k[miss]                                          # P_m x m x p
        k_mm = np.take_along_axis(k_m, miss[:, None, :], axis=2)  # P_m x m x m
        chol_mm = np.linalg.cholesky(k_mm)
        solved = np.linalg.solve(chol_mm, k_m)                 # L^-1 K_m.
        invs[rows] -= solved.transpose(0, 2, 1) @ solved
        logdets[rows] += 2.0 * np.log(np.diagonal(chol_mm, axis1=1, axis2=2)).sum(axis=1)
    invs *= (mask[:, :, None] & mask[:, None, :])
    return invs, logdets


def _direct_inverses(mask: np.ndarray, sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masked inverses and log-determinants by inverting each padded observed block."""
    outer = mask[:, :, None] & mask[:, None, :]
    padded = np.where(outer, sigma, np.eye(sigma.shape[0]))
    chol = np.linalg.cholesky(padded)
    logdet = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    return np.where(outer, np.linalg.inv(padded), 0.0), logdet


def _stacked(pat: Patterns, sigma: np.ndarray, mu: np.ndarray, meanstructure: bool):
    """Masked inverses W (P x p x p), log-determinants (P) and mean residuals (P x p)."""
    inv, logdet = masked_inverses(pat.mask, sigma)
    diff = np.where(pat.mask, pat.mean - mu, 0.0) if meanstructure else np.zeros_like(pat.mean)
    return inv, logdet, diff


def objective(model: MatrixModel, x: np.ndarray, blocks: list[Patterns], meanstructure: bool,
              ntotal: int) -> float:
    """The discrepancy ``f(x)`` (``inf`` where an implied covariance is not PD)."""
    moments = _moments(model, x)
    total = 0.0
    for pat in blocks:
        sigma, mu = moments[pat.group]
        try:
            inv, logdet, diff = _stacked(pat, sigma, mu, meanstructure)
        except np.linalg.LinAlgError:
            return np.inf
        trace = np.einsum("kij,kij->k", pat.cov, inv)
        quad = np.einsum("ki,kij,kj->k", diff, inv, diff)
        total += float(pat.n @ (logdet + trace + quad)) / ntotal
    return total


def objective_at_moments(pat: Patterns, sigma: np.ndarray, mu: np.ndarray) -> float:
    """``sum_P n_P [log|Sigma_oo| + tr(S_P W) + d' W d]`` at given moments (-2 logL - const)."""
    inv, logdet, diff = _stacked(pat, sigma, mu, True)
    trace = np.einsum("kij,kij->k", pat.cov, inv)
    quad = np.einsum("ki,kij,kj->k", diff, inv, diff)
    return float(pat.n @ (logdet + trace + quad))


def objective_gradient(model: MatrixModel, x: np.ndarray, blocks: list[Patterns],
                       meanstructure: bool, ntotal: int) -> np.ndarray:
    """Analytic gradient of ``f(x)``: chain rule through Sigma and mu."""
    moments = _moments(model, x)
    grad = np.zeros(model.npar)
    for pat in blocks:
        sigma, mu = moments[pat.group]
        inv, _, diff = _stacked(pat, sigma, mu, meanstructure)
        w = (pat.n / ntotal)[:, None, None]
        inner = pat.cov + diff[:, :, None] * diff[:, None, :]
        g_sigma = (w * (inv - inv @ inner @ inv)).sum(axis=0)
        d_sigma, d_mu = model.jacobian(x, pat.group)
        grad += g_sigma.reshape(-1) @ d_sigma.reshape(-1, model.npar)
        if meanstructure:
            g_mu = -2.0 * np.einsum("k,kij,kj->i", pat.n / ntotal, inv, diff)
            grad += g_mu @ d_mu
    return grad


def objective_and_gradient(model: MatrixModel, x: np.ndarray, blocks: list[Patterns],
                           meanstructure: bool, ntotal: int) -> tuple[float, np.ndarray | None]:
    """``f(x)`` and its gradient from one set of pattern inverses (``(inf, None)`` where an
    implied covariance is not positive definite)."""
    moments = _moments(model, x)
    total, grad = 0.0, np.zeros(model.npar)
    for pat in blocks:
        sigma, mu = moments[pat.group]
        try:
            inv, logdet, diff = _stacked(pat, sigma, mu, meanstructure)
        except np.linalg.LinAlgError:
            return np.inf, None
        w = pat.n / ntotal
        inner = pat.cov + diff[:, :, None] * diff[:, None, :]
        total += float(w @ (logdet + np.einsum("kij,kji->k", inner, inv)))
        g_sigma = np.einsum("k,kij->ij", w, inv - inv @ inner @ inv)
        d_sigma, d_mu = model.jacobian(x, pat.group)
        grad += g_sigma.reshape(-1) @ d_sigma.reshape(-1, model.npar)
        if meanstructure:
            grad += -2.0 * np.einsum("k,kij,kj->i", w, inv, diff) @ d_mu
    return total, grad


def _sigma_gradients(model: MatrixModel, x: np.ndarray, blocks: list[Patterns],
                     meanstructure: bool, ntotal: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``df/dSigma`` (p x p) and ``df/dmu`` (p) of every group at ``x``."""
    moments = _moments(model, x)
    p = len(model.ov_names)
    out = [(np.zeros((p, p)), np.zeros(p)) for _ in range(model.ngroups)]
    for pat in blocks:
        sigma, mu = moments[pat.group]
        inv, _, diff = _stacked(pat, sigma, mu, meanstructure)
        w = (pat.n / ntotal)[:, None, None]
        inner = pat.cov + diff[:, :, None] * diff[:, None, :]
        out[pat.group][0][...] += (w * (inv - inv @ inner @ inv)).sum(axis=0)
        if meanstructure:
            out[pat.group][1][...] += -2.0 * np.einsum("k,kij,kj->i", pat.n / ntotal, inv, diff)
    return out


def _moment_kernels(pat: Patterns, sigma, mu, meanstructure, ntotal):
    """Hessian of f in the implied moments: ``vec Sigma`` (p^2 x p^2), ``mu`` (p x p) and
    their cross term (p x p^2); the last two are None without a mean structure."""
    inv, _, diff = _stacked(pat, sigma, mu, meanstructure)
    npat, p, _ = inv.shape
    n = pat.n / ntotal
    s_star = pat.cov + diff[:, :, None] * diff[:, None, :]
    flat_w = inv.reshape(npat, p * p)
    # tr(W X W Y) = sum C[a,b,c,d] X[b,c] Y[d,a] with C = sum n W (x) W; the Hessian
    # kernel is C with 2 W S* W - W in the first slot.
    c = ((2.0 * (inv @ s_star @ inv) - inv).reshape(npat, p * p).T * n) @ flat_w
    kernel = c.reshape(p, p, p, p).transpose(1, 2, 3, 0).reshape(p * p, p * p)
    if not meanstructure:
        return kernel, None, None
    wd = np.einsum("kij,kj->ki", inv, diff)
    cross = 2.0 * ((flat_w.T * n) @ wd).reshape(p, p * p)
    return kernel, 2.0 * np.einsum("k,kij->ij", n, inv), cross


def _moment_hessian_term(pat: Patterns, sigma, mu, d_sigma, d_mu, meanstructure, ntotal):
    """``J' H1 J``: the Hessian of f through the implied moments (first-order part)."""
    kernel, mean_block, cross = _moment_kernels(pat, sigma, mu, meanstructure, ntotal)
    p = sigma.shape[0]
    jac = d_sigma.reshape(p * p, -1)
    hess = jac.T @ kernel @ jac
    if meanstructure:
        hess += d_mu.T @ mean_block @ d_mu
        term = d_mu.T @ cross @ jac
        hess += term + term.T
    return hess


def _duplicate(matrix: np.ndarray, p: int, rows: bool = True) -> np.ndarray:
    """``matrix @ D`` (and ``D' matrix D`` when ``rows``) for the duplication matrix ``D``
    (vec <- vech, upper triangle row by row), by indexing instead of multiplying."""
    i, j = np.triu_indices(p)
    first, second, off = i * p + j, j * p + i, (i != j).astype(float)
    right = matrix[:, first] + matrix[:, second] * off
    return right[first] + right[second] * off[:, None] if rows else right


def saturated_hessian(pat: Patterns, sigma: np.ndarray, mu: np.ndarray,
                      ntotal: int) -> np.ndarray:
    """Hessian of f for the saturated model in its parameters ``(vech Sigma, mu)``.

    Equals :func:`observed_hessian` of the saturated :class:`MatrixModel` (whose
    Jacobian is the duplication matrix), with the contraction done by indexing.
    """
    kernel, mean_block, cross = _moment_kernels(pat, sigma, mu, True, ntotal)
    p = len(mu)
    vech = _duplicate(kernel, p)
    mixed = _duplicate(cross, p, rows=False)
    return np.block([[vech, mixed.T], [mixed, mean_block]])


def saturated_complete_information(sigma: np.ndarray) -> np.ndarray:
    """Complete-data information per case of the saturated model at ``sigma``:
    ``1/2 D'(W (x) W) D`` for ``vech Sigma`` and ``W`` for ``mu`` (``W = Sigma^-1``)."""
    inv = np.linalg.inv(sigma)
    p = len(sigma)
    flat = inv.reshape(p * p)
    kernel = np.outer(flat, flat).reshape(p, p, p, p).transpose(1, 2, 3, 0).reshape(p * p, p * p)
    vech = 0.5 * _duplicate(kernel, p)
    out = np.zeros((len(vech) + p, len(vech) + p))
    out[:len(vech), :len(vech)] = vech
    out[len(vech):, len(vech):] = inv
    return out


def observed_hessian(model: MatrixModel, x: np.ndarray, blocks: list[Patterns],
                     meanstructure: bool, ntotal: int) -> np.ndarray:
    """Hessian of ``f`` (complete data or FIML), ``= 2/N`` times the observed information.

    ``J' H1 J`` through the implied moments, analytic (``H1`` from ``W``, ``W S* W`` and
    ``W d`` of each pattern), plus the curvature ``sum G_ab d2 Sigma_ab / dx dx'`` (and
    the mean part) at ``G = df/dSigma``, analytic (:meth:`MatrixModel.curvature`).
    """
    moments = _moments(model, x)
    hess = np.zeros((model.npar, model.npar))
    for pat in blocks:
        sigma, mu = moments[pat.group]
        d_sigma, d_mu = model.jacobian(x, pat.group)
        hess += _moment_hessian_term(pat, sigma, mu, d_sigma, d_mu, meanstructure, ntotal)
    if not model.is_nonlinear:
        return hess
    grads = _sigma_gradients(model, x, blocks, meanstructure, ntotal)
    for g, (g_sigma, g_mu) in enumerate(grads):
        hess += model.curvature(x, g, g_sigma, g_mu if meanstructure else None)
    return hess


def expected_information(model: MatrixModel, x: np.ndarray, nobs: list[int],
                         meanstructure: bool) -> np.ndarray:
    """Expected (Fisher) information of all N cases, complete data.

    ``I = sum_g n_g [ 1/2 tr(W dSigma_k W dSigma_l) + dmu_k' W dmu_l ]`` with
    ``W = Sigma_g^-1``.
    """
    info = np.zeros((model.npar, model.npar))
    for g, (sigma, _) in enumerate(_moments(model, x)):
        d_sigma, d_mu = model.jacobian(x, g)
        inv = np.linalg.inv(sigma)
        info += nobs[g] * _info_block(inv[None], np.ones(1), d_sigma, d_mu, meanstructure)
    return info


def _info_block(invs: np.ndarray, weights: np.ndarray, d_sigma: np.ndarray, d_mu: np.ndarray,
                meanstructure: bool) -> np.ndarray:
    """``sum_P w_P [1/2 tr(W_P dS_k W_P dS_l) + dmu_k' W_P dmu_l]`` for all k, l."""
    p, _, n = d_sigma.shape
    stacked = d_sigma.transpose(2, 0, 1)
    wdw = np.zeros((n, p, p))
    for w, inv in zip(weights, invs, strict=True):
        wdw += w * (inv @ stacked @ inv)
    block = 0.5 * wdw.reshape(n, p * p) @ stacked.reshape(n, p * p).T
    if meanstructure:
        block += d_mu.T @ np.einsum("k,kij->ij", weights, invs) @ d_mu
    return block


def pattern_expected_information(model: MatrixModel, x: np.ndarray, blocks: list[Patterns],
                                 meanstructure: bool) -> np.ndarray:
    """Expected information of all cases summed over missing-data patterns.

    Each pattern contributes ``n_b [1/2 tr(W dSigma_oo,k W dSigma_oo,l) + dmu_o,k' W
    dmu_o,l]`` with ``W = Sigma_oo^-1`` (lavaan's "expected" information for
    ``missing="ml"``); for complete data this equals :func:`expected_information`.
    """
    info = np.zeros((model.npar, model.npar))
    moments = _moments(model, x)
    for pat in blocks:
        sigma, mu = moments[pat.group]
        inv, _, _ = _stacked(pat, sigma, mu, False)
        d_sigma, d_mu = model.jacobian(x, pat.group)
        info += _info_block(inv, pat.n, d_sigma, d_mu, meanstructure)
    return info


def em_saturated(y: np.ndarray, tol: float = 1e-10, max_iter: int = 5000
                 ) -> tuple[np.ndarray, np.ndarray, int]:
    """ML mean and covariance of incomplete multivariate-normal data by EM.

    Returns ``(mean, cov, iterations)``. Works on the pattern moments: each pattern's
    missing values are replaced by their regression on its observed values,
    ``yhat = T_P y_o + c_P``, and the residual covariance
    ``Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om`` is added (Dempster, Laird & Rubin 1977).
    """
    pat = _patterns(0, y)
    p = y.shape[1]
    mean = np.nanmean(y, axis=0)
    cov = np.diag(np.nanvar(y, axis=0))
    n = pat.n[:, None, None]
    missing = ~pat.mask
    raw = pat.cov + pat.mean[:, :, None] * pat.mean[:, None, :]
    for it in range(1, max_iter + 1):
        inv, _, _ = _stacked(pat, cov, mean, False)
        coef = np.where(missing[:, None, :], inv @ cov, 0.0)
        transform = np.where(pat.mask[:, :, None], np.eye(p), 0.0).transpose(0, 2, 1)
        transform = transform + coef.transpose(0, 2, 1)
        shift = np.where(missing, mean - np.einsum("kij,i->kj", coef, mean), 0.0)
        filled = np.einsum("kij,kj->ki", transform, pat.mean) + shift
        resid = np.where(missing[:, :, None] & missing[:, None, :],
                         cov - cov @ np.where(pat.mask[:, :, None], coef, 0.0), 0.0)
        second = (transform @ raw @ transform.transpose(0, 2, 1)
                  + filled[:, :, None] * shift[:, None, :] + shift[:, :, None] * filled[:, None, :]
                  - shift[:, :, None] * shift[:, None, :] + resid)
        total = pat.n.sum()
        new_mean = (pat.n[:, None] * filled).sum(axis=0) / total
        new_cov = (n * second).sum(axis=0) / total - np.outer(new_mean, new_mean)
        change = max(np.abs(new_mean - mean).max(), np.abs(new_cov - cov).max())
        mean, cov = new_mean, new_cov
        if change < tol:
            return mean, cov, it
    return mean, cov, max_iter
