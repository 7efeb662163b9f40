"""Drawing a pipeline's figures with the package's plot functions: PNG and SVG bytes."""

from __future__ import annotations

import importlib
import io
import warnings

from ..exceptions import ReverseKeyedItemWarning
from ..pipelines import FigureSpec

__all__ = ["FIGURE_SIZES", "render"]

FIGURE_SIZES = {  # inches, by plot function; the default suits one panel
    "reliability.item_distributions": (8.0, 6.5),
    "psychometrics.loading_heatmap": (6.5, 7.5),
    "reliability.reliability_forest": (7.0, 5.0),
    "survival.km_plot": (7.5, 5.0),
    "survival.cumulative_incidence_plot": (7.5, 5.0),
}
DEFAULT_SIZE = (7.0, 4.5)


TIME_AXES = {"survival.km_plot", "survival.cumulative_incidence_plot"}
RATIO_AXES = {"outcomes.forest_plot"}
RATIO_TICKS = (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20)


def _plain_ratio_ticks(ax) -> None:
    """Log-scale ratio axis with plain labels (0.2, 0.5, 1, 2) instead of 2 x 10^-1."""
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    low, high = ax.get_xlim()
    ticks = [t for t in RATIO_TICKS if low <= t <= high] or [1]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:g}")
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())


def render(spec: FigureSpec, dpi: int = 120, time_label: str = "days") -> tuple[bytes, bytes]:
    """Draw ``spec`` on a fresh figure and return ``(png, svg)`` bytes.

    The figure is made without pyplot (no global figure registry, nothing to close) and
    drawn by the function named in ``spec.plot`` under :mod:`werkalliantie_stats.plots`.
    """
    from matplotlib.figure import Figure

    module_name, func_name = spec.plot.rsplit(".", 1)
    module = importlib.import_module(f"werkalliantie_stats.plots.{module_name}")
    plot = getattr(module, func_name)
    figure = Figure(figsize=FIGURE_SIZES.get(spec.plot, DEFAULT_SIZE), layout="constrained")
    with warnings.catch_warnings():  # raw response distributions include reversed items
        warnings.simplefilter("ignore", ReverseKeyedItemWarning)
        ax = plot(spec.data, ax=figure.add_subplot(), **spec.options)
    if spec.plot in TIME_AXES:
        ax.set_xlabel(time_label)
    if spec.plot in RATIO_AXES:
        _plain_ratio_ticks(ax)
    png, svg = io.BytesIO(), io.BytesIO()
    figure.savefig(png, format="png", dpi=dpi)
    figure.savefig(svg, format="svg", metadata={"Date": None})
    return png.getvalue(), svg.getvalue()
