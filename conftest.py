"""Make the shared test helpers (``reference_io``) importable from every test folder."""

import sys
from pathlib import Path

TESTS = str(Path(__file__).parent / "tests")
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
