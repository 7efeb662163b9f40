"""Bad input to logistic()/lr_test(): clear errors naming function, argument, column, value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.outcomes import logistic, lr_test


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 200
    df = pd.DataFrame({"age": rng.normal(35, 8, n), "risk": rng.normal(size=n),
                       "officer": np.repeat([f"o{i}" for i in range(50)], 4),
                       "client": [f"c{i}" for i in range(n)],
                       "group": rng.choice(["low", "mid", "high"], n)})
    df["dropout"] = rng.binomial(1, 1 / (1 + np.exp(-0.5 * df.risk)))
    return df


def test_outcome_not_binary(frame):
    frame["dropout"] = frame["dropout"] + 1
    with pytest.raises(ValueError,
                       match=r"logistic: outcome 'dropout' must be coded 0/1.*e\.g\. 2\.0"):
        logistic(frame, "dropout", ["risk"])


def test_outcome_constant(frame):
    frame["dropout"] = 0
    with pytest.raises(ValueError, match="both 0s and 1s"):
        logistic(frame, "dropout", ["risk"])


def test_constant_predictor(frame):
    frame["age"] = 40.0
    with pytest.raises(ValueError, match=r"logistic: predictor 'age' is constant .*40\.0"):
        logistic(frame, "dropout", ["risk", "age"])


def test_unknown_column_suggests_near_miss(frame):
    with pytest.raises(ValueError, match=r"'rsik' \(did you mean 'risk'\?\)"):
        logistic(frame, "dropout", ["rsik"])


def test_non_numeric_text_predictor_is_treatment_coded(frame):
    res = logistic(frame, "dropout", ["risk", "group"])
    assert list(res.table.index) == ["Intercept", "risk", "group[low]", "group[mid]"]


def test_numbers_with_a_text_typo_rejected(frame):
    frame["age"] = frame["age"].astype(object)
    frame.loc[7, "age"] = "n/a"
    with pytest.raises(ValueError, match=r"logistic: column 'age' .* 1 non-numeric value.*'n/a'"):
        logistic(frame, "dropout", ["age"])


def test_text_predictor_with_too_many_levels(frame):
    with pytest.raises(ValueError, match=r"predictor 'client' has 200 distinct text values"):
        logistic(frame, "dropout", ["client"])


def test_missing_rows_dropped_and_counted(frame):
    frame.loc[[3, 8, 9], "risk"] = np.nan
    frame.loc[10, "dropout"] = np.nan
    before = frame.copy()
    res = logistic(frame, "dropout", ["risk"])
    assert res.n_dropped == 4 and res.n_obs == 196
    assert 3 not in res.fitted.index
    pd.testing.assert_frame_equal(frame, before)  # input untouched


def test_missing_raise(frame):
    frame.loc[[3, 8], "risk"] = np.nan
    with pytest.raises(ValueError,
                       match=r"logistic: missing values in column\(s\) 'risk' \(2 rows\)"):
        logistic(frame, "dropout", ["risk"], missing="raise")


def test_clusters_of_size_one(frame):
    with pytest.raises(ValueError, match=r"every cluster in `cluster` column 'client' holds one"):
        logistic(frame, "dropout", ["risk"], cluster="client")


def test_single_cluster(frame):
    frame["officer"] = "o1"
    with pytest.raises(ValueError, match="single cluster"):
        logistic(frame, "dropout", ["risk"], cluster="officer")


def test_profile_with_cluster_refused(frame):
    with pytest.raises(ValueError, match="ignores the clustering"):
        logistic(frame, "dropout", ["risk"], cluster="officer", ci="profile")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"ci": "boot"}, "`ci` must be 'wald' or 'profile'"),
    ({"firth": "yes"}, "`firth` must be True, False or 'auto'"),
    ({"missing": "skip"}, "`missing` must be 'drop' or 'raise'"),
    ({"cluster_type": "HC3"}, "`cluster_type` must be one of"),
    ({"level": 95}, "`level` must be between 0 and 1"),
])
def test_bad_options(frame, kwargs, message):
    with pytest.raises(ValueError, match=message):
        logistic(frame, "dropout", ["risk"], **kwargs)


def test_not_a_dataframe():
    with pytest.raises(TypeError, match="logistic: `data` must be a pandas DataFrame"):
        logistic({"y": [0, 1]}, "y", ["x"])


def test_predictors_type(frame):
    with pytest.raises(TypeError, match="`predictors` must be a column name"):
        logistic(frame, "dropout", [])


def test_collinear_predictors(frame):
    frame["risk2"] = 2 * frame["risk"]
    with pytest.raises(ValueError, match="linearly dependent"):
        logistic(frame, "dropout", ["risk", "risk2"])


def test_lr_test_needs_same_rows_and_nesting(frame):
    full = logistic(frame, "dropout", ["risk", "age"])
    other = frame.copy()
    other.loc[0, "risk"] = np.nan
    with pytest.raises(ValueError, match="different rows"):
        lr_test(full, logistic(other, "dropout", ["risk"]))
    with pytest.raises(ValueError, match="nested"):
        lr_test(logistic(frame, "dropout", ["risk"]), full)
    with pytest.raises(TypeError, match="LogisticResult"):
        lr_test(full, "reduced")


def test_summary_and_frame(frame):
    res = logistic(frame, "dropout", ["risk"], cluster="officer")
    text = res.summary()
    assert "cluster(officer, G=50; HC0, G/(G-1))" in text and "odds_ratio" in text
    assert res.to_frame().columns.tolist() == [
        "term", "estimate", "std_error", "statistic", "p_value", "ci_lower", "ci_upper",
        "odds_ratio", "or_ci_lower", "or_ci_upper"]
    assert "<pre>" in res._repr_html_()


def test_nullable_dtypes_and_missing_cluster_labels(frame):
    frame["dropout"] = frame["dropout"].astype("Int64")
    frame.loc[0, "dropout"] = pd.NA
    frame.loc[1, "officer"] = None
    res = logistic(frame, "dropout", ["risk"], cluster="officer")
    assert res.n_dropped == 2 and res.n_obs == 198 and res.n_clusters == 50


def test_bool_outcome_and_predictor(frame):
    frame["dropout"] = frame["dropout"].astype(bool)
    frame["flag"] = frame["risk"] > 0
    res = logistic(frame, "dropout", ["flag"])
    assert res.n_events == int(frame["dropout"].sum())
    assert list(res.table.index) == ["Intercept", "flag"]


def test_outcome_listed_as_predictor(frame):
    with pytest.raises(ValueError, match="outcome 'dropout' is also listed in `predictors`"):
        logistic(frame, "dropout", ["dropout", "risk"])
