"""Forest plot of the predictive-validity table (one outcome model, one rater per series)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["predictive_validity_plot"]

FUNC = "predictive_validity_plot"
_RATER_STYLE = {"client": ("o", -0.2), "officer": ("s", 0.0), "both": ("D", 0.2)}


def _select(result: Any, outcome: str, model: str | None, adjusted: bool):
    table = getattr(result, "table", None)
    if table is None or "specification" not in getattr(table, "columns", ()):
        raise TypeError(f"{FUNC}: `result` must be a PredictiveValidityResult, got "
                        f"{type(result).__name__}")
    part = table[(table["outcome"] == outcome) & (table["specification"] == "single")
                 & (table["adjusted"] == adjusted)]
    if part.empty:
        raise ValueError(f"{FUNC}: no single-rating rows for outcome {outcome!r}; the result "
                         f"has {sorted(set(table['outcome']))}")
    models = list(dict.fromkeys(part["model"]))
    model = models[0] if model is None else model
    if model not in models:
        raise ValueError(f"{FUNC}: `model` must be one of {models} for {outcome!r}, got "
                         f"{model!r}")
    return part[part["model"] == model], model


def predictive_validity_plot(result: Any, outcome: str = "dropout", model: str | None = None,
                             adjusted: bool = True, ax: Any = None) -> Any:
    """Effects per SD of every alliance rating on one outcome, with their CIs.

    Parameters
    ----------
    result : PredictiveValidityResult
        From :func:`~werkalliantie_stats.outcomes.predictive_validity` (its
        ``"single"`` specification rows are drawn).
    outcome : str, default "dropout"
        The outcome family.
    model : str, optional
        The model of that family (e.g. ``"Fine-Gray"``); default its first model.
    adjusted : bool, default True
        The adjusted (True) or unadjusted estimates.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    One row per construct (subscales, index, classification), one marker per rating
    (client circle, officer square, both raters diamond), at the estimate with its
    Wald CI. Ratios (OR, HR, SHR) are drawn on a log axis with a reference line at 1, so
    that equal ratios either side of 1 are equally far from it [1]_; the ANCOVA's b on a
    linear axis with the line at 0.

    References
    ----------
    .. [1] Lewis S, Clarke M (2001). Forest plots: trying to see the wood and the trees.
       BMJ 322, 1479-1480.

    Examples
    --------
    >>> import warnings, matplotlib
    >>> matplotlib.use("Agg")
    >>> import werkalliantie_stats as ws
    >>> from werkalliantie_stats.outcomes import predictive_validity
    >>> from werkalliantie_stats.plots.outcomes_study import predictive_validity_plot
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = predictive_validity(ws.load_synthetic(), outcomes="dropout",
    ...                               specifications="single")
    >>> ax = predictive_validity_plot(res, "dropout")
    >>> [t.get_text() for t in ax.get_yticklabels()][:2]
    ['communicatie', 'binding']
    >>> # In R: forestplot::forestplot(labels, mean = or, lower = lo, upper = hi)
    """
    part, model = _select(result, outcome, model, adjusted)
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    predictors = list(dict.fromkeys(part["predictor"]))
    position = {p: len(predictors) - 1 - k for k, p in enumerate(predictors)}
    for rater, (marker, shift) in _RATER_STYLE.items():
        rows = part[part["rater"] == rater]
        if rows.empty:
            continue
        y = np.array([position[p] for p in rows["predictor"]]) + shift
        est = rows["estimate"].to_numpy(float)
        err = [est - rows["ci_lower"].to_numpy(float), rows["ci_upper"].to_numpy(float) - est]
        ax.errorbar(est, y, xerr=err, fmt=marker, capsize=2, label=rater)
    ratio = part["effect_type"].iloc[0] != "b"
    ax.axvline(1.0 if ratio else 0.0, linestyle="--", color="grey", linewidth=0.8)
    if ratio:
        ax.set_xscale("log")
    ax.set_yticks([position[p] for p in predictors], predictors)
    effect = part["effect_type"].iloc[0]
    ax.set_xlabel(f"{effect} per SD ({'log scale' if ratio else 'points'}), "
                  f"{result.level:.0%} CI")
    ax.set_title(f"{outcome}: {model}, {'adjusted' if adjusted else 'unadjusted'}")
    ax.legend(title="rating", fontsize="small")
    return ax
