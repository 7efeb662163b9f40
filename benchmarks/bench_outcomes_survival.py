"""Side-by-side timings of the survival estimators against R (survival, cmprsk).

Run from the repository root::

    python3 benchmarks/bench_outcomes_survival.py [--n 2000] [--repeats 5]

Both sides get the same simulated data set (clients nested in officers; rearrest competing
with dropout; administrative censoring and early loss to follow-up). R timings come from
``system.time`` inside R, so R's start-up is excluded. Prints op | ours (median s) | peer
(median s) | ratio (ours / peer; < 1 means we are faster).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from a source tree
import werkalliantie_stats.outcomes as wo

PREDICTORS = ["alliance", "age", "prior"]


def simulate(n: int, seed: int = 20261128) -> pd.DataFrame:
    """Clients (about 2 per officer) with rearrest (1), dropout (2) or censoring (0)."""
    rng = np.random.default_rng(seed)
    officer = rng.integers(0, max(n // 2, 1), n)
    alliance = rng.normal(size=n) + rng.normal(scale=0.5, size=n // 2 + 1)[officer]
    age = rng.normal(35, 10, n).round()
    prior = rng.poisson(2, n)
    eta_arrest = -0.4 * alliance + 0.15 * prior - 0.01 * (age - 35)
    t_arrest = rng.exponential(400 / np.exp(eta_arrest))
    t_dropout = rng.exponential(900 / np.exp(-0.3 * alliance))
    t_loss = rng.uniform(100, 2000, n)
    end = np.minimum(np.minimum(t_loss, 730), np.minimum(t_arrest, t_dropout))
    day = np.ceil(end)                      # whole days: many ties, as in real registers
    event = np.select([end == t_arrest, end == t_dropout], [1, 2], 0)
    return pd.DataFrame({"id": np.arange(n), "officer": officer, "day": day, "event": event,
                         "arrest": (event == 1).astype(int), "alliance": alliance,
                         "age": age, "prior": prior, "sex": rng.choice(["F", "M"], n)})


OPS = {
    "cox, cluster-robust SEs": (
        lambda d: wo.cox(d, "day", "arrest", PREDICTORS, cluster="officer"),
        "coxph(Surv(day, arrest) ~ alliance + age + prior, data = d, cluster = officer)"),
    "fine_gray (finegray + coxph)": (
        lambda d: wo.fine_gray(d, "day", "event", 1, PREDICTORS),
        "{fg <- finegray(Surv(day, fstat) ~ ., data = d[, c('id', 'day', 'fstat', 'alliance', "
        "'age', 'prior')], etype = '1'); coxph(Surv(fgstart, fgstop, fgstatus) ~ alliance + "
        "age + prior, weights = fgwt, data = fg, cluster = id)}"),
    "fine_gray vs cmprsk::crr": (
        lambda d: wo.fine_gray(d, "day", "event", 1, PREDICTORS, convention="crr"),
        "crr(d$day, d$event, cov1 = as.matrix(d[, c('alliance', 'age', 'prior')]))"),
    "cumulative_incidence + Gray test": (
        lambda d: wo.cumulative_incidence(d, "day", "event", group="sex"),
        "cuminc(d$day, d$event, group = d$sex)"),
    "kaplan_meier by group": (
        lambda d: wo.kaplan_meier(d, "day", "arrest", group="sex"),
        "summary(survfit(Surv(day, arrest) ~ sex, data = d), censored = TRUE)"),
    "cox + ph_test (cox.zph, km)": (
        lambda d: wo.ph_test(wo.cox(d, "day", "arrest", PREDICTORS)),
        "cox.zph(coxph(Surv(day, arrest) ~ alliance + age + prior, data = d))"),
}


def time_ours(func, data: pd.DataFrame, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func(data)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def time_r(data: pd.DataFrame, repeats: int) -> dict[str, float]:
    if shutil.which("Rscript") is None:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        data.to_csv(path, index=False)
        lines = ["suppressPackageStartupMessages({library(survival); library(cmprsk)})",
                 f"d <- read.csv('{path}')",
                 "d$fstat <- factor(d$event, 0:2, c('censor', '1', '2'))",
                 f"reps <- {repeats}",
                 "tm <- function(expr) median(replicate(reps, "
                 "system.time(eval(expr))[['elapsed']]))"]
        for i, (_, r_code) in enumerate(OPS.values()):
            lines.append(f"cat('{i}', tm(quote({r_code})), '\\n')")
        out = subprocess.run(["Rscript", "-e", "\n".join(lines)], capture_output=True,
                             text=True, check=True).stdout
    names = list(OPS)
    return {names[int(k)]: float(v) for k, v in (line.split() for line in out.splitlines())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    data = simulate(args.n)
    ours = {name: time_ours(func, data, args.repeats) for name, (func, _) in OPS.items()}
    peer = time_r(data, args.repeats)
    print(f"n = {args.n} clients, {int((data.event == 1).sum())} rearrests, "
          f"{int((data.event == 2).sum())} dropouts; median of {args.repeats} runs")
    if not peer:
        print("Rscript not found: R timings skipped")
    print(f"{'op':<36} | {'ours (s)':>9} | {'R (s)':>9} | {'ratio':>6}")
    for name, ours_s in ours.items():
        r_s = peer.get(name, np.nan)
        ratio = ours_s / r_s if r_s and r_s > 0 else np.nan
        print(f"{name:<36} | {ours_s:9.4f} | {r_s:9.4f} | {ratio:6.2f}")


if __name__ == "__main__":
    main()
