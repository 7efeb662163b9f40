"""Multi-group fits by school against lavaan (group.equal / group.partial / c() vectors)."""

from __future__ import annotations

import pytest
from cfa_helpers import (
    BRIEF_FIT_KEYS,
    HS_MODEL,
    ROBUST_FIT_KEYS,
    assert_estimates_match,
    assert_fit_matches,
    reference,
)

from werkalliantie_stats.psychometrics.cfa.api import cfa

STEPS = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "intercepts"),
         "strict": ("loadings", "intercepts", "residuals")}


@pytest.mark.parametrize("estimator", ["ML", "MLR"])
@pytest.mark.parametrize("step", list(STEPS))
def test_invariance_steps_match_lavaan(hs, estimator, step):
    ref = reference(f"hs_school_{estimator.lower()}.json")[step]
    res = cfa(hs, HS_MODEL, group="school", group_equal=STEPS[step], estimator=estimator)
    keys = BRIEF_FIT_KEYS + (ROBUST_FIT_KEYS if estimator == "MLR" else [])
    assert_fit_matches(res.fit_measures, ref["fit_measures"], keys)
    assert_estimates_match(res.estimates, ref, est_tol=1e-4, se_tol=1e-4)
    assert res.group_labels == ("Pasteur", "Grant-White")


@pytest.mark.parametrize("case, kwargs", [
    ("means", {"group_equal": ("loadings", "intercepts", "means")}),
    ("partial", {"group_equal": ("loadings", "intercepts"),
                 "group_partial": ("visual=~x2", "x7 ~ 1")}),
    ("stdlv_metric", {"group_equal": ("loadings",), "std_lv": True}),
    ("lv_equal", {"group_equal": ("loadings", "residual.covariances", "lv.variances",
                                  "lv.covariances"), "extra": "x7 ~~ x8"}),
])
def test_more_group_constraints_match_lavaan(hs, case, kwargs):
    """std.lv with equal loadings frees factor variances after group 1, as lavaan."""
    ref = reference("hs_school_more.json")[case]
    kwargs = dict(kwargs)
    model = HS_MODEL + kwargs.pop("extra", "")
    res = cfa(hs, model, group="school", **kwargs)
    assert_fit_matches(res.fit_measures, ref["fit_measures"], BRIEF_FIT_KEYS)
    assert_estimates_match(res.estimates, ref, est_tol=1e-4, se_tol=1e-4)


def test_group_vectors_match_lavaan(hs):
    model = """
    visual  =~ x1 + c(v2, v2)*x2 + c(0.5, NA)*x3
    textual =~ x4 + x5 + x6
    speed   =~ x7 + x8 + x9
    """
    ref = reference("hs_school_more.json")["vectors"]
    res = cfa(hs, model, group="school")
    assert_fit_matches(res.fit_measures, ref["fit_measures"], BRIEF_FIT_KEYS)
    assert_estimates_match(res.estimates, ref, est_tol=1e-4, se_tol=1e-4)
    x3 = res.estimates.query("rhs == 'x3' and op == '=~'")
    assert x3["est"].iloc[0] == 0.5 and x3["se"].iloc[0] == 0.0
