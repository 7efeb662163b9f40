"""Helpers for the outcome reference tests: R names -> our term names, fixture matrices."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.reference_io import read_reference_csv, read_reference_json

BINARY = "outcomes/binary"


def our_name(r_name: str, factors: dict[str, list[str]] | None = None) -> str:
    """Map an R coefficient name to ours: (Intercept) -> Intercept, trtdrug -> trt[drug]."""
    if r_name == "(Intercept)":
        return "Intercept"
    for factor, levels in (factors or {}).items():
        for level in levels:
            if r_name == f"{factor}{level}":
                return f"{factor}[{level}]"
    return r_name


def ref_vector(values: dict, factors: dict | None = None) -> pd.Series:
    """A named R vector (JSON object) as a Series indexed by our names."""
    return pd.Series({our_name(k, factors): v for k, v in values.items()})


def ref_matrix(entry: dict, factors: dict | None = None) -> pd.DataFrame:
    """An R matrix written by mat() as a DataFrame with our row names."""
    rows = [our_name(r, factors) for r in entry["rows"]]
    return pd.DataFrame(np.array(entry["values"], dtype=float), index=rows, columns=entry["cols"])


def load(name: str) -> dict:
    return read_reference_json(f"{BINARY}/{name}")


def data(name: str) -> pd.DataFrame:
    return read_reference_csv(f"{BINARY}/{name}")
