"""The ``werkalliantie`` command line: replicate, validate, simulate.

Column maps (``validate --map FILE``, ``replicate --map FILE``) say which of your columns
is which of ours, in either of two formats:

- CSV with a header row and two columns, your name then ours::

      your_column,our_column
      Paar,dyad_id
      V1,com1

- TOML with a ``[columns]`` table and, optionally, a ``[rater_codes]`` table recoding the
  rater column::

      [columns]
      Paar = "dyad_id"
      V1 = "com1"
      [rater_codes]
      C = "client"
      W = "officer"
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import sys
import tomllib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from . import __version__
from .exceptions import InstrumentError, StudyValidationError
from .planning.cli import add_power_parser, run_power
from .report import OutputExistsError, write_report

__all__ = ["main", "read_column_map"]

SYNTHETIC_SEED = 267
DEFAULT_OUT = "werkalliantie-output"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="werkalliantie",
        description="The working alliance in probation: replicate Menger & Donker, validate the "
                    "instrument, simulate studies.",
        epilog="Reports are written to a new folder (report.html, figures/, tables/, "
               "results.json); an existing folder is replaced only with --force.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    rep = commands.add_parser("replicate", help="run the replication analysis and write a report")
    rep.add_argument("--data", metavar="QUESTIONNAIRES",
                     help="questionnaire file (csv, xlsx, sav, parquet); default: bundled "
                          "synthetic study")
    rep.add_argument("--supervision", metavar="FILE", help="supervision (outcomes) file")
    rep.add_argument("--map", metavar="FILE", help="column map (CSV or TOML; see --help of "
                                                  "validate)")
    rep.add_argument("--instrument", metavar="FILE", help="instrument file (TOML)")
    _common(rep)

    val = commands.add_parser(
        "validate", help="check the instrument in a new sample and write a report",
        description="Data checks, item statistics, factor structure, reliability, "
                    "invariance and norms of a new sample. A column map (--map) is a CSV "
                    "with a header row and two columns (your name, our name), or a TOML "
                    "file with a [columns] table (your name = \"our name\") and optionally a "
                    "[rater_codes] table (your code = \"client\" | \"officer\").")
    val.add_argument("data", metavar="DATA", help="questionnaire file (csv, xlsx, sav, "
                                                   "parquet)")
    val.add_argument("--supervision", metavar="FILE", help="supervision (outcomes) file")
    val.add_argument("--instrument", metavar="FILE", help="instrument file (TOML)")
    val.add_argument("--map", metavar="FILE", help="column map, CSV or TOML")
    val.add_argument("--group", metavar="COL", help="supervision column whose groups are "
                                                   "compared (invariance)")
    val.add_argument("--estimator", choices=("ML", "MLR", "WLSMV"), default="MLR",
                     help="CFA estimator (default MLR)")
    _common(val)

    sim = commands.add_parser("simulate", help="write a synthetic study (csv + truth.json)")
    sim.add_argument("--seed", type=int, default=SYNTHETIC_SEED,
                     help=f"random seed (default {SYNTHETIC_SEED}: the bundled data set)")
    sim.add_argument("--n-dyads", type=int, default=267, help="number of client–officer dyads")
    sim.add_argument("--out", required=True, help="output folder")
    sim.add_argument("--force", action="store_true", help="replace an existing output folder")
    sim.add_argument("--quiet", action="store_true", help="print nothing on success")

    add_power_parser(commands)
    return parser


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})")
    sub.add_argument("--lang", choices=("en", "nl"), default="en", help="report language")
    sub.add_argument("--seed", type=int, default=None,
                     help="random seed of parallel analysis and of the simulated population "
                          "behind the truth column (default: a fixed seed, recorded in "
                          "results.json)")
    sub.add_argument("--jobs", type=int, default=1,
                     help="processes for the CFA fits and for drawing the figures (the other "
                          "analyses run in one process; default 1)")
    sub.add_argument("--force", action="store_true", help="replace an existing output folder")
    sub.add_argument("--quiet", action="store_true",
                     help="no progress display and no message on success")


def read_column_map(path: str) -> tuple[dict[str, str], dict[str, str] | None]:
    """Read a column map: CSV (two columns, header row) or TOML (``[columns]``, optional
    ``[rater_codes]``). Returns ``(mapping, rater_codes)``."""
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"--map: no such file {path!r}")
    if file.suffix.lower() == ".toml":
        with file.open("rb") as handle:
            try:
                content = tomllib.load(handle)
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"--map {path!r}: not valid TOML ({exc})") from None
        columns, codes = content.get("columns"), content.get("rater_codes")
        if not isinstance(columns, dict) or not columns:
            raise ValueError(f"--map {path!r}: needs a [columns] table, e.g. V1 = \"com1\"")
        return {str(k): str(v) for k, v in columns.items()}, (
            {k: str(v) for k, v in codes.items()} if isinstance(codes, dict) else None)
    with file.open(newline="", encoding="utf-8-sig") as handle:
        rows = [r for r in csv.reader(handle) if any(cell.strip() for cell in r)]
    bad = [i for i, r in enumerate(rows[1:], start=2) if len(r) != 2 or not all(r)]
    if len(rows) < 2 or bad:
        where = f"line {bad[0]}: {rows[bad[0] - 1]!r}" if bad else "no rows after the header"
        raise ValueError(f"--map {path!r}: expected a header and rows of two columns "
                         f"(your_column,our_column); {where}")
    return {theirs.strip(): ours.strip() for theirs, ours in rows[1:]}, None


def _read(args: argparse.Namespace):
    from .study import read_study

    mapping, codes = read_column_map(args.map) if args.map else (None, None)
    return read_study(args.data, args.supervision, instrument=args.instrument,
                      mapping=mapping, rater_codes=codes)


def _write(result, args: argparse.Namespace) -> int:
    path = write_report(result, args.out, force=args.force, lang=args.lang, jobs=args.jobs)
    if not args.quiet:
        print(f"Report written to {path.resolve() / 'report.html'}")
    return 0


def _seed(args: argparse.Namespace) -> dict:
    if args.jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
    return {"jobs": args.jobs} | ({} if args.seed is None else {"seed": args.seed})


def _replicate(args: argparse.Namespace) -> int:
    from .pipelines import replicate

    if (args.supervision or args.map or args.instrument) and not args.data:
        raise SystemExit("werkalliantie replicate: --supervision, --map and --instrument "
                         "need --data as well")
    study = _read(args) if args.data else None
    result = replicate(study, lang=args.lang, progress=False if args.quiet else None,
                       **_seed(args))
    return _write(result, args)


def _validate(args: argparse.Namespace) -> int:
    from .pipelines import validate

    result = validate(_read(args), group=args.group, estimator=args.estimator, lang=args.lang,
                      progress=False if args.quiet else None, **_seed(args))
    return _write(result, args)


def _simulate(args: argparse.Namespace) -> int:
    from .report import output_folder
    from .simulate import simulate_tables
    from .study.writers import write_study_files

    if args.n_dyads < 10:
        raise SystemExit(f"werkalliantie simulate: --n-dyads must be at least 10, got "
                         f"{args.n_dyads}")
    questionnaires, supervision, truth = simulate_tables(n_dyads=args.n_dyads, seed=args.seed)
    codebook = resources.files("werkalliantie_stats").joinpath("data", "synthetic", "CODEBOOK.md")
    with output_folder(args.out, force=args.force) as folder:
        write_study_files(folder, questionnaires, supervision, truth)
        (folder / "CODEBOOK.md").write_bytes(codebook.read_bytes())
    if not args.quiet:
        print(f"Synthetic study of {args.n_dyads} dyads (seed {args.seed}) written to {args.out}")
    return 0


def single_threaded_blas():
    """Limit BLAS to one thread while a command runs: the matrices are small, and on a
    shared 2-core machine threaded BLAS made ``replicate`` about twice as slow (62 s vs
    34 s). Uses threadpoolctl (installed with scikit-learn, which factor_analyzer needs);
    without it nothing changes."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``werkalliantie`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    handler = {"replicate": _replicate, "validate": _validate,
               "simulate": _simulate, "power": run_power}[args.command]
    try:
        with single_threaded_blas():
            return handler(args)
    except StudyValidationError as exc:
        print(f"werkalliantie {args.command}: the data cannot be analysed yet. "
              f"Problems found:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    except (OutputExistsError, FileNotFoundError, InstrumentError, ValueError) as exc:
        print(f"werkalliantie {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
