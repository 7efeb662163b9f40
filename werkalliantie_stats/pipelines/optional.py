"""Sections that need modules which may not be installed yet: the CFA engine
(``psychometrics.cfa``) and the study-level predictive-validity models
(``outcomes.study_models``). Without them the section is left out and the report says so;
nothing is estimated in their place."""

from __future__ import annotations

import importlib
from functools import partial
from types import ModuleType

import pandas as pd

from ..study import Study
from ._result import SectionBuilder

__all__ = ["cfa_module", "cfa_steps", "group_invariance_section", "omitted",
           "predictive_steps"]

CFA_NAMES = ("cfa", "instrument_model", "longitudinal_invariance", "measurement_invariance")
MISSING = "fiml"


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


def cfa_section(study: Study, b: SectionBuilder, engine: ModuleType, estimator: str,
                wave: int = 1) -> None:
    """The four-factor model per rater (FIML): fit measures and standardized loadings."""
    model = engine.instrument_model(study.instrument)
    fits = {rater: engine.cfa(study.items(rater=rater, wave=wave), model,
                              estimator=estimator, missing=MISSING)
            for rater in ("client", "officer")}
    b.table("cfa_fit", pd.DataFrame({r: f.fit_measures for r, f in fits.items()}).T
            .rename_axis("rater"))
    loadings = {r: f.estimates.loc[f.estimates["op"] == "=~",
                                   ["lhs", "rhs", "est", "se", "std_all"]].set_index("rhs")
                for r, f in fits.items()}
    b.table("cfa_loadings", pd.concat(loadings, names=["rater", "item"]))


def invariance_section(study: Study, b: SectionBuilder, engine: ModuleType,
                       estimator: str) -> None:
    """Paired client-officer invariance (wave 1) and wave 1-2 invariance per rater."""
    inst = study.instrument
    paired = study.paired_items(pair="rater", wave=1)
    b.table("invariance_raters", engine.longitudinal_invariance(
        paired, inst, {"client": "_client", "officer": "_officer"}, estimator=estimator,
        missing=MISSING).table)
    for rater in ("client", "officer"):
        waves = study.paired_items(pair="wave", rater=rater)
        b.table(f"invariance_waves_{rater}", engine.longitudinal_invariance(
            waves, inst, {"wave1": "_w1", "wave2": "_w2"}, estimator=estimator,
            missing=MISSING).table)


def group_invariance_section(study: Study, b: SectionBuilder, engine: ModuleType,
                             estimator: str, group: str, wave: int = 1) -> None:
    """Invariance across a grouping column of the supervision table, per rater."""
    model = engine.instrument_model(study.instrument)
    labels = study.supervision.set_index("dyad_id")[group]
    for rater in ("client", "officer"):
        items = study.items(rater=rater, wave=wave)
        data = items.join(labels).dropna(subset=[group])
        b.table(f"group_invariance_{rater}", engine.measurement_invariance(
            data, model, group=group, estimator=estimator, missing=MISSING).table)
    b.notes.append(f"Groups: the values of {group!r} in the supervision table.")


def cfa_steps(study: Study, estimator: str = "MLR", group: str | None = None) -> list:
    """Report steps of the CFA sections (none when the engine is absent)."""
    engine = cfa_module()
    if engine is None:
        return []
    steps = [("cfa", partial(cfa_section, study, engine=engine, estimator=estimator)),
             ("invariance", partial(invariance_section, study, engine=engine,
                                    estimator=estimator))]
    if group is not None:
        steps.append(("group_invariance", partial(group_invariance_section, study,
                                                  engine=engine, estimator=estimator,
                                                  group=group)))
    return steps


def predictive_steps(study: Study) -> list:
    """The predictive-validity table (none when the module is absent or no outcomes)."""
    module = predictive_module()
    if module is None or study.supervision is None:
        return []

    def step(b: SectionBuilder) -> None:
        b.table("predictive_validity", module.predictive_validity(study).to_frame())

    return [("predictive_validity", step)]
