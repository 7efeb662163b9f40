"""A one-line progress display on a terminal: silent in logs, CI and notebooks."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress", "make_progress"]


class Progress:
    """Shows ``[ 3/12] factorability ... 1.2 s`` on one line of ``stream``.

    Parameters
    ----------
    total : int
        Number of steps.
    stream : file, optional
        Where to write (default ``sys.stderr``).
    enabled : bool
        Nothing is written when false.
    """

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True):
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.count = 0
        self.start = time.perf_counter()

    def step(self, label: str) -> None:
        """Announce the next step."""
        self.count += 1
        if self.enabled:
            elapsed = time.perf_counter() - self.start
            self.stream.write(f"\r\033[K[{self.count:>2}/{self.total}] {label} ... "
                              f"{elapsed:.1f} s")
            self.stream.flush()

    def done(self) -> None:
        """End the line."""
        if self.enabled:
            elapsed = time.perf_counter() - self.start
            self.stream.write(f"\r\033[K[{self.total}/{self.total}] done in {elapsed:.1f} s\n")
            self.stream.flush()


def make_progress(progress: bool | None, total: int) -> Progress:
    """``None``: show progress only when stderr is a terminal; ``True``/``False`` force it."""
    if progress is None:
        progress = bool(getattr(sys.stderr, "isatty", lambda: False)())
    return Progress(total, enabled=bool(progress))
