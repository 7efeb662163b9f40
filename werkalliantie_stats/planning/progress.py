"""A small progress bar with ETA on standard error, silent when that is not a terminal."""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    """Print ``done/total``, percentage, elapsed time and ETA on one refreshed line.

    Prints only when ``enabled`` and the stream is a TTY (so logs, CI and notebooks stay
    clean). The ETA is the elapsed time per finished task times the tasks left.
    """

    def __init__(self, total: int, label: str = "replications", enabled: bool = True,
                 stream=None, done: int = 0):
        self.total, self.label, self.done = int(total), label, int(done)
        self.stream = sys.stderr if stream is None else stream
        self.active = bool(enabled) and getattr(self.stream, "isatty", lambda: False)()
        self._start, self._start_done = time.monotonic(), self.done

    def update(self, n: int) -> None:
        """Count ``n`` more finished tasks and redraw the line."""
        self.done += int(n)
        if self.active:
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def line(self) -> str:
        """The text of the progress line, e.g. ``[#####.....] 50/100 50% 0:12 ETA 0:12``."""
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(20 * frac) + "." * (20 - int(20 * frac))
        elapsed = time.monotonic() - self._start
        new = self.done - self._start_done
        eta = elapsed / new * (self.total - self.done) if new else float("nan")
        return (f"[{bar}] {self.done}/{self.total} {self.label} {frac:4.0%} "
                f"{_clock(elapsed)} ETA {_clock(eta)}")

    def close(self) -> None:
        """End the line (only if something was printed)."""
        if self.active:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    if seconds != seconds:  # NaN: no estimate yet
        return "--:--"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
