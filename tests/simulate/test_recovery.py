"""A large simulated study (20,000 dyads, one seed) recovers the population values.

Each tolerance is 4 sampling standard errors at this n (stated next to each check), so
a correct generator fails a single check with probability about 6e-5. Population
values come from ``truth`` (exact quadrature for observed-score moments, parameters for
latent and outcome values), never from this sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.duration.hazard_regression import PHReg

from werkalliantie_stats.simulate import simulate_tables

N = 20_000
SUBSCALES = ("communicatie", "binding", "vertrouwen", "stroefheid")
PREFIX = dict(zip(SUBSCALES, ("com", "bin", "ver", "str"), strict=True))
REVERSE = ("com4", "bin4", "ver4")


@pytest.fixture(scope="module")
def big():
    quest, sup, truth, latent = simulate_tables(n_dyads=N, seed=2026, return_latent=True)
    return {"quest": quest, "sup": sup, "truth": truth, "latent": latent,
            "pop": truth["population"], "params": truth["parameters"]}


def _keyed_wave1(quest: pd.DataFrame, rater: str) -> pd.DataFrame:
    rows = quest[(quest["wave"] == 1) & (quest["rater"] == rater)].set_index("dyad_id")
    items = rows.iloc[:, 4:].astype("float64")
    for item in REVERSE:
        items[item] = 6 - items[item]
    return items


def _complete_scores(items: pd.DataFrame, sub: str) -> pd.Series:
    cols = [f"{PREFIX[sub]}{j}" for j in range(1, 6)]
    return items[cols].dropna().mean(axis=1)


def _pair_correlation(values: np.ndarray, groups: np.ndarray) -> tuple[float, int]:
    """Within-officer correlation over all pairs of dyads (both orders), and the number
    of officers with at least two dyads."""
    order = np.argsort(groups, kind="stable")
    values, groups = values[order], groups[order]
    first, second = [], []
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    sizes = np.diff(np.r_[starts, len(groups)])
    for size in (2, 3):
        idx = starts[sizes == size][:, None] + np.arange(size)
        for a in range(size):
            for b in range(size):
                if a != b:
                    first.append(values[idx[:, a]])
                    second.append(values[idx[:, b]])
    x, y = np.concatenate(first), np.concatenate(second)
    mean, var = values.mean(), values.var()
    return float(np.mean((x - mean) * (y - mean)) / var), int((sizes >= 2).sum())


def test_item_means(big):
    for rater in ("client", "officer"):
        items = _keyed_wave1(big["quest"], rater)
        for item in items.columns:
            col = items[item].dropna()
            # SE = SD / sqrt(n), inflated by 1.1 for officer clustering (design effect
            # 1 + (1.48 - 1) * ICC with ICC < .1).
            se = 1.1 * col.std() / np.sqrt(len(col))
            assert abs(col.mean() - big["pop"]["item_means_keyed"][rater][item]) < 4 * se


def test_raw_means_of_reverse_items(big):
    raw = big["quest"]
    raw = raw[(raw["wave"] == 1) & (raw["rater"] == "client")]
    for item in REVERSE:
        col = raw[item].astype("float64").dropna()
        se = 1.1 * col.std() / np.sqrt(len(col))
        assert abs(col.mean() - big["pop"]["item_means_raw"]["client"][item]) < 4 * se


def test_client_officer_correlation_of_subscale_means(big):
    client, officer = (_keyed_wave1(big["quest"], r) for r in ("client", "officer"))
    for sub in SUBSCALES:
        both = pd.concat([_complete_scores(client, sub), _complete_scores(officer, sub)],
                         axis=1, join="inner")
        r = both.corr().iloc[0, 1]
        target = big["pop"]["score_client_officer_correlation"][sub]
        # SE of a correlation: (1 - r^2) / sqrt(n), times 1.1 for clustering.
        assert abs(r - target) < 4 * 1.1 * (1 - target**2) / np.sqrt(len(both))
        assert target == pytest.approx(0.20 if sub == "stroefheid" else 0.30, abs=1e-4)


def test_score_correlations_within_rater(big):
    for r, rater in enumerate(("client", "officer")):
        items = _keyed_wave1(big["quest"], rater)
        scores = pd.concat({s: _complete_scores(items, s) for s in SUBSCALES}, axis=1,
                           join="inner")
        observed = scores.corr().to_numpy()
        target = np.array(big["pop"]["score_correlation_within_rater"][rater])
        se = 1.1 * (1 - target**2) / np.sqrt(len(scores))
        assert np.all(np.abs(observed - target) <= 4 * se + 1e-12), r


def test_rater_mean_difference(big):
    client, officer = (_keyed_wave1(big["quest"], r) for r in ("client", "officer"))
    for sub in SUBSCALES:
        c, o = _complete_scores(client, sub), _complete_scores(officer, sub)
        d = (c.mean() - o.mean()) / np.sqrt((c.var() + o.var()) / 2)
        # SE of d for two groups of ~n/1.16 complete scores: sqrt(2/n_c + d^2/(4n)); the
        # pairing (r = .3) lowers it, so this bound is conservative.
        se = np.sqrt(1 / len(c) + 1 / len(o) + d**2 / (2 * (len(c) + len(o))))
        assert abs(d - big["pop"]["score_cohens_d_client_minus_officer"][sub]) < 4 * se


def test_latent_factor_correlations(big):
    lat = big["latent"]
    target = np.array(big["pop"]["latent_factor_correlation_within_rater"])
    for rater in ("client", "officer"):
        r = lat[[f"{rater}_{s}_w1" for s in SUBSCALES]].corr().to_numpy()
        se = 1.1 * (1 - target**2) / np.sqrt(N)
        assert np.all(np.abs(r - target) <= 4 * se + 1e-12)
    assert np.allclose(target, big["params"]["factor_correlation"], atol=2e-3)


def test_latent_rater_correlation_and_stability(big):
    lat = big["latent"]
    change = big["sup"]["officer_change"].to_numpy() == 1
    for s, sub in enumerate(SUBSCALES):
        rho = big["params"]["rater_correlation"][s]
        r = np.corrcoef(lat[f"client_{sub}_w1"], lat[f"officer_{sub}_w1"])[0, 1]
        assert abs(r - rho) < 4 * 1.1 * (1 - rho**2) / np.sqrt(N)
        beta = big["params"]["stability"]
        keep = ~change if sub == "vertrouwen" else np.ones(N, bool)
        r = np.corrcoef(lat[f"client_{sub}_w1"][keep], lat[f"client_{sub}_w2"][keep])[0, 1]
        assert abs(r - beta) < 4 * 1.1 * (1 - beta**2) / np.sqrt(keep.sum())


def test_officer_change_lowers_wave2_trust(big):
    lat, sup = big["latent"], big["sup"]
    change = sup["officer_change"].to_numpy() == 1
    for rater in ("client", "officer"):
        w2 = lat[f"{rater}_vertrouwen_w2"].to_numpy()
        diff = w2[change].mean() - w2[~change].mean()
        se = np.sqrt(w2[change].var() / change.sum() + w2[~change].var() / (~change).sum())
        # Officer change is independent of the latent scores except through dropout
        # timing, so the difference estimates the shift (-0.40 SD).
        assert abs(diff - big["params"]["officer_change_trust_effect"]) < 4 * se


def test_officer_icc(big):
    lat, sup = big["latent"], big["sup"]
    groups = sup["officer_id"].to_numpy()
    for rater in ("client", "officer"):
        items = _keyed_wave1(big["quest"], rater)
        for sub in SUBSCALES:
            icc, k = _pair_correlation(lat[f"{rater}_{sub}_w1"].to_numpy(), groups)
            # Pairwise-correlation SE <= 1 / sqrt(officers with >= 2 dyads): every such
            # officer adds at least one independent pair (conservative).
            assert abs(icc - big["params"]["officer_icc"]) < 4 / np.sqrt(k)
            scores = items[[f"{PREFIX[sub]}{j}" for j in range(1, 6)]].mean(axis=1)
            icc_obs, k = _pair_correlation(scores.reindex(sup["dyad_id"]).to_numpy(), groups)
            target = big["pop"]["score_officer_icc"][rater][sub]
            assert abs(icc_obs - target) < 4 / np.sqrt(k)


def test_about_180_officers_per_267_dyads(big):
    n_officers = big["sup"]["officer_id"].nunique()
    probs = np.array(big["params"]["officer_sizes"])
    mean_size = probs @ np.arange(1, len(probs) + 1)
    # Count of officers ~ N / mean size; SE ~ sqrt(N * var(size)) / mean_size^1.5.
    var_size = probs @ np.arange(1, len(probs) + 1) ** 2 - mean_size**2
    se = np.sqrt(N * var_size / mean_size**3)
    assert abs(n_officers - N / mean_size) < 4 * se
    assert 267 / mean_size == pytest.approx(180, abs=2)


@pytest.mark.parametrize(("column", "target"), [
    ("dropout", "dropout_rate"), ("rearrest", "rearrest_rate"),
    ("risk_increase", "risk_increase_rate"),
])
def test_outcome_base_rates(big, column, target):
    p = big["pop"][target]
    rate = big["sup"][column].mean()
    # Binomial SE sqrt(p(1-p)/n) = 0.003; the calibration's MC error (< 0.001) is added.
    assert abs(rate - p) < 4 * np.sqrt(p * (1 - p) / N) + 0.001


def _design(big, names):
    lat, sup, pop = big["latent"], big["sup"], big["pop"]
    columns = {}
    for name in names:
        if name in SUBSCALES or name == "positive":
            columns[name] = lat[f"dyad_{name}"].to_numpy()
        elif name == "prior_convictions":
            columns[name] = ((np.log1p(sup["prior_convictions"].to_numpy())
                              - pop["prior_convictions_log1p_mean"])
                             / pop["prior_convictions_log1p_sd"])
        elif name == "age":
            columns[name] = (sup["age"].to_numpy() - big["params"]["age_mean"]) / 10
        else:
            columns[name] = sup[name].to_numpy().astype(float)
    return pd.DataFrame(columns)


def _check_logit(big, outcome, effects_name):
    effects = big["params"][effects_name]
    names = list(effects)
    x = sm.add_constant(_design(big, names))
    fit = sm.Logit(big["sup"][outcome].to_numpy(), x).fit(disp=0)
    for name in names:
        # The fitted model is the generating model: the MLE is unbiased to O(1/n) and
        # its SE is the model SE.
        assert abs(fit.params[name] - effects[name]) < 4 * fit.bse[name], name


def test_dropout_effects(big):
    _check_logit(big, "dropout", "dropout_effects")
    assert big["pop"]["dropout_odds_ratio"]["positive"] == pytest.approx(0.67)
    assert big["pop"]["dropout_odds_ratio"]["stroefheid"] == pytest.approx(1.5)


def test_risk_increase_effects(big):
    _check_logit(big, "risk_increase", "risk_increase_effects")
    assert big["pop"]["risk_increase_odds_ratio"]["positive"] == pytest.approx(0.80)


def _cox(big, names):
    sup = big["sup"]
    status = (sup["event"] == "rearrest").to_numpy().astype(int)
    x = _design(big, names)
    fit = PHReg(sup["event_day"].to_numpy().astype(float), x.to_numpy(), status=status,
                ties="efron").fit()
    return dict(zip(names, fit.params, strict=True)), dict(zip(names, fit.bse, strict=True))


def test_rearrest_cause_specific_hazard_ratios(big):
    effects = big["params"]["rearrest_effects"]
    est, se = _cox(big, list(effects))
    for name, beta in effects.items():
        # Cause-specific Cox (dropout and planned end censor) of the generating model;
        # day rounding (ceil of a continuous time) adds ties that Efron handles.
        assert abs(est[name] - beta) < 4 * se[name], name
    assert np.exp(effects["vertrouwen"]) == pytest.approx(0.78)


def test_stroefheid_rearrest_effect_is_confounded(big):
    crude, crude_se = _cox(big, ["stroefheid"])
    adjusted, adjusted_se = _cox(big, ["stroefheid", "prior_convictions"])
    full, full_se = _cox(big, [*SUBSCALES, "prior_convictions"])
    # Crude HR about 1.37, prior-adjusted about 1.15, fully adjusted 1.0 (the truth).
    assert crude["stroefheid"] - 4 * crude_se["stroefheid"] > 0.2
    assert adjusted["stroefheid"] < crude["stroefheid"] / 2 + 4 * adjusted_se["stroefheid"]
    assert abs(full["stroefheid"]) < 4 * full_se["stroefheid"]


def test_wave2_questionnaires(big):
    quest, sup, lat = big["quest"], big["sup"], big["latent"]
    day = sup.set_index("dyad_id")["dropout_day"].astype("float64").fillna(np.inf)
    still = day > lat["wave2_day"]
    for r, rater in enumerate(("client", "officer")):
        answered = set(quest.loc[(quest["wave"] == 2) & (quest["rater"] == rater), "dyad_id"])
        present = still.index.isin(list(answered))
        assert not present[~still.to_numpy()].any()
        rate = 1 - present[still.to_numpy()].mean()
        p = big["params"]["wave2_nonresponse"][r]
        assert abs(rate - p) < 4 * np.sqrt(p * (1 - p) / still.sum())
