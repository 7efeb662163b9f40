"""Which estimator each invariance sequence of the reports uses, and what the page shows.

With estimator="WLSMV" (replicate's choice, and validate's option) the per-rater CFA and the
paired client–officer and wave sequences treat the items as ordered
(longitudinal_invariance(estimator="WLSMV", missing="pairwise"): every dyad rated on both
occasions, 267 for client vs officer instead of 75 complete ones); group invariance across a
supervision column stays on MLR + FIML (an empty category in one group cannot be equated).
ML/MLR choices are used for every sequence with FIML. An explicit invariance_estimator
still overrides the paired sequences' estimator.
"""

from __future__ import annotations

import pandas as pd
import pytest

import werkalliantie_stats as ws
from werkalliantie_stats.pipelines.cfa_sections import CfaWork, _missing
from werkalliantie_stats.report.html import PAGE_COLUMNS, _page_columns


@pytest.fixture(scope="module")
def study():
    return ws.load_synthetic()


@pytest.mark.parametrize(("estimator", "invariance", "paired", "groups"),
                         [("WLSMV", None, "WLSMV", "MLR"), ("MLR", None, "MLR", "MLR"),
                          ("ML", None, "ML", "ML"), ("WLSMV", "MLR", "MLR", "MLR")])
def test_estimator_per_sequence(study, estimator, invariance, paired, groups):
    work = CfaWork(study, estimator, "gender", jobs=1, invariance_estimator=invariance)
    assert work.estimator == estimator
    assert work.invariance_estimator == paired
    assert work.group_estimator == groups
    assert {"invariance_raters", "invariance_waves_client", "group_invariance_client"} <= set(
        work.tasks)


@pytest.mark.parametrize(("estimator", "missing"),
                         [("WLSMV", "pairwise"), ("MLR", "fiml"), ("ML", "fiml")])
def test_missing_data_handling_per_estimator(estimator, missing):
    assert _missing(estimator) == missing


def test_replicate_uses_ordinal_pairwise_paired_invariance(study, monkeypatch):
    """replicate fits the paired sequences with WLSMV (no MLR override any more)."""
    import importlib

    from werkalliantie_stats.pipelines import cfa_sections

    replicate = importlib.import_module("werkalliantie_stats.pipelines.replicate")
    seen = {}

    def spy(study, estimator="MLR", group=None, jobs=1, invariance_estimator=None):
        seen.update(estimator=estimator, invariance_estimator=invariance_estimator)
        return []

    monkeypatch.setattr(cfa_sections, "cfa_steps", spy)
    monkeypatch.setattr(replicate, "run_sections", lambda steps, progress: ({}, {}, []))
    replicate.replicate(study, progress=False)
    work = CfaWork(study, seen["estimator"], None, jobs=1,
                   invariance_estimator=seen["invariance_estimator"])
    assert work.estimator == work.invariance_estimator == "WLSMV"


def test_page_shows_scaled_columns_for_ordinal_tables():
    ordinal = pd.DataFrame(columns=["ntotal", "chisq", "cfi_scaled", "delta_cfi_scaled"])
    continuous = pd.DataFrame(columns=["chisq", "cfi", "delta_cfi"])
    assert _page_columns("invariance_raters", ordinal) == PAGE_COLUMNS["invariance_wlsmv"]
    assert "delta_cfi_scaled" in _page_columns("invariance_raters", ordinal)
    assert _page_columns("invariance_raters", continuous) == PAGE_COLUMNS["invariance"]
    assert _page_columns("cfa_fit", continuous) == PAGE_COLUMNS["cfa_fit"]
