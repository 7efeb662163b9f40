"""item_analysis against psych::describe and psych::alpha's item statistics (psych 2.2.9)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from reliability_data import X1_X9, bfi, bfi_agreeableness, hs, reference

from werkalliantie_stats.exceptions import ReverseKeyedItemWarning
from werkalliantie_stats.psychometrics import item_analysis

RTOL = 1e-4
CASES = {"bfi_A_rev": bfi_agreeableness, "hs_x1_x9": lambda: hs(*X1_X9)}
DESCRIBE = ["n", "mean", "sd", "median", "trimmed", "mad", "min", "max", "range", "skew",
            "kurtosis", "se"]


@pytest.mark.parametrize("key", list(CASES))
def test_descriptives_match_psych_describe(key):
    res, ref = item_analysis(CASES[key]()), reference()["describe"][key]
    assert list(res.table.index) == ref["items"]
    for column in DESCRIBE:
        np.testing.assert_allclose(res.table[column], ref[column], rtol=RTOL, atol=1e-12,
                                   err_msg=column)


@pytest.mark.parametrize("key", list(CASES))
def test_item_total_statistics_match_psych_alpha(key):
    res, ref = item_analysis(CASES[key]()), reference()["alpha"][key]
    np.testing.assert_allclose(res.table["r_total"], ref["item_stats"]["raw_r"], rtol=RTOL)
    np.testing.assert_allclose(res.table["r_rest"], ref["item_stats"]["r_drop"], rtol=RTOL)
    np.testing.assert_allclose(res.table["alpha_if_deleted"], ref["alpha_drop"]["raw_alpha"],
                               rtol=RTOL)


def test_response_frequencies_match_psych_including_missing():
    res = item_analysis(bfi_agreeableness())
    ref = reference()["alpha"]["bfi_A_rev"]["response_freq"]
    assert list(res.frequencies.columns) == ref["columns"]
    np.testing.assert_allclose(res.frequencies.to_numpy(), ref["values"], rtol=RTOL)
    assert (res.table["missing"] == res.counts["miss"]).all()
    assert res.counts.drop(columns="miss").sum(axis=1).tolist() == res.table["n"].tolist()


def test_continuous_items_have_no_frequency_table():
    res = item_analysis(hs(*X1_X9))
    assert res.frequencies is None and res.counts is None
    assert "Response frequencies" not in res.summary()


def test_negative_item_warns_and_input_is_kept():
    data = bfi("C1", "C2", "C3", "C4", "C5")
    before = data.copy()
    with pytest.warns(ReverseKeyedItemWarning, match=r"\['C4', 'C5'\]"):
        item_analysis(data)
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize("data, error, pattern", [
    (pd.DataFrame({"a": [1, 2, 3], "b": [2, 2, 2]}), ValueError, r"\['b'\].*no variance"),
    (pd.DataFrame({"a": [1, 2, 3]}), ValueError, "at least 2 item columns"),
    (pd.DataFrame({"a": [1, 2, 3], "b": [np.nan] * 3}), ValueError, "entirely missing"),
    (pd.DataFrame({"a": [1], "b": [2]}), ValueError, "at least 2 rows"),
    (pd.DataFrame({"a": [1, 2, 3], "b": ["x", 2, 3]}), ValueError, r"'b'.*non-numeric.*'x'"),
    ([[1, 2], [3, 4]], TypeError, "must be a pandas DataFrame"),
])
def test_bad_input_is_named(data, error, pattern):
    with warnings.catch_warnings(), pytest.raises(error, match=r"item_analysis: .*" + pattern):
        item_analysis(data)
