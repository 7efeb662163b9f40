"""werkalliantie_stats: the working alliance in mandated settings, measured and modelled.

Import as ``import werkalliantie_stats as ws``. The public names are flat in this
namespace (DESIGN.md §4); submodules hold the implementation.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("werkalliantie-stats")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.1.0"

from . import exceptions, plots
from .instrument import Instrument, load_instrument
from .outcomes import (
    auc,
    calibration,
    cause_specific_cox,
    cox,
    cumulative_incidence,
    fine_gray,
    hosmer_lemeshow,
    kaplan_meier,
    linear,
    logistic,
    logrank_test,
    lr_test,
    ordinal_logistic,
    outcome_frame,
    ph_test,
    predictive_validity,
    rearrest_time_varying,
    start_stop_frame,
)
from .pipelines import replicate, validate
from .planning import coverage_study, power
from .psychometrics import (
    bartlett_sphericity,
    cfa,
    client_officer_agreement,
    cronbach_alpha,
    efa,
    guttman,
    icc,
    instrument_model,
    item_analysis,
    kmo,
    longitudinal_invariance,
    map_test,
    measurement_invariance,
    omega,
    parallel_analysis,
    pearson,
    polychoric,
    rater_agreement,
    reliability_table,
    split_half,
)
from .psychometrics.cfa import bootstrap_cfa, merge_empty_categories
from .scoring import alliance_quality, score_subscales
from .simulate import SimulationParameters, simulate_study
from .study import Study, load_synthetic, read_study

__all__ = [
    "Instrument",
    "SimulationParameters",
    "Study",
    "__version__",
    "alliance_quality",
    "auc",
    "bartlett_sphericity",
    "bootstrap_cfa",
    "calibration",
    "cause_specific_cox",
    "cfa",
    "client_officer_agreement",
    "coverage_study",
    "cox",
    "cronbach_alpha",
    "cumulative_incidence",
    "efa",
    "exceptions",
    "fine_gray",
    "guttman",
    "hosmer_lemeshow",
    "icc",
    "instrument_model",
    "item_analysis",
    "kaplan_meier",
    "kmo",
    "linear",
    "load_instrument",
    "load_synthetic",
    "logistic",
    "logrank_test",
    "longitudinal_invariance",
    "lr_test",
    "map_test",
    "measurement_invariance",
    "merge_empty_categories",
    "omega",
    "ordinal_logistic",
    "outcome_frame",
    "parallel_analysis",
    "pearson",
    "ph_test",
    "plots",
    "polychoric",
    "power",
    "predictive_validity",
    "rater_agreement",
    "read_study",
    "rearrest_time_varying",
    "reliability_table",
    "replicate",
    "score_subscales",
    "simulate_study",
    "split_half",
    "start_stop_frame",
    "validate",
]
