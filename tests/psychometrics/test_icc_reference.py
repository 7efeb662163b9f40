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

from werkalliantie_stats.exceptions import DroppedDataWarning
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
    with pytest.warns(DroppedDataWarning, match=r"1 target\(s\).*row 2.*5 targets remain"):
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


def _reml_cases() -> dict[str, pd.DataFrame]:
    """The tables of the R script's reml_case() calls (same NaN pattern, same flattening)."""
    from reliability_data import bfi_agreeableness

    x = hs("x4", "x5", "x6")
    x.loc[x.index[2::7], "x5"] = np.nan
    x.loc[x.index[4::11], "x6"] = np.nan
    sf = shrout_fleiss().astype(float)
    flat = sf - sf.mean() + sf.to_numpy().mean()
    flat.iloc[1, 2] = np.nan
    return {"hs_x4_x6_missing": x, "bfi_A_rev": bfi_agreeableness(),
            "shrout_fleiss_flat": flat, "shrout_fleiss": shrout_fleiss()}


@pytest.mark.parametrize("key", ["hs_x4_x6_missing", "bfi_A_rev", "shrout_fleiss_flat",
                                 "shrout_fleiss"])
def test_reml_matches_psych_default_lmer_with_missing_ratings(key):
    """psych::ICC(x) (lmer = TRUE): iterative, so 1e-3 relative (DESIGN.md section 6)."""
    res = icc(_reml_cases()[key], method="reml")
    ref = reference()["icc_reml"][key]
    assert res.method == "reml" and res.n_targets == ref["n"]
    for part in ("target", "rater", "residual"):
        np.testing.assert_allclose(res.variances[part], ref["variances"][part], rtol=1e-3,
                                   atol=1e-9, err_msg=part)
    for ours, theirs in COLUMNS:
        np.testing.assert_allclose(res.table[ours], ref["table"][theirs], rtol=1e-3,
                                   err_msg=ours)


def test_reml_optimum_is_at_least_as_good_as_lme4():
    from werkalliantie_stats.psychometrics._icc_reml import _CrossedDesign

    data = _reml_cases()["hs_x4_x6_missing"]
    res, ref = icc(data, method="reml"), reference()["icc_reml"]["hs_x4_x6_missing"]
    design = _CrossedDesign(data.to_numpy())

    def relative_sd(v):
        return np.sqrt([v["target"] / v["residual"], v["rater"] / v["residual"]])

    ours = design.criterion(relative_sd(res.variances))[0]
    lme4 = design.criterion(relative_sd(ref["variances"]))[0]
    assert ours <= lme4 + 1e-8


def test_reml_equals_anova_on_complete_data_with_positive_rater_variance():
    anova, reml = icc(shrout_fleiss()), icc(shrout_fleiss(), method="reml")
    np.testing.assert_allclose(reml.table["icc"], anova.table["icc"], rtol=1e-5)


def test_reml_boundary_differs_from_anova():
    """Equal rater means: ANOVA's rater mean square < MSE; REML sets the rater variance to 0."""
    flat = _reml_cases()["shrout_fleiss_flat"]
    reml = icc(flat, method="reml")
    assert reml.variances["rater"] == 0.0
    np.testing.assert_allclose(reml.table.loc[["ICC1", "ICC2"], "icc"],
                               reml.table.loc["ICC3", "icc"], rtol=1e-12)


def test_reml_drops_targets_without_any_rating():
    data = shrout_fleiss().astype(float)
    data.loc[3] = np.nan
    with pytest.warns(DroppedDataWarning, match=r"1 target\(s\) without any rating.*row 3"):
        res = icc(data, method="reml")
    assert res.n_targets == 5 and res.n_dropped == 1
    with pytest.raises(ValueError, match=r"icc: rater column\(s\) \['J2'\] have no ratings"):
        icc(shrout_fleiss().assign(J2=np.nan), method="reml")
    with pytest.raises(ValueError, match="icc: `method` must be"):
        icc(shrout_fleiss(), method="lmer")


def test_reml_non_convergence_warns_with_advice(monkeypatch):
    from scipy import optimize

    from werkalliantie_stats.exceptions import ConvergenceWarning
    from werkalliantie_stats.psychometrics import _icc_reml

    def stopped_early(fun, x0, **kwargs):
        return optimize.OptimizeResult(x=np.asarray(x0), success=False, message="maxiter")

    monkeypatch.setattr(_icc_reml.optimize, "minimize", stopped_early)
    with pytest.warns(ConvergenceWarning, match="did not converge.*method='anova'"):
        icc(shrout_fleiss(), method="reml")


def test_confidence_interval_at_another_level_equals_a_refit():
    res = icc(shrout_fleiss())
    refit = icc(shrout_fleiss(), level=0.9)
    pd.testing.assert_frame_equal(res.confidence_interval(0.9),
                                  refit.table[["ci_lower", "ci_upper"]])
    with pytest.raises(ValueError, match="`confidence_level` must be in"):
        res.confidence_interval(0)
