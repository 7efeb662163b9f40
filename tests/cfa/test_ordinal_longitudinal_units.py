"""Units of paired/longitudinal ordinal invariance: the Wu & Estabrook syntax rules,
empty-category merging, warnings and bad input (the lavaan comparison is in
test_reference_ordinal_longitudinal.py)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.exceptions import EmptyCategoryWarning
from werkalliantie_stats.psychometrics.cfa.longitudinal import longitudinal_invariance
from werkalliantie_stats.psychometrics.cfa.longitudinal_ordinal import (
    merge_empty_categories,
    ordinal_longitudinal_syntax,
)

FACTORS = {"f": ["x", "y", "z"]}
SFX = ["_a", "_b"]
OCC = {"a": "_a", "b": "_b"}


def _wide(n=400, seed=5, cuts=(-0.8, 0.0, 0.8)):
    rng = np.random.default_rng(seed)
    eta = rng.multivariate_normal([0, 0.2], [[1, 0.6], [0.6, 1.1]], size=n)
    cols = {}
    for t, sfx in enumerate(SFX):
        for k, (item, lam) in enumerate(zip(FACTORS["f"], [0.8, 0.7, 0.6], strict=True)):
            y = lam * eta[:, t] + rng.normal(scale=0.6, size=n) + 0.05 * k
            cols[f"{item}{sfx}"] = np.digitize(y, cuts) + 1
    return pd.DataFrame(cols)


def test_thresholds_step_frees_intercepts_and_scales_of_later_occasion():
    text = ordinal_longitudinal_syntax(FACTORS, SFX, "thresholds", {"x": 3, "y": 2, "z": 1})
    assert "x_a | NA*tau_x_t1*t1 + NA*tau_x_t2*t2 + NA*tau_x_t3*t3" in text
    assert "x_b | NA*tau_x_t1*t1" in text
    assert "x_a ~ 0*1" in text and "x_a ~*~ 1*x_a" in text
    assert "x_b ~ NA*1" in text and "x_b ~*~ NA*x_b" in text
    assert "y_b ~*~ NA*y_b" in text          # two equal thresholds free the scale
    assert "z_b ~ NA*1" in text and "z_b ~*~ 1*z_b" in text   # binary: intercept only
    assert "f_b ~~ 1*f_b" in text and "f_b ~ 0*1" in text
    assert "x_a ~~ x_b" in text


def test_scalar_step_fixes_intercepts_and_frees_means():
    text = ordinal_longitudinal_syntax(FACTORS, SFX, "scalar", {"x": 3, "y": 2, "z": 1})
    assert "x_b ~ 0*1" in text and "x_b ~*~ NA*x_b" in text
    assert "z_b ~*~ NA*z_b" in text           # one equal threshold + equal intercept
    assert "f_b ~~ NA*f_b" in text and "f_b ~ NA*1" in text
    assert "f_b =~ NA*lambda_f_x*x_b" in text


def test_configural_and_partial():
    text = ordinal_longitudinal_syntax(FACTORS, SFX, "configural", {"x": 3, "y": 3, "z": 3})
    assert "tau_" not in text and "lambda_" not in text and "NA*1" not in text
    text = ordinal_longitudinal_syntax(FACTORS, SFX, "thresholds", {"x": 3, "y": 3, "z": 3},
                                       partial=["x|t2", "x|t3"])
    assert "x_b | NA*tau_x_t1*t1 + NA*t2 + NA*t3" in text
    assert "x_b ~ NA*1" in text and "x_b ~*~ 1*x_b" in text   # one equal threshold only


def test_step_names_and_df():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = longitudinal_invariance(_wide(), "f =~ x + y + z", OCC, estimator="WLSMV")
    assert res.table.index.tolist() == ["configural", "thresholds", "metric", "scalar"]
    # 3 items x 3 thresholds: thresholds step saves 9 - 3 nu - 3 delta = 3 df
    assert res.table["df_diff"].tolist()[1:] == [3.0, 2.0, 2.0]
    assert res.estimator == "WLSMV" and res.recoded.empty
    assert set(res.syntax) == set(res.table.index)
    assert (res.table["pvalue_diff"].dropna().between(0, 1)).all()


def test_merge_empty_categories_warns_and_keeps_input():
    wide = pd.DataFrame({"x_a": [2, 3, 4, 5, 3, 2], "x_b": [1, 2, 3, 5, 4, 2],
                         "y_a": [1, 2, 3, 3, 1, 2], "y_b": [1, 2, 3, 2, 1, 3]})
    before = wide.copy()
    with pytest.warns(EmptyCategoryWarning,
                      match=re.escape("item 'x' has no responses in category 1 on "
                                      "occasion(s) ['a']")) as caught:
        out, recoded = merge_empty_categories(wide, ["x", "y"], ["_a", "_b"], ["a", "b"])
    assert len(caught) == 1 and "merged with category 2" in str(caught[0].message)
    pd.testing.assert_frame_equal(wide, before)
    assert out["x_b"].tolist() == [2, 2, 3, 5, 4, 2]
    assert recoded.to_dict("records") == [{"item": "x", "category": 1, "empty_on": "a",
                                           "merged_into": 2, "n_recoded": 1}]


def test_middle_category_merges_downward_on_both_occasions():
    wide = pd.DataFrame({"x_a": [1, 2, 3, 4, 5], "x_b": [1, 2, 3, 5, 5]})
    with pytest.warns(EmptyCategoryWarning, match="category 4"):
        out, recoded = merge_empty_categories(wide, ["x"], ["_a", "_b"])
    assert out["x_a"].tolist() == [1, 2, 3, 3, 5]
    assert recoded.loc[0, "merged_into"] == 3 and recoded.loc[0, "empty_on"] == "_b"


def test_fit_with_empty_category_reports_recoding():
    wide = _wide()
    wide.loc[wide["y_b"] == 1, "y_b"] = 2          # category 1 empty on occasion b only
    with pytest.warns(EmptyCategoryWarning, match="item 'y'"):
        res = longitudinal_invariance(wide, "f =~ x + y + z", OCC, estimator="WLSMV")
    assert res.recoded["item"].tolist() == ["y"]
    assert "Categories merged" in res.summary()
    thresholds = res.fits["configural"].estimates.query("op == '|' and lhs == 'y_a'")
    assert len(thresholds) == 2


def test_bad_input_for_ordinal_path():
    wide = _wide()
    with pytest.raises(ValueError, match="longitudinal_invariance: with estimator='WLSMV' "
                                         "`missing` must be 'listwise'"):
        longitudinal_invariance(wide, "f =~ x + y + z", OCC, estimator="WLSMV", missing="fiml")
    with pytest.raises(ValueError, match="thresholds before loadings"):
        longitudinal_invariance(wide, "f =~ x + y + z", OCC, estimator="WLSMV",
                                steps=("configural", "metric", "thresholds"))
    with pytest.raises(ValueError, match="ordered subset"):
        longitudinal_invariance(wide, "f =~ x + y + z", OCC, estimator="WLSMV",
                                steps=("configural", "strict"))
    with pytest.raises(ValueError, match="no column 'w_a'"):
        longitudinal_invariance(wide, "f =~ x + y + w", OCC, estimator="WLSMV")
    few = wide.copy().astype(float)
    few.iloc[5:, 0] = np.nan
    with pytest.raises(ValueError, match="only 5 dyads answered every item"):
        longitudinal_invariance(few, "f =~ x + y + z", OCC, estimator="WLSMV")
    constant = wide.assign(x_a=np.where(wide["x_a"] > 2, 3, 1), x_b=np.where(wide["x_b"] > 2,
                                                                          4, 2))
    with pytest.raises(ValueError, match="item 'x' shares fewer than two response categories"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            longitudinal_invariance(constant, "f =~ x + y + z", OCC, estimator="WLSMV")


def test_ordered_categoricals_and_text_codes():
    wide = _wide()
    plain = longitudinal_invariance(wide, "f =~ x + y + z", OCC, estimator="WLSMV")
    labels = ["never", "rarely", "often", "always"]
    as_cat = wide.apply(lambda col: pd.Categorical.from_codes(col - 1, labels, ordered=True))
    res = longitudinal_invariance(as_cat, "f =~ x + y + z", OCC, estimator="WLSMV")
    pd.testing.assert_frame_equal(res.table, plain.table)
    text = wide.astype(object)
    text.loc[3, "y_b"] = "often"
    with pytest.raises(ValueError, match=r"longitudinal_invariance.*'y_b'.*'often'"):
        longitudinal_invariance(text, "f =~ x + y + z", OCC, estimator="WLSMV")


def test_continuous_default_steps_unchanged():
    wide = _wide().astype(float)
    res = longitudinal_invariance(wide, "f =~ x + y + z", OCC)
    assert res.table.index.tolist() == ["configural", "metric", "scalar", "strict"]
    assert res.recoded is None


@pytest.mark.parametrize(("args", "error", "match"), [
    (("not a frame", ["x"], ["_a", "_b"]), TypeError, "must be a pandas DataFrame"),
    ((None, "x", ["_a", "_b"]), TypeError, "`items` must be a list"),
    ((None, ["x"], ["_a"]), TypeError, "at least two column suffixes"),
    ((None, ["y"], ["_a", "_b"]), ValueError, "'y_a' .*not found"),
    ((None, ["x"], ["_a", "_b"], ["one"]), ValueError, "one name per suffix"),
])
def test_merge_empty_categories_rejects_bad_input(args, error, match):
    from werkalliantie_stats import merge_empty_categories

    wide = pd.DataFrame({"x_a": [1, 2, 3], "x_b": [1, 2, 2]})
    args = (wide if args[0] is None else args[0], *args[1:])
    with pytest.raises(error, match=f"merge_empty_categories: .*{match}"):
        merge_empty_categories(*args)


def test_merge_empty_categories_rejects_non_integer_codes():
    from werkalliantie_stats import merge_empty_categories

    wide = pd.DataFrame({"x_a": [1.5, 2, 3], "x_b": [1, 2, 2]})
    with pytest.raises(ValueError, match=r"merge_empty_categories: column 'x_a' .*1\.5"):
        merge_empty_categories(wide, ["x"], ["_a", "_b"])


def test_merge_empty_categories_warning_names_the_function_called():
    from werkalliantie_stats import merge_empty_categories

    wide = pd.DataFrame({"x_a": [1, 2, 3], "x_b": [1, 2, 2]})
    with pytest.warns(EmptyCategoryWarning, match="^merge_empty_categories: item 'x'"):
        merge_empty_categories(wide, ["x"], ["_a", "_b"])
