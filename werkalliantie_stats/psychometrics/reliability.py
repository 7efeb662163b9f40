"""Cronbach's alpha with item statistics and three kinds of confidence interval (psych::alpha)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special

from .. import exceptions
from .._results import ResultMixin, format_table
from .._validation import as_rng
from ._alpha_core import alpha_statistics, drop_one_statistics, raw_alpha, rest_correlations
from ._moments import cov2cor, pairwise_cor, pairwise_cov, smc, weighted_pairwise_cov
from ._scale_checks import item_matrix, warn_negative_items

__all__ = ["AlphaResult", "cronbach_alpha"]

_FUNC = "cronbach_alpha"
_CI_METHODS = ("feldt", "duhachek", "bootstrap")


@dataclass(frozen=True)
class AlphaResult(ResultMixin):
    """Cronbach's alpha of one scale, as ``psych::alpha`` reports it.

    Attributes
    ----------
    alpha, std_alpha : float
        Raw alpha (from covariances) and standardised alpha (from correlations).
    g6 : float
        Guttman's lambda 6 (squared multiple correlations).
    average_r, median_r, signal_noise : float
        Mean and median inter-item correlation; signal/noise ``k r / (1 - r)``.
    ase : float
        Duhachek & Iacobucci's asymptotic standard error of raw alpha.
    ci_lower, ci_upper, ci_method, level : float, float, str, float
        The requested confidence interval.
    intervals : DataFrame
        Feldt and Duhachek intervals (and the bootstrap one when requested) at ``level``.
    mean, sd : float
        Mean and standard deviation of the scale score (mean of the observed items).
    items : DataFrame
        Per item: ``n, alpha_if_deleted, std_alpha_if_deleted, g6_if_deleted,
        average_r_if_deleted, alpha_se_if_deleted, r_raw, r_std, r_cor, r_drop, mean, sd``.
    n_obs, n_items : int
        Rows (respondents, after listwise deletion if chosen) and items.
    correlation, missing : str
        The settings used.
    boot_alphas : ndarray or None
        The bootstrap distribution of raw alpha (``ci="bootstrap"`` only).
    """

    alpha: float
    std_alpha: float
    g6: float
    average_r: float
    median_r: float
    signal_noise: float
    ase: float
    ci_lower: float
    ci_upper: float
    ci_method: str
    level: float
    intervals: pd.DataFrame
    mean: float
    sd: float
    items: pd.DataFrame
    n_obs: int
    n_items: int
    correlation: str
    missing: str
    boot_alphas: np.ndarray | None = None

    _title = "Reliability analysis (Cronbach's alpha)"

    def to_frame(self) -> pd.DataFrame:
        """The per-item table."""
        return self.items

    def confidence_interval(self, method: str | None = None,
                            confidence_level: float | None = None) -> tuple[float, float]:
        """Interval of raw alpha by another method or at another level, without refitting.

        ``method`` defaults to ``ci_method`` and ``confidence_level`` to ``level``;
        ``"bootstrap"`` needs a result computed with ``ci="bootstrap"``.
        """
        method = self.ci_method if method is None else method
        level = self.level if confidence_level is None else confidence_level
        if method not in _CI_METHODS:
            raise ValueError(f"confidence_interval: `method` must be one of {_CI_METHODS}, "
                             f"got {method!r}")
        if not (isinstance(level, (float, int)) and 0 < level < 1):
            raise ValueError(f"confidence_interval: `confidence_level` must be in (0, 1), "
                             f"got {level!r}")
        if method == "bootstrap":
            if self.boot_alphas is None:
                raise ValueError("confidence_interval: no bootstrap draws; call "
                                 "cronbach_alpha(..., ci='bootstrap') first")
            low, high = np.quantile(self.boot_alphas, [(1 - level) / 2, (1 + level) / 2])
            return float(low), float(high)
        table = _intervals(self.alpha, self.ase, self.n_obs, self.n_items, level)
        return float(table.loc[method, "lower"]), float(table.loc[method, "upper"])

    def summary(self, digits: int = 3) -> str:
        """Totals, confidence intervals and the item table, in psych's order."""
        head = pd.DataFrame([{"raw_alpha": self.alpha, "std_alpha": self.std_alpha,
                              "g6": self.g6, "average_r": self.average_r,
                              "s/n": self.signal_noise, "ase": self.ase, "mean": self.mean,
                              "sd": self.sd, "median_r": self.median_r}], index=[""])
        return "\n".join([
            self._title, "=" * len(self._title),
            f"n_obs = {self.n_obs}, items = {self.n_items}, correlation = {self.correlation}, "
            f"missing = {self.missing}", "", format_table(head, digits), "",
            f"{100 * self.level:g}% confidence boundaries (reported: {self.ci_method})",
            format_table(self.intervals, digits), "",
            "Item statistics and reliability if an item is dropped",
            format_table(self.items, digits)])


