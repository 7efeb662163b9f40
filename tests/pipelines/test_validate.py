"""validate(): a new sample with its own column names, as a user would bring it."""

import numpy as np
import pandas as pd
import pytest

import werkalliantie_stats as ws
from werkalliantie_stats.pipelines import checks, optional
from werkalliantie_stats.scoring import score_subscales

ITEMS = list(ws.load_instrument().item_ids)
THEIR_NAMES = {"dyad_id": "Paar", "client_id": "Client", "officer_id": "Werker",
               "rater": "Beoordelaar", "wave": "Meting",
               **{item: f"V{k}" for k, item in enumerate(ITEMS, start=1)}}


@pytest.fixture(scope="module")
def their_files(tmp_path_factory):
    """The synthetic study saved under other column names, raters coded C / W."""
    folder = tmp_path_factory.mktemp("their")
    study = ws.load_synthetic()
    q = study.questionnaires.rename(columns=THEIR_NAMES)
    q["Beoordelaar"] = q["Beoordelaar"].map({"client": "C", "officer": "W"})
    q.to_csv(folder / "vragenlijsten.csv", index=False)
    study.supervision.rename(columns=THEIR_NAMES).to_csv(folder / "toezicht.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def study(their_files):
    mapping = {theirs: ours for ours, theirs in THEIR_NAMES.items()}
    return ws.read_study(their_files / "vragenlijsten.csv", their_files / "toezicht.csv",
                         mapping=mapping, rater_codes={"C": "client", "W": "officer"})


@pytest.fixture(scope="module")
def result(study):
    return ws.pipelines.validate(study, group="gender", estimator="ML", progress=False)


def test_sections(result):
    keys = [s.key for s in result.sections]
    assert keys[:6] == ["checks", "sample", "items", "factorability", "retention", "efa"]
    assert keys[-2:] == ["reliability", "norms"]
    if optional.cfa_module() is None:
        assert "cfa" in result.omitted and "group_invariance" in result.omitted
    else:
        assert keys[6:9] == ["cfa", "invariance", "group_invariance"]
        table = result.tables["group_invariance_client"]
        assert list(table.index) == ["configural", "metric", "scalar", "strict"]
    assert "predictive_validity" not in result.omitted
    assert result.to_frame() is result.tables["reliability"]


def test_data_checks(result, study):
    checks_table = result.tables["data_checks"]
    assert checks_table.loc["dyads", "value"] == 267
    assert checks_table.loc["dyads_rated_by_both_wave1", "value"] == 267
    assert checks_table.loc["questionnaires", "value"] == len(study.questionnaires)
    assert set(checks_table["status"]) <= {"ok", "attention"}
    q = study.questionnaires
    wave1 = q[(q["rater"] == "client") & (q["wave"] == 1)]
    share = result.tables["item_missingness"].loc["com1", "client_wave1"]
    assert share == wave1["com1"].isna().mean()
    expected = int((q[ITEMS].isna().mean() > checks.MISSING_ATTENTION).sum())
    assert checks_table.loc["items_missing_over_10pct", "value"] == expected


def test_norms_are_percentiles_of_the_subscale_scores(result, study):
    scores = score_subscales(study)
    values = scores[(scores["wave"] == 1) & (scores["rater"] == "officer")]["binding"].dropna()
    row = result.tables["norms"].loc[("officer", "binding")]
    for p in checks.PERCENTILES:
        assert row[f"P{p}"] == pytest.approx(np.percentile(values, p), rel=1e-12)
    assert row["n"] == len(values) and row["mean"] == pytest.approx(values.mean(), rel=1e-12)


def test_same_numbers_as_replicate_on_the_same_data(result):
    reference = ws.reliability_table(ws.load_synthetic()).to_frame()
    pd.testing.assert_frame_equal(result.tables["reliability"], reference)


def test_source_records_checksums_and_group(result):
    assert len(result.source["questionnaires_sha256"]) == 64
    assert result.source["group"] == "gender" and result.source["estimator"] == "ML"


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"group": "site"}, ValueError, r"validate: `group` column 'site' is not in the "
                                    r"supervision table; columns: \['dyad_id'"),
    ({"group": 3}, TypeError, r"validate: `group` must be a column name \(str\), got 3"),
    ({"estimator": "WLS"}, ValueError,
     r"validate: `estimator` must be one of \['ML', 'MLR', 'WLSMV'\]"),
    ({"lang": "de"}, ValueError, r"validate: `lang` must be one of"),
])
def test_bad_arguments(study, kwargs, error, match):
    with pytest.raises(error, match=match):
        ws.pipelines.validate(study, progress=False, **kwargs)


def test_a_group_column_needs_two_groups(study):
    one = ws.Study(study.questionnaires, study.supervision.assign(site="A"), study.instrument)
    with pytest.raises(ValueError, match=r"validate: `group` column 'site' has fewer than two "
                                         r"groups \(values: \['A'\]\)"):
        ws.pipelines.validate(one, group="site", progress=False)
