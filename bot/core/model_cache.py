"""Trained models kept on disk, so that a restart with an unchanged library does not train again.

Training the learned layers on the shipped library takes seconds and needs scikit-learn; a model
read back from here is ready in a fraction of that, without it. An entry is found by a
fingerprint of everything training depends on: the library's texts and labels, the lexicon that
reads them, the model settings, scikit-learn's version, and the source of the core package (a new
release of the bot, or a change to how messages are read, trains again). A changed library gets a
new fingerprint, so a stale model is never used.

Entries are NumPy .npz files read with `allow_pickle=False`: nothing in one can run code. They hold
only what staff wrote in the library (its words and weights), nothing a user sent. A damaged or
unreadable entry is logged (its kind only) and the models are trained again; a failure to write
one is logged too. Neither ever stops the library from loading.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

import numpy as np

from .learned import FeatureState, ModelWeights

log = logging.getLogger(__name__)

FORMAT = 1
KEEP = 3  # entries kept in the folder: the newest, so a library edited back and forth reloads fast
_CORE = Path(__file__).resolve().parent
# Training depends on these (the model; how messages are read: spelling, fuzzy distances).
_PACKAGES = ("scikit-learn", "wordfreq", "rapidfuzz", "numpy")
_SEPARATOR = "\n"  # no term or label contains one: terms come from split words, labels are ids


def fingerprint(parts: Iterable[object]) -> str:
    """A hex digest of the training inputs, the model format, the packages and the core's source."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for package in _PACKAGES:
        try:
            digest.update(f"{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:  # pragma: no cover - dependencies of the bot
            digest.update(f"{package} missing".encode())
    for source in sorted(_CORE.glob("*.py")):
        digest.update(source.read_bytes())
    for part in parts:
        digest.update(json.dumps(part, ensure_ascii=False, sort_keys=True).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _path(directory: Path, key: str) -> Path:
    return directory / f"models-{key[:32]}.npz"


def _joined(items: Iterable[str]) -> np.ndarray:
    text = _SEPARATOR.join(items)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _split(array: np.ndarray) -> tuple[str, ...]:
    text = array.tobytes().decode("utf-8")
    return tuple(text.split(_SEPARATOR)) if text else ()


def exists(directory: Path, key: str) -> bool:
    return _path(directory, key).is_file()


def load(directory: Path, key: str) -> tuple[FeatureState, dict[str, ModelWeights]] | None:
    """The models saved under `key`, or None (not there, or unreadable: then train again)."""
    path = _path(directory, key)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as saved:
            if str(saved["key"].tobytes().decode("ascii")) != key:
                return None
            blocks = int(saved["blocks"])
            state = FeatureState(
                tuple(_split(saved[f"terms{n}"]) for n in range(blocks)),
                tuple(np.array(saved[f"idf{n}"]) for n in range(blocks)),
            )
            models = {
                name: ModelWeights(
                    _split(saved[f"{name}.labels"]),
                    np.ascontiguousarray(saved[f"{name}.weights"]),
                    np.array(saved[f"{name}.intercept"]),
                    float(saved[f"{name}.scale"]),
                )
                for name in _split(saved["models"])
            }
    except (OSError, ValueError, KeyError, UnicodeDecodeError, EOFError) as exc:
        log.warning("a saved model could not be read (%s); training again", type(exc).__name__)
        return None
    return state, models


def save(
    directory: Path, key: str, state: FeatureState, models: Mapping[str, ModelWeights]
) -> None:
    """Keep the models under `key` (written whole, then renamed, so no reader sees half)."""
    arrays: dict[str, np.ndarray] = {
        "key": np.frombuffer(key.encode("ascii"), dtype=np.uint8),
        "blocks": np.array(len(state.terms)),
        "models": _joined(models),
    }
    for n, (terms, idf) in enumerate(zip(state.terms, state.idf, strict=True)):
        arrays[f"terms{n}"] = _joined(terms)
        arrays[f"idf{n}"] = idf
    for name, weights in models.items():
        arrays[f"{name}.labels"] = _joined(weights.labels)
        arrays[f"{name}.weights"] = weights.weights
        arrays[f"{name}.intercept"] = weights.intercept
        arrays[f"{name}.scale"] = np.array(weights.scale)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]
        os.replace(temporary, _path(directory, key))
        _prune(directory)
    except OSError as exc:
        log.warning("the trained models could not be saved (%s)", type(exc).__name__)


def _prune(directory: Path) -> None:
    entries = sorted(directory.glob("models-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
