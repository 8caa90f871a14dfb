"""End to end: 2,000 text messages from 50 users through the fake Bot API, the real
python-telegram-bot Application and the real matcher. Prints messages a second and reply latency.

    .venv/bin/python bench/bench_e2e.py [--messages 2000] [--users 50] [--concurrency 8]
                                        [--api-delay MS]

The bot runs in its own process (as in production), built by telegram_app.build_application
with Telegram's 30 messages a second limit lifted, so the figure is the bot's own speed; the fake
API and the 50 users run here. Each user sends a message, waits for the reply, then sends the
next (a closed loop). Before timing, each user sends one message to warm up. Every message must
get exactly one reply, and the right one (the same text the responder gives for it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fake_bot_api import FakeBotApi  # noqa: E402

from bot.core.decide import Action  # noqa: E402
from bot.core.loader import load_library  # noqa: E402
from bot.core.responder import Responder  # noqa: E402
from bot.telegram.app import CONCURRENT_UPDATES  # noqa: E402

INTENTS = ROOT / "intents"
SENTINEL = "thanks"


def run_bot(concurrency: int) -> None:
    """The child process: the real Application, long polling against the fake."""
    from bot.core.hub import Hub
    from bot.core.settings import Settings
    from bot.telegram.app import build_application
    from bot.telegram.logs import configure

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    configure(settings.log_level)
    library = load_library(settings.intents_dir).library
    assert library is not None
    application = build_application(
        settings, Hub(Responder(library)), concurrency=concurrency, overall_max_rate=0
    )
    application.run_polling()


def conversations(
    responder: Responder, users: int, per_user: int, seed: int
) -> dict[int, list[tuple[str, str]]]:
    """(message, expected reply text) per user, from the library's own examples, with the
    follow-up memory each user would have. Safety answers are left out: they are two messages."""
    examples = sorted({e for i in responder.library.intents.values() for e in i.examples})
    rng = random.Random(seed)
    plan: dict[int, list[tuple[str, str]]] = {}
    for user in range(1, users + 1):
        last: str | None = None
        messages: list[tuple[str, str]] = []
        while len(messages) < per_user:
            text = rng.choice(examples)
            reply = responder.reply(text, last)
            if reply.is_safety:
                continue
            messages.append((text, reply.text))
            if reply.intent:
                last = reply.intent
        plan[user] = messages
    return plan


async def user_loop(
    fake: FakeBotApi,
    chat_id: int,
    messages: list[tuple[str, str]],
    latencies: list[float],
    wrong: list[str],
) -> None:
    for text, expected in messages:
        sent_at = time.monotonic()
        [reply] = await fake.send_text(chat_id, text, timeout=120)
        latencies.append(reply.at - sent_at)
        if reply.text != expected:
            wrong.append(f"chat {chat_id}: {text!r}")


async def bench(args: argparse.Namespace) -> int:
    library = load_library(INTENTS).library
    assert library is not None
    responder = Responder(library)
    per_user = args.messages // args.users
    plan = conversations(responder, args.users, per_user + 1, args.seed)
    warm = {user: messages[:1] for user, messages in plan.items()}
    timed = {user: messages[1:] for user, messages in plan.items()}

    fake = FakeBotApi()
    fake.delay = args.api_delay / 1000
    await fake.start()
    env = dict(os.environ, **fake.bot_settings(str(INTENTS)))
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--child",
        "--concurrency",
        str(args.concurrency),
        env=env,
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
    )
    try:
        await fake.wait_for(lambda: fake.polling, 120, "the bot to start")
        junk: list[float] = []
        wrong: list[str] = []
        await asyncio.gather(*(user_loop(fake, u, m, junk, wrong) for u, m in warm.items()))
        latencies: list[float] = []
        cpu_before = _cpu_self(), _cpu_of(child.pid)
        start = time.monotonic()
        await asyncio.gather(*(user_loop(fake, u, m, latencies, wrong) for u, m in timed.items()))
        elapsed = time.monotonic() - start
        cpu_fake, cpu_bot = _cpu_self() - cpu_before[0], _cpu_of(child.pid) - cpu_before[1]
        # One more message each: it must be answered next, so nothing extra came before it.
        sentinel = responder.reply(SENTINEL).text
        await asyncio.gather(
            *(user_loop(fake, u, [(SENTINEL, sentinel)], junk, wrong) for u in plan)
        )
        counts = {len(fake.outputs(u)) for u in plan}
    finally:
        child.terminate()
        code = await child.wait()
        await fake.stop()

    total = len(latencies)
    actions = {a: 0 for a in Action}
    for messages in timed.values():
        for text, _ in messages:
            actions[responder.reply(text).action] += 1
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"messages: {total} from {len(plan)} users (closed loop), bot concurrency "
        f"{args.concurrency}, API delay {args.api_delay:g} ms"
    )
    print("mix: " + ", ".join(f"{a.value} {n}" for a, n in actions.items() if n))
    print(f"throughput: {total / elapsed:.0f} messages/s ({elapsed:.2f} s)")
    print(
        f"latency: p50 {quantiles[49] * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms"
    )
    print(
        f"CPU per message while timed: bot process {cpu_bot / total * 1000:.2f} ms, "
        f"fake API and users {cpu_fake / total * 1000:.2f} ms "
        f"(the machine has {os.cpu_count()} cores)"
    )
    one_each = counts == {per_user + 2} and not wrong
    print(f"every message got exactly one reply, the right one: {'yes' if one_each else 'NO'}")
    for line in wrong[:10]:
        print(f"  wrong reply: {line}")
    print(f"bot process exit code after SIGTERM: {code}")
    return 0 if one_each and code == 0 else 1


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_of(pid: int) -> float:
    """CPU seconds used so far by another process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=CONCURRENT_UPDATES,
        help="updates the bot handles at once",
    )
    parser.add_argument(
        "--api-delay",
        type=float,
        default=0.0,
        metavar="MS",
        help="added to every Bot API call, as a far-away Telegram would",
    )
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_bot(args.concurrency)
        return 0
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
