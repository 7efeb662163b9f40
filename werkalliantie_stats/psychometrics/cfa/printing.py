"""Text summary of a CFA result in the layout of lavaan's
``summary(fit, fit.measures=TRUE, standardized=TRUE)``. Printing only: no numbers are
computed here beyond formatting."""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["summary_text"]

_SECTIONS = [("Latent Variables:", "=~"), ("Covariances:", "cov"), ("Intercepts:", "~1"),
             ("Thresholds:", "|"), ("Variances:", "var"), ("Scales y*:", "~*~")]


def _num(value: float, digits: int) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.{digits}f}"


def _line(label: str, values: list, digits: int) -> str:
    cells = "".join(f"{_num(v, digits) if not isinstance(v, str) else v:>14}" for v in values)
    return f"  {label:<42}{cells}"


def _fit_block(res, digits: int) -> list[str]:
    fm = res.fit_measures
    scaled = "chisq_scaled" in fm.index

    def row(label, key, robust=None):
        values = [fm.get(key, math.nan)]
        if scaled:
            values.append(fm.get(robust, math.nan) if robust else "")
        return _line(label, values, digits)

    head = [_line("", ["Standard", "Scaled"] if scaled else [], digits)] if scaled else []
    out = ["Model Test User Model:", *head,
           row("Test statistic", "chisq", "chisq_scaled"),
           row("Degrees of freedom", "df", "df_scaled"),
           row("P-value (Chi-square)", "pvalue", "pvalue_scaled")]
    if scaled:
        out.append(_line("Scaling correction factor", ["", fm["chisq_scaling_factor"]], digits))
    if "chisq_shift_parameter" in fm.index:
        out.append(_line("Shift parameter", ["", fm["chisq_shift_parameter"]], digits))
    out += ["", "Model Test Baseline Model:",
            row("Test statistic", "baseline_chisq", "baseline_chisq_scaled"),
            row("Degrees of freedom", "baseline_df", "baseline_df_scaled"),
            "", "User Model versus Baseline Model:",
            row("Comparative Fit Index (CFI)", "cfi", "cfi_scaled"),
            row("Tucker-Lewis Index (TLI)", "tli", "tli_scaled")]
    robust = "cfi_robust" in fm.index

    def last(label, key):  # robust indices: the Scaled column, or the only one (ML + FIML)
        return _line(label, ["", fm[key]] if scaled else [fm[key]], digits)

    if robust:
        out += [last("Robust Comparative Fit Index (CFI)", "cfi_robust"),
                last("Robust Tucker-Lewis Index (TLI)", "tli_robust")]
    if "logl" in fm.index:
        out += ["", "Loglikelihood and Information Criteria:",
                _line("Loglikelihood user model (H0)", [fm["logl"]], digits),
                _line("Loglikelihood unrestricted model (H1)", [fm["unrestricted_logl"]],
                      digits),
                _line("Akaike (AIC)", [fm["aic"]], digits),
                _line("Bayesian (BIC)", [fm["bic"]], digits)]
    out += ["", "Root Mean Square Error of Approximation:",
            row("RMSEA", "rmsea", "rmsea_scaled"),
            row("90 Percent confidence interval - lower", "rmsea_ci_lower",
                "rmsea_ci_lower_scaled"),
            row("90 Percent confidence interval - upper", "rmsea_ci_upper",
                "rmsea_ci_upper_scaled"),
            row("P-value H_0: RMSEA <= 0.050", "rmsea_pvalue", "rmsea_pvalue_scaled")]
    if robust:
        out += [last("Robust RMSEA", "rmsea_robust"),
                last("90 Percent confidence interval - lower", "rmsea_ci_lower_robust"),
                last("90 Percent confidence interval - upper", "rmsea_ci_upper_robust"),
                last("P-value H_0: Robust RMSEA <= 0.050", "rmsea_pvalue_robust")]
    out += ["", "Standardized Root Mean Square Residual:", _line("SRMR", [fm["srmr"]], digits)]
    return out


def _section_rows(est: pd.DataFrame, kind: str, lvs: set[str]) -> pd.DataFrame:
    if kind == "=~":
        return est[est["op"] == "=~"]
    if kind in ("~1", "|", "~*~"):
        return est[est["op"] == kind]
    same = est["lhs"] == est["rhs"]
    return est[(est["op"] == "~~") & (same if kind == "var" else ~same)]


def _estimates_block(est: pd.DataFrame, digits: int, lvs: set[str]) -> list[str]:
    header = f"  {'':<20}" + "".join(f"{h:>10}" for h in ["Estimate", "Std.Err", "z-value",
                                                           "P(>|z|)", "Std.lv", "Std.all"])
    out = []
    for title, kind in _SECTIONS:
        rows = _section_rows(est, kind, lvs)
        if rows.empty:
            continue
        out += ["", title, header]
        lhs_prev = None
        for _, r in rows.iterrows():
            if kind in ("=~", "cov") and r["lhs"] != lhs_prev:
                out.append(f"  {r['lhs']} {r['op']}")
                lhs_prev = r["lhs"]
            name = r["rhs"] if kind in ("=~", "cov") else r["lhs"]
            if kind == "|":
                name = f"{r['lhs']}|{r['rhs']}"
            name = "    " + name
            if r["label"]:
                name = f"{name} ({r['label']})"
            fixed = r["se"] == 0
            cells = [r["est"], None if fixed else r["se"], None if fixed else r["z"],
                     None if fixed else r["pvalue"], r["std_lv"], r["std_all"]]
            out.append(f"  {name:<20}" + "".join(f"{_num(c, digits):>10}" for c in cells))
    return out


def _se_lines(res, digits: int) -> list[str]:
    """lavaan's standard-error lines for a bootstrap fit (nothing otherwise)."""
    boot = getattr(res, "bootstrap", None)
    if boot is None:
        return []
    return ["", _line("Standard errors", ["Bootstrap"], digits),
            _line("Number of requested bootstrap draws", [f"{boot.n_boot:d}"], digits),
            _line("Number of successful bootstrap draws", [f"{boot.n_boot - boot.n_failed:d}"],
                  digits)]


def summary_text(res, digits: int = 3) -> str:
    """lavaan-like summary of a :class:`CFAResult`."""
    state = res.state
    status = "ended normally" if res.converged else "did NOT converge"
    out = [f"werkalliantie_stats CFA {status} after {state.iterations} iterations", "",
           _line("Estimator", [res.estimator], digits),
           _line("Missing data", [res.missing], digits),
           _line("Number of model parameters",
                 [f"{int(res.fit_measures.get('npar', state.model.npar)):d}"], digits), ""]
    if len(res.group_labels) > 1:
        out += [_line(f"Number of observations per group: {lab}", [f"{n:d}"], digits)
                for lab, n in zip(res.group_labels, res.n_obs, strict=True)]
    else:
        out.append(_line("Number of observations", [f"{res.n_obs[0]:d}"], digits))
    out += ["", *_fit_block(res, digits), "", "Parameter Estimates:", *_se_lines(res, digits)]
    est = res.estimates
    lvs = set(res.lv_names)
    if "group" in est.columns:
        for g, lab in enumerate(res.group_labels, start=1):
            out += ["", f"Group {g} [{lab}]:"]
            out += _estimates_block(est[est["group"] == g], digits, lvs)
    else:
        out += _estimates_block(est, digits, lvs)
    return "\n".join(out)
