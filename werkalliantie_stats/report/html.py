"""One self-contained HTML page: embedded figures, APA tables, phone and print CSS."""

from __future__ import annotations

import base64
import html

from .labels import label
from .tables import html_table

__all__ = ["CSV_ONLY", "STYLE", "html_document"]

CSV_ONLY = {"parallel_analysis_client", "parallel_analysis_officer", "km_event_free",
            "cumulative_incidence", "predictive_validity"}
"""Long tables written as CSV but not printed in the page."""

PAGE_COLUMNS = {
    "item_statistics": ("subscale", "n", "missing", "mean", "sd", "skew", "kurtosis",
                        "r_rest", "alpha_if_deleted"),
    "agreement": ("n", "icc", "icc_lower", "icc_upper", "r", "mean_diff", "loa_lower",
                  "loa_upper"),
    "cfa_fit": ("ntotal", "npar", "chisq", "df", "pvalue", "chisq_scaled", "df_scaled",
                "pvalue_scaled", "cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper",
                "srmr", "cfi_scaled", "tli_scaled", "rmsea_scaled", "cfi_robust",
                "rmsea_robust"),
    "cfa_loadings": ("lhs", "est", "se", "std_all"),
    "reliability": ("n_obs", "alpha", "ci_lower", "ci_upper", "ordinal_alpha", "omega_total"),
    "invariance": ("npar", "chisq", "df", "pvalue", "cfi", "rmsea", "srmr", "chisq_diff",
                   "df_diff", "pvalue_diff", "delta_cfi", "delta_rmsea"),
    "invariance_wlsmv": ("ntotal", "npar", "chisq", "df", "chisq_scaled", "pvalue_scaled",
                         "cfi_scaled", "rmsea_scaled", "srmr", "chisq_diff", "df_diff",
                         "pvalue_diff", "delta_cfi_scaled", "delta_rmsea_scaled"),
}
"""Columns shown in the page for wide tables (the CSV has them all)."""

STYLE = """
:root{--ink:#1d1d1f;--muted:#5f6368;--rule:#1d1d1f;--accent:#1f5fa8}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
 line-height:1.5;max-width:62rem;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.7rem;margin:.5rem 0 .25rem}h2{font-size:1.3rem;margin-top:2.5rem;
 border-bottom:2px solid var(--accent);padding-bottom:.2rem}
nav ol{columns:2;padding-left:1.2rem}nav a{color:var(--accent);text-decoration:none}
.meta{color:var(--muted);font-size:.9rem}
.headline{font-size:1.05rem;background:#eef3fa;padding:.5rem .75rem;border-radius:.3rem}
figure{margin:1.25rem 0}figure.table figcaption{margin-bottom:.4rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.88rem;font-variant-numeric:tabular-nums;
 border-top:1.5px solid var(--rule);border-bottom:1.5px solid var(--rule)}
thead th{border-bottom:1px solid var(--rule);font-weight:600;text-align:right}
th,td{padding:.25rem .6rem;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
td.v-supported{color:#0b6b2e;font-weight:600}td.v-contradicted{color:#a4161a;font-weight:600}
td.v-inconclusive{color:#8a6d00}
figure.plot img{max-width:100%;height:auto;display:block}
figure.plot figcaption{font-size:.9rem;margin-top:.3rem}
.notes{font-size:.85rem;color:var(--muted)}.notes li{margin:.15rem 0}
dl.source dt{font-weight:600}dl.source dd{margin:0 0 .4rem 0;word-break:break-all}
@media (max-width:40rem){body{padding:.6rem}nav ol{columns:1}table{font-size:.8rem}
 h1{font-size:1.35rem}}
@media print{body{max-width:none;padding:0;font-size:10pt}nav{display:none}
 h2{break-after:avoid}figure{break-inside:avoid}.scroll{overflow:visible}
 a{color:inherit;text-decoration:none}}
"""


def _page_columns(name: str, table=None) -> tuple[str, ...] | None:
    if "invariance" in name:  # WLSMV tables: the scaled test and indices
        ordinal = table is not None and "delta_cfi_scaled" in table.columns
        return PAGE_COLUMNS["invariance_wlsmv" if ordinal else "invariance"]
    return PAGE_COLUMNS.get(name)


class _Counter:
    def __init__(self):
        self.tables = 0
        self.figures = 0


