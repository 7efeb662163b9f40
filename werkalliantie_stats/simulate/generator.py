"""Draw a complete synthetic study: questionnaires, supervision outcomes and the truth."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from .covariates import covariate_design, draw_covariates, prior_standardisation
from .items import draw_responses
from .latent import assign_officers, draw_wave1, draw_wave2
from .layout import ITEMS, RATERS, REVERSE_ITEMS, SUBSCALES
from .outcomes import draw_outcomes
from .parameters import SimulationParameters
from .population import driver_weights, latent_means, population_summary

__all__ = ["simulate_study", "simulate_tables"]

_FUNC = "simulate_tables"
_STREAMS = ("officers", "latent", "covariates", "outcomes", "schedule", "wave2", "items")


def _check_arguments(n_dyads, seed, params) -> SimulationParameters:
    if isinstance(n_dyads, bool) or not isinstance(n_dyads, (int, np.integer)):
        raise TypeError(f"{_FUNC}: `n_dyads` must be an int, got {type(n_dyads).__name__} "
                        f"({n_dyads!r})")
    if n_dyads < 1:
        raise ValueError(f"{_FUNC}: `n_dyads` must be at least 1, got {n_dyads}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(
            seed, (int, np.integer, np.random.Generator))):
        raise TypeError(f"{_FUNC}: `seed` must be an int, a numpy Generator or None, got "
                        f"{type(seed).__name__} ({seed!r})")
    if isinstance(seed, (int, np.integer)) and seed < 0:
        raise ValueError(f"{_FUNC}: `seed` must be a non-negative int, got {seed}")
    if params is None:
        return SimulationParameters()
    if not isinstance(params, SimulationParameters):
        raise TypeError(f"{_FUNC}: `params` must be a SimulationParameters, got "
                        f"{type(params).__name__}")
    return params


def _seed_entropy(seed) -> int:
    """The integer that seeds every stream (recorded in the truth, so runs can be redone)."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**63))
    return int(np.random.SeedSequence(seed).entropy)


