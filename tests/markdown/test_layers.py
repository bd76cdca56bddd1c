"""Unit tables for the markdown layer: lines, fences, sections, frontmatter, markers, escaping contexts."""

from __future__ import annotations

import pytest

from postmortem.action_items.tracking import incident_context
from postmortem.markdown.escaping import block, cell_source, inline, link_texts, table_cell
from postmortem.markdown.fences import closes_fence, fence_for, fence_opening, longest_run
from postmortem.markdown.frontmatter import frontmatter_lines, split_frontmatter
from postmortem.markdown.lines import Line, dominant_ending, join_lines, line_contents, split_lines
from postmortem.markdown.markers import find_marker, marker, markers, read_marker, without_comments
from postmortem.markdown.sections import Section, find_section, sections
from postmortem.markdown.tables import Row, unescape_cell


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", [Line("", "")]),
        ("a", [Line("a", "")]),
        ("a\n", [Line("a", "\n"), Line("", "")]),
        ("a\r\nb\rc\n", [Line("a", "\r\n"), Line("b", "\r"), Line("c", "\n"), Line("", "")]),
        ("\r\r\n", [Line("", "\r"), Line("", "\r\n"), Line("", "")]),
    ],
)
def test_one_rule_for_line_endings(text: str, lines: list[Line]) -> None:
    assert split_lines(text) == lines
    assert line_contents(text) == [line.content for line in lines]


def test_the_dominant_ending_is_the_first_one() -> None:
    assert dominant_ending("a\r\nb\n") == "\r\n"
    assert dominant_ending("no ending") == "\n"


@pytest.mark.parametrize(
    ("line", "opening"),
    [
        ("```", ("```", "")),
        ("  ~~~~ python", ("~~~~", " python")),
        ("``", None),
        ("text ```", None),
        ("````js`", ("````", "js`")),  # the reader decides that a backtick info string opens nothing
    ],
)
def test_fence_openings(line: str, opening: tuple[str, str] | None) -> None:
    assert fence_opening(line) == opening


def test_fence_closing_and_a_fence_that_text_cannot_close() -> None:
    assert closes_fence("  ````  ", "```")
    assert not closes_fence("``", "```")
    assert not closes_fence("~~~", "```")
    assert longest_run("a ```` b ``") == 4
    assert fence_for("a ```` b") == "`````"


DOCUMENT = """---
title: x
---

# Post-Mortem: Checkout down

## Summary

```
## Not a section
```

    ## indented code, not a section

Text
----

> ## Quoted
### Deep
## Action Items
"""


def test_sections_skip_frontmatter_and_code_and_end_at_the_next_heading_of_their_level() -> None:
    found = sections(DOCUMENT)
    assert [(s.line, s.level, s.title) for s in found] == [
        (4, 1, "Post-Mortem: Checkout down"),
        (6, 2, "Summary"),
        (14, 2, "Text"),
        (18, 3, "Deep"),
        (19, 2, "Action Items"),
    ]
    assert found[1] == Section(line=6, end=14, level=2, title="Summary", nested=False)
    assert [s.title for s in sections(DOCUMENT, nested=True)].count("Quoted") == 1
    assert find_section(DOCUMENT, lambda t: t.startswith("Action"))


def test_the_summary_of_a_tracking_issue_skips_headings_in_code() -> None:
    document = "---\ntitle: T\n---\n\n```\n## Summary\nfenced\n```\n\n## Summary\n\nThe real summary.\n"
    assert incident_context(document).summary == "The real summary."


@pytest.mark.parametrize(
    ("text", "count"),
    [("---\na: 1\n---\nbody", 3), ("---\r\na: 1\r\n---\r\n", 3), ("---\na: 1\n---", 3), ("no", 0), ("", 0)],
)
def test_frontmatter_lines(text: str, count: int) -> None:
    assert frontmatter_lines(text) == count
    _, body = split_frontmatter(text)
    assert join_lines(split_lines(text)[count:]) == body


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ('<!-- postmortem:document {"a":1} -->', [("document", '{"a":1}')]),
        ("<!--postmortem:signoff-->", [("signoff", "")]),
        ("<!-- postmortem:Upper -->", []),
        ("<!-- postmortem:x y -->", []),
        ("<!-- postmortem:x {unclosed", []),
        ("<!-- other --><!-- postmortem:a --> <!-- postmortem:b {} -->", [("a", ""), ("b", "{}")]),
        ("<!-- open <!-- postmortem:a -->", []),  # the first comment runs to the first -->
    ],
)
def test_one_marker_format(body: str, found: list[tuple[str, str]]) -> None:
    assert [(kind, data) for kind, data, _, _ in markers(body)] == found


def test_markers_round_trip_and_are_found_and_removed() -> None:
    line = marker("action-item", doc="a--b.md", key="n1")
    assert "--b" not in line
    body = f"before\n{line}\nafter"
    assert read_marker(body, "action-item") == {"doc": "a--b.md", "key": "n1"}
    start, end = find_marker(body, "action-item") or (0, 0)
    assert body[start:end] == line
    assert without_comments(body) == "before\n\nafter"
    assert without_comments("<!-- never closed") == "<!-- never closed"


@pytest.mark.parametrize(
    ("text", "cell", "source"),
    [
        ("a|b", "a\\|b", "a\\|b"),
        ("a\\|b", "a\\\\\\|b", "a\\\\|b"),
        ("multi\nline", "multi line", None),
        ("<h2>x</h2>", "&lt;h2>x&lt;/h2>", "<h2>x</h2>"),
        ("`<h2>`", "`<h2>`", "`<h2>`"),
    ],
)
def test_one_escaper_per_context(text: str, cell: str, source: str | None) -> None:
    assert table_cell(text) == cell
    assert len(Row.parse(f"| {cell} |").cells) == 1
    if source is None:
        with pytest.raises(ValueError, match="line break"):
            cell_source(text)
    else:
        assert cell_source(text) == source
        assert unescape_cell(cell_source(text)) == text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# h", "\\# h"),
        ("> # h", "> \\# h"),
        ("- 1. ## h", "- 1. \\## h"),
        ("a\n===", "a\n\\==="),
        ("```\n# code\n```", "```\n# code\n```"),
        ("#hashtag", "#hashtag"),
        ("<!-- open", "&lt;!-- open"),  # a comment opening is text: nothing hidden, nothing left open
        ("```\nopen", "```\nopen\n```"),
    ],
)
def test_block_escaping(text: str, escaped: str) -> None:
    assert block(text) == escaped


def test_inline_and_links() -> None:
    assert inline("  a \n\t b  ") == "a b"
    assert (
        link_texts("see [the doc](https://x) and ![img](y.png) [no link]") == "see the doc and img [no link]"
    )
