"""Logistic regression with cluster-robust SEs and the DeLong AUC: ours vs R and statsmodels.

Run: ``python3 benchmarks/bench_outcomes_binary.py [--quick] [--scaling]`` (or all areas:
``python3 -m benchmarks``). Data: dropout on the client's wave-1 subscale means and
covariates of ``simulate_tables`` records, officers as clusters, at 267 and 26,700 records.
Ours computes the fit, cluster-robust (CR1, as sandwich::vcovCL) covariance and the DeLong
AUC with its CI in one call; the R peer does the same three steps. statsmodels (GLM with
cluster covariance) plus scikit-learn's point AUC shows what the fit alone costs in Python.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import pin_threads
else:
    from . import pin_threads
pin_threads()

from benchmarks._data import PREDICTORS, outcome_frame  # noqa: E402
from benchmarks._harness import Case, Peer  # noqa: E402

AREA = "outcomes_binary"
SCALING = "records"
RHS = " + ".join(PREDICTORS)
R_FIT = (f"{{f <- glm(dropout ~ {RHS}, binomial, d); v <- vcovCL(f, cluster = ~officer_id); "
         "r <- roc(d$dropout, fitted(f), direction = '<', levels = c(0, 1), quiet = TRUE); "
         "ci.auc(r, method = 'delong')}")
R_PROFILE = f"suppressMessages(confint(glm(dropout ~ {RHS}, binomial, d)))"


def _statsmodels_peer(d) -> Peer:
    import pandas as pd
    import statsmodels.api as sm
    from sklearn.metrics import roc_auc_score

    y = d["dropout"].to_numpy(float)
    exog = sm.add_constant(d[PREDICTORS].to_numpy(float))
    groups = pd.factorize(d["officer_id"])[0]

    def fit():
        res = sm.GLM(y, exog, family=sm.families.Binomial()).fit(
            cov_type="cluster", cov_kwds={"groups": groups})
        return roc_auc_score(y, res.fittedvalues)

    return Peer("statsmodels GLM(cluster) + sklearn AUC (no CI)", python=fit)


def _cases_at(n: int, quick: bool) -> list[Case]:
    import werkalliantie_stats as ws

    d = outcome_frame(n)
    out = [Case(AREA, f"logistic + cluster SEs + DeLong AUC CI, n={n:,}",
                lambda: ws.logistic(d, "dropout", PREDICTORS, cluster="officer_id"), d,
                [Peer("R glm + sandwich::vcovCL + pROC::ci.auc", r=R_FIT,
                      r_packages=("sandwich", "pROC")), _statsmodels_peer(d)], n)]
    if n <= 267 or not quick:
        out.append(Case(AREA, f"logistic, profile-likelihood CIs, n={n:,}",
                        lambda: ws.logistic(d, "dropout", PREDICTORS, ci="profile"), d,
                        [Peer("R MASS confint(glm)", r=R_PROFILE, r_packages=("MASS",))], n))
    return out


def cases(quick: bool = False) -> list[Case]:
    import werkalliantie_stats as ws

    d = outcome_frame(267)
    with warnings.catch_warnings():  # FewEventsWarning: 63 dropouts, 7 predictors
        warnings.simplefilter("ignore")
        fit = ws.logistic(d, "dropout", PREDICTORS, cluster="officer_id")
    n_boot = 200 if quick else 2000
    boot = Case(AREA, f"cluster-bootstrap AUC CI ({n_boot} draws), n=267",
                lambda: ws.auc(fit.observed, fit.fitted, method="bootstrap",
                               cluster=d["officer_id"], n_boot=n_boot, seed=1),
                n=267, note="no peer: pROC's bootstrap ignores clusters")
    return [*_cases_at(267, quick), boot, *([] if quick else _cases_at(26_700, quick))]


def scaling_cases(n: int, p: int, quick: bool = False) -> list[Case]:
    import werkalliantie_stats as ws

    d = outcome_frame(n)
    return [Case(AREA, "logistic + cluster SEs + DeLong AUC CI",
                 lambda: ws.logistic(d, "dropout", PREDICTORS, cluster="officer_id"), n=n)]


if __name__ == "__main__":
    from benchmarks.__main__ import run_area

    run_area(AREA)
