"""A partial benchmark run must not overwrite the committed full results."""

from __future__ import annotations

from benchmarks.__main__ import DEFAULT_OUT, parse_args


def test_full_run_writes_committed_results():
    assert parse_args([]).out == DEFAULT_OUT


def test_only_and_quick_runs_write_to_partial():
    assert parse_args(["--only", "cfa"]).out == DEFAULT_OUT / "partial"
    assert parse_args(["--quick"]).out == DEFAULT_OUT / "partial"


def test_explicit_out_wins(tmp_path):
    assert parse_args(["--only", "cfa", "--out", str(tmp_path)]).out == tmp_path
