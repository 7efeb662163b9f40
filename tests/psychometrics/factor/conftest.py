"""Shared data for the exploratory-psychometrics tests (fixtures from R, never R itself)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_io import read_reference_csv, read_reference_json

BFI_ITEMS = [f"{trait}{i}" for trait in "ACENO" for i in range(1, 6)]
HS_ITEMS = [f"x{i}" for i in range(1, 10)]


def ref_matrix(entry: dict) -> pd.DataFrame:
    """A matrix fixture (rows/cols/values, JSON null = NaN/inf) as a DataFrame."""
    rows, cols = (v if isinstance(v, list) else [v] for v in (entry["rows"], entry["cols"]))
    values = np.array(entry["values"], dtype=float).reshape(len(rows), len(cols))
    return pd.DataFrame(values, index=rows, columns=cols)


@pytest.fixture(scope="session")
def hs() -> pd.DataFrame:
    return read_reference_csv("data/holzinger_swineford.csv")[HS_ITEMS]


@pytest.fixture(scope="session")
def bfi() -> pd.DataFrame:
    return read_reference_csv("data/bfi.csv")[BFI_ITEMS]


@pytest.fixture(scope="session")
def ref():
    def read(name: str) -> dict:
        return read_reference_json(f"psychometrics/factor/{name}")
    return read
