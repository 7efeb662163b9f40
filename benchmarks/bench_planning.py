"""Planning benchmarks: replications per second, 1 -> 2 workers, Dask vs loky overhead,
and the model fits of one replication against R on the same data.

    python3 benchmarks/bench_planning.py [--reps 20] [--repeat 15] [--backend-reps 400]

Prints a table: op | ours (median s) | peer | ratio. Ratios are ours / peer (below 1:
ours faster). Run on a quiet machine; the numbers vary with load.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from reference_io import read_reference_csv  # noqa: E402

from werkalliantie_stats.planning import analyses, power  # noqa: E402
from werkalliantie_stats.planning import cfa_analyses as measurement  # noqa: E402

FITS = {"dropout": analyses._dropout, "risk": analyses._risk,
        "rearrest_cs": analyses._rearrest_cs, "rearrest_fg": analyses._rearrest_fg}

R_FITS = r"""
suppressPackageStartupMessages({library(survival); library(sandwich)})
frames <- read.csv("%s", comment.char = "#")
rhs <- "communicatie + binding + vertrouwen + stroefheid + prior_convictions + substance_use + age"
fit <- list(
  dropout = function(d) {f <- glm(dropout ~ positive + stroefheid + prior_convictions +
             substance_use + age, family = binomial, data = d); vcovCL(f, cluster = ~officer_id)},
  risk = function(d) {f <- glm(risk_increase ~ positive + prior_convictions + substance_use,
             family = binomial, data = d); vcovCL(f, cluster = ~officer_id)},
  rearrest_cs = function(d) coxph(as.formula(paste("Surv(event_day, event == 'rearrest') ~", rhs)),
             data = d, cluster = officer_id),
  rearrest_fg = function(d) {d$status <- factor(d$event, c("none", "rearrest", "dropout"))
             g <- finegray(Surv(event_day, status) ~ ., etype = "rearrest", data = d[, c(
               "event_day", "status", "officer_id", "communicatie", "binding", "vertrouwen",
               "stroefheid", "prior_convictions", "substance_use", "age")])
             coxph(as.formula(paste("Surv(fgstart, fgstop, fgstatus) ~", rhs)),
                   weights = fgwt, data = g, cluster = officer_id)})
d <- frames[frames$rep == 0, ]
for (name in names(fit)) {
  times <- replicate(%d, system.time(fit[[name]](d))[["elapsed"]])
  cat(name, median(times), "\n")
}
"""


R_MEASUREMENT = r"""
suppressPackageStartupMessages(library(lavaan))
long <- read.csv("%s")
model <- "%s"
items <- setdiff(names(long), "rater")
client <- long[long$rater == "client", items]
fits <- list(
  cfa_fit = function() cfa(model, client, ordered = TRUE, estimator = "WLSMV"),
  invariance = function() {
    cf <- cfa(model, long, group = "rater", ordered = TRUE, estimator = "WLSMV")
    me <- cfa(model, long, group = "rater", ordered = TRUE, estimator = "WLSMV",
              group.equal = "loadings")
    sc <- cfa(model, long, group = "rater", ordered = TRUE, estimator = "WLSMV",
              group.equal = c("loadings", "thresholds"))
    lavTestLRT(cf, me, sc)})
for (name in names(fits)) {
  times <- replicate(%d, system.time(fits[[name]]())[["elapsed"]])
  cat(name, median(times), "\n")
}
"""


def _median(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fits_ours(repeat: int) -> dict[str, float]:
    frames = read_reference_csv("planning/replication_frames.csv")
    frame = frames[frames["rep"] == 0].drop(columns="rep").reset_index(drop=True)
    frame["officer_id"] = frame["officer_id"].astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {name: _median(lambda f=f: f(frame), repeat) for name, f in FITS.items()}


def fits_r(repeat: int) -> dict[str, float] | None:
    if shutil.which("Rscript") is None:
        return None
    path = ROOT / "tests/reference/planning/replication_frames.csv"
    out = subprocess.run(["Rscript", "-e", R_FITS % (path, repeat)], capture_output=True,
                         text=True, check=True).stdout
    return {line.split()[0]: float(line.split()[1]) for line in out.strip().splitlines()}


def _measurement_data():
    """Wave-1 items (client and officer, merged categories) of one study of 267 dyads."""
    from werkalliantie_stats.simulate import simulate_tables

    quest = simulate_tables(267, seed=1)[0]
    long = pd.concat([measurement._wave1_items(quest, r).assign(rater=r)
                      for r in measurement.CFA_RATERS], ignore_index=True)
    instrument, model = measurement._instrument_and_model()
    data, _ = measurement.merge_unshared_categories(long, list(instrument.item_ids), "rater")
    return quest, data, model


def measurement_fits(repeat: int) -> tuple[dict[str, float], dict[str, float] | None]:
    """One replication's CFA fit (client) and 3-step invariance: ours vs lavaan."""
    quest, data, model = _measurement_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = {"cfa_fit": _median(lambda: measurement.cfa_fit_rows(quest, "client"), repeat),
                "invariance": _median(lambda: measurement.invariance_rows(quest), repeat)}
    if shutil.which("Rscript") is None:
        return ours, None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.csv"
        data.to_csv(path, index=False)
        script = R_MEASUREMENT % (path, model.replace("\n", "; "), repeat)
        out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                             check=True).stdout
    return ours, {line.split()[0]: float(line.split()[1]) for line in out.strip().splitlines()}


