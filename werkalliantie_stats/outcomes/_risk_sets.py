"""Risk-set sums for counting-process data without an n x T at-risk matrix.

Row ``i`` is at risk at time ``t`` when ``start_i < t <= stop_i`` (R's ``Surv(start, stop,
event)`` convention). Sums over risk sets are differences of reverse cumulative sums over
the rows sorted by ``stop`` and by ``start``; sums over the event times a row is at risk
for are differences of cumulative sums over the times. Both are O(n log n).

Rows may carry a time-varying multiplier ``m(t) * scale_i`` (``tv`` rows): the Fine–Gray
model keeps subjects who failed from a competing cause in the risk set with weight
``G(t-) / G(T_i-)``, which is exactly this form.
"""

from __future__ import annotations

import numpy as np

__all__ = ["RiskSets"]


class RiskSets:
    """Risk-set operators for one stratum at the sorted event times ``times``."""

    def __init__(self, start: np.ndarray, stop: np.ndarray, times: np.ndarray,
                 tv: np.ndarray | None = None, scale: np.ndarray | None = None,
                 multiplier: np.ndarray | None = None):
        self.start, self.stop, self.times = start, stop, times
        n = stop.shape[0]
        self.tv = np.zeros(n, dtype=bool) if tv is None else tv
        self.scale = np.ones(n) if scale is None else scale
        self.multiplier = np.ones(times.shape[0]) if multiplier is None else multiplier
        self._stop_order = np.argsort(stop, kind="stable")
        self._start_order = np.argsort(start, kind="stable")
        # first position in the sorted stops/starts that is >= t
        self._stop_pos = np.searchsorted(stop[self._stop_order], times, side="left")
        self._start_pos = np.searchsorted(start[self._start_order], times, side="left")
        # number of event times <= stop_i and <= start_i
        self._stop_k = np.searchsorted(times, stop, side="right")
        self._start_k = np.searchsorted(times, start, side="right")

    def _plain_sum(self, values: np.ndarray) -> np.ndarray:
        def tail_sums(order: np.ndarray, pos: np.ndarray) -> np.ndarray:
            v = values[order]
            cum = np.concatenate([np.cumsum(v[::-1], axis=0)[::-1],
                                  np.zeros((1, *v.shape[1:]))], axis=0)
            return cum[pos]
        return (tail_sums(self._stop_order, self._stop_pos)
                - tail_sums(self._start_order, self._start_pos))

    def sum(self, values: np.ndarray) -> np.ndarray:
        """``S(t) = sum over rows at risk at t of c_i(t) values_i`` for each event time."""
        fixed = np.where(self.tv.reshape(-1, *[1] * (values.ndim - 1)), 0.0, values)
        out = self._plain_sum(fixed)
        if self.tv.any():
            scaled = np.where(self.tv.reshape(-1, *[1] * (values.ndim - 1)),
                              values * self.scale.reshape(-1, *[1] * (values.ndim - 1)), 0.0)
            m = self.multiplier.reshape(-1, *[1] * (values.ndim - 1))
            out = out + m * self._plain_sum(scaled)
        return out

    def accumulate(self, h: np.ndarray) -> np.ndarray:
        """``A_i = sum over event times t at which row i is at risk of c_i(t) h(t)``."""
        def between(hh: np.ndarray) -> np.ndarray:
            cum = np.concatenate([np.zeros((1, *hh.shape[1:])), np.cumsum(hh, axis=0)], axis=0)
            return cum[self._stop_k] - cum[self._start_k]
        out = between(h)
        if self.tv.any():
            m = self.multiplier.reshape(-1, *[1] * (h.ndim - 1))
            tv_part = between(h * m) * self.scale.reshape(-1, *[1] * (h.ndim - 1))
            mask = self.tv.reshape(-1, *[1] * (h.ndim - 1))
            out = np.where(mask, tv_part, out)
        return out
