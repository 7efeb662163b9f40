"""Alliance as predictor of supervision outcomes: the predictive-validity table of a Study.

For each outcome family (dropout; rearrest, competing with dropout; rising risk) and each
alliance rating, the generic R-checked estimators are fitted unadjusted and adjusted, with
officer-clustered SEs, and gathered in one table with Holm-adjusted p-values.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._results import ResultMixin, format_table
from ..exceptions import DroppedDataWarning
from ..study import Study
from ._study_fits import MODELS, fit_terms
from ._table import check_level
from .study_frame import (
    RATINGS,
    check_wave,
    outcome_frame,
    rating_names,
    require_supervised_study,
)

__all__ = [
    "SPECIFICATIONS",
    "PredictiveValidityResult",
    "holm",
    "outcome_frame",  # re-exported: lives in study_frame.py
    "predictive_validity",
]

FUNC = "predictive_validity"
SPECIFICATIONS = ("single", "raters together", "between/within")
"""Model specifications: one rating per model; client and officer rating in one model;
the officer mean and the within-officer deviation of a rating in one model."""

TABLE_COLUMNS = ["outcome", "model", "response", "specification", "predictor", "rater", "term",
                 "adjusted", "effect_type", "estimate", "ci_lower", "ci_upper", "p_value",
                 "p_holm", "auc_or_c", "n", "events", "coef", "std_error", "firth"]


@dataclass(frozen=True, eq=False)
class PredictiveValidityResult(ResultMixin):
    """Result of :func:`predictive_validity`.

    Attributes
    ----------
    table : DataFrame
        One row per (outcome model, alliance term, adjusted or not); columns
        ``outcome, model, response, specification, predictor, rater, term, adjusted,
        effect_type, estimate, ci_lower, ci_upper, p_value, p_holm, auc_or_c, n, events,
        coef, std_error, firth``. ``estimate`` and its CI are on the effect scale (OR, HR, SHR
        per SD, or the ANCOVA ``b`` per SD); ``coef`` and ``std_error`` on the linear
        predictor scale (log ratio or b), the SE cluster-robust. ``auc_or_c`` is the
        model's AUC (logistic) or Harrell's C (cause-specific Cox), NaN otherwise.
        ``n`` is the number of dyads after listwise deletion, ``events`` the number of
        events (NaN for the ANCOVA). ``firth`` marks a logistic model that was fitted
        by Firth's penalised likelihood because the outcome was separated (a
        ``PerfectSeparationWarning`` was issued).
    level : float
        Confidence level of the intervals.
    wave : int
        The questionnaire wave of the ratings.
    adjust : tuple of str
        Covariates of the adjusted models.
    n_tests : dict
        Number of tests in each Holm family (keys ``"outcome / specification"`` or
        ``"outcome"``).
    missing : Series
        Number of dyads with a missing value per used column (listwise deletion).
    """

    table: pd.DataFrame
    level: float
    wave: int
    adjust: tuple[str, ...]
    n_tests: dict = field(default_factory=dict)
    missing: pd.Series = field(default_factory=lambda: pd.Series(dtype=int), repr=False)
    _title = "Predictive validity of the working alliance"

    def to_frame(self) -> pd.DataFrame:
        """The full table."""
        return self.table

    def summary(self, digits: int = 3) -> str:
        """Main effects (one rating per model) with the multiplicity correction stated."""
        families = ", ".join(f"{k}: {v} tests" for k, v in self.n_tests.items())
        main = self.table[self.table["specification"] == "single"]
        shown = main.set_index(["outcome", "model", "predictor", "rater", "adjusted"])[
            ["effect_type", "estimate", "ci_lower", "ci_upper", "p_value", "p_holm",
             "auc_or_c", "n", "events"]]
        lines = [self._title, "=" * len(self._title),
                 f"wave {self.wave} ratings; effects per SD of a rating (OR/HR/SHR/b), "
                 f"'good' vs not good; {self.level:.0%} Wald CIs with officer-clustered SEs",
                 f"adjusted for: {', '.join(self.adjust) if self.adjust else '(nothing)'}",
                 f"multiplicity: p_holm is Holm's step-down adjustment within each family "
                 f"({families})",
                 "listwise deletion: dyads missing per column "
                 + (", ".join(f"{k} {v}" for k, v in self.missing.items() if v) or "none"),
                 "", format_table(shown, digits)]
        if self.table["firth"].any():
            lines.insert(6, f"{int(self.table['firth'].sum())} row(s) from logistic models "
                            f"fitted by Firth's penalised likelihood (separation): see `firth`")
        return "\n".join(lines)


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (as R's ``p.adjust(p, "holm")``); NaN kept.

    Parameters
    ----------
    p_values : array-like
        Unadjusted p-values; NaN entries are left out of the family and stay NaN.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    Notes
    -----
    With the m finite p-values sorted, :math:`p_{(1)} \\le \\dots \\le p_{(m)}`:
    :math:`\\tilde p_{(k)} = \\max_{j \\le k} \\min\\{1, (m - j + 1) p_{(j)}\\}`. Controls the
    family-wise error rate under any dependence between the tests [1]_.

    References
    ----------
    .. [1] Holm S (1979). A simple sequentially rejective multiple test procedure.
       Scandinavian Journal of Statistics 6(2), 65-70.

    Examples
    --------
    >>> from werkalliantie_stats.outcomes.study_models import holm
    >>> holm([0.01, 0.04, 0.03]).round(4).tolist()  # In R: p.adjust(p, "holm")
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m = order.size
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(stepped, 1.0)
    return out


def _check_outcomes(outcomes: object) -> tuple[str, ...]:
    names = (outcomes,) if isinstance(outcomes, str) else tuple(outcomes)
    unknown = [o for o in names if o not in MODELS]
    if unknown or not names:
        raise ValueError(f"{FUNC}: `outcomes` must name some of {list(MODELS)}, got "
                         f"{list(names)!r}")
    return names


def _check_specifications(specifications: object) -> tuple[str, ...]:
    names = ((specifications,) if isinstance(specifications, str)
             else tuple(specifications))
    unknown = [s for s in names if s not in SPECIFICATIONS]
    if unknown or not names:
        raise ValueError(f"{FUNC}: `specifications` must name some of {list(SPECIFICATIONS)}, "
                         f"got {list(names)!r}")
    return names


def _check_family(family: object) -> tuple[str, ...]:
    names = (family,) if isinstance(family, str) else tuple(family)
    if not names or names[0] != "outcome" or not set(names) <= {"outcome", "specification"}:
        raise ValueError(f"{FUNC}: `family` must be ('outcome',) or ('outcome', "
                         f"'specification'), got {family!r}")
    return names


def check_adjust(study: Study, adjust: object, func: str) -> tuple[str, ...]:
    """Covariate names that are numeric columns of the supervision table."""
    names = (adjust,) if isinstance(adjust, str) else tuple(adjust)
    sup = study.supervision
    for name in names:
        if name not in sup.columns:
            raise ValueError(f"{func}: `adjust` column {name!r} is not in the supervision "
                             f"table; available: {list(sup.columns)}")
        if not pd.api.types.is_numeric_dtype(sup[name]):
            example = sup[name].dropna().iloc[0] if sup[name].notna().any() else None
            raise ValueError(f"{func}: `adjust` column {name!r} must be numeric (code a "
                             f"category as 0/1 dummies first), got e.g. {example!r}")
    return names


def _predictor_sets(study: Study, specifications: Sequence[str]) -> list[tuple]:
    """(specification, predictor, rater per term, terms) for every model to fit."""
    sets = []
    constructs = rating_names(study)
    if "single" in specifications:
        sets += [("single", c, (r,), (f"{c}_{r}_z",)) for c in constructs for r in RATINGS]
        sets.append(("single", "good", ("both",), ("good",)))
    if "raters together" in specifications:
        sets += [("raters together", c, ("client", "officer"),
                  (f"{c}_client_z", f"{c}_officer_z")) for c in constructs]
    if "between/within" in specifications:
        sets += [("between/within", c, (r, r), (f"{c}_{r}_between", f"{c}_{r}_within"))
                 for c in constructs for r in RATINGS]
    return sets


def _effect_scale(table: pd.DataFrame) -> pd.DataFrame:
    """OR/HR/SHR = exp(coef) with exp'd limits; the ANCOVA's b stays as it is."""
    ratio = (table["effect_type"] != "b").to_numpy()
    for target, source in (("estimate", "coef"), ("ci_lower", "coef_lower"),
                           ("ci_upper", "coef_upper")):
        values = table[source].to_numpy()
        table[target] = np.where(ratio, np.exp(values), values)
    return table


def _fit_all(frame: pd.DataFrame, outcomes, sets, adjust, level) -> pd.DataFrame:
    parts, labels = [], []
    for outcome in outcomes:
        for spec in MODELS[outcome]:
            for specification, predictor, raters, terms in sets:
                for adjusted in (False, True):
                    parts.append(fit_terms(frame, spec, terms, adjust if adjusted else (),
                                           "officer_id", level))
                    labels += [(outcome, spec.model, spec.response, specification, predictor,
                                rater, adjusted, spec.effect_type) for rater in raters]
    keys = pd.DataFrame(labels, columns=["outcome", "model", "response", "specification",
                                         "predictor", "rater", "adjusted", "effect_type"])
    table = pd.concat([keys, pd.concat(parts, ignore_index=True)], axis=1)
    return _effect_scale(table)


def _rating_column(term: str) -> str:
    for suffix in ("_z", "_between", "_within"):
        if term.endswith(suffix):
            return term[: -len(suffix)]
    return term


def _missing_counts(frame: pd.DataFrame, table: pd.DataFrame, adjust, outcomes) -> pd.Series:
    used = sorted({_rating_column(t) for t in table["term"]}) + list(adjust)
    for outcome in outcomes:
        for spec in MODELS[outcome]:
            used += [c for c in (spec.response, *spec.base) if c not in used]
    counts = frame[used].isna().sum()
    if counts.any():
        warnings.warn(f"{FUNC}: models use complete cases (listwise deletion); dyads with a "
                      f"missing value: {counts[counts > 0].to_dict()}; each row's n says how "
                      f"many dyads its model used (result.missing has the counts)",
                      DroppedDataWarning, stacklevel=3)
    return counts.astype(int)


def predictive_validity(study: Study,
                        outcomes: str | Sequence[str] = ("dropout", "rearrest",
                                                         "risk_increase"),
                        wave: int = 1,
                        adjust: str | Sequence[str] = ("prior_convictions", "age",
                                                       "risk_baseline"),
                        level: float = 0.95,
                        specifications: str | Sequence[str] = SPECIFICATIONS,
                        family: str | Sequence[str] = ("outcome", "specification"),
                        high: float = 3.5, low: float = 2.5,
                        max_missing: int = 1) -> PredictiveValidityResult:
    """Does the working alliance predict dropout, rearrest and rising risk?

    For each outcome family and each alliance rating (the four subscales and the alliance
    index, rated by the client, by the officer, and both averaged; and the good/not-good
    classification), fits the outcome model unadjusted and adjusted for ``adjust``, with
    SEs clustered by officer (clients are nested in officers):

    * ``dropout``: logistic regression (OR per SD; AUC);
    * ``rearrest``: cause-specific Cox regression of rearrest with dropout as a competing
      event (HR per SD; Harrell's C) and the Fine–Gray subdistribution hazards model
      (SHR per SD), on ``event``/``event_day``;
    * ``risk_increase`` (rising risk): logistic regression of ``risk_increase`` (OR; AUC)
      and the ANCOVA-style linear model of ``risk_followup`` adjusted for
      ``risk_baseline`` (b per SD), never a change score.

    Parameters
    ----------
    study : Study
        With questionnaires and a supervision table.
    outcomes : str or sequence of {"dropout", "rearrest", "risk_increase"}
        Outcome families to model.
    wave : int, default 1
        Wave of the ratings (1: start of supervision, before the outcomes).
    adjust : str or sequence of str
        Numeric supervision columns of the adjusted models (default prior convictions,
        age and baseline risk). ``()`` fits unadjusted models twice.
    level : float, default 0.95
        Confidence level of the Wald intervals.
    specifications : sequence of {"single", "raters together", "between/within"}
        ``"single"``: one rating per model; ``"raters together"``: the client's and the
        officer's rating of a construct in one model (their unique contributions);
        ``"between/within"``: the officer mean of a rating and the dyad's deviation from
        it in one model (see :func:`outcome_frame`).
    family : ("outcome", "specification") or ("outcome",)
        The Holm families: by default each outcome's single-rating models form one
        family and each secondary specification its own; ``("outcome",)`` puts every row
        of an outcome into one family (more conservative).
    high, low, max_missing
        Passed to :func:`outcome_frame` (classification cut-offs, scoring rule).

    Returns
    -------
    PredictiveValidityResult
        ``table`` (one row per model term), ``level``, ``n_tests``, ``missing``;
        ``summary()`` states the multiplicity correction and the number of tests.

    Warns
    -----
    DroppedDataWarning
        Once, with the number of dyads missing per column (models use complete cases).
    FewEventsWarning, PerfectSeparationWarning, ConvergenceWarning, ClusterWarning
        From the estimators, prefixed with the model they came from.
    EmptyCategoryWarning
        An alliance term is constant in a model's complete cases (e.g. no dyad is
        classified good): its rows are NaN and left out of the Holm family.

    Raises
    ------
    ValueError
        Bad arguments, or data an estimator refuses (e.g. no rearrest at all), with the
        model named.

    Notes
    -----
    Ratings are z-scored over the dyads of the frame (sample SD), so every ratio is per
    SD of the rating: a scale-free effect comparable across subscales and raters. Logistic
    SEs are ``sandwich::vcovCL(fit, cluster = ~officer_id)`` (HC0 with ``G/(G-1)``), the
    ANCOVA's ``vcovCL`` for an ``lm`` (HC1) with t-based CIs, and the Cox and Fine–Gray
    SEs the grouped robust sandwich of ``coxph(..., cluster = officer_id)``. The rising
    risk model is :math:`E[\\text{risk}_{1}] = a + \\gamma \\,\\text{risk}_{0} + b z`
    (ANCOVA); a change score :math:`\\text{risk}_1 - \\text{risk}_0` forces
    :math:`\\gamma = 1` and is biased when the alliance correlates with baseline risk [3]_.
    Multiplicity: Holm's step-down method [1]_ within each family (``family``), over
    every row of that family in the table (unadjusted and adjusted, all models of the
    outcome): :math:`\\tilde p_{(k)} = \\max_{j \\le k} \\min\\{1,
    (m - j + 1) p_{(j)}\\}`. Cause-specific hazards answer whether the alliance lowers the
    rate of rearrest among those still supervised; the Fine–Gray model whether it lowers
    the cumulative probability of a rearrest when dropout ends supervision first [2]_.

    References
    ----------
    .. [1] Holm S (1979). A simple sequentially rejective multiple test procedure.
       Scandinavian Journal of Statistics 6(2), 65-70.
    .. [2] Putter H, Fiocco M, Geskus RB (2007). Tutorial in biostatistics: competing
       risks and multi-state models. Statistics in Medicine 26, 2389-2430.
    .. [3] Vickers AJ, Altman DG (2001). Analysing controlled trials with baseline and
       follow up measurements. BMJ 323, 1123-1124.
    .. [4] Menger A, Donker A. Werk aan een goede werkalliantie (267 client-officer
       dyads; alliance quality predicts dropout, rearrest and rising risk).

    Examples
    --------
    >>> import warnings
    >>> import werkalliantie_stats as ws
    >>> from werkalliantie_stats.outcomes import predictive_validity
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ws.exceptions.DroppedDataWarning)
    ...     res = predictive_validity(ws.load_synthetic(), outcomes="dropout",
    ...                               specifications="single")
    >>> row = res.table.query("predictor == 'vertrouwen' and rater == 'client' and adjusted")
    >>> row[["effect_type", "n", "events"]].to_numpy().tolist()
    [['OR', 264, 56]]
    >>> res.n_tests
    {'dropout / single': 32}
    >>> # In R: fit <- glm(dropout ~ vertrouwen_client_z + prior_convictions + age +
    >>> #                  risk_baseline, binomial, d); lmtest::coeftest(fit,
    >>> #                  vcov = sandwich::vcovCL(fit, cluster = ~officer_id))
    """
    study = require_supervised_study(study, FUNC)
    outcomes = _check_outcomes(outcomes)
    specifications = _check_specifications(specifications)
    adjust = check_adjust(study, adjust, FUNC)
    level = check_level(level, FUNC)
    wave = check_wave(study, wave, FUNC)
    frame = outcome_frame(study, wave=wave, high=high, low=low, max_missing=max_missing)
    table = _fit_all(frame, outcomes, _predictor_sets(study, specifications), adjust, level)
    family = _check_family(family)
    groups = table.groupby(list(family), sort=False)["p_value"]
    table["p_holm"] = groups.transform(lambda p: pd.Series(holm(p.to_numpy()), index=p.index))
    missing = _missing_counts(frame, table, adjust, outcomes)
    table["events"] = table["events"].astype("Int64")
    n_tests = {" / ".join(map(str, key if isinstance(key, tuple) else (key,))): int(size)
               for key, size in groups.count().items()}   # count: rows with a p-value
    return PredictiveValidityResult(table=table[TABLE_COLUMNS], level=level, wave=int(wave),
                                    adjust=adjust, n_tests=n_tests, missing=missing)
