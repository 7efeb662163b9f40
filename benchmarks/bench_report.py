"""Benchmark: the replication pipeline, section by section, against the same analyses in R.

Run: ``python3 benchmarks/bench_report.py`` (BLAS limited to one thread: small matrices,
and the machine is shared). Data: the bundled synthetic study (267 dyads). R is timed
inside R with ``system.time`` (start-up excluded) on the same data; prints
op | ours (median s) | peer | ratio. Sections without a single R twin show "n/a".
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import werkalliantie_stats as ws  # noqa: E402
from werkalliantie_stats.pipelines import outcome_sections  # noqa: E402
from werkalliantie_stats.pipelines import psychometric_sections as psy  # noqa: E402
from werkalliantie_stats.report import write_report  # noqa: E402

REPS = 3
R_SCRIPT = r"""
suppressMessages({library(psych); library(lavaan); library(survival); library(cmprsk)})
q <- read.csv(file.path(dir, "items.csv")); f <- read.csv(file.path(dir, "frame.csv"))
items <- q[, setdiff(names(q), "dyad_id")]
model <- paste(sapply(c("com", "bin", "ver", "str"), function(s)
  paste0(s, " =~ ", paste0(s, 1:5, collapse = " + "))), collapse = "\n")
med <- function(f) median(replicate(3, system.time(f())[["elapsed"]]))
exploratory <- med(function() {r <- polychoric(items, correct = 0.5)$rho; KMO(r)
  cortest.bartlett(r, n = nrow(items))
  fa.parallel(r, n.obs = nrow(items), n.iter = 50, plot = FALSE)
  vss(r, n = 8, n.obs = nrow(items), plot = FALSE); fa(r, 4, n.obs = nrow(items))})
cfa_time <- med(function() cfa(model, items, estimator = "MLR", missing = "ml"))
outcome <- med(function() {glm(dropout ~ good, binomial, f)
  coxph(Surv(event_day, event == "rearrest") ~ good + cluster(officer_id), f)
  crr(f$event_day, f$event, f$good, failcode = "rearrest", cencode = "none")
  cuminc(f$event_day, f$event, f$quality, cencode = "none")})
cat(sprintf("exploratory %.6f\ncfa %.6f\noutcome %.6f\n", exploratory, cfa_time, outcome))
"""


def median_time(func, reps: int = REPS) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ours(study) -> dict[str, float]:
    def exploratory():
        matrix, n = psy.Correlations(study)("client")
        ws.kmo(matrix)
        ws.bartlett_sphericity(matrix, n_obs=n)
        ws.parallel_analysis(matrix, n_iter=50, n_obs=int(n), seed=1)
        ws.map_test(matrix)
        ws.efa(matrix, 4, n_obs=n, scores=None)

    def cfa():
        from werkalliantie_stats.psychometrics.cfa import cfa as fit
        from werkalliantie_stats.psychometrics.cfa import instrument_model
        fit(study.items("client", 1), instrument_model(study.instrument), estimator="MLR",
            missing="fiml")

    frame = outcome_sections.outcome_frame(study)

    def outcome():
        ws.logistic(frame, "dropout", ["good"])
        ws.cause_specific_cox(frame, "event_day", "event", "rearrest", ["good"],
                              censored="none", cluster="officer_id")
        ws.fine_gray(frame, "event_day", "event", "rearrest", ["good"], censored="none")
        ws.cumulative_incidence(frame, "event_day", "event", group="quality", censored="none")

    return {"exploratory": median_time(exploratory), "cfa": median_time(cfa),
            "outcome": median_time(outcome)}


def peer(study) -> dict[str, float] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        study.items("client", 1).to_csv(Path(tmp) / "items.csv")
        outcome_sections.outcome_frame(study).to_csv(Path(tmp) / "frame.csv", index=False)
        run = subprocess.run(["Rscript", "-e", f"dir <- '{tmp}'", "-e", R_SCRIPT],
                             capture_output=True, text=True, check=True)
    rows = [line.split() for line in run.stdout.splitlines()]  # fa.parallel prints too
    return {r[0]: float(r[1]) for r in rows
            if len(r) == 2 and r[0] in ("exploratory", "cfa", "outcome")}


def whole_run() -> tuple[float, float]:
    start = time.perf_counter()
    result = ws.replicate(progress=False)
    analysis = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        write_report(result, Path(tmp) / "out")
    return analysis, time.perf_counter() - start - analysis


def main() -> None:
    warnings.simplefilter("ignore")
    study = ws.load_synthetic()
    mine, theirs = ours(study), peer(study)
    labels = {"exploratory": "polychoric+KMO+Bartlett+PA+MAP+EFA (client)",
              "cfa": "four-factor CFA, MLR+FIML (client)",
              "outcome": "logistic+cs-Cox+Fine-Gray+CIF"}
    print(f"{'op':<46} | {'ours (median s)':>15} | {'peer':>8} | {'ratio':>6}")
    for key, text in labels.items():
        other = theirs.get(key) if theirs else None
        ratio = f"{mine[key] / other:6.2f}" if other else "   n/a"
        peer_text = f"{other:8.3f}" if other is not None else "  no R  "
        print(f"{text:<46} | {mine[key]:>15.3f} | {peer_text} | {ratio}")
    analysis, writing = whole_run()
    print(f"{'replicate() analysis, whole study':<46} | {analysis:>15.3f} | {'n/a':>8} |    n/a")
    print(f"{'write_report() (figures, HTML, CSV, JSON)':<46} | {writing:>15.3f} | {'n/a':>8} "
          f"|    n/a")


if __name__ == "__main__":
    main()
