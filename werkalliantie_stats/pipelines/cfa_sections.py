"""CFA sections: the four-factor model per rater and measurement invariance (client–officer,
wave 1–2, and a user's grouping column). The fits are independent, so with ``jobs > 1``
they run in parallel processes; each fit's warnings travel back with its tables and are
raised again in the section that shows them."""

from __future__ import annotations

import importlib
import warnings
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import pandas as pd

from .. import exceptions
from ..study import Study
from ._result import SectionBuilder

__all__ = ["CfaWork", "cfa_steps"]

MISSING = "fiml"
RATERS = ("client", "officer")


def _missing(estimator: str) -> str:
    """FIML for the normal-theory estimators; WLSMV uses every answered item (lavaan's
    ``missing="pairwise"``) rather than complete questionnaires only."""
    return "pairwise" if estimator == "WLSMV" else MISSING


def _fit(kind: str, data: pd.DataFrame, model: str, estimator: str, extra: dict) -> tuple:
    """One fit in a worker: returns the tables the report needs and the warnings raised."""
    engine = importlib.import_module("werkalliantie_stats.psychometrics.cfa")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if kind == "cfa":
            fit = engine.cfa(data, model, estimator=estimator, missing=_missing(estimator))
            est = fit.estimates
            payload = (fit.fit_measures, est.loc[est["op"] == "=~",
                                                 ["lhs", "rhs", "est", "se", "std_all"]])
        elif kind == "occasions":
            payload = engine.longitudinal_invariance(
                data, model, extra["occasions"], estimator=estimator,
                missing=_missing(estimator)).table
        else:
            payload = engine.measurement_invariance(
                data, model, group=extra["group"], estimator=estimator, missing=MISSING).table
    return payload, [(w.category.__name__, str(w.message)) for w in caught]


class CfaWork:
    """All CFA fits of a report, computed together on first use (in parallel processes
    when ``jobs > 1``) and handed out per section."""

    def __init__(self, study: Study, estimator: str, group: str | None, jobs: int,
                 invariance_estimator: str | None = None):
        from ..psychometrics.cfa import instrument_model

        self.jobs, self.estimator, self._results = jobs, estimator, None
        self.invariance_estimator = invariance_estimator or estimator
        # groups of a supervision column may leave categories empty in one group, which
        # ordered-item group invariance cannot equate: they stay on MLR + FIML
        self.group_estimator = ("MLR" if self.invariance_estimator == "WLSMV"
                                else self.invariance_estimator)
        model = instrument_model(study.instrument)
        self.tasks = {f"cfa_{r}": ("cfa", study.items(rater=r, wave=1), model, {})
                      for r in RATERS}
        self.tasks["invariance_raters"] = (
            "occasions", study.paired_items(pair="rater", wave=1), model,
            {"occasions": {"client": "_client", "officer": "_officer"}})
        for r in RATERS:
            self.tasks[f"invariance_waves_{r}"] = (
                "occasions", study.paired_items(pair="wave", rater=r), model,
                {"occasions": {"wave1": "_w1", "wave2": "_w2"}})
        if group is not None:
            labels = study.supervision.set_index("dyad_id")[group]
            for r in RATERS:
                data = study.items(rater=r, wave=1).join(labels).dropna(subset=[group])
                self.tasks[f"group_invariance_{r}"] = ("groups", data, model, {"group": group})

    def _run(self) -> dict:
        if self._results is None:
            chosen = {"cfa": self.estimator, "occasions": self.invariance_estimator,
                      "groups": self.group_estimator}
            calls = {name: (kind, data, model, chosen[kind], extra)
                     for name, (kind, data, model, extra) in self.tasks.items()}
            if self.jobs <= 1:
                self._results = {name: _fit(*args) for name, args in calls.items()}
            else:
                with ProcessPoolExecutor(max_workers=self.jobs) as pool:
                    futures = {name: pool.submit(_fit, *args) for name, args in calls.items()}
                    self._results = {name: f.result() for name, f in futures.items()}
        return self._results

    def get(self, name: str):
        """The tables of one fit; its warnings are raised again here."""
        payload, caught = self._run()[name]
        for category, message in caught:
            warnings.warn(message, getattr(exceptions, category, UserWarning), stacklevel=2)
        return payload


