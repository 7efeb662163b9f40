"""Properties of outcome_frame that hold for any study (checked on generated studies)."""

from __future__ import annotations

import numpy as np
import pytest

from werkalliantie_stats.outcomes import outcome_frame
from werkalliantie_stats.simulate import simulate_study


@pytest.fixture(scope="module", params=[5, 17])
def frame(request):
    return outcome_frame(simulate_study(n_dyads=120, seed=request.param))


RATING_COLUMNS = [f"{c}_{r}" for c in ("communicatie", "binding", "vertrouwen", "stroefheid",
                                       "index") for r in ("client", "officer", "both")]


@pytest.mark.parametrize("name", RATING_COLUMNS)
def test_z_scores_have_mean_0_sd_1_and_split_adds_up(frame, name):
    z = frame[f"{name}_z"]
    assert abs(z.mean()) < 1e-12 and abs(z.std(ddof=1) - 1) < 1e-12
    between, within = frame[f"{name}_between"], frame[f"{name}_within"]
    np.testing.assert_allclose(between + within, z, atol=1e-12)
    np.testing.assert_array_equal(between.isna(), z.isna())
    by_officer = frame.assign(b=between, w=within).dropna(subset=["b"]).groupby("officer_id")
    assert (by_officer["b"].nunique() == 1).all()          # constant within an officer
    np.testing.assert_allclose(by_officer["w"].sum(), 0.0, atol=1e-12)
    raw = frame[name]
    np.testing.assert_allclose(z, (raw - raw.mean()) / raw.std(ddof=1), atol=1e-12)


def test_both_is_the_mean_of_client_and_officer(frame):
    for c in ("communicatie", "stroefheid", "index"):
        expected = (frame[f"{c}_client"] + frame[f"{c}_officer"]) / 2
        np.testing.assert_allclose(frame[f"{c}_both"], expected)


def test_supervision_columns_come_first_and_unchanged(frame):
    assert list(frame.columns[:3]) == ["dyad_id", "client_id", "officer_id"]
    assert list(frame.index) == list(frame["dyad_id"])
    assert frame.index.name is None
