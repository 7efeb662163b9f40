"""Turning a user's design (sizes, caseloads, effects) into generator cells."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from ..simulate import SimulationParameters
from ..simulate.calibration import calibrate_intercepts

__all__ = ["EFFECT_KEYS", "OUTCOMES", "analyses_for", "check_outcomes", "design_params"]

OUTCOMES = ("dropout", "rearrest", "risk", "reliability")
"""Outcomes ``power`` knows: dropout (logistic), rearrest (cause-specific Cox and
Fine–Gray), rising risk (logistic) and reliability (alpha CI width)."""

EFFECT_KEYS = {"dropout": ("dropout_effects", "positive"),
               "rearrest": ("rearrest_effects", "vertrouwen"),
               "risk": ("risk_increase_effects", "positive")}
"""Which generating effect ``effect`` sets for each outcome (exp of the stored log)."""

_ANALYSES = {"dropout": ("dropout",), "rearrest": ("rearrest_cs", "rearrest_fg"),
             "risk": ("risk",), "reliability": ("alpha",)}


def check_outcomes(outcome, func: str) -> tuple[str, ...]:
    names = (outcome,) if isinstance(outcome, str) else tuple(outcome)
    bad = [o for o in names if o not in OUTCOMES]
    if not names or bad:
        raise ValueError(f"{func}: `outcome` must be one or more of {OUTCOMES}, got "
                         f"{bad[0] if bad else outcome!r}")
    return names


def analyses_for(outcomes: Sequence[str]) -> tuple[str, ...]:
    return tuple(a for o in outcomes for a in _ANALYSES[o])


def check_sizes(n_dyads, func: str) -> list[int]:
    sizes = [n_dyads] if isinstance(n_dyads, (int, np.integer)) else list(n_dyads)
    for n in sizes:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 20:
            raise ValueError(f"{func}: `n_dyads` must be whole numbers >= 20, got {n!r}")
    return sorted({int(n) for n in sizes})


def check_effects(effect, outcomes, func: str) -> list[float | None]:
    if effect is None:
        return [None]
    if not any(o in EFFECT_KEYS for o in outcomes):
        raise ValueError(f"{func}: `effect` applies to dropout, rearrest or risk, not to "
                         f"{outcomes}; leave it None")
    values = [effect] if isinstance(effect, (int, float, np.floating)) else list(effect)
    for v in values:
        if not isinstance(v, (int, float, np.floating)) or not math.isfinite(v) or v <= 0:
            raise ValueError(f"{func}: `effect` must be positive odds/hazard ratios, got {v!r}")
    return [float(v) for v in values]


def caseload(clients_per_officer, func: str):
    """``officer_sizes`` for the generator: an int k gives every officer k clients; a
    sequence is taken as the probabilities of 1, 2, ... clients."""
    if clients_per_officer is None:
        return None
    if isinstance(clients_per_officer, (int, np.integer)) and clients_per_officer >= 1:
        k = int(clients_per_officer)
        return tuple(1.0 if j == k - 1 else 0.0 for j in range(k))
    if isinstance(clients_per_officer, Sequence) and not isinstance(clients_per_officer, str):
        probs = np.asarray(clients_per_officer, dtype=float)
        if probs.size and np.all(probs >= 0) and abs(probs.sum() - 1) < 1e-9:
            return tuple(float(p) for p in probs)
    raise ValueError(f"{func}: `clients_per_officer` must be a whole number >= 1 or the "
                     f"probabilities of 1, 2, ... clients, got {clients_per_officer!r}")


def design_params(params: SimulationParameters, outcomes, effect: float | None, sizes,
                  recalibrate: bool) -> SimulationParameters:
    """``params`` with the caseload distribution and the alliance effect of each outcome
    set; intercepts re-solved (``calibrate_intercepts``) so outcome rates stay on target."""
    changes = {} if sizes is None else {"officer_sizes": sizes}
    if effect is not None:
        for o in outcomes:
            if o in EFFECT_KEYS:
                name, key = EFFECT_KEYS[o]
                mapping = dict(changes.get(name, getattr(params, name)))
                mapping[key] = float(np.log(effect))
                changes[name] = mapping
    new = dataclasses.replace(params, **changes) if changes else params
    if recalibrate and effect is not None:
        new = calibrate_intercepts(new, n=200_000)
    return new


def mean_caseload(params: SimulationParameters) -> float:
    probs = np.asarray(params.officer_sizes, dtype=float)
    return float(probs @ np.arange(1, len(probs) + 1))
