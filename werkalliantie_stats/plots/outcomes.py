"""Plots for the binary outcome models: ROC curve, calibration plot, forest plot.

Each function takes a result (or plain arrays), draws on ``ax`` (a new Axes when
None) and returns the Axes. matplotlib is imported inside the functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..outcomes._auc import delong
from ..outcomes.metrics import _outcome_and_score, _quantile_groups

__all__ = ["calibration_plot", "forest_plot", "roc_curve"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def _y_and_p(result_or_y, p, func: str, probabilities: bool) -> tuple[np.ndarray, np.ndarray]:
    if hasattr(result_or_y, "observed") and hasattr(result_or_y, "fitted"):
        return result_or_y.observed.to_numpy(float), result_or_y.fitted.to_numpy(float)
    if p is None:
        raise TypeError(f"{func}: pass a LogisticResult, or the outcome `y` and the predictions")
    return _outcome_and_score(result_or_y, p, func, "score", probabilities)


def roc_points(y: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """False- and true-positive rates at every distinct threshold, from (0, 0) to (1, 1)."""
    order = np.argsort(-score, kind="stable")
    s, yy = score[order], y[order]
    last = np.r_[s[1:] != s[:-1], True]  # end of each block of tied scores
    tp = np.cumsum(yy)[last]
    fp = np.cumsum(1 - yy)[last]
    return np.r_[0.0, fp / fp[-1]], np.r_[0.0, tp / tp[-1]]


def roc_curve(result_or_y, score=None, ax=None, label: str | None = None):
    """ROC curve of a :class:`LogisticResult` (or of ``y`` and ``score``), AUC in the legend.

    Parameters
    ----------
    result_or_y : LogisticResult or array-like of 0/1
        A fitted logistic model (its ``observed`` and ``fitted``), or the outcome.
    score : array-like, optional
        Scores when ``result_or_y`` is the outcome; higher means event more likely.
    ax : matplotlib Axes, optional
        Where to draw.
    label : str, optional
        Legend label (default ``"AUC = ..."``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    y, s = _y_and_p(result_or_y, score, "roc_curve", probabilities=False)
    ax = _axes(ax)
    fpr, tpr = roc_points(y, s)
    auc_value, _ = delong(s, y)
    ax.plot(fpr, tpr, drawstyle="default", label=label or f"AUC = {auc_value:.3f}")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=0.8)
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="1 - specificity (false-positive rate)",
           ylabel="Sensitivity (true-positive rate)", title="ROC curve")
    ax.set_aspect("equal")
    ax.legend(loc="lower right")
    return ax


def calibration_plot(result_or_y, p=None, g: int = 10, ax=None, level: float = 0.95):
    """Observed against predicted risk by groups of predicted risk, with the ideal line.

    Parameters
    ----------
    result_or_y : LogisticResult or array-like of 0/1
        A fitted logistic model, or the outcome.
    p : array-like, optional
        Predicted probabilities when ``result_or_y`` is the outcome.
    g : int, default 10
        Number of risk groups (quantile groups, as :func:`hosmer_lemeshow`).
    ax : matplotlib Axes, optional
        Where to draw.
    level : float, default 0.95
        Level of the binomial (Wilson) intervals of the observed proportions.

    Returns
    -------
    matplotlib.axes.Axes
    """
    y, prob = _y_and_p(result_or_y, p, "calibration_plot", probabilities=True)
    group, _ = _quantile_groups(prob, g)
    frame = pd.DataFrame({"g": group, "y": y, "p": prob}).groupby("g").agg(
        n=("y", "size"), observed=("y", "mean"), predicted=("p", "mean"))
    z = stats.norm.ppf(0.5 + level / 2)
    n, obs = frame["n"].to_numpy(), frame["observed"].to_numpy()
    centre = (obs + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(obs * (1 - obs) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    ax = _axes(ax)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=0.8, label="ideal")
    ax.errorbar(frame["predicted"], obs, yerr=[obs - (centre - half), centre + half - obs],
                fmt="o", capsize=2, label="risk groups")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="Predicted probability",
           ylabel="Observed proportion", title="Calibration")
    ax.set_aspect("equal")
    ax.legend(loc="upper left")
    return ax


def forest_plot(table, ax=None, drop_intercept: bool = True):
    """Ratios (exp of estimates) with CIs on a log scale, one row per term.

    Parameters
    ----------
    table : DataFrame or result with ``.table``
        A coefficient table with the fixed columns ``estimate``, ``ci_lower``,
        ``ci_upper`` (log odds / log hazard scale), indexed by term; e.g.
        ``logistic(...).table`` or a Cox table.
    ax : matplotlib Axes, optional
        Where to draw.
    drop_intercept : bool, default True
        Leave out the ``Intercept`` row.

    Returns
    -------
    matplotlib.axes.Axes
    """
    frame = getattr(table, "table", table)
    if not isinstance(frame, pd.DataFrame) or not {"estimate", "ci_lower", "ci_upper"} <= set(
            frame.columns):
        raise TypeError("forest_plot: `table` must be a coefficient table (columns estimate, "
                        "ci_lower, ci_upper) or a result with one")
    if drop_intercept:
        frame = frame.drop(index="Intercept", errors="ignore")
    ratio = np.exp(frame["estimate"].to_numpy())
    lower, upper = np.exp(frame["ci_lower"].to_numpy()), np.exp(frame["ci_upper"].to_numpy())
    rows = np.arange(len(frame))[::-1]
    ax = _axes(ax)
    ax.errorbar(ratio, rows, xerr=[ratio - lower, upper - ratio], fmt="s", capsize=3)
    ax.axvline(1.0, linestyle="--", color="grey", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(rows, [str(t) for t in frame.index])
    kind = "Hazard ratio" if "hazard_ratio" in frame.columns else "Odds ratio"
    ax.set_xlabel(f"{kind} (log scale)")
    return ax
