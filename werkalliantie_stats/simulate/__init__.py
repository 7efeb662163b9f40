"""Synthetic working-alliance studies drawn from a documented generating model.

:class:`SimulationParameters` holds every population value; :func:`simulate_tables`
draws the questionnaire and supervision tables plus a JSON-ready ``truth``.
"""

from __future__ import annotations

from .generator import simulate_tables
from .parameters import SimulationParameters

__all__ = ["SimulationParameters", "simulate_tables"]