def _streams(entropy: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(entropy).spawn(len(_STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(_STREAMS, children, strict=True)}


def _schedule(rng, outcomes: dict, params) -> dict:
    """Wave-2 day, officer change (before wave 2, only while supervised), wave-2 presence."""
    n = len(outcomes["dropout"])
    low, high = params.wave2_day_range
    wave2_day = rng.integers(low, high + 1, size=n)
    change_day = rng.integers(30, wave2_day)
    scheduled = rng.random(n) < params.officer_change_probability
    dropped = outcomes["dropout"] == 1
    change = scheduled & ~(dropped & (outcomes["dropout_day"] <= change_day))
    in_supervision = ~(dropped & (outcomes["dropout_day"] <= wave2_day))
    responded = rng.random((n, 2)) >= np.asarray(params.wave2_nonresponse, dtype=float)
    return {"wave2_day": wave2_day, "officer_change": change.astype(int),
            "officer_change_day": np.where(change, change_day, np.nan),
            "wave2_present": in_supervision[:, None] & responded}


def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded string ids, e.g. D0001 (vectorised: one string per distinct number)."""
    unique, inverse = np.unique(numbers, return_inverse=True)
    labels = np.array([f"{prefix}{k:0{width}d}" for k in unique], dtype=object)
    return labels[inverse]


def _questionnaires(ids: dict, responses: np.ndarray, present: np.ndarray) -> pd.DataFrame:
    """Rows in order dyad, rater, wave; responses (n, 2 waves, 2 raters, 20 items)."""
    n = responses.shape[0]
    by_rater = responses.transpose(0, 2, 1, 3)
    dyad_idx, rater_idx, wave_idx = (a.ravel() for a in np.indices((n, 2, 2)))
    keep = present.transpose(0, 2, 1).ravel()
    dyad_idx, wave_idx, rater_idx = dyad_idx[keep], wave_idx[keep], rater_idx[keep]
    values = by_rater.reshape(-1, len(ITEMS))[keep]
    frame = pd.DataFrame({
        "dyad_id": ids["dyad"][dyad_idx],
        "client_id": ids["client"][dyad_idx],
        "officer_id": ids["officer"][dyad_idx],
        "rater": np.asarray(RATERS, dtype=object)[rater_idx],
        "wave": (wave_idx + 1).astype(np.int64),
    })
    missing = np.isnan(values)
    filled = np.where(missing, 0, values).astype(np.int64)
    for j, item in enumerate(ITEMS):
        frame[item] = pd.arrays.IntegerArray(filled[:, j], missing[:, j])
    return frame


def _nullable_day(day: np.ndarray, happened: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(day.astype(np.int64), happened == 0)


def _supervision(ids: dict, cov: dict, out: dict, schedule: dict) -> pd.DataFrame:
    return pd.DataFrame({
        "dyad_id": ids["dyad"], "client_id": ids["client"], "officer_id": ids["officer"],
        "age": cov["age"].astype(np.int64), "gender": cov["gender"].astype(object),
        "prior_convictions": cov["prior_convictions"].astype(np.int64),
        "substance_use": cov["substance_use"].astype(np.int64),
        "risk_baseline": cov["risk_baseline"].astype(np.int64),
        "officer_change": schedule["officer_change"].astype(np.int64),
        "planned_days": cov["planned_days"].astype(np.int64),
        "dropout": out["dropout"].astype(np.int64),
        "dropout_day": _nullable_day(out["dropout_day"], out["dropout"]),
        "rearrest": out["rearrest"].astype(np.int64),
        "rearrest_day": _nullable_day(out["rearrest_day"], out["rearrest"]),
        "event": out["event"].astype(object),
        "event_day": out["event_day"].astype(np.int64),
        "risk_followup": out["risk_followup"].astype(np.int64),
        "risk_increase": out["risk_increase"].astype(np.int64),
    })


def _latent_frame(ids, eta1, eta2, drivers, cov, schedule) -> pd.DataFrame:
    columns = {}
    for w, eta in ((1, eta1), (2, eta2)):
        for r, rater in enumerate(RATERS):
            for s, sub in enumerate(SUBSCALES):
                columns[f"{rater}_{sub}_w{w}"] = eta[:, r, s]
    for s, sub in enumerate(SUBSCALES):
        columns[f"dyad_{sub}"] = drivers[:, s]
    columns["dyad_positive"] = drivers[:, 4]
    columns["criminal_history"] = cov["history"]
    columns["wave2_day"] = schedule["wave2_day"].astype(np.int64)
    columns["officer_change_day"] = schedule["officer_change_day"]
    return pd.DataFrame(columns, index=pd.Index(ids["dyad"], name="dyad_id"))


TRUTH_DIGITS = 12
"""Significant digits kept for floats in ``truth``: the last bits of derived values can
differ between platforms (BLAS, libm); 12 digits make ``truth.json`` byte-identical."""


def _portable(value):
    """``value`` with every float rounded to TRUTH_DIGITS significant digits."""
    if isinstance(value, dict):
        return {k: _portable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_portable(v) for v in value]
    if isinstance(value, float):
        return float(f"{value:.{TRUTH_DIGITS}g}")
    return value


_POPULATION_CACHE: dict[str, dict] = {}


def _population(params: SimulationParameters) -> dict:
    """``population_summary(params)``, computed once per parameter set (it is the same for
    every replication of a simulation study); callers get their own copy."""
    key = repr(params)
    if key not in _POPULATION_CACHE:
        if len(_POPULATION_CACHE) >= 32:
            _POPULATION_CACHE.pop(next(iter(_POPULATION_CACHE)))
        _POPULATION_CACHE[key] = population_summary(params)
    return copy.deepcopy(_POPULATION_CACHE[key])


def _truth(params, entropy, n_dyads, n_officers, prior_scale, supervision, quest) -> dict:
    population = _population(params)
    population["prior_convictions_log1p_mean"], population["prior_convictions_log1p_sd"] = (
        prior_scale)
    population["dropout_rate"] = float(params.dropout_rate)
    population["rearrest_rate"] = float(params.rearrest_rate)
    population["risk_increase_rate"] = float(params.risk_increase_rate)
    population["dropout_odds_ratio"] = {k: float(np.exp(v))
                                        for k, v in params.dropout_effects.items()}
    population["rearrest_hazard_ratio"] = {k: float(np.exp(v))
                                           for k, v in params.rearrest_effects.items()}
    population["risk_increase_odds_ratio"] = {k: float(np.exp(v))
                                              for k, v in params.risk_increase_effects.items()}
    return _portable({
        "generator": "werkalliantie_stats.simulate.simulate_tables",
        "seed": entropy,
        "n_dyads": int(n_dyads),
        "subscales": list(SUBSCALES),
        "items": list(ITEMS),
        "reverse_items": list(REVERSE_ITEMS),
        "parameters": params.to_dict(),
        "population": population,
        "sample": {
            "n_officers": int(n_officers),
            "n_questionnaires": len(quest),
            "dropout_rate": float(supervision["dropout"].mean()),
            "rearrest_rate": float(supervision["rearrest"].mean()),
            "risk_increase_rate": float(supervision["risk_increase"].mean()),
            "officer_change_rate": float(supervision["officer_change"].mean()),
        },
    })


def simulate_tables(n_dyads: int = 267, seed: int | np.random.Generator | None = None,
                    params: SimulationParameters | None = None, *,
                    return_latent: bool = False):
    """Draw the questionnaire and supervision tables of a synthetic probation study.

    Parameters
    ----------
    n_dyads : int, default 267
        Number of client–officer dyads (the size of Menger & Donker's study).
    seed : int, numpy Generator or None
        Seeds every random draw; the same int gives identical tables. With None (or a
        Generator) a seed is drawn and recorded as ``truth["seed"]``.
    params : SimulationParameters, optional
        Population values; defaults to ``SimulationParameters()``. Never modified.
    return_latent : bool, default False
        Also return a DataFrame (indexed by ``dyad_id``) of the true latent scores:
        ``{rater}_{subscale}_w{wave}``, the outcome drivers ``dyad_{subscale}`` and
        ``dyad_positive`` (SD 1), ``criminal_history`` (H), ``wave2_day`` and
        ``officer_change_day`` (NaN without a change).

    Returns
    -------
    questionnaires : DataFrame
        One row per completed questionnaire (DESIGN.md §3), ordered by dyad, rater,
        wave; items are raw responses (reverse-worded com4, bin4, ver4 not re-keyed)
        as nullable ``Int64`` with ``<NA>`` for a missing response.
    supervision : DataFrame
        One row per dyad; ``dropout_day``/``rearrest_day`` are ``<NA>`` when the event
        did not happen; ``event_day`` is the planned end for ``event == "none"``.
    truth : dict
        JSON-serialisable: the seed, ``parameters`` (every generating value),
        ``population`` (implied population moments and target outcome rates) and
        ``sample`` (a few realised counts and rates); floats to 12 significant digits
        so that the serialised truth is identical on every platform.
    latent : DataFrame
        Only with ``return_latent=True``.

    Notes
    -----
    Latent scores of rater r in dyad i (officer o) on subscale s at wave 1:

    .. math:: \\eta_{irs} = \\mu_{rs} + \\sqrt{\\kappa} u_{os} + \\sqrt{\\rho_s - \\kappa} a_{is}
              + \\sqrt{1 - \\rho_s} e_{irs}

    with officer, dyad and rater parts independent :math:`N(0, \\Phi)`, ICC
    :math:`\\kappa`, client–officer latent correlation :math:`\\rho_s`. Items are
    thresholded :math:`y^* = \\lambda \\eta + \\sqrt{1-\\lambda^2}\\varepsilon`. Outcomes
    depend on the dyad alliance :math:`z_s = (\\eta_{ics} + \\eta_{ios} - \\text{means})
    / \\sqrt{2 + 2\\rho_s}` (SD 1): dropout by logistic regression, rearrest by a Weibull
    proportional hazard censored by dropout and the planned end (competing risks),
    rising risk by logistic regression. See ``docs/methods/simulation.md``.

    References
    ----------
    1. Menger, A. & Donker, A. Werk aan een goede werkalliantie (probation study of 267
       client–officer dyads).
    2. Bender, R., Augustin, T. & Blettner, M. (2005). Generating survival times to
       simulate Cox proportional hazards models. Statistics in Medicine, 24, 1713-1723.
    3. Muthén, B. (1984). A general structural equation model with dichotomous, ordered
       categorical, and continuous latent variable indicators. Psychometrika, 49, 115-132.

    Examples
    --------
    >>> from werkalliantie_stats.simulate import simulate_tables
    >>> quest, sup, truth = simulate_tables(n_dyads=50, seed=1)
    >>> list(quest.columns[:6])
    ['dyad_id', 'client_id', 'officer_id', 'rater', 'wave', 'com1']
    >>> sup.shape[0], truth["seed"]
    (50, 1)
    >>> bool(quest["com1"].between(1, 5).all())
    True
    >>> # In R (measurement part only): lavaan::simulateData(model, sample.nobs = 50)
    """
    params = _check_arguments(n_dyads, seed, params)
    if not isinstance(return_latent, (bool, np.bool_)):
        raise TypeError(f"{_FUNC}: `return_latent` must be True or False, got "
                        f"{return_latent!r}")
    entropy = _seed_entropy(seed)
    rng = _streams(entropy)
    officer = assign_officers(rng["officers"], n_dyads, params)
    eta1 = draw_wave1(rng["latent"], officer, params)
    centred = (eta1 - latent_means(params)[None]).reshape(n_dyads, 8)
    drivers = centred @ driver_weights(params).T
    cov = draw_covariates(rng["covariates"], drivers, params)
    prior_scale = prior_standardisation(params)
    out = draw_outcomes(rng["outcomes"], drivers, covariate_design(cov, params, prior_scale),
                        cov, params)
    schedule = _schedule(rng["schedule"], out, params)
    eta2 = draw_wave2(rng["wave2"], officer, eta1, schedule["officer_change"], params)
    responses = draw_responses(rng["items"], np.stack([eta1, eta2], axis=1), params)
    present = np.stack([np.ones((n_dyads, 2), dtype=bool), schedule["wave2_present"]], axis=1)
    width = max(4, len(str(n_dyads)))
    ids = {"dyad": _ids("D", np.arange(1, n_dyads + 1), width),
           "client": _ids("C", np.arange(1, n_dyads + 1), width),
           "officer": _ids("O", officer + 1, max(3, len(str(int(officer.max()) + 1))))}
    quest = _questionnaires(ids, responses, present)
    sup = _supervision(ids, cov, out, schedule)
    truth = _truth(params, entropy, n_dyads, int(officer.max()) + 1, prior_scale, sup, quest)
    if return_latent:
        return quest, sup, truth, _latent_frame(ids, eta1, eta2, drivers, cov, schedule)
    return quest, sup, truth


def simulate_study(n_dyads: int = 267, seed: int | np.random.Generator | None = None,
                   params: SimulationParameters | None = None):
    """Draw a synthetic probation study as a validated :class:`~werkalliantie_stats.Study`.

    The tables of :func:`simulate_tables` are passed through ``read_study`` (so they are
    validated and normalised exactly like the bundled synthetic data) and ``truth`` is
    attached as ``study.truth``.

    Parameters
    ----------
    n_dyads : int, default 267
        Number of client–officer dyads.
    seed : int, numpy Generator or None
        Seeds every random draw; recorded as ``study.truth["seed"]``.
    params : SimulationParameters, optional
        Population values (default ``SimulationParameters()``).

    Returns
    -------
    Study
        With the bundled instrument (``load_instrument()``) and ``truth``.

    Notes
    -----
    The generating model (latent structure, item thresholds, outcomes) is described in
    :func:`simulate_tables` and ``docs/methods/simulation.md``; for example the
    rearrest hazard is :math:`h(t) = \\lambda k t^{k-1} \\exp(x^\\top \\beta)` with
    :math:`\\exp(\\beta_{vertrouwen}) = 0.78` per SD of the dyad's trust.

    References
    ----------
    1. Menger, A. & Donker, A. Werk aan een goede werkalliantie (probation study of 267
       client–officer dyads).
    2. Bender, R., Augustin, T. & Blettner, M. (2005). Generating survival times to
       simulate Cox proportional hazards models. Statistics in Medicine, 24, 1713-1723.

    Examples
    --------
    >>> from werkalliantie_stats.simulate import simulate_study
    >>> study = simulate_study(n_dyads=40, seed=7)
    >>> study.n_dyads, study.truth["seed"]
    (40, 7)
    >>> round(study.truth["population"]["rearrest_hazard_ratio"]["vertrouwen"], 2)
    0.78
    >>> # In R (measurement part only): lavaan::simulateData(model, sample.nobs = 40)
    """
    from ..instrument import load_instrument
    from ..study import Study, read_study

    quest, sup, truth = simulate_tables(n_dyads=n_dyads, seed=seed, params=params)
    study = read_study(quest, sup, instrument=load_instrument())
    return Study(questionnaires=study.questionnaires, supervision=study.supervision,
                 instrument=study.instrument, truth=truth)
