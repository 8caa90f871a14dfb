"""Stigmatising words: whole words and their forms, severities, hints, lines, allowed quotes."""

from __future__ import annotations

import re
from pathlib import Path

from lint_fixtures import SHIPPED, STAFF, intent_block, write_library

from bot.content.lint import LintOptions, lint_library
from bot.content.terms import load_terms

QUICK = LintOptions(confusion=False, corpus=False)
FLAGGED = re.compile(r"'(.+?)' in the (?:answer|title)")


def _flagged(found: list[str]) -> list[str]:
    return sorted(m[1] for p in found if (m := FLAGGED.search(p)))


def _problems(tmp_path: Path, answer: str, extra: str = "", title: str = "A topic") -> list[str]:
    directory = write_library(tmp_path, intent_block("words", answer, extra=extra, title=title))
    return [str(p) for p in lint_library(directory, QUICK).problems]


def test_the_word_lists_load_without_problems() -> None:
    # What the staff's list holds is theirs to change; the tests' own list (STAFF) is what the
    # tests below count on.
    for folder in (SHIPPED / "staff", STAFF):
        assert load_terms(folder / "terms.yaml")[1] == [], folder
    severities = {t.term: t.severity for t in load_terms(STAFF / "terms.yaml")[0].terms}
    assert severities["junkie"] == "error" and severities["relapse"] == "warning"


def test_an_always_flag_term_is_an_error_on_its_line_with_the_preferred_wording(
    tmp_path: Path,
) -> None:
    found = _problems(tmp_path, "You are welcome here.\nNo one will call you a junkie.\n")
    assert len(found) == 1
    assert "things.yaml:10: error: 'junkie' in the answer of 'words'" in found[0]
    assert "person who uses drugs" in found[0]


def test_plurals_possessives_and_listed_forms_fire(tmp_path: Path) -> None:
    found = _problems(
        tmp_path,
        "Services help abusers.\nAn addict's rights matter.\nIt is not a drug habit.\n"
        "Some people say junky.\n",
    )
    assert _flagged(found) == ["abusers", "addict's", "habit", "junky"]


def test_a_longer_word_that_contains_a_term_does_not_fire(tmp_path: Path) -> None:
    answer = (
        "The cleaner at the hostel can help.\nNaloxone is not addictive.\n"
        "Domestic abuse is never your fault.\nTelegram users can delete a chat.\n"
    )
    assert _problems(tmp_path, answer) == []


def test_clean_fires_in_any_case_and_dirty_needles_too(tmp_path: Path) -> None:
    found = _problems(tmp_path, "Use Clean needles.\nNever reuse dirty works.\n")
    assert [p.split(": ")[1] for p in found] == ["error", "error"]
    assert "new or sterile" in found[0]


def test_a_context_dependent_term_is_a_warning(tmp_path: Path) -> None:
    found = _problems(tmp_path, "A relapse is not a failure.\n")
    assert len(found) == 1
    assert ": warning: 'relapse'" in found[0]


def test_multi_word_terms_match_across_hyphens_and_spaces(tmp_path: Path) -> None:
    found = _problems(tmp_path, "Staff should not call anyone drug-seeking or non compliant.\n")
    assert _flagged(found) == ["drug-seeking", "non compliant"]


def test_titles_are_checked_too(tmp_path: Path) -> None:
    found = _problems(tmp_path, "Here is some help.\n", title="Help for an addict")
    assert len(found) == 1
    assert "in the title of 'words'" in found[0]
    assert "things.yaml:5:" in found[0]


def test_a_quoted_term_is_allowed_on_purpose_with_a_lint_allow_comment(tmp_path: Path) -> None:
    answer = 'Some people say "clean" when they mean they have stopped using.\n'
    assert _problems(tmp_path, answer, extra="# lint-allow: clean") == []


def test_the_allow_comment_may_also_end_the_answer_line(tmp_path: Path) -> None:
    directory = write_library(tmp_path, intent_block("words", "People say ‘clean’.\n"))
    things = directory / "things.yaml"
    things.write_text(things.read_text().replace("answer: |", "answer: |  # lint-allow: clean"))
    assert lint_library(directory, QUICK).problems == []


def test_an_allowed_term_still_fires_where_it_is_not_quoted(tmp_path: Path) -> None:
    answer = 'Some people say "clean".\nUse clean needles.\n'
    found = _problems(tmp_path, answer, extra="# lint-allow: clean")
    assert len(found) == 1
    assert "things.yaml:11: error: 'clean'" in found[0]  # the second line of the answer
    assert "only inside quotation marks" in found[0]


def test_a_quoted_term_without_the_comment_fires_and_says_how_to_allow_it(
    tmp_path: Path,
) -> None:
    found = _problems(tmp_path, 'Some people say "clean".\n')
    assert len(found) == 1
    assert "add '# lint-allow: clean' above 'answer:'" in found[0]


def test_staff_can_add_a_term(tmp_path: Path) -> None:
    directory = write_library(tmp_path, intent_block("words", "Nobody is a lost cause.\n"))
    terms = directory / "staff" / "terms.yaml"
    terms.write_text(
        terms.read_text()
        + "  - term: lost cause\n    severity: error\n    say_instead: someone who needs support\n"
    )
    found = [str(p) for p in lint_library(directory, QUICK).problems]
    assert len(found) == 1
    assert "'lost cause'" in found[0] and "someone who needs support" in found[0]


def test_a_broken_entry_in_the_word_list_is_reported_with_its_line(tmp_path: Path) -> None:
    directory = write_library(tmp_path, intent_block("words", "Hello.\n"))
    terms = directory / "staff" / "terms.yaml"
    terms.write_text("version: 1\nterms:\n  - term: junkie\n    severity: always\n")
    found = [str(p) for p in lint_library(directory, QUICK).problems]
    assert any("terms.yaml:3: error: 'say_instead' is missing" in p for p in found)
    assert any("terms.yaml:3: error: 'severity' must be error or warning" in p for p in found)


def test_a_missing_word_list_is_a_warning_not_silence(tmp_path: Path) -> None:
    directory = write_library(tmp_path, intent_block("words", "Hello.\n"), staff=False)
    found = [str(p) for p in lint_library(directory, QUICK).problems]
    assert any("terms.yaml:1: warning: no list of stigmatising words" in p for p in found)
