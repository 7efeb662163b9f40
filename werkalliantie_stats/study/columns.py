"""Column names of the two study tables (DESIGN.md §3)."""

from __future__ import annotations

QUESTIONNAIRE_KEYS = ("dyad_id", "client_id", "officer_id", "rater", "wave")
SUPERVISION_KEYS = ("dyad_id", "client_id", "officer_id")
SUPERVISION_COLUMNS = (
    "dyad_id", "client_id", "officer_id",
    "age", "gender", "prior_convictions", "substance_use", "risk_baseline",
    "officer_change", "planned_days",
    "dropout", "dropout_day", "rearrest", "rearrest_day", "event", "event_day",
    "risk_followup", "risk_increase",
)
ID_COLUMNS = ("dyad_id", "client_id", "officer_id")
BINARY_SUPERVISION_COLUMNS = ("substance_use", "officer_change", "dropout", "rearrest",
                              "risk_increase")
DAY_COLUMNS = ("planned_days", "dropout_day", "rearrest_day", "event_day")
NUMERIC_SUPERVISION_COLUMNS = ("age", "prior_convictions", "risk_baseline", "risk_followup",
                               *BINARY_SUPERVISION_COLUMNS, *DAY_COLUMNS)
EVENT_CODES = ("rearrest", "dropout", "none")
WAVES = (1, 2)
