"""The code in the user guide runs.

Each ```python block of a page in docs/guide/ is executed in order in one namespace per page,
in a temporary working directory (some examples write a CSV), so the guide cannot drift from
the package. A block whose first line is ``# not run in the tests ...`` is skipped (slow
examples; say why in that line).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"
PAGES = sorted(GUIDE.glob("*.md"))
BLOCK = re.compile(r"^```python\n(.*?)^```", flags=re.M | re.S)
SKIP = "# not run in the tests"


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


def test_guide_pages_have_code():
    with_code = {p.stem for p in PAGES if python_blocks(p)}
    assert {"data", "scoring", "psychometrics", "cfa", "outcomes", "simulation"} <= with_code


@pytest.mark.parametrize("page", [p for p in PAGES if python_blocks(p)], ids=lambda p: p.stem)
def test_guide_code_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": f"guide_{page.stem}"}
    ran = 0
    for number, block in enumerate(python_blocks(page), start=1):
        if block.lstrip().startswith(SKIP):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the guide shows warnings on purpose
            exec(compile(block, f"{page.name}[block {number}]", "exec"), namespace)
        ran += 1
    assert ran > 0
