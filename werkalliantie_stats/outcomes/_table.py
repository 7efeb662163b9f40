"""The fixed-column coefficient table shared by the regression results (DESIGN.md §5)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["coefficient_table", "wald_limits"]


def wald_limits(estimate: np.ndarray, se: np.ndarray, level: float,
                df: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``estimate ± q se`` with ``q`` from the normal (``df=None``) or t distribution."""
    q = stats.norm.ppf(0.5 + level / 2) if df is None else stats.t.ppf(0.5 + level / 2, df)
    return estimate - q * se, estimate + q * se


def coefficient_table(terms: list[str], estimate: np.ndarray, cov: np.ndarray, level: float,
                      df: float | None = None) -> pd.DataFrame:
    """Columns term, estimate, std_error, statistic, p_value, ci_lower, ci_upper (Wald)."""
    se = np.sqrt(np.diag(cov))
    statistic = estimate / se
    if df is None:
        p_value = 2 * stats.norm.sf(np.abs(statistic))
    else:
        p_value = 2 * stats.t.sf(np.abs(statistic), df)
    lower, upper = wald_limits(estimate, se, level, df)
    table = pd.DataFrame({"term": terms, "estimate": estimate, "std_error": se,
                          "statistic": statistic, "p_value": p_value,
                          "ci_lower": lower, "ci_upper": upper}, index=pd.Index(terms, name="term"))
    return table


def check_level(level: float, func: str) -> float:
    """A confidence level strictly between 0 and 1."""
    if not isinstance(level, (float, int)) or not 0 < level < 1:
        raise ValueError(f"{func}: `level` must be between 0 and 1, got {level!r}")
    return float(level)
