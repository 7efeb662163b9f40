"""Outcome models: binary (logistic), continuous (linear), ordinal, their metrics, and
survival (Kaplan–Meier, log-rank, Cox, PH test, competing risks), and the Study layer
(outcome_frame, predictive_validity)."""

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
from .study_frame import outcome_frame
from .study_models import PredictiveValidityResult, predictive_validity
from .study_time_varying import rearrest_time_varying

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
    "PredictiveValidityResult",
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
    "outcome_frame",
    "ph_test",
    "predictive_validity",
    "rearrest_time_varying",
    "start_stop_frame",
]
