"""Unit checks of the WLSMV factor scores, categorical omega and modification indices."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from werkalliantie_stats.exceptions import HeywoodCaseWarning
from werkalliantie_stats.psychometrics.cfa.api import cfa
from werkalliantie_stats.psychometrics.cfa.composite_ordinal import categorical_omega
from werkalliantie_stats.psychometrics.cfa.scores_ordinal import ebm_factor_scores


def _brute_force_mode(y, taus, lam, theta, psi):
    """One factor: minimise the negative log posterior with a bounded scalar search."""
    def objective(eta):
        value = 0.5 * eta**2 / psi
        for i, code in enumerate(y):
            if np.isnan(code):
                continue
            cuts = np.concatenate([[-np.inf], taus[i], [np.inf]])
            k, sd = int(code), np.sqrt(theta[i])
            value -= np.log(stats.norm.cdf((cuts[k] - lam[i] * eta) / sd)
                            - stats.norm.cdf((cuts[k - 1] - lam[i] * eta) / sd))
        return value
    return optimize.minimize_scalar(objective, bounds=(-6, 6), method="bounded",
                                    options={"xatol": 1e-10}).x


def test_ebm_scores_are_posterior_modes():
    rng = np.random.default_rng(4)
    lam = np.array([0.8, 0.6, 0.7, 0.5])
    theta = 1 - 0.9 * lam**2
    taus = [np.sort(rng.normal(size=3)) for _ in lam]
    codes = rng.integers(1, 5, size=(40, 4)).astype(float)
    codes[rng.random(codes.shape) < 0.25] = np.nan
    codes[3] = np.nan
    ours = ebm_factor_scores(codes, taus, lam[:, None], np.array([[0.9]]), theta)
    assert np.isnan(ours[3]).all()
    for row in (r for r in range(40) if r != 3):
        expected = _brute_force_mode(codes[row], taus, lam, theta, 0.9)
        assert ours[row, 0] == pytest.approx(expected, abs=1e-6)


def test_ebm_same_pattern_same_score_and_extreme_patterns_finite():
    lam = np.array([[0.9], [0.9], [0.9]])
    taus = [np.array([-2.0, 2.0])] * 3
    codes = np.array([[3, 3, 3], [1, 1, 1], [3, 3, 3]], dtype=float)
    scores = ebm_factor_scores(codes, taus, lam, np.eye(1), np.full(3, 0.19))
    assert np.isfinite(scores).all()
    assert scores[0, 0] == scores[2, 0] == pytest.approx(-scores[1, 0])


def test_ebm_uses_alpha_and_nu():
    """With nu = -lambda alpha the responses tell the same about eta - alpha, so the
    score moves by alpha."""
    lam, taus = np.array([[0.7], [0.6]]), [np.array([0.0, 0.8])] * 2
    codes = np.array([[np.nan, np.nan], [1.0, np.nan], [3.0, 2.0]])
    base = ebm_factor_scores(codes, taus, lam, np.eye(1), np.full(2, 0.5))
    shifted = ebm_factor_scores(codes, taus, lam, np.eye(1), np.full(2, 0.5),
                                alpha=np.array([0.5]), nu=-0.5 * lam[:, 0])
    np.testing.assert_allclose(shifted[1:], base[1:] + 0.5, atol=1e-9)
    assert np.isnan(base[0]).all() and np.isnan(shifted[0]).all()


def test_categorical_omega_limits():
    lam = np.array([0.8, 0.7, 0.6])
    total = np.outer(lam, lam) + np.diag(1 - lam**2)
    taus = [np.array([-1.0, 0.0, 1.0])] * 3
    assert categorical_omega(taus, total, total) == pytest.approx(1.0)
    assert 0 < categorical_omega(taus, np.outer(lam, lam), total) < 1
    # covariances instead of correlations give the same denominator
    assert categorical_omega(taus, np.outer(lam, lam), 4 * total) == pytest.approx(
        categorical_omega(taus, np.outer(lam, lam), total))


def test_factor_scores_of_a_heywood_fit_are_nan_with_warning():
    rng = np.random.default_rng(11)
    corr = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, 0.5], [0.8, 0.5, 1.0]])
    latent = rng.multivariate_normal(np.zeros(3), corr, size=3000)
    data = pd.DataFrame(np.digitize(latent, [-0.5, 0.5]) + 1, columns=["x", "y", "z"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HeywoodCaseWarning)
        res = cfa(data, "F =~ x + y + z", estimator="WLSMV")
    with pytest.warns(HeywoodCaseWarning, match=r"factor_scores: .*\['x'\]"):
        scores = res.factor_scores()
    assert scores.shape == (3000, 1) and scores.isna().all().all()


def test_ml_composite_reliability_ignores_ord_scale():
    rng = np.random.default_rng(1)
    f = rng.normal(size=(300, 1))
    data = pd.DataFrame(f @ [[0.8, 0.7, 0.6, 0.5]] + rng.normal(scale=0.6, size=(300, 4)),
                        columns=["a", "b", "c", "d"])
    res = cfa(data, "f =~ a + b + c + d")
    pd.testing.assert_frame_equal(res.composite_reliability(ord_scale=False),
                                  res.composite_reliability())


def test_modification_indices_find_an_omitted_cross_loading():
    rng = np.random.default_rng(2)
    f = rng.normal(size=(600, 2))
    y = np.repeat(f, 3, axis=1) * 0.7 + 0.7 * rng.normal(size=(600, 6))
    y[:, 2] += 0.5 * f[:, 1]
    data = pd.DataFrame(np.digitize(y, [-0.6, 0.6]) + 1,
                        columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    model = "A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3"
    res = cfa(data, model, estimator="WLSMV")
    top = res.modification_indices(sort=True).iloc[0]
    assert (top["lhs"], top["op"], top["rhs"]) == ("B", "=~", "a3")
    assert top["mi"] > 30 and top["epc"] > 0
    freed = cfa(data, model + "\nB =~ a3", estimator="WLSMV")
    assert freed.fit_measures["chisq"] < res.fit_measures["chisq"] - 20
    assert not ((freed.modification_indices()[["lhs", "op", "rhs"]]
                 == ["B", "=~", "a3"]).all(axis=1)).any()


def test_second_loading_line_of_a_factor_adds_a_free_loading():
    """lavaan fixes the first indicator of each factor, not of each `=~` line:
    lavaanify("A =~ a1 + a2\\nB =~ b1 + b2\\nB =~ a2") has B =~ a2 free."""
    from werkalliantie_stats.psychometrics.cfa.partable import ModelSpec, build_partable
    from werkalliantie_stats.psychometrics.cfa.syntax import parse_model

    table = build_partable(parse_model("A =~ a1 + a2\nB =~ b1 + b2\nB =~ a2"), ModelSpec())
    loads = table[table["op"] == "=~"]
    assert (loads["free"] > 0).tolist() == [False, True, False, True, True]


def test_ebm_and_omega_reject_bad_input():
    lam, taus = np.array([[0.7], [0.6]]), [np.array([0.0])] * 2
    with pytest.raises(ValueError, match=r"ebm_factor_scores: `codes` must be cases x 2"):
        ebm_factor_scores(np.ones((3, 3)), taus, lam, np.eye(1), np.full(2, 0.5))
    with pytest.raises(ValueError, match=r"item 1 has 3.0 in row 0 \(K = 2\)"):
        ebm_factor_scores(np.array([[1, 3]]), taus, lam, np.eye(1), np.full(2, 0.5))
    with pytest.raises(ValueError, match=r"`theta_diag` must be positive.*-0.1"):
        ebm_factor_scores(np.array([[1, 2]]), taus, lam, np.eye(1), np.array([0.5, -0.1]))
    with pytest.raises(ValueError, match=r"need 2 threshold arrays"):
        ebm_factor_scores(np.array([[1, 2]]), taus[:1], lam, np.eye(1), np.full(2, 0.5))
    with pytest.raises(ValueError, match=r"categorical_omega: .* must both be 2 x 2"):
        categorical_omega(taus, np.eye(3), np.eye(2))
