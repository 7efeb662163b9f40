"""The replication pipeline: the Menger–Donker analysis on a study."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .._results import ResultMixin, format_table
from ..study import Study, load_synthetic
from . import describe

__all__ = ["ReplicationResult", "replicate"]


@dataclass(frozen=True, eq=False)
class ReplicationResult(ResultMixin):
    """All tables of a replication run, by name, plus the study's provenance.

    Attributes
    ----------
    tables : dict of str to DataFrame
        In report order: ``sample``, ``clients_per_officer``, ``item_missingness``,
        ``outcome_rates``, ``subscale_descriptives``, ``alliance_quality``.
    source : dict
        Input files and checksums (empty for in-memory data), and the seed of a synthetic
        study.
    """

    tables: dict[str, pd.DataFrame]
    source: dict = field(default_factory=dict)
    _title = "Replication of Menger & Donker"

    def to_frame(self) -> pd.DataFrame:
        return self.tables["subscale_descriptives"]

    def summary(self, digits: int = 3) -> str:
        parts = [self._title, "=" * len(self._title)]
        for name, table in self.tables.items():
            parts += ["", name, "-" * len(name), format_table(table, digits)]
        return "\n".join(parts)


def replicate(study: Study | None = None) -> ReplicationResult:
    """Run the replication analysis (default: on the bundled synthetic study).

    Parameters
    ----------
    study : Study, optional
        A study read with :func:`read_study`; ``None`` uses :func:`load_synthetic`.

    Returns
    -------
    ReplicationResult
        Its tables are written to a report folder by ``werkalliantie replicate``.

    Examples
    --------
    >>> import werkalliantie_stats as ws
    >>> result = ws.replicate()
    >>> int(result.tables["sample"].loc["dyads", "value"])
    267
    """
    if study is None:
        study = load_synthetic()
    if not isinstance(study, Study):
        raise TypeError(f"replicate: `study` must be a Study or None, got {type(study).__name__}")
    tables = {
        "sample": describe.describe_sample(study),
        "clients_per_officer": describe.clients_per_officer(study),
        "item_missingness": describe.item_missingness(study),
        "outcome_rates": describe.outcome_rates(study),
        "subscale_descriptives": describe.describe_subscales(study),
        "alliance_quality": describe.quality_distribution(study),
    }
    source = dict(study.source)
    if study.truth is not None and "seed" in study.truth:
        source["seed"] = study.truth["seed"]
    return ReplicationResult(tables=tables, source=source)
