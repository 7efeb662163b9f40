"""Validation of the study tables.

Each check appends readable problems to a list: the table (file) name, the column, how many
rows, which rows (1-based data rows, header not counted) and an example value. All problems
are collected first and raised together as one :class:`StudyValidationError`, so that a user
fixes a file in one pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..instrument import Instrument
from .columns import (
    BINARY_SUPERVISION_COLUMNS,
    DAY_COLUMNS,
    EVENT_CODES,
    ID_COLUMNS,
    NUMERIC_SUPERVISION_COLUMNS,
    QUESTIONNAIRE_KEYS,
    SUPERVISION_KEYS,
    WAVES,
)

__all__ = ["check_questionnaires", "check_supervision", "check_tables_agree", "rows_text"]

MAX_ROWS_SHOWN = 5


def rows_text(mask: pd.Series | np.ndarray) -> str:
    """'3 rows (data rows 4, 9, 12)' for a boolean mask over a table with a RangeIndex."""
    positions = np.flatnonzero(np.asarray(mask)) + 1
    shown = ", ".join(str(p) for p in positions[:MAX_ROWS_SHOWN])
    extra = len(positions) - MAX_ROWS_SHOWN
    more = f", ... ({extra} more)" if extra > 0 else ""
    noun = "row" if len(positions) == 1 else "rows"
    return f"{len(positions)} {noun} (data {noun} {shown}{more})"


def _example(series: pd.Series, mask) -> str:
    value = series[np.asarray(mask)].iloc[0]
    return repr(value.item() if isinstance(value, np.generic) else value)


def missing_columns(table: pd.DataFrame, required, name: str) -> list[str]:
    """Problems for required columns that are absent."""
    absent = [c for c in required if c not in table.columns]
    if not absent:
        return []
    return [f"{name}: required column(s) {absent} are missing; columns present: "
            f"{list(table.columns)[:30]} (use `mapping=` to rename your columns)"]


def numeric_column(table: pd.DataFrame, column: str, name: str, problems: list[str]) -> pd.Series:
    """The column as float; non-numeric entries become NaN and are reported."""
    raw = table[column]
    values = pd.to_numeric(raw, errors="coerce")
    text = raw.astype("string").str.strip()
    bad = values.isna() & raw.notna() & (text != "")
    if bad.any():
        problems.append(f"{name}: column {column!r} has non-numeric values in {rows_text(bad)}, "
                        f"e.g. {_example(raw, bad)}")
    return values.astype("float64")


def _check_ids(table: pd.DataFrame, columns, name: str, problems: list[str]) -> None:
    for column in columns:
        blank = table[column].isna() | (table[column].astype("string").str.strip() == "")
        if blank.any():
            problems.append(f"{name}: column {column!r} is empty in {rows_text(blank)}")


def check_questionnaires(table: pd.DataFrame, instrument: Instrument, name: str) -> list[str]:
    """Problems in the questionnaire table (keys, raters, waves, Likert codes, duplicates)."""
    problems = missing_columns(table, [*QUESTIONNAIRE_KEYS, *instrument.item_ids], name)
    if problems:
        return problems
    _check_ids(table, ID_COLUMNS, name, problems)
    bad_rater = ~table["rater"].isin(instrument.raters)
    if bad_rater.any():
        problems.append(f"{name}: column 'rater' must be one of {list(instrument.raters)} but has "
                        f"{rows_text(bad_rater)} with other values, e.g. "
                        f"{_example(table['rater'], bad_rater)} (use `rater_codes=` to map codes)")
    wave = numeric_column(table, "wave", name, problems)
    bad_wave = wave.notna() & ~wave.isin(WAVES)
    if bad_wave.any() or wave.isna().any():
        mask = bad_wave | wave.isna()
        problems.append(f"{name}: column 'wave' must be 1 or 2 but has {rows_text(mask)} with "
                        f"other values, e.g. {_example(table['wave'], mask)}")
    low, high = instrument.scale.minimum, instrument.scale.maximum
    for item in instrument.item_ids:
        values = numeric_column(table, item, name, problems)
        outside = values.notna() & ((values < low) | (values > high) | (values % 1 != 0))
        if outside.any():
            problems.append(f"{name}: item {item!r} has codes outside the scale {low}..{high} "
                            f"(whole numbers) in {rows_text(outside)}, e.g. "
                            f"{_example(table[item], outside)}")
    duplicated = table.duplicated(["dyad_id", "rater", "wave"], keep=False)
    if duplicated.any():
        first = [str(v) for v in table.loc[duplicated, ["dyad_id", "rater", "wave"]].iloc[0]]
        problems.append(f"{name}: duplicate questionnaires (same dyad_id, rater, wave) in "
                        f"{rows_text(duplicated)}, e.g. {first}")
    return problems


def check_supervision(table: pd.DataFrame, name: str) -> list[str]:
    """Problems in the supervision table (keys, codes, days, competing-event logic)."""
    problems = missing_columns(table, SUPERVISION_KEYS, name)
    if problems:
        return problems
    _check_ids(table, ID_COLUMNS, name, problems)
    duplicated = table.duplicated("dyad_id", keep=False)
    if duplicated.any():
        problems.append(f"{name}: dyad_id occurs more than once in {rows_text(duplicated)}, e.g. "
                        f"{_example(table['dyad_id'], duplicated)}")
    values = {c: numeric_column(table, c, name, problems)
              for c in NUMERIC_SUPERVISION_COLUMNS if c in table.columns}
    for column in BINARY_SUPERVISION_COLUMNS:
        if column in values:
            bad = values[column].notna() & ~values[column].isin([0, 1])
            if bad.any():
                problems.append(f"{name}: column {column!r} must be 0 or 1 but has "
                                f"{rows_text(bad)} with other values, e.g. "
                                f"{_example(table[column], bad)}")
    _check_days(values, name, problems)
    if "event" in table.columns:
        _check_events(table, values, name, problems)
    return problems


def _check_days(values: dict[str, pd.Series], name: str, problems: list[str]) -> None:
    for column in DAY_COLUMNS:
        if column in values:
            bad = values[column] <= 0
            if bad.any():
                problems.append(f"{name}: column {column!r} must be a positive number of days but "
                                f"has {rows_text(bad)} <= 0, e.g. {values[column][bad].iloc[0]:g}")
    if "planned_days" in values:
        for column in ("dropout_day", "rearrest_day", "event_day"):
            if column in values:
                late = values[column] > values["planned_days"]
                if late.any():
                    problems.append(f"{name}: column {column!r} is after the end of supervision "
                                    f"(planned_days) in {rows_text(late)}, e.g. "
                                    f"{values[column][late].iloc[0]:g} > "
                                    f"{values['planned_days'][late].iloc[0]:g}")
    for flag, day in (("dropout", "dropout_day"), ("rearrest", "rearrest_day")):
        if flag in values and day in values:
            undated = (values[flag] == 1) & values[day].isna()
            if undated.any():
                problems.append(f"{name}: {flag} = 1 but {day!r} is missing in "
                                f"{rows_text(undated)}")
    if {"dropout", "dropout_day", "rearrest", "rearrest_day"} <= values.keys():
        after = ((values["dropout"] == 1) & (values["rearrest"] == 1)
                 & (values["rearrest_day"] > values["dropout_day"]))
        if after.any():
            problems.append(f"{name}: rearrest after dropout in {rows_text(after)}: dropout "
                            f"ends follow-up, so a later arrest is not a rearrest during "
                            f"supervision")


def expected_event(values: dict[str, pd.Series]) -> tuple[pd.Series, pd.Series]:
    """The first event ('rearrest', 'dropout', 'none') and its day implied by the flags."""
    rearrest = values["rearrest"] == 1
    dropout = values["dropout"] == 1
    first_arrest = rearrest & (~dropout | (values["rearrest_day"] <= values["dropout_day"]))
    event = pd.Series(np.where(first_arrest, "rearrest", np.where(dropout, "dropout", "none")),
                      index=values["dropout"].index)
    day = values["rearrest_day"].where(first_arrest, values["dropout_day"].where(dropout))
    return event, day


def _check_events(table: pd.DataFrame, values: dict[str, pd.Series], name: str,
                  problems: list[str]) -> None:
    bad_code = ~table["event"].isin(EVENT_CODES)
    if bad_code.any():
        problems.append(f"{name}: column 'event' must be one of {list(EVENT_CODES)} but has "
                        f"{rows_text(bad_code)} with other values, e.g. "
                        f"{_example(table['event'], bad_code)}")
        return
    needed = {"dropout", "dropout_day", "rearrest", "rearrest_day", "event_day"}
    if not needed <= values.keys():
        return
    event, day = expected_event(values)
    ties = ((values["dropout"] == 1) & (values["rearrest"] == 1)
            & (values["rearrest_day"] == values["dropout_day"]))
    wrong = (table["event"] != event) & ~(ties & table["event"].isin(["rearrest", "dropout"]))
    if wrong.any():
        problems.append(f"{name}: column 'event' disagrees with the dropout/rearrest columns in "
                        f"{rows_text(wrong)}, e.g. {_example(table['event'], wrong)} where "
                        f"{event[wrong].iloc[0]!r} was expected")
    dated = event != "none"
    wrong_day = dated & ~wrong & (values["event_day"] != day)
    if wrong_day.any():
        problems.append(f"{name}: column 'event_day' disagrees with the day of the first event in "
                        f"{rows_text(wrong_day)}, e.g. {values['event_day'][wrong_day].iloc[0]:g} "
                        f"where {day[wrong_day].iloc[0]:g} was expected")
    undated = ~dated & values["event_day"].isna()
    if undated.any():
        problems.append(f"{name}: event 'none' needs the day follow-up ended in 'event_day'; "
                        f"missing in {rows_text(undated)}")


def check_tables_agree(questionnaires: pd.DataFrame, supervision: pd.DataFrame,
                       q_name: str, s_name: str) -> list[str]:
    """Problems between the tables: dyads without supervision, inconsistent ids."""
    problems = []
    known = set(supervision["dyad_id"])
    orphan = ~questionnaires["dyad_id"].isin(known)
    if orphan.any():
        problems.append(f"{q_name}: {rows_text(orphan)} have a dyad_id without a row in {s_name}, "
                        f"e.g. {_example(questionnaires['dyad_id'], orphan)}")
    lookup = supervision.drop_duplicates("dyad_id").set_index("dyad_id")
    for column in ("officer_id", "client_id"):
        expected = questionnaires["dyad_id"].map(lookup[column])
        differs = ~orphan & (questionnaires[column] != expected)
        if differs.any():
            i = np.flatnonzero(differs.to_numpy())[0]
            dyad = questionnaires["dyad_id"].iloc[i]
            problems.append(f"{q_name}: {column} disagrees with {s_name} for the same dyad in "
                            f"{rows_text(differs)}, e.g. dyad {dyad!r}: "
                            f"{questionnaires[column].iloc[i]!r} vs {expected.iloc[i]!r}")
    return problems
