"""Fixtures of the CFA tests (data read from the committed R exports)."""

from __future__ import annotations

import pandas as pd
import pytest
from cfa_helpers import load_hs, load_hs_mcar


@pytest.fixture(scope="session")
def hs() -> pd.DataFrame:
    return load_hs()


@pytest.fixture(scope="session")
def hs_mcar() -> pd.DataFrame:
    return load_hs_mcar()
