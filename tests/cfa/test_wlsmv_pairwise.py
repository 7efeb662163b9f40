"""WLSMV with missing="pairwise" against lavaan 0.6.14.

R (tests/reference/cfa/make_wlsmv_pairwise_fixtures.R)::

    cfa(model, data = bfi[, items], ordered = TRUE, estimator = "WLSMV",
        missing = "pairwise")
    # also by gender with group.equal = c() / "loadings" / c("loadings", "thresholds")
    # and lavTestLRT(configural, metric, scalar); the synthetic study's four-factor
    # model of the client ratings at wave 1 (com4/bin4/ver4 re-keyed); and the paired
    # client-vs-officer sequence (measEq.syntax, Wu & Estabrook 2016) with pairwise

Compared: the sample statistics (wls.obs, gamma, DWLS weights), every row of
parameterEstimates(fit, standardized = TRUE), fitMeasures(fit), nobs/ntotal and the
scaled-shifted difference tests. Tolerances tighter than the brief's (estimates 1e-3
abs, SEs 1e-3, fit 2e-3): estimates 1e-4 abs, SEs 1e-4 relative, fit 1e-4 relative.
Largest deviations seen: estimates 1.8e-5 (paired; 5.2e-6 elsewhere), SEs 6.2e-7
(relative), fit measures 1.6e-5 relative (paired robust RMSEA CI; 7.2e-7 elsewhere),
statistics vector 2.2e-8, gamma 5.7e-9 (relative to its largest element).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ordinal_helpers import SYNTHETIC_ITEMS, read_reference_csv, read_reference_json

from werkalliantie_stats.psychometrics.cfa.api import cfa
from werkalliantie_stats.psychometrics.cfa.invariance import measurement_invariance
from werkalliantie_stats.psychometrics.cfa.ordinal import ordinal_sample_statistics

EST_TOL, SE_TOL, FIT_TOL = 1e-4, 1e-4, 1e-4


def _bfi(items: list[str], group: str | None = None) -> pd.DataFrame:
    bfi = read_reference_csv("data/bfi.csv")
    return bfi[items + ([group] if group else [])]


def _synthetic_client_wave1_incomplete() -> pd.DataFrame:
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "data" / "synthetic" / "questionnaires.csv"
    q = pd.read_csv(path)
    q = q[(q["wave"] == 1) & (q["rater"] == "client")][SYNTHETIC_ITEMS].copy()
    for item in ("com4", "bin4", "ver4"):
        q[item] = 6 - q[item]
    return q


def _reference(name: str) -> dict:
    return read_reference_json(f"cfa/wlsmv_pairwise/{name}.json")


@pytest.fixture(scope="module")
def bfi_single():
    ref = _reference("bfi_two_factor")
    return cfa(_bfi(ref["items"]), ref["model"], estimator="WLSMV", missing="pairwise"), ref


@pytest.fixture(scope="module")
def synthetic():
    ref = _reference("synthetic_client_wave1")
    res = cfa(_synthetic_client_wave1_incomplete(), ref["model"], estimator="WLSMV",
              missing="pairwise")
    return res, ref


@pytest.fixture(scope="module")
def gender():
    ref = _reference("bfi_gender_invariance")
    res = measurement_invariance(_bfi(ref["items"], "gender"), ref["model"], group="gender",
                                 estimator="WLSMV", missing="pairwise")
    return res, ref


def _single_cases(request):
    res, ref = request.getfixturevalue(request.param[0])
    if request.param[1] is None:
        return res, ref
    return res.fits[request.param[1]], ref["steps"][request.param[1]]


@pytest.fixture(scope="module", params=[("bfi_single", None), ("synthetic", None),
                                        ("gender", "configural"), ("gender", "metric"),
                                        ("gender", "scalar")],
                ids=lambda p: p[0] if p[1] is None else f"{p[0]}-{p[1]}")
def case(request):
    return _single_cases(request)


def test_rows_match_lavaan(case):
    res, ref = case
    theirs = pd.DataFrame(ref["estimates"])
    keys = ["lhs", "op", "rhs"] + (["group"] if "group" in theirs else [])
    assert res.estimates[keys].values.tolist() == theirs[keys].values.tolist()


def test_estimates_match_lavaan(case):
    res, ref = case
    theirs = pd.DataFrame(ref["estimates"])
    for ours, col in (("est", "est"), ("std_lv", "std.lv"), ("std_all", "std.all")):
        np.testing.assert_allclose(res.estimates[ours], theirs[col], rtol=0, atol=EST_TOL)


def test_standard_errors_match_lavaan(case):
    res, ref = case
    theirs = pd.DataFrame(ref["estimates"])["se"].to_numpy(float)
    ours = res.estimates["se"].to_numpy()
    assert np.max(np.abs(ours - theirs) / np.maximum(theirs, 1e-2)) < SE_TOL


def test_fit_measures_match_lavaan(case):
    """Every fitMeasures() value lavaan reports with pairwise deletion (robust CFI/TLI/RMSEA
    included: lavaan gives them, except NA in the scalar step where the scale factors are
    free, and ours are NaN there too); compared wherever we compute the measure."""
    res, ref = case
    compared = 0
    for key, theirs in ref["fit_measures"].items():
        ours_key = key.replace(".", "_")
        if ours_key not in res.fit_measures.index:
            continue
        ours = float(res.fit_measures[ours_key])
        compared += 1
        if theirs is None:  # lavaan's NA (robust indices with free scale factors)
            assert np.isnan(ours), key
            continue
        assert ours == pytest.approx(theirs, rel=FIT_TOL, abs=1e-8), key
    assert compared >= 45


def test_case_counts_as_lavaan(case):
    """ntotal/nobs: every row with at least one answer (lavaan drops only empty rows)."""
    res, ref = case
    assert res.fit_measures["ntotal"] == ref["ntotal"]
    assert list(res.n_obs) == list(np.atleast_1d(ref["nobs"]))
    assert res.missing == "pairwise"


def test_more_cases_than_listwise(bfi_single, synthetic):
    for res, ref in (bfi_single, synthetic):
        assert res.fit_measures["ntotal"] > ref["ntotal_listwise"]
    assert synthetic[1]["ntotal"] == 267 and synthetic[1]["ntotal_listwise"] == 160


def test_sample_statistics_match_lavaan():
    ref = _reference("bfi_two_factor")
    stats = ordinal_sample_statistics(_bfi(ref["items"]), missing="pairwise")
    assert stats.nobs == ref["ntotal"]
    np.testing.assert_allclose(stats.vector, ref["wls_obs"], rtol=0, atol=1e-6)
    gamma = np.array(ref["gamma"])
    np.testing.assert_allclose(stats.gamma, gamma, rtol=0, atol=1e-6 * np.abs(gamma).max())
    np.testing.assert_allclose(stats.weights, ref["wls_v_diag"], rtol=1e-6)


def test_synthetic_sample_statistics_match_lavaan():
    ref = _reference("synthetic_client_wave1")
    stats = ordinal_sample_statistics(_synthetic_client_wave1_incomplete(), missing="pairwise")
    np.testing.assert_allclose(stats.vector, ref["wls_obs"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(np.diag(stats.gamma), ref["gamma_diag"], rtol=1e-6)


def test_difference_tests_match_lavtestlrt(gender):
    res, ref = gender
    lrt = ref["lrt"]
    table = res.table
    np.testing.assert_allclose(table["chisq"], lrt["chisq"], rtol=FIT_TOL)
    np.testing.assert_allclose(table["chisq_diff"].iloc[1:], lrt["chisq_diff"][1:],
                               rtol=FIT_TOL)
    np.testing.assert_allclose(table["df_diff"].iloc[1:], lrt["df_diff"][1:])
    np.testing.assert_allclose(table["pvalue_diff"].iloc[1:], lrt["pvalue"][1:], rtol=FIT_TOL)


def test_group_labels_as_lavaan(gender):
    res, ref = gender
    assert list(res.fits["configural"].group_labels) == [str(g) for g in ref["group_labels"]]


# --------------------------------------------------------------------------- properties


def _small(n: int = 400, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 1))
    y = 0.8 * f + 0.6 * rng.normal(size=(n, 4))
    return pd.DataFrame(np.digitize(y, [-0.7, 0.0, 0.7]) + 1, columns=["a", "b", "c", "d"])


MODEL = "f =~ a + b + c + d"


def test_complete_data_pairwise_equals_listwise():
    data = _small()
    one = cfa(data, MODEL, estimator="WLSMV")
    two = cfa(data, MODEL, estimator="WLSMV", missing="pairwise")
    np.testing.assert_allclose(two.estimates["est"], one.estimates["est"], atol=1e-12)
    np.testing.assert_allclose(two.estimates["se"], one.estimates["se"], atol=1e-12)
    assert two.fit_measures["chisq_scaled"] == pytest.approx(one.fit_measures["chisq_scaled"])


def test_empty_rows_are_ignored():
    data = _small().astype(float)
    holes = data.mask(np.random.default_rng(5).random(data.shape) < 0.05)
    padded = pd.concat([holes, pd.DataFrame(np.nan, index=[900, 901], columns=data.columns)])
    one = cfa(holes, MODEL, estimator="WLSMV", missing="pairwise")
    two = cfa(padded, MODEL, estimator="WLSMV", missing="pairwise")
    assert two.fit_measures["ntotal"] == one.fit_measures["ntotal"] == len(holes)
    np.testing.assert_allclose(two.estimates["est"], one.estimates["est"], atol=1e-12)


def test_input_not_modified():
    data = _small().astype(float)
    data.iloc[::7, 0] = np.nan
    before = data.copy()
    cfa(data, MODEL, estimator="WLSMV", missing="pairwise")
    pd.testing.assert_frame_equal(data, before)


def test_pairwise_is_only_for_wlsmv():
    with pytest.raises(ValueError, match=r"cfa: `missing` 'pairwise' is for ordered items"):
        cfa(_small(), MODEL, estimator="MLR", missing="pairwise")
    with pytest.raises(ValueError, match=r"with estimator='WLSMV' `missing` must be"):
        cfa(_small(), MODEL, estimator="WLSMV", missing="fiml")
    with pytest.raises(ValueError, match=r"cfa: `missing` must be one of"):
        cfa(_small(), MODEL, estimator="WLSMV", missing="available")


def test_statistics_reject_unknown_missing():
    with pytest.raises(ValueError, match=r"ordinal_sample_statistics: `missing` must be one"):
        ordinal_sample_statistics(_small(), missing="pair")


def test_pair_never_answered_together_is_an_error():
    data = _small().astype(float)
    data.loc[:199, "a"] = np.nan
    data.loc[200:, "b"] = np.nan
    with pytest.raises(ValueError, match=r"items 'a' and 'b' are answered together by 0"):
        ordinal_sample_statistics(data, missing="pairwise")


def test_item_without_answers_in_a_group_is_an_error():
    data = _small().astype(float)
    data["g"] = np.repeat(["x", "y"], 200)
    data.loc[data["g"] == "y", "a"] = np.nan
    with pytest.raises(ValueError, match=r"column 'a' of `data` has no answers in group 'y'"):
        ordinal_sample_statistics(data, items=["a", "b", "c", "d"], group="g",
                                  missing="pairwise")


# --------------------------------------------------------------------------- paired raters


PAIRED_STEPS = ["configural", "thresholds", "metric", "scalar"]


@pytest.fixture(scope="module")
def raters():
    """Client vs officer at wave 1, one row per dyad with both questionnaires, incomplete
    rows kept; R: measEq.syntax(..., missing = "pairwise") + cfa(..., missing = "pairwise").
    """
    import warnings

    import werkalliantie_stats as ws
    from werkalliantie_stats.psychometrics.cfa.longitudinal import longitudinal_invariance

    ref = _reference("synthetic_raters")
    data = ws.load_synthetic().paired_items(pair="rater", wave=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = longitudinal_invariance(data, ref["model"], ref["occasions"],
                                      estimator="WLSMV", missing="pairwise")
    return res, ref


@pytest.mark.parametrize("step", PAIRED_STEPS)
def test_paired_estimates_match_lavaan(raters, step):
    res, ref = raters
    theirs = pd.DataFrame(ref[step]["estimates"])
    merged = res.fits[step].estimates.merge(theirs, on=["lhs", "op", "rhs"],
                                            suffixes=("", "_r"))
    assert len(merged) == len(theirs) == len(res.fits[step].estimates)
    np.testing.assert_allclose(merged["est"], merged["est_r"], rtol=0, atol=EST_TOL)
    se = merged["se_r"].to_numpy(float)
    assert np.nanmax(np.abs(merged["se"] - se) / np.maximum(se, 1e-2)) < SE_TOL


@pytest.mark.parametrize("step", PAIRED_STEPS)
def test_paired_fit_measures_match_lavaan(raters, step):
    res, ref = raters
    fm = res.fits[step].fit_measures
    assert fm["ntotal"] == ref[step]["ntotal"] == ref["nrow"]
    for key, theirs in ref[step]["fit_measures"].items():
        ours_key = key.replace(".", "_")
        if ours_key in fm.index:
            if theirs is None:
                assert np.isnan(fm[ours_key]), key
            else:
                assert fm[ours_key] == pytest.approx(theirs, rel=FIT_TOL, abs=1e-8), key


def test_paired_difference_tests_match_lavtestlrt(raters):
    res, ref = raters
    lrt = ref["lrt"]
    np.testing.assert_allclose(res.table["chisq"], lrt["chisq"], rtol=FIT_TOL)
    np.testing.assert_allclose(res.table["chisq_diff"].iloc[1:], lrt["chisq_diff"][1:],
                               rtol=FIT_TOL)
    np.testing.assert_allclose(res.table["pvalue_diff"].iloc[1:], lrt["pvalue"][1:],
                               rtol=FIT_TOL)


def test_paired_recoding_on_available_cases_matches_the_r_script(raters):
    """Categories are merged where an item's *answered* cases leave one empty on an
    occasion (pairwise keeps more dyads, so fewer categories are empty than listwise)."""
    res, ref = raters
    theirs = pd.DataFrame(ref["recoded"])
    ours = res.recoded.reset_index(drop=True)
    assert ours["item"].tolist() == theirs["item"].tolist()
    assert ours["category"].tolist() == theirs["category"].tolist()
    assert ours["merged_into"].tolist() == theirs["merged_into"].tolist()
    assert ours["n_recoded"].tolist() == theirs["n_recoded"].tolist()
    assert ref["ntotal_listwise"] == 75 and ref["nrow"] == 267


# --------------------------------------------------------------------------- result methods


def test_modification_indices_match_lavaan(bfi_single):
    """modindices(fit) of the pairwise fit: same rows, same order, MI/EPC/sepc within
    1e-3 relative (floor 0.01), the tolerance of test_wlsmv_extras_reference.py: an MI is
    a squared gradient at the estimates, so their 1e-6 differences show up amplified
    (largest seen 7.3e-4, on MIs below 1)."""
    res, ref = bfi_single
    ours, theirs = res.modification_indices(), pd.DataFrame(ref["modindices"])
    assert ours[["lhs", "op", "rhs"]].values.tolist() == \
        theirs[["lhs", "op", "rhs"]].values.tolist()
    for col in ("mi", "epc", "sepc_lv", "sepc_all"):
        theirs_col = theirs[col.replace("_", ".")].to_numpy(float)
        scale = np.maximum(np.abs(theirs_col), 1e-2)
        assert np.max(np.abs(ours[col].to_numpy() - theirs_col) / scale) < 1e-3, col


def test_composite_reliability_matches_semtools(bfi_single):
    res, ref = bfi_single
    ours = res.composite_reliability()[1]
    for factor, value in ref["comp_rel"].items():
        assert ours[factor] == pytest.approx(value, abs=1e-6)


def test_factor_scores_match_lavpredict(bfi_single):
    """EBM scores of every case, incomplete ones included (each from its answered items).
    lavPredict stops its BFGS at reltol 1e-8, up to ~5e-4 from the exact mode (see
    test_wlsmv_extras_reference.py), hence 1e-3 here."""
    res, ref = bfi_single
    theirs = np.array(ref["factor_scores"], dtype=float)
    ours = res.factor_scores().to_numpy()
    assert ours.shape == theirs.shape == (2800, 2)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-3)
