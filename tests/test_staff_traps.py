"""One slip in a staff edit gives one error, at its line, saying what to do (issue 14, part 5).

Every test writes real YAML files into a temporary intents folder and loads it as `hrbot check`
does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lint_fixtures import TODAY, write_library

from bot.cli.main import main
from bot.core.library import Problem
from bot.core.loader import load_library

NALOXONE = f"""\
version: 1
topic: Naloxone
intents:
  - id: naloxone_what
    title: What is naloxone?
    examples:
      - what is naloxone
      - what does narcan do
    answer: |
      Naloxone can reverse an opioid overdose for a while.
    follow_ups: [naloxone_get]
    reviewed: {TODAY}
  - id: naloxone_get
    title: Where can I get naloxone?
    examples:
      - where can i get naloxone
      - how do i get a kit
      - can my mum get one
    answer: |
      Kits are free from drug services and needle exchanges.
    follow_ups:
      - naloxone_what
    reviewed: {TODAY}
"""
EXAMPLE_LINE = 18  # "- can my mum get one": naloxone_get, example 3
# Another file whose follow-ups name the naloxone intents.
OTHER = f"""\
version: 1
topic: Other
intents:
  - id: using_alone
    title: Using alone
    examples:
      - i use on my own
    answer: |
      Have naloxone near you.
    follow_ups: [naloxone_get, naloxone_what]
    reviewed: {TODAY}
  - id: overdose_signs
    title: Signs of an overdose
    examples:
      - what does an overdose look like
    answer: |
      Blue lips and slow breathing.
    follow_ups:
      - naloxone_get
      - naloxone_what
    reviewed: {TODAY}
"""


def library(tmp_path: Path, naloxone: str = NALOXONE, other: str = OTHER) -> Path:
    directory = write_library(tmp_path)
    (directory / "naloxone.yaml").write_text(naloxone, encoding="utf-8")
    (directory / "other.yaml").write_text(other, encoding="utf-8")
    return directory


def errors(directory: Path) -> list[Problem]:
    result = load_library(directory)
    assert result.library is None or not result.errors
    return result.errors


def with_example(written: str) -> str:
    lines = NALOXONE.splitlines(keepends=True)
    assert lines[EXAMPLE_LINE - 1] == "      - can my mum get one\n"
    lines[EXAMPLE_LINE - 1] = f"      - {written}\n"
    return "".join(lines)


def test_the_files_load_as_they_are(tmp_path: Path) -> None:
    assert errors(library(tmp_path)) == []


# ---------------------------------------------------------------------- (a) YAML types
@pytest.mark.parametrize(
    ("written", "read_as", "quoted"),
    [
        ("no", "yes or no (true or false)", '"no"'),
        ("Yes", "yes or no (true or false)", '"Yes"'),
        ("999", "a number", '"999"'),
        ("0.5", "a number", '"0.5"'),
        (
            "where: can i get it",
            "a key and a value (because of the colon)",
            '"where: can i get it"',
        ),
        ("[free, kit]", "a list", '"[free, kit]"'),
        ('said: "get a kit"', "a key and a value (because of the colon)", "'said: \"get a kit\"'"),
    ],
)
def test_an_example_yaml_reads_as_something_else_is_one_error_saying_put_it_in_quotes(
    tmp_path: Path, written: str, read_as: str, quoted: str
) -> None:
    # Every other file names naloxone_get too: nothing is said about them.
    [problem] = errors(library(tmp_path, with_example(written)))
    assert problem.file.endswith("naloxone.yaml") and problem.line == EXAMPLE_LINE
    assert problem.message == f"naloxone_get, example 3: YAML read this as {read_as}, not text"
    assert problem.hint == f"put it in quotes, like - {quoted}"


def test_a_title_yaml_reads_as_a_number_names_the_field(tmp_path: Path) -> None:
    naloxone = NALOXONE.replace("title: What is naloxone?", "title: 999")
    [problem] = errors(library(tmp_path, naloxone))
    assert (problem.line, problem.message) == (
        5,
        "naloxone_what, title: YAML read this as a number, not text",
    )
    assert problem.hint == 'put it in quotes, like title: "999"'


def test_an_empty_example_says_so(tmp_path: Path) -> None:
    [problem] = errors(library(tmp_path, with_example("")))
    assert (problem.line, problem.message) == (EXAMPLE_LINE, "naloxone_get, example 3 is empty")
    assert problem.hint == "write the text, or remove the line"


def test_hrbot_check_prints_the_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = library(tmp_path, with_example("999"))
    assert main(["check", str(directory)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{directory / 'naloxone.yaml'}:{EXAMPLE_LINE}: error: naloxone_get, example 3: YAML read "
        'this as a number, not text (hint: put it in quotes, like - "999")',
        f"1 error(s) in {directory}",
    ]


# ---------------------------------------------------------------------- (b) a refused file
def test_a_file_yaml_cannot_read_sets_off_no_errors_in_other_files(tmp_path: Path) -> None:
    broken = NALOXONE.replace(
        "    title: Where can I get naloxone?", "  title: Where can I get naloxone?"
    )
    [problem] = errors(library(tmp_path, broken))
    assert problem.file.endswith("naloxone.yaml") and "YAML syntax error" in problem.message


def test_a_refused_safety_file_is_not_also_a_missing_safety_intent(tmp_path: Path) -> None:
    directory = library(tmp_path)
    safety = directory / "safety.yaml"
    safety.write_text(
        safety.read_text().replace("Call 999 now.", "Call 999: now"), encoding="utf-8"
    )
    text = safety.read_text().replace("- she took too much and wont wake up", "- 999")
    safety.write_text(text, encoding="utf-8")
    [problem] = errors(directory)
    assert problem.file.endswith("safety.yaml")
    assert problem.message == "overdose_emergency, example 3: YAML read this as a number, not text"


def test_a_real_typo_elsewhere_is_still_reported_while_a_file_is_refused(tmp_path: Path) -> None:
    other = OTHER.replace(
        "follow_ups: [naloxone_get, naloxone_what]", "follow_ups: [naloxone_gett]"
    )
    found = errors(library(tmp_path, with_example("999"), other))
    assert [(Path(p.file).name, p.line) for p in found] == [
        ("naloxone.yaml", EXAMPLE_LINE),
        ("other.yaml", 10),
    ]
    # The refused file's ids are still offered for a misspelt one.
    assert found[1].hint == "did you mean 'naloxone_get'?"


# ---------------------------------------------------------------------- (c) follow-up typos
def test_a_follow_up_typo_is_at_its_line_with_did_you_mean(tmp_path: Path) -> None:
    other = OTHER.replace(
        "      - naloxone_what\n    reviewed", "      - nalaxone_what\n    reviewed"
    )
    [problem] = errors(library(tmp_path, other=other))
    assert problem.file.endswith("other.yaml")
    assert problem.line == 20  # its own line in a block list, not the intent's line (12)
    assert problem.message == "follow-up 'nalaxone_what' of 'overdose_signs' names no intent"
    assert problem.hint == "did you mean 'naloxone_what'?"


def test_a_follow_up_typo_in_a_flow_list_is_at_the_follow_ups_line(tmp_path: Path) -> None:
    naloxone = NALOXONE.replace("follow_ups: [naloxone_get]", "follow_ups: [naloxone_gte]")
    [problem] = errors(library(tmp_path, naloxone))
    assert (problem.line, problem.hint) == (11, "did you mean 'naloxone_get'?")
