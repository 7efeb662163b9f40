"""replicate(): the sections of issue 6 in order, and a claims table that reflects the
estimates it summarises. One replication per module (module-scoped fixture)."""

import io
import math

import numpy as np
import pandas as pd
import pipeline_cache
import pytest

import werkalliantie_stats as ws
from werkalliantie_stats.pipelines import claims, optional
from werkalliantie_stats.pipelines import psychometric_sections as psy
from werkalliantie_stats.pipelines._result import SectionBuilder
from werkalliantie_stats.pipelines.progress import Progress, make_progress

ORDER = ["sample", "items", "factorability", "retention", "efa", "cfa", "invariance",
         "reliability", "agreement", "quality", "binary_outcomes", "survival",
         "predictive_validity", "claims"]


@pytest.fixture(scope="module")
def study():
    return ws.load_synthetic()


@pytest.fixture(scope="module")
def result():
    return pipeline_cache.replication()


def test_sections_follow_the_issue_order(result):
    keys = [s.key for s in result.sections]
    assert keys == [k for k in ORDER if k in keys]
    required = set(ORDER) - {"cfa", "invariance", "predictive_validity"}
    assert required <= set(keys)
    if optional.cfa_module() is None:
        assert "cfa" in result.omitted and "cfa" not in keys
    else:
        assert {"cfa", "invariance"} <= set(keys)


def test_every_table_and_figure_belongs_to_one_section(result):
    tables = [t for s in result.sections for t in s.tables]
    figures = [f for s in result.sections for f in s.figures]
    assert sorted(tables) == sorted(result.tables) and len(set(tables)) == len(tables)
    assert sorted(figures) == sorted(result.figures)
    assert result.to_frame() is result.tables["claims"]


def test_sample_counts(result, study):
    sample = result.tables["sample"]["value"]
    assert sample["dyads"] == 267
    assert sample["officers"] == study.truth["sample"]["n_officers"]


def test_claims_restate_the_reliability_table(result):
    table = result.tables["claims"]
    reliability = result.tables["reliability"].xs(1, level="wave")
    rows = table[table["quantity"].str.startswith("alpha_")]
    assert len(rows) == 8
    for _, row in rows.iterrows():
        source = reliability.loc[(row["quantity"].removeprefix("alpha_"), row["rater"])]
        assert row["estimate"] == source["alpha"]
        assert (row["ci_lower"], row["ci_upper"]) == (source["ci_lower"], source["ci_upper"])
        assert row["verdict"] == claims.verdict(
            row["ci_lower"], row["ci_upper"], claims.ALPHA_ADEQUATE if
            row["claim"] == "positive_reliable" else
            reliability.xs(row["rater"], level="rater").drop("stroefheid")["alpha"].min(),
            "above" if row["claim"] == "positive_reliable" else "below")


def test_claims_restate_the_outcome_models(result):
    table = result.tables["claims"].set_index("claim")
    dropout = result.tables["logistic_dropout"].loc[("unadjusted", "good")]
    row = table.loc["less_dropout"]
    assert row["estimate"] == pytest.approx(math.exp(dropout["estimate"]), rel=1e-12)
    assert row["ci_upper"] == pytest.approx(math.exp(dropout["ci_upper"]), rel=1e-12)
    rising = result.tables["logistic_risk_increase"].loc[("unadjusted", "good")]
    assert table.loc["less_rising_risk", "estimate"] == pytest.approx(
        math.exp(rising["estimate"]), rel=1e-12)
    assert set(table["verdict"]) <= {"supported", "contradicted", "inconclusive"}


def test_claims_restate_the_factor_counts(result):
    table = result.tables["claims"]
    retention = result.tables["retention"]
    for rater in ("client", "officer"):
        of_rater = table[(table["claim"] == "four_factors") & (table["rater"] == rater)]
        found = of_rater.set_index("quantity")["estimate"]
        assert found["parallel_analysis_factors"] == retention.loc[rater, "parallel_factors"]
        assert found["map_factors"] == retention.loc[rater, "map_factors"]
        pattern = result.tables[f"efa_pattern_{rater}"]
        assert found["efa_subscales_recovered"] == psy.recovered_subscales(pattern)


