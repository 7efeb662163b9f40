"""The one benchmark harness: cases, timing (ours, Python peers, R peers), tables.

A :class:`Case` is one operation on one data set: ``ours`` (a zero-argument callable) and
its :class:`Peer` s. A Python peer is a callable; an R peer is an expression evaluated in an
R session where the case's frame is ``d``. All R peers of a run share one ``Rscript``
process (read the CSVs, load the packages, then time each expression), so R's start-up
and package loading are never inside a timing.

Timing, the same rule on both sides: one timed warm-up run; if it took longer than the
budget, that run is the result; otherwise ``repeats = clamp(budget / warm-up, 3, max)``
further runs and their median. Calls under 10 ms are timed in batches (R's clock has a
resolution of 1 ms). Warnings raised while timing are silenced (they are the subject of
the tests, not of the benchmarks).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

BATCH_BELOW = 0.01  # seconds: shorter calls are timed in batches
ROOT = Path(__file__).resolve().parents[1]  # R peers run here (some source repo files)


@dataclass
class Peer:
    """Another tool doing the same job: a Python callable or an R expression on ``d``."""

    label: str
    python: Callable[[], object] | None = None
    r: str | None = None
    r_packages: tuple[str, ...] = ()
    not_runnable: str = ""          # reason, when the peer cannot run here
    self_timed: bool = False        # the callable returns its own seconds (fresh process)


@dataclass
class Case:
    """One operation of ours on one data set, with the peers that do the same."""

    area: str
    op: str
    ours: Callable[[], object] | None
    data: pd.DataFrame | None = None
    peers: list[Peer] = field(default_factory=list)
    n: int | None = None
    p: int | None = None
    note: str = ""
    self_timed: bool = False


@dataclass
class Settings:
    budget: float = 3.0     # seconds of repeats per implementation and case
    max_repeats: int = 25
    min_repeats: int = 3


QUICK = Settings(budget=0.5, max_repeats=5, min_repeats=1)
FULL = Settings()


def _call_seconds(func: Callable[[], object], self_timed: bool) -> float:
    start = time.perf_counter()
    value = func()
    elapsed = time.perf_counter() - start
    return float(value) if self_timed else elapsed


def median_seconds(func: Callable[[], object], settings: Settings,
                   self_timed: bool = False) -> tuple[float, int]:
    """Median wall time of ``func`` and the number of timed runs (rule in module doc)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = _call_seconds(func, self_timed)
        if first > settings.budget:
            return first, 1
        if first < BATCH_BELOW and not self_timed:
            inner = math.ceil(2 * BATCH_BELOW / max(first, 1e-6))
            batch = lambda: [func() for _ in range(inner)]  # noqa: E731
            times = [_call_seconds(batch, False) / inner for _ in range(settings.min_repeats
                                                                        or 1)]
            return float(np.median(times)), len(times) * inner
        reps = int(np.clip(settings.budget / first, settings.min_repeats,
                           settings.max_repeats))
        times = [_call_seconds(func, self_timed) for _ in range(max(reps, 1))]
    return float(np.median(times)), len(times)


