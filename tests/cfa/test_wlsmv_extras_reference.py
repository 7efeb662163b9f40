"""Modification indices, factor scores and composite reliability of WLSMV fits against
lavaan 0.6.14 and semTools 0.5.6.

R (tests/reference/cfa/make_wlsmv_extras_fixtures.R)::

    fit <- cfa(model, data, ordered = TRUE, estimator = "WLSMV")   # + std.lv, labels,
                                                                    #   groups
    modindices(fit); lavPredict(fit)   # method "EBM"
    compRelSEM(fit, obs.var = TRUE/FALSE, ord.scale = TRUE/FALSE)

Tolerances (the brief's): MI and EPC 1e-3 relative (floor 0.01: a near-zero MI is a
squared near-zero gradient, so its absolute error is what matters), factor scores 1e-4
absolute, compRelSEM 1e-4 absolute. Largest deviations seen: MI 5.0e-4, EPC 7.1e-4
(relative, on MIs below 0.2), sepc 5.0e-4; compRelSEM 7.1e-7; factor scores 6.0e-6 from
the exact posterior modes.

Factor scores are compared with the exact posterior modes that the R script computes with
lavaan's objective (tight BFGS). lavPredict itself stops BFGS at reltol 1e-8, which leaves
its values up to 5e-4 from the mode (checked below: ours are nearer to R's exact modes than
lavPredict is). For group 2 of a multi-group fit lavaan 0.6.14 evaluates the items with
group 1's loadings and, with free scales/means, with standardised thresholds (see the R
script); we use each group's own matrices, so there only the exact modes are compared.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from ordinal_helpers import read_reference_csv, read_reference_json, synthetic_client_wave1

from werkalliantie_stats.psychometrics.cfa.api import cfa
from werkalliantie_stats.psychometrics.cfa.scores_ordinal import ebm_factor_scores

CASES = {
    "synthetic_client_wave1": {},
    "bfi_std_lv": {"std_lv": True},
    "bfi_labels_rescov": {},
    "bfi_orthogonal": {},
    "bfi_gender_configural": {"group": "gender"},
    "bfi_gender_scalar": {"group": "gender", "group_equal": ("loadings", "thresholds")},
}
WITH_SCORES = [c for c in CASES if c not in ("bfi_labels_rescov", "bfi_orthogonal")]
VARIANTS = {"obs_ord": (True, True), "implied_ord": (False, True),
            "obs_latent": (True, False), "implied_latent": (False, False)}


def _fit(name: str):
    ref = read_reference_json(f"cfa/wlsmv_extras/{name}.json")
    kwargs = CASES[name]
    if name.startswith("synthetic"):
        data = synthetic_client_wave1()
    else:
        bfi = read_reference_csv("data/bfi.csv")
        data = bfi[[*ref["items"], "gender"]].dropna()
        data = data if "group" in kwargs else data[ref["items"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cfa(data, ref["model"], estimator="WLSMV", **kwargs)
    return res, ref


_FITS: dict = {}


def _cached(name: str):
    if name not in _FITS:
        _FITS[name] = _fit(name)
    return _FITS[name]


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    return _cached(request.param)


def _rel(ours, theirs, floor=1e-2) -> float:
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    return float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), floor)))


# --------------------------------------------------------------------------- modindices


def test_modindices_rows_and_order_match_lavaan(case):
    res, ref = case
    ours, theirs = res.modification_indices(), pd.DataFrame(ref["modindices"])
    keys = ["lhs", "op", "rhs"] + (["group"] if "group" in theirs else [])
    theirs_keys = theirs[keys].astype({"group": int} if "group" in keys else {})
    assert ours[keys].values.tolist() == theirs_keys.values.tolist()


def test_modindices_values_match_lavaan(case):
    res, ref = case
    ours, theirs = res.modification_indices(), pd.DataFrame(ref["modindices"])
    assert _rel(ours["mi"], theirs["mi"]) < 1e-3
    assert _rel(ours["epc"], theirs["epc"]) < 1e-3
    assert _rel(ours["sepc_lv"], theirs["sepc_lv"]) < 1e-3
    assert _rel(ours["sepc_all"], theirs["sepc_all"]) < 1e-3
    # without exogenous covariates lavaan's sepc.nox is sepc.all, so we report only the latter
    np.testing.assert_array_equal(theirs["sepc_nox"], theirs["sepc_all"])


def test_modindices_report_freed_fixed_rows_as_lavaan():
    """Equal loadings make the scale factors of A3 and A4 testable (lavaan reports them);
    equal thresholds make the marker loadings and intercepts testable in each group."""
    res, _ = _cached("bfi_labels_rescov")
    ops = res.modification_indices()
    assert ops.loc[ops["op"] == "~*~", "lhs"].tolist() == ["A3", "A4"]
    scalar, _ = _cached("bfi_gender_scalar")
    rows = scalar.modification_indices()
    assert (rows["op"] == "~1").sum() == 20
    pairs = list(zip(rows["lhs"], rows["op"], rows["rhs"], strict=True))
    assert sum(p in {("A", "=~", "A1"), ("C", "=~", "C1")} for p in pairs) == 4
    assert not ((rows["op"] == "~~") & (rows["lhs"] == rows["rhs"])).any()
    orthogonal, _ = _cached("bfi_orthogonal")  # A ~~ 0*C is a fixed row: tested first
    assert orthogonal.modification_indices().iloc[0][["lhs", "op", "rhs"]].tolist() == [
        "A", "~~", "C"]


def test_modindices_sort_and_minimum():
    res, ref = _cached("synthetic_client_wave1")
    top = res.modification_indices(minimum_mi=4.0, sort=True)
    theirs = pd.DataFrame(ref["modindices"])
    assert len(top) == int((theirs["mi"] >= 4.0).sum())
    assert top["mi"].is_monotonic_decreasing
    assert top.iloc[0][["lhs", "op", "rhs"]].tolist() == ["bin", "=~", "com1"]


# --------------------------------------------------------------------------- compRelSEM


@pytest.mark.parametrize("name", WITH_SCORES)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_composite_reliability_matches_comprelsem(name, variant):
    res, ref = _cached(name)
    observed, ord_scale = VARIANTS[variant]
    ours = res.composite_reliability(observed=observed, ord_scale=ord_scale)
    theirs = pd.DataFrame(ref["comp_rel"][variant], index=range(1, ours.shape[1] + 1)).T
    np.testing.assert_allclose(ours.to_numpy(), theirs.loc[ours.index].to_numpy(), atol=1e-4,
                               rtol=0)


# --------------------------------------------------------------------------- factor scores


def _score_blocks(res, ref):
    blocks = ref["scores"] if isinstance(ref["scores"], list) else [ref["scores"]]
    scores = res.factor_scores()
    for g, block in enumerate(blocks):
        ours = scores if len(res.group_labels) == 1 else scores[
            scores["group"] == res.group_labels[g]]
        n = len(block["case_idx"])
        yield g, ours.iloc[:n], np.array(block["scores"]).T, np.array(block["exact_mode"]).T


@pytest.mark.parametrize("name", WITH_SCORES)
def test_factor_scores_are_the_posterior_modes(name):
    res, ref = _cached(name)
    for _, ours, _, exact in _score_blocks(res, ref):
        np.testing.assert_allclose(ours[res.lv_names].to_numpy(), exact, atol=1e-4, rtol=0)


@pytest.mark.parametrize("name", WITH_SCORES)
def test_factor_scores_match_lavpredict_in_group_one(name):
    res, ref = _cached(name)
    _, ours, lavaan, exact = next(_score_blocks(res, ref))
    diff = np.abs(ours[res.lv_names].to_numpy() - lavaan)
    assert np.quantile(diff, 0.95) < 1e-4
    assert diff.max() < 1e-3  # lavPredict's BFGS tolerance (module docstring)
    assert np.abs(ours[res.lv_names].to_numpy() - exact).max() < np.abs(lavaan - exact).max()


def test_factor_scores_keep_the_input_rows():
    res, ref = _cached("synthetic_client_wave1")
    scores = res.factor_scores()
    assert (scores.index.to_numpy() + 1).tolist() == ref["row_names"]
    assert list(scores.columns) == ["com", "bin", "ver", "str"]
    grouped, _ = _cached("bfi_gender_configural")
    assert grouped.factor_scores().columns[0] == "group"


def test_ebm_with_missing_items_matches_lavaan_pairwise():
    """lavaan (missing = "pairwise") scores incomplete cases from their observed items; we
    feed its fitted matrices to ebm_factor_scores."""
    ref = read_reference_json("cfa/wlsmv_extras/synthetic_pairwise.json")
    path = "data/synthetic/questionnaires.csv"
    q = pd.read_csv(__import__("pathlib").Path(__file__).resolve().parents[2] / path)
    items = ref["items"]
    data = q[(q["wave"] == 1) & (q["rater"] == "client")][items].copy()
    for item in ("com4", "bin4", "ver4"):
        data[item] = 6 - data[item]
    assert (data.index.to_numpy() + 1).tolist() == ref["row_names"]
    codes = np.column_stack([
        np.where(data[v].isna(), np.nan,
                 np.searchsorted(np.asarray(ref["categories"][v], float), data[v]) + 1)
        for v in items])
    owner = [name.split("|")[0] for name in ref["threshold_names"]]
    taus = [np.asarray(ref["thresholds"])[[o == v for o in owner]] for v in items]
    ours = ebm_factor_scores(codes, taus, np.array(ref["lambda"]).T, np.array(ref["psi"]).T,
                             np.asarray(ref["theta_diag"]))
    assert np.isnan(codes).any(axis=1).sum() > 100
    np.testing.assert_allclose(ours, np.array(ref["scores"]["exact_mode"]).T, atol=1e-4,
                               rtol=0)
    assert np.abs(ours - np.array(ref["scores"]["scores"]).T).max() < 1e-3


def test_lavpredict_group_two_uses_group_one_loadings():
    """The lavaan 0.6.14 behaviour we do not copy: its group-2 EBM scores are the modes
    computed with group 1's loadings (the R script recomputes them that way); ours are the
    modes with group 2's own loadings."""
    res, ref = _cached("bfi_gender_configural")
    _, block = ref["scores"]
    lavaan = np.array(block["scores"]).T
    np.testing.assert_allclose(lavaan, np.array(block["mode_group1_loadings"]).T, atol=1e-3,
                               rtol=0)
    scores = res.factor_scores()
    ours = scores[scores["group"] == res.group_labels[1]][res.lv_names].to_numpy()[:len(lavaan)]
    np.testing.assert_allclose(ours, np.array(block["exact_mode"]).T, atol=1e-4, rtol=0)
    assert np.abs(ours - lavaan).max() > 0.01
