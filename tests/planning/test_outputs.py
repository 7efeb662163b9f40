"""Progress printer, power-curve plot and the ``werkalliantie power`` handler."""

from __future__ import annotations

import argparse
import io

import matplotlib
import numpy as np
import pandas as pd
import pytest

from werkalliantie_stats.planning import power
from werkalliantie_stats.planning.cli import add_power_parser, run_power
from werkalliantie_stats.planning.progress import Progress

matplotlib.use("Agg")


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_silent_when_not_a_terminal():
    stream = io.StringIO()
    bar = Progress(10, stream=stream)
    bar.update(5)
    bar.close()
    assert stream.getvalue() == ""


def test_progress_prints_count_and_eta_on_a_terminal():
    stream = FakeTTY()
    bar = Progress(10, stream=stream, done=2)
    bar.update(3)
    bar.close()
    text = stream.getvalue()
    assert "5/10 replications" in text and "ETA" in text and text.endswith("\n")


@pytest.fixture(scope="module")
def result():
    return power(["dropout", "rearrest"], n_dyads=[80, 160], reps=3, seed=9, progress=False)


def test_power_curves_draw_one_line_per_analysis(result):
    import matplotlib.pyplot as plt

    from werkalliantie_stats.plots.planning import power_curves

    fig, ax = plt.subplots()
    assert power_curves(result, ax=ax) is ax
    lines = [ln for ln in ax.get_lines() if ln.get_label() and not ln.get_label().startswith("_")]
    assert len(lines) == 3  # dropout, cause-specific Cox, Fine–Gray
    first = lines[0]
    t = result.table[result.table["analysis"] == "dropout"].sort_values("n_dyads")
    np.testing.assert_allclose(first.get_xdata(), t["n_dyads"])
    np.testing.assert_allclose(first.get_ydata(), t["power"])
    target = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert target and target[0].get_ydata()[0] == result.target_power
    plt.close(fig)


def test_cli_handler_writes_tables_and_plot(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="werkalliantie")
    add_power_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["power", "--outcome", "dropout", "--n", "60", "90", "--reps", "2",
                              "--seed", "3", "--out", str(tmp_path / "p"), "--quiet"])
    assert args.handler is run_power
    assert run_power(args) == 0
    table = pd.read_csv(tmp_path / "p" / "power.csv")
    assert list(table["n_dyads"]) == [60, 90]
    assert (tmp_path / "p" / "power.png").stat().st_size > 0
    assert (tmp_path / "p" / "smallest_n.csv").exists()
    assert capsys.readouterr().out == ""
    again = parser.parse_args(["power", "--outcome", "dropout", "--n", "60", "90", "--reps",
                               "2", "--seed", "3", "--out", str(tmp_path / "p")])
    assert run_power(again) == 0  # resumes from the stored chunks
    assert "Monte Carlo power" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "p" / "power.csv"), table)
