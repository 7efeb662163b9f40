"""Outcome models: survival (Kaplan–Meier, log-rank, Cox, PH test, competing risks)."""

from .cox import CoxResult, cox

__all__ = ["CoxResult", "cox"]
