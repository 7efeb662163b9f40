"""Shared behaviour of result objects.

Every result is a frozen dataclass that holds numbers at full precision. Printing is
separate from computing: ``summary()`` renders text, ``_repr_html_`` renders the same
content for notebooks, and ``to_frame()`` gives the main table as a DataFrame.
"""

from __future__ import annotations

import html
from dataclasses import fields

import numpy as np
import pandas as pd

__all__ = ["ResultMixin", "format_table"]


def format_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """Render a DataFrame as aligned plain text with ``digits`` decimals (printing only)."""
    with pd.option_context("display.float_format", f"{{:.{digits}f}}".format,
                           "display.width", 200, "display.max_columns", 50,
                           "display.max_rows", 500):
        return frame.to_string()


class ResultMixin:
    """Mixin giving ``summary``, ``to_frame`` and HTML rendering to result dataclasses.

    Subclasses override :meth:`to_frame` (the main table) and may override
    :meth:`summary` (default: a title, the scalar fields, then the main table).
    """

    _title: str = "Result"

    def to_frame(self) -> pd.DataFrame:
        """The main table of the result as a DataFrame."""
        scalars = {f.name: getattr(self, f.name) for f in fields(self)  # type: ignore[arg-type]
                   if isinstance(getattr(self, f.name), (int, float, np.floating, np.integer))}
        return pd.DataFrame([scalars])

    def _scalar_lines(self) -> list[str]:
        lines = []
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, (bool, np.bool_)):
                lines.append(f"{f.name:<24}{value}")
            elif isinstance(value, (int, np.integer)):
                lines.append(f"{f.name:<24}{int(value)}")
            elif isinstance(value, (float, np.floating)):
                lines.append(f"{f.name:<24}{float(value):.4f}")
        return lines

    def summary(self, digits: int = 3) -> str:
        """Text summary in the manner of R's print methods."""
        parts = [self._title, "=" * len(self._title), *self._scalar_lines()]
        table = self.to_frame()
        if table is not None and len(table.columns) > 1:
            parts += ["", format_table(table, digits)]
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"
