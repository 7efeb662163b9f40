"""A tiny, valid hand-made study used to test validation one defect at a time."""

import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats import load_instrument

ITEMS = list(load_instrument().item_ids)


def tiny_tables():
    """Four dyads, three officers, both raters at wave 1 and dyad D1 also at wave 2."""
    rng = np.random.default_rng(7)
    dyads = [("D1", "C1", "O1"), ("D2", "C2", "O1"), ("D3", "C3", "O2"), ("D4", "C4", "O3")]
    rows = []
    for dyad, client, officer in dyads:
        for rater in ("client", "officer"):
            waves = (1, 2) if dyad == "D1" else (1,)
            for wave in waves:
                answers = dict(zip(ITEMS, rng.integers(1, 6, len(ITEMS)).tolist(), strict=True))
                rows.append({"dyad_id": dyad, "client_id": client, "officer_id": officer,
                             "rater": rater, "wave": wave, **answers})
    q = pd.DataFrame(rows)
    s = pd.DataFrame({
        "dyad_id": ["D1", "D2", "D3", "D4"], "client_id": ["C1", "C2", "C3", "C4"],
        "officer_id": ["O1", "O1", "O2", "O3"], "age": [25, 31, 40, 22],
        "gender": ["male", "female", "male", "male"], "prior_convictions": [0, 3, 1, 5],
        "substance_use": [0, 1, 0, 1], "risk_baseline": [10.5, 20.0, 15.0, 30.0],
        "officer_change": [0, 0, 1, 0], "planned_days": [730, 730, 365, 730],
        "dropout": [0, 1, 0, 1], "dropout_day": [np.nan, 200, np.nan, 300],
        "rearrest": [1, 0, 0, 1], "rearrest_day": [100, np.nan, np.nan, 250],
        "event": ["rearrest", "dropout", "none", "rearrest"],
        "event_day": [100, 200, 365, 250],
        "risk_followup": [12.0, 25.0, 14.0, 33.0], "risk_increase": [0, 1, 0, 1],
    })
    return q, s


@pytest.fixture
def tables():
    return tiny_tables()
