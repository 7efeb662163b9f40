"""read_study: each defect of DESIGN.md §3/§7 is rejected with a message naming it."""

import numpy as np
import pandas as pd
import pytest

import werkalliantie_stats as ws
from werkalliantie_stats.exceptions import StudyValidationError


def problems_of(q, s=None, **kwargs):
    with pytest.raises(StudyValidationError) as info:
        ws.read_study(q, s, **kwargs)
    return "\n".join(info.value.problems)


def test_valid_tables_are_read_and_normalised(tables):
    q, s = tables
    study = ws.read_study(q, s)
    assert study.n_dyads == 4 and study.n_officers == 3
    assert study.questionnaires["com1"].dtype == "Int64"
    assert study.questionnaires["wave"].dtype == "int64"
    assert study.supervision["dropout"].dtype == "Int64"
    assert study.supervision["risk_baseline"].dtype == "float64"


def test_inputs_are_not_modified(tables):
    q, s = tables
    q_before, s_before = q.copy(), s.copy()
    ws.read_study(q.rename(columns={"dyad_id": "paar"}), s, mapping={"paar": "dyad_id"})
    ws.read_study(q, s)
    pd.testing.assert_frame_equal(q, q_before)
    pd.testing.assert_frame_equal(s, s_before)


def test_missing_required_column_is_named(tables):
    q, s = tables
    text = problems_of(q.drop(columns=["ver3"]), s)
    assert "required column(s) ['ver3'] are missing" in text


def test_likert_code_out_of_range_names_item_rows_and_example(tables):
    q, s = tables
    q.loc[[1, 4], "bin2"] = [7, 0]
    text = problems_of(q, s)
    assert "item 'bin2' has codes outside the scale 1..5" in text
    assert "2 rows (data rows 2, 5)" in text and "e.g. 7" in text


def test_fractional_code_is_out_of_range(tables):
    q, s = tables
    q["str1"] = q["str1"].astype(float)
    q.loc[0, "str1"] = 3.5
    assert "item 'str1' has codes outside the scale" in problems_of(q, s)


def test_non_numeric_code_is_named(tables):
    q, s = tables
    q["com3"] = q["com3"].astype(object)
    q.loc[2, "com3"] = "eens"
    text = problems_of(q, s)
    assert "column 'com3' has non-numeric values in 1 row (data row 3), e.g. 'eens'" in text


def test_duplicate_questionnaire_is_rejected(tables):
    q, s = tables
    q = pd.concat([q, q.iloc[[0]]], ignore_index=True)
    text = problems_of(q, s)
    assert "duplicate questionnaires (same dyad_id, rater, wave)" in text
    assert "['D1', 'client', '1']" in text


def test_questionnaire_without_supervision_row(tables):
    q, s = tables
    text = problems_of(q, s[s["dyad_id"] != "D3"])
    assert "dyad_id without a row in supervision" in text and "'D3'" in text


def test_officer_ids_inconsistent_between_tables(tables):
    q, s = tables
    s.loc[s["dyad_id"] == "D4", "officer_id"] = "O9"
    text = problems_of(q, s)
    assert "officer_id disagrees with supervision (DataFrame) for the same dyad" in text
    assert "'O3' vs 'O9'" in text


def test_negative_day_is_rejected(tables):
    q, s = tables
    s.loc[1, ["dropout_day", "event_day"]] = -5
    assert "column 'dropout_day' must be a positive number of days" in problems_of(q, s)


def test_event_after_end_of_supervision_is_rejected(tables):
    q, s = tables
    s.loc[0, ["rearrest_day", "event_day"]] = 800
    text = problems_of(q, s)
    assert "column 'rearrest_day' is after the end of supervision (planned_days)" in text
    assert "800 > 730" in text


def test_event_inconsistent_with_flags(tables):
    q, s = tables
    s.loc[1, "event"] = "none"
    text = problems_of(q, s)
    assert "column 'event' disagrees with the dropout/rearrest columns" in text
    assert "'dropout' was expected" in text


