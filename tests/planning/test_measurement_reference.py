"""CFA-fit and invariance rows of a replication against lavaan
(tests/reference/planning/make_measurement_reference.R).

lavaan 0.6.14 fitted the four-factor WLSMV model and the configural/metric/scalar
sequence (lavTestLRT) on the item data of three replications of ``power(seed=2024)``
at n = 150 (tests/reference/planning/measurement_frames.csv, written by
make_measurement_frames.py). The frames are regenerated here from the same seeds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from reference_io import read_reference_csv, read_reference_json

from werkalliantie_stats.planning.cfa_analyses import cfa_fit_rows, invariance_rows
from werkalliantie_stats.simulate import simulate_tables

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reference" / "planning"))
from make_measurement_frames import frames_of

REF = read_reference_json("planning/measurement_reference.json")
FRAMES = read_reference_csv("planning/measurement_frames.csv")
SEEDS = np.random.SeedSequence(2024).spawn(3)


@pytest.fixture(scope="module")
def quests():
    return [simulate_tables(150, seed=np.random.default_rng(s))[0] for s in SEEDS]


@pytest.mark.parametrize("rep", [0, 1, 2])
def test_committed_frames_are_what_a_replication_fits(quests, rep):
    ours = frames_of(quests[rep])
    ref = FRAMES[FRAMES["rep"] == rep].drop(columns="rep").reset_index(drop=True)
    pd.testing.assert_frame_equal(ours.reset_index(drop=True), ref, check_dtype=False)


@pytest.mark.parametrize("rep", [0, 1, 2])
def test_cfa_fit_rows_match_lavaan(quests, rep):
    r = REF["replications"][rep]["cfa_fit"]
    ours = pd.DataFrame(cfa_fit_rows(quests[rep], "client")).set_index("term")
    assert ours.loc["client:cfi_scaled", "estimate"] == pytest.approx(r["cfi.scaled"], abs=1e-3)
    assert ours.loc["client:rmsea_scaled", "estimate"] == pytest.approx(r["rmsea.scaled"],
                                                                        abs=1e-3)
    assert ours.loc["client:chisq_scaled", "estimate"] == pytest.approx(r["chisq.scaled"],
                                                                        rel=1e-3)
    assert ours.loc["client:chisq_scaled", "p_value"] == pytest.approx(r["pvalue.scaled"],
                                                                       abs=1e-3)


@pytest.mark.parametrize("rep", [0, 1, 2])
def test_invariance_rows_match_lavtestlrt(quests, rep):
    r = REF["replications"][rep]["invariance"]
    ours = pd.DataFrame(invariance_rows(quests[rep])).set_index("term")
    for k, step in enumerate(r["step"]):
        row = ours.loc[f"{step}:chisq_diff"]
        assert row["estimate"] == pytest.approx(r["chisq_diff"][k], rel=1e-3)
        assert row["p_value"] == pytest.approx(r["pvalue_diff"][k], abs=1e-3)
        assert ours.loc[f"{step}:delta_cfi_scaled", "estimate"] == pytest.approx(
            r["delta_cfi_scaled"][k], abs=1e-3)
