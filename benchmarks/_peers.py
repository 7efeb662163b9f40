"""Probes for peers whose installed versions may not run (reported, never pinned)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def factor_analyzer_efa_problem() -> str:
    """Empty when ``FactorAnalyzer.fit`` works here, else why it does not."""
    import numpy as np
    import pandas as pd

    try:
        import sklearn
        from factor_analyzer import FactorAnalyzer
    except ImportError as exc:
        return f"not installed ({exc})"
    data = pd.DataFrame(np.random.default_rng(0).standard_normal((50, 6)))
    try:
        FactorAnalyzer(1, rotation=None).fit(data)
    except Exception as exc:  # the reason is the finding
        return (f"FactorAnalyzer.fit fails with scikit-learn {sklearn.__version__}: "
                f"{type(exc).__name__}: {exc}")
    return ""


def python_import_seconds(module: str) -> float:
    """Seconds of ``import module`` in a fresh interpreter (its start-up excluded)."""
    import subprocess
    import sys

    code = ("import time; t = time.perf_counter(); import " + module
            + "; print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                text=True, check=True).stdout)


def r_library_seconds(packages: tuple[str, ...]) -> float:
    """``system.time(library(...))`` in a fresh Rscript process (its start-up excluded)."""
    import subprocess

    load = "; ".join(f"library({p})" for p in packages)
    code = f"cat(system.time(suppressPackageStartupMessages({{{load}}}))[['elapsed']])"
    return float(subprocess.run(["Rscript", "-e", code], capture_output=True, text=True,
                                check=True).stdout)
