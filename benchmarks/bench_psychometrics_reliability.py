"""Alpha (bootstrap), omega and ICC: ours vs psych and pingouin.

Run: ``python3 benchmarks/bench_psychometrics_reliability.py [--quick] [--scaling]`` (or
all areas: ``python3 -m benchmarks``). Data: the synthetic study's 267 x 20 client wave-1
items, re-keyed, gaps kept (pairwise for alpha as psych does; listwise where the peer
needs complete rows). pingouin's intraclass_corr wants long data: it is melted before
timing, so only the estimation is timed.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import pin_threads
else:
    from . import pin_threads
pin_threads()

from benchmarks._data import SUBSCALES, likert_items, study_items  # noqa: E402
from benchmarks._harness import Case, Peer  # noqa: E402

AREA = "psychometrics_reliability"
PSYCH = ("psych", "GPArotation")
SCALING = "items"


def _long(items):
    long = items.reset_index(names="target").melt(id_vars="target", var_name="rater",
                                                  value_name="score")
    return long


def cases(quick: bool = False) -> list[Case]:
    import pingouin as pg

    import werkalliantie_stats as ws

    d = study_items(267)
    scales = [d[[f"{s}{i}" for i in range(1, 6)]] for s in SUBSCALES]
    com = scales[0]
    com_complete = com.dropna()
    com_long = _long(com_complete)
    n_boot = 200 if quick else 1000
    n, p = len(d), d.shape[1]
    boot_r = ("for (s in c('com', 'bin', 'ver', 'str')) psych::alpha(d[, paste0(s, 1:5)], "
              f"n.iter = {n_boot}, warnings = FALSE)")
    return [
        Case(AREA, f"alpha + bootstrap CI ({n_boot} draws), 4 subscales",
             lambda: [ws.cronbach_alpha(s, ci="bootstrap", n_boot=n_boot, seed=1)
                      for s in scales], d,
             [Peer("R psych::alpha(n.iter)", r=boot_r, r_packages=PSYCH)], n, p),
        Case(AREA, "alpha, one subscale (Feldt CI)", lambda: ws.cronbach_alpha(com), d,
             [Peer("R psych::alpha", r="psych::alpha(d[, paste0('com', 1:5)], "
                   "warnings = FALSE)", r_packages=PSYCH),
              Peer("pingouin.cronbach_alpha", python=lambda: pg.cronbach_alpha(com))], n, 5),
        Case(AREA, "omega, 20 items, 4 group factors", lambda: ws.omega(d, n_factors=4), d,
             [Peer("R psych::omega", r="omega(d, nfactors = 4, fm = 'minres', plot = FALSE)",
                   r_packages=PSYCH)], n, p),
        Case(AREA, "ICC (ANOVA), 6 forms, complete rows x 5",
             lambda: ws.icc(com_complete), com_complete,
             [Peer("R psych::ICC(lmer = FALSE)", r="ICC(d, lmer = FALSE)", r_packages=PSYCH),
              Peer("pingouin.intraclass_corr", python=lambda: pg.intraclass_corr(
                  com_long, targets="target", raters="rater", ratings="score"))],
             len(com_complete), 5),
        Case(AREA, "ICC (REML, gaps kept), 267 x 5", lambda: ws.icc(com, method="reml"), com,
             [Peer("R psych::ICC (lmer, default)", r="suppressMessages(ICC(d))",
                   r_packages=PSYCH)], n, 5),
    ]


def scaling_cases(n: int, p: int, quick: bool = False) -> list[Case]:
    """Ours only, documented item generator; alpha on all p items, 100 bootstrap draws."""
    import werkalliantie_stats as ws

    d = likert_items(n, p)
    return [
        Case(AREA, "alpha + bootstrap CI (100 draws), all items",
             lambda: ws.cronbach_alpha(d, ci="bootstrap", n_boot=100, seed=1), n=n, p=p),
        Case(AREA, "omega, 4 group factors", lambda: ws.omega(d, n_factors=4), n=n, p=p),
        Case(AREA, "ICC (ANOVA)", lambda: ws.icc(d), n=n, p=p),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import run_area

    run_area(AREA)
