"""Property tests: the table rules hold for any size, seed and valid parameter change."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkalliantie_stats.simulate import SimulationParameters, simulate_tables

ITEMS = [f"{p}{j}" for p in ("com", "bin", "ver", "str") for j in range(1, 6)]

changes = st.fixed_dictionaries({
    "officer_icc": st.floats(0.0, 0.3),
    "item_missing_rate": st.floats(0.0, 0.3),
    "stability": st.floats(-0.5, 0.95),
    "officer_change_probability": st.floats(0.0, 0.9),
    "dropout_intercept": st.floats(-4.0, 2.0),
    "rearrest_log_scale": st.floats(-9.0, -3.0),
    "rearrest_weibull_shape": st.floats(0.5, 2.0),
    "officer_sizes": st.sampled_from([(1.0,), (0.62, 0.28, 0.10), (0.2, 0.2, 0.2, 0.4)]),
})


def _check_rules(quest: pd.DataFrame, sup: pd.DataFrame, n: int) -> None:
    assert len(sup) == n and sup["dyad_id"].is_unique
    items = quest[ITEMS].astype("float64").to_numpy()
    present = items[~np.isnan(items)]
    assert np.all((present >= 1) & (present <= 5) & (present % 1 == 0))
    assert not quest.duplicated(["dyad_id", "rater", "wave"]).any()
    assert set(quest["dyad_id"]) <= set(sup["dyad_id"])
    planned = sup["planned_days"].to_numpy()
    drop, arrest = sup["dropout"].to_numpy() == 1, sup["rearrest"].to_numpy() == 1
    d_day = sup["dropout_day"].astype("float64").to_numpy()
    r_day = sup["rearrest_day"].astype("float64").to_numpy()
    assert np.isnan(d_day[~drop]).all() and np.isnan(r_day[~arrest]).all()
    assert np.all((d_day[drop] > 0) & (d_day[drop] <= planned[drop]))
    assert np.all((r_day[arrest] > 0) & (r_day[arrest] <= planned[arrest]))
    both = drop & arrest
    assert np.all(r_day[both] < d_day[both])
    expected = np.where(arrest, "rearrest", np.where(drop, "dropout", "none"))
    assert (sup["event"].to_numpy() == expected).all()
    day = np.where(arrest, r_day, np.where(drop, d_day, planned))
    assert (sup["event_day"].to_numpy() == day).all()
    rose = sup["risk_followup"] > sup["risk_baseline"]
    assert (rose.astype(int) == sup["risk_increase"]).all()
    wave2 = set(quest.loc[quest["wave"] == 2, "dyad_id"])
    assert set(sup.loc[drop & (d_day <= 183), "dyad_id"]).isdisjoint(wave2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 80), seed=st.integers(0, 2**32 - 1), change=changes)
def test_rules_hold_for_any_valid_parameters(n, seed, change):
    params = dataclasses.replace(SimulationParameters(), **change)
    quest, sup, truth = simulate_tables(n_dyads=n, seed=seed, params=params)
    _check_rules(quest, sup, n)
    sizes = sup.groupby("officer_id").size()
    assert sizes.max() <= len(change["officer_sizes"])
    assert truth["n_dyads"] == n and truth["seed"] == seed
    if change["item_missing_rate"] == 0:
        assert not quest[ITEMS].isna().any().any()
