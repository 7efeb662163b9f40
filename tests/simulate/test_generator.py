"""simulate_tables: schema of DESIGN.md §3, reproducibility and consistency rules."""

from __future__ import annotations

import copy
import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.simulate import SimulationParameters, simulate_tables

ITEMS = [f"{p}{j}" for p in ("com", "bin", "ver", "str") for j in range(1, 6)]
QUESTIONNAIRE_COLUMNS = ["dyad_id", "client_id", "officer_id", "rater", "wave", *ITEMS]
SUPERVISION_COLUMNS = [
    "dyad_id", "client_id", "officer_id", "age", "gender", "prior_convictions",
    "substance_use", "risk_baseline", "officer_change", "planned_days", "dropout",
    "dropout_day", "rearrest", "rearrest_day", "event", "event_day", "risk_followup",
    "risk_increase",
]
INT_COLUMNS = ["age", "prior_convictions", "substance_use", "risk_baseline", "officer_change",
               "planned_days", "dropout", "rearrest", "event_day", "risk_followup",
               "risk_increase"]


@pytest.fixture(scope="module")
def study():
    quest, sup, truth, latent = simulate_tables(n_dyads=800, seed=11, return_latent=True)
    return quest, sup, truth, latent


def test_column_names_and_order(study):
    quest, sup, _, _ = study
    assert list(quest.columns) == QUESTIONNAIRE_COLUMNS
    assert list(sup.columns) == SUPERVISION_COLUMNS


def test_dtypes(study):
    quest, sup, _, _ = study
    for col in ITEMS:
        assert quest[col].dtype == pd.Int64Dtype()
    assert quest["wave"].dtype == np.int64
    for col in ("dyad_id", "client_id", "officer_id", "rater"):
        assert quest[col].map(type).eq(str).all()
    for col in INT_COLUMNS:
        assert sup[col].dtype == np.int64, col
    assert sup["dropout_day"].dtype == pd.Int64Dtype()
    assert sup["rearrest_day"].dtype == pd.Int64Dtype()
    assert sup["event"].map(type).eq(str).all()
    assert sup["gender"].map(type).eq(str).all()


def test_ids_are_zero_padded_and_keys_consistent(study):
    quest, sup, _, _ = study
    assert sup["dyad_id"].iloc[0] == "D0001" and sup["client_id"].iloc[0] == "C0001"
    assert sup["officer_id"].iloc[0] == "O001"
    assert sup["dyad_id"].is_unique and sup["client_id"].is_unique
    merged = quest.merge(sup[["dyad_id", "client_id", "officer_id"]], on="dyad_id",
                         suffixes=("", "_sup"))
    assert len(merged) == len(quest)
    assert (merged["client_id"] == merged["client_id_sup"]).all()
    assert (merged["officer_id"] == merged["officer_id_sup"]).all()
    assert not quest.duplicated(["dyad_id", "rater", "wave"]).any()


def test_value_ranges(study):
    quest, sup, _, _ = study
    items = quest[ITEMS].astype("float64")
    assert items.stack().between(1, 5).all()
    assert set(quest["rater"]) == {"client", "officer"}
    assert set(quest["wave"]) == {1, 2}
    assert set(sup["event"]) <= {"rearrest", "dropout", "none"}
    assert set(sup["gender"]) <= {"male", "female"}
    for col in ("substance_use", "officer_change", "dropout", "rearrest", "risk_increase"):
        assert set(sup[col]) <= {0, 1}, col
    assert sup["age"].between(18, 75).all()
    assert (sup["prior_convictions"] >= 0).all()
    assert sup["risk_baseline"].between(0, 95).all()
    assert sup["risk_followup"].between(0, 100).all()
    assert set(sup["planned_days"]) <= {365, 548, 730}


def test_item_missingness_is_a_few_percent(study):
    quest, _, truth, _ = study
    rate = quest[ITEMS].isna().to_numpy().mean()
    n_cells = quest[ITEMS].size
    se = np.sqrt(0.03 * 0.97 / n_cells)
    # MCAR at 3%: the realised share lies within 4 binomial SEs of the rate.
    assert abs(rate - truth["parameters"]["item_missing_rate"]) < 4 * se


