"""Bad input and statistical trouble in cronbach_alpha, split_half and guttman."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from reliability_data import bfi, bfi_agreeableness, hs

from werkalliantie_stats.exceptions import ReverseKeyedItemWarning
from werkalliantie_stats.psychometrics import cronbach_alpha, guttman, split_half

FUNCS = [cronbach_alpha, split_half, guttman]


def _items() -> pd.DataFrame:
    return hs("x1", "x2", "x3")


@pytest.mark.parametrize("func", FUNCS)
def test_constant_item_is_an_error_naming_it(func):
    data = _items().assign(x4=3.0)
    with pytest.raises(ValueError, match=r"x4.*no variance.*3\.0"):
        func(data)


@pytest.mark.parametrize("func", [cronbach_alpha, split_half])
def test_fewer_than_two_items_is_an_error(func):
    with pytest.raises(ValueError, match=r"at least 2 item columns.*\['x1'\]"):
        func(hs("x1"))


def test_guttman_needs_three_items():
    with pytest.raises(ValueError, match=r"guttman: .*at least 3 item columns"):
        guttman(hs("x1", "x2"))


@pytest.mark.parametrize("func", FUNCS)
def test_all_missing_column_is_an_error(func):
    data = _items().assign(x9=np.nan)
    with pytest.raises(ValueError, match=r"\['x9'\].*entirely missing"):
        func(data)


@pytest.mark.parametrize("func", FUNCS)
def test_fewer_than_two_rows_is_an_error(func):
    with pytest.raises(ValueError, match="at least 2 rows"):
        func(_items().iloc[:1])


@pytest.mark.parametrize("func", FUNCS)
def test_non_numeric_values_are_named(func):
    data = _items().astype(object)
    data.loc[5, "x2"] = "vijf"
    with pytest.raises(ValueError, match=r"column 'x2'.*non-numeric.*'vijf'"):
        func(data)


@pytest.mark.parametrize("func", FUNCS)
def test_non_dataframe_is_a_type_error(func):
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        func(np.ones((5, 3)))


def test_items_never_observed_together_are_an_error():
    data = pd.DataFrame({"a": [1, 2, 3, np.nan, np.nan, np.nan],
                         "b": [np.nan, np.nan, np.nan, 1, 2, 4],
                         "c": [1, 3, 2, 4, 5, 4]})
    with pytest.raises(ValueError, match="'a' and 'b' are observed together"):
        cronbach_alpha(data)


@pytest.mark.parametrize("func", FUNCS)
def test_negatively_correlated_items_warn_with_advice(func):
    with pytest.warns(ReverseKeyedItemWarning, match=r"\['C4', 'C5'\].*reversed.*re-key"):
        func(bfi("C1", "C2", "C3", "C4", "C5"))


def test_rekeyed_items_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cronbach_alpha(bfi_agreeableness())


@pytest.mark.parametrize("kwargs, pattern", [
    ({"ci": "exact"}, "`ci` must be one of"),
    ({"level": 95}, r"`level` must be a number in \(0, 1\)"),
    ({"ci": "bootstrap", "n_boot": 3}, "`n_boot` must be an integer >= 10"),
    ({"correlation": "spearman"}, "`correlation` must be"),
    ({"correlation": "polychoric", "ci": "bootstrap"}, "use ci='feldt'"),
    ({"missing": "mean"}, "`missing` must be"),
])
def test_bad_options_are_named(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        cronbach_alpha(_items(), **kwargs)


def test_listwise_with_too_few_complete_rows_is_an_error():
    data = pd.DataFrame({"a": [1, 2, np.nan, 4], "b": [2, np.nan, 3, 4], "c": [1, 2, 3, np.nan]})
    with pytest.raises(ValueError, match="leaves 1 complete row"):
        cronbach_alpha(data, missing="listwise")


@pytest.mark.parametrize("func", FUNCS)
def test_input_is_not_modified(func):
    data = bfi_agreeableness()
    before = data.copy()
    func(data)
    pd.testing.assert_frame_equal(data, before)


def test_bad_splits_option_is_named():
    with pytest.raises(ValueError, match="split_half: `splits` must be"):
        split_half(_items(), splits="some")


def test_summary_and_frame_are_available():
    res = cronbach_alpha(_items())
    text = res.summary()
    assert "feldt" in text and "duhachek" in text and "r_drop" in text
    assert res.to_frame() is res.items
    assert "<pre>" in res._repr_html_()


def test_rows_without_any_answer_are_counted_like_psych_and_do_not_warn():
    data = _items()
    data.loc[7] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cronbach_alpha(data)
    assert res.n_obs == data.shape[0]                  # psych's nsub counts every row
    complete = cronbach_alpha(data.drop(index=7))
    np.testing.assert_allclose(res.alpha, complete.alpha, rtol=1e-12)
    np.testing.assert_allclose(res.mean, complete.mean, rtol=1e-12)
