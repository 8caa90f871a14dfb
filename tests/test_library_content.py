"""The shipped library: required intents, sources, kind words, real numbers, and the eval gate."""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path

import pytest
from conftest import shipped_library, shipped_responder

from bot.content.governance import check_numbers
from bot.content.lint import CHECKED_NUMBERS_FILE, STAFF_DIR, TERMS_FILE
from bot.content.phone_numbers import canonical, load_checked_numbers
from bot.content.source import SourceMap
from bot.content.terms import check_language, load_terms
from bot.core.library import SAFETY_INTENTS, Intent, Library
from bot.core.normalise import normalise
from bot.evaluation.evaluate import EvalReport, Outcome, read_cases, run

REPO = Path(__file__).resolve().parents[1]


def shared_folder() -> Path:
    """../shared beside the repository; from a git worktree, the one beside its main tree."""
    beside = REPO.parent / "shared"
    dot_git = REPO / ".git"
    if beside.is_dir() or not dot_git.is_file():
        return beside
    # A worktree's .git is a file saying "gitdir: <main tree>/.git/worktrees/<name>".
    gitdir = Path(dot_git.read_text(encoding="utf-8").partition("gitdir:")[2].strip())
    return gitdir.parents[2].parent / "shared"


SHARED = shared_folder()
INTENT_ID_FILES = (SHARED / "intent-ids.md", SHARED / "intent-ids-more.md")
DEV_SET = SHARED / "eval" / "dev.yaml"
DEV_MORE_SET = SHARED / "eval" / "dev-more.yaml"
HOLDOUT_SET = REPO / "tests" / "data" / "holdout.yaml"
STAFF = REPO / "intents" / STAFF_DIR

# A copy of ../shared/intent-ids.md and intent-ids-more.md, used when they are not beside the
# repository.
REQUIRED_IDS = [
    "overdose_emergency",
    "crisis_support",
    "overdose_signs",
    "naloxone_what",
    "naloxone_get",
    "naloxone_use",
    "naloxone_safety",
    "needle_exchange_what",
    "needle_exchange_where",
    "needle_exchange_confidential",
    "equipment_disposal",
    "safer_injecting",
    "hepc_what",
    "hepc_transmission",
    "hepc_testing",
    "hepc_treatment",
    "bbv_hiv_hepb",
    "wound_care",
    "drug_mixing",
    "drug_checking",
    "safer_smoking",
    "safer_snorting",
    "using_alone",
    "drug_supply_request",
    "harm_reduction_what",
    "treatment_recovery",
    "mental_health",
    "housing_support",
    "talk_to_someone",
    "stigma_judgement",
    "greeting",
    "thanks",
    "goodbye",
    "help_menu",
    "about_bot",
    "privacy",
    # second wave
    "ghb_gbl",
    "benzos",
    "alcohol_withdrawal",
    "xylazine_tranq",
    "opioid_withdrawal",
    "tolerance_loss",
    "methadone_buprenorphine",
    "police_999",
    "drug_law",
    "drug_tests",
    "pregnancy",
    "young_people",
    "domestic_abuse",
    "chemsex",
    "mdma",
    "ketamine",
    "cocaine_crack",
    "spice",
    "consumption_rooms",
    "families_friends",
    "sleep_it_off",
]

MIN_EXAMPLES = 25
MIN_SAFETY_EXAMPLES = 40


def ids_in(path: Path) -> list[str]:
    found = re.findall(
        r"^\|\s*([a-z][a-z0-9_]+)\s*\|", path.read_text(encoding="utf-8"), re.MULTILINE
    )
    ids = [i for i in found if i != "id"]
    assert ids, f"{path.name} no longer reads as a table"
    return ids


def required_ids() -> list[str]:
    if all(path.exists() for path in INTENT_ID_FILES):
        ids = [i for path in INTENT_ID_FILES for i in ids_in(path)]
        assert len(ids) >= len(REQUIRED_IDS), "the id files list fewer ids than the copy here"
        return ids
    return REQUIRED_IDS


