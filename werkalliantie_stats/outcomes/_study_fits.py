"""The outcome models of the Study layer, each reduced to one row per alliance term.

Every model is one of the generic, R-checked estimators (logistic, cause_specific_cox,
fine_gray, linear); this module only says which columns go in and reads the result.
Warnings of the estimators are re-issued with the model they came from, with the same
class, so that ``FewEventsWarning`` and friends pass through with context.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import DroppedDataWarning, EmptyCategoryWarning
from .fine_gray import cause_specific_cox, fine_gray
from .linear import linear
from .logistic import logistic

__all__ = ["MODELS", "OutcomeModel", "fit_terms"]

EVENT, EVENT_DAY, CENSORED = "event", "event_day", "none"


@dataclass(frozen=True)
class OutcomeModel:
    """One model of an outcome family: its estimator, response and effect measure."""

    outcome: str
    model: str
    response: str
    effect_type: str
    base: tuple[str, ...] = ()


MODELS: dict[str, tuple[OutcomeModel, ...]] = {
    "dropout": (OutcomeModel("dropout", "logistic", "dropout", "OR"),),
    "rearrest": (OutcomeModel("rearrest", "cause-specific Cox", "rearrest", "HR"),
                 OutcomeModel("rearrest", "Fine-Gray", "rearrest", "SHR")),
    "risk_increase": (OutcomeModel("risk_increase", "logistic", "risk_increase", "OR"),
                      OutcomeModel("risk_increase", "ANCOVA", "risk_followup", "b",
                                   base=("risk_baseline",))),
}
"""The models fitted for each outcome family of :func:`predictive_validity`."""


def _logistic_rows(frame, spec, predictors, cluster, level):
    res = logistic(frame, spec.response, predictors, cluster=cluster, level=level)
    return res.table, res.auc, res.n_obs, res.n_events, "std_error", res.firth


def _cox_rows(frame, spec, predictors, cluster, level):
    res = cause_specific_cox(frame, EVENT_DAY, EVENT, "rearrest", predictors,
                             censored=CENSORED, cluster=cluster, level=level)
    return res.table, res.concordance, res.n, res.n_events, "robust_se", False


def _fine_gray_rows(frame, spec, predictors, cluster, level):
    # Listwise deletion for every model, the censoring KM included (R: finegray on the
    # complete cases), so that each row describes one analysis sample.
    res = fine_gray(frame, EVENT_DAY, EVENT, "rearrest", predictors, cluster=cluster,
                    level=level, censored=CENSORED, censoring_sample="complete")
    return res.table, np.nan, res.n, res.n_events, "robust_se", False


def _linear_rows(frame, spec, predictors, cluster, level):
    res = linear(frame, spec.response, predictors, cluster=cluster, level=level)
    return res.table, np.nan, res.n_obs, np.nan, "std_error", False


_FITTERS: dict[str, Callable] = {"logistic": _logistic_rows, "cause-specific Cox": _cox_rows,
                                 "Fine-Gray": _fine_gray_rows, "ANCOVA": _linear_rows}


def _reissue(caught: list, context: str) -> None:
    for w in caught:
        if issubclass(w.category, DroppedDataWarning):
            continue  # predictive_validity reports listwise deletion once, with counts
        warnings.warn(f"{context}: {w.message}", w.category, stacklevel=4)


def _response_columns(spec: OutcomeModel) -> list[str]:
    return [EVENT_DAY, EVENT] if spec.outcome == "rearrest" else [spec.response]


def model_terms(spec: OutcomeModel, terms: Sequence[str], adjust: Sequence[str]
                ) -> list[str]:
    """Alliance terms first, then the model's base covariates, then the adjustment set."""
    out = list(terms)
    for col in (*spec.base, *adjust):
        if col not in out:
            out.append(col)
    return out


def fit_terms(frame: pd.DataFrame, spec: OutcomeModel, terms: Sequence[str],
              adjust: Sequence[str], cluster: str | None, level: float) -> pd.DataFrame:
    """Fit one model and return one row per alliance term in ``terms``.

    Columns: term, coef (log OR/HR/SHR or b), std_error (robust), p_value, coef_lower,
    coef_upper (Wald, at ``level``), auc_or_c, n, events, firth (a logistic model fitted
    by Firth's penalised likelihood because the outcome was separated).
    """
    predictors = model_terms(spec, terms, adjust)
    context = (f"predictive_validity ({spec.model} of {spec.response} on "
               f"{' + '.join(predictors)})")
    used = _response_columns(spec) + predictors + ([cluster] if cluster else [])
    data = frame[list(dict.fromkeys(used))]   # only the model's columns: the fits copy data
    constant = _constant_terms(data.dropna(), terms)
    if constant:
        warnings.warn(f"{context}: {constant} take(s) a single value in the model's "
                      f"{len(data.dropna())} complete cases (e.g. no dyad classified good), so "
                      f"the effect cannot be estimated; its row is left empty (NaN)",
                      EmptyCategoryWarning, stacklevel=4)
        return _empty_rows(terms, len(data.dropna()))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            table, auc_or_c, n, events, se_col, firth = _FITTERS[spec.model](
                data, spec, predictors, cluster, level)
        except ValueError as err:
            raise ValueError(f"{context}: {err}") from err
    _reissue(caught, context)
    rows = table.loc[list(terms)]
    return pd.DataFrame({"term": list(terms), "coef": rows["estimate"].to_numpy(),
                         "std_error": rows[se_col].to_numpy(),
                         "p_value": rows["p_value"].to_numpy(),
                         "coef_lower": rows["ci_lower"].to_numpy(),
                         "coef_upper": rows["ci_upper"].to_numpy(),
                         "auc_or_c": float(auc_or_c), "n": int(n),
                         "events": float(events), "firth": bool(firth)})


def _constant_terms(complete: pd.DataFrame, terms: Sequence[str]) -> list[str]:
    return [t for t in terms if complete[t].nunique() < 2]


def _empty_rows(terms: Sequence[str], n: int) -> pd.DataFrame:
    nan = np.full(len(terms), np.nan)
    return pd.DataFrame({"term": list(terms), "coef": nan, "std_error": nan, "p_value": nan,
                         "coef_lower": nan, "coef_upper": nan, "auc_or_c": np.nan, "n": n,
                         "events": np.nan, "firth": False})
