"""Pipelines composing the analysis modules: ``replicate`` (and, later, ``validate``)."""

from .replicate import ReplicationResult, replicate

__all__ = ["ReplicationResult", "replicate"]
