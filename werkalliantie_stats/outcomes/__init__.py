"""Outcome models: survival (Kaplan–Meier, log-rank, Cox, PH test, competing risks)."""

from .competing import CumulativeIncidenceResult, cumulative_incidence
from .cox import CoxResult, cox
from .fine_gray import FineGrayResult, cause_specific_cox, fine_gray
from .kaplan_meier import KaplanMeierResult, kaplan_meier
from .logrank import LogrankResult, logrank_test
from .ph_test import PHTestResult, ph_test
from .start_stop import start_stop_frame

__all__ = ["CoxResult", "CumulativeIncidenceResult", "FineGrayResult", "KaplanMeierResult",
           "LogrankResult", "PHTestResult", "cause_specific_cox", "cox", "cumulative_incidence",
           "fine_gray", "kaplan_meier", "logrank_test", "ph_test", "start_stop_frame"]
