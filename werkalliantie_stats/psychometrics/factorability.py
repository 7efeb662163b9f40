"""Is a correlation matrix worth factoring? KMO's MSA and Bartlett's sphericity test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2

from .._results import ResultMixin, format_table
from .correlation import correlation_matrix

__all__ = ["BartlettResult", "KMOResult", "bartlett_sphericity", "kmo"]


@dataclass(frozen=True)
class KMOResult(ResultMixin):
    """Kaiser-Meyer-Olkin measure of sampling adequacy.

    Attributes
    ----------
    overall : float
        Overall MSA.
    per_item : Series
        MSA of each item.
    anti_image : DataFrame
        Anti-image (partial) correlation matrix, ``cov2cor(R^-1)`` as psych's ``Image``.
    """

    overall: float
    per_item: pd.Series
    anti_image: pd.DataFrame
    _title = "Kaiser-Meyer-Olkin factor adequacy"

    def to_frame(self) -> pd.DataFrame:
        """Per-item MSA as a one-column table."""
        return self.per_item.to_frame("msa")

    def summary(self, digits: int = 2) -> str:
        """As psych prints a KMO object."""
        return "\n".join([self._title, f"Overall MSA = {self.overall:.{digits}f}",
                          "MSA for each item =", format_table(self.to_frame().T, digits)])


@dataclass(frozen=True)
class BartlettResult(ResultMixin):
    """Bartlett's test that the population correlation matrix is the identity.

    Attributes
    ----------
    statistic : float
        Chi-square statistic.
    df : float
        Degrees of freedom, p(p-1)/2.
    p_value : float
        Upper-tail chi-square probability.
    n_obs : float
        Sample size used.
    """

    statistic: float
    df: float
    p_value: float
    n_obs: float
    _title = "Bartlett's test of sphericity"

    def to_frame(self) -> pd.DataFrame:
        """One row: statistic, df, p_value, n_obs."""
        return pd.DataFrame([{"statistic": self.statistic, "df": self.df,
                              "p_value": self.p_value, "n_obs": self.n_obs}])

    def summary(self, digits: int = 2) -> str:
        """As psych prints cortest.bartlett's list."""
        return (f"{self._title} (n = {self.n_obs:g})\n"
                f"chisq = {self.statistic:.{digits}f}, df = {self.df:g}, "
                f"p.value = {self.p_value:.3g}")


def _checked_inverse(matrix: pd.DataFrame, func: str) -> np.ndarray:
    values = matrix.to_numpy()
    eigen = np.linalg.eigvalsh(values)
    if eigen.min() <= 1e-12 * eigen.max():
        raise ValueError(f"{func}: the correlation matrix of `data` is singular (smallest "
                         f"eigenvalue {eigen.min():.3g}); some items are linear combinations of "
                         f"others (e.g. a total score among its items) - drop them")
    return np.linalg.inv(values)


def kmo(data: pd.DataFrame, correlation: str = "pearson") -> KMOResult:
    """Kaiser-Meyer-Olkin measure of sampling adequacy, as ``psych::KMO``.

    Parameters
    ----------
    data : DataFrame
        Items in columns, or a correlation matrix (square, labelled).
    correlation : {"pearson", "polychoric"}
        Correlation computed from item data (Pearson uses pairwise deletion).

    Returns
    -------
    KMOResult

    Notes
    -----
    With :math:`Q = R^{-1}` scaled to the anti-image correlations
    :math:`q_{jk} = Q_{jk}/\\sqrt{Q_{jj}Q_{kk}}`, and sums over :math:`j \\ne k`:
    :math:`MSA = \\sum r_{jk}^2 / (\\sum r_{jk}^2 + \\sum q_{jk}^2)`;
    :math:`MSA_j = \\sum_k r_{jk}^2 / (\\sum_k r_{jk}^2 + \\sum_k q_{jk}^2)`.
    Kaiser's labels: >= .9 marvelous, .8 meritorious, .7 middling, .6 mediocre,
    .5 miserable, below .5 unacceptable.

    References
    ----------
    1. Kaiser, H. F. (1970). A second generation little jiffy. Psychometrika, 35, 401-415.
    2. Kaiser, H. F., & Rice, J. (1974). Little jiffy, mark IV. Educational and
       Psychological Measurement, 34, 111-117.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics import kmo
    >>> rng = np.random.default_rng(3)
    >>> f = rng.normal(size=(300, 1))
    >>> items = pd.DataFrame(f + rng.normal(size=(300, 4)), columns=list("abcd"))
    >>> res = kmo(items)  # In R: psych::KMO(items)
    >>> bool(0.7 < res.overall < 0.9), list(res.per_item.index)
    (True, ['a', 'b', 'c', 'd'])
    """
    func = "kmo"
    matrix = correlation_matrix(data, correlation, func).matrix
    inverse = _checked_inverse(matrix, func)
    scale = 1.0 / np.sqrt(np.diag(inverse))
    image = inverse * np.outer(scale, scale)
    q2 = image ** 2
    r2 = matrix.to_numpy() ** 2
    np.fill_diagonal(q2, 0.0)
    np.fill_diagonal(r2, 0.0)
    overall = r2.sum() / (r2.sum() + q2.sum())
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    names = list(matrix.columns)
    return KMOResult(overall=float(overall), per_item=pd.Series(per_item, index=names, name="msa"),
                     anti_image=pd.DataFrame(image, index=names, columns=names))


def bartlett_sphericity(data: pd.DataFrame, n_obs: float | None = None,
                        correlation: str = "pearson") -> BartlettResult:
    """Bartlett's test of sphericity, as ``psych::cortest.bartlett``.

    Parameters
    ----------
    data : DataFrame
        Items in columns, or a correlation matrix (then ``n_obs`` is required).
    n_obs : float, optional
        Sample size; defaults to the number of rows of item data.
    correlation : {"pearson", "polychoric"}
        Correlation computed from item data.

    Returns
    -------
    BartlettResult

    Notes
    -----
    :math:`\\chi^2 = -\\ln|R| \\,(n - 1 - (2p + 5)/6)` on :math:`p(p-1)/2` degrees of
    freedom. psych silently uses n = 100 when a matrix comes without n; here n is required.

    References
    ----------
    1. Bartlett, M. S. (1951). The effect of standardization on a chi square approximation
       in factor analysis. Biometrika, 38, 337-344.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics import bartlett_sphericity
    >>> rng = np.random.default_rng(3)
    >>> f = rng.normal(size=(300, 1))
    >>> items = pd.DataFrame(f + rng.normal(size=(300, 4)), columns=list("abcd"))
    >>> res = bartlett_sphericity(items)  # In R: psych::cortest.bartlett(cor(items), n = 300)
    >>> res.df, res.p_value < 1e-10
    (6.0, True)
    """
    func = "bartlett_sphericity"
    source = correlation_matrix(data, correlation, func, n_obs=n_obs)
    if not np.isfinite(source.n_obs):
        raise ValueError(f"{func}: `data` is a correlation matrix, so `n_obs` (the sample size "
                         f"behind it) is required, e.g. n_obs=267")
    matrix = source.matrix.to_numpy()
    _checked_inverse(source.matrix, func)
    p = matrix.shape[0]
    _, logdet = np.linalg.slogdet(matrix)
    statistic = -logdet * (source.n_obs - 1 - (2 * p + 5) / 6)
    df = p * (p - 1) / 2
    return BartlettResult(statistic=float(statistic), df=float(df),
                          p_value=float(chi2.sf(statistic, df)), n_obs=float(source.n_obs))
