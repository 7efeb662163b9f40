"""Wave 1 vs wave 2 invariance of the synthetic study, per rater, against measEq.syntax.

R: tests/reference/cfa/make_longitudinal_fixtures.R (paired_waves_<rater>.json): the wide
data of ``Study.paired_items(pair="wave", rater=...)`` (re-keyed com4/bin4/ver4, dyads
rated at both waves), the four-factor instrument model per wave,
``semTools::measEq.syntax(longFacNames = ...)`` configural -> strict, then
``lavaan::cfa(..., estimator = "ML")`` (listwise) and ``estimator = "MLR", missing = "ml"``
(FIML) and ``lavTestLRT`` of the four steps.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from cfa_helpers import (
    BRIEF_FIT_KEYS,
    FIML_ROBUST_KEYS,
    assert_estimates_match,
    assert_fit_matches,
    reference,
)

import werkalliantie_stats as ws
from werkalliantie_stats.exceptions import NonPositiveDefiniteWarning
from werkalliantie_stats.psychometrics.cfa import instrument_model, longitudinal_invariance

STEPS = ("configural", "metric", "scalar", "strict")
WAVES = {"wave1": "_w1", "wave2": "_w2"}
SCALED_KEYS = ["chisq_scaled", "df_scaled", "chisq_scaling_factor", "pvalue_scaled",
               "baseline_chisq_scaled", "cfi_scaled", "tli_scaled", "rmsea_scaled"]
RATERS = ("client", "officer")
CASES = {"ml_listwise": {"estimator": "ML", "missing": "listwise"},
         "mlr_fiml": {"estimator": "MLR", "missing": "fiml"}}


@pytest.fixture(scope="module")
def study():
    return ws.load_synthetic()


@pytest.fixture(scope="module", params=[(r, c) for r in RATERS for c in CASES])
def waves(request, study):
    rater, case = request.param
    wide = study.paired_items(pair="wave", rater=rater)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = longitudinal_invariance(wide, study.instrument, WAVES, **CASES[case])
    return rater, case, wide, res, reference(f"paired_waves_{rater}.json"), caught


def test_wave_pair_is_built_like_the_r_script(waves):
    _, case, wide, res, ref, _ = waves
    assert len(wide) == ref["n_dyads"]
    assert list(wide.columns[:2]) == ["com1_w1", "com1_w2"]
    for step in STEPS:
        assert res.fits[step].n_obs == (ref[case][step]["ntotal"],)


def test_each_wave_step_matches_lavaan(waves):
    _, case, _, res, ref, _ = waves
    keys = BRIEF_FIT_KEYS + (SCALED_KEYS + FIML_ROBUST_KEYS if case == "mlr_fiml" else [])
    for step in STEPS:
        lavaan = ref[case][step]
        assert_fit_matches(res.fits[step].fit_measures, lavaan["fit_measures"], keys,
                           rtol=1e-3, atol=1e-5)
        assert_estimates_match(res.fits[step].estimates, lavaan, est_tol=1e-4, se_tol=1e-3)


def test_wave_difference_tests_match_lavtestlrt(waves):
    _, case, _, res, ref, _ = waves
    for step, row in zip(STEPS[1:], ref[case]["lrt"][1:], strict=True):
        assert res.table.loc[step, "df_diff"] == row["Df diff"]
        assert res.table.loc[step, "chisq_diff"] == pytest.approx(row["Chisq diff"], rel=1e-4)
        assert res.table.loc[step, "pvalue_diff"] == pytest.approx(row["Pr(>Chisq)"], rel=1e-3,
                                                                   abs=1e-6)


def _lavaan_psi_is_pd(estimates: list[dict]) -> bool:
    """Whether lavaan's factor covariance matrix (from its estimates) is positive definite."""
    rows = [r for r in estimates if r["op"] == "=~"]
    lvs = list(dict.fromkeys(r["lhs"] for r in rows))
    psi = np.zeros((len(lvs), len(lvs)))
    for r in estimates:
        if r["op"] == "~~" and r["lhs"] in lvs and r["rhs"] in lvs:
            a, b = lvs.index(r["lhs"]), lvs.index(r["rhs"])
            psi[a, b] = psi[b, a] = r["est"]
    return bool(np.linalg.eigvalsh(psi).min() > 0)


def test_factor_covariance_warning_where_lavaans_is_not_pd(waves):
    """lavaan warns "covariance matrix of latent variables is not positive definite"
    (post.check FALSE) for the officer wave models; we warn for the same steps."""
    _, case, _, _, ref, caught = waves
    npd = [w for w in caught if issubclass(w.category, NonPositiveDefiniteWarning)]
    expected = sum(not _lavaan_psi_is_pd(ref[case][s]["estimates"]) for s in STEPS)
    assert len(npd) == expected
    assert all("factor correlation may exceed 1" in str(w.message) for w in npd)


def test_wave_model_is_the_instrument_model(study):
    text = instrument_model(study.instrument, "_w1")
    assert text.splitlines()[0].startswith("communicatie_w1 =~ com1_w1 + com2_w1")
