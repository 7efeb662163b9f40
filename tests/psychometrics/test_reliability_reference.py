"""cronbach_alpha against psych::alpha / psych::alpha.ci (psych 2.2.9).

Fixtures: tests/reference/psychometrics/reliability/make_reliability_fixtures.R, e.g.
``psych::alpha(hs[, paste0("x", 1:9)])``; estimates are compared at 1e-4 relative
(DESIGN.md section 6), interval bounds at 1e-4 absolute.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from reliability_data import ALPHA_CASES, bfi_agreeableness, reference

from werkalliantie_stats.psychometrics import cronbach_alpha

RTOL = 1e-4


def _alpha(key: str, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # bfi_C_raw warns on purpose
        return cronbach_alpha(ALPHA_CASES[key](), **kwargs)


@pytest.mark.parametrize("key", list(ALPHA_CASES))
def test_totals_match_psych(key):
    res, ref = _alpha(key), reference()["alpha"][key]["total"]
    for ours, theirs in [("alpha", "raw_alpha"), ("std_alpha", "std_alpha"), ("g6", "g6"),
                         ("average_r", "average_r"), ("median_r", "median_r"),
                         ("signal_noise", "signal_noise"), ("ase", "ase"),
                         ("mean", "mean"), ("sd", "sd")]:
        np.testing.assert_allclose(getattr(res, ours), ref[theirs], rtol=RTOL, err_msg=ours)


@pytest.mark.parametrize("key", list(ALPHA_CASES))
def test_item_statistics_match_psych(key):
    res, ref = _alpha(key), reference()["alpha"][key]["item_stats"]
    assert list(res.items.index) == reference()["alpha"][key]["items"]
    for ours, theirs in [("n", "n"), ("r_raw", "raw_r"), ("r_std", "std_r"),
                         ("r_cor", "r_cor"), ("r_drop", "r_drop"), ("mean", "mean"),
                         ("sd", "sd")]:
        np.testing.assert_allclose(res.items[ours], ref[theirs], rtol=RTOL, err_msg=ours)


@pytest.mark.parametrize("key", [k for k in ALPHA_CASES if k != "hs_x1_x2"])
def test_alpha_if_deleted_matches_psych(key):
    res, ref = _alpha(key), reference()["alpha"][key]["alpha_drop"]
    for ours, theirs in [("alpha_if_deleted", "raw_alpha"),
                         ("std_alpha_if_deleted", "std_alpha"), ("g6_if_deleted", "g6"),
                         ("average_r_if_deleted", "average_r"),
                         ("alpha_se_if_deleted", "alpha_se")]:
        np.testing.assert_allclose(res.items[ours], ref[theirs], rtol=RTOL, err_msg=ours)


def test_two_items_have_no_alpha_if_deleted():
    """Convention: psych reports C12/C22 and r12 as 'alpha' of one item; we report NaN."""
    res, ref = _alpha("hs_x1_x2"), reference()["alpha"]["hs_x1_x2"]
    assert res.items["alpha_if_deleted"].isna().all()
    assert res.items["std_alpha_if_deleted"].isna().all()
    # psych's numbers for the one remaining item are the covariance ratio and r itself
    r12 = ref["item_stats"]["r_drop"][0]
    np.testing.assert_allclose(ref["alpha_drop"]["std_alpha"], [r12, r12], rtol=1e-12)


@pytest.mark.parametrize("key", list(ALPHA_CASES))
@pytest.mark.parametrize("which", [0, 1])
def test_feldt_and_duhachek_intervals_match_psych(key, which):
    ci = reference()["alpha"][key]["ci"][which]
    feldt = _alpha(key, ci="feldt", level=ci["level"])
    duhachek = _alpha(key, ci="duhachek", level=ci["level"])
    np.testing.assert_allclose([feldt.ci_lower, feldt.ci_upper],
                               [ci["feldt_lower"], ci["feldt_upper"]], atol=1e-4)
    np.testing.assert_allclose([duhachek.ci_lower, duhachek.ci_upper],
                               [ci["duhachek_lower"], ci["duhachek_upper"]], atol=1e-4)
    np.testing.assert_allclose(feldt.intervals.loc["duhachek", ["lower", "upper"]],
                               [ci["duhachek_lower"], ci["duhachek_upper"]], atol=1e-4)


@pytest.mark.parametrize("key", list(ALPHA_CASES))
def test_printed_feldt_interval_is_the_default(key):
    printed = reference()["alpha"][key]["printed_feldt"]
    res = _alpha(key)
    assert res.ci_method == "feldt" and res.level == 0.95
    np.testing.assert_allclose([res.ci_lower, res.ci_upper],
                               [printed["lower"], printed["upper"]], atol=1e-4)


def test_listwise_deletion_matches_psych_on_complete_rows():
    ref = reference()["alpha"]["bfi_A_rev_listwise"]
    res = cronbach_alpha(bfi_agreeableness(), missing="listwise")
    assert res.n_obs == ref["n_obs"]
    np.testing.assert_allclose(res.alpha, ref["total"]["raw_alpha"], rtol=RTOL)
    np.testing.assert_allclose(res.std_alpha, ref["total"]["std_alpha"], rtol=RTOL)
    np.testing.assert_allclose(res.items["r_drop"], ref["item_stats"]["r_drop"], rtol=RTOL)
    np.testing.assert_allclose(res.ci_lower, ref["ci"][0]["feldt_lower"], atol=1e-4)


def test_pairwise_and_listwise_differ_with_missing_data():
    pairwise = cronbach_alpha(bfi_agreeableness())
    listwise = cronbach_alpha(bfi_agreeableness(), missing="listwise")
    assert pairwise.n_obs == 2800 and listwise.n_obs < 2800
    assert pairwise.alpha != listwise.alpha


def test_ordinal_alpha_core_matches_psych_on_the_polychoric_matrix():
    """Ordinal alpha = alpha of the polychoric matrix (psych::alpha(polychoric(x)$rho))."""
    from werkalliantie_stats.psychometrics._alpha_core import alpha_statistics, drop_one_statistics

    ref = reference()["ordinal_alpha"]["bfi_A_rev"]
    rho = np.asarray(ref["polychoric"])
    total = alpha_statistics(rho, rho)
    np.testing.assert_allclose(total["raw_alpha"], ref["raw_alpha"], rtol=RTOL)
    np.testing.assert_allclose(total["std_alpha"], ref["std_alpha"], rtol=RTOL)
    np.testing.assert_allclose(total["g6"], ref["g6"], rtol=RTOL)
    np.testing.assert_allclose(total["average_r"], ref["average_r"], rtol=RTOL)
    np.testing.assert_allclose(drop_one_statistics(rho, rho, 2800)["raw_alpha"],
                               ref["alpha_if_deleted"], rtol=RTOL)


def test_ordinal_alpha_end_to_end_matches_psych():
    pytest.importorskip("werkalliantie_stats.psychometrics.correlation")
    ref = reference()["ordinal_alpha"]["bfi_A_rev"]
    res = cronbach_alpha(bfi_agreeableness(), correlation="polychoric")
    np.testing.assert_allclose(res.alpha, ref["raw_alpha"], rtol=1e-3)
    np.testing.assert_allclose(res.std_alpha, res.alpha, rtol=1e-12)
    np.testing.assert_allclose(res.items["alpha_if_deleted"], ref["alpha_if_deleted"],
                               rtol=1e-3)
    assert res.items["r_raw"].isna().all()


def test_pairwise_moments_match_pandas_pairwise_definitions():
    from werkalliantie_stats.psychometrics._moments import pairwise_cor, pairwise_cov

    data = bfi_agreeableness()
    np.testing.assert_allclose(pairwise_cov(data.to_numpy()), data.cov(), rtol=1e-12)
    np.testing.assert_allclose(pairwise_cor(data.to_numpy()), data.corr(), rtol=1e-12)


@pytest.mark.parametrize("which", [0, 1])
def test_confidence_interval_method_recomputes_without_refitting(which):
    ci = reference()["alpha"]["hs_x1_x9"]["ci"][which]
    res = _alpha("hs_x1_x9")
    np.testing.assert_allclose(res.confidence_interval("feldt", ci["level"]),
                               [ci["feldt_lower"], ci["feldt_upper"]], atol=1e-4)
    np.testing.assert_allclose(res.confidence_interval("duhachek", ci["level"]),
                               [ci["duhachek_lower"], ci["duhachek_upper"]], atol=1e-4)
    assert res.confidence_interval() == (res.ci_lower, res.ci_upper)
    with pytest.raises(ValueError, match="no bootstrap draws"):
        res.confidence_interval("bootstrap")
    with pytest.raises(ValueError, match="`confidence_level` must be in"):
        res.confidence_interval("feldt", 1.2)
    boot = _alpha("hs_x1_x3", ci="bootstrap", n_boot=200, seed=1)
    assert boot.confidence_interval() == (boot.ci_lower, boot.ci_upper)
