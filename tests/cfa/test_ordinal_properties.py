"""Properties of the ordinal sample statistics that hold for any data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from werkalliantie_stats.exceptions import EmptyCategoryWarning
from werkalliantie_stats.psychometrics.cfa.dwls import fit_dwls
from werkalliantie_stats.psychometrics.cfa.ordinal import (
    ordinal_sample_statistics,
    simple_structure_model,
)


def _data(seed: int, n: int = 250, p: int = 4, loading: float = 0.7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = loading * rng.normal(size=(n, 1)) + np.sqrt(1 - loading ** 2) * rng.normal(size=(n, p))
    codes = np.digitize(y, [-1.0, -0.2, 0.6]) + 1
    return pd.DataFrame(codes, columns=[f"y{k}" for k in range(p)])


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_row_order_does_not_matter(seed):
    data = _data(seed)
    shuffled = data.sample(frac=1.0, random_state=seed)
    a, b = ordinal_sample_statistics(data), ordinal_sample_statistics(shuffled)
    np.testing.assert_allclose(a.vector, b.vector, atol=1e-12)
    np.testing.assert_allclose(a.gamma, b.gamma, rtol=1e-9, atol=1e-12)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000), shift=st.integers(-5, 20))
def test_only_the_order_of_codes_matters(seed, shift):
    data = _data(seed)
    a = ordinal_sample_statistics(data)
    with pytest.warns(EmptyCategoryWarning, match="treated as consecutive"):
        b = ordinal_sample_statistics(data * 2 + shift)  # same order, gaps between codes
    np.testing.assert_allclose(a.vector, b.vector, atol=1e-12)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_gamma_is_symmetric_positive_semidefinite(seed):
    stats = ordinal_sample_statistics(_data(seed))
    np.testing.assert_allclose(stats.gamma, stats.gamma.T, atol=1e-12)
    smallest = np.linalg.eigvalsh(stats.gamma)[0]
    assert smallest > -1e-9 * np.abs(stats.gamma).max()
    thresholds = stats.thresholds.to_numpy().reshape(4, 3)
    assert np.all(np.diff(thresholds, axis=1) > 0)


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_correct_model_fits_and_leaves_stats_untouched(seed):
    stats = ordinal_sample_statistics(_data(seed, n=600))
    before = stats.vector.copy(), stats.gamma.copy()
    model = simple_structure_model({"F": list(stats.items)}, stats, std_lv=True)
    fit = fit_dwls(stats, model)
    np.testing.assert_array_equal(stats.vector, before[0])
    np.testing.assert_array_equal(stats.gamma, before[1])
    assert fit.converged
    loadings = model.standardized_loadings(fit.theta)[:, 0]
    assert np.all(np.abs(loadings - 0.7) < 0.25)  # the generating loading, loosely
