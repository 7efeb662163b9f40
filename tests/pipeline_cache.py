"""One replication and one validation per test session, shared by tests/pipelines,
tests/report and tests/cli (each takes a minute on the bundled study because of the
CFA invariance fits)."""

from functools import lru_cache

import werkalliantie_stats as ws


@lru_cache(maxsize=1)
def replication():
    return ws.replicate(progress=False)


@lru_cache(maxsize=1)
def validation():
    return ws.pipelines.validate(ws.load_synthetic(), estimator="ML", progress=False)
