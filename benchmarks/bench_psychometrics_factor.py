"""Polychoric, parallel analysis, EFA, KMO and Bartlett: ours vs psych and factor_analyzer.

Run: ``python3 benchmarks/bench_psychometrics_factor.py [--quick] [--scaling]`` (or all
areas: ``python3 -m benchmarks``). Data: the synthetic study's 267 x 20 client wave-1
items (gaps kept; listwise-complete rows for factor_analyzer, which refuses gaps).
psych's fa.parallel on raw data also resamples, so ours is timed with ``resample=True``
for a like-for-like ratio, and without (our default) as a second row.
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

from benchmarks._data import likert_items, study_items  # noqa: E402
from benchmarks._harness import Case, Peer  # noqa: E402
from benchmarks._peers import factor_analyzer_efa_problem  # noqa: E402

AREA = "psychometrics_factor"
PSYCH = ("psych", "GPArotation")
SCALING = "items"


def _ws():
    import werkalliantie_stats as ws

    return ws


def cases(quick: bool = False) -> list[Case]:
    from factor_analyzer import FactorAnalyzer
    from factor_analyzer.factor_analyzer import (
        calculate_bartlett_sphericity,
        calculate_kmo,
    )

    ws = _ws()
    d = study_items(267)
    complete = d.dropna()
    n_iter = 100 if quick else 1000
    problem = factor_analyzer_efa_problem()
    n, p = len(d), d.shape[1]

    def fa_efa(method):
        return Peer(f"factor_analyzer {method} oblimin",
                    python=lambda: FactorAnalyzer(4, rotation="oblimin", method=method)
                    .fit(complete), not_runnable=problem)

    return [
        Case(AREA, "polychoric matrix, 20 items", lambda: ws.polychoric(d), d,
             [Peer("R psych::polychoric", r="polychoric(d)", r_packages=PSYCH)], n, p),
        Case(AREA, f"parallel analysis pc+fa, {n_iter} draws (resample, as psych)",
             lambda: ws.parallel_analysis(d, n_iter=n_iter, resample=True, seed=1), d,
             [Peer("R psych::fa.parallel", r=f"capture.output(fa.parallel(d, n.iter = "
                   f"{n_iter}, fa = 'both', plot = FALSE))", r_packages=PSYCH)], n, p),
        Case(AREA, f"parallel analysis pc+fa, {n_iter} draws (simulated only)",
             lambda: ws.parallel_analysis(d, n_iter=n_iter, seed=1), d,
             n=n, p=p, note="peer: the row above (psych always resamples raw data too)"),
        Case(AREA, "EFA minres oblimin, 4 factors", lambda: ws.efa(d, 4), d,
             [Peer("R psych::fa", r="fa(d, 4, fm = 'minres', rotate = 'oblimin')",
                   r_packages=PSYCH), fa_efa("minres")], n, p),
        Case(AREA, "EFA ML oblimin, 4 factors", lambda: ws.efa(d, 4, method="ml"), d,
             [Peer("R psych::fa", r="fa(d, 4, fm = 'ml', rotate = 'oblimin')",
                   r_packages=PSYCH), fa_efa("ml")], n, p),
        Case(AREA, "KMO", lambda: ws.kmo(complete), complete,
             [Peer("R psych::KMO", r="KMO(d)", r_packages=PSYCH),
              Peer("factor_analyzer calculate_kmo", python=lambda: calculate_kmo(complete))],
             len(complete), p),
        Case(AREA, "Bartlett sphericity", lambda: ws.bartlett_sphericity(complete), complete,
             [Peer("R psych::cortest.bartlett", r="cortest.bartlett(cor(d), n = nrow(d))",
                   r_packages=PSYCH),
              Peer("factor_analyzer calculate_bartlett_sphericity",
                   python=lambda: calculate_bartlett_sphericity(complete))],
             len(complete), p),
    ]


def scaling_cases(n: int, p: int, quick: bool = False) -> list[Case]:
    """Ours only, on the documented item generator; parallel analysis with 100 draws."""
    ws = _ws()
    d = likert_items(n, p)
    return [
        Case(AREA, "polychoric matrix", lambda: ws.polychoric(d), n=n, p=p),
        Case(AREA, "parallel analysis pc+fa, 100 draws",
             lambda: ws.parallel_analysis(d, n_iter=100, seed=1), n=n, p=p),
        Case(AREA, "EFA minres oblimin, 4 factors", lambda: ws.efa(d, 4), n=n, p=p),
        Case(AREA, "EFA ML oblimin, 4 factors", lambda: ws.efa(d, 4, method="ml"), n=n, p=p),
        Case(AREA, "KMO", lambda: ws.kmo(d), n=n, p=p),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import run_area

    run_area(AREA)
