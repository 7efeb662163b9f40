"""Plots draw what they say (Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from werkalliantie_stats.plots.psychometrics import loading_heatmap, scree
from werkalliantie_stats.psychometrics import efa, parallel_analysis


def test_scree_draws_observed_and_random_lines(hs):
    res = parallel_analysis(hs, n_iter=10, resample=True, seed=1)
    fig, ax = plt.subplots()
    assert scree(res, ax=ax) is ax
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert np.allclose(lines["PC actual data"].get_ydata(), res.observed["components"])
    assert np.allclose(lines["FA actual data"].get_ydata(), res.observed["factors"])
    assert np.allclose(lines["FA simulated data (quantile)"].get_ydata(),
                       res.simulated["factors_quantile"])
    assert "PC resampled data" in lines
    plt.close(fig)


def test_loading_heatmap_hides_small_loadings(hs):
    res = efa(hs, 3)
    ax = loading_heatmap(res, cut=0.3)
    texts = [t.get_text() for t in ax.texts]
    expected = int((res.loadings.abs().to_numpy() >= 0.3).sum())
    assert len(texts) == expected
    assert [t.get_text() for t in ax.get_yticklabels()] == list(hs.columns)
    image = ax.images[0].get_array()
    assert image.mask.sum() == res.loadings.size - expected
    assert float(texts[0]) == pytest.approx(float(res.loadings.to_numpy()[
        np.abs(res.loadings.to_numpy()) >= 0.3][0]), abs=0.005)
    plt.close(ax.figure)
