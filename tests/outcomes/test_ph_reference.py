"""ph_test checked against R's cox.zph (survival 3.5-3); tests within 1e-3 (we see ~1e-7)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from survival_frames import heart_frame, read_reference_json, rossi_frame

import werkalliantie_stats.outcomes as wo

REF = read_reference_json("outcomes/survival/cox_zph.json")
ROSSI7 = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


@pytest.fixture(scope="module")
def fits():
    r, h = rossi_frame(), heart_frame()
    return {
        "rossi": wo.cox(r, "week", "arrest", ROSSI7),
        "rossi_strata": wo.cox(r, "week", "arrest", ["fin", "age", "prio"], strata="race"),
        "heart_cluster": wo.cox(h, "stop", "event", ["age", "year", "surgery", "transplant"],
                                entry="start", cluster="id"),
        "rossi_weights": wo.cox(r, "week", "arrest", ["fin", "age", "prio"], weights="w"),
    }


CASES = [("rossi", "km"), ("rossi", "rank"), ("rossi", "identity"), ("rossi", "log"),
         ("rossi_strata", "km"),
         ("heart_cluster", "km"), ("rossi_weights", "km")]


@pytest.mark.parametrize(("model", "transform"), CASES)
def test_matches_cox_zph(fits, model, transform):
    # In R: cox.zph(fit, transform = transform)$table
    res = wo.ph_test(fits[model], transform=transform)
    ref = pd.DataFrame(REF[f"{model}_{transform}"])
    assert list(res.table["term"]) == list(ref["term"])
    assert res.table.index[-1] == "GLOBAL"
    np.testing.assert_allclose(res.table["chisq"], ref["chisq"], rtol=1e-3)
    np.testing.assert_array_equal(res.table["df"], ref["df"])
    np.testing.assert_allclose(res.table["p_value"], ref["p"], rtol=1e-3)


def test_data_and_arguments_give_the_same_test(fits):
    direct = wo.ph_test(rossi_frame(), "rank", duration="week", event="arrest",
                        predictors=ROSSI7)
    pd.testing.assert_frame_equal(direct.table, wo.ph_test(fits["rossi"], "rank").table)


def test_bad_transform_and_fit_are_rejected(fits):
    with pytest.raises(ValueError, match="transform"):
        wo.ph_test(fits["rossi"], transform="loglog")
    with pytest.raises(TypeError, match="CoxResult"):
        wo.ph_test("fit")
    with pytest.raises(TypeError, match="only used with a DataFrame"):
        wo.ph_test(fits["rossi"], duration="week")


def test_summary_names_the_transform(fits):
    text = wo.ph_test(fits["rossi"]).summary()
    assert "transform = km" in text and "GLOBAL" in text
