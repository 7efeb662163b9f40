"""The synthetic study reads identically from CSV, Excel, SPSS and Parquet."""

import pandas as pd
import pytest

import werkalliantie_stats as ws


@pytest.fixture(scope="module")
def synthetic():
    return ws.load_synthetic()


def _write(frame: pd.DataFrame, path, kind):
    if kind == "xlsx":
        frame.to_excel(path, index=False)
    elif kind == "parquet":
        frame.to_parquet(path, index=False)
    elif kind == "sav":
        import pyreadstat

        labelled = frame.copy()
        value_labels = {}
        if "rater" in labelled.columns:
            labelled["rater"] = labelled["rater"].map({"client": 1, "officer": 2})
            value_labels["rater"] = {1: "client", 2: "officer"}
        if "event" in labelled.columns:
            codes = {"none": 0, "rearrest": 1, "dropout": 2}
            labelled["event"] = labelled["event"].map(codes)
            value_labels["event"] = {v: k for k, v in codes.items()}
        for column in labelled.columns:
            if str(labelled[column].dtype) in ("Int64", "boolean"):
                labelled[column] = labelled[column].astype("float64")
        pyreadstat.write_sav(labelled, str(path), variable_value_labels=value_labels)
    else:
        frame.to_csv(path, index=False)


@pytest.mark.parametrize("kind", ["csv", "xlsx", "sav", "parquet"])
def test_each_format_gives_the_same_study(tmp_path, synthetic, kind):
    q_path, s_path = tmp_path / f"q.{kind}", tmp_path / f"s.{kind}"
    _write(synthetic.questionnaires, q_path, kind)
    _write(synthetic.supervision, s_path, kind)
    study = ws.read_study(q_path, s_path)
    pd.testing.assert_frame_equal(study.questionnaires, synthetic.questionnaires)
    pd.testing.assert_frame_equal(study.supervision, synthetic.supervision)


def test_reading_a_file_does_not_change_it(tmp_path, synthetic):
    path = tmp_path / "q.csv"
    synthetic.questionnaires.to_csv(path, index=False)
    before = path.read_bytes()
    ws.read_study(path)
    assert path.read_bytes() == before


def test_synthetic_study_shape_and_truth(synthetic):
    assert synthetic.n_dyads == 267
    assert 150 <= synthetic.n_officers <= 210
    assert synthetic.truth["seed"] == 267
    assert set(synthetic.questionnaires["wave"]) == {1, 2}
