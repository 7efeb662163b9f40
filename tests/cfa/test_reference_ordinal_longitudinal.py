"""Paired/longitudinal invariance of ORDERED items vs semTools::measEq.syntax + lavaan WLSMV.

R: tests/reference/cfa/make_ordinal_longitudinal_fixtures.R, lavaan 0.6.14, semTools 0.5-6:
``measEq.syntax(model, data, ordered = <all items>, parameterization = "delta",
ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016", longFacNames = ..., long.equal = ...)``
fitted by ``cfa(as.character(syntax), ordered = ..., estimator = "WLSMV")`` for the steps
configural, "thresholds", c("thresholds", "loadings"), c(..., "intercepts"), and
``lavTestLRT`` between neighbouring steps. (a) simulated clean data (n = 500, every
category used on both occasions); (b) the synthetic study, client vs officer (wave 1) and
wave 1 vs wave 2 (client), complete cases, categories empty on one occasion merged.
Tolerances (brief): estimates and SEs 1e-3 absolute, fit measures and difference tests
2e-3.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from cfa_helpers import reference
from reference_io import read_reference_csv

import werkalliantie_stats as ws
from werkalliantie_stats.psychometrics.cfa.longitudinal import longitudinal_invariance
from werkalliantie_stats.psychometrics.cfa.longitudinal_ordinal import ORDINAL_LONG_STEPS

STEPS = list(ORDINAL_LONG_STEPS)
FIT_KEYS = ["npar", "df", "chisq", "pvalue", "chisq_scaled", "df_scaled", "pvalue_scaled",
            "chisq_scaling_factor", "baseline_chisq", "baseline_df",
            "baseline_chisq_scaled", "cfi", "tli", "rmsea", "cfi_scaled", "tli_scaled",
            "rmsea_scaled", "rmsea_ci_lower_scaled", "rmsea_ci_upper_scaled", "cfi_robust",
            "tli_robust", "rmsea_robust", "rmsea_ci_lower_robust", "rmsea_ci_upper_robust",
            "srmr"]
FIT_TOL = 2e-3


def _fit(name: str, data: pd.DataFrame):
    ref = reference(f"ordinal_long/{name}.json")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = longitudinal_invariance(data, ref["model"], ref["occasions"], estimator="WLSMV")
    return res, ref


@pytest.fixture(scope="module")
def clean():
    return _fit("clean", read_reference_csv("cfa/ordinal_long/clean_wide.csv"))


@pytest.fixture(scope="module")
def raters():
    return _fit("synthetic_raters", ws.load_synthetic().paired_items(pair="rater", wave=1))


@pytest.fixture(scope="module")
def waves():
    return _fit("synthetic_waves",
                ws.load_synthetic().paired_items(pair="wave", rater="client"))


CASES = ["clean", "raters", "waves"]


def _merged(ours: pd.DataFrame, step_ref: dict) -> pd.DataFrame:
    ref = pd.DataFrame(step_ref["estimates"])
    ref = ref[ref["op"] != "r2"]
    merged = ours.merge(ref, on=["lhs", "op", "rhs"], suffixes=("", "_r"),
                        validate="one_to_one")
    assert len(merged) == len(ref) == len(ours), "parameter rows differ from lavaan's"
    return merged


@pytest.mark.parametrize("case", CASES)
def test_estimates_and_ses_match_lavaan(case, request):
    res, ref = request.getfixturevalue(case)
    for step in STEPS:
        m = _merged(res.fits[step].estimates, ref[step])
        assert ((m["se"] == 0) == (m["se_r"].astype(float) == 0)).all(), step
        for ours, theirs in (("est", "est_r"), ("se", "se_r"), ("std_all", "std.all")):
            np.testing.assert_allclose(m[ours], m[theirs].astype(float), atol=1e-3,
                                       err_msg=f"{case} {step} {ours}")


@pytest.mark.parametrize("case", CASES)
def test_fit_measures_match_lavaan(case, request):
    res, ref = request.getfixturevalue(case)
    for step in STEPS:
        ours, theirs = res.fits[step].fit_measures, ref[step]["fit_measures"]
        assert ref[step]["converged"] and res.fits[step].converged
        for key in FIT_KEYS:
            expected = theirs[key.replace("_", ".")]
            if expected is None:  # lavaan 0.6.14 gives no robust indices with free scales
                assert np.isnan(ours[key]), f"{case} {step} {key}"
                continue
            np.testing.assert_allclose(ours[key], expected, rtol=FIT_TOL, atol=FIT_TOL,
                                       err_msg=f"{case} {step} {key}")
        assert ours["ntotal"] == ref[step]["ntotal"]


@pytest.mark.parametrize("case", CASES)
def test_difference_tests_match_lavtestlrt(case, request):
    res, ref = request.getfixturevalue(case)
    lrt = ref["lrt"]
    for k, step in enumerate(STEPS[1:], start=1):
        row = res.table.loc[step]
        assert row["df_diff"] == lrt["df_diff"][k]
        np.testing.assert_allclose(row["chisq_diff"], lrt["chisq_diff"][k], rtol=FIT_TOL,
                                   atol=FIT_TOL, err_msg=f"{case} {step}")
        np.testing.assert_allclose(row["pvalue_diff"], lrt["pvalue"][k], atol=FIT_TOL)
    assert res.table.index.tolist() == STEPS


def test_clean_data_needs_no_recoding(clean):
    res, _ = clean
    assert res.recoded is not None and res.recoded.empty


@pytest.mark.parametrize("case", ["raters", "waves"])
def test_recoding_matches_the_r_script(case, request):
    res, ref = request.getfixturevalue(case)
    theirs = pd.DataFrame(ref["recoded"])
    assert len(res.recoded) == len(theirs) > 0
    pd.testing.assert_frame_equal(res.recoded.reset_index(drop=True),
                                  theirs[res.recoded.columns].reset_index(drop=True),
                                  check_dtype=False)


def test_measeq_syntax_text_runs_unchanged_in_cfa():
    """The model text semTools wrote (## comments, 'NA*x + lambda.1_1*x' repeated terms,
    labelled fixed values, '~*~' and '|' lines), given to cfa(estimator="WLSMV") as is,
    reproduces lavaan's fit of that text."""
    from werkalliantie_stats.psychometrics.cfa.api import cfa

    data = read_reference_csv("cfa/ordinal_long/clean_wide.csv")
    ref = reference("ordinal_long/clean.json")
    for step in STEPS:
        fit = cfa(data, ref[step]["syntax"], estimator="WLSMV")
        m = _merged(fit.estimates, ref[step])
        np.testing.assert_allclose(m["est"], m["est_r"].astype(float), atol=1e-3)
        np.testing.assert_allclose(m["se"], m["se_r"].astype(float), atol=1e-3)
        np.testing.assert_allclose(fit.fit_measures["chisq"],
                                   ref[step]["fit_measures"]["chisq"], rtol=FIT_TOL)
        labels = m.loc[m["label_r"].astype(str) != "", ["label", "label_r"]]
        assert (labels["label"] == labels["label_r"]).all(), step
