"""Paired/longitudinal invariance of ordered items (WLSMV, delta parameterisation).

The ordinal twin of :mod:`.longitudinal`: one single-group model on wide data, each
occasion with its own factors, the latent responses of the same item correlated across
occasions, written as semTools 0.5-6 ``measEq.syntax(..., ordered = <all items>,
parameterization = "delta", ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016",
longFacNames = ...)`` writes it and fitted by :func:`fit_wlsmv` (listwise deletion, or
lavaan's ``missing="pairwise"``).
Wu & Estabrook (2016) order the steps for ordered data as

* ``configural``: thresholds free everywhere; intercepts 0 and scale factors 1 on every
  occasion; factor variances 1 and means 0;
* ``thresholds``: thresholds equal across occasions; in later occasions the latent
  response intercepts (``x ~ NA*1``, one equated threshold needed) and scale factors
  (``x ~*~ NA*x``, two needed) are free;
* ``metric``: + loadings equal; factor variances free after the first occasion;
* ``scalar``: + intercepts equal (all 0); factor means free after the first occasion,
  scale factors stay free.

Empty categories: threshold equality needs the same categories on every occasion. An
item whose used cases (complete cases; with pairwise deletion each column's answered
cases) leave a category empty on one occasion but not on another
gets that category merged with its lower neighbour (the lowest category with the one
above) on *every* occasion, with an :class:`EmptyCategoryWarning` and a row in the
result's ``recoded`` table.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import pandas as pd

from werkalliantie_stats._validation import check_columns, check_frame, numeric_frame
from werkalliantie_stats.exceptions import EmptyCategoryWarning

from .ordinal import _ordered_as_codes, _usable_rows, ordinal_sample_statistics
from .partable import model_variables
from .results import CFAResult
from .syntax import parse_model
from .wlsmv import fit_wlsmv

__all__ = ["ORDINAL_LONG_STEPS", "merge_empty_categories", "ordinal_longitudinal_fits",
           "ordinal_longitudinal_syntax"]

ORDINAL_LONG_STEPS = {"configural": (), "thresholds": ("thresholds",),
                      "metric": ("thresholds", "loadings"),
                      "scalar": ("thresholds", "loadings", "intercepts")}
_FUNC = "longitudinal_invariance"
_RECODED_COLUMNS = ["item", "category", "empty_on", "merged_into", "n_recoded"]


def _merge_target(code: float, kept: list[float]) -> float:
    below = [k for k in kept if k < code]
    return max(below) if below else min(k for k in kept if k > code)


def shared_category_targets(observed: Sequence[set]) -> tuple[list, dict]:
    """The categories every set uses, and where each other category goes.

    ``observed`` holds the categories used on each occasion (or in each group). A
    category missing from any of them is merged with the next lower shared category,
    or the next higher one when none is lower. The one rule for occasions
    (:func:`merge_empty_categories`) and groups (planning's invariance replications).
    """
    kept = sorted(set.intersection(*map(set, observed)))
    if not kept:
        return kept, {}
    union = set.union(*map(set, observed))
    return kept, {code: _merge_target(code, kept) for code in sorted(union - set(kept))}


def _as_int(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def merge_empty_categories(data: pd.DataFrame, items: Sequence[str],
                           suffixes: Sequence[str], occasions: Sequence[str] | None = None
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give every item the same categories on every occasion by merging empty ones.

    Parameters
    ----------
    data : DataFrame
        Wide responses (integer codes), columns ``item + suffix``; a missing answer
        (NaN) stays missing and does not count as a category.
    items : sequence of str
        Base item names.
    suffixes : sequence of str
        Column suffix of each occasion.
    occasions : sequence of str, optional
        Occasion names for the messages (default the suffixes).

    Returns
    -------
    recoded_data : DataFrame
        A copy with the merged codes.
    recoded : DataFrame
        One row per merged category: ``item, category, empty_on`` (occasions without
        responses in it), ``merged_into`` (the category it joins on every occasion) and
        ``n_recoded`` (responses changed). Empty when nothing was merged.

    Warns
    -----
    EmptyCategoryWarning
        Once per merged category, naming item, occasion and category.

    Notes
    -----
    With :math:`C_t` the categories observed for an item on occasion *t*, the categories
    kept are :math:`K = \\bigcap_t C_t`; a code :math:`c \\notin K` becomes
    :math:`\\max\\{k \\in K: k < c\\}`, or :math:`\\min\\{k \\in K: k > c\\}` when no kept
    category lies below. Equal thresholds then compare the same category boundaries on
    every occasion (Wu & Estabrook 2016 require the same number of thresholds; lavaan and
    measEq.syntax refuse otherwise).

    References
    ----------
    1. Wu, H., & Estabrook, R. (2016). Identification of confirmatory factor analysis
       models of different levels of invariance for ordered categorical outcomes.
       Psychometrika, 81, 1014-1045.

    Examples
    --------
    >>> import pandas as pd, warnings
    >>> wide = pd.DataFrame({"x_a": [2, 3, 4, 5, 3], "x_b": [1, 2, 3, 5, 4]})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     data, recoded = merge_empty_categories(wide, ["x"], ["_a", "_b"])
    >>> data["x_b"].tolist()
    [2, 2, 3, 5, 4]
    >>> recoded[["item", "category", "empty_on", "merged_into"]].values.tolist()
    [['x', 1, '_a', 2]]
    >>> holes = wide.assign(x_b=[None, 2, 3, 5, 4])  # the only 1 was not answered
    >>> data, recoded = merge_empty_categories(holes, ["x"], ["_a", "_b"])
    >>> data["x_b"].tolist(), len(recoded)  # missing stays missing; nothing to merge
    ([nan, 2.0, 3.0, 5.0, 4.0], 0)
    """
    func = "merge_empty_categories"
    check_frame(data, func)
    if isinstance(items, str) or isinstance(suffixes, str) or len(suffixes) < 2:
        raise TypeError(f"{func}: `items` must be a list of item names and `suffixes` a "
                        f"list of at least two column suffixes, e.g. ['_client', '_officer'];"
                        f" got items={items!r}, suffixes={suffixes!r}")
    if occasions is not None and len(occasions) != len(suffixes):
        raise ValueError(f"{func}: `occasions` needs one name per suffix ({len(suffixes)}), "
                         f"got {list(occasions)!r}")
    columns = check_columns(data, [f"{i}{sfx}" for i in items for sfx in suffixes], func)
    codes = numeric_frame(data, func, columns)
    for col in columns:
        values = codes[col].dropna()
        if (values != values.round()).any():
            raise ValueError(f"{func}: column {col!r} of `data` holds non-integer codes, e.g. "
                             f"{values[values != values.round()].iloc[0]:g}; ordered items "
                             f"need integer categories")
    return _merge_empty(data, items, suffixes, occasions, func)


def _merge_empty(data: pd.DataFrame, items: Sequence[str], suffixes: Sequence[str],
                 occasions: Sequence[str] | None, func: str
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The merging of :func:`merge_empty_categories` without input checks; messages
    name ``func``."""
    names = list(occasions) if occasions is not None else list(suffixes)
    out = data.copy()
    rows = []
    for item in items:
        cols = [f"{item}{sfx}" for sfx in suffixes]
        observed = [set(out[c].dropna().unique().tolist()) for c in cols]
        kept, targets = shared_category_targets(observed)
        if len(kept) < 2:
            raise ValueError(f"{func}: item {item!r} shares fewer than two response "
                             f"categories across occasions ({cols}: "
                             f"{[sorted(o) for o in observed]}); drop it from the model")
        for code, target in targets.items():
            code, target = _as_int(code), _as_int(target)
            empty_on = [n for n, o in zip(names, observed, strict=True) if code not in o]
            n_changed = int(sum((out[c] == code).sum() for c in cols))
            for c in cols:
                out.loc[out[c] == code, c] = target
            rows.append({"item": item, "category": code, "empty_on": ", ".join(empty_on),
                         "merged_into": target, "n_recoded": n_changed})
            warnings.warn(f"{func}: item {item!r} has no responses in category {code:g} on "
                          f"occasion(s) {empty_on} (other occasions use it), so its thresholds "
                          f"cannot be equated across occasions; category {code:g} is merged "
                          f"with category {target:g} on every occasion ({n_changed} "
                          "response(s) recoded; see the result's `recoded` table). Collect "
                          "more data or merge rare categories yourself to choose otherwise.",
                          EmptyCategoryWarning, stacklevel=3)
    return out, pd.DataFrame(rows, columns=_RECODED_COLUMNS)


def _threshold_equal(step: str, item: str, k: int, exempt: set[str]) -> bool:
    return "thresholds" in ORDINAL_LONG_STEPS[step] and f"{item}|t{k}" not in exempt


def _item_lines(item: str, suffixes: Sequence[str], n_thr: int, step: str,
                exempt: set[str]) -> list[str]:
    """Thresholds, intercepts, scales and same-item covariances of one item (Wu rules)."""
    equal = [_threshold_equal(step, item, k, exempt) for k in range(1, n_thr + 1)]
    n_equal = sum(equal)
    same_nu = "intercepts" in ORDINAL_LONG_STEPS[step] and f"{item}~1" not in exempt
    lines = []
    for t, sfx in enumerate(suffixes):
        terms = [f"NA*{f'tau_{item}_t{k}*' if eq else ''}t{k}"
                 for k, eq in enumerate(equal, start=1)]
        lines.append(f"{item}{sfx} | " + " + ".join(terms))
        free_nu = t > 0 and n_equal >= 1 and not same_nu
        free_scale = t > 0 and n_equal >= 1 and (n_equal >= 2 or same_nu)
        lines.append(f"{item}{sfx} ~ {'NA' if free_nu else '0'}*1")
        lines.append(f"{item}{sfx} ~*~ {'NA' if free_scale else '1'}*{item}{sfx}")
        lines += [f"{item}{sfx} ~~ {item}{later}" for later in suffixes[t + 1:]]
    return lines


def ordinal_longitudinal_syntax(factors: Mapping[str, Sequence[str]],
                                suffixes: Sequence[str], step: str,
                                thresholds: Mapping[str, int],
                                partial: Sequence[str] = ()) -> str:
    """Model text of one ordinal invariance step across occasions (measEq.syntax style).

    Parameters
    ----------
    factors : mapping
        Each factor's base name -> its base item names.
    suffixes : sequence of str
        Column suffix of each occasion; the first is the reference occasion.
    step : {"configural", "thresholds", "metric", "scalar"}
        The invariance step.
    thresholds : mapping
        Each base item's number of thresholds (categories - 1, the same on every
        occasion).
    partial : sequence of str
        Base-name parameters kept free across occasions: ``"f=~x"``, ``"x|t2"``,
        ``"x~1"``.

    Returns
    -------
    str
        lavaan-style model text that :func:`cfa` (``estimator="WLSMV"``) and lavaan fit.

    Notes
    -----
    Wu & Estabrook (2016) identification with ``ID.fac = "std.lv"``: on occasion
    ``t > 1`` an item with ``m >= 1`` equal thresholds has a free intercept ``nu`` unless
    intercepts are equal, and a free scale ``delta`` when ``m >= 2`` or intercepts are
    equal; a factor's variance is free once any of its loadings is equal, its mean once
    any of its intercepts is equal.

    References
    ----------
    1. Wu, H., & Estabrook, R. (2016). Identification of confirmatory factor analysis
       models of different levels of invariance for ordered categorical outcomes.
       Psychometrika, 81, 1014-1045.

    Examples
    --------
    >>> text = ordinal_longitudinal_syntax({"f": ["x", "y", "z"]}, ["_1", "_2"],
    ...                                    "thresholds", {"x": 2, "y": 2, "z": 2})
    >>> # In R: semTools::measEq.syntax(..., long.equal = "thresholds")
    >>> for line in text.splitlines()[-3:]:
    ...     print(line)
    z_2 | NA*tau_z_t1*t1 + NA*tau_z_t2*t2
    z_2 ~ NA*1
    z_2 ~*~ NA*z_2
    """
    if step not in ORDINAL_LONG_STEPS:
        raise ValueError(f"{_FUNC}: with estimator='WLSMV' each step must be one of "
                         f"{list(ORDINAL_LONG_STEPS)}, got {step!r}")
    exempt = {p.replace(" ", "") for p in partial}
    loads = "loadings" in ORDINAL_LONG_STEPS[step]
    lines = []
    for sfx in suffixes:
        for f, items in factors.items():
            terms = [f"NA*{f'lambda_{f}_{i}*' if loads and f'{f}=~{i}' not in exempt else ''}"
                     f"{i}{sfx}" for i in items]
            lines.append(f"{f}{sfx} =~ " + " + ".join(terms))
    for t, sfx in enumerate(suffixes):
        for f, items in factors.items():
            free_var = t > 0 and loads and any(f"{f}=~{i}" not in exempt for i in items)
            free_mean = t > 0 and "intercepts" in ORDINAL_LONG_STEPS[step] and any(
                f"{i}~1" not in exempt for i in items)
            lines.append(f"{f}{sfx} ~~ {'NA' if free_var else '1'}*{f}{sfx}")
            lines.append(f"{f}{sfx} ~ {'NA' if free_mean else '0'}*1")
    for items in factors.values():
        for i in items:
            lines += _item_lines(i, suffixes, int(thresholds[i]), step, exempt)
    return "\n".join(lines)


def _used_cases(data: pd.DataFrame, columns: list[str], missing: str) -> pd.DataFrame:
    absent = [c for c in columns if c not in data.columns]
    if absent:
        raise ValueError(f"{_FUNC}: `data` has no column {absent[0]!r} (wide layout: one "
                         f"column per item per occasion, e.g. {columns[:2]})")
    codes = numeric_frame(_ordered_as_codes(data[columns], columns), _FUNC, columns)
    frame = codes.loc[_usable_rows(codes, missing)]
    if missing == "listwise" and len(frame) <= len(columns):
        raise ValueError(f"{_FUNC}: only {len(frame)} dyads answered every item on every "
                         f"occasion, for {len(columns)} ordered indicators; WLSMV uses "
                         "complete cases only — use missing='pairwise', fit fewer items "
                         "or use estimator='MLR' with missing='fiml'")
    return frame


def _sample_statistics(frame: pd.DataFrame, columns: list[str], merged: set[str],
                       missing: str):
    """Polychorics of all columns; gap warnings for columns we merged ourselves are
    dropped (the merge was announced already)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stats = ordinal_sample_statistics(frame, items=columns, missing=missing)
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, EmptyCategoryWarning) and any(
                f"item {c!r}" in text for c in merged):
            continue
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return stats


