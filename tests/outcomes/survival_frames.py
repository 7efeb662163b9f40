"""Shared data for the survival tests: the committed R exports, recoded as in the R script.

Imported by tests/outcomes/test_km*.py, test_cox*.py, test_ph*.py and test_competing*.py.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from tests.reference_io import read_reference_csv, read_reference_json

__all__ = ["heart_frame", "mgus2_frame", "read_reference_csv", "read_reference_json",
           "rossi_frame"]


@lru_cache(maxsize=1)
def _rossi() -> pd.DataFrame:
    """carData::Rossi with 0/1 dummies, cluster ``cl`` and weights ``w`` (see the R script)."""
    r = read_reference_csv("data/rossi.csv")
    codes = {"fin": "yes", "race": "other", "wexp": "yes", "mar": "married", "paro": "yes"}
    for col, one in codes.items():
        r[col] = (r[col] == one).astype(int)
    r["cl"] = np.arange(len(r)) // 3
    r["w"] = 1 + (r["prio"] % 3) / 4
    r["priogrp"] = np.select([r["prio"] == 0, r["prio"] <= 2], [0, 1], 2)
    return r


@lru_cache(maxsize=1)
def _mgus2() -> pd.DataFrame:
    """survival::mgus2 with ``etime``/``event`` as in the survival vignette 'compete'."""
    m = read_reference_csv("data/mgus2.csv")
    m["male"] = (m["sex"] == "M").astype(int)
    m["etime"] = np.where(m["pstat"] == 0, m["futime"], m["ptime"])
    m["event"] = np.where(m["pstat"] == 0, 2 * m["death"], 1)
    m["agegrp"] = np.select([m["age"] < 65, m["age"] < 75], [0, 1], 2)
    return m


def heart_frame() -> pd.DataFrame:
    """survival::heart (Stanford heart transplant, start-stop rows, subject ``id``)."""
    return read_reference_csv("outcomes/survival/heart.csv")


def rossi_frame() -> pd.DataFrame:
    return _rossi().copy()


def mgus2_frame() -> pd.DataFrame:
    return _mgus2().copy()
