"""The validation pipeline: the instrument's psychometrics in a new sample."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from ..study import Study
from . import cfa_sections, checks, optional
from . import psychometric_sections as psy
from ._result import PipelineResult, run_sections
from .progress import make_progress
from .replicate import DEFAULT_SEED, _check, _source, check_jobs

__all__ = ["ESTIMATORS", "ValidationResult", "validate"]

ESTIMATORS = ("ML", "MLR", "WLSMV")


@dataclass(frozen=True, eq=False)
class ValidationResult(PipelineResult):
    """Every table and figure of a validation run, in report order (see
    :class:`~werkalliantie_stats.pipelines.PipelineResult` for the fields).

    ``to_frame()`` returns ``tables["reliability"]``.
    """

    _title = "Validation of the working-alliance instrument"
    _main_table = "reliability"


def _group_column(study: Study, group: str | None) -> str | None:
    if group is None:
        return None
    if not isinstance(group, str):
        raise TypeError(f"validate: `group` must be a column name (str), got {group!r}")
    table = study.supervision
    if table is None or group not in table.columns:
        available = [] if table is None else list(table.columns)
        raise ValueError(f"validate: `group` column {group!r} is not in the supervision table; "
                         f"columns: {available}")
    if table[group].nunique() < 2:
        raise ValueError(f"validate: `group` column {group!r} has fewer than two groups "
                         f"(values: {list(table[group].dropna().unique()[:3])})")
    return group


def validate(study: Study, *, group: str | None = None, estimator: str = "MLR",
             lang: str = "en", seed: int = DEFAULT_SEED, progress: bool | None = None,
             jobs: int = 1) -> ValidationResult:
    """Check the instrument in a new sample: data checks, items, factors, reliability,
    invariance and norms, as a report like :func:`replicate`'s.

    Parameters
    ----------
    study : Study
        Read with :func:`read_study` (which lists every data problem it finds in a
        :class:`~werkalliantie_stats.exceptions.StudyValidationError`).
    group : str, optional
        A column of the supervision table (e.g. ``"gender"``, a site); invariance of the
        four-factor model across its groups is tested when the CFA engine is installed.
    estimator : {"ML", "MLR", "WLSMV"}
        Estimator of the four-factor CFA per rater (MLR: robust to non-normal responses;
        WLSMV: items as ordered categories, as lavaan's ``ordered = TRUE``). With WLSMV the
        paired client–officer and wave sequences are ordinal too (Wu & Estabrook steps,
        complete cases); invariance across ``group`` then uses MLR with FIML.
    lang : {"en", "nl"}
        Report language.
    seed : int
        Seeds parallel analysis.
    progress : bool, optional
        Progress line on stderr; default only on a terminal.
    jobs : int
        Processes for the CFA fits (per rater, invariance), which are independent.

    Returns
    -------
    ValidationResult
        Sections: data checks, sample, items, factorability, number of factors, EFA, CFA
        and invariance (when the CFA engine is installed), reliability, norms.

    Notes
    -----
    Norms are the 5th ... 95th percentiles of the subscale scores (mean of the item
    responses, reverse-worded items re-keyed, at most one item missing) per rater at wave 1.

    References
    ----------
    1. Putnick, D. L. & Bornstein, M. H. (2016). Measurement invariance conventions and
       reporting. Developmental Review, 41, 71-90.
    2. Feldt, L. S., Woodruff, D. J. & Salih, F. A. (1987). Statistical inference for
       coefficient alpha. Applied Psychological Measurement, 11, 93-103.

    Examples
    --------
    >>> import werkalliantie_stats as ws
    >>> result = ws.pipelines.validate(ws.load_synthetic(), estimator="ML", progress=False)
    >>> # In R: psych::alpha, psych::fa, lavaan::cfa + semTools::measEq.syntax, quantile()
    >>> int(result.tables["data_checks"].loc["dyads", "value"])
    267
    >>> list(result.tables["norms"].columns[:3])
    ['n', 'mean', 'sd']
    """
    study = _check(study, lang, seed, "validate")
    group = _group_column(study, group)
    check_jobs(jobs, "validate")
    if str(estimator).upper() not in ESTIMATORS:
        raise ValueError(f"validate: `estimator` must be one of {list(ESTIMATORS)}, got "
                         f"{estimator!r}")
    corr = psy.Correlations(study)
    steps = [("checks", partial(checks.checks_section, study)),
             ("sample", partial(psy.sample_section, study)),
             ("items", partial(psy.item_section, study)),
             ("factorability", partial(psy.factorability_section, study, corr=corr)),
             ("retention", lambda b: psy.retention_section(study, b, corr, seed=seed)),
             ("efa", partial(psy.efa_section, study, corr=corr))]
    chosen = str(estimator).upper()
    steps += cfa_sections.cfa_steps(study, estimator=chosen, group=group, jobs=jobs)
    steps += [("reliability", partial(psy.reliability_section, study)),
              ("norms", partial(checks.norms_section, study))]
    tables, figures, sections = run_sections(steps, make_progress(progress, len(steps)))
    omitted = optional.omitted(study, group=group)
    omitted.pop("predictive_validity", None)
    omitted.pop("outcomes", None)
    return ValidationResult(tables=tables, figures=figures, sections=sections, omitted=omitted,
                            source=_source(study, seed) | {"group": group,
                                                           "estimator": estimator},
                            lang=lang)
