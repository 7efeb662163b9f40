"""Turning a user's design (sizes, caseloads, effects) into generator cells."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from ..simulate import SimulationParameters
from ..simulate.calibration import calibrate_intercepts
from ..simulate.layout import ITEMS
from .cfa_analyses import CFA_RATERS

__all__ = ["DEPARTURE_ITEMS", "EFFECT_KEYS", "OUTCOMES", "analyses_for", "check_outcomes",
           "check_raters", "design_params", "loading_departure"]

OUTCOMES = ("dropout", "rearrest", "risk", "reliability", "cfa_fit", "invariance")
"""Outcomes ``power`` knows: dropout (logistic), rearrest (cause-specific Cox and
Fine–Gray), rising risk (logistic), reliability (alpha CI width), cfa_fit (the
four-factor WLSMV model meets CFI/RMSEA cut-offs) and invariance (client-vs-officer
WLSMV invariance test rejects)."""

RATIO_OUTCOMES = ("dropout", "rearrest", "risk")
"""Outcomes whose ``effect`` is an odds/hazard ratio."""

DEPARTURE_ITEMS = tuple(ITEMS[5 * s + 1] for s in range(4))
"""Items whose officer loading departs from the client loading when ``effect`` is set
for ``invariance``: the second item of every subscale (com2, bin2, ver2, str2)."""

EFFECT_KEYS = {"dropout": ("dropout_effects", "positive"),
               "rearrest": ("rearrest_effects", "vertrouwen"),
               "risk": ("risk_increase_effects", "positive")}
"""Which generating effect ``effect`` sets for each outcome (exp of the stored log)."""

_ANALYSES = {"dropout": ("dropout",), "rearrest": ("rearrest_cs", "rearrest_fg"),
             "risk": ("risk",), "reliability": ("alpha",), "invariance": ("invariance",)}


def check_outcomes(outcome, func: str) -> tuple[str, ...]:
    names = (outcome,) if isinstance(outcome, str) else tuple(outcome)
    bad = [o for o in names if o not in OUTCOMES]
    if not names or bad:
        raise ValueError(f"{func}: `outcome` must be one or more of {OUTCOMES}, got "
                         f"{bad[0] if bad else outcome!r}")
    return names


def check_raters(rater, func: str) -> tuple[str, ...]:
    """``rater`` of the CFA fit: "client", "officer" or a sequence of them."""
    names = (rater,) if isinstance(rater, str) else tuple(rater)
    bad = [r for r in names if r not in CFA_RATERS]
    if not names or bad or len(set(names)) != len(names):
        raise ValueError(f"{func}: `rater` must be 'client', 'officer' or both, got "
                         f"{bad[0] if bad else rater!r}")
    return names


def analyses_for(outcomes: Sequence[str], raters: Sequence[str] = ("client",)
                 ) -> tuple[str, ...]:
    fit = tuple(f"cfa_fit:{r}" for r in raters)
    return tuple(a for o in outcomes for a in (fit if o == "cfa_fit" else _ANALYSES[o]))


def check_sizes(n_dyads, func: str) -> list[int]:
    sizes = [n_dyads] if isinstance(n_dyads, (int, np.integer)) else list(n_dyads)
    for n in sizes:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 20:
            raise ValueError(f"{func}: `n_dyads` must be whole numbers >= 20, got {n!r}")
    return sorted({int(n) for n in sizes})


def check_effects(effect, outcomes, func: str,
                  params: SimulationParameters | None = None) -> list[float | None]:
    if effect is None:
        return [None]
    ratio = any(o in RATIO_OUTCOMES for o in outcomes)
    if not ratio and "invariance" not in outcomes:
        raise ValueError(f"{func}: `effect` applies to dropout, rearrest, risk or invariance, "
                         f"not to {outcomes}; leave it None")
    if ratio and "invariance" in outcomes:
        raise ValueError(f"{func}: `effect` is an odds/hazard ratio for dropout, rearrest and "
                         f"risk but a loading difference for invariance; run {outcomes} in "
                         "separate calls")
    values = [effect] if isinstance(effect, (int, float, np.floating)) else list(effect)
    for v in values:
        if not isinstance(v, (int, float, np.floating)) or not math.isfinite(v):
            raise ValueError(f"{func}: `effect` must be finite numbers, got {v!r}")
        if ratio and v <= 0:
            raise ValueError(f"{func}: `effect` must be positive odds/hazard ratios, got {v!r}")
        if not ratio:
            _check_departure(float(v), params or SimulationParameters(), func)
    return [float(v) for v in values]


def _check_departure(value: float, params: SimulationParameters, func: str) -> None:
    lowest = min(params.loadings_client[ITEMS.index(i)] for i in DEPARTURE_ITEMS)
    if not 0 <= value < lowest:
        raise ValueError(f"{func}: for invariance `effect` is the drop of the officer loading "
                         f"of {list(DEPARTURE_ITEMS)} below the client loading and must lie in "
                         f"[0, {lowest}) (the smallest of those client loadings), got {value!r}")


def loading_departure(params: SimulationParameters) -> float:
    """Largest client-minus-officer loading difference of ``params`` (0: invariance holds
    for the loadings)."""
    diff = np.subtract(params.loadings_client, params.loadings_officer)
    return float(np.abs(diff).max())


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
    set; intercepts re-solved (``calibrate_intercepts``) so outcome rates stay on target.
    For invariance ``effect`` is the loading departure: officer loadings equal the
    client loadings except ``DEPARTURE_ITEMS``, which are ``effect`` lower (items depend
    on loadings only, so no recalibration)."""
    changes = {} if sizes is None else {"officer_sizes": sizes}
    if effect is not None and "invariance" in outcomes:
        officer = list(params.loadings_client)
        for item in DEPARTURE_ITEMS:
            officer[ITEMS.index(item)] -= effect
        changes["loadings_officer"] = tuple(officer)
    elif effect is not None:
        for o in outcomes:
            if o in EFFECT_KEYS:
                name, key = EFFECT_KEYS[o]
                mapping = dict(changes.get(name, getattr(params, name)))
                mapping[key] = float(np.log(effect))
                changes[name] = mapping
    new = dataclasses.replace(params, **changes) if changes else params
    if recalibrate and effect is not None and "invariance" not in outcomes:
        new = calibrate_intercepts(new, n=200_000)
    return new


def mean_caseload(params: SimulationParameters) -> float:
    probs = np.asarray(params.officer_sizes, dtype=float)
    return float(probs @ np.arange(1, len(probs) + 1))
