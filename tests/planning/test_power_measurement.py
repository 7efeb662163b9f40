"""Power of CFA fit and of client-vs-officer invariance (outcomes cfa_fit, invariance)."""

from __future__ import annotations

import argparse
import math

import matplotlib
import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.planning import cfa_analyses, power
from werkalliantie_stats.planning.cfa_analyses import (
    cfa_fit_rows,
    invariance_rows,
    merge_unshared_categories,
)
from werkalliantie_stats.planning.cli import add_power_parser
from werkalliantie_stats.planning.design import (
    DEPARTURE_ITEMS,
    check_effects,
    design_params,
    loading_departure,
)
from werkalliantie_stats.planning.measurement_power import (
    check_cutoffs,
    measurement_table_rows,
)
from werkalliantie_stats.simulate import SimulationParameters, simulate_tables
from werkalliantie_stats.simulate.layout import ITEMS

matplotlib.use("Agg")

NAN = math.nan


def _row(rep, analysis, term, estimate, p_value=NAN, failed=False, scale="fit_index",
         n_warnings=0):
    return {"cell": 0, "rep": rep, "analysis": analysis, "term": term, "scale": scale,
            "estimate": estimate, "std_error": NAN, "ci_lower": NAN, "ci_upper": NAN,
            "p_value": p_value, "n_warnings": n_warnings, "failed": failed}


def _fit_rep(rep, cfi, rmsea, p, failed=False, empty=0.0, nonconv=0.0, warn=0):
    return [_row(rep, "cfa_fit", "client:cfi_scaled", cfi, failed=failed, n_warnings=warn),
            _row(rep, "cfa_fit", "client:rmsea_scaled", rmsea, failed=failed),
            _row(rep, "cfa_fit", "client:chisq_scaled", 100.0, p, failed, "test"),
            _row(rep, "cfa_fit", "client:empty_category", empty, scale="diagnostic"),
            _row(rep, "cfa_fit", "client:nonconverged", nonconv, scale="diagnostic")]


CUT = check_cutoffs(None, "test")


def _by_term(rows):
    return {r["term"]: r for r in rows}


# ------------------------------------------------------------------ decision logic


def test_fit_criteria_separately_and_jointly_on_hand_made_replications():
    frame = pd.DataFrame(
        _fit_rep(0, 0.97, 0.03, 0.20)        # both met
        + _fit_rep(1, 0.96, 0.07, 0.01)      # CFI only; exact fit rejected
        + _fit_rep(2, 0.90, 0.05, 0.30)      # RMSEA only
        + _fit_rep(3, 0.95, 0.06, 0.04, empty=1.0, warn=2)  # both, at the cut-offs
        + _fit_rep(4, NAN, NAN, NAN, failed=True, nonconv=1.0, empty=1.0))
    rows = _by_term(measurement_table_rows(frame, alpha=0.05, cutoffs=CUT))
    assert set(rows) == {"client:cfi_scaled", "client:rmsea_scaled", "client:cfi_and_rmsea",
                         "client:chisq_scaled"}
    assert rows["client:cfi_scaled"]["power"] == pytest.approx(3 / 4)
    assert rows["client:rmsea_scaled"]["power"] == pytest.approx(3 / 4)
    assert rows["client:cfi_and_rmsea"]["power"] == pytest.approx(2 / 4)
    assert rows["client:chisq_scaled"]["power"] == pytest.approx(2 / 4)
    both = rows["client:cfi_and_rmsea"]
    assert both["reps"] == 4 and both["n_failed"] == 1
    assert both["mc_se"] == pytest.approx(math.sqrt(0.5 * 0.5 / 4))
    assert both["nonconverged"] == pytest.approx(1 / 5)      # over all replications
    assert both["empty_category"] == pytest.approx(2 / 5)
    assert both["warned"] == pytest.approx(1 / 4)
    assert rows["client:cfi_scaled"]["mean_estimate"] == pytest.approx(np.mean(
        [0.97, 0.96, 0.90, 0.95]))
    assert math.isnan(both["mean_estimate"])
    assert rows["client:cfi_scaled"]["criterion"] == "cfi_scaled >= 0.95"


