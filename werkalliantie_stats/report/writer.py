"""Writing a pipeline result to an output folder: report.html, figures, CSV, results.json."""

from __future__ import annotations

import json
import math
import platform
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from os import PathLike
from pathlib import Path

import pandas as pd

from .._results import format_table
from .figures import render
from .html import html_document
from .labels import LABELS, label
from .output import output_folder
from .tables import drop_duplicate_index

__all__ = ["environment_versions", "write_report"]

DEPENDENCIES = ("numpy", "scipy", "pandas", "statsmodels", "factor_analyzer", "lifelines",
                "matplotlib")
TIME_LABEL = {"en": "days since start of supervision", "nl": "dagen sinds start toezicht"}


def environment_versions() -> dict[str, str]:
    """Versions of Python, this package and its dependencies."""
    versions = {"python": platform.python_version()}
    for name in ("werkalliantie-stats", *DEPENDENCIES):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _json_value(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _table_json(table: pd.DataFrame) -> list[dict]:
    flat = drop_duplicate_index(table).reset_index()
    flat.columns = [str(c) for c in flat.columns]
    return [{k: _json_value(v) for k, v in row.items()}
            for row in flat.astype(object).where(flat.notna(), None).to_dict("records")]


def _kind(result) -> str:
    return "validate" if type(result).__name__ == "ValidationResult" else "replicate"


def _markdown(result, lang: str) -> str:
    parts = [f"# {label(lang, 'text', _kind(result))}", ""]
    for section in result.sections:
        parts += [f"## {label(lang, 'section', section.key)}", ""]
        for name in section.tables:
            parts += [f"### {label(lang, 'table', name)}", "", "```",
                      format_table(result.tables[name], 3), "```", ""]
    return "\n".join(parts)


def _payload(result, created: str, versions: dict, figure_files: dict) -> dict:
    return {
        "created": created, "kind": _kind(result), "lang": result.lang,
        "versions": versions, "source": result.source, "omitted": result.omitted,
        "sections": [{"key": s.key, "tables": list(s.tables), "figures": list(s.figures),
                      "notes": list(s.notes)} for s in result.sections],
        "figures": figure_files,
        "tables": {name: _table_json(t) for name, t in result.tables.items()},
    }


def render_figures(figures: dict, time_label: str, jobs: int = 1) -> dict[str, tuple]:
    """PNG and SVG bytes of every figure; ``jobs > 1`` draws them in that many processes."""
    if jobs <= 1 or len(figures) < 2:
        return {name: render(spec, time_label=time_label) for name, spec in figures.items()}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {name: pool.submit(render, spec, 120, time_label)
                   for name, spec in figures.items()}
        return {name: future.result() for name, future in futures.items()}


def write_report(result, out: str | PathLike, force: bool = False,
                 lang: str | None = None, jobs: int = 1) -> Path:
    """Write a pipeline result to the folder ``out``.

    Contents: ``report.html`` (self-contained: figures embedded as PNG), ``report.md``,
    ``tables/<name>.csv`` (every table, full precision), ``figures/<name>.png`` and
    ``.svg``, and ``results.json`` (every number, the sections, package and dependency
    versions, seed and input checksums). The folder is written completely or not at all
    (see :func:`output_folder`); an existing folder is replaced only with ``force``.

    Parameters
    ----------
    result : ReplicationResult or ValidationResult
    out : path
    force : bool
        Replace an existing folder.
    lang : {"en", "nl"}, optional
        Report language; default: the language the result was made with.
    jobs : int
        Processes for drawing the figures (drawing is most of the writing time).

    Returns
    -------
    Path
        ``out``.

    Notes
    -----
    Numbers are formatted only here (APA style: two decimals, whole numbers for counts,
    p-values as ``.031`` / ``< .001``, CIs as ``[lower, upper]``); CSV and JSON keep full
    precision. The page holds aggregates only: no dyad, client or officer identifiers.

    References
    ----------
    1. American Psychological Association (2020). Publication Manual of the APA (7th ed.),
       chapter 7: tables and figures.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from werkalliantie_stats.pipelines import ReplicationResult, Section
    >>> from werkalliantie_stats.report import write_report
    >>> sample = pd.DataFrame({"value": [267.0, 177.0]}, index=["dyads", "officers"])
    >>> result = ReplicationResult(tables={"sample": sample}, figures={},
    ...                            sections=(Section("sample", ("sample",)),))
    >>> folder = write_report(result, pathlib.Path(tempfile.mkdtemp()) / "report")
    >>> sorted(p.name for p in folder.iterdir())
    ['figures', 'report.html', 'report.md', 'results.json', 'tables']
    >>> # In R there is no single twin; psych::fa.parallel, lavaan::cfa and friends each print.
    """
    lang = result.lang if lang is None else lang
    if lang not in LABELS:
        raise ValueError(f"write_report: `lang` must be one of {sorted(LABELS)}, got {lang!r}")
    created = datetime.now(UTC).isoformat(timespec="seconds")
    versions = environment_versions()
    with output_folder(out, force=force) as folder:
        (folder / "tables").mkdir()
        (folder / "figures").mkdir()
        for name, table in result.tables.items():
            table.to_csv(folder / "tables" / f"{name}.csv", lineterminator="\n")
        pngs, files = {}, {}
        drawn = render_figures(result.figures, TIME_LABEL[lang], jobs)
        for name, spec in result.figures.items():
            png, svg = drawn[name]
            (folder / "figures" / f"{name}.png").write_bytes(png)
            (folder / "figures" / f"{name}.svg").write_bytes(svg)
            pngs[name] = png
            files[name] = {"plot": spec.plot, "png": f"figures/{name}.png",
                           "svg": f"figures/{name}.svg"}
        (folder / "report.html").write_text(
            html_document(result, _kind(result), pngs, versions, created, lang),
            encoding="utf-8")
        (folder / "report.md").write_text(_markdown(result, lang), encoding="utf-8")
        (folder / "results.json").write_text(
            json.dumps(_payload(result, created, versions, files), indent=2,
                       ensure_ascii=False) + "\n", encoding="utf-8")
    return Path(out)
