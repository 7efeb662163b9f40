"""Plots of the binary outcome models (Agg backend): assert on what was drawn."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.outcomes import logistic
from werkalliantie_stats.plots.outcomes import (
    calibration_plot,
    forest_plot,
    roc_curve,
    roc_points,
)


@pytest.fixture(scope="module")
def fit():
    rng = np.random.default_rng(12)
    df = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    df["y"] = rng.binomial(1, 1 / (1 + np.exp(-(0.8 * df.a - 0.5 * df.b))))
    return logistic(df, "y", ["a", "b"])


def test_roc_points_hand_example():
    fpr, tpr = roc_points(np.array([0.0, 1, 1, 0]), np.array([0.1, 0.9, 0.5, 0.5]))
    np.testing.assert_allclose(fpr, [0, 0, 0.5, 1])
    np.testing.assert_allclose(tpr, [0, 0.5, 1, 1])


def test_roc_curve(fit):
    ax = roc_curve(fit)
    curve, diagonal = ax.get_lines()
    np.testing.assert_allclose(diagonal.get_xydata(), [[0, 0], [1, 1]])
    fpr, tpr = curve.get_data()
    assert fpr[0] == 0 and tpr[-1] == 1 and np.all(np.diff(fpr) >= 0)
    np.testing.assert_allclose(np.trapezoid(tpr, fpr), fit.auc, rtol=1e-12)
    assert ax.get_legend().get_texts()[0].get_text() == f"AUC = {fit.auc:.3f}"
    plt.close("all")


def test_roc_curve_from_arrays_and_given_axes():
    _, ax0 = plt.subplots()
    ax = roc_curve([0, 1, 0, 1], [0.2, 0.7, 0.4, 0.3], ax=ax0, label="model")
    assert ax is ax0 and ax.get_legend().get_texts()[0].get_text() == "model"
    with pytest.raises(TypeError, match="roc_curve: pass a LogisticResult"):
        roc_curve([0, 1])
    plt.close("all")


def test_calibration_plot(fit):
    ax = calibration_plot(fit, g=5)
    ideal = ax.get_lines()[0]
    np.testing.assert_allclose(ideal.get_xydata(), [[0, 0], [1, 1]])
    points = ax.containers[0].lines[0].get_xydata()
    assert len(points) == 5
    expected = pd.Series(fit.observed.to_numpy()).groupby(
        pd.qcut(fit.fitted.to_numpy(), 5, labels=False)).mean().to_numpy()
    np.testing.assert_allclose(points[:, 1], expected)
    plt.close("all")


def test_forest_plot(fit):
    ax = forest_plot(fit)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert ax.get_xscale() == "log"
    points = ax.containers[0].lines[0].get_xydata()
    np.testing.assert_allclose(sorted(points[:, 0]), sorted(fit.table["odds_ratio"][1:]))
    assert ax.get_xlabel() == "Odds ratio (log scale)"
    with pytest.raises(TypeError, match="coefficient table"):
        forest_plot(pd.DataFrame({"x": [1]}))
    plt.close("all")
