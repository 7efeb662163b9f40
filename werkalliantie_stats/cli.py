"""The ``werkalliantie`` command line: simulate, replicate."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import resources

from . import __version__
from .exceptions import InstrumentError, StudyValidationError
from .report import OutputExistsError, write_report

__all__ = ["main"]

SYNTHETIC_SEED = 267
DEFAULT_OUT = "werkalliantie-output"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="werkalliantie",
        description="The working alliance in probation: replicate Menger & Donker, validate the "
                    "instrument, simulate studies.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    rep = commands.add_parser("replicate", help="run the replication analysis and write a report")
    rep.add_argument("--data", metavar="QUESTIONNAIRES",
                     help="questionnaire file (csv, xlsx, sav, parquet); default: bundled "
                          "synthetic study")
    rep.add_argument("--supervision", metavar="FILE", help="supervision (outcomes) file")
    rep.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})")
    rep.add_argument("--lang", choices=("en", "nl"), default="en", help="report language")
    rep.add_argument("--force", action="store_true", help="replace an existing output folder")
    rep.add_argument("--quiet", action="store_true", help="print nothing on success")

    sim = commands.add_parser("simulate", help="write a synthetic study (csv + truth.json)")
    sim.add_argument("--seed", type=int, default=SYNTHETIC_SEED,
                     help=f"random seed (default {SYNTHETIC_SEED}: the bundled data set)")
    sim.add_argument("--n-dyads", type=int, default=267, help="number of client–officer dyads")
    sim.add_argument("--out", required=True, help="output folder")
    sim.add_argument("--force", action="store_true", help="replace an existing output folder")
    sim.add_argument("--quiet", action="store_true", help="print nothing on success")
    return parser


def _replicate(args: argparse.Namespace) -> int:
    from .pipelines import replicate
    from .study import read_study

    if args.supervision and not args.data:
        raise SystemExit("werkalliantie replicate: --supervision needs --data as well")
    study = read_study(args.data, args.supervision) if args.data else None
    result = replicate(study)
    path = write_report(result, args.out, force=args.force, lang=args.lang)
    if not args.quiet:
        print(f"Report written to {path.resolve() / 'report.html'}")
    return 0


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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``werkalliantie`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    handler = {"replicate": _replicate, "simulate": _simulate}[args.command]
    try:
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
