"""rater_agreement against R's cor.test, t.test(paired = TRUE) and psych::ICC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reliability_data import bfi, hs, reference

from werkalliantie_stats.psychometrics import icc, rater_agreement

PAIRS = [("r", "r"), ("r_lower", "r_lower"), ("r_upper", "r_upper"), ("r_p_value", "r_p"),
         ("mean_diff", "mean_diff"), ("diff_lower", "diff_lower"),
         ("diff_upper", "diff_upper"), ("t", "t"), ("df", "t_df"), ("t_p_value", "t_p"),
         ("sd_diff", "sd_diff"), ("loa_lower", "loa_lower"), ("loa_upper", "loa_upper"),
         ("n", "n")]


def _cases():
    return {"hs_x7_x8": (hs("x7")["x7"].rename("speed"), hs("x8")["x8"].rename("speed"), 0.95),
            "bfi_A2_A3_90": (bfi("A2")["A2"].rename("A"), bfi("A3")["A3"].rename("A"), 0.90)}


@pytest.mark.parametrize("key", ["hs_x7_x8", "bfi_A2_A3_90"])
def test_agreement_matches_r(key):
    a, b, level = _cases()[key]
    row = rater_agreement(a, b, level=level).table.iloc[0]
    ref = reference()["agreement"][key]
    for ours, theirs in PAIRS:
        np.testing.assert_allclose(row[ours], ref[theirs], rtol=1e-4, err_msg=ours)


def test_icc_column_is_the_chosen_form_of_icc():
    a, b, _ = _cases()["hs_x7_x8"]
    res = rater_agreement(a, b, icc_type="ICC3")
    full = icc(pd.DataFrame({"a": a, "b": b}))
    assert res.table.loc["speed", "icc"] == full.table.loc["ICC3", "icc"]
    assert res.table.loc["speed", "icc_upper"] == full.table.loc["ICC3", "ci_upper"]
    pd.testing.assert_frame_equal(res.icc_results["speed"].table, full.table)


def test_frames_give_one_row_per_score_aligned_on_index():
    client = hs("x4", "x7").set_axis(["binding", "vertrouwen"], axis=1)
    officer = hs("x5", "x8").set_axis(["binding", "vertrouwen"], axis=1)
    shuffled = officer.sample(frac=1.0, random_state=1)[["vertrouwen", "binding"]]
    res = rater_agreement(client, shuffled)
    assert list(res.table.index) == ["binding", "vertrouwen"]
    single = rater_agreement(client["binding"], officer["binding"])
    pd.testing.assert_series_equal(res.table.loc["binding"], single.table.loc["binding"])


def test_arrays_are_accepted():
    a, b, _ = _cases()["hs_x7_x8"]
    res = rater_agreement(a.to_numpy(), b.to_numpy())
    np.testing.assert_allclose(res.table.loc["score", "r"], reference()["agreement"]
                               ["hs_x7_x8"]["r"], rtol=1e-10)


@pytest.mark.parametrize("a, b, error, pattern", [
    (pd.Series([1.0, 2, 3, 4, 5]), pd.Series([1.0, 2, 3]), ValueError,
     "unmatched or repeated"),
    (np.arange(5.0), np.arange(4.0), ValueError, "has 5 targets but `b` has 4"),
    (pd.DataFrame({"x": [1.0, 2, 3, 4, 5]}), pd.DataFrame({"y": [1.0, 2, 3, 4, 5]}),
     ValueError, "same columns"),
    (pd.Series([1.0, 2, 3]), pd.Series([2.0, 1, 3]), ValueError, "at least 4"),
    (pd.Series([3.0] * 6), pd.Series([1.0, 2, 3, 4, 5, 6]), ValueError, "constant"),
    (np.ones((3, 2)), np.ones(3), TypeError, "1-D array"),
    (pd.Series(["a", "b", "c", "d"]), pd.Series([1.0, 2, 3, 4]), ValueError, "non-numeric"),
])
def test_bad_input_is_named(a, b, error, pattern):
    with pytest.raises(error, match=r"rater_agreement: .*" + pattern):
        rater_agreement(a, b)


@pytest.mark.parametrize("kwargs", [{"level": 0.0}, {"icc_type": "ICC4"}])
def test_bad_options_are_named(kwargs):
    a, b, _ = _cases()["hs_x7_x8"]
    with pytest.raises(ValueError, match=f"`{next(iter(kwargs))}`"):
        rater_agreement(a, b, **kwargs)


def test_missing_pairs_are_dropped_and_inputs_kept():
    a, b, _ = _cases()["bfi_A2_A3_90"]
    before = a.copy()
    res = rater_agreement(a, b)
    assert res.table.loc["A", "n"] == reference()["agreement"]["bfi_A2_A3_90"]["n"]
    pd.testing.assert_series_equal(a, before)
    assert "differences are a - b" in res.summary()
