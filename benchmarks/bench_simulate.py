"""Side-by-side timings of the study generator and its population moments against R.

Run from the repository root:  python3 benchmarks/bench_simulate.py

Operations (same parameters on both sides):

* ``items n=...``: the 40 ordinal items (client + officer, 8 correlated factors with rater
  means, loadings and thresholds) for n dyads. Ours: the whole ``simulate_tables`` (which
  also draws officers, wave 2, covariates and outcomes and builds the DataFrames); peer:
  ``lavaan::simulateData`` for the wave-1 measurement model only. So the ratio is
  conservative for us.
* ``population moments``: the exact observed-score moments (item means, alpha,
  correlations, ICC, d). Ours: ``population_summary`` (vectorised Gauss-Legendre); peer:
  the same quantities with ``mvtnorm::pmvnorm`` (TVPACK), as in
  tests/reference/simulate/population_moments.R.

R is timed inside R with ``system.time`` so start-up is excluded. Without Rscript the
peer column says so.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from werkalliantie_stats.simulate import SimulationParameters, simulate_tables  # noqa: E402
from werkalliantie_stats.simulate.population import (  # noqa: E402
    latent_covariance,
    latent_means,
    population_summary,
)

SIZES = (267, 20_000)
REPEATS = {267: 20, 20_000: 5}
MOMENT_REPEATS = 5


def _median_seconds(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _lavaan_model(params: SimulationParameters) -> str:
    sigma = latent_covariance(params)
    means = latent_means(params).ravel()
    items = [f"{p}{j}" for p in ("com", "bin", "ver", "str") for j in range(1, 6)]
    lines = []
    for r, (rater, loadings) in enumerate((("c", params.loadings_client),
                                           ("o", params.loadings_officer))):
        for s in range(4):
            names = items[5 * s:5 * s + 5]
            terms = " + ".join(f"{loadings[5 * s + k]}*{n}_{rater}" for k, n in enumerate(names))
            lines.append(f"F{s}{rater} =~ {terms}")
            lines.append(f"F{s}{rater} ~ {means[4 * r + s]}*1")
        for j, item in enumerate(items):
            lam = loadings[j]
            lines.append(f"{item}_{rater} ~~ {1 - lam**2}*{item}_{rater}")
            tau = " + ".join(f"{t}*t{a + 1}" for a, t in enumerate(params.thresholds[j]))
            lines.append(f"{item}_{rater} | {tau}")
    factors = [f"F{s}{r}" for r in ("c", "o") for s in range(4)]
    for a in range(8):
        for b in range(a, 8):
            lines.append(f"{factors[a]} ~~ {sigma[a, b]}*{factors[b]}")
    return "\n".join(lines)


R_SCRIPT = r"""
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
model <- paste(readLines(args[1]), collapse = "\n")
out <- list()
for (n in c(%(sizes)s)) {
  reps <- if (n < 1000) %(small)d else %(large)d
  t <- replicate(reps, system.time(simulateData(model, sample.nobs = n))[["elapsed"]])
  out[[paste0("items n=", n)]] <- median(t)
}
moments <- function() {
  env <- new.env()
  assign("BENCHMARK_ONLY", TRUE, envir = env)
  source("tests/reference/simulate/population_moments.R", local = env)
}
out[["population moments"]] <- median(replicate(%(moments)d,
  system.time(moments())[["elapsed"]]))
cat(toJSON(out, auto_unbox = TRUE, digits = NA))
"""


def _peer_times(params: SimulationParameters) -> dict[str, float] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "model.lav"
        model.write_text(_lavaan_model(params))
        script = Path(tmp) / "bench.R"
        script.write_text(R_SCRIPT % {"sizes": ", ".join(map(str, SIZES)),
                                      "small": REPEATS[SIZES[0]], "large": REPEATS[SIZES[1]],
                                      "moments": MOMENT_REPEATS})
        done = subprocess.run(["Rscript", str(script), str(model)], cwd=ROOT,
                              capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    params = SimulationParameters()
    ours = {}
    for n in SIZES:
        ours[f"items n={n}"] = _median_seconds(lambda n=n: simulate_tables(n, seed=1),
                                               REPEATS[n])
    ours["population moments"] = _median_seconds(lambda: population_summary(params),
                                                 MOMENT_REPEATS)
    peer = _peer_times(params)
    print(f"{'op':<22}| {'ours (median s)':>16} | {'peer':>10} | {'ratio':>7}")
    print("-" * 64)
    for op, ours_s in ours.items():
        if peer is None:
            print(f"{op:<22}| {ours_s:16.4f} | {'no R':>10} | {'-':>7}")
            continue
        peer_s = peer[op]
        ratio = peer_s / ours_s if ours_s > 0 else float("inf")
        print(f"{op:<22}| {ours_s:16.4f} | {peer_s:10.4f} | {ratio:6.1f}x")
    print("\nratio = peer / ours (> 1: ours faster). Peer: lavaan::simulateData "
          "(measurement model only), mvtnorm::pmvnorm for the moments.")


if __name__ == "__main__":
    main()
