"""Bad input gets a clear error; statistical trouble gets a typed warning."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.exceptions import (
    ConvergenceWarning,
    EmptyCategoryWarning,
    HeywoodCaseWarning,
    NonPositiveDefiniteWarning,
)
from werkalliantie_stats.psychometrics import (
    bartlett_sphericity,
    efa,
    kmo,
    map_test,
    omega,
    parallel_analysis,
    pearson,
    polychoric,
)


@pytest.fixture
def likert():
    rng = np.random.default_rng(0)
    f = rng.normal(size=(200, 1))
    latent = 0.7 * f + 0.7 * rng.normal(size=(200, 6))
    return pd.DataFrame(np.digitize(latent, [-1, -0.3, 0.3, 1]) + 1,
                        columns=[f"i{k}" for k in range(6)]).astype(float)


def test_not_a_dataframe_is_a_type_error():
    with pytest.raises(TypeError, match="efa: `data` must be a pandas DataFrame"):
        efa(np.zeros((5, 3)), 1)


def test_constant_item_is_named(likert):
    data = likert.assign(i2=3.0)
    for func in (pearson, polychoric, kmo):
        with pytest.raises(ValueError, match=r"'i2'.*always 3"):
            func(data)


def test_all_missing_column_is_named(likert):
    data = likert.assign(i4=np.nan)
    with pytest.raises(ValueError, match=r"\['i4'\].*entirely missing"):
        efa(data, 1)


def test_non_numeric_codes_are_named(likert):
    data = likert.astype(object)
    data.loc[3, "i1"] = "agree"
    with pytest.raises(ValueError, match=r"'i1'.*'agree'"):
        polychoric(data)


def test_non_integer_codes_rejected_by_polychoric(likert):
    data = likert.copy()
    data.loc[0, "i0"] = 2.5
    with pytest.raises(ValueError, match=r"'i0'.*non-integer.*2\.5"):
        polychoric(data)


def test_too_many_categories_for_polychoric(likert):
    data = likert.copy()
    data.loc[0, "i0"] = 20
    with pytest.raises(ValueError, match="max_categories=8"):
        polychoric(data)


def test_fewer_rows_than_items(likert):
    with pytest.raises(ValueError, match="5 rows with responses but 6 items"):
        efa(likert.iloc[:5], 1)


def test_singular_correlation_matrix(likert):
    data = likert.assign(total=likert.sum(axis=1))
    with pytest.raises(ValueError, match="kmo: the correlation matrix of `data` is singular"):
        kmo(data)
    with pytest.raises(ValueError, match="singular"):
        bartlett_sphericity(data)


def test_too_many_factors_for_the_items(likert):
    with pytest.raises(ValueError, match=r"4 factors for 6 items leave -3 degrees.*at most 3"):
        efa(likert, 4)


def test_bad_options_are_named(likert):
    with pytest.raises(ValueError, match="`method`"):
        efa(likert, 1, method="wls")
    with pytest.raises(ValueError, match="`rotation`"):
        efa(likert, 2, rotation="bentler")
    with pytest.raises(TypeError, match="`n_factors`"):
        efa(likert, 1.5)
    with pytest.raises(ValueError, match="`correlation`"):
        kmo(likert, correlation="spearman")
    with pytest.raises(ValueError, match="`quantile`"):
        parallel_analysis(likert, quantile=1.5)
    with pytest.raises(ValueError, match="`fm`"):
        parallel_analysis(likert, fm="ml")
    with pytest.raises(ValueError, match="`missing`"):
        pearson(likert, missing="everything")
    with pytest.raises(ValueError, match="`max_factors`"):
        map_test(likert, max_factors=0)
    with pytest.raises(ValueError, match="`n_factors`"):
        omega(likert, 0)


def test_bartlett_needs_n_for_a_matrix(likert):
    with pytest.raises(ValueError, match="`n_obs`"):
        bartlett_sphericity(likert.corr())


@pytest.mark.parametrize("method", ["minres", "ml", "pa"])
def test_heywood_case_warns(method):
    # one-factor fit needs a loading^2 of .8 * .8 / .55 > 1 for item a
    r = pd.DataFrame([[1, .8, .8, .3], [.8, 1, .55, .3], [.8, .55, 1, .3], [.3, .3, .3, 1]],
                     index=list("abcd"), columns=list("abcd"))
    assert np.linalg.eigvalsh(r.to_numpy()).min() > 0
    with pytest.warns(HeywoodCaseWarning, match=r"\['a'\]"):
        efa(r, 1, method=method, n_obs=200)


def test_non_convergence_warns(likert):
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        efa(likert, 2, method="pa", max_iter=1)


def test_non_positive_definite_polychoric_is_smoothed():
    rng = np.random.default_rng(12)
    latent = rng.normal(size=(40, 1)) + 0.05 * rng.normal(size=(40, 6))
    data = pd.DataFrame(np.digitize(latent, [-0.5, 0.5]) + 1, columns=list("abcdef"))
    data.iloc[:3, 3:] = 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmptyCategoryWarning)
        with pytest.warns(NonPositiveDefiniteWarning, match="smoothed"):
            res = polychoric(data)
    assert res.smoothed
    assert np.linalg.eigvalsh(res.correlation.to_numpy()).min() > 0


def test_empty_cells_with_unequal_categories_warn():
    rng = np.random.default_rng(5)
    latent = rng.multivariate_normal([0, 0], [[1, .7], [.7, 1]], 60)
    items = pd.DataFrame({"a": np.digitize(latent[:, 0], [-1.5, 0, 1.5]) + 1,
                          "b": np.digitize(latent[:, 1], [-0.5, 0.5]) + 1})
    with pytest.warns(EmptyCategoryWarning, match="continuity correction"):
        polychoric(items)


def test_pair_never_observed_together():
    data = pd.DataFrame({"a": [1, 2, 3, 1, np.nan, np.nan, np.nan],
                         "b": [np.nan, np.nan, np.nan, np.nan, 1, 2, 3],
                         "c": [1, 2, 3, 2, 1, 3, 2]})
    with pytest.raises(ValueError, match="never observed together"):
        polychoric(data)


def test_polychoric_non_convergence_warns(likert, monkeypatch):
    import functools

    from werkalliantie_stats.psychometrics import correlation
    from werkalliantie_stats.psychometrics._polychoric import solve_rho

    monkeypatch.setattr(correlation, "solve_rho", functools.partial(solve_rho, max_iter=1))
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        polychoric(likert)
