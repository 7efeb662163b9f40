"""Plots of results. Each function takes a result (and ``ax=None``) and returns the Axes;
matplotlib is imported inside the functions only, so importing this module is cheap.

Functions are available flat (``ws.plots.km_plot``) and by area
(``ws.plots.survival.km_plot``).
"""

from . import (
    cfa_ordinal,
    outcomes,
    outcomes_study,
    planning,
    psychometrics,
    reliability,
    survival,
)
from .cfa_ordinal import threshold_plot
from .outcomes import calibration_plot, forest_plot, roc_curve
from .outcomes_study import predictive_validity_plot
from .planning import power_curves
from .psychometrics import loading_heatmap, scree
from .reliability import item_distributions, reliability_forest
from .survival import cumulative_incidence_plot, km_plot

__all__ = [
    "calibration_plot",
    "cfa_ordinal",
    "cumulative_incidence_plot",
    "forest_plot",
    "item_distributions",
    "km_plot",
    "loading_heatmap",
    "outcomes",
    "outcomes_study",
    "planning",
    "power_curves",
    "predictive_validity_plot",
    "psychometrics",
    "reliability",
    "reliability_forest",
    "roc_curve",
    "scree",
    "survival",
    "threshold_plot",
]