def test_cutoffs_change_the_decisions_without_rerunning():
    frame = pd.DataFrame(_fit_rep(0, 0.93, 0.07, 0.2) + _fit_rep(1, 0.91, 0.09, 0.2))
    loose = check_cutoffs({"cfi": 0.90, "rmsea": 0.08}, "test")
    rows = _by_term(measurement_table_rows(frame, alpha=0.05, cutoffs=loose))
    assert rows["client:cfi_scaled"]["power"] == 1.0
    assert rows["client:rmsea_scaled"]["power"] == 0.5
    assert rows["client:rmsea_scaled"]["criterion"] == "rmsea_scaled <= 0.08"


def _inv_rep(rep, p_metric, d_metric, p_scalar, d_scalar, failed=False, merged=0.0):
    values = {"metric:chisq_diff": (20.0, p_metric, "test"),
              "metric:delta_cfi_scaled": (d_metric, NAN, "fit_index"),
              "scalar:chisq_diff": (30.0, p_scalar, "test"),
              "scalar:delta_cfi_scaled": (d_scalar, NAN, "fit_index")}
    rows = [_row(rep, "invariance", t, NAN if failed else e, NAN if failed else p, failed, s)
            for t, (e, p, s) in values.items()]
    return [*rows, _row(rep, "invariance", "empty_category", merged, scale="diagnostic"),
            _row(rep, "invariance", "nonconverged", 0.0, scale="diagnostic")]


def test_invariance_rejection_by_difference_test_and_by_delta_cfi():
    frame = pd.DataFrame(_inv_rep(0, 0.01, -0.02, 0.50, 0.00)
                         + _inv_rep(1, 0.20, -0.011, 0.04, -0.001, merged=1.0)
                         + _inv_rep(2, 0.30, 0.00, 0.60, 0.002)
                         + _inv_rep(3, 0.0, 0.0, 0.0, 0.0, failed=True))
    rows = _by_term(measurement_table_rows(frame, alpha=0.05, cutoffs=CUT))
    assert rows["metric:chisq_diff"]["power"] == pytest.approx(1 / 3)
    assert rows["metric:delta_cfi_scaled"]["power"] == pytest.approx(2 / 3)
    assert rows["scalar:chisq_diff"]["power"] == pytest.approx(1 / 3)
    assert rows["scalar:delta_cfi_scaled"]["power"] == 0.0
    assert rows["scalar:chisq_diff"]["n_failed"] == 1
    assert rows["metric:chisq_diff"]["empty_category"] == pytest.approx(1 / 4)
    assert rows["metric:chisq_diff"]["mean_estimate"] == pytest.approx(20.0)
    lo, hi = rows["metric:chisq_diff"]["power_ci_lower"], rows["metric:chisq_diff"][
        "power_ci_upper"]
    assert lo < 1 / 3 < hi


def test_every_replication_failed_gives_nan_rates_not_an_error():
    frame = pd.DataFrame(_fit_rep(0, NAN, NAN, NAN, failed=True, nonconv=1.0))
    rows = _by_term(measurement_table_rows(frame, alpha=0.05, cutoffs=CUT))
    assert rows["client:cfi_scaled"]["reps"] == 0
    assert math.isnan(rows["client:cfi_scaled"]["power"])
    assert rows["client:cfi_scaled"]["nonconverged"] == 1.0


# ------------------------------------------------------------------ merging categories


