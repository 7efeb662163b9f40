"""KMO, Bartlett, parallel analysis and MAP against psych (KMO, cortest.bartlett,
fa.parallel, vss)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from werkalliantie_stats.psychometrics import (
    bartlett_sphericity,
    kmo,
    map_test,
    parallel_analysis,
)
from werkalliantie_stats.psychometrics._batched import (
    batched_correlation,
    batched_polychoric,
    one_factor_minres_values,
    one_factor_pa_values,
)
from werkalliantie_stats.psychometrics.extraction import extract


def test_kmo_matches_psych_on_hs(hs, ref):
    """R: psych::KMO(hs)."""
    fixture = ref("hs_factorability.json")
    res = kmo(hs)
    assert res.overall == pytest.approx(fixture["kmo_overall"], rel=1e-10)
    assert_allclose(res.per_item, fixture["kmo_per_item"], rtol=1e-10)
    assert list(res.per_item.index) == list(hs.columns)
    assert "Overall MSA" in res.summary()


def test_kmo_matches_psych_on_bfi_pairwise(bfi, ref):
    """R: psych::KMO(bfi[, 1:25]) (pairwise Pearson correlations)."""
    fixture = ref("bfi_poly.json")
    res = kmo(bfi)
    assert res.overall == pytest.approx(fixture["kmo_overall"], rel=1e-10)
    assert_allclose(res.per_item, fixture["kmo_per_item"], rtol=1e-10)


def test_bartlett_matches_psych(hs, ref):
    """R: psych::cortest.bartlett(cor(hs), n = 301)."""
    fixture = ref("hs_factorability.json")
    res = bartlett_sphericity(hs)
    assert res.statistic == pytest.approx(fixture["bartlett_chisq"], rel=1e-10)
    assert res.df == fixture["bartlett_df"]
    assert res.p_value == pytest.approx(fixture["bartlett_p"], rel=1e-8)
    assert "chisq = 904.10, df = 36" in res.summary()
    assert res.to_frame().loc[0, "df"] == 36
    from_matrix = bartlett_sphericity(hs.corr(), n_obs=301)
    assert from_matrix.statistic == pytest.approx(res.statistic, rel=1e-12)


def test_parallel_observed_eigenvalues_match_psych(hs, ref):
    """R: fa.parallel(hs)$pc.values and $fa.values (observed data: exact)."""
    fixture = ref("hs_retention.json")
    res = parallel_analysis(hs, n_iter=30, seed=3)
    assert_allclose(res.observed["components"], fixture["pc_values"], rtol=1e-10)
    assert_allclose(res.observed["factors"], fixture["fa_values"], rtol=1e-8, atol=1e-10)
    assert (res.n_factors, res.n_components) == (3, 3)  # psych: 3 and 3


@pytest.mark.parametrize(("case", "fm"), [("hs_shape_minres", "minres"),
                                          ("study_shape_minres", "minres"),
                                          ("hs_shape_pa", "pa")])
def test_random_eigenvalues_follow_psych_distribution(ref, case, fm):
    """Our random data differ from R's draws, so compare the Monte-Carlo distributions:
    means within 4 combined standard errors, spreads within 25%."""
    fixture = ref("parallel_distribution.json")[case]
    n, p, n_r = fixture["n"], fixture["p"], fixture["n_iter"]
    n_ours = 2000
    x = np.random.default_rng(99).standard_normal((n_ours, n, p))
    r = batched_correlation(x)
    pcs = np.linalg.eigvalsh(r)[:, ::-1]
    fas = one_factor_minres_values(r) if fm == "minres" else one_factor_pa_values(r)
    for ours, mean, sd in [(pcs, fixture["pc_mean"], fixture["pc_sd"]),
                           (fas, fixture["fa_mean"], fixture["fa_sd"])]:
        se = np.sqrt(np.asarray(sd) ** 2 / n_r + ours.std(axis=0, ddof=1) ** 2 / n_ours)
        assert np.all(np.abs(ours.mean(axis=0) - mean) < 4 * se)
        assert_allclose(ours.std(axis=0, ddof=1), sd, rtol=0.25)


def test_random_component_eigenvalues_have_known_expectation():
    """Eigenvalues of a null correlation matrix sum to p and average 1."""
    x = np.random.default_rng(1).standard_normal((500, 200, 6))
    values = np.linalg.eigvalsh(batched_correlation(x))
    assert_allclose(values.sum(axis=1), 6.0, rtol=1e-12)
    assert values.mean() == pytest.approx(1.0, abs=1e-12)


def test_batched_one_factor_agrees_with_single_fit_on_structured_data():
    rng = np.random.default_rng(4)
    f = rng.normal(size=(40, 300, 1))
    x = 0.7 * f + 0.7 * rng.normal(size=(40, 300, 8))
    r = batched_correlation(x)
    batched = one_factor_minres_values(r)
    single = np.stack([extract(m, 1, "minres").values for m in r])
    assert_allclose(batched, single, atol=1e-5)
    assert_allclose(one_factor_pa_values(r), np.stack([_psych_pa_unit_start(m) for m in r]),
                    atol=1e-12)


def _psych_pa_unit_start(r, min_err=0.001, max_iter=50):
    """psych's fa(r, 1, fm = "pa", SMC = FALSE)$values, written out loop by loop."""
    reduced = r.copy()
    comm = np.trace(reduced)
    for _ in range(max_iter):
        values, vectors = np.linalg.eigh(reduced)
        new = vectors[:, -1] ** 2 * values[-1]
        np.fill_diagonal(reduced, new)
        done = abs(comm - new.sum()) <= min_err
        comm = new.sum()
        if done:
            break
    return values[::-1]


