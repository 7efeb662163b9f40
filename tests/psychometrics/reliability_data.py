"""Data and R fixtures shared by the reliability, item-analysis and ICC tests."""

from __future__ import annotations

from functools import cache

import pandas as pd
from reference_io import read_reference_csv, read_reference_json  # tests/conftest.py path

FIXTURE = "psychometrics/reliability/reliability_reference.json"


@cache
def reference() -> dict:
    """The psych fixtures written by make_reliability_fixtures.R."""
    return read_reference_json(FIXTURE)


@cache
def _hs() -> pd.DataFrame:
    return read_reference_csv("data/holzinger_swineford.csv")


@cache
def _bfi() -> pd.DataFrame:
    return read_reference_csv("data/bfi.csv")


def hs(*items: str) -> pd.DataFrame:
    """Holzinger–Swineford columns (copies)."""
    return _hs()[list(items)].copy()


def bfi(*items: str) -> pd.DataFrame:
    """bfi columns (copies, with missing values)."""
    return _bfi()[list(items)].copy()


def bfi_agreeableness() -> pd.DataFrame:
    """bfi A1-A5 with A1 re-keyed as 7 - A1 (as the R script does)."""
    frame = bfi("A1", "A2", "A3", "A4", "A5")
    frame["A1"] = 7 - frame["A1"]
    return frame


def shrout_fleiss() -> pd.DataFrame:
    """Shrout & Fleiss (1979), Table 2: six targets rated by four judges."""
    return pd.DataFrame({"J1": [9, 6, 8, 7, 10, 6], "J2": [2, 1, 4, 1, 5, 2],
                         "J3": [5, 3, 6, 2, 6, 4], "J4": [8, 2, 8, 6, 9, 7]})


X1_X9 = [f"x{i}" for i in range(1, 10)]
N_ITEMS = ["N1", "N2", "N3", "N4", "N5"]

ALPHA_CASES = {
    "hs_x1_x9": lambda: hs(*X1_X9),
    "hs_x1_x3": lambda: hs("x1", "x2", "x3"),
    "hs_x1_x2": lambda: hs("x1", "x2"),
    "bfi_A_rev": bfi_agreeableness,
    "bfi_C_raw": lambda: bfi("C1", "C2", "C3", "C4", "C5"),
    "bfi_N": lambda: bfi(*N_ITEMS),
}

SPLIT_CASES = {
    "hs_x1_x9": lambda: hs(*X1_X9),
    "hs_x4_x7": lambda: hs("x4", "x5", "x6", "x7"),
    "hs_x1_x3": lambda: hs("x1", "x2", "x3"),
    "bfi_N": lambda: bfi(*N_ITEMS),
    "bfi_A_N": lambda: pd.concat([bfi_agreeableness(), bfi(*N_ITEMS)], axis=1),
}
