"""Measurement invariance of ordered items (WLSMV): configural -> metric -> scalar.

The steps are lavaan's ``group.equal`` sequence for ordered data in the delta
parameterisation: configural (``()``), metric (``"loadings"``) and scalar
(``c("loadings", "thresholds")``; latent means and scale factors ``~*~`` free in groups
2..G, Millsap & Yun-Tein 2004). Each step is a :func:`cfa` fit with
``estimator="WLSMV"``; neighbouring steps are
compared with :func:`scaled_difference_test` (lavaan's ``lavTestLRT`` default for DWLS,
Satorra 2000, scaled-shifted). A "strict" step does not exist in the delta
parameterisation (residual variances are not parameters there).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from .api import cfa
from .dwls import scaled_difference_test
from .partable import model_variables
from .results import CFAResult
from .syntax import parse_model
from .wlsmv import fit_wlsmv

__all__ = ["ORDINAL_STEPS", "ordinal_invariance_fits", "ordinal_invariance_table"]

ORDINAL_STEPS = {"configural": (), "metric": ("loadings",),
                 "scalar": ("loadings", "thresholds")}

_FIT_COLUMNS = ["ntotal", "npar", "chisq", "df", "pvalue", "chisq_scaled", "pvalue_scaled",
                "chisq_scaling_factor", "chisq_shift_parameter", "cfi", "tli", "rmsea", "srmr",
                "cfi_scaled", "tli_scaled", "rmsea_scaled", "cfi_robust", "tli_robust",
                "rmsea_robust"]
_FUNC = "measurement_invariance"


def ordinal_invariance_fits(data: pd.DataFrame, model: str, group: str, steps: list[str],
                            std_lv: bool = False, group_partial: Sequence[str] = (),
                            missing: str = "listwise") -> dict[str, CFAResult]:
    """The WLSMV fit (:func:`cfa`) of each step."""
    bad = [s for s in steps if s not in ORDINAL_STEPS]
    if bad or list(steps) != [s for s in ORDINAL_STEPS if s in steps]:
        raise ValueError(f"{_FUNC}: with estimator='WLSMV' `steps` must be an ordered subset "
                         f"of {list(ORDINAL_STEPS)} (no 'strict': residual variances are not "
                         f"parameters in the delta parameterisation), got {list(steps)!r}")
    first = cfa(data, model, estimator="WLSMV", group=group,
                group_equal=ORDINAL_STEPS[steps[0]],
                group_partial=group_partial if steps[0] != "configural" else (),
                std_lv=std_lv, missing=missing)
    statements = parse_model(model)
    ov_names, lv_names = model_variables(statements)
    fits = {steps[0]: first}
    for step in steps[1:]:  # same rows: reuse the sample statistics of the first fit
        fits[step] = fit_wlsmv(data, statements, ov_names, lv_names, std_lv=std_lv,
                               ci_level=first.ci_level, model_text=model, group=group,
                               group_equal=ORDINAL_STEPS[step], group_partial=group_partial,
                               stats=first.dwls_fit.stats, missing=first.missing,
                               caller=_FUNC)
    return fits


def ordinal_invariance_table(fits: dict[str, CFAResult]) -> pd.DataFrame:
    """One row per step: fit measures, the scaled-shifted difference test against the
    previous step and the changes in CFI/RMSEA/SRMR (later minus earlier)."""
    rows, previous = [], None
    for name, fit in fits.items():
        fm = fit.fit_measures
        row = {c: fm[c] for c in _FIT_COLUMNS if c in fm.index}
        diff = {"chisq_diff": math.nan, "df_diff": math.nan, "pvalue_diff": math.nan}
        if previous is not None:
            test = scaled_difference_test(previous.dwls_fit, fit.dwls_fit)
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
