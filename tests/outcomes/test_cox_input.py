"""Bad input and statistical trouble in the survival functions: clear errors, typed warnings."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from survival_frames import mgus2_frame, rossi_frame

import werkalliantie_stats.outcomes as wo
from werkalliantie_stats.exceptions import (
    ClusterWarning,
    ConvergenceWarning,
    DroppedDataWarning,
    FewEventsWarning,
)

P3 = ["fin", "age", "prio"]


@pytest.fixture
def rossi():
    return rossi_frame()


@pytest.mark.parametrize("bad", [0, -3])
def test_nonpositive_durations_are_rejected(rossi, bad):
    rossi.loc[5, "week"] = bad
    for call in (lambda: wo.cox(rossi, "week", "arrest", P3),
                 lambda: wo.kaplan_meier(rossi, "week", "arrest"),
                 lambda: wo.logrank_test(rossi, "week", "arrest", "fin")):
        with pytest.raises(ValueError, match=r"'week' must hold positive durations.*row 5"):
            call()


def test_entry_at_or_after_end_of_follow_up_is_rejected(rossi):
    rossi["start"] = 0.0
    rossi.loc[7, "start"] = rossi.loc[7, "week"]
    with pytest.raises(ValueError, match=r"cox: entry column 'start' must be earlier.*row 7"):
        wo.cox(rossi, "week", "arrest", P3, entry="start")


def test_event_not_zero_one_is_rejected(rossi):
    rossi.loc[3, "arrest"] = 2
    with pytest.raises(ValueError, match=r"cox: column 'arrest' must be coded 0/1.*2"):
        wo.cox(rossi, "week", "arrest", P3)
    rossi["arrest"] = rossi["arrest"].astype(float)
    rossi.loc[3, "arrest"] = 0.5
    with pytest.raises(ValueError, match="integer codes"):
        wo.kaplan_meier(rossi, "week", "arrest")


def test_unknown_cause_codes_are_rejected():
    m = mgus2_frame()
    m.loc[10, "event"] = 7
    with pytest.raises(ValueError, match=r"one of the causes \[1, 2\].*7"):
        wo.cumulative_incidence(m, "etime", "event", causes=[1, 2])
    with pytest.raises(ValueError, match=r"no row of 'event' has the cause 3"):
        wo.fine_gray(mgus2_frame(), "etime", "event", 3, ["age"])
    with pytest.raises(ValueError, match=r"cause_specific_cox: no row of 'event' has the cause 3"):
        wo.cause_specific_cox(mgus2_frame(), "etime", "event", 3, ["age"])


def test_no_events_at_all_is_an_error(rossi):
    rossi["arrest"] = 0
    with pytest.raises(ValueError, match="no events"):
        wo.cox(rossi, "week", "arrest", P3)


def test_group_without_events_warns(rossi):
    rossi.loc[rossi["fin"] == 1, "arrest"] = 0
    with pytest.warns(FewEventsWarning, match="group 1 of 'fin' has no events") as rec:
        wo.kaplan_meier(rossi, "week", "arrest", group="fin")
    assert rec[0].filename == __file__
    with pytest.warns(FewEventsWarning, match="group 1 of 'fin' has no events"):
        wo.logrank_test(rossi, "week", "arrest", "fin")
    m = mgus2_frame()
    m.loc[(m["sex"] == "F") & (m["event"] == 1), "event"] = 0
    with pytest.warns(FewEventsWarning, match="no events of cause 1 in group 'F'") as rec:
        wo.cumulative_incidence(m, "etime", "event", group="sex")
    assert rec[0].filename == __file__


def test_constant_predictor_is_rejected(rossi):
    rossi["one"] = 1.0
    with pytest.raises(ValueError, match=r"predictor 'one' is constant.*1\.0"):
        wo.cox(rossi, "week", "arrest", ["fin", "one"])


def test_missing_predictors_dropped_and_counted_or_raised(rossi):
    rossi["age"] = rossi["age"].astype(float)
    rossi.loc[[1, 2, 3], "age"] = np.nan
    with pytest.warns(DroppedDataWarning, match=r"cox: 3 row\(s\) .*'age': 3.*429 rows") as rec:
        fit = wo.cox(rossi, "week", "arrest", P3)
    assert rec[0].filename == __file__
    assert fit.n_dropped == 3 and fit.n == 429
    assert "(3 incomplete rows dropped)" in fit.summary()
    with pytest.raises(ValueError, match=r"3 row\(s\) have missing values.*'age': 3"):
        wo.cox(rossi, "week", "arrest", P3, missing="raise")


def test_singleton_clusters_warn(rossi):
    rossi["cid"] = np.arange(len(rossi))
    with pytest.warns(ClusterWarning, match="every cluster in 'cid' has a single row"):
        fit = wo.cox(rossi, "week", "arrest", P3, cluster="cid")
    # and then the robust SEs are the plain sandwich, as coxph(..., robust = TRUE)
    plain = wo.cox(rossi, "week", "arrest", P3, robust=True)
    np.testing.assert_allclose(fit.table["robust_se"], plain.table["robust_se"])


def test_fine_gray_warnings_name_fine_gray_and_point_at_the_caller():
    m = mgus2_frame().assign(cid=lambda d: np.arange(len(d)))
    with pytest.warns(ClusterWarning, match="fine_gray: every cluster in 'cid'") as rec:
        wo.fine_gray(m, "etime", "event", 1, ["age"], cluster="cid")
    assert rec[0].filename == __file__
    with pytest.warns(FewEventsWarning, match="fine_gray: .* events for 2 predictor") as rec:
        wo.fine_gray(m.iloc[:150], "etime", "event", 1, ["age", "male"])
    assert rec[0].filename == __file__


def test_unknown_columns_are_named_with_a_suggestion(rossi):
    with pytest.raises(ValueError, match=r"'prior' \(did you mean 'prio'\?\)"):
        wo.cox(rossi, "week", "arrest", ["fin", "prior"])
    with pytest.raises(ValueError, match="'weeks'"):
        wo.kaplan_meier(rossi, "weeks", "arrest")


def test_wrong_types_and_options(rossi):
    with pytest.raises(TypeError, match="cox: `data` must be a pandas DataFrame"):
        wo.cox(rossi.to_numpy(), "week", "arrest", P3)
    with pytest.raises(TypeError, match="`predictors` must be a column name or a list"):
        wo.cox(rossi, "week", "arrest", 3)
    with pytest.raises(ValueError, match="conf_type"):
        wo.kaplan_meier(rossi, "week", "arrest", conf_type="arcsin")
    with pytest.raises(ValueError, match="ties"):
        wo.cox(rossi, "week", "arrest", P3, ties="exact")
    with pytest.raises(ValueError, match="convention"):
        wo.fine_gray(mgus2_frame(), "etime", "event", 1, ["age"], convention="aj")
    with pytest.raises(ValueError, match="only stratifies Gray's test"):
        wo.cumulative_incidence(mgus2_frame(), "etime", "event", strata="sex")
    with pytest.raises(ValueError, match="single group"):
        wo.logrank_test(rossi.assign(g=1), "week", "arrest", "g")


def test_non_numeric_predictor_is_rejected(rossi):
    rossi["grade"] = "a"
    with pytest.raises(ValueError, match=r"column 'grade' .* non-numeric value\(s\), e.g. 'a'"):
        wo.cox(rossi, "week", "arrest", ["grade"])


def test_few_events_per_predictor_warn(rossi):
    small = rossi.iloc[:60]
    with pytest.warns(FewEventsWarning, match="events for 3 predictor"):
        wo.cox(small, "week", "arrest", P3)


def test_monotone_likelihood_gives_convergence_warning():
    df = pd.DataFrame({"t": np.arange(1.0, 21.0), "e": [1] * 10 + [0] * 10,
                       "x": [1] * 10 + [0] * 10})
    with pytest.warns(ConvergenceWarning, match=r"before coefficient\(s\) \[1\].*infinite"):
        fit = wo.cox(df, "t", "e", ["x"])
    assert fit.table.at["x", "estimate"] > 10


def test_inputs_are_not_modified(rossi):
    before = rossi.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wo.cox(rossi, "week", "arrest", P3, cluster="cl", strata="race")
        wo.kaplan_meier(rossi, "week", "arrest", group="fin", times=[10])
        wo.logrank_test(rossi, "week", "arrest", "fin")
    pd.testing.assert_frame_equal(rossi, before)
    m = mgus2_frame()
    m_before = m.copy()
    wo.cumulative_incidence(m, "etime", "event", group="sex")
    with pytest.warns(DroppedDataWarning):
        wo.fine_gray(m, "etime", "event", 1, ["age", "male", "hgb"])
    wo.cause_specific_cox(m, "etime", "event", 2, ["age"])
    pd.testing.assert_frame_equal(m, m_before)
