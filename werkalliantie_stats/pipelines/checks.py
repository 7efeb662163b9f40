"""Soft checks of a study that passed validation, and norms of its subscale scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..scoring import score_subscales
from ..study import Study
from ._result import SectionBuilder

__all__ = ["MISSING_ATTENTION", "PERCENTILES", "checks_section", "norms_section"]

MISSING_ATTENTION = 0.10
PERCENTILES = (5, 10, 25, 50, 75, 90, 95)


def _check(rows: list, check: str, value: float, attention: bool) -> None:
    rows.append({"check": check, "value": float(value),
                 "status": "attention" if attention else "ok"})


def checks_section(study: Study, b: SectionBuilder) -> None:
    """What a new sample looks like before the psychometrics: raters and waves present,
    dyads rated by both raters, missing responses, unused response categories."""
    q, inst = study.questionnaires, study.instrument
    items = list(inst.item_ids)
    rows: list[dict] = []
    _check(rows, "questionnaires", len(q), len(q) == 0)
    _check(rows, "dyads", study.n_dyads, study.n_dyads < 100)
    for rater in inst.raters:
        _check(rows, f"questionnaires_{rater}", (q["rater"] == rater).sum(),
               not (q["rater"] == rater).any())
    wave1 = q[q["wave"] == 1]
    both = wave1.groupby("dyad_id")["rater"].nunique().eq(len(inst.raters)).sum()
    _check(rows, "dyads_rated_by_both_wave1", both, both < 0.8 * study.n_dyads)
    missing = q[items].isna().mean()
    _check(rows, "items_missing_over_10pct", (missing > MISSING_ATTENTION).sum(),
           (missing > MISSING_ATTENTION).any())
    codes = inst.scale.codes
    unused = sum(int(not (q.loc[q["rater"] == r, i] == c).any())
                 for r in inst.raters for i in items for c in codes)
    _check(rows, "unused_response_categories", unused, unused > 0)
    if study.supervision is not None:
        _check(rows, "supervision_rows", len(study.supervision), False)
    b.table("data_checks", pd.DataFrame(rows).set_index("check"))


def norms_section(study: Study, b: SectionBuilder, wave: int = 1) -> None:
    """Percentiles of the subscale scores per rater (the sample's norm table)."""
    scores = score_subscales(study)
    scores = scores[scores["wave"] == wave]
    frames = {}
    for rater, group in scores.groupby("rater"):
        values = group[list(study.instrument.subscales)]
        table = pd.DataFrame({f"P{p}": values.quantile(p / 100) for p in PERCENTILES})
        table.insert(0, "n", values.notna().sum().astype(float))
        table.insert(1, "mean", values.mean())
        table.insert(2, "sd", values.std())
        frames[rater] = table
    b.table("norms", pd.concat(frames, names=["rater", "subscale"]))
    b.notes.append(f"Percentiles by linear interpolation (numpy default), wave {wave}; "
                   f"{int(np.isfinite(scores[list(study.instrument.subscales)]).all(axis=1).sum())}"
                   f" questionnaires with all subscale scores.")
