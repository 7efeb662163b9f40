"""Pipelines composing the analysis modules: :func:`replicate` and :func:`validate`."""

from ._result import FigureSpec, PipelineResult, Section
from .replicate import ReplicationResult, replicate
from .validate import ValidationResult, validate

__all__ = ["FigureSpec", "PipelineResult", "ReplicationResult", "Section", "ValidationResult",
           "replicate", "validate"]
