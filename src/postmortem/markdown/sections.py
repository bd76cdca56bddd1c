"""Sections: one finder for a document's headings and the lines each heading's section spans.

Headings are the ones markdown-it's block parser reports (ATX ``##`` and setext), so a heading-like line in a
fenced or indented code block, in an HTML block or escaped (``\\##``) never starts or ends a section. The
frontmatter block is skipped (its closing ``---`` would otherwise read as a setext underline). Line numbers are
those of :func:`postmortem.markdown.lines.split_lines` on the whole text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markdown_it.token import Token

from postmortem.markdown.fences import block_tokens
from postmortem.markdown.frontmatter import frontmatter_lines
from postmortem.markdown.lines import join_lines, split_lines

__all__ = ["Section", "body_tokens", "find_section", "sections", "sections_from_tokens"]

BOM = "\ufeff"


@dataclass(frozen=True)
class Section:
    """A heading and the lines up to the next heading of the same or a higher level."""

    line: int
    """0-based line of the heading (for a setext heading, its text line)."""
    end: int
    """Line after the section's last line (the next heading of level <= this one, or the line count)."""
    level: int
    title: str
    """The heading's text as written (inline Markdown source), trimmed."""
    nested: bool
    """The heading is inside a blockquote or list item."""


def body_tokens(text: str) -> tuple[list[Token], int, int]:
    """Block tokens of the text after the frontmatter (and a BOM), the offset of its first line, the line count.

    Token ``map`` lines are relative to the body; add the offset for lines of ``text``.
    """
    offset = frontmatter_lines(text)
    body = text
    if offset:
        body = _skip_lines(text, offset)
    body = body.removeprefix(BOM)
    line_count = offset + len(split_lines(body))
    return block_tokens(body), offset, line_count


def _skip_lines(text: str, count: int) -> str:
    return join_lines(split_lines(text)[count:])


def sections_from_tokens(
    tokens: list[Token], line_count: int, *, offset: int = 0, nested: bool = False
) -> list[Section]:
    """Every heading in ``tokens`` with its section; ``nested`` also counts headings inside quotes and lists."""
    found: list[tuple[int, int, str, bool]] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None:
            continue
        inside = token.level > 0
        if inside and not nested:
            continue
        title = tokens[index + 1].content.strip() if index + 1 < len(tokens) else ""
        found.append((token.map[0] + offset, int(token.tag[1]), title, inside))
    ends = [line_count] * len(found)
    open_: list[int] = []  # positions whose end is not known yet, levels strictly increasing
    for position, (line, level, _, _) in enumerate(found):
        while open_ and found[open_[-1]][1] >= level:
            ends[open_.pop()] = line
        open_.append(position)
    return [
        Section(line, ends[i], level, title, inside) for i, (line, level, title, inside) in enumerate(found)
    ]


def sections(text: str, *, nested: bool = False) -> list[Section]:
    """The document's sections in order (frontmatter skipped); ``nested`` as in :func:`sections_from_tokens`."""
    tokens, offset, line_count = body_tokens(text)
    return sections_from_tokens(tokens, line_count, offset=offset, nested=nested)


def find_section(
    text: str, title: Callable[[str], bool], *, levels: tuple[int, ...] = (2,)
) -> Section | None:
    """The first top-level section whose level is in ``levels`` and whose title satisfies ``title``."""
    return next((s for s in sections(text) if s.level in levels and title(s.title)), None)
