"""Psychometrics: correlations, factorability, factor retention, EFA and omega."""

from __future__ import annotations

from .correlation import pearson, polychoric

__all__ = ["pearson", "polychoric"]
