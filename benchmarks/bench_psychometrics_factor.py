"""Side-by-side timings: werkalliantie_stats vs R psych on 267 x 20 five-point items.

Run: python3 benchmarks/bench_psychometrics_factor.py [--quick]

Uses the synthetic study's client wave-1 items when data/synthetic/questionnaires.csv
exists, otherwise a simulated 267 x 20 four-factor Likert data set. Both sides read the
same temporary CSV and use one BLAS thread; R times itself with system.time (start-up
excluded). psych's fa.parallel on raw data also resamples, so ours is timed with
resample=True for a like-for-like ratio (and without, our default).
Prints op | ours (median s) | peer | ratio.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

# Both sides single-threaded: R's BLAS is, and on this shared 2-core machine OpenBLAS
# threads spin on the tiny matrices of an EFA (10x slower per optimiser call).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from werkalliantie_stats.psychometrics import efa, parallel_analysis, polychoric  # noqa: E402

ITEMS = [f"{s}{i}" for s in ("com", "bin", "ver", "str") for i in range(1, 6)]


def load_items() -> tuple[pd.DataFrame, str]:
    path = ROOT / "data" / "synthetic" / "questionnaires.csv"
    if path.exists():
        q = pd.read_csv(path)
        q = q[(q["rater"] == "client") & (q["wave"] == 1)]
        return q[ITEMS].reset_index(drop=True), "synthetic study (client, wave 1)"
    rng = np.random.default_rng(2026)
    phi = np.full((4, 4), 0.4) + 0.6 * np.eye(4)
    factors = rng.multivariate_normal(np.zeros(4), phi, size=267)
    lam = np.kron(np.eye(4), np.full((5, 1), 0.7))
    latent = factors @ lam.T + rng.normal(size=(267, 20)) * np.sqrt(1 - 0.49)
    codes = np.digitize(latent, [-1.3, -0.4, 0.4, 1.3]) + 1
    return pd.DataFrame(codes, columns=ITEMS).astype(float), "simulated 267 x 20 Likert"


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


R_SCRIPT = r"""
suppressPackageStartupMessages(library(psych))
x <- read.csv("{csv}")
med <- function(expr, n) median(replicate(n, system.time(eval(expr))[["elapsed"]]))
set.seed(1)
t_par <- med(quote(invisible(capture.output(fa.parallel(x, n.iter = {n_iter}, fa = "both",
                                                       plot = FALSE)))), 1)
t_poly <- med(quote(polychoric(x)), 3)
t_fa <- med(quote(fa(x, nfactors = 4, fm = "minres", rotate = "oblimin")), 10)
cat(t_par, t_poly, t_fa, "\n")
"""


def r_timings(csv: Path, n_iter: int) -> list[float] | None:
    if shutil.which("Rscript") is None:
        return None
    script = R_SCRIPT.replace("{csv}", str(csv)).replace("{n_iter}", str(n_iter))
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    return [float(v) for v in out.stdout.split()]


def main() -> None:
    quick = "--quick" in sys.argv
    n_iter = 100 if quick else 1000
    items, source = load_items()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "items.csv"
        items.to_csv(csv, index=False)
        data = pd.read_csv(csv)
        warnings.simplefilter("ignore")
        ours = {
            f"fa.parallel n.iter={n_iter} both (resample, as psych)": median_time(
                lambda: parallel_analysis(data, n_iter=n_iter, resample=True, seed=1), 3),
            f"fa.parallel n.iter={n_iter} both (simulated only)": median_time(
                lambda: parallel_analysis(data, n_iter=n_iter, seed=1), 3),
            "polychoric 20 items": median_time(lambda: polychoric(data), 5),
            "fa minres oblimin 4 factors": median_time(lambda: efa(data, 4), 10),
        }
        peer = r_timings(csv, n_iter)
    peer_times = [None] * 4 if peer is None else [peer[0], peer[0], peer[1], peer[2]]
    print(f"data: {source}; peer: R psych (Rscript, system.time)")
    print(f"{'op':<52} | {'ours (median s)':>15} | {'peer':>9} | {'ratio':>7}")
    for (op, t), p in zip(ours.items(), peer_times, strict=True):
        peer_text = "skipped" if p is None else f"{p:.3f}"
        ratio = "" if p is None else f"{p / t:.1f}x"
        print(f"{op:<52} | {t:>15.4f} | {peer_text:>9} | {ratio:>7}")
    if peer is None:
        print("Rscript not found: R timings skipped")


if __name__ == "__main__":
    main()
