"""The fast concordance counts equal a brute-force double loop over all pairs."""

from __future__ import annotations

import numpy as np
import pytest

from werkalliantie_stats.outcomes.concordance import _stratum_counts


def _brute(start, stop, event, lp, w):
    n = stop.size
    counts, infl, tied_y = np.zeros(3), np.zeros((n, 3)), 0.0
    for i in range(n):
        if event[i] != 1:
            continue
        for j in range(n):
            if j == i or not (start[j] < stop[i] <= stop[j]):
                continue
            if event[j] == 1 and stop[j] == stop[i]:
                tied_y += w[i] * w[j] / 2
                continue
            k = 0 if lp[i] > lp[j] else (1 if lp[i] < lp[j] else 2)
            counts[k] += w[i] * w[j]
            infl[i, k] += w[j]
            infl[j, k] += w[i]
    return counts, infl, tied_y


@pytest.mark.parametrize("seed", range(5))
def test_counts_and_influence_equal_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 60
    start = np.where(rng.random(n) < 0.5, -np.inf, rng.integers(0, 10, n).astype(float))
    stop = np.maximum(start, 0) + rng.integers(1, 15, n)
    event = rng.integers(0, 2, n)
    lp = rng.integers(0, 4, n).astype(float)      # many ties in lp and in time
    w = rng.uniform(0.5, 2.0, n)
    fast = _stratum_counts(start, stop, event, lp, w)
    slow = _brute(start, stop, event, lp, w)
    np.testing.assert_allclose(fast[0], slow[0])
    np.testing.assert_allclose(fast[1], slow[1], atol=1e-12)
    np.testing.assert_allclose(fast[2], slow[2])
