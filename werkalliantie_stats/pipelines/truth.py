"""True values behind a synthetic study, for the claims table's "truth" column.

Reliability and the number of factors are generating values stored in ``study.truth``.
The outcome effects of *good alliance quality* (a classification of observed scores) are
not generating parameters, so their population value is the same model fitted to a large
study simulated from the same generating values (no clustering needed for a point value).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..simulate import SimulationParameters, simulate_study
from ..study import Study
from .outcome_sections import claim_models, outcome_frame

__all__ = ["POPULATION_DYADS", "population_effects", "simulation_parameters"]

POPULATION_DYADS = 20_000


def _as_tuples(value):
    if isinstance(value, list):
        return tuple(_as_tuples(v) for v in value)
    return value


def simulation_parameters(truth: Mapping) -> SimulationParameters | None:
    """The generating values of a study made by :func:`simulate_study`, else ``None``."""
    values = truth.get("parameters") if truth else None
    if not isinstance(values, Mapping):
        return None
    try:
        return SimulationParameters(**{k: _as_tuples(v) for k, v in values.items()})
    except (TypeError, ValueError):
        return None


def population_effects(study: Study, seed: int) -> dict[str, float]:
    """Log odds / log hazard ratios of good quality in a simulated population
    (:data:`POPULATION_DYADS` dyads); empty when the study has no generating values."""
    params = simulation_parameters(study.truth)
    if params is None or study.supervision is None:
        return {}
    population = simulate_study(n_dyads=POPULATION_DYADS, seed=seed, params=params)
    fits = claim_models(outcome_frame(population), cluster=False)
    return {name: float(row["estimate"]) for name, row in fits.items()}
