"""Reading the committed R fixtures (tests never call R).

CSV fixtures start with one comment line saying how they were made; JSON fixtures carry
that text under the key ``"_generated_by"``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

REFERENCE = Path(__file__).parent / "reference"


def read_reference_csv(relpath: str, **kwargs) -> pd.DataFrame:
    """Read ``tests/reference/<relpath>``, skipping its provenance line."""
    path = REFERENCE / relpath
    with path.open(encoding="utf-8") as fh:
        first = fh.readline()
    skip = 1 if first.startswith("#") else 0
    return pd.read_csv(path, skiprows=skip, **kwargs)


def read_reference_json(relpath: str) -> dict:
    """Read ``tests/reference/<relpath>`` (a JSON object with a ``_generated_by`` key)."""
    with (REFERENCE / relpath).open(encoding="utf-8") as fh:
        return json.load(fh)
