"""The `hrbot` command. Only this module prints for the user or picks exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..core.decide import Action
from ..core.library import Problem
from ..core.loader import LoadResult, load_library
from ..core.personalise import ServiceInfo, personalise
from ..core.responder import Reply, Responder
from ..evaluation.evaluate import misses_as_json, read_cases, run
from ..services.answers import load_configured, local_services_text, place_answer
from ..services.model import Directory
from .args import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_dir, fill_paths
from .health import register as register_health
from .lint import register as register_lint
from .report import register as register_report

if TYPE_CHECKING:
    from ..core.settings import Settings


def _print_problems(problems: Sequence[Problem], out: TextIO | None = None) -> None:
    # sys.stderr is looked up at each call, not bound once at import, so that main() run in
    # the tests' process (with its output captured) prints where a person would see it.
    for problem in problems:
        print(problem, file=out or sys.stderr)


def _load_or_explain(directory: Path) -> LoadResult:
    result = load_library(directory)
    if not result.ok:
        _print_problems(result.problems)
        errors = len(result.errors)
        print(f"The library in {directory} has {errors} error(s): fix them first.", file=sys.stderr)
    return result


def _responder(directory: Path) -> Responder | None:
    result = _load_or_explain(directory)
    return Responder(result.library, model_cache=_model_cache()) if result.library else None


def _model_cache() -> Path | None:
    """Where trained models are kept (MODEL_CACHE_DIR), or None: off, or settings unreadable."""
    from pydantic import ValidationError

    from ..core.settings import Settings

    try:
        return Settings().models
    except ValidationError:  # `hrbot run` and `hrbot health` explain bad settings; here, train
        return None


# ---------------------------------------------------------------------- check
def cmd_check(args: argparse.Namespace) -> int:
    from ..services.answers import check_services

    result = load_library(args.dir)
    _print_problems(result.problems, sys.stdout)
    services = check_services(args.services, result.library)
    _print_problems(services.problems, sys.stdout)
    if services.summary:
        print(services.summary)
    if not result.ok:
        print(f"{len(result.errors)} error(s) in {args.dir}")
        return EXIT_PROBLEMS
    library = result.library
    assert library is not None
    print(
        f"OK: {len(library.intents)} intents, {library.example_count} examples, "
        f"{len(library.lexicon.terms)} lexicon entries in {args.dir}"
    )
    return EXIT_PROBLEMS if services.errors else EXIT_OK


# ---------------------------------------------------------------------- chat
def _show(reply: Reply, responder: Responder, debug: bool, out: TextIO) -> None:
    print(f"bot> {reply.text}", file=out)
    for number, button in enumerate(reply.buttons, 1):
        print(f"  [{number}] {button.label}", file=out)
    if reply.show_topics:
        print(f"  topics: {', '.join(responder.library.topics)}", file=out)
    if debug and reply.decision:
        d = reply.decision
        ranked = ", ".join(f"{c.intent} {c.score:.2f}" for c in reply.candidates[:4])
        print(
            f"  (debug: {d.action.value} {d.intent or '-'} {d.score:.2f} [{d.reason}]; {ranked})",
            file=out,
        )


def chat(
    responder: Responder,
    debug: bool,
    stdin: TextIO,
    out: TextIO,
    directory: Directory | None = None,
    service: ServiceInfo | None = None,
) -> None:
    """The terminal chat. With a local services `directory`, answers about where to go list the
    local services, and a message that is only a place gets the nearest ones, as in Telegram.
    `service` (from the settings) says who runs the bot and what it keeps, as in Telegram."""
    service = service or ServiceInfo()
    print("Type a question (Ctrl+D or 'quit' to stop). A number presses a button.", file=out)
    context: str | None = None
    buttons: tuple[str, ...] = ()
    library = responder.library
    while True:
        print("you> ", end="", file=out, flush=True)
        line = stdin.readline()
        if not line or line.strip().lower() in {"quit", "exit"}:
            print(file=out)
            return
        text = line.rstrip("\r\n")
        nearest = place_answer(text, directory, context, library=library)
        if nearest:
            print(f"bot> {nearest}", file=out)
            continue
        if text.strip().isdigit() and 0 < int(text) <= len(buttons):
            reply = responder.answer(buttons[int(text) - 1])
        else:
            reply = responder.reply(text, context)
        reply = personalise(reply, service)
        if reply.intent:
            context = reply.intent
        buttons = tuple(b.intent for b in reply.buttons)
        _show(reply, responder, debug, out)
        local = local_services_text(reply, directory, library=library, text=text)
        if local:
            print(f"bot> {local}", file=out)


def _directory(settings: Settings) -> Directory | None:
    """The local services directory from SERVICES_FILE, if one is set and has no errors."""
    result = load_configured(settings.services_file)
    if result is not None and not result.ok:
        _print_problems(result.problems)
        print("The local services file has errors, so answers are national only.", file=sys.stderr)
    return result.directory if result is not None and result.ok else None


def _terminal_chat(responder: Responder, debug: bool, settings: Settings) -> None:
    chat(
        responder,
        debug,
        sys.stdin,
        sys.stdout,
        _directory(settings),
        ServiceInfo.from_settings(settings),
    )


def cmd_chat(args: argparse.Namespace) -> int:
    responder = _responder(args.dir)
    if responder is None:
        return EXIT_PROBLEMS
    from ..core.settings import Settings

    _terminal_chat(responder, args.debug, Settings())
    return EXIT_OK


# ---------------------------------------------------------------------- match
def cmd_match(args: argparse.Namespace) -> int:
    if not args.jsonl:
        print(
            "hrbot match: only --jsonl is supported (one message per line on stdin)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    responder = _responder(args.dir)
    if responder is None:
        return EXIT_PROBLEMS
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        decision, candidates = responder.understand(text)
        answered = decision.action in (Action.ANSWER, Action.SAFETY)
        record = {
            "text": text,
            "intent": responder.counts_as(decision),
            "answer": decision.intent if answered else None,
            "score": round(decision.score, 4),
            "action": decision.action.value,
            "safety": decision.intent
            if decision.action is Action.SAFETY
            else ("check" if decision.check else None),
            "candidates": [
                {"intent": c.intent, "score": c.score}
                for c in candidates
                if not c.intent.startswith("_")
            ],
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return EXIT_OK


# ---------------------------------------------------------------------- eval
def cmd_eval(args: argparse.Namespace) -> int:
    responder = _responder(args.dir)
    if responder is None:
        return EXIT_PROBLEMS
    cases, problems = read_cases(args.file, set(responder.library.intents))
    if problems:
        _print_problems(problems)
        return EXIT_PROBLEMS
    report = run(responder, cases)
    print(f"cases: {len(cases)}")
    print(
        f"accuracy: {report.accuracy:.1%} (safety cases count twice; "
        f"plain {report.plain_accuracy:.1%})"
    )
    print(
        f"answered: {report.rate(Action.ANSWER) + report.rate(Action.SAFETY):.1%}  "
        f"clarified: {report.rate(Action.CLARIFY):.1%}  fallback: "
        f"{report.rate(Action.FALLBACK):.1%} (right for {report.fallback_precision:.1%} of them)"
    )
    print("per-intent recall:")
    for label, (right, total) in report.recall.items():
        print(f"  {label:32} {right:3}/{total:<3} {right / total:6.1%}")
    if report.confusions:
        print("confusions (expected -> got):")
        for (expected, got), n in report.confusions.most_common(args.confusions):
            print(f"  {n:3}  {expected} -> {got}")
    n_safety, n_other = len(report.safety_cases), len(report.other_cases)
    print(
        f"safety recall: {report.safety_recall:.1%} of {n_safety} emergencies and crises got "
        f"the emergency or crisis answer; reach (that or the safety check): "
        f"{report.safety_reach:.1%}"
    )
    false_alarm_rate = len(report.safety_false_alarms) / n_other if n_other else 0.0
    print(
        f"false alarms: {false_alarm_rate:.1%} of {n_other} other messages; "
        f"safety check on {report.check_rate:.1%} of them"
    )
    print(f"safety misses: {len(report.safety_misses)}")
    for o in report.safety_misses:
        print(f"  line {o.case.line}: expected {o.case.intent}, got {o.predicted}")
    print(f"safety false alarms: {len(report.safety_false_alarms)}")
    for o in report.safety_false_alarms:
        print(f"  line {o.case.line}: expected {o.case.intent}, got {o.predicted}")
    print(f"the other safety answer (found, counted in recall): {len(report.safety_swaps)}")
    for o in report.safety_swaps:
        print(f"  line {o.case.line}: expected {o.case.intent}, got {o.predicted}")
    if args.misses:
        args.misses.write_text(json.dumps(misses_as_json(report), indent=2, ensure_ascii=False))
        print(f"misses written to {args.misses}")
    if args.sweep or args.html:
        from .eval import sweep_and_html

        sweep_and_html(args, responder, cases, report)
    if args.min_accuracy is not None and report.accuracy < args.min_accuracy:
        print(f"FAIL: accuracy {report.accuracy:.1%} is below {args.min_accuracy:.1%}")
        return EXIT_PROBLEMS
    return EXIT_OK


# ---------------------------------------------------------------------- run
def cmd_run(args: argparse.Namespace) -> int:
    from ..core.settings import Settings

    settings = Settings()
    directory: Path = args.dir
    if not settings.token:
        print(
            "No TELEGRAM_BOT_TOKEN set, so here is the terminal chat. To connect Telegram, "
            "put your token from @BotFather in .env (see .env.example)."
        )
        responder = _responder(directory)
        if responder is None:
            return EXIT_PROBLEMS
        _terminal_chat(responder, False, settings)
        return EXIT_OK
    from ..telegram.app import run_bot

    library = _load_or_explain(directory).library
    if library is None:
        return EXIT_PROBLEMS
    return run_bot(settings, directory, library)


def _fraction(text: str) -> float:
    value = float(text.rstrip("%"))
    return value / 100 if text.endswith("%") or value > 1 else value


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hrbot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hrbot", description="A harm-reduction chatbot for UK drug and alcohol services."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help_: str, with_dir: bool = True
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        if with_dir:
            add_dir(p)
        p.set_defaults(func=func)
        return p

    p = sub.add_parser("check", help="check the intent library for mistakes")
    add_dir(p, positional=True)
    p.add_argument(
        "--services",
        type=Path,
        help="also check this local services file (default: SERVICES_FILE, if set)",
    )
    p.set_defaults(func=cmd_check)

    p = add("chat", cmd_chat, "talk to the bot in the terminal")
    p.add_argument("--debug", action="store_true", help="show intent, score and runners-up")

    p = add("match", cmd_match, "match messages from stdin, one JSON object per line out")
    p.add_argument("--jsonl", action="store_true", help="JSON lines in and out (required)")

    p = add("eval", cmd_eval, "measure the library on a labelled set of messages")
    p.add_argument("file", type=Path, help="evaluation set (YAML list of text/intent)")
    p.add_argument("--misses", type=Path, help="write the misses to this JSON file")
    p.add_argument("--min-accuracy", type=_fraction, help="fail below this (0.92 or 92%%)")
    p.add_argument("--confusions", type=int, default=20, help="how many confusions to list")
    p.add_argument("--sweep", action="store_true", help="also measure at a range of thresholds")
    p.add_argument("--html", type=Path, metavar="FILE", help="also write a one-page HTML report")

    add("run", cmd_run, "start the bot (Telegram if a token is set, else the terminal chat)")
    for register in (register_lint, register_report, register_health):  # commands with a module
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from pydantic import ValidationError

    from ..core.settings import explain

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        wrong = fill_paths(args)
        if wrong:
            print(f"hrbot {args.command}: {wrong}", file=sys.stderr)
            return EXIT_USAGE
        return int(args.func(args))
    except ValidationError as exc:  # a setting in .env or the environment
        for line in explain(exc):
            print(line, file=sys.stderr)
        print("Fix it in .env or the environment (see .env.example).", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `hrbot check | head`: the reader left, nothing is wrong
        # Python's recipe: point stdout at devnull so the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