def _figure(name: str, png: bytes, number: int, lang: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    caption = label(lang, "figure", name)
    return (f'<figure class="plot"><img src="data:image/png;base64,{data}" '
            f'alt="{html.escape(caption)}"><figcaption><b>{label(lang, "text", "figure")} '
            f"{number}</b>. <i>{html.escape(caption)}</i></figcaption></figure>")


def _section(result, section, pngs: dict[str, bytes], count: _Counter, lang: str) -> str:
    parts = [f'<section id="{section.key}"><h2>{html.escape(label(lang, "section", section.key))}'
             f"</h2>"]
    for name in section.tables:
        if name in CSV_ONLY:
            continue
        count.tables += 1
        drop = ("rule",) if name == "claims" else ()
        parts.append(html_table(result.tables[name], count.tables,
                                label(lang, "table", name), lang, drop=drop,
                                keep=_page_columns(name, result.tables[name])))
    if section.key == "claims":
        parts.append(_rules(result.tables[name], lang))
    for name in section.figures:
        count.figures += 1
        parts.append(_figure(name, pngs[name], count.figures, lang))
    notes = list(section.notes) + [f"CSV: tables/{n}.csv" for n in section.tables
                                   if n in CSV_ONLY]
    if notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        parts.append(f'<div class="notes"><b>{label(lang, "text", "notes")}</b><ul>{items}'
                     f"</ul></div>")
    parts.append("</section>")
    return "".join(parts)


def _rules(claims, lang: str) -> str:
    rules = dict.fromkeys(claims["rule"]) if "rule" in claims else {}
    items = "".join(f"<li>{html.escape(label(lang, 'text', r))}</li>" for r in rules)
    truth = (f"<p>{html.escape(label(lang, 'text', 'truth_note'))}</p>"
             if claims["truth"].notna().any() else "")
    return (f'<div class="notes"><b>{label(lang, "text", "verdict_rules")}</b><ul>{items}</ul>'
            f"{truth}</div>")


def _source(result, versions: dict, created: str, lang: str) -> str:
    rows = [f"<dt>{label(lang, 'text', 'generated')}</dt><dd>{html.escape(created)}</dd>"]
    for key, value in result.source.items():
        rows.append(f"<dt>{html.escape(str(key))}</dt><dd>{html.escape(str(value))}</dd>")
    version_text = ", ".join(f"{k} {v}" for k, v in versions.items())
    rows.append(f"<dt>{label(lang, 'text', 'version')}</dt><dd>{html.escape(version_text)}</dd>")
    omitted = "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>"
                      for k, v in result.omitted.items())
    left_out = (f"<h3>{label(lang, 'text', 'omitted')}</h3><ul>{omitted}</ul>"
                if omitted else "")
    return (f'<section id="source"><h2>{label(lang, "text", "source")}</h2>'
            f'<p class="meta">{html.escape(label(lang, "text", "privacy"))}</p>{left_out}'
            f'<dl class="source">{"".join(rows)}</dl></section>')


def _headline(result, lang: str) -> str:
    """One line under the title: how many claims each verdict got, linked to the table."""
    claims = result.tables.get("claims")
    if claims is None or claims.empty:
        return ""
    counts = claims["verdict"].value_counts()
    parts = ", ".join(f"{label(lang, 'value', v)}: {int(counts[v])}"
                      for v in ("supported", "inconclusive", "contradicted") if v in counts)
    return (f'<p class="headline"><a href="#claims">{html.escape(label(lang, "section", "claims"))}'
            f"</a> — {html.escape(parts)}</p>")


def html_document(result, kind: str, pngs: dict[str, bytes], versions: dict, created: str,
                  lang: str) -> str:
    """The whole report page (``kind`` is ``"replicate"`` or ``"validate"``)."""
    title = label(lang, "text", kind)
    count = _Counter()
    sections = [_section(result, s, pngs, count, lang) for s in result.sections]
    toc = "".join(f'<li><a href="#{s.key}">{html.escape(label(lang, "section", s.key))}</a></li>'
                  for s in result.sections)
    toc += f'<li><a href="#source">{html.escape(label(lang, "text", "source"))}</a></li>'
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f'<header><h1>{html.escape(title)}</h1><p class="meta">{html.escape(created)}</p>'
            f"{_headline(result, lang)}</header>"
            f"<nav><h2>{label(lang, 'text', 'contents')}</h2><ol>{toc}</ol></nav>"
            f"<main>{''.join(sections)}{_source(result, versions, created, lang)}</main>"
            f"</body></html>\n")
