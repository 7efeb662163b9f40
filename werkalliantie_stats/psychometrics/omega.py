"""McDonald's omega through a Schmid-Leiman transformation, as psych::omega."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import exceptions
from .._results import ResultMixin, format_table
from .correlation import correlation_matrix
from .efa import efa
from .extraction import extract, smc
from .rotation import rotate

__all__ = ["OmegaResult", "omega"]


@dataclass(frozen=True)
class OmegaResult(ResultMixin):
    """Omega coefficients from a Schmid-Leiman solution.

    Attributes
    ----------
    omega_total : float
        Reliable (common) variance share of the total score, psych's ``omega.tot``.
    omega_hierarchical : float
        General-factor variance share of the total score, psych's ``omega_h``.
    omega_limit : float
        omega_h / omega_total (psych's ``omega.lim``).
    alpha, g6 : float
        Cronbach's alpha and Guttman's lambda 6 of the (flipped) correlation matrix.
    ecv : float
        Explained common variance of the general factor.
    omega_group : DataFrame
        Rows ``g`` and ``F1*``...: columns ``total``, ``general``, ``group`` (psych's
        ``omega.group``).
    schmid_leiman : DataFrame
        Items x (g, F1*, ..., h2, u2, p2): the Schmid-Leiman loadings (psych's ``schmid$sl``).
    keys : Series
        +1/-1 per item: items with a negative general loading were reversed.
    n_factors : int
        Group factors.
    """

    omega_total: float
    omega_hierarchical: float
    omega_limit: float
    alpha: float
    g6: float
    ecv: float
    omega_group: pd.DataFrame
    schmid_leiman: pd.DataFrame
    keys: pd.Series
    n_factors: int
    _title = "Omega"

    def to_frame(self) -> pd.DataFrame:
        """The omega_group table."""
        return self.omega_group

    def summary(self, digits: int = 2) -> str:
        """As psych's print of an omega object."""
        return "\n".join([
            self._title, f"Alpha:                 {self.alpha:.{digits}f}",
            f"G.6:                   {self.g6:.{digits}f}",
            f"Omega Hierarchical:    {self.omega_hierarchical:.{digits}f}",
            f"Omega H asymptotic:    {self.omega_limit:.{digits}f}",
            f"Omega Total            {self.omega_total:.{digits}f}", "",
            "Schmid Leiman Factor loadings", format_table(self.schmid_leiman, digits), "",
            "Omega_h for 1 factor is not meaningful, just omega_t" if self.n_factors == 1
            else "Total, General and Subset omega for each subset",
            format_table(self.omega_group, digits)])


def _general_loadings(phi: np.ndarray, method: str) -> np.ndarray:
    """Loadings of the group factors on g: a one-factor fit of Phi (3+ factors) or
    psych's option="equal" for two factors."""
    nf = phi.shape[0]
    if nf == 1:
        return np.ones(1)
    if nf == 2:
        root = np.sqrt(abs(phi[0, 1]))
        return np.array([root, np.sign(phi[0, 1]) * root])
    g = extract(phi, 1, method).loadings[:, 0]
    return -g if g.sum() < 0 else g


def _schmid_leiman(r: pd.DataFrame, n_factors: int, method: str, n_obs: float):
    orth = efa(r, n_factors, method=method, rotation="varimax", n_obs=n_obs,
               scores=None).loadings.to_numpy()
    if n_factors == 1:
        fload, phi = orth, np.ones((1, 1))
    else:
        rotated = rotate(orth, "oblimin")
        fload, phi = rotated.loadings, rotated.phi
    gload = _general_loadings(phi, method)
    g = fload @ gload
    h2 = (orth ** 2).sum(axis=1)
    u2 = np.diag(r.to_numpy()) - h2
    group_sq = np.clip(fload ** 2 * (1 - gload ** 2), 0.0, None)
    group = np.sign(fload) * np.sqrt(group_sq)
    cols = ["g", *[f"F{i + 1}*" for i in range(n_factors)], "h2", "u2", "p2"]
    table = np.column_stack([g, group, h2, u2, g ** 2 / h2])
    return pd.DataFrame(table, index=r.index, columns=cols)


def _omega_group(m: np.ndarray, sl: pd.DataFrame, n_factors: int, total: float):
    loads = sl.to_numpy()
    g = loads[:, 0]
    assign = np.abs(loads[:, 1:n_factors + 1]).argmax(axis=1)
    rows = {"total": [total], "general": [g.sum() ** 2 / m.sum()], "group": [np.nan]}
    squared_groups = 0.0
    for k in range(n_factors):
        members = np.flatnonzero(assign == k)
        if members.size == 0:
            for key in rows:
                rows[key].append(np.nan)
            continue
        v = m[np.ix_(members, members)].sum()
        gr = loads[members, k + 1].sum()
        gg = g[members].sum()
        squared_groups += gr ** 2
        rows["total"].append((gr ** 2 + gg ** 2) / v)
        rows["general"].append(gg ** 2 / v)
        rows["group"].append(gr ** 2 / v)
    rows["group"][0] = squared_groups / m.sum()
    return pd.DataFrame(rows, index=list(sl.columns[:n_factors + 1]))


def omega(data: pd.DataFrame, n_factors: int = 3, method: str = "minres",
          correlation: str = "pearson", flip: bool = True,
          n_obs: float | None = None) -> OmegaResult:
    """Omega hierarchical and omega total, as ``psych::omega``.

    Parameters
    ----------
    data : DataFrame
        Items in columns, or a correlation matrix.
    n_factors : int
        Number of group factors (psych's default 3). With 2, psych's ``option="equal"``
        sets both general loadings to sqrt(phi_12). With 1 see Notes.
    method : {"minres", "ml", "pa"}
        Factoring method of the first-order solution and of the factor correlations.
    correlation : {"pearson", "polychoric"}
        psych's ``poly=FALSE`` / ``poly=TRUE``.
    flip : bool
        Reverse items whose general-factor loading is negative (psych's ``flip=TRUE``).
    n_obs : float, optional
        Sample size for a correlation-matrix input (only used by the underlying fit).

    Returns
    -------
    OmegaResult

    Notes
    -----
    A varimax ``fa`` with ``n_factors`` factors is rotated by oblimin to pattern
    :math:`F` with correlations :math:`\\Phi`; the general loadings of the group factors
    :math:`\\gamma` come from a one-factor fit of :math:`\\Phi`. Schmid-Leiman:
    :math:`g = F\\gamma`, group loadings :math:`F_{jk}\\sqrt{1-\\gamma_k^2}`. With
    :math:`V_t = \\mathbf 1'R\\mathbf 1` (after reversing flipped items) and
    :math:`u^2_j = 1 - h^2_j`:
    :math:`\\omega_h = (\\sum_j g_j)^2 / V_t`,
    :math:`\\omega_t = (V_t - \\sum_j u^2_j)/V_t`. Per group (items assigned to their
    largest group loading): total :math:`((\\sum g)^2 + (\\sum s)^2)/V_{gr}`, general
    :math:`(\\sum g)^2/V_{gr}`, group :math:`(\\sum s)^2/V_{gr}`.
    With ``n_factors=1`` (as psych) the general factor is the single factor:
    ``omega_hierarchical`` is then :math:`(\\sum\\lambda)^2/V_t`, McDonald's one-factor
    omega computed with the observed total variance, and ``omega_total`` is
    :math:`(V_t - \\sum(1-\\lambda^2))/V_t`; psych warns that omega_h is not meaningful
    for one factor, and so do we (``WerkalliantieWarning``).

    References
    ----------
    1. McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum.
    2. Schmid, J., & Leiman, J. M. (1957). The development of hierarchical factor
       solutions. Psychometrika, 22, 53-61.
    3. Zinbarg, R. E., Revelle, W., Yovel, I., & Li, W. (2005). Cronbach's alpha,
       Revelle's beta, and McDonald's omega_h. Psychometrika, 70, 123-133.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics import omega
    >>> rng = np.random.default_rng(11)
    >>> g, s = rng.normal(size=(500, 1)), rng.normal(size=(500, 3))
    >>> x = .6 * g + .5 * np.repeat(s, 3, axis=1) + .6 * rng.normal(size=(500, 9))
    >>> items = pd.DataFrame(x, columns=[f"i{k}" for k in range(9)])
    >>> res = omega(items, n_factors=3)  # In R: psych::omega(items, nfactors = 3)
    >>> bool(res.omega_total > res.omega_hierarchical > 0.5)
    True
    """
    func = "omega"
    if not isinstance(n_factors, (int, np.integer)) or n_factors < 1:
        raise ValueError(f"{func}: `n_factors` must be a positive int, got {n_factors!r}")
    source = correlation_matrix(data, correlation, func, n_obs=n_obs)
    if n_factors == 1:
        warnings.warn(f"{func}: omega_h is not meaningful with one factor (psych: 'Omega_h for "
                      f"1 factor is not meaningful, just omega_t'); use n_factors >= 3 for a "
                      f"hierarchical coefficient", exceptions.WerkalliantieWarning,
                      stacklevel=2)
    r = source.matrix
    sl = _schmid_leiman(r, n_factors, method, source.n_obs)
    keys = np.sign(sl["g"].to_numpy()) if flip else np.ones(len(sl))
    keys[keys == 0] = 1
    m = r.to_numpy() * np.outer(keys, keys)
    sl.iloc[:, :n_factors + 1] = sl.iloc[:, :n_factors + 1].to_numpy() * keys[:, None]
    vt = m.sum()
    u2 = sl["u2"].sum()
    gsq = sl["g"].sum() ** 2
    p = len(m)
    total = (vt - u2) / vt
    ev = (sl.iloc[:, :n_factors + 1].to_numpy() ** 2).sum(axis=0)
    return OmegaResult(
        omega_total=float(total), omega_hierarchical=float(gsq / vt),
        omega_limit=float(gsq / (vt - u2)),
        alpha=float((vt - np.trace(m)) / vt * p / (p - 1)),
        g6=float((vt + smc(m).sum() - np.trace(m)) / vt), ecv=float(ev[0] / ev.sum()),
        omega_group=_omega_group(m, sl, n_factors, total), schmid_leiman=sl,
        keys=pd.Series(keys.astype(int), index=r.index, name="key"), n_factors=int(n_factors))
