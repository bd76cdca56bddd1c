"""Property tests of the markdown layer and of the three readers/writers built on it.

Any text an issue or pull-request author sends must: never make a reader raise (only typed errors), keep every
byte outside the edited cells, keep line endings byte for byte, and never become a structural heading or a
table-breaking pipe. Example counts stay modest so the suite stays fast; no wall-clock is asserted.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from postmortem.action_items.table import CellEdit, read_action_items, set_cells
from postmortem.config import parse_config
from postmortem.errors import PostmortemError
from postmortem.incident.form import default_form, parse_incident
from postmortem.incident.model import Incident
from postmortem.incident.render import document_sections, render_document
from postmortem.markdown import escaping
from postmortem.markdown.fences import block_tokens
from postmortem.markdown.lines import join_lines, normalize, split_lines
from postmortem.markdown.markers import marker as make_marker
from postmortem.markdown.markers import markers, read_marker
from postmortem.markdown.tables import MD_TRIM, Row, unescape_cell

# Modest by default so the suite stays fast; POSTMORTEM_EXAMPLES=2000 runs a deeper search locally.
EXAMPLES = int(os.environ.get("POSTMORTEM_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text biased towards Markdown's structural characters, so the interesting cases come up often.
MARKDOWN_ALPHABET = st.sampled_from(
    [
        *list("#=-*_`~>|\\[]()!<>/:.0123456789 \t\n\r"),
        "a",
        "b",
        "x",
        "h2",
        "<!--",
        "-->",
        "```",
        "    ",
        "\r\n",
    ]
)
markdown_text = st.lists(MARKDOWN_ALPHABET, max_size=60).map("".join)
any_text = st.one_of(markdown_text, st.text(max_size=80))
line_text = any_text.map(lambda t: t.replace("\r", " ").replace("\n", " "))
ending = st.sampled_from(["\n", "\r\n", "\r"])


# ---------------------------------------------------------------------------------------------------------------
# Lines


@SETTINGS
@given(any_text)
def test_split_lines_joins_back_byte_for_byte_and_numbers_lines_like_markdown_it(text: str) -> None:
    lines = split_lines(text)
    assert join_lines(lines) == text
    assert len(lines) == len(normalize(text).split("\n"))
    assert all(line.ending in ("\n", "\r\n", "\r", "") for line in lines)
    assert all("\n" not in line.content and "\r" not in line.content for line in lines)


# ---------------------------------------------------------------------------------------------------------------
# Escaping


def _headings(text: str) -> list[str]:
    return [t.type for t in block_tokens(text) if t.type == "heading_open"]


@settings(max_examples=5 * EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_a_block_of_user_text_never_holds_a_heading_and_never_swallows_what_follows(text: str) -> None:
    escaped = escaping.block(normalize(text).strip())
    assert _headings(escaped) == []
    after = block_tokens(f"{escaped}\n\n## next\n")
    assert [t.content for t in after if t.type == "inline"][-1:] == ["next"]


@SETTINGS
@given(any_text)
def test_an_inline_value_is_one_line_without_a_heading(text: str) -> None:
    value = escaping.inline(text)
    assert "\n" not in value and "\r" not in value
    assert _headings(f"- **Label**: {value}\n") == []


@SETTINGS
@given(st.lists(any_text, min_size=1, max_size=4))
def test_table_cells_never_break_the_row(values: list[str]) -> None:
    row = "| " + " | ".join(escaping.table_cell(value) for value in values) + " |"
    assert len(Row.parse(row).cells) == len(values)
    table = f"| {' | '.join('h' for _ in values)} |\n|{'---|' * len(values)}\n{row}\n"
    cells = [t for t in block_tokens(table) if t.type == "td_open"]
    assert len(cells) == len(values)


@SETTINGS
@given(line_text)
def test_cell_source_reads_back_as_written(value: str) -> None:
    written = escaping.cell_source(value)
    # The exact inverse: a written "\\|" (a backslash, then a pipe) reads back as "\\|", not as "|".
    assert unescape_cell(written) == value.strip().replace("\x00", "\ufffd").strip(MD_TRIM)
    assert len(Row.parse(f"|{written}|").cells) == 1


_OLD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


@SETTINGS
@given(st.lists(st.sampled_from(list("[]()!ab ")), max_size=40).map("".join))
def test_link_texts_is_the_old_regular_expression_in_one_pass(text: str) -> None:
    assert escaping.link_texts(text) == _OLD_LINK.sub(r"\1", text)


# ---------------------------------------------------------------------------------------------------------------
# Markers


@SETTINGS
@given(
    st.sampled_from(["document", "action-item", "signoff"]),
    st.dictionaries(st.sampled_from(["doc", "key", "n"]), st.one_of(any_text, st.integers())),
    any_text,
    any_text,
)
def test_a_marker_reads_back_whatever_surrounds_it(
    kind: str, data: dict[str, object], before: str, after: str
) -> None:
    body = f"{before.replace('<!--', '')}\n{make_marker(kind, **data)}\n{after}"
    assert read_marker(body, kind) == data


@SETTINGS
@given(any_text)
def test_reading_markers_never_raises(text: str) -> None:
    list(markers(text))
    read_marker(text, "document")


# ---------------------------------------------------------------------------------------------------------------
# The action-items table: reading never raises; an edit round-trips and keeps every other byte


@SETTINGS
@given(any_text)
def test_reading_any_document_never_raises(text: str) -> None:
    report = read_action_items(f"## Action Items\n\n{text}")
    for item in report.items:
        assert item.line >= 0


@st.composite
def action_table(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A document with an Action Items table of random cells and random line endings; the row texts."""
    rows = draw(st.integers(min_value=1, max_value=6))
    texts = [f"task {i} " + draw(line_text).replace("|", "\\|") for i in range(rows)]
    endings = draw(st.lists(ending, min_size=rows + 8, max_size=rows + 8))
    lines = [
        "## Action Items",
        "",
        "| # | Action | Owner | Issue | Status |",
        "| --- | --- | --- | --- | --- |",
        *[f"| {i + 1} | {text} | @mona |  | Open |" for i, text in enumerate(texts)],
        "",
        "## Lessons",
        draw(line_text),
    ]
    return "".join(line + end for line, end in zip(lines, endings, strict=False)), texts


