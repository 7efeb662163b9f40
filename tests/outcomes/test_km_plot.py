"""Survival plots: what was drawn (Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from survival_frames import mgus2_frame, rossi_frame

import werkalliantie_stats.outcomes as wo
from werkalliantie_stats.plots.survival import cumulative_incidence_plot, km_plot


def test_km_plot_draws_one_step_curve_per_group_and_at_risk_table():
    km = wo.kaplan_meier(rossi_frame(), "week", "arrest", group="fin")
    fig, ax = plt.subplots()
    out = km_plot(km, ax=ax)
    assert out is ax
    steps = [line for line in ax.get_lines() if line.get_label() in ("0", "1")]
    assert len(steps) == 2
    x, y = steps[0].get_data()
    assert x[0] == 0 and y[0] == 1
    np.testing.assert_allclose(y[-1], km.table.query("group == 0")["estimate"].iloc[-1])
    texts = [t.get_text() for t in ax.texts]
    assert "Number at risk" in texts and "216" in texts     # 216 per group at time 0
    assert len(ax.collections) == 2                          # two CI bands
    plt.close(fig)


def test_km_plot_without_table_or_band():
    km = wo.kaplan_meier(rossi_frame(), "week", "arrest")
    fig, ax = plt.subplots()
    km_plot(km, ax=ax, at_risk=False, ci=False)
    assert len(ax.texts) == 0 and len(ax.collections) == 0
    assert ax.get_lines()[0].get_label() == "all"
    plt.close(fig)


def test_cumulative_incidence_plot_one_curve_per_cause_and_group():
    ci = wo.cumulative_incidence(mgus2_frame(), "etime", "event", group="sex")
    fig, ax = plt.subplots()
    assert cumulative_incidence_plot(ci, ax=ax) is ax
    labels = sorted(line.get_label() for line in ax.get_lines())
    assert labels == ["cause 1, F", "cause 1, M", "cause 2, F", "cause 2, M"]
    for line in ax.get_lines():
        _, y = line.get_data()
        assert y[0] == 0 and np.all(np.diff(y) >= 0)
    assert ax.get_ylabel() == "cumulative incidence"
    plt.close(fig)
