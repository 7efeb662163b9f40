"""Study-level reliability and client–officer agreement against psych on the synthetic study.

Fixture: tests/reference/psychometrics/reliability/synthetic_reference.json, written by
make_reliability_fixtures.R (psych::alpha per subscale x rater x wave with com4/bin4/ver4
re-keyed; agreement of rowMeans(na.rm = TRUE) subscale scores of dyads rated by both).
"""

import pytest
from reference_io import read_reference_json

import werkalliantie_stats as ws
from werkalliantie_stats.psychometrics.study_tables import (
    client_officer_agreement,
    reliability_table,
)

REF = read_reference_json("psychometrics/reliability/synthetic_reference.json")


@pytest.fixture(scope="module")
def study():
    return ws.load_synthetic()


@pytest.fixture(scope="module")
def table(study):
    return reliability_table(study).table


def test_reliability_table_matches_psych_alpha_for_all_16_scales(table):
    assert len(table) == 16
    for case in REF["scales"].values():
        row = table.loc[(case["subscale"], case["rater"], case["wave"])]
        total = case["alpha"]["total"]
        assert row["n_obs"] == case["alpha"]["n_obs"]
        assert row["alpha"] == pytest.approx(total["raw_alpha"], rel=1e-10)
        assert row["std_alpha"] == pytest.approx(total["std_alpha"], rel=1e-10)
        assert row["ci_lower"] == pytest.approx(case["alpha"]["printed_feldt"]["lower"], rel=1e-10)
        assert row["ci_upper"] == pytest.approx(case["alpha"]["printed_feldt"]["upper"], rel=1e-10)


def test_reliability_table_reports_ordinal_alpha_and_omega(table, study):
    # omega and ordinal alpha are checked against psych in their own tests; here: the
    # table carries exactly those numbers for the right item set.
    items = study.items("officer", 2, subscale="stroefheid")
    row = table.loc[("stroefheid", "officer", 2)]
    with pytest.warns(ws.exceptions.WerkalliantieWarning, match="omega_h"):
        assert row["omega_total"] == ws.omega(items, n_factors=1).omega_total
    polychoric_alpha = ws.cronbach_alpha(items, correlation="polychoric").std_alpha
    assert row["ordinal_alpha"] == polychoric_alpha
    assert (table["ordinal_alpha"] > table["std_alpha"]).all()  # polychorics exceed Pearson r


def test_positive_subscales_more_reliable_than_stroefheid(table):
    positive = table.drop(index="stroefheid", level="subscale")["alpha"]
    assert positive.min() > table.xs("stroefheid", level="subscale")["alpha"].max()


def test_client_officer_agreement_matches_r(study):
    for wave in (1, 2):
        result = client_officer_agreement(study, wave=wave, max_missing=4).table
        for subscale, row in result.iterrows():
            ref = REF["agreement"][f"{subscale}_{wave}"]
            assert row["n"] == ref["n"]
            for ours, theirs in [("r", "r"), ("r_lower", "r_lower"), ("r_upper", "r_upper"),
                                 ("mean_diff", "mean_diff"), ("diff_lower", "diff_lower"),
                                 ("diff_upper", "diff_upper"), ("t", "t"),
                                 ("loa_lower", "loa_lower"), ("loa_upper", "loa_upper")]:
                assert row[ours] == pytest.approx(ref[theirs], rel=1e-9), (subscale, ours)
            assert row["icc"] == pytest.approx(ref["icc"]["icc"][1], rel=1e-9)


def test_study_level_functions_reject_non_studies():
    with pytest.raises(TypeError, match="must be a Study"):
        reliability_table("study.csv")
    with pytest.raises(ValueError, match="no questionnaires at wave 3"):
        client_officer_agreement(ws.load_synthetic(), wave=3)
