"""Coverage of the alpha intervals when the population alpha is known.

Parallel normal items with correlation rho have alpha = k rho / (1 + (k - 1) rho); Feldt's
interval is exact for them and Duhachek's is asymptotically right, so both must cover the
population value at close to the nominal rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.psychometrics import cronbach_alpha

K, RHO, N, REPS = 5, 0.3, 150, 400
POPULATION_ALPHA = K * RHO / (1 + (K - 1) * RHO)


@pytest.fixture(scope="module")
def results():
    rng = np.random.default_rng(20261128)
    cov = np.full((K, K), RHO) + (1 - RHO) * np.eye(K)
    draws = rng.multivariate_normal(np.zeros(K), cov, size=(REPS, N))
    return [cronbach_alpha(pd.DataFrame(x)) for x in draws]


@pytest.mark.parametrize("method", ["feldt", "duhachek"])
def test_interval_covers_population_alpha_at_the_nominal_rate(results, method):
    bounds = np.array([r.confidence_interval(method) for r in results])
    coverage = np.mean((bounds[:, 0] <= POPULATION_ALPHA) & (POPULATION_ALPHA <= bounds[:, 1]))
    standard_error = np.sqrt(0.95 * 0.05 / REPS)
    assert abs(coverage - 0.95) < 3.5 * standard_error, coverage


def test_alpha_is_nearly_unbiased(results):
    estimates = np.array([r.alpha for r in results])
    assert abs(estimates.mean() - POPULATION_ALPHA) < 4 * estimates.std() / np.sqrt(REPS)
