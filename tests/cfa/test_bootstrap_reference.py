"""bootstrap_cfa against lavaan 0.6.14 on the same resampled rows.

R: tests/reference/cfa/make_bootstrap_fixtures.R, e.g.
``bootstrapLavaan(fit, R = 200, FUN = "coef", keep.idx = TRUE, iseed = 20261128)`` and
``parameterEstimates(cfa(..., se = "bootstrap", bootstrap = 200, iseed = 20261128),
boot.ci.type = "perc")``. The index CSVs hold 1-based row indices within each group;
we pass them as 0-based positions in the fit's case order.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from cfa_helpers import HS_MODEL, load_hs, load_hs_mcar, load_synthetic_wave1, reference
from reference_io import REFERENCE

from werkalliantie_stats.exceptions import ConvergenceWarning, HeywoodCaseWarning
from werkalliantie_stats.psychometrics.cfa import bootstrap_cfa, cfa

TOL = 1e-5
SYN_MODEL = "\n".join(f"{name} =~ " + " + ".join(f"{p}{i}" for i in range(1, 6))
                      for name, p in [("communicatie", "com"), ("binding", "bin"),
                                      ("vertrouwen", "ver"), ("stroefheid", "str")])


def _indices(case: str, nobs: list[int]) -> np.ndarray:
    local = np.loadtxt(REFERENCE / f"cfa/bootstrap/{case}_indices.csv", delimiter=",",
                       skiprows=1, dtype=int, ndmin=2) - 1
    offsets = np.repeat(np.cumsum([0, *nobs[:-1]]), nobs)
    return local + offsets


def _fit(case: str, estimator: str = "ML"):
    if case.startswith("hs_ml"):
        return cfa(load_hs(), HS_MODEL, estimator=estimator)
    if case == "hs_school_metric":
        return cfa(load_hs(), HS_MODEL, group="school", group_equal=("loadings",),
                   estimator=estimator)
    if case == "hs_fiml":
        return cfa(load_hs_mcar(), HS_MODEL, missing="fiml", estimator=estimator)
    q = load_synthetic_wave1()
    return cfa(q[q["rater"] == "client"], SYN_MODEL, estimator=estimator)


def _partable(ref: dict) -> pd.DataFrame:
    """lavaan's parameter-table rows that parameterEstimates reports (no ``==`` rows)."""
    pt = pd.DataFrame(ref["partable"])
    return pt[pt["op"] != "=="].reset_index(drop=True)


def _row_order(ours: pd.DataFrame, ref: dict) -> np.ndarray:
    """Positions in ``ours`` of lavaan's parameter-table rows (matched by lhs/op/rhs/group)."""
    pt = _partable(ref)
    pt["group"] = pt["group"].astype(int)
    keys = ours[["lhs", "op", "rhs"]].copy()
    keys["group"] = ours["group"].to_numpy() if "group" in ours.columns else 1
    keys["pos"] = np.arange(len(ours))
    merged = pt.merge(keys, on=["lhs", "op", "rhs", "group"], how="left", validate="one_to_one")
    assert not merged["pos"].isna().any()
    return merged["pos"].to_numpy(dtype=int)


def _boot(case: str, ref: dict, estimator: str = "ML", ci_type: str = "perc", drop=()):
    fit = _fit(case, estimator)
    idx = _indices(case.replace("_nlminb", ""), list(fit.n_obs))
    keep = np.setdiff1d(np.arange(len(idx)), drop)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = bootstrap_cfa(fit, indices=idx[keep], ci_type=ci_type)
    return fit, boot, keep


def _lavaan_draws(boot, ref: dict, order: np.ndarray, keep) -> tuple[np.ndarray, np.ndarray]:
    """Our per-row draws in lavaan's free-parameter column order, and lavaan's."""
    pt = _partable(ref)
    free_rows = order[pt["free"].to_numpy() > 0]
    ours = boot.draws.to_numpy()[:, boot.row_param[free_rows]]
    theirs = np.array(ref["coef"], dtype=float)[keep]
    return ours, theirs


CASES = ["hs_ml", "hs_school_metric", "hs_fiml"]


@pytest.fixture(scope="module", params=CASES)
def case(request):
    ref = reference(f"bootstrap/{request.param}.json")
    assert not ref["error_idx"] and not ref["nlminb_error_idx"]
    fit, boot, keep = _boot(request.param, ref)
    return request.param, ref, fit, boot, keep


