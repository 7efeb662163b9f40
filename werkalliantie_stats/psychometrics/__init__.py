"""Psychometrics of item sets: reliability, item analysis and rater agreement."""

from __future__ import annotations

from .item_analysis import ItemAnalysisResult, item_analysis
from .reliability import AlphaResult, cronbach_alpha
from .split_half import GuttmanResult, SplitHalfResult, guttman, split_half

__all__ = [
    "AlphaResult",
    "GuttmanResult",
    "ItemAnalysisResult",
    "SplitHalfResult",
    "cronbach_alpha",
    "guttman",
    "item_analysis",
    "split_half",
]
