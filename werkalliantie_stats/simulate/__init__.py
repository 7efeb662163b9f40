"""Synthetic working-alliance studies drawn from a documented generating model.

:class:`SimulationParameters` holds every population value; :func:`simulate_tables`
draws the questionnaire and supervision tables plus a JSON-ready ``truth``;
:func:`simulate_study` wraps them in a validated :class:`~werkalliantie_stats.Study`.
"""

from __future__ import annotations

from .generator import simulate_study, simulate_tables
from .parameters import SimulationParameters

__all__ = ["SimulationParameters", "simulate_study", "simulate_tables"]
