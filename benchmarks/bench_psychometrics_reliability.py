"""Bootstrap alpha and ICC: ours vs psych on the synthetic study's 267 x 20 items, one run.

Run from the repository root:  python3 benchmarks/bench_psychometrics_reliability.py
R is timed inside R with system.time (start-up excluded); skipped with a note if Rscript
is absent. Prints: op | ours (median s) | peer | ratio (peer / ours).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# One BLAS thread on both sides (the R child inherits this): on a small shared machine
# multi-threaded BLAS only adds contention, and the comparison stays like for like.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402  (after the thread settings)
import pandas as pd  # noqa: E402

import werkalliantie_stats as ws  # noqa: E402
from werkalliantie_stats.psychometrics import cronbach_alpha, icc  # noqa: E402

SUBSCALES = ("com", "bin", "ver", "str")
N_BOOT = 1000
REPEATS = 5


def likert_items() -> pd.DataFrame:
    """The synthetic study's 267 x 20 client items at wave 1 (re-keyed), with its gaps."""
    return ws.load_synthetic().items(rater="client", wave=1).reset_index(drop=True)


def time_ours(func, repeats: int = REPEATS, min_total: float = 1.0) -> float:
    """Median wall time of ``func`` over at least ``repeats`` runs and ``min_total`` seconds."""
    func()                                                  # warm-up (imports, BLAS threads)
    times: list[float] = []
    while len(times) < repeats or sum(times) < min_total:
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


R_SCRIPT = r"""
suppressPackageStartupMessages(library(psych))
x <- read.csv(commandArgs(TRUE)[1])
med <- function(expr_fun, reps) median(replicate(reps, system.time(expr_fun())[["elapsed"]]))
subs <- c("com", "bin", "ver", "str")
boot <- function() for (s in subs) psych::alpha(x[, paste0(s, 1:5)], n.iter = %d, warnings = FALSE)
one_alpha <- function() psych::alpha(x[, paste0("com", 1:5)], warnings = FALSE)
icc <- function() psych::ICC(na.omit(x[, paste0("com", 1:5)]), lmer = FALSE)
icc_lmer <- function() suppressMessages(psych::ICC(x[, paste0("com", 1:5)]))
cat(med(boot, 3), med(one_alpha, 5), med(icc, 5), med(icc_lmer, 5), "\n")
"""


def time_r(items: pd.DataFrame) -> list[float] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data, script = Path(tmp) / "items.csv", Path(tmp) / "bench.R"
        items.to_csv(data, index=False, na_rep="NA")
        script.write_text(R_SCRIPT % N_BOOT)
        out = subprocess.run(["Rscript", str(script), str(data)], capture_output=True,
                             text=True, check=True)
    return [float(v) for v in out.stdout.split()]


def main() -> None:
    items = likert_items()
    scales = {s: items[[f"{s}{i}" for i in range(1, 6)]] for s in SUBSCALES}
    ours = [
        time_ours(lambda: [cronbach_alpha(d, ci="bootstrap", n_boot=N_BOOT, seed=1)
                           for d in scales.values()]),
        time_ours(lambda: cronbach_alpha(scales["com"])),
        time_ours(lambda: icc(scales["com"].dropna())),
        time_ours(lambda: icc(scales["com"], method="reml")),
    ]
    ops = [f"bootstrap alpha, {N_BOOT} draws, 4 subscales", "alpha, one subscale (Feldt CI)",
           "ICC (ANOVA), 267 x 5", "ICC (REML = psych default lmer), 267 x 5"]
    peer = time_r(items)
    print(f"{'op':<42} | {'ours (median s)':>15} | {'psych (median s)':>16} | {'ratio':>7}")
    for i, op in enumerate(ops):
        theirs = f"{peer[i]:16.4f}" if peer else f"{'skipped':>16}"
        ratio = f"{peer[i] / ours[i]:7.1f}" if peer else f"{'-':>7}"
        print(f"{op:<42} | {ours[i]:15.4f} | {theirs} | {ratio}")
    if peer is None:
        print("Rscript not found: psych timings skipped")


if __name__ == "__main__":
    main()
