"""Regression for competing risks: Fine–Gray subdistribution hazards and cause-specific Cox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._efron import CoxProblem
from ._risk_sets import RiskSets
from ._survival_data import as_name_list, cause_codes, prepare_survival
from .cox import CoxResult, _fit, cox

__all__ = ["FineGrayResult", "cause_specific_cox", "fine_gray"]


@dataclass(frozen=True)
class FineGrayResult(CoxResult):
    """Result of :func:`fine_gray`: as :class:`CoxResult` (``hazard_ratio`` is the
    subdistribution hazard ratio) plus the ``cause`` modelled. ``concordance`` is NaN."""

    cause: object = None
    convention: str = "finegray"
    _title = "Fine–Gray subdistribution hazards model"

    def summary(self, digits: int = 3) -> str:
        head, _, rest = super().summary(digits).partition("\n\n")
        return (f"{head}\ncause = {self.cause!r} (others compete); convention = "
                f"{self.convention}\n\n{rest}")


def _cause_code(labels: list, cause, func: str, event: str) -> int:
    """The integer code (1..K) of ``cause`` among the labels of the event column."""
    if cause not in labels:
        raise ValueError(f"{func}: no row of {event!r} has the cause {cause!r}; the causes "
                         f"present are {labels}")
    return labels.index(cause) + 1


def censoring_survival_left(stop: np.ndarray, status: np.ndarray, events_first: bool = True):
    """KM of the censoring distribution, read just before t: ``G(t-)``.

    ``events_first``: events tied with a censoring time come first and leave the censoring
    risk set (``survival::finegray``); otherwise they stay in it (``cmprsk::crr``, whose
    ``survfit(Surv(ftime, cenind))`` counts them as at risk).
    """
    cens_times = np.unique(stop[status == 0])
    if cens_times.size == 0:
        return lambda t: np.ones(np.shape(t))
    n_risk = RiskSets(np.full(stop.size, -np.inf), stop, cens_times).sum(np.ones(stop.size))
    pos = np.searchsorted(cens_times, stop)
    at_time = np.isin(stop, cens_times)
    events_at = np.bincount(pos[at_time & (status != 0)], minlength=cens_times.size)
    censored = np.bincount(pos[at_time & (status == 0)], minlength=cens_times.size)
    surv = np.cumprod(1 - censored / (n_risk - (events_at if events_first else 0)))

    def left_limit(t: np.ndarray) -> np.ndarray:
        k = np.searchsorted(cens_times, t, side="left")
        return np.concatenate([[1.0], surv])[k]
    return left_limit


def _censoring_rows(coded: pd.DataFrame, sd, func: str, duration: str, event: str,
                    n_causes: int, sample: str) -> tuple[np.ndarray, np.ndarray]:
    """Times and status codes of the rows from which the censoring KM is estimated.

    ``"complete"``: the rows analysed (``sd``). ``"observed"``: every row whose duration and
    event are known, also when a predictor, the cluster or the weight is missing (R's
    ``finegray``, whose ``na.action`` is ``na.pass``).
    """
    if sample == "complete" or sd.n_dropped == 0:
        return sd.stop, sd.status
    known = coded.loc[coded[[duration, event]].notna().all(axis=1)]
    g = prepare_survival(known, func, duration, event, causes=range(1, n_causes + 1),
                         missing="raise")
    return g.stop, g.status


def _fine_gray_problem(sd, cause, ties: str, events_first: bool, g_rows: tuple
                       ) -> tuple[CoxProblem, np.ndarray]:
    """Subjects, plus one extra row per competing-event subject with weight G(t-)/G(T_i-)."""
    n = sd.stop.size
    competing = np.flatnonzero((sd.status != 0) & (sd.status != cause))
    g_left = censoring_survival_left(*g_rows, events_first)
    m = competing.size
    start = np.concatenate([np.full(n, -np.inf), sd.stop[competing]])
    stop = np.concatenate([sd.stop, np.full(m, np.inf)])
    event = np.concatenate([(sd.status == cause).astype(int), np.zeros(m, int)])
    X = sd.X - sd.X.mean(axis=0)
    X = np.vstack([X, X[competing]])
    weights = np.concatenate([sd.weights, sd.weights[competing]])
    tv = np.concatenate([np.zeros(n, bool), np.ones(m, bool)])
    scale = np.concatenate([np.ones(n), 1 / g_left(sd.stop[competing])])
    subject = np.concatenate([np.arange(n), competing])
    problem = CoxProblem(start, stop, event, X, weights, np.zeros(n + m, np.int64), ties,
                         tv, scale, g_left)
    return problem, subject


def fine_gray(data: pd.DataFrame, duration: str, event: str, cause,
              predictors: str | Sequence[str], cluster: str | None = None,
              weights: str | None = None, level: float = 0.95,
              convention: str = "finegray", ties: str | None = None,
              missing: str = "drop", censored: object = 0,
              censoring_sample: str | None = None) -> FineGrayResult:
    """Fine–Gray proportional subdistribution hazards model for one cause.

    Parameters
    ----------
    data : DataFrame
        One row per subject.
    duration : str
        Time of the first event or of censoring (> 0).
    event : str
        The cause of the first event (numbers or labels), or ``censored`` for no event.
    cause : object
        The cause modelled (e.g. 1 or ``"rearrest"``); every other cause competes.
    predictors : str or list of str
        Numeric predictor columns.
    cluster : str, optional
        Cluster (e.g. officer) for the robust SEs; default: each subject is a cluster.
    weights : str, optional
        Case weights (multiply the censoring weights).
    level : float
        Confidence level.
    convention : {"finegray", "crr"}
        ``"finegray"`` (default) reproduces ``survival::finegray`` + weighted ``coxph`` with
        ``cluster = id`` exactly (estimates, SEs, tests). ``"crr"`` reproduces the estimates of
        ``cmprsk::crr`` (Breslow ties; censoring KM with tied events kept at risk); its SEs
        are still the robust sandwich, without crr's term for the estimation of G (they
        differ from crr's by < 1% on mgus2).
    ties : {"efron", "breslow"}, optional
        Tie handling; default Efron for ``"finegray"`` and Breslow for ``"crr"``.
    missing : {"drop", "raise"}
        Drop rows with missing values (counted in ``n_dropped``) or make them an error.
    censored : object
        The value of ``event`` that means censored (default 0, e.g. ``"none"``).
    censoring_sample : {"observed", "complete"}, optional
        Rows from which the censoring distribution :math:`\\hat G` is estimated when some
        rows are dropped for missing values. ``"observed"`` (default for ``"finegray"``):
        every row whose duration and event are known, also if a predictor, the cluster or
        the weight is missing, as ``survival::finegray`` (``na.action = na.pass``) does.
        ``"complete"`` (default for ``"crr"``): only the rows analysed, as ``cmprsk::crr``
        and ``finegray(..., na.action = na.omit)`` do. Without missing values both are the
        same.

    Returns
    -------
    FineGrayResult

    Notes
    -----
    Subjects who failed from a competing cause stay in the risk set after their event time
    :math:`T_i` with weight :math:`w_i(t) = \\hat G(t-)/\\hat G(T_i-)`, where :math:`\\hat G`
    is the Kaplan–Meier estimate of the censoring distribution (events before censorings at
    tied times; by default from every row with a known duration and event, see
    ``censoring_sample``). The weighted Cox partial likelihood is maximised (Efron ties by
    default) and the SEs are the robust sandwich with score residuals summed per subject (or
    cluster), exactly as ``coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt,
    cluster = id)`` on ``finegray()`` data. ``cmprsk::crr`` maximises the same likelihood
    with Breslow ties (its estimates differ from ours by ~0.2% of a coefficient on mgus2)
    and its SE adds a term for the estimation of :math:`\\hat G`; on mgus2 the two SEs
    agree within 0.6%. Censoring is assumed independent of the covariates.

    References
    ----------
    1. Fine, J. P. & Gray, R. J. (1999). A proportional hazards model for the
       subdistribution of a competing risk. JASA 94, 496–509.
    2. Geskus, R. B. (2011). Cause-specific cumulative incidence estimation and the Fine
       and Gray model under both left truncation and right censoring. Biometrics 67,
       39–49.
    3. Therneau, T., Crowson, C. & Atkinson, E. (2023). Multi-state models and competing
       risks (survival package vignette "compete").

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import werkalliantie_stats.outcomes as wo
    >>> rng = np.random.default_rng(3)
    >>> alliance = rng.normal(size=300)
    >>> t_arrest = rng.exponential(1 / np.exp(-0.5 * alliance))
    >>> t_dropout = rng.exponential(2.0, 300)
    >>> t = np.minimum.reduce([t_arrest, t_dropout, np.full(300, 1.5)])
    >>> first = np.select([t == t_arrest, t == t_dropout], [1, 2], 0)
    >>> df = pd.DataFrame({"day": t, "event": first, "alliance": alliance})
    >>> fg = wo.fine_gray(df, "day", "event", cause=1, predictors="alliance")
    >>> # In R: fg <- finegray(Surv(day, factor(event)) ~ ., df, etype = "1")
    >>> #       coxph(Surv(fgstart, fgstop, fgstatus) ~ alliance, fg, weights = fgwt, cluster = id)
    >>> round(float(fg.table.at["alliance", "hazard_ratio"]), 2)
    0.66
    """
    func = "fine_gray"
    predictors = as_name_list(predictors, func, "predictors")
    if not predictors:
        raise ValueError(f"{func}: `predictors` must name at least one column")
    if convention not in ("finegray", "crr"):
        raise ValueError(f"{func}: `convention` must be 'finegray' or 'crr', got {convention!r}")
    if ties is None:
        ties = "efron" if convention == "finegray" else "breslow"
    if ties not in ("efron", "breslow"):
        raise ValueError(f"{func}: `ties` must be 'efron' or 'breslow', got {ties!r}")
    if not 0 < level < 1:
        raise ValueError(f"{func}: `level` must be in (0, 1), got {level!r}")
    if censoring_sample is None:
        censoring_sample = "observed" if convention == "finegray" else "complete"
    if censoring_sample not in ("observed", "complete"):
        raise ValueError(f"{func}: `censoring_sample` must be 'observed' or 'complete', got "
                         f"{censoring_sample!r}")
    coded, labels = cause_codes(data, func, event, censored)
    code = _cause_code(labels, cause, func, event)
    sd = prepare_survival(coded, func, duration, event, predictors, cluster=cluster,
                          weights=weights, causes=range(1, len(labels) + 1), missing=missing)
    g_rows = _censoring_rows(coded, sd, func, duration, event, len(labels), censoring_sample)
    problem, subject = _fine_gray_problem(sd, code, ties, convention == "finegray", g_rows)
    clusters = (sd.cluster if sd.cluster is not None else np.arange(sd.stop.size))[subject]
    fit = _fit(sd, level, True, ties, cluster, problem=problem,
               cluster_codes=clusters, with_concordance=False, func=func)
    values = {f: getattr(fit, f) for f in fit.__dataclass_fields__}
    return FineGrayResult(**values, cause=cause, convention=convention)


def cause_specific_cox(data: pd.DataFrame, duration: str, event: str, cause,
                       predictors: str | Sequence[str], censored: object = 0,
                       **cox_args) -> CoxResult:
    """Cause-specific Cox model: events of other causes are treated as censored.

    Parameters
    ----------
    data : DataFrame
    duration : str
        Time of the first event or of censoring.
    event : str
        The cause of the first event (numbers or labels), or the censoring value.
    cause : object
        The cause whose hazard is modelled (e.g. 2 or ``"dropout"``).
    predictors : str or list of str
    censored : object
        The value of ``event`` that means censored (default 0, e.g. ``"none"``).
    **cox_args
        Passed to :func:`cox` (``cluster``, ``strata``, ``entry``, ``weights``, ``level``).

    Returns
    -------
    CoxResult

    Notes
    -----
    The cause-specific hazard :math:`\\lambda_k(t \\mid x) = \\lambda_{k0}(t) e^{x'\\beta_k}`
    is estimated by the Cox partial likelihood in which subjects failing from another
    cause leave the risk set at their event time (``coxph(Surv(time, event == k) ~ x)``).
    It answers "does alliance lower the rate of rearrest among those still supervised";
    :func:`fine_gray` answers "does alliance lower the probability of a rearrest".

    References
    ----------
    1. Prentice, R. L. et al. (1978). The analysis of failure times in the presence of
       competing risks. Biometrics 34, 541–554.
    2. Putter, H., Fiocco, M. & Geskus, R. B. (2007). Tutorial in biostatistics: competing
       risks and multi-state models. Statistics in Medicine 26, 2389–2430.

    Examples
    --------
    >>> import pandas as pd
    >>> import werkalliantie_stats.outcomes as wo
    >>> import numpy as np
    >>> rng = np.random.default_rng(4)
    >>> alliance = rng.normal(size=400)
    >>> t_arrest = rng.exponential(1 / np.exp(-0.5 * alliance))
    >>> t_dropout = rng.exponential(2.0, 400)
    >>> t = np.minimum.reduce([t_arrest, t_dropout, np.full(400, 1.5)])
    >>> df = pd.DataFrame({"day": t, "alliance": alliance,
    ...                    "event": np.select([t == t_arrest, t == t_dropout], [1, 2], 0)})
    >>> fit = wo.cause_specific_cox(df, "day", "event", cause=1, predictors="alliance")
    >>> # In R: coxph(Surv(day, event == 1) ~ alliance, data = df)
    >>> round(float(fit.table.at["alliance", "hazard_ratio"]), 2)
    0.56
    """
    func = "cause_specific_cox"
    _, labels = cause_codes(data, func, event, censored)
    _cause_code(labels, cause, func, event)
    name = f"{event}=={cause}"
    frame = data.copy()
    frame[name] = np.where(frame[event].isna(), np.nan, (frame[event] == cause).astype(float))
    return cox(frame, duration, name, predictors, **cox_args)