def test_categories_unused_by_one_group_are_merged_towards_the_shared_ones():
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4, 2, 3, 4, 5, np.nan],
                          "b": [1.0, 2, 1, 2, 1, 2, 1, 2, 1],
                          "g": ["x", "x", "x", "x", "y", "y", "y", "y", "y"]})
    before = frame.copy()
    merged, changed = merge_unshared_categories(frame, ["a", "b"], "g")
    pd.testing.assert_frame_equal(frame, before)            # input untouched
    assert changed
    assert len(merged) == 8                                  # listwise deletion
    assert merged["a"].tolist() == [2.0, 2, 3, 4, 2, 3, 4, 4]
    assert merged["b"].tolist() == frame["b"].iloc[:8].tolist()


def test_a_middle_gap_is_merged_with_the_next_lower_shared_category():
    """The rule of merge_empty_categories (one rule for occasions and groups)."""
    frame = pd.DataFrame({"a": [1.0, 2, 3, 5, 1, 3, 5, 5], "g": list("xxxxyyyy")})
    merged, changed = merge_unshared_categories(frame, ["a"], "g")
    assert changed and merged["a"].tolist() == [1.0, 1, 3, 5, 1, 3, 5, 5]


def test_nothing_to_merge_leaves_codes_alone():
    frame = pd.DataFrame({"a": [1.0, 2, 1, 2], "g": list("xxyy")})
    merged, changed = merge_unshared_categories(frame, ["a"], "g")
    assert not changed and merged["a"].tolist() == [1.0, 2, 1, 2]


# ------------------------------------------------------------------ one replication


@pytest.fixture(scope="module")
def quest():
    return simulate_tables(150, seed=21)[0]


def test_cfa_fit_rows_report_scaled_indices_and_diagnostics(quest):
    rows = pd.DataFrame(cfa_fit_rows(quest, "officer")).set_index("term")
    assert list(rows.index) == ["officer:cfi_scaled", "officer:rmsea_scaled",
                                "officer:chisq_scaled", "officer:empty_category",
                                "officer:nonconverged"]
    assert not rows["failed"].any()
    assert 0.8 < rows.loc["officer:cfi_scaled", "estimate"] <= 1
    assert 0 <= rows.loc["officer:rmsea_scaled", "estimate"] < 0.1
    assert 0 < rows.loc["officer:chisq_scaled", "p_value"] < 1
    assert rows.loc["officer:nonconverged", "estimate"] == 0.0
    assert rows.loc["officer:empty_category", "estimate"] in (0.0, 1.0)
    assert (rows["scale"].iloc[3:] == "diagnostic").all()


def test_cfa_fit_rows_match_a_direct_wlsmv_fit(quest):
    from werkalliantie_stats.instrument import load_instrument
    from werkalliantie_stats.psychometrics.cfa import cfa, instrument_model
    from werkalliantie_stats.study import Study

    study = Study(questionnaires=quest, supervision=None, instrument=load_instrument())
    direct = cfa(study.items(rater="client", wave=1), instrument_model(load_instrument()),
                 estimator="WLSMV").fit_measures
    rows = pd.DataFrame(cfa_fit_rows(quest, "client")).set_index("term")["estimate"]
    assert rows["client:cfi_scaled"] == direct["cfi_scaled"]
    assert rows["client:rmsea_scaled"] == direct["rmsea_scaled"]


def test_a_fit_that_raises_is_a_failed_replication_not_a_dropped_one(quest, monkeypatch):
    def boom(*args, **kwargs):
        raise ValueError("cfa: every group must use the same categories")

    monkeypatch.setattr(cfa_analyses, "cfa", boom)
    rows = pd.DataFrame(cfa_fit_rows(quest, "client")).set_index("term")
    assert rows.loc[["client:cfi_scaled", "client:rmsea_scaled"], "failed"].all()
    assert not rows.loc["client:nonconverged", "failed"]
    assert rows.loc["client:nonconverged", "estimate"] == 0.0

    monkeypatch.setattr(cfa_analyses, "measurement_invariance", boom)
    inv = pd.DataFrame(invariance_rows(quest)).set_index("term")
    assert inv.loc[["metric:chisq_diff", "scalar:chisq_diff"], "failed"].all()


