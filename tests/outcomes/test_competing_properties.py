"""Identities the survival estimators must satisfy, on random data with many ties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import werkalliantie_stats.outcomes as wo


def _competing(seed: int, n: int = 150) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"t": rng.integers(1, 40, n).astype(float),
                         "cause": rng.choice([0, 1, 2], n, p=[0.3, 0.4, 0.3]),
                         "x": rng.normal(size=n), "z": rng.binomial(1, 0.5, n),
                         "g": rng.choice(["a", "b", "c"], n)})


@pytest.mark.parametrize("seed", range(3))
def test_incidences_and_all_cause_survival_add_to_one(seed):
    df = _competing(seed)
    ci = wo.cumulative_incidence(df, "t", "cause", times=np.arange(1, 45, 3))
    km = wo.kaplan_meier(df.assign(any=(df["cause"] > 0).astype(int)), "t", "any",
                         times=np.arange(1, 45, 3))
    total = ci.at_times.groupby("time")["estimate"].sum()
    surv = km.at_times.set_index("time")["estimate"]
    np.testing.assert_allclose(total.loc[surv.index] + surv, 1.0, rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_without_competing_events_fine_gray_is_cox_and_cif_is_one_minus_km(seed):
    df = _competing(seed)
    df = df[df["cause"] != 2]
    fg = wo.fine_gray(df, "t", "cause", 1, ["x", "z"])
    cx = wo.cox(df, "t", "cause", ["x", "z"], robust=True)
    np.testing.assert_allclose(fg.table["estimate"], cx.table["estimate"], rtol=1e-10)
    np.testing.assert_allclose(fg.table["robust_se"], cx.table["robust_se"], rtol=1e-10)
    ci = wo.cumulative_incidence(df, "t", "cause")
    km = wo.kaplan_meier(df, "t", "cause")
    at = km.table.set_index("time").loc[ci.table["time"], "estimate"].to_numpy()
    np.testing.assert_allclose(ci.table["estimate"], 1 - at, rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_integer_weights_equal_duplicated_rows_with_breslow_ties(seed):
    # Only for Breslow: R's (and our) weighted Efron keeps d = number of tied rows, so
    # weights are not replication there (checked against coxph with weights on Rossi).
    df = _competing(seed).assign(event=lambda d: (d["cause"] == 1).astype(int))
    w = np.random.default_rng(seed + 10).integers(1, 4, len(df))
    dup = df.loc[df.index.repeat(w)]
    a = wo.cox(df.assign(w=w), "t", "event", ["x", "z"], weights="w", ties="breslow")
    b = wo.cox(dup, "t", "event", ["x", "z"], ties="breslow")
    np.testing.assert_allclose(a.table["estimate"], b.table["estimate"], rtol=1e-9)
    np.testing.assert_allclose(a.table["std_error"], b.table["std_error"], rtol=1e-9)
    np.testing.assert_allclose(a.loglik, b.loglik, rtol=1e-12)
    np.testing.assert_allclose(a.concordance, b.concordance, rtol=1e-12)


def test_rescaling_a_predictor_rescales_its_coefficient():
    df = _competing(4).assign(event=lambda d: (d["cause"] > 0).astype(int))
    a = wo.cox(df, "t", "event", ["x", "z"], cluster="g")
    b = wo.cox(df.assign(x=df["x"] * 10 + 3), "t", "event", ["x", "z"], cluster="g")
    np.testing.assert_allclose(b.table.at["x", "estimate"] * 10, a.table.at["x", "estimate"])
    np.testing.assert_allclose(b.table.at["x", "robust_se"] * 10, a.table.at["x", "robust_se"])
    np.testing.assert_allclose(b.table["p_value"], a.table["p_value"], rtol=1e-8)
    np.testing.assert_allclose(b.loglik, a.loglik, rtol=1e-12)


def test_stratified_logrank_with_one_stratum_is_unstratified():
    df = _competing(5).assign(event=lambda d: (d["cause"] > 0).astype(int), s=1)
    a = wo.logrank_test(df, "t", "event", "g")
    b = wo.logrank_test(df, "t", "event", "g", strata="s")
    assert a.df == 2
    np.testing.assert_allclose(a.chisq, b.chisq, rtol=1e-12)


def test_fine_gray_rejects_ph_test():
    df = _competing(6)
    fg = wo.fine_gray(df, "t", "cause", 1, ["x"])
    with pytest.raises(ValueError, match="not Fine–Gray"):
        wo.ph_test(fg)