@SETTINGS
@given(action_table(), st.data())
def test_an_edit_round_trips_and_keeps_every_byte_outside_the_edited_cells(
    table: tuple[str, list[str]], data: st.DataObject
) -> None:
    document, _ = table
    before = read_action_items(document)
    # a row with a NUL cannot be split into cells reliably: reported as a problem, never edited
    assume(before.items)
    chosen = data.draw(st.lists(st.sampled_from(before.items), unique_by=lambda i: i.line, min_size=1))
    values = {item.line: data.draw(line_text) for item in chosen}
    edited = set_cells(document, [CellEdit(line=line, column="issue", value=v) for line, v in values.items()])
    after = read_action_items(edited)
    old_lines, new_lines = split_lines(document), split_lines(edited)
    assert len(old_lines) == len(new_lines)
    issue = before.tables[0].columns["issue"]
    for index, (old, new) in enumerate(zip(old_lines, new_lines, strict=True)):
        assert old.ending == new.ending
        if index not in values:
            assert old.content == new.content
            continue
        old_row, new_row = Row.parse(old.content), Row.parse(new.content)
        assert [c for i, c in enumerate(old_row.cells) if i != issue] == [
            c for i, c in enumerate(new_row.cells) if i != issue
        ]
    by_line = {item.line: item for item in after.items}
    for line, value in values.items():
        assert by_line[line].issue_text == unescape_cell(escaping.cell_source(value))
        assert by_line[line].text == next(i.text for i in before.items if i.line == line)


# ---------------------------------------------------------------------------------------------------------------
# The form parser and the renderer


def _incident(body: str) -> Incident:
    return parse_incident(
        number=7,
        title="Checkout down",
        body=body,
        created_at=datetime(2026, 3, 14, 12, tzinfo=UTC),
        form=default_form(),
    )


FORM = default_form()
LABELS = [field.label for field in FORM.fields]


@st.composite
def issue_body(draw: st.DrawFn) -> str:
    """A rendered issue-form body whose answers are arbitrary text (with arbitrary line endings)."""
    parts = []
    for label in draw(st.lists(st.sampled_from(LABELS), max_size=6)):
        parts.append(f"### {label}\n\n{draw(any_text)}\n\n")
    return draw(ending).join("".join(parts).split("\n"))


@SETTINGS
@given(st.one_of(any_text, issue_body()))
def test_the_form_parser_never_raises_on_any_body(body: str) -> None:
    _incident(body)


TEMPLATE_SECTIONS: list[str] = []


@settings(max_examples=max(1, EXAMPLES // 2), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(issue_body())
def test_rendered_user_text_never_adds_or_removes_a_section(body: str) -> None:
    config = parse_config(None)
    if not TEMPLATE_SECTIONS:
        TEMPLATE_SECTIONS.extend(document_sections(render_document(_incident(""), config)))
    try:
        document = render_document(_incident(body), config)
    except PostmortemError:  # a typed error is allowed; nothing else is
        return
    assert document_sections(document) == TEMPLATE_SECTIONS
