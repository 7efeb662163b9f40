"""Figures for ordinal sample statistics (thresholds on the latent-response scale)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..psychometrics.cfa.ordinal import GroupedOrdinalSampleStats, OrdinalSampleStats

__all__ = ["threshold_plot"]


def threshold_plot(stats: OrdinalSampleStats | GroupedOrdinalSampleStats, ax: Any = None,
                   confidence_level: float = 0.95) -> Any:
    """Item thresholds on the latent-response (probit) scale, with Wald intervals.

    One row per item; each threshold is a point with its interval. With groups, each
    group is drawn in its own colour and slightly offset, so that thresholds that are not
    invariant stand out before an invariance test.

    Parameters
    ----------
    stats : OrdinalSampleStats or GroupedOrdinalSampleStats
        From :func:`~werkalliantie_stats.psychometrics.cfa.ordinal.ordinal_sample_statistics`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.
    confidence_level : float, default 0.95
        Level of the intervals ``tau +- z * sqrt(Gamma_tt / N)``.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    The threshold :math:`\\tau_{ik} = \\Phi^{-1}(P(y_i \\le k))` is where the latent response
    crosses from category *k* to *k + 1*; its standard error is
    :math:`\\sqrt{\\Gamma_{tt} / N}` from the asymptotic covariance of the statistics.

    References
    ----------
    1. Muthén, B. (1984). A general structural equation model with dichotomous, ordered
       categorical, and continuous latent variable indicators. Psychometrika, 49, 115-132.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics.cfa.ordinal import ordinal_sample_statistics
    >>> rng = np.random.default_rng(2)
    >>> data = pd.DataFrame(rng.integers(1, 5, size=(200, 3)), columns=["a", "b", "c"])
    >>> ax = threshold_plot(ordinal_sample_statistics(data))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a', 'b', 'c']
    """
    import matplotlib.pyplot as plt
    from scipy.stats import norm

    groups = _groups(stats)
    items = list(groups[0][1].items)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.4 * len(items) + 1.2))
    z = norm.ppf(0.5 + confidence_level / 2)
    offsets = np.linspace(-0.15, 0.15, len(groups)) if len(groups) > 1 else [0.0]
    for (label, group), offset in zip(groups, offsets, strict=True):
        th = group.thresholds
        se = np.sqrt(np.diag(group.gamma)[: group.n_thresholds] / group.nobs)
        rows = np.array([items.index(name.split("|")[0]) for name in th.index], float)
        ax.errorbar(th.to_numpy(), rows + offset, xerr=z * se, fmt="o", ms=4, capsize=2,
                    label=label)
    ax.set_yticks(range(len(items)))
    ax.set_yticklabels(items)
    ax.invert_yaxis()
    ax.axvline(0.0, color="grey", lw=0.5)
    ax.set_xlabel("threshold (latent response, probit scale)")
    if len(groups) > 1:
        ax.legend(title="group")
    return ax


def _groups(stats):
    if isinstance(stats, OrdinalSampleStats):
        return [(None, stats)]
    if isinstance(stats, GroupedOrdinalSampleStats):
        return [(label, stats[label]) for label in stats.group_labels]
    raise TypeError("threshold_plot: `stats` must come from ordinal_sample_statistics, got "
                    f"{type(stats).__name__}")
