"""Psychometrics of item sets: correlations, factorability, factor retention, EFA, omega,
reliability, item analysis, rater agreement, and confirmatory factor analysis (``cfa``).

Every function takes a DataFrame of items (column names are kept in every output) and
returns a frozen result with ``.summary()`` and ``.to_frame()``.
"""

from __future__ import annotations

from .agreement import AgreementResult, rater_agreement
from .cfa import (
    CFABootstrapResult,
    CFAResult,
    InvarianceResult,
    bootstrap_cfa,
    cfa,
    instrument_model,
    longitudinal_invariance,
    measurement_invariance,
)
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
    "CFABootstrapResult",
    "CFAResult",
    "EFAResult",
    "GuttmanResult",
    "IccResult",
    "InvarianceResult",
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
    "bootstrap_cfa",
    "cfa",
    "client_officer_agreement",
    "cronbach_alpha",
    "efa",
    "guttman",
    "icc",
    "instrument_model",
    "item_analysis",
    "kmo",
    "longitudinal_invariance",
    "map_test",
    "measurement_invariance",
    "omega",
    "parallel_analysis",
    "pearson",
    "polychoric",
    "rater_agreement",
    "reliability_table",
    "split_half",
]
