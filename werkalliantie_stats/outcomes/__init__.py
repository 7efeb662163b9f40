"""Outcome models: survival (Kaplan–Meier, log-rank, Cox, PH test, competing risks)."""

from .cox import CoxResult, cox
from .ph_test import PHTestResult, ph_test

__all__ = ["CoxResult", "PHTestResult", "cox", "ph_test"]
