"""icc against psych::ICC (psych 2.2.9).

``psych::ICC(x, lmer = FALSE)`` (two-way ANOVA) is matched at 1e-4 relative; psych's
default ``lmer = TRUE`` (REML variance components) gives the same mean squares on complete
data with a non-negative rater variance, up to lmer's optimiser (about 1e-5 here).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reliability_data import hs, reference, shrout_fleiss

from werkalliantie_stats.exceptions import WerkalliantieWarning
from werkalliantie_stats.psychometrics import icc

CASES = {"shrout_fleiss": shrout_fleiss, "hs_x4_x6": lambda: hs("x4", "x5", "x6")}
COLUMNS = [("icc", "icc"), ("f", "f"), ("df1", "df1"), ("df2", "df2"),
           ("ci_lower", "lower"), ("ci_upper", "upper")]


@pytest.mark.parametrize("key", list(CASES))
def test_icc_table_matches_psych_anova(key):
    res, ref = icc(CASES[key]()), reference()["icc"][key]["anova"]
    assert list(res.table.index) == ref["type"] == list(res.table["type"])
    for ours, theirs in [*COLUMNS, ("p_value", "p")]:
        np.testing.assert_allclose(res.table[ours], ref[theirs], rtol=1e-4, err_msg=ours)


@pytest.mark.parametrize("key", list(CASES))
def test_icc_table_matches_psych_default_lmer(key):
    res, ref = icc(CASES[key]()), reference()["icc"][key]["lmer"]
    for ours, theirs in COLUMNS:
        np.testing.assert_allclose(res.table[ours], ref[theirs], rtol=1e-4, err_msg=ours)
    np.testing.assert_allclose(res.table["p_value"], ref["p"], rtol=5e-3)


def test_mean_squares_match_psych():
    res, ref = icc(shrout_fleiss()), reference()["icc"]["shrout_fleiss"]["ms"]
    np.testing.assert_allclose([res.ms_targets, res.ms_raters, res.ms_error, res.ms_within],
                               [ref["msb"], ref["msj"], ref["mse"], ref["msw"]], rtol=1e-10)


def test_published_shrout_fleiss_values():
    """Shrout & Fleiss (1979), Table 4: .17, .29, .71, .44, .62, .91."""
    res = icc(shrout_fleiss())
    np.testing.assert_allclose(res.table["icc"].round(2), [.17, .29, .71, .44, .62, .91])


def test_level_changes_only_the_intervals():
    wide, narrow = icc(shrout_fleiss(), level=0.99), icc(shrout_fleiss(), level=0.8)
    np.testing.assert_array_equal(wide.table["icc"], narrow.table["icc"])
    assert (wide.table["ci_lower"] < narrow.table["ci_lower"]).all()
    assert (wide.table["ci_upper"] > narrow.table["ci_upper"]).all()


def test_missing_ratings_are_dropped_with_a_warning_or_refused():
    data = shrout_fleiss().astype(float)
    data.loc[2, "J3"] = np.nan
    with pytest.warns(WerkalliantieWarning, match=r"1 target\(s\).*row 2.*5 targets remain"):
        res = icc(data)
    assert res.n_targets == 5 and res.n_dropped == 1
    expected = icc(shrout_fleiss().drop(index=2))
    pd.testing.assert_frame_equal(res.table, expected.table)
    with pytest.raises(ValueError, match="missing='listwise'"):
        icc(data, missing="error")


@pytest.mark.parametrize("data, error, pattern", [
    (pd.DataFrame({"J1": [1, 2, 3]}), ValueError, "at least 2 rater columns"),
    (pd.DataFrame({"J1": [1.0], "J2": [2.0]}), ValueError, "at least 2 targets"),
    (pd.DataFrame({"J1": [3, 3, 3], "J2": [3, 3, 3]}), ValueError, "all ratings are equal"),
    (pd.DataFrame({"J1": [1, 2, 3], "J2": [1, "two", 3]}), ValueError, r"'J2'.*'two'"),
    (np.ones((4, 2)), TypeError, "must be a pandas DataFrame"),
])
def test_bad_input_is_named(data, error, pattern):
    with pytest.raises(error, match=r"icc: .*" + pattern):
        icc(data)


@pytest.mark.parametrize("kwargs", [{"level": 1.5}, {"missing": "pairwise"}])
def test_bad_options_are_named(kwargs):
    with pytest.raises(ValueError, match=f"icc: `{next(iter(kwargs))}`"):
        icc(shrout_fleiss(), **kwargs)


def test_summary_lists_the_forms():
    text = icc(shrout_fleiss()).summary()
    assert "ICC3k" in text and "targets = 6, raters = 4" in text
