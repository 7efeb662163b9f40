"""The calibrated defaults hit the issue's targets.

Measurement targets are exact population moments (deterministic quadrature), so the
tolerance only covers the 6-decimal rounding of the stored constants. Outcome rates are
Monte Carlo averages of probabilities; their tolerance is derived from the MC SE.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from werkalliantie_stats.simulate import SimulationParameters
from werkalliantie_stats.simulate.calibration import (
    MEASUREMENT_TARGETS,
    calibrate_intercepts,
    calibrate_measurement,
    marginal_outcome_rates,
)
from werkalliantie_stats.simulate.population import population_summary

SUBSCALES = ("communicatie", "binding", "vertrouwen", "stroefheid")


@pytest.fixture(scope="module")
def population():
    return population_summary(SimulationParameters())


def test_item_means_hit_targets(population):
    for s, target in zip(SUBSCALES, MEASUREMENT_TARGETS["item_mean"], strict=True):
        assert population["subscale_item_mean"][s] == pytest.approx(target, abs=1e-5)


def test_client_officer_correlations_hit_targets(population):
    targets = MEASUREMENT_TARGETS["score_client_officer_correlation"]
    for s, target in zip(SUBSCALES, targets, strict=True):
        assert population["score_client_officer_correlation"][s] == pytest.approx(
            target, abs=1e-5)


def test_rater_mean_difference_hits_target(population):
    for s, target in zip(SUBSCALES, MEASUREMENT_TARGETS["score_cohens_d"], strict=True):
        assert population["score_cohens_d_client_minus_officer"][s] == pytest.approx(
            target, abs=1e-5)


def test_stroefheid_alpha_is_about_point_six(population):
    for rater in ("client", "officer"):
        alpha = population["cronbach_alpha"][rater]
        assert alpha["stroefheid"] == pytest.approx(0.60, abs=0.02)
        assert all(0.74 < alpha[s] < 0.86 for s in SUBSCALES[:3])


def test_outcome_rates_hit_targets():
    # Mean of probabilities over n = 400,000 fresh draws (a seed other than the
    # calibration seed). SD of a conditional probability is < 0.25, so the MC SE is
    # < 0.25 / sqrt(4e5) = 0.0004; the stored 6-decimal intercepts add < 1e-6. 4 SE:
    rates = marginal_outcome_rates(SimulationParameters(), n=400_000, seed=99)
    tol = 4 * 0.25 / np.sqrt(400_000)
    assert rates["dropout_rate"] == pytest.approx(0.25, abs=tol)
    assert rates["rearrest_rate"] == pytest.approx(0.25, abs=tol)
    assert rates["risk_increase_rate"] == pytest.approx(0.20, abs=tol)


def test_recalibrating_intercepts_reproduces_the_stored_values():
    params = SimulationParameters()
    again = calibrate_intercepts(params, n=200_000, seed=7)
    # d intercept / d rate = 1 / (p (1 - p)) ~ 5-6, so an MC rate SE of 0.0006 at
    # n = 200,000 moves an intercept by about 0.0035; 4 SE -> 0.015.
    assert again.dropout_intercept == pytest.approx(params.dropout_intercept, abs=0.015)
    assert again.risk_increase_intercept == pytest.approx(params.risk_increase_intercept,
                                                          abs=0.015)
    assert again.rearrest_log_scale == pytest.approx(params.rearrest_log_scale, abs=0.015)


def test_calibrate_intercepts_restores_targets_after_a_change():
    changed = dataclasses.replace(
        SimulationParameters(), dropout_rate=0.40,
        rearrest_effects={**SimulationParameters().rearrest_effects, "vertrouwen": -0.5})
    fixed = calibrate_intercepts(changed, n=100_000, seed=1)
    rates = marginal_outcome_rates(fixed, n=100_000, seed=1)
    assert rates["dropout_rate"] == pytest.approx(0.40, abs=1e-6)
    assert rates["rearrest_rate"] == pytest.approx(0.25, abs=1e-6)


def test_calibrate_measurement_restores_targets_after_a_change():
    loadings = tuple(0.6 for _ in range(20))
    changed = dataclasses.replace(SimulationParameters(), loadings_client=loadings,
                                  loadings_officer=loadings)
    fixed = population_summary(calibrate_measurement(changed, rounds=3))
    assert fixed["subscale_item_mean"]["binding"] == pytest.approx(3.9, abs=1e-3)
    assert fixed["score_client_officer_correlation"]["stroefheid"] == pytest.approx(
        0.20, abs=1e-3)
    assert fixed["score_cohens_d_client_minus_officer"]["vertrouwen"] == pytest.approx(
        0.40, abs=1e-3)