def test_every_dyad_has_both_wave1_questionnaires(study):
    quest, sup, _, _ = study
    wave1 = quest[quest["wave"] == 1]
    assert len(wave1) == 2 * len(sup)
    assert set(wave1["dyad_id"]) == set(sup["dyad_id"])


def test_dropout_and_rearrest_days(study):
    _, sup, _, _ = study
    drop = sup["dropout"] == 1
    arrest = sup["rearrest"] == 1
    assert sup.loc[drop, "dropout_day"].notna().all()
    assert sup.loc[~drop, "dropout_day"].isna().all()
    assert sup.loc[arrest, "rearrest_day"].notna().all()
    assert sup.loc[~arrest, "rearrest_day"].isna().all()
    for col, flag in (("dropout_day", drop), ("rearrest_day", arrest)):
        day = sup.loc[flag, col].astype("int64")
        assert (day > 0).all() and (day <= sup.loc[flag, "planned_days"]).all()
    both = drop & arrest
    assert both.any()
    # Dropout ends follow-up for rearrest: an arrest is seen only before the dropout day.
    assert (sup.loc[both, "rearrest_day"] < sup.loc[both, "dropout_day"]).all()


def test_event_is_the_first_of_rearrest_and_dropout(study):
    _, sup, _, _ = study
    arrest = sup["rearrest"] == 1
    drop_only = (sup["dropout"] == 1) & ~arrest
    neither = (sup["dropout"] == 0) & ~arrest
    assert (sup.loc[arrest, "event"] == "rearrest").all()
    assert (sup.loc[arrest, "event_day"] == sup.loc[arrest, "rearrest_day"]).all()
    assert (sup.loc[drop_only, "event"] == "dropout").all()
    assert (sup.loc[drop_only, "event_day"] == sup.loc[drop_only, "dropout_day"]).all()
    assert (sup.loc[neither, "event"] == "none").all()
    assert (sup.loc[neither, "event_day"] == sup.loc[neither, "planned_days"]).all()
    assert (sup["event_day"] > 0).all()


def test_risk_increase_matches_followup(study):
    _, sup, _, _ = study
    rose = sup["risk_followup"] > sup["risk_baseline"]
    assert (rose.astype(int) == sup["risk_increase"]).all()


def test_wave2_missing_for_clients_who_dropped_out_before_it(study):
    quest, sup, _, latent = study
    wave2 = set(quest.loc[quest["wave"] == 2, "dyad_id"])
    day = sup.set_index("dyad_id")["dropout_day"]
    gone = day.notna() & (day.fillna(0).astype(int) <= latent["wave2_day"])
    assert gone.sum() > 0
    assert not (set(gone[gone].index) & wave2)
    stayed = set(gone[~gone].index)
    # Most dyads still in supervision answer at wave 2 (5% / 2% unit nonresponse).
    assert len(stayed & wave2) / len(stayed) > 0.9
    assert latent["wave2_day"].between(183, 274).all()


def test_officer_change_only_while_supervised(study):
    _, sup, _, latent = study
    change = (sup["officer_change"] == 1).to_numpy()
    # Scheduled for 20%, cancelled when the client dropped out before the change day.
    assert 0.10 < change.mean() < 0.25
    day = latent["officer_change_day"].to_numpy()
    assert np.isnan(day[~change]).all()
    assert (day[change] >= 30).all()
    assert (day[change] < latent["wave2_day"].to_numpy()[change]).all()
    dropout_day = sup["dropout_day"].astype("float64").fillna(np.inf).to_numpy()
    assert (dropout_day[change] > day[change]).all()


def test_reverse_worded_items_are_raw_reverse_keyed(study):
    quest, _, _, _ = study
    items = quest[quest["rater"] == "client"][ITEMS].astype("float64")
    for rev, other in (("com4", "com1"), ("bin4", "bin1"), ("ver4", "ver1")):
        assert items[rev].corr(items[other]) < -0.2
        assert items[rev].corr(6 - items[other]) > 0.2
        # Agreement-skewed: the raw reverse item has a low mean (keyed mean ~3.9).
        assert items[rev].mean() < 2.6


def test_officers_have_one_to_three_clients():
    _, sup, truth = simulate_tables(n_dyads=267, seed=3)
    sizes = sup.groupby("officer_id").size()
    assert sizes.between(1, 3).all()
    # Mean caseload 1.48 -> about 180 officers; 4 SE of the count is about 26.
    assert 155 <= sizes.size <= 205
    assert truth["sample"]["n_officers"] == sizes.size


