"""measurement_invariance(estimator="WLSMV") against lavaan 0.6.14 + lavTestLRT.

R (tests/reference/cfa/wlsmv/make_wlsmv_invariance_fixtures.R)::

    fit <- function(eq) cfa(model, data = na.omit(bfi[, c(items, "gender")]),
                            ordered = TRUE, estimator = "WLSMV", group = "gender",
                            group.equal = eq)
    lavTestLRT(fit(""), fit("loadings"), fit(c("loadings", "thresholds")))

Tolerances: fit measures 2e-3 relative, difference tests 1e-3 relative (seen: < 1e-6).
Each step is a cfa(estimator="WLSMV", group=, group_equal=) fit (a CFAResult).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ordinal_helpers import read_reference_csv, read_reference_json

from werkalliantie_stats.exceptions import EmptyCategoryWarning
from werkalliantie_stats.psychometrics.cfa.invariance import measurement_invariance
from werkalliantie_stats.psychometrics.cfa.results import CFAResult

KEYS = ["npar", "chisq", "df", "chisq_scaled", "chisq_scaling_factor", "cfi", "tli",
        "rmsea", "srmr", "cfi_scaled", "tli_scaled", "rmsea_scaled", "cfi_robust",
        "tli_robust", "rmsea_robust"]


@pytest.fixture(scope="module")
def result():
    ref = read_reference_json("cfa/wlsmv/bfi_gender_invariance.json")
    bfi = read_reference_csv("data/bfi.csv")
    data = bfi[[*ref["items"], "gender"]].dropna()
    return measurement_invariance(data, ref["model"], group="gender", estimator="WLSMV"), ref


def test_steps_and_fits(result):
    res, _ = result
    assert res.table.index.tolist() == ["configural", "metric", "scalar"]
    assert all(isinstance(f, CFAResult) for f in res.fits.values())
    scalar = res.fits["scalar"].estimates
    assert ((scalar["op"] == "~*~") & (scalar["group"] == 2)).sum() == 10
    assert res.estimator == "WLSMV"


@pytest.mark.parametrize("step", ["configural", "metric", "scalar"])
@pytest.mark.parametrize("key", KEYS)
def test_fit_measures(result, step, key):
    res, ref = result
    theirs = ref["fit_measures"][step][key.replace("_", ".")]
    ours = res.table.loc[step, key]
    if theirs is None:  # lavaan: no robust (catML) indices once scale factors are free
        assert np.isnan(ours)
    else:
        assert np.isclose(ours, theirs, rtol=2e-3, atol=1e-8)


def test_difference_tests(result):
    res, ref = result
    lrt = ref["lrt"]
    assert np.isnan(res.table.loc["configural", "chisq_diff"])
    assert np.allclose(res.table["chisq_diff"].iloc[1:], lrt["chisq_diff"][1:], rtol=1e-3)
    assert res.table["df_diff"].iloc[1:].tolist() == lrt["df_diff"][1:]
    assert np.allclose(res.table["pvalue_diff"].iloc[1:], lrt["pvalue"][1:], rtol=1e-3)


def test_deltas(result):
    res, ref = result
    fm = ref["fit_measures"]
    assert np.isclose(res.table.loc["metric", "delta_cfi"],
                      fm["metric"]["cfi"] - fm["configural"]["cfi"], atol=1e-6)
    assert np.isclose(res.table.loc["scalar", "delta_rmsea"],
                      fm["scalar"]["rmsea"] - fm["metric"]["rmsea"], atol=1e-6)
    assert "WLSMV" in res.summary()


def _small():
    rng = np.random.default_rng(4)
    y = 0.8 * rng.normal(size=(400, 1)) + 0.6 * rng.normal(size=(400, 3))
    data = pd.DataFrame(np.digitize(y, [-0.5, 0.5]) + 1, columns=["a", "b", "c"])
    data["g"] = np.repeat(["x", "y"], 200)
    return data


def test_errors():
    data = _small()
    with pytest.raises(ValueError, match="no 'strict'"):
        measurement_invariance(data, "f =~ a + b + c", group="g", estimator="WLSMV",
                               steps=["configural", "strict"])
    with pytest.raises(ValueError, match="missing='fiml'"):
        measurement_invariance(data, "f =~ a + b + c", group="g", estimator="WLSMV",
                               missing="fiml")
    with pytest.raises(ValueError, match="'nope'"):
        measurement_invariance(data, "f =~ a + b + c", group="nope", estimator="WLSMV")


def test_partial_invariance_frees_a_threshold():
    data = _small()
    full = measurement_invariance(data, "f =~ a + b + c", group="g", estimator="WLSMV")
    part = measurement_invariance(data, "f =~ a + b + c", group="g", estimator="WLSMV",
                                  group_partial=["a|t1"])
    assert part.table.loc["scalar", "df"] == full.table.loc["scalar", "df"] - 1
    assert part.table.loc["scalar", "df_diff"] == full.table.loc["scalar", "df_diff"] - 1


def test_input_not_modified():
    data = _small()
    before = data.copy()
    measurement_invariance(data, "f =~ a + b + c", group="g", estimator="WLSMV")
    pd.testing.assert_frame_equal(data, before)


def test_category_empty_in_one_group_warns_then_stops():
    data = _small()
    data.loc[(data["g"] == "y") & (data["a"] == 3), "a"] = 2  # 'a' = 3 only in group x
    with pytest.warns(EmptyCategoryWarning, match="'a'.*group 'y'"), \
            pytest.raises(ValueError, match="differ between groups"):
        measurement_invariance(data, "f =~ a + b + c", group="g", estimator="WLSMV")