def test_event_day_inconsistent_with_flags(tables):
    q, s = tables
    s.loc[0, "event_day"] = 150
    assert "'event_day' disagrees with the day of the first event" in problems_of(q, s)


def test_rearrest_after_dropout_is_rejected(tables):
    q, s = tables
    s.loc[3, ["rearrest_day"]] = 320
    assert "rearrest after dropout" in problems_of(q, s)


def test_unknown_event_code_and_binary_code(tables):
    q, s = tables
    s.loc[2, "event"] = "arrest"
    s.loc[0, "dropout"] = 2
    text = problems_of(q, s)
    assert "column 'event' must be one of ['rearrest', 'dropout', 'none']" in text
    assert "column 'dropout' must be 0 or 1" in text


def test_bad_rater_and_wave_and_rater_codes(tables):
    q, s = tables
    q.loc[0, "wave"] = 3
    q["rater"] = q["rater"].map({"client": "C", "officer": "W"})
    text = problems_of(q, s)
    assert "column 'rater' must be one of ['client', 'officer']" in text
    assert "column 'wave' must be 1 or 2" in text
    q.loc[0, "wave"] = 1
    study = ws.read_study(q, s, rater_codes={"C": "client", "W": "officer"})
    assert set(study.questionnaires["rater"]) == {"client", "officer"}


def test_all_problems_are_reported_together(tables):
    q, s = tables
    q.loc[0, "com1"] = 9
    s.loc[1, "dropout_day"] = 0
    with pytest.raises(StudyValidationError) as info:
        ws.read_study(q, s)
    assert len(info.value.problems) >= 2
    assert str(info.value).startswith("read_study: the data have")


def test_unknown_file_type_and_missing_file(tmp_path, tables):
    q, _ = tables
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ws.read_study(tmp_path / "nope.csv")
    bad = tmp_path / "data.json"
    bad.write_text("{}")
    with pytest.raises(ValueError, match=r"unknown extension '\.json'"):
        ws.read_study(bad)
    with pytest.raises(TypeError, match="must be a file path or a DataFrame"):
        ws.read_study(q.to_dict())


def test_semicolon_csv_and_missing_cells(tmp_path, tables):
    q, s = tables
    q.loc[0, "com2"] = np.nan
    q.to_csv(tmp_path / "q.csv", sep=";", index=False)
    s.to_csv(tmp_path / "s.csv", index=False)
    study = ws.read_study(tmp_path / "q.csv", tmp_path / "s.csv")
    assert study.questionnaires["com2"].isna().sum() == 1
    assert study.source["questionnaires"] == "q.csv"
    assert len(study.source["questionnaires_sha256"]) == 64


def test_items_rekeys_reverse_items_and_leaves_study_alone(tables):
    q, s = tables
    study = ws.read_study(q, s)
    raw = study.questionnaires.query("rater == 'client' and wave == 1").set_index("dyad_id")
    x = study.items("client", 1)
    assert list(x.index) == ["D1", "D2", "D3", "D4"]
    np.testing.assert_array_equal(x["com4"], 6 - raw["com4"].astype(float))
    np.testing.assert_array_equal(x["com3"], raw["com3"].astype(float))
    x.iloc[0, 0] = 99
    assert study.questionnaires["com1"].max() <= 5
    with pytest.raises(ValueError, match="rater must be one of"):
        study.items("judge", 1)
    with pytest.raises(ValueError, match="wave must be one of"):
        study.items("client", 3)


def test_paired_items_layouts(tables):
    q, s = tables
    study = ws.read_study(q, s)
    by_rater = study.paired_items("rater", wave=1)
    assert list(by_rater.columns[:3]) == ["com1_client", "com1_officer", "com2_client"]
    assert len(by_rater) == 4
    by_wave = study.paired_items("wave", rater="officer")
    assert list(by_wave.index) == ["D1"] and "str5_w2" in by_wave.columns
