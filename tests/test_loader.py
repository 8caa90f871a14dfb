"""Loader errors: each kind is reported with the file and the exact line, on real YAML files."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest
from lint_fixtures import add_safety_corpus

from bot.core.library import Problem
from bot.core.loader import LoadResult, load_library

REPO = Path(__file__).resolve().parents[1]

# A valid safety file. Its lines are referred to by number below.
SAFETY_YAML = """\
version: 1
topic: Safety
intents:
  - id: overdose_emergency
    title: Overdose now
    safety: true
    examples:
      - he wont wake up
      - shes gone blue
    answer: Call 999 now.
    sources: [NHS]
    reviewed: 2026-01-01
  - id: crisis_support
    title: Crisis now
    safety: true
    examples:
      - i want to die
    answer: Call Samaritans on 116 123.
    sources: [Samaritans]
    reviewed: 2026-01-01
"""

# A valid topic file.
NALOXONE_YAML = """\
version: 1
topic: Naloxone
intents:
  - id: naloxone_get
    title: Get naloxone
    examples:
      - where can i get naloxone
      - can i get a free kit
    answer: |
      Ask at a pharmacy
      or a needle exchange.
    follow_ups: [naloxone_use]
    sources: [NHS]
    reviewed: 2026-01-01
  - id: naloxone_use
    title: Use naloxone
    examples:
      - how do i use naloxone
    answer: Spray it up the nose.
    reviewed: 2026-01-01
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def library_dir(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    """A library folder with the valid safety and naloxone files plus `files` (name -> text)."""
    write(tmp_path, "safety.yaml", SAFETY_YAML)
    write(tmp_path, "naloxone.yaml", NALOXONE_YAML)
    add_safety_corpus(tmp_path)
    for name, text in (files or {}).items():
        write(tmp_path, name, text)
    return tmp_path


def the_problem(result: LoadResult, fragment: str) -> Problem:
    """The one problem whose message contains `fragment`."""
    found = [p for p in result.problems if fragment in p.message]
    assert len(found) == 1, f"expected one problem with {fragment!r}, got {result.problems}"
    return found[0]


def where(problem: Problem) -> tuple[str, int]:
    return Path(problem.file).resolve().name, problem.line


def failed(result: LoadResult) -> bool:
    return result.library is None and not result.ok and bool(result.errors)


# ---------------------------------------------------------------------- clean libraries
def test_shipped_library_loads_clean() -> None:
    result = load_library(REPO / "intents")
    assert result.ok
    assert result.problems == []
    assert result.library is not None
    assert len(result.library.intents) >= 36
    assert result.library.lexicon.terms
    assert result.library.out_of_scope


def test_valid_library_keeps_lines_and_fields(tmp_path: Path) -> None:
    result = load_library(library_dir(tmp_path))
    assert result.ok, result.problems
    assert result.problems == []
    library = result.library
    assert library is not None
    get = library.intents["naloxone_get"]
    assert Path(get.file).name == "naloxone.yaml"
    assert get.line == 4
    assert get.example_lines == (7, 8)
    assert get.answer_line == 9
    assert get.answer == "Ask at a pharmacy\nor a needle exchange."
    assert get.follow_ups == ("naloxone_use",)
    assert get.reviewed == dt.date(2026, 1, 1)
    assert get.topic == "Naloxone"
    assert not get.safety
    assert library.intents["overdose_emergency"].safety
    assert library.intents["crisis_support"].line == 13
    assert set(library.topics) == {"Safety", "Naloxone"}
    assert [i.id for i in library.by_topic("Naloxone")] == ["naloxone_get", "naloxone_use"]


# ---------------------------------------------------------------------- YAML syntax
def test_yaml_syntax_error_colon_in_text(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topic: Naloxone
        intents:
          - id: naloxone_kit
            title: Kits: where: to get them
            examples: [x]
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert failed(result)
    problem = the_problem(result, "YAML syntax error")
    assert where(problem) == ("bad.yaml", 5)
    assert "colon" in problem.hint


def test_yaml_syntax_error_tab_indent(tmp_path: Path) -> None:
    bad = "version: 1\ntopic: X\nintents:\n\t- id: aa\n"
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert failed(result)
    assert where(the_problem(result, "YAML syntax error")) == ("bad.yaml", 4)


def test_yaml_syntax_error_bad_indent(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topic: X
        intents:
          - id: cc
            title: c
            examples:
            - x
           - y
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert where(the_problem(result, "YAML syntax error")) == ("bad.yaml", 8)


def test_yaml_unclosed_quote_points_at_the_quote(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topic: X
        intents:
          - id: bb
            title: "unclosed
            examples: [x]
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert where(the_problem(result, "YAML syntax error")) == ("bad.yaml", 5)


# ---------------------------------------------------------------------- schema problems
def test_unknown_key_says_did_you_mean(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topic: Other
        intents:
          - id: other_thing
            title: Other
            exampels:
              - something
            answer: Yes.
            reviewed: 2026-01-01
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert failed(result)
    problem = the_problem(result, "unknown key 'exampels'")
    assert where(problem) == ("bad.yaml", 6)
    assert "did you mean 'examples'" in problem.hint
    # The misspelt key also leaves 'examples' missing: reported at the intent's line.
    assert where(the_problem(result, "'examples' is missing")) == ("bad.yaml", 4)


def test_unknown_top_level_key(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topci: Other
        intents:
          - id: other_thing
            title: Other
            examples: [something]
            answer: Yes.
            reviewed: 2026-01-01
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    problem = the_problem(result, "unknown key 'topci'")
    assert where(problem) == ("bad.yaml", 2)
    assert "did you mean 'topic'" in problem.hint


def test_missing_answer(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topic: Other
        intents:
          - id: first_one
            title: First
            examples: [first thing]
            answer: Fine.
            reviewed: 2026-01-01
          - id: no_answer
            title: No answer
            examples: [second thing]
            reviewed: 2026-01-01
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert failed(result)
    problem = the_problem(result, "'answer' is missing")
    assert where(problem) == ("bad.yaml", 9)
    assert problem.message == "'answer' is missing in no_answer"  # the intent, by its id


@pytest.mark.parametrize("empty", ['""', '"   "', "|\n"])
def test_empty_answer(tmp_path: Path, empty: str) -> None:
    bad = f"""\
version: 1
topic: Other
intents:
  - id: empty_answer
    title: Empty
    examples: [something here]
    answer: {empty}
    reviewed: 2026-01-01
"""
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert failed(result)
    found = [p for p in result.problems if "answer is empty" in p.message]
    assert found, result.problems
    assert {where(p) for p in found} == {("bad.yaml", 7)}


def test_empty_answer_reported_once(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topic: Other
        intents:
          - id: empty_answer
            title: Empty
            examples: [something here]
            answer: ""
            reviewed: 2026-01-01
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert len([p for p in result.problems if "answer is empty" in p.message]) == 1


def test_wrong_type_examples_as_text(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topic: Other
        intents:
          - id: wrong_type
            title: Wrong type
            examples: "how do i use it"
            answer: Like this.
            reviewed: 2026-01-01
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert failed(result)
    problem = the_problem(result, "should be")
    assert where(problem) == ("bad.yaml", 6)
    assert problem.message == "wrong_type, examples should be a list"
    assert problem.hint == "put each one on its own line, starting with - "


def test_wrong_version(tmp_path: Path) -> None:
    bad = """\
        version: 2
        topic: Other
        intents:
          - id: some_thing
            title: Thing
            examples: [thing]
            answer: Yes.
            reviewed: 2026-01-01
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert where(the_problem(result, "version")) == ("bad.yaml", 1)


def test_bad_id(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topic: Other
        intents:
          - id: Bad-Id
            title: Thing
            examples: [thing]
            answer: Yes.
            reviewed: 2026-01-01
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    problem = the_problem(result, "is not a valid id")
    assert where(problem) == ("bad.yaml", 4)


def test_reviewed_not_a_date(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topic: Other
        intents:
          - id: some_thing
            title: Thing
            examples: [thing]
            answer: Yes.
            reviewed: last week
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    problem = the_problem(result, "'reviewed' is not a date")
    assert where(problem) == ("bad.yaml", 8)
    assert "YYYY-MM-DD" in problem.hint


def test_reviewed_impossible_quoted_date(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topic: Other
        intents:
          - id: some_thing
            title: Thing
            examples: [thing]
            answer: Yes.
            reviewed: "2026-02-30"
        """
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert failed(result)
    assert where(the_problem(result, "not a real date")) == ("bad.yaml", 8)


def test_reviewed_impossible_unquoted_date(tmp_path: Path) -> None:
    bad = """\
        version: 1
        topic: Other
        intents:
          - id: some_thing
            title: Thing
            examples: [thing]
            answer: Yes.
            reviewed: 2026-13-45
        """
    # YAML would read 2026-13-45 as a date and fail; it must be a file:line problem instead.
    result = load_library(library_dir(tmp_path, {"bad.yaml": bad}))
    assert failed(result)
    assert where(the_problem(result, "not a real date")) == ("bad.yaml", 8)


# ---------------------------------------------------------------------- cross-file checks
def test_duplicate_id_across_two_files(tmp_path: Path) -> None:
    other = """\
        version: 1
        topic: Other
        intents:
          - id: something_else
            title: Else
            examples: [something else]
            answer: Yes.
            reviewed: 2026-01-01
          - id: naloxone_get
            title: Get it again
            examples: [another way to ask]
            answer: Again.
            reviewed: 2026-01-01
        """
    # "other.yaml" sorts after "naloxone.yaml", so it holds the second use of the id.
    result = load_library(library_dir(tmp_path, {"other.yaml": other}))
    assert failed(result)
    problem = the_problem(result, "the id 'naloxone_get' is used twice")
    assert where(problem) == ("other.yaml", 9)
    assert "naloxone.yaml:4" in problem.hint


def test_follow_up_naming_no_intent(tmp_path: Path) -> None:
    other = """\
        version: 1
        topic: Other
        intents:
          - id: something_else
            title: Else
            examples: [something else]
            answer: Yes.
            follow_ups: [naloxone_uze]
            reviewed: 2026-01-01
        """
    result = load_library(library_dir(tmp_path, {"other.yaml": other}))
    assert failed(result)
    problem = the_problem(result, "follow-up 'naloxone_uze'")
    assert where(problem) == ("other.yaml", 8)  # the follow_ups line, not the intent's
    assert "did you mean 'naloxone_use'" in problem.hint


def test_same_example_under_two_intents(tmp_path: Path) -> None:
    other = """\
        version: 1
        topic: Other
        intents:
          - id: something_else
            title: Else
            examples:
              - something else
              - "Where can I get NALOXONE?"
            answer: Yes.
            reviewed: 2026-01-01
        """
    # Written differently, but the same once normalised.
    result = load_library(library_dir(tmp_path, {"other.yaml": other}))
    assert failed(result)
    problem = the_problem(result, "is under both 'naloxone_get' and 'something_else'")
    assert where(problem) == ("other.yaml", 8)
    assert "naloxone.yaml:7" in problem.hint


def test_empty_file(tmp_path: Path) -> None:
    result = load_library(library_dir(tmp_path, {"empty.yaml": ""}))
    assert failed(result)
    problem = the_problem(result, "the file is empty")
    assert where(problem) == ("empty.yaml", 1)
    assert "version: 1" in problem.hint


def test_file_with_only_comments_is_empty(tmp_path: Path) -> None:
    result = load_library(library_dir(tmp_path, {"notes.yaml": "# nothing here yet\n\n"}))
    assert where(the_problem(result, "the file is empty")) == ("notes.yaml", 1)


def test_lexicon_variant_under_two_words(tmp_path: Path) -> None:
    lexicon = """\
        version: 1
        terms:
          naloxone: [narcan, nyxoid]
          heroin: [gear, brown]
          needles:
            - pins
            - Narcan
        """
    result = load_library(library_dir(tmp_path, {"lexicon.yaml": lexicon}))
    assert failed(result)
    problem = the_problem(result, "is listed under both 'naloxone' and 'needles'")
    assert where(problem) == ("lexicon.yaml", 7)


def test_lexicon_is_applied_when_valid(tmp_path: Path) -> None:
    lexicon = """\
        version: 1
        terms:
          naloxone: [narcan, nyxoid]
          needle exchange: [nsp]
        """
    result = load_library(library_dir(tmp_path, {"lexicon.yaml": lexicon}))
    assert result.ok, result.problems
    assert result.library is not None
    apply = result.library.lexicon.apply
    assert apply(["where", "is", "the", "nsp"]) == ["where", "is", "the", "needle", "exchange"]
    assert apply(["nyxoid"]) == ["naloxone"]


def test_duplicate_key_in_an_intent(tmp_path: Path) -> None:
    other = """\
        version: 1
        topic: Other
        intents:
          - id: something_else
            title: Else
            examples: [something else]
            answer: Yes.
            reviewed: 2026-01-01
            title: Else again
        """
    result = load_library(library_dir(tmp_path, {"other.yaml": other}))
    assert failed(result)
    problem = the_problem(result, "the key 'title' appears twice")
    assert where(problem) == ("other.yaml", 9)


def test_duplicate_key_in_the_lexicon(tmp_path: Path) -> None:
    lexicon = """\
        version: 1
        terms:
          naloxone: [narcan]
          heroin: [gear]
          naloxone: [nyxoid]
        """
    result = load_library(library_dir(tmp_path, {"lexicon.yaml": lexicon}))
    assert failed(result)
    assert where(the_problem(result, "the key 'naloxone' appears twice")) == ("lexicon.yaml", 5)


def test_safety_true_on_a_non_safety_intent(tmp_path: Path) -> None:
    other = """\
        version: 1
        topic: Other
        intents:
          - id: something_else
            title: Else
            examples: [something else]
            answer: Yes.
            reviewed: 2026-01-01
            safety: true
        """
    result = load_library(library_dir(tmp_path, {"other.yaml": other}))
    assert failed(result)
    problem = the_problem(result, "'something_else' is marked safety: true")
    assert where(problem) == ("other.yaml", 4)
    assert "overdose_emergency" in problem.hint


def test_safety_intent_without_safety_flag(tmp_path: Path) -> None:
    write(tmp_path, "safety.yaml", SAFETY_YAML.replace("    safety: true\n", "", 1))
    write(tmp_path, "naloxone.yaml", NALOXONE_YAML)
    result = load_library(tmp_path)
    assert failed(result)
    assert where(the_problem(result, "must have 'safety: true'")) == ("safety.yaml", 4)


def _without_crisis(tmp_path: Path) -> Path:
    crisis_at = SAFETY_YAML.index("  - id: crisis_support")
    write(tmp_path, "safety.yaml", SAFETY_YAML[:crisis_at])
    write(tmp_path, "naloxone.yaml", NALOXONE_YAML)
    return tmp_path


def test_missing_safety_intent(tmp_path: Path) -> None:
    result = load_library(_without_crisis(tmp_path))
    assert failed(result)
    problem = the_problem(result, "the safety intent 'crisis_support' is missing")
    assert problem.line == 1


def test_missing_safety_intent_names_the_folder(tmp_path: Path) -> None:
    result = load_library(_without_crisis(tmp_path))
    problem = the_problem(result, "the safety intent 'crisis_support' is missing")
    assert Path(problem.file).resolve() == tmp_path.resolve()


# ---------------------------------------------------------------------- whole-folder problems
def test_every_problem_is_collected_in_one_pass(tmp_path: Path) -> None:
    broken = """\
        version: 1
        topic: Other
        intents:
          - id: something_else
            title: Else
            exampels: [something else]
            answer: Yes.
            reviewed: 2026-01-01
        """
    result = load_library(
        library_dir(tmp_path, {"broken.yaml": broken, "empty.yaml": "", "syntax.yaml": "a: b: c\n"})
    )
    assert failed(result)
    files = {where(p)[0] for p in result.errors}
    assert {"broken.yaml", "empty.yaml", "syntax.yaml"} <= files


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    library_dir(tmp_path)
    (tmp_path / "latin.yaml").write_bytes("version: 1\ntopic: Caf\xe9\n".encode("latin-1"))
    result = load_library(tmp_path)
    assert failed(result)
    problem = the_problem(result, "cannot read the file")
    assert where(problem) == ("latin.yaml", 1)
    assert "UTF-8" in problem.hint


def test_no_such_folder(tmp_path: Path) -> None:
    result = load_library(tmp_path / "missing")
    assert failed(result)
    assert the_problem(result, "no such folder").file == str(tmp_path / "missing")


def test_folder_without_intent_files(tmp_path: Path) -> None:
    result = load_library(tmp_path)
    assert failed(result)
    the_problem(result, "no intent files found")


def test_problem_reads_as_file_line_message_hint() -> None:
    problem = Problem("intents/a.yaml", 12, "the file is empty", "start it with 'version: 1'")
    assert str(problem) == (
        "intents/a.yaml:12: error: the file is empty (hint: start it with 'version: 1')"
    )


def test_topics_follow_their_order_then_file_order(tmp_path: Path) -> None:
    write(tmp_path, "a_safety.yaml", SAFETY_YAML.replace("topic:", "order: 50\ntopic:"))
    write(tmp_path, "b_naloxone.yaml", NALOXONE_YAML.replace("topic:", "order: 10\ntopic:"))
    chat = NALOXONE_YAML.replace("topic: Naloxone", "topic: Chat").replace("naloxone", "chat")
    chat = chat.replace("can i get a free kit", "can we talk")
    write(tmp_path, "c_chat.yaml", chat)
    add_safety_corpus(tmp_path)
    result = load_library(tmp_path)
    assert result.ok, result.problems
    assert result.library is not None
    assert result.library.topics == ("Naloxone", "Safety", "Chat")  # no order: 100, last


# ---------------------------------------------------------------------- safety corpus
CORPUS_YAML = """\
version: 1
safety_corpus:
  - kind: friend_reporting
    safety: overdose_emergency
    examples:
      - hes gone grey and wont answer me
  - kind: questions
    safety: not_sure
    examples:
      - what does an overdose look like
"""


def test_a_missing_safety_corpus_is_refused_with_a_hint(tmp_path: Path) -> None:
    library_dir(tmp_path)
    shutil.rmtree(tmp_path / "safety_corpus")
    result = load_library(tmp_path)
    assert result.library is None
    problem = the_problem(result, "safety corpus is too small")
    assert problem.file.endswith("safety_corpus") and problem.line == 1
    assert "0 emergency or crisis messages and 0 near-misses" in problem.message
    assert "at least 200" in problem.hint


def test_a_bad_corpus_file_points_at_its_line(tmp_path: Path) -> None:
    library_dir(tmp_path)
    write(tmp_path / "safety_corpus", "mine.yaml", CORPUS_YAML)
    result = load_library(tmp_path)
    assert result.library is None
    problem = the_problem(result, "questions, safety cannot be 'not_sure'")
    assert problem.file.endswith("mine.yaml") and problem.line == 8
    assert problem.hint == "use one of: overdose_emergency, crisis_support, none"


def test_the_corpus_is_loaded_with_labels_kinds_and_lines(tmp_path: Path) -> None:
    library_dir(tmp_path)
    write(tmp_path / "safety_corpus", "mine.yaml", CORPUS_YAML.replace("not_sure", "none"))
    result = load_library(tmp_path)
    assert result.library is not None, result.problems
    mine = [e for e in result.library.safety_corpus if e.file.endswith("mine.yaml")]
    assert [(e.text, e.label, e.kind, e.line) for e in mine] == [
        ("hes gone grey and wont answer me", "overdose_emergency", "friend_reporting", 6),
        ("what does an overdose look like", "none", "questions", 10),
    ]
