"""Invariances that any correct alpha / ICC / split-half must have (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from werkalliantie_stats.psychometrics import cronbach_alpha, icc, split_half

SETTINGS = settings(max_examples=20, deadline=None)
# small random samples sometimes have an item that correlates negatively by chance
pytestmark = pytest.mark.filterwarnings(
    "ignore::werkalliantie_stats.exceptions.WerkalliantieWarning")


def _items(seed: int, n: int, k: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 1)) + rng.normal(size=(n, k)) * rng.uniform(0.5, 2.0, size=k)
    return pd.DataFrame(x, columns=[f"i{j}" for j in range(k)])


@SETTINGS
@given(seed=st.integers(0, 10_000), n=st.integers(20, 120), k=st.integers(3, 8),
       shift=st.floats(-50, 50), scale=st.floats(0.1, 10))
def test_alpha_is_invariant_to_a_common_linear_transformation(seed, n, k, shift, scale):
    data = _items(seed, n, k)
    base, moved = cronbach_alpha(data), cronbach_alpha(data * scale + shift)
    np.testing.assert_allclose([moved.alpha, moved.std_alpha, moved.g6],
                               [base.alpha, base.std_alpha, base.g6], rtol=1e-8)


@SETTINGS
@given(seed=st.integers(0, 10_000), k=st.integers(3, 8), data=st.data())
def test_alpha_does_not_depend_on_item_order(seed, k, data):
    items = _items(seed, 60, k)
    order = data.draw(st.permutations(list(items.columns)))
    base, shuffled = cronbach_alpha(items), cronbach_alpha(items[order])
    np.testing.assert_allclose(shuffled.alpha, base.alpha, rtol=1e-10)
    pd.testing.assert_frame_equal(shuffled.items.loc[list(items.columns)], base.items,
                                  check_exact=False, rtol=1e-10)


@SETTINGS
@given(seed=st.integers(0, 10_000), scales=st.lists(st.floats(0.1, 10), min_size=4,
                                                    max_size=4))
def test_standardised_statistics_ignore_item_scales(seed, scales):
    data = _items(seed, 80, 4)
    base, rescaled = cronbach_alpha(data), cronbach_alpha(data * np.array(scales))
    np.testing.assert_allclose(rescaled.std_alpha, base.std_alpha, rtol=1e-10)
    np.testing.assert_allclose(split_half(data * np.array(scales)).max_split,
                               split_half(data).max_split, rtol=1e-10)


@SETTINGS
@given(seed=st.integers(0, 10_000), k=st.integers(2, 6), shift=st.floats(-20, 20))
def test_icc_is_invariant_to_shifting_all_ratings(seed, k, shift):
    ratings = _items(seed, 30, k)
    base, moved = icc(ratings), icc(ratings + shift)
    np.testing.assert_allclose(moved.table["icc"], base.table["icc"], rtol=1e-8, atol=1e-12)


@SETTINGS
@given(seed=st.integers(0, 10_000), k=st.integers(2, 6))
def test_icc3_ignores_rater_leniency_but_icc2_does_not(seed, k):
    ratings = _items(seed, 30, k)
    lenient = ratings + np.arange(k) * 2.0
    base, moved = icc(ratings), icc(lenient)
    np.testing.assert_allclose(moved.table.loc["ICC3", "icc"], base.table.loc["ICC3", "icc"],
                               rtol=1e-8)
    # rater variance enters ICC2's denominator only: the estimate shrinks towards zero
    assert abs(moved.table.loc["ICC2", "icc"]) < abs(base.table.loc["ICC2", "icc"])


@SETTINGS
@given(seed=st.integers(0, 10_000), n=st.integers(30, 100), k=st.integers(3, 6))
def test_bounds_are_ordered(seed, n, k):
    res = cronbach_alpha(_items(seed, n, k))
    assert res.ci_lower < res.alpha < res.ci_upper
    half = split_half(_items(seed, n, k))
    assert half.min_split <= half.mean_split <= half.max_split
