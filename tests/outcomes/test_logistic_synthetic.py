"""Every binary/continuous/ordinal model on the bundled synthetic study, against R.

Fixture: tests/reference/outcomes/binary/make_synthetic_reference.R. Predictors (same
derivation there): the client's wave-1 subscale means after re-keying com4, bin4, ver4
as 6 - x (mean of the available items), merged with supervision.csv by dyad_id.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _binary_refs import load, ref_matrix, ref_vector

from werkalliantie_stats.exceptions import FewEventsWarning
from werkalliantie_stats.outcomes import (
    hosmer_lemeshow,
    linear,
    logistic,
    lr_test,
    ordinal_logistic,
)

# 267 dyads, 7 predictors: about 8-9 events per parameter, so FewEventsWarning is expected
# (asserted in test_few_events_warned); silenced elsewhere in this module.
pytestmark = pytest.mark.filterwarnings(
    "ignore::werkalliantie_stats.exceptions.FewEventsWarning")
ROOT = Path(__file__).resolve().parents[2]
SOURCE = Path(os.environ.get("WA_SYNTHETIC_DIR", ROOT / "data" / "synthetic"))
SUBSCALES = ["com", "bin", "ver", "str"]
COVARIATES = ["risk_baseline", "age", "prior_convictions"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    q = pd.read_csv(SOURCE / "questionnaires.csv", dtype={"dyad_id": str})
    s = pd.read_csv(SOURCE / "supervision.csv", dtype={"dyad_id": str})
    client = q[(q["rater"] == "client") & (q["wave"] == 1)].copy()
    for item in ("com4", "bin4", "ver4"):
        client[item] = 6 - client[item]
    means = pd.DataFrame({p: client[[f"{p}{i}" for i in range(1, 6)]].mean(axis=1)
                          for p in SUBSCALES})
    means["dyad_id"] = client["dyad_id"].to_numpy()
    merged = s.merge(means, on="dyad_id").sort_values("dyad_id").reset_index(drop=True)
    change = merged["risk_followup"] - merged["risk_baseline"]
    merged["risk_change3"] = np.where(change <= -3, "lower",
                                      np.where(change >= 3, "higher", "same"))
    return merged


@pytest.fixture(scope="module")
def ref() -> dict:
    return load("synthetic_models.json")


@pytest.mark.parametrize("outcome", ["dropout", "risk_increase"])
def test_binary_outcomes(frame, ref, outcome):
    r = ref[outcome]
    res = logistic(frame, outcome, SUBSCALES + COVARIATES, cluster="officer_id")
    assert res.n_obs == r["n"] and res.n_events == r["n_events"]
    np.testing.assert_allclose(res.table["estimate"], ref_vector(r["coef"]), rtol=1e-5)
    cov = ref_matrix(r["vcovCL_HC0"])
    np.testing.assert_allclose(res.cov.loc[cov.index, cov.index], cov, rtol=1e-4)
    np.testing.assert_allclose(res.auc, r["auc"], rtol=1e-10)
    np.testing.assert_allclose(res.auc_ci, r["auc_ci_delong"], rtol=1e-8)
    hl = hosmer_lemeshow(res.observed, res.fitted)
    np.testing.assert_allclose(hl.statistic, r["hosmer_lemeshow"]["statistic"], rtol=1e-6)
    hc1 = logistic(frame, outcome, SUBSCALES + COVARIATES, cluster="officer_id",
                   cluster_type="HC1")
    cov = ref_matrix(r["vcovCL_HC1"])
    np.testing.assert_allclose(hc1.cov.loc[cov.index, cov.index], cov, rtol=1e-4)


@pytest.mark.parametrize("outcome", ["dropout", "risk_increase"])
def test_profile_ci_and_block_lr_test(frame, ref, outcome):
    r = ref[outcome]
    full = logistic(frame, outcome, SUBSCALES + COVARIATES, ci="profile")
    limits = ref_matrix(r["confint_profile_exact"])
    np.testing.assert_allclose(full.table[["ci_lower", "ci_upper"]], limits, rtol=1e-5)
    reduced = logistic(frame.loc[full.observed.index], outcome, COVARIATES)
    test = lr_test(full, reduced)
    np.testing.assert_allclose(test.statistic, r["lrt_statistic"], rtol=1e-3)
    np.testing.assert_allclose(test.p_value, r["lrt_p"], rtol=1e-3)
    assert test.df == r["lrt_df"] == 4


def test_risk_followup_ancova(frame, ref):
    r = ref["risk_followup"]
    res = linear(frame, "risk_followup", ["risk_baseline", *SUBSCALES], cluster="officer_id")
    np.testing.assert_allclose(res.table["estimate"], ref_vector(r["coef"]), rtol=1e-5)
    cov = ref_matrix(r["vcovCL_HC1"])
    np.testing.assert_allclose(res.cov.loc[cov.index, cov.index], cov, rtol=1e-4)
    np.testing.assert_allclose(res.table["p_value"], ref_vector(r["cluster_p"]), rtol=1e-3)


def test_risk_change_ordinal(frame, ref):
    r = ref["risk_change3"]
    res = ordinal_logistic(frame, "risk_change3", ["risk_baseline", *SUBSCALES],
                           categories=["lower", "same", "higher"])
    np.testing.assert_allclose(res.table["estimate"], pd.Series(r["coef"]), rtol=1e-5)
    np.testing.assert_allclose(res.thresholds["estimate"], pd.Series(r["zeta"]), rtol=1e-5)
    np.testing.assert_allclose(res.loglik, r["loglik"], rtol=1e-10)
    ours = pd.concat([res.table["std_error"], res.thresholds["std_error"]])
    analytic = pd.Series(r["se_analytic"])
    np.testing.assert_allclose(ours, analytic[ours.index], rtol=1e-6)
    # polr's finite-difference Hessian is off by ~1e-4 for risk_baseline (scale ~35)
    polr = pd.Series(r["se"])
    np.testing.assert_allclose(ours, polr[ours.index], rtol=3e-4)


@pytest.mark.filterwarnings("default")
def test_few_events_warned(frame):
    with pytest.warns(FewEventsWarning, match="per parameter"):
        logistic(frame, "risk_increase", SUBSCALES + COVARIATES)
