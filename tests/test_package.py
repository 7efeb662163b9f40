"""The package imports and exposes its version and typed warnings."""

import warnings

import pytest

import werkalliantie_stats as ws


def test_version_is_a_string():
    assert isinstance(ws.__version__, str) and ws.__version__.count(".") >= 2


def test_warnings_are_typed_and_filterable():
    with pytest.warns(ws.exceptions.HeywoodCaseWarning):
        warnings.warn("x", ws.exceptions.HeywoodCaseWarning, stacklevel=1)
    assert issubclass(ws.exceptions.ConvergenceWarning, ws.exceptions.WerkalliantieWarning)
    assert issubclass(ws.exceptions.StudyValidationError, ValueError)
