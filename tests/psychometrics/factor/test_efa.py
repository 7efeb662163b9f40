"""EFA against psych::fa (psych 2.2.9, GPArotation 2022.10-2) on Holzinger-Swineford and bfi.

The R calls are ``fa(hs, nfactors = 3, fm = <method>, rotate = <rotation>)`` (see
tests/reference/psychometrics/factor/make_factor_fixtures.R). Extraction follows psych's
optimiser settings exactly, so Pearson-based results agree to ~1e-12; tolerances below are
tight on purpose (1e-6 relative) and looser only where R's own root finders stop early.
"""

from __future__ import annotations

import numpy as np
import pytest
from factor_helpers import ref_matrix
from numpy.testing import assert_allclose

from werkalliantie_stats.psychometrics import efa

ROTATIONS = {"oblimin": "oblimin", "promax": "promax", "varimax": "varimax",
             "geominQ": "geomin", "quartimin": "quartimin", "none": None}
CASES = [(m, r, 3) for m in ("minres", "ml", "pa") for r in ROTATIONS]
CASES += [("minres", "oblimin", 1), ("minres", "oblimin", 2)]

FIT_KEYS = {"objective": "objective", "chisq": "statistic", "p_value": "pval", "tli": "tli",
            "bic": "bic", "sabic": "sabic", "rmsr": "rms", "crmsr": "crms",
            "chisq_empirical": "chi", "p_value_empirical": "epval", "bic_empirical": "ebic",
            "fit": "fit", "fit_off": "fit_off", "null_objective": "null_model",
            "null_chisq": "null_chisq", "df": "dof", "null_df": "null_dof"}


def _key(method, rotation, nf):
    return f"{method}_{rotation}" + ("" if nf == 3 else f"_{nf}f")


@pytest.fixture(scope="module")
def hs_fits(ref):
    return ref("hs_fa.json")


