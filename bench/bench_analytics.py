"""How much answering pays for analytics: the cost of record() in the caller, and of scrub().

    .venv/bin/python bench/bench_analytics.py

Prints microseconds per call. record() should cost about as little as putting a tuple on a
queue; the SQLite writing happens on the analytics thread, measured here as events per second.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bot.analytics.scrub import scrub
from bot.analytics.store import SqliteAnalytics

N = 100_000
MESSAGES = [
    "can i mix ket and coke",
    "call me on 07700 900123 or email me at sam@example.org, i'm at SW1A 1AA",
    "where do i get a naloxone kit in leeds, my mate uses on his own a lot " * 4,
    "x" * 4000,
    "1 2 3 4 5 " * 300,
]


def per_call(func: object, n: int) -> float:
    assert callable(func)
    start = time.perf_counter()
    for i in range(n):
        func(i)
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        analytics = SqliteAnalytics(Path(folder) / "bench.sqlite3", queue_size=N + 10).start()
        analytics.flush()
        record = analytics.record
        cost = per_call(lambda i: record("answer", "naloxone_get", 5_000_000 + i % 500), N)
        start = time.perf_counter()
        analytics.flush(timeout=60)
        drain = time.perf_counter() - start
        print(
            f"record(): {cost:.2f} us per call in the caller ({N} calls, {analytics.dropped} "
            f"dropped)"
        )
        print(f"analytics thread: wrote the {N} events {drain:.2f} s after the last call")
        analytics.close()
    for text in MESSAGES:
        cost = per_call(lambda _i, t=text: scrub(t), 200)
        print(f"scrub(): {cost:8.1f} us for a {len(text)}-character message")


if __name__ == "__main__":
    main()
