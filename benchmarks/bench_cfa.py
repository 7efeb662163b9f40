"""Benchmark: our CFA engine against lavaan 0.6 on the same data in the same run.

Run: ``python3 benchmarks/bench_cfa.py`` (BLAS limited to one thread, see below).
Data: 267 dyads x 20 items (four factors of
five items, client and officer ratings) simulated here with a fixed seed, unless the
synthetic study is available (``data/synthetic/questionnaires.csv``), whose wave-1
client and officer ratings are then used. lavaan is timed inside R with
``system.time`` so that R's start-up is excluded; prints op | ours | peer | ratio.
"""

from __future__ import annotations

import os

# Small matrices: multi-threaded BLAS only adds contention on a shared machine (with
# 2 cores shared by several jobs it made our fits 5-7x slower). R's lavaan runs
# single-threaded here too.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from werkalliantie_stats.psychometrics.cfa.api import cfa  # noqa: E402
from werkalliantie_stats.psychometrics.cfa.invariance import measurement_invariance  # noqa: E402

REPS = 7
FACTORS = {"com": "com", "bin": "bin", "ver": "ver", "str": "str"}
MODEL = "\n".join(f"{f} =~ " + " + ".join(f"{f}{i}" for i in range(1, 6)) for f in FACTORS)
SYNTHETIC = Path(__file__).resolve().parents[1] / "data" / "synthetic" / "questionnaires.csv"


def simulated_long(n: int = 267, seed: int = 20261128) -> pd.DataFrame:
    """Client and officer ratings (continuous approximation) of n dyads."""
    rng = np.random.default_rng(seed)
    phi = np.full((4, 4), 0.4) + 0.6 * np.eye(4)
    frames = []
    for rater in ("client", "officer"):
        eta = rng.multivariate_normal(np.zeros(4), phi, size=n)
        cols = {}
        for j, f in enumerate(FACTORS):
            for i in range(1, 6):
                lam = 0.5 + 0.08 * i
                cols[f"{f}{i}"] = 3 + lam * eta[:, j] + rng.normal(scale=0.7, size=n)
        frame = pd.DataFrame(cols)
        frame["rater"] = rater
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def study_long() -> pd.DataFrame:
    if not SYNTHETIC.exists():
        return simulated_long()
    q = pd.read_csv(SYNTHETIC, comment="#")
    q = q[q["wave"] == 1]
    items = [f"{f}{i}" for f in FACTORS for i in range(1, 6)]
    return q[[*items, "rater"]].dropna().reset_index(drop=True)


def median_time(fn) -> float:
    times = []
    for _ in range(REPS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


R_SCRIPT = """
suppressMessages(library(lavaan))
d <- read.csv("{path}")
client <- d[d$rater == "client", ]
model <- "{model}"
med <- function(expr) median(replicate({reps}, system.time(eval(expr))[["elapsed"]]))
ml <- med(quote(cfa(model, data = client)))
mlr <- med(quote(cfa(model, data = client, estimator = "MLR")))
inv <- med(quote(for (eq in list("", "loadings", c("loadings", "intercepts")))
  cfa(model, data = d, group = "rater", group.equal = eq)))
cat(ml, mlr, inv, "\\n")
"""


def lavaan_times(data: pd.DataFrame) -> list[float] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.csv"
        data.to_csv(path, index=False)
        script = R_SCRIPT.format(path=path, model=MODEL.replace("\n", "; "), reps=REPS)
        out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                             check=True)
    return [float(v) for v in out.stdout.split()]


def main() -> None:
    data = study_long()
    client = data[data["rater"] == "client"].reset_index(drop=True)
    ours = [
        median_time(lambda: cfa(client, MODEL)),
        median_time(lambda: cfa(client, MODEL, estimator="MLR")),
        median_time(lambda: measurement_invariance(data, MODEL, group="rater",
                                                   steps=("configural", "metric", "scalar"))),
    ]
    ops = ["four-factor CFA, ML (267 x 20)", "four-factor CFA, MLR (267 x 20)",
           "invariance client vs officer, 3 steps ML"]
    peer = lavaan_times(data)
    source = "synthetic study" if SYNTHETIC.exists() else "simulated (seeded) ratings"
    note = "(skipped: no Rscript)" if peer is None else "0.6"
    print(f"data: {source}; median of {REPS} runs; peer = lavaan {note}")
    print(f"{'op':<44} | {'ours (s)':>9} | {'lavaan (s)':>10} | {'ratio':>6}")
    for k, op in enumerate(ops):
        p = peer[k] if peer else float("nan")
        print(f"{op:<44} | {ours[k]:9.4f} | {p:10.4f} | {p / ours[k]:6.1f}")


if __name__ == "__main__":
    main()
