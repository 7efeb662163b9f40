"""Time-varying alliance and rearrest: the wave-1 rating, replaced by the wave-2 rating."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..study import Study
from ._table import check_level
from .cox import CoxResult, cox
from .start_stop import start_stop_frame
from .study_frame import (
    RATINGS,
    analysis_frame,
    check_wave,
    quality_table,
    rating_names,
    require_supervised_study,
)
from .study_models import check_adjust

__all__ = ["WAVE2_DAY", "rearrest_time_varying"]

FUNC = "rearrest_time_varying"
WAVE2_DAY = 274
"""Default day from which the wave-2 rating holds: the end of the 6-9 month window."""


def _check_choice(value: object, allowed: Sequence[str], arg: str) -> str:
    if value not in allowed:
        raise ValueError(f"{FUNC}: `{arg}` must be one of {list(allowed)}, got {value!r}")
    return str(value)


def _wave2_days(wave2_day: object, frame: pd.DataFrame) -> pd.Series:
    """The wave-2 day of each dyad: one number, a supervision column, or a Series by dyad."""
    if isinstance(wave2_day, str):
        if wave2_day not in frame.columns:
            raise ValueError(f"{FUNC}: `wave2_day` column {wave2_day!r} is not in the "
                             f"supervision table")
        days = pd.to_numeric(frame[wave2_day], errors="coerce")
    elif isinstance(wave2_day, pd.Series):
        days = pd.to_numeric(wave2_day.reindex(frame["dyad_id"]), errors="coerce")
        days.index = frame.index
    elif isinstance(wave2_day, (int, float, np.integer, np.floating)) and not isinstance(
            wave2_day, bool):
        days = pd.Series(float(wave2_day), index=frame.index)
    else:
        raise TypeError(f"{FUNC}: `wave2_day` must be a number, a supervision column name or "
                        f"a Series indexed by dyad_id, got {type(wave2_day).__name__}")
    if (days <= 0).any():
        bad = days[days <= 0]
        raise ValueError(f"{FUNC}: `wave2_day` must be positive, got {float(bad.iloc[0])!r} for "
                         f"dyad {bad.index[0]!r}")
    return days.astype(float)


def time_varying_frame(study: Study, predictor: str = "vertrouwen", rater: str = "client",
                       adjust: Sequence[str] = (), wave2_day: object = WAVE2_DAY,
                       max_missing: int = 1) -> pd.DataFrame:
    """Start–stop rows of :func:`rearrest_time_varying` (columns ``dyad_id, officer_id,
    arrest, <adjust>, <predictor>_<rater>_z, start, stop``)."""
    study = require_supervised_study(study, FUNC)
    _check_choice(predictor, rating_names(study), "predictor")
    _check_choice(rater, RATINGS, "rater")
    name = f"{predictor}_{rater}"
    quality = quality_table(study, max_missing=max_missing)
    first = analysis_frame(study, quality, check_wave(study, 1, FUNC))
    second = analysis_frame(study, quality, check_wave(study, 2, FUNC))
    centre, scale = first[name].mean(), first[name].std(ddof=1)
    term = f"{name}_z"
    base = first[["dyad_id", "officer_id", "event_day", *adjust]].copy()
    base["arrest"] = (first["event"] == "rearrest").astype(int)
    base[term] = (first[name] - centre) / scale
    changes = pd.DataFrame({"dyad_id": first["dyad_id"],
                            "day": _wave2_days(wave2_day, first),
                            term: (second[name] - centre) / scale})
    changes = changes.dropna(subset=[term, "day"])
    return start_stop_frame(base, "dyad_id", "event_day", "arrest", changes, "day",
                            covariates=[term])


def rearrest_time_varying(study: Study, predictor: str = "vertrouwen", rater: str = "client",
                          adjust: str | Sequence[str] = ("prior_convictions", "age",
                                                         "risk_baseline"),
                          wave2_day: object = WAVE2_DAY, level: float = 0.95,
                          max_missing: int = 1, missing: str = "drop") -> CoxResult:
    """Cause-specific Cox model of rearrest with the alliance rating updated at wave 2.

    Each dyad is followed from the start of supervision (day 0) to its first event
    (``event_day``); the wave-1 rating holds until ``wave2_day`` and the wave-2 rating
    after it (counting-process start–stop rows, :func:`start_stop_frame`). Dropout
    censors, as in the cause-specific model of :func:`predictive_validity`; SEs are
    clustered by officer (which also covers a dyad's repeated rows).

    Parameters
    ----------
    study : Study
        With wave-1 and wave-2 questionnaires and a supervision table.
    predictor : str, default "vertrouwen"
        A subscale of the instrument or ``"index"``.
    rater : {"client", "officer", "both"}
        Whose rating (``"both"``: the mean of client and officer).
    adjust : str or sequence of str
        Numeric supervision columns to adjust for (fixed at baseline).
    wave2_day : number, str or Series, default 274
        Day from which the wave-2 rating holds: one number for everyone, the name of a
        supervision column, or a Series indexed by ``dyad_id``. The data model has no
        questionnaire dates; the default is the last day of the 6-9 month window, so a
        wave-2 rating is never used before it can have been measured.
    level : float, default 0.95
        Confidence level.
    max_missing : int, default 1
        Scoring rule (see :func:`score_subscales`).
    missing : {"drop", "raise"}
        Intervals with a missing rating or covariate are dropped (listwise, with a
        ``DroppedDataWarning`` giving the count; ``result.n_dropped``) or make an error.

    Returns
    -------
    CoxResult
        The term ``<predictor>_<rater>_z`` is the log hazard ratio per wave-1 SD.

    Notes
    -----
    Both waves are standardised with the wave-1 mean and SD, :math:`z_{it} = (x_{it} -
    \\bar x_1)/s_1`, so a change between waves is on the same scale. The hazard is
    :math:`\\lambda(t) = \\lambda_0(t) \\exp\\{\\beta z_i(t) + \\gamma' c_i\\}` with
    :math:`z_i(t)` the wave-1 score for :math:`t \\le u_i` and the wave-2 score after
    the wave-2 day :math:`u_i` (a dyad without a wave-2 rating keeps its wave-1 score).
    Fitted as ``coxph(Surv(tstart, tstop, arrest) ~ z + ..., cluster = officer_id)`` on
    ``tmerge`` data [1]_ [2]_.

    References
    ----------
    .. [1] Therneau T, Crowson C, Atkinson E (2023). Using time dependent covariates and
       time dependent coefficients in the Cox model. survival package vignette.
    .. [2] Andersen PK, Gill RD (1982). Cox's regression model for counting processes:
       a large sample study. Annals of Statistics 10, 1100-1120.

    Examples
    --------
    >>> import werkalliantie_stats as ws
    >>> from werkalliantie_stats.outcomes import rearrest_time_varying
    >>> fit = rearrest_time_varying(ws.load_synthetic(), "vertrouwen", "client")
    >>> fit.n_events
    82
    >>> # In R: x <- tmerge(base, base, id = dyad_id, arrest = event(event_day, arrest))
    >>> #       x <- tmerge(x, changes, id = dyad_id, z = tdc(day, z))
    >>> #       coxph(Surv(tstart, tstop, arrest) ~ z + prior_convictions + age +
    >>> #             risk_baseline, x, cluster = officer_id)
    """
    study = require_supervised_study(study, FUNC)
    adjust = check_adjust(study, adjust, FUNC)
    level = check_level(level, FUNC)
    frame = time_varying_frame(study, predictor, rater, adjust, wave2_day, max_missing)
    term = f"{predictor}_{rater}_z"
    return cox(frame, "stop", "arrest", [term, *adjust], entry="start", cluster="officer_id",
               level=level, missing=missing)
