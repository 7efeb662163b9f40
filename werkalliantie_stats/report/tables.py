"""APA-style rendering of result tables: numbers are formatted here, and only here."""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from .labels import label

__all__ = ["drop_duplicate_index", "format_number", "format_p", "html_table", "is_p_column"]

P_COLUMNS = {"p", "p_value", "pvalue", "bartlett_p", "pvalue_diff", "rmsea_pvalue"}


def is_p_column(name: str) -> bool:
    return str(name) in P_COLUMNS or str(name).endswith("_p_value")


def format_p(value: float) -> str:
    """APA p-value: three decimals without the leading zero, ``< .001`` below that."""
    if value is None or not math.isfinite(value):
        return "–"
    if value < 0.001:
        return "< .001"
    return f"{value:.3f}".lstrip("0")


def format_number(value, digits: int = 2) -> str:
    """Integers as integers, other numbers with ``digits`` decimals, missing as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            return "∞" if value > 0 else "−∞"
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return _decimals(float(value), digits)
    return str(value)


def _decimals(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    if float(text) == 0:  # no "-0.00"
        text = text.lstrip("-")
    return text.replace("-", "−")


def _integral_columns(frame: pd.DataFrame) -> set[str]:
    """Numeric columns whose every value is a whole number (counts, df): printed as such."""
    out = set()
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            finite = values.dropna().astype(float)
            if len(finite) and np.all(np.mod(finite, 1) == 0):
                out.add(column)
    return out


def _cell(value, column: str, lang: str, integral: bool) -> str:
    if is_p_column(column) and isinstance(value, (float, np.floating)):
        return format_p(float(value))
    if isinstance(value, str):
        return label(lang, "value", value)
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and not integral:
        return _decimals(float(value), 2)
    return format_number(value)


def drop_duplicate_index(table: pd.DataFrame) -> pd.DataFrame:
    """Drop index levels that repeat a column (regression tables indexed by ``term`` that
    also hold a ``term`` column), so that the table can be flattened."""
    duplicated = [n for n in table.index.names if n is not None and n in table.columns]
    if not duplicated:
        return table
    if len(duplicated) == table.index.nlevels:
        return table.reset_index(drop=True)
    return table.reset_index(level=duplicated, drop=True)


def _display(table: pd.DataFrame) -> pd.DataFrame:
    """Merge ``ci_lower``/``ci_upper`` into one ``[lo, hi]`` column after the estimate."""
    frame = table.copy()
    if {"ci_lower", "ci_upper"} <= set(frame.columns):
        lows, highs = frame["ci_lower"], frame["ci_upper"]
        ci = [f"[{format_number(lo)}, {format_number(hi)}]" if not (pd.isna(lo) and pd.isna(hi))
              else "–" for lo, hi in zip(lows, highs, strict=True)]
        position = list(frame.columns).index("ci_lower")
        frame = frame.drop(columns=["ci_lower", "ci_upper"])
        frame.insert(position, "95% CI", ci)
    return frame


def html_table(table: pd.DataFrame, number: int, title: str, lang: str,
               drop: tuple[str, ...] = (), keep: tuple[str, ...] | None = None) -> str:
    """One APA-style table: ``Table N`` in bold, the title in italics, rules only above
    and below the header and at the bottom; index levels become the first columns.
    ``drop`` leaves columns out, ``keep`` (when given) shows only those columns."""
    if keep is not None:
        table = table[[c for c in keep if c in table.columns]]
    frame = _display(table.drop(columns=[c for c in drop if c in table.columns]))
    frame = drop_duplicate_index(frame)
    names = [n for n in frame.index.names if n is not None]
    flat = frame.reset_index() if names else frame.reset_index(drop=True)
    if not names and not isinstance(table.index, pd.RangeIndex):
        flat.insert(0, "", [str(i) for i in frame.index])
    head = "".join(f"<th>{html.escape(label(lang, 'column', c))}</th>" for c in flat.columns)
    rows, integral = [], _integral_columns(flat)
    for record in flat.itertuples(index=False):
        cells = []
        for column, value in zip(flat.columns, record, strict=True):
            text = html.escape(_cell(value, str(column), lang, column in integral))
            css = f' class="v-{value}"' if column == "verdict" else ""
            cells.append(f"<td{css}>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<figure class="table"><figcaption><b>{label(lang, "text", "table")} {number}'
            f'</b><br><i>{html.escape(title)}</i></figcaption><div class="scroll"><table>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            f"</figure>")
