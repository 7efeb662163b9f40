"""What a pipeline returns: tables by name, figures as data, sections in report order."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._results import ResultMixin, format_table

__all__ = ["FigureSpec", "PipelineResult", "Section", "SectionBuilder", "collect_warnings"]


@dataclass(frozen=True)
class FigureSpec:
    """A figure kept as data: the plot function (``module.name`` under
    :mod:`werkalliantie_stats.plots`) and the result it draws."""

    plot: str
    data: Any
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """One report section: its key (for labels), table names, figure names and notes."""

    key: str
    tables: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


class SectionBuilder:
    """Collects the tables, figures and warnings of one section while it is computed."""

    def __init__(self, key: str):
        self.key = key
        self.tables: dict[str, pd.DataFrame] = {}
        self.figures: dict[str, FigureSpec] = {}
        self.notes: list[str] = []

    def table(self, name: str, frame: pd.DataFrame) -> None:
        self.tables[name] = frame

    def figure(self, name: str, plot: str, data: Any, **options) -> None:
        self.figures[name] = FigureSpec(plot, data, options)

    def section(self) -> Section:
        return Section(self.key, tuple(self.tables), tuple(self.figures),
                       tuple(dict.fromkeys(self.notes)))


@contextmanager
def collect_warnings(builder: SectionBuilder) -> Iterator[None]:
    """Record the package's statistical warnings as notes of the section being built."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for item in caught:
        builder.notes.append(f"{item.category.__name__}: {item.message}")


@dataclass(frozen=True, eq=False)
class PipelineResult(ResultMixin):
    """Shared shape of :class:`ReplicationResult` and :class:`ValidationResult`.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Every table at full precision, by name (report order).
    figures : dict of str to FigureSpec
        Every figure as data: the plot function and the result it draws.
    sections : tuple of Section
        Report order: which tables, figures and notes (warnings raised) each section holds.
    omitted : dict of str to str
        Sections left out and why (e.g. the CFA engine is not installed, no supervision data).
    source : dict
        Input files and their SHA-256 checksums, the seed, the synthetic study's seed.
    lang : str
        Language of the report labels (``"en"`` or ``"nl"``).
    """

    tables: dict[str, pd.DataFrame]
    figures: dict[str, FigureSpec]
    sections: tuple[Section, ...]
    omitted: dict[str, str] = field(default_factory=dict)
    source: dict = field(default_factory=dict)
    lang: str = "en"
    _title = "Pipeline result"
    _main_table = ""

    def to_frame(self) -> pd.DataFrame:
        return self.tables[self._main_table]

    def summary(self, digits: int = 3) -> str:
        parts = [self._title, "=" * len(self._title)]
        for section in self.sections:
            for name in section.tables:
                parts += ["", name, "-" * len(name), format_table(self.tables[name], digits)]
        for key, reason in self.omitted.items():
            parts += ["", f"[left out] {key}: {reason}"]
        return "\n".join(parts)


def run_sections(steps: list[tuple[str, Callable[[SectionBuilder], None]]],
                 progress) -> tuple[dict, dict, tuple[Section, ...]]:
    """Run section steps in order, each collecting its warnings, with progress shown."""
    tables: dict[str, pd.DataFrame] = {}
    figures: dict[str, FigureSpec] = {}
    sections = []
    for key, step in steps:
        progress.step(key)
        builder = SectionBuilder(key)
        with collect_warnings(builder):
            step(builder)
        repeated = (set(builder.tables) & set(tables)) | (set(builder.figures) & set(figures))
        if repeated:
            raise RuntimeError(f"section {key!r} reuses the names {sorted(repeated)}")
        tables.update(builder.tables)
        figures.update(builder.figures)
        sections.append(builder.section())
    progress.done()
    return tables, figures, tuple(sections)