def cronbach_alpha(data: pd.DataFrame,
                   ci: Literal["feldt", "duhachek", "bootstrap"] = "feldt",
                   level: float = 0.95, n_boot: int = 1000,
                   seed: int | np.random.Generator | None = None,
                   correlation: Literal["pearson", "polychoric"] = "pearson",
                   missing: Literal["pairwise", "listwise"] = "pairwise") -> AlphaResult:
    """Cronbach's alpha, standardised alpha, Guttman's lambda 6 and item statistics.

    Parameters
    ----------
    data : DataFrame
        One column per item (already re-keyed), one row per respondent; NaN = missing.
    ci : {"feldt", "duhachek", "bootstrap"}
        Which interval fills ``ci_lower``/``ci_upper``. Feldt and Duhachek are always
        reported in ``intervals``; the bootstrap one only when chosen.
    level : float
        Confidence level, in (0, 1).
    n_boot : int
        Bootstrap draws (``ci="bootstrap"``).
    seed : int, Generator or None
        Randomness for the bootstrap.
    correlation : {"pearson", "polychoric"}
        ``"polychoric"`` gives ordinal alpha (Zumbo et al., 2007): alpha of the polychoric
        correlation matrix; then ``alpha == std_alpha`` and ``r_raw`` is NaN.
    missing : {"pairwise", "listwise"}
        Pairwise-complete covariances (psych's default) or complete rows only.

    Returns
    -------
    AlphaResult

    Notes
    -----
    With ``k`` items, covariance matrix ``C`` and correlation matrix ``R``:

    .. math::

        \\alpha = \\frac{k}{k-1}\\Bigl(1 - \\frac{\\operatorname{tr} C}{1'C1}\\Bigr),\\quad
        \\alpha_{std} = \\frac{k}{k-1}\\Bigl(1 - \\frac{k}{1'R1}\\Bigr),\\quad
        \\lambda_6 = 1 - \\frac{k - \\sum_i smc_i}{1'R1}.

    With pairwise deletion ``C`` holds pairwise-complete covariances and ``R`` is
    ``cov2cor(C)``, as in psych. Feldt's interval (psych ``alpha.ci``) with ``n`` rows is
    ``1 - (1 - \\alpha) F_{1-p/2}`` to ``1 - (1 - \\alpha) F_{p/2}`` with ``F`` on
    ``(n - 1, (n - 1)(k - 1))`` degrees of freedom and ``p = 1 - level``. Duhachek's interval
    is ``\\alpha \\pm z\\, ase`` with ``ase = \\sqrt{Q/n}``,

    .. math::

        Q = \\frac{2k^2}{(k-1)^2 (1'C1)^3}\\bigl[1'C1\\,(\\operatorname{tr} C^2 +
        (\\operatorname{tr} C)^2) - 2 \\operatorname{tr} C\\; 1'C^2 1\\bigr].

    The bootstrap interval is the percentile interval of raw alpha over ``n_boot``
    resamples of rows; all resampled covariance matrices come from one matrix product.
    ``r_raw`` correlates each item with the mean of the observed items, ``r_std`` is the
    same from ``R``, ``r_cor`` corrects it for item overlap (diagonal of ``R`` replaced by
    the smc) and ``r_drop`` correlates the item with the sum of the other items.

    References
    ----------
    1. Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
       Psychometrika, 16, 297-334.
    2. Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
       coefficient alpha. Applied Psychological Measurement, 11, 93-103.
    3. Duhachek, A., & Iacobucci, D. (2004). Alpha's standard error (ASE): an accurate and
       precise confidence interval estimate. Journal of Applied Psychology, 89, 792-808.
    4. Zumbo, B. D., Gadermann, A. M., & Zeisser, C. (2007). Ordinal versions of coefficients
       alpha and theta for Likert rating scales. Journal of Modern Applied Statistical
       Methods, 6, 21-29.
    5. Revelle, W. (2022). psych: Procedures for Psychological, Psychometric, and
       Personality Research (version 2.2.9), function ``alpha``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> trait = rng.normal(size=(200, 1))
    >>> items = pd.DataFrame(np.clip(np.round(3 + trait + rng.normal(size=(200, 4))), 1, 5),
    ...                      columns=["com1", "com2", "com3", "com5"])
    >>> res = cronbach_alpha(items)   # In R: psych::alpha(items)
    >>> round(res.alpha, 3), round(res.ci_lower, 3), round(res.ci_upper, 3)
    (0.749, 0.687, 0.801)
    >>> res.items[["r_drop", "alpha_if_deleted"]].round(2).loc["com1"].tolist()
    [0.58, 0.67]
    """
    _check_options(ci, level, n_boot, correlation, missing)
    frame = item_matrix(data, _FUNC)
    if missing == "listwise":
        frame = _complete_rows(frame)
    x = frame.to_numpy()
    names = [str(c) for c in frame.columns]
    c = pairwise_cov(x)
    _check_pairs(c, names)
    if correlation == "polychoric":
        c = _polychoric(frame)
    r = cov2cor(c)
    warn_negative_items(r, names, _FUNC)
    n_obs = x.shape[0]
    total = {key: float(value) for key, value in alpha_statistics(c, r).items()}
    ase = float(np.sqrt(total["q"] / n_obs))
    intervals = _intervals(total["raw_alpha"], ase, n_obs, len(names), level)
    boot = None
    if ci == "bootstrap":
        boot = _finite_draws(_bootstrap_alphas(x, n_boot, as_rng(seed)))
        q = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
        intervals.loc["bootstrap"] = [q[0], total["raw_alpha"], q[1]]
    score = _row_means(x)
    return AlphaResult(
        alpha=total["raw_alpha"], std_alpha=total["std_alpha"], g6=total["g6"],
        average_r=total["average_r"], median_r=total["median_r"],
        signal_noise=total["signal_noise"], ase=ase,
        ci_lower=float(intervals.loc[ci, "lower"]), ci_upper=float(intervals.loc[ci, "upper"]),
        ci_method=ci, level=float(level), intervals=intervals,
        mean=float(np.nanmean(score)), sd=float(np.nanstd(score, ddof=1)),
        items=_item_table(frame, c, r, n_obs, raw=correlation == "pearson"),
        n_obs=n_obs, n_items=len(names), correlation=correlation, missing=missing,
        boot_alphas=boot)


