"""Outcome models: binary (logistic), continuous (linear), ordinal, and their metrics."""

from __future__ import annotations

from .linear import LinearResult, linear
from .logistic import LogisticResult, LRTestResult, logistic, lr_test
from .metrics import (
    AUCResult,
    CalibrationResult,
    HosmerLemeshowResult,
    auc,
    calibration,
    hosmer_lemeshow,
)
from .ordinal import OrdinalResult, ordinal_logistic

__all__ = [
    "AUCResult",
    "CalibrationResult",
    "HosmerLemeshowResult",
    "LRTestResult",
    "LinearResult",
    "LogisticResult",
    "OrdinalResult",
    "auc",
    "calibration",
    "hosmer_lemeshow",
    "linear",
    "logistic",
    "lr_test",
    "ordinal_logistic",
]
