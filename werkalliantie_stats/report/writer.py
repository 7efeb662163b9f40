"""Writing a pipeline result to an output folder: tables as CSV, a report, results.json."""

from __future__ import annotations

import html
import json
import math
import platform
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from os import PathLike
from pathlib import Path

import pandas as pd

from .._results import format_table
from .output import output_folder

__all__ = ["environment_versions", "write_report"]

DEPENDENCIES = ("numpy", "scipy", "pandas", "statsmodels", "factor_analyzer", "lifelines",
                "matplotlib")
TITLES = {
    "en": {"sample": "Sample", "clients_per_officer": "Clients per officer",
           "item_missingness": "Missing responses per item (share)",
           "outcome_rates": "Outcomes during supervision",
           "subscale_descriptives": "Subscale scores by rater and wave",
           "alliance_quality": "Alliance quality (good = both raters favourable)"},
    "nl": {"sample": "Steekproef", "clients_per_officer": "Cliënten per reclasseringswerker",
           "item_missingness": "Ontbrekende antwoorden per item (aandeel)",
           "outcome_rates": "Uitkomsten tijdens toezicht",
           "subscale_descriptives": "Subschaalscores per beoordelaar en meting",
           "alliance_quality": ("Kwaliteit van de werkalliantie "
                                "(goed = beide beoordelaars positief)")},
}
HEADINGS = {"en": "Working alliance: replication report",
            "nl": "Werkalliantie: replicatierapport"}


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
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return _json_value(value.item())
    return value


def _table_json(table: pd.DataFrame) -> list[dict]:
    flat = table.reset_index()
    flat.columns = [str(c) for c in flat.columns]
    return [{k: _json_value(v) for k, v in row.items()}
            for row in flat.astype(object).where(flat.notna(), None).to_dict("records")]


def write_report(result, out: str | PathLike, force: bool = False, lang: str = "en") -> Path:
    """Write ``result.tables`` to ``out``: ``tables/*.csv``, ``report.md``, ``report.html``
    and ``results.json`` (all numbers, versions, input checksums, seed).

    The folder is written completely or not at all (see :func:`output_folder`).
    """
    if lang not in TITLES:
        raise ValueError(f"write_report: `lang` must be one of {sorted(TITLES)}, got {lang!r}")
    with output_folder(out, force=force) as folder:
        (folder / "tables").mkdir()
        for name, table in result.tables.items():
            table.to_csv(folder / "tables" / f"{name}.csv", lineterminator="\n")
        (folder / "report.md").write_text(_markdown(result, lang), encoding="utf-8")
        (folder / "report.html").write_text(_html(result, lang), encoding="utf-8")
        payload = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": environment_versions(),
            "source": result.source,
            "tables": {name: _table_json(t) for name, t in result.tables.items()},
        }
        (folder / "results.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False)
                                             + "\n", encoding="utf-8")
    return Path(out)


def _markdown(result, lang: str) -> str:
    parts = [f"# {HEADINGS[lang]}", ""]
    for name, table in result.tables.items():
        parts += [f"## {TITLES[lang].get(name, name)}", "", "```",
                  format_table(table, 3), "```", ""]
    return "\n".join(parts)


def _html(result, lang: str) -> str:
    body = [f"<h1>{html.escape(HEADINGS[lang])}</h1>"]
    for name, table in result.tables.items():
        body.append(f"<h2>{html.escape(TITLES[lang].get(name, name))}</h2>")
        body.append(table.to_html(float_format=lambda v: f"{v:.3f}", na_rep="–", border=0))
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}"
             "table{border-collapse:collapse;margin-bottom:1.5rem;font-size:.9rem}"
             "td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:right}"
             "@media print{body{max-width:none}}")
    return (f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(HEADINGS[lang])}</title><style>{style}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")
