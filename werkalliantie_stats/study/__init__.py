"""The study data model: questionnaires and supervision outcomes of client–officer dyads.

A :class:`Study` holds two tidy tables (DESIGN.md §3) and the instrument they were measured
with; :func:`read_study` reads and validates them from CSV, Excel, SPSS or Parquet files or
from DataFrames, and :func:`load_synthetic` loads the bundled synthetic study.
"""

from __future__ import annotations

from .columns import (
    BINARY_SUPERVISION_COLUMNS,
    EVENT_CODES,
    QUESTIONNAIRE_KEYS,
    SUPERVISION_COLUMNS,
    SUPERVISION_KEYS,
)
from .model import Study, require_study
from .readers import load_synthetic, read_study

__all__ = [
    "BINARY_SUPERVISION_COLUMNS",
    "EVENT_CODES",
    "QUESTIONNAIRE_KEYS",
    "SUPERVISION_COLUMNS",
    "SUPERVISION_KEYS",
    "Study",
    "load_synthetic",
    "read_study",
    "require_study",
]
