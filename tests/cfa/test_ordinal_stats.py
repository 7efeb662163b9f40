"""Ordinal sample statistics (thresholds, polychorics, Gamma) against lavaan 0.6.14.

Fixtures: tests/reference/cfa/ordinal/make_ordinal_fixtures.R, which runs
``cfa(model, data, ordered = items, estimator = "WLSMV")`` and exports
``lavInspect(fit, "wls.obs")``, ``lavInspect(fit, "gamma")`` and ``lavInspect(fit, "wls.v")``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from ordinal_helpers import ordinal_reference, read_reference_csv, synthetic_client_wave1

from werkalliantie_stats.exceptions import (
    EmptyCategoryWarning,
    NonPositiveDefiniteWarning,
)
from werkalliantie_stats.psychometrics.cfa.ordinal import (
    GroupedOrdinalSampleStats,
    OrdinalSampleStats,
    ordinal_sample_statistics,
)

FIXTURES = ["bfi_two_factor", "bfi_one_factor", "synthetic_client_wave1"]


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return read_reference_csv("data/bfi.csv")


def _ref(name: str) -> dict:
    return ordinal_reference(name)


@pytest.fixture(scope="module", params=FIXTURES)
def case(request, bfi):
    ref = _ref(request.param)
    data = synthetic_client_wave1() if request.param.startswith("synthetic") else bfi
    return ref, ordinal_sample_statistics(data[ref["items"]].dropna())


def test_order_and_size_match_lavaan(case):
    ref, stats = case
    assert stats.nobs == ref["nobs"]
    assert stats.stat_names == tuple(ref["stat_names"])
    assert stats.n_thresholds == sum("|t" in n for n in ref["stat_names"])


def test_thresholds_and_polychorics_match_lavaan(case):
    ref, stats = case
    np.testing.assert_allclose(stats.vector, ref["wls_obs"], rtol=0, atol=1e-6)


def test_gamma_matches_lavaan(case):
    ref, stats = case
    gamma = np.array(ref["gamma"])
    np.testing.assert_allclose(stats.gamma, gamma, rtol=1e-4, atol=1e-6 * np.abs(gamma).max())


def test_dwls_weights_match_lavaan(case):
    ref, stats = case
    np.testing.assert_allclose(stats.weights, ref["wls_v_diag"], rtol=1e-4)


def test_result_shapes_and_frames(case):
    _, stats = case
    p = len(stats.items)
    assert stats.correlation.shape == (p, p)
    np.testing.assert_allclose(np.diag(stats.correlation), 1.0)
    frame = stats.to_frame()
    assert list(frame.columns) == ["estimate", "std_error", "weight"]
    np.testing.assert_allclose(frame["std_error"] ** 2 * stats.nobs, np.diag(stats.gamma))
    assert "nobs" in stats.summary()


def test_input_is_not_modified(bfi):
    data = bfi[["A1", "A2", "A3"]].copy()
    before = data.copy()
    ordinal_sample_statistics(data)
    pd.testing.assert_frame_equal(data, before)


def test_listwise_deletion_drops_incomplete_rows(bfi):
    data = bfi[["A1", "A2", "A3"]]
    stats = ordinal_sample_statistics(data)
    assert stats.nobs == len(data.dropna())


# --------------------------------------------------------------------------- conventions


def test_binary_empty_cell_rule_other_statistics_match_lavaan():
    """2 x 2 table with one empty cell: lavaan moves 0.5 into it keeping the margins.

    lavaan's optimiser then stops at its box bound 0.999 for that pair, because its
    gradient drops cells whose probability falls below sqrt(eps); we report the maximum of
    the corrected likelihood instead (documented in docs/methods/cfa-ordinal.md). Every
    other statistic, and Gamma outside that pair, agree with lavaan.
    """
    ref = _ref("binary_one_factor")
    data = pd.DataFrame(ref["data"], columns=ref["items"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonPositiveDefiniteWarning)
        stats = ordinal_sample_statistics(data)
    k = stats.stat_names.index("A2~~A3")
    keep = np.array([i for i in range(stats.vector.size) if i != k])
    np.testing.assert_allclose(stats.vector[keep], np.array(ref["wls_obs"])[keep], atol=1e-6)
    gamma = np.array(ref["gamma"])[np.ix_(keep, keep)]
    np.testing.assert_allclose(stats.gamma[np.ix_(keep, keep)], gamma, rtol=1e-4,
                               atol=1e-6 * np.abs(gamma).max())
    assert ref["wls_obs"][k] == pytest.approx(0.999)
    assert 0.95 < stats.vector[k] < 0.999


def test_binary_empty_cell_rho_maximises_corrected_likelihood():
    from scipy.stats import multivariate_normal, norm

    ref = _ref("binary_one_factor")
    data = pd.DataFrame(ref["data"], columns=ref["items"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonPositiveDefiniteWarning)
        stats = ordinal_sample_statistics(data)
    table = pd.crosstab(data["A2"], data["A3"]).to_numpy().astype(float)
    assert table[1, 0] == 0
    table += np.array([[-0.5, 0.5], [0.5, -0.5]])  # lavaan's keep-margins correction
    t2, t3 = stats.thresholds["A2|t1"], stats.thresholds["A3|t1"]

    def loglik(rho):
        p11 = multivariate_normal(cov=[[1, rho], [rho, 1]]).cdf([t2, t3])
        p1_, p_1 = norm.cdf(t2), norm.cdf(t3)
        probs = np.array([[p11, p1_ - p11], [p_1 - p11, 1 - p1_ - p_1 + p11]])
        return float(np.sum(table * np.log(probs)))

    rho = stats.correlation.loc["A2", "A3"]
    assert loglik(rho) > loglik(rho - 0.002)
    assert loglik(rho) > loglik(rho + 0.002)


def test_no_continuity_correction_small_sample_matches_lavaan():
    """150 rows: 6 x 6 tables with empty cells; lavaan adds nothing to them."""
    ref = _ref("small_sample_polychoric")
    data = pd.DataFrame(ref["data"], columns=ref["items"])
    stats = ordinal_sample_statistics(data)
    assert stats.stat_names == tuple(ref["stat_names"])
    np.testing.assert_allclose(stats.vector, ref["lavaan_wls_obs"], atol=1e-6)


def test_psych_default_polychoric_agrees_to_its_optimiser_tolerance():
    """psych 2.2.9 polychoric() (global = TRUE) adds no correction either; it optimises
    with optimize(), whose tolerance (about 1e-4) bounds the agreement."""
    ref = _ref("small_sample_polychoric")
    data = pd.DataFrame(ref["data"], columns=ref["items"])
    stats = ordinal_sample_statistics(data)
    np.testing.assert_allclose(stats.correlation.to_numpy(), ref["psych_rho_default"],
                               atol=1e-4)


# --------------------------------------------------------------------------- groups


def test_groups_match_lavaan_per_group(bfi):
    ref = _ref("bfi_two_factor_by_gender")
    data = bfi[[*ref["items"], "gender"]].dropna()
    grouped = ordinal_sample_statistics(data, items=ref["items"], group="gender")
    assert isinstance(grouped, GroupedOrdinalSampleStats)
    assert grouped.group_labels == tuple(ref["group_labels"])
    assert [grouped[g].nobs for g in grouped.group_labels] == ref["nobs"]
    for label in grouped.group_labels:
        np.testing.assert_allclose(grouped[label].vector, ref["wls_obs"][label], atol=1e-6)
        gamma = np.array(ref["gamma"][label])
        np.testing.assert_allclose(grouped[label].gamma, gamma, rtol=1e-4,
                                   atol=1e-6 * np.abs(gamma).max())
    assert set(grouped.to_frame().index.get_level_values("group")) == {"1", "2"}


def test_group_with_empty_category_warns():
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"a": rng.integers(1, 4, 200), "b": rng.integers(1, 4, 200),
                         "g": np.repeat(["x", "y"], 100)})
    data.loc[(data["g"] == "y") & (data["a"] == 3), "a"] = 2
    with pytest.warns(EmptyCategoryWarning, match=r"'a'.*group 'y'"):
        ordinal_sample_statistics(data, items=["a", "b"], group="g")


# --------------------------------------------------------------------------- bad input


def test_rejects_non_frame():
    with pytest.raises(TypeError, match=r"ordinal_sample_statistics.*DataFrame"):
        ordinal_sample_statistics(np.ones((5, 2)))


def test_rejects_unknown_item(bfi):
    with pytest.raises(ValueError, match=r"ordinal_sample_statistics: column.*'A9' not found"):
        ordinal_sample_statistics(bfi, items=["A1", "A9"])


def test_rejects_non_integer_codes():
    data = pd.DataFrame({"a": [1, 2, 2.5, 1], "b": [1, 2, 1, 2]})
    with pytest.raises(ValueError, match=r"column 'a'.*integer.*2\.5"):
        ordinal_sample_statistics(data)


def test_rejects_non_numeric_codes():
    data = pd.DataFrame({"a": [1, 2, "x", 1], "b": [1, 2, 1, 2]})
    with pytest.raises(ValueError, match=r"column 'a'.*non-numeric.*'x'"):
        ordinal_sample_statistics(data)


def test_rejects_constant_item():
    data = pd.DataFrame({"a": [1, 1, 1, 1], "b": [1, 2, 1, 2]})
    with pytest.raises(ValueError, match=r"column 'a'.*single response category"):
        ordinal_sample_statistics(data)


def test_rejects_single_item(bfi):
    with pytest.raises(ValueError, match="at least two items"):
        ordinal_sample_statistics(bfi, items=["A1"])


def test_gap_in_codes_warns_and_collapses():
    rng = np.random.default_rng(5)
    data = pd.DataFrame({"a": rng.choice([1, 2, 4, 5], 300), "b": rng.integers(1, 6, 300)})
    with pytest.warns(EmptyCategoryWarning, match=r"\[3\.0\] of item 'a' is empty"):
        stats = ordinal_sample_statistics(data)
    assert stats.thresholds_per_item == {"a": 3, "b": 4}


def test_near_one_correlation_warns():
    rng = np.random.default_rng(2)
    a = rng.integers(1, 4, 400)
    data = pd.DataFrame({"a": a, "b": a, "c": rng.integers(1, 4, 400)})
    with pytest.warns(NonPositiveDefiniteWarning, match=r"a~~b"):
        ordinal_sample_statistics(data)


def test_non_positive_definite_matrix_warns():
    # a and b, b and c perfectly concordant, a and c far less: pairwise estimates that
    # no joint normal distribution can have.
    b = np.repeat([1, 2, 3, 4], 50)
    a = np.where(b <= 2, 1, 2)
    c = np.where(b <= 3, 1, 2)
    rng = np.random.default_rng(0)
    c = np.where(rng.random(200) < 0.3, 3 - c, c)
    data = pd.DataFrame({"a": a, "b": b, "c": c})
    with pytest.warns(NonPositiveDefiniteWarning) as record:
        ordinal_sample_statistics(data)
    assert any("not positive definite" in str(w.message) for w in record)


def test_single_group_result_type(bfi):
    stats = ordinal_sample_statistics(bfi[["A1", "A2"]])
    assert isinstance(stats, OrdinalSampleStats)
    assert stats.group is None


def test_ordered_categoricals_and_nullable_integers_give_the_same_statistics(bfi):
    data = bfi[["A1", "A2", "A3"]].dropna().astype(int)
    labels = ["very inaccurate", "2", "3", "4", "5", "very accurate"]
    as_categorical = data.apply(lambda x: pd.Categorical.from_codes(x - 1, labels, ordered=True))
    as_nullable = data.astype("Int64")
    as_nullable.iloc[0, 0] = pd.NA
    reference = ordinal_sample_statistics(data)
    np.testing.assert_allclose(ordinal_sample_statistics(as_categorical).vector,
                               reference.vector)
    nullable = ordinal_sample_statistics(as_nullable)
    assert nullable.nobs == reference.nobs - 1


def test_polychoric_non_convergence_warns(monkeypatch, bfi):
    """The optimiser converges on any real table within its 100 Newton steps; force the
    not-converged flag to check that the user is told which pair and what to do."""
    from werkalliantie_stats.exceptions import ConvergenceWarning
    from werkalliantie_stats.psychometrics.cfa import ordinal

    real = ordinal._fit_polychorics

    def stalled(*args):
        rho, done = real(*args)
        return rho, np.zeros_like(done)

    monkeypatch.setattr(ordinal, "_fit_polychorics", stalled)
    with pytest.warns(ConvergenceWarning, match=r"3 pair\(s\), e\.g\. \['A1~~A2'"):
        ordinal_sample_statistics(bfi[["A1", "A2", "A3"]])
