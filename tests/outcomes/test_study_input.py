"""Bad input, warnings, listwise deletion and data safety of the Study-level outcome layer."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import werkalliantie_stats as ws
from werkalliantie_stats.exceptions import DroppedDataWarning, FewEventsWarning
from werkalliantie_stats.outcomes import (
    outcome_frame,
    predictive_validity,
    rearrest_time_varying,
)
from werkalliantie_stats.study import Study

FAST = {"outcomes": "dropout", "specifications": "single"}


@pytest.fixture(scope="module")
def study():
    return ws.load_synthetic()


@pytest.fixture(scope="module")
def dropout_result(study):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedDataWarning)
        return predictive_validity(study, **FAST)


def _without_supervision(study):
    return Study(questionnaires=study.questionnaires, supervision=None,
                 instrument=study.instrument)


@pytest.mark.parametrize("func", [outcome_frame, predictive_validity, rearrest_time_varying])
def test_study_without_supervision_is_a_clear_error(study, func):
    with pytest.raises(ValueError, match=rf"{func.__name__}: the study has no supervision"):
        func(_without_supervision(study))


@pytest.mark.parametrize("func", [outcome_frame, predictive_validity, rearrest_time_varying])
def test_not_a_study_is_a_type_error(study, func):
    with pytest.raises(TypeError, match=rf"{func.__name__}: `study` must be a Study.*DataFrame"):
        func(study.supervision)


@pytest.mark.parametrize("kwargs, message", [
    ({"outcomes": "recidivism"}, r"`outcomes` must name some of .*'recidivism'"),
    ({"outcomes": ()}, r"`outcomes` must name some of"),
    ({"specifications": "mixed"}, r"`specifications` must name some of .*'mixed'"),
    ({"adjust": ("prior_convicions",)}, r"`adjust` column 'prior_convicions' is not in"),
    ({"adjust": "gender"}, r"`adjust` column 'gender' must be numeric .*'male'"),
    ({"level": 1.5}, r"`level` must be between 0 and 1, got 1.5"),
    ({"wave": 3}, r"`wave` must be one of the study's waves \[1, 2\], got 3"),
    ({"family": ("specification",)}, r"`family` must be"),
])
def test_bad_arguments_name_function_argument_and_value(study, kwargs, message):
    with pytest.raises(ValueError, match=rf"predictive_validity: {message}"):
        predictive_validity(study, **kwargs)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"predictor": "trust"}, ValueError, r"`predictor` must be one of .*'trust'"),
    ({"rater": "both raters"}, ValueError, r"`rater` must be one of .*'both raters'"),
    ({"wave2_day": -5}, ValueError, r"`wave2_day` must be positive, got -5"),
    ({"wave2_day": [200]}, TypeError, r"`wave2_day` must be a number, .* got list"),
    ({"wave2_day": "wave2"}, ValueError, r"`wave2_day` column 'wave2' is not in"),
])
def test_time_varying_bad_arguments(study, kwargs, error, message):
    with pytest.raises(error, match=rf"rearrest_time_varying: {message}"):
        rearrest_time_varying(study, **kwargs)


def test_wave2_day_as_number_series_or_column_agree(study):
    days = pd.Series(250, index=study.supervision["dyad_id"])
    sup = study.supervision.assign(w2=250)
    with_column = Study(study.questionnaires, sup, study.instrument)
    fits = [rearrest_time_varying(study, adjust=(), wave2_day=250, missing="drop"),
            rearrest_time_varying(study, adjust=(), wave2_day=days),
            rearrest_time_varying(with_column, adjust=(), wave2_day="w2")]
    for fit in fits[1:]:
        np.testing.assert_allclose(fit.table["estimate"], fits[0].table["estimate"], rtol=1e-12)
    later = rearrest_time_varying(study, adjust=(), wave2_day=400)
    assert later.n < fits[0].n        # fewer events after day 400 to split at


def test_few_events_warning_passes_through_with_the_model_named():
    small = ws.simulate_study(n_dyads=60, seed=3)
    with pytest.warns(FewEventsWarning, match=r"predictive_validity \(logistic of dropout on "
                      r"communicatie_client_z \+ prior_convictions \+ age \+ risk_baseline\)"):
        predictive_validity(small, **FAST)


def test_listwise_deletion_is_warned_once_and_counted(study):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = predictive_validity(study, **FAST)
    dropped = [w for w in caught if issubclass(w.category, DroppedDataWarning)]
    assert len(dropped) == 1
    assert "vertrouwen_client': 3" in str(dropped[0].message)
    frame = outcome_frame(study)
    assert res.missing["vertrouwen_client"] == frame["vertrouwen_client"].isna().sum() == 3
    row = res.table.query("predictor == 'vertrouwen' and rater == 'client' and not adjusted")
    assert int(row["n"].iloc[0]) == len(frame) - 3
    assert "vertrouwen_client 3" in res.summary()


def test_inputs_are_not_modified(study):
    before_q, before_s = study.questionnaires.copy(), study.supervision.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        predictive_validity(study, **FAST)
        rearrest_time_varying(study)
    pd.testing.assert_frame_equal(study.questionnaires, before_q)
    pd.testing.assert_frame_equal(study.supervision, before_s)


def test_summary_states_multiplicity_and_number_of_tests(dropout_result):
    text = dropout_result.summary()
    assert "Holm's step-down adjustment within each family (dropout / single: 32 tests)" in text
    assert "adjusted for: prior_convictions, age, risk_baseline" in text
    assert dropout_result.to_frame() is dropout_result.table
    assert list(dropout_result.table.columns[:14]) == [
        "outcome", "model", "response", "specification", "predictor", "rater", "term",
        "adjusted", "effect_type", "estimate", "ci_lower", "ci_upper", "p_value", "p_holm"]


def test_family_outcome_pools_every_specification(study):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedDataWarning)
        res = predictive_validity(study, outcomes="dropout", family="outcome")
    assert res.n_tests == {"dropout": len(res.table)}
    assert set(res.table["specification"]) == {"single", "raters together", "between/within"}


def test_level_changes_only_the_intervals(study, dropout_result):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedDataWarning)
        wide = predictive_validity(study, level=0.99, **FAST).table
    narrow = dropout_result.table
    np.testing.assert_allclose(wide["estimate"], narrow["estimate"])
    assert (wide["ci_upper"] > narrow["ci_upper"]).all()
    assert (wide["ci_lower"] < narrow["ci_lower"]).all()


def test_outcome_frame_wave2_and_classification_columns(study):
    frame = outcome_frame(study, wave=2)
    assert frame["vertrouwen_client"].isna().sum() > outcome_frame(study)[
        "vertrouwen_client"].isna().sum()   # dropouts before wave 2 have no wave-2 rating
    good = frame[["good", "good_client", "good_officer"]].dropna()
    assert set(np.unique(good.to_numpy())) <= {0.0, 1.0}
    both_good = (good["good_client"] == 1) & (good["good_officer"] == 1)
    np.testing.assert_array_equal(good["good"] == 1, both_good)


def test_separated_classification_is_flagged_as_a_firth_fit():
    """In a study of 60 dyads no 'good' dyad drops out: the logistic model of dropout on
    the classification is separated, fitted by Firth's method, and the row says so."""
    small = ws.simulate_study(n_dyads=60, seed=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = predictive_validity(small, **FAST)
    assert any("separated along ['good']" in str(w.message) for w in caught)
    flagged = res.table[res.table["firth"]]
    assert set(flagged["term"]) == {"good"} and len(flagged) == 2
    assert np.isfinite(flagged["estimate"]).all()
    assert "fitted by Firth's penalised likelihood" in res.summary()


def test_classification_without_good_dyads_gives_empty_rows_and_a_warning(study):
    """With cut-offs no dyad meets, 'good' is constant: those rows are NaN, the others are
    fitted, and the Holm family counts only the estimable tests."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = predictive_validity(study, high=5.0, low=1.0, **FAST)
    empty = [w for w in caught if issubclass(w.category, ws.exceptions.EmptyCategoryWarning)]
    assert len(empty) == 2 and "['good'] take(s) a single value" in str(empty[0].message)
    good = res.table[res.table["term"] == "good"]
    assert good[["estimate", "p_value", "p_holm"]].isna().all().all()
    assert (good["n"] > 250).all()
    assert res.table.loc[res.table["term"] != "good", "p_holm"].notna().all()
    assert res.n_tests == {"dropout / single": 30}


def test_estimator_errors_name_the_model(study):
    sup = study.supervision.assign(event=study.supervision["event"].replace("rearrest", "none"))
    no_arrests = Study(study.questionnaires, sup, study.instrument)
    with pytest.raises(ValueError, match=r"predictive_validity \(cause-specific Cox of rearrest "
                                         r"on communicatie_client_z\): .*'rearrest'"):
        predictive_validity(no_arrests, outcomes="rearrest", specifications="single")
