"""Shared data for the exploratory-psychometrics tests (fixtures from R, never R itself)."""

from __future__ import annotations

import pandas as pd
import pytest
from factor_helpers import BFI_ITEMS, HS_ITEMS
from reference_io import read_reference_csv, read_reference_json


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
