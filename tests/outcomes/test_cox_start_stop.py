"""start_stop_frame: splitting follow-up at covariate changes (R's tmerge/tdc semantics)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import werkalliantie_stats.outcomes as wo


@pytest.fixture
def subjects():
    return pd.DataFrame({"id": [1, 2, 3], "days": [300.0, 150.0, 90.0],
                         "arrest": [1, 0, 1], "score": [3.0, 4.0, 2.0], "age": [30, 40, 50]})


def test_several_changes_zero_and_late_changes(subjects):
    changes = pd.DataFrame({"id": [1, 1, 2, 3, 3], "t": [100, 200, 150, 0, 95],
                            "score": [3.5, 2.5, 9.9, 2.2, 9.9]})
    out = wo.start_stop_frame(subjects, "id", "days", "arrest", changes, "t")
    expected = pd.DataFrame({"id": [1, 1, 1, 2, 3], "start": [0.0, 100, 200, 0, 0],
                             "stop": [100.0, 200, 300, 150, 90], "arrest": [0, 0, 1, 0, 1],
                             "score": [3.0, 3.5, 2.5, 4.0, 2.2],
                             "age": [30, 30, 30, 40, 50]})
    pd.testing.assert_frame_equal(out[expected.columns], expected, check_dtype=False)
    assert "days" not in out.columns        # the follow-up time is now start/stop


def test_new_covariate_is_missing_before_its_first_change(subjects):
    changes = pd.DataFrame({"id": [1], "t": [100], "wave2": [4.5]})
    out = wo.start_stop_frame(subjects, "id", "days", "arrest", changes, "t")
    assert np.isnan(out.loc[0, "wave2"]) and out.loc[1, "wave2"] == 4.5
    assert out["wave2"].isna().sum() == 3


def test_fit_on_split_data_equals_unsplit_fit_when_nothing_changes(subjects):
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"id": np.arange(80), "days": rng.integers(1, 100, 80).astype(float),
                       "arrest": rng.integers(0, 2, 80), "score": rng.normal(size=80)})
    same = pd.DataFrame({"id": df["id"], "t": 50.0, "score": df["score"]})
    split = wo.start_stop_frame(df, "id", "days", "arrest", same, "t")
    assert len(split) > len(df)
    a = wo.cox(df, "days", "arrest", ["score"])
    b = wo.cox(split, "stop", "arrest", ["score"], entry="start", cluster="id")
    np.testing.assert_allclose(a.table["estimate"], b.table["estimate"], rtol=1e-10)
    np.testing.assert_allclose(a.table["std_error"], b.table["std_error"], rtol=1e-10)


def test_bad_input(subjects):
    changes = pd.DataFrame({"id": [7], "t": [10], "score": [1.0]})
    with pytest.raises(ValueError, match=r"have an 'id' that is not in `data`, e.g. 7"):
        wo.start_stop_frame(subjects, "id", "days", "arrest", changes, "t")
    twice = pd.concat([subjects, subjects.iloc[[0]]])
    with pytest.raises(ValueError, match=r"one row per subject.*e.g. 1"):
        wo.start_stop_frame(twice, "id", "days", "arrest", changes.assign(id=1), "t")
    with pytest.raises(ValueError, match=r"'tt'.*not found in `changes`"):
        wo.start_stop_frame(subjects, "id", "days", "arrest", changes, "tt")
    bad = subjects.assign(days=[0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="positive follow-up"):
        wo.start_stop_frame(bad, "id", "days", "arrest", changes.assign(id=1), "t")


def test_inputs_unchanged(subjects):
    changes = pd.DataFrame({"id": [1], "t": [100], "score": [3.5]})
    before, ch_before = subjects.copy(), changes.copy()
    wo.start_stop_frame(subjects, "id", "days", "arrest", changes, "t")
    pd.testing.assert_frame_equal(subjects, before)
    pd.testing.assert_frame_equal(changes, ch_before)
