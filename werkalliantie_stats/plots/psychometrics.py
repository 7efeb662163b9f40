"""Plots for exploratory psychometrics: scree with parallel analysis, loading heat map."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..psychometrics import EFAResult, ParallelAnalysisResult

__all__ = ["loading_heatmap", "scree"]


def scree(result: ParallelAnalysisResult, ax: Axes | None = None) -> Axes:
    """Scree plot of a parallel analysis, in the style of ``psych::fa.parallel``.

    Observed eigenvalues (solid, markers) and the random-data threshold (dotted; the
    quantile or the mean the suggestion used) for components and factors; resampled
    means dashed when present; a reference line at 1.

    Parameters
    ----------
    result : ParallelAnalysisResult
        From :func:`werkalliantie_stats.psychometrics.parallel_analysis`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Horn's criterion reads off the plot: retain the leading components/factors whose
    observed eigenvalue lies above the random-data line (psych's suggestion).

    References
    ----------
    1. Horn, J. L. (1965). A rationale and test for the number of factors in factor
       analysis. Psychometrika, 30, 179-185.
    2. Cattell, R. B. (1966). The scree test for the number of factors. Multivariate
       Behavioral Research, 1, 245-276.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics import parallel_analysis
    >>> from werkalliantie_stats.plots.psychometrics import scree
    >>> rng = np.random.default_rng(7)
    >>> items = pd.DataFrame(rng.normal(size=(200, 1)) + rng.normal(size=(200, 5)),
    ...                      columns=list("abcde"))
    >>> ax = scree(parallel_analysis(items, n_iter=20, seed=1))  # In R: fa.parallel(items)
    >>> len(ax.get_lines()) >= 4
    True
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    x = result.observed.index.to_numpy()
    rule = "mean" if result.quantile is None else "quantile"
    styles = {"components": ("x", "PC"), "factors": ("^", "FA")}
    for kind, (marker, label) in styles.items():
        if kind not in result.observed:
            continue
        ax.plot(x, result.observed[kind], marker=marker, color="tab:blue",
                label=f"{label} actual data")
        ax.plot(x, result.simulated[f"{kind}_{rule}"], linestyle=":", color="tab:red",
                label=f"{label} simulated data ({rule})")
        resampled = f"resampled_{kind}_mean"
        if resampled in result.simulated:
            ax.plot(x, result.simulated[resampled], linestyle="--", color="tab:red",
                    label=f"{label} resampled data")
    ax.axhline(1.0, color="0.5", linewidth=0.8)
    ax.set_xlabel("Factor/Component number")
    ax.set_ylabel("Eigenvalue")
    ax.set_title("Parallel analysis scree plot")
    ax.legend(fontsize="small")
    return ax


def loading_heatmap(result: EFAResult, cut: float = 0.3, ax: Axes | None = None) -> Axes:
    """Heat map of pattern loadings; loadings with absolute value below ``cut`` are blanked.

    Parameters
    ----------
    result : EFAResult
        From :func:`werkalliantie_stats.psychometrics.efa`.
    cut : float
        Absolute loadings below this are not coloured or labelled (psych prints a blank).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Colour encodes the pattern loading on [-1, 1]; cells with :math:`|\\lambda| <` ``cut``
    are masked, as ``print(fa, cut = .3)`` blanks them in psych.

    References
    ----------
    1. Revelle, W. (2022). psych (version 2.2.9): ``print.psych.fa`` and ``fa.diagram``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics import efa
    >>> from werkalliantie_stats.plots.psychometrics import loading_heatmap
    >>> rng = np.random.default_rng(7)
    >>> f = rng.normal(size=(300, 2))
    >>> lam = np.array([[.8, 0], [.7, 0], [.6, 0], [0, .8], [0, .7], [0, .6]])
    >>> items = pd.DataFrame(f @ lam.T + .6 * rng.normal(size=(300, 6)), columns=list("abcdef"))
    >>> ax = loading_heatmap(efa(items, 2), cut=0.3)  # In R: print(fa(items, 2), cut = .3)
    >>> len(ax.texts)
    6
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(1.2 + 0.9 * result.loadings.shape[1],
                                      0.8 + 0.3 * result.loadings.shape[0]))
    values = result.loadings.to_numpy()
    shown = np.ma.masked_where(np.abs(values) < cut, values)
    image = ax.imshow(shown, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    for (i, j), value in np.ndenumerate(values):
        if abs(value) >= cut:
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize="small")
    ax.set_xticks(range(values.shape[1]), list(result.loadings.columns))
    ax.set_yticks(range(values.shape[0]), list(result.loadings.index))
    ax.set_title(f"Loadings ({result.method}, {result.rotation}; |loading| < {cut:g} hidden)")
    ax.figure.colorbar(image, ax=ax, fraction=0.05)
    return ax
