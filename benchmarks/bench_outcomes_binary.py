"""Benchmark: logistic regression with cluster-robust SEs + DeLong AUC, ours vs R.

Run: python3 benchmarks/bench_outcomes_binary.py
R peer: glm(binomial) + sandwich::vcovCL(cluster = ~officer) + pROC::ci.auc(method =
"delong"), timed inside R with system.time (R start-up excluded), same data, same run.
Also: profile-likelihood CIs (ours) vs MASS confint(glm) in R.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source tree
from werkalliantie_stats.outcomes import auc, logistic

REPEATS = 7
R_CODE = r"""
suppressPackageStartupMessages({library(sandwich); library(pROC); library(MASS)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); reps <- as.integer(args[2])
med <- function(expr) median(replicate(reps, system.time(eval(expr))[["elapsed"]]))
t_fit <- med(quote({
  f <- glm(dropout ~ risk + age + com + bin + ver + str, binomial, d)
  v <- vcovCL(f, cluster = ~officer)
  r <- roc(d$dropout, fitted(f), direction = "<", levels = c(0, 1), quiet = TRUE)
  ci <- ci.auc(r, method = "delong")
}))
t_prof <- med(quote(suppressMessages(confint(glm(dropout ~ risk + age + com + bin + ver + str,
                                                 binomial, d)))))
cat(sprintf('{"fit": %.6f, "profile": %.6f}', t_fit, t_prof))
"""


def make_data(n_clients: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    officer = rng.integers(0, max(n_clients // 3, 2), n_clients)
    x = rng.normal(size=(n_clients, 6))
    officer_effect = rng.normal(0, 0.5, officer.max() + 1)[officer]
    eta = -1.0 + x @ np.array([0.5, 0.1, -0.4, -0.3, -0.2, 0.3]) + officer_effect
    frame = pd.DataFrame(x, columns=["risk", "age", "com", "bin", "ver", "str"])
    frame["officer"] = [f"o{i}" for i in officer]
    frame["dropout"] = rng.binomial(1, 1 / (1 + np.exp(-eta)))
    return frame


def median_time(func, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def r_times(frame: pd.DataFrame) -> dict | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        frame.to_csv(path, index=False)
        script = Path(tmp) / "bench.R"
        script.write_text(R_CODE)
        out = subprocess.run(["Rscript", str(script), str(path), str(REPEATS)],
                             capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    predictors = ["risk", "age", "com", "bin", "ver", "str"]
    rows = []
    for n in (267, 5000):
        frame = make_data(n)
        ours_fit = median_time(lambda f=frame: logistic(f, "dropout", predictors,
                                                        cluster="officer"))
        ours_prof = median_time(lambda f=frame: logistic(f, "dropout", predictors,
                                                         ci="profile"))
        peer = r_times(frame)
        for op, ours, key in ((f"logistic + vcovCL + DeLong AUC, n={n}", ours_fit, "fit"),
                              (f"profile-likelihood CIs, n={n}", ours_prof, "profile")):
            theirs = None if peer is None else peer[key]
            rows.append({"op": op, "ours (median s)": ours, "peer (median s)": theirs,
                         "ratio ours/peer": None if theirs is None else ours / max(theirs, 1e-4)})
        fit = logistic(frame, "dropout", predictors, cluster="officer")
        boot = median_time(lambda fit=fit, f=frame: auc(fit.observed, fit.fitted,
                                                        method="bootstrap",
                                                        cluster=f["officer"], n_boot=2000,
                                                        seed=1), repeats=3)
        rows.append({"op": f"cluster-bootstrap AUC CI (2000 draws), n={n}",
                     "ours (median s)": boot, "peer (median s)": None,
                     "ratio ours/peer": None})
    table = pd.DataFrame(rows)
    print("peer: R", "(Rscript not found: R skipped)" if shutil.which("Rscript") is None
          else "glm + sandwich::vcovCL + pROC::ci.auc; MASS confint")
    with pd.option_context("display.width", 200, "display.float_format", "{:.4f}".format):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
