"""Fine–Gray with missing predictor values: the rows that estimate the censoring KM.

Regression for the replication-0 discrepancy with R (tests/planning/test_reference.py): a
censored row with a missing predictor was dropped before the censoring KM was estimated,
whereas ``survival::finegray`` (``na.action = na.pass``) keeps it there and only ``coxph``
drops it. Fixtures: tests/reference/outcomes/survival/make_finegray_missing_fixtures.R.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reference_io import read_reference_csv, read_reference_json
from survival_frames import mgus2_frame

import werkalliantie_stats.outcomes as wo
from werkalliantie_stats.exceptions import DroppedDataWarning

REF = read_reference_json("outcomes/survival/finegray_missing.json")
SMALL = read_reference_csv("outcomes/survival/finegray_missing_frame.csv")


def _small_fit(**kwargs):
    with pytest.warns(DroppedDataWarning, match="3 row"):
        return wo.fine_gray(SMALL, "day", "event", 1, ["x", "z"], cluster="officer", **kwargs)


def _mgus2_fit(**kwargs):
    with pytest.warns(DroppedDataWarning, match="13 row"):
        return wo.fine_gray(mgus2_frame(), "etime", "event", 1, ["age", "male", "hgb"],
                            **kwargs)


def _assert_matches(fit, ref):
    tab = fit.table
    assert list(tab.index) == ref["term"]
    np.testing.assert_allclose(tab["estimate"], ref["estimate"], rtol=1e-6)
    np.testing.assert_allclose(tab["std_error"], ref["se"], rtol=1e-5)
    np.testing.assert_allclose(tab["robust_se"], ref["robust_se"], rtol=1e-5)
    np.testing.assert_allclose(tab["p_value"], ref["p_value"], rtol=1e-4)
    np.testing.assert_allclose(fit.loglik, ref["loglik"], rtol=1e-8)
    assert fit.n_events == ref["nevent"]


@pytest.mark.parametrize(("fit", "name"), [
    (_small_fit, "small_observed"), (_mgus2_fit, "mgus2_hgb_observed")])
def test_default_keeps_incomplete_rows_in_censoring_km_like_finegray(fit, name):
    # In R: fgd <- finegray(Surv(day, fstat) ~ ., d, etype = "c1")   # na.action = na.pass
    #       coxph(Surv(fgstart, fgstop, fgstatus) ~ x + z, fgd, weights = fgwt, cluster = officer)
    _assert_matches(fit(), REF[name])


@pytest.mark.parametrize(("fit", "name"), [
    (_small_fit, "small_complete"), (_mgus2_fit, "mgus2_hgb_complete")])
def test_complete_sample_matches_finegray_na_omit(fit, name):
    # In R: finegray(Surv(day, fstat) ~ ., d, etype = "c1", na.action = na.omit) + coxph
    _assert_matches(fit(censoring_sample="complete"), REF[name])


def test_the_two_censoring_samples_differ():
    """Not rounding: one censored row more in the KM moves estimates by ~1e-3 relative."""
    observed = _small_fit().table["estimate"]
    complete = _small_fit(censoring_sample="complete").table["estimate"]
    rel = np.abs(observed / complete - 1)
    assert 1e-3 < rel.max() < 2e-2


def test_crr_convention_uses_complete_cases_like_crr():
    # In R: crr(day, event, cov1 = cbind(x, z)) on the complete cases (crr's na.omit)
    fit = _small_fit(convention="crr")
    np.testing.assert_allclose(fit.table["estimate"], REF["small_crr"]["estimate"], rtol=1e-5)


def test_without_missing_values_the_samples_agree():
    data = SMALL.dropna()
    a = wo.fine_gray(data, "day", "event", 1, ["x", "z"], cluster="officer")
    b = wo.fine_gray(data, "day", "event", 1, ["x", "z"], cluster="officer",
                     censoring_sample="complete")
    pd.testing.assert_frame_equal(a.table, b.table)


def test_incomplete_row_is_dropped_from_fit_but_input_unchanged():
    before = SMALL.copy()
    fit = _small_fit()
    assert fit.n == 57 and fit.n_dropped == 3
    pd.testing.assert_frame_equal(SMALL, before)


def test_bad_censoring_sample_is_an_error():
    with pytest.raises(ValueError, match="fine_gray: `censoring_sample` must be 'observed' "
                                         "or 'complete', got 'all'"):
        wo.fine_gray(SMALL, "day", "event", 1, "x", censoring_sample="all")


def test_invalid_time_on_an_incomplete_row_is_an_error():
    data = SMALL.copy()
    data.loc[4, "day"] = -3          # row 4 misses x, so only the censoring KM would see it
    with pytest.raises(ValueError, match=r"fine_gray: column 'day' must hold positive "
                                         r"durations.*-3"):
        with pytest.warns(DroppedDataWarning):
            wo.fine_gray(data, "day", "event", 1, ["x", "z"])
