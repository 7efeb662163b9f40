"""Subscale scores and the Menger–Donker alliance-quality classification."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._results import ResultMixin, format_table
from .study import Study, require_study

__all__ = ["AllianceQuality", "alliance_quality", "score_subscales"]

KEYS = ["dyad_id", "client_id", "officer_id", "rater", "wave"]


def score_subscales(study: Study, max_missing: int = 1) -> pd.DataFrame:
    """Subscale means per questionnaire, with reverse-worded items re-keyed.

    Parameters
    ----------
    study : Study
    max_missing : int, default 1
        The most item responses a subscale may miss and still get a score: its score is
        the mean of the answered items (a prorated score); with more missing it is NaN.
        With five items per subscale the default requires at least four answers.

    Returns
    -------
    DataFrame
        One row per questionnaire: ``dyad_id, client_id, officer_id, rater, wave``, one
        column per subscale (mean on the response scale) and ``n_<subscale>``, the number
        of answered items.

    Notes
    -----
    For subscale :math:`s` with items :math:`I_s` and answered items :math:`A \\subseteq I_s`,
    the score is :math:`\\bar{x}_A = |A|^{-1} \\sum_{i \\in A} x_i` if
    :math:`|I_s| - |A| \\le` ``max_missing``, else missing. Reverse-worded items enter as
    ``min + max - x``.

    Examples
    --------
    >>> import werkalliantie_stats as ws
    >>> scores = ws.score_subscales(ws.load_synthetic())
    >>> list(scores.columns[5:9])
    ['communicatie', 'binding', 'vertrouwen', 'stroefheid']
    """
    study = require_study(study, "score_subscales")
    if not isinstance(max_missing, (int, np.integer)) or max_missing < 0:
        raise ValueError(f"score_subscales: `max_missing` must be a whole number >= 0, got "
                         f"{max_missing!r}")
    inst = study.instrument
    q = study.questionnaires
    out = q[KEYS].copy()
    counts = {}
    for subscale in inst.subscales:
        items = list(inst.items_of(subscale))
        values = q[items].astype("float64").to_numpy()
        for j, item in enumerate(items):
            if inst.item(item).reverse:
                values[:, j] = inst.scale.reverse(values[:, j])
        answered = np.sum(~np.isnan(values), axis=1)
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(np.where(answered[:, None] > 0, values, 0.0), axis=1)
        out[subscale] = np.where(len(items) - answered <= max_missing, mean, np.nan)
        counts[f"n_{subscale}"] = answered
    for name, value in counts.items():
        out[name] = value
    return out


@dataclass(frozen=True, eq=False)
class AllianceQuality(ResultMixin):
    """Alliance index and good/not-good classification per dyad and wave.

    Attributes
    ----------
    table : DataFrame
        Indexed by ``(dyad_id, wave)``: ``<subscale>_<rater>`` scores, ``index_client``,
        ``index_officer``, ``alliance_index`` (mean of both raters' indices), ``good_client``,
        ``good_officer`` and ``good`` (both raters; nullable boolean, missing when a rater's
        scores are missing).
    high, low : float
        The cut-offs used: positive subscales ``>= high``, negative ones ``<= low``.
    """

    table: pd.DataFrame
    high: float
    low: float
    _title = "Alliance quality (Menger & Donker classification)"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self, digits: int = 3) -> str:
        counts = (self.table.groupby(level="wave")["good"]
                  .agg(n="size", good="sum", rated_by_both="count"))
        counts["share_good"] = counts["good"] / counts["rated_by_both"]
        lines = [self._title, "=" * len(self._title),
                 f"good = both raters >= {self.high:g} on the positive subscales and "
                 f"<= {self.low:g} on the negative ones", "", format_table(counts, digits)]
        return "\n".join(lines)


def alliance_quality(study: Study, high: float = 3.5, low: float = 2.5,
                     max_missing: int = 1) -> AllianceQuality:
    """The Menger–Donker alliance-quality classification and a continuous alliance index.

    Alliance quality is *good* when both client and officer rate the positive subscales
    (communicatie, binding, vertrouwen) high and the negative one (stroefheid) low
    (Menger & Donker). The article gives no numeric cut-offs; the defaults here are half a
    scale point beyond the neutral midpoint of the 1–5 scale (``high=3.5``, ``low=2.5``)
    and are a convention of this package — change them to match your study.

    Parameters
    ----------
    study : Study
    high, low : float
        Cut-offs on the response scale for "high" positive and "low" negative subscales.
    max_missing : int
        Passed to :func:`score_subscales`.

    Returns
    -------
    AllianceQuality

    Notes
    -----
    A rater's index is the mean of the positive subscale scores and the re-keyed negative
    ones (``min + max - score``), so it lies on the response scale and higher is better; the
    dyad's ``alliance_index`` is the mean of the client and officer indices.

    References
    ----------
    1. Menger, A. & Donker, A. Reclasseringswerkers en hun cliënten: werk aan een goede
       werkalliantie (see ``reference/menger-donker-werkalliantie.txt``).

    Examples
    --------
    >>> import werkalliantie_stats as ws
    >>> aq = ws.alliance_quality(ws.load_synthetic())
    >>> sorted(aq.table.index.get_level_values("wave").unique())
    [1, 2]
    """
    study = require_study(study, "alliance_quality")
    lo, hi = study.instrument.scale.minimum, study.instrument.scale.maximum
    for name, value in (("high", high), ("low", low)):
        if not isinstance(value, (int, float)) or not lo <= value <= hi:
            raise ValueError(f"alliance_quality: `{name}` must be a number within the response "
                             f"scale {lo}..{hi}, got {value!r}")
    scores = score_subscales(study, max_missing=max_missing)
    inst = study.instrument
    wide = scores.pivot_table(index=["dyad_id", "wave"], columns="rater",
                              values=list(inst.subscales), aggfunc="first", dropna=False)
    table = pd.DataFrame(index=wide.index)
    for rater in inst.raters:
        parts, good = [], pd.Series(True, index=wide.index)
        for sub in inst.subscales:
            col = wide[(sub, rater)] if (sub, rater) in wide.columns else np.nan
            table[f"{sub}_{rater}"] = col
            positive = inst.subscale(sub).positive
            parts.append(col if positive else inst.scale.reverse(col))
            good &= (col >= high) if positive else (col <= low)
        table[f"index_{rater}"] = pd.concat(parts, axis=1).mean(axis=1, skipna=False)
        rated = pd.concat(parts, axis=1).notna().all(axis=1)
        table[f"good_{rater}"] = pd.Series(good, dtype="boolean").where(rated, pd.NA)
    table["alliance_index"] = table[[f"index_{r}" for r in inst.raters]].mean(axis=1, skipna=False)
    table["good"] = table[f"good_{inst.raters[0]}"]
    for rater in inst.raters[1:]:
        table["good"] = table["good"] & table[f"good_{rater}"]
    return AllianceQuality(table=table, high=float(high), low=float(low))