def test_draws_match_lavaan_per_draw(case):
    _, ref, fit, boot, keep = case
    ours, theirs = _lavaan_draws(boot, ref, _row_order(fit.estimates, ref), keep)
    assert boot.n_failed == 0
    np.testing.assert_allclose(ours, theirs, atol=TOL, rtol=0)


def test_standard_errors_match_lavaan(case):
    _, ref, fit, boot, _ = case
    order = _row_order(fit.estimates, ref)
    np.testing.assert_allclose(boot.estimates["se"].to_numpy()[order],
                               np.asarray(ref["se"], dtype=float), atol=TOL, rtol=0)
    z = np.asarray([np.nan if v is None else v for v in ref["z"]], dtype=float)
    np.testing.assert_allclose(boot.estimates["z"].to_numpy()[order], z, rtol=1e-4)


def _ties(boot, order: np.ndarray) -> np.ndarray:
    """Rows with a draw equal to the estimate up to rounding (1e-8).

    bca.simple counts draws ``t < est``; a tie (e.g. a resampled mean of discrete scores
    that equals the sample mean, as for the intercepts of the multi-group model) is then
    decided by rounding noise of order 1e-11, which differs between lavaan and us.
    """
    t = boot.draws.to_numpy()
    est = boot.estimates["est"].to_numpy()
    tie = np.zeros(len(est), dtype=bool)
    free = boot.row_param >= 0
    gap = np.abs(t[:, boot.row_param[free]] - est[free]).min(axis=0)
    tie[free] = gap < 1e-8 * np.maximum(1.0, np.abs(est[free]))
    return tie[order]


@pytest.mark.parametrize("ci_type", ["perc", "norm", "basic", "bca.simple"])
def test_intervals_match_lavaan(case, ci_type):
    _, ref, fit, boot, _ = case
    order = _row_order(fit.estimates, ref)
    ours = boot.confidence_interval(ci_type).iloc[order]
    check = ~_ties(boot, order) if ci_type == "bca.simple" else np.ones(len(order), bool)
    assert check.mean() > 0.9
    for col in ("ci_lower", "ci_upper"):
        theirs = np.asarray(ref["ci"][ci_type][col], dtype=float)
        np.testing.assert_allclose(ours[col].to_numpy()[check], theirs[check],
                                   atol=TOL, rtol=0, err_msg=f"{ci_type} {col}")
        t = boot.draws.to_numpy()[:, boot.row_param[order[~check]]]
        inside = ((theirs[~check] >= t.min(axis=0) - TOL)
                  & (theirs[~check] <= t.max(axis=0) + TOL))
        assert inside.all()


def test_sd_with_ddof1_is_r_sd_of_draws(case):
    """The other convention: R's ``apply(bootstrapLavaan(...), 2, sd)``."""
    _, ref, fit, boot, keep = case
    order = _row_order(fit.estimates, ref)
    pt = _partable(ref)
    free = pt["free"].to_numpy() > 0
    r_sd = np.array(ref["coef"], dtype=float)[keep].std(axis=0, ddof=1)
    ours = boot.standard_errors(ddof=1).to_numpy()[order][free]
    np.testing.assert_allclose(ours, r_sd, atol=TOL, rtol=0)
    assert (ours > boot.standard_errors().to_numpy()[order][free]).all()


def test_lavaan_default_optimiser_stops_early():
    """lavaan's default nlminb draws (rel.tol 1e-10) sit up to ~5e-5 from the optimum.

    Same indices as hs_ml; the fixture hs_ml.json used optim.method = "BFGS" with
    reltol = 1e-16 and matches to 1e-5 (test above). Against the default run our draws
    agree to 1e-4, and SEs to 1e-5.
    """
    ref = reference("bootstrap/hs_ml_nlminb.json")
    fit, boot, keep = _boot("hs_ml_nlminb", ref)
    ours, theirs = _lavaan_draws(boot, ref, _row_order(fit.estimates, ref), keep)
    gap = np.abs(ours - theirs).max()
    assert 1e-6 < gap < 1e-4
    order = _row_order(fit.estimates, ref)
    np.testing.assert_allclose(boot.estimates["se"].to_numpy()[order], ref["se"], atol=1e-5)


