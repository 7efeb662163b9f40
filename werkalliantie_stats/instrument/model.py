"""Immutable data model of an instrument."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["Instrument", "Item", "ResponseScale", "Subscale"]


@dataclass(frozen=True)
class ResponseScale:
    """An ordinal response scale with integer codes ``minimum``..``maximum``."""

    minimum: int
    maximum: int
    labels: Mapping[int, Mapping[str, str]]

    @property
    def codes(self) -> tuple[int, ...]:
        """All valid response codes in order."""
        return tuple(range(self.minimum, self.maximum + 1))

    def reverse(self, value):
        """Re-key a response (or array of responses): ``min + max - value``."""
        return self.minimum + self.maximum - value


@dataclass(frozen=True)
class Subscale:
    """A subscale: its id, whether high scores are good (``positive``), and labels."""

    id: str
    positive: bool
    label: Mapping[str, str]


@dataclass(frozen=True)
class Item:
    """One item with its subscale, reverse flag and wording per rater and language."""

    id: str
    subscale: str
    reverse: bool
    text: Mapping[str, Mapping[str, str]]  # rater -> language -> wording

    def wording(self, rater: str = "client", language: str = "nl") -> str:
        """The item text for ``rater`` in ``language``."""
        try:
            return self.text[rater][language]
        except KeyError:
            raise ValueError(f"Item.wording: item {self.id!r} has no text for rater={rater!r}, "
                             f"language={language!r}; raters: {sorted(self.text)}") from None


@dataclass(frozen=True)
class Instrument:
    """A multi-subscale questionnaire rated by several raters.

    Attributes
    ----------
    id, name, version, provenance : identification and where the items come from.
    languages, raters : tuple of str
    scale : ResponseScale
    subscales : tuple of Subscale, in questionnaire order
    items : tuple of Item, in questionnaire order
    """

    id: str
    name: Mapping[str, str]
    version: str
    provenance: str
    languages: tuple[str, ...]
    raters: tuple[str, ...]
    scale: ResponseScale
    subscale_info: tuple[Subscale, ...]
    items: tuple[Item, ...]

    @property
    def subscales(self) -> tuple[str, ...]:
        """Subscale ids in questionnaire order."""
        return tuple(s.id for s in self.subscale_info)

    @property
    def item_ids(self) -> tuple[str, ...]:
        """All item ids in questionnaire order."""
        return tuple(i.id for i in self.items)

    @property
    def reverse_items(self) -> tuple[str, ...]:
        """Ids of the reverse-worded items."""
        return tuple(i.id for i in self.items if i.reverse)

    def items_of(self, subscale: str) -> tuple[str, ...]:
        """Item ids of one subscale, in questionnaire order."""
        if subscale not in self.subscales:
            raise ValueError(f"Instrument.items_of: unknown subscale {subscale!r}; "
                             f"subscales: {list(self.subscales)}")
        return tuple(i.id for i in self.items if i.subscale == subscale)

    def subscale(self, subscale: str) -> Subscale:
        """The :class:`Subscale` with id ``subscale``."""
        for info in self.subscale_info:
            if info.id == subscale:
                return info
        raise ValueError(f"Instrument.subscale: unknown subscale {subscale!r}; "
                         f"subscales: {list(self.subscales)}")

    def item(self, item_id: str) -> Item:
        """The :class:`Item` with id ``item_id``."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise ValueError(f"Instrument.item: unknown item {item_id!r}; items: {list(self.item_ids)}")


def frozen_mapping(mapping: Mapping) -> Mapping:
    """A read-only view of a (nested) mapping."""
    return MappingProxyType({k: frozen_mapping(v) if isinstance(v, Mapping) else v
                             for k, v in mapping.items()})
