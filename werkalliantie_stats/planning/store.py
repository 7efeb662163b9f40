"""Results of a Monte Carlo run streamed to a Parquet folder, one file per chunk.

The folder holds ``run.json`` (the run's settings and their hash) and
``chunk-<index>.parquet`` files. A chunk is written to a temporary name and renamed
atomically, so a file either is complete or does not exist; a resumed run skips the
chunks already on disk. A folder made by a run with other settings is refused, so old
chunks are never mixed into a new run.

This module is the planning layer's only file I/O (the engine calls it when ``out`` is
given); estimators never touch files.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd

__all__ = ["ChunkStore", "settings_hash"]

_SETTINGS = "run.json"


def settings_hash(settings: dict) -> str:
    """SHA-256 of the settings serialised as sorted JSON (``repr`` for other objects)."""
    text = json.dumps(settings, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


class ChunkStore:
    """A folder of chunk files belonging to one run (identified by its settings hash)."""

    def __init__(self, folder: str | os.PathLike, settings: dict, func: str):
        self.folder = Path(folder)
        self.hash = settings_hash(settings)
        self._open(settings, func)

    def _open(self, settings: dict, func: str) -> None:
        manifest = self.folder / _SETTINGS
        if manifest.exists():
            stored = json.loads(manifest.read_text())
            if stored.get("hash") != self.hash:
                raise ValueError(
                    f"{func}: `out` folder {str(self.folder)!r} holds chunks of a different "
                    f"run (settings hash {stored.get('hash', '?')[:12]} vs {self.hash[:12]}); "
                    f"use a new folder or delete this one")
            return
        if self.folder.exists() and any(self.folder.iterdir()):
            raise ValueError(f"{func}: `out` folder {str(self.folder)!r} exists and is not a "
                             f"run folder (no {_SETTINGS}); use a new or empty folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"hash": self.hash, "settings": settings}, sort_keys=True,
                          default=repr, indent=1)
        _atomic_write(manifest, lambda tmp: Path(tmp).write_text(text))

    def path(self, index: int) -> Path:
        return self.folder / f"chunk-{index:06d}.parquet"

    def done(self) -> set[int]:
        """Indices of the chunks already written."""
        return {int(p.stem.split("-")[1]) for p in self.folder.glob("chunk-*.parquet")}

    def write(self, index: int, frame: pd.DataFrame) -> None:
        """Write one chunk atomically (temporary file, then rename)."""
        _atomic_write(self.path(index), lambda tmp: frame.to_parquet(tmp, index=False))

    def read(self, indices) -> pd.DataFrame:
        """The chunks ``indices`` concatenated in index order."""
        return pd.concat([pd.read_parquet(self.path(i)) for i in sorted(indices)],
                         ignore_index=True)


def _atomic_write(path: Path, writer) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        writer(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
