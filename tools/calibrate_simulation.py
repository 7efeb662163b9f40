"""Re-derive the *calibrated* defaults of SimulationParameters and print them.

Run from the repository root:  python3 tools/calibrate_simulation.py
Paste the printed values into werkalliantie_stats/simulate/parameters.py. The starting
point is the current defaults (thresholds keep their item pattern, only the per-subscale
shift is solved); tests/simulate/test_calibration.py checks the stored values.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from werkalliantie_stats.simulate import SimulationParameters
from werkalliantie_stats.simulate.calibration import (
    calibrate_intercepts,
    calibrate_measurement,
)


def _fmt(values) -> str:
    return "(" + ", ".join(f"{v:.6f}" for v in values) + ")"


def main() -> None:
    params = calibrate_intercepts(calibrate_measurement(SimulationParameters()))
    print("_THRESHOLDS = (")
    for row in params.thresholds:
        print(f"    {_fmt(row)},")
    print(")")
    print("rater_correlation =", _fmt(params.rater_correlation))
    print("rater_mean_difference =", _fmt(params.rater_mean_difference))
    print(f"dropout_intercept = {params.dropout_intercept:.6f}")
    print(f"rearrest_log_scale = {params.rearrest_log_scale:.6f}")
    print(f"risk_increase_intercept = {params.risk_increase_intercept:.6f}")


if __name__ == "__main__":
    main()
