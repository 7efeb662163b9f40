"""DWLS / WLSMV fits against lavaan 0.6.14.

R (tests/reference/cfa/ordinal/make_ordinal_fixtures.R)::

    cfa("A =~ A1 + ... + A5\\nC =~ C1 + ... + C5", data = na.omit(bfi[, items]),
        ordered = items, estimator = "WLSMV")            # and std.lv = TRUE; one factor

Tolerances: estimates 1e-4 relative, SEs 1e-3 relative, fit measures 2e-3 relative (the
brief's bounds); the deviations actually seen are below 1e-5.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from ordinal_helpers import (
    FIT_KEYS,
    SYNTHETIC_PATTERN,
    ordinal_reference,
    read_reference_csv,
    synthetic_client_wave1,
)

from werkalliantie_stats.exceptions import HeywoodCaseWarning, NonPositiveDefiniteWarning
from werkalliantie_stats.psychometrics.cfa.dwls import fit_dwls
from werkalliantie_stats.psychometrics.cfa.ordinal import (
    ordinal_sample_statistics,
    simple_structure_model,
)

AGREE = {"A": ["A1", "A2", "A3", "A4", "A5"]}
TWO = {**AGREE, "C": ["C1", "C2", "C3", "C4", "C5"]}
CASES = {"bfi_two_factor": (TWO, False), "bfi_two_factor_std_lv": (TWO, True),
         "bfi_one_factor": (AGREE, False), "synthetic_client_wave1": (SYNTHETIC_PATTERN, False)}
def _label(lhs, op, rhs):
    return f"{lhs}{op}{rhs}"


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    name = request.param
    ref = ordinal_reference(name)
    pattern, std_lv = CASES[name]
    data = (synthetic_client_wave1() if name.startswith("synthetic")
            else read_reference_csv("data/bfi.csv"))
    stats = ordinal_sample_statistics(data[ref["items"]].dropna())
    model = simple_structure_model(pattern, stats, std_lv=std_lv)
    table = pd.DataFrame(ref["estimates"])
    table.index = [_label(*row) for row in table[["lhs", "op", "rhs"]].to_numpy()]
    return ref, stats, model, fit_dwls(stats, model), table


def test_free_parameters_in_lavaan_order(case):
    ref, _, model, _, _ = case
    assert model.param_names == tuple(ref["delta_colnames"])


def test_jacobian_matches_lavaan_delta(case):
    ref, _, model, _, table = case
    theta = table.loc[list(model.param_names), "est"].to_numpy()
    if ref["delta"] is not None:
        np.testing.assert_allclose(model.jacobian(theta), ref["delta"], atol=1e-10)
        return
    # fixture written without lavaan's delta (file size): central differences instead
    eps, eye = 1e-6, np.eye(theta.size)
    numeric = np.column_stack([(model.implied(theta + eps * eye[k])
                                - model.implied(theta - eps * eye[k])) / (2 * eps)
                               for k in range(theta.size)])
    np.testing.assert_allclose(model.jacobian(theta), numeric, atol=1e-7)


def test_estimates_match_lavaan(case):
    _, _, _, fit, table = case
    est = table.loc[fit.estimates.index, "est"].to_numpy()
    np.testing.assert_allclose(fit.estimates["est"], est, rtol=1e-4, atol=1e-6)


def test_robust_standard_errors_match_lavaan(case):
    _, _, _, fit, table = case
    se = table.loc[fit.estimates.index, "se"].to_numpy()
    np.testing.assert_allclose(fit.estimates["se"], se, rtol=1e-3)
    z = table.loc[fit.estimates.index, "z"].to_numpy()
    np.testing.assert_allclose(fit.estimates["z"], z, rtol=1e-3)


@pytest.mark.parametrize("key", FIT_KEYS)
def test_fit_measures_match_lavaan(case, key):
    ref, _, _, fit, _ = case
    expected = ref["fit_measures"][key.replace("_", ".")]
    assert fit.fit_measures[key] == pytest.approx(expected, rel=2e-3, abs=1e-8)


def test_chisq_is_n_minus_one_times_dwls_minimum(case):
    ref, stats, _, fit, _ = case
    resid = stats.vector - fit.implied
    f_dwls = float(np.sum(stats.weights * resid ** 2))
    assert fit.fit_measures["chisq"] == pytest.approx((stats.nobs - 1) * f_dwls, rel=1e-12)
    assert ref["fit_measures"]["chisq"] == pytest.approx(2 * stats.nobs * ref["fit_measures"]
                                                         ["fmin"], rel=1e-12)


def test_residual_variances_and_std_all_match_lavaan(case):
    _, _, model, fit, table = case
    theta_ii = model.residual_variances(fit.theta)
    expected = table.loc[[f"{i}~~{i}" for i in model.items], "est"].to_numpy()
    np.testing.assert_allclose(theta_ii, expected, rtol=1e-4)
    std = model.standardized_loadings(fit.theta)
    for i, item in enumerate(model.items):
        factor = model.item_factor[i]
        label = f"{model.factors[factor]}=~{item}"
        assert std[i, factor] == pytest.approx(table.loc[label, "std.all"], rel=1e-4)


def test_implied_correlations_match_lavaan(case):
    ref, stats, _, fit, _ = case
    implied = np.array(ref["implied_cor"])
    rows, cols = np.tril_indices(len(stats.items), -1)
    order = np.lexsort((rows, cols))
    np.testing.assert_allclose(fit.implied[stats.n_thresholds:],
                               implied[rows[order], cols[order]], atol=1e-6)


def test_summary_and_frames(case):
    _, _, _, fit, _ = case
    assert "Scaling correction factor" in fit.summary()
    assert list(fit.to_frame().columns) == ["lhs", "op", "rhs", "group", "est", "se", "z",
                                            "pvalue", "ci_lower", "ci_upper"]
    row = fit.estimates.iloc[0]
    assert (row["op"], row["group"]) == ("=~", 1)
    assert f"{row['lhs']}=~{row['rhs']}" == fit.estimates.index[0]
    ci = fit.confidence_interval(0.95)
    np.testing.assert_allclose(ci["ci_lower"], fit.estimates["ci_lower"])


def test_binary_items_fit_matches_lavaan_where_defined():
    """Binary items, one empty 2 x 2 cell (see test_ordinal_stats): lavaan's degenerate
    A2~~A3 (0.999, Gamma element 6.7e29) makes its robust indices NA; the standard
    chi-square differs as that pair differs. The sample statistics elsewhere agree, so
    we check the baseline statistic which only involves correlations and weights."""
    ref = ordinal_reference("binary_one_factor")
    data = pd.DataFrame(ref["data"], columns=ref["items"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonPositiveDefiniteWarning)
        stats = ordinal_sample_statistics(data)
    k = stats.stat_names.index("A2~~A3")
    keep = [i for i in range(stats.n_thresholds, stats.vector.size) if i != k]
    ours = (stats.nobs - 1) * np.sum(stats.weights[keep] * stats.vector[keep] ** 2)
    w_ref = np.array(ref["wls_v_diag"])
    theirs = (stats.nobs - 1) * np.sum(w_ref[keep] * np.array(ref["wls_obs"])[keep] ** 2)
    assert ours == pytest.approx(theirs, rel=1e-6)
    assert ref["fit_measures"]["cfi.robust"] is None


def test_heywood_case_warns():
    rng = np.random.default_rng(11)
    corr = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, 0.5], [0.8, 0.5, 1.0]])
    latent = rng.multivariate_normal(np.zeros(3), corr, size=3000)
    data = pd.DataFrame(np.digitize(latent, [-0.5, 0.5]) + 1, columns=["x", "y", "z"])
    stats = ordinal_sample_statistics(data)
    model = simple_structure_model({"F": ["x", "y", "z"]}, stats)
    with pytest.warns(HeywoodCaseWarning, match=r"\['x'\]"):
        fit = fit_dwls(stats, model)
    assert fit.fit_measures["df"] == 0
    assert fit.fit_measures["chisq_scaled"] == pytest.approx(fit.fit_measures["chisq"])
    assert np.isnan(fit.fit_measures["chisq_scaling_factor"])
