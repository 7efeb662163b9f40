"""Planning pieces against R (tests/reference/planning/make_planning_reference.R).

The per-replication fits are compared with R's glm + sandwich::vcovCL, coxph(cluster=)
and finegray + coxph on the analysis frames of three simulated replications; exact
intervals with binom.test; the smallest-n interpolation with approx().
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reference_io import read_reference_csv, read_reference_json

from werkalliantie_stats.planning import analyses
from werkalliantie_stats.planning.montecarlo import exact_interval
from werkalliantie_stats.planning.power import smallest_n
from werkalliantie_stats.simulate import simulate_tables

REF = read_reference_json("planning/planning_reference.json")
FRAMES = read_reference_csv("planning/replication_frames.csv")
FITS = {"dropout": analyses._dropout, "risk": analyses._risk,
        "rearrest_cs": analyses._rearrest_cs, "rearrest_fg": analyses._rearrest_fg}


# Replication 0 has a censored row with a missing predictor: it is dropped from the fit but,
# as in R's finegray (na.action = na.pass), still counts in the censoring KM.
CASES = [(name, rep) for name in FITS for rep in (0, 1, 2)]


@pytest.mark.parametrize(("name", "rep"), CASES)
def test_replication_fits_match_r(name, rep):
    frame = FRAMES[FRAMES["rep"] == rep].drop(columns="rep").reset_index(drop=True)
    frame["officer_id"] = frame["officer_id"].astype(str)
    ours = pd.DataFrame(FITS[name](frame)).set_index("term")
    r = pd.DataFrame(REF["replications"][rep][name]).set_index("term")
    assert list(ours.index) == list(r.index)
    assert not ours["failed"].any()
    np.testing.assert_allclose(ours["estimate"], r["estimate"], rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(ours["std_error"], r["std_error"], rtol=1e-3)
    np.testing.assert_allclose(ours["p_value"], r["p_value"], rtol=1e-3, atol=1e-6)


def test_committed_frames_are_what_the_pipeline_builds():
    """The frames R saw are exactly what a replication builds from the same seeds."""
    for rep, child in enumerate(np.random.SeedSequence(267).spawn(3)):
        quest, sup, _ = simulate_tables(150, seed=np.random.default_rng(child))
        ours = analyses.observed_frame(quest, sup)
        ref = FRAMES[FRAMES["rep"] == rep].drop(columns="rep").reset_index(drop=True)
        for col in ("positive", "vertrouwen", "prior_convictions", "age"):
            np.testing.assert_allclose(ours[col], ref[col], rtol=1e-12)
        assert (ours["event"].to_numpy() == ref["event"].to_numpy()).all()


@pytest.mark.parametrize("case", REF["exact"], ids=lambda c: f"{c['x']}/{c['n']}")
def test_exact_interval_matches_binom_test(case):
    lower, upper = exact_interval(case["x"], case["n"])
    assert lower == pytest.approx(case["lower"], rel=1e-8, abs=1e-12)
    assert upper == pytest.approx(case["upper"], rel=1e-8)


def test_smallest_n_matches_approx():
    c = REF["curve"]
    table = pd.DataFrame({"analysis": "rearrest_cs", "term": "vertrouwen",
                          "clients_per_officer": 1.48, "effect": 0.78, "n_dyads": c["n"],
                          "power": c["power"]})
    assert smallest_n(table, c["target"]).iloc[0]["n_required"] == c["n_required"]
