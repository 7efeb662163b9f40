"""Cox with cluster SEs, Fine-Gray and friends: ours vs survival/cmprsk, lifelines, statsmodels.

Run: ``python3 benchmarks/bench_outcomes_survival.py [--quick] [--scaling]`` (or all areas:
``python3 -m benchmarks``). Data: supervision records of ``simulate_tables`` (rearrest as
first event, dropout competing, censoring at the end of supervision; whole days, so many
ties) with the client's wave-1 subscale means as predictors and officers as clusters; at
267 (the study) and 26,700 records. Efron ties everywhere. lifelines and statsmodels get
numeric arrays prepared before timing.
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

from benchmarks._data import PREDICTORS, outcome_frame  # noqa: E402
from benchmarks._harness import Case, Peer  # noqa: E402

AREA = "outcomes_survival"
SCALING = "records"
SURV = ("survival", "cmprsk")
RHS = " + ".join(PREDICTORS)
R_COX = f"coxph(Surv(event_day, rearrest_first) ~ {RHS}, data = d, cluster = officer_id)"
R_FINEGRAY = ("{fs <- d; fs$fstat <- factor(fs$event_code, 0:2, c('censor', 'rearrest', "
              "'dropout')); fs$id <- seq_len(nrow(fs)); "
              f"fg <- finegray(Surv(event_day, fstat) ~ ., data = fs[, c('id', 'event_day', "
              f"'fstat', {', '.join(repr(p) for p in PREDICTORS)})], etype = 'rearrest'); "
              f"coxph(Surv(fgstart, fgstop, fgstatus) ~ {RHS}, weights = fgwt, data = fg, "
              "cluster = id)}")
R_CRR = (f"crr(d$event_day, d$event_code, cov1 = as.matrix(d[, c("
         f"{', '.join(repr(p) for p in PREDICTORS)})]))")


def _python_cox_peers(d) -> list[Peer]:
    from lifelines import CoxPHFitter
    from statsmodels.duration.hazard_regression import PHReg

    lf = d[["event_day", "rearrest_first", "officer_id", *PREDICTORS]]
    time, status = d["event_day"].to_numpy(float), d["rearrest_first"].to_numpy(float)
    exog, groups = d[PREDICTORS].to_numpy(float), d["officer_id"].to_numpy()
    return [
        Peer("lifelines CoxPHFitter(robust, cluster_col)",
             python=lambda: CoxPHFitter().fit(lf, "event_day", "rearrest_first",
                                              cluster_col="officer_id", robust=True)),
        Peer("statsmodels PHReg(efron).fit(groups)",
             python=lambda: PHReg(time, exog, status=status, ties="efron")
             .fit(groups=groups, disp=False)),
    ]


def _model_cases(n: int) -> list[Case]:
    import werkalliantie_stats as ws

    d = outcome_frame(n)
    return [
        Case(AREA, f"cox, cluster-robust SEs, n={n:,}",
             lambda: ws.cox(d, "event_day", "rearrest_first", PREDICTORS, cluster="officer_id"),
             d, [Peer("R survival::coxph(cluster)", r=R_COX, r_packages=SURV),
                 *_python_cox_peers(d)], n),
        Case(AREA, f"fine_gray (finegray + weighted coxph), n={n:,}",
             lambda: ws.fine_gray(d, "event_day", "event_code", 1, PREDICTORS), d,
             [Peer("R survival::finegray + coxph", r=R_FINEGRAY, r_packages=SURV)], n),
        Case(AREA, f"fine_gray (convention='crr'), n={n:,}",
             lambda: ws.fine_gray(d, "event_day", "event_code", 1, PREDICTORS,
                                  convention="crr"), d,
             [Peer("R cmprsk::crr", r=R_CRR, r_packages=SURV)], n),
    ]


def cases(quick: bool = False) -> list[Case]:
    import werkalliantie_stats as ws

    d = outcome_frame(267)
    out = _model_cases(267)
    out += [
        Case(AREA, "cumulative_incidence + Gray test by gender, n=267",
             lambda: ws.cumulative_incidence(d, "event_day", "event_code", group="gender"), d,
             [Peer("R cmprsk::cuminc", r="cuminc(d$event_day, d$event_code, group = d$gender)",
                   r_packages=SURV)], 267),
        Case(AREA, "kaplan_meier by gender, n=267",
             lambda: ws.kaplan_meier(d, "event_day", "rearrest_first", group="gender"), d,
             [Peer("R summary(survfit)", r="summary(survfit(Surv(event_day, rearrest_first) ~ "
                   "gender, data = d), censored = TRUE)", r_packages=SURV)], 267),
        Case(AREA, "cox + ph_test (km transform), n=267",
             lambda: ws.ph_test(ws.cox(d, "event_day", "rearrest_first", PREDICTORS)), d,
             [Peer("R cox.zph(coxph)", r=f"cox.zph(coxph(Surv(event_day, rearrest_first) ~ "
                   f"{RHS}, data = d))", r_packages=SURV)], 267),
    ]
    return out if quick else out + _model_cases(26_700)


def scaling_cases(n: int, p: int, quick: bool = False) -> list[Case]:
    import werkalliantie_stats as ws

    d = outcome_frame(n)
    return [
        Case(AREA, "cox, cluster-robust SEs",
             lambda: ws.cox(d, "event_day", "rearrest_first", PREDICTORS, cluster="officer_id"),
             n=n),
        Case(AREA, "fine_gray (finegray convention)",
             lambda: ws.fine_gray(d, "event_day", "event_code", 1, PREDICTORS), n=n),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import run_area

    run_area(AREA)
