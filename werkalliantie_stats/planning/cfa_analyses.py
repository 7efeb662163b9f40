"""Per-replication rows of the measurement analyses: CFA fit and rater invariance.

Both analyses use the wave-1 questionnaires of one simulated study, reverse-worded items
re-keyed, the four-factor model of the instrument (:func:`instrument_model`) and lavaan's
WLSMV for ordered items (listwise deletion, as lavaan's default for ordered data).

* ``cfa_fit:<rater>``: one single-group fit per rater. Rows ``<rater>:cfi_scaled``,
  ``<rater>:rmsea_scaled`` (scale ``fit_index``; the decision against the cut-offs is
  made when the run is summarised, so cut-offs can change without re-running) and
  ``<rater>:chisq_scaled`` (with the scaled test's p-value).
* ``invariance``: client vs officer ratings treated as independent groups
  (``measurement_invariance(..., group="rater", estimator="WLSMV")``). Rows
  ``metric:chisq_diff`` / ``scalar:chisq_diff`` (scale ``test``: lavaan's scaled-shifted
  difference test, its p-value) and ``metric:delta_cfi_scaled`` /
  ``scalar:delta_cfi_scaled`` (scale ``fit_index``).

Each analysis also writes two ``diagnostic`` rows (estimate 0/1, never failed):
``empty_category`` (some item has an unused response category: in the fitted cases for
a single-group fit; used by one rater and not by the other for invariance, where those
categories are merged before fitting) and ``nonconverged`` (the DWLS fit did not
converge). A fit that does not converge or raises is a *failed* row, kept in the output.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np
import pandas as pd

from ..exceptions import ConvergenceWarning
from ..instrument import load_instrument
from ..psychometrics.cfa import cfa, measurement_invariance
from ..psychometrics.cfa.longitudinal import instrument_model
from ..psychometrics.cfa.longitudinal_ordinal import shared_category_targets
from ..study import Study

__all__ = ["CFA_RATERS", "cfa_fit_rows", "invariance_rows", "merge_unshared_categories"]

CFA_RATERS = ("client", "officer")
FIT_TERMS = ("cfi_scaled", "rmsea_scaled", "chisq_scaled")
INVARIANCE_STEPS = ("metric", "scalar")
INVARIANCE_TERMS = ("chisq_diff", "delta_cfi_scaled")
_FAILURES = (ValueError, np.linalg.LinAlgError, FloatingPointError)


@functools.lru_cache(maxsize=1)
def _instrument_and_model():
    instrument = load_instrument()
    return instrument, instrument_model(instrument)


def _row(analysis: str, term: str, scale: str, estimate: float, p_value: float = math.nan,
         n_warnings: int = 0, failed: bool = False) -> dict:
    return {"analysis": analysis, "term": term, "scale": scale, "estimate": float(estimate),
            "std_error": math.nan, "ci_lower": math.nan, "ci_upper": math.nan,
            "p_value": float(p_value), "n_warnings": int(n_warnings), "failed": bool(failed)}


def _diagnostics(analysis: str, prefix: str, empty: bool, nonconverged: bool) -> list[dict]:
    return [_row(analysis, f"{prefix}empty_category", "diagnostic", float(empty)),
            _row(analysis, f"{prefix}nonconverged", "diagnostic", float(nonconverged))]


def _wave1_items(quest: pd.DataFrame, rater: str) -> pd.DataFrame:
    instrument, _ = _instrument_and_model()
    study = Study(questionnaires=quest, supervision=None, instrument=instrument)
    return study.items(rater=rater, wave=1)


def _has_unused_category(items: pd.DataFrame, n_categories: int = 5) -> bool:
    complete = items.dropna()
    return bool(any(complete[c].nunique() < n_categories for c in complete.columns))


def _fit_quietly(fit):
    """Run ``fit`` recording warnings: (result or None, warnings, converged)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fit()
        except _FAILURES:
            return None, list(caught), True
    converged = bool(getattr(result, "converged", True)) and not any(
        issubclass(w.category, ConvergenceWarning) for w in caught)
    return result, list(caught), converged


def cfa_fit_rows(quest: pd.DataFrame, rater: str) -> list[dict]:
    """Rows of the four-factor WLSMV fit of one rater's wave-1 ratings."""
    _, model = _instrument_and_model()
    items = _wave1_items(quest, rater)
    empty = _has_unused_category(items)
    result, caught, converged = _fit_quietly(
        lambda: cfa(items, model, estimator="WLSMV"))
    prefix = f"{rater}:"
    diagnostics = _diagnostics("cfa_fit", prefix, empty, result is not None and not converged)
    if result is None or not converged:
        return [_row("cfa_fit", prefix + t, _fit_scale(t), math.nan, n_warnings=len(caught),
                     failed=True) for t in FIT_TERMS] + diagnostics
    fm = result.fit_measures
    rows = [_row("cfa_fit", prefix + t, _fit_scale(t), fm[t], n_warnings=len(caught))
            for t in FIT_TERMS[:2]]
    rows.append(_row("cfa_fit", prefix + "chisq_scaled", "test", fm["chisq_scaled"],
                     fm["pvalue_scaled"], len(caught)))
    return rows + diagnostics


def _fit_scale(term: str) -> str:
    return "test" if term.startswith("chisq") else "fit_index"


def merge_unshared_categories(frame: pd.DataFrame, items: list[str],
                              group: str) -> tuple[pd.DataFrame, bool]:
    """Recode, per item, each response category that some group does not use to the
    next lower category every group uses (the next higher one for the lowest), the rule
    of :func:`~werkalliantie_stats.merge_empty_categories`.

    Works on complete rows (listwise deletion, as the WLSMV fit). Returns the recoded
    copy and whether anything was merged. This is what lavaan asks for when a category is
    empty in one group ("some categories of variable ... are empty in group ...").
    """
    complete = frame.dropna(subset=items).copy()
    merged = False
    for item in items:
        per_group = [set(v) for _, v in complete.groupby(group, sort=False)[item]]
        shared, targets = shared_category_targets(per_group)
        if len(shared) < 2 or not targets:
            continue
        complete[item] = complete[item].replace(targets)
        merged = True
    return complete, merged


def invariance_rows(quest: pd.DataFrame) -> list[dict]:
    """Rows of the client-vs-officer WLSMV invariance test on wave-1 ratings."""
    instrument, model = _instrument_and_model()
    long = pd.concat([_wave1_items(quest, r).assign(rater=r) for r in CFA_RATERS],
                     ignore_index=True)
    items = list(instrument.item_ids)
    data, merged = merge_unshared_categories(long, items, "rater")
    result, caught, converged = _fit_quietly(lambda: measurement_invariance(
        data, model, group="rater", estimator="WLSMV"))
    if result is not None:
        converged = converged and all(f.converged for f in result.fits.values())
    diagnostics = _diagnostics("invariance", "", merged,
                               result is not None and not converged)
    terms = [(s, t) for s in INVARIANCE_STEPS for t in INVARIANCE_TERMS]
    if result is None or not converged:
        return [_row("invariance", f"{s}:{t}", _invariance_scale(t), math.nan,
                     n_warnings=len(caught), failed=True) for s, t in terms] + diagnostics
    table = result.table
    rows = [_row("invariance", f"{s}:{t}", _invariance_scale(t), table.loc[s, t],
                 table.loc[s, "pvalue_diff"] if t == "chisq_diff" else math.nan, len(caught))
            for s, t in terms]
    return rows + diagnostics


def _invariance_scale(term: str) -> str:
    return "test" if term == "chisq_diff" else "fit_index"
