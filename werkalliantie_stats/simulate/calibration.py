"""Solve the *calibrated* constants of :class:`SimulationParameters` from their targets.

Two kinds of constants are calibrated, once, and stored as defaults:

* measurement constants (exact, by root finding on :mod:`.population` moments): the
  per-subscale shift of the threshold pattern (item-mean targets), the latent rater
  mean difference (observed Cohen's d target) and the latent client–officer
  correlation (observed score-correlation target);
* outcome intercepts (by root finding on a large fixed-seed Monte Carlo sample of the
  drivers and covariates, averaging the *probabilities* of each outcome, not draws):
  dropout and rising-risk logistic intercepts and the log Weibull scale of rearrest.

After changing effects or distributions with :func:`dataclasses.replace`, call
:func:`calibrate_intercepts` (and :func:`calibrate_measurement`) to restore the targets.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit

from .covariates import covariate_design, draw_covariates, prior_standardisation
from .layout import SUBSCALES, item_subscale
from .outcomes import linear_predictor, predictor_values, rearrest_horizon
from .population import driver_weights, latent_covariance, population_summary

__all__ = [
    "CALIBRATION_SEED",
    "MEASUREMENT_TARGETS",
    "calibrate_intercepts",
    "calibrate_measurement",
    "marginal_outcome_rates",
]

CALIBRATION_SEED = 20_261_128
"""Seed of the Monte Carlo sample used to calibrate the stored outcome intercepts."""

MEASUREMENT_TARGETS = {
    "item_mean": (3.9, 3.9, 3.9, 2.2),
    "score_client_officer_correlation": (0.30, 0.30, 0.30, 0.20),
    "score_cohens_d": (0.40, 0.40, 0.40, 0.0),
}
"""Targets of the foundation issue for the observed (complete-response) wave-1 scores."""


def _with_entry(params, name: str, s: int, value: float):
    """``params`` with entry ``s`` of the per-subscale field ``name`` set to ``value``."""
    values = list(getattr(params, name))
    values[s] = float(value)
    return dataclasses.replace(params, **{name: tuple(values)})


def _shift_thresholds(params, s: int, shift: float):
    sub = item_subscale()
    tau = [tuple(float(t) + (shift if sub[j] == s else 0.0) for t in row)
           for j, row in enumerate(params.thresholds)]
    return dataclasses.replace(params, thresholds=tuple(tau))


def _solve(func, low: float, high: float, args: tuple) -> float:
    return float(brentq(func, low, high, args=args, xtol=1e-10))


def _item_mean_gap(shift, params, s):
    summary = population_summary(_shift_thresholds(params, s, shift))
    return summary["subscale_item_mean"][SUBSCALES[s]] - MEASUREMENT_TARGETS["item_mean"][s]


def _rho_gap(rho, params, s):
    summary = population_summary(_with_entry(params, "rater_correlation", s, rho))
    return (summary["score_client_officer_correlation"][SUBSCALES[s]]
            - MEASUREMENT_TARGETS["score_client_officer_correlation"][s])


def _d_gap(d, params, s):
    summary = population_summary(_with_entry(params, "rater_mean_difference", s, d))
    return (summary["score_cohens_d_client_minus_officer"][SUBSCALES[s]]
            - MEASUREMENT_TARGETS["score_cohens_d"][s])


def _calibrate_round(params):
    for s in range(len(SUBSCALES)):
        params = _shift_thresholds(params, s, _solve(_item_mean_gap, -2.0, 2.0, (params, s)))
    for s in range(len(SUBSCALES)):
        rho = _solve(_rho_gap, params.officer_icc, 0.95, (params, s))
        params = _with_entry(params, "rater_correlation", s, rho)
        d_target = MEASUREMENT_TARGETS["score_cohens_d"][s]
        d = 0.0 if d_target == 0 else _solve(_d_gap, -2.0, 2.0, (params, s))
        params = _with_entry(params, "rater_mean_difference", s, d)
    return params


def calibrate_measurement(params, rounds: int = 4):
    """Return ``params`` with thresholds, rater correlations and rater mean differences
    solved so that the observed-score targets in :data:`MEASUREMENT_TARGETS` hold.

    The three sets of constants interact (through the response means), so the solves
    are repeated ``rounds`` times (a fixed-point iteration that settles within three).
    """
    for _ in range(rounds):
        params = _calibrate_round(params)
    return params


def _monte_carlo_sample(params, n: int, seed: int) -> dict:
    """Drivers, covariates and design of ``n`` independent dyads (no clustering needed)."""
    rng = np.random.default_rng(seed)
    chol = np.linalg.cholesky(latent_covariance(params))
    drivers = (rng.standard_normal((n, 8)) @ chol.T) @ driver_weights(params).T
    cov = draw_covariates(rng, drivers, params)
    design = covariate_design(cov, params, prior_standardisation(params))
    values = predictor_values(drivers, design)
    fraction = rng.beta(*params.dropout_day_beta, size=n)
    dropout_day = np.maximum(np.ceil(cov["planned_days"] * fraction), 1)
    return {"values": values, "planned": cov["planned_days"], "dropout_day": dropout_day,
            "uniform": rng.random(n)}


def _rearrest_probability(sample: dict, params, dropout: np.ndarray, log_scale: float):
    lp = linear_predictor(sample["values"], params.rearrest_effects, log_scale)
    horizon = rearrest_horizon(dropout, sample["dropout_day"], sample["planned"])
    return -np.expm1(-np.exp(lp) * horizon ** params.rearrest_weibull_shape)


def marginal_outcome_rates(params, n: int = 400_000, seed: int = CALIBRATION_SEED) -> dict:
    """Monte Carlo marginal rates of dropout, observed rearrest and rising risk.

    Averages each outcome's conditional probability over ``n`` simulated dyads, so the
    Monte Carlo error is that of a mean of probabilities (about 0.0005 at n = 400,000).
    """
    sample = _monte_carlo_sample(params, n, seed)
    p_drop = expit(linear_predictor(sample["values"], params.dropout_effects,
                                    params.dropout_intercept))
    dropout = (sample["uniform"] < p_drop).astype(int)
    p_arrest = _rearrest_probability(sample, params, dropout, params.rearrest_log_scale)
    p_risk = expit(linear_predictor(sample["values"], params.risk_increase_effects,
                                    params.risk_increase_intercept))
    return {"dropout_rate": float(p_drop.mean()), "rearrest_rate": float(p_arrest.mean()),
            "risk_increase_rate": float(p_risk.mean())}


def _rate_gap(intercept, lp, target):
    return expit(intercept + lp).mean() - target


def _arrest_gap(log_scale, sample, params, dropout):
    return _rearrest_probability(sample, params, dropout, log_scale).mean() - params.rearrest_rate


def calibrate_intercepts(params, n: int = 1_000_000, seed: int = CALIBRATION_SEED):
    """Return ``params`` with the three outcome intercepts solved for their target rates.

    Parameters
    ----------
    params : SimulationParameters
    n : int
        Size of the fixed-seed Monte Carlo sample (the stored defaults used 1,000,000).
    seed : int
        Its seed (the stored defaults used :data:`CALIBRATION_SEED`).
    """
    sample = _monte_carlo_sample(params, n, seed)
    values = sample["values"]
    drop_lp = linear_predictor(values, params.dropout_effects, 0.0)
    a_drop = _solve(_rate_gap, -15, 15, (drop_lp, params.dropout_rate))
    dropout = (sample["uniform"] < expit(a_drop + drop_lp)).astype(int)
    a_arrest = _solve(_arrest_gap, -30, 5, (sample, params, dropout))
    risk_lp = linear_predictor(values, params.risk_increase_effects, 0.0)
    a_risk = _solve(_rate_gap, -15, 15, (risk_lp, params.risk_increase_rate))
    return dataclasses.replace(params, dropout_intercept=a_drop, rearrest_log_scale=a_arrest,
                               risk_increase_intercept=a_risk)
