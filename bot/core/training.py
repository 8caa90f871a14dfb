"""Training in a separate process, for the running bot.

Training holds the interpreter for seconds (the tf-idf analysis is Python) and needs scikit-learn,
which costs about 120 MB that Python never gives back. In the bot, a reload trains while messages
keep arriving: trained in this process, every reply would wait behind it. So the bot trains in a
fresh process that saves the models to the model cache and exits; the bot reads them back. Its
memory stays that of a bot that never trained, and its thread keeps answering.

If the separate process cannot train (it crashed, ran out of memory, or could not save), that
is logged and the caller trains in this process instead: a slower reload, never a missing one.
"""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .library import Library

log = logging.getLogger(__name__)


def train_apart(library: Library, cache: Path) -> bool:
    """Train `library`'s models in a fresh process that saves them to `cache`; True if it did."""
    # "spawn": a clean interpreter. Forking a bot with threads running could copy a held lock.
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            saved = pool.submit(_train_and_save, library, cache).result()
    except (BrokenProcessPool, OSError, RuntimeError) as exc:
        log.warning("training in a separate process failed (%s); training here", type(exc).__name__)
        return False
    if not saved:
        log.warning("the separate process could not save the models; training here")
    return saved


def _train_and_save(library: Library, cache: Path) -> bool:
    from . import model_cache
    from .classifiers import Classifiers
    from .matcher import Matcher

    classifiers = Classifiers(library, Matcher(library).read, cache)
    return classifiers.key is not None and model_cache.exists(cache, classifiers.key)
