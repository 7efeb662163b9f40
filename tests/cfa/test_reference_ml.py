"""ML, MLR and FIML fits against lavaan 0.6.14 (fixtures: tests/reference/cfa/).

R: see tests/reference/cfa/make_cfa_fixtures.R, e.g. ``cfa(HS.model, data = hs)``.
"""

from __future__ import annotations

import numpy as np
import pytest
from cfa_helpers import (
    BRIEF_FIT_KEYS,
    FIML_ROBUST_KEYS,
    HS_MODEL,
    ROBUST_FIT_KEYS,
    assert_estimates_match,
    assert_fit_matches,
    reference,
)

from werkalliantie_stats.psychometrics.cfa.api import cfa


def test_hs_ml_headline_numbers(hs):
    res = cfa(hs, HS_MODEL)
    fm = res.fit_measures
    assert round(fm["chisq"], 3) == 85.306
    assert fm["df"] == 24
    assert round(fm["cfi"], 3) == 0.931
    assert (round(fm["rmsea"], 3), round(fm["rmsea_ci_lower"], 3),
            round(fm["rmsea_ci_upper"], 3)) == (0.092, 0.071, 0.114)
    assert round(fm["srmr"], 3) == 0.065


@pytest.mark.parametrize("name, kwargs", [
    ("hs_ml.json", {}),
    ("hs_ml_stdlv.json", {"std_lv": True}),
])
def test_ml_matches_lavaan(hs, name, kwargs):
    ref = reference(name)
    res = cfa(hs, HS_MODEL, **kwargs)
    assert_fit_matches(res.fit_measures, ref["fit_measures"], [*BRIEF_FIT_KEYS, "fmin", "bic2"])
    assert_estimates_match(res.estimates, ref, est_tol=2e-5, se_tol=1e-5)


def test_syntax_features_match_lavaan(hs):
    """Free marker (NA*), equal labels, fixed loading, fixed variance, residual covariance."""
    model = """
    # visual with a free first loading and a fixed variance
    visual  =~ NA*x1 + a*x2 + a*x3
    textual =~ x4 + 1*x5 + x6
    speed   =~ x7 + x8 +
               x9
    visual ~~ 1*visual
    x7 ~~ x8
    """
    ref = reference("hs_ml_syntax.json")
    res = cfa(hs, model)
    assert_fit_matches(res.fit_measures, ref["fit_measures"], BRIEF_FIT_KEYS)
    assert_estimates_match(res.estimates, ref, est_tol=2e-5, se_tol=1e-5)
    loads = res.estimates.set_index(["lhs", "op", "rhs"])["est"]
    assert loads[("visual", "=~", "x2")] == loads[("visual", "=~", "x3")]


def test_mlr_matches_lavaan(hs):
    ref = reference("hs_mlr.json")
    res = cfa(hs, HS_MODEL, estimator="MLR")
    assert_fit_matches(res.fit_measures, ref["fit_measures"], BRIEF_FIT_KEYS + ROBUST_FIT_KEYS)
    assert_estimates_match(res.estimates, ref, est_tol=2e-5, se_tol=1e-5)


def test_r_squared_matches_lavaan(hs):
    ref = reference("hs_ml.json")
    r2 = {r["lhs"]: r["est"] for r in ref["estimates"] if r["op"] == "r2"}
    res = cfa(hs, HS_MODEL)
    for item, value in r2.items():
        assert res.r_squared.loc[item, 1] == pytest.approx(value, abs=2e-5)


def test_fiml_matches_lavaan(hs_mcar):
    """lavaan: cfa(HS.model, data = hs_mcar, missing = "ml"): observed-information SEs."""
    ref = reference("hs_fiml.json")
    res = cfa(hs_mcar, HS_MODEL, missing="fiml")
    assert res.n_obs == (301,)
    assert_fit_matches(res.fit_measures, ref["fit_measures"],
                       BRIEF_FIT_KEYS + FIML_ROBUST_KEYS)
    assert_estimates_match(res.estimates, ref, est_tol=2e-5, se_tol=1e-5)


def test_fiml_mlr_matches_lavaan(hs_mcar):
    """Robust SEs and the Yuan-Bentler scaled test with FIML (A1, B1 at the EM moments);
    robust CFI/TLI/RMSEA from lavaan's FIML-corrected T3 and c3 ("V3")."""
    ref = reference("hs_fiml_mlr.json")
    res = cfa(hs_mcar, HS_MODEL, missing="fiml", estimator="MLR")
    assert_estimates_match(res.estimates, ref, est_tol=2e-5, se_tol=1e-5)
    scaled = ["chisq_scaled", "chisq_scaling_factor", "pvalue_scaled", "baseline_chisq_scaled",
              "cfi_scaled", "tli_scaled", "rmsea_scaled"]
    assert_fit_matches(res.fit_measures, ref["fit_measures"],
                       BRIEF_FIT_KEYS + scaled + FIML_ROBUST_KEYS)


def test_listwise_drops_incomplete_rows(hs_mcar):
    res = cfa(hs_mcar, HS_MODEL)
    complete = int(hs_mcar[[f"x{i}" for i in range(1, 10)]].notna().all(axis=1).sum())
    assert res.n_obs == (complete,)
    assert np.isfinite(res.fit_measures["chisq"])


@pytest.mark.parametrize("case, estimator", [("ml", "ML"), ("mlr", "MLR")])
def test_fiml_by_school_matches_lavaan(hs_mcar, case, estimator):
    """lavaan: cfa(HS.model, hs_mcar, group = "school", missing = "ml"[, estimator = "MLR"]):
    the robust indices weight each group's h1 information by n_g / N."""
    ref = reference("hs_fiml_school.json")[case]
    res = cfa(hs_mcar, HS_MODEL, group="school", missing="fiml", estimator=estimator)
    scaled = ["chisq_scaled", "chisq_scaling_factor", "baseline_chisq_scaled", "cfi_scaled"]
    keys = BRIEF_FIT_KEYS + FIML_ROBUST_KEYS + (scaled if estimator == "MLR" else [])
    assert_fit_matches(res.fit_measures, ref["fit_measures"], keys)
    assert_estimates_match(res.estimates, ref, est_tol=1e-4, se_tol=1e-4)
