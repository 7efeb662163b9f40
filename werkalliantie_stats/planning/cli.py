"""The ``werkalliantie power`` subcommand: parser and handler.

``cli.py`` registers it with two lines::

    from .planning.cli import add_power_parser
    add_power_parser(commands)          # commands = parser.add_subparsers(...)

and dispatches ``args.handler(args)`` (the handler is stored with ``set_defaults``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .design import OUTCOMES

__all__ = ["add_power_parser", "run_power"]


def add_power_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``power`` to an argparse subparsers object and return its parser."""
    p = subparsers.add_parser(
        "power", help="Monte Carlo power and sample size for a new study",
        description="Simulate studies for each number of dyads, fit the analysis and report "
                    "power with Monte Carlo SEs, the smallest n reaching the target power, and "
                    "a power-curve plot.")
    p.add_argument("--outcome", nargs="+", choices=OUTCOMES, default=["rearrest"])
    p.add_argument("--n", nargs="+", type=int, default=[150, 200, 267, 400], metavar="N",
                   help="numbers of dyads (default 150 200 267 400)")
    p.add_argument("--effect", nargs="+", type=float, default=None,
                   help="generating OR/HR per SD of alliance (default: the generator's); "
                        "for invariance the drop of the officer loadings of com2, bin2, "
                        "ver2, str2 (0: invariance holds, the default)")
    p.add_argument("--rater", nargs="+", choices=("client", "officer"), default=["client"],
                   help="whose wave-1 ratings the cfa_fit model is fitted to")
    p.add_argument("--clients-per-officer", type=int, default=None,
                   help="every officer has this many study clients (default: 1-3, mean 1.48)")
    p.add_argument("--reps", type=int, default=500, help="simulated studies per point")
    p.add_argument("--jobs", type=int, default=1, help="local worker processes")
    p.add_argument("--backend", choices=("loky", "dask"), default="loky")
    p.add_argument("--scheduler", default=None, help="dask scheduler address (tcp://host:8786)")
    p.add_argument("--out", default=None,
                   help="folder for results: chunks (resumable), power.csv, power.png")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--alpha", type=float, default=0.05, help="significance level")
    p.add_argument("--target", type=float, default=0.8, help="target power")
    p.add_argument("--quiet", action="store_true", help="no progress bar, no table")
    p.set_defaults(handler=run_power)
    return p


def run_power(args: argparse.Namespace) -> int:
    """Run the power study described by ``args``; print the table; write csv and plot."""
    from .power import power

    out = Path(args.out) if args.out else None
    result = power(outcome=args.outcome, n_dyads=args.n, effect=args.effect,
                   clients_per_officer=args.clients_per_officer, reps=args.reps,
                   seed=args.seed, n_jobs=args.jobs, backend=args.backend,
                   scheduler=args.scheduler, out=out / "chunks" if out else None,
                   alpha=args.alpha, target_power=args.target, progress=not args.quiet,
                   rater=args.rater)
    if not args.quiet:
        print(result.summary())
    if out is not None:
        result.table.to_csv(out / "power.csv", index=False)
        result.smallest_n.to_csv(out / "smallest_n.csv", index=False)
        _save_plot(result, out / "power.png")
        if not args.quiet:
            print(f"\nTables and plot written to {out.resolve()}")
    return 0


def _save_plot(result, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plots.planning import power_curves

    fig, ax = plt.subplots(figsize=(7, 4.5))
    power_curves(result, ax=ax)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
