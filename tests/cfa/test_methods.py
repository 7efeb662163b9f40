"""Result methods against lavaan/semTools: modindices, lavPredict, compRelSEM, residuals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cfa_helpers import HS_MODEL, reference

from werkalliantie_stats.psychometrics.cfa.api import cfa


@pytest.fixture(scope="module")
def hs_fit(hs):
    return cfa(hs, HS_MODEL)


@pytest.mark.parametrize("name, estimator", [("hs_ml.json", "ML"), ("hs_mlr.json", "MLR")])
def test_modification_indices_match_lavaan(hs, name, estimator):
    """lavaan: modindices(fit) (expected information, also for MLR)."""
    ours = cfa(hs, HS_MODEL, estimator=estimator).modification_indices()
    ref = pd.DataFrame(reference(name)["modindices"])
    m = ours.merge(ref, on=["lhs", "op", "rhs"], validate="one_to_one")
    assert len(m) == len(ref) == len(ours) == 54
    np.testing.assert_allclose(m["mi_x"], m["mi_y"], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(m["epc_x"], m["epc_y"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(m["sepc_lv"], m["sepc.lv"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(m["sepc_all"], m["sepc.all"], rtol=1e-4, atol=1e-5)


def test_modification_indices_filter_and_sort(hs_fit):
    top = hs_fit.modification_indices(minimum_mi=10, sort=True)
    assert top["mi"].is_monotonic_decreasing and (top["mi"] >= 10).all()
    assert tuple(top.iloc[0][["lhs", "op", "rhs"]]) == ("visual", "=~", "x9")


def test_factor_scores_match_lavpredict(hs, hs_fit):
    ref = reference("hs_ml.json")
    scores = hs_fit.factor_scores()
    assert list(scores.columns) == ref["lv_names"]
    assert scores.index.equals(hs.index)
    np.testing.assert_allclose(scores.iloc[:10].to_numpy(), ref["factor_scores_head"],
                               atol=1e-5)


def test_composite_reliability_matches_comprelsem(hs_fit):
    ref = reference("hs_ml.json")["comp_rel"]
    omega = hs_fit.composite_reliability()[1]
    for factor, value in ref.items():
        assert omega[factor] == pytest.approx(value, abs=1e-5)
    implied = hs_fit.composite_reliability(observed=False)[1]
    assert (implied != omega).all()


def test_implied_and_residual_correlations_match_lavaan(hs_fit):
    ref = reference("hs_ml.json")
    np.testing.assert_allclose(hs_fit.implied()["cov"].to_numpy(), ref["implied_cov"], atol=1e-5)
    np.testing.assert_allclose(hs_fit.residuals("cor").to_numpy(), ref["residual_cor"],
                               atol=1e-5)
    raw = hs_fit.residuals("raw")
    assert list(raw.columns) == ref["ov_names"]
    with pytest.raises(ValueError, match="'raw' or 'cor'"):
        hs_fit.residuals("standardized")


def test_summary_reads_like_lavaan(hs, hs_fit):
    text = hs_fit.summary()
    for piece in ["Model Test User Model:", "Comparative Fit Index (CFI)", "85.306",
                  "Latent Variables:", "visual =~", "Std.all", "SRMR", "Variances:"]:
        assert piece in text
    robust = cfa(hs, HS_MODEL, estimator="MLR").summary()
    assert "Scaled" in robust and "87.132" in robust and "Robust RMSEA" in robust
    grouped = cfa(hs, HS_MODEL, group="school").summary()
    assert "Group 2 [Grant-White]:" in grouped and "Intercepts:" in grouped
    assert "<pre>" in hs_fit._repr_html_()


def test_summary_with_fiml_and_mlr(hs_mcar):
    text = cfa(hs_mcar, HS_MODEL, missing="fiml", estimator="MLR").summary()
    assert "Scaling correction factor" in text and "Intercepts:" in text
    # lavaan: summary(fit, fit.measures = TRUE) prints the FIML-corrected robust indices
    lines = {line[:44].strip(): line[44:].split() for line in text.splitlines()}
    assert lines["Robust Comparative Fit Index (CFI)"] == ["0.930"]
    assert lines["Robust RMSEA"] == ["0.094"]
    plain = cfa(hs_mcar, HS_MODEL, missing="fiml").summary()
    lines = {line[:44].strip(): line[44:].split() for line in plain.splitlines()}
    assert lines["Robust Tucker-Lewis Index (TLI)"] == ["0.892"]


def test_to_frame_is_estimates(hs_fit):
    frame = hs_fit.to_frame()
    assert list(frame.columns) == ["lhs", "op", "rhs", "label", "est", "se", "z", "pvalue",
                                   "ci_lower", "ci_upper", "std_lv", "std_all"]
    row = frame.iloc[1]
    assert row["ci_lower"] == pytest.approx(row["est"] - 1.959963985 * row["se"])


def test_ci_level_is_a_field(hs):
    res = cfa(hs, HS_MODEL, ci_level=0.90)
    row = res.estimates.iloc[1]
    assert res.ci_level == 0.90
    assert row["ci_upper"] == pytest.approx(row["est"] + 1.644853627 * row["se"])


def test_multi_group_factor_scores_have_group_column(hs):
    res = cfa(hs, HS_MODEL, group="school")
    scores = res.factor_scores()
    assert scores["group"].tolist()[:1] == ["Pasteur"] and len(scores) == 301
    assert list(res.composite_reliability().columns) == [1, 2]


@pytest.mark.parametrize("name, kwargs", [
    ("school_equal_loadings", {"group": "school", "group_equal": ("loadings",)}),
    ("orthogonal", {}),
])
def test_modification_indices_test_freed_fixed_rows_as_lavaan(hs, name, kwargs):
    """lavaan frees fixed rows too: with equal loadings the marker loadings of each group
    are testable; a user-fixed factor covariance (visual ~~ 0*speed) is tested
    (tests/reference/cfa/make_modindices_ml_fixtures.R)."""
    ref = reference("modindices_ml.json")[name]
    ours = cfa(hs, ref["model"], **kwargs).modification_indices()
    theirs = pd.DataFrame(ref["modindices"])
    keys = ["lhs", "op", "rhs"] + (["group"] if "group" in theirs else [])
    assert ours[keys].values.tolist() == theirs[keys].values.tolist()
    for col in ("mi", "epc", "sepc_lv", "sepc_all"):
        np.testing.assert_allclose(ours[col], theirs[col], rtol=1e-4, atol=1e-4)
