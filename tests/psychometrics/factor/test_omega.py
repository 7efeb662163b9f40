
"""omega against psych::omega (Schmid-Leiman of an oblimin minres solution)."""

from __future__ import annotations

import numpy as np
import pytest
from factor_helpers import ref_matrix
from numpy.testing import assert_allclose

from werkalliantie_stats import exceptions as ws_exceptions
from werkalliantie_stats.psychometrics import omega


@pytest.mark.parametrize("nf", [1, 2, 3])
def test_omega_matches_psych_on_hs(hs, ref, nf):
    """R: psych::omega(hs, nfactors = nf)."""
    expected = ref("hs_omega.json")[f"nf{nf}"]
    if nf == 1:
        with pytest.warns(ws_exceptions.WerkalliantieWarning, match="not meaningful"):
            res = omega(hs, nf)
    else:
        res = omega(hs, nf)
    for ours, theirs in [("omega_hierarchical", "omega_h"), ("omega_total", "omega_tot"),
                         ("omega_limit", "omega_lim"), ("alpha", "alpha"), ("g6", "g6"),
                         ("ecv", "ecv")]:
        assert getattr(res, ours) == pytest.approx(expected[theirs], rel=1e-6), ours
    sl = ref_matrix(expected["sl"])
    assert_allclose(res.schmid_leiman.to_numpy(), sl.to_numpy(), rtol=1e-6, atol=1e-8)
    assert_allclose(res.omega_group.to_numpy(), ref_matrix(expected["omega_group"]).to_numpy(),
                    rtol=1e-6, atol=1e-12)
    assert list(res.keys) == expected["key"]


@pytest.mark.parametrize("method", ["pa", "ml"])
def test_omega_with_other_factoring_methods(hs, ref, method):
    """R: psych::omega(hs, nfactors = 3, fm = method)."""
    expected = ref("hs_omega.json")[f"nf3_{method}"]
    res = omega(hs, 3, method=method)
    assert res.omega_hierarchical == pytest.approx(expected["omega_h"], rel=1e-6)
    assert res.omega_total == pytest.approx(expected["omega_tot"], rel=1e-6)
    assert_allclose(res.schmid_leiman.to_numpy(), ref_matrix(expected["sl"]).to_numpy(),
                    rtol=1e-6, atol=1e-8)


def test_one_factor_omega_semantics(hs):
    """With one factor the general factor is the factor: omega_h = (sum lambda)^2 / Vt."""
    with pytest.warns(ws_exceptions.WerkalliantieWarning):
        res = omega(hs, 1)
    lam = res.schmid_leiman["g"].to_numpy()
    vt = hs.corr().to_numpy().sum()
    assert res.omega_hierarchical == pytest.approx(lam.sum() ** 2 / vt, rel=1e-12)
    assert res.omega_total == pytest.approx((vt - (1 - lam ** 2).sum()) / vt, rel=1e-12)


def test_polychoric_omega_with_flipped_item_matches_psych(bfi, ref):
    """R: psych::omega(bfi[, 1:25], nfactors = 5, poly = TRUE); A1 is reversed (key -1)."""
    expected = ref("bfi_poly.json")["omega_poly"]
    res = omega(bfi, 5, correlation="polychoric")
    assert list(res.keys) == expected["key"]
    assert res.omega_hierarchical == pytest.approx(expected["omega_h"], rel=1e-3)
    assert res.omega_total == pytest.approx(expected["omega_tot"], rel=1e-3)
    assert_allclose(res.schmid_leiman.to_numpy(), ref_matrix(expected["sl"]).to_numpy(),
                    atol=2e-4, rtol=0)
    assert_allclose(res.omega_group.to_numpy(), ref_matrix(expected["omega_group"]).to_numpy(),
                    atol=2e-4, rtol=0)
    assert "Omega Hierarchical" in res.summary()
    assert np.isfinite(res.to_frame().to_numpy()).all()
