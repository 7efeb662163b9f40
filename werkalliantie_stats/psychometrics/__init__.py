"""Psychometrics: correlations, factorability, factor retention, EFA and omega.

Every function takes a DataFrame of items (column names are kept in every output) and
returns a frozen result with ``.summary()`` and ``.to_frame()``.
"""

from __future__ import annotations

from .correlation import PearsonResult, PolychoricResult, pearson, polychoric
from .efa import EFAResult, efa
from .factorability import BartlettResult, KMOResult, bartlett_sphericity, kmo
from .omega import OmegaResult, omega
from .retention import MAPResult, ParallelAnalysisResult, map_test, parallel_analysis

__all__ = [
    "BartlettResult",
    "EFAResult",
    "KMOResult",
    "MAPResult",
    "OmegaResult",
    "ParallelAnalysisResult",
    "PearsonResult",
    "PolychoricResult",
    "bartlett_sphericity",
    "efa",
    "kmo",
    "map_test",
    "omega",
    "parallel_analysis",
    "pearson",
    "polychoric",
]
