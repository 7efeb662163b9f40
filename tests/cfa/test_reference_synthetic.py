"""The four-factor model of the synthetic study (wave 1) against lavaan.

R: tests/reference/cfa/make_synthetic_fixtures.R (ML and MLR listwise, ML with FIML;
paired client/officer invariance with measEq.syntax and FIML).
"""

from __future__ import annotations

import pytest
from cfa_helpers import (
    BRIEF_FIT_KEYS,
    ROBUST_FIT_KEYS,
    assert_estimates_match,
    assert_fit_matches,
    load_synthetic_wave1,
    reference,
)

from werkalliantie_stats.instrument import load_instrument
from werkalliantie_stats.psychometrics.cfa import cfa, instrument_model


@pytest.fixture(scope="module")
def client():
    q = load_synthetic_wave1()
    return q[q["rater"] == "client"]


@pytest.mark.parametrize("case, kwargs", [("ml", {}), ("mlr", {"estimator": "MLR"}),
                                          ("fiml", {"missing": "fiml"})])
def test_four_factor_model_matches_lavaan(client, case, kwargs):
    ref = reference("synthetic_client.json")[case]
    res = cfa(client, instrument_model(load_instrument()), **kwargs)
    assert res.n_obs == (ref["ntotal"],)
    keys = BRIEF_FIT_KEYS + (ROBUST_FIT_KEYS if case == "mlr" else [])
    assert_fit_matches(res.fit_measures, ref["fit_measures"], keys)
    assert_estimates_match(res.estimates, ref, est_tol=2e-5, se_tol=2e-5)