def intents() -> list[Intent]:
    return list(shipped_library().intents.values())


def where(intent: Intent) -> str:
    return f"{intent.file}:{intent.line} ({intent.id})"


# ---------------------------------------------------------------------- what must be there
def test_every_required_intent_is_present() -> None:
    missing = sorted(set(required_ids()) - set(shipped_library().intents))
    assert missing == []
    assert set(REQUIRED_IDS) <= set(required_ids())  # the copy above is still a subset


def test_safety_intents_are_marked() -> None:
    assert {i.id for i in intents() if i.safety} == set(SAFETY_INTENTS)


def test_every_answer_has_sources_and_a_reviewed_date() -> None:
    unsourced = [where(i) for i in intents() if not i.sources or not all(map(str.strip, i.sources))]
    undated = [where(i) for i in intents() if i.reviewed is None]
    assert unsourced == []
    assert undated == []


def test_enough_examples_per_intent() -> None:
    few = [
        f"{where(i)}: {len(i.examples)}"
        for i in intents()
        if len(i.examples) < (MIN_SAFETY_EXAMPLES if i.safety else MIN_EXAMPLES)
    ]
    assert few == []


def test_follow_ups_name_real_intents_and_not_themselves() -> None:
    wrong = [
        f"{where(i)} -> {f}"
        for i in intents()
        for f in i.follow_ups
        if f not in shipped_library().intents or f == i.id
    ]
    assert wrong == []


def test_the_editor_finds_each_files_schema() -> None:
    # VS Code's YAML extension reads the first line's schema to check a file while staff type.
    files = [
        *(REPO / "intents").glob("*.yaml"),
        *(REPO / "intents" / "safety_corpus").glob("*.yaml"),
    ]
    pointed = {}
    for path in files:
        first = path.read_text(encoding="utf-8").partition("\n")[0]
        schema = first.partition("$schema=")[2]
        pointed[path.name] = schema and (path.parent / schema).resolve().is_file()
    assert files and all(pointed.values()), pointed


# ---------------------------------------------------------------------- how it is said
# The staff's own lists, read by lint's own code: a staff edit that `hrbot lint --strict` accepts
# passes here too, and no list is copied into the tests.
def test_no_stigmatising_terms_in_answers_or_titles() -> None:
    terms, problems = load_terms(STAFF / TERMS_FILE)
    found = problems + check_language(shipped_library(), SourceMap(shipped_library()), terms)
    assert [str(p) for p in found] == []


def number_problems(shipped: Library) -> list[str]:
    checked, problems = load_checked_numbers(STAFF / CHECKED_NUMBERS_FILE)
    return [str(p) for p in problems + check_numbers(shipped, SourceMap(shipped), checked)]


def test_only_checked_phone_numbers_in_answers_or_titles() -> None:
    assert number_problems(shipped_library()) == []


def test_every_number_on_the_staff_list_may_be_given_and_no_other() -> None:
    # Whatever the list holds (the copy these tests once kept lacked two of its numbers).
    checked = load_checked_numbers(STAFF / CHECKED_NUMBERS_FILE)[0]
    listed = [entry.number for entry in checked.values()]
    # From Ofcom's drama range, which no real service has.
    unlisted = next(n for i in range(1000) if canonical(n := f"0161 496 0{i:03}") not in checked)
    intents = dict(shipped_library().intents)
    talk = intents["talk_to_someone"]
    intents["talk_to_someone"] = dataclasses.replace(
        talk, answer=f"{talk.answer}\n\n" + "\n".join(f"Call {n}." for n in listed)
    )
    assert listed and number_problems(dataclasses.replace(shipped_library(), intents=intents)) == []
    intents["talk_to_someone"] = dataclasses.replace(talk, answer=f"Call {unlisted}.")
    [problem] = number_problems(dataclasses.replace(shipped_library(), intents=intents))
    assert f"gives the number {unlisted}, which is not on the list" in problem


