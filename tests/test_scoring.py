"""Subscale scoring and the alliance-quality classification on hand-made cases."""

import numpy as np
import pandas as pd
import pytest

import werkalliantie_stats as ws

ITEMS = list(ws.load_instrument().item_ids)


def study_from(rows):
    """A study with one questionnaire per entry of ``rows``: (dyad, rater, wave, answers)."""
    records = []
    for dyad, rater, wave, answers in rows:
        records.append({"dyad_id": dyad, "client_id": "C" + dyad, "officer_id": "O1",
                        "rater": rater, "wave": wave, **dict(zip(ITEMS, answers, strict=True))})
    return ws.read_study(pd.DataFrame(records))


def answers(com, bin_, ver, str_):
    """Twenty answers from four subscale lists (raw, as the respondent ticked them)."""
    return [*com, *bin_, *ver, *str_]


def test_reverse_items_are_rekeyed_in_scores():
    # com4 is reverse-worded: a raw 1 ("strongly disagree that it is unclear") counts as 5.
    raw = answers([5, 5, 5, 1, 5], [4, 4, 4, 2, 4], [3] * 5, [2] * 5)
    study = study_from([("D1", "client", 1, raw)])
    scores = ws.score_subscales(study).iloc[0]
    assert scores["communicatie"] == 5.0
    assert scores["binding"] == 4.0 and scores["vertrouwen"] == 3.0 and scores["stroefheid"] == 2.0


def test_missing_items_rule_prorates_up_to_max_missing():
    one_missing = [5, 4, np.nan, 3, 4]       # com4 raw 3 -> 3; mean of 5, 4, 3, 4 = 4
    two_missing = [np.nan, np.nan, 4, 4, 4]
    study = study_from([
        ("D1", "client", 1, answers(one_missing, [4] * 5, [4] * 5, [1] * 5)),
        ("D2", "client", 1, answers(two_missing, [4] * 5, [4] * 5, [1] * 5)),
    ])
    scores = ws.score_subscales(study).set_index("dyad_id")
    assert scores.loc["D1", "communicatie"] == pytest.approx(4.0)
    assert scores.loc["D1", "n_communicatie"] == 4
    assert np.isnan(scores.loc["D2", "communicatie"])
    lenient = ws.score_subscales(study, max_missing=2).set_index("dyad_id")
    assert lenient.loc["D2", "communicatie"] == pytest.approx((4 + 2 + 4) / 3)
    with pytest.raises(ValueError, match="max_missing"):
        ws.score_subscales(study, max_missing=-1)


def test_classification_needs_both_raters_favourable():
    keyed_4 = [4, 4, 4, 2, 4]                  # item 4 of each positive subscale is reversed
    good = answers(keyed_4, keyed_4, keyed_4, [2] * 5)
    friction = answers(keyed_4, keyed_4, keyed_4, [3] * 5)
    low_trust = answers(keyed_4, keyed_4, [3, 3, 3, 3, 3], [1] * 5)
    study = study_from([
        ("D1", "client", 1, good), ("D1", "officer", 1, good),
        ("D2", "client", 1, good), ("D2", "officer", 1, friction),
        ("D3", "client", 1, low_trust), ("D3", "officer", 1, good),
        ("D4", "client", 1, good),
    ])
    table = ws.alliance_quality(study).table.xs(1, level="wave")
    assert table.loc["D1", "good"]
    assert not table.loc["D2", "good"] and table.loc["D2", "good_client"]
    assert not table.loc["D3", "good"] and not table.loc["D3", "good_client"]
    assert pd.isna(table.loc["D4", "good"])     # officer questionnaire missing: undecided
    # index: mean of com, bin, ver and 6 - str per rater; then mean over raters
    assert table.loc["D1", "index_client"] == pytest.approx(4.0)
    assert table.loc["D2", "alliance_index"] == pytest.approx((4.0 + 3.75) / 2)


def test_cut_offs_are_parameters():
    mid = answers([4, 3, 4, 3, 4], [4, 3, 4, 3, 4], [4, 3, 4, 3, 4], [3] * 5)  # 3.6 / 3
    study = study_from([("D1", "client", 1, mid), ("D1", "officer", 1, mid)])
    assert not ws.alliance_quality(study).table["good"].iloc[0]
    assert ws.alliance_quality(study, high=3.4, low=3.0).table["good"].iloc[0]
    with pytest.raises(ValueError, match="within the response scale"):
        ws.alliance_quality(study, high=7)


def test_scoring_rejects_non_study():
    with pytest.raises(TypeError, match="must be a Study"):
        ws.score_subscales(pd.DataFrame())
