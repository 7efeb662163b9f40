"""Every population value of the synthetic working-alliance study, in one frozen object.

The generating model is written out in ``docs/methods/simulation.md``. Each field below
says what it is and why it has its value: a target named in the foundation issue (the
design of Menger & Donker's probation study of 267 client–officer dyads, see
``shared/reference/menger-donker-werkalliantie.txt``), or general knowledge of probation
populations and of Likert questionnaires. Values marked *calibrated* were solved
numerically so that a population quantity hits its target; ``calibration.py`` holds the
solvers and ``tests/simulate/test_calibration.py`` proves the stored constants still hit.

Change a value with :func:`dataclasses.replace`; the new object is validated again::

    params = dataclasses.replace(SimulationParameters(), rater_mean_difference=(0.0,) * 4)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .layout import ITEMS, RATERS, REVERSE_ITEMS, SUBSCALES
from .validation import EFFECT_FIELDS, validate_parameters

__all__ = ["ITEMS", "RATERS", "REVERSE_ITEMS", "SUBSCALES", "SimulationParameters"]

# --- default values (see the field comments for their rationale) -------------------

_LOADINGS = (
    # communicatie: lower than the other positive subscales (issue: "lower for communicatie")
    0.70, 0.66, 0.72, 0.60, 0.68,
    # binding
    0.78, 0.74, 0.80, 0.68, 0.76,
    # vertrouwen
    0.80, 0.76, 0.78, 0.70, 0.74,
    # stroefheid: .40-.55 so that alpha is only about .6
    0.56, 0.50, 0.54, 0.45, 0.52,
)
"""Standardised loadings per item; the reverse-worded item (4th) loads a little lower,
as reverse-worded items usually do (Weijters, Baumgartner & Schillewaert 2013)."""

_THRESHOLDS = (
    (-2.103555, -1.403555, -0.603555, 0.596445),
    (-2.203555, -1.503555, -0.703555, 0.496445),
    (-2.003555, -1.303555, -0.503555, 0.696445),
    (-2.053555, -1.353555, -0.553555, 0.646445),
    (-2.153555, -1.453555, -0.653555, 0.546445),
    (-2.104240, -1.404240, -0.604240, 0.595760),
    (-2.204240, -1.504240, -0.704240, 0.495760),
    (-2.004240, -1.304240, -0.504240, 0.695760),
    (-2.054240, -1.354240, -0.554240, 0.645760),
    (-2.154240, -1.454240, -0.654240, 0.545760),
    (-2.104277, -1.404277, -0.604277, 0.595723),
    (-2.204277, -1.504277, -0.704277, 0.495723),
    (-2.004277, -1.304277, -0.504277, 0.695723),
    (-2.054277, -1.354277, -0.554277, 0.645723),
    (-2.154277, -1.454277, -0.654277, 0.545723),
    (-0.584478, 0.415522, 1.215522, 1.915522),
    (-0.684478, 0.315522, 1.115522, 1.815522),
    (-0.484478, 0.515522, 1.315522, 2.015522),
    (-0.534478, 0.465522, 1.265522, 1.965522),
    (-0.634478, 0.365522, 1.165522, 1.865522),
)

_FACTOR_CORRELATION = (
    (1.00, 0.62, 0.58, -0.38),
    (0.62, 1.00, 0.64, -0.42),
    (0.58, 0.64, 1.00, -0.44),
    (-0.38, -0.42, -0.44, 1.00),
)


@dataclass(frozen=True)
class SimulationParameters:
    """Population values of the synthetic probation study (all latent SDs are 1).

    Every field is documented in place; ``docs/methods/simulation.md`` gives the
    equations. Construct with defaults and change fields with
    :func:`dataclasses.replace`; invalid values raise ``ValueError`` naming the field.
    The effect mappings are stored read-only. After changing effects or distributions,
    ``calibration.calibrate_intercepts`` restores the target outcome rates.

    Notes
    -----
    Latent score of rater r in dyad i (officer o) on subscale s at wave 1:

    .. math:: \\eta_{irs} = \\mu_{rs} + \\sqrt{\\kappa} u_{os}
              + \\sqrt{\\rho_s - \\kappa} a_{is} + \\sqrt{1 - \\rho_s} e_{irs}

    (``officer_icc`` = kappa, ``rater_correlation`` = rho, ``factor_correlation`` = the
    common correlation matrix of u, a, e; ``rater_mean_difference`` = mu_client -
    mu_officer). Item j: ``1 + sum_a 1[lambda_j eta + sqrt(1 - lambda_j^2) e_j >
    tau_ja]`` (``loadings_*``, ``thresholds``). Outcome effects are on the log-odds
    (dropout, rising risk) or log-hazard (rearrest) scale per SD of the dyad's alliance.

    References
    ----------
    1. Menger, A. & Donker, A. Werk aan een goede werkalliantie (probation study of 267
       client–officer dyads).
    2. Tryon, G. S., Blackwell, S. C. & Hammel, E. F. (2007). A meta-analytic
       examination of client-therapist perspectives of the working alliance.
       Psychotherapy Research, 17, 629-642.

    Examples
    --------
    >>> import dataclasses
    >>> from werkalliantie_stats.simulate import SimulationParameters
    >>> p = SimulationParameters()
    >>> p.officer_icc
    0.1
    >>> dataclasses.replace(p, officer_icc=0.2).officer_icc
    0.2
    >>> round(float(np.exp(p.rearrest_effects["vertrouwen"])), 2)
    0.78
    >>> # In R the nearest twin is a lavaan population model for simulateData, e.g.
    >>> # lavaan::simulateData("F =~ 0.7*com1 + ...; com1 | -2.1*t1 + ...", sample.nobs = 267)
    """

    # ---- measurement model (per item, order ITEMS) ----------------------------------
    loadings_client: tuple[float, ...] = _LOADINGS
    """Standardised loadings of the client version (issue: .70-.80, lower for
    communicatie, .40-.55 for stroefheid)."""
    loadings_officer: tuple[float, ...] = _LOADINGS
    """Officer version: equal to the client version, so paired-rater metric invariance
    holds in the population; replace to study non-invariance."""
    thresholds: tuple[tuple[float, ...], ...] = _THRESHOLDS
    """Four thresholds per item on the standardised response scale y* (var 1), the same
    for both raters (scalar invariance in the population). *Calibrated*: a fixed pattern
    skewed towards agreement (item offsets -0.1..+0.1) shifted per subscale so that the
    population item mean, averaged over items and raters, is 3.9 for the positive
    subscales and 2.2 for stroefheid (issue targets; Likert responses about a helping
    relationship are typically skewed towards agreement)."""

    # ---- latent structure (per subscale, order SUBSCALES) ---------------------------
    factor_correlation: tuple[tuple[float, ...], ...] = _FACTOR_CORRELATION
    """Correlations among the four subscale factors (each variance component uses this
    matrix). Issue: .55-.65 among the positive subscales, -.35 to -.45 with stroefheid."""
    rater_correlation: tuple[float, ...] = (0.399089, 0.369255, 0.368145, 0.334998)
    """Latent client-officer correlation per subscale. *Calibrated* so that the
    population correlation of the observed client and officer subscale means is .30
    (.20 for stroefheid), the issue's targets; client-officer agreement on alliance is
    modest in the literature (Tryon, Blackwell & Hammel 2007)."""
    rater_mean_difference: tuple[float, ...] = (0.463770, 0.446463, 0.445813, 0.000000)
    """Latent mean of clients minus officers per subscale (clients at +d/2, officers at
    -d/2). *Calibrated* so that Cohen's d of the observed subscale means (pooled SD) is
    .40 for the positive subscales (issue target; clients rate the alliance more
    positively than workers, Tryon et al. 2007); 0 for stroefheid."""
    officer_icc: float = 0.10
    """Share of each latent subscale's variance due to the officer (shared by the
    officer's dyads and by both raters). Issue target ICC about .10."""
    officer_sizes: tuple[float, ...] = (0.62, 0.28, 0.10)
    """Probability that an officer supervises 1, 2, 3 of the study's clients (mean 1.48,
    so about 180 officers for 267 dyads, the issue's target)."""

    # ---- wave 2 --------------------------------------------------------------------
    wave2_day_range: tuple[int, int] = (183, 274)
    """Wave 2 is held on a day drawn uniformly from this range (6-9 months, issue)."""
    stability: float = 0.55
    """Correlation of each latent score between waves (issue: about .55)."""
    wave2_shift: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)
    """Mean change of each latent subscale from wave 1 to wave 2 (none assumed)."""
    officer_change_probability: float = 0.20
    """Probability that a change of officer is scheduled before wave 2 (caseload
    turnover in probation services is common); it happens on a day drawn uniformly from
    30 to the day before wave 2, and only if the client has not dropped out by then."""
    officer_change_trust_effect: float = -0.40
    """Shift of the wave-2 vertrouwen latent (both raters, in SD) after an officer
    change (issue: officer change lowers trust)."""
    wave2_nonresponse: tuple[float, float] = (0.05, 0.02)
    """Probability that a client / officer still in supervision does not return the
    wave-2 questionnaire (missing completely at random)."""
    item_missing_rate: float = 0.03
    """Probability that a single item response is missing, completely at random (issue:
    a few percent)."""

    # ---- covariates ----------------------------------------------------------------
    age_mean: float = 34.0
    """Mean age in years (normal, rounded, clipped to age_range); adult probation clients
    are mostly in their 20s-40s."""
    age_sd: float = 10.0
    """SD of age in years (a spread of roughly 20-55 for the middle 90%)."""
    age_range: tuple[int, int] = (18, 75)
    """Ages are clipped to this range: adult probation starts at 18."""
    male_proportion: float = 0.87
    """Share of men; probation populations are roughly 85-90% male."""
    history_stroefheid_correlation: float = 0.45
    """Correlation between the latent criminal-history propensity H and the dyad's
    stroefheid, so that prior convictions confound stroefheid's effect on rearrest
    (issue)."""
    prior_convictions_mean: float = 4.0
    """Mean number of prior convictions (Poisson with log-normal rate)."""
    prior_convictions_dispersion: float = 0.9
    """SD of the log rate: log mu = log(mean) - s^2/2 + s*H (a skewed count, as in
    offender samples)."""
    substance_use_prevalence: float = 0.40
    """Share with a substance-use problem (probit threshold)."""
    substance_history_loading: float = 0.35
    """Probit loading of substance use on H."""
    risk_baseline_mean: float = 35.0
    """RISc-like baseline risk score, 0-95 integer: 35 + 10*(0.5 H + 0.4 (S - 0.4) +
    0.75 e), rounded and clipped; higher means more risk."""
    risk_baseline_sd: float = 10.0
    """Scale of the baseline risk score (points per SD of its latent part)."""

    # ---- supervision and outcomes --------------------------------------------------
    planned_days_values: tuple[int, ...] = (365, 548, 730)
    """Planned supervision lengths (1, 1.5, 2 years); supervision lasts at most 24
    months in the reference study."""
    planned_days_probabilities: tuple[float, ...] = (0.20, 0.30, 0.50)
    """Probabilities of the planned lengths: half the clients have the maximum of two
    years, so most follow-up reaches the 730 days of the issue."""
    dropout_rate: float = 0.25
    """Target marginal probability of dropout (negative early termination), issue."""
    dropout_effects: Mapping[str, float] = field(default_factory=lambda: {
        "positive": float(np.log(0.67)),
        "stroefheid": float(np.log(1.5)),
        "prior_convictions": float(np.log(1.4)),
        "substance_use": float(np.log(1.5)),
        "age": float(np.log(0.85)),
    })
    """Log odds ratios of dropout: per SD of the dyad's positive-alliance composite (OR
    .67, issue), per SD of dyad stroefheid (OR 1.5, issue), per SD of log(1 + prior
    convictions), for substance use, per 10 years of age."""
    dropout_intercept: float = -1.444923
    """*Calibrated* so that the marginal dropout rate is dropout_rate."""
    dropout_day_beta: tuple[float, float] = (1.2, 2.4)
    """A dropout happens on day ceil(planned_days * B), B ~ Beta(a, b): mostly in the
    first year."""
    rearrest_rate: float = 0.25
    """Target marginal probability of an observed rearrest during supervision (before
    dropout and before the planned end), issue."""
    rearrest_effects: Mapping[str, float] = field(default_factory=lambda: {
        "communicatie": float(np.log(0.95)),
        "binding": float(np.log(0.95)),
        "vertrouwen": float(np.log(0.78)),
        "stroefheid": 0.0,
        "prior_convictions": float(np.log(1.7)),
        "substance_use": float(np.log(1.3)),
        "age": float(np.log(0.80)),
    })
    """Log hazard ratios of rearrest per SD of each dyad subscale (vertrouwen strongest,
    HR .78, issue; stroefheid has no direct effect, so its crude effect comes from prior
    convictions and the other subscales), per SD of log(1 + prior convictions), for
    substance use, per 10 years of age."""
    rearrest_weibull_shape: float = 0.85
    """Weibull shape of the latent rearrest time (hazard falling over time, as usual
    for recidivism)."""
    rearrest_log_scale: float = -6.689728
    """*Calibrated* log of the Weibull scale lambda in h(t) = lambda k t^(k-1) exp(x b),
    so that the marginal observed rearrest rate is rearrest_rate."""
    risk_increase_rate: float = 0.20
    """Target marginal probability of rising risk (issue)."""
    risk_increase_effects: Mapping[str, float] = field(default_factory=lambda: {
        "positive": float(np.log(0.80)),
        "prior_convictions": float(np.log(1.3)),
        "substance_use": float(np.log(1.4)),
    })
    """Log odds ratios of rising risk per SD of the positive composite (OR .80, issue),
    per SD of log(1 + prior convictions) and for substance use."""
    risk_increase_intercept: float = -1.576234
    """*Calibrated* so that the marginal rising-risk rate is risk_increase_rate."""

    def __post_init__(self) -> None:
        for name in EFFECT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, Mapping):
                object.__setattr__(self, name, MappingProxyType(dict(value)))
        validate_parameters(self)

    def to_dict(self) -> dict:
        """All fields as plain JSON-serialisable Python values (lists, floats, ints)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _plain(value):
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return float(value)
