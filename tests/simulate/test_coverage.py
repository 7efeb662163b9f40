"""Estimates from studies of the reference size cover the truth at the nominal rate.

400 studies of 267 dyads are drawn in one call (106,800 dyads, cut into consecutive
blocks of 267; an officer can straddle two blocks, which is immaterial) and, per block,
95% confidence intervals are computed in a vectorised way. The share of intervals that
cover the population value must be within 4 binomial SEs of 0.95:
sqrt(.95 * .05 / 400) = 0.011, so the accepted band is [0.906, 0.994]. Clustering by
officer inflates variances by < 4% (design effect 1 + 0.48 * ICC), which lowers the
expected coverage by < 0.005.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtri

from werkalliantie_stats.simulate import simulate_tables

N_STUDIES, N_DYADS = 400, 267
Z = float(ndtri(0.975))
BAND = 4 * np.sqrt(0.95 * 0.05 / N_STUDIES)
PREFIX = {"communicatie": "com", "binding": "bin", "vertrouwen": "ver", "stroefheid": "str"}
REVERSE = ("com4", "bin4", "ver4")


@pytest.fixture(scope="module")
def draws():
    quest, sup, truth = simulate_tables(N_STUDIES * N_DYADS, seed=404)
    wave1 = quest[quest["wave"] == 1]
    out = {"sup": sup, "pop": truth["population"]}
    for rater in ("client", "officer"):
        rows = wave1[wave1["rater"] == rater]
        items = rows.iloc[:, 5:].astype("float64")
        for item in REVERSE:
            items[item] = 6 - items[item]
        out[rater] = items.to_numpy().reshape(N_STUDIES, N_DYADS, 20)
    return out


def _assert_nominal(covered: np.ndarray) -> None:
    assert abs(covered.mean() - 0.95) < BAND, covered.mean()


@pytest.mark.parametrize("sub", list(PREFIX))
def test_client_officer_correlation_ci_coverage(draws, sub):
    s = list(PREFIX).index(sub)
    client = np.nanmean(draws["client"][:, :, 5 * s:5 * s + 5], axis=2)
    officer = np.nanmean(draws["officer"][:, :, 5 * s:5 * s + 5], axis=2)
    cc = client - client.mean(axis=1, keepdims=True)
    oc = officer - officer.mean(axis=1, keepdims=True)
    r = (cc * oc).sum(axis=1) / np.sqrt((cc**2).sum(axis=1) * (oc**2).sum(axis=1))
    half = Z / np.sqrt(N_DYADS - 3)
    target = np.arctanh(draws["pop"]["score_client_officer_correlation"][sub])
    _assert_nominal(np.abs(np.arctanh(r) - target) < half)


@pytest.mark.parametrize("item", ["com1", "bin4", "str3"])
def test_item_mean_ci_coverage(draws, item):
    j = [f"{p}{k}" for p in PREFIX.values() for k in range(1, 6)].index(item)
    x = draws["client"][:, :, j]
    n = np.sum(~np.isnan(x), axis=1)
    mean = np.nanmean(x, axis=1)
    se = np.nanstd(x, axis=1, ddof=1) / np.sqrt(n)
    target = draws["pop"]["item_means_keyed"]["client"][item]
    _assert_nominal(np.abs(mean - target) < Z * se)


@pytest.mark.parametrize(("column", "target"), [
    ("dropout", "dropout_rate"), ("rearrest", "rearrest_rate"),
    ("risk_increase", "risk_increase_rate"),
])
def test_outcome_rate_wilson_ci_coverage(draws, column, target):
    y = draws["sup"][column].to_numpy().reshape(N_STUDIES, N_DYADS)
    p_hat, n, p = y.mean(axis=1), N_DYADS, draws["pop"][target]
    centre = (p_hat + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * np.sqrt(p_hat * (1 - p_hat) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    _assert_nominal(np.abs(centre - p) < half)
