"""Threshold plot (Agg backend; assertions on what was drawn)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from ordinal_helpers import read_reference_csv

from werkalliantie_stats.plots.cfa_ordinal import threshold_plot
from werkalliantie_stats.psychometrics.cfa.ordinal import ordinal_sample_statistics


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def bfi():
    return read_reference_csv("data/bfi.csv")


def test_points_are_the_thresholds_with_their_intervals(bfi):
    stats = ordinal_sample_statistics(bfi[["A1", "A2", "A3"]])
    ax = threshold_plot(stats)
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_xdata(), stats.thresholds.to_numpy())
    np.testing.assert_allclose(line.get_ydata(), np.repeat([0, 1, 2], 5))
    segments = ax.collections[0].get_segments()  # the horizontal error bars
    se = np.sqrt(np.diag(stats.gamma)[:15] / stats.nobs)
    widths = np.array([s[1, 0] - s[0, 0] for s in segments])
    np.testing.assert_allclose(widths, 2 * 1.959963984540054 * se, rtol=1e-9)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A1", "A2", "A3"]


def test_groups_get_one_series_each_and_a_legend(bfi):
    grouped = ordinal_sample_statistics(bfi[["A1", "A2", "gender"]], items=["A1", "A2"],
                                        group="gender")
    _, ax = plt.subplots()
    assert threshold_plot(grouped, ax=ax) is ax
    assert len(ax.lines) >= 2
    np.testing.assert_allclose(ax.lines[0].get_xdata(), grouped["1"].thresholds.to_numpy())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1", "2"]


def test_rejects_other_input():
    with pytest.raises(TypeError, match="threshold_plot"):
        threshold_plot(np.zeros(3))
