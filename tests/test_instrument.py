"""The bundled instrument and the loading of user instrument files."""

import re
from pathlib import Path

import pytest

import werkalliantie_stats as ws
from werkalliantie_stats.exceptions import InstrumentError

BUNDLED = Path(ws.__file__).parent / "instrument" / "werkalliantie.toml"


def test_bundled_instrument_has_20_items_5_per_subscale():
    inst = ws.load_instrument()
    assert inst.subscales == ("communicatie", "binding", "vertrouwen", "stroefheid")
    assert len(inst.items) == 20
    for sub in inst.subscales:
        assert len(inst.items_of(sub)) == 5
    assert inst.reverse_items == ("com4", "bin4", "ver4")
    assert [s.positive for s in inst.subscale_info] == [True, True, True, False]
    assert inst.scale.codes == (1, 2, 3, 4, 5)


def test_every_item_has_client_and_officer_text_in_dutch_and_english():
    inst = ws.load_instrument()
    for item in inst.items:
        for rater in ("client", "officer"):
            for lang in ("nl", "en"):
                assert len(item.wording(rater, lang)) > 15


def test_instrument_is_immutable():
    inst = ws.load_instrument()
    with pytest.raises(AttributeError):
        inst.version = "2"
    with pytest.raises(TypeError):
        inst.items[0].text["client"]["nl"] = "x"


def test_provenance_says_items_are_not_the_wamci():
    assert "not public" in ws.load_instrument().provenance


def test_unknown_subscale_or_item_is_an_error():
    inst = ws.load_instrument()
    with pytest.raises(ValueError, match="unknown subscale 'trust'"):
        inst.items_of("trust")
    with pytest.raises(ValueError, match="unknown item 'com9'"):
        inst.item("com9")


def _write_variant(tmp_path, old, new):
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "instrument.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "field"), [
    ("min = 1", "minimum = 1", "`scale.min` is missing"),
    ('subscale = "binding"', 'subscale = "band"', "`items[5].subscale` of item 'bin1' is 'band'"),
    ("reverse = true", 'reverse = "yes"', "`items[3].reverse` must be bool"),
    ('id = "com2"', 'id = "com1"', "duplicate ids ['com1']"),
    ('en = "I clearly explain', 'de = "I clearly explain', "`items[0].officer.en`"),
])
def test_malformed_user_file_names_the_field(tmp_path, old, new, field):
    path = _write_variant(tmp_path, old, new)
    with pytest.raises(InstrumentError, match=re.escape(field)):
        ws.load_instrument(path)


def test_invalid_toml_and_missing_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[instrument\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="not valid TOML"):
        ws.load_instrument(path)
    with pytest.raises(FileNotFoundError):
        ws.load_instrument(tmp_path / "absent.toml")


def test_user_instrument_file_with_same_schema_loads(tmp_path):
    path = _write_variant(tmp_path, 'id = "werkalliantie-illustratief"', 'id = "mijn-lijst"')
    assert ws.load_instrument(path).id == "mijn-lijst"
