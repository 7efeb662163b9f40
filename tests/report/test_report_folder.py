"""The written report as a reader gets it: one self-contained page with every section,
figures embedded, no identifiers; every table as CSV and every figure as PNG and SVG;
results.json with the numbers and what is needed to reproduce them. The folder is written
once for the module; a headless browser renders the page."""

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pipeline_cache
import pytest

import werkalliantie_stats as ws
from werkalliantie_stats.report import write_report
from werkalliantie_stats.report.labels import LABELS, label
from werkalliantie_stats.report.tables import format_number, format_p, html_table

CHROMIUM = Path("/usr/bin/chromium")
IDENTIFIER = re.compile(r"\b[DCO]\d{3,4}\b")


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h2, self.images, self.links, self.external = [], [], [], []
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in_h2 = tag == "h2"
        if tag == "h2":
            self.h2.append("")
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag == "a":
            self.links.append(attrs.get("href", ""))
        if tag in ("script", "link", "iframe") or (tag != "img" and "src" in attrs):
            self.external.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_h2:
            self.h2[-1] += data


@pytest.fixture(scope="module")
def result():
    return pipeline_cache.replication()


@pytest.fixture(scope="module")
def folder(result, tmp_path_factory):
    return write_report(result, tmp_path_factory.mktemp("r") / "report")


@pytest.fixture(scope="module")
def page(folder):
    parser = Page()
    parser.feed((folder / "report.html").read_text(encoding="utf-8"))
    return parser


def test_every_section_has_its_heading(result, page):
    expected = [label("en", "section", s.key) for s in result.sections]
    assert [h for h in page.h2 if h in expected] == expected
    assert label("en", "text", "source") in page.h2


def test_every_figure_is_embedded_and_nothing_is_fetched(result, page):
    assert len(page.images) == len(result.figures) > 0
    assert all(src.startswith("data:image/png;base64,") for src in page.images)
    assert page.external == []
    assert all(href.startswith("#") for href in page.links)


def test_no_identifiers_in_what_is_written(folder):
    for path in [folder / "report.html", folder / "report.md", *folder.glob("tables/*.csv")]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)
        assert not IDENTIFIER.search(text), path.name


def test_tables_and_figures_are_files(result, folder):
    assert sorted(p.stem for p in folder.glob("tables/*.csv")) == sorted(result.tables)
    for name in result.figures:
        assert (folder / "figures" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in (folder / "figures" / f"{name}.svg").read_bytes()[:500]
    claims = pd.read_csv(folder / "tables" / "claims.csv", index_col=0)
    pd.testing.assert_frame_equal(claims, result.tables["claims"], check_exact=False,
                                  rtol=1e-15)


def test_results_json_holds_the_numbers_and_provenance(result, folder):
    payload = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert payload["source"]["seed"] == result.source["seed"]
    assert payload["source"]["synthetic_seed"] == 267
    assert len(payload["source"]["questionnaires_sha256"]) == 64
    assert {"python", "numpy", "pandas", "scipy", "matplotlib"} <= set(payload["versions"])
    assert [s["key"] for s in payload["sections"]] == [s.key for s in result.sections]
    first = payload["tables"]["claims"][12]
    assert first["estimate"] == result.tables["claims"].loc[12, "estimate"]
    assert payload["omitted"] == result.omitted
    assert set(payload["figures"]) == set(result.figures)


def test_css_for_phones_and_print(folder):
    text = (folder / "report.html").read_text(encoding="utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert "@media print" in text and "@media (max-width:40rem)" in text


def test_every_name_has_a_label_in_both_languages(result):
    validation = pipeline_cache.validation()
    for outcome in (result, validation):
        for section in outcome.sections:
            for lang in LABELS:
                assert section.key in LABELS[lang]["section"], (lang, section.key)
                for name in section.figures:
                    assert name in LABELS[lang]["figure"], (lang, name)
                for name in section.tables:
                    if not name.startswith(("parallel_analysis_", "km_", "cumulative")):
                        assert name in LABELS[lang]["table"], (lang, name)


def test_dutch_report(result, tmp_path):
    nl = ws.pipelines.ReplicationResult(tables={"claims": result.tables["claims"]}, figures={},
                                        sections=(result.sections[-1],), lang="nl")
    text = (write_report(nl, tmp_path / "nl") / "report.html").read_text(encoding="utf-8")
    assert "Bevindingen vs. de claims van Menger en Donker" in text
    assert "ondersteund" in text and '<html lang="nl">' in text


def test_apa_numbers():
    assert format_p(0.0004) == "< .001" and format_p(0.0312) == ".031"
    assert format_p(float("nan")) == "–"
    assert format_number(3.0) == "3" and format_number(-0.0001) == "0.00"
    assert format_number(-0.256) == "−0.26" and format_number(float("nan")) == "–"
    table = pd.DataFrame({"estimate": [0.5], "ci_lower": [0.25], "ci_upper": [0.75],
                          "p_value": [0.5]}, index=pd.Index(["x"], name="term"))
    text = html_table(table, 3, "A title", "en")
    assert "<b>Table 3</b><br><i>A title</i>" in text
    assert "<th>95% CI</th>" in text and "<td>[0.25, 0.75]</td>" in text
    assert "<td>.500</td>" in text


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium, "
                    "Debian package 'chromium') is not installed")
def test_the_page_renders_in_a_browser(folder, tmp_path):
    from PIL import Image

    shot = tmp_path / "shot.png"
    run = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1200,3000", (folder / "report.html").resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert shot.exists(), run.stderr[-2000:]
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape == (3000, 1200)
    dark = (pixels < 128).mean()
    assert 0.005 < dark < 0.5  # text and rules, not a blank or black page
    assert pixels[:400].std() > 10  # the title and contents are drawn at the top
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def test_ratio_axes_have_plain_tick_labels():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from werkalliantie_stats.report.figures import _plain_ratio_ticks

    ax = Figure().add_subplot()
    ax.set_xscale("log")
    ax.set_xlim(0.15, 3.2)
    _plain_ratio_ticks(ax)
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.2", "0.5", "1", "2"]
    assert ax.xaxis.get_minor_locator().tick_values(0.15, 3.2) == []
