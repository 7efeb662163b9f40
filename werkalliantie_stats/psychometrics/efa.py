"""Exploratory factor analysis as psych::fa: extraction, rotation, ordering, fit, scores."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import ResultMixin, format_table
from ..exceptions import ConvergenceWarning, HeywoodCaseWarning
from .correlation import correlation_matrix
from .extraction import extract
from .fit import factor_dof, factor_fit
from .rotation import ROTATIONS, rotate

__all__ = ["EFAResult", "efa"]

_PREFIX = {"minres": "MR", "ml": "ML", "pa": "PA"}


@dataclass(frozen=True)
class EFAResult(ResultMixin):
    """An exploratory factor solution (fields as ``psych::fa``; see :func:`efa`).

    Attributes
    ----------
    loadings : DataFrame
        Pattern loadings, items x factors (MR1, MR2, ... for minres).
    structure : DataFrame
        Structure matrix, ``loadings @ phi``.
    phi : DataFrame or None
        Factor correlations of an oblique rotation; None for orthogonal solutions.
    communalities : Series
        ``diag(loadings phi loadings')`` (psych's ``communality``).
    uniquenesses : Series
        1 - communalities.
    variance : DataFrame
        SS loadings, Proportion Var, Cumulative Var, Proportion Explained, Cumulative
        Proportion (psych's ``Vaccounted``).
    fit : Series
        Fit statistics; see :data:`werkalliantie_stats.psychometrics.fit.PSYCH_NAMES`.
    eigenvalues : Series
        Eigenvalues of the reduced correlation matrix (communalities on the diagonal;
        psych's ``values``).
    weights : dict of DataFrame
        Factor score weights: ``"regression"`` and ``"bartlett"``.
    scores : DataFrame or None
        Factor scores by the ``scores`` method, one row per input row (NaN where the row
        has a missing response); None for correlation-matrix input.
    method, rotation : str
        Extraction method and rotation used.
    n_obs : float
        Sample size (NaN for a correlation matrix given without n).
    converged : bool
        Extraction and rotation converged.
    """

    loadings: pd.DataFrame
    structure: pd.DataFrame
    phi: pd.DataFrame | None
    communalities: pd.Series
    uniquenesses: pd.Series
    variance: pd.DataFrame
    fit: pd.Series
    eigenvalues: pd.Series
    weights: dict
    scores: pd.DataFrame | None
    method: str
    rotation: str
    n_obs: float
    converged: bool
    _title = "Factor Analysis"

    def to_frame(self) -> pd.DataFrame:
        """Loadings with h2, u2 and complexity per item, as psych prints them."""
        table = self.loadings.copy()
        table["h2"] = self.communalities
        table["u2"] = self.uniquenesses
        lam2 = self.loadings.to_numpy() ** 2
        table["com"] = lam2.sum(axis=1) ** 2 / (lam2 ** 2).sum(axis=1)
        return table

    def summary(self, digits: int = 2) -> str:
        """Text in the layout of psych's print.psych.fa."""
        fit = self.fit
        lines = [f"{self._title} using method = {self.method}, rotation = {self.rotation}",
                 "Standardized loadings (pattern matrix)", format_table(self.to_frame(), digits),
                 "", format_table(self.variance, digits)]
        if self.phi is not None:
            lines += ["", "With factor correlations of", format_table(self.phi, digits)]
        lines += ["", f"The degrees of freedom for the model are {fit['df']:.0f} and the "
                      f"objective function was {fit['objective']:.{digits}f}",
                  "The root mean square of the residuals (RMSR) is "
                  f"{fit.get('rmsr', np.nan):.{digits}f}"]
        if "chisq" in fit:
            lines.append(f"The number of observations was {self.n_obs:.0f} with Chi Square = "
                         f"{fit['chisq']:.{digits}f} with prob < {fit.get('p_value', np.nan):.2g}")
        if "rmsea" in fit:
            lines += [f"Tucker Lewis Index of factoring reliability = {fit['tli']:.3f}",
                      f"RMSEA index = {fit['rmsea']:.3f} and the {fit['rmsea_ci_level']:.0%} "
                      f"confidence intervals are {fit['rmsea_ci_lower']:.3f} "
                      f"{fit['rmsea_ci_upper']:.3f}", f"BIC = {fit['bic']:.2f}"]
        return "\n".join(lines)


def _check_request(n_factors, method, rotation, scores, p, func):
    if not isinstance(n_factors, (int, np.integer)) or isinstance(n_factors, bool) \
            or n_factors < 1:
        raise TypeError(f"{func}: `n_factors` must be a positive int, got {n_factors!r}")
    if method not in _PREFIX:
        raise ValueError(f"{func}: `method` must be one of {list(_PREFIX)}, got {method!r}")
    if rotation not in ROTATIONS:
        raise ValueError(f"{func}: `rotation` must be one of {list(ROTATIONS)}, got {rotation!r}")
    if scores not in ("regression", "bartlett", None):
        raise ValueError(f"{func}: `scores` must be 'regression', 'bartlett' or None, "
                         f"got {scores!r}")
    dof = factor_dof(p, n_factors)
    if dof < 0:
        raise ValueError(f"{func}: {n_factors} factors for {p} items leave {dof:.0f} degrees of "
                         f"freedom; the model is not identified - ask for fewer factors "
                         f"(at most {_max_factors(p)} for {p} items)")


def _max_factors(p: int) -> int:
    return max(m for m in range(1, p + 1) if factor_dof(p, m) >= 0)


def _orient(loadings: np.ndarray) -> np.ndarray:
    signs = np.sign(loadings.sum(axis=0))
    signs[signs == 0] = 1
    return loadings * signs


def _rotate_and_order(lam: np.ndarray, rotation: str | None):
    lam = _orient(lam)
    lam = np.where(lam == 0, 1e-15, lam)
    rotated = rotate(lam, rotation)
    signs = np.sign(rotated.loadings.sum(axis=0))
    signs[signs == 0] = 1
    loadings = rotated.loadings * signs
    phi = None if rotated.phi is None else rotated.phi * np.outer(signs, signs)
    if lam.shape[1] > 1:
        ss = np.diag((np.eye(lam.shape[1]) if phi is None else phi) @ loadings.T @ loadings)
        order = np.argsort(-ss, kind="stable")
        loadings = loadings[:, order]
        phi = None if phi is None else phi[np.ix_(order, order)]
    return loadings, phi, rotated.converged


def _variance_table(loadings, phi, names, total):
    ss = np.diag((np.eye(loadings.shape[1]) if phi is None else phi) @ loadings.T @ loadings)
    rows = {"SS loadings": ss, "Proportion Var": ss / total}
    if loadings.shape[1] > 1:
        rows.update({"Cumulative Var": np.cumsum(ss / total),
                     "Proportion Explained": ss / ss.sum(),
                     "Cumulative Proportion": np.cumsum(ss / ss.sum())})
    return pd.DataFrame(rows, index=names).T


def _score_weights(raw, loadings, phi, r, correlation):
    """Regression (Thurstone) and Bartlett weights as psych::factor.scores (which uses
    the Pearson correlations of raw items)."""
    nf = loadings.shape[1]
    phi_ = np.eye(nf) if phi is None else phi
    structure = loadings @ phi_
    r_raw = r if raw is None or correlation == "pearson" else raw.corr().to_numpy()
    regression = np.linalg.solve(r_raw, structure)
    u2 = 1 - np.diag(loadings @ phi_ @ loadings.T)
    scaled = loadings / u2[:, None]
    bartlett = scaled @ np.linalg.inv(loadings.T @ scaled)
    return regression, bartlett


def _warn_trouble(communality, names, converged, method, func):
    heywood = [n for n, h in zip(names, communality, strict=True) if h >= 0.995 - 1e-6]
    if heywood:
        warnings.warn(f"{func}: Heywood case - item(s) {heywood} have communality >= .995 "
                      f"(max {communality.max():.3f}); the solution is improper: try fewer "
                      f"factors, method='minres', or drop/merge the item(s)",
                      HeywoodCaseWarning, stacklevel=3)
    if not converged:
        warnings.warn(f"{func}: the {method} extraction or the rotation did not converge; "
                      f"results may be unreliable - try another method or fewer factors",
                      ConvergenceWarning, stacklevel=3)


def efa(data: pd.DataFrame, n_factors: int, method: str = "minres",
        rotation: str | None = "oblimin", correlation: str = "pearson",
        n_obs: float | None = None, scores: str | None = "regression",
        max_iter: int = 50, min_err: float = 0.001) -> EFAResult:
    """Exploratory factor analysis, as ``psych::fa``.

    Parameters
    ----------
    data : DataFrame
        Items in columns (NaN = missing, pairwise deletion for Pearson), or a correlation
        matrix (square, labelled) together with ``n_obs``.
    n_factors : int
        Number of factors.
    method : {"minres", "ml", "pa"}
        Minimum residual (unweighted least squares), maximum likelihood, or iterated
        principal axes.
    rotation : {"oblimin", "quartimin", "geomin", "promax", "varimax", None}
        ``oblimin``/``quartimin`` are GPArotation's (gamma = 0, identical criteria);
        ``geomin`` is GPArotation's oblique ``geominQ`` (delta = .01; psych's name
        ``rotate="geominQ"``); ``promax`` is psych's Kaiser-normalised Promax (m = 4);
        ``varimax`` is ``stats::varimax``; None leaves the solution unrotated.
    correlation : {"pearson", "polychoric"}
        Correlations to factor (psych's ``cor="cor"`` / ``cor="poly"``).
    n_obs : float, optional
        Sample size when ``data`` is a correlation matrix; with item data it replaces the
        row count in the fit statistics (psych always uses the row count).
    scores : {"regression", "bartlett", None}
        Which factor scores to return (both weight matrices are always given).
    max_iter, min_err : int, float
        Iteration limit and convergence criterion of principal axes (psych's defaults).

    Returns
    -------
    EFAResult

    Notes
    -----
    Model :math:`R = \\Lambda\\Phi\\Lambda' + \\Psi`. Minres minimises
    :math:`\\sum_{j<k}(r_{jk} - [\\Lambda\\Lambda']_{jk})^2` over :math:`\\Psi`, with
    :math:`\\Lambda` from the leading eigenpairs of :math:`R - \\Psi`; ML minimises
    :math:`\\sum_{i>m}(\\ln\\gamma_i - \\gamma_i) + m - p` with :math:`\\gamma` the eigenvalues
    of :math:`\\Psi^{-1/2}R\\Psi^{-1/2}`; principal axes iterate
    :math:`h^2 \\leftarrow \\operatorname{diag}(\\Lambda\\Lambda')` from SMCs. Columns are
    signed to positive sums and ordered by :math:`\\operatorname{diag}(\\Phi\\Lambda'\\Lambda)`,
    as psych. Fit:
    :math:`F = \\operatorname{tr}(\\hat\\Sigma^{-1}R) - \\ln|\\hat\\Sigma^{-1}R| - p`,
    :math:`\\chi^2 = F\\,(n - 1 - (2p+5)/6 - 2m/3)` (Bartlett's correction) on
    :math:`df = p(p-1)/2 - pm + m(m-1)/2`; TLI from the null model;
    RMSEA :math:`= \\sqrt{\\max(\\chi^2/(df\\,n) - 1/(n-1), 0)}` with a 90% CI;
    :math:`BIC = \\chi^2 - df \\ln n`; RMSR from the off-diagonal residuals. Regression
    score weights :math:`W = R^{-1}\\Lambda\\Phi` use the Pearson correlations of the raw
    items, as psych does (also when factoring polychorics); Bartlett weights
    :math:`W = \\Psi^{-1}\\Lambda(\\Lambda'\\Psi^{-1}\\Lambda)^{-1}`. Scores are
    standardised items times weights.

    References
    ----------
    1. Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals
       (minres). Psychometrika, 31, 351-368.
    2. Lawley, D. N., & Maxwell, A. E. (1971). Factor analysis as a statistical method
       (2nd ed.). Butterworths.
    3. Revelle, W. (2022). psych: Procedures for Psychological, Psychometric, and
       Personality Research (version 2.2.9).
    4. Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and
       software for arbitrary rotation criteria in factor analysis. Educational and
       Psychological Measurement, 65, 676-696.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics import efa
    >>> rng = np.random.default_rng(7)
    >>> f = rng.normal(size=(400, 2))
    >>> lam = np.array([[.8, 0], [.7, 0], [.6, 0], [0, .8], [0, .7], [0, .6]])
    >>> items = pd.DataFrame(f @ lam.T + rng.normal(size=(400, 6)) * .6,
    ...                      columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> res = efa(items, 2)  # In R: psych::fa(items, nfactors = 2)
    >>> res.loadings.abs().idxmax(axis=1).tolist()
    ['MR1', 'MR1', 'MR1', 'MR2', 'MR2', 'MR2']
    >>> bool(res.fit["rmsea"] < 0.05)
    True
    """
    func = "efa"
    source = correlation_matrix(data, correlation, func, n_obs=n_obs)
    r = source.matrix.to_numpy()
    items = list(source.matrix.columns)
    _check_request(n_factors, method, rotation, scores, len(items), func)
    ext = extract(r, n_factors, method, min_err=min_err, max_iter=max_iter)
    loadings, phi, rot_ok = _rotate_and_order(ext.loadings, rotation)
    names = [f"{_PREFIX[method]}{i + 1}" for i in range(n_factors)]
    phi_ = np.eye(n_factors) if phi is None else phi
    communality = np.diag(loadings @ phi_ @ loadings.T)
    converged = ext.converged and rot_ok
    _warn_trouble(communality, items, converged, method, func)
    fit = factor_fit(r, loadings, phi, source.n_obs, source.pair_counts)
    regression, bartlett = _score_weights(source.raw, loadings, phi, r, correlation)
    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=items, columns=names)

    weights = {"regression": frame(regression), "bartlett": frame(bartlett)}
    return EFAResult(
        loadings=frame(loadings), structure=frame(loadings @ phi_),
        phi=None if phi is None else pd.DataFrame(phi, index=names, columns=names),
        communalities=pd.Series(communality, index=items, name="h2"),
        uniquenesses=pd.Series(np.diag(r) - communality, index=items, name="u2"),
        variance=_variance_table(loadings, phi, names, np.trace(r)), fit=fit,
        eigenvalues=pd.Series(ext.values, index=range(1, len(items) + 1), name="eigenvalue"),
        weights=weights, scores=_scores(source.raw, weights, scores),
        method=method, rotation=str(rotation), n_obs=source.n_obs, converged=converged)


def _scores(raw: pd.DataFrame | None, weights: dict, method: str | None):
    if raw is None or method is None:
        return None
    values = raw.to_numpy()
    standardised = (values - np.nanmean(values, axis=0)) / np.nanstd(values, axis=0, ddof=1)
    chosen = weights[method]
    return pd.DataFrame(standardised @ chosen.to_numpy(), index=raw.index,
                        columns=chosen.columns)
