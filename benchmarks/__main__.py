"""``python -m benchmarks``: every operation of ours next to its peers, in one run.

    python -m benchmarks [--quick] [--only NAME ...] [--scaling] [--no-r]
                         [--out benchmarks/results]

Prints the side-by-side table (and with ``--scaling`` the growth table) and writes
``latest.md``, ``latest.csv`` (one row per implementation and operation),
``latest.json`` (the same plus machine and versions) and, with ``--scaling``,
``scaling.csv`` into ``--out`` (default ``benchmarks/results``; ``results/partial`` for
``--only``/``--quick`` runs, which are not committed). ratio = peer / ours: above 1 we
are faster.
"""

from __future__ import annotations

import argparse
import importlib
import math
import shlex
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import pin_threads

THREADS = pin_threads()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks import _harness as h  # noqa: E402
from benchmarks._environment import environment  # noqa: E402

AREAS = ("psychometrics_factor", "psychometrics_reliability", "cfa", "cfa_ordinal",
         "outcomes_binary", "outcomes_survival", "simulate", "pipeline")
# Sizes of the scaling runs by kind of area: (n series at p = 20, p series at fixed n).
ITEM_N = {False: (267, 2_670, 26_700), True: (267, 2_670)}
ITEM_P = {False: (20, 40, 80), True: (20, 40)}
ITEM_P_AT_N = {False: 2_670, True: 267}
RECORD_N = {False: (267, 2_670, 26_700, 267_000, 1_000_000), True: (267, 2_670, 26_700)}
DYAD_N = {False: (267, 2_670, 26_700), True: (267, 2_670)}
CAP_SECONDS = {False: 120.0, True: 15.0}  # points predicted slower are left out
MEMORY_BELOW = {False: 30.0, True: 5.0}  # no tracemalloc re-run for slower points
SCALING_SETTINGS = h.Settings(budget=1.0, max_repeats=5, min_repeats=1)
DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="fewer draws and repeats, smaller scaling sizes (< ~2 min)")
    parser.add_argument("--only", nargs="+", metavar="NAME", default=None,
                        help=f"areas (or parts of their names) to run: {', '.join(AREAS)}")
    parser.add_argument("--scaling", action="store_true", help="also run the growth table")
    parser.add_argument("--no-r", action="store_true", help="skip the R peers")
    parser.add_argument("--out", type=Path, default=None,
                        help="results folder (default: benchmarks/results for a full run, "
                             "benchmarks/results/partial with --only or --quick, so a partial "
                             "run never overwrites the committed full results)")
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = DEFAULT_OUT / "partial" if (args.only or args.quick) else DEFAULT_OUT
    if args.only:
        unknown = [name for name in args.only if not any(name in a for a in AREAS)]
        if unknown:
            parser.error(f"--only: unknown area {unknown[0]!r}; choose from {', '.join(AREAS)}")
    return args


def selected_areas(only: list[str] | None) -> list[str]:
    """Areas named exactly, or else containing the name (``cfa`` alone is just ``cfa``)."""
    if not only:
        return list(AREAS)
    return [a for a in AREAS
            if any(name == a or (name not in AREAS and name in a) for name in only)]


def area_module(area: str):
    return importlib.import_module(f"benchmarks.bench_{area}")


# ---------------------------------------------------------------- scaling
def _series(module, quick: bool) -> list[tuple[str, int, int]]:
    """(series, n, p) points of an area: n grows, then items grow."""
    kind = getattr(module, "SCALING", None)
    if kind == "items":
        return ([("n", n, 20) for n in ITEM_N[quick]]
                + [("items", ITEM_P_AT_N[quick], p) for p in ITEM_P[quick][1:]])
    if kind == "records":
        return [("n", n, 0) for n in RECORD_N[quick]]
    if kind == "dyads":
        return [("n", n, 20) for n in DYAD_N[quick]]
    return []


