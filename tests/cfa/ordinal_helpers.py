"""Fixture access for the ordinal (WLSMV) CFA tests.

Puts ``tests/`` on the import path (as tests/cfa/cfa_helpers.py does) so that the shared
``reference_io`` readers are importable from this sub-folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference_io import read_reference_csv, read_reference_json

__all__ = [
    "FIT_KEYS",
    "SYNTHETIC_ITEMS",
    "SYNTHETIC_PATTERN",
    "ordinal_reference",
    "read_reference_csv",
    "read_reference_json",
    "synthetic_client_wave1",
]

# lavaan fitMeasures() compared for every WLSMV fit (lavaan names with "_" for ".").
FIT_KEYS = ["npar", "fmin", "chisq", "df", "pvalue", "chisq_scaled", "df_scaled",
            "pvalue_scaled", "chisq_scaling_factor", "baseline_chisq", "baseline_df",
            "baseline_chisq_scaled", "baseline_chisq_scaling_factor", "cfi", "tli",
            "cfi_scaled", "tli_scaled", "cfi_robust", "tli_robust", "nnfi", "rfi", "nfi",
            "pnfi", "ifi", "rni", "nnfi_scaled", "rfi_scaled", "nfi_scaled", "pnfi_scaled",
            "ifi_scaled", "rni_scaled", "nnfi_robust", "rni_robust", "rmsea", "rmsea_ci_lower",
            "rmsea_ci_upper", "rmsea_pvalue", "rmsea_notclose_pvalue", "rmsea_scaled",
            "rmsea_ci_lower_scaled", "rmsea_ci_upper_scaled", "rmsea_pvalue_scaled",
            "rmsea_notclose_pvalue_scaled", "rmsea_robust", "rmsea_ci_lower_robust",
            "rmsea_ci_upper_robust", "rmsea_pvalue_robust", "rmsea_notclose_pvalue_robust",
            "srmr"]


def ordinal_reference(name: str) -> dict:
    """tests/reference/cfa/ordinal/<name>.json (written by make_ordinal_fixtures.R)."""
    return read_reference_json(f"cfa/ordinal/{name}.json")

SYNTHETIC_ITEMS = [f"{s}{k}" for s in ("com", "bin", "ver", "str") for k in range(1, 6)]
SYNTHETIC_PATTERN = {s: [f"{s}{k}" for k in range(1, 6)] for s in ("com", "bin", "ver", "str")}


def synthetic_client_wave1():
    """Client questionnaires at wave 1 of data/synthetic, com4/bin4/ver4 re-keyed (6 - x),
    complete cases (as make_ordinal_fixtures.R builds them)."""
    import pandas as pd

    path = Path(__file__).resolve().parents[2] / "data" / "synthetic" / "questionnaires.csv"
    q = pd.read_csv(path)
    q = q[(q["wave"] == 1) & (q["rater"] == "client")][SYNTHETIC_ITEMS].copy()
    for item in ("com4", "bin4", "ver4"):
        q[item] = 6 - q[item]
    return q.dropna()
