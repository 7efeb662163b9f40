"""Helpers shared by the exploratory-psychometrics tests (a uniquely named module, so that
other test folders' conftest files cannot shadow it)."""

from __future__ import annotations

import numpy as np
import pandas as pd

BFI_ITEMS = [f"{trait}{i}" for trait in "ACENO" for i in range(1, 6)]
HS_ITEMS = [f"x{i}" for i in range(1, 10)]


def ref_matrix(entry: dict) -> pd.DataFrame:
    """A matrix fixture (rows/cols/values; JSON null = NaN or +-inf) as a DataFrame."""
    rows, cols = (v if isinstance(v, list) else [v] for v in (entry["rows"], entry["cols"]))
    values = np.array(entry["values"], dtype=float).reshape(len(rows), len(cols))
    return pd.DataFrame(values, index=rows, columns=cols)