def _predicted(history: list[tuple[int, float]], size: int) -> float:
    """Time expected at ``size`` from the series so far (exponent at least 1)."""
    if not history:
        return 0.0
    sizes, times = map(np.array, zip(*history, strict=True))
    slope = h.growth_exponent(sizes.astype(float), times) if len(history) > 1 else 1.0
    return float(times[-1] * (size / sizes[-1]) ** max(slope if np.isfinite(slope) else 1, 1))


def _scaling_point(case, series: str, size: int, quick: bool) -> dict:
    row = h._time_python(case, "ours", case.ours, False, SCALING_SETTINGS)
    if np.isfinite(row["median_s"]) and row["median_s"] < MEMORY_BELOW[quick]:
        row["peak_mb"] = h.peak_memory_mb(case.ours)
    return {**row, "series": series, "size": size}


def run_scaling(areas: list[str], quick: bool, log) -> pd.DataFrame:
    """Ours at growing sizes; a point predicted to exceed the cap is left out (noted)."""
    rows, history = [], {}
    for area in areas:
        module = area_module(area)
        for series, n, p in _series(module, quick):
            size = n if series == "n" else p
            log(f"  scaling {area}: n = {n}, items = {p}")
            for case in module.scaling_cases(n, p, quick):
                past = history.setdefault((area, case.op, series), [])
                if series == "items" and not past:  # its p = 20 point is in the n series
                    past += [(20, r["median_s"]) for r in rows
                             if (r["area"], r["op"], r["series"], r["n"]) == (area, case.op, "n", n)
                             and np.isfinite(r["median_s"])]
                expected = _predicted(past, size)
                if expected > CAP_SECONDS[quick]:
                    rows.append({**h._row(case, "ours", math.nan, 0,
                                          f"skipped: predicted {expected:.0f} s"),
                                 "series": series, "size": size})
                    continue
                row = _scaling_point(case, series, size, quick)
                rows.append(row)
                if np.isfinite(row["median_s"]):
                    past.append((size, row["median_s"]))
    return pd.DataFrame(rows)


def growth_table(scaling: pd.DataFrame) -> pd.DataFrame:
    """One row per operation and series: time at each size, exponent, peak memory."""
    out = []
    for (area, op, series), g in scaling.groupby(["area", "op", "series"], sort=False):
        if series == "items":  # the p = 20 point of the items series is in the n series
            g = pd.concat([scaling[(scaling.area == area) & (scaling.op == op)
                                   & (scaling.series == "n") & (scaling.n == g.n.iloc[0])]
                           .assign(size=20), g])
        grows = "n" if series == "n" else f"items (n = {g.n.iloc[-1]:,})"
        times = ", ".join(f"{int(pt['size']):,}: {h.fmt_seconds(pt['median_s'])}"
                          for _, pt in g.iterrows())
        row = {"area": area, "op": op, "grows": grows, "seconds at each size": times}
        sizes, seconds = g["size"].to_numpy(float), g["median_s"].to_numpy(float)
        row["exponent"] = h.growth_exponent(sizes, seconds)
        done = np.isfinite(seconds)
        row["last step"] = h.growth_exponent(sizes[done][-2:], seconds[done][-2:])
        measured = g[np.isfinite(g["peak_mb"])]
        row["peak MB"] = measured["peak_mb"].iloc[-1] if len(measured) else math.nan
        row["peak at"] = f"{measured['size'].iloc[-1]:,}" if len(measured) else "-"
        out.append(row)
    return pd.DataFrame(out)


# ---------------------------------------------------------------- output
def print_side_by_side(table: pd.DataFrame) -> None:
    print(f"{'op':<58} | {'ours (s)':>9} | {'peer':<44} | {'peer (s)':>9} | {'ratio':>6}")
    print("-" * 138)
    for _, r in table.iterrows():
        print(f"{r['op'][:58]:<58} | {h.fmt_seconds(r['ours_s']):>9} | {r['peer'][:44]:<44} "
              f"| {h.fmt_seconds(r['peer_s']):>9} | {h.fmt_ratio(r['ratio']):>6}"
              + (f"  ({r['note'][:90]})" if r["note"] else ""))