def test_batched_pairwise_correlation_matches_pandas():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(3, 50, 4))
    x[rng.random(x.shape) < 0.1] = np.nan
    r = batched_correlation(x)
    for b in range(3):
        assert_allclose(r[b], pd.DataFrame(x[b]).corr().to_numpy(), rtol=1e-10)


def test_parallel_analysis_options(hs):
    res = parallel_analysis(hs, n_iter=20, quantile=None, resample=True, seed=1)
    assert {"resampled_components_mean", "resampled_factors_mean"} <= set(res.simulated)
    again = parallel_analysis(hs, n_iter=20, quantile=None, resample=True, seed=1)
    pd.testing.assert_frame_equal(res.simulated, again.simulated)
    pc_only = parallel_analysis(hs, n_iter=10, fa="pc", seed=1)
    assert pc_only.n_factors is None and "factors" not in pc_only.observed
    fa_only = parallel_analysis(hs, n_iter=10, fa="fa", fm="pa", seed=1)
    assert fa_only.n_components is None and list(fa_only.observed) == ["factors"]
    assert "suggests" in res.summary()


def test_parallel_analysis_resamples_polychoric(bfi):
    items = bfi.iloc[:400, :6]
    res = parallel_analysis(items, n_iter=4, resample=True, correlation="polychoric", seed=2)
    assert res.simulated["resampled_components_mean"].sum() == pytest.approx(6.0)


def test_map_matches_psych_vss(hs, ref):
    """R: psych::vss(hs, n = 8)$map."""
    expected = np.array(ref("hs_retention.json")["map"], dtype=float)
    res = map_test(hs)
    assert_allclose(res.map, expected[:len(res.map)], rtol=1e-10)
    assert res.n_factors == int(np.nanargmin(expected)) + 1
    assert "minimum" in res.summary()


def test_batched_polychoric_equals_one_at_a_time(bfi):
    from werkalliantie_stats.psychometrics import polychoric

    items = bfi[["A1", "A2", "A3", "A4", "C1"]].iloc[:300]
    rng = np.random.default_rng(1)
    draws = np.stack([items.to_numpy()[rng.integers(0, 300, 300)] for _ in range(4)])
    draws[2, :, 0] = np.minimum(draws[2, :, 0], 5)  # unequal categories: per-pair route
    codes = np.where(np.isnan(draws), -1, draws - 1).astype(int)
    batched = batched_polychoric(codes, 6)
    for b in range(4):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            single = polychoric(pd.DataFrame(draws[b], columns=items.columns)).correlation
        assert_allclose(batched[b], single.to_numpy(), atol=1e-9)


def test_parallel_analysis_from_a_correlation_matrix(hs, ref):
    """R: fa.parallel(cor(hs), n.obs = 301): simulated data only."""
    fixture = ref("hs_retention.json")
    res = parallel_analysis(hs.corr(), n_obs=301, n_iter=30, seed=3)
    assert_allclose(res.observed["factors"], fixture["fa_values"], rtol=1e-8, atol=1e-10)
    raw = parallel_analysis(hs, n_iter=30, seed=3)
    pd.testing.assert_frame_equal(res.simulated, raw.simulated)
    with pytest.raises(ValueError, match="`n_obs`"):
        parallel_analysis(hs.corr())
    with pytest.raises(ValueError, match="cannot be resampled"):
        parallel_analysis(hs.corr(), n_obs=301, resample=True)
