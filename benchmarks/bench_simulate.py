"""The study generator and its population moments: ours vs lavaan and mvtnorm.

Run: ``python3 benchmarks/bench_simulate.py [--quick] [--scaling]`` (or all areas:
``python3 -m benchmarks``).

* ``items n=...``: ours is the whole ``simulate_tables`` (officers, both raters, two waves,
  covariates, outcomes, DataFrames); the peer, ``lavaan::simulateData``, draws only the
  wave-1 measurement model (40 ordinal items of 8 correlated factors with the same
  loadings, thresholds and latent means). So the ratio is conservative for us.
* ``population moments``: the exact observed-score moments (item means, alpha,
  correlations, ICC, d). Ours: ``population_summary`` (vectorised Gauss-Legendre); peer:
  the same quantities with ``mvtnorm::pmvnorm`` (TVPACK) in
  tests/reference/simulate/population_moments.R.
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

from benchmarks._harness import Case, Peer  # noqa: E402

AREA = "simulate"
SCALING = "dyads"
R_MOMENTS = ("{env <- new.env(); assign('BENCHMARK_ONLY', TRUE, envir = env); "
             "source('tests/reference/simulate/population_moments.R', local = env)}")


def lavaan_model(params) -> str:
    """The wave-1 measurement model of ``params`` in lavaan syntax (fixed values)."""
    from werkalliantie_stats.simulate.population import latent_covariance, latent_means

    sigma, means = latent_covariance(params), latent_means(params).ravel()
    items = [f"{p}{j}" for p in ("com", "bin", "ver", "str") for j in range(1, 6)]
    lines = []
    for r, (rater, loadings) in enumerate((("c", params.loadings_client),
                                           ("o", params.loadings_officer))):
        for s in range(4):
            names = items[5 * s:5 * s + 5]
            terms = " + ".join(f"{loadings[5 * s + k]}*{n}_{rater}" for k, n in enumerate(names))
            lines += [f"F{s}{rater} =~ {terms}", f"F{s}{rater} ~ {means[4 * r + s]}*1"]
        for j, item in enumerate(items):
            lines.append(f"{item}_{rater} ~~ {1 - loadings[j] ** 2}*{item}_{rater}")
            tau = " + ".join(f"{t}*t{a + 1}" for a, t in enumerate(params.thresholds[j]))
            lines.append(f"{item}_{rater} | {tau}")
    factors = [f"F{s}{r}" for r in ("c", "o") for s in range(4)]
    lines += [f"{factors[a]} ~~ {sigma[a, b]}*{factors[b]}"
              for a in range(8) for b in range(a, 8)]
    return "; ".join(lines)


def cases(quick: bool = False) -> list[Case]:
    from werkalliantie_stats.simulate import SimulationParameters, simulate_tables
    from werkalliantie_stats.simulate.population import population_summary

    params = SimulationParameters()
    model = lavaan_model(params)
    out = [Case(AREA, f"simulate items n={n:,}", lambda n=n: simulate_tables(n, seed=1), None,
                [Peer("R lavaan::simulateData (wave-1 items only)",
                      r=f"simulateData('{model}', sample.nobs = {n})",
                      r_packages=("lavaan",))], n, 40)
           for n in ((267,) if quick else (267, 20_000))]
    out.append(Case(AREA, "population moments", lambda: population_summary(params), None,
                    [Peer("R mvtnorm::pmvnorm (population_moments.R)", r=R_MOMENTS,
                          r_packages=("jsonlite", "mvtnorm"))]))
    return out


def scaling_cases(n: int, p: int, quick: bool = False) -> list[Case]:
    from werkalliantie_stats.simulate import simulate_tables

    return [Case(AREA, "simulate_tables (both tables)", lambda: simulate_tables(n, seed=1),
                 n=n, p=40)]


if __name__ == "__main__":
    from benchmarks.__main__ import run_area

    run_area(AREA)
