"""Supervision outcomes: dropout, rearrest (competing with dropout), rising risk.

* dropout ~ Bernoulli(expit(a_d + x b_d)); its day is ceil(planned_days * B),
  B ~ Beta(dropout_day_beta);
* latent rearrest time T with Weibull proportional hazard
  ``h(t | x) = lambda k t^(k-1) exp(x b_r)``; ``rearrest_day = ceil(T)``; the arrest is
  observed (``rearrest = 1``) when ``rearrest_day < dropout_day`` for dropouts, or
  ``rearrest_day <= planned_days`` otherwise. Because T is independent of the dropout
  time given x, the cause-specific hazard of rearrest is ``h(t | x)``;
* rising risk ~ Bernoulli(expit(a_r + x b_rr)), follow-up score above baseline iff 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

if TYPE_CHECKING:
    from .parameters import SimulationParameters

__all__ = ["draw_outcomes", "linear_predictor", "predictor_values", "rearrest_horizon"]

_SUBSCALE_NAMES = ("communicatie", "binding", "vertrouwen", "stroefheid")


def predictor_values(drivers: np.ndarray, design: dict) -> dict[str, np.ndarray]:
    """Every named predictor of the outcome models (drivers: (n, 5))."""
    values = {name: drivers[:, s] for s, name in enumerate(_SUBSCALE_NAMES)}
    values["positive"] = drivers[:, 4]
    values.update(design)
    return values


def linear_predictor(values: dict[str, np.ndarray], effects, intercept: float) -> np.ndarray:
    """``intercept + sum_k effects[k] * values[k]``."""
    n = len(next(iter(values.values())))
    lp = np.full(n, float(intercept))
    for name, beta in effects.items():
        lp += beta * values[name]
    return lp


def rearrest_horizon(dropout: np.ndarray, dropout_day: np.ndarray,
                     planned: np.ndarray) -> np.ndarray:
    """Largest T still counted as an observed arrest: ceil(T) < dropout_day, or <= planned."""
    return np.where(dropout == 1, dropout_day - 1, planned).astype(float)


def _dropout(rng, values, planned, params: SimulationParameters):
    lp = linear_predictor(values, params.dropout_effects, params.dropout_intercept)
    dropout = (rng.random(len(lp)) < expit(lp)).astype(int)
    fraction = rng.beta(*params.dropout_day_beta, size=len(lp))
    day = np.maximum(np.ceil(planned * fraction), 1).astype(int)
    return dropout, np.where(dropout == 1, day, 0)


def _rearrest(rng, values, dropout, dropout_day, planned, params: SimulationParameters):
    lp = linear_predictor(values, params.rearrest_effects, params.rearrest_log_scale)
    time = (rng.standard_exponential(len(lp)) / np.exp(lp)) ** (
        1 / params.rearrest_weibull_shape)
    day = np.maximum(np.ceil(time), 1)
    observed = day <= rearrest_horizon(dropout, dropout_day, planned)
    return observed.astype(int), np.where(observed, day, 0).astype(int)


def _risk(rng, values, baseline, params: SimulationParameters):
    lp = linear_predictor(values, params.risk_increase_effects, params.risk_increase_intercept)
    increase = (rng.random(len(lp)) < expit(lp)).astype(int)
    up = np.minimum(baseline + 1 + rng.poisson(4.0, len(lp)), 100)
    down = np.maximum(baseline - rng.poisson(3.0, len(lp)), 0)
    return increase, np.where(increase == 1, up, down).astype(int)


def draw_outcomes(rng: np.random.Generator, drivers: np.ndarray, design: dict,
                  covariates: dict, params: SimulationParameters) -> dict:
    """Dropout, rearrest, event and risk columns (days are 0 where the event is absent)."""
    values = predictor_values(drivers, design)
    planned = covariates["planned_days"]
    dropout, dropout_day = _dropout(rng, values, planned, params)
    rearrest, rearrest_day = _rearrest(rng, values, dropout, dropout_day, planned, params)
    increase, followup = _risk(rng, values, covariates["risk_baseline"], params)
    event = np.where(rearrest == 1, "rearrest", np.where(dropout == 1, "dropout", "none"))
    event_day = np.where(rearrest == 1, rearrest_day,
                         np.where(dropout == 1, dropout_day, planned))
    return {
        "dropout": dropout, "dropout_day": dropout_day,
        "rearrest": rearrest, "rearrest_day": rearrest_day,
        "event": event, "event_day": event_day.astype(int),
        "risk_followup": followup, "risk_increase": increase,
    }