def per_replication(reps: int) -> dict[str, float]:
    """Seconds per replication (simulate + score + fit) at n = 267, one process."""
    out = {}
    for outcome in ("dropout", "rearrest", "risk", "reliability", "cfa_fit", "invariance"):
        start = time.perf_counter()
        power(outcome, n_dyads=[267], reps=reps, seed=1, progress=False, recalibrate=False)
        out[outcome] = (time.perf_counter() - start) / reps
    return out


def backends(reps: int) -> dict[str, float]:
    """Wall time of one power run (dropout, n = 267) per backend.

    The job must be large enough for the workers to matter: with 40 replications
    (about 1 s of work) process start-up and scheduling dominate and 2 workers look
    slower than 1. Workers and caches are warmed first; each timing is the best of two.
    """
    kw = dict(outcome="dropout", n_dyads=[267], reps=reps, seed=1, progress=False,
              chunk_size=25)
    warm = {**kw, "reps": 4, "chunk_size": 2}
    power(**warm, n_jobs=2)  # start the loky workers (imports), as for Dask
    power(**warm, n_jobs=1)
    out = {"loky 1": min(_median(lambda: power(**kw, n_jobs=1), 1) for _ in range(2)),
           "loky 2": min(_median(lambda: power(**kw, n_jobs=2), 1) for _ in range(2))}
    try:
        from distributed import LocalCluster
    except ImportError:
        return out
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        power(**warm, backend="dask", scheduler=cluster.scheduler_address)
        out["dask 2"] = min(_median(lambda: power(**kw, backend="dask",
                                                  scheduler=cluster.scheduler_address), 1)
                            for _ in range(2))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--backend-reps", type=int, default=400,
                        help="replications of the backend comparison runs")
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")  # as `werkalliantie power` does
    rows = []
    ours, peer = fits_ours(args.repeat), fits_r(args.repeat)
    for name, t in ours.items():
        p = peer.get(name) if peer else None
        rows.append((f"fit {name} (n=150, 1 replication)", t, p))
    m_ours, m_peer = measurement_fits(max(3, args.repeat // 3))
    for name, t in m_ours.items():
        p = m_peer.get(name) if m_peer else None
        rows.append((f"fit {name} WLSMV (n=267, 1 replication)", t, p))
    for name, t in per_replication(max(4, args.reps // 2)).items():
        rows.append((f"replication {name} (n=267): {1 / t:.1f} reps/s", t, None))
    walls = backends(args.backend_reps)
    for name, t in walls.items():
        rows.append((f"power run {args.backend_reps} reps, {name} (wall)", t, None))
    if "dask 2" in walls:
        rows.append(("dask 2 / loky 2 overhead", walls["dask 2"], walls["loky 2"]))
    rows.append(("loky 2 / loky 1 wall (below 1: 2 workers faster)", walls["loky 2"],
                 walls["loky 1"]))
    print(f"{'op':<58} | {'ours (median s)':>15} | {'peer':>9} | {'ratio':>6}")
    for op, t, p in rows:
        ps = f"{p:9.4f}" if p else f"{'-':>9}"
        ratio = f"{t / p:6.2f}" if p else f"{'-':>6}"
        print(f"{op:<58} | {t:15.4f} | {ps} | {ratio}")
    if peer is None:
        print("(Rscript not found: R timings skipped)")
    print("BLAS limited to one thread in this process (as the CLI does); loky workers get "
          "one thread each from joblib.")
    print("peer: R's glm+vcovCL / coxph(cluster=) / finegray+coxph timed with system.time; "
          "lavaan 0.6 cfa(ordered = TRUE, estimator = 'WLSMV') and the configural/metric/"
          "scalar fits + lavTestLRT for the measurement rows (ours includes building the "
          "item matrices); for backend rows the peer column is the comparison run.")


if __name__ == "__main__":
    tempfile.tempdir = tempfile.gettempdir()
    np.seterr(all="ignore")
    main()
