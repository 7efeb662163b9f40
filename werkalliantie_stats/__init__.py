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

from . import exceptions
from .instrument import Instrument, load_instrument
from .pipelines import replicate
from .scoring import alliance_quality, score_subscales
from .simulate import SimulationParameters, simulate_study
from .study import Study, load_synthetic, read_study

__all__ = [
    "Instrument",
    "SimulationParameters",
    "Study",
    "__version__",
    "alliance_quality",
    "exceptions",
    "load_instrument",
    "load_synthetic",
    "read_study",
    "replicate",
    "score_subscales",
    "simulate_study",
]
