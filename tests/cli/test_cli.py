"""The ``werkalliantie`` command end to end, as the README's quick start uses it."""

import dataclasses
import filecmp
import json
import subprocess
import sys
from pathlib import Path

import pipeline_cache
import pytest

from werkalliantie_stats import cli, pipelines

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "data" / "synthetic"
PACKAGED = ROOT / "werkalliantie_stats" / "data" / "synthetic"
DATA_FILES = ("questionnaires.csv", "supervision.csv", "truth.json", "CODEBOOK.md")


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "replicate" in out and "simulate" in out and "validate" in out


def test_simulate_regenerates_the_committed_data_byte_for_byte(tmp_path):
    out = tmp_path / "synthetic"
    assert cli.main(["simulate", "--seed", str(cli.SYNTHETIC_SEED), "--out", str(out),
                     "--quiet"]) == 0
    for name in DATA_FILES:
        assert filecmp.cmp(out / name, COMMITTED / name, shallow=False), name


def test_packaged_copy_equals_the_committed_data():
    for name in DATA_FILES:
        assert filecmp.cmp(PACKAGED / name, COMMITTED / name, shallow=False), name


@pytest.fixture(scope="module")
def replication():
    """The session's replication; commands that only need *a* result reuse it."""
    return pipeline_cache.replication()


@pytest.fixture
def quick_replicate(monkeypatch, replication):
    """`werkalliantie replicate` with the module's result and no figures to draw."""
    light = dataclasses.replace(
        replication, figures={},
        sections=tuple(dataclasses.replace(s, figures=()) for s in replication.sections))
    seen = {}

    def fake(study=None, **kwargs):
        seen.update(kwargs, study=study)
        return light

    monkeypatch.setattr(pipelines, "replicate", fake)
    return seen


def test_replicate_writes_a_report_folder(tmp_path, capsys, monkeypatch, replication):
    seen = {}

    def cached(study=None, **kwargs):  # the session's replication with the CLI's arguments
        seen.update(kwargs)
        return dataclasses.replace(replication, source={**replication.source,
                                                        "seed": kwargs["seed"]})

    monkeypatch.setattr(pipelines, "replicate", cached)
    out = tmp_path / "report"
    assert cli.main(["replicate", "--out", str(out), "--seed", "7", "--jobs", "2"]) == 0
    assert seen == {"lang": "en", "progress": None, "seed": 7, "jobs": 2}
    captured = capsys.readouterr()
    assert f"Report written to {out.resolve() / 'report.html'}" in captured.out
    assert captured.err == ""  # no progress display when stderr is not a terminal
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["source"]["synthetic_seed"] == cli.SYNTHETIC_SEED
    assert results["source"]["seed"] == 7
    assert results["tables"]["sample"][0]["value"] == 267
    assert (out / "tables" / "claims.csv").exists()
    assert (out / "figures" / "km_event_free.svg").exists()


