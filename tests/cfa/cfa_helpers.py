"""Shared fixtures and comparison helpers for the CFA reference tests."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference_io import read_reference_csv, read_reference_json

HS_MODEL = """
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
"""

BRIEF_FIT_KEYS = ["chisq", "df", "pvalue", "baseline_chisq", "baseline_df", "cfi", "tli",
                  "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "rmsea_pvalue", "srmr", "logl",
                  "unrestricted_logl", "aic", "bic", "npar", "ntotal"]
ROBUST_FIT_KEYS = ["chisq_scaled", "df_scaled", "pvalue_scaled", "chisq_scaling_factor",
                   "baseline_chisq_scaled", "cfi_scaled", "tli_scaled", "cfi_robust",
                   "tli_robust", "rmsea_scaled", "rmsea_robust", "rmsea_ci_lower_robust",
                   "rmsea_ci_upper_robust", "rmsea_pvalue_robust"]

FIML_ROBUST_KEYS = ["cfi_robust", "tli_robust", "rmsea_robust", "rmsea_ci_lower_robust",
                    "rmsea_ci_upper_robust", "rmsea_pvalue_robust"]


def load_hs() -> pd.DataFrame:
    return read_reference_csv("data/holzinger_swineford.csv")


def load_paired_wide() -> pd.DataFrame:
    return read_reference_csv("cfa/paired_wide.csv")


SYNTHETIC = Path(__file__).resolve().parents[2] / "data" / "synthetic" / "questionnaires.csv"


def load_synthetic_wave1() -> pd.DataFrame:
    """Wave-1 questionnaires of the synthetic study, com4/bin4/ver4 re-keyed (6 - x)."""
    q = pd.read_csv(SYNTHETIC)
    for item in ("com4", "bin4", "ver4"):
        q[item] = 6 - q[item]
    return q[q["wave"] == 1]


def load_hs_mcar() -> pd.DataFrame:
    return read_reference_csv("cfa/hs_mcar.csv")


def reference(name: str) -> dict:
    return read_reference_json(f"cfa/{name}")


def assert_fit_matches(ours: pd.Series, lavaan: dict, keys: list[str], rtol: float = 1e-5,
                       atol: float = 1e-6) -> None:
    """Every named fit measure within tolerance of lavaan's (names: '.' -> '_')."""
    for key in keys:
        expected = lavaan[key.replace("_", ".") if key not in ("unrestricted_logl",)
                          else "unrestricted.logl"]
        np.testing.assert_allclose(ours[key], expected, rtol=rtol, atol=atol, err_msg=key)


def merged_estimates(ours: pd.DataFrame, lavaan: dict) -> pd.DataFrame:
    ref = pd.DataFrame(lavaan["estimates"])
    ref = ref[ref["op"] != "r2"]
    key = ["lhs", "op", "rhs"] + (["group"] if "group" in ours.columns else [])
    merged = ours.merge(ref, on=key, suffixes=("", "_r"), validate="one_to_one")
    assert len(merged) == len(ref) == len(ours)
    return merged


def assert_estimates_match(ours: pd.DataFrame, lavaan: dict, est_tol: float = 1e-4,
                           se_tol: float = 1e-3) -> None:
    """Estimates within ``est_tol`` and SEs within ``se_tol`` (absolute or relative)."""
    m = merged_estimates(ours, lavaan)
    for col, ref_col, tol in [("est", "est_r", est_tol), ("std_lv", "std.lv", est_tol),
                              ("std_all", "std.all", est_tol), ("se", "se_r", se_tol)]:
        np.testing.assert_allclose(m[col], m[ref_col].astype(float), rtol=tol, atol=tol,
                                   err_msg=col)