@pytest.mark.parametrize(("method", "rotation", "nf"), CASES)
def test_efa_matches_psych_fa(hs, hs_fits, method, rotation, nf):
    expected = hs_fits[_key(method, rotation, nf)]
    res = efa(hs, nf, method=method, rotation=ROTATIONS[rotation])
    assert_allclose(res.loadings, ref_matrix(expected["loadings"]), rtol=1e-6, atol=1e-9)
    assert_allclose(res.structure, ref_matrix(expected["structure"]), rtol=1e-6, atol=1e-9)
    if expected["phi"]:
        assert_allclose(res.phi, ref_matrix(expected["phi"]), rtol=1e-6, atol=1e-9)
    else:
        assert res.phi is None
    assert_allclose(res.communalities, expected["communality"], rtol=1e-6)
    assert_allclose(res.uniquenesses, expected["uniquenesses"], rtol=1e-6)
    assert_allclose(res.variance, ref_matrix(expected["vaccounted"]), rtol=1e-6)
    assert_allclose(res.eigenvalues, expected["values"], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(("method", "rotation", "nf"), CASES)
def test_efa_fit_matches_psych_fa_stats(hs, hs_fits, method, rotation, nf):
    expected = hs_fits[_key(method, rotation, nf)]
    fit = efa(hs, nf, method=method, rotation=ROTATIONS[rotation]).fit
    for ours, theirs in FIT_KEYS.items():
        assert fit[ours] == pytest.approx(expected[theirs], rel=1e-6, abs=1e-12), ours
    rmsea, lower, upper, level = expected["rmsea"]
    assert fit["rmsea"] == pytest.approx(rmsea, rel=1e-6)
    # psych finds the CI bounds with uniroot(tol ~ 1.2e-4 on the noncentrality)
    assert fit["rmsea_ci_lower"] == pytest.approx(lower, rel=1e-5, abs=1e-6)
    assert fit["rmsea_ci_upper"] == pytest.approx(upper, rel=1e-5)
    assert fit["rmsea_ci_level"] == level


@pytest.mark.parametrize(("method", "rotation"), [("minres", "oblimin"), ("ml", "varimax"),
                                                  ("pa", "promax")])
def test_factor_scores_match_psych(hs, hs_fits, method, rotation):
    """R: fa(...)$weights / $scores and factor.scores(x, f, Phi, method = "Bartlett")."""
    expected = hs_fits[_key(method, rotation, 3)]
    res = efa(hs, 3, method=method, rotation=ROTATIONS[rotation])
    assert_allclose(res.weights["regression"], ref_matrix(expected["weights_regression"]),
                    rtol=1e-6, atol=1e-10)
    assert_allclose(res.weights["bartlett"], ref_matrix(expected["weights_bartlett"]),
                    rtol=1e-6, atol=1e-10)
    assert_allclose(res.scores.iloc[:5], expected["scores_regression_head"], rtol=1e-6,
                    atol=1e-10)
    bartlett = efa(hs, 3, method=method, rotation=ROTATIONS[rotation], scores="bartlett")
    assert_allclose(bartlett.scores.iloc[:5], expected["scores_bartlett_head"], rtol=1e-6,
                    atol=1e-10)


def test_polychoric_efa_matches_psych_on_bfi(bfi, ref):
    """R: fa(bfi[, 1:25], nfactors = 5, cor = "poly"). The polychorics differ from psych's
    by up to 2e-5 (psych's optimize tolerance), which bounds the agreement here."""
    expected = ref("bfi_poly.json")["fa_poly"]
    res = efa(bfi, 5, correlation="polychoric")
    assert_allclose(res.loadings, ref_matrix(expected["loadings"]), atol=2e-4, rtol=0)
    assert_allclose(res.phi, ref_matrix(expected["phi"]), atol=2e-4, rtol=0)
    fit = res.fit
    for ours, theirs in [("chisq", "statistic"), ("tli", "tli"), ("rmsr", "rms"),
                         ("chisq_empirical", "chi"), ("bic", "bic"), ("n_harmonic", "nh"),
                         ("crmsr", "crms"), ("fit_off", "fit_off")]:
        assert fit[ours] == pytest.approx(expected[theirs], rel=1e-3), ours
    assert fit["rmsea"] == pytest.approx(expected["rmsea"][0], rel=1e-3)
    assert_allclose(res.weights["regression"], ref_matrix(expected["weights_regression"]),
                    atol=5e-4, rtol=0)


def test_result_keeps_item_names_and_prints(hs):
    res = efa(hs, 3)
    assert list(res.loadings.index) == list(hs.columns)
    assert list(res.loadings.columns) == ["MR1", "MR2", "MR3"]
    text = res.summary()
    assert "RMSEA index" in text and "MR1" in text
    table = res.to_frame()
    assert list(table.columns[-3:]) == ["h2", "u2", "com"]
    assert np.all(table["com"] >= 1 - 1e-12)
    assert "<pre>" in res._repr_html_()


def test_correlation_matrix_input_with_n_obs(hs, hs_fits):
    res = efa(hs.corr(), 3, n_obs=301)
    expected = hs_fits["minres_oblimin"]
    assert_allclose(res.loadings, ref_matrix(expected["loadings"]), rtol=1e-6)
    assert res.fit["chisq"] == pytest.approx(expected["statistic"], rel=1e-6)
    assert res.scores is None
    no_n = efa(hs.corr(), 3)
    assert "chisq" not in no_n.fit and np.isnan(no_n.n_obs)


@pytest.mark.parametrize("rotation", ["oblimin", "quartimin", "geomin", "promax", "varimax"])
def test_rotation_leaves_the_model_implied_matrix_unchanged(hs, rotation):
    """Any rotation T gives Lambda Phi Lambda' = Lambda0 Lambda0' (common part of R)."""
    unrotated = efa(hs, 3, rotation=None).loadings.to_numpy()
    res = efa(hs, 3, rotation=rotation)
    lam = res.loadings.to_numpy()
    phi = np.eye(3) if res.phi is None else res.phi.to_numpy()
    assert_allclose(lam @ phi @ lam.T, unrotated @ unrotated.T, atol=1e-10)
    assert_allclose(res.structure.to_numpy(), lam @ phi, atol=1e-12)
    assert_allclose(np.diag(phi), 1.0, atol=1e-12)


def test_item_order_does_not_change_the_solution(hs):
    order = list(reversed(hs.columns))
    a = efa(hs, 3).communalities
    b = efa(hs[order], 3).communalities
    assert_allclose(b[a.index], a, atol=1e-6)
