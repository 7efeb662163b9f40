"""Names and shapes shared by the simulation modules: subscales, items, raters."""

from __future__ import annotations

import numpy as np

__all__ = ["ITEMS", "N_CATEGORIES", "POSITIVE", "RATERS", "REVERSE_ITEMS", "SUBSCALES",
           "item_subscale", "reverse_mask"]

SUBSCALES: tuple[str, ...] = ("communicatie", "binding", "vertrouwen", "stroefheid")
"""The four subscales, in the order used by every per-subscale field."""

PREFIXES: tuple[str, ...] = ("com", "bin", "ver", "str")
N_ITEMS_PER_SUBSCALE = 5
ITEMS: tuple[str, ...] = tuple(f"{p}{j}" for p in PREFIXES for j in range(1, 6))
"""Item ids com1..str5, the order of every per-item field."""

REVERSE_ITEMS: tuple[str, ...] = ("com4", "bin4", "ver4")
"""Reverse-worded items: their raw response is 6 - (positively keyed response)."""

RATERS: tuple[str, ...] = ("client", "officer")
N_CATEGORIES = 5
POSITIVE = (0, 1, 2)
"""Indices of the positive subscales (communicatie, binding, vertrouwen)."""


def item_subscale() -> np.ndarray:
    """Subscale index (0..3) of each item in ITEMS."""
    return np.repeat(np.arange(len(SUBSCALES)), N_ITEMS_PER_SUBSCALE)


def reverse_mask() -> np.ndarray:
    """Boolean per item in ITEMS: True for the reverse-worded items."""
    return np.array([item in REVERSE_ITEMS for item in ITEMS])
