"""The notebooks in notebooks/ are committed without outputs and run top to bottom.

Each notebook is executed with nbclient in a fresh temporary working directory (so that the
files it writes, e.g. the CSV of notebook 02, land there and nothing depends on the current
directory), with the repository on ``PYTHONPATH`` (so the kernel imports this checkout) and
matplotlib's Agg backend. A cell that raises fails the test with the cell's source and
traceback. Skipped only when nbclient/nbformat/ipykernel (the ``notebooks`` extra) are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 120  # seconds per cell; each notebook takes well under a minute in total


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def test_the_four_notebooks_are_there():
    names = [p.stem for p in NOTEBOOKS]
    assert names == [
        "01_replication",
        "02_validating_a_new_sample",
        "03_teaching_reliability_and_factor_analysis",
        "04_teaching_predicting_dropout_and_rearrest",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = _read(path)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {i} has outputs"
            assert cell.execution_count is None, f"{path.name}: cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = _read(path)
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [out for cell in nb.cells if cell.cell_type == "code"
              for out in cell.outputs if out.get("output_type") == "error"]
    assert errors == []
