"""Psychometrics of item sets: reliability, item analysis and rater agreement."""

from __future__ import annotations

from .agreement import AgreementResult, rater_agreement
from .icc import IccResult, icc
from .item_analysis import ItemAnalysisResult, item_analysis
from .reliability import AlphaResult, cronbach_alpha
from .split_half import GuttmanResult, SplitHalfResult, guttman, split_half

__all__ = [
    "AgreementResult",
    "AlphaResult",
    "GuttmanResult",
    "IccResult",
    "ItemAnalysisResult",
    "SplitHalfResult",
    "cronbach_alpha",
    "guttman",
    "icc",
    "item_analysis",
    "rater_agreement",
    "split_half",
]
