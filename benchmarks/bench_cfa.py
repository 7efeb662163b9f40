"""CFA (ML, MLR, FIML) and three-step invariance (ML): ours vs lavaan 0.6.

Run: ``python3 benchmarks/bench_cfa.py [--quick] [--scaling]`` (or all areas:
``python3 -m benchmarks``). Data: wave-1 client (and officer) ratings of 267 simulated
dyads (``simulate_tables``, re-keyed, complete rows), four factors of five items, treated
as continuous as lavaan does without ``ordered``; the FIML row keeps the missing cells
(lavaan ``missing = "ml"``). One WLSMV row times ``cfa(estimator="WLSMV")`` on seeded
Likert codes; the building-block WLSMV runs and ordinal invariance are in
bench_cfa_ordinal.py. The bootstrap row fits the client model and refits it on 200
nonparametric resamples (ours: ``bootstrap_cfa``, all draws at once; lavaan:
``bootstrapLavaan(fit, R = 200)``), the fit included on both sides. The paired row runs
the four-step client/officer invariance of the
bundled synthetic study (``Study.paired_items(pair="rater")``, 267 dyads x 40 items, missing
cells kept) with MLR and FIML, as ``measEq.syntax(longFacNames=)`` + ``cfa(estimator =
"MLR", missing = "ml")`` x 4 in R (R's time includes measEq.syntax, ours
longitudinal_syntax).
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

from benchmarks._data import factor_model, likert_items, study_items_long  # noqa: E402
from benchmarks._harness import Case, Peer  # noqa: E402

AREA = "cfa"
SCALING = "items"
STEPS = ("configural", "metric", "scalar")


def _r_model(p: int = 20) -> str:
    return factor_model(p).replace("\n", "; ")


def _bootstrap_case(client, model: str, r_model: str) -> Case:
    import werkalliantie_stats as ws
    from werkalliantie_stats.psychometrics.cfa import bootstrap_cfa

    return Case(AREA, f"CFA bootstrap, 200 draws ML, 4 factors, {len(client)} x 20",
                lambda: bootstrap_cfa(ws.cfa(client, model), 200, seed=1), client,
                [Peer("R lavaan::bootstrapLavaan(R = 200)",
                      r=f"bootstrapLavaan(cfa('{r_model}', data = d), R = 200)",
                      r_packages=("lavaan",))], len(client), 20)


def cases(quick: bool = False) -> list[Case]:
    import werkalliantie_stats as ws

    both = study_items_long(267)
    client = both[both["rater"] == "client"].drop(columns="rater").reset_index(drop=True)
    gaps = study_items_long(267, complete=False)
    gaps = gaps[gaps["rater"] == "client"].drop(columns="rater").reset_index(drop=True)
    model, r_model = factor_model(), _r_model()
    likert = likert_items(267, 20)
    lavaan = ("lavaan",)
    inv_r = (f"for (eq in list('', 'loadings', c('loadings', 'intercepts'))) "
             f"cfa('{r_model}', data = d, group = 'rater', group.equal = eq)")
    return [
        Case(AREA, f"CFA ML, 4 factors, {len(client)} x 20", lambda: ws.cfa(client, model),
             client, [Peer("R lavaan::cfa", r=f"cfa('{r_model}', data = d)",
                           r_packages=lavaan)], len(client), 20),
        Case(AREA, f"CFA MLR, 4 factors, {len(client)} x 20",
             lambda: ws.cfa(client, model, estimator="MLR"), client,
             [Peer("R lavaan::cfa(estimator = 'MLR')",
                   r=f"cfa('{r_model}', data = d, estimator = 'MLR')", r_packages=lavaan)],
             len(client), 20),
        Case(AREA, f"CFA FIML (missing cells kept), 4 factors, {len(gaps)} x 20",
             lambda: ws.cfa(gaps, model, missing="fiml"), gaps,
             [Peer("R lavaan::cfa(missing = 'ml')",
                   r=f"cfa('{r_model}', data = d, missing = 'ml')", r_packages=lavaan)],
             len(gaps), 20),
        Case(AREA, "CFA WLSMV via cfa(), 4 factors, 267 x 20",
             lambda: ws.cfa(likert, model, estimator="WLSMV"), likert,
             [Peer("R lavaan::cfa(ordered = TRUE, estimator = 'WLSMV')",
                   r=f"cfa('{r_model}', data = d, ordered = TRUE, estimator = 'WLSMV')",
                   r_packages=lavaan)], 267, 20),
        Case(AREA, f"invariance client vs officer, 3 steps ML, {len(both)} rows",
             lambda: ws.measurement_invariance(both, model, group="rater", steps=STEPS), both,
             [Peer("R lavaan::cfa x 3 (group.equal)", r=inv_r, r_packages=lavaan)],
             len(both), 20),
        _bootstrap_case(client, model, r_model),
        _paired_fiml_case(),
    ]


def _paired_fiml_case() -> Case:
    import werkalliantie_stats as ws

    study = ws.load_synthetic()
    wide = study.paired_items(pair="rater", wave=1).reset_index(drop=True)
    occasions = {"client": "_client", "officer": "_officer"}
    subscales = list(study.instrument.subscales)
    r_model = "; ".join(ws.instrument_model(study.instrument, sfx).replace("\n", "; ")
                        for sfx in occasions.values())
    long_names = ", ".join(f"{s} = c('{s}_client', '{s}_officer')" for s in subscales)
    r = (f"for (eq in list('', 'loadings', c('loadings', 'intercepts'), "
         f"c('loadings', 'intercepts', 'residuals'))) cfa(as.character(measEq.syntax("
         f"'{r_model}', data = d, longFacNames = list({long_names}), long.equal = eq)), "
         f"data = d, estimator = 'MLR', missing = 'ml')")
    return Case(AREA, f"paired invariance client vs officer, 4 steps MLR + FIML, "
                      f"{len(wide)} x {wide.shape[1]}",
                lambda: ws.longitudinal_invariance(wide, study.instrument, occasions,
                                                   estimator="MLR", missing="fiml"), wide,
                [Peer("R semTools::measEq.syntax + lavaan::cfa x 4 (MLR, missing = 'ml')", r=r,
                      r_packages=("lavaan", "semTools"))], len(wide), wide.shape[1])


def scaling_cases(n: int, p: int, quick: bool = False) -> list[Case]:
    import werkalliantie_stats as ws

    d, model = likert_items(n, p), factor_model(p)
    return [Case(AREA, "CFA ML, 4 factors", lambda: ws.cfa(d, model), n=n, p=p),
            Case(AREA, "CFA MLR, 4 factors", lambda: ws.cfa(d, model, estimator="MLR"),
                 n=n, p=p)]


if __name__ == "__main__":
    from benchmarks.__main__ import run_area

    run_area(AREA)
