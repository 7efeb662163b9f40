"""Statements + lavaan ``cfa()`` defaults -> one parameter table.

The parameter table is a DataFrame with one row per model parameter per group and
lavaan's columns ``id, lhs, op, rhs, user, group, free, ustart, label, plabel,
start``. ``free`` is 0 for a fixed parameter and otherwise the 1-based index of the
parameter in the estimation vector; rows that share a label (a user label, or a
cross-group equality from ``group_equal``) share that index, which is how equality
constraints are imposed. Rows are ordered as lavaan orders them: the user's
statements, then residual variances, factor variances, factor covariances,
intercepts and factor means, group by group.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from werkalliantie_stats.exceptions import ModelSyntaxError

from .matrices import records
from .syntax import Statement

__all__ = ["GROUP_EQUAL_KEYS", "ModelSpec", "build_partable", "model_variables"]

GROUP_EQUAL_KEYS = ("loadings", "intercepts", "means", "residuals", "residual.covariances",
                    "lv.variances", "lv.covariances")


@dataclass(frozen=True)
class ModelSpec:
    """What ``build_partable`` needs besides the statements."""

    ngroups: int = 1
    std_lv: bool = False
    meanstructure: bool = False
    group_equal: tuple[str, ...] = ()
    group_partial: tuple[str, ...] = ()


def model_variables(statements: Sequence[Statement]) -> tuple[list[str], list[str]]:
    """Observed and latent variable names, in order of first appearance.

    Threshold (``x | t1 + t2``) and scale (``x ~*~ x``) statements describe indicators
    named elsewhere and add no variables.
    """
    lvs = list(dict.fromkeys(s.lhs for s in statements if s.op == "=~"))
    ovs: list[str] = []
    for s in statements:
        if s.op in ("|", "~*~"):
            continue
        terms = [t.name for t in s.terms if t.name]
        names = terms + ([] if s.op == "=~" else [s.lhs])
        for name in names:
            if name not in lvs and name not in ovs:
                ovs.append(name)
    return ovs, lvs


def check_model_columns(statements: Sequence[Statement], columns: Sequence[str],
                        func: str) -> None:
    """Raise ModelSyntaxError for an observed name missing from the data, with a hint."""
    ovs, lvs = model_variables(statements)
    available = [str(c) for c in columns]
    for name in ovs:
        if name in available:
            continue
        line = next(s.line for s in statements
                    if name == s.lhs or name in [t.name for t in s.terms])
        close = difflib.get_close_matches(name, available + lvs, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ModelSyntaxError(f"{func}: variable {name!r} (model line {line}) is neither a "
                               f"factor nor a column of `data`{hint} "
                               f"Available columns: {available[:30]}")
    higher = [t.name for s in statements if s.op == "=~" for t in s.terms if t.name in lvs]
    if higher:
        raise ModelSyntaxError(f"{func}: factor {higher[0]!r} is used as an indicator; "
                               "cfa() fits first-order factor models only")


def _slot(term_mods: tuple, group: int, ngroups: int, statement: Statement) -> dict:
    """The fixed value / free flag / label / start of one term in one group."""
    out: dict = {"fixed": None, "free": False, "label": "", "start": math.nan}
    for mods in term_mods:
        if len(mods) not in (1, ngroups):
            raise ModelSyntaxError(f"line {statement.line}: a modifier vector c(...) has "
                                   f"{len(mods)} values but the model has {ngroups} group(s)")
        mod = mods[0] if len(mods) == 1 else mods[group]
        if mod.kind == "fixed":
            out["fixed"] = float(mod.value)
        elif mod.kind == "free":
            out["free"] = True
        elif mod.kind == "label":
            out["label"] = str(mod.value)
        elif mod.kind == "start":
            out["start"] = float(mod.value)
    return out


def _row(lhs: str, op: str, rhs: str, group: int, *, free: bool, ustart: float = math.nan,
         label: str = "", start: float = math.nan, user: int = 0) -> dict:
    return {"lhs": lhs, "op": op, "rhs": rhs, "user": user, "group": group,
            "free": int(free), "ustart": ustart, "label": label, "start": start}


def _check_duplicates(statements: Sequence[Statement]) -> None:
    seen: dict[tuple[str, str, str], int] = {}
    for s in statements:
        for term in s.terms:
            key = (s.lhs, s.op, term.name)
            if s.op == "~~":
                key = (min(s.lhs, term.name), s.op, max(s.lhs, term.name))
            if key in seen:
                text = f"{s.lhs} {s.op} {term.name}".strip()
                raise ModelSyntaxError(f"line {s.line}: '{text}' is specified twice (first on "
                                       f"line {seen[key]}); give each parameter once, with all "
                                       "its modifiers, e.g. 'f =~ NA*a*x1'")
            seen[key] = s.line


def _user_rows(statements: Sequence[Statement], group: int, spec: ModelSpec) -> list[dict]:
    rows, marked = [], set()
    for s in statements:
        if s.op not in ("=~", "~~", "~1"):
            raise ModelSyntaxError(f"line {s.line}: operator {s.op!r} is not supported by "
                                   "cfa() with continuous indicators (use =~, ~~, ~1)")
        # the marker is the first indicator of each factor (a later `f =~ x` line adds a
        # free loading), as lavaan's auto.fix.first
        new_factor = s.op == "=~" and s.lhs not in marked
        if s.op == "=~":
            marked.add(s.lhs)
        for k, term in enumerate(s.terms):
            slot = _slot(term.modifiers, group - 1, spec.ngroups, s)
            rhs = "" if s.op == "~1" else term.name
            fixed = slot["fixed"]
            free = fixed is None
            if new_factor and k == 0 and not spec.std_lv and free and not slot["free"]:
                fixed, free = 1.0, False
            rows.append(_row(s.lhs, s.op, rhs, group, free=free,
                             ustart=math.nan if fixed is None else fixed,
                             label=slot["label"], start=slot["start"], user=1))
    return rows


def _default_rows(existing: list[dict], ovs: list[str], lvs: list[str], group: int,
                  spec: ModelSpec) -> list[dict]:
    have = {(r["lhs"], r["op"], r["rhs"]) for r in existing}
    have |= {(r["rhs"], r["op"], r["lhs"]) for r in existing if r["op"] == "~~"}
    rows = []

    def add(lhs, op, rhs, free, ustart=math.nan):
        if (lhs, op, rhs) not in have:
            rows.append(_row(lhs, op, rhs, group, free=free, ustart=ustart))

    for v in ovs:
        add(v, "~~", v, True)
    free_lv_var = not spec.std_lv or (group > 1 and "loadings" in spec.group_equal)
    for f in lvs:
        add(f, "~~", f, free_lv_var, math.nan if free_lv_var else 1.0)
    for i, f in enumerate(lvs):
        for g in lvs[i + 1:]:
            add(f, "~~", g, True)
    if spec.meanstructure:
        for v in ovs:
            add(v, "~1", "", True)
        free_means = (group > 1 and "intercepts" in spec.group_equal
                      and "means" not in spec.group_equal)
        for f in lvs:
            add(f, "~1", "", free_means, math.nan if free_means else 0.0)
    return rows


def _equal_kind(row: dict, lvs: set[str]) -> str:
    op, lhs, rhs = row["op"], row["lhs"], row["rhs"]
    if op == "=~":
        return "loadings"
    if op == "~1":
        return "means" if lhs in lvs else "intercepts"
    if lhs in lvs:
        return "lv.variances" if lhs == rhs else "lv.covariances"
    return "residuals" if lhs == rhs else "residual.covariances"


def _normalise_partial(items: Sequence[str]) -> set[tuple[str, str, str]]:
    out = set()
    for item in items:
        text = item.replace(" ", "")
        for op in ("=~", "~~", "~1"):
            if op in text:
                lhs, rhs = text.split(op, 1)
                out.add((lhs, op, rhs))
                break
        else:
            raise ValueError(f"cfa: `group_partial` entry {item!r} is not of the form "
                             "'f=~x', 'x~1' or 'x~~y'")
    return out


def _apply_group_equal(table: pd.DataFrame, lvs: list[str], spec: ModelSpec) -> None:
    """Label free rows of groups 2..G like the matching group-1 row (lavaan's plabel)."""
    if spec.ngroups == 1 or not spec.group_equal:
        return
    partial = _normalise_partial(spec.group_partial)
    rows = records(table, ["lhs", "op", "rhs", "group", "free", "label", "plabel"])
    labels = [r["label"] for r in rows]
    first = {(r["lhs"], r["op"], r["rhs"]): k for k, r in enumerate(rows) if r["group"] == 1}
    lvset = set(lvs)
    for k, row in enumerate(rows):
        key = (row["lhs"], row["op"], row["rhs"])
        if row["group"] == 1 or not row["free"] or row["label"] or key in partial:
            continue
        if _equal_kind(row, lvset) not in spec.group_equal:
            continue
        j = first.get(key)
        if j is not None and rows[j]["free"]:
            labels[j] = labels[j] or rows[j]["plabel"]
            labels[k] = labels[j]
    table["label"] = labels


def _number_free(table: pd.DataFrame) -> None:
    """Give each free row its parameter index; rows sharing a label share it."""
    index: dict[str, int] = {}
    fixed_labels = {lab: v for lab, v, f in zip(table["label"], table["ustart"], table["free"],
                                                strict=True)
                    if lab and not f}
    free = np.zeros(len(table), dtype=int)
    ustart = table["ustart"].to_numpy(dtype=float).copy()
    count = 0
    for pos, (lab, is_free) in enumerate(zip(table["label"], table["free"], strict=False)):
        if lab in fixed_labels:
            ustart[pos] = fixed_labels[lab]
            continue
        if not is_free:
            continue
        if lab and lab in index:
            free[pos] = index[lab]
            continue
        count += 1
        free[pos] = count
        if lab:
            index[lab] = count
    table["free"] = free
    table["ustart"] = ustart


def _check_scales(rows: list[dict], lvs: list[str], shared: set[int]) -> None:
    for f in lvs:
        loads = [r for r in rows if r["op"] == "=~" and r["lhs"] == f and r["group"] == 1]
        var = [r for r in rows if r["op"] == "~~" and r["lhs"] == f and r["rhs"] == f
               and r["group"] == 1]
        free_loads = [r["free"] > 0 for r in loads]
        free_var = [r["free"] > 0 for r in var]
        if all(free_loads) and all(free_var) and not any(r["free"] in shared for r in loads):
            raise ModelSyntaxError(f"cfa: factor {f!r} has no scale: fix a loading "
                                   f"(e.g. '{f} =~ 1*{loads[0]['rhs']}') or its variance "
                                   f"('{f} ~~ 1*{f}'), or use std_lv=True")
        if len(loads) == 1:
            x = loads[0]["rhs"]
            resid = [r for r in rows if r["op"] == "~~" and r["lhs"] == x and r["rhs"] == x]
            if any(r["free"] > 0 for r in resid) and sum(free_loads) + sum(free_var):
                raise ModelSyntaxError(
                    f"cfa: factor {f!r} has a single indicator ({x!r}) and is not identified; "
                    f"fix its residual variance (e.g. '{x} ~~ 0*{x}') or add indicators")


def _check_identified(table: pd.DataFrame, ovs: list[str], lvs: list[str],
                      spec: ModelSpec) -> None:
    rows = records(table, ["lhs", "op", "rhs", "group", "free"])
    counts = table.loc[table["free"] > 0, "free"].value_counts()
    _check_scales(rows, lvs, set(counts[counts > 1].index))
    p = len(ovs)
    moments = spec.ngroups * (p * (p + 1) // 2 + (p if spec.meanstructure else 0))
    npar = int(table["free"].max()) if len(table) else 0
    if moments - npar < 0:
        raise ModelSyntaxError(f"cfa: the model is not identified: {npar} free parameters but "
                               f"only {moments} sample moments (df = {moments - npar} < 0); "
                               "add constraints or indicators")


def build_partable(statements: Sequence[Statement], spec: ModelSpec) -> pd.DataFrame:
    """Expand parsed statements into the full parameter table (lavaan cfa() defaults).

    Parameters
    ----------
    statements : sequence of Statement
        From :func:`~werkalliantie_stats.psychometrics.cfa.syntax.parse_model`.
    spec : ModelSpec
        Number of groups, identification and cross-group equality settings.

    Returns
    -------
    pandas.DataFrame
        The parameter table (see the module docstring).
    """
    unknown = [k for k in spec.group_equal if k not in GROUP_EQUAL_KEYS]
    if unknown:
        raise ValueError(f"cfa: `group_equal` entry {unknown[0]!r} is not one of "
                         f"{list(GROUP_EQUAL_KEYS)}")
    _check_duplicates(statements)
    ovs, lvs = model_variables(statements)
    rows: list[dict] = []
    for group in range(1, spec.ngroups + 1):
        user = _user_rows(statements, group, spec)
        rows += user + _default_rows(user, ovs, lvs, group, spec)
    table = pd.DataFrame(rows)
    table.insert(0, "id", np.arange(1, len(table) + 1))
    table["plabel"] = [f".p{i}." for i in table["id"]]
    _apply_group_equal(table, lvs, spec)
    _number_free(table)
    _check_identified(table, ovs, lvs, spec)
    return table
