"""Local services: the directory file, opening hours, distances and the answers that list them.

Imports only `bot.core`. Other layers use `answers` and `model`; `geo`, `hours` and `load` are
the layer's own.
"""

__all__ = ["answers", "model"]
