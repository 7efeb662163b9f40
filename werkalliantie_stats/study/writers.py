"""Writing study tables as the committed CSV layout (deterministic, byte for byte)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

__all__ = ["write_study_files"]


def _csv_text(table: pd.DataFrame) -> str:
    return table.to_csv(index=False, lineterminator="\n", float_format="%.6g")


def write_study_files(folder: str | Path, questionnaires: pd.DataFrame,
                      supervision: pd.DataFrame | None = None,
                      truth: Mapping | None = None) -> list[Path]:
    """Write ``questionnaires.csv``, ``supervision.csv`` and ``truth.json`` into ``folder``.

    The output is deterministic: the same tables give the same bytes (floats with 6
    significant digits, ``\\n`` line ends, JSON with sorted keys). Returns the paths written.
    """
    folder = Path(folder)
    written = []
    parts = {"questionnaires.csv": _csv_text(questionnaires)}
    if supervision is not None:
        parts["supervision.csv"] = _csv_text(supervision)
    if truth is not None:
        parts["truth.json"] = json.dumps(truth, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    for name, text in parts.items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written