def markdown_report(env: dict, table: pd.DataFrame, growth: pd.DataFrame | None) -> str:
    lines = ["# Benchmark results", "",
             f"- date: {env['date']}", f"- command: `{env['command']}`",
             "- machine: " + ", ".join(f"{k}: {v}" for k, v in env["machine"].items()),
             f"- {env['threads']}", f"- run time: {env.get('run time', '?')}",
             "- Python: " + ", ".join(f"{k} {v}" for k, v in env["python"].items()),
             "- R: " + ", ".join(f"{k} {v}" for k, v in env["r"].items()),
             "", "## Side by side", "",
             "Median wall time in seconds; ratio = peer / ours (above 1: ours is faster). "
             "R is timed inside R (system.time), start-up and package loading excluded.", "",
             h.markdown_table(table.drop(columns="area"),
                              {"ours_s": h.fmt_seconds, "peer_s": h.fmt_seconds,
                               "ratio": h.fmt_ratio})]
    if growth is not None and not growth.empty:
        exponent = lambda v: "-" if not np.isfinite(v) else f"{v:.2f}"  # noqa: E731
        fmts = ({"exponent": exponent, "last step": exponent,
                     "peak MB": lambda v: "-" if not np.isfinite(v) else f"{v:.0f}"})
        lines += ["", "## Scaling (ours)", "",
                  "Median seconds at each size (size: seconds); exponent = slope of log time "
                  "on log size over all points; last step = the same slope between the last two "
                  "sizes run (fixed overheads flatten the first, so this is nearer the "
                  "asymptotic rate); peak MB = tracemalloc peak of Python/numpy allocations during "
                  "one extra call, at the largest size ('peak at') whose call took under "
                  f"{MEMORY_BELOW[False]:.0f} s "
                  "(a traced re-run of slower points would double their cost). '-': the point "
                  f"was left out because the fitted growth predicted more than "
                  f"{CAP_SECONDS[False]:.0f} s.", "",
                  h.markdown_table(growth.drop(columns="area"), fmts)]
    return "\n".join(lines) + "\n"


def write_results(out: Path, env: dict, rows: pd.DataFrame,
                  growth: pd.DataFrame | None = None) -> None:
    """latest.md, latest.csv, latest.json (and scaling.csv) in ``out``."""
    table = h.side_by_side(rows)
    growth_tab = growth_table(growth) if growth is not None and len(growth) else None
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.md").write_text(markdown_report(env, table, growth_tab))
    rows.to_csv(out / "latest.csv", index=False)
    payload = {"environment": env, "rows": rows.to_dict("records")}
    if growth is not None:
        growth.to_csv(out / "scaling.csv", index=False)
        payload["scaling"] = growth.to_dict("records")
    h.write_json(out / "latest.json", payload)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    command = "python -m benchmarks " + shlex.join(sys.argv[1:] if argv is None else argv)
    settings = h.QUICK if args.quick else h.FULL
    areas = selected_areas(args.only)
    start = time.perf_counter()
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    env = environment(command.strip(), h.r_available() and not args.no_r, THREADS)
    cases = [c for a in areas for c in area_module(a).cases(args.quick)]
    rows = h.run_cases(cases, settings, with_r=not args.no_r, log=log)
    table = h.side_by_side(rows)
    growth = run_scaling(areas, args.quick, log) if args.scaling else None
    growth_tab = growth_table(growth) if growth is not None and len(growth) else None
    print(f"{env['threads']}; ratio = peer / ours (> 1: ours faster)")
    print_side_by_side(table)
    if growth_tab is not None:
        print()
        print(growth_tab.drop(columns="area").to_string(index=False, float_format="%.4g"))
    env["run time"] = f"{time.perf_counter() - start:.0f} s"
    write_results(args.out, env, rows, growth)
    log(f"done in {time.perf_counter() - start:.0f} s; results in {args.out}")


def run_area(area: str) -> None:
    """``python3 benchmarks/bench_<area>.py``: one area; results in results/areas/<area>."""
    main(["--only", area, "--out", str(DEFAULT_OUT / "areas" / area), *sys.argv[1:]])


if __name__ == "__main__":
    main()
