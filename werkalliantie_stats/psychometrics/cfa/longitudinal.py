"""Invariance across paired or repeated ratings of the same cases, in one model.

Client and officer rate the same dyad; waves 1 and 2 rate the same dyads: these are
not independent groups. As semTools' ``measEq.syntax(longFacNames=...)`` does, every
occasion gets its own factors in one single-group model on a *wide* data frame (one
column per item per occasion), the residuals of the same item are correlated across
occasions, and equality constraints across occasions build up step by step:

* configural: same pattern; factor variances 1 and means 0 on every occasion;
* metric: loadings equal across occasions; factor variances free after the first;
* scalar: + intercepts equal; factor means free after the first;
* strict: + residual variances equal.

Identification follows measEq.syntax's default ``ID.fac = "std.lv"``. Ordered items
(``estimator="WLSMV"``) follow Wu & Estabrook (2016) with the steps configural ->
thresholds -> metric -> scalar (:mod:`.longitudinal_ordinal`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from werkalliantie_stats._validation import check_frame

from .api import cfa_sequence
from .invariance import STEP_CONSTRAINTS, InvarianceResult, compare_fits
from .invariance_ordinal import ordinal_invariance_table
from .longitudinal_ordinal import ORDINAL_LONG_STEPS, ordinal_longitudinal_fits
from .partable import model_variables
from .syntax import parse_model

__all__ = ["instrument_model", "longitudinal_invariance", "longitudinal_syntax"]


def instrument_model(instrument: Any, suffix: str = "") -> str:
    """The correlated-factors CFA model of an instrument: one factor per subscale.

    Parameters
    ----------
    instrument : Instrument
        Any object with ``.subscales`` (names) and ``.items_of(subscale)`` (item ids).
    suffix : str
        Appended to factor and item names (e.g. ``"_client"`` for wide data).

    Returns
    -------
    str
        lavaan-style model text.

    Examples
    --------
    >>> class Tiny:
    ...     subscales = ("binding", "vertrouwen")
    ...     def items_of(self, s):
    ...         return {"binding": ("bin1", "bin2", "bin3"), "vertrouwen": ("ver1", "ver2")}[s]
    >>> print(instrument_model(Tiny()))
    binding =~ bin1 + bin2 + bin3
    vertrouwen =~ ver1 + ver2
    """
    if not hasattr(instrument, "subscales") or not hasattr(instrument, "items_of"):
        raise TypeError("instrument_model: `instrument` needs `.subscales` and `.items_of()`, "
                        f"got {type(instrument).__name__}")
    lines = []
    for sub in instrument.subscales:
        items = list(instrument.items_of(sub))
        if not items:
            raise ValueError(f"instrument_model: subscale {sub!r} has no items")
        lines.append(f"{sub}{suffix} =~ " + " + ".join(f"{i}{suffix}" for i in items))
    return "\n".join(lines)


def _factor_items(model: Any) -> dict[str, list[str]]:
    text = instrument_model(model) if not isinstance(model, str) else model
    statements = parse_model(text)
    bad = [s for s in statements if s.op != "=~"]
    if bad:
        raise ValueError(f"longitudinal_invariance: the base model may only contain '=~' "
                         f"statements; line {bad[0].line} has {bad[0].op!r}")
    _, lvs = model_variables(statements)
    return {f: [t.name for s in statements if s.lhs == f for t in s.terms] for f in lvs}


def _equal(kind: str, step: str, key: str, partial: set[str]) -> bool:
    return kind in STEP_CONSTRAINTS[step] and key not in partial


def longitudinal_syntax(model: Any, suffixes: Sequence[str], step: str,
                        partial: Sequence[str] = ()) -> str:
    """Model text for one invariance step across occasions (measEq.syntax style).

    ``partial`` lists base-name parameters kept free across occasions, e.g.
    ``("com=~c2", "c2~1", "c2~~c2")``.
    """
    if step not in STEP_CONSTRAINTS:
        raise ValueError(f"longitudinal_syntax: `step` must be one of "
                         f"{list(STEP_CONSTRAINTS)}, got {step!r}")
    exempt = {p.replace(" ", "") for p in partial}
    factors = _factor_items(model)
    lines = []
    for sfx in suffixes:
        for f, items in factors.items():
            terms = []
            for i in items:
                same = _equal("loadings", step, f"{f}=~{i}", exempt)
                terms.append(f"NA*{'lambda_' + f + '_' + i + '*' if same else ''}{i}{sfx}")
            lines.append(f"{f}{sfx} =~ " + " + ".join(terms))
    for t, sfx in enumerate(suffixes):
        for f in factors:
            var = "1" if t == 0 or step == "configural" else "NA"
            lines.append(f"{f}{sfx} ~~ {var}*{f}{sfx}")
            mean = "NA" if t > 0 and "intercepts" in STEP_CONSTRAINTS[step] else "0"
            lines.append(f"{f}{sfx} ~ {mean}*1")
    for items in factors.values():
        for i in items:
            nu = _equal("intercepts", step, f"{i}~1", exempt)
            theta = _equal("residuals", step, f"{i}~~{i}", exempt)
            for t, sfx in enumerate(suffixes):
                lines.append(f"{i}{sfx} ~ NA*{'nu_' + i + '*' if nu else ''}1")
                lines.append(f"{i}{sfx} ~~ NA*{'theta_' + i + '*' if theta else ''}{i}{sfx}")
                lines += [f"{i}{sfx} ~~ {i}{later}" for later in suffixes[t + 1:]]
    return "\n".join(lines)


def longitudinal_invariance(data: pd.DataFrame, model: Any,
                            occasions: Mapping[str, str], *, estimator: str = "ML",
                            steps: Sequence[str] | None = None,
                            partial: Sequence[str] = (),
                            missing: str = "listwise") -> InvarianceResult:
    """Invariance across paired raters or waves, fitted as one model on wide data.

    Parameters
    ----------
    data : DataFrame
        Wide: one row per dyad, one column per item per occasion, named
        ``item + suffix`` (e.g. ``com1_client``, ``com1_officer``).
    model : str or Instrument
        Single-occasion model on base item names (``"com =~ com1 + com2 + com3"``),
        or an instrument (one factor per subscale, see :func:`instrument_model`).
    occasions : mapping
        Occasion name -> column suffix, e.g. ``{"client": "_client",
        "officer": "_officer"}`` or ``{"wave1": "_w1", "wave2": "_w2"}``. The first
        occasion is the reference (factor variance 1, mean 0).
    estimator : {"ML", "MLR", "WLSMV"}
        MLR gives Satorra-Bentler (2001) scaled difference tests. WLSMV treats every item
        as ordered (delta parameterisation, complete cases only), as semTools'
        ``measEq.syntax(ordered = ..., parameterization = "delta", ID.fac = "std.lv",
        ID.cat = "Wu.Estabrook.2016")`` with lavaan's WLSMV; neighbouring steps are
        compared with lavaan's ``lavTestLRT`` default for DWLS (Satorra 2000,
        scaled-shifted).
    steps : sequence of str, optional
        Ordered subset of ``configural, metric, scalar, strict`` (default all); with
        WLSMV of ``configural, thresholds, metric, scalar`` (default all): thresholds
        equal, + loadings equal, + intercepts equal (Wu & Estabrook 2016).
    partial : sequence of str
        Base-name parameters left free across occasions in the constrained steps
        (``"com=~com2"``, ``"com2~1"``, ``"com2~~com2"``; WLSMV also ``"com2|t1"``).
    missing : {"listwise", "fiml", "pairwise"}
        As in :func:`cfa`: ``"fiml"`` with ML/MLR, ``"pairwise"`` with WLSMV (lavaan's
        ``missing="pairwise"``: every dyad with at least one answer is used; empty
        categories are then merged on each item's answered cases).

    Returns
    -------
    InvarianceResult
        ``table`` as in :func:`measurement_invariance`; ``syntax`` holds each step's
        model text; with WLSMV ``recoded`` lists the categories merged because they were
        empty on some occasion (:func:`merge_empty_categories`, with an
        :class:`~werkalliantie_stats.exceptions.EmptyCategoryWarning`).

    Notes
    -----
    The model of occasion ``t`` is ``y_t = nu_t + Lambda_t eta_t + eps_t`` with
    ``Cov(eps_t, eps_s)`` diagonal (same item, different occasions) and all factors
    correlated. Steps constrain ``Lambda_t = Lambda``, then ``nu_t = nu``, then
    ``diag Theta_t = diag Theta`` (Meredith 1993); nested steps are compared by
    chi-square difference tests. Ordered items: latent responses
    ``y*_t = nu_t + Lambda_t eta_t + eps_t`` with ``x_t = k`` when
    ``tau_{t,k} < y*_t <= tau_{t,k+1}`` and scale ``delta_t = 1/sd(y*_t)``; the first
    occasion has ``nu = 0, delta = 1``; equal thresholds free ``nu`` (one equal
    threshold) and ``delta`` (two) in later occasions; equal intercepts fix ``nu = 0``
    again and free the factor means.

    For waves pass ``study.paired_items(pair="wave", rater=...)`` and
    ``{"wave1": "_w1", "wave2": "_w2"}``. The ML/MLR steps share one summary of the
    data (patterns, EM moments, h1 information, baseline) and each starts from the
    previous step's estimates; under FIML the robust CFI/TLI/RMSEA are lavaan's
    FIML-corrected ones (see :func:`cfa`).

    References
    ----------
    1. Widaman, K. F., Ferrer, E., & Conger, R. D. (2010). Factorial invariance within
       longitudinal structural equation models. Child Development Perspectives, 4,
       10-18.
    2. Jorgensen, T. D., et al. (2022). semTools: measEq.syntax. R package 0.5-6.
    3. Wu, H., & Estabrook, R. (2016). Identification of confirmatory factor analysis
       models of different levels of invariance for ordered categorical outcomes.
       Psychometrika, 81, 1014-1045.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> f = rng.multivariate_normal([0, 0], [[1, .5], [.5, 1]], size=300)
    >>> cols = {}
    >>> for t, sfx in enumerate(["_c", "_o"]):
    ...     for k, lam in enumerate([.8, .7, .6], start=1):
    ...         cols[f"x{k}{sfx}"] = lam * f[:, t] + rng.normal(scale=.6, size=300)
    >>> res = longitudinal_invariance(pd.DataFrame(cols), "f =~ x1 + x2 + x3",
    ...                               {"client": "_c", "officer": "_o"})
    >>> # In R: semTools::measEq.syntax(model, data, longFacNames = list(f = c("f_c", "f_o")))
    >>> int(res.table.loc["metric", "df_diff"])
    2
    >>> codes = pd.DataFrame({c: np.digitize(v, [-0.6, 0.0, 0.6]) + 1
    ...                       for c, v in cols.items()})
    >>> ordinal = longitudinal_invariance(codes, "f =~ x1 + x2 + x3",
    ...                                   {"client": "_c", "officer": "_o"},
    ...                                   estimator="WLSMV")
    >>> # In R: measEq.syntax(..., ordered = names(codes), parameterization = "delta",
    >>> #   ID.cat = "Wu.Estabrook.2016", long.equal = c("thresholds", "loadings", ...))
    >>> ordinal.table["df_diff"].tolist()[1:]
    [3.0, 2.0, 2.0]
    """
    check_frame(data, "longitudinal_invariance")
    if not isinstance(occasions, Mapping) or len(occasions) < 2:
        raise ValueError("longitudinal_invariance: `occasions` must map at least two occasion "
                         f"names to column suffixes, got {occasions!r}")
    suffixes = [str(s) for s in occasions.values()]
    if len(set(suffixes)) != len(suffixes):
        raise ValueError(f"longitudinal_invariance: `occasions` has repeated suffixes: {suffixes}")
    if str(estimator).upper() == "WLSMV":
        return _ordinal(data, model, occasions, steps, partial, missing)
    steps = tuple(STEP_CONSTRAINTS) if steps is None else steps
    if list(steps) != [s for s in STEP_CONSTRAINTS if s in steps] or not steps:
        raise ValueError(f"longitudinal_invariance: `steps` must be an ordered subset of "
                         f"{list(STEP_CONSTRAINTS)}, got {list(steps)!r}")
    syntax = {s: longitudinal_syntax(model, suffixes, s, partial) for s in steps}
    fits = cfa_sequence(data, syntax, estimator=estimator, missing=missing,
                        func="longitudinal_invariance")
    return InvarianceResult(compare_fits(fits), fits, fits[steps[0]].estimator, syntax)


def _ordinal(data: pd.DataFrame, model: Any, occasions: Mapping[str, str],
             steps: Sequence[str] | None, partial: Sequence[str],
             missing: str) -> InvarianceResult:
    miss = str(missing).lower()
    if miss not in ("listwise", "pairwise"):
        raise ValueError(f"longitudinal_invariance: with estimator='WLSMV' `missing` must "
                         f"be 'listwise' (lavaan's default for ordered data) or 'pairwise', "
                         f"got missing={missing!r}")
    chosen = tuple(ORDINAL_LONG_STEPS) if steps is None else tuple(steps)
    fits, syntax, recoded = ordinal_longitudinal_fits(data, _factor_items(model), occasions,
                                                      chosen, partial, missing=miss)
    return InvarianceResult(ordinal_invariance_table(fits), fits, "WLSMV", syntax, recoded)