def test_a_fit_that_does_not_converge_is_failed_and_counted(quest, monkeypatch):
    from werkalliantie_stats.exceptions import ConvergenceWarning

    real = cfa_analyses.cfa

    def unconverged(*args, **kwargs):
        import warnings
        warnings.warn("DWLS did not converge", ConvergenceWarning, stacklevel=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(cfa_analyses, "cfa", unconverged)
    rows = pd.DataFrame(cfa_fit_rows(quest, "client")).set_index("term")
    assert rows.loc["client:cfi_scaled", "failed"]
    assert rows.loc["client:cfi_scaled", "n_warnings"] >= 1
    assert rows.loc["client:nonconverged", "estimate"] == 1.0


def test_invariance_rows_hold_both_steps(quest):
    rows = pd.DataFrame(invariance_rows(quest)).set_index("term")
    assert list(rows.index) == ["metric:chisq_diff", "metric:delta_cfi_scaled",
                                "scalar:chisq_diff", "scalar:delta_cfi_scaled",
                                "empty_category", "nonconverged"]
    assert not rows["failed"].any()
    assert 0 <= rows.loc["metric:chisq_diff", "p_value"] <= 1
    assert math.isnan(rows.loc["metric:delta_cfi_scaled", "p_value"])


def test_invariance_merges_categories_one_rater_does_not_use():
    # at 120 dyads (about 65 complete questionnaires per rater) some extreme category is
    # nearly always used by one rater only; without merging the fit would raise
    q = simulate_tables(120, seed=4)[0]
    rows = pd.DataFrame(invariance_rows(q)).set_index("term")
    assert rows.loc["empty_category", "estimate"] == 1.0
    assert not rows["failed"].any()


# ------------------------------------------------------------------ design and arguments


def test_invariance_effect_lowers_the_officer_loadings_of_the_departure_items():
    base = SimulationParameters()
    p = design_params(base, ("invariance",), 0.2, None, recalibrate=True)
    for j, item in enumerate(ITEMS):
        drop = 0.2 if item in DEPARTURE_ITEMS else 0.0
        assert p.loadings_officer[j] == pytest.approx(base.loadings_client[j] - drop)
    assert p.loadings_client == base.loadings_client
    assert p.dropout_intercept == base.dropout_intercept   # no recalibration needed
    assert loading_departure(p) == pytest.approx(0.2)
    assert loading_departure(base) == 0.0
    assert design_params(base, ("invariance",), None, None, True) == base


@pytest.mark.parametrize(("outcomes", "effect", "match"), [
    (("invariance",), -0.1, r"\[0, 0\.5\)"),
    (("invariance",), 0.5, r"must lie in \[0, 0\.5\)"),
    (("invariance", "dropout"), 0.2, "separate calls"),
    (("cfa_fit",), 0.1, "leave it None"),
    (("dropout",), 0.0, "positive odds/hazard ratios"),
    (("invariance",), float("nan"), "finite"),
])
def test_bad_effects_are_refused(outcomes, effect, match):
    with pytest.raises(ValueError, match=match):
        check_effects(effect, outcomes, "power")


def test_bad_rater_and_cutoffs_are_refused():
    with pytest.raises(ValueError, match=r"power: `rater` must be .* got 'judge'"):
        power("cfa_fit", n_dyads=[60], reps=2, rater="judge", progress=False)
    with pytest.raises(ValueError, match=r"`cutoffs` keys must be among .* got 'srmr'"):
        power("cfa_fit", n_dyads=[60], reps=2, cutoffs={"srmr": 0.08}, progress=False)
    with pytest.raises(TypeError, match="`cutoffs` must be a mapping"):
        check_cutoffs(0.95, "power")
    with pytest.raises(ValueError, match=r"`cutoffs\['cfi'\]` must be a finite number"):
        check_cutoffs({"cfi": "high"}, "power")


def test_cli_accepts_the_new_outcomes_and_rater():
    parser = argparse.ArgumentParser(prog="werkalliantie")
    add_power_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["power", "--outcome", "cfa_fit", "invariance", "--rater",
                              "client", "officer", "--effect", "0", "0.2"])
    assert args.outcome == ["cfa_fit", "invariance"]
    assert args.rater == ["client", "officer"]
    assert args.effect == [0.0, 0.2]


