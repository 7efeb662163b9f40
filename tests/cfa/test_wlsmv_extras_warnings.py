"""Warnings of WLSMV fits name the public function the user called (not internals)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.exceptions import HeywoodCaseWarning
from werkalliantie_stats.psychometrics.cfa.api import cfa
from werkalliantie_stats.psychometrics.cfa.invariance import measurement_invariance


def _heywood_data(seed: int = 11, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    corr = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, 0.5], [0.8, 0.5, 1.0]])
    latent = rng.multivariate_normal(np.zeros(3), corr, size=n)
    return pd.DataFrame(np.digitize(latent, [-0.5, 0.5]) + 1, columns=["x", "y", "z"])


def test_cfa_heywood_warning_names_cfa():
    with pytest.warns(HeywoodCaseWarning) as caught:
        cfa(_heywood_data(), "F =~ x + y + z", estimator="WLSMV")
    messages = [str(w.message) for w in caught if w.category is HeywoodCaseWarning]
    assert messages and all(m.startswith("cfa: negative residual variance") for m in messages)
    assert not any("fit_dwls" in m for m in messages)
    assert "['x']" in messages[0]


def test_invariance_heywood_warning_names_public_functions():
    one, two = _heywood_data(11, 1500), _heywood_data(12, 1500)
    data = pd.concat([one.assign(g="a"), two.assign(g="b")], ignore_index=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        measurement_invariance(data, "F =~ x + y + z", group="g", estimator="WLSMV",
                               steps=("configural", "metric"))
    messages = [str(w.message) for w in caught if w.category is HeywoodCaseWarning]
    assert messages
    assert not any("fit_dwls" in m for m in messages)
    assert any(m.startswith("measurement_invariance: negative residual") for m in messages)
