"""coverage_study, its targets and the Monte Carlo summaries."""

from __future__ import annotations

import numpy as np
import pytest

from werkalliantie_stats.planning import coverage_study
from werkalliantie_stats.planning.montecarlo import bias, coverage, mean_with_se, proportion, rmse
from werkalliantie_stats.planning.targets import population_targets
from werkalliantie_stats.simulate import SimulationParameters, simulate_tables


def test_targets_are_the_truth_values():
    targets = population_targets(SimulationParameters(), fine_gray_n=0).set_index(
        ["analysis", "term"])["target"]
    _, _, truth = simulate_tables(30, seed=1)
    pop = truth["population"]
    assert targets[("alpha", "client:stroefheid")] == pytest.approx(
        pop["cronbach_alpha"]["client"]["stroefheid"], rel=1e-10)
    assert np.exp(targets[("rearrest_cs_latent", "vertrouwen")]) == pytest.approx(
        pop["rearrest_hazard_ratio"]["vertrouwen"], rel=1e-10)
    assert np.exp(targets[("dropout", "positive")]) == pytest.approx(0.67, rel=1e-10)
    # omega_total of a congeneric one-factor population is at least alpha
    om, al = targets[("omega", "client:binding")], targets[("alpha", "client:binding")]
    assert al <= om < al + 0.01


def test_coverage_study_reports_every_metric():
    res = coverage_study(reps=4, n_dyads=100, seed=2, analyses=["alpha", "dropout"],
                         progress=False)
    t = res.table.set_index(["analysis", "term"])
    assert {"dropout", "dropout_latent", "alpha"} <= set(res.table["analysis"])
    row = t.loc[("dropout_latent", "positive")]
    reps = res.replications
    est = reps[(reps["analysis"] == "dropout_latent") & (reps["term"] == "positive")]
    assert row["bias"] == pytest.approx(est["estimate"].mean() - np.log(0.67))
    inside = (est["ci_lower"] <= np.log(0.67)) & (np.log(0.67) <= est["ci_upper"])
    assert row["coverage"] == pytest.approx(inside.mean())
    assert row["reps"] == 4 and "Coverage and recovery" in res.summary()


def test_coverage_study_rejects_unknown_analysis():
    with pytest.raises(ValueError, match=r"coverage_study: `analyses` must be among .* 'cfa'"):
        coverage_study(reps=2, analyses=["cfa"], progress=False)


def test_monte_carlo_standard_errors():
    x = np.array([1.0, 2.0, 4.0, 5.0])
    assert mean_with_se(x) == pytest.approx((3.0, np.std(x, ddof=1) / 2))
    assert bias(x, 2.0) == pytest.approx((1.0, np.std(x, ddof=1) / 2))
    value, se = rmse(x, 2.0)
    sq = (x - 2.0) ** 2
    assert value == pytest.approx(np.sqrt(sq.mean()))
    assert se == pytest.approx(np.sqrt(sq.var(ddof=1) / 4) / (2 * value))
    assert proportion([True, False, False, False]) == pytest.approx((0.25, np.sqrt(.25 * .75 / 4)))
    assert coverage([0, 0, 3], [1, 4, 5], 2.0)[0] == pytest.approx(1 / 3)
