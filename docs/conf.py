"""Sphinx configuration: Markdown pages (MyST) and an API reference from numpydoc docstrings.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
(the test suite runs the same command, warnings as errors).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import werkalliantie_stats  # noqa: E402

project = "werkalliantie_stats"
author = "werkalliantie_stats developers"
copyright = "werkalliantie_stats developers, GPL-3.0-or-later"
release = werkalliantie_stats.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# Markdown: $...$ and $$...$$ math (the methods pages use it), ::: fences, anchors for
# headings so that pages can link to sections.
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# numpydoc-style docstrings through napoleon.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_param = True
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": False}

html_theme = "alabaster"
html_title = "werkalliantie_stats"
html_theme_options = {"sidebar_width": "250px", "page_width": "1240px", "font_size": "16px"}
html_static_path: list[str] = []

# numpydoc footnotes (``[1]_`` in the text, ``.. [1]`` under References) are local to one
# docstring, but docutils resolves them per page, and inside MyST pages the docutils footnote
# transform does not reach the reST of ``eval-rst`` blocks: the references end up as "Unknown
# target name". numpydoc's own extension renames them; with napoleon we render them the way
# they read in the docstring instead: ``[1]`` in the text, a numbered list under References.
# The docstrings themselves stay plain numpydoc.
_FOOTNOTE_REF = re.compile(r"\[(\d+)\]_")
_FOOTNOTE_DEF = re.compile(r"^(\s*)\.\. \[(\d+)\] ?(.*)$")


def _plain_footnotes(app, what, name, obj, options, lines):
    body_indent = None  # indentation of the continuation lines of the current reference
    for i, line in enumerate(lines):
        match = _FOOTNOTE_DEF.match(line)
        if match:
            indent, number, text = match.groups()
            lines[i] = f"{indent}{number}. {text}"
            body_indent, def_indent = " " * (len(indent) + len(number) + 2), len(indent)
            continue
        stripped = line.lstrip()
        if body_indent is not None and stripped and len(line) - len(stripped) > def_indent:
            lines[i] = body_indent + stripped
            continue
        if stripped:
            body_indent = None
        lines[i] = _FOOTNOTE_REF.sub(r"[\1]", line)


def setup(app):
    app.connect("autodoc-process-docstring", _plain_footnotes)
