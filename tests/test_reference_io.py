"""The shared reference data sets are readable and have the documented shapes."""

from reference_io import read_reference_csv


def test_reference_datasets_have_documented_shapes():
    assert read_reference_csv("data/holzinger_swineford.csv").shape == (301, 15)
    assert read_reference_csv("data/bfi.csv").shape == (2800, 29)
    assert read_reference_csv("data/rossi.csv").shape == (432, 10)
    assert read_reference_csv("data/mgus2.csv").shape == (1384, 11)
