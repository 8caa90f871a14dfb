"""Memory under many distinct users: 100,000 people each send one message. Prints the bot
process's peak memory.

    .venv/bin/python bench/bench_memory.py [--users 100000] [--window 400]

The bot runs in its own process (built by telegram_app.build_application, as `hrbot run` builds
it, but with Telegram's 30 messages a second lifted so that the run takes minutes, not an hour);
the fake Bot API and the users run here, on 127.0.0.1 only, `--window` messages in flight at a
time. Every message gets an answer, so every chat leaves what the bot keeps per chat: its last
topic (bot/telegram/memory.py) and the id of the bot's reply (bot/telegram/recent.py). Both are
capped by count, so the peak should not grow with the number of people.
Target (issue 13): at most 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fake_bot_api import FakeBotApi  # noqa: E402

from bot.core.loader import load_library  # noqa: E402
from bot.core.responder import Responder  # noqa: E402

INTENTS = ROOT / "intents"


def run_bot() -> None:
    """The child process: the real Application, long polling against the fake."""
    from bot.core.hub import Hub
    from bot.core.settings import Settings
    from bot.telegram.app import build_application
    from bot.telegram.logs import configure

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    configure(settings.log_level)
    library = load_library(settings.intents_dir).library
    assert library is not None
    # As `hrbot run` builds it: the models trained in a separate process into the model cache.
    responder = Responder(library, model_cache=settings.models, train_apart=True)
    application = build_application(settings, Hub(responder), overall_max_rate=0)
    application.run_polling()


def memory_of(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, in MB (Linux /proc)."""
    fields = dict(
        line.split(":", 1)
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if ":" in line
    )
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def messages(responder: Responder, seed: int) -> list[str]:
    """Library examples that get an ordinary answer (so each chat has a topic to remember)."""
    examples = sorted({e for i in responder.library.intents.values() for e in i.examples})
    rng = random.Random(seed)
    rng.shuffle(examples)
    return [e for e in examples[:600] if responder.reply(e).action.value == "answer"]


async def bench(args: argparse.Namespace) -> int:
    library = load_library(INTENTS).library
    assert library is not None
    pool = messages(Responder(library), args.seed)
    fake = FakeBotApi()
    await fake.start()
    env = dict(os.environ, **fake.bot_settings(str(INTENTS)))
    # An empty model cache: the bot trains (in its separate process) as at a first start.
    env["MODEL_CACHE_DIR"] = tempfile.mkdtemp(prefix="hrbot-bench-models-")
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--child", env=env, cwd=ROOT, stdin=asyncio.subprocess.DEVNULL
    )
    answered = 0
    try:
        await fake.wait_for(lambda: fake.polling, 120, "the bot to start")
        warm = [10 + n for n in range(50)]
        for chat in warm:
            fake.push({"message": fake.message(chat, pool[chat % len(pool)])})
        await fake.wait_for(lambda: all(fake.mark(c) for c in warm), 120, "warm-up")
        fake.forget_history()
        start_rss, _ = memory_of(child.pid)
        start = time.monotonic()
        for first in range(0, args.users, args.window):
            chats = range(1_000_000 + first, 1_000_000 + min(first + args.window, args.users))
            for chat in chats:
                fake.push({"message": fake.message(chat, pool[chat % len(pool)])})
            await fake.wait_for(
                lambda chats=chats: all(fake.mark(c) for c in chats), 300, "a window of replies"
            )
            answered += len(chats)
            fake.forget_history()
            if first // args.window % 50 == 0:
                now, peak = memory_of(child.pid)
                print(f"  {answered:>7,} people: {now:.0f} MB now, peak {peak:.0f} MB", flush=True)
        elapsed = time.monotonic() - start
        end_rss, peak = memory_of(child.pid)
    finally:
        child.terminate()
        code = await child.wait()
        await fake.stop()
    print(f"{answered:,} distinct people, one message each, in {elapsed:.0f} s")
    print(
        f"bot process memory: {start_rss:.0f} MB after warm-up, {end_rss:.0f} MB at the end, "
        f"peak {peak:.0f} MB ({'within' if peak <= 150 else 'OVER'} the 150 MB target)"
    )
    print(f"bot process exit code after SIGTERM: {code}")
    return 0 if code == 0 and answered == args.users else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--window", type=int, default=400, help="messages in flight at once")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_bot()
        return 0
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
