"""Hostile issue bodies run to completion through `postmortem preview`'s path, with a bounded number of parses.

bench/hostile.py times the same families; here nothing is timed. What is asserted is the cause of the old
super-linear behaviour: the number of markdown-it parses per rendered document no longer grows with the
number of headings, and no cubic regular expression runs (the backtick family could not finish before).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from postmortem.action_items.table import CellEdit, read_action_items, set_cells
from postmortem.action_items.tracking import issue_title
from postmortem.config import parse_config
from postmortem.incident.form import default_form, parse_incident
from postmortem.incident.render import document_sections, render_document
from postmortem.markdown import fences
from postmortem.markdown.escaping import block, link_texts
from postmortem.markdown.fences import code_spans

SIZE = 65 * 1024


def _fill(unit: str, prefix: str = "") -> str:
    return (prefix + unit * (SIZE // len(unit) + 1))[:SIZE]


FAMILIES = {
    "backticks": _fill("`", prefix="<"),
    "brackets": _fill("["),
    "link closers": _fill("]("),
    "comments": _fill("<!--"),
    "setext =": _fill("a\n=\n"),
    "setext -": _fill("a\n-\n"),
    "atx": _fill("# h\n"),
    "quoted": _fill("> # h\n"),
    "nested quoted": _fill("> > - # h\n"),
    "html headings": _fill("<h2>x</h2>\n"),
    "unclosed fences": _fill("```\n~~~\n"),
    "emphasis": _fill("*_"),
    "cr endings": _fill("# h\r"),
    "field heading with spaces": "### Summary" + " " * SIZE + "x",
}


def _render(summary: str) -> str:
    body = f"### Title\n\nCheckout down\n\n### Summary\n\n{summary}\n\n### Root cause\n\nA migration.\n"
    incident = parse_incident(
        number=7,
        title="Checkout down",
        body=body,
        created_at=datetime(2026, 3, 14, tzinfo=UTC),
        form=default_form(),
    )
    return render_document(incident, parse_config(None))


PLAIN_SECTIONS = document_sections(_render("Plain text."))


@pytest.mark.parametrize("name", FAMILIES)
def test_every_hostile_family_renders_with_a_bounded_number_of_parses(name: str) -> None:
    before = fences.parse_count()
    document = _render(FAMILIES[name])
    parses = fences.parse_count() - before
    # The default template shows the Summary twice; each block filter call parses at most six times (two for
    # these families, none for text that holds no fence, indented line or HTML opener), whatever its size.
    assert parses <= 12, parses
    assert document_sections(document) == PLAIN_SECTIONS


@pytest.mark.parametrize("lines", [100, 1000, 10000])
def test_the_parses_of_one_block_do_not_grow_with_its_headings(lines: int) -> None:
    for unit in ("# h\n", "> # h\n", "a\n===\n", "```\n# h\n"):
        before = fences.parse_count()
        block(unit * lines)
        assert fences.parse_count() - before <= 3


def test_code_spans_of_a_backtick_flood_are_found_in_one_pass() -> None:
    assert code_spans("<" + "`" * 20000) == []  # one run: an opener without a closer is literal text
    assert code_spans("```x`` y ``z```") == [(0, 15)]  # shorter runs inside do not close it
    assert code_spans("a `b` " * 5000) == [(2 + 6 * i, 5 + 6 * i) for i in range(5000)]
    assert code_spans("`a` ``b`` `c") == [(0, 3), (4, 9)]
    assert code_spans("``a`b``") == [(0, 7)]


def test_a_bracket_flood_in_an_action_item_makes_a_title() -> None:
    text = "[" * 32000 + "](x)"
    report = read_action_items(
        f"## Action Items\n\n| # | Action | Owner |\n| --- | --- | --- |\n| 1 | {text} | @mona |\n"
    )
    assert issue_title(report.items[0]).startswith("[[[")
    assert link_texts("[" * 32000) == "[" * 32000


@pytest.mark.parametrize("rows", [250, 1000])
def test_a_large_table_is_read_and_every_issue_cell_edited(rows: int) -> None:
    lines = ["## Action Items", "", "| # | Action | Owner | Issue |", "| --- | --- | --- | --- |"]
    lines += [f"| {i} | Fix {i} | @mona |  |" for i in range(1, rows + 1)]
    document = "\n".join(lines) + "\n"
    before = fences.parse_count()
    report = read_action_items(document)
    assert fences.parse_count() - before == 1  # one parse for the whole table, not one per row
    edited = set_cells(
        document, [CellEdit(line=i.line, column="issue", value=f"#{i.number}") for i in report.items]
    )
    assert [item.issue for item in read_action_items(edited).items] == list(range(1, rows + 1))
