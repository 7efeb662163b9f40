"""Run the committed coverage study and write docs/coverage.md.

    python3 scripts/make_coverage_doc.py --reps 500 --jobs 2 --seed 20260267

Chunks are kept in ``coverage-run/`` (resumable); delete it for a fresh run.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np

from werkalliantie_stats import __version__
from werkalliantie_stats.planning import coverage_study


def _fmt(x, digits=3):
    return "n/a" if x != x else f"{x:.{digits}f}"


def _lowest(rows) -> str:
    row = rows.sort_values("coverage").iloc[0]
    return f"{row.analysis} {row.term} {row.coverage:.3f}"


def _shortfall(t) -> dict:
    """Numbers for the 'where coverage falls short' section."""
    latent = t[t["analysis"].str.endswith("_latent")]
    observed = t[~t["analysis"].str.endswith("_latent") & ~t["analysis"].isin(["alpha", "omega"])]
    alpha = t[t["analysis"] == "alpha"]
    return {"lat_min": latent["coverage"].min(), "lat_max": latent["coverage"].max(),
            "lat_n": len(latent), "lat_mean": latent["coverage"].mean(),
            "lat_low": _lowest(latent), "obs_low": _lowest(observed),
            "alpha_min": alpha["coverage"].min(), "alpha_max": alpha["coverage"].max()}


def _markdown(res, seconds, args) -> str:
    t = res.table
    lines = ["| analysis | term | target | target kind | bias (MC SE) | RMSE | coverage (MC SE) "
             "| model SE / empirical SD | failed |", "|---|---|---|---|---|---|---|---|---|"]
    for _, r in t.iterrows():
        lines.append(
            f"| {r.analysis} | {r.term} | {_fmt(r.target)} | {r.target_kind} | "
            f"{_fmt(r.bias)} ({_fmt(r.bias_mc_se)}) | {_fmt(r.rmse)} | "
            f"{_fmt(r.coverage)} ({_fmt(r.coverage_mc_se)}) | "
            f"{_fmt(r.model_se)} / {_fmt(r.empirical_se)} | {r.n_failed} |")
    mcse = (0.95 * 0.05 / res.reps) ** 0.5
    warned = res.replications.groupby("analysis")["n_warnings"].apply(lambda s: np.mean(s > 0))
    return TEMPLATE.format(**_shortfall(t),
        reps=res.reps, n=res.n_dyads, seed=res.seed, jobs=args.jobs, minutes=seconds / 60,
        version=__version__, python=platform.python_version(), table="\n".join(lines),
        mcse=mcse, lo=0.95 - 2 * mcse, hi=0.95 + 2 * mcse,
        warned=", ".join(f"{k} {v:.0%}" for k, v in warned.items()))


TEMPLATE = """# Coverage and recovery study

{reps} simulated studies of {n} dyads from the default generator
(`SimulationParameters()`), seed {seed}, werkalliantie_stats {version}, Python {python};
{minutes:.1f} minutes of computation on {jobs} worker processes (a shared 2-core machine;
resumed runs add their time).

Reproduce with one command (from the repository root, with the package installed or
`PYTHONPATH=.`):

    python3 scripts/make_coverage_doc.py --reps {reps} --jobs {jobs} --seed {seed}

Estimates, targets and bias of odds/hazard ratios are on the log scale. Nominal coverage
is 0.95; with {reps} replications its Monte Carlo SE is about
{mcse:.3f}, so coverage between about {lo:.3f} and {hi:.3f} is consistent with nominal.

How to read the rows (see `werkalliantie_stats/planning/targets.py` and
`docs/methods/planning.md`):

- `<model>_latent`: the generating model fitted on the true latent drivers with the
  generator's covariates. This checks the estimator and its CI: bias near 0 and nominal
  coverage are expected.
- `<model>` (no suffix): the analysis a researcher runs, on observed dyad scores
  (mean of client and officer subscale means, standardised). Its target is still the
  latent generating effect, so the bias is the *attenuation* by measurement error
  (and by the differently scaled observed score); coverage below nominal here is
  expected and is not a defect of the CI.
- `rearrest_fg*`: the target is the least-false subdistribution log HR (Fine–Gray fit
  of the latent model on one sample of 200,000 dyads), because the generator is a
  cause-specific Weibull model and implies no exact subdistribution HR.
- `alpha`: Feldt CI against the exact population alpha of the observed items;
  `omega`: one-factor omega_total against the omega_total of the exact population item
  correlation matrix (no CI).

Share of fits that raised a warning (FewEventsWarning: the rearrest models have 7
predictors and about 67 events, under 10 per predictor): {warned}.

## Where coverage falls short, and why

- **Latent-model CIs** (`*_latent` rows: the estimator on the true drivers) cover at
  {lat_min:.3f}–{lat_max:.3f} across {lat_n} terms, mean {lat_mean:.3f}; the lowest is
  {lat_low}. The Cox and Fine–Gray models have about 67 events for 7 predictors
  (FewEventsWarning in two thirds of the studies), where Wald intervals are known to be
  slightly liberal.
- **Observed-score rows** cover less where the attenuation bias is large (lowest:
  {obs_low}): the CI is right for the observed-score coefficient, which is not the
  latent effect. This is measurement error, not a defect of the interval.
- **Cronbach's alpha (Feldt CI)** covers at {alpha_min:.3f}–{alpha_max:.3f}, below
  nominal. The checks below were run separately (fixed seeds, numbers quoted). Our Feldt and
  Duhachek CIs cover nominally on independent data (600 samples of n = 267, congeneric
  one-factor items: Feldt .943/.943/.950 and Duhachek .948/.943/.948 for continuous,
  symmetric 5-point and skewed 5-point items). On the generator's data both fall short
  (400 studies: Feldt .929, Duhachek .927 over the 8 subscale-rater cells). Removing the
  officer clustering (`officer_icc = 0`) does not change that (.925/.927); removing the
  3% missing responses brings both to .937/.936 (alpha from pairwise covariances, while
  both CI formulas assume n complete cases). The rest is not explained yet: for client
  communicatie the empirical SD of alpha exceeds the mean Duhachek SE by 11% (.0264 vs
  .0235) and the estimate is biased by −.004 (2.6 Monte Carlo SE) even without
  clustering or missingness. Reproduce with `python3 scripts/check_alpha_coverage.py iid`,
  `... generator [noicc] [nomiss]` and `... spread`.

{table}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20260267)
    parser.add_argument("--out", default="coverage-run")
    parser.add_argument("--doc", default="docs/coverage.md")
    args = parser.parse_args()
    start = time.monotonic()
    res = coverage_study(reps=args.reps, n_dyads=267, seed=args.seed, n_jobs=args.jobs,
                         out=args.out)
    clock = Path(args.out) / "elapsed_seconds.txt"  # a resumed run adds to the first
    seconds = time.monotonic() - start + (float(clock.read_text()) if clock.exists() else 0)
    clock.write_text(str(seconds))
    Path(args.doc).write_text(_markdown(res, seconds, args))
    res.table.to_csv(Path(args.doc).with_suffix(".csv"), index=False)


if __name__ == "__main__":
    main()
