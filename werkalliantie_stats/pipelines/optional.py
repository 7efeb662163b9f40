"""Sections that need modules which may not be installed yet: the CFA engine
(``psychometrics.cfa``) and the study-level predictive-validity models
(``outcomes.study_models``). Without them the section is left out and the report says so;
nothing is estimated in their place."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..study import Study
from ._result import SectionBuilder

__all__ = ["cfa_module", "omitted", "predictive_module", "predictive_steps"]

CFA_NAMES = ("cfa", "instrument_model", "longitudinal_invariance", "measurement_invariance")


def _module(name: str, needed: tuple[str, ...]) -> ModuleType | None:
    try:
        module = importlib.import_module(f"werkalliantie_stats.{name}")
    except ImportError:
        return None
    return module if all(hasattr(module, n) for n in needed) else None


def cfa_module() -> ModuleType | None:
    """The CFA engine, or ``None`` while it is not part of the installed package."""
    return _module("psychometrics.cfa", CFA_NAMES)


def predictive_module() -> ModuleType | None:
    return _module("outcomes.study_models", ("predictive_validity",))


def omitted(study: Study, group: str | None = None) -> dict[str, str]:
    """Sections that could not be computed for this study, with the reason."""
    out = {}
    if cfa_module() is None:
        out["cfa"] = ("the CFA engine (werkalliantie_stats.psychometrics.cfa) is not installed: "
                      "no CFA per rater, no client-officer or wave invariance")
        if group is not None:
            out["group_invariance"] = f"invariance across {group!r} needs the CFA engine"
    if study.supervision is None:
        out["outcomes"] = "the study has no supervision (outcome) table"
    elif predictive_module() is None:
        out["predictive_validity"] = ("predictive_validity (werkalliantie_stats.outcomes."
                                      "study_models) is not installed")
    return out


def predictive_steps(study: Study) -> list:
    """The predictive-validity table (none when the module is absent or no outcomes)."""
    module = predictive_module()
    if module is None or study.supervision is None:
        return []

    def step(b: SectionBuilder) -> None:
        table = module.predictive_validity(study).to_frame()
        b.table("predictive_validity", table)
        shown = (table["specification"] == "single") & table["adjusted"].astype(bool) & (
            (table["rater"] == "both") | (table["predictor"] == "good"))
        columns = ["outcome", "model", "predictor", "rater", "effect_type", "estimate",
                   "ci_lower", "ci_upper", "p_value", "p_holm", "n", "events"]
        b.table("predictive_validity_summary",
                table.loc[shown, [c for c in columns if c in table.columns]]
                .reset_index(drop=True))

    return [("predictive_validity", step)]
