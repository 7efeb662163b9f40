"""The documentation builds with Sphinx, warnings as errors, and has the pages it promises.

Runs ``python -m sphinx -W --keep-going -b html docs <tmp>`` in a subprocess (the command a
user or CI would type), so a broken page, a bad cross-reference or a malformed docstring in
the API reference fails the suite. Skipped only when Sphinx or MyST is not installed (the
``docs`` extra).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("html")
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
           "-d", str(out / ".doctrees"), str(DOCS), str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    return proc, out


def test_build_has_no_warnings(built):
    proc, _ = built
    assert proc.returncode == 0, f"sphinx failed:\n{proc.stdout}\n{proc.stderr}"
    assert "WARNING" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr


def test_every_methods_page_is_built(built):
    _, out = built
    for page in sorted((DOCS / "methods").glob("*.md")):
        assert (out / "methods" / f"{page.stem}.html").is_file(), page.name


def test_api_page_documents_every_public_function(built):
    import werkalliantie_stats as ws

    _, out = built
    html = (out / "api.html").read_text(encoding="utf-8")
    documented = set(re.findall(r'id="werkalliantie_stats\.([A-Za-z_]\w*)"', html))
    public = {name for name in ws.__all__
              if callable(getattr(ws, name)) and not name.startswith("_")}
    missing = sorted(public - documented)
    assert missing == [], f"add these flat names to docs/api.md: {missing}"


def test_codebook_is_included_not_copied(built):
    _, out = built
    codebook = (out / "codebook.html").read_text(encoding="utf-8")
    assert "questionnaires.csv" in codebook and "risk_increase" in codebook
    assert "include" in (DOCS / "codebook.md").read_text(encoding="utf-8")


def test_getting_started_matches_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    commands = re.findall(r"^python3 -m pip install .*$", quick_start, flags=re.M)
    assert len(commands) == 2
    for command in commands:
        assert command in index
