"""Which estimator each invariance sequence of the reports uses, and what the page shows.

With validate's estimator="WLSMV" the paired client–officer and wave
sequences treat the items as ordered (longitudinal_invariance(estimator="WLSMV")); group
invariance across a supervision column stays on MLR + FIML (an empty category in one group
cannot be equated). ML/MLR choices are used for every sequence, as before. replicate keeps
the paired sequences on MLR + FIML (ordinal paired fits are listwise: ~75 of 267 dyads).
"""

from __future__ import annotations

import pandas as pd
import pytest

import werkalliantie_stats as ws
from werkalliantie_stats.pipelines.cfa_sections import CfaWork
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


def test_page_shows_scaled_columns_for_ordinal_tables():
    ordinal = pd.DataFrame(columns=["ntotal", "chisq", "cfi_scaled", "delta_cfi_scaled"])
    continuous = pd.DataFrame(columns=["chisq", "cfi", "delta_cfi"])
    assert _page_columns("invariance_raters", ordinal) == PAGE_COLUMNS["invariance_wlsmv"]
    assert "delta_cfi_scaled" in _page_columns("invariance_raters", ordinal)
    assert _page_columns("invariance_raters", continuous) == PAGE_COLUMNS["invariance"]
    assert _page_columns("cfa_fit", continuous) == PAGE_COLUMNS["cfa_fit"]
