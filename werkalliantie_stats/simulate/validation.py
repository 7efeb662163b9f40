"""Checks of :class:`SimulationParameters` values; each error names the field and value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from .layout import ITEMS, SUBSCALES

if TYPE_CHECKING:
    from .parameters import SimulationParameters

__all__ = ["EFFECT_FIELDS", "EFFECT_KEYS", "validate_parameters"]

_WHERE = "SimulationParameters"

EFFECT_KEYS: dict[str, tuple[str, ...]] = {
    "dropout_effects": ("positive", "stroefheid", "prior_convictions", "substance_use", "age"),
    "rearrest_effects": (*SUBSCALES, "prior_convictions", "substance_use", "age"),
    "risk_increase_effects": ("positive", "prior_convictions", "substance_use"),
}
EFFECT_FIELDS = tuple(EFFECT_KEYS)

_OPEN_PROBABILITIES = ("dropout_rate", "rearrest_rate", "risk_increase_rate",
                       "male_proportion", "substance_use_prevalence")
_HALF_OPEN_PROBABILITIES = ("item_missing_rate", "officer_change_probability", "officer_icc")
_CORRELATIONS = ("stability", "history_stroefheid_correlation", "substance_history_loading")
_POSITIVE = ("age_sd", "prior_convictions_mean", "risk_baseline_sd", "rearrest_weibull_shape")
_FINITE = ("age_mean", "prior_convictions_dispersion", "risk_baseline_mean",
           "officer_change_trust_effect", "dropout_intercept", "rearrest_log_scale",
           "risk_increase_intercept")


def _fail(name: str, message: str, value: object) -> None:
    raise ValueError(f"{_WHERE}: `{name}` {message}; got {value!r}")


def _array(params: SimulationParameters, name: str, shape: tuple[int, ...]) -> np.ndarray:
    value = getattr(params, name)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        _fail(name, f"must be numbers of shape {shape}", value)
    if arr.shape != shape:
        _fail(name, f"must have shape {shape} (got shape {arr.shape})", value)
    if not np.all(np.isfinite(arr)):
        _fail(name, "must be finite", value)
    return arr


def _check_measurement(params: SimulationParameters) -> None:
    n = len(ITEMS)
    for name in ("loadings_client", "loadings_officer"):
        arr = _array(params, name, (n,))
        if np.any((arr <= 0) | (arr >= 1)):
            bad = ITEMS[int(np.argmax((arr <= 0) | (arr >= 1)))]
            _fail(name, f"must be standardised loadings in (0, 1) (item {bad})", arr.tolist())
    tau = _array(params, "thresholds", (n, 4))
    if np.any(np.diff(tau, axis=1) <= 0):
        bad = ITEMS[int(np.argmax(np.any(np.diff(tau, axis=1) <= 0, axis=1)))]
        _fail("thresholds", f"must increase within each item (item {bad})", tau.tolist())


def _check_latent(params: SimulationParameters) -> None:
    k = len(SUBSCALES)
    phi = _array(params, "factor_correlation", (k, k))
    if not np.allclose(phi, phi.T) or not np.allclose(np.diag(phi), 1.0):
        _fail("factor_correlation", "must be a symmetric matrix with unit diagonal",
              phi.tolist())
    if np.linalg.eigvalsh(phi).min() <= 1e-10:
        _fail("factor_correlation", "must be positive definite", phi.tolist())
    rho = _array(params, "rater_correlation", (k,))
    if np.any((rho < params.officer_icc) | (rho >= 1)):
        _fail("rater_correlation", f"must lie in [officer_icc={params.officer_icc}, 1) "
              "(the officer part is shared by both raters)", rho.tolist())
    _array(params, "rater_mean_difference", (k,))
    _array(params, "wave2_shift", (k,))
    sizes = _array(params, "officer_sizes", (len(params.officer_sizes),))
    if np.any(sizes < 0) or not np.isclose(sizes.sum(), 1.0) or sizes.size == 0:
        _fail("officer_sizes", "must be probabilities of 1, 2, ... clients summing to 1",
              sizes.tolist())


def _check_scalars(params: SimulationParameters) -> None:
    for name in _OPEN_PROBABILITIES:
        value = getattr(params, name)
        if not 0 < value < 1:
            _fail(name, "must be a probability strictly between 0 and 1", value)
    for name in _HALF_OPEN_PROBABILITIES:
        value = getattr(params, name)
        if not 0 <= value < 1:
            _fail(name, "must be a probability in [0, 1)", value)
    for name in _CORRELATIONS:
        value = getattr(params, name)
        if not -1 < value < 1:
            _fail(name, "must be a correlation strictly between -1 and 1", value)
    for name in _POSITIVE:
        value = getattr(params, name)
        if not (np.isfinite(value) and value > 0):
            _fail(name, "must be a positive finite number", value)
    for name in _FINITE:
        if not np.isfinite(getattr(params, name)):
            _fail(name, "must be finite", getattr(params, name))
    for name in ("wave2_nonresponse",):
        arr = _array(params, name, (2,))
        if np.any((arr < 0) | (arr >= 1)):
            _fail(name, "must be two probabilities in [0, 1) (client, officer)", arr.tolist())
    a, b = _array(params, "dropout_day_beta", (2,))
    if a <= 0 or b <= 0:
        _fail("dropout_day_beta", "must be two positive Beta shape parameters", (a, b))


def _check_days(params: SimulationParameters) -> None:
    days = params.planned_days_values
    probs = _array(params, "planned_days_probabilities", (len(days),))
    if any(int(d) != d or d <= 0 for d in days) or len(days) == 0:
        _fail("planned_days_values", "must be positive whole numbers of days", days)
    if np.any(probs < 0) or not np.isclose(probs.sum(), 1.0):
        _fail("planned_days_probabilities", "must be probabilities summing to 1",
              probs.tolist())
    low, high = params.wave2_day_range
    if not (int(low) == low and int(high) == high and 30 < low <= high < min(days)):
        _fail("wave2_day_range", f"must be whole days with 30 < low <= high < the "
              f"shortest planned supervision ({min(days)})", params.wave2_day_range)
    age_low, age_high = params.age_range
    if not age_low < age_high:
        _fail("age_range", "must be (low, high) with low < high", params.age_range)


def _check_effects(params: SimulationParameters) -> None:
    for name, keys in EFFECT_KEYS.items():
        value = getattr(params, name)
        if not isinstance(value, Mapping) or set(value) != set(keys):
            got = sorted(value) if isinstance(value, Mapping) else value
            _fail(name, f"must be a mapping with exactly the keys {list(keys)}", got)
        for key, effect in value.items():
            if not np.isfinite(effect):
                _fail(name, f"has a non-finite effect for {key!r}", effect)


def validate_parameters(params: SimulationParameters) -> None:
    """Raise ``ValueError`` naming the first invalid field of ``params``."""
    _check_scalars(params)
    _check_measurement(params)
    _check_latent(params)
    _check_days(params)
    _check_effects(params)