def ordinal_longitudinal_fits(data: pd.DataFrame, factors: Mapping[str, Sequence[str]],
                              occasions: Mapping[str, str],
                              steps: Sequence[str], partial: Sequence[str] = (),
                              ci_level: float = 0.95, missing: str = "listwise"
                              ) -> tuple[dict[str, CFAResult], dict[str, str], pd.DataFrame]:
    """WLSMV fit of each step on the used cases, sharing one set of polychorics.

    The engine behind :func:`longitudinal_invariance` with ``estimator="WLSMV"``.

    Parameters
    ----------
    data : DataFrame
        Wide item responses, columns ``item + suffix``.
    factors : mapping
        Each factor's base name -> its base item names.
    occasions : mapping
        Occasion name -> column suffix.
    steps : sequence of str
        Ordered subset of ``configural, thresholds, metric, scalar``.
    partial : sequence of str
        As :func:`ordinal_longitudinal_syntax`.
    ci_level : float
        Level of the Wald intervals.
    missing : {"listwise", "pairwise"}
        Complete cases, or lavaan's ``missing="pairwise"`` (every row with an answer;
        empty categories merged on each column's answered cases).

    Returns
    -------
    fits : dict
        :class:`CFAResult` of each step.
    syntax : dict
        Model text of each step.
    recoded : DataFrame
        The merged categories (:func:`merge_empty_categories`).

    Notes
    -----
    Each step minimises the DWLS discrepancy ``(s - sigma)' W (s - sigma)`` of the
    same sample statistics ``s`` (thresholds and polychorics of the complete cases, or
    of the available cases with ``missing="pairwise"``); see :func:`fit_wlsmv`.

    References
    ----------
    1. Muthén, B., du Toit, S. H. C., & Spisic, D. (1997). Robust inference using
       weighted least squares and quadratic estimating equations in latent variable
       modeling with categorical and continuous outcomes. Unpublished manuscript.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(4)
    >>> eta = rng.normal(size=(300, 1))
    >>> wide = pd.DataFrame({f"{i}{s}": np.digitize(0.8 * eta[:, 0]
    ...                      + rng.normal(scale=0.6, size=300), [-0.5, 0.5]) + 1
    ...                      for s in ("_1", "_2") for i in ("x", "y", "z")})
    >>> fits, syntax, recoded = ordinal_longitudinal_fits(
    ...     wide, {"f": ["x", "y", "z"]}, {"t1": "_1", "t2": "_2"}, ["configural", "metric"])
    >>> # In R: cfa(as.character(measEq.syntax(...)), ordered = names(wide), estimator = "WLSMV")
    >>> # three-category items: equal thresholds cost no df (nu and delta freed)
    >>> int(fits["metric"].fit_measures["df"] - fits["configural"].fit_measures["df"])
    2
    """
    bad = [s for s in steps if s not in ORDINAL_LONG_STEPS]
    if bad or not steps or list(steps) != [s for s in ORDINAL_LONG_STEPS if s in steps]:
        raise ValueError(f"{_FUNC}: with estimator='WLSMV' `steps` must be an ordered subset "
                         f"of {list(ORDINAL_LONG_STEPS)} (Wu & Estabrook 2016: thresholds "
                         f"before loadings), got {list(steps)!r}")
    suffixes = [str(s) for s in occasions.values()]
    items = [i for its in factors.values() for i in its]
    columns = [f"{i}{sfx}" for sfx in suffixes for i in items]
    frame = _used_cases(data, columns, missing)
    frame, recoded = _merge_empty(frame, items, suffixes, list(occasions), _FUNC)
    counts = {i: int(frame[f"{i}{suffixes[0]}"].nunique()) - 1 for i in items}
    syntax = {s: ordinal_longitudinal_syntax(factors, suffixes, s, counts, partial)
              for s in steps}
    statements = {s: parse_model(text) for s, text in syntax.items()}
    ov_names, lv_names = model_variables(statements[steps[0]])
    merged = {f"{i}{sfx}" for i in recoded["item"] for sfx in suffixes}
    stats = _sample_statistics(frame, ov_names, merged, missing)
    fits = {s: fit_wlsmv(frame, statements[s], ov_names, lv_names, std_lv=False,
                         ci_level=ci_level, model_text=syntax[s], stats=stats,
                         missing=missing)
            for s in steps}
    return fits, syntax, recoded

