"""Outcome models: binary (logistic), continuous (linear), ordinal, and their metrics."""

from __future__ import annotations

from .logistic import LogisticResult, LRTestResult, logistic, lr_test
from .metrics import (
    AUCResult,
    CalibrationResult,
    HosmerLemeshowResult,
    auc,
    calibration,
    hosmer_lemeshow,
)

__all__ = [
    "AUCResult",
    "CalibrationResult",
    "HosmerLemeshowResult",
    "LRTestResult",
    "LogisticResult",
    "auc",
    "calibration",
    "hosmer_lemeshow",
    "logistic",
    "lr_test",
]
