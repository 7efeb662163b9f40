"""The "findings vs. the Menger–Donker claims" table.

One row per claim and rater (or outcome): what the data show (estimate and CI), the true
generating value on synthetic data, and a verdict by a rule stated in the table:

- ``supported``: the CI lies wholly on the claimed side of the no-effect / cut-off value;
- ``contradicted``: the CI lies wholly on the other side;
- ``inconclusive``: the CI contains it.

For the number of factors (no CI) each count (factors retained by parallel analysis, by
MAP, and subscales recovered by the EFA) is ``supported`` when it equals the number of
subscales and ``contradicted`` otherwise.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["ALPHA_ADEQUATE", "CLAIM_COLUMNS", "claims_table", "verdict"]

ALPHA_ADEQUATE = 0.70
CLAIM_COLUMNS = ["claim", "rater", "quantity", "estimate", "ci_lower", "ci_upper", "truth",
                 "verdict", "rule"]


def verdict(ci_lower: float, ci_upper: float, bound: float, direction: str) -> str:
    """``supported`` when the CI lies beyond ``bound`` in ``direction`` (``"above"`` or
    ``"below"``), ``contradicted`` when it lies wholly on the other side, else
    ``inconclusive``."""
    if direction not in ("above", "below"):
        raise ValueError(f"verdict: `direction` must be 'above' or 'below', got {direction!r}")
    if not (math.isfinite(ci_lower) and math.isfinite(ci_upper)):
        return "inconclusive"
    above, below = ci_lower > bound, ci_upper < bound
    claimed, other = (above, below) if direction == "above" else (below, above)
    return "supported" if claimed else "contradicted" if other else "inconclusive"


def _row(claim, rater, quantity, estimate, lower, upper, truth, verdict_, rule):
    return dict(zip(CLAIM_COLUMNS, (claim, rater, quantity, float(estimate), float(lower),
                                    float(upper), float(truth), verdict_, rule), strict=True))


def _count_verdict(found: float, expected: int) -> str:
    return "supported" if found == expected else "contradicted"


def factor_rows(retention: dict, recovered: dict, n_subscales: int, truth) -> list[dict]:
    """Per rater: factors retained by parallel analysis and by MAP, and the number of
    subscales whose items all load mainly on one factor of their own in the EFA; each is
    ``supported`` when it equals the number of subscales."""
    rows = []
    true_value = float(n_subscales) if truth is not None else math.nan
    for rater, (n_parallel, n_map) in retention.items():
        n_recovered = recovered.get(rater, 0)
        for quantity, found in (("parallel_analysis_factors", n_parallel),
                                ("map_factors", n_map),
                                ("efa_subscales_recovered", n_recovered)):
            rows.append(_row("four_factors", rater, quantity, found, math.nan, math.nan,
                             true_value, _count_verdict(found, n_subscales), "factors_rule"))
    return rows


def _true_alpha(truth, rater: str, subscale: str) -> float:
    try:
        return float(truth["population"]["cronbach_alpha"][rater][subscale])
    except (KeyError, TypeError):
        return math.nan


def reliability_rows(reliability: pd.DataFrame, positive: dict[str, bool], truth,
                     wave: int = 1) -> list[dict]:
    """Positive subscales: alpha's CI above 0.70. Stroefheid (negative subscales): its CI
    lies below the lowest alpha of the positive subscales."""
    rows = []
    table = reliability.xs(wave, level="wave")
    for rater in table.index.get_level_values("rater").unique():
        of_rater = table.xs(rater, level="rater")
        lowest_positive = of_rater.loc[[s for s in of_rater.index if positive[s]], "alpha"].min()
        for subscale, r in of_rater.iterrows():
            if positive[subscale]:
                rows.append(_row("positive_reliable", rater, f"alpha_{subscale}", r["alpha"],
                                 r["ci_lower"], r["ci_upper"], _true_alpha(truth, rater, subscale),
                                 verdict(r["ci_lower"], r["ci_upper"], ALPHA_ADEQUATE, "above"),
                                 "alpha_rule"))
            else:
                rows.append(_row("negative_weaker", rater, f"alpha_{subscale}", r["alpha"],
                                 r["ci_lower"], r["ci_upper"], _true_alpha(truth, rater, subscale),
                                 verdict(r["ci_lower"], r["ci_upper"], lowest_positive, "below"),
                                 "weaker_rule"))
    return rows


OUTCOME_CLAIMS = {"dropout": ("less_dropout", "odds_ratio_good"),
                  "rearrest": ("fewer_arrests", "cause_specific_hazard_ratio_good"),
                  "risk_increase": ("less_rising_risk", "odds_ratio_good")}


def outcome_rows(effects: dict[str, pd.Series], population: dict[str, float]) -> list[dict]:
    """Good alliance quality lowers each outcome: the ratio's CI lies below 1."""
    rows = []
    for outcome, (claim, quantity) in OUTCOME_CLAIMS.items():
        if outcome not in effects:
            continue
        r = effects[outcome]
        lower, upper = np.exp(r["ci_lower"]), np.exp(r["ci_upper"])
        rows.append(_row(claim, "both", quantity, np.exp(r["estimate"]), lower, upper,
                         np.exp(population.get(outcome, math.nan)),
                         verdict(lower, upper, 1.0, "below"), "ratio_rule"))
    return rows


def claims_table(factor: list[dict], reliability: list[dict], outcome: list[dict]
                 ) -> pd.DataFrame:
    """Stack the rows of the three kinds of claim into one table (report order)."""
    return pd.DataFrame([*factor, *reliability, *outcome], columns=CLAIM_COLUMNS)
