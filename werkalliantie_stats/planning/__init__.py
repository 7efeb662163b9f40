"""Planning new studies: Monte Carlo power, sample size, coverage and recovery.

One engine (:mod:`.engine`) runs independent, reproducibly seeded replications of the
study generator in-process, on local processes (joblib/loky) or on a dask.distributed
cluster, streaming results to a Parquet folder so that interrupted runs resume.
"""

from __future__ import annotations

from .coverage import CoverageResult, coverage_study
from .power import PowerResult, power

__all__ = ["CoverageResult", "PowerResult", "coverage_study", "power"]
