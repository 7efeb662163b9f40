"""Fixture access for the ordinal (WLSMV) CFA tests.

Puts ``tests/`` on the import path (as tests/cfa/cfa_helpers.py does) so that the shared
``reference_io`` readers are importable from this sub-folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference_io import read_reference_csv, read_reference_json

__all__ = ["ordinal_reference", "read_reference_csv", "read_reference_json"]


def ordinal_reference(name: str) -> dict:
    """tests/reference/cfa/ordinal/<name>.json (written by make_ordinal_fixtures.R)."""
    return read_reference_json(f"cfa/ordinal/{name}.json")
