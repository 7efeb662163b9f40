"""The questionnaire: subscales, items, wording, response scale.

An :class:`Instrument` is immutable and is loaded from a TOML file with
:func:`load_instrument`. The bundled file (``werkalliantie.toml``) holds illustrative items
written for this package; a user's own file with the same schema replaces it.
"""

from __future__ import annotations

from .model import Instrument, Item, ResponseScale, Subscale
from .reader import load_instrument

__all__ = ["Instrument", "Item", "ResponseScale", "Subscale", "load_instrument"]
