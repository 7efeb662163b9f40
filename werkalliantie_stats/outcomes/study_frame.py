"""One analysis row per dyad: supervision outcomes next to every alliance rating.

:func:`outcome_frame` is the bridge between a :class:`~werkalliantie_stats.Study` and the
generic outcome models: it scores the questionnaires of one wave, puts client, officer and
averaged ratings of each subscale and of the alliance index next to the supervision row,
and adds per-SD versions and the between/within-officer split used by
:func:`~werkalliantie_stats.outcomes.predictive_validity`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..scoring import alliance_quality
from ..study import Study, require_study

__all__ = [
    "RATINGS",
    "analysis_frame",
    "check_wave",
    "outcome_frame",
    "quality_table",
    "rating_names",
    "require_supervised_study",
]

RATINGS = ("client", "officer", "both")
"""The three ratings of every subscale: client, officer, and the mean of both."""


def require_supervised_study(study: object, func: str) -> Study:
    """``study`` if it is a Study with a supervision table, else a clear error."""
    require_study(study, func)
    if study.supervision is None:
        raise ValueError(f"{func}: the study has no supervision table, so there are no "
                         f"outcomes to predict; read it with read_study(questionnaires, "
                         f"supervision=...)")
    return study


def rating_names(study: Study) -> tuple[str, ...]:
    """The rated constructs: each subscale of the instrument, then ``"index"``."""
    return (*study.instrument.subscales, "index")


def check_wave(study: Study, wave: object, func: str) -> int:
    waves = sorted(int(w) for w in study.questionnaires["wave"].unique())
    if isinstance(wave, bool) or not isinstance(wave, (int, np.integer)) or wave not in waves:
        raise ValueError(f"{func}: `wave` must be one of the study's waves {waves}, got "
                         f"{wave!r}")
    return int(wave)


def quality_table(study: Study, high: float = 3.5, low: float = 2.5, max_missing: int = 1
                  ) -> pd.DataFrame:
    """:func:`alliance_quality`'s table (all waves), computed once for several frames."""
    return alliance_quality(study, high=high, low=low, max_missing=max_missing).table


