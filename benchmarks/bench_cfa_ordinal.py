"""Ordinal CFA (WLSMV) and three-step ordinal invariance: ours vs lavaan 0.6.

Run: ``python3 benchmarks/bench_cfa_ordinal.py [--quick] [--scaling]`` (or all areas:
``python3 -m benchmarks``). ``cfa()`` takes ML and MLR only so far, so WLSMV is timed
through its building blocks in psychometrics/cfa: ``ordinal_sample_statistics``
(thresholds, polychorics, their asymptotic covariance) + ``fit_dwls`` (and
``scaled_difference_test`` for invariance) -- the same work as lavaan's
``cfa(..., ordered = TRUE, estimator = "WLSMV")``.

Data: 267 x 20 simulated five-point items (the documented generator in _data.py, complete),
bfi A1-A5 + C1-C5 listwise (2,632 x 10, six categories, two factors), and two simulated
groups of 267 for invariance (configural / metric / metric + thresholds, both scaled
difference tests), and the paired client-vs-officer ordinal invariance of the synthetic study
(wave 1, 40 items in one model, complete cases with the empty categories merged as
``longitudinal_invariance`` does; four Wu-Estabrook steps + three lavTestLRT tests, peer
semTools::measEq.syntax + lavaan::cfa(WLSMV)). Pairwise deletion (``missing="pairwise"``,
as lavaan's): ``cfa()`` on bfi with its incomplete rows (2,800 x 10) and the paired
client-vs-officer sequence on all 267 dyads (incomplete rows kept).

Result methods of a WLSMV fit (the 267 x 20 four-factor fit, made once on both sides):
``modification_indices()`` vs ``modindices(fit)`` and ``factor_scores()`` (EBM, all 267
cases) vs ``lavPredict(fit)``. In R the fit is cached in the session by the first
modindices call, so the lavPredict timing holds no fit; the modindices median holds none
either unless its warm-up call (which fits) exceeds the budget (``--quick``).
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import pin_threads
else:
    from . import pin_threads
pin_threads()

from benchmarks._data import factor_pattern, likert_items, two_group_items  # noqa: E402
from benchmarks._harness import Case, Peer  # noqa: E402

AREA = "cfa_ordinal"
SCALING = "items"
ROOT = Path(__file__).resolve().parents[1]


def bfi_two_factor():
    import pandas as pd

    data = pd.read_csv(ROOT / "tests/reference/data/bfi.csv", skiprows=1)
    pattern = {"A": [f"A{k}" for k in range(1, 6)], "C": [f"C{k}" for k in range(1, 6)]}
    return data[pattern["A"] + pattern["C"]].dropna().reset_index(drop=True), pattern


def wlsmv(data, pattern) -> None:
    from werkalliantie_stats.psychometrics.cfa.dwls import fit_dwls
    from werkalliantie_stats.psychometrics.cfa.ordinal import (
        ordinal_sample_statistics,
        simple_structure_model,
    )

    stats = ordinal_sample_statistics(data)
    fit_dwls(stats, simple_structure_model(pattern, stats))


def wlsmv_invariance(data, pattern) -> None:
    from werkalliantie_stats.psychometrics.cfa.dwls import fit_dwls, scaled_difference_test
    from werkalliantie_stats.psychometrics.cfa.ordinal import ordinal_sample_statistics
    from werkalliantie_stats.psychometrics.cfa.ordinal_groups import (
        multigroup_simple_structure_model,
    )

    items = [i for its in pattern.values() for i in its]
    stats = ordinal_sample_statistics(data, items=items, group="rater")
    fits = [fit_dwls(stats, multigroup_simple_structure_model(pattern, stats, equal))
            for equal in ((), ("loadings",), ("loadings", "thresholds"))]
    scaled_difference_test(fits[0], fits[1])
    scaled_difference_test(fits[1], fits[2])


def paired_raters():
    """Synthetic study, wave 1, client and officer side by side: complete cases, empty
    categories merged (the data both tools get)."""
    import warnings

    import werkalliantie_stats as ws
    from werkalliantie_stats.psychometrics.cfa.longitudinal_ordinal import (
        merge_empty_categories,
    )

    study = ws.load_synthetic()
    items = list(study.instrument.item_ids)
    wide = study.paired_items(pair="rater", wave=1).dropna().astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wide, _ = merge_empty_categories(wide, items, ["_client", "_officer"])
    return wide.reset_index(drop=True), study.instrument


def paired_raters_pairwise():
    """As :func:`paired_raters`, incomplete dyads kept, categories merged on the answers."""
    import warnings

    import werkalliantie_stats as ws
    from werkalliantie_stats.psychometrics.cfa.longitudinal_ordinal import (
        merge_empty_categories,
    )

    study = ws.load_synthetic()
    items = list(study.instrument.item_ids)
    wide = study.paired_items(pair="rater", wave=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wide, _ = merge_empty_categories(wide, items, ["_client", "_officer"])
    return wide.reset_index(drop=True)


def paired_invariance(data, instrument, missing: str = "listwise") -> None:
    import warnings

    from werkalliantie_stats.psychometrics.cfa.longitudinal import longitudinal_invariance

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        longitudinal_invariance(data, instrument, {"client": "_client", "officer": "_officer"},
                                estimator="WLSMV", missing=missing)


def bfi_pairwise():
    import pandas as pd

    data = pd.read_csv(ROOT / "tests/reference/data/bfi.csv", skiprows=1)
    return data[[f"A{k}" for k in range(1, 6)] + [f"C{k}" for k in range(1, 6)]]


def wlsmv_pairwise(data, pattern) -> None:
    from werkalliantie_stats.psychometrics.cfa import cfa

    model = "\n".join(f"{f} =~ {' + '.join(items)}" for f, items in pattern.items())
    cfa(data, model, estimator="WLSMV", missing="pairwise")


def _lavaan_paired(instrument, missing: str = "listwise") -> Peer:
    sfx = ("_client", "_officer")
    lines = [f"{f}{s} =~ " + " + ".join(f"{i}{s}" for i in instrument.items_of(f))
             for s in sfx for f in instrument.subscales]
    long = ", ".join(f"{f} = c('{f}{sfx[0]}', '{f}{sfx[1]}')" for f in instrument.subscales)
    code = ("{steps <- list('', 'thresholds', c('thresholds', 'loadings'), "
            "c('thresholds', 'loadings', 'intercepts')); "
            f"m <- '{'; '.join(lines)}'; "
            "fits <- lapply(steps, function(eq) cfa(as.character(measEq.syntax(m, data = d, "
            "ordered = names(d), parameterization = 'delta', ID.fac = 'std.lv', "
            f"ID.cat = 'Wu.Estabrook.2016', longFacNames = list({long}), long.equal = eq, "
            f"missing = '{missing}')), "
            f"data = d, ordered = names(d), estimator = 'WLSMV', missing = '{missing}')); "
            "lavTestLRT(fits[[1]], fits[[2]], fits[[3]], fits[[4]])}")
    return Peer("R semTools::measEq.syntax + lavaan (4 fits + lavTestLRT)", r=code,
                r_packages=("lavaan", "semTools"))
def _model_text(pattern) -> str:
    return "\n".join(f"{f} =~ {' + '.join(items)}" for f, items in pattern.items())


def wlsmv_result(data, pattern):
    """The cfa(estimator="WLSMV") fit whose result methods are timed."""
    import warnings

    from werkalliantie_stats.psychometrics.cfa.api import cfa

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cfa(data, _model_text(pattern), estimator="WLSMV")


def _lavaan_fit_method(pattern, method: str) -> Peer:
    """lavaan `method(fit)` on a WLSMV fit cached in the R session (fitted on first use)."""
    model = "; ".join(f"{f} =~ {' + '.join(items)}" for f, items in pattern.items())
    code = ("{if (!exists('.wlsmv_fit', envir = globalenv())) "
            f"assign('.wlsmv_fit', cfa('{model}', data = d, ordered = TRUE, "
            "estimator = 'WLSMV'), envir = globalenv()); "
            f"{method}(get('.wlsmv_fit', envir = globalenv()))}}")
    return Peer(f"R lavaan::{method}(fit)", r=code, r_packages=("lavaan",))


def result_method_cases(study, pattern) -> list[Case]:
    """modification_indices() and factor_scores() of one WLSMV fit vs lavaan."""
    fit = wlsmv_result(study, pattern)
    return [
        Case(AREA, "WLSMV modification indices, 267 x 20 (4 factors)",
             fit.modification_indices, study, [_lavaan_fit_method(pattern, "modindices")],
             267, 20),
        Case(AREA, "WLSMV EBM factor scores, 267 x 20 (4 factors)", fit.factor_scores,
             study, [_lavaan_fit_method(pattern, "lavPredict")], 267, 20),
    ]


def _lavaan(pattern, grouped: bool, missing: str = "listwise") -> Peer:
    model = "; ".join(f"{f} =~ {' + '.join(items)}" for f, items in pattern.items())
    ordered = "c(" + ", ".join(f"'{i}'" for its in pattern.values() for i in its) + ")"
    if grouped:
        code = (f"{{f <- function(eq) cfa('{model}', data = d, ordered = {ordered}, "
                "estimator = 'WLSMV', group = 'rater', group.equal = eq); "
                "lavTestLRT(f(''), f('loadings'), f(c('loadings', 'thresholds')))}")
        return Peer("R lavaan (3 fits + lavTestLRT)", r=code, r_packages=("lavaan",))
    return Peer("R lavaan::cfa(ordered, WLSMV)",
                r=f"cfa('{model}', data = d, ordered = {ordered}, estimator = 'WLSMV', "
                  f"missing = '{missing}')", r_packages=("lavaan",))


def cases(quick: bool = False) -> list[Case]:
    study, pattern = likert_items(267, 20), factor_pattern(20)
    bfi, bfi_pattern = bfi_two_factor()
    groups = two_group_items(267)
    paired, instrument = paired_raters()
    paired_all, bfi_all = paired_raters_pairwise(), bfi_pairwise()
    return [
        Case(AREA, "WLSMV 4 factors, 267 x 20 (dwls blocks)",
             lambda: wlsmv(study, pattern), study, [_lavaan(pattern, False)], 267, 20),
        Case(AREA, f"WLSMV 2 factors, bfi {len(bfi):,} x 10 (dwls blocks)",
             lambda: wlsmv(bfi, bfi_pattern), bfi, [_lavaan(bfi_pattern, False)],
             len(bfi), 10),
        Case(AREA, "WLSMV invariance 3 steps + 2 tests, 2 x 267 (dwls blocks)",
             lambda: wlsmv_invariance(groups, pattern), groups, [_lavaan(pattern, True)],
             len(groups), 20),
        Case(AREA, f"WLSMV paired invariance client vs officer, 4 steps, {len(paired)} x 40",
             lambda: paired_invariance(paired, instrument), paired,
             [_lavaan_paired(instrument)], len(paired), 40),
        Case(AREA, f"WLSMV pairwise cfa(), bfi {len(bfi_all):,} x 10 (incomplete rows kept)",
             lambda: wlsmv_pairwise(bfi_all, bfi_pattern), bfi_all,
             [_lavaan(bfi_pattern, False, "pairwise")], len(bfi_all), 10),
        Case(AREA, f"WLSMV pairwise paired invariance, 4 steps, {len(paired_all)} x 40",
             lambda: paired_invariance(paired_all, instrument, "pairwise"), paired_all,
             [_lavaan_paired(instrument, "pairwise")], len(paired_all), 40),
        *result_method_cases(study, pattern),
    ]


def scaling_cases(n: int, p: int, quick: bool = False) -> list[Case]:
    d, pattern = likert_items(n, p), factor_pattern(p)
    return [Case(AREA, "WLSMV 4 factors (dwls blocks)", lambda: wlsmv(d, pattern),
                 n=n, p=p)]


if __name__ == "__main__":
    from benchmarks.__main__ import run_area

    run_area(AREA)
