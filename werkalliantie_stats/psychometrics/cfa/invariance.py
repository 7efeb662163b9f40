"""Measurement invariance across groups: configural -> metric -> scalar -> strict.

Each step adds cross-group equality constraints (``group_equal``) to the previous
one; neighbouring steps are compared with a chi-square difference test, as lavaan's
``lavTestLRT`` / semTools' ``compareFit``:

* ML: ``T = X2_1 - X2_0`` on ``df_1 - df_0`` degrees of freedom, with the RMSEA of
  the difference ``sqrt(max(0, (T - df) / (N df))) sqrt(G)``.
* MLR: the Satorra-Bentler (2001) scaled difference ``T = (X2_1 - X2_0) / c_d`` with
  ``c_d = (df_1 c_1 - df_0 c_0) / (df_1 - df_0)`` from the unscaled ML statistics and
  the models' scaling factors ``c``.

Changes in CFI and RMSEA (``delta_cfi``, ``delta_rmsea``) are the later step minus
the earlier one (Chen 2007 suggests worry when CFI drops by more than .01).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from scipy import stats

from werkalliantie_stats._results import ResultMixin, format_table
from werkalliantie_stats.exceptions import WerkalliantieWarning

from .api import cfa
from .invariance_ordinal import ordinal_invariance_fits, ordinal_invariance_table
from .results import CFAResult

__all__ = ["InvarianceResult", "chisq_difference", "compare_fits", "measurement_invariance"]

STEP_CONSTRAINTS = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
}


def chisq_difference(restricted: CFAResult, free: CFAResult) -> dict[str, float]:
    """Chi-square difference test of nested fits (SB2001-scaled when both are MLR)."""
    a, b = free.fit_measures, restricted.fit_measures
    ddf = b["df"] - a["df"]
    diff = b["chisq"] - a["chisq"]
    out = {"chisq_diff": diff, "df_diff": ddf, "scaling_diff": math.nan}
    if "chisq_scaling_factor" in a and "chisq_scaling_factor" in b and ddf > 0:
        cd = (b["df"] * b["chisq_scaling_factor"] - a["df"] * a["chisq_scaling_factor"]) / ddf
        if cd <= 0:
            warnings.warn("chisq_difference: the Satorra-Bentler difference scaling factor is "
                          "not positive; the scaled difference test is not available. Compare "
                          "the models with the unscaled test or refit with more cases.",
                          WerkalliantieWarning, stacklevel=2)
            cd = math.nan
        out["scaling_diff"] = cd
        out["chisq_diff"] = diff / cd
    stat = out["chisq_diff"]
    out["pvalue_diff"] = float(stats.chi2.sf(stat, ddf)) if ddf > 0 else math.nan
    if ddf > 0 and math.isnan(out["scaling_diff"]):
        n, g = b["ntotal"], len(restricted.n_obs)
        out["rmsea_diff"] = math.sqrt(max(0.0, (diff - ddf) / (n * ddf))) * math.sqrt(g)
    else:
        out["rmsea_diff"] = math.nan
    return out


_FIT_COLUMNS = ["npar", "chisq", "df", "pvalue", "chisq_scaled", "pvalue_scaled",
                "chisq_scaling_factor", "cfi", "tli", "rmsea", "srmr", "aic", "bic",
                "cfi_robust", "tli_robust", "rmsea_robust"]


def compare_fits(fits: dict[str, CFAResult]) -> pd.DataFrame:
    """Table of nested fits (in the given order) with difference tests and fit changes."""
    rows, previous = [], None
    for name, fit in fits.items():
        fm = fit.fit_measures
        row = {c: fm[c] for c in _FIT_COLUMNS if c in fm.index}
        diff = chisq_difference(fit, previous) if previous is not None else {}
        row.update({k: diff.get(k, math.nan) for k in
                    ("chisq_diff", "df_diff", "pvalue_diff", "scaling_diff", "rmsea_diff")})
        for idx in ("cfi", "rmsea", "srmr", "cfi_robust", "rmsea_robust"):
            if idx in fm.index:
                before = previous.fit_measures[idx] if previous is not None else math.nan
                row[f"delta_{idx}"] = fm[idx] - before
        rows.append(pd.Series(row, name=name))
        previous = fit
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class InvarianceResult(ResultMixin):
    """Sequence of increasingly constrained fits and their comparison.

    Attributes
    ----------
    table : DataFrame
        One row per step (``configural, metric, scalar, strict``): fit measures,
        ``chisq_diff, df_diff, pvalue_diff`` against the previous step and the changes
        ``delta_cfi, delta_rmsea`` (and robust versions for MLR).
    fits : dict
        The :class:`CFAResult` of each step.
    estimator : str
        ``"ML"``, ``"MLR"`` (scaled differences, Satorra-Bentler 2001) or ``"WLSMV"``
        (ordered items; scaled-shifted differences, Satorra 2000).
    syntax : dict
        Model text of each step when it was generated (longitudinal invariance).
    recoded : DataFrame or None
        Ordered items across occasions (WLSMV): the categories merged because they
        were empty on some occasion (``item, category, empty_on, merged_into,
        n_recoded``); None elsewhere.
    """

    table: pd.DataFrame
    fits: dict = field(repr=False)
    estimator: str = "ML"
    syntax: dict = field(default_factory=dict, repr=False)
    recoded: pd.DataFrame | None = field(default=None, repr=False)
    _title = "Measurement invariance"

    def to_frame(self) -> pd.DataFrame:
        """The comparison table."""
        return self.table

    def summary(self, digits: int = 3) -> str:
        """The comparison table as text."""
        cols = [c for c in ["chisq", "df", "chisq_scaled", "cfi", "rmsea", "cfi_scaled",
                            "rmsea_scaled", "srmr", "chisq_diff", "df_diff", "pvalue_diff",
                            "delta_cfi", "delta_rmsea", "delta_cfi_scaled"]
                if c in self.table.columns]
        head = f"{self._title} ({self.estimator})"
        lines = [head, "=" * len(head), format_table(self.table[cols], digits)]
        if self.recoded is not None and len(self.recoded):
            lines += ["", "Categories merged (empty on some occasion):",
                      format_table(self.recoded.set_index("item"), digits)]
        return "\n".join(lines)


def measurement_invariance(data: pd.DataFrame, model: str, *, group: str,
                           estimator: str = "ML",
                           steps: Sequence[str] | None = None,
                           group_partial: Sequence[str] = (), std_lv: bool = False,
                           missing: str = "listwise") -> InvarianceResult:
    """Test measurement invariance across groups, as semTools' ``compareFit``.

    Parameters
    ----------
    data : DataFrame
        Items and the grouping column.
    model : str
        lavaan-style measurement model.
    group : str
        Grouping column.
    estimator : {"ML", "MLR", "WLSMV"}
        MLR uses the Satorra-Bentler (2001) scaled difference test. WLSMV treats the
        items as ordered (delta parameterisation): steps configural, metric
        (``group.equal="loadings"``) and scalar (``c("loadings", "thresholds")``, latent
        means and scale factors free in later groups), compared with lavaan's
        ``lavTestLRT`` default for DWLS (Satorra 2000 scaled-shifted difference);
        ``group_partial`` may free thresholds (``"x|t1"``); listwise deletion only.
    steps : sequence of str, optional
        Subset of ``configural, metric, scalar, strict`` in that order (default all;
        with WLSMV ``configural, metric, scalar``).
    group_partial : sequence of str
        Parameters freed in every constrained step (partial invariance).
    std_lv, missing
        As in :func:`cfa`.

    Returns
    -------
    InvarianceResult

    Notes
    -----
    Steps: configural (same pattern), metric (equal loadings), scalar (+ equal
    intercepts, factor means free in later groups), strict (+ equal residual
    variances). ML difference test ``T = X2_r - X2_f`` on ``df_r - df_f``; MLR:
    ``T = (X2_r - X2_f) / c_d``, ``c_d = (df_r c_r - df_f c_f)/(df_r - df_f)``.

    References
    ----------
    1. Meredith, W. (1993). Measurement invariance, factor analysis and factorial
       invariance. Psychometrika, 58, 525-543.
    2. Satorra, A., & Bentler, P. M. (2001). A scaled difference chi-square test
       statistic for moment structure analysis. Psychometrika, 66, 507-514.
    3. Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of
       measurement invariance. Structural Equation Modeling, 14, 464-504.
    4. Millsap, R. E., & Yun-Tein, J. (2004). Assessing factorial invariance in
       ordered-categorical measures. Multivariate Behavioral Research, 39, 479-515.
    5. Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample analysis
       of moment structures. In Heijmans, Pollock & Satorra (Eds.), Innovations in
       multivariate statistical analysis (pp. 233-247). Kluwer.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> f = rng.normal(size=(400, 1))
    >>> items = f @ [[0.8, 0.7, 0.6, 0.5]] + rng.normal(scale=0.6, size=(400, 4))
    >>> data = pd.DataFrame(items, columns=["a", "b", "c", "d"])
    >>> data["sex"] = np.repeat(["m", "f"], 200)
    >>> res = measurement_invariance(data, "f =~ a + b + c + d", group="sex")
    >>> # In R: semTools::compareFit(configural, metric, scalar, strict)
    >>> res.table.index.tolist()
    ['configural', 'metric', 'scalar', 'strict']
    >>> int(res.table.loc["metric", "df_diff"])
    3
    >>> codes = data.copy()
    >>> codes[["a", "b", "c", "d"]] = np.digitize(items, [-0.6, 0.0, 0.6]) + 1
    >>> ordinal = measurement_invariance(codes, "f =~ a + b + c + d", group="sex",
    ...                                  estimator="WLSMV")
    >>> # In R: lavTestLRT(configural, metric, scalar) with ordered = TRUE, "WLSMV"
    >>> ordinal.table["df_diff"].tolist()[1:]
    [3.0, 7.0]
    """
    if str(estimator).upper() == "WLSMV":
        chosen = list(steps) if steps is not None else ["configural", "metric", "scalar"]
        fits = ordinal_invariance_fits(data, model, group, chosen, std_lv, group_partial,
                                       missing)
        return InvarianceResult(ordinal_invariance_table(fits), fits, "WLSMV")
    steps = tuple(STEP_CONSTRAINTS) if steps is None else steps
    unknown = [s for s in steps if s not in STEP_CONSTRAINTS]
    if unknown or list(steps) != [s for s in STEP_CONSTRAINTS if s in steps]:
        raise ValueError(f"measurement_invariance: `steps` must be an ordered subset of "
                         f"{list(STEP_CONSTRAINTS)}, got {list(steps)!r}")
    fits = {step: cfa(data, model, estimator=estimator, group=group,
                      group_equal=STEP_CONSTRAINTS[step],
                      group_partial=group_partial if step != "configural" else (),
                      std_lv=std_lv, missing=missing) for step in steps}
    table = compare_fits(fits)
    return InvarianceResult(table, fits, fits[steps[0]].estimator)


