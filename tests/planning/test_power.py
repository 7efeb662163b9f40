"""power(): null rejection rate, monotone power, CI widths, smallest n, input errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.planning import power
from werkalliantie_stats.planning.power import smallest_n


def test_null_effect_rejects_at_about_alpha():
    res = power("dropout", n_dyads=[100], effect=1.0, reps=100, seed=3, progress=False)
    row = res.table.iloc[0]
    assert row["reps"] == 100 and row["effect"] == 1.0
    se = np.sqrt(0.05 * 0.95 / 100)
    assert row["power"] <= 0.05 + 3.5 * se
    assert np.isclose(row["mc_se"], np.sqrt(row["power"] * (1 - row["power"]) / 100))


def test_power_increases_with_n():
    res = power("dropout", n_dyads=[50, 400], effect=0.45, reps=12, seed=4, progress=False)
    p = res.table.set_index("n_dyads")["power"]
    se = res.table.set_index("n_dyads")["mc_se"]
    assert p[400] > p[50] + 2 * np.hypot(se[400], se[50])
    assert p[400] >= 0.9


def test_reliability_ci_width_shrinks_as_one_over_root_n():
    res = power("reliability", n_dyads=[100, 400], reps=6, seed=5, progress=False)
    t = res.table[res.table["term"] == "client:binding"].set_index("n_dyads")
    ratio = t.loc[100, "ci_width"] / t.loc[400, "ci_width"]
    assert 1.75 < ratio < 2.3  # Feldt width is ~ (1 - alpha) / sqrt(n)
    reps = res.replications
    one = reps[(reps["term"] == "client:binding") & (reps["cell"] == 0)]
    assert np.isclose(t.loc[100, "ci_width"], (one["ci_upper"] - one["ci_lower"]).mean())
    assert t["power"].isna().all()


def test_table_reports_odds_ratio_scale_and_default_effect():
    res = power("risk", n_dyads=[80], reps=3, seed=6, progress=False)
    row = res.table.iloc[0]
    assert row["term"] == "positive" and np.isclose(row["effect"], 0.8)
    reps = res.replications[res.replications["analysis"] == "risk"]
    est = reps.loc[reps["term"] == "positive", "estimate"]
    assert np.isclose(row["mean_estimate"], np.exp(est.mean()))
    assert "Monte Carlo power" in res.summary() and res.to_frame() is res.table


def test_smallest_n_interpolates_between_bracketing_sizes():
    table = pd.DataFrame({"analysis": "dropout", "term": "positive", "clients_per_officer": 1.5,
                          "effect": 0.67, "n_dyads": [100, 200, 300],
                          "power": [0.5, 0.7, 0.9]})
    out = smallest_n(table, 0.8).iloc[0]
    assert out["status"] == "interpolated" and out["n_required"] == 250
    assert smallest_n(table, 0.4).iloc[0]["status"] == "at or below smallest n"
    none = smallest_n(table, 0.95).iloc[0]
    assert none["status"] == "not reached" and np.isnan(none["n_required"])
    table.loc[1, "power"] = 0.73
    assert smallest_n(table, 0.8).iloc[0]["n_required"] == np.ceil(200 + 0.07 / 0.17 * 100)


@pytest.mark.parametrize("kwargs, message", [
    ({"outcome": "arrests"}, r"power: `outcome` must be one or more of .* got 'arrests'"),
    ({"n_dyads": [10]}, r"power: `n_dyads` must be whole numbers >= 20, got 10"),
    ({"effect": -1.0}, r"power: `effect` must be positive .* got -1.0"),
    ({"outcome": "reliability", "effect": 0.5}, r"`effect` applies to dropout"),
    ({"reps": 1}, r"power: `reps` must be a whole number >= 2, got 1"),
    ({"seed": None}, r"power: `seed` must be a non-negative int"),
    ({"backend": "spark"}, r"power: `backend` must be one of .* got 'spark'"),
    ({"backend": "dask"}, r"backend='dask' needs `scheduler`"),
    ({"alpha": 1.5}, r"power: `alpha` must be in \(0, 1\), got 1.5"),
    ({"clients_per_officer": "two"}, r"`clients_per_officer` must be .* got 'two'"),
    ({"clients_per_officer": (0.5, 0.6)}, r"`clients_per_officer` must be .* \(0.5, 0.6\)"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        power(**{"reps": 2, "n_dyads": [50], "progress": False, **kwargs})


def test_params_type_is_checked():
    with pytest.raises(TypeError, match="power: `params` must be a SimulationParameters, got dict"):
        power(params={}, reps=2, progress=False)


def test_clients_per_officer_sets_caseload():
    res = power("dropout", n_dyads=[60], clients_per_officer=2, reps=2, seed=1, progress=False)
    assert res.table["clients_per_officer"].iloc[0] == 2.0
    res = power("dropout", n_dyads=[60], clients_per_officer=(0.5, 0.5), reps=2, seed=1,
                progress=False)
    assert res.table["clients_per_officer"].iloc[0] == 1.5
