"""Reliability and client–officer agreement of every subscale of a :class:`Study`."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd

from .._results import ResultMixin, format_table
from ..scoring import score_subscales
from ..study import Study, require_study
from .agreement import AgreementResult, rater_agreement
from .reliability import cronbach_alpha

__all__ = ["ReliabilityTable", "client_officer_agreement", "reliability_table"]


@dataclass(frozen=True, eq=False)
class ReliabilityTable(ResultMixin):
    """Reliability of each subscale by rater and wave.

    Attributes
    ----------
    table : DataFrame
        Indexed by ``(subscale, rater, wave)``: ``n_obs, n_items, alpha, ci_lower,
        ci_upper, std_alpha, average_r`` and, when requested, ``ordinal_alpha`` (alpha of
        the polychoric correlations) and ``omega_total`` (one-factor omega).
    ci_method : str
    level : float
    """

    table: pd.DataFrame
    ci_method: str
    level: float
    _title = "Reliability per subscale, rater and wave"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self, digits: int = 3) -> str:
        return "\n".join([self._title, "=" * len(self._title),
                          f"Cronbach's alpha with {100 * self.level:g}% {self.ci_method} "
                          f"interval", "", format_table(self.table, digits)])


def reliability_table(study: Study, ci: str = "feldt", level: float = 0.95,
                      ordinal: bool = True, omega: bool = True) -> ReliabilityTable:
    """Cronbach's alpha with a confidence interval for every subscale × rater × wave.

    Parameters
    ----------
    study : Study
    ci : {"feldt", "duhachek", "bootstrap"}
        Interval method of :func:`cronbach_alpha` (bootstrap with 1000 draws, seed 0).
    level : float
        Confidence level.
    ordinal : bool
        Also report ordinal alpha (alpha of the polychoric correlation matrix).
    omega : bool
        Also report omega total of a one-factor model per subscale.

    Returns
    -------
    ReliabilityTable

    Notes
    -----
    Items are taken from :meth:`Study.items` (reverse-worded items re-keyed). Alpha is
    :math:`\\alpha = k/(k-1)\\,(1 - \\sum_i s_i^2 / s_X^2)` from pairwise covariances, as
    ``psych::alpha``; the Feldt interval uses
    :math:`1 - (1-\\alpha) F_{1 \\mp \\gamma/2}(n-1, (n-1)(k-1))`. Ordinal alpha applies the
    standardised-alpha formula to the polychoric correlations; omega total comes from a
    one-factor minres solution, :math:`(\\sum\\lambda)^2 / V_X`.

    References
    ----------
    1. Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
       Psychometrika, 16, 297-334.
    2. Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
       coefficient alpha. Applied Psychological Measurement, 11, 93-103.
    3. Zumbo, B. D., Gadermann, A. M., & Zeisser, C. (2007). Ordinal versions of coefficients
       alpha and theta for Likert rating scales. JMASM, 6, 21-29.
    4. McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum.

    Examples
    --------
    >>> import werkalliantie_stats as ws
    >>> rel = ws.reliability_table(ws.load_synthetic(), ordinal=False, omega=False)
    >>> int(rel.table.loc[("binding", "client", 1), "n_items"])
    5
    """
    study = require_study(study, "reliability_table")
    inst = study.instrument
    rows = {}
    for subscale in inst.subscales:
        for rater in inst.raters:
            for wave in sorted(study.questionnaires["wave"].unique()):
                items = study.items(rater, int(wave), subscale=subscale)
                rows[(subscale, rater, int(wave))] = _reliability_row(items, ci, level,
                                                                      ordinal, omega)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index = pd.MultiIndex.from_tuples(table.index, names=["subscale", "rater", "wave"])
    return ReliabilityTable(table=table, ci_method=ci, level=level)


def _reliability_row(items: pd.DataFrame, ci: str, level: float, ordinal: bool,
                     omega: bool) -> dict:
    result = cronbach_alpha(items, ci=ci, level=level, seed=0)
    row = {"n_obs": result.n_obs, "n_items": result.n_items, "alpha": result.alpha,
           "ci_lower": result.ci_lower, "ci_upper": result.ci_upper,
           "std_alpha": result.std_alpha, "average_r": result.average_r}
    if ordinal:
        row["ordinal_alpha"] = cronbach_alpha(items, correlation="polychoric").std_alpha
    if omega:
        row["omega_total"] = _one_factor_omega(items)
    return row


def _one_factor_omega(items: pd.DataFrame) -> float:
    """McDonald's omega total of a one-factor model (psych::omega(nfactors = 1))."""
    from .omega import omega

    with warnings.catch_warnings():
        # only omega_total is used; psych's caveat concerns omega_h of one factor
        warnings.filterwarnings("ignore", message="omega: omega_h is not meaningful")
        return omega(items, n_factors=1).omega_total


def client_officer_agreement(study: Study, wave: int = 1, level: float = 0.95,
                             icc_type: str = "ICC2", max_missing: int = 1) -> AgreementResult:
    """Agreement between client and officer on each subscale score at one wave.

    Aligns the subscale scores (:func:`score_subscales`) of client and officer per dyad
    and passes them to :func:`rater_agreement`: ICC, Pearson correlation with Fisher-z
    interval, mean difference (client − officer) with paired-t interval and Bland–Altman
    limits. Only dyads with a score from both raters are used; ``max_missing`` is the
    missing-items rule of :func:`score_subscales`.

    Notes
    -----
    The ICC is Shrout and Fleiss's form ``icc_type`` (default ICC(2,1), absolute agreement
    of single ratings) from the two-way ANOVA of dyads × raters; the mean difference is
    client − officer with a paired-t interval; Bland–Altman limits are
    :math:`\\bar d \\pm 1.96 s_d`.

    References
    ----------
    1. Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
       reliability. Psychological Bulletin, 86, 420-428.
    2. Bland, J. M., & Altman, D. G. (1986). Statistical methods for assessing agreement
       between two methods of clinical measurement. Lancet, 327, 307-310.

    Examples
    --------
    >>> import werkalliantie_stats as ws
    >>> agree = ws.client_officer_agreement(ws.load_synthetic(), wave=1)
    >>> list(agree.table.index)
    ['communicatie', 'binding', 'vertrouwen', 'stroefheid']
    """
    study = require_study(study, "client_officer_agreement")
    scores = score_subscales(study, max_missing=max_missing)
    scores = scores[scores["wave"] == wave]
    if scores.empty:
        raise ValueError(f"client_officer_agreement: no questionnaires at wave {wave!r}")
    subscales = list(study.instrument.subscales)
    by_rater = {r: scores[scores["rater"] == r].set_index("dyad_id")[subscales]
                for r in ("client", "officer")}
    both = by_rater["client"].index.intersection(by_rater["officer"].index)
    return rater_agreement(by_rater["client"].loc[both], by_rater["officer"].loc[both],
                           level=level, icc_type=icc_type)
