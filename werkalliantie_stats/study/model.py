"""The :class:`Study` data model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..instrument import Instrument

__all__ = ["Study", "require_study"]


@dataclass(frozen=True, eq=False)
class Study:
    """Questionnaires and supervision outcomes of client–officer dyads.

    Build one with :func:`read_study` (which validates), :func:`load_synthetic` or
    :func:`simulate_study`; the tables are then in the normalised form described in
    DESIGN.md §3 (ids as strings, items as nullable integers).

    Attributes
    ----------
    questionnaires : DataFrame
        One row per completed questionnaire: ``dyad_id, client_id, officer_id, rater, wave``
        and the raw item responses (reverse-worded items *not* re-keyed).
    supervision : DataFrame or None
        One row per client supervision (covariates and outcomes), or None when only
        questionnaires are available.
    instrument : Instrument
    truth : mapping or None
        The generating values of a simulated study (see ``data/synthetic/truth.json``).
    source : mapping
        Where the tables came from: file names and SHA-256 checksums.
    """

    questionnaires: pd.DataFrame
    supervision: pd.DataFrame | None
    instrument: Instrument
    truth: Mapping | None = None
    source: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.questionnaires, pd.DataFrame):
            raise TypeError("Study: `questionnaires` must be a DataFrame, got "
                            f"{type(self.questionnaires).__name__}")
        if self.supervision is not None and not isinstance(self.supervision, pd.DataFrame):
            raise TypeError("Study: `supervision` must be a DataFrame or None, got "
                            f"{type(self.supervision).__name__}")
        if not isinstance(self.instrument, Instrument):
            raise TypeError("Study: `instrument` must be an Instrument (see load_instrument), got "
                            f"{type(self.instrument).__name__}")

    @property
    def n_dyads(self) -> int:
        """Number of distinct dyads with at least one questionnaire or supervision row."""
        ids = set(self.questionnaires["dyad_id"])
        if self.supervision is not None:
            ids |= set(self.supervision["dyad_id"])
        return len(ids)

    @property
    def n_officers(self) -> int:
        """Number of distinct officers."""
        ids = set(self.questionnaires["officer_id"])
        if self.supervision is not None:
            ids |= set(self.supervision["officer_id"])
        return len(ids)

    def items(self, rater: str = "client", wave: int = 1, rekey: bool = True,
              subscale: str | None = None) -> pd.DataFrame:
        """The item matrix of one rater at one wave, indexed by ``dyad_id``.

        Parameters
        ----------
        rater : {"client", "officer"}
        wave : {1, 2}
        rekey : bool, default True
            Re-key reverse-worded items (``min + max - x``) so that high always means
            more of the subscale.
        subscale : str, optional
            Only the items of this subscale.

        Returns
        -------
        DataFrame
            float64 (missing responses as NaN), rows sorted by ``dyad_id``, columns in
            questionnaire order. A new object: changing it leaves the study untouched.

        Examples
        --------
        >>> import werkalliantie_stats as ws
        >>> study = ws.load_synthetic()
        >>> x = study.items(rater="officer", wave=1, subscale="binding")
        >>> list(x.columns)
        ['bin1', 'bin2', 'bin3', 'bin4', 'bin5']
        """
        if rater not in self.instrument.raters:
            raise ValueError(f"Study.items: rater must be one of {list(self.instrument.raters)}, "
                             f"got {rater!r}")
        waves = sorted(self.questionnaires["wave"].unique().tolist())
        if wave not in waves:
            raise ValueError(f"Study.items: wave must be one of {waves}, got {wave!r}")
        columns = (self.instrument.items_of(subscale) if subscale is not None
                   else self.instrument.item_ids)
        rows = self.questionnaires[(self.questionnaires["rater"] == rater)
                                   & (self.questionnaires["wave"] == wave)]
        matrix = rows.set_index("dyad_id")[list(columns)].astype("float64").sort_index()
        if rekey:
            for item in self.instrument.reverse_items:
                if item in matrix.columns:
                    matrix[item] = self.instrument.scale.reverse(matrix[item])
        matrix.columns.name = None
        return matrix

    def paired_items(self, pair: str = "rater", wave: int = 1, rater: str = "client",
                     rekey: bool = True) -> pd.DataFrame:
        """Items of both members of a pair side by side, one row per dyad.

        ``pair="rater"`` puts client and officer ratings of ``wave`` next to each other
        (columns ``com1_client, com1_officer, ...``); ``pair="wave"`` puts wave 1 and wave
        2 of ``rater`` next to each other (``com1_w1, com1_w2, ...``). Only dyads rated on
        both occasions are kept. This is the wide layout that paired (longitudinal)
        measurement-invariance models need.
        """
        if pair == "rater":
            parts = {r: self.items(r, wave, rekey) for r in self.instrument.raters}
        elif pair == "wave":
            parts = {f"w{w}": self.items(rater, w, rekey)
                     for w in sorted(self.questionnaires["wave"].unique())}
        else:
            raise ValueError(f"Study.paired_items: pair must be 'rater' or 'wave', got {pair!r}")
        renamed = [frame.add_suffix(f"_{tag}") for tag, frame in parts.items()]
        wide = pd.concat(renamed, axis=1, join="inner")
        order = [f"{item}_{tag}" for item in self.instrument.item_ids for tag in parts]
        return wide[order]


def require_study(study: object, func: str) -> Study:
    """``study`` if it is a :class:`Study`, else a ``TypeError`` naming ``func``."""
    if not isinstance(study, Study):
        raise TypeError(f"{func}: `study` must be a Study (see read_study / load_synthetic), got "
                        f"{type(study).__name__}")
    return study
