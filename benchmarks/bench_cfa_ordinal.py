"""Side-by-side timing: ordinal sample statistics + DWLS (WLSMV) fit, ours vs lavaan.

Run: ``python3 benchmarks/bench_cfa_ordinal.py`` from the repository root.

Data: (1) the synthetic study (data/synthetic), client ratings at wave 1, complete cases
(160 x 20), four factors; (2) a simulated study-like set, 267 persons x 20 five-point items,
four factors of five items (seeded; all 267 rows complete); (3) bfi A1-A5 + C1-C5, listwise
(2632 x 10, six categories), two factors; (4) two simulated groups of 267 (like client and
officer), configural/metric/scalar and both scaled difference tests (the synthetic raters
cannot be used: com4 has an empty category among officers, which stops lavaan). lavaan is timed
inside R with ``system.time`` (R start-up excluded), medians over repeats.

BLAS threads are limited to one (set below, before numpy loads), as R's BLAS runs
single-threaded: on a shared two-core machine a multi-threaded OpenBLAS spends more time
spinning than computing on matrices this small (np.linalg.solve on 86 x 86 took ~40 ms
instead of ~0.1 ms under load).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from werkalliantie_stats.psychometrics.cfa.dwls import (  # noqa: E402
    fit_dwls,
    scaled_difference_test,
)
from werkalliantie_stats.psychometrics.cfa.ordinal import (  # noqa: E402
    ordinal_sample_statistics,
    simple_structure_model,
)
from werkalliantie_stats.psychometrics.cfa.ordinal_groups import (  # noqa: E402
    multigroup_simple_structure_model,
)

REPEATS = 15
REPEATS_INVARIANCE = 5  # lavaan needs seconds per run; keep the shared machine free


def study_like(seed: int = 2026) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    rng = np.random.default_rng(seed)
    phi = np.full((4, 4), 0.4) + 0.6 * np.eye(4)
    eta = rng.multivariate_normal(np.zeros(4), phi, size=267)
    pattern, columns = {}, {}
    for f, name in enumerate(["com", "bin", "ver", "str"]):
        items = [f"{name}{k}" for k in range(1, 6)]
        pattern[name] = items
        for item in items:
            y = 0.7 * eta[:, f] + np.sqrt(1 - 0.49) * rng.normal(size=267)
            columns[item] = np.digitize(y, [-1.5, -0.5, 0.4, 1.3]) + 1
    return pd.DataFrame(columns), pattern


def synthetic_client_wave1() -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """data/synthetic client ratings at wave 1, com4/bin4/ver4 re-keyed, complete cases."""
    q = pd.read_csv(ROOT / "data/synthetic/questionnaires.csv")
    pattern = {s: [f"{s}{k}" for k in range(1, 6)] for s in ("com", "bin", "ver", "str")}
    items = [i for its in pattern.values() for i in its]
    q = q[(q["wave"] == 1) & (q["rater"] == "client")][items].copy()
    for item in ("com4", "bin4", "ver4"):
        q[item] = 6 - q[item]
    return q.dropna(), pattern


def bfi_two_factor() -> tuple[pd.DataFrame, dict[str, list[str]]]:
    data = pd.read_csv(ROOT / "tests/reference/data/bfi.csv", skiprows=1)
    pattern = {"A": [f"A{k}" for k in range(1, 6)], "C": [f"C{k}" for k in range(1, 6)]}
    return data[pattern["A"] + pattern["C"]].dropna(), pattern


def invariance_data() -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Two groups of 267 (like client and officer ratings), same simulated structure."""
    first, pattern = study_like(2026)
    second, _ = study_like(2027)
    data = pd.concat([first.assign(rater="client"), second.assign(rater="officer")],
                     ignore_index=True)
    return data, pattern


def _single(data, pattern):
    stats = ordinal_sample_statistics(data)
    fit_dwls(stats, simple_structure_model(pattern, stats))


def _invariance(data, pattern):
    items = [i for its in pattern.values() for i in its]
    stats = ordinal_sample_statistics(data, items=items, group="rater")
    fits = [fit_dwls(stats, multigroup_simple_structure_model(pattern, stats, equal))
            for equal in ((), ("loadings",), ("loadings", "thresholds"))]
    scaled_difference_test(fits[0], fits[1])
    scaled_difference_test(fits[1], fits[2])


def time_ours(data: pd.DataFrame, pattern: dict[str, list[str]], grouped: bool = False
              ) -> float:
    def once():
        (_invariance if grouped else _single)(data, pattern)

    once()  # warm-up
    times = []
    for _ in range(REPEATS_INVARIANCE if grouped else REPEATS):
        start = time.perf_counter()
        once()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def time_lavaan(data: pd.DataFrame, pattern: dict[str, list[str]], grouped: bool = False
                ) -> float | None:
    if shutil.which("Rscript") is None:
        return None
    model = "\\n".join(f"{f} =~ {' + '.join(items)}" for f, items in pattern.items())
    items = [i for its in pattern.values() for i in its]
    ordered = "c(" + ", ".join(f'"{i}"' for i in items) + ")"
    if grouped:
        call = (f'{{f <- function(eq) cfa(m, data = d, ordered = {ordered}, '
                f'estimator = "WLSMV", group = "rater", group.equal = eq); '
                f'lavTestLRT(f(""), f("loadings"), f(c("loadings", "thresholds")))}}')
    else:
        call = f'cfa(m, data = d, ordered = {ordered}, estimator = "WLSMV")'
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.csv"
        data.to_csv(path, index=False)
        script = f"""
        suppressPackageStartupMessages(library(lavaan))
        d <- read.csv("{path}")
        m <- "{model}"
        invisible({call})
        t <- replicate({REPEATS_INVARIANCE if grouped else REPEATS},
                       system.time({call})[["elapsed"]])
        cat(median(t))
        """
        out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                             check=True)
    return float(out.stdout.strip().split()[-1])


def main() -> None:
    rows = []
    for label, (data, pattern), grouped in [
        ("WLSMV 4 factors, synthetic client w1 160 x 20", synthetic_client_wave1(), False),
        ("WLSMV 4 factors, 267 x 20 (simulated)", study_like(), False),
        ("WLSMV 2 factors, bfi 2632 x 10", bfi_two_factor(), False),
        ("WLSMV invariance 3 steps + 2 LRT, 2 x 267", invariance_data(), True),
    ]:
        ours = time_ours(data, pattern, grouped)
        peer = time_lavaan(data, pattern, grouped)
        rows.append((label, ours, peer))
    print(f"{'op':<48}| {'ours (median s)':>16} | {'lavaan (median s)':>18} | {'ratio':>6}")
    for label, ours, peer in rows:
        if peer is None:
            print(f"{label:<48}| {ours:>16.4f} | {'(no Rscript)':>18} | {'':>6}")
        else:
            print(f"{label:<48}| {ours:>16.4f} | {peer:>18.4f} | {peer / ours:>5.1f}x")


if __name__ == "__main__":
    main()