def test_replicate_refuses_to_overwrite_without_force(tmp_path, capsys, quick_replicate):
    out = tmp_path / "report"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert cli.main(["replicate", "--out", str(out), "--quiet"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "mine"
    assert cli.main(["replicate", "--out", str(out), "--force", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert not (out / "keep.txt").exists()
    assert quick_replicate["progress"] is False


def test_seed_is_passed_on_and_jobs_checked(tmp_path, capsys, quick_replicate):
    assert cli.main(["replicate", "--out", str(tmp_path / "a"), "--seed", "5", "--quiet"]) == 0
    assert quick_replicate["seed"] == 5 and quick_replicate["lang"] == "en"
    assert cli.main(["replicate", "--out", str(tmp_path / "b"), "--jobs", "0"]) == 2
    assert "--jobs must be at least 1, got 0" in capsys.readouterr().err


def _their_files(folder):
    """The synthetic questionnaires under other column names (a user's export)."""
    text = (COMMITTED / "questionnaires.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    theirs = ["Paar", "Client", "Werker", "Beoordelaar", "Meting",
              *[f"V{k}" for k in range(1, 21)]]
    rows = [line.replace(",client,", ",C,").replace(",officer,", ",W,") for line in text[1:]]
    (folder / "vragen.csv").write_text("\n".join([",".join(theirs), *rows]) + "\n",
                                       encoding="utf-8")
    return dict(zip(theirs, header, strict=True))


def test_validate_with_a_toml_map(tmp_path, capsys, monkeypatch):
    # the CFA fits are tested in tests/pipelines; here the map, labels and files matter
    monkeypatch.setattr("werkalliantie_stats.pipelines.cfa_sections.cfa_steps",
                        lambda *args, **kwargs: [])
    mapping = _their_files(tmp_path)
    lines = ["[columns]", *[f'{k} = "{v}"' for k, v in mapping.items()],
             "[rater_codes]", 'C = "client"', 'W = "officer"']
    (tmp_path / "map.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "val"
    assert cli.main(["validate", str(tmp_path / "vragen.csv"), "--map",
                     str(tmp_path / "map.toml"), "--out", str(out), "--lang", "nl"]) == 0
    assert "report.html" in capsys.readouterr().out
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Werkalliantie: validering in een nieuwe steekproef" in page
    assert "Normen (percentielen van subschaalscores)" in page
    norms = (out / "tables" / "norms.csv").read_text(encoding="utf-8")
    assert norms.startswith("rater,subscale,n,mean,sd,P5")


def test_column_maps_in_csv_and_toml(tmp_path):
    (tmp_path / "map.csv").write_text("your_column,our_column\nPaar,dyad_id\nV1,com1\n")
    assert cli.read_column_map(str(tmp_path / "map.csv")) == (
        {"Paar": "dyad_id", "V1": "com1"}, None)
    (tmp_path / "map.toml").write_text('[columns]\nPaar = "dyad_id"\n[rater_codes]\nC = '
                                       '"client"\n')
    assert cli.read_column_map(str(tmp_path / "map.toml")) == (
        {"Paar": "dyad_id"}, {"C": "client"})


@pytest.mark.parametrize(("name", "content", "message"), [
    ("bad.csv", "your_column,our_column\nPaar\n",
     "expected a header and rows of two columns (your_column,our_column); line 2: ['Paar']"),
    ("empty.csv", "your_column,our_column\n", "no rows after the header"),
    ("bad.toml", "Paar = 'dyad_id'\n", "needs a [columns] table"),
    ("broken.toml", "[columns\n", "not valid TOML"),
])
def test_bad_column_maps_are_explained(tmp_path, capsys, name, content, message):
    (tmp_path / name).write_text(content)
    code = cli.main(["validate", str(COMMITTED / "questionnaires.csv"), "--map",
                     str(tmp_path / name), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_validate_lists_data_problems(tmp_path, capsys):
    _their_files(tmp_path)
    code = cli.main(["validate", str(tmp_path / "vragen.csv"), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert "werkalliantie validate: the data cannot be analysed yet. Problems found:" in err
    assert "\n  - " in err and "Traceback" not in err


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
    """As a process: exit code 2 and a list (no traceback) for bad data; no report."""
    bad = tmp_path / "q.csv"
    bad.write_text("dyad_id,rater\nD1,client\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "werkalliantie_stats.cli", "validate",
                          str(bad), "--out", str(tmp_path / "r")], capture_output=True,
                         text=True, check=False, cwd=ROOT)
    assert run.returncode == 2, run.stderr
    assert "Problems found:" in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == "" and not (tmp_path / "r").exists()


def test_power_subcommand_writes_its_table(tmp_path, capsys):
    out = tmp_path / "power"
    assert cli.main(["power", "--outcome", "dropout", "--n", "80", "120", "--reps", "8",
                     "--seed", "3", "--out", str(out), "--quiet"]) == 0
    table = (out / "power.csv").read_text(encoding="utf-8")
    assert "dropout" in table and "80" in table and "120" in table
    assert (out / "power.png").stat().st_size > 1000
