"""Power curves of a Monte Carlo power study."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..planning.power import PowerResult

__all__ = ["power_curves"]

_LABELS = {"dropout": "dropout (logistic)", "rearrest_cs": "rearrest (cause-specific Cox)",
           "rearrest_fg": "rearrest (Fine–Gray)", "risk": "rising risk (logistic)"}


def power_curves(result: PowerResult, ax: Axes | None = None, band: bool = True) -> Axes:
    """Power against the number of dyads, one line per analysis and design.

    Parameters
    ----------
    result : PowerResult
        From :func:`werkalliantie_stats.planning.power`.
    ax : matplotlib Axes, optional
        Drawn on the current Axes when None.
    band : bool
        Shade ±1.96 Monte Carlo SE around each curve.

    Returns
    -------
    matplotlib Axes
        A dashed horizontal line marks the target power; an open circle on it marks each
        interpolated smallest n.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from werkalliantie_stats.planning import power
    >>> from werkalliantie_stats.plots.planning import power_curves
    >>> res = power("dropout", n_dyads=[100, 200], reps=3, seed=2, progress=False)
    >>> ax = power_curves(res)
    >>> ax.get_ylabel()
    'power'
    """
    import matplotlib.pyplot as plt

    ax = plt.gca() if ax is None else ax
    table = result.table[result.table["power"].notna()]
    keys = ["analysis", "clients_per_officer", "effect"]
    multi = table.groupby(keys).ngroups > table["analysis"].nunique()
    for (analysis, cpo, effect), part in table.groupby(keys, sort=False):
        part = part.sort_values("n_dyads")
        label = _LABELS.get(analysis, analysis)
        if multi:
            label += f", effect {effect:.2f}, {cpo:.2f} clients/officer"
        n, p, se = (part[c].to_numpy(float) for c in ("n_dyads", "power", "mc_se"))
        (line,) = ax.plot(n, p, marker="o", label=label)
        if band:
            ax.fill_between(n, np.clip(p - 1.96 * se, 0, 1), np.clip(p + 1.96 * se, 0, 1),
                            color=line.get_color(), alpha=0.15, linewidth=0)
    ax.axhline(result.target_power, color="grey", linestyle="--", linewidth=1)
    hit = result.smallest_n[result.smallest_n["status"] == "interpolated"]
    ax.plot(hit["n_required"], np.full(len(hit), result.target_power), linestyle="none",
            marker="o", markerfacecolor="none", color="black")
    ax.set_xlabel("number of dyads")
    ax.set_ylabel("power")
    ax.set_ylim(0, 1)
    ax.set_title(f"Monte Carlo power (alpha = {result.alpha}, {result.reps} reps per point)")
    ax.legend(loc="lower right", fontsize="small")
    return ax
