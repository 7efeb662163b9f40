"""Plots for the binary outcome models: ROC curve, calibration plot, forest plot.

Each function takes a result (or plain arrays), draws on ``ax`` (a new Axes when
None) and returns the Axes. matplotlib is imported inside the functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from ..outcomes._auc import delong
from ..outcomes.metrics import _outcome_and_score, _quantile_groups

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["calibration_plot", "forest_plot", "roc_curve"]


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def _y_and_p(result_or_y: Any, p: Any, func: str, probabilities: bool
             ) -> tuple[np.ndarray, np.ndarray]:
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


def roc_curve(result_or_y: Any, score: Any = None, ax: Axes | None = None,
              label: str | None = None) -> Axes:
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

    Notes
    -----
    One point per distinct score threshold ``c``: false-positive rate
    ``FPR(c) = #{controls with score >= c} / n`` against sensitivity
    ``TPR(c) = #{cases with score >= c} / m``, joined by straight lines (tied scores give
    a diagonal segment), as ``plot(pROC::roc(y, score))``. The area under these points
    is the AUC of :func:`~werkalliantie_stats.outcomes.auc` [1]_.

    References
    ----------
    .. [1] Hanley JA, McNeil BJ (1982). The meaning and use of the area under a receiver
       operating characteristic (ROC) curve. Radiology 143(1), 29-36.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from werkalliantie_stats.plots.outcomes import roc_curve
    >>> ax = roc_curve([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.7])
    >>> ax.get_legend().get_texts()[0].get_text()  # In R: plot(pROC::roc(y, score))
    'AUC = 0.889'
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


def calibration_plot(result_or_y: Any, p: Any = None, g: int = 10, ax: Axes | None = None,
                     level: float = 0.95) -> Axes:
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

    Notes
    -----
    Rows are grouped by the quantiles of ``p`` (the grouping of
    :func:`~werkalliantie_stats.outcomes.hosmer_lemeshow`); each group is drawn at
    (mean predicted, observed proportion ``O/n``) with a Wilson interval
    ``(O/n + z^2/2n ± z sqrt(O/n (1 - O/n)/n + z^2/4n^2)) / (1 + z^2/n)`` [2]_. Points on
    the dashed diagonal mean perfect calibration [1]_.

    References
    ----------
    .. [1] Steyerberg EW (2019). Clinical Prediction Models, 2nd ed. Springer, ch. 15.
    .. [2] Wilson EB (1927). Probable inference, the law of succession, and statistical
       inference. Journal of the American Statistical Association 22, 209-212.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from werkalliantie_stats.plots.outcomes import calibration_plot
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 500)
    >>> ax = calibration_plot(rng.binomial(1, p), p, g=5)  # In R: rms::val.prob(p, y)
    >>> len(ax.containers[0].lines[0].get_xydata())
    5
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


def forest_plot(table: Any, ax: Axes | None = None, drop_intercept: bool = True) -> Axes:
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

    Notes
    -----
    Each term is drawn at ``exp(estimate)`` with the interval
    ``[exp(ci_lower), exp(ci_upper)]`` on a logarithmic axis, so that equal ratios
    (e.g. OR 0.5 and 2) are equally far from the reference line at 1 [1]_.

    References
    ----------
    .. [1] Lewis S, Clarke M (2001). Forest plots: trying to see the wood and the trees.
       BMJ 322, 1479-1480.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.outcomes import logistic
    >>> from werkalliantie_stats.plots.outcomes import forest_plot
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"com": rng.normal(size=200), "ver": rng.normal(size=200)})
    >>> df["dropout"] = rng.binomial(1, 1 / (1 + np.exp(1 + 0.7 * df.com)))
    >>> ax = forest_plot(logistic(df, "dropout", ["com", "ver"]))
    >>> [t.get_text() for t in ax.get_yticklabels()]  # In R: forestplot::forestplot(...)
    ['com', 'ver']
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
