"""Kaplan–Meier and log-rank checked against R survival 3.5-3 (survfit, survdiff)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from survival_frames import mgus2_frame, read_reference_csv, read_reference_json, rossi_frame

import werkalliantie_stats.outcomes as wo

KM = read_reference_csv("outcomes/survival/km_rossi.csv", dtype={"group": str})
COLUMNS = [("estimate", "surv"), ("std_error", "std_err"), ("ci_lower", "lower"),
           ("ci_upper", "upper"), ("n_at_risk", "n_risk"), ("n_event", "n_event"),
           ("n_censor", "n_censor")]


def _compare(table: pd.DataFrame, ref: pd.DataFrame) -> None:
    assert len(table) == len(ref)
    np.testing.assert_allclose(table["time"], ref["time"])
    for ours, theirs in COLUMNS:
        np.testing.assert_allclose(table[ours].to_numpy(float), ref[theirs].to_numpy(float),
                                   rtol=1e-5, atol=1e-12, err_msg=ours)


@pytest.mark.parametrize("conf_type", ["log", "log-log", "plain"])
def test_grouped_curve_matches_survfit(conf_type):
    # In R: summary(survfit(Surv(week, arrest) ~ fin, rossi, conf.type = ct), censored = TRUE)
    km = wo.kaplan_meier(rossi_frame(), "week", "arrest", group="fin", conf_type=conf_type)
    ref = KM[(KM["conf_type"] == conf_type) & (KM["group"] != "all")]
    _compare(km.table, ref)
    assert list(km.table["group"].astype(str)) == list(ref["group"])


@pytest.mark.parametrize("conf_type", ["log", "log-log", "plain"])
def test_single_curve_matches_survfit(conf_type):
    km = wo.kaplan_meier(rossi_frame(), "week", "arrest", conf_type=conf_type)
    _compare(km.table, KM[(KM["conf_type"] == conf_type) & (KM["group"] == "all")])
    assert "group" not in km.table.columns


def test_curve_reaching_zero_has_missing_se_like_r():
    km = wo.kaplan_meier(mgus2_frame(), "futime", "death", group="sex")
    ref = read_reference_csv("outcomes/survival/km_mgus2.csv")
    _compare(km.table, ref)
    assert np.isnan(km.table["std_error"].iloc[-1]) and km.table["estimate"].iloc[-1] == 0


@pytest.mark.parametrize("conf_type", ["log", "log-log", "plain"])
def test_median_and_its_ci_match_print_survfit(conf_type):
    # In R: summary(survfit(Surv(futime, death) ~ sex, mgus2, conf.type = ct))$table
    km = wo.kaplan_meier(mgus2_frame(), "futime", "death", group="sex", conf_type=conf_type)
    ref = read_reference_csv("outcomes/survival/km_median_mgus2.csv")
    ref = ref[ref["conf_type"] == conf_type]
    np.testing.assert_allclose(km.median[["median", "ci_lower", "ci_upper"]].to_numpy(float),
                               ref[["median", "lower", "upper"]].to_numpy(float))
    assert list(km.median["n_events"]) == [423, 540]


def test_median_not_reached_is_nan():
    km = wo.kaplan_meier(rossi_frame(), "week", "arrest", group="fin")
    assert km.median["median"].isna().all()


def test_median_at_exact_half_is_the_midpoint_as_r():
    df = pd.DataFrame({"t": [1, 2, 3, 4], "e": [1, 1, 0, 1]})
    # S = 0.5 from t = 2 until the next drop at t = 4 (t = 3 is censored): R's findq gives
    # (2 + 4)/2 = 3 (checked with print(survfit(Surv(t, e) ~ 1, df)): median 3, LCL 1)
    med = wo.kaplan_meier(df, "t", "e").median
    assert med["median"].iloc[0] == 3.0 and med["ci_lower"].iloc[0] == 1.0


def test_at_times_match_summary_times():
    # In R: summary(survfit(Surv(week, arrest) ~ fin, rossi), times = c(0, 10, 20.5, 30, 52))
    km = wo.kaplan_meier(rossi_frame(), "week", "arrest", group="fin",
                         times=[0, 10, 20.5, 30, 52, 60])
    ref = read_reference_csv("outcomes/survival/km_rossi_times.csv")
    at = km.at_times
    assert len(at) == len(ref)      # 60 is beyond follow-up and dropped, as R does
    for ours, theirs in [("time", "time"), ("n_at_risk", "n_risk"), ("estimate", "surv"),
                         ("std_error", "std_err"), ("ci_lower", "lower"), ("ci_upper", "upper")]:
        np.testing.assert_allclose(at[ours], ref[theirs], rtol=1e-6, err_msg=ours)


LR = read_reference_json("outcomes/survival/logrank.json")


@pytest.mark.parametrize(("name", "kwargs"), [
    ("rossi_fin", {"group": "fin"}),
    ("rossi_priogrp", {"group": "priogrp"}),
    ("rossi_fin_strata_race", {"group": "fin", "strata": "race"}),
])
def test_logrank_matches_survdiff(name, kwargs):
    # In R: survdiff(Surv(week, arrest) ~ fin [+ strata(race)], rossi)
    res = wo.logrank_test(rossi_frame(), "week", "arrest", **kwargs)
    ref = LR[name]
    np.testing.assert_allclose(res.chisq, ref["chisq"], rtol=1e-6)
    np.testing.assert_allclose(res.p_value, ref["p_value"], rtol=1e-6)
    assert res.df == ref["df"]
    np.testing.assert_allclose(res.table["observed"], ref["observed"])
    np.testing.assert_allclose(res.table["expected"], ref["expected"], rtol=1e-8)


def test_logrank_with_string_groups():
    res = wo.logrank_test(mgus2_frame(), "futime", "death", "sex")
    ref = LR["mgus2_sex"]
    np.testing.assert_allclose(res.chisq, ref["chisq"], rtol=1e-6)
    assert list(res.table.index) == ref["group"]
    assert "Chisq = 9.665 on 1 df" in res.summary()


def test_km_summary_names_transform():
    text = wo.kaplan_meier(rossi_frame(), "week", "arrest", conf_type="log-log",
                           times=[10]).summary()
    assert "log-log transform" in text
