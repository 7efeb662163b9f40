"""The predictive-validity forest plot (Agg backend): assert on what was drawn."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import werkalliantie_stats as ws
from werkalliantie_stats.outcomes import predictive_validity
from werkalliantie_stats.plots.outcomes_study import predictive_validity_plot


@pytest.fixture(scope="module")
def result():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return predictive_validity(ws.load_synthetic(), outcomes=("dropout", "risk_increase"),
                                   specifications="single")


def _points(ax):
    """x positions of the markers, per legend label."""
    return {c.get_label(): np.asarray(c.lines[0].get_xdata()) for c in ax.containers}


def test_ratios_on_log_axis_one_series_per_rater(result):
    fig, ax = plt.subplots()
    out = predictive_validity_plot(result, "dropout", ax=ax)
    assert out is ax
    assert ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["communicatie", "binding", "vertrouwen", "stroefheid", "index", "good"]
    drawn = _points(ax)
    rows = result.table.query("outcome == 'dropout' and adjusted and specification == 'single'")
    for rater in ("client", "officer"):
        np.testing.assert_allclose(drawn[rater], rows[rows["rater"] == rater]["estimate"])
    assert len(drawn["both"]) == 6            # five constructs and the classification
    assert any(np.allclose(line.get_xdata(), 1.0) for line in ax.lines)   # reference line
    plt.close(fig)


def test_ancova_b_on_linear_axis_unadjusted(result):
    ax = predictive_validity_plot(result, "risk_increase", model="ANCOVA", adjusted=False)
    assert ax.get_xscale() == "linear"
    assert "b per SD" in ax.get_xlabel() and "unadjusted" in ax.get_title()
    plt.close(ax.figure)


def test_bad_arguments(result):
    with pytest.raises(ValueError, match=r"predictive_validity_plot: no single-rating rows "
                                         r"for outcome 'rearrest'"):
        predictive_validity_plot(result, "rearrest")
    with pytest.raises(ValueError, match=r"`model` must be one of \['logistic'\]"):
        predictive_validity_plot(result, "dropout", model="Fine-Gray")
    with pytest.raises(TypeError, match=r"must be a PredictiveValidityResult, got DataFrame"):
        predictive_validity_plot(result.table)
