"""The synthetic study's wave-1 items (client and officer; com4, bin4, ver4 re-keyed as
6 - x) against psych: polychoric, KMO, Bartlett, EFA (Pearson and polychoric), parallel
analysis's observed eigenvalues, MAP and omega. R script: make_factor_fixtures.R."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factor_helpers import ref_matrix
from numpy.testing import assert_allclose

from werkalliantie_stats.psychometrics import (
    bartlett_sphericity,
    efa,
    kmo,
    map_test,
    omega,
    parallel_analysis,
    polychoric,
)

ITEMS = [f"{s}{i}" for s in ("com", "bin", "ver", "str") for i in range(1, 6)]
QUESTIONNAIRES = Path(__file__).resolve().parents[3] / "data" / "synthetic" / "questionnaires.csv"


@pytest.fixture(scope="module", params=["client", "officer"])
def case(request, ref):
    q = pd.read_csv(QUESTIONNAIRES)
    items = q[(q["rater"] == request.param) & (q["wave"] == 1)][ITEMS].reset_index(drop=True)
    for item in ("com4", "bin4", "ver4"):
        items[item] = 6 - items[item]
    return items, ref("synthetic_wave1.json")[request.param]


def test_polychoric_and_factorability(case):
    items, expected = case
    res = polychoric(items)
    assert_allclose(res.correlation, ref_matrix(expected["rho"]), atol=1e-4, rtol=0)
    ours, theirs = res.thresholds.to_numpy(), ref_matrix(expected["tau"]).to_numpy()
    unused = np.isnan(theirs)  # JSON null: psych's qnorm(0) / qnorm(1) of unused categories
    assert np.all(np.isinf(ours[unused]))
    assert_allclose(ours[~unused], theirs[~unused], atol=1e-12)
    k = kmo(items)
    assert k.overall == pytest.approx(expected["kmo_overall"], rel=1e-10)
    assert_allclose(k.per_item, expected["kmo_per_item"], rtol=1e-10)
    assert bartlett_sphericity(items).statistic == pytest.approx(expected["bartlett_chisq"],
                                                                 rel=1e-10)


def test_pearson_efa(case):
    items, expected = case
    fixture = expected["fa_pearson"]
    res = efa(items, 4)
    assert_allclose(res.loadings, ref_matrix(fixture["loadings"]), rtol=1e-6, atol=1e-9)
    assert_allclose(res.phi, ref_matrix(fixture["phi"]), rtol=1e-6, atol=1e-9)
    for ours, theirs in [("chisq", "statistic"), ("tli", "tli"), ("rmsr", "rms"),
                         ("bic", "bic"), ("chisq_empirical", "chi"), ("n_harmonic", "nh")]:
        assert res.fit[ours] == pytest.approx(fixture[theirs], rel=1e-6), ours
    head = np.array(fixture["scores_regression_head"], dtype=float)
    assert_allclose(res.scores.iloc[:5].to_numpy(), head, rtol=1e-6, atol=1e-10)


def test_polychoric_efa(case):
    items, expected = case
    fixture = expected["fa_poly"]
    res = efa(items, 4, correlation="polychoric")
    assert_allclose(res.loadings, ref_matrix(fixture["loadings"]), atol=2e-4, rtol=0)
    assert_allclose(res.phi, ref_matrix(fixture["phi"]), atol=2e-4, rtol=0)
    assert res.fit["chisq"] == pytest.approx(fixture["statistic"], rel=1e-3)
    assert res.fit["rmsea"] == pytest.approx(fixture["rmsea"][0], rel=1e-3)


def test_retention_and_omega(case):
    items, expected = case
    pa = parallel_analysis(items, n_iter=20, seed=1)
    assert_allclose(pa.observed["components"], expected["pc_values"], rtol=1e-10)
    assert_allclose(pa.observed["factors"], expected["fa_values"], rtol=1e-8, atol=1e-10)
    assert_allclose(map_test(items).map, np.array(expected["map"], dtype=float), rtol=1e-10)
    om = omega(items, 4)
    fixture = expected["omega"]
    assert om.omega_hierarchical == pytest.approx(fixture["omega_h"], rel=1e-6)
    assert om.omega_total == pytest.approx(fixture["omega_tot"], rel=1e-6)
    assert list(om.keys) == fixture["key"]
    assert_allclose(om.omega_group.to_numpy(),
                    ref_matrix(fixture["omega_group"]).to_numpy(), rtol=1e-6, atol=1e-12)


def test_four_factor_structure_is_recovered(case):
    """Finding (1) of the reference study: each subscale's five items share one factor and
    the four subscales get four different factors (the generator's truth)."""
    items, _ = case
    res = efa(items, 4, correlation="polychoric")
    primary = res.loadings.abs().idxmax(axis=1)
    blocks = [primary[[f"{s}{i}" for i in range(1, 6)]] for s in ("com", "bin", "ver", "str")]
    assert all(block.nunique() == 1 for block in blocks)
    assert len({block.iloc[0] for block in blocks}) == 4
    assert parallel_analysis(items, n_iter=100, seed=4).n_factors == 4