def test_mlr_bootstrap_is_the_ml_bootstrap():
    """lavaan refuses se='bootstrap' with MLR; its estimates are ML's, so are the draws."""
    ref = reference("bootstrap/hs_ml.json")
    _, boot_ml, _ = _boot("hs_ml", ref)
    _, boot_mlr, _ = _boot("hs_ml", ref, estimator="MLR")
    np.testing.assert_array_equal(boot_mlr.draws.to_numpy(), boot_ml.draws.to_numpy())


def test_cfa_se_bootstrap_columns_come_from_the_draws():
    fit = cfa(load_hs(), HS_MODEL, se="bootstrap", bootstrap=50, seed=3)
    boot = fit.bootstrap
    assert boot.n_boot == 50 and boot.ci_type == "perc"
    for col in ("se", "z", "pvalue", "ci_lower", "ci_upper"):
        np.testing.assert_array_equal(fit.estimates[col], boot.estimates[col])
    plain = cfa(load_hs(), HS_MODEL)
    np.testing.assert_array_equal(fit.estimates["est"], plain.estimates["est"])
    pd.testing.assert_series_equal(fit.fit_measures, plain.fit_measures)


def test_synthetic_client_draws_and_failures_match_lavaan():
    """Four-factor synthetic client model (ML, 100 draws).

    Three draws have no finite optimum: the stroefheid variance runs off along a ridge
    (lavaan's BFGS stops there with str1~~str1 below -100; its default nlminb reports them
    as failed). We fail the same draws, drop them with a ConvergenceWarning, and match
    lavaan on the other 97 to 1e-5.
    """
    ref = reference("bootstrap/synthetic_client.json")
    fit = _fit("synthetic_client")
    idx = _indices("synthetic_client", list(fit.n_obs))
    with pytest.warns(ConvergenceWarning, match="3 of 100 bootstrap draws did not converge"), \
            pytest.warns(HeywoodCaseWarning, match="7 of 100 bootstrap draws have a negative"):
        boot = bootstrap_cfa(fit, indices=idx)
    assert boot.n_nonadmissible == 7
    failed = np.flatnonzero(boot.draws.isna().any(axis=1))
    np.testing.assert_array_equal(failed, np.asarray(ref["nlminb_error_idx"]) - 1)
    assert boot.n_failed == 3
    ours, theirs = _lavaan_draws(boot, ref, _row_order(fit.estimates, ref), np.arange(100))
    ok = np.setdiff1d(np.arange(100), failed)
    np.testing.assert_allclose(ours[ok], theirs[ok], atol=TOL, rtol=0)
    ridge = boot.draws.columns.get_loc("str1~~str1")
    order = _row_order(fit.estimates, ref)
    col = list(boot.row_param[order[_partable(ref)["free"].to_numpy() > 0]]).index(ridge)
    assert (theirs[failed, col] < -100).all()


def test_bollen_stine_matches_lavaan():
    """``cfa(HS, se = "bootstrap", test = "bollen.stine", bootstrap = 100)`` in lavaan.

    R: tests/reference/cfa/make_bollen_stine_fixture.R (same rows via bootstrapLavaan(
    type = "bollen.stine", keep.idx = TRUE)). Per-draw estimates and chi-squares, the SEs
    (lavaan takes them from the rotated-data draws too) and the p-value #{T_b > T}/R.
    """
    ref = reference("bootstrap/hs_bollen_stine.json")
    fit = _fit("hs_ml")
    idx = _indices("hs_bollen_stine", list(fit.n_obs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = bootstrap_cfa(fit, indices=idx, type="bollen.stine")
    order = _row_order(fit.estimates, ref)
    ours, theirs = _lavaan_draws(boot, ref, order, np.arange(len(idx)))
    np.testing.assert_allclose(ours, theirs, atol=TOL, rtol=0)
    np.testing.assert_allclose(boot.chisq_draws, ref["boot_chisq"], rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(boot.estimates["se"].to_numpy()[order], ref["se"], atol=TOL)
    np.testing.assert_allclose(boot.chisq, ref["chisq"], rtol=1e-6)
    assert boot.pvalue_bollen_stine == ref["pvalue"]
    assert (boot.chisq_draws > boot.chisq).sum() == ref["boot_larger"]
    assert boot.type == "bollen.stine"
