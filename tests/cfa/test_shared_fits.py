"""The fast paths of the FIML engine agree with the direct computations they replace.

Shared data summary + warm starts (cfa_sequence) vs separate cfa() calls; Schur-complement
pattern inverses vs direct inverses; the saturated Hessian by indexing vs the generic one;
the reduced FIML-corrected traces vs lavaan's dense formula (lav_fit_fiml_corrected).
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from cfa_helpers import HS_MODEL, load_hs_mcar, load_paired_wide

from werkalliantie_stats.psychometrics.cfa import cfa
from werkalliantie_stats.psychometrics.cfa.api import cfa_sequence
from werkalliantie_stats.psychometrics.cfa.longitudinal import longitudinal_syntax

ml = importlib.import_module("werkalliantie_stats.psychometrics.cfa.ml")
robust = importlib.import_module("werkalliantie_stats.psychometrics.cfa.robust")
fc = importlib.import_module("werkalliantie_stats.psychometrics.cfa.fiml_corrected")

STEPS = ("configural", "metric", "scalar", "strict")


def _holes(data, seed=5, share=0.08):
    rng = np.random.default_rng(seed)
    out = data.copy()
    values = out.to_numpy(dtype=float)
    values[rng.random(values.shape) < share] = np.nan
    out.loc[:, :] = values
    return out


@pytest.mark.parametrize("estimator, missing", [("ML", "listwise"), ("MLR", "fiml")])
def test_sequence_equals_separate_fits(estimator, missing):
    data = _holes(load_paired_wide()) if missing == "fiml" else load_paired_wide()
    models = {s: longitudinal_syntax("com =~ c1 + c2 + c3\nbin =~ b1 + b2 + b3",
                                     ["_client", "_officer"], s) for s in STEPS}
    together = cfa_sequence(data, models, estimator=estimator, missing=missing)
    for step, text in models.items():
        alone = cfa(data, text, estimator=estimator, missing=missing)
        np.testing.assert_allclose(together[step].estimates["est"], alone.estimates["est"],
                                   rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(together[step].estimates["se"], alone.estimates["se"],
                                   rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(together[step].fit_measures.to_numpy(),
                                   alone.fit_measures[together[step].fit_measures.index],
                                   rtol=1e-7, atol=1e-9)


def test_masked_inverses_equal_direct_inverses():
    rng = np.random.default_rng(0)
    p = 12
    a = rng.normal(size=(p, p))
    sigma = a @ a.T + p * np.eye(p)
    mask = rng.random((30, p)) > 0.3
    mask[0] = True
    invs, logdets = ml.masked_inverses(mask, sigma)
    for k in range(len(mask)):
        o = np.flatnonzero(mask[k])
        expected = np.zeros((p, p))
        expected[np.ix_(o, o)] = np.linalg.inv(sigma[np.ix_(o, o)])
        np.testing.assert_allclose(invs[k], expected, atol=1e-12)
        assert logdets[k] == pytest.approx(np.linalg.slogdet(sigma[np.ix_(o, o)])[1], rel=1e-12)


def test_masked_inverses_of_a_non_pd_sigma_fall_back_to_the_blocks():
    sigma = np.array([[1.0, 0.9, 0.9], [0.9, 1.0, -0.9], [0.9, -0.9, 1.0]])  # not PD
    mask = np.array([[True, True, False], [False, True, True]])
    invs, _ = ml.masked_inverses(mask, sigma)
    np.testing.assert_allclose(invs[0][:2, :2], np.linalg.inv(sigma[:2, :2]))
    with pytest.raises(np.linalg.LinAlgError):
        ml.masked_inverses(np.ones((1, 3), dtype=bool), sigma)


def _saturated(seed=1, p=6, n=80):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(n, p)) @ rng.normal(size=(p, p))
    y[rng.random(y.shape) < 0.15] = np.nan
    mean, cov, _ = ml.em_saturated(y)
    return y, mean, cov


def test_saturated_hessian_and_complete_information_by_indexing():
    y, mean, cov = _saturated()
    model, x = robust.saturated_model(y.shape[1], cov, mean)
    blocks = ml.pattern_blocks([y])
    n = int(blocks[0].n.sum())
    np.testing.assert_allclose(ml.saturated_hessian(blocks[0], cov, mean, n),
                               ml.observed_hessian(model, x, blocks, True, n), atol=1e-13)
    np.testing.assert_allclose(ml.saturated_complete_information(cov),
                               ml.expected_information(model, x, [1], True), atol=1e-13)


@pytest.mark.parametrize("robust_flag", [False, True])
def test_reduced_traces_equal_lavaans_dense_formula(robust_flag):
    """lav_fit_fiml_corrected: U = Wm - Wm D E^-1 D' Wm; V6 tr(Wc Wm^-1 U Wm^-1),
    V3 tr(U Wm^-1 Wc Wm^-1 U Gamma), Gamma = Wm^-1 Jm Wm^-1."""
    res = cfa(load_hs_mcar(), HS_MODEL, missing="fiml")
    state = res.state
    info = fc.saturated_information(state.groups, state.samples)
    delta = fc.moment_jacobian(state.model, state.x, 0)
    g = info.groups[0]
    wm, jm, wc = g.observed, g.first_order, g.complete
    wm_inv = np.linalg.inv(wm)
    u = wm - wm @ delta @ np.linalg.inv(delta.T @ wm @ delta) @ delta.T @ wm
    if robust_flag:
        gamma = wm_inv @ jm @ wm_inv
        dense = np.trace(u @ wm_inv @ wc @ wm_inv @ u @ gamma)
    else:
        dense = np.trace(wc @ wm_inv @ u @ wm_inv)
    assert fc._trace(info, [delta], robust_flag) == pytest.approx(dense, rel=1e-9)