# ------------------------------------------------------------------ whole runs

SMALL = dict(outcome=["cfa_fit", "invariance"], n_dyads=[100], reps=2, seed=8,
             chunk_size=1, effect=[0.3], rater=["client", "officer"], progress=False)


@pytest.fixture(scope="module")
def serial():
    return power(**SMALL)


def test_run_table_has_every_decision_with_diagnostics(serial):
    t = serial.table
    assert set(t["analysis"]) == {"cfa_fit", "invariance"}
    assert len(t) == 2 * 4 + 4
    assert (t["effect"] == 0.3).all()
    assert t["power"].between(0, 1).all()
    assert t["empty_category"].between(0, 1).all() and t["nonconverged"].between(0, 1).all()
    assert (t["reps"] + t["n_failed"] == 2).all()
    text = serial.summary()
    assert "empty_category" in text and "invariance" in text


def test_two_local_workers_give_identical_measurement_replications(serial):
    parallel = power(**SMALL, n_jobs=2)
    pd.testing.assert_frame_equal(serial.replications, parallel.replications)
    pd.testing.assert_frame_equal(serial.table, parallel.table)


def test_local_dask_cluster_gives_identical_measurement_replications(serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        res = power(**SMALL, backend="dask", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(serial.replications, res.replications)


def test_measurement_run_resumes_from_its_chunks(serial, tmp_path, monkeypatch):
    from werkalliantie_stats.planning import engine

    real, calls = engine.run_chunk, []

    def dies_on_second(*args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(engine, "run_chunk", dies_on_second)
    with pytest.raises(KeyboardInterrupt):
        power(**SMALL, out=tmp_path / "run")
    monkeypatch.setattr(engine, "run_chunk", real)
    resumed = power(**SMALL, out=tmp_path / "run")
    pd.testing.assert_frame_equal(serial.replications, resumed.replications)


def test_invariance_curves_draw_the_alpha_line_at_effect_zero():
    import matplotlib.pyplot as plt

    from werkalliantie_stats.plots.planning import power_curves

    res = power("invariance", n_dyads=[100, 130], reps=2, seed=2, effect=[0.0],
                progress=False)
    fig, ax = plt.subplots()
    power_curves(res, ax=ax, terms=["metric:chisq_diff", "scalar:chisq_diff"])
    labels = [ln.get_label() for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    assert labels == ["invariance metric (p < 0.05)", "invariance scalar (p < 0.05)"]
    dotted = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"]
    assert dotted and dotted[0].get_ydata()[0] == res.alpha
    assert ax.get_ylabel() == "probability"
    assert res.smallest_n.empty          # type I error rates are not sized
    plt.close(fig)


@pytest.mark.slow
def test_fit_probability_rises_with_n_and_departure_raises_rejections():
    fit = power("cfa_fit", n_dyads=[60, 400], reps=8, seed=13, progress=False).table
    both = fit[fit["term"] == "client:cfi_and_rmsea"].set_index("n_dyads")
    cfi = fit[fit["term"] == "client:cfi_scaled"].set_index("n_dyads")["mean_estimate"]
    assert cfi[400] > cfi[60]
    assert both.loc[400, "power"] >= both.loc[60, "power"]
    assert both.loc[400, "power"] == 1.0
    inv = power("invariance", n_dyads=[200], reps=4, seed=14, effect=[0.0, 0.4],
                progress=False).table
    metric = inv[inv["term"] == "metric:chisq_diff"].set_index("effect")
    assert metric.loc[0.4, "mean_estimate"] > metric.loc[0.0, "mean_estimate"]
    assert metric.loc[0.4, "power"] >= 0.5

