"""Reading and validating instrument files (TOML)."""

from __future__ import annotations

import tomllib
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

from ..exceptions import InstrumentError
from .model import Instrument, Item, ResponseScale, Subscale, frozen_mapping

__all__ = ["load_instrument"]

BUNDLED = "werkalliantie.toml"


def load_instrument(path: str | PathLike | None = None) -> Instrument:
    """Load an instrument from a TOML file (default: the bundled illustrative instrument).

    Parameters
    ----------
    path : str or path-like, optional
        A TOML file with the schema of the bundled ``werkalliantie.toml`` (sections
        ``[instrument]``, ``[scale]``, ``[[subscales]]``, ``[[items]]``; see
        ``docs/instrument.md``). ``None`` loads the bundled instrument.

    Returns
    -------
    Instrument
        Immutable; ``instrument.items_of("binding")`` gives the item ids of a subscale.

    Raises
    ------
    InstrumentError
        If the file is malformed; the message names the file and the offending field.

    Examples
    --------
    >>> import werkalliantie_stats as ws
    >>> inst = ws.load_instrument()
    >>> inst.subscales
    ('communicatie', 'binding', 'vertrouwen', 'stroefheid')
    >>> inst.items_of("vertrouwen")
    ('ver1', 'ver2', 'ver3', 'ver4', 'ver5')
    >>> inst.reverse_items
    ('com4', 'bin4', 'ver4')
    """
    if path is None:
        source = "bundled instrument " + BUNDLED
        raw = resources.files(__package__).joinpath(BUNDLED).read_bytes()
    else:
        source = str(path)
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise FileNotFoundError(f"load_instrument: file {source!r} does not exist") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InstrumentError(f"load_instrument: {source} is not valid TOML: {exc}") from None
    return _build(data, source)


def _field(table: dict, key: str, kind: type | tuple, where: str, source: str) -> Any:
    if key not in table:
        raise InstrumentError(f"load_instrument: {source}: field `{where}.{key}` is missing")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise InstrumentError(f"load_instrument: {source}: field `{where}.{key}` must be {names}, "
                              f"got {value!r}")
    return value


def _texts(table: dict, key: str, languages: tuple[str, ...], where: str, source: str) -> dict:
    texts = _field(table, key, dict, where, source)
    for lang in languages:
        value = texts.get(lang)
        if not isinstance(value, str) or not value.strip():
            raise InstrumentError(f"load_instrument: {source}: field `{where}.{key}.{lang}` "
                                  f"must be a non-empty string, got {value!r}")
    return texts


def _build(data: dict, source: str) -> Instrument:
    head = _field(data, "instrument", dict, "", source)
    languages = tuple(_field(head, "languages", list, "instrument", source))
    raters = tuple(_field(head, "raters", list, "instrument", source))
    scale = _scale(_field(data, "scale", dict, "", source), languages, source)
    subscales = _subscales(_field(data, "subscales", list, "", source), languages, source)
    items = _items(_field(data, "items", list, "", source), subscales, languages, raters, source)
    return Instrument(
        id=_field(head, "id", str, "instrument", source),
        name=frozen_mapping(_texts(head, "name", languages, "instrument", source)),
        version=str(_field(head, "version", (str, int, float), "instrument", source)),
        provenance=str(head.get("provenance", "")),
        languages=languages, raters=raters, scale=scale,
        subscale_info=subscales, items=items,
    )


def _scale(table: dict, languages: tuple[str, ...], source: str) -> ResponseScale:
    low = _field(table, "min", int, "scale", source)
    high = _field(table, "max", int, "scale", source)
    if high <= low:
        raise InstrumentError(f"load_instrument: {source}: field `scale.max` ({high}) must "
                              f"exceed `scale.min` ({low})")
    labels = {}
    for k, entry in enumerate(table.get("labels", [])):
        where = f"scale.labels[{k}]"
        value = _field(entry, "value", int, where, source)
        if not low <= value <= high:
            raise InstrumentError(f"load_instrument: {source}: field `{where}.value` = {value} "
                                  f"is outside scale {low}..{high}")
        labels[value] = {lang: _field(entry, lang, str, where, source) for lang in languages}
    return ResponseScale(low, high, frozen_mapping(labels))


def _subscales(entries: list, languages: tuple[str, ...], source: str) -> tuple[Subscale, ...]:
    out = []
    for k, entry in enumerate(entries):
        where = f"subscales[{k}]"
        out.append(Subscale(id=_field(entry, "id", str, where, source),
                            positive=_field(entry, "positive", bool, where, source),
                            label=frozen_mapping(_texts(entry, "label", languages, where, source))))
    ids = [s.id for s in out]
    if not ids or len(set(ids)) != len(ids):
        raise InstrumentError(f"load_instrument: {source}: field `subscales` must list unique "
                              f"ids, got {ids}")
    return tuple(out)


def _items(entries: list, subscales: tuple[Subscale, ...], languages: tuple[str, ...],
           raters: tuple[str, ...], source: str) -> tuple[Item, ...]:
    known = {s.id for s in subscales}
    out = []
    for k, entry in enumerate(entries):
        where = f"items[{k}]"
        item_id = _field(entry, "id", str, where, source)
        subscale = _field(entry, "subscale", str, where, source)
        if subscale not in known:
            raise InstrumentError(f"load_instrument: {source}: field `{where}.subscale` of item "
                                  f"{item_id!r} is {subscale!r}, not one of {sorted(known)}")
        text = {r: _texts(entry, r, languages, where, source) for r in raters}
        out.append(Item(id=item_id, subscale=subscale,
                        reverse=_field(entry, "reverse", bool, where, source),
                        text=frozen_mapping(text)))
    ids = [i.id for i in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InstrumentError(f"load_instrument: {source}: field `items` has duplicate ids {dupes}")
    empty = [s.id for s in subscales if not any(i.subscale == s.id for i in out)]
    if empty:
        raise InstrumentError(f"load_instrument: {source}: subscale(s) {empty} have no items")
    return tuple(out)
