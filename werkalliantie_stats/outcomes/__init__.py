"""Outcome models: survival (Kaplan–Meier, log-rank, Cox, PH test, competing risks)."""

from .cox import CoxResult, cox
from .kaplan_meier import KaplanMeierResult, kaplan_meier
from .logrank import LogrankResult, logrank_test
from .ph_test import PHTestResult, ph_test

__all__ = ["CoxResult", "KaplanMeierResult", "LogrankResult", "PHTestResult", "cox",
           "kaplan_meier", "logrank_test", "ph_test"]
