"""measurement_invariance() against lavaan's lavTestLRT / semTools::compareFit (HS by school)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from cfa_helpers import HS_MODEL, reference

from werkalliantie_stats.psychometrics.cfa.invariance import measurement_invariance

STEPS = ["configural", "metric", "scalar", "strict"]


@pytest.fixture(scope="module", params=["ML", "MLR"])
def invariance(request, hs):
    return request.param, measurement_invariance(hs, HS_MODEL, group="school",
                                                 estimator=request.param)


def test_table_shape(invariance):
    _, res = invariance
    assert res.table.index.tolist() == STEPS
    assert np.isnan(res.table.loc["configural", "chisq_diff"])


def test_difference_tests_match_lavtestlrt(invariance):
    """ML: plain difference; MLR: Satorra-Bentler 2001 (lavTestLRT's default for MLR)."""
    estimator, res = invariance
    lrt = reference(f"hs_school_{estimator.lower()}.json")["lrt"]
    for step, row in zip(STEPS, lrt, strict=True):
        assert res.table.loc[step, "chisq"] == pytest.approx(row["Chisq"], rel=1e-6)
        assert res.table.loc[step, "aic"] == pytest.approx(row["AIC"], rel=1e-8)
        assert res.table.loc[step, "bic"] == pytest.approx(row["BIC"], rel=1e-8)
        if step == "configural":
            continue
        assert res.table.loc[step, "df_diff"] == row["Df diff"]
        assert res.table.loc[step, "chisq_diff"] == pytest.approx(row["Chisq diff"], rel=1e-5)
        assert res.table.loc[step, "pvalue_diff"] == pytest.approx(row["Pr(>Chisq)"], rel=1e-4)
        if estimator == "ML":
            assert res.table.loc[step, "rmsea_diff"] == pytest.approx(row["RMSEA"], rel=1e-5)


def test_delta_fit_matches_compare_fit_differences(invariance):
    estimator, res = invariance
    ref = reference(f"hs_school_{estimator.lower()}.json")
    for before, after in pairwise(STEPS):
        for idx in ("cfi", "rmsea"):
            expected = ref[after]["fit_measures"][idx] - ref[before]["fit_measures"][idx]
            assert res.table.loc[after, f"delta_{idx}"] == pytest.approx(expected, abs=1e-6)
        if estimator == "MLR":
            expected = (ref[after]["fit_measures"]["cfi.robust"]
                        - ref[before]["fit_measures"]["cfi.robust"])
            assert res.table.loc[after, "delta_cfi_robust"] == pytest.approx(expected, abs=1e-6)


def test_summary_lists_steps(invariance):
    _, res = invariance
    text = res.summary()
    assert all(step in text for step in STEPS) and "delta_cfi" in text


def test_bad_steps_rejected(hs):
    with pytest.raises(ValueError, match="ordered subset"):
        measurement_invariance(hs, HS_MODEL, group="school", steps=("metric", "configural"))
