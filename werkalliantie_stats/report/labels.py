"""Every word the report prints, in English and Dutch (one dictionary per language).

Keys are the names used in pipeline results (section keys, table and figure names, claim
codes, column names). A name without a label is printed as it is.
"""

from __future__ import annotations

__all__ = ["LABELS", "label"]

LABELS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "text": {
            "replicate": "Working alliance: replication of Menger & Donker",
            "validate": "Working alliance: validation of a new sample",
            "contents": "Contents", "table": "Table", "figure": "Figure",
            "notes": "Notes", "omitted": "Left out of this report",
            "source": "Data and reproducibility", "generated": "Generated",
            "seed": "Seed", "checksum": "SHA-256", "version": "Version",
            "privacy": "Only aggregate results are shown; no dyad, client or officer "
                       "identifiers are written to this report.",
            "verdict_rules": "Verdict rules",
            "factors_rule": "Count equals the number of subscales (4).",
            "alpha_rule": "Supported when the 95% CI of alpha lies above .70; contradicted "
                          "when it lies below; inconclusive otherwise.",
            "weaker_rule": "Supported when the 95% CI of stroefheid's alpha lies below the "
                           "lowest alpha of the positive subscales.",
            "ratio_rule": "Supported when the 95% CI of the ratio (good vs. not good "
                          "alliance quality) lies below 1; contradicted when above 1.",
            "truth_note": "Truth: the generating value of the synthetic study (reliability "
                          "and factors), or for the outcome ratios the same model fitted to "
                          "a simulated population of 20,000 dyads with the same generating "
                          "values.",
        },
        "section": {
            "sample": "Sample", "items": "Item distributions",
            "factorability": "Factorability", "retention": "Number of factors",
            "efa": "Exploratory factor analysis (four factors, polychoric)",
            "cfa": "Confirmatory factor analysis per rater",
            "invariance": "Measurement invariance: client–officer and wave 1–2",
            "group_invariance": "Measurement invariance across groups",
            "reliability": "Reliability", "agreement": "Client–officer agreement",
            "quality": "Alliance quality",
            "binary_outcomes": "Dropout and rising risk",
            "survival": "Dropout and rearrest over time (competing risks)",
            "predictive_validity": "Predictive validity",
            "claims": "Findings vs. the Menger–Donker claims",
            "checks": "Data checks", "norms": "Norms (percentiles of subscale scores)",
        },
        "table": {
            "sample": "Sample size", "clients_per_officer": "Clients per officer",
            "item_missingness": "Share of missing responses per item",
            "outcome_rates": "Outcomes during supervision",
            "item_statistics": "Item statistics per subscale (reverse-worded items re-keyed), "
                               "wave 1",
            "factorability": "KMO and Bartlett's test of sphericity (polychoric), wave 1",
            "retention": "Factors retained by parallel analysis (95th percentile) and MAP",
            "efa_loadings_client": "Pattern loadings, client version",
            "efa_loadings_officer": "Pattern loadings, officer version",
            "efa_phi_client": "Factor correlations, client version",
            "efa_phi_officer": "Factor correlations, officer version",
            "efa_pattern_client": "Subscales on factors, client version",
            "efa_pattern_officer": "Subscales on factors, officer version",
            "cfa_fit": "Fit of the four-factor model, wave 1",
            "cfa_loadings": "Loadings of the four-factor model",
            "invariance_raters": "Client–officer invariance (paired, wave 1)",
            "invariance_waves_client": "Wave 1–2 invariance, client version",
            "invariance_waves_officer": "Wave 1–2 invariance, officer version",
            "reliability": "Reliability per subscale, rater and wave (alpha with Feldt 95% "
                           "CI, ordinal alpha, omega)",
            "agreement": "Client–officer agreement per subscale",
            "subscale_descriptives": "Subscale scores by rater and wave",
            "alliance_quality": "Alliance quality (good = both raters favourable)",
            "logistic_dropout": "Logistic regression of dropout on good alliance quality "
                                "(officer-clustered SEs)",
            "logistic_risk_increase": "Logistic regression of rising risk on good alliance "
                                      "quality (officer-clustered SEs)",
            "logrank": "Log-rank test of event-free survival by alliance quality",
            "competing_risks": "Cause-specific Cox and Fine–Gray models of the first event",
            "predictive_validity": "Predictive validity",
            "predictive_validity_summary": "Predictive validity: effect per SD of the mean "
                                           "client-officer rating and of good alliance "
                                           "quality, adjusted (officer-clustered SEs; Holm "
                                           "p within outcome)",
            "claims": "Findings vs. the Menger–Donker claims",
            "problems": "Problems found in the data", "norms": "Percentiles of subscale scores",
            "data_checks": "Data checks",
            "group_invariance_client": "Invariance across groups, client version",
            "group_invariance_officer": "Invariance across groups, officer version",
        },
        "figure": {
            "item_distributions_client": "Response distributions, client version (wave 1)",
            "item_distributions_officer": "Response distributions, officer version (wave 1)",
            "scree_client": "Parallel analysis, client version",
            "scree_officer": "Parallel analysis, officer version",
            "efa_loadings_client": "Pattern loadings, client version",
            "efa_loadings_officer": "Pattern loadings, officer version",
            "reliability_forest": "Cronbach's alpha with 95% CI, wave 1",
            "forest_dropout": "Odds ratios of dropout (adjusted model)",
            "forest_risk_increase": "Odds ratios of rising risk (adjusted model)",
            "km_event_free": "Event-free supervision by alliance quality (Kaplan–Meier)",
            "cumulative_incidence": "Cumulative incidence of dropout and rearrest by "
                                    "alliance quality",
            "forest_rearrest": "Cause-specific hazard ratios of rearrest (adjusted model)",
        },
        "value": {
            "supported": "supported", "contradicted": "contradicted",
            "inconclusive": "inconclusive", "four_factors": "Four factors",
            "positive_reliable": "Positive subscales reliable",
            "negative_weaker": "Stroefheid less reliable",
            "less_dropout": "Good alliance: less dropout",
            "fewer_arrests": "Good alliance: fewer arrests",
            "less_rising_risk": "Good alliance: less rising risk",
            "client": "client", "officer": "officer", "both": "both",
            "dyads": "dyads", "officers": "officers", "clients": "clients",
            "clients_per_officer_mean": "clients per officer (mean)",
            "clients_per_officer_max": "clients per officer (max)",
            "questionnaires_client_wave1": "questionnaires, client, wave 1",
            "questionnaires_client_wave2": "questionnaires, client, wave 2",
            "questionnaires_officer_wave1": "questionnaires, officer, wave 1",
            "questionnaires_officer_wave2": "questionnaires, officer, wave 2",
            "dropout": "dropout", "rearrest": "rearrest", "risk_increase": "rising risk",
            "officer_change": "change of officer", "first_event_none": "first event: none",
            "first_event_rearrest": "first event: rearrest",
            "first_event_dropout": "first event: dropout",
            "good": "good", "not_good": "not good", "ok": "ok", "attention": "attention",
            "questionnaires": "questionnaires",
            "questionnaires_client": "questionnaires, client",
            "questionnaires_officer": "questionnaires, officer",
            "dyads_rated_by_both_wave1": "dyads rated by both raters, wave 1",
            "items_missing_over_10pct": "items with more than 10% missing",
            "unused_response_categories": "response categories never used (item x rater)",
            "supervision_rows": "supervision rows",
        },
        "column": {
            "claim": "Claim", "rater": "Rater", "quantity": "Quantity",
            "estimate": "Estimate", "ci_lower": "CI lower", "ci_upper": "CI upper",
            "truth": "Truth", "verdict": "Verdict", "rule": "Rule", "value": "Value",
            "n": "n", "mean": "M", "sd": "SD", "alpha": "α", "p_value": "p",
        },
    },
    "nl": {
        "text": {
            "replicate": "Werkalliantie: replicatie van Menger & Donker",
            "validate": "Werkalliantie: validering in een nieuwe steekproef",
            "contents": "Inhoud", "table": "Tabel", "figure": "Figuur",
            "notes": "Opmerkingen", "omitted": "Niet in dit rapport",
            "source": "Gegevens en reproduceerbaarheid", "generated": "Gemaakt",
            "seed": "Seed", "checksum": "SHA-256", "version": "Versie",
            "privacy": "Alleen geaggregeerde resultaten; dit rapport bevat geen nummers van "
                       "dyades, cliënten of reclasseringswerkers.",
            "verdict_rules": "Beslisregels",
            "factors_rule": "Het aantal is gelijk aan het aantal subschalen (4).",
            "alpha_rule": "Ondersteund als het 95%-BI van alfa boven .70 ligt; weersproken "
                          "als het eronder ligt; anders onbeslist.",
            "weaker_rule": "Ondersteund als het 95%-BI van de alfa van stroefheid onder de "
                           "laagste alfa van de positieve subschalen ligt.",
            "ratio_rule": "Ondersteund als het 95%-BI van de ratio (goede vs. niet-goede "
                          "werkalliantie) onder 1 ligt; weersproken als het boven 1 ligt.",
            "truth_note": "Waarheid: de genererende waarde van de synthetische studie "
                          "(betrouwbaarheid en factoren), of voor de uitkomstratio's hetzelfde "
                          "model in een gesimuleerde populatie van 20.000 dyades met dezelfde "
                          "genererende waarden.",
        },
        "section": {
            "sample": "Steekproef", "items": "Verdeling van de antwoorden",
            "factorability": "Geschiktheid voor factoranalyse",
            "retention": "Aantal factoren",
            "efa": "Exploratieve factoranalyse (vier factoren, polychorisch)",
            "cfa": "Confirmatieve factoranalyse per beoordelaar",
            "invariance": "Meetinvariantie: cliënt–reclasseringswerker en meting 1–2",
            "group_invariance": "Meetinvariantie tussen groepen",
            "reliability": "Betrouwbaarheid",
            "agreement": "Overeenstemming cliënt–reclasseringswerker",
            "quality": "Kwaliteit van de werkalliantie",
            "binary_outcomes": "Uitval en stijgend risico",
            "survival": "Uitval en nieuwe arrestatie in de tijd (concurrerende risico's)",
            "predictive_validity": "Predictieve validiteit",
            "claims": "Bevindingen vs. de claims van Menger en Donker",
            "checks": "Controle van de gegevens",
            "norms": "Normen (percentielen van subschaalscores)",
        },
        "table": {
            "sample": "Omvang van de steekproef",
            "clients_per_officer": "Cliënten per reclasseringswerker",
            "item_missingness": "Aandeel ontbrekende antwoorden per item",
            "outcome_rates": "Uitkomsten tijdens het toezicht",
            "item_statistics": "Itemstatistieken per subschaal (omgekeerd geformuleerde items "
                               "omgepoold), meting 1",
            "factorability": "KMO en Bartletts sfericiteitstoets (polychorisch), meting 1",
            "retention": "Aantal factoren volgens parallelle analyse (95e percentiel) en MAP",
            "efa_loadings_client": "Patroonladingen, cliëntversie",
            "efa_loadings_officer": "Patroonladingen, werkersversie",
            "efa_phi_client": "Factorcorrelaties, cliëntversie",
            "efa_phi_officer": "Factorcorrelaties, werkersversie",
            "efa_pattern_client": "Subschalen op factoren, cliëntversie",
            "efa_pattern_officer": "Subschalen op factoren, werkersversie",
            "cfa_fit": "Fit van het vierfactormodel, meting 1",
            "cfa_loadings": "Ladingen van het vierfactormodel",
            "invariance_raters": "Invariantie cliënt–reclasseringswerker (gepaard, meting 1)",
            "invariance_waves_client": "Invariantie meting 1–2, cliëntversie",
            "invariance_waves_officer": "Invariantie meting 1–2, werkersversie",
            "reliability": "Betrouwbaarheid per subschaal, beoordelaar en meting (alfa met "
                           "95%-BI volgens Feldt, ordinale alfa, omega)",
            "agreement": "Overeenstemming cliënt–reclasseringswerker per subschaal",
            "subscale_descriptives": "Subschaalscores per beoordelaar en meting",
            "alliance_quality": "Kwaliteit van de werkalliantie (goed = beide beoordelaars "
                                "positief)",
            "logistic_dropout": "Logistische regressie van uitval op goede werkalliantie "
                                "(SE's geclusterd per werker)",
            "logistic_risk_increase": "Logistische regressie van stijgend risico op goede "
                                      "werkalliantie (SE's geclusterd per werker)",
            "logrank": "Logranktoets van toezicht zonder gebeurtenis naar werkalliantie",
            "competing_risks": "Oorzaakspecifieke Cox- en Fine–Gray-modellen van de eerste "
                               "gebeurtenis",
            "predictive_validity": "Predictieve validiteit",
            "predictive_validity_summary": "Predictieve validiteit: effect per SD van de "
                                           "gemiddelde cliënt-werkerscore en van goede "
                                           "werkalliantie, gecorrigeerd (SE's geclusterd per "
                                           "werker; Holm-p per uitkomst)",
            "claims": "Bevindingen vs. de claims van Menger en Donker",
            "problems": "Gevonden problemen in de gegevens",
            "norms": "Percentielen van subschaalscores",
            "data_checks": "Controle van de gegevens",
            "group_invariance_client": "Invariantie tussen groepen, cliëntversie",
            "group_invariance_officer": "Invariantie tussen groepen, werkersversie",
        },
        "figure": {
            "item_distributions_client": "Antwoordverdeling, cliëntversie (meting 1)",
            "item_distributions_officer": "Antwoordverdeling, werkersversie (meting 1)",
            "scree_client": "Parallelle analyse, cliëntversie",
            "scree_officer": "Parallelle analyse, werkersversie",
            "efa_loadings_client": "Patroonladingen, cliëntversie",
            "efa_loadings_officer": "Patroonladingen, werkersversie",
            "reliability_forest": "Cronbachs alfa met 95%-BI, meting 1",
            "forest_dropout": "Oddsratio's van uitval (gecorrigeerd model)",
            "forest_risk_increase": "Oddsratio's van stijgend risico (gecorrigeerd model)",
            "km_event_free": "Toezicht zonder gebeurtenis naar werkalliantie (Kaplan–Meier)",
            "cumulative_incidence": "Cumulatieve incidentie van uitval en arrestatie naar "
                                    "werkalliantie",
            "forest_rearrest": "Oorzaakspecifieke hazardratio's van arrestatie "
                               "(gecorrigeerd model)",
        },
        "value": {
            "supported": "ondersteund", "contradicted": "weersproken",
            "inconclusive": "onbeslist", "four_factors": "Vier factoren",
            "positive_reliable": "Positieve subschalen betrouwbaar",
            "negative_weaker": "Stroefheid minder betrouwbaar",
            "less_dropout": "Goede alliantie: minder uitval",
            "fewer_arrests": "Goede alliantie: minder arrestaties",
            "less_rising_risk": "Goede alliantie: minder stijgend risico",
            "client": "cliënt", "officer": "werker", "both": "beide",
            "dyads": "dyades", "officers": "reclasseringswerkers", "clients": "cliënten",
            "clients_per_officer_mean": "cliënten per werker (gemiddeld)",
            "clients_per_officer_max": "cliënten per werker (max.)",
            "questionnaires_client_wave1": "vragenlijsten, cliënt, meting 1",
            "questionnaires_client_wave2": "vragenlijsten, cliënt, meting 2",
            "questionnaires_officer_wave1": "vragenlijsten, werker, meting 1",
            "questionnaires_officer_wave2": "vragenlijsten, werker, meting 2",
            "dropout": "uitval", "rearrest": "arrestatie", "risk_increase": "stijgend risico",
            "officer_change": "wisseling van werker", "first_event_none": "eerste gebeurtenis: "
            "geen", "first_event_rearrest": "eerste gebeurtenis: arrestatie",
            "first_event_dropout": "eerste gebeurtenis: uitval",
            "good": "goed", "not_good": "niet goed", "ok": "in orde", "attention": "aandacht",
            "questionnaires": "vragenlijsten",
            "questionnaires_client": "vragenlijsten, cliënt",
            "questionnaires_officer": "vragenlijsten, werker",
            "dyads_rated_by_both_wave1": "dyades door beide beoordeeld, meting 1",
            "items_missing_over_10pct": "items met meer dan 10% ontbrekend",
            "unused_response_categories": "nooit gekozen antwoordcategorieën (item x "
                                          "beoordelaar)",
            "supervision_rows": "rijen toezicht",
        },
        "column": {
            "claim": "Claim", "rater": "Beoordelaar", "quantity": "Grootheid",
            "estimate": "Schatting", "ci_lower": "BI onder", "ci_upper": "BI boven",
            "truth": "Waarheid", "verdict": "Oordeel", "rule": "Regel", "value": "Waarde",
            "n": "n", "mean": "M", "sd": "SD", "alpha": "α", "p_value": "p",
        },
    },
}


def label(lang: str, kind: str, key: str) -> str:
    """The ``kind`` label of ``key`` in ``lang``; the key itself when there is none."""
    return LABELS[lang][kind].get(str(key), str(key))
