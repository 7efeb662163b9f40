"""Reading study tables from files or DataFrames, with validation and normalisation."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from importlib import resources
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import StudyValidationError
from ..instrument import Instrument, load_instrument
from .checks import check_questionnaires, check_supervision, check_tables_agree
from .columns import ID_COLUMNS, NUMERIC_SUPERVISION_COLUMNS
from .model import Study

__all__ = ["load_synthetic", "read_study", "read_table"]

TableSource = str | PathLike | pd.DataFrame
READERS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".xls": "excel",
           ".sav": "spss", ".zsav": "spss", ".parquet": "parquet", ".pq": "parquet"}
LABELLED_COLUMNS = ("rater", "event", "gender")


def read_study(questionnaires: TableSource, supervision: TableSource | None = None, *,
               instrument: Instrument | str | PathLike | None = None,
               mapping: Mapping[str, str] | None = None,
               rater_codes: Mapping[object, str] | None = None,
               sheet: str | int | None = None) -> Study:
    """Read, validate and normalise a study.

    Parameters
    ----------
    questionnaires : path or DataFrame
        One row per questionnaire (DESIGN.md §3). Files: ``.csv`` (comma or semicolon
        separated), ``.xlsx``, ``.sav`` (SPSS; value labels of ``rater``/``event``/
        ``gender`` are applied, item codes are kept), ``.parquet``.
    supervision : path or DataFrame, optional
        One row per client supervision with covariates and outcomes.
    instrument : Instrument or path, optional
        The instrument the questionnaires used (default: the bundled one).
    mapping : mapping, optional
        ``{your_column: our_column}`` renames applied to both tables before validation,
        e.g. ``{"Cliënt": "client_id", "V1": "com1"}``.
    rater_codes : mapping, optional
        Recodes the rater column, e.g. ``{"C": "client", "W": "officer"}``.
    sheet : str or int, optional
        Worksheet for Excel files (default: the first).

    Returns
    -------
    Study

    Raises
    ------
    StudyValidationError
        Listing every problem found, each naming the file, column, rows and an example.
        Input files and DataFrames are never modified.

    Examples
    --------
    >>> import pandas as pd, werkalliantie_stats as ws
    >>> q = ws.load_synthetic().questionnaires.rename(columns={"dyad_id": "paar"})
    >>> study = ws.read_study(q, mapping={"paar": "dyad_id"})
    >>> study.n_dyads
    267
    """
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    q_raw, q_name, q_sum = read_table(questionnaires, "questionnaires", mapping, sheet)
    problems = check_questionnaires(q_raw, inst, q_name)
    s_raw = s_name = s_sum = None
    if supervision is not None:
        s_raw, s_name, s_sum = read_table(supervision, "supervision", mapping, sheet)
        problems += check_supervision(s_raw, s_name)
    if rater_codes is not None and "rater" in q_raw.columns:
        q_raw["rater"] = q_raw["rater"].map(lambda v: rater_codes.get(v, v))
        problems = [p for p in problems if "column 'rater'" not in p]
        problems += [p for p in check_questionnaires(q_raw, inst, q_name) if "column 'rater'" in p]
    if not problems and s_raw is not None:
        problems += check_tables_agree(q_raw, s_raw, q_name, s_name)
    if problems:
        raise StudyValidationError(problems)
    source = {"questionnaires": q_name, "questionnaires_sha256": q_sum}
    if s_raw is not None:
        source |= {"supervision": s_name, "supervision_sha256": s_sum}
    return Study(questionnaires=normalise_questionnaires(q_raw, inst),
                 supervision=None if s_raw is None else normalise_supervision(s_raw),
                 instrument=inst, source=source)


def read_table(source: TableSource, role: str, mapping: Mapping[str, str] | None = None,
               sheet: str | int | None = None) -> tuple[pd.DataFrame, str, str]:
    """A table as read (text-preserving), its display name and SHA-256 (or '' for frames)."""
    if isinstance(source, pd.DataFrame):
        table, name, digest = source.copy(), f"{role} (DataFrame)", ""
    elif isinstance(source, (str, PathLike)):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"read_study: {role} file {str(path)!r} does not exist")
        kind = READERS.get(path.suffix.lower())
        if kind is None:
            raise ValueError(f"read_study: cannot read {role} file {path.name!r}: unknown "
                             f"extension {path.suffix!r}; use one of {sorted(READERS)}")
        table = _read_file(path, kind, sheet, mapping)
        name, digest = path.name, hashlib.sha256(path.read_bytes()).hexdigest()
    else:
        raise TypeError(f"read_study: `{role}` must be a file path or a DataFrame, got "
                        f"{type(source).__name__}")
    if mapping:
        table = table.rename(columns=dict(mapping))
    table = table.reset_index(drop=True)
    for column in ID_COLUMNS:
        if column in table.columns:
            table[column] = as_id(table[column])
    for column in ("rater", "event", "gender"):
        if column in table.columns and table[column].dtype == object:
            table[column] = table[column].map(lambda v: v.strip() if isinstance(v, str) else v)
    return table, name, digest


def _read_file(path: Path, kind: str, sheet, mapping) -> pd.DataFrame:
    if kind == "csv":
        with path.open(encoding="utf-8-sig") as fh:
            header = fh.readline()
        sep = ";" if header.count(";") > header.count(",") else ("\t" if "\t" in header else ",")
        return pd.read_csv(path, sep=sep, dtype=str, encoding="utf-8-sig")
    if kind == "excel":
        return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=object)
    if kind == "parquet":
        return pd.read_parquet(path)
    return _read_spss(path, mapping)


def _read_spss(path: Path, mapping) -> pd.DataFrame:
    import pyreadstat

    table, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    renamed = dict(mapping or {})
    for original, labels in meta.variable_value_labels.items():
        if renamed.get(original, original) in LABELLED_COLUMNS and labels:
            table[original] = table[original].map(lambda v, lab=labels: lab.get(v, v))
    return table


def as_id(series: pd.Series) -> pd.Series:
    """Identifiers as strings; whole numbers read as floats (e.g. from Excel) lose their '.0'."""
    def one(value):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return pd.NA
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return str(int(value))
        return str(value).strip()
    return series.map(one).astype("string").astype(object)


def _integral_or_float(values: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(values, errors="coerce").astype("float64")
    present = numeric.dropna()
    if (present % 1 == 0).all():
        return numeric.astype("Int64")
    return numeric


def normalise_questionnaires(table: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Validated questionnaires in the canonical column order and dtypes."""
    out = table[["dyad_id", "client_id", "officer_id", "rater"]].copy()
    out["wave"] = pd.to_numeric(table["wave"]).astype("int64")
    for item in instrument.item_ids:
        out[item] = pd.to_numeric(table[item]).astype("float64").astype("Int64")
    extra = [c for c in table.columns if c not in out.columns]
    out[extra] = table[extra]
    return out.sort_values(["dyad_id", "rater", "wave"], kind="stable").reset_index(drop=True)


