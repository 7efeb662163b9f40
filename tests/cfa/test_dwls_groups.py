"""Multiple-group WLSMV (configural, metric, scalar) and the scaled difference test,
against lavaan 0.6.14 on bfi A1-A5 + C1-C5 by gender.

R (tests/reference/cfa/ordinal/make_ordinal_fixtures.R)::

    cfa(model, data, ordered = items, estimator = "WLSMV", group = "gender",
        group.equal = "" | "loadings" | c("loadings", "thresholds"))
    lavTestLRT(configural, metric, scalar)   # method "satorra.2000", scaled.shifted
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ordinal_helpers import FIT_KEYS, ordinal_reference, read_reference_csv

from werkalliantie_stats.psychometrics.cfa.dwls import fit_dwls, scaled_difference_test
from werkalliantie_stats.psychometrics.cfa.ordinal import ordinal_sample_statistics
from werkalliantie_stats.psychometrics.cfa.ordinal_groups import (
    multigroup_simple_structure_model,
)

PATTERN = {"A": ["A1", "A2", "A3", "A4", "A5"], "C": ["C1", "C2", "C3", "C4", "C5"]}
EQUAL = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "thresholds")}
LEVELS = {**{k: (eq, False) for k, eq in EQUAL.items()},
          **{f"{k}_std_lv": (eq, True) for k, eq in EQUAL.items()}}
ROBUST = [k for k in FIT_KEYS if k.endswith("_robust")]


@pytest.fixture(scope="module")
def ref():
    return ordinal_reference("bfi_two_factor_by_gender")


@pytest.fixture(scope="module")
def grouped(ref):
    bfi = read_reference_csv("data/bfi.csv")
    data = bfi[[*ref["items"], "gender"]].dropna()
    return ordinal_sample_statistics(data, items=ref["items"], group="gender")


@pytest.fixture(scope="module")
def fits(grouped):
    return {level: fit_dwls(grouped, multigroup_simple_structure_model(PATTERN, grouped, eq,
                                                                        std_lv=std))
            for level, (eq, std) in LEVELS.items()}


def _lavaan_table(ref_level: dict) -> pd.DataFrame:
    table = pd.DataFrame(ref_level["estimates"])
    labels = []
    for lhs, op, rhs, group in table[["lhs", "op", "rhs", "group"]].to_numpy():
        base = f"{lhs}~1" if op == "~1" else f"{lhs}{op}{rhs}"
        labels.append(base if group == 1 else f"{base}.g{group}")
    table.index = labels
    return table


@pytest.mark.parametrize("level", list(LEVELS))
def test_estimates_and_ses_match_lavaan(fits, ref, level):
    fit = fits[level]
    table = _lavaan_table(ref[level])
    assert set(fit.estimates.index) <= set(table.index)
    lav = table.loc[fit.estimates.index]
    np.testing.assert_allclose(fit.estimates["est"], lav["est"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(fit.estimates["se"], lav["se"], rtol=1e-3)
    assert fit.fit_measures["npar"] == ref[level]["fit_measures"]["npar"]


@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("key", FIT_KEYS)
def test_fit_measures_match_lavaan(fits, ref, level, key):
    expected = ref[level]["fit_measures"][key.replace("_", ".")]
    if expected is None:  # lavaan: NA (robust indices with free scale factors; nfi and rfi
        # when the model has more df than the baseline)
        assert np.isnan(fits[level].fit_measures[key])
        return
    assert fits[level].fit_measures[key] == pytest.approx(expected, rel=2e-3, abs=1e-8)


def test_lavaan_na_cases_are_the_expected_ones(fits, ref):
    for level in LEVELS:
        missing = {k for k in FIT_KEYS if ref[level]["fit_measures"][k.replace("_", ".")] is None}
        expected = set()
        if level.startswith("scalar"):  # df 114 > baseline df 90; free scale factors
            expected = set(ROBUST) | {"nfi", "rfi", "nfi_scaled", "rfi_scaled"}
        assert missing == expected


def test_estimate_labels_split_like_lavaan(fits, ref):
    table = _lavaan_table(ref["scalar"])
    ours = fits["scalar"].estimates
    lav = table.loc[ours.index]
    assert list(ours["lhs"]) == list(lav["lhs"])
    assert list(ours["op"]) == list(lav["op"])
    assert list(ours["rhs"].fillna("")) == list(lav["rhs"].fillna(""))
    assert list(ours["group"]) == list(lav["group"])


def test_scalar_residual_variances_match_lavaan(fits, ref):
    fit = fits["scalar"]
    table = _lavaan_table(ref["scalar"])
    theta = fit.model.residual_variances(fit.theta)
    labels = [f"{i}~~{i}" for i in PATTERN["A"] + PATTERN["C"]]
    expected = table.loc[labels + [f"{label}.g2" for label in labels], "est"].to_numpy()
    np.testing.assert_allclose(theta, expected, rtol=1e-4)


@pytest.mark.parametrize(("pair", "row"), [(("configural", "metric"), 1),
                                           (("metric", "scalar"), 2)])
def test_scaled_difference_test_matches_lavtestlrt(fits, ref, pair, row):
    test = scaled_difference_test(fits[pair[0]], fits[pair[1]])
    assert test.df_diff == ref["lrt"]["df_diff"][row]
    assert test.chisq_diff == pytest.approx(ref["lrt"]["chisq_diff"][row], rel=2e-3)
    assert test.pvalue == pytest.approx(ref["lrt"]["pvalue"][row], rel=2e-3)
    assert "chisq_diff" in test.to_frame().columns


def test_difference_test_rejects_wrong_order(fits):
    with pytest.raises(ValueError, match="more degrees of freedom"):
        scaled_difference_test(fits["scalar"], fits["metric"])


def test_difference_test_rejects_non_fits():
    with pytest.raises(TypeError, match="DWLSResult"):
        scaled_difference_test(object(), object())


def test_scalar_jacobian_matches_finite_differences(grouped):
    model = multigroup_simple_structure_model(PATTERN, grouped, ("loadings", "thresholds"))
    rng = np.random.default_rng(1)
    theta = model.start(grouped) + rng.uniform(-0.05, 0.05, model.n_free)
    eps = 1e-6
    eye = np.eye(model.n_free)
    numeric = np.column_stack([(model.implied(theta + eps * eye[k])
                                - model.implied(theta - eps * eye[k])) / (2 * eps)
                               for k in range(model.n_free)])
    np.testing.assert_allclose(model.jacobian(theta), numeric, atol=1e-7)


def test_builder_rejects_bad_equal(grouped):
    with pytest.raises(ValueError, match=r"`equal` must be.*\('thresholds',\)"):
        multigroup_simple_structure_model(PATTERN, grouped, ("thresholds",))


def test_builder_rejects_single_group_stats(grouped):
    with pytest.raises(TypeError, match="GroupedOrdinalSampleStats"):
        multigroup_simple_structure_model(PATTERN, grouped["1"])


def test_builder_rejects_groups_with_different_categories():
    rng = np.random.default_rng(8)
    data = pd.DataFrame({"a": rng.integers(1, 4, 300), "b": rng.integers(1, 4, 300),
                         "c": rng.integers(1, 4, 300), "g": np.repeat(["x", "y"], 150)})
    data.loc[data["g"] == "y", "a"] = data.loc[data["g"] == "y", "a"].clip(upper=2)
    with pytest.warns(Warning):
        stats = ordinal_sample_statistics(data, items=["a", "b", "c"], group="g")
    with pytest.raises(ValueError, match="different numbers of categories"):
        multigroup_simple_structure_model({"F": ["a", "b", "c"]}, stats)
