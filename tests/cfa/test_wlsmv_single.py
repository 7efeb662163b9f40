"""cfa(estimator="WLSMV") through the CFA engine against lavaan 0.6.14.

R (tests/reference/cfa/wlsmv/make_wlsmv_fixtures.R)::

    cfa(model, data = na.omit(bfi[, items]), ordered = TRUE, estimator = "WLSMV")
    # also std.lv = TRUE; a model with a*A3 + a*A4 and C4 ~~ C5; and the synthetic
    # study's four-factor model of the client ratings at wave 1 (com4/bin4/ver4 re-keyed)

Every row of parameterEstimates(fit, standardized = TRUE) (thresholds, fixed residual
variances, scales, intercepts) is compared: estimates 1e-4 relative, SEs 1e-3 relative,
fit measures 2e-3 relative (the brief's bounds). Deviations seen: below 2.2e-6.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from ordinal_helpers import (
    FIT_KEYS,
    read_reference_csv,
    read_reference_json,
    synthetic_client_wave1,
)

from werkalliantie_stats.exceptions import EmptyCategoryWarning, ModelSyntaxError
from werkalliantie_stats.psychometrics.cfa.api import cfa

CASES = {
    "bfi_two_factor": {},
    "bfi_two_factor_std_lv": {"std_lv": True},
    "bfi_labels_rescov": {},
    "synthetic_client_wave1": {},
}


def _data(name: str, items: list[str]) -> pd.DataFrame:
    if name.startswith("synthetic"):
        return synthetic_client_wave1()
    bfi = read_reference_csv("data/bfi.csv")
    return bfi[[*items, "gender"]].dropna()[items]


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    ref = read_reference_json(f"cfa/wlsmv/{request.param}.json")
    res = cfa(_data(request.param, ref["items"]), ref["model"], estimator="WLSMV",
              **CASES[request.param])
    return res, ref


def _close(ours, theirs, rtol, floor=1e-2):
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    scale = np.maximum(np.abs(theirs), floor)
    return np.nanmax(np.abs(ours - theirs) / scale) < rtol


def test_rows_match_lavaan(case):
    res, ref = case
    theirs = pd.DataFrame(ref["estimates"])
    assert res.estimates[["lhs", "op", "rhs"]].values.tolist() == \
        theirs[["lhs", "op", "rhs"]].values.tolist()


def test_estimates(case):
    res, ref = case
    theirs = pd.DataFrame(ref["estimates"])
    assert _close(res.estimates["est"], theirs["est"], 1e-4)
    assert _close(res.estimates["std_all"], theirs["std.all"], 1e-4)
    assert _close(res.estimates["std_lv"], theirs["std.lv"], 1e-4)


def test_standard_errors(case):
    res, ref = case
    theirs = pd.DataFrame(ref["estimates"])
    assert _close(res.estimates["se"], theirs["se"], 1e-3)


@pytest.mark.parametrize("key", FIT_KEYS)
def test_fit_measures(case, key):
    res, ref = case
    theirs = ref["fit_measures"][key.replace("_", ".") if key not in ("srmr",) else key]
    assert np.isclose(res.fit_measures[key], theirs, rtol=2e-3, atol=1e-8)


def test_r_squared_is_common_variance(case):
    res, ref = case
    theirs = pd.DataFrame(ref["estimates"])
    resid = theirs[(theirs["op"] == "~~") & (theirs["lhs"] == theirs["rhs"])
                   & theirs["lhs"].isin(ref["items"])].set_index("lhs")["est"]
    assert np.allclose(res.r_squared[1].loc[resid.index], 1 - resid, atol=1e-5)


def test_summary_prints_thresholds(case):
    res, _ = case
    text = res.summary()
    assert "Thresholds:" in text
    first = res.ov_names[0]
    assert f"{first}|t1" in text
    assert "Estimator" in text and "WLSMV" in text


def test_input_not_modified():
    ref = read_reference_json("cfa/wlsmv/bfi_two_factor.json")
    data = _data("bfi", ref["items"])
    before = data.copy()
    cfa(data, ref["model"], estimator="WLSMV")
    pd.testing.assert_frame_equal(data, before)


def _small():
    rng = np.random.default_rng(3)
    f = rng.normal(size=(400, 1))
    y = 0.8 * f + 0.6 * rng.normal(size=(400, 4))
    return pd.DataFrame(np.digitize(y, [-0.7, 0.0, 0.7]) + 1, columns=["a", "b", "c", "d"])


def test_ordered_true_equals_default():
    data = _small()
    one = cfa(data, "f =~ a + b + c + d", estimator="WLSMV")
    two = cfa(data, "f =~ a + b + c + d", estimator="WLSMV", ordered=True)
    three = cfa(data, "f =~ a + b + c + d", estimator="wlsmv", ordered=["a", "b", "c", "d"])
    assert np.allclose(one.estimates["est"], two.estimates["est"])
    assert np.allclose(one.estimates["est"], three.estimates["est"])


def test_empty_category_warns():
    data = _small()
    data.loc[data["a"] == 3, "a"] = 4  # codes 1, 2, 4: category 3 empty
    with pytest.warns(EmptyCategoryWarning, match="'a'"):
        res = cfa(data, "f =~ a + b + c + d", estimator="WLSMV")
    est = res.estimates
    assert ((est["lhs"] == "a") & (est["op"] == "|")).sum() == 2  # 3 categories used


def test_ordered_errors():
    data = _small()
    with pytest.raises(ValueError, match=r"cfa: ordered items .* need estimator='WLSMV'"):
        cfa(data, "f =~ a + b + c + d", ordered=True)
    with pytest.raises(ValueError, match=r"cfa: `ordered` names \['x'\]"):
        cfa(data, "f =~ a + b + c + d", estimator="WLSMV", ordered=["x"])
    with pytest.raises(ValueError, match=r"mixed continuous/ordered"):
        cfa(data, "f =~ a + b + c + d", estimator="WLSMV", ordered=["a"])
    with pytest.raises(TypeError, match="cfa: `ordered` must be"):
        cfa(data, "f =~ a + b + c + d", estimator="WLSMV", ordered="a")
    with pytest.raises(ValueError, match="missing='fiml'"):
        cfa(data, "f =~ a + b + c + d", estimator="WLSMV", missing="fiml")


def test_syntax_errors_for_ordered_items():
    data = _small()
    with pytest.raises(ModelSyntaxError, match="residual variance of ordered item 'a'"):
        cfa(data, "f =~ a + b + c + d\na ~~ a", estimator="WLSMV")
    with pytest.raises(ModelSyntaxError, match="threshold 't4' of 'a' does not exist"):
        cfa(data, "f =~ a + b + c + d\na | t1 + t2 + t4", estimator="WLSMV")
    with pytest.raises(ModelSyntaxError, match=r"'z' in 'z \| \.\.\.' is not an indicator"):
        cfa(data.assign(z=data["a"]), "f =~ a + b + c + d\nz | t1", estimator="WLSMV")
    with pytest.raises(ModelSyntaxError, match="same variable on both"):
        cfa(data, "f =~ a + b + c + d\na ~*~ b", estimator="WLSMV")


def test_explicit_default_lines_change_nothing():
    """Threshold, scale and intercept lines that restate lavaan's defaults (as
    measEq.syntax writes them) give the default fit."""
    data = _small()
    plain = cfa(data, "f =~ a + b + c + d", estimator="WLSMV")
    spelled = cfa(data, "f =~ NA*a + lam*a + b + c + d\nf ~~ 1*f\n"
                  "a | NA*t1 + a.thr1*t1 + t2 + t3\na ~*~ 1*a\na ~ 0*1 + nu.a*1",
                  estimator="WLSMV", std_lv=True)
    ref = cfa(data, "f =~ a + b + c + d", estimator="WLSMV", std_lv=True)
    keys = ["lhs", "op", "rhs"]
    merged = ref.estimates.merge(spelled.estimates, on=keys, suffixes=("", "_s"))
    assert len(merged) == len(ref.estimates)
    np.testing.assert_allclose(merged["est_s"], merged["est"], atol=1e-10)
    np.testing.assert_allclose(merged["se_s"], merged["se"], atol=1e-10)
    assert spelled.fit_measures["chisq"] == pytest.approx(plain.fit_measures["chisq"], abs=1e-8)
    assert spelled.fit_measures["df"] == plain.fit_measures["df"]
    labels = spelled.estimates.set_index(keys)["label"]
    assert labels[("a", "|", "t1")] == "a.thr1" and labels[("a", "~1", "")] == "nu.a"


def test_free_threshold_shift_and_scale_are_identified_by_fixed_thresholds():
    """x | 0*t1 fixes a threshold; freeing that item's intercept keeps the same fit
    (a reparameterisation), the estimated intercept equals minus the threshold."""
    data = _small()
    ref = cfa(data, "f =~ a + b + c + d", estimator="WLSMV")
    shifted = cfa(data, "f =~ a + b + c + d\na | 0*t1 + t2 + t3\na ~ NA*1",
                  estimator="WLSMV")
    assert shifted.fit_measures["chisq"] == pytest.approx(ref.fit_measures["chisq"], abs=1e-7)
    est = ref.estimates.set_index(["lhs", "op", "rhs"])["est"]
    est_s = shifted.estimates.set_index(["lhs", "op", "rhs"])["est"]
    assert est_s[("a", "~1", "")] == pytest.approx(-est[("a", "|", "t1")], abs=1e-6)
    assert est_s[("a", "|", "t2")] == pytest.approx(est[("a", "|", "t2")]
                                                     - est[("a", "|", "t1")], abs=1e-6)


def test_result_methods_work_for_wlsmv():
    """Modification indices, factor scores and omega exist for WLSMV fits (checked against
    lavaan/semTools in test_wlsmv_extras_reference.py)."""
    data = _small()
    res = cfa(data, "f =~ a + b + c + d", estimator="WLSMV")
    assert list(res.modification_indices().columns) == ["lhs", "op", "rhs", "mi", "epc",
                                                         "sepc_lv", "sepc_all"]
    assert res.factor_scores().shape == (len(data.dropna()), 1)
    assert 0 < float(res.composite_reliability().loc["f", 1]) < 1


def test_no_warning_on_clean_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cfa(_small(), "f =~ a + b + c + d", estimator="WLSMV")


def test_correlation_residuals_match_lavaan():
    """R: residuals(fit, type = "cor")$cov (polychorics minus implied correlations)."""
    ref = read_reference_json("cfa/wlsmv/bfi_two_factor.json")
    res = cfa(_data("bfi", ref["items"]), ref["model"], estimator="WLSMV")
    assert np.allclose(res.residuals("cor").to_numpy(), np.array(ref["residuals_cor"]),
                       atol=1e-5)
    assert np.allclose(res.implied()["cov"].to_numpy().diagonal(), 1.0)
