"""The population summary is computed once per parameter set and handed out as copies."""

import dataclasses

from werkalliantie_stats.simulate import SimulationParameters, simulate_tables
from werkalliantie_stats.simulate.population import population_summary


def test_truth_population_is_a_private_copy_and_follows_the_parameters():
    _, _, first = simulate_tables(30, seed=1)
    first["population"]["latent_officer_icc"] = -99.0
    _, _, second = simulate_tables(30, seed=2)
    assert second["population"]["latent_officer_icc"] != -99.0
    changed = dataclasses.replace(SimulationParameters(), officer_icc=0.2)
    _, _, third = simulate_tables(30, seed=2, params=changed)
    assert third["population"]["latent_officer_icc"] == 0.2
    assert population_summary(changed)["latent_officer_icc"] == 0.2
