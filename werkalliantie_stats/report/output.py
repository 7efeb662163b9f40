"""Writing an output folder all at once: never half-written, never silently overwritten."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from os import PathLike
from pathlib import Path

__all__ = ["OutputExistsError", "output_folder"]


class OutputExistsError(FileExistsError):
    """The output folder exists and overwriting it was not asked for."""


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


@contextmanager
def output_folder(path: str | PathLike, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``path`` only when the block succeeds.

    Files are written into a hidden sibling folder; on success it is renamed to ``path``
    (an existing ``path`` is removed first only when ``force`` is true). On an error the
    temporary folder is removed and ``path`` is left as it was.
    """
    target = Path(path)
    if target.exists() and not force:
        raise OutputExistsError(f"output folder {str(target)!r} already exists; choose another "
                                f"folder or pass --force (force=True) to replace it")
    if target.exists() and not target.is_dir():
        raise OutputExistsError(f"output path {str(target)!r} exists and is not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it private; give the usual mode
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
