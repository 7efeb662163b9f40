"""Confirmatory factor analysis checked against lavaan: syntax -> parameter table ->
ML/MLR/FIML estimation -> fit measures -> invariance (groups, paired raters, waves).

Public names: :func:`cfa`, :func:`measurement_invariance`,
:func:`longitudinal_invariance`, :func:`instrument_model`, :func:`merge_empty_categories`
(ordered items across occasions), :func:`bootstrap_cfa`, and the result classes
:class:`CFAResult`, :class:`CFABootstrapResult` and :class:`InvarianceResult`. See
``docs/methods/cfa.md``.
"""

from .api import cfa
from .bootstrap import CFABootstrapResult, bootstrap_cfa
from .invariance import InvarianceResult, measurement_invariance
from .longitudinal import instrument_model, longitudinal_invariance
from .longitudinal_ordinal import merge_empty_categories
from .results import CFAResult

__all__ = ["CFABootstrapResult", "CFAResult", "InvarianceResult", "bootstrap_cfa", "cfa",
           "instrument_model", "longitudinal_invariance", "measurement_invariance",
           "merge_empty_categories"]
