"""Side-by-side timings of the Study-level outcome layer against the same work in R.

Run from the repository root::

    python3 benchmarks/bench_outcomes_study.py [--n 267] [--repeats 3]

Both sides get the same simulated study (``simulate_study(n_dyads=n)``). Ops:

* ``outcome_frame``: scoring (max_missing = 1), index, classification, z-scores and the
  officer split, from the questionnaire and supervision tables (R: base R, as in
  tests/reference/outcomes/study/make_study_fixtures.R);
* ``predictive_validity`` (single ratings, three outcome families): 160 model fits —
  logistic + vcovCL + AUC, cause-specific coxph(cluster), finegray + coxph, lm + vcovCL —
  R fits the same 160 models from our analysis frame;
* ``rearrest_time_varying``: tmerge + coxph(cluster) vs start_stop_frame + cox.

R timings come from ``system.time`` inside R, so R's start-up is excluded. Prints op | ours
(median s) | peer (median s) | ratio (ours / peer; < 1 means we are faster).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from a source tree
from werkalliantie_stats.outcomes import (
    outcome_frame,
    predictive_validity,
    rearrest_time_varying,
)
from werkalliantie_stats.simulate import simulate_study

OPS = {
    "outcome_frame": lambda s: outcome_frame(s),
    "predictive_validity (160 fits)": lambda s: predictive_validity(s, specifications="single"),
    "rearrest_time_varying": lambda s: rearrest_time_varying(s),
}

R_CODE = r"""
suppressPackageStartupMessages({library(survival); library(sandwich); library(lmtest)
  library(pROC)})
sup <- read.csv(file.path(dir, "supervision.csv"), stringsAsFactors = FALSE)
q0 <- read.csv(file.path(dir, "questionnaires.csv"), stringsAsFactors = FALSE)
fr <- read.csv(file.path(dir, "frame.csv"), stringsAsFactors = FALSE)
subs <- c(communicatie = "com", binding = "bin", vertrouwen = "ver", stroefheid = "str")
score <- function() {
  q <- q0
  for (v in c("com4", "bin4", "ver4")) q[[v]] <- 6 - q[[v]]
  for (s in names(subs)) {
    it <- as.matrix(q[, paste0(subs[[s]], 1:5)]); a <- rowSums(!is.na(it))
    q[[s]] <- ifelse(5 - a <= 1, rowMeans(it, na.rm = TRUE), NA)
  }
  q$index <- rowMeans(cbind(q$communicatie, q$binding, q$vertrouwen, 6 - q$stroefheid))
  ok <- !is.na(q$communicatie) & !is.na(q$binding) & !is.na(q$vertrouwen) & !is.na(q$stroefheid)
  q$good <- ifelse(ok, q$communicatie >= 3.5 & q$binding >= 3.5 & q$vertrouwen >= 3.5 &
                     q$stroefheid <= 2.5, NA)
  d <- sup
  pick <- function(r, col) {
    s <- q[q$rater == r & q$wave == 1, ]; s[[col]][match(d$dyad_id, s$dyad_id)]
  }
  for (cst in c(names(subs), "index")) {
    d[[paste0(cst, "_client")]] <- pick("client", cst)
    d[[paste0(cst, "_officer")]] <- pick("officer", cst)
    d[[paste0(cst, "_both")]] <- (d[[paste0(cst, "_client")]] + d[[paste0(cst, "_officer")]]) / 2
    for (r in c("client", "officer", "both")) {
      nm <- paste0(cst, "_", r); z <- as.numeric(scale(d[[nm]]))
      b <- ave(z, d$officer_id, FUN = function(v) mean(v, na.rm = TRUE)); b[is.na(z)] <- NA
      d[[paste0(nm, "_z")]] <- z; d[[paste0(nm, "_between")]] <- b
      d[[paste0(nm, "_within")]] <- z - b
    }
  }
  d$good <- as.integer(as.logical(pick("client", "good")) & as.logical(pick("officer", "good")))
  d
}
covs <- c("prior_convictions", "age", "risk_baseline")
terms <- c(as.vector(outer(c(names(subs), "index"), c("client", "officer", "both"),
                           function(a, b) paste0(a, "_", b, "_z"))), "good")
