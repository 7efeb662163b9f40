"""Cox models checked against R survival 3.5-3 (fixtures from make_survival_fixtures.R).

Tolerances (brief): estimates 1e-5 relative, SEs 1e-4, tests 1e-3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from survival_frames import heart_frame, mgus2_frame, read_reference_json, rossi_frame

import werkalliantie_stats.outcomes as wo

REF = read_reference_json("outcomes/survival/cox.json")
ROSSI7 = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


def _models(rossi, heart, mgus2):
    m = mgus2.assign(cause1=(mgus2["event"] == 1).astype(int))
    return {
        # coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio)
        "rossi": lambda: wo.cox(rossi, "week", "arrest", ROSSI7),
        # ... cluster = cl
        "rossi_cluster": lambda: wo.cox(rossi, "week", "arrest", ROSSI7, cluster="cl"),
        # coxph(Surv(week, arrest) ~ fin + age + prio, weights = w)  (robust by default)
        "rossi_weights": lambda: wo.cox(rossi, "week", "arrest", ["fin", "age", "prio"],
                                        weights="w"),
        # coxph(Surv(week, arrest) ~ fin + age + prio + strata(race))
        "rossi_strata": lambda: wo.cox(rossi, "week", "arrest", ["fin", "age", "prio"],
                                       strata="race"),
        "rossi_strata_cluster": lambda: wo.cox(rossi, "week", "arrest", ["fin", "age", "prio"],
                                               strata="race", cluster="cl"),
        # coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, cluster = id)
        "heart_cluster": lambda: wo.cox(heart, "stop", "event",
                                        ["age", "year", "surgery", "transplant"],
                                        entry="start", cluster="id"),
        # coxph(Surv(etime, event == 1) ~ age + male)
        "mgus2_cause1": lambda: wo.cox(m, "etime", "cause1", ["age", "male"]),
        # coxph(..., weights = w, cluster = cl, ties = "breslow")
        "rossi_breslow_weights": lambda: wo.cox(rossi, "week", "arrest", ["fin", "age", "prio"],
                                                weights="w", cluster="cl", ties="breslow"),
    }


@pytest.fixture(scope="module")
def fits():
    models = _models(rossi_frame(), heart_frame(), mgus2_frame())
    return {name: make() for name, make in models.items()}


@pytest.mark.parametrize("name", list(REF.keys() - {"_generated_by"}))
def test_coefficients_and_ses(fits, name):
    fit, ref = fits[name], REF[name]
    tab = pd.DataFrame(ref["table"]).set_index("term")
    np.testing.assert_allclose(fit.table["estimate"], tab["estimate"], rtol=1e-5)
    np.testing.assert_allclose(fit.table["std_error"], tab["se"], rtol=1e-4)
    if fit.robust:
        np.testing.assert_allclose(fit.table["robust_se"], tab["robust_se"].astype(float),
                                   rtol=1e-4)
    else:
        assert tab["robust_se"].isna().all() and fit.table["robust_se"].isna().all()
    np.testing.assert_allclose(fit.table["statistic"], tab["statistic"], rtol=1e-4)
    np.testing.assert_allclose(fit.table["p_value"], tab["p_value"], rtol=1e-3)
    np.testing.assert_allclose(fit.table["hr_ci_lower"], tab["hr_ci_lower"], rtol=1e-4)
    np.testing.assert_allclose(fit.table["hr_ci_upper"], tab["hr_ci_upper"], rtol=1e-4)


@pytest.mark.parametrize("name", list(REF.keys() - {"_generated_by"}))
def test_likelihood_and_tests(fits, name):
    fit, ref = fits[name], REF[name]
    assert fit.n == ref["n"] and fit.n_events == ref["nevent"]
    np.testing.assert_allclose([fit.loglik_null, fit.loglik],
                               [ref["loglik_null"], ref["loglik"]], rtol=1e-8)
    t = fit.tests
    np.testing.assert_allclose(t.at["likelihood_ratio", "statistic"], ref["lrt"], rtol=1e-3)
    np.testing.assert_allclose(t.at["likelihood_ratio", "p_value"], ref["lrt_p"], rtol=1e-3)
    np.testing.assert_allclose(t.at["wald", "statistic"], ref["wald"], rtol=1e-3)
    np.testing.assert_allclose(t.at["score", "statistic"], ref["score"], rtol=1e-3)
    np.testing.assert_allclose(t.at["score", "p_value"], ref["score_p"], rtol=1e-3)
    if ref["robust_score"] is None:
        assert np.isnan(t.at["robust_score", "statistic"])
    else:
        np.testing.assert_allclose(t.at["robust_score", "statistic"], ref["robust_score"],
                                   rtol=1e-3)
        np.testing.assert_allclose(t.at["robust_score", "p_value"], ref["robust_score_p"],
                                   rtol=1e-3)


@pytest.mark.parametrize("name", list(REF.keys() - {"_generated_by"}))
def test_concordance(fits, name):
    fit, ref = fits[name], REF[name]
    np.testing.assert_allclose(fit.concordance, ref["concordance"], rtol=1e-6)
    np.testing.assert_allclose(fit.concordance_se, ref["concordance_se"], rtol=1e-4)


def test_robust_flag_follows_r(fits):
    assert not fits["rossi"].robust
    assert fits["rossi_cluster"].robust
    assert fits["rossi_weights"].robust   # non-integer weights: R turns robust on


def test_summary_mentions_concordance_and_tests(fits):
    text = fits["rossi_cluster"].summary()
    assert "Concordance = 0.640" in text
    assert "Robust score test" in text
    assert "prio" in fits["rossi_cluster"]._repr_html_()
    assert list(fits["rossi"].to_frame().columns[:7]) == [
        "term", "estimate", "std_error", "robust_se", "statistic", "p_value", "ci_lower"]