def _bootstrap_alphas(x: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Raw alpha of ``n_boot`` row resamples of ``x`` (pairwise covariances), all at once."""
    n = x.shape[0]
    rows = rng.integers(0, n, size=(n_boot, n)) + n * np.arange(n_boot)[:, None]
    counts = np.bincount(rows.ravel(), minlength=n_boot * n).reshape(n_boot, n)
    return raw_alpha(weighted_pairwise_cov(x, counts.astype(float)))


def _finite_draws(boot: np.ndarray) -> np.ndarray:
    """Drop resamples whose alpha is undefined (a pair of items seen together < 2 times)."""
    finite = np.isfinite(boot)
    if not finite.all():
        warnings.warn(f"{_FUNC}: {int((~finite).sum())} of {boot.size} bootstrap resamples "
                      f"had an undefined alpha (two items observed together in fewer than 2 "
                      f"resampled rows) and were left out; with so few overlapping answers "
                      f"prefer ci='feldt'",
                      exceptions.DroppedDataWarning, stacklevel=3)
    if finite.sum() < 10:
        raise ValueError(f"{_FUNC}: only {int(finite.sum())} bootstrap resamples have a "
                         f"defined alpha; use ci='feldt' or ci='duhachek'")
    return boot[finite]


def _check_options(ci: str, level: float, n_boot: int, correlation: str, missing: str) -> None:
    if ci not in _CI_METHODS:
        raise ValueError(f"{_FUNC}: `ci` must be one of {_CI_METHODS}, got {ci!r}")
    if not (isinstance(level, (float, int)) and 0 < level < 1):
        raise ValueError(f"{_FUNC}: `level` must be a number in (0, 1), got {level!r}")
    if ci == "bootstrap" and not (isinstance(n_boot, (int, np.integer)) and n_boot >= 10):
        raise ValueError(f"{_FUNC}: `n_boot` must be an integer >= 10, got {n_boot!r}")
    if correlation not in ("pearson", "polychoric"):
        raise ValueError(f"{_FUNC}: `correlation` must be 'pearson' or 'polychoric', "
                         f"got {correlation!r}")
    if correlation == "polychoric" and ci == "bootstrap":
        raise ValueError(f"{_FUNC}: ci='bootstrap' needs raw covariances; with "
                         f"correlation='polychoric' use ci='feldt' or ci='duhachek'")
    if missing not in ("pairwise", "listwise"):
        raise ValueError(f"{_FUNC}: `missing` must be 'pairwise' or 'listwise', got {missing!r}")


def _complete_rows(frame: pd.DataFrame) -> pd.DataFrame:
    complete = frame.dropna()
    if complete.shape[0] < 2:
        raise ValueError(f"{_FUNC}: missing='listwise' leaves {complete.shape[0]} complete "
                         f"row(s) of {frame.shape[0]}; use missing='pairwise'")
    return complete


def _check_pairs(c: np.ndarray, names: list[str]) -> None:
    bad = np.argwhere(~np.isfinite(c))
    if bad.size:
        i, j = bad[0]
        raise ValueError(f"{_FUNC}: items {names[i]!r} and {names[j]!r} are observed together "
                         f"in fewer than 2 rows, so their covariance is undefined")


def _polychoric(frame: pd.DataFrame) -> np.ndarray:
    from .correlation import polychoric

    return np.asarray(polychoric(frame).correlation, dtype=float)


def _intervals(alpha: float, ase: float, n_obs: int, k: int, level: float) -> pd.DataFrame:
    p = 1.0 - level
    df1, df2 = n_obs - 1, (n_obs - 1) * (k - 1)
    feldt = (1 - (1 - alpha) * special.fdtri(df1, df2, 1 - p / 2),
             1 - (1 - alpha) * special.fdtri(df1, df2, p / 2))
    z = special.ndtri(1 - p / 2)
    return pd.DataFrame({"lower": [feldt[0], alpha - z * ase], "alpha": [alpha, alpha],
                         "upper": [feldt[1], alpha + z * ase]}, index=["feldt", "duhachek"])


def _item_table(frame: pd.DataFrame, c: np.ndarray, r: np.ndarray, n_obs: int,
                raw: bool) -> pd.DataFrame:
    drop = drop_one_statistics(c, r, n_obs)
    rc = r.copy()
    np.fill_diagonal(rc, smc(r))
    return pd.DataFrame({
        "n": frame.notna().sum().to_numpy(),
        "alpha_if_deleted": drop["raw_alpha"], "std_alpha_if_deleted": drop["std_alpha"],
        "g6_if_deleted": drop["g6"], "average_r_if_deleted": drop["average_r"],
        "alpha_se_if_deleted": drop["alpha_se"],
        "r_raw": _score_correlations(frame) if raw else np.nan,
        "r_std": r.sum(axis=0) / np.sqrt(r.sum()),
        "r_cor": rc.sum(axis=0) / np.sqrt(rc.sum()),
        "r_drop": rest_correlations(c),
        "mean": frame.mean().to_numpy(), "sd": frame.std(ddof=1).to_numpy(),
    }, index=pd.Index(frame.columns, name="item"))


def _score_correlations(frame: pd.DataFrame) -> np.ndarray:
    """Pairwise correlation of each item with the mean of the observed items (psych raw.r)."""
    x = frame.to_numpy()
    return pairwise_cor(np.column_stack([_row_means(x), x]))[0, 1:]


def _row_means(x: np.ndarray) -> np.ndarray:
    """Mean of the observed items per row (NaN for rows without any answer)."""
    answered = (~np.isnan(x)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isnan(x), 0.0, x).sum(axis=1) / answered