fr$arrest <- as.integer(fr$event == "rearrest")
fits <- function() {
  for (x in terms) for (adj in c(FALSE, TRUE)) {
    tt <- if (adj) c(x, covs) else x
    dd <- fr[complete.cases(fr[, c(tt, "dropout", "risk_increase", "risk_followup")]), ]
    for (y in c("dropout", "risk_increase")) {
      f <- glm(reformulate(tt, y), binomial, dd)
      coeftest(f, vcov = vcovCL(f, cluster = ~officer_id)); auc(dd[[y]], fitted(f), quiet = TRUE)
    }
    f <- lm(reformulate(unique(c(tt, "risk_baseline")), "risk_followup"), dd)
    coeftest(f, vcov = vcovCL(f, cluster = ~officer_id), df = f$df.residual)
    f <- coxph(reformulate(tt, "Surv(event_day, arrest)"), dd, cluster = officer_id)
    summary(f)
    dd$cause <- factor(dd$event, levels = c("none", "dropout", "rearrest"))
    fg <- finegray(reformulate(c(tt, "officer_id"), "Surv(event_day, cause)"),
                   dd[, c("event_day", "cause", tt, "officer_id")], etype = "rearrest")
    summary(coxph(reformulate(tt, "Surv(fgstart, fgstop, fgstatus)"), fg, weights = fgwt,
                  cluster = officer_id))
  }
}
tv <- function() {
  d <- score(); q <- q0
  for (v in c("com4", "bin4", "ver4")) q[[v]] <- 6 - q[[v]]
  it <- as.matrix(q[, paste0("ver", 1:5)]); a <- rowSums(!is.na(it))
  q$v <- ifelse(5 - a <= 1, rowMeans(it, na.rm = TRUE), NA)
  s2 <- q[q$rater == "client" & q$wave == 2, ]
  x1 <- d$vertrouwen_client; x2 <- s2$v[match(d$dyad_id, s2$dyad_id)]
  m <- mean(x1, na.rm = TRUE); s <- sd(x1, na.rm = TRUE)
  d$arrest <- as.integer(d$event == "rearrest")
  base <- d[, c("dyad_id", "officer_id", "event_day", "arrest", covs)]
  x <- tmerge(base, base, id = dyad_id, arrest = event(event_day, arrest))
  ch <- rbind(data.frame(dyad_id = d$dyad_id, day = 0, z = (x1 - m) / s),
              data.frame(dyad_id = d$dyad_id, day = 274, z = (x2 - m) / s))
  x <- tmerge(x, ch[!is.na(ch$z), ], id = dyad_id, z = tdc(day, z))
  summary(coxph(Surv(tstart, tstop, arrest) ~ z + prior_convictions + age + risk_baseline, x,
                cluster = officer_id))
}
tm <- function(f) median(replicate(reps, system.time(f())[["elapsed"]]))
cat("0", tm(score), "\n"); cat("1", tm(fits), "\n"); cat("2", tm(tv), "\n")
"""


def time_ours(func, study, repeats: int) -> float:
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(repeats):
            start = time.perf_counter()
            func(study)
            times.append(time.perf_counter() - start)
    return float(np.median(times))


def time_r(study, repeats: int) -> dict[str, float]:
    if shutil.which("Rscript") is None:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        study.questionnaires.to_csv(Path(tmp) / "questionnaires.csv", index=False)
        study.supervision.to_csv(Path(tmp) / "supervision.csv", index=False)
        outcome_frame(study).to_csv(Path(tmp) / "frame.csv", index=False)
        code = f"dir <- '{tmp}'; reps <- {repeats}\n{R_CODE}"
        out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True,
                             check=True).stdout
    names = list(OPS)
    return {names[int(k)]: float(v) for k, v in (line.split() for line in out.splitlines())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=267)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    study = simulate_study(n_dyads=args.n, seed=20261128)
    ours = {name: time_ours(func, study, args.repeats) for name, func in OPS.items()}
    peer = time_r(study, args.repeats)
    print(f"simulated study of {args.n} dyads; median of {args.repeats} runs")
    if not peer:
        print("Rscript not found: R timings skipped")
    print(f"{'op':<34} | {'ours (s)':>9} | {'R (s)':>9} | {'ratio':>6}")
    for name, ours_s in ours.items():
        r_s = peer.get(name, np.nan)
        ratio = ours_s / r_s if r_s and r_s > 0 else np.nan
        print(f"{name:<34} | {ours_s:9.4f} | {r_s:9.4f} | {ratio:6.2f}")


if __name__ == "__main__":
    main()