def peak_memory_mb(func: Callable[[], object]) -> float:
    """tracemalloc peak (MB) of the Python and numpy allocations made during one call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracemalloc.start()
        try:
            func()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak / 2**20


# ---------------------------------------------------------------- R side
R_PRELUDE = r"""
options(warn = -1)
.bench <- function(f, budget, max_reps, min_reps) {
  first <- system.time(f())[["elapsed"]]
  if (first > budget) return(c(first, 1))
  if (first < 0.01) {
    inner <- ceiling(0.02 / max(first, 1e-4))
    ts <- replicate(max(min_reps, 1), system.time(for (i in seq_len(inner)) f())[["elapsed"]])
    return(c(median(ts) / inner, length(ts) * inner))
  }
  reps <- max(min_reps, min(max_reps, floor(budget / first)), 1)
  ts <- replicate(reps, system.time(f())[["elapsed"]])
  c(median(ts), reps)
}
.emit <- function(key, f) {
  res <- tryCatch(.bench(f, BUDGET, MAXREPS, MINREPS),
                  error = function(e) conditionMessage(e))
  if (is.character(res)) {
    cat(key, "\tERROR\t", gsub("[\t\n]", " ", res), "\n", sep = "")
  } else {
    cat(key, "\t", res[1], "\t", res[2], "\n", sep = "")
  }
}
"""


def r_available() -> bool:
    return shutil.which("Rscript") is not None


def _r_script(jobs: list[tuple[str, Case, Peer]], paths: dict[int, Path],
              settings: Settings) -> str:
    packages = sorted({pkg for _, _, peer in jobs for pkg in peer.r_packages})
    lines = ["suppressPackageStartupMessages({"
             + "; ".join(f"library({p})" for p in packages) + "})",
             R_PRELUDE,
             f"BUDGET <- {settings.budget}; MAXREPS <- {settings.max_repeats}; "
             f"MINREPS <- {settings.min_repeats}",
             "set.seed(1)", ".data <- list()"]
    for key, path in paths.items():
        lines.append(f'.data[["{key}"]] <- read.csv("{path}")')
    for key, case, peer in jobs:
        data = f'.data[["{id(case.data)}"]]' if case.data is not None else "NULL"
        lines.append(f'.emit("{key}", function() {{ d <- {data}; invisible({peer.r}) }})')
    return "\n".join(lines)


def run_r_peers(jobs: list[tuple[str, Case, Peer]], settings: Settings
                ) -> dict[str, tuple[float, int, str]]:
    """Time every R peer in one Rscript process: key -> (median s, runs, error text)."""
    if not jobs or not r_available():
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        paths: dict[int, Path] = {}
        for _, case, _ in jobs:
            if case.data is not None and id(case.data) not in paths:
                paths[id(case.data)] = Path(tmp) / f"d{len(paths)}.csv"
                case.data.to_csv(paths[id(case.data)], index=False, na_rep="NA")
        script = Path(tmp) / "bench.R"
        script.write_text(_r_script(jobs, paths, settings))
        done = subprocess.run(["Rscript", str(script)], capture_output=True, text=True,
                              check=False, cwd=ROOT)
    results = {}
    for line in done.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[1] == "ERROR":
            results[parts[0]] = (math.nan, 0, parts[2].strip())
        elif len(parts) == 3:
            results[parts[0]] = (float(parts[1]), int(float(parts[2])), "")
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        for key, _, _ in jobs:
            results.setdefault(key, (math.nan, 0, f"R failed: {tail[0]}"))
    return results


# ---------------------------------------------------------------- running cases
def _row(case: Case, impl: str, seconds: float, runs: int, note: str = "",
         peak_mb: float = math.nan) -> dict:
    return {"area": case.area, "op": case.op, "n": case.n, "p": case.p, "impl": impl,
            "median_s": seconds, "runs": runs, "peak_mb": peak_mb, "note": note}


def _time_python(case: Case, impl: str, func, self_timed: bool, settings: Settings) -> dict:
    try:
        seconds, runs = median_seconds(func, settings, self_timed)
    except Exception as exc:  # a failing peer is a finding to report, not a crash
        return _row(case, impl, math.nan, 0, f"error: {type(exc).__name__}: {exc}"[:200])
    return _row(case, impl, seconds, runs)


def run_cases(cases: list[Case], settings: Settings, with_r: bool = True,
              log: Callable[[str], None] = print) -> pd.DataFrame:
    """Time ours and every peer of each case; one row per implementation."""
    rows, r_jobs = [], []
    for index, case in enumerate(cases):
        log(f"  {case.area}: {case.op}")
        if case.ours is None:
            rows.append(_row(case, "ours", math.nan, 0, case.note))
        else:
            rows.append(_time_python(case, "ours", case.ours, case.self_timed, settings))
        for j, peer in enumerate(case.peers):
            if peer.not_runnable:
                rows.append(_row(case, peer.label, math.nan, 0,
                                 f"not runnable: {peer.not_runnable}"))
            elif peer.python is not None:
                rows.append(_time_python(case, peer.label, peer.python, peer.self_timed,
                                         settings))
            elif not (with_r and r_available()):
                rows.append(_row(case, peer.label, math.nan, 0, "skipped: Rscript not found"
                                 if with_r else "skipped: --no-r"))
            else:
                key = f"{index}_{j}"
                r_jobs.append((key, case, peer))
                rows.append(_row(case, peer.label, math.nan, 0, f"@r:{key}"))
    if r_jobs:
        log(f"  R: timing {len(r_jobs)} peer calls in one Rscript process")
    r_results = run_r_peers(r_jobs, settings)
    for row in rows:
        if row["note"].startswith("@r:"):
            seconds, runs, error = r_results.get(row["note"][3:], (math.nan, 0, "no result"))
            row.update(median_s=seconds, runs=runs, note=f"error: {error}" if error else "")
    return pd.DataFrame(rows)


def side_by_side(rows: pd.DataFrame) -> pd.DataFrame:
    """op | ours (median s) | peer | peer (median s) | ratio = peer / ours (> 1: ours faster)."""
    out = []
    for (area, op), group in rows.groupby(["area", "op"], sort=False):
        ours = group[group["impl"] == "ours"].iloc[0]
        peers = group[group["impl"] != "ours"]
        base = {"area": area, "op": op, "ours_s": ours["median_s"], "ours_note": ours["note"]}
        if peers.empty:
            out.append({**base, "peer": "-", "peer_s": math.nan, "ratio": math.nan,
                        "note": ours["note"]})
        for _, peer in peers.iterrows():
            out.append({**base, "peer": peer["impl"], "peer_s": peer["median_s"],
                        "ratio": peer["median_s"] / ours["median_s"],
                        "note": "; ".join(x for x in (ours["note"], peer["note"]) if x)})
    return pd.DataFrame(out).drop(columns="ours_note")


def growth_exponent(sizes: np.ndarray, seconds: np.ndarray) -> float:
    """Least-squares slope of log(time) on log(size): time ~ size ** slope."""
    ok = np.isfinite(seconds) & (seconds > 0)
    if ok.sum() < 2:
        return math.nan
    return float(np.polyfit(np.log(sizes[ok]), np.log(seconds[ok]), 1)[0])


def fmt_seconds(value: float) -> str:
    if not np.isfinite(value):
        return "-"
    return f"{value:.4f}" if value < 10 else f"{value:.1f}"


def fmt_ratio(value: float) -> str:
    return "-" if not np.isfinite(value) else f"{value:.2f}"


def markdown_table(frame: pd.DataFrame, formats: dict[str, Callable]) -> str:
    """A GitHub-flavoured Markdown table; ``formats`` maps columns to formatters."""
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(formats.get(c, str)(v) for c, v in row.items()) + " |"
            for _, row in frame.iterrows()]
    return "\n".join([header, rule, *body])


def write_json(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, indent=1, default=str) + "\n")
