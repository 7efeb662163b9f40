"""Paired (client/officer) invariance in one model vs semTools::measEq.syntax(longFacNames=).

R: tests/reference/cfa/make_longitudinal_fixtures.R (simulated wide data, n = 320).
"""

from __future__ import annotations

import pytest
from cfa_helpers import (
    BRIEF_FIT_KEYS,
    ROBUST_FIT_KEYS,
    assert_estimates_match,
    assert_fit_matches,
    load_paired_wide,
    reference,
)

from werkalliantie_stats.psychometrics.cfa.longitudinal import (
    instrument_model,
    longitudinal_invariance,
    longitudinal_syntax,
)

BASE = "com =~ c1 + c2 + c3\nbin =~ b1 + b2 + b3"
OCCASIONS = {"client": "_client", "officer": "_officer"}
STEPS = ["configural", "metric", "scalar", "strict"]


class TinyInstrument:
    """Stand-in for the lead's Instrument: .subscales and .items_of()."""

    subscales = ("com", "bin")

    def items_of(self, subscale):
        return {"com": ("c1", "c2", "c3"), "bin": ("b1", "b2", "b3")}[subscale]


@pytest.fixture(scope="module", params=["ML", "MLR"])
def paired(request):
    return request.param, longitudinal_invariance(load_paired_wide(), BASE, OCCASIONS,
                                                  estimator=request.param)


def test_each_step_matches_lavaan(paired):
    estimator, res = paired
    ref = reference(f"paired_{estimator.lower()}.json")
    keys = BRIEF_FIT_KEYS + (ROBUST_FIT_KEYS if estimator == "MLR" else [])
    for step in STEPS:
        assert_fit_matches(res.fits[step].fit_measures, ref[step]["fit_measures"], keys)
        assert_estimates_match(res.fits[step].estimates, ref[step], est_tol=1e-4, se_tol=1e-4)


def test_difference_tests_match_lavtestlrt(paired):
    estimator, res = paired
    lrt = reference(f"paired_{estimator.lower()}.json")["lrt"]
    for step, row in zip(STEPS[1:], lrt[1:], strict=True):
        assert res.table.loc[step, "df_diff"] == row["Df diff"]
        assert res.table.loc[step, "chisq_diff"] == pytest.approx(row["Chisq diff"], rel=1e-5)
        assert res.table.loc[step, "pvalue_diff"] == pytest.approx(row["Pr(>Chisq)"], rel=1e-4)


def test_instrument_gives_same_model_as_text():
    assert instrument_model(TinyInstrument()) == "com =~ c1 + c2 + c3\nbin =~ b1 + b2 + b3"
    assert instrument_model(TinyInstrument(), "_w1").startswith("com_w1 =~ c1_w1 + c2_w1")
    res = longitudinal_invariance(load_paired_wide(), TinyInstrument(), OCCASIONS,
                                  steps=("configural", "metric"))
    ref = reference("paired_ml.json")
    assert res.fits["metric"].fit_measures["chisq"] == pytest.approx(
        ref["metric"]["fit_measures"]["chisq"], rel=1e-6)


def test_partial_frees_one_intercept():
    text = longitudinal_syntax(BASE, ["_client", "_officer"], "scalar", partial=["c2~1"])
    assert "c2_officer ~ NA*1" in text and "c1_officer ~ NA*nu_c1*1" in text
    res = longitudinal_invariance(load_paired_wide(), BASE, OCCASIONS, partial=["c2 ~ 1"])
    assert res.table.loc["scalar", "df_diff"] == 3


def test_bad_arguments():
    wide = load_paired_wide()
    with pytest.raises(ValueError, match="at least two"):
        longitudinal_invariance(wide, BASE, {"client": "_client"})
    with pytest.raises(ValueError, match="repeated suffixes"):
        longitudinal_invariance(wide, BASE, {"a": "_client", "b": "_client"})
    with pytest.raises(ValueError, match="only contain '=~'"):
        longitudinal_invariance(wide, BASE + "\nc1 ~~ b1", OCCASIONS)
    with pytest.raises(TypeError, match="items_of"):
        instrument_model(object())
