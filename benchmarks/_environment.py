"""Machine and version facts written at the top of every results file."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

PY_PACKAGES = ("numpy", "scipy", "pandas", "statsmodels", "lifelines", "factor_analyzer",
               "pingouin", "scikit-learn", "threadpoolctl")
R_PACKAGES = ("psych", "GPArotation", "polycor", "lavaan", "survival", "cmprsk", "sandwich",
              "pROC", "MASS", "mvtnorm")
ROOT = Path(__file__).resolve().parents[1]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _git_commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def _r_versions(r_available: bool) -> dict[str, str]:
    if not r_available:
        return {"R": "not found (R peers skipped)"}
    pkgs = ", ".join(f'"{p}"' for p in R_PACKAGES)
    code = (f"cat('R ', R.version$major, '.', R.version$minor, '\\n', sep = ''); "
            f"for (p in c({pkgs})) cat(p, tryCatch(format(packageVersion(p)), "
            f"error = function(e) 'missing'), '\\n')")
    done = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True,
                          check=False)
    return dict(line.strip().split(" ", 1) for line in done.stdout.splitlines() if " " in line)


def environment(command: str, r_available: bool, threads: str) -> dict:
    """Everything needed to read and reproduce a results file."""
    versions = {"python": platform.python_version(), "werkalliantie_stats": _git_commit()}
    for name in PY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": command,
            "machine": {"cpu": _cpu_model(), "cores": os.cpu_count(), "memory": _memory(),
                        "platform": platform.platform(),
                        "load average at start": " ".join(f"{x:.2f}" for x in load)},
            "threads": threads, "python": versions, "r": _r_versions(r_available)}