def normalise_supervision(table: pd.DataFrame) -> pd.DataFrame:
    """Validated supervision rows with numeric columns as Int64 (whole) or float64."""
    out = table.copy()
    for column in NUMERIC_SUPERVISION_COLUMNS:
        if column in out.columns:
            out[column] = _integral_or_float(out[column])
    return out.sort_values("dyad_id", kind="stable").reset_index(drop=True)


def synthetic_path() -> resources.abc.Traversable:
    """Where the bundled synthetic study lives inside the installed package."""
    return resources.files("werkalliantie_stats").joinpath("data", "synthetic")


def load_synthetic() -> Study:
    """The bundled synthetic study of 267 client–officer dyads (see data/synthetic/CODEBOOK.md).

    Generated by :func:`simulate_study` with the seed recorded in ``truth["seed"]``; every
    generating value is in ``study.truth``.

    Examples
    --------
    >>> import werkalliantie_stats as ws
    >>> study = ws.load_synthetic()
    >>> study.n_dyads, sorted(study.questionnaires["rater"].unique())
    (267, ['client', 'officer'])
    """
    folder = synthetic_path()
    with resources.as_file(folder.joinpath("questionnaires.csv")) as q_path, \
            resources.as_file(folder.joinpath("supervision.csv")) as s_path:
        study = read_study(q_path, s_path)
    truth = json.loads(folder.joinpath("truth.json").read_text(encoding="utf-8"))
    return Study(questionnaires=study.questionnaires, supervision=study.supervision,
                 instrument=study.instrument, truth=truth, source=study.source)
