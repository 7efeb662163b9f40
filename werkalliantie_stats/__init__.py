"""werkalliantie_stats: the working alliance in mandated settings, measured and modelled.

Import as ``import werkalliantie_stats as ws``. The public names are flat in this
namespace (see docs/api.md); submodules hold the implementation.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import exceptions

try:
    __version__ = version("werkalliantie-stats")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.1.0"

__all__ = ["__version__", "exceptions"]
