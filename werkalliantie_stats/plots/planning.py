"""Power curves of a Monte Carlo power study."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..planning.power import PowerResult

__all__ = ["power_curves"]

_LABELS = {"dropout": "dropout (logistic)", "rearrest_cs": "rearrest (cause-specific Cox)",
           "rearrest_fg": "rearrest (Fine–Gray)", "risk": "rising risk (logistic)",
           "cfa_fit": "CFA fit", "invariance": "invariance"}
_MEASUREMENT = ("cfa_fit", "invariance")


def _label(analysis: str, term: str, criterion) -> str:
    label = _LABELS.get(analysis, analysis)
    if analysis in _MEASUREMENT:
        rule = "CFI and RMSEA" if criterion == "both" else criterion
        label += f" {term.split(':')[0]} ({rule})"
    return label


def _design_suffix(effect: float, cpo: float, vary_effect: bool, vary_cpo: bool) -> str:
    parts = ([f"effect {effect:.2f}"] if vary_effect else []) + (
        [f"{cpo:.2f} clients/officer"] if vary_cpo else [])
    return ", " + ", ".join(parts) if parts else ""


def power_curves(result: PowerResult, ax: Axes | None = None, band: bool = True,
                 terms=None) -> Axes:
    """Power against the number of dyads, one line per analysis, term and design.

    Parameters
    ----------
    result : PowerResult
        From :func:`werkalliantie_stats.planning.power`.
    ax : matplotlib Axes, optional
        Drawn on the current Axes when None.
    band : bool
        Shade ±1.96 Monte Carlo SE around each curve.
    terms : sequence of str, optional
        Only these terms (e.g. ``["client:cfi_and_rmsea"]`` of a ``cfa_fit`` run or
        ``["metric:chisq_diff", "scalar:chisq_diff"]`` of an ``invariance`` run); default
        all. For the measurement outcomes a curve is the probability of its criterion
        (fit met, invariance rejected), so the y axis then reads "probability".

    Returns
    -------
    matplotlib Axes
        A dashed horizontal line marks the target power; an open circle on it marks each
        interpolated smallest n; a dotted line marks ``alpha`` when invariance curves at
        effect 0 (type I error rates) are drawn.

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
    >>> fit = power("cfa_fit", n_dyads=[100, 150], reps=2, seed=2, progress=False)
    >>> import matplotlib.pyplot as plt
    >>> ax = power_curves(fit, ax=plt.figure().gca(), terms=["client:cfi_and_rmsea"])
    >>> [ln.get_label() for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    ['CFA fit client (CFI and RMSEA)']
    """
    import matplotlib.pyplot as plt

    ax = plt.gca() if ax is None else ax
    table = result.table[result.table["power"].notna()]
    if terms is not None:
        table = table[table["term"].isin(list(terms))]
    if "criterion" not in table.columns:
        table = table.assign(criterion=np.nan)
    keys = ["analysis", "term", "clients_per_officer", "effect"]
    vary_effect = table["effect"].nunique(dropna=False) > 1
    vary_cpo = table["clients_per_officer"].nunique() > 1
    for (analysis, term, cpo, effect), part in table.groupby(keys, sort=False, dropna=False):
        part = part.sort_values("n_dyads")
        label = _label(analysis, term, part["criterion"].iloc[0])
        label += _design_suffix(effect, cpo, vary_effect, vary_cpo)
        n, p, se = (part[c].to_numpy(float) for c in ("n_dyads", "power", "mc_se"))
        (line,) = ax.plot(n, p, marker="o", label=label)
        if band:
            ax.fill_between(n, np.clip(p - 1.96 * se, 0, 1), np.clip(p + 1.96 * se, 0, 1),
                            color=line.get_color(), alpha=0.15, linewidth=0)
    ax.axhline(result.target_power, color="grey", linestyle="--", linewidth=1)
    if ((table["analysis"] == "invariance") & (table["effect"] == 0)).any():
        ax.axhline(result.alpha, color="grey", linestyle=":", linewidth=1)  # type I error
    hit = result.smallest_n[result.smallest_n["status"] == "interpolated"]
    if terms is not None:
        hit = hit[hit["term"].isin(list(terms))]
    ax.plot(hit["n_required"], np.full(len(hit), result.target_power), linestyle="none",
            marker="o", markerfacecolor="none", color="black")
    ax.set_xlabel("number of dyads")
    measured = table["analysis"].isin(_MEASUREMENT).any()
    ax.set_ylabel("probability" if measured else "power")
    ax.set_ylim(0, 1)
    ax.set_title(f"Monte Carlo power (alpha = {result.alpha}, {result.reps} reps per point)")
    many = len(ax.get_legend_handles_labels()[1]) > 4
    ax.legend(loc="best" if many else "lower right", fontsize="x-small" if many else "small")
    return ax