def cfa_section(b: SectionBuilder, work: CfaWork) -> None:
    """The four-factor model per rater: fit measures and loadings."""
    fits = {r: work.get(f"cfa_{r}") for r in RATERS}
    b.table("cfa_fit", pd.DataFrame({r: f[0] for r, f in fits.items()}).T.rename_axis("rater"))
    b.table("cfa_loadings", pd.concat({r: f[1].set_index("rhs") for r, f in fits.items()},
                                      names=["rater", "item"]))
    if work.estimator == "WLSMV":
        b.notes.append("Estimator WLSMV: items treated as ordered categories (thresholds and "
                       "polychoric correlations, delta parameterisation, mean-and-variance "
                       "adjusted chi-square; scaled indices in the *_scaled columns); "
                       "missing responses by pairwise deletion as lavaan's missing = "
                       "\"pairwise\" (thresholds from each item's answers, polychoric "
                       "correlations from each pair's; ntotal counts every questionnaire "
                       "with an answer).")
    else:
        b.notes.append(f"Estimator {work.estimator}, missing responses by full-information "
                       f"maximum likelihood; items treated as continuous.")


def invariance_section(b: SectionBuilder, work: CfaWork) -> None:
    """Paired client–officer invariance (wave 1) and wave 1–2 invariance per rater."""
    for name in ("invariance_raters", *(f"invariance_waves_{r}" for r in RATERS)):
        b.table(name, work.get(name))
    if work.invariance_estimator == "WLSMV":
        b.notes.append("Estimator WLSMV: items as ordered categories, both occasions in one "
                       "model (semTools measEq.syntax, Wu & Estabrook 2016): configural, "
                       "equal thresholds, + equal loadings (metric), + equal intercepts "
                       "(scalar); each step is compared with the previous one (lavaan's "
                       "scaled-shifted difference test, changes in scaled CFI and RMSEA). "
                       "Every dyad rated on both occasions is used (ntotal), missing "
                       "responses by pairwise deletion as lavaan's missing = \"pairwise\"; "
                       "a category empty among one occasion's answers is merged with its "
                       "neighbour on both. The robust CFI/TLI/RMSEA are empty (NaN) from the "
                       "thresholds step on: once scale factors are free lavaan leaves them "
                       "undefined (NA), and so do we; read the scaled indices there.")
    else:
        b.notes.append(f"Estimator {work.invariance_estimator} (FIML); each step is compared "
                       "with the previous one (chi-square difference, changes in CFI and "
                       "RMSEA).")


def group_invariance_section(b: SectionBuilder, work: CfaWork, group: str) -> None:
    """Invariance across the groups of a supervision column, per rater."""
    for r in RATERS:
        b.table(f"group_invariance_{r}", work.get(f"group_invariance_{r}"))
    b.notes.append(f"Groups: the values of {group!r} in the supervision table; estimator "
                   f"{work.group_estimator} (FIML).")


def cfa_steps(study: Study, estimator: str = "MLR", group: str | None = None,
              jobs: int = 1, invariance_estimator: str | None = None) -> list:
    """Report steps of the CFA sections (none while the CFA engine is not installed).

    ``invariance_estimator`` (default: ``estimator``) fits the invariance sequences, e.g.
    ``"ML"`` for unscaled difference tests; with ``"WLSMV"`` the paired (rater, wave)
    sequences treat the items as ordered (pairwise deletion) and the group sequences use
    MLR with FIML."""
    from .optional import cfa_module

    if cfa_module() is None:
        return []
    work = CfaWork(study, estimator, group, jobs, invariance_estimator)
    steps = [("cfa", partial(cfa_section, work=work)),
             ("invariance", partial(invariance_section, work=work))]
    if group is not None:
        steps.append(("group_invariance", partial(group_invariance_section, work=work,
                                                  group=group)))
    return steps
