"""Measurement invariance of ordered items (WLSMV): configural -> metric -> scalar.

The steps are lavaan's ``group.equal`` sequence for ordered data in the delta
parameterisation: configural (``()``), metric (``"loadings"``) and scalar
(``c("loadings", "thresholds")``; latent means and scale factors ``~*~`` free in groups
2..G, Millsap & Yun-Tein 2004). Each step is fitted with
:func:`multigroup_simple_structure_model` and :func:`fit_dwls`; neighbouring steps are
compared with :func:`scaled_difference_test` (lavaan's ``lavTestLRT`` default for DWLS,
Satorra 2000, scaled-shifted). A "strict" step does not exist in the delta
parameterisation (residual variances are not parameters there).
"""

from __future__ import annotations

import math

import pandas as pd

from werkalliantie_stats._validation import check_columns

from .dwls import DWLSResult, fit_dwls, scaled_difference_test
from .ordinal import ordinal_sample_statistics
from .ordinal_groups import multigroup_simple_structure_model
from .partable import check_model_columns, model_variables
from .syntax import parse_model

__all__ = ["ORDINAL_STEPS", "ordinal_invariance_fits", "ordinal_invariance_table"]

ORDINAL_STEPS = {"configural": (), "metric": ("loadings",),
                 "scalar": ("loadings", "thresholds")}

_FIT_COLUMNS = ["npar", "chisq", "df", "pvalue", "chisq_scaled", "pvalue_scaled",
                "chisq_scaling_factor", "chisq_shift_parameter", "cfi", "tli", "rmsea", "srmr",
                "cfi_scaled", "tli_scaled", "rmsea_scaled", "cfi_robust", "tli_robust",
                "rmsea_robust"]
_FUNC = "measurement_invariance"


def _pattern(model: str, columns: list[str]) -> dict[str, list[str]]:
    statements = parse_model(model)
    check_model_columns(statements, columns, _FUNC)
    other = [s for s in statements if s.op != "=~"]
    modified = [t.name for s in statements for t in s.terms if t.modifiers]
    if other or modified:
        line = other[0].line if other else next(s.line for s in statements
                                                if any(t.modifiers for t in s.terms))
        raise ValueError(f"{_FUNC}: with estimator='WLSMV' the model must be a simple "
                         f"structure of plain 'f =~ x1 + x2 + ...' lines (model line {line} "
                         "has another operator or a modifier); fit other models with "
                         "cfa(..., estimator='WLSMV')")
    _, lvs = model_variables(statements)
    return {f: [t.name for s in statements if s.lhs == f for t in s.terms] for f in lvs}


def ordinal_invariance_fits(data: pd.DataFrame, model: str, group: str, steps: list[str],
                            std_lv: bool = False) -> tuple[dict[str, DWLSResult], object]:
    """The DWLS fit of each step, and the grouped sample statistics they share."""
    bad = [s for s in steps if s not in ORDINAL_STEPS]
    if bad or list(steps) != [s for s in ORDINAL_STEPS if s in steps]:
        raise ValueError(f"{_FUNC}: with estimator='WLSMV' `steps` must be an ordered subset "
                         f"of {list(ORDINAL_STEPS)} (no 'strict': residual variances are not "
                         f"parameters in the delta parameterisation), got {list(steps)!r}")
    check_columns(data, [group], _FUNC)
    pattern = _pattern(model, list(data.columns))
    items = [item for its in pattern.values() for item in its]
    frame = data[[*items, group]]
    stats = ordinal_sample_statistics(frame, items=items, group=group)
    fits = {}
    for step in steps:
        mg = multigroup_simple_structure_model(pattern, stats, equal=ORDINAL_STEPS[step],
                                               std_lv=std_lv)
        fits[step] = fit_dwls(stats, mg)
    return fits, stats


def ordinal_invariance_table(fits: dict[str, DWLSResult]) -> pd.DataFrame:
    """One row per step: fit measures, the scaled-shifted difference test against the
    previous step and the changes in CFI/RMSEA/SRMR (later minus earlier)."""
    rows, previous = [], None
    for name, fit in fits.items():
        fm = fit.fit_measures
        row = {c: fm[c] for c in _FIT_COLUMNS if c in fm.index}
        diff = {"chisq_diff": math.nan, "df_diff": math.nan, "pvalue_diff": math.nan}
        if previous is not None:
            test = scaled_difference_test(previous, fit)
            diff = {"chisq_diff": test.chisq_diff, "df_diff": float(test.df_diff),
                    "pvalue_diff": test.pvalue}
        row.update(diff)
        for idx in ("cfi", "rmsea", "srmr", "cfi_scaled", "rmsea_scaled", "cfi_robust",
                    "rmsea_robust"):
            before = previous.fit_measures[idx] if previous is not None else math.nan
            row[f"delta_{idx}"] = fm[idx] - before
        rows.append(pd.Series(row, name=name))
        previous = fit
    return pd.DataFrame(rows)
