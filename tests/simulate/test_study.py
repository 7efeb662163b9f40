"""simulate_study: the tables pass the Study validation and keep the truth."""

from __future__ import annotations

import pandas as pd
import pytest

from werkalliantie_stats.instrument import load_instrument
from werkalliantie_stats.simulate import simulate_study, simulate_tables
from werkalliantie_stats.study import Study


@pytest.fixture(scope="module")
def study():
    return simulate_study(n_dyads=267, seed=20)


def test_returns_a_validated_study_with_truth(study):
    assert isinstance(study, Study)
    assert study.n_dyads == 267
    assert study.truth["seed"] == 20 and study.truth["n_dyads"] == 267
    assert study.instrument == load_instrument()


def test_study_tables_hold_the_simulated_values(study):
    quest, sup, _ = simulate_tables(n_dyads=267, seed=20)
    ours = study.questionnaires
    pd.testing.assert_frame_equal(
        ours[quest.columns].reset_index(drop=True), quest.reset_index(drop=True),
        check_dtype=False)
    pd.testing.assert_frame_equal(study.supervision[sup.columns].reset_index(drop=True),
                                  sup.reset_index(drop=True), check_dtype=False)


def test_rows_are_already_in_canonical_order():
    quest, sup, _ = simulate_tables(n_dyads=90, seed=4)
    ordered = quest.sort_values(["dyad_id", "rater", "wave"], kind="stable")
    assert list(ordered.index) == list(quest.index)
    assert sup["dyad_id"].is_monotonic_increasing


def test_items_rekeyed_by_study(study):
    raw = study.questionnaires
    raw = raw[(raw["rater"] == "client") & (raw["wave"] == 1)].set_index("dyad_id")
    keyed = study.items(rater="client", wave=1)
    both = raw["com4"].notna()
    assert ((6 - raw.loc[both, "com4"]) == keyed.loc[raw.index[both], "com4"]).all()
    assert keyed["com4"].mean() > 3.3


def test_large_study_validates():
    assert simulate_study(n_dyads=3000, seed=1).n_dyads == 3000
