"""Reliability and client-officer agreement on the bundled synthetic study, against psych.

Fixture: tests/reference/psychometrics/reliability/synthetic_reference.json, written by
make_reliability_fixtures.R from data/synthetic/questionnaires.csv (com4, bin4, ver4
re-keyed as 6 - x), e.g. ``psych::alpha(x)`` per subscale x rater x wave. The items come
from ``Study.items(rater, wave, subscale)`` so that the re-keying is checked as well.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from reliability_data import read_reference_json

import werkalliantie_stats as ws
from werkalliantie_stats.psychometrics import (
    cronbach_alpha,
    item_analysis,
    rater_agreement,
    split_half,
)

RTOL = 1e-4


@cache
def _reference() -> dict:
    return read_reference_json("psychometrics/reliability/synthetic_reference.json")


@cache
def _study():
    return ws.load_synthetic()


def _items(subscale: str, rater: str, wave: int):
    return _study().items(rater=rater, wave=wave, subscale=subscale)


SCALES = list(_reference()["scales"])
AGREEMENT = list(_reference()["agreement"])


@pytest.mark.parametrize("key", SCALES)
def test_alpha_per_subscale_rater_and_wave_matches_psych(key):
    ref = _reference()["scales"][key]
    res = cronbach_alpha(_items(ref["subscale"], ref["rater"], ref["wave"]))
    alpha = ref["alpha"]
    assert res.n_obs == alpha["n_obs"] and list(res.items.index) == alpha["items"]
    for ours, theirs in [("alpha", "raw_alpha"), ("std_alpha", "std_alpha"), ("g6", "g6"),
                         ("average_r", "average_r"), ("ase", "ase"), ("mean", "mean"),
                         ("sd", "sd")]:
        np.testing.assert_allclose(getattr(res, ours), alpha["total"][theirs], rtol=RTOL,
                                   err_msg=ours)
    np.testing.assert_allclose([res.ci_lower, res.ci_upper],
                               [alpha["ci"][0]["feldt_lower"], alpha["ci"][0]["feldt_upper"]],
                               atol=1e-4)
    for ours, theirs in [("r_raw", "raw_r"), ("r_std", "std_r"), ("r_cor", "r_cor"),
                         ("r_drop", "r_drop")]:
        np.testing.assert_allclose(res.items[ours], alpha["item_stats"][theirs], rtol=RTOL)
    np.testing.assert_allclose(res.items["alpha_if_deleted"], alpha["alpha_drop"]["raw_alpha"],
                               rtol=RTOL)


@pytest.mark.parametrize("key", SCALES)
def test_item_analysis_and_split_half_match_psych(key):
    ref = _reference()["scales"][key]
    data = _items(ref["subscale"], ref["rater"], ref["wave"])
    table = item_analysis(data)
    for column in ("n", "mean", "sd", "median", "skew", "kurtosis", "se"):
        np.testing.assert_allclose(table.table[column], ref["describe"][column], rtol=RTOL,
                                   atol=1e-12, err_msg=column)
    np.testing.assert_allclose(table.frequencies.to_numpy(),
                               ref["alpha"]["response_freq"]["values"], rtol=RTOL)
    halves = split_half(data, splits="psych")
    np.testing.assert_allclose([halves.max_split, halves.min_split, halves.mean_split],
                               [ref["split"]["max_split"], ref["split"]["min_split"],
                                ref["split"]["mean_split"]], rtol=RTOL)


@pytest.mark.parametrize("key", AGREEMENT)
def test_client_officer_agreement_matches_r(key):
    ref = _reference()["agreement"][key]
    subscale, wave = key.rsplit("_", 1)
    client = _items(subscale, "client", int(wave)).mean(axis=1)
    officer = _items(subscale, "officer", int(wave)).mean(axis=1)
    both = client.index.intersection(officer.index)
    res = rater_agreement(client.loc[both].rename(subscale), officer.loc[both].rename(subscale))
    row = res.table.loc[subscale]
    for ours, theirs in [("n", "n"), ("r", "r"), ("r_lower", "r_lower"),
                         ("r_upper", "r_upper"), ("mean_diff", "mean_diff"),
                         ("diff_lower", "diff_lower"), ("diff_upper", "diff_upper"),
                         ("t_p_value", "t_p"), ("loa_lower", "loa_lower"),
                         ("loa_upper", "loa_upper")]:
        np.testing.assert_allclose(row[ours], ref[theirs], rtol=RTOL, err_msg=ours)
    full = res.icc_results[subscale].table
    np.testing.assert_allclose(full["icc"], ref["icc"]["icc"], rtol=RTOL)
    np.testing.assert_allclose(full["ci_lower"], ref["icc"]["lower"], rtol=RTOL)


def test_stroefheid_is_the_least_reliable_subscale_as_in_the_study():
    """Finding (2) of Menger & Donker, reproduced by the synthetic truth."""
    alphas = {name: cronbach_alpha(_items(name, "client", 1)).alpha
              for name in ("communicatie", "binding", "vertrouwen", "stroefheid")}
    assert min(alphas, key=alphas.get) == "stroefheid"