def test_truth_column_on_synthetic_data(result, study):
    table = result.tables["claims"]
    assert table["truth"].notna().all()
    alpha = table[table["quantity"] == "alpha_binding"].set_index("rater")["truth"]
    assert alpha["client"] == study.truth["population"]["cronbach_alpha"]["client"]["binding"]
    assert (table.loc[table["claim"] == "four_factors", "truth"] == 4).all()
    ratios = table[table["claim"].isin(["less_dropout", "fewer_arrests", "less_rising_risk"])]
    assert ((ratios["truth"] > 0.2) & (ratios["truth"] < 1.0)).all()


def test_no_truth_column_for_real_data(study):
    real = ws.Study(study.questionnaires, study.supervision, study.instrument)
    frame_rows = claims.reliability_rows(
        ws.reliability_table(real).to_frame(),
        {s: real.instrument.subscale(s).positive for s in real.instrument.subscales},
        real.truth)
    assert all(np.isnan(r["truth"]) for r in frame_rows)


def test_inputs_are_not_modified(study, result):
    fresh = ws.load_synthetic()
    pd.testing.assert_frame_equal(study.questionnaires, fresh.questionnaires)
    pd.testing.assert_frame_equal(study.supervision, fresh.supervision)


def test_no_supervision_leaves_out_the_outcome_sections(study):
    items_only = ws.Study(study.questionnaires, None, study.instrument)
    assert optional.omitted(items_only)["outcomes"].startswith("the study has no supervision")


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"study": "data.csv"}, TypeError, r"replicate: `study` must be a Study or None, got str"),
    ({"lang": "fr"}, ValueError, r"replicate: `lang` must be one of \['en', 'nl'\], got 'fr'"),
    ({"seed": -1}, TypeError, r"replicate: `seed` must be a non-negative int, got -1"),
    ({"jobs": 0}, ValueError, r"replicate: `jobs` must be a positive int, got 0"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        ws.replicate(**{"progress": False, **kwargs})


def test_verdict_rule():
    assert claims.verdict(0.72, 0.80, 0.70, "above") == "supported"
    assert claims.verdict(0.60, 0.69, 0.70, "above") == "contradicted"
    assert claims.verdict(0.65, 0.75, 0.70, "above") == "inconclusive"
    assert claims.verdict(0.3, 0.9, 1.0, "below") == "supported"
    assert claims.verdict(1.1, 2.0, 1.0, "below") == "contradicted"
    assert claims.verdict(math.nan, 0.9, 1.0, "below") == "inconclusive"
    with pytest.raises(ValueError, match="verdict: `direction` must be 'above' or 'below'"):
        claims.verdict(0.1, 0.2, 0.5, "up")


def test_recovered_subscales_counts_own_and_distinct_factors():
    pattern = pd.DataFrame({"factor": ["MR1", "MR2", "MR2", "MR3"],
                            "items": [5.0, 5, 5, 5], "items_on_factor": [5.0, 5, 5, 4]})
    assert psy.recovered_subscales(pattern) == 1


def test_parallel_analysis_is_reproducible_by_seed(study):
    corr = psy.Correlations(study)
    first, second = SectionBuilder("r"), SectionBuilder("r")
    psy.retention_section(study, first, corr, seed=11)
    psy.retention_section(study, second, corr, seed=11)
    pd.testing.assert_frame_equal(first.tables["parallel_analysis_client"],
                                  second.tables["parallel_analysis_client"])


def test_progress_writes_only_when_enabled():
    stream = io.StringIO()
    bar = Progress(2, stream=stream)
    bar.step("items")
    bar.done()
    assert "[ 1/2] items" in stream.getvalue() and "done in" in stream.getvalue()
    silent = io.StringIO()
    quiet = Progress(2, stream=silent, enabled=False)
    quiet.step("items")
    quiet.done()
    assert silent.getvalue() == ""
    assert make_progress(False, 3).enabled is False


def test_summary_prints_the_claims(result):
    text = result.summary()
    assert text.startswith("Replication of Menger & Donker") and "claims" in text
