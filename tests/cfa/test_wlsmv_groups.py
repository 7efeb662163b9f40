"""cfa(estimator="WLSMV", group=..., group_equal=...) against lavaan 0.6.14.

R (tests/reference/cfa/ordinal/make_ordinal_fixtures.R, the by-gender fits)::

    cfa(model, data = na.omit(bfi[, c(items, "gender")]), ordered = items,
        estimator = "WLSMV", group = "gender", group.equal = eq)   # eq: none,
    # "loadings", c("loadings", "thresholds"); each also with std.lv = TRUE

Every row of parameterEstimates(standardized = TRUE) (incl. the free scales ``~*~`` and
latent means of group 2 under equal thresholds) and every fit measure of FIT_KEYS:
estimates 1e-4 relative, SEs 1e-3, fit 2e-3 (seen: estimates 5.7e-6 abs, SEs 3.3e-7,
fit 3e-6 relative).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ordinal_helpers import FIT_KEYS, ordinal_reference, read_reference_csv

from werkalliantie_stats.exceptions import EmptyCategoryWarning
from werkalliantie_stats.psychometrics.cfa.api import cfa

STEPS = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "thresholds")}
CASES = [(step, std) for step in STEPS for std in (False, True)]


@pytest.fixture(scope="module")
def reference():
    return ordinal_reference("bfi_two_factor_by_gender")


@pytest.fixture(scope="module")
def data(reference):
    bfi = read_reference_csv("data/bfi.csv")
    return bfi[[*reference["items"], "gender"]].dropna()


@pytest.fixture(scope="module", params=CASES, ids=[f"{s}{'_std_lv' * t}" for s, t in CASES])
def case(request, reference, data):
    step, std_lv = request.param
    res = cfa(data, reference["model"], estimator="WLSMV", group="gender",
              group_equal=STEPS[step], std_lv=std_lv)
    return res, reference[step + ("_std_lv" if std_lv else "")]


def _close(ours, theirs, rtol, floor=1e-2):
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    return np.nanmax(np.abs(ours - theirs) / np.maximum(np.abs(theirs), floor)) < rtol


def test_rows(case):
    res, ref = case
    theirs = pd.DataFrame(ref["estimates"])
    assert res.estimates[["lhs", "op", "rhs", "group"]].values.tolist() == \
        theirs[["lhs", "op", "rhs", "group"]].values.tolist()


def test_estimates_and_standard_errors(case):
    res, ref = case
    theirs = pd.DataFrame(ref["estimates"])
    assert _close(res.estimates["est"], theirs["est"], 1e-4)
    assert _close(res.estimates["std_all"], theirs["std.all"], 1e-4)
    assert _close(res.estimates["std_lv"], theirs["std.lv"], 1e-4)
    assert _close(res.estimates["se"], theirs["se"], 1e-3)


def test_fit_measures(case):
    res, ref = case
    for key in FIT_KEYS:
        theirs = ref["fit_measures"][key.replace("_", ".") if key != "srmr" else key]
        if theirs is None:  # lavaan: no robust indices once the scales are free
            assert np.isnan(res.fit_measures[key]), key
        else:
            assert np.isclose(res.fit_measures[key], theirs, rtol=2e-3, atol=1e-8), key


def test_group_summary(case):
    res, _ = case
    text = res.summary()
    assert "Group 2 [2]" in text and "Thresholds:" in text


def test_errors(data, reference):
    with pytest.raises(ValueError, match="`group_equal` entries must be among"):
        cfa(data, reference["model"], estimator="WLSMV", group="gender",
            group_equal=("loadings", "intercepts"))
    small = data.iloc[:400].copy()
    small.loc[(small["gender"] == 2) & (small["A1"] == 6), "A1"] = 5
    with pytest.warns(EmptyCategoryWarning, match="'A1'.*group '2'"), \
            pytest.raises(ValueError, match=r"item\(s\) \['A1'\] differ between groups"):
        cfa(small, reference["model"], estimator="WLSMV", group="gender")


def test_partial_thresholds(data, reference):
    res = cfa(data, reference["model"], estimator="WLSMV", group="gender",
              group_equal=("loadings", "thresholds"), group_partial=("A1|t1",))
    est = res.estimates.set_index(["lhs", "op", "rhs", "group"])["est"]
    assert est[("A1", "|", "t1", 1)] != est[("A1", "|", "t1", 2)]
    assert est[("A1", "|", "t2", 1)] == est[("A1", "|", "t2", 2)]
    assert res.fit_measures["df"] == 113
