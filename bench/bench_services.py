"""What local services add to an answer: loading the file, and the text for one reply.

    .venv/bin/python bench/bench_services.py

Prints milliseconds to load and check the shipped example and a made-up directory of 1,000
services, and microseconds per call for the text under an answer, a typed place and a shared
location (nearest 3 with opening hours).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.core.loader import load_library
from bot.core.responder import Responder
from bot.services.answers import local_services_text, location_answer, place_answer
from bot.services.load import load_services

REPO = Path(__file__).resolve().parents[1]
KINDS = ["needle_exchange", "naloxone", "hepc_testing", "drug_service", "housing", "pharmacy"]
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def big_directory(count: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    lines = ["version: 1", "example_data: true", "services:"]
    for i in range(count):
        lat, lon = rng.uniform(50.5, 55.5), rng.uniform(-4.0, 0.5)
        lines += [
            f"  - id: s{i}",
            f"    name: Example Service {i}",
            f"    offers: [{', '.join(rng.sample(KINDS, 2))}]",
            f"    address: {i} Example Street",
            f"    postcode: T{i % 90 + 1} 9ZZ",
            f"    place: Town{i % 300}",
            f"    latitude: {lat:.4f}",
            f"    longitude: {lon:.4f}",
            f'    phone: "01632 960{i % 1000:03d}"',
            "    hours:",
            *[f"      {d}: [09:00-12:30, 13:30-17:00]" for d in DAYS[:5]],
            "      saturday: 20:00-02:00",
            "      sunday: closed",
        ]
    return "\n".join(lines) + "\n"


def timed(func: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        func()
    return (time.perf_counter() - start) / n


def main() -> None:
    library = load_library(REPO / "intents").library
    assert library is not None
    reply = Responder(library).answer("needle_exchange_where")
    now = dt.datetime(2025, 6, 2, 10, tzinfo=dt.UTC)
    example = REPO / "services" / "example.yaml"
    print(
        f"load example.yaml ({len(example.read_text().splitlines())} lines): "
        f"{timed(lambda: load_services(example), 20) * 1e3:.1f} ms"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        path.write_text(big_directory(1000), encoding="utf-8")
        print(f"load 1,000 services: {timed(lambda: load_services(path), 3) * 1e3:.0f} ms")
        big = load_services(path).directory
    small = load_services(example).directory
    assert big is not None and small is not None
    for name, directory in (("example (7)", small), ("1,000 services", big)):
        print(f"{name}:")
        under = timed(
            lambda d=directory: local_services_text(reply, d, library=library, now=now), 2000
        )
        print(f"  text under an answer, no location: {under * 1e6:.0f} us")
        located = timed(
            lambda d=directory: location_answer(
                53.8, -1.55, d, "naloxone_get", library=library, now=now
            ),
            500,
        )
        print(f"  nearest 3 to a shared location:    {located * 1e6:.0f} us")
        place = directory.services[0].district
        typed = timed(lambda d=directory, p=place: place_answer(p, d, None, now=now), 500)
        print(f"  nearest 3 to a typed district:     {typed * 1e6:.0f} us")
        missed = timed(lambda d=directory: place_answer("where can i get naloxone", d), 5000)
        print(f"  a message that is not a place:     {missed * 1e6:.0f} us")


if __name__ == "__main__":
    main()
