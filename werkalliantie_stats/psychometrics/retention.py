"""How many factors? Horn's parallel analysis (as psych::fa.parallel) and Velicer's
MAP (as psych::vss)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import ResultMixin, format_table
from .._validation import as_rng
from ._batched import (
    batched_correlation,
    batched_polychoric,
    one_factor_minres_values,
    one_factor_pa_values,
)
from .correlation import correlation_matrix
from .extraction import extract

__all__ = ["MAPResult", "ParallelAnalysisResult", "map_test", "parallel_analysis"]

_CHUNK_CELLS = 4_000_000  # draws are generated in chunks of about this many numbers


@dataclass(frozen=True)
class ParallelAnalysisResult(ResultMixin):
    """Parallel analysis: observed eigenvalues against those of random data.

    Attributes
    ----------
    observed : DataFrame
        Index 1..p; columns ``components`` (eigenvalues of R) and ``factors`` (eigenvalues
        of the reduced matrix of a one-factor solution, psych's ``fa.values``).
    simulated : DataFrame
        Index 1..p; for random normal data: ``components_mean``, ``components_quantile``,
        ``factors_mean``, ``factors_quantile``; with ``resample=True`` also
        ``resampled_*`` columns for column-wise resampled data.
    n_factors, n_components : int or None
        Leading observed eigenvalues above the random-data threshold (None if not asked).
    quantile : float or None
        Threshold quantile (None: the mean is the threshold).
    n_iter : int
        Random data sets.
    """

    observed: pd.DataFrame
    simulated: pd.DataFrame
    n_factors: int | None
    n_components: int | None
    quantile: float | None
    n_iter: int
    method: str
    _title = "Parallel analysis"

    def to_frame(self) -> pd.DataFrame:
        """Observed and random-data eigenvalues side by side."""
        return pd.concat([self.observed, self.simulated], axis=1)

    def summary(self, digits: int = 2) -> str:
        """The suggestion psych prints, then the eigenvalue table."""
        rule = "mean" if self.quantile is None else f"{self.quantile:g} quantile"
        return "\n".join([
            f"Parallel analysis suggests that the number of factors = {self.n_factors} and "
            f"the number of components = {self.n_components}",
            f"({self.n_iter} random data sets; threshold: {rule})", "",
            format_table(self.to_frame(), digits)])


@dataclass(frozen=True)
class MAPResult(ResultMixin):
    """Velicer's minimum average partial test.

    Attributes
    ----------
    map : Series
        Average squared partial correlation after removing 1..k components.
    n_factors : int
        Number of components at the minimum.
    """

    map: pd.Series
    n_factors: int
    _title = "Velicer MAP"

    def to_frame(self) -> pd.DataFrame:
        """MAP by number of components."""
        return self.map.to_frame()

    def summary(self, digits: int = 4) -> str:
        """As psych's vss print: the MAP minimum and the values."""
        return "\n".join([f"The Velicer MAP achieves a minimum of {self.map.min():.{digits}f} "
                          f"with {self.n_factors} factors", "",
                          format_table(self.to_frame().T, digits)])


def _count_above(observed: np.ndarray, threshold: np.ndarray) -> int:
    """psych: which(!(observed > threshold))[1] - 1; all above gives p."""
    below = np.flatnonzero(~(observed > threshold))
    return int(below[0]) if below.size else len(observed)


def _factor_values(r: np.ndarray, fm: str) -> np.ndarray:
    if fm == "minres":
        return one_factor_minres_values(r)
    return one_factor_pa_values(r)


def _draw_chunks(n_iter: int, n: int, p: int):
    per = max(1, _CHUNK_CELLS // (n * p))
    for start in range(0, n_iter, per):
        yield min(per, n_iter - start)


def _simulated(rng, n_iter, n, p, fm, want_factors):
    pcs, fas = [], []
    for size in _draw_chunks(n_iter, n, p):
        r = batched_correlation(rng.standard_normal((size, n, p)))
        pcs.append(np.linalg.eigvalsh(r)[:, ::-1])
        if want_factors:
            fas.append(_factor_values(r, fm))
    return np.concatenate(pcs), (np.concatenate(fas) if want_factors else None)


def _resampled(rng, raw, n_iter, fm, want_factors, correlation):
    n, p = raw.shape
    values = raw.to_numpy()
    observed = ~np.isnan(values)
    filled = np.where(observed, values, 0.0)
    pcs, fas = [], []
    for size in _draw_chunks(n_iter, n, p):
        rows = rng.integers(0, n, size=(size, n, p))
        draws = np.take_along_axis(filled[None, :, :], rows, axis=1)
        seen = np.take_along_axis(observed[None, :, :], rows, axis=1)
        r = _resampled_correlations(draws, seen, correlation)
        pcs.append(np.linalg.eigvalsh(r)[:, ::-1])
        if want_factors:
            fas.append(_factor_values(r, fm))
    return np.concatenate(pcs), (np.concatenate(fas) if want_factors else None)


def _resampled_correlations(draws, seen, correlation):
    """Correlations of resampled data sets (zeros where ``seen`` is False)."""
    if correlation == "pearson":
        return batched_correlation(draws, seen)
    low = draws[seen].min()
    n_categories = int(draws[seen].max() - low + 1)
    codes = np.where(seen, draws - low, -1).astype(int)
    return batched_polychoric(codes, n_categories)


def _threshold(values: np.ndarray, quantile: float | None) -> np.ndarray:
    return values.mean(axis=0) if quantile is None else np.quantile(values, quantile, axis=0)


def _check_options(n_iter, quantile, fa, fm, func):
    if not isinstance(n_iter, (int, np.integer)) or n_iter < 1:
        raise ValueError(f"{func}: `n_iter` must be a positive int, got {n_iter!r}")
    if quantile is not None and not 0 < quantile < 1:
        raise ValueError(f"{func}: `quantile` must be None or in (0, 1), got {quantile!r}")
    if fa not in ("both", "pc", "fa"):
        raise ValueError(f"{func}: `fa` must be 'both', 'pc' or 'fa', got {fa!r}")
    if fm not in ("minres", "pa"):
        raise ValueError(f"{func}: `fm` must be 'minres' or 'pa', got {fm!r}")


def parallel_analysis(data: pd.DataFrame, n_iter: int = 20, quantile: float | None = 0.95,
                      resample: bool = False, fa: str = "both", fm: str = "minres",
                      correlation: str = "pearson", seed=None,
                      n_obs: int | None = None) -> ParallelAnalysisResult:
    """Horn's parallel analysis, as ``psych::fa.parallel``.

    Parameters
    ----------
    data : DataFrame
        Items in columns (NaN = missing; Pearson uses pairwise deletion), or a
        correlation matrix together with ``n_obs`` (then only simulated data are used).
    n_iter : int
        Number of random data sets.
    quantile : float or None
        Observed eigenvalues are compared with this quantile of the random ones (psych's
        ``quant=.95``, which psych 2.2.9 always uses for its suggestion); None compares
        with the mean.
    resample : bool
        Also resample the data (each column independently, with replacement), as psych
        does for raw data; the suggestion still uses the simulated normal data.
    fa : {"both", "pc", "fa"}
        Components, factors, or both.
    fm : {"minres", "pa"}
        Factoring method of the one-factor solutions that give the factor eigenvalues.
    correlation : {"pearson", "polychoric"}
        Correlation of the observed (and resampled) data; simulated data are normal and
        always use Pearson correlations, as in psych.
    seed : int or numpy.random.Generator, optional
        Random state.
    n_obs : int, optional
        Sample size when ``data`` is a correlation matrix (psych's ``n.obs``).

    Returns
    -------
    ParallelAnalysisResult

    Notes
    -----
    Components: eigenvalues :math:`\\lambda_k` of :math:`R`. Factors: eigenvalues of
    :math:`R` with the communalities :math:`h^2 = \\hat\\lambda^2` of a one-factor solution
    on its diagonal (psych's ``fa(r, 1)$values``). The same quantities are computed for
    ``n_iter`` data sets of independent normal variables of the same size, all at once:
    batched correlation matrices, batched eigenvalues, and one-factor minres solutions
    found for every data set together by damped Newton steps on the off-diagonal
    least-squares loss (psych runs one L-BFGS-B fit per data set; on pure noise the
    loss can have several local minima, so a few per cent of random data sets may land
    on another minimum than R's - the random-data eigenvalues are a Monte-Carlo
    quantity either way). The suggestion is the number of leading observed eigenvalues
    above the threshold (``which(!(obs > thr))[1] - 1`` in psych; if all exceed, *p*).

    References
    ----------
    1. Horn, J. L. (1965). A rationale and test for the number of factors in factor
       analysis. Psychometrika, 30, 179-185.
    2. Revelle, W. (2022). psych: Procedures for Psychological, Psychometric, and
       Personality Research (version 2.2.9).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics import parallel_analysis
    >>> rng = np.random.default_rng(7)
    >>> f = rng.normal(size=(300, 2))
    >>> lam = np.array([[.8, 0], [.7, 0], [.6, 0], [0, .8], [0, .7], [0, .6]])
    >>> items = pd.DataFrame(f @ lam.T + rng.normal(size=(300, 6)) * .6,
    ...                      columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> res = parallel_analysis(items, n_iter=50, seed=1)  # In R: psych::fa.parallel(items)
    >>> res.n_factors, res.n_components
    (2, 2)
    """
    func = "parallel_analysis"
    _check_options(n_iter, quantile, fa, fm, func)
    source = correlation_matrix(data, correlation, func, n_obs=n_obs)
    r = source.matrix.to_numpy()
    p = r.shape[0]
    if source.raw is None:
        if not np.isfinite(source.n_obs):
            raise ValueError(f"{func}: `data` is a correlation matrix, so `n_obs` (the sample "
                             f"size behind it) is required, e.g. n_obs=267")
        if resample:
            raise ValueError(f"{func}: a correlation matrix cannot be resampled; use "
                             f"resample=False or pass the item responses")
    n = int(source.n_obs)
    want_factors = fa != "pc"
    observed = {"components": np.linalg.eigvalsh(r)[::-1]}
    if want_factors:
        observed["factors"] = extract(r, 1, fm).values
    rng = as_rng(seed)
    sim_pc, sim_fa = _simulated(rng, n_iter, n, p, fm, want_factors)
    simulated = {"components_mean": sim_pc.mean(axis=0),
                 "components_quantile": _threshold(sim_pc, quantile or 0.95)}
    if want_factors:
        simulated.update(factors_mean=sim_fa.mean(axis=0),
                         factors_quantile=_threshold(sim_fa, quantile or 0.95))
    if resample:
        res_pc, res_fa = _resampled(rng, source.raw, n_iter, fm, want_factors, correlation)
        simulated.update(resampled_components_mean=res_pc.mean(axis=0))
        if want_factors:
            simulated.update(resampled_factors_mean=res_fa.mean(axis=0))
    index = pd.RangeIndex(1, p + 1, name="number")
    n_components = (_count_above(observed["components"], _threshold(sim_pc, quantile))
                    if fa != "fa" else None)
    n_factors = (_count_above(observed["factors"], _threshold(sim_fa, quantile))
                 if want_factors else None)
    if fa == "fa":
        observed.pop("components")
        for key in ("components_mean", "components_quantile"):
            simulated.pop(key)
    return ParallelAnalysisResult(
        observed=pd.DataFrame(observed, index=index), simulated=pd.DataFrame(simulated,
                                                                             index=index),
        n_factors=n_factors, n_components=n_components, quantile=quantile, n_iter=n_iter,
        method=fm)


def map_test(data: pd.DataFrame, max_factors: int = 8,
             correlation: str = "pearson") -> MAPResult:
    """Velicer's minimum average partial (MAP) test, as ``psych::vss``'s ``map``.

    Parameters
    ----------
    data : DataFrame
        Items in columns, or a correlation matrix.
    max_factors : int
        Largest number of components to partial out (psych's ``n = 8``); at most p - 1.
    correlation : {"pearson", "polychoric"}
        Correlation computed from item data.

    Returns
    -------
    MAPResult

    Notes
    -----
    With :math:`A_k` the first *k* principal-component loadings
    (:math:`V_k D_k^{1/2}`), the partial covariance is :math:`C_k = R - A_k A_k'`, the
    partial correlations :math:`R^*_k = D^{-1/2} C_k D^{-1/2}` (:math:`D = \\mathrm{diag}(C_k)`),
    and :math:`MAP_k = \\sum_{i \\ne j} (r^*_{ij})^2 / (p(p-1))`. The suggested number is
    the *k* of the minimum. As in psych, *k* starts at 1 (Velicer's *k* = 0 row is omitted).

    References
    ----------
    1. Velicer, W. F. (1976). Determining the number of components from the matrix of
       partial correlations. Psychometrika, 41, 321-327.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics import map_test
    >>> rng = np.random.default_rng(7)
    >>> f = rng.normal(size=(300, 2))
    >>> lam = np.array([[.8, 0], [.7, 0], [.6, 0], [0, .8], [0, .7], [0, .6]])
    >>> items = pd.DataFrame(f @ lam.T + rng.normal(size=(300, 6)) * .6,
    ...                      columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> map_test(items).n_factors  # In R: psych::vss(items)$map
    2
    """
    func = "map_test"
    if not isinstance(max_factors, (int, np.integer)) or max_factors < 1:
        raise ValueError(f"{func}: `max_factors` must be a positive int, got {max_factors!r}")
    r = correlation_matrix(data, correlation, func).matrix.to_numpy()
    p = r.shape[0]
    values, vectors = np.linalg.eigh(r)
    comp = vectors[:, ::-1] * np.sqrt(np.maximum(values[::-1], 0.0))
    upto = min(max_factors, p - 1)
    out = []
    for k in range(1, upto + 1):
        partial = r - comp[:, :k] @ comp[:, :k].T
        scale = 1.0 / np.sqrt(np.diag(partial))
        rstar = partial * np.outer(scale, scale)
        np.fill_diagonal(rstar, 0.0)
        out.append((rstar ** 2).sum() / (p * (p - 1)))
    series = pd.Series(out, index=pd.RangeIndex(1, upto + 1, name="n_factors"), name="map")
    return MAPResult(map=series, n_factors=int(series.idxmin()))