# ---------------------------------------------------------------------- the eval gate
@cache
def report_for(path: Path) -> EvalReport:
    cases, problems = read_cases(path, set(shipped_library().intents))
    assert problems == [], [str(p) for p in problems]
    assert cases
    return run(shipped_responder(), cases)


def figures(report: EvalReport) -> str:
    return (
        f"{len(report.outcomes)} cases, accuracy {report.accuracy:.1%} "
        f"(plain {report.plain_accuracy:.1%}), safety misses {len(report.safety_misses)}, "
        f"safety false alarms {len(report.safety_false_alarms)}"
    )


def lines(outcomes: list[Outcome]) -> list[str]:
    # Line numbers and intents only: the messages themselves stay in the eval file.
    return [f"line {o.case.line}: expected {o.case.intent}, got {o.predicted}" for o in outcomes]


# The development sets and the accuracy each must keep: a little under what the library reaches
# with the learned classifier (dev.yaml 95.0%, dev-more.yaml 93.9% on 2026-11-25), so that a
# staff edit that loses a few points fails here first.
DEV_GATES = {DEV_SET: 0.93, DEV_MORE_SET: 0.90}
# False alarms the library cannot mend, listed so that a new one fails the test (none now: the
# learned safety layer overrules the cue that fired on a question about the police and 999).
KNOWN_FALSE_ALARMS: dict[Path, list[str]] = {}
dev_sets = pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path,
            id=path.stem,
            marks=pytest.mark.skipif(
                not path.exists(), reason=f"the development set {path} is not beside the repository"
            ),
        )
        for path in DEV_GATES
    ],
)


@dev_sets
def test_dev_set_accuracy(path: Path) -> None:
    report = report_for(path)
    assert report.accuracy >= DEV_GATES[path], figures(report)


@dev_sets
def test_dev_set_no_safety_misses(path: Path) -> None:
    report = report_for(path)
    assert lines(report.safety_misses) == [], figures(report)


@dev_sets
def test_dev_set_no_safety_false_alarms(path: Path) -> None:
    report = report_for(path)
    assert lines(report.safety_false_alarms) == KNOWN_FALSE_ALARMS.get(path, []), figures(report)


def test_holdout_accuracy() -> None:
    report = report_for(HOLDOUT_SET)
    assert report.accuracy >= 0.80, figures(report)


def test_holdout_no_safety_misses() -> None:
    report = report_for(HOLDOUT_SET)
    assert lines(report.safety_misses) == [], figures(report)


def test_holdout_no_safety_false_alarms() -> None:
    report = report_for(HOLDOUT_SET)
    assert lines(report.safety_false_alarms) == [], figures(report)


# ---------------------------------------------------------------------- the gate is honest
# Eval messages copied into the library no longer tell how the bot does on unseen messages
# (../shared/eval/README.md). Short ones ("hi", "thank you") may coincide; longer ones may not.
MIN_WORDS_COPIED = 4


def copied_into_library(path: Path) -> list[int]:
    examples = {normalise(e) for i in intents() for e in i.examples}
    examples |= {normalise(e) for e in shipped_library().out_of_scope}
    cases, _ = read_cases(path, set(shipped_library().intents))
    return [
        c.line
        for c in cases
        if len(normalise(c.text).split()) >= MIN_WORDS_COPIED and normalise(c.text) in examples
    ]


@dev_sets
def test_dev_messages_are_not_library_examples(path: Path) -> None:
    copied = copied_into_library(path)
    assert copied == [], f"{len(copied)} {path.name} messages are library examples (lines shown)"


def test_holdout_messages_are_not_library_examples() -> None:
    copied = copied_into_library(HOLDOUT_SET)
    assert copied == [], f"{len(copied)} held-out messages are library examples (lines shown)"