def test_same_seed_gives_identical_tables():
    first = simulate_tables(n_dyads=120, seed=42)
    second = simulate_tables(n_dyads=120, seed=42)
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])
    assert json.dumps(first[2]) == json.dumps(second[2])


def test_different_seeds_differ():
    a = simulate_tables(n_dyads=120, seed=1)
    b = simulate_tables(n_dyads=120, seed=2)
    assert not a[0].equals(b[0])
    assert not a[1].equals(b[1])


def test_seed_none_is_recorded_and_reproducible():
    quest, sup, truth = simulate_tables(n_dyads=60)
    again = simulate_tables(n_dyads=60, seed=truth["seed"])
    pd.testing.assert_frame_equal(quest, again[0])
    pd.testing.assert_frame_equal(sup, again[1])


def test_generator_seed_is_accepted():
    quest, _, truth = simulate_tables(n_dyads=30, seed=np.random.default_rng(5))
    again = simulate_tables(n_dyads=30, seed=truth["seed"])
    pd.testing.assert_frame_equal(quest, again[0])


def test_params_are_not_modified():
    params = dataclasses.replace(SimulationParameters(), officer_icc=0.2)
    before = copy.deepcopy(params.to_dict())
    simulate_tables(n_dyads=50, seed=1, params=params)
    assert params.to_dict() == before


def test_truth_is_json_serialisable_and_complete(study):
    _, _, truth, _ = study
    text = json.dumps(truth)
    back = json.loads(text)
    assert back["n_dyads"] == 800 and back["seed"] == 11
    assert back["reverse_items"] == ["com4", "bin4", "ver4"]
    params = back["parameters"]
    assert len(params["loadings_client"]) == 20 and len(params["thresholds"]) == 20
    pop = back["population"]
    for key in ("item_means_keyed", "item_means_raw", "score_client_officer_correlation",
                "cronbach_alpha", "dropout_rate", "rearrest_hazard_ratio",
                "latent_factor_correlation_within_rater"):
        assert key in pop
    assert pop["rearrest_hazard_ratio"]["vertrouwen"] == pytest.approx(0.78)
    assert pop["dropout_odds_ratio"]["positive"] == pytest.approx(0.67)
    assert pop["item_means_raw"]["client"]["com4"] == pytest.approx(
        6 - pop["item_means_keyed"]["client"]["com4"])


def test_latent_frame(study):
    _, sup, _, latent = study
    assert list(latent.index) == list(sup["dyad_id"])
    assert "vertrouwen" in "".join(latent.columns)
    assert latent["dyad_vertrouwen"].std() == pytest.approx(1, abs=0.1)


@pytest.mark.parametrize(("kwargs", "error", "fragment"), [
    ({"n_dyads": 0}, ValueError, "n_dyads"),
    ({"n_dyads": 2.5}, TypeError, "n_dyads"),
    ({"n_dyads": True}, TypeError, "n_dyads"),
    ({"seed": "abc"}, TypeError, "seed"),
    ({"seed": -1}, ValueError, "seed"),
    ({"params": {"officer_icc": 0.1}}, TypeError, "params"),
    ({"return_latent": "yes"}, TypeError, "return_latent"),
])
def test_bad_arguments(kwargs, error, fragment):
    with pytest.raises(error, match=f"simulate_tables: `{fragment}`"):
        simulate_tables(**kwargs)


def test_one_dyad_works():
    quest, sup, _ = simulate_tables(n_dyads=1, seed=0)
    assert len(sup) == 1 and len(quest) >= 2


def test_truth_floats_are_portable(study):
    _, _, truth, _ = study

    def floats(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from floats(v)
        elif isinstance(value, list):
            for v in value:
                yield from floats(v)
        elif isinstance(value, float):
            yield value

    values = list(floats(truth))
    assert len(values) > 300
    assert all(float(f"{v:.12g}") == v for v in values)
    params = SimulationParameters().to_dict()
    assert truth["parameters"]["dropout_effects"]["positive"] == pytest.approx(
        params["dropout_effects"]["positive"], rel=1e-11)
    assert truth["parameters"]["thresholds"] == params["thresholds"]
