"""The whole replication pipeline and the package's import time.

Run: ``python3 benchmarks/bench_pipeline.py [--quick] [--scaling]`` (or all areas:
``python3 -m benchmarks``).

* ``replicate + report``: ``ws.replicate()`` on the bundled synthetic study and
  ``write_report`` of its result into a fresh temporary folder (HTML, Markdown, CSV). No
  peer does this whole job.
* ``import``: seconds of ``import werkalliantie_stats`` in a fresh interpreter (start-up
  excluded), next to the imports a user of the peers pays: lifelines, statsmodels.api,
  pingouin, factor_analyzer, and R's ``library(psych)``, ``library(lavaan)``,
  ``library(survival)`` in a fresh Rscript. Each run is a new process; median of the runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import pin_threads
else:
    from . import pin_threads
pin_threads()

from benchmarks._harness import Case, Peer, r_available  # noqa: E402
from benchmarks._peers import python_import_seconds, r_library_seconds  # noqa: E402

AREA = "pipeline"
SCALING = "dyads"


def replicate_and_write(study=None) -> None:
    import tempfile

    import werkalliantie_stats as ws
    from werkalliantie_stats.report.writer import write_report

    result = ws.replicate(study)
    with tempfile.TemporaryDirectory() as tmp:
        write_report(result, Path(tmp) / "report")


def _import_peers() -> list[Peer]:
    peers = [Peer(f"import {m}", python=lambda m=m: python_import_seconds(m), self_timed=True)
             for m in ("lifelines", "statsmodels.api", "pingouin", "factor_analyzer")]
    reason = "" if r_available() else "Rscript not found"
    peers += [Peer(f"R library({pkg})", python=lambda pkg=pkg: r_library_seconds((pkg,)),
                   self_timed=True, not_runnable=reason)
              for pkg in ("psych", "lavaan", "survival")]
    return peers


def cases(quick: bool = False) -> list[Case]:
    return [
        Case(AREA, "replicate() + write_report, synthetic study (267 dyads)",
             replicate_and_write, n=267, note="no peer"),
        Case(AREA, "import werkalliantie_stats (fresh process)",
             lambda: python_import_seconds("werkalliantie_stats"), peers=_import_peers(),
             self_timed=True),
    ]


def scaling_cases(n: int, p: int, quick: bool = False) -> list[Case]:
    import werkalliantie_stats as ws

    study = ws.simulate_study(n, seed=1)
    return [Case(AREA, "replicate() + write_report", lambda: replicate_and_write(study),
                 n=n, p=20)]


if __name__ == "__main__":
    from benchmarks.__main__ import run_area

    run_area(AREA)
