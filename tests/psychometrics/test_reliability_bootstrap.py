"""Bootstrap alpha: exact per draw, reproducible with a seed, and in line with theory.

R's bootstrap draws cannot be reproduced, so instead: (1) every batched draw equals alpha
recomputed from the resampled rows themselves, (2) a seed fixes the draws, (3) with many
draws the bootstrap standard error and interval agree with Duhachek's asymptotic ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reliability_data import X1_X9, bfi_agreeableness, hs

from werkalliantie_stats.psychometrics import cronbach_alpha
from werkalliantie_stats.psychometrics._alpha_core import raw_alpha
from werkalliantie_stats.psychometrics._moments import weighted_pairwise_cov


def test_batched_draws_equal_alpha_of_resampled_rows_with_missing_values():
    x = bfi_agreeableness().to_numpy()
    rng = np.random.default_rng(7)
    idx = rng.integers(0, x.shape[0], size=(12, x.shape[0]))
    counts = np.stack([np.bincount(row, minlength=x.shape[0]) for row in idx]).astype(float)
    batched = raw_alpha(weighted_pairwise_cov(x, counts))
    direct = [raw_alpha(pd.DataFrame(x[row]).cov().to_numpy()) for row in idx]
    np.testing.assert_allclose(batched, direct, rtol=1e-10)


def test_seed_makes_the_bootstrap_reproducible():
    data = hs("x1", "x2", "x3")
    first = cronbach_alpha(data, ci="bootstrap", n_boot=200, seed=11)
    again = cronbach_alpha(data, ci="bootstrap", n_boot=200, seed=np.random.default_rng(11))
    other = cronbach_alpha(data, ci="bootstrap", n_boot=200, seed=12)
    np.testing.assert_array_equal(first.boot_alphas, again.boot_alphas)
    assert (first.ci_lower, first.ci_upper) == (again.ci_lower, again.ci_upper)
    assert not np.array_equal(first.boot_alphas, other.boot_alphas)
    assert first.boot_alphas.shape == (200,)


def _normal_items(n: int = 2000, k: int = 6, rho: float = 0.35, seed: int = 1) -> pd.DataFrame:
    cov = np.full((k, k), rho) + (1 - rho) * np.eye(k)
    x = np.random.default_rng(seed).multivariate_normal(np.zeros(k), cov, size=n)
    return pd.DataFrame(x, columns=[f"ver{i}" for i in range(1, k + 1)])


def test_bootstrap_agrees_with_duhachek_for_normal_items_and_many_draws():
    """Duhachek's ASE is normal-theory: for normal items the bootstrap must agree with it."""
    res = cronbach_alpha(_normal_items(), ci="bootstrap", n_boot=4000, seed=2024)
    boot_se = res.boot_alphas.std(ddof=1)
    assert abs(boot_se / res.ase - 1) < 0.05      # Monte Carlo error of 4000 draws ~1%
    np.testing.assert_allclose([res.ci_lower, res.ci_upper],
                               res.intervals.loc["duhachek", ["lower", "upper"]], atol=0.003)
    assert res.intervals.loc["bootstrap", "lower"] == res.ci_lower


def test_bootstrap_is_wider_than_normal_theory_for_non_normal_items():
    """HS x1-x9 are not normal: the bootstrap SE exceeds the ASE, and still covers alpha."""
    res = cronbach_alpha(hs(*X1_X9), ci="bootstrap", n_boot=2000, seed=2024)
    assert res.boot_alphas.std(ddof=1) > res.ase
    assert res.ci_lower < res.alpha < res.ci_upper


def test_bootstrap_interval_is_the_percentile_interval():
    res = cronbach_alpha(hs(*X1_X9), ci="bootstrap", n_boot=500, seed=3, level=0.9)
    np.testing.assert_allclose([res.ci_lower, res.ci_upper],
                               np.quantile(res.boot_alphas, [0.05, 0.95]), rtol=1e-12)


def test_resamples_with_undefined_alpha_are_dropped_with_a_warning():
    from werkalliantie_stats.exceptions import DroppedDataWarning

    nan = np.nan                         # a and b are answered together in 3 rows only
    data = pd.DataFrame({"a": [1, 2, 3, 4, 2, nan, nan, nan, nan, nan],
                         "b": [2, 2, 4, nan, nan, 1, 2, 3, 3, nan],
                         "c": [1, 3, 3, 4, 2, 1, 2, 4, 3, 5]})
    with pytest.warns(DroppedDataWarning, match="bootstrap resamples had an undefined"):
        res = cronbach_alpha(data, ci="bootstrap", n_boot=300, seed=4)
    assert np.isfinite(res.boot_alphas).all() and res.boot_alphas.size < 300
    assert np.isfinite([res.ci_lower, res.ci_upper]).all()


def test_too_few_defined_resamples_is_an_error():
    nan = np.nan                         # a and b are answered together in 2 rows only
    data = pd.DataFrame({"a": [1, 2, 3, 4, 2, nan, nan, nan, nan, nan],
                         "b": [2, 4, nan, nan, nan, 1, 2, 3, 3, nan],
                         "c": [1, 3, 3, 4, 2, 1, 2, 4, 3, 5]})
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="use ci='feldt'"):
        cronbach_alpha(data, ci="bootstrap", n_boot=10, seed=1)
