"""Kaplan–Meier curves with an at-risk table, and cumulative incidence curves."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..outcomes.competing import CumulativeIncidenceResult
    from ..outcomes.kaplan_meier import KaplanMeierResult

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


def km_plot(km_result: KaplanMeierResult, ax: Axes | None = None, at_risk: bool = True,
            ci: bool = True, censor_marks: bool = True) -> Axes:
    r"""Plot Kaplan–Meier curves (step functions with CI bands) and a number-at-risk table.

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

    Notes
    -----
    Each curve is the right-continuous step function :math:`\hat S(t)` from
    ``km_result.table`` starting at :math:`\hat S(0) = 1`, with the pointwise band
    ``[ci_lower, ci_upper]`` of the transform chosen in :func:`kaplan_meier`. The table under
    the axes gives, per group, the number at risk :math:`n(\tau) = \#\{i: T_i \ge \tau\}` at
    each x tick :math:`\tau` (as ``survminer::ggsurvplot(risk.table = TRUE)``).

    References
    ----------
    1. Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
       observations. JASA 53, 457–481.
    2. Pocock, S. J., Clayton, T. C. & Altman, D. G. (2002). Survival plots of time-to-event
       outcomes in clinical trials: good practice and pitfalls. Lancet 359, 1686–1689.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import werkalliantie_stats.outcomes as wo
    >>> from werkalliantie_stats.plots.survival import km_plot
    >>> df = pd.DataFrame({"days": [5, 8, 9, 12, 15, 20, 22, 30, 31, 40],
    ...                    "rearrest": [1, 1, 0, 1, 1, 1, 0, 1, 0, 0],
    ...                    "good": [0, 0, 0, 0, 1, 0, 1, 1, 1, 1]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = km_plot(wo.kaplan_meier(df, "days", "rearrest", group="good"), ax=ax)
    >>> # In R: survminer::ggsurvplot(survfit(Surv(days, rearrest) ~ good, df), risk.table = TRUE)
    >>> [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    ['0', '1']
    >>> plt.close(fig)
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


def cumulative_incidence_plot(cif_result: CumulativeIncidenceResult, ax: Axes | None = None,
                              ci: bool = True) -> Axes:
    r"""Plot cumulative incidence curves, one per cause (and group).

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

    Notes
    -----
    Each curve is the Aalen–Johansen step function
    :math:`\hat F_k(t) = \sum_{t_j \le t} \hat S(t_j-) d_{kj}/n_j` from ``cif_result.table``,
    starting at 0, with its pointwise log(-log) band. Curves of all causes are drawn on one
    axis: at any t their sum plus the all-cause survival is 1.

    References
    ----------
    1. Aalen, O. O. & Johansen, S. (1978). An empirical transition matrix for
       non-homogeneous Markov chains based on censored observations. Scand. J. Statist. 5,
       141–150.
    2. Gray, R. J. (1988). A class of K-sample tests for comparing the cumulative incidence
       of a competing risk. Annals of Statistics 16, 1141–1154.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> import werkalliantie_stats.outcomes as wo
    >>> from werkalliantie_stats.plots.survival import cumulative_incidence_plot
    >>> df = pd.DataFrame({"day": [20, 35, 35, 60, 90, 120, 150, 200, 240, 300],
    ...                    "first_event": [1, 2, 1, 0, 1, 2, 0, 1, 0, 0]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = cumulative_incidence_plot(wo.cumulative_incidence(df, "day", "first_event"), ax=ax)
    >>> # In R: plot(cmprsk::cuminc(df$day, df$first_event))
    >>> [line.get_label() for line in ax.get_lines()]
    ['cause 1', 'cause 2']
    >>> plt.close(fig)
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
