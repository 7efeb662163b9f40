"""Plots of item responses and reliability estimates (Agg backend, assertions on artists)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from reliability_data import X1_X9, bfi_agreeableness, hs

from werkalliantie_stats.plots.reliability import (
    item_distributions,
    reliability_forest,
)
from werkalliantie_stats.psychometrics import cronbach_alpha, item_analysis


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_item_distributions_draws_centred_proportions():
    data = bfi_agreeableness()
    ax = item_distributions(data)
    bars = ax.patches
    assert len(bars) == 5 * 6                                  # items x categories
    freq = item_analysis(data).frequencies
    widths = np.array([b.get_width() for b in bars]).reshape(6, 5).T
    np.testing.assert_allclose(widths, freq.drop(columns="miss").to_numpy())
    first_left = np.array([b.get_x() for b in bars[:5]])       # category 1 of each item
    np.testing.assert_allclose(-first_left, freq[["1", "2", "3"]].sum(axis=1))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A1", "A2", "A3", "A4", "A5"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1", "2", "3", "4", "5", "6"]


def test_item_distributions_odd_scale_splits_the_middle_category():
    data = pd.DataFrame({"a": [1, 2, 3, 3, 4, 5], "b": [3, 3, 3, 4, 5, 5]})
    _, ax = plt.subplots()
    assert item_distributions(item_analysis(data), ax=ax) is ax
    left_a = ax.patches[0].get_x()
    np.testing.assert_allclose(left_a, -(1 / 6 + 1 / 6 + 0.5 * 2 / 6))


def test_item_distributions_refuses_continuous_items():
    with pytest.raises(ValueError, match="more than 10 distinct values"):
        item_distributions(hs(*X1_X9))


def test_reliability_forest_from_results_draws_points_and_intervals():
    results = {"x1-x3": cronbach_alpha(hs("x1", "x2", "x3")),
               "x4-x6": cronbach_alpha(hs("x4", "x5", "x6"))}
    ax = reliability_forest(results)
    points = ax.lines[0].get_xdata()
    np.testing.assert_allclose(points, [r.alpha for r in results.values()])
    segments = ax.collections[0].get_segments()
    np.testing.assert_allclose([s[:, 0] for s in segments],
                               [[r.ci_lower, r.ci_upper] for r in results.values()])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x1-x3", "x4-x6"]
    assert sorted(line.get_xdata()[0] for line in ax.lines[1:] if line.get_linestyle() == ":") \
        == [0.7, 0.8]


def test_reliability_forest_from_table_and_bad_tables():
    table = pd.DataFrame({"alpha": [0.8], "ci_lower": [0.7], "ci_upper": [0.9]}, index=["s"])
    ax = reliability_forest(table, thresholds=())
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [0.8])
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['ci_upper'\]"):
        reliability_forest(table.drop(columns="ci_upper"))
    with pytest.raises(TypeError, match="must be a DataFrame or a mapping"):
        reliability_forest([0.8, 0.7])


def test_item_distributions_centres_on_the_scale_not_the_observed_categories():
    data = pd.DataFrame({"a": [2, 3, 4, 5, 5], "b": [3, 3, 4, 4, 5]})  # nobody answered 1
    ax = item_distributions(data, categories=range(1, 6))
    assert len(ax.patches) == 2 * 5
    np.testing.assert_allclose(ax.patches[0].get_x(), -(0 + 0.2 + 0.5 * 0.2))
    with pytest.raises(ValueError, match=r"responses \['5'\] are not among"):
        item_distributions(data, categories=[1, 2, 3, 4])
