"""Trained models kept on disk: the same margins as a fresh training, a new training whenever
anything training depends on changes, damaged entries retrained, and a warm start without
scikit-learn."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lint_fixtures import intent_block, write_library
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.core import model_cache
from bot.core.classifiers import Classifiers
from bot.core.learned import CHAR_NGRAMS, WORD_NGRAMS, char_wb_ngrams, word_ngrams
from bot.core.loader import load_library
from bot.core.matcher import Matcher

PROBES = ["my mate wont wake up", "where do i get naloxone", "", "😭", "hep c test " * 20]


def _library(root: Path, extra: str = "") -> Path:
    examples = ("where is a needle exchange", "needle swap near me", "where can i get pins")
    block = intent_block(
        "needle_exchange_where",
        "Ask at a pharmacy.",
        examples + ((extra,) if extra else ()),
        title="Needle exchanges",
    )
    return write_library(root, block)


def _classifiers(directory: Path, cache: Path | None) -> Classifiers:
    library = load_library(directory).library
    assert library is not None
    return Classifiers(library, Matcher(library).read, cache)


def test_a_saved_model_scores_as_the_trained_one(tmp_path: Path) -> None:
    directory = _library(tmp_path)
    cache = tmp_path / "models"
    trained = _classifiers(directory, cache)
    assert len(list(cache.glob("models-*.npz"))) == 1
    read_back = _classifiers(directory, cache)
    assert read_back.intents.features is not trained.intents.features  # not the memory cache
    library = load_library(directory).library
    assert library is not None
    for text in PROBES:
        corrected = Matcher(library).read(text).corrected_text
        for a, b in ((trained.intents, read_back.intents), (trained.safety, read_back.safety)):
            assert a is not None and b is not None
            assert a.labels == b.labels
            np.testing.assert_allclose(a.margins(corrected), b.margins(corrected), rtol=1e-6)


def test_a_changed_library_trains_again(tmp_path: Path) -> None:
    cache = tmp_path / "models"
    _classifiers(_library(tmp_path / "a"), cache)
    _classifiers(_library(tmp_path / "b", "any pharmacy doing needles"), cache)
    assert len(list(cache.glob("models-*.npz"))) == 2


def test_only_the_newest_entries_are_kept(tmp_path: Path) -> None:
    cache = tmp_path / "models"
    for n in range(model_cache.KEEP + 2):
        _classifiers(_library(tmp_path / str(n), f"needle exchange number {n}"), cache)
    assert len(list(cache.glob("models-*.npz"))) == model_cache.KEEP


def test_a_damaged_entry_is_logged_and_trained_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = _library(tmp_path)
    cache = tmp_path / "models"
    _classifiers(directory, cache)
    (entry,) = cache.glob("models-*.npz")
    entry.write_bytes(b"not a zip file at all")
    with caplog.at_level(logging.WARNING, logger="bot.core.model_cache"):
        classifiers = _classifiers(directory, cache)
    assert "could not be read" in caplog.text
    assert classifiers.intents.scores("needle exchange")["needle_exchange_where"] > 0.3
    assert entry.stat().st_size > 1000  # written again, whole


def test_an_unwritable_folder_is_logged_and_the_library_still_loads(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "models"
    blocker.write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING, logger="bot.core.model_cache"):
        classifiers = _classifiers(_library(tmp_path), blocker)
    assert "could not be saved" in caplog.text
    assert classifiers.safety is not None


def test_the_fingerprint_covers_inputs_and_order() -> None:
    base = model_cache.fingerprint([["a", "b"], {"x": 1}])
    assert base == model_cache.fingerprint([["a", "b"], {"x": 1}])
    assert base != model_cache.fingerprint([["b", "a"], {"x": 1}])
    assert base != model_cache.fingerprint([["a", "b"], {"x": 2}])


@given(st.text(max_size=80))
def test_the_analyzers_are_scikit_learns(text: str) -> None:
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS).build_analyzer()
    word = TfidfVectorizer(ngram_range=WORD_NGRAMS, token_pattern=r"(?u)\b\w+\b")
    assert sorted(char_wb_ngrams(text)) == sorted(char(text))
    assert sorted(word_ngrams(text)) == sorted(word.build_analyzer()(text))


@pytest.mark.slow
def test_a_warm_start_answers_without_scikit_learn(tmp_path: Path) -> None:
    directory = _library(tmp_path)
    env = {**os.environ, "MODEL_CACHE_DIR": str(tmp_path / "models"), "MODEL_CACHE": "1"}
    probe = (
        "import sys, json; from bot.cli.main import main; code = main(['match', '--jsonl',"
        f" '--dir', {str(directory)!r}]); print(json.dumps(['sklearn' in sys.modules, code]),"
        " file=sys.stderr)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe],
            input="where is a needle exchange\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        for _ in range(2)
    ]
    flags = [json.loads(run.stderr.strip().splitlines()[-1]) for run in runs]
    assert flags == [[True, 0], [False, 0]]  # the first trains; the second reads the model
    assert [json.loads(run.stdout)["intent"] for run in runs] == ["needle_exchange_where"] * 2


def test_a_library_trained_apart_scores_as_one_trained_here(tmp_path: Path) -> None:
    directory = _library(tmp_path, "a needle exchange trained in another process")
    library = load_library(directory).library
    assert library is not None
    cache = tmp_path / "models"
    here = Classifiers(library, Matcher(library).read)
    apart = Classifiers(library, Matcher(library).read, cache, apart=True)
    assert model_cache.exists(cache, apart.key)
    for text in PROBES:
        corrected = Matcher(library).read(text).corrected_text
        np.testing.assert_allclose(
            here.intents.margins(corrected), apart.intents.margins(corrected), rtol=1e-5
        )


def test_when_the_separate_process_cannot_save_the_models_are_trained_here(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "models"
    blocker.write_text("a file where the folder should be")
    directory = _library(tmp_path, "the separate process cannot save")
    library = load_library(directory).library
    assert library is not None
    with caplog.at_level(logging.WARNING, logger="bot.core.training"):
        classifiers = Classifiers(library, Matcher(library).read, blocker, apart=True)
    assert "training here" in caplog.text
    assert classifiers.intents.scores("needle exchange")["needle_exchange_where"] > 0.3
