"""The ``werkalliantie`` command end to end, as the README's quick start uses it."""

import filecmp
import json
import subprocess
import sys
from pathlib import Path

import pytest

from werkalliantie_stats import cli

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "data" / "synthetic"
PACKAGED = ROOT / "werkalliantie_stats" / "data" / "synthetic"
DATA_FILES = ("questionnaires.csv", "supervision.csv", "truth.json", "CODEBOOK.md")


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "replicate" in out and "simulate" in out


def test_simulate_regenerates_the_committed_data_byte_for_byte(tmp_path):
    out = tmp_path / "synthetic"
    assert cli.main(["simulate", "--seed", str(cli.SYNTHETIC_SEED), "--out", str(out),
                     "--quiet"]) == 0
    for name in DATA_FILES:
        assert filecmp.cmp(out / name, COMMITTED / name, shallow=False), name


def test_packaged_copy_equals_the_committed_data():
    for name in DATA_FILES:
        assert filecmp.cmp(PACKAGED / name, COMMITTED / name, shallow=False), name


def test_replicate_writes_a_report_folder(tmp_path, capsys):
    out = tmp_path / "report"
    assert cli.main(["replicate", "--out", str(out)]) == 0
    assert "report.html" in capsys.readouterr().out
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["source"]["seed"] == cli.SYNTHETIC_SEED
    assert results["tables"]["sample"][0]["value"] == 267
    assert (out / "tables" / "subscale_descriptives.csv").exists()


def test_replicate_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "report"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert cli.main(["replicate", "--out", str(out), "--quiet"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "mine"
    assert cli.main(["replicate", "--out", str(out), "--force", "--quiet"]) == 0
    assert not (out / "keep.txt").exists()


def test_bad_data_gives_a_readable_list_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "q.csv"
    text = (COMMITTED / "questionnaires.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    row = text[1].split(",")
    row[header.index("com1")] = "9"
    bad.write_text("\n".join([text[0], ",".join(row), *text[2:]]) + "\n", encoding="utf-8")
    assert cli.main(["replicate", "--data", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "Problems found" in err and "item 'com1' has codes outside the scale 1..5" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_bad_arguments_are_rejected(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["replicate", "--lang", "fr"])
    assert info.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["simulate", "--out", "x", "--n-dyads", "3"])


def test_console_script_runs_as_a_module(tmp_path):
    run = subprocess.run([sys.executable, "-m", "werkalliantie_stats.cli", "replicate", "--out",
                          str(tmp_path / "r"), "--lang", "nl"], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert "Werkalliantie" in (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