def _ratings(study: Study, quality: pd.DataFrame, wave: int) -> pd.DataFrame:
    """Raw client/officer/both scores per construct and the classification, by dyad_id."""
    aq = quality.xs(wave, level="wave")
    out = {}
    for sub in study.instrument.subscales:
        client = aq[f"{sub}_client"].to_numpy(float)
        officer = aq[f"{sub}_officer"].to_numpy(float)
        out.update({f"{sub}_client": client, f"{sub}_officer": officer,
                    f"{sub}_both": (client + officer) / 2})
    out["index_client"] = aq["index_client"].to_numpy(float)
    out["index_officer"] = aq["index_officer"].to_numpy(float)
    out["index_both"] = aq["alliance_index"].to_numpy(float)
    for col in ("good_client", "good_officer", "good"):
        out[col] = aq[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return pd.DataFrame(out, index=aq.index)


def _standardise(values: np.ndarray) -> np.ndarray:
    """Columnwise ``(x - mean) / sd`` over the non-missing values (sd with n - 1, as R's
    scale()); a column with fewer than two values or no spread becomes NaN."""
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # all-NaN or single-value columns
        sd = np.nanstd(values, axis=0, ddof=1)
        z = (values - np.nanmean(values, axis=0)) / sd
    return np.where(np.isfinite(sd) & (sd > 0), z, np.nan)


def _officer_split(z: np.ndarray, officer: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Officer means of each column of ``z`` (over dyads with a value) and deviations."""
    codes, _ = pd.factorize(officer)
    present = ~np.isnan(z)
    sums = np.zeros((codes.max() + 1, z.shape[1]))
    counts = np.zeros_like(sums)
    np.add.at(sums, codes, np.where(present, z, 0.0))
    np.add.at(counts, codes, present)
    with np.errstate(invalid="ignore", divide="ignore"):
        between = np.where(present, sums[codes] / counts[codes], np.nan)
    return between, z - between


def _rating_columns(ratings: pd.DataFrame, officer: pd.Series, names: list[str]
                    ) -> pd.DataFrame:
    """For each rating: raw, _z, _between, _within (in that order per rating)."""
    raw = ratings[names].to_numpy(float)
    z = _standardise(raw)
    between, within = _officer_split(z, officer)
    blocks = {"": raw, "_z": z, "_between": between, "_within": within}
    columns = {f"{name}{suffix}": block[:, j] for j, name in enumerate(names)
               for suffix, block in blocks.items()}
    return pd.DataFrame(columns, index=ratings.index)


def analysis_frame(study: Study, quality: pd.DataFrame, wave: int) -> pd.DataFrame:
    """:func:`outcome_frame` from a precomputed :func:`quality_table` (checked inputs)."""
    sup = study.supervision
    ratings = _ratings(study, quality, wave).reindex(sup["dyad_id"].to_numpy())
    names = [f"{c}_{r}" for c in rating_names(study) for r in RATINGS]
    officer = pd.Series(sup["officer_id"].to_numpy(), index=ratings.index)
    derived = _rating_columns(ratings, officer, names)
    good = ratings[["good_client", "good_officer", "good"]]
    frame = sup.copy()
    frame.index = ratings.index.rename(None)   # unnamed: dyad_id is a column too
    return pd.concat([frame, derived, good], axis=1)


def outcome_frame(study: Study, wave: int = 1, high: float = 3.5, low: float = 2.5,
                  max_missing: int = 1) -> pd.DataFrame:
    """One row per supervised dyad: outcomes, covariates and every alliance rating.

    Parameters
    ----------
    study : Study
        Must have a supervision table.
    wave : int, default 1
        The questionnaire wave whose ratings are used (1 = start of supervision, so the
        ratings precede the outcomes).
    high, low : float
        Cut-offs of the good/not-good classification (see :func:`alliance_quality`).
    max_missing : int, default 1
        Most missing items a subscale score may have (see :func:`score_subscales`).

    Returns
    -------
    DataFrame
        Indexed by the dyad ids (order of the supervision table; the index is unnamed
        because ``dyad_id`` is also a column), with

        * every column of ``study.supervision`` (``dyad_id`` as a column too);
        * ``<c>_client``, ``<c>_officer``, ``<c>_both`` for each construct ``c`` (the four
          subscales and ``index``): the client's and the officer's score on the response
          scale and the mean of both (missing when either is missing). ``index_<rater>``
          is the alliance index of :func:`alliance_quality` (positive subscales and the
          re-keyed stroefheid averaged; higher is better);
        * ``<c>_<rating>_z``: the score z-scored over the dyads of this frame that have it
          (sample SD, ``n - 1``), so a model's coefficient is the effect per SD;
        * ``<c>_<rating>_between``: the officer's mean of ``<c>_<rating>_z`` over his or
          her dyads in the frame with a score, and ``<c>_<rating>_within``: the dyad's
          deviation from it (``z - between``); both on the z scale and missing when the
          score is;
        * ``good_client``, ``good_officer`` and ``good``: the alliance-quality
          classification (1 good, 0 not good, NaN when a rater's scores are missing);
          ``good`` requires both raters.

    Notes
    -----
    For dyad :math:`i` of officer :math:`o(i)` with score :math:`x_i` (sample mean
    :math:`\\bar x`, SD :math:`s` over the :math:`n` dyads with a score):
    :math:`z_i = (x_i - \\bar x)/s`, :math:`b_i = n_{o}^{-1} \\sum_{j: o(j) = o(i)} z_j`
    and :math:`w_i = z_i - b_i`. Entering :math:`b` and :math:`w` together separates the
    officer-level (between) association from the within-officer one [1]_. The z-scores use
    the whole frame, not each model's complete cases, so that every model in
    :func:`predictive_validity` shares one scale. Dyads without a questionnaire at
    ``wave`` have missing ratings; dyads with questionnaires but no supervision row are
    not in the frame. The officer is ``supervision.officer_id``.

    References
    ----------
    .. [1] Enders CK, Tofighi D (2007). Centering predictor variables in cross-sectional
       multilevel models: a new look at an old issue. Psychological Methods 12(2),
       121-138.

    Examples
    --------
    >>> import werkalliantie_stats as ws
    >>> from werkalliantie_stats.outcomes import outcome_frame
    >>> frame = outcome_frame(ws.load_synthetic())
    >>> frame.shape[0]
    267
    >>> round(float(frame["vertrouwen_client_z"].std()), 6)
    1.0
    >>> cols = ["vertrouwen_client_z", "vertrouwen_client_between", "vertrouwen_client_within"]
    >>> row = frame.loc["D0001", cols]
    >>> bool(abs(row.iloc[0] - row.iloc[1] - row.iloc[2]) < 1e-12)
    True
    >>> # In R: z <- as.numeric(scale(x)); b <- ave(z, officer_id, FUN = mean); w <- z - b
    """
    func = "outcome_frame"
    study = require_supervised_study(study, func)
    wave = check_wave(study, wave, func)
    return analysis_frame(study, quality_table(study, high, low, max_missing), wave)
