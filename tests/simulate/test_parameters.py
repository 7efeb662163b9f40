"""SimulationParameters: defaults are valid, values are checked, objects are immutable."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from werkalliantie_stats.simulate import SimulationParameters


def test_defaults_are_valid_and_serialisable():
    params = SimulationParameters()
    data = params.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert len(data["thresholds"]) == 20 and len(data["thresholds"][0]) == 4
    assert data["dropout_effects"]["positive"] == pytest.approx(np.log(0.67))


def test_issue_targets_in_defaults():
    p = SimulationParameters()
    assert p.officer_icc == 0.10
    assert p.stability == 0.55
    loadings = np.array(p.loadings_client)
    assert np.all((loadings[5:15] >= 0.68) & (loadings[5:15] <= 0.80))
    assert loadings[:5].mean() < loadings[5:15].mean()  # lower for communicatie
    assert np.all((loadings[15:] >= 0.40) & (loadings[15:] <= 0.56))
    phi = np.array(p.factor_correlation)
    assert np.all((phi[:3, :3][np.triu_indices(3, 1)] >= 0.55)
                  & (phi[:3, :3][np.triu_indices(3, 1)] <= 0.65))
    assert np.all((phi[3, :3] >= -0.45) & (phi[3, :3] <= -0.35))
    assert np.exp(p.rearrest_effects["vertrouwen"]) == pytest.approx(0.78)
    assert np.exp(p.dropout_effects["stroefheid"]) == pytest.approx(1.5)
    assert np.exp(p.risk_increase_effects["positive"]) == pytest.approx(0.80)
    assert 1 / np.dot(np.arange(1, 4), p.officer_sizes) * 267 == pytest.approx(180, abs=2)


def test_effects_are_read_only():
    params = SimulationParameters()
    with pytest.raises(TypeError):
        params.dropout_effects["positive"] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.officer_icc = 0.2


def test_replace_copies_a_user_dict():
    effects = dict(SimulationParameters().risk_increase_effects)
    params = dataclasses.replace(SimulationParameters(), risk_increase_effects=effects)
    effects["positive"] = 5.0
    assert params.risk_increase_effects["positive"] == pytest.approx(np.log(0.8))


def _bad_phi():
    phi = np.array(SimulationParameters().factor_correlation)
    phi[0, 1] = phi[1, 0] = 0.99
    phi[0, 2] = phi[2, 0] = -0.99
    return tuple(map(tuple, phi))


def _unsorted_thresholds():
    tau = [list(row) for row in SimulationParameters().thresholds]
    tau[6] = [0.5, 0.1, 0.7, 1.0]
    return tuple(map(tuple, tau))


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"officer_icc": 1.2}, "`officer_icc`"),
    ({"dropout_rate": 0.0}, "`dropout_rate`"),
    ({"stability": 1.0}, "`stability`"),
    ({"item_missing_rate": -0.1}, "`item_missing_rate`"),
    ({"loadings_client": (0.7,) * 19}, "`loadings_client`"),
    ({"loadings_officer": (0.7,) * 19 + (1.1,)}, "item str5"),
    ({"thresholds": _unsorted_thresholds()}, "item bin2"),
    ({"factor_correlation": _bad_phi()}, "positive definite"),
    ({"factor_correlation": ((1.0, 0.5), (0.5, 1.0))}, "`factor_correlation`"),
    ({"rater_correlation": (0.05, 0.3, 0.3, 0.3)}, "`rater_correlation`"),
    ({"officer_sizes": (0.5, 0.2)}, "`officer_sizes`"),
    ({"planned_days_probabilities": (0.5, 0.5, 0.5)}, "`planned_days_probabilities`"),
    ({"planned_days_values": (365.5, 548, 730)}, "`planned_days_values`"),
    ({"wave2_day_range": (183, 400)}, "`wave2_day_range`"),
    ({"dropout_effects": {"positive": -0.4}}, "`dropout_effects`"),
    ({"rearrest_effects": {**SimulationParameters().rearrest_effects,
                           "vertrouwen": float("nan")}}, "non-finite"),
    ({"rearrest_weibull_shape": 0.0}, "`rearrest_weibull_shape`"),
    ({"dropout_day_beta": (0.0, 2.0)}, "`dropout_day_beta`"),
    ({"wave2_nonresponse": (0.05, 1.0)}, "`wave2_nonresponse`"),
    ({"age_range": (70, 18)}, "`age_range`"),
])
def test_invalid_values_are_rejected_by_name(changes, fragment):
    with pytest.raises(ValueError, match=fragment) as info:
        dataclasses.replace(SimulationParameters(), **changes)
    assert "SimulationParameters" in str(info.value) and "got" in str(info.value)
