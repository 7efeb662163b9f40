"""Kaplan–Meier curves with an at-risk table, and cumulative incidence curves."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["cumulative_incidence_plot", "km_plot"]


def _axes(ax):
    import matplotlib.pyplot as plt
    return plt.gca() if ax is None else ax


def _curves(table: pd.DataFrame, keys: list[str]):
    if not keys:
        yield "", table
        return
    for label, part in table.groupby(keys, sort=False):
        name = ", ".join(str(v) for v in (label if isinstance(label, tuple) else (label,)))
        yield name, part


def _at_risk_counts(part: pd.DataFrame, ticks: np.ndarray) -> list[int]:
    times, n_risk = part["time"].to_numpy(), part["n_at_risk"].to_numpy()
    idx = np.searchsorted(times, ticks, side="left")
    return [int(n_risk[i]) if i < times.size else 0 for i in idx]


def km_plot(km_result, ax=None, at_risk: bool = True, ci: bool = True,
            censor_marks: bool = True):
    """Plot Kaplan–Meier curves (step functions with CI bands) and a number-at-risk table.

    Parameters
    ----------
    km_result : KaplanMeierResult
        From :func:`werkalliantie_stats.outcomes.kaplan_meier`.
    ax : matplotlib Axes, optional
    at_risk : bool
        Print the number at risk at the x ticks under the axes, one line per group.
    ci : bool
        Shade the pointwise confidence band.
    censor_marks : bool
        Mark censoring times with ``+``.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    table = km_result.table
    keys = ["group"] if "group" in table.columns else []
    parts = list(_curves(table, keys))
    for name, part in parts:
        t = np.concatenate([[0.0], part["time"].to_numpy()])
        s = np.concatenate([[1.0], part["estimate"].to_numpy()])
        (line,) = ax.step(t, s, where="post", label=name or "all")
        if ci:
            lo = np.concatenate([[1.0], part["ci_lower"].to_numpy()])
            hi = np.concatenate([[1.0], part["ci_upper"].to_numpy()])
            ax.fill_between(t, lo, hi, step="post", alpha=0.2, color=line.get_color())
        if censor_marks:
            cens = part[part["n_censor"] > 0]
            ax.plot(cens["time"], cens["estimate"], "+", color=line.get_color())
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.set_xlabel("time")
    ax.set_ylabel(f"survival ({km_result.conf_type} CI, level {km_result.level})")
    if keys:
        ax.legend(title="group")
    if at_risk:
        _at_risk_table(ax, parts)
    return ax


def _at_risk_table(ax, parts) -> None:
    import matplotlib.transforms as mtransforms
    ticks = np.array([t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]])
    blend = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    ax.text(0, -0.2, "Number at risk", transform=ax.transAxes, ha="right", fontsize="small",
            fontweight="bold")
    for row, (name, part) in enumerate(parts):
        y = -0.28 - 0.07 * row
        ax.text(-0.07, y, name or "all", transform=ax.transAxes, ha="right", fontsize="small")
        for tick, n in zip(ticks, _at_risk_counts(part, ticks), strict=True):
            ax.text(tick, y, str(n), transform=blend, ha="center", fontsize="small")


def cumulative_incidence_plot(cif_result, ax=None, ci: bool = True):
    """Plot cumulative incidence curves, one per cause (and group).

    Parameters
    ----------
    cif_result : CumulativeIncidenceResult
        From :func:`werkalliantie_stats.outcomes.cumulative_incidence`.
    ax : matplotlib Axes, optional
    ci : bool
        Shade the pointwise confidence band.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    table = cif_result.table
    keys = ["cause", *(["group"] if "group" in table.columns else [])]
    for name, part in _curves(table, keys):
        t = np.concatenate([[0.0], part["time"].to_numpy()])
        f = np.concatenate([[0.0], part["estimate"].to_numpy()])
        (line,) = ax.step(t, f, where="post", label=f"cause {name}")
        if ci:
            lo = np.concatenate([[0.0], np.nan_to_num(part["ci_lower"].to_numpy())])
            hi = np.concatenate([[0.0], np.nan_to_num(part["ci_upper"].to_numpy())])
            ax.fill_between(t, lo, hi, step="post", alpha=0.2, color=line.get_color())
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("time")
    ax.set_ylabel("cumulative incidence")
    ax.legend()
    return ax
