"""Typed errors and warnings of werkalliantie_stats.

Errors are raised for bad input (a subclass of :class:`ValueError` so that ordinary
``except ValueError`` still works); warnings signal statistical trouble and always say
what to do about it. Filter them with the standard :mod:`warnings` machinery, e.g.
``warnings.simplefilter("error", ws.exceptions.HeywoodCaseWarning)``.
"""

from __future__ import annotations

__all__ = [
    "ClusterWarning",
    "ConvergenceWarning",
    "DroppedDataWarning",
    "EmptyCategoryWarning",
    "FewEventsWarning",
    "HeywoodCaseWarning",
    "InstrumentError",
    "ModelSyntaxError",
    "NonPositiveDefiniteWarning",
    "PerfectSeparationWarning",
    "ReverseKeyedItemWarning",
    "StudyValidationError",
    "WerkalliantieWarning",
]


class WerkalliantieWarning(UserWarning):
    """Base class of every warning the package issues."""


class ConvergenceWarning(WerkalliantieWarning):
    """An iterative estimator stopped before its convergence criterion was met."""


class HeywoodCaseWarning(WerkalliantieWarning):
    """A communality >= 1 or a negative (residual) variance estimate."""


class NonPositiveDefiniteWarning(WerkalliantieWarning):
    """A correlation or covariance matrix was not positive definite (and may have been smoothed)."""


class PerfectSeparationWarning(WerkalliantieWarning):
    """A binary outcome is (quasi-)perfectly separated by the predictors."""


class FewEventsWarning(WerkalliantieWarning):
    """Too few events per estimated parameter for stable estimates."""


class EmptyCategoryWarning(WerkalliantieWarning):
    """A response category is empty (in the sample or in one group)."""


class ClusterWarning(WerkalliantieWarning):
    """The cluster variable cannot make cluster-robust SEs robust (e.g. every cluster of size 1)."""


class ReverseKeyedItemWarning(WerkalliantieWarning):
    """An item correlates negatively with its scale and probably needs re-keying."""


class DroppedDataWarning(WerkalliantieWarning):
    """Rows, targets or resamples were left out of an analysis (the message says how many)."""


class StudyValidationError(ValueError):
    """A study's data failed validation.

    Parameters
    ----------
    problems : list of str
        Every problem found, each naming the table/file, column, rows and an example value.
    """

    def __init__(self, problems: list[str], source: str = "read_study"):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source}: the data have {len(self.problems)} problem(s):\n{lines}")


class InstrumentError(ValueError):
    """An instrument file is malformed; the message names the offending field."""


class ModelSyntaxError(ValueError):
    """A model text could not be parsed; the message points at line and position."""
