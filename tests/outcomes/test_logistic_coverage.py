"""Coverage of the 95% CIs over simulated data sets with known truth (fixed seeds).

With R replications and nominal level 0.95 the Monte Carlo SE of a coverage rate is
sqrt(.95 * .05 / R); the tests accept rates within 3 Monte Carlo SEs of 0.95. Seen with
these seeds: logistic cluster Wald 0.930, profile 0.937; linear cluster-robust 0.917 (such
SEs are known to be a little liberal with tens of clusters), naive 0.677.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.outcomes import linear, logistic

REPS = 300
MC_BAND = 3 * np.sqrt(0.95 * 0.05 / REPS)


def _clustered_logistic_data(rng, n_officers=80, per_officer=4, beta=(-0.8, 0.6, -0.5)):
    officer = np.repeat(np.arange(n_officers), per_officer)
    officer_level = rng.normal(size=n_officers)[officer]  # a predictor shared within officer
    client_level = rng.normal(size=officer.size)
    eta = beta[0] + beta[1] * officer_level + beta[2] * client_level
    y = rng.binomial(1, 1 / (1 + np.exp(-eta)))
    return pd.DataFrame({"y": y, "x_officer": officer_level, "x_client": client_level,
                         "officer": officer})


@pytest.mark.slow
def test_logistic_cluster_wald_and_profile_cover_truth():
    rng = np.random.default_rng(20261128)
    hits = {"cluster": 0, "profile": 0}
    for _ in range(REPS):
        df = _clustered_logistic_data(rng)
        res = logistic(df, "y", ["x_officer", "x_client"], cluster="officer")
        lo, hi = res.table.loc["x_officer", ["ci_lower", "ci_upper"]]
        hits["cluster"] += lo <= 0.6 <= hi
        ci = res.confidence_interval(method="wald")
        assert ci.loc["x_officer", "ci_lower"] == lo
        prof = logistic(df, "y", ["x_officer", "x_client"], ci="profile")
        lo, hi = prof.table.loc["x_client", ["ci_lower", "ci_upper"]]
        hits["profile"] += lo <= -0.5 <= hi
    for rate in (hits["cluster"] / REPS, hits["profile"] / REPS):
        assert abs(rate - 0.95) < MC_BAND


@pytest.mark.slow
def test_linear_cluster_ses_cover_where_naive_ses_do_not():
    """Officer random effects + an officer-level predictor: naive SEs under-cover."""
    rng = np.random.default_rng(7)
    naive = robust = 0
    for _ in range(REPS):
        officer = np.repeat(np.arange(60), 5)
        x = rng.normal(size=60)[officer]
        base = rng.normal(20, 4, officer.size)
        y = 2 + 0.8 * base - 1.0 * x + rng.normal(0, 3, 60)[officer] + rng.normal(0, 2,
                                                                                  officer.size)
        df = pd.DataFrame({"y": y, "x": x, "base": base, "officer": officer})
        lo, hi = linear(df, "y", ["base", "x"], cluster="officer").table.loc[
            "x", ["ci_lower", "ci_upper"]]
        robust += lo <= -1.0 <= hi
        lo, hi = linear(df, "y", ["base", "x"]).table.loc["x", ["ci_lower", "ci_upper"]]
        naive += lo <= -1.0 <= hi
    assert abs(robust / REPS - 0.95) < MC_BAND
    assert naive / REPS < 0.85
