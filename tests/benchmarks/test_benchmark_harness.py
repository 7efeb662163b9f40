"""Smoke test of the benchmark harness (benchmarks/): one tiny operation, no R, no package.

Speed is never asserted (DESIGN.md §8); this checks that the harness still times, tabulates
and writes its results, so that ``python -m benchmarks`` cannot rot unnoticed.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from benchmarks import _harness as h
from benchmarks.__main__ import growth_table, parse_args, selected_areas, write_results

TINY = h.Settings(budget=0.01, max_repeats=3, min_repeats=1)


def _cases() -> list[h.Case]:
    x = np.arange(200.0)

    def boom():
        raise RuntimeError("peer broke")

    return [h.Case("smoke", "sum of 200 numbers", lambda: x.sum(), None,
                   [h.Peer("python builtin sum", python=lambda: sum(x)),
                    h.Peer("R sum", r="sum(1:200)"),
                    h.Peer("broken peer", python=boom),
                    h.Peer("absent peer", not_runnable="not installed here")], n=200)]


def test_run_cases_times_ours_and_reports_every_peer():
    rows = h.run_cases(_cases(), TINY, with_r=False, log=lambda _: None)
    assert list(rows["impl"]) == ["ours", "python builtin sum", "R sum", "broken peer",
                                  "absent peer"]
    ours, builtin, r_row, broken, absent = rows.to_dict("records")
    assert ours["median_s"] > 0 and ours["runs"] >= 1
    assert builtin["median_s"] > 0
    assert math.isnan(r_row["median_s"]) and r_row["note"] == "skipped: --no-r"
    assert broken["note"].startswith("error: RuntimeError: peer broke")
    assert absent["note"] == "not runnable: not installed here"


def test_side_by_side_ratio_is_peer_over_ours():
    rows = pd.DataFrame([
        {"area": "a", "op": "x", "impl": "ours", "median_s": 2.0, "note": ""},
        {"area": "a", "op": "x", "impl": "peer", "median_s": 6.0, "note": ""},
        {"area": "a", "op": "y", "impl": "ours", "median_s": 1.0, "note": "no peer"}])
    table = h.side_by_side(rows)
    assert table.loc[0, "ratio"] == pytest.approx(3.0)
    assert table.loc[1, "peer"] == "-" and math.isnan(table.loc[1, "ratio"])


def test_growth_exponent_recovers_a_power_law():
    n = np.array([267.0, 2670.0, 26700.0])
    assert h.growth_exponent(n, 1e-6 * n**1.5) == pytest.approx(1.5)
    assert math.isnan(h.growth_exponent(n[:1], n[:1]))


def test_median_seconds_batches_fast_calls_and_peak_memory_sees_allocations():
    seconds, runs = h.median_seconds(lambda: None, TINY)
    assert seconds < h.BATCH_BELOW and runs > 1
    assert h.peak_memory_mb(lambda: np.ones(2**20)) >= 7.9  # 8 MB of float64


def test_results_are_written(tmp_path):
    rows = h.run_cases(_cases(), TINY, with_r=False, log=lambda _: None)
    scaling = pd.DataFrame([
        {"area": "smoke", "op": "sum", "n": n, "p": None, "impl": "ours", "median_s": t,
         "runs": 1, "peak_mb": 1.0, "note": "", "series": "n", "size": n}
        for n, t in ((267, 0.01), (2670, 0.1))])
    env = {"date": "today", "command": "pytest", "machine": {"cores": 2},
           "threads": "BLAS threads: 1", "python": {"numpy": np.__version__}, "r": {}}
    write_results(tmp_path, env, rows, scaling)
    text = (tmp_path / "latest.md").read_text()
    assert "| sum of 200 numbers |" in text and "python builtin sum" in text
    assert "| sum | n | 267: 0.0100, 2,670: 0.1000 | 1.00 |" in text
    assert len(pd.read_csv(tmp_path / "latest.csv")) == 5
    saved = json.loads((tmp_path / "latest.json").read_text())
    assert saved["environment"]["command"] == "pytest" and len(saved["scaling"]) == 2
    assert growth_table(scaling).loc[0, "exponent"] == pytest.approx(1.0)


def test_cli_selects_areas_and_rejects_unknown_names(capsys):
    assert selected_areas(["survival"]) == ["outcomes_survival"]
    assert selected_areas(["cfa"]) == ["cfa"]
    assert selected_areas(["psychometrics"]) == ["psychometrics_factor",
                                                  "psychometrics_reliability"]
    assert parse_args(["--quick", "--only", "cfa"]).quick
    with pytest.raises(SystemExit):
        parse_args(["--only", "nonsense"])
    assert "unknown area 'nonsense'" in capsys.readouterr().err
