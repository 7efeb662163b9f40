"""The one execution engine of power and coverage studies.

A run is a list of *cells* (a design: n_dyads, generating parameters, analyses) times
``reps`` replications. Replication ``k`` of the whole run (cell-major order) is seeded by
child ``k`` of ``numpy.random.SeedSequence(seed).spawn(n_cells * reps)``, so every
replication draws the same numbers whatever the chunking, the number of workers or the
backend. Replications are grouped in chunks (the unit of work sent to a worker and of
storage); chunks run in-process (``n_jobs=1``), on local processes through joblib/loky,
or on an existing dask.distributed cluster. With ``out`` each finished chunk is written
to a Parquet folder (:class:`~.store.ChunkStore`) and a rerun skips what is there.

Each replication counts the warnings its fits raise. Python's warnings machinery is not
thread-safe, so run Dask workers with one thread each (``dask worker --nthreads 1``,
``LocalCluster(threads_per_worker=1)``); estimates do not depend on it, the counts do.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from ..simulate import SimulationParameters
from .analyses import ROW_COLUMNS, replicate_once
from .progress import Progress
from .store import ChunkStore

__all__ = ["run_replications"]

BACKENDS = ("loky", "dask")


def _chunk_plan(n_cells: int, reps: int, chunk_size: int) -> list[list[tuple[int, int]]]:
    """Chunks of (cell, rep) pairs; a chunk never spans two cells."""
    plan = []
    for cell in range(n_cells):
        for start in range(0, reps, chunk_size):
            plan.append([(cell, r) for r in range(start, min(start + chunk_size, reps))])
    return plan


def run_chunk(cells: list[dict], chunk: list[tuple[int, int]], seeds: list,
              latent: bool) -> pd.DataFrame:
    """Run the replications of one chunk; returns tidy rows with ``cell`` and ``rep``.

    BLAS is limited to one thread while the chunk runs (in-process, loky or Dask
    worker alike): the matrices are small, parallelism comes from the workers, and
    threaded OpenBLAS made a single WLSMV fit up to 20x slower on a 2-core machine.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _run_chunk(cells, chunk, seeds, latent)


def _run_chunk(cells, chunk, seeds, latent) -> pd.DataFrame:
    rows = []
    params_cache: dict[int, SimulationParameters] = {}
    for (cell, rep), seed in zip(chunk, seeds, strict=True):
        design = cells[cell]
        if cell not in params_cache:
            params_cache[cell] = SimulationParameters(**design["params"])
        for row in replicate_once(design["n_dyads"], params_cache[cell],
                                  tuple(design["analyses"]), seed, latent=latent):
            rows.append({"cell": cell, "rep": rep, **row})
    return pd.DataFrame(rows, columns=["cell", "rep", *ROW_COLUMNS])


def _local(calls, n_jobs: int) -> Iterator[tuple[int, pd.DataFrame]]:
    if n_jobs == 1:
        for index, args in calls:
            yield index, run_chunk(*args)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator")
    indices = [index for index, _ in calls]
    yield from zip(indices, parallel(delayed(run_chunk)(*args) for _, args in calls),
                   strict=True)


def _dask(calls, scheduler) -> Iterator[tuple[int, pd.DataFrame]]:
    from dask.distributed import Client, as_completed

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        futures = {client.submit(run_chunk, *args, pure=False): index for index, args in calls}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        if client is not scheduler:
            client.close()


def run_replications(cells: list[dict], reps: int, seed: int, *, n_jobs: int = 1,
                     backend: str = "loky", scheduler=None, out=None, settings: dict,
                     latent: bool = False, chunk_size: int = 10, progress: bool = True,
                     func: str = "run_replications") -> pd.DataFrame:
    """Run ``reps`` replications of every cell; return all rows sorted by (cell, rep).

    ``cells`` are dicts with ``n_dyads``, ``params`` (``SimulationParameters.to_dict()``)
    and ``analyses``; ``settings`` identifies the run for the chunk store's hash.
    """
    plan = _chunk_plan(len(cells), reps, chunk_size)
    children = np.random.SeedSequence(seed).spawn(len(cells) * reps)
    store = ChunkStore(out, settings, func) if out is not None else None
    done = store.done() & set(range(len(plan))) if store else set()
    calls = [(i, (cells, chunk, [children[c * reps + r] for c, r in chunk], latent))
             for i, chunk in enumerate(plan) if i not in done]
    bar = Progress(len(cells) * reps, done=sum(len(plan[i]) for i in done), enabled=progress)
    frames = {}
    stream = _dask(calls, scheduler) if backend == "dask" else _local(calls, n_jobs)
    for index, frame in stream:
        if store:
            store.write(index, frame)
        else:
            frames[index] = frame
        bar.update(len(plan[index]))
    bar.close()
    if store:
        return store.read(range(len(plan)))
    return pd.concat([frames[i] for i in sorted(frames)], ignore_index=True)
