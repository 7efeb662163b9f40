"""Psychometrics of item sets: correlations, factorability, factor retention, EFA, omega,
reliability, item analysis and rater agreement.

Every function takes a DataFrame of items (column names are kept in every output) and
returns a frozen result with ``.summary()`` and ``.to_frame()``.
"""

from __future__ import annotations

from .agreement import AgreementResult, rater_agreement
from .correlation import PearsonResult, PolychoricResult, pearson, polychoric
from .efa import EFAResult, efa
from .factorability import BartlettResult, KMOResult, bartlett_sphericity, kmo
from .icc import IccResult, icc
from .item_analysis import ItemAnalysisResult, item_analysis
from .omega import OmegaResult, omega
from .reliability import AlphaResult, cronbach_alpha
from .retention import MAPResult, ParallelAnalysisResult, map_test, parallel_analysis
from .split_half import GuttmanResult, SplitHalfResult, guttman, split_half
from .study_tables import ReliabilityTable, client_officer_agreement, reliability_table

__all__ = [
    "AgreementResult",
    "AlphaResult",
    "BartlettResult",
    "EFAResult",
    "GuttmanResult",
    "IccResult",
    "ItemAnalysisResult",
    "KMOResult",
    "MAPResult",
    "OmegaResult",
    "ParallelAnalysisResult",
    "PearsonResult",
    "PolychoricResult",
    "ReliabilityTable",
    "SplitHalfResult",
    "bartlett_sphericity",
    "client_officer_agreement",
    "cronbach_alpha",
    "efa",
    "guttman",
    "icc",
    "item_analysis",
    "kmo",
    "map_test",
    "omega",
    "parallel_analysis",
    "pearson",
    "polychoric",
    "rater_agreement",
    "reliability_table",
    "split_half",
]
