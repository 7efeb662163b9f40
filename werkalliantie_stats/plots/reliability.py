"""Figures for item responses and reliability estimates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..psychometrics.item_analysis import ItemAnalysisResult, item_analysis

__all__ = ["item_distributions", "reliability_forest"]


def item_distributions(data: pd.DataFrame | ItemAnalysisResult, ax: Any = None,
                       cmap: str = "RdBu", categories: Sequence[Any] | None = None) -> Any:
    """Diverging stacked bars of Likert responses, one bar per item.

    Parameters
    ----------
    data : DataFrame or ItemAnalysisResult
        Item responses (one column per item) or the result of :func:`item_analysis`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.
    cmap : str
        A diverging colormap name: low categories take one end, high ones the other.
    categories : sequence, optional
        The response scale, e.g. ``range(1, 6)``; categories nobody chose still count for
        the centre. Default: the categories observed.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Each bar holds the proportions ``p_1, ..., p_m`` of the item's non-missing answers.
    It starts at ``-(p_1 + ... + p_{floor(m/2)} + p_{mid}/2)`` (the middle
    category ``mid`` only for odd ``m``), so that disagreement lies left and agreement
    right of zero and the neutral category straddles it.

    References
    ----------
    1. Robbins, N. B., & Heiberger, R. M. (2011). Plotting Likert and other rating scales.
       Proceedings of the Joint Statistical Meetings, Section on Survey Research Methods,
       1058-1066.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> items = pd.DataFrame({"com1": [1, 2, 3, 4, 5, 5], "com2": [2, 2, 3, 3, 4, 4]})
    >>> ax = item_distributions(items)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['com1', 'com2']
    """
    import matplotlib.pyplot as plt

    result = data if isinstance(data, ItemAnalysisResult) else item_analysis(data)
    if result.frequencies is None:
        raise ValueError("item_distributions: the items have more than 10 distinct values; "
                         "this plot is for Likert (categorical) responses")
    props = result.frequencies.drop(columns="miss").fillna(0.0)
    if categories is not None:
        labels = [str(int(c)) if float(c).is_integer() else str(c) for c in categories]
        unknown = sorted(set(props.columns) - set(labels))
        if unknown:
            raise ValueError(f"item_distributions: responses {unknown} are not among "
                             f"`categories` {labels}")
        props = props.reindex(columns=labels, fill_value=0.0)
    ax = ax if ax is not None else plt.subplots(figsize=(7, 0.5 + 0.45 * len(props)))[1]
    colours = plt.get_cmap(cmap)(np.linspace(0.1, 0.9, props.shape[1]))
    left = -_left_extent(props.to_numpy())
    y = np.arange(len(props))
    for j, category in enumerate(props.columns):
        width = props[category].to_numpy()
        ax.barh(y, width, left=left, color=colours[j], label=str(category), edgecolor="white")
        left = left + width
    ax.axvline(0.0, color="0.3", linewidth=0.8)
    ax.set_yticks(y, [str(i) for i in props.index])
    ax.invert_yaxis()
    ax.set_xlabel("proportion of responses (centred on the middle category)")
    ax.legend(title="response", ncol=props.shape[1], loc="upper center",
              bbox_to_anchor=(0.5, -0.15), frameon=False)
    return ax


def _left_extent(props: np.ndarray) -> np.ndarray:
    """Mass left of zero: categories below the middle plus half of an odd middle one."""
    k = props.shape[1]
    below = props[:, : k // 2].sum(axis=1)
    return below + (0.5 * props[:, k // 2] if k % 2 else 0.0)


def reliability_forest(table: pd.DataFrame | Mapping[str, Any], ax: Any = None,
                       thresholds: Sequence[float] = (0.7, 0.8)) -> Any:
    """Forest plot of reliability estimates with their confidence intervals.

    Parameters
    ----------
    table : DataFrame or mapping of label to result
        A DataFrame indexed by label with columns ``estimate`` (or ``alpha``),
        ``ci_lower`` and ``ci_upper``; or a mapping from label to results that have
        ``alpha``, ``ci_lower`` and ``ci_upper`` (e.g. :class:`AlphaResult`).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.
    thresholds : sequence of float
        Dotted reference lines (conventional cut-offs for alpha).

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    One row per label: a point at the estimate and a whisker from ``ci_lower`` to
    ``ci_upper`` (asymmetric intervals such as Feldt's are drawn as they are).

    References
    ----------
    1. Lewis, S., & Clarke, M. (2001). Forest plots: trying to see the wood and the trees.
       BMJ, 322, 1479-1480.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> table = pd.DataFrame({"estimate": [0.82, 0.64], "ci_lower": [0.78, 0.57],
    ...                       "ci_upper": [0.86, 0.70]}, index=["binding", "stroefheid"])
    >>> ax = reliability_forest(table)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['binding', 'stroefheid']
    """
    import matplotlib.pyplot as plt

    frame = _forest_frame(table)
    ax = ax if ax is not None else plt.subplots(figsize=(6, 0.6 + 0.4 * len(frame)))[1]
    y = np.arange(len(frame))
    est = frame["estimate"].to_numpy()
    err = np.vstack([est - frame["ci_lower"].to_numpy(), frame["ci_upper"].to_numpy() - est])
    ax.errorbar(est, y, xerr=err, fmt="o", color="0.15", ecolor="0.35", capsize=3)
    for cut in thresholds:
        ax.axvline(cut, color="0.6", linestyle=":", linewidth=1)
    ax.set_yticks(y, [str(i) for i in frame.index])
    ax.invert_yaxis()
    ax.set_xlabel("reliability (with confidence interval)")
    return ax


def _forest_frame(table: pd.DataFrame | Mapping[str, Any]) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        frame = table.rename(columns={"alpha": "estimate"})
    elif isinstance(table, Mapping):
        frame = pd.DataFrame({label: {"estimate": res.alpha, "ci_lower": res.ci_lower,
                                      "ci_upper": res.ci_upper}
                              for label, res in table.items()}).T
    else:
        raise TypeError("reliability_forest: `table` must be a DataFrame or a mapping of "
                        f"label to result, got {type(table).__name__}")
    missing = [c for c in ("estimate", "ci_lower", "ci_upper") if c not in frame.columns]
    if missing:
        raise ValueError(f"reliability_forest: `table` lacks column(s) {missing}; it has "
                         f"{list(map(str, frame.columns))}")
    return frame.astype(float)
