"""Outcome models: binary (logistic), continuous (linear), ordinal, their metrics, and
survival (Kaplan–Meier, log-rank, Cox, PH test, competing risks)."""

from __future__ import annotations

from .competing import CumulativeIncidenceResult, cumulative_incidence
from .cox import CoxResult, cox
from .fine_gray import FineGrayResult, cause_specific_cox, fine_gray
from .kaplan_meier import KaplanMeierResult, kaplan_meier
from .linear import LinearResult, linear
from .logistic import LogisticResult, LRTestResult, logistic, lr_test
from .logrank import LogrankResult, logrank_test
from .metrics import (
    AUCResult,
    CalibrationResult,
    HosmerLemeshowResult,
    auc,
    calibration,
    hosmer_lemeshow,
)
from .ordinal import OrdinalResult, ordinal_logistic
from .ph_test import PHTestResult, ph_test
from .start_stop import start_stop_frame

__all__ = [
    "AUCResult",
    "CalibrationResult",
    "CoxResult",
    "CumulativeIncidenceResult",
    "FineGrayResult",
    "HosmerLemeshowResult",
    "KaplanMeierResult",
    "LRTestResult",
    "LinearResult",
    "LogisticResult",
    "LogrankResult",
    "OrdinalResult",
    "PHTestResult",
    "auc",
    "calibration",
    "cause_specific_cox",
    "cox",
    "cumulative_incidence",
    "fine_gray",
    "hosmer_lemeshow",
    "kaplan_meier",
    "linear",
    "logistic",
    "logrank_test",
    "lr_test",
    "ordinal_logistic",
    "ph_test",
    "start_stop_frame",
]
