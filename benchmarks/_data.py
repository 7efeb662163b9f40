"""Data for the benchmarks: the synthetic study, a documented item generator, outcome frames.

Every operation and its peers read the same frame (the harness writes it to CSV for R).

* ``study_items(n)``: client wave-1 items of ``simulate_tables(n, seed=1)`` (re-keyed
  com4/bin4/ver4, missing cells kept) -- the study's own shape, 20 items.
* ``likert_items(n, p)``: the item generator for the scaling runs. Four factors with
  correlations 0.4, ``p / 4`` items each, standardised loadings 0.7, thresholds
  (-1.3, -0.4, 0.4, 1.3) on the latent response, so five categories; complete data.
* ``outcome_frame(n)``: one row per supervision record with subscale means of the client's
  wave-1 ratings, built from ``simulate_tables``; above 26,700 records, rows of the
  26,700-record frame are resampled with replacement and each resampled block gets its own
  officer ids (so the number of clusters grows with n, as it would in a bigger register).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

SUBSCALES = ("com", "bin", "ver", "str")
ITEMS = [f"{s}{i}" for s in SUBSCALES for i in range(1, 6)]
REVERSED = ("com4", "bin4", "ver4")
PREDICTORS = ["com", "bin", "ver", "str", "age", "prior_convictions", "risk_baseline"]
SIMULATED_MAX = 26_700


@lru_cache(maxsize=4)
def _tables(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from werkalliantie_stats.simulate import simulate_tables

    questionnaires, supervision, _ = simulate_tables(n, seed=1)
    return questionnaires, supervision


def study_items(n: int = 267) -> pd.DataFrame:
    """Client wave-1 items of a simulated study of ``n`` dyads, re-keyed, gaps kept."""
    q = _tables(n)[0]
    items = q[(q["rater"] == "client") & (q["wave"] == 1)][ITEMS].astype(float)
    items.loc[:, list(REVERSED)] = 6 - items[list(REVERSED)]
    return items.reset_index(drop=True)


def likert_items(n: int, p: int = 20, seed: int = 2026) -> pd.DataFrame:
    """``n`` x ``p`` five-point items, four correlated factors (see module docstring)."""
    if p % 4:
        raise ValueError(f"likert_items: `p` must be a multiple of 4, got {p}")
    rng = np.random.default_rng(seed)
    phi = np.full((4, 4), 0.4) + 0.6 * np.eye(4)
    factors = rng.standard_normal((n, 4)) @ np.linalg.cholesky(phi).T
    loadings = np.kron(np.eye(4), np.full((p // 4, 1), 0.7))
    latent = factors @ loadings.T + rng.standard_normal((n, p)) * np.sqrt(1 - 0.49)
    codes = np.digitize(latent, [-1.3, -0.4, 0.4, 1.3]) + 1
    names = [f"{s}{i}" for s in SUBSCALES for i in range(1, p // 4 + 1)]
    return pd.DataFrame(codes.astype(float), columns=names)


def _simulated_outcomes(n: int) -> pd.DataFrame:
    q, supervision = _tables(n)
    client = q[(q["rater"] == "client") & (q["wave"] == 1)].set_index("dyad_id")[ITEMS]
    client = client.astype(float)
    client.loc[:, list(REVERSED)] = 6 - client[list(REVERSED)]
    scores = pd.DataFrame({s: client[[f"{s}{i}" for i in range(1, 6)]].mean(axis=1)
                           for s in SUBSCALES})
    frame = supervision.join(scores, on="dyad_id")
    keep = ["dyad_id", "officer_id", "gender", "event", "event_day", "dropout", "rearrest",
            *PREDICTORS]
    frame = frame[keep].dropna().reset_index(drop=True)
    frame["rearrest_first"] = (frame["event"] == "rearrest").astype(int)
    frame["event_code"] = frame["event"].map({"none": 0, "rearrest": 1, "dropout": 2})
    return frame


def outcome_frame(n: int) -> pd.DataFrame:
    """``n`` supervision records with subscale means and complete covariates."""
    if n <= SIMULATED_MAX:
        return _simulated_outcomes(n)
    base = _simulated_outcomes(SIMULATED_MAX)
    rng = np.random.default_rng(n)
    rows = rng.integers(0, len(base), n)
    frame = base.iloc[rows].reset_index(drop=True)
    block = np.arange(n) // len(base)
    frame["officer_id"] = frame["officer_id"] + "_" + block.astype(str)
    frame["dyad_id"] = np.arange(n).astype(str)
    return frame


def study_items_long(n: int = 267, complete: bool = True) -> pd.DataFrame:
    """Client and officer wave-1 items of ``n`` simulated dyads, re-keyed (complete rows
    only, unless ``complete=False``: then with their missing cells, for FIML)."""
    q = _tables(n)[0]
    q = q[q["wave"] == 1][["rater", *ITEMS]].copy()
    q.loc[:, list(REVERSED)] = 6 - q[list(REVERSED)]
    return (q.dropna() if complete else q).reset_index(drop=True)


def two_group_items(n: int, p: int = 20) -> pd.DataFrame:
    """Two groups of ``n`` (``rater`` client/officer) from :func:`likert_items` (seeds 2026/7).

    The simulated study cannot serve the ordinal invariance runs: com4 has an empty category
    among officers, which stops lavaan.
    """
    return pd.concat([likert_items(n, p, 2026).assign(rater="client"),
                      likert_items(n, p, 2027).assign(rater="officer")], ignore_index=True)


def factor_model(p: int = 20) -> str:
    """lavaan syntax: four factors, ``p / 4`` items each, named as :func:`likert_items`."""
    return "\n".join(f"{s} =~ " + " + ".join(f"{s}{i}" for i in range(1, p // 4 + 1))
                     for s in SUBSCALES)


def factor_pattern(p: int = 20) -> dict[str, list[str]]:
    return {s: [f"{s}{i}" for i in range(1, p // 4 + 1)] for s in SUBSCALES}
