"""split_half and guttman against psych::splitHalf / psych::guttman (psych 2.2.9).

Convention tested both ways: for an odd number of items psych 2.2.9 evaluates only the
first ceil(C(k, m)/2) half-subsets and divides by C(k, m)/2 (so its mean can exceed its
maximum: HS x1-x3); ``splits="psych"`` reproduces that, ``splits="all"`` (default) uses
every distinct split.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from reliability_data import SPLIT_CASES, reference

from werkalliantie_stats.psychometrics import guttman, split_half

RTOL = 1e-4


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # bfi_A_N mixes two traits on purpose
        return func(*args, **kwargs)


@pytest.mark.parametrize("key", list(SPLIT_CASES))
def test_psych_enumeration_matches_split_half(key):
    res = _quiet(split_half, SPLIT_CASES[key](), splits="psych")
    ref = reference()["split_half"][key]
    assert res.n_splits == ref["n_splits_evaluated"]
    for ours, theirs in [("max_split", "max_split"), ("min_split", "min_split"),
                         ("mean_split", "mean_split"), ("alpha", "alpha"),
                         ("lambda2", "lambda2"), ("lambda6", "lambda6"),
                         ("average_r", "average_r"), ("median_r", "median_r")]:
        np.testing.assert_allclose(getattr(res, ours), ref[theirs], rtol=RTOL, err_msg=ours)


@pytest.mark.parametrize("key", ["hs_x4_x7", "bfi_A_N"])
def test_even_item_counts_need_no_convention(key):
    data = SPLIT_CASES[key]()
    every = _quiet(split_half, data)
    ref = reference()["split_half"][key]
    k = data.shape[1]
    assert every.method == "all" and every.n_splits == math.comb(k, k // 2) // 2
    np.testing.assert_allclose([every.max_split, every.min_split, every.mean_split],
                               [ref["max_split"], ref["min_split"], ref["mean_split"]],
                               rtol=RTOL)


def _brute_force_splits(r: np.ndarray) -> list[float]:
    k = r.shape[0]
    out = []
    for subset in itertools.combinations(range(k), k // 2):
        a = np.zeros(k)
        a[list(subset)] = 1
        out.append(4 * a @ r @ (1 - a) / r.sum())
    return out


@pytest.mark.parametrize("key", ["hs_x1_x9", "hs_x1_x3", "bfi_N"])
def test_all_splits_for_odd_item_counts(key):
    data = SPLIT_CASES[key]()
    res = split_half(data)
    r = data.cov().pipe(lambda c: c / np.sqrt(np.outer(np.diag(c), np.diag(c)))).to_numpy()
    brute = _brute_force_splits(r)
    assert res.method == "all" and res.n_splits == len(brute)
    np.testing.assert_allclose(sorted(res.splits), sorted(brute), rtol=1e-12)
    np.testing.assert_allclose(res.mean_split, np.mean(brute), rtol=1e-12)
    ref = reference()["split_half"][key]
    assert res.max_split >= ref["max_split"] - 1e-12 and res.min_split <= ref["min_split"] + 1e-12


def test_psych_mean_can_exceed_its_maximum_for_three_items():
    ref = reference()["split_half"]["hs_x1_x3"]
    assert ref["mean_split"] > ref["max_split"]            # the psych artefact
    res = split_half(SPLIT_CASES["hs_x1_x3"]())
    assert res.min_split <= res.mean_split <= res.max_split


def test_best_and_worst_split_name_items():
    res = split_half(SPLIT_CASES["hs_x4_x7"]())
    assert set(res.best_split) | set(res.worst_split) <= {"x4", "x5", "x6", "x7"}
    assert len(res.best_split) == 2
    assert res.to_frame().loc["max_split", "estimate"] == res.max_split


def test_many_items_are_sampled_reproducibly():
    rng = np.random.default_rng(4)
    data = pd.DataFrame(rng.normal(size=(100, 1)) + rng.normal(size=(100, 18)),
                        columns=[f"i{j}" for j in range(18)])
    first = split_half(data, n_sample=500, seed=1)
    again = split_half(data, n_sample=500, seed=1)
    assert first.method == "sample" and first.n_splits == 500
    np.testing.assert_array_equal(first.splits, again.splits)


@pytest.mark.parametrize("key", list(SPLIT_CASES))
def test_guttman_lambdas_match_psych(key):
    res = _quiet(guttman, SPLIT_CASES[key](), splits="psych")
    ref = reference()["split_half"][key]["guttman"]
    names = ["lambda1", "lambda2", "lambda3", "lambda5", "lambda5p", "lambda6"]
    if key != "bfi_A_N":
        names += ["lambda4", "beta"]
    for name in names:
        np.testing.assert_allclose(getattr(res, name), ref[name], rtol=RTOL, err_msg=name)


def test_guttman_does_not_reverse_items_silently():
    """psych::guttman reverses negatively loading items for lambda 4 / beta; we warn instead."""
    from werkalliantie_stats.exceptions import ReverseKeyedItemWarning

    with pytest.warns(ReverseKeyedItemWarning, match="A1"):
        res = guttman(SPLIT_CASES["bfi_A_N"]())
    brute = _brute_force_splits(SPLIT_CASES["bfi_A_N"]().corr().to_numpy())
    np.testing.assert_allclose(res.lambda4, max(brute), rtol=1e-12)
    assert min(brute) < 0 and res.beta == 0.0             # beta is floored at zero
    psych_beta = reference()["split_half"]["bfi_A_N"]["guttman"]["beta"]
    assert psych_beta > 0                                 # psych reversed the N items first


def test_guttman_uses_pairwise_correlations_and_split_half_rescaled_covariances():
    """psych's own two conventions, which differ only with missing data (bfi N1-N5)."""
    data = SPLIT_CASES["bfi_N"]()
    ref = reference()["split_half"]["bfi_N"]
    np.testing.assert_allclose(guttman(data).lambda2, ref["guttman"]["lambda2"], rtol=RTOL)
    np.testing.assert_allclose(split_half(data).lambda2, ref["lambda2"], rtol=RTOL)
    assert abs(ref["guttman"]["lambda2"] - ref["lambda2"]) > 1e-5


def test_summary_names_the_best_and_worst_halves():
    res = split_half(SPLIT_CASES["hs_x4_x7"]())
    text = res.summary()
    assert f"best split, one half:  {', '.join(res.best_split)}" in text
    assert "splits evaluated: 3 (all)" in text


def test_guttman_with_many_items_is_reproducible_with_a_seed():
    rng = np.random.default_rng(8)
    data = pd.DataFrame(rng.normal(size=(80, 1)) + rng.normal(size=(80, 17)),
                        columns=[f"i{j}" for j in range(17)])
    first, again = guttman(data, seed=3), guttman(data, seed=3)
    assert first.lambda4 == again.lambda4 and first.beta == again.beta
    assert first.lambda4 >= first.lambda3 - 0.05        # best split near or above alpha
