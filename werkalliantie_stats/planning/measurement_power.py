"""Power-table rows of the measurement analyses (CFA fit and rater invariance).

The replications store the fit indices and p-values (:mod:`.cfa_analyses`); the decisions
are taken here, so cut-offs can change without re-running the simulation:

* ``cfa_fit``, per rater: ``cfi_scaled >= cfi``, ``rmsea_scaled <= rmsea``, both at once
  (``cfi_and_rmsea``), and the scaled chi-square test rejecting exact fit
  (``chisq_scaled``: ``p < alpha``).
* ``invariance``, per step (metric, scalar): the scaled difference test rejects
  (``chisq_diff``: ``p < alpha``) and CFI drops by at least .01
  (``delta_cfi_scaled <= delta_cfi``).

The probability of each event is estimated over the successful replications of a design
cell, with its binomial Monte Carlo SE and exact interval; failed replications (the fit
raised or did not converge) are counted in ``n_failed``, and the diagnostic rows give the
shares ``nonconverged`` and ``empty_category`` over all replications of the cell.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from .montecarlo import exact_interval, proportion

__all__ = ["DEFAULT_CUTOFFS", "MEASUREMENT", "check_cutoffs", "measurement_table_rows"]

MEASUREMENT = ("cfa_fit", "invariance")
DEFAULT_CUTOFFS = {"cfi": 0.95, "rmsea": 0.06, "delta_cfi": -0.01}
"""CFI >= .95 and RMSEA <= .06 (Hu & Bentler 1999), ΔCFI <= -.01 (Cheung & Rensvold 2002;
Chen 2007)."""


def check_cutoffs(cutoffs, func: str) -> dict[str, float]:
    """``DEFAULT_CUTOFFS`` updated with ``cutoffs`` (a mapping of known keys to numbers)."""
    if cutoffs is None:
        return dict(DEFAULT_CUTOFFS)
    if not isinstance(cutoffs, Mapping):
        raise TypeError(f"{func}: `cutoffs` must be a mapping such as {DEFAULT_CUTOFFS}, got "
                        f"{type(cutoffs).__name__}")
    bad = [k for k in cutoffs if k not in DEFAULT_CUTOFFS]
    if bad:
        raise ValueError(f"{func}: `cutoffs` keys must be among {list(DEFAULT_CUTOFFS)}, got "
                         f"{bad[0]!r}")
    for key, value in cutoffs.items():
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{func}: `cutoffs[{key!r}]` must be a finite number, got "
                             f"{value!r}")
    return {**DEFAULT_CUTOFFS, **{k: float(v) for k, v in cutoffs.items()}}


Decision = tuple[str, str, Callable[[pd.DataFrame, pd.DataFrame], np.ndarray]]


def _fit_decisions(alpha: float, cut: dict) -> list[Decision]:
    cfi_ok = lambda e, p: (e["cfi_scaled"] >= cut["cfi"]).to_numpy()  # noqa: E731
    rmsea_ok = lambda e, p: (e["rmsea_scaled"] <= cut["rmsea"]).to_numpy()  # noqa: E731
    return [("cfi_scaled", f"cfi_scaled >= {cut['cfi']:g}", cfi_ok),
            ("rmsea_scaled", f"rmsea_scaled <= {cut['rmsea']:g}", rmsea_ok),
            ("cfi_and_rmsea", "both", lambda e, p: cfi_ok(e, p) & rmsea_ok(e, p)),
            ("chisq_scaled", f"p_scaled < {alpha:g}",
             lambda e, p: (p["chisq_scaled"] < alpha).to_numpy())]


def _invariance_decisions(alpha: float, cut: dict) -> list[Decision]:
    out: list[Decision] = []
    for step in ("metric", "scalar"):
        out.append((f"{step}:chisq_diff", f"p < {alpha:g}",
                    lambda e, p, s=step: (p[f"{s}:chisq_diff"] < alpha).to_numpy()))
        out.append((f"{step}:delta_cfi_scaled", f"delta_cfi_scaled <= {cut['delta_cfi']:g}",
                    lambda e, p, s=step: (e[f"{s}:delta_cfi_scaled"]
                                          <= cut["delta_cfi"]).to_numpy()))
    return out


def _prefixes(analysis: str, terms: pd.Series) -> list[str]:
    if analysis == "invariance":
        return [""]
    return list(dict.fromkeys(t.split(":", 1)[0] + ":" for t in terms))


def _diagnostic_share(part: pd.DataFrame, name: str) -> float:
    values = part.loc[part["term"] == name, "estimate"].to_numpy(float)
    return float(values.mean()) if values.size else math.nan


def _prefix_rows(analysis: str, prefix: str, part: pd.DataFrame, alpha: float,
                 cut: dict) -> list[dict]:
    diag = part["scale"] == "diagnostic"
    fits = part[~diag].assign(term=lambda f: f["term"].str.slice(len(prefix)))
    failed = fits.groupby("rep")["failed"].any()
    ok = fits[fits["rep"].isin(failed.index[~failed])]
    est = ok.pivot(index="rep", columns="term", values="estimate")
    pval = ok.pivot(index="rep", columns="term", values="p_value")
    warned = ok.groupby("rep")["n_warnings"].max() > 0
    common = {"reps": int((~failed).sum()), "n_failed": int(failed.sum()),
              "ci_width": math.nan, "ci_width_mc_se": math.nan,
              "warned": float(warned.mean()) if len(warned) else math.nan,
              "nonconverged": _diagnostic_share(part, prefix + "nonconverged"),
              "empty_category": _diagnostic_share(part, prefix + "empty_category")}
    decisions = (_fit_decisions if analysis == "cfa_fit" else _invariance_decisions)(alpha, cut)
    rows = []
    for term, criterion, decide in decisions:
        hits = decide(est, pval) if len(est) else np.zeros(0, dtype=bool)
        p, se = proportion(hits)
        lower, upper = exact_interval(int(hits.sum()), hits.size)
        mean = float(est[term].mean()) if term in est and len(est) else math.nan
        rows.append({"analysis": analysis, "term": prefix + term, "criterion": criterion,
                     **common, "power": p, "mc_se": se, "power_ci_lower": lower,
                     "power_ci_upper": upper, "mean_estimate": mean})
    return rows


def measurement_table_rows(reps_frame: pd.DataFrame, alpha: float,
                           cutoffs: dict) -> list[dict]:
    """One row per cell, analysis and decision (with ``cell`` for the caller's labels)."""
    rows = []
    frame = reps_frame[reps_frame["analysis"].isin(MEASUREMENT)]
    for (cell, analysis), group in frame.groupby(["cell", "analysis"], sort=False):
        for prefix in _prefixes(analysis, group["term"]):
            part = group[group["term"].str.startswith(prefix)]
            rows.extend({"cell": cell, **r}
                        for r in _prefix_rows(analysis, prefix, part, alpha, cutoffs))
    return rows
