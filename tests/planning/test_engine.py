"""The engine: same numbers for any worker count or backend; resumable Parquet runs."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from werkalliantie_stats.planning import engine, power
from werkalliantie_stats.planning.store import ChunkStore

SMALL = dict(outcome="dropout", n_dyads=[60], reps=6, seed=11, chunk_size=2, progress=False)


@pytest.fixture(scope="module")
def serial():
    return power(**SMALL, n_jobs=1)


def test_two_local_workers_give_identical_replications(serial):
    parallel = power(**SMALL, n_jobs=2)
    pd.testing.assert_frame_equal(serial.replications, parallel.replications)
    pd.testing.assert_frame_equal(serial.table, parallel.table)


def test_local_dask_cluster_gives_identical_replications(serial):
    distributed = pytest.importorskip("distributed")
    # processes: the warnings module is not thread-safe, so warning counts need one thread
    # per worker process (as recommended for real clusters: dask worker --nthreads 1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        res = power(**SMALL, backend="dask", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(serial.replications, res.replications)


def test_chunking_does_not_change_the_numbers(serial):
    other = power(**{**SMALL, "chunk_size": 5})
    pd.testing.assert_frame_equal(serial.replications, other.replications)


def test_interrupted_run_resumes_and_matches_uninterrupted(serial, tmp_path, monkeypatch):
    real, calls = engine.run_chunk, []

    def dies_on_third(*args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(engine, "run_chunk", dies_on_third)
    with pytest.raises(KeyboardInterrupt):
        power(**SMALL, out=tmp_path / "run")
    assert sorted(p.name for p in (tmp_path / "run").glob("chunk-*")) == [
        "chunk-000000.parquet", "chunk-000001.parquet"]
    assert not list((tmp_path / "run").glob(".*tmp"))
    calls.clear()
    monkeypatch.setattr(engine, "run_chunk", lambda *a: (calls.append(1), real(*a))[1])
    resumed = power(**SMALL, out=tmp_path / "run")
    assert len(calls) == 1  # only the missing chunk was computed
    pd.testing.assert_frame_equal(serial.replications, resumed.replications)


def test_partial_folder_copied_from_a_full_run_resumes(serial, tmp_path):
    power(**SMALL, out=tmp_path / "full")
    (tmp_path / "part").mkdir()
    for name in ("run.json", "chunk-000001.parquet"):
        shutil.copy(tmp_path / "full" / name, tmp_path / "part" / name)
    resumed = power(**SMALL, out=tmp_path / "part")
    pd.testing.assert_frame_equal(serial.replications, resumed.replications)


def test_folder_of_another_run_is_refused(tmp_path):
    power(**SMALL, out=tmp_path / "run")
    with pytest.raises(ValueError, match=r"power: `out` folder .* different run"):
        power(**{**SMALL, "seed": 12}, out=tmp_path / "run")


def test_non_run_folder_is_refused(tmp_path):
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(ValueError, match="not a run folder"):
        ChunkStore(tmp_path, {"a": 1}, "power")


def test_chunk_plan_never_spans_cells():
    plan = engine._chunk_plan(2, 5, 3)
    assert [len(c) for c in plan] == [3, 2, 3, 2]
    assert all(len({cell for cell, _ in chunk}) == 1 for chunk in plan)
