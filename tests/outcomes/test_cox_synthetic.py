"""Survival models on the bundled synthetic study vs R (make_synthetic_fixtures.R).

Clients are nested in officers (cluster-robust SEs by officer); rearrest competes with dropout;
supervision ends (censoring) at 365, 548 or 730 days. The derived variables are defined in the
R script's header and rebuilt here the same way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from survival_frames import read_reference_csv, read_reference_json

import werkalliantie_stats.outcomes as wo

REF = read_reference_json("outcomes/survival/synthetic_survival.json")
DATA = Path(__file__).resolve().parents[2] / "data" / "synthetic"
POSITIVE = [f"{s}{i}" for s in ("com", "bin", "ver") for i in range(1, 6)]


def _scores(q: pd.DataFrame, rater: str, wave: int) -> pd.DataFrame:
    part = q[(q["rater"] == rater) & (q["wave"] == wave)].set_index("dyad_id")
    return pd.DataFrame({"alliance": part[POSITIVE].mean(axis=1),
                         "friction": part[[f"str{i}" for i in range(1, 6)]].mean(axis=1)})


@pytest.fixture(scope="module")
def sup() -> pd.DataFrame:
    s = pd.read_csv(DATA / "supervision.csv")
    q = pd.read_csv(DATA / "questionnaires.csv")
    for item in ("com4", "bin4", "ver4"):
        q[item] = 6 - q[item]
    c1, o1, c2 = _scores(q, "client", 1), _scores(q, "officer", 1), _scores(q, "client", 2)
    s["alliance_client"] = s["dyad_id"].map(c1["alliance"])
    s["alliance_officer"] = s["dyad_id"].map(o1["alliance"])
    s["friction_client"] = s["dyad_id"].map(c1["friction"])
    s["alliance_client2"] = s["dyad_id"].map(c2["alliance"])
    s["status"] = s["event"].map({"rearrest": 1, "dropout": 2, "none": 0})
    s["arrest"] = (s["status"] == 1).astype(int)
    s["good"] = ((s["alliance_client"] >= 3.5) & (s["alliance_officer"] >= 3.5)).astype(int)
    return s


def start_stop(s: pd.DataFrame, wave2_day: float = 200) -> pd.DataFrame:
    """Split follow-up at the wave-2 day: the documented way to build time-varying alliance."""
    two = s["alliance_client2"].notna() & (s["event_day"] > wave2_day)
    keep = ["dyad_id", "officer_id", "risk_baseline"]
    early = s.loc[two, keep].assign(start=0.0, stop=wave2_day, arrest=0,
                                    alliance=s.loc[two, "alliance_client"])
    late = s.loc[two, keep].assign(start=wave2_day, stop=s.loc[two, "event_day"],
                                   arrest=s.loc[two, "arrest"],
                                   alliance=s.loc[two, "alliance_client2"])
    one = s.loc[~two, keep].assign(start=0.0, stop=s.loc[~two, "event_day"],
                                   arrest=s.loc[~two, "arrest"],
                                   alliance=s.loc[~two, "alliance_client"])
    return pd.concat([early, late, one], ignore_index=True)


def test_start_stop_frame_equals_tmerge_and_the_manual_split(sup):
    # In R: tmerge(..., arrest = event(event_day, arrest)); tmerge(..., tdc(day, alliance))
    wave2 = sup.loc[sup["alliance_client2"].notna(), ["dyad_id", "alliance_client2"]]
    wave2 = wave2.rename(columns={"alliance_client2": "alliance"}).assign(day=200)
    base = sup[["dyad_id", "officer_id", "risk_baseline", "event_day", "arrest",
                "alliance_client"]].rename(columns={"alliance_client": "alliance"})
    ss = wo.start_stop_frame(base, "dyad_id", "event_day", "arrest", wave2, "day")
    ref = read_reference_csv("outcomes/survival/synthetic_start_stop.csv")
    assert len(ss) == len(ref)
    np.testing.assert_array_equal(ss["dyad_id"], ref["dyad_id"])
    np.testing.assert_allclose(ss[["start", "stop", "arrest", "alliance"]].to_numpy(float),
                               ref[["tstart", "tstop", "arrest", "alliance"]].to_numpy(float))
    manual = start_stop(sup).sort_values(["dyad_id", "start"], ignore_index=True)
    np.testing.assert_allclose(ss["alliance"], manual["alliance"])
    fit = wo.cox(ss, "stop", "arrest", ["alliance", "risk_baseline"], entry="start",
                 cluster="officer_id")
    _check_cox(fit, REF["start_stop_cluster"])


def _check_cox(fit, ref) -> None:
    np.testing.assert_allclose(fit.table["estimate"], ref["estimate"], rtol=1e-5)
    np.testing.assert_allclose(fit.table["std_error"], ref["se"], rtol=1e-4)
    if ref["robust_se"]:
        np.testing.assert_allclose(fit.table["robust_se"], ref["robust_se"], rtol=1e-4)
        np.testing.assert_allclose(fit.tests.at["robust_score", "statistic"],
                                   ref["robust_score"], rtol=1e-3)
    np.testing.assert_allclose([fit.loglik_null, fit.loglik], ref["loglik"], rtol=1e-8)
    for test, key in [("likelihood_ratio", "lrt"), ("wald", "wald"), ("score", "score")]:
        np.testing.assert_allclose(fit.tests.at[test, "statistic"], ref[key], rtol=1e-3)
    assert fit.n_events == ref["nevent"]


PREDICTORS = ["alliance_client", "alliance_officer", "friction_client", "age",
              "prior_convictions", "risk_baseline"]


def test_cox_clustered_by_officer(sup):
    # In R: coxph(Surv(event_day, arrest) ~ ..., sup, cluster = officer_id)
    fit = wo.cox(sup, "event_day", "arrest", PREDICTORS, cluster="officer_id")
    ref = REF["cox_cluster"]
    _check_cox(fit, ref)
    assert list(fit.table.index) == ref["term"]
    np.testing.assert_allclose(fit.concordance, ref["concordance"], rtol=1e-6)
    np.testing.assert_allclose(fit.concordance_se, ref["concordance_se"], rtol=1e-4)


def test_ph_test(sup):
    res = wo.ph_test(wo.cox(sup, "event_day", "arrest", PREDICTORS))
    np.testing.assert_allclose(res.table["chisq"], REF["zph_km"]["chisq"], rtol=1e-3)


def test_time_varying_alliance_start_stop_clustered(sup):
    ss = start_stop(sup)
    assert len(ss) == REF["start_stop_cluster"]["rows"]
    # In R: coxph(Surv(start, stop, arrest) ~ alliance + risk_baseline, ss, cluster = officer_id)
    fit = wo.cox(ss, "stop", "arrest", ["alliance", "risk_baseline"], entry="start",
                 cluster="officer_id")
    _check_cox(fit, REF["start_stop_cluster"])
    np.testing.assert_allclose(fit.concordance, REF["start_stop_cluster"]["concordance"],
                               rtol=1e-6)


def test_km_logrank_by_alliance_quality(sup):
    km = wo.kaplan_meier(sup, "event_day", "arrest", group="good", conf_type="log-log")
    ref = REF["km_loglog"]
    events = km.table[km.table["n_event"] > 0]       # summary(survfit) shows event times
    np.testing.assert_allclose(events["time"], ref["time"])
    np.testing.assert_allclose(events["estimate"], ref["surv"], rtol=1e-6)
    np.testing.assert_allclose(events["ci_lower"], ref["lower"], rtol=1e-6)
    np.testing.assert_allclose(events["ci_upper"], ref["upper"], rtol=1e-6)
    med = REF["km_median"]
    got = km.median[["median", "ci_lower", "ci_upper"]].to_numpy(float).T
    for ours, theirs in zip(got, [med["median"], med["lower"], med["upper"]], strict=True):
        np.testing.assert_allclose(ours, np.array(theirs, dtype=float))
    lr = wo.logrank_test(sup, "event_day", "arrest", "good")
    np.testing.assert_allclose(lr.chisq, REF["logrank"]["chisq"], rtol=1e-6)
    np.testing.assert_allclose(lr.table["expected"], REF["logrank"]["expected"], rtol=1e-8)


def test_competing_risks_rearrest_and_dropout(sup):
    ci = wo.cumulative_incidence(sup, "event_day", "status", group="good",
                                 times=[180, 365, 548, 730])
    ref = pd.DataFrame(REF["cuminc_timepoints"])
    ref[["good", "cause"]] = ref["curve"].str.split(" ", expand=True).astype(int)
    merged = ci.at_times.merge(ref, left_on=["group", "cause", "time"],
                               right_on=["good", "cause", "time"])
    assert len(merged) == 16
    np.testing.assert_allclose(merged["estimate"], merged["est"], rtol=1e-6)
    np.testing.assert_allclose(merged["std_error"] ** 2, merged["var"], rtol=1e-5)
    np.testing.assert_allclose(ci.gray_test["statistic"], REF["gray"]["stat"], rtol=1e-6)


def test_fine_gray_clustered_by_officer(sup):
    # In R: finegray(...) + coxph(Surv(fgstart, fgstop, fgstatus) ~ ..., weights = fgwt,
    #       cluster = officer_id)
    fit = wo.fine_gray(sup, "event_day", "status", 1, ["alliance_client", "risk_baseline"],
                       cluster="officer_id")
    _check_cox(fit, REF["fine_gray_cluster"])


def test_cause_specific_dropout(sup):
    fit = wo.cause_specific_cox(sup, "event_day", "status", 2,
                                ["alliance_client", "risk_baseline"])
    _check_cox(fit, REF["cause_specific_dropout"])


def test_cause_labels_equal_numeric_codes(sup):
    """The study's event column holds labels; censored="none" gives the same fits as codes."""
    by_label = wo.cumulative_incidence(sup, "event_day", "event", group="good",
                                       censored="none", causes=["rearrest", "dropout"])
    by_code = wo.cumulative_incidence(sup, "event_day", "status", group="good")
    np.testing.assert_allclose(by_label.table["estimate"], by_code.table["estimate"])
    assert list(by_label.table["cause"].unique()) == ["rearrest", "dropout"]
    assert list(by_label.gray_test.index) == ["rearrest", "dropout"]
    np.testing.assert_allclose(by_label.gray_test["statistic"], REF["gray"]["stat"], rtol=1e-6)
    fg = wo.fine_gray(sup, "event_day", "event", "rearrest",
                      ["alliance_client", "risk_baseline"], cluster="officer_id",
                      censored="none")
    _check_cox(fg, REF["fine_gray_cluster"])
    assert fg.cause == "rearrest"
    cs = wo.cause_specific_cox(sup, "event_day", "event", "dropout",
                               ["alliance_client", "risk_baseline"], censored="none")
    _check_cox(cs, REF["cause_specific_dropout"])


def test_label_column_without_the_censoring_value_is_rejected(sup):
    with pytest.raises(ValueError, match=r"no row of 'event' equals censored=0.*'none'"):
        wo.cumulative_incidence(sup, "event_day", "event")
    with pytest.raises(ValueError, match="no events: every row"):
        wo.cumulative_incidence(sup.assign(event="none"), "event_day", "event",
                                censored="none")


def test_unknown_cause_label_is_rejected(sup):
    with pytest.raises(ValueError, match=r"one of the causes \['rearrest'\].*'dropout'"):
        wo.cumulative_incidence(sup, "event_day", "event", censored="none",
                                causes=["rearrest"])
    with pytest.raises(ValueError, match=r"no row of 'event' has the cause 'arrest'"):
        wo.fine_gray(sup, "event_day", "event", "arrest", ["age"], censored="none")
